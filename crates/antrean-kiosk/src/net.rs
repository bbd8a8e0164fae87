//! The coordinator connection: a background thread with a small tokio runtime owns the
//! `antrean-client` connection, reconnects with backoff (resync = a fresh `welcome` and
//! `snapshot`), and talks to the bevy app through two bounded channels. A `waker` callback
//! wakes the (reactive, normally sleeping) bevy event loop when something arrives.
//!
//! **A connection is alive only while the coordinator answers.** A socket can stay open to a
//! coordinator that no longer reads it (a frozen process, a hung host, a cable pulled
//! somewhere between two switches): the kiosk would show "connected" and let taps wait
//! forever. So every wait has a bound — connecting ([`CONNECT_TIMEOUT`]), a ticket
//! ([`ISSUE_DEADLINE`]), any other request ([`ANSWER_TIMEOUT`]) — and a connection that has
//! been silent for [`PROBE_AFTER`] is asked for the queue figures; a bound that passes
//! closes the connection, the UI hears `Disconnected`, and the reconnect loop takes over
//! until a coordinator answers again.
//!
//! **A ticket request is never given up while its answer may still exist.** The visitor is
//! told after [`ISSUE_DEADLINE`] (`TicketFailed`), but the request is kept and sent again,
//! with the same id, on the next connection for [`LATE_ANSWER_WINDOW`]: the coordinator
//! answers a repeated id with the first result (docs/protocol.md), so a ticket committed
//! while the kiosk could not hear the answer reaches the kiosk once (`TicketIssued`), and a
//! request that never arrived is carried out once. The UI shows and prints it only while the
//! visitor's session still waits for that id; when the visitor leaves, it sends
//! [`NetCommand::Abandon`] and the request is dropped.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use antrean_client::{Client, ClientError};
use antrean_protocol::{
    Auth, CatalogDto, EventDto, PrinterHealth, PublishedIkmDto, Request, ResultDto, ServerMessage,
    ServiceStatus, TicketView,
};
use tokio::sync::mpsc;

use crate::model::{IssuedTicket, Rejection};

/// Commands the UI may have in flight. A visitor takes one ticket at a time and printer
/// reports are rare; 16 only absorbs a burst of taps.
pub const COMMAND_QUEUE_LEN: usize = 16;
/// Events waiting for the UI. The UI drains them every frame; queue updates are dropped
/// (the next one supersedes them) when the UI is behind, ticket answers never are.
pub const EVENT_QUEUE_LEN: usize = 64;
pub use antrean_client::{RECONNECT_DELAY_MAX, RECONNECT_DELAY_MIN};
/// How long a visitor waits for a committed ticket, reconnects included, before the kiosk
/// says it is offline. A group commit takes milliseconds. A connection that does not answer
/// a ticket request within this is closed (the coordinator is not answering on it).
pub const ISSUE_DEADLINE: Duration = Duration::from_secs(10);
/// How long any other request (queue figures, the liveness probe, a printer report) may
/// wait for its answer before the connection counts as dead. A read is answered within
/// milliseconds on a LAN; the bound only trips when the coordinator is frozen or gone.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection silent this long is probed with a `queue_status` read. With
/// [`ANSWER_TIMEOUT`], a kiosk notices a coordinator that stopped answering within 10 s
/// even when nobody taps; one small read every 5 s costs the coordinator nothing.
pub const PROBE_AFTER: Duration = Duration::from_secs(5);
/// Bound on connecting: TCP, the WebSocket upgrade and `hello` → `welcome`. A frozen
/// coordinator's kernel still accepts TCP connections, but nothing answers the upgrade.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long after the tap a ticket request the visitor was told failed is still sent again
/// (same id) on a new connection: long enough for a visitor who waits at the offline
/// screen, short enough that a coordinator back after a long outage does not hand out a
/// number to an empty kiosk.
pub const LATE_ANSWER_WINDOW: Duration = Duration::from_secs(120);
/// Queue figures (waiting per service) are refreshed at most this often.
const QUEUE_REFRESH_INTERVAL: Duration = Duration::from_secs(2);
/// Calls kept for the attract screen (the coordinator sends the last ten).
const RECENT_CALLS_MAX: usize = 10;

/// From the UI to the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetCommand {
    /// Take a ticket. `request_id` is the idempotency key: a retry after a reconnect never
    /// takes a second number.
    IssueTicket {
        /// Unique id.
        request_id: String,
        /// Service code.
        service: String,
        /// Priority class code.
        priority: Option<String>,
    },
    /// Check a booked visitor in with their code (typed or scanned); answered like a
    /// ticket request. `request_id` is the idempotency key.
    CheckIn {
        /// Unique id.
        request_id: String,
        /// The booking code.
        code: String,
        /// Priority class the visitor chose (key), if any.
        priority: Option<String>,
    },
    /// Report the printer's health to the coordinator (officers see it as an alert).
    ReportPrinter {
        /// Health.
        health: PrinterHealth,
        /// Which fault, in Indonesian, when the health alone does not say.
        detail: Option<String>,
    },
    /// The visitor who waited for `request_id` has gone (the session ended without an
    /// answer): do not send it again on the next connection.
    Abandon {
        /// The request given up.
        request_id: String,
    },
}

/// From the connection to the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum NetEvent {
    /// Connected (again); the catalog may have changed.
    Connected {
        /// The site catalog with every service's standard.
        catalog: Box<CatalogDto>,
    },
    /// The connection is gone; the kiosk must not hand out numbers.
    Disconnected {
        /// Why, for the log.
        reason: String,
    },
    /// Fresh queue figures.
    Queue {
        /// Waiting and issued per service.
        services: Vec<ServiceStatus>,
        /// Latest calls, newest first.
        recent_calls: Vec<TicketView>,
        /// The quarter's published satisfaction index, once there are ratings.
        ikm: Option<PublishedIkmDto>,
    },
    /// A ticket is committed (possibly after a `TicketFailed` for the same request: the
    /// answer came on a later connection).
    TicketIssued {
        /// The request it answers.
        request_id: String,
        /// The ticket.
        ticket: IssuedTicket,
        /// From sending the request to the committed answer.
        latency: Duration,
    },
    /// The coordinator refused (closed, break, quota...).
    TicketRejected {
        /// The request it answers.
        request_id: String,
        /// Why.
        rejection: Rejection,
    },
    /// No answer within [`ISSUE_DEADLINE`]: treat as offline. The request is still sent
    /// again on the next connection within [`LATE_ANSWER_WINDOW`] (same id), unless the UI
    /// abandons it.
    TicketFailed {
        /// The request it answers.
        request_id: String,
        /// Why, for the log.
        reason: String,
    },
}

/// Wakes the UI event loop (a no-op in tests that pump the app themselves).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The UI's ends of the channels.
pub struct NetHandle {
    /// Commands to the connection.
    pub commands: mpsc::Sender<NetCommand>,
    /// Events from the connection.
    pub events: Receiver<NetEvent>,
}

/// Starts the connection thread. It ends when the UI drops its command sender.
pub fn spawn(url: String, token: String, waker: Waker) -> NetHandle {
    let (command_tx, command_rx) = mpsc::channel(COMMAND_QUEUE_LEN);
    let (event_tx, event_rx) = std::sync::mpsc::sync_channel(EVENT_QUEUE_LEN);
    std::thread::Builder::new()
        .name("kiosk-net".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime");
            let outbox = Outbox {
                events: event_tx,
                waker,
            };
            runtime.block_on(run(url, token, command_rx, outbox));
        })
        .expect("spawn the network thread");
    NetHandle {
        commands: command_tx,
        events: event_rx,
    }
}

struct Outbox {
    events: SyncSender<NetEvent>,
    waker: Waker,
}

impl Outbox {
    /// Sends an event the UI must see (blocks while the UI catches up), then wakes the UI:
    /// the event is queued before the frame that reads it is asked for.
    fn must(&self, event: NetEvent) -> bool {
        let sent = self.events.send(event).is_ok();
        (self.waker)();
        sent
    }

    /// Sends an event that a later one supersedes.
    fn may(&self, event: NetEvent) -> bool {
        let sent = !matches!(
            self.events.try_send(event),
            Err(TrySendError::Disconnected(_))
        );
        (self.waker)();
        sent
    }
}

/// A ticket request waiting for its committed answer, kept across reconnects.
struct PendingIssue {
    request_id: String,
    request: Request,
    started: Instant,
    /// The UI was told `TicketFailed`; an answer now is a late one.
    failure_reported: bool,
}

impl PendingIssue {
    fn new(request_id: String, request: Request) -> PendingIssue {
        PendingIssue {
            request_id,
            request,
            started: Instant::now(),
            failure_reported: false,
        }
    }
}

/// Why a connection ended.
enum SessionEnd {
    UiGone,
    Lost(String),
}

async fn run(url: String, token: String, mut commands: mpsc::Receiver<NetCommand>, outbox: Outbox) {
    let mut backoff = antrean_client::Backoff::default();
    let mut pending: Option<PendingIssue> = None;
    // Whether the UI may believe it is online (so that the first failure is reported once).
    let mut ui_online = true;
    loop {
        let auth = Auth::Kiosk {
            token: token.clone(),
        };
        let attempt = tokio::time::timeout(CONNECT_TIMEOUT, Client::connect(&url, auth));
        tokio::pin!(attempt);
        // A visitor's deadline may pass while an attempt hangs on a frozen coordinator.
        let attempt = loop {
            let deadline = pending_deadline(&pending);
            tokio::select! {
                result = &mut attempt => break result,
                _ = sleep_until_some(deadline) => expire_pending(&mut pending, &outbox),
            }
        };
        let lost = match attempt {
            Ok(Ok(mut client)) => {
                backoff.reset();
                let end = connected(
                    &mut client,
                    &mut commands,
                    &outbox,
                    &mut pending,
                    &mut ui_online,
                )
                .await;
                match end {
                    SessionEnd::UiGone => return,
                    SessionEnd::Lost(reason) => Some(reason),
                }
            }
            Ok(Err(error)) => Some(format!("cannot connect to the coordinator: {error}")),
            Err(_) => Some(format!(
                "the coordinator did not accept the connection within {CONNECT_TIMEOUT:?}"
            )),
        };
        if let Some(reason) = lost
            && ui_online
        {
            ui_online = false;
            tracing::warn!("offline: {reason}");
            if !outbox.must(NetEvent::Disconnected { reason }) {
                return;
            }
        }
        // While offline, answer ticket requests promptly instead of letting them wait.
        let wait_until = tokio::time::Instant::now() + backoff.next_delay();
        loop {
            expire_pending(&mut pending, &outbox);
            tokio::select! {
                _ = tokio::time::sleep_until(wait_until) => break,
                _ = sleep_until_some(pending_deadline(&pending)) => {}
                command = commands.recv() => match command {
                    None => return,
                    Some(command) => queue_while_offline(command, &mut pending, &outbox),
                },
            }
        }
    }
}

/// A fresh connection: first the answer to a ticket request still pending from before
/// (so that a late ticket reaches the UI before it leaves the offline screen), then
/// `Connected`, then the session.
async fn connected(
    client: &mut Client,
    commands: &mut mpsc::Receiver<NetCommand>,
    outbox: &Outbox,
    pending: &mut Option<PendingIssue>,
    ui_online: &mut bool,
) -> SessionEnd {
    if let Some(issue) = pending.take()
        && let Err(end) = issue_ticket(client, issue, outbox, pending).await
    {
        return end;
    }
    *ui_online = true;
    if !outbox.must(NetEvent::Connected {
        catalog: Box::new(client.welcome.catalog.clone()),
    }) {
        return SessionEnd::UiGone;
    }
    session(client, commands, outbox, pending).await
}

async fn session(
    client: &mut Client,
    commands: &mut mpsc::Receiver<NetCommand>,
    outbox: &Outbox,
    pending: &mut Option<PendingIssue>,
) -> SessionEnd {
    let mut queue = QueueFigures::default();
    let mut refresh = tokio::time::interval(QUEUE_REFRESH_INTERVAL);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The last time the coordinator said anything on this connection.
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { return SessionEnd::UiGone };
                let result = match command {
                    NetCommand::IssueTicket { request_id, service, priority } => {
                        let request = Request::IssueTicket { service, priority };
                        issue_ticket(client, PendingIssue::new(request_id, request), outbox, pending).await
                    }
                    NetCommand::CheckIn { request_id, code, priority } => {
                        let request = Request::CheckIn { code, priority };
                        issue_ticket(client, PendingIssue::new(request_id, request), outbox, pending).await
                    }
                    NetCommand::ReportPrinter { health, detail } => {
                        let report = Request::DeviceStatus { printer: health, detail };
                        answer(client, report).await.map(|_| ())
                    }
                    // Nothing waits on a live connection: answers come before the next command.
                    NetCommand::Abandon { .. } => Ok(()),
                };
                if let Err(end) = result {
                    return end;
                }
                heard = tokio::time::Instant::now();
            }
            message = client.next_message() => match message {
                Ok(message) => {
                    heard = tokio::time::Instant::now();
                    if queue.apply(message)
                        && !outbox.may(queue.event())
                    {
                        return SessionEnd::UiGone;
                    }
                }
                Err(error) => return SessionEnd::Lost(error.to_string()),
            },
            _ = refresh.tick(), if queue.stale => {
                if let Err(end) = refresh_figures(client, &mut queue, outbox, true).await {
                    return end;
                }
                heard = tokio::time::Instant::now();
            }
            // Silence: is anyone there? The figures double as the probe; they reach the UI
            // only when they changed (each UI wake draws a frame).
            _ = tokio::time::sleep_until(heard + PROBE_AFTER) => {
                if let Err(end) = refresh_figures(client, &mut queue, outbox, false).await {
                    return end;
                }
                heard = tokio::time::Instant::now();
            }
        }
    }
}

/// A request other than a ticket, bounded by [`ANSWER_TIMEOUT`]. A refusal is an answer;
/// silence or a broken socket ends the connection.
async fn answer(client: &mut Client, request: Request) -> Result<Option<ResultDto>, SessionEnd> {
    match tokio::time::timeout(ANSWER_TIMEOUT, client.request(request)).await {
        Ok(Ok(result)) => Ok(Some(result)),
        Ok(Err(ClientError::Rejected { .. })) => Ok(None),
        Ok(Err(error)) => Err(SessionEnd::Lost(error.to_string())),
        Err(_) => Err(SessionEnd::Lost(format!(
            "the coordinator did not answer within {ANSWER_TIMEOUT:?}"
        ))),
    }
}

/// Reads the waiting counts; tells the UI when `always` or when they changed.
async fn refresh_figures(
    client: &mut Client,
    queue: &mut QueueFigures,
    outbox: &Outbox,
    always: bool,
) -> Result<(), SessionEnd> {
    let result = answer(client, Request::QueueStatus).await?;
    queue.stale = false;
    if let Some(ResultDto::QueueStatus { services, ikm, .. }) = result {
        let changed = queue.services != services || queue.ikm != ikm;
        queue.ikm = ikm;
        queue.services = services;
        if (always || changed) && !outbox.may(queue.event()) {
            return Err(SessionEnd::UiGone);
        }
    }
    Ok(())
}

/// Sends `issue` and reports the committed answer. Without an answer (a lost connection,
/// or none within the deadline: the connection is then closed) the request stays pending
/// with the same id for the next connection.
async fn issue_ticket(
    client: &mut Client,
    issue: PendingIssue,
    outbox: &Outbox,
    pending: &mut Option<PendingIssue>,
) -> Result<(), SessionEnd> {
    // The visitor's deadline; a request already reported as failed is a question about
    // the past and gets the ordinary bound.
    let wait = if issue.failure_reported {
        ANSWER_TIMEOUT
    } else {
        ISSUE_DEADLINE.saturating_sub(issue.started.elapsed())
    };
    let answer = tokio::time::timeout(
        wait,
        client.request_with_id(&issue.request_id, issue.request.clone()),
    )
    .await;
    let event = match answer {
        Ok(Ok(result)) => match IssuedTicket::from_result(&result) {
            Some(ticket) => {
                if issue.failure_reported {
                    tracing::warn!(
                        "late answer for {}: ticket {} (committed while the kiosk could not hear it)",
                        issue.request_id,
                        ticket.number
                    );
                }
                NetEvent::TicketIssued {
                    request_id: issue.request_id,
                    ticket,
                    latency: issue.started.elapsed(),
                }
            }
            None => NetEvent::TicketFailed {
                request_id: issue.request_id,
                reason: format!("unexpected answer {result:?}"),
            },
        },
        Ok(Err(ClientError::Rejected {
            code,
            message,
            message_en,
        })) => NetEvent::TicketRejected {
            request_id: issue.request_id,
            rejection: Rejection {
                code,
                message,
                message_en,
            },
        },
        Ok(Err(error)) => {
            *pending = Some(issue);
            return Err(SessionEnd::Lost(error.to_string()));
        }
        Err(_) => {
            // A coordinator that takes seconds over a commit is not answering on this
            // socket: drop it, say offline, and ask again on a fresh connection.
            *pending = Some(issue);
            return Err(SessionEnd::Lost(format!(
                "no answer to a ticket request within {wait:?}"
            )));
        }
    };
    if outbox.must(event) {
        Ok(())
    } else {
        Err(SessionEnd::UiGone)
    }
}

fn queue_while_offline(command: NetCommand, pending: &mut Option<PendingIssue>, outbox: &Outbox) {
    match command {
        // Offline: no ticket without a commit. Tell the UI at once — but keep the request
        // for the next connection like one that timed out: it comes here when the tap
        // raced the loss of the link (the UI still showed online, e.g. while a liveness
        // probe was waiting on a frozen coordinator), and the visitor waits at the offline
        // screen for it. A newer request replaces an older one (one visitor at a time).
        NetCommand::IssueTicket {
            request_id,
            service,
            priority,
        } => {
            let request = Request::IssueTicket { service, priority };
            fail_and_keep(PendingIssue::new(request_id, request), pending, outbox);
        }
        NetCommand::CheckIn {
            request_id,
            code,
            priority,
        } => {
            let request = Request::CheckIn { code, priority };
            fail_and_keep(PendingIssue::new(request_id, request), pending, outbox);
        }
        // Printer reports are best effort; the next print attempt reports again.
        NetCommand::ReportPrinter { .. } => {}
        NetCommand::Abandon { request_id } => {
            if pending.as_ref().is_some_and(|p| p.request_id == request_id) {
                tracing::info!("request {request_id} abandoned by the visitor; not sent again");
                *pending = None;
            }
        }
    }
}

/// Tells the UI `issue` failed and keeps it, with the same id, for a late answer.
fn fail_and_keep(mut issue: PendingIssue, pending: &mut Option<PendingIssue>, outbox: &Outbox) {
    issue.failure_reported = true;
    outbox.must(NetEvent::TicketFailed {
        request_id: issue.request_id.clone(),
        reason: "coordinator unreachable".into(),
    });
    *pending = Some(issue);
}

/// When [`expire_pending`] has something to do next.
fn pending_deadline(pending: &Option<PendingIssue>) -> Option<Instant> {
    pending.as_ref().map(|issue| {
        issue.started
            + if issue.failure_reported {
                LATE_ANSWER_WINDOW
            } else {
                ISSUE_DEADLINE
            }
    })
}

/// Sleeps until `at`, or forever.
async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Tells the UI when a pending request passes the visitor's deadline, and forgets it once
/// it is too old to be sent again.
fn expire_pending(pending: &mut Option<PendingIssue>, outbox: &Outbox) {
    let Some(issue) = pending.as_mut() else {
        return;
    };
    let age = issue.started.elapsed();
    if !issue.failure_reported && age >= ISSUE_DEADLINE {
        issue.failure_reported = true;
        outbox.must(NetEvent::TicketFailed {
            request_id: issue.request_id.clone(),
            reason: "coordinator unreachable".into(),
        });
    } else if issue.failure_reported && age >= LATE_ANSWER_WINDOW {
        tracing::warn!(
            "request {} dropped after {age:?} without an answer",
            issue.request_id
        );
        *pending = None;
    }
}

/// Queue figures for the attract and picker screens, kept from the snapshot and events.
#[derive(Default)]
struct QueueFigures {
    services: Vec<ServiceStatus>,
    recent_calls: Vec<TicketView>,
    ikm: Option<PublishedIkmDto>,
    /// An event changed the waiting counts; refresh them with a `queue_status` read.
    stale: bool,
}

impl QueueFigures {
    /// The figures for the UI.
    fn event(&self) -> NetEvent {
        NetEvent::Queue {
            services: self.services.clone(),
            recent_calls: self.recent_calls.clone(),
            ikm: self.ikm.clone(),
        }
    }

    /// Applies a message; true when the UI should get new figures now.
    fn apply(&mut self, message: ServerMessage) -> bool {
        match message {
            ServerMessage::Snapshot { state, .. } => {
                self.ikm = state.ikm;
                self.services = state.services;
                self.recent_calls = state.recent_calls;
                self.recent_calls.truncate(RECENT_CALLS_MAX);
                true
            }
            ServerMessage::Event { event, ticket, .. } => {
                let called = matches!(
                    event,
                    EventDto::TicketCalled { .. } | EventDto::TicketRecalled { .. }
                );
                if let (true, Some(ticket)) = (called, ticket) {
                    self.recent_calls.retain(|t| t.id != ticket.id);
                    self.recent_calls.insert(0, ticket);
                    self.recent_calls.truncate(RECENT_CALLS_MAX);
                    self.stale = true;
                    return true;
                }
                self.stale = true;
                false
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_protocol::StateDto;

    fn published() -> PublishedIkmDto {
        PublishedIkmDto {
            period_id: "Triwulan IV 2026".into(),
            respondents: 384,
            ikm: 80.42,
            ikm_text: "80,42".into(),
            mutu: "B".into(),
            kinerja: "Baik".into(),
            target_respondents: 0,
        }
    }

    #[test]
    fn the_snapshot_brings_the_published_ikm_to_the_attract_screen() {
        let mut figures = QueueFigures::default();
        let state = StateDto {
            day: Some("2026-11-30".into()),
            scope: "public".into(),
            services: Vec::new(),
            recent_calls: Vec::new(),
            tickets: Vec::new(),
            counters: Vec::new(),
            ikm: Some(published()),
            alerts: Vec::new(),
        };
        let changed = figures.apply(ServerMessage::Snapshot {
            id: None,
            seq: 7,
            state: Box::new(state),
            at_ms: None,
        });
        assert!(changed);
        let NetEvent::Queue { ikm, .. } = figures.event() else {
            panic!("queue figures")
        };
        assert_eq!(ikm, Some(published()));
    }

    fn pending(age: Duration, failure_reported: bool) -> Option<PendingIssue> {
        Some(PendingIssue {
            request_id: "r1".into(),
            request: Request::IssueTicket {
                service: "ktp-el-baru".into(),
                priority: None,
            },
            started: Instant::now().checked_sub(age).expect("uptime"),
            failure_reported,
        })
    }

    fn outbox() -> (Outbox, Receiver<NetEvent>) {
        let (events, rx) = std::sync::mpsc::sync_channel(4);
        let waker: Waker = Arc::new(|| {});
        (Outbox { events, waker }, rx)
    }

    /// Past the visitor's deadline the UI hears `TicketFailed` once; the request is kept
    /// (same id) for the next connection until the late-answer window ends.
    #[test]
    fn a_request_past_its_deadline_is_reported_once_and_kept_for_a_late_answer() {
        let (outbox, rx) = outbox();
        let mut issue = pending(ISSUE_DEADLINE + Duration::from_secs(1), false);
        expire_pending(&mut issue, &outbox);
        assert!(
            matches!(rx.try_recv(), Ok(NetEvent::TicketFailed { request_id, .. }) if request_id == "r1")
        );
        assert!(issue.as_ref().is_some_and(|i| i.failure_reported));
        expire_pending(&mut issue, &outbox);
        assert!(rx.try_recv().is_err(), "reported once");
        assert!(issue.is_some());

        let mut old = pending(LATE_ANSWER_WINDOW + Duration::from_secs(1), true);
        expire_pending(&mut old, &outbox);
        assert!(old.is_none(), "too old to send again");
        assert!(rx.try_recv().is_err());
    }

    /// A tap that reaches the network thread after the link was lost (it raced a probe
    /// that found the coordinator frozen) is failed at once and kept for a late answer.
    #[test]
    fn a_request_made_while_offline_fails_at_once_and_is_kept() {
        let (outbox, rx) = outbox();
        let mut pending = None;
        let command = NetCommand::IssueTicket {
            request_id: "r2".into(),
            service: "ktp-el-baru".into(),
            priority: None,
        };
        queue_while_offline(command, &mut pending, &outbox);
        assert!(
            matches!(rx.try_recv(), Ok(NetEvent::TicketFailed { request_id, .. }) if request_id == "r2")
        );
        let kept = pending.expect("kept for the next connection");
        assert_eq!(kept.request_id, "r2");
        assert!(kept.failure_reported, "not reported a second time");
    }

    /// The visitor left: the request is not sent again; another id leaves it alone.
    #[test]
    fn an_abandoned_request_is_dropped() {
        let (outbox, _rx) = outbox();
        let mut issue = pending(Duration::from_secs(11), true);
        let abandon = |id: &str| NetCommand::Abandon {
            request_id: id.into(),
        };
        queue_while_offline(abandon("other"), &mut issue, &outbox);
        assert!(issue.is_some());
        queue_while_offline(abandon("r1"), &mut issue, &outbox);
        assert!(issue.is_none());
    }
}
