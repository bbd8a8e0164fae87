//! The coordinator connection: a background thread with a small tokio runtime owns the
//! `antrean-client` connection, reconnects with backoff (resync = a fresh `welcome` and
//! `snapshot`), and talks to the bevy app through two bounded channels. A `waker` callback
//! wakes the (reactive, normally sleeping) bevy event loop when something arrives.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};

use antrean_client::{Client, ClientError};
use antrean_protocol::{
    Auth, CatalogDto, EventDto, PrinterHealth, PublishedIkmDto, Request, ServerMessage,
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
/// says it is offline. A group commit takes milliseconds.
pub const ISSUE_DEADLINE: Duration = Duration::from_secs(10);
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
    /// A ticket is committed.
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
    /// No answer within [`ISSUE_DEADLINE`]: treat as offline.
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
    /// Sends an event the UI must see (blocks while the UI catches up).
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
}

async fn run(url: String, token: String, mut commands: mpsc::Receiver<NetCommand>, outbox: Outbox) {
    let mut backoff = antrean_client::Backoff::default();
    let mut pending: Option<PendingIssue> = None;
    let mut was_connected = true;
    loop {
        match Client::connect(
            &url,
            Auth::Kiosk {
                token: token.clone(),
            },
        )
        .await
        {
            Ok(client) => {
                backoff.reset();
                if !outbox.must(NetEvent::Connected {
                    catalog: Box::new(client.welcome.catalog.clone()),
                }) {
                    return;
                }
                match session(client, &mut commands, &outbox, &mut pending).await {
                    SessionEnd::UiGone => return,
                    SessionEnd::Lost(reason) => {
                        tracing::warn!("coordinator connection lost: {reason}");
                        was_connected = false;
                        if !outbox.must(NetEvent::Disconnected { reason }) {
                            return;
                        }
                    }
                }
            }
            Err(error) => {
                if was_connected {
                    was_connected = false;
                    tracing::warn!("cannot connect to the coordinator: {error}");
                    if !outbox.must(NetEvent::Disconnected {
                        reason: error.to_string(),
                    }) {
                        return;
                    }
                }
            }
        }
        // While offline, answer ticket requests promptly instead of letting them wait.
        let wait_until = tokio::time::Instant::now() + backoff.next_delay();
        loop {
            expire_pending(&mut pending, &outbox);
            tokio::select! {
                _ = tokio::time::sleep_until(wait_until) => break,
                command = commands.recv() => match command {
                    None => return,
                    Some(command) => queue_while_offline(command, &mut pending, &outbox),
                },
            }
        }
    }
}

enum SessionEnd {
    UiGone,
    Lost(String),
}

async fn session(
    mut client: Client,
    commands: &mut mpsc::Receiver<NetCommand>,
    outbox: &Outbox,
    pending: &mut Option<PendingIssue>,
) -> SessionEnd {
    let mut queue = QueueFigures::default();
    // A request that was in flight when the last connection dropped: resend with the same id.
    if let Some(issue) = pending.take()
        && let Err(lost) = issue_ticket(&mut client, issue, outbox, pending).await
    {
        return lost;
    }
    let mut refresh = tokio::time::interval(QUEUE_REFRESH_INTERVAL);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { return SessionEnd::UiGone };
                let result = match command {
                    NetCommand::IssueTicket { request_id, service, priority } => {
                        let issue = PendingIssue { request_id, request: Request::IssueTicket { service, priority }, started: Instant::now() };
                        issue_ticket(&mut client, issue, outbox, pending).await
                    }
                    NetCommand::CheckIn { request_id, code, priority } => {
                        let issue = PendingIssue { request_id, request: Request::CheckIn { code, priority }, started: Instant::now() };
                        issue_ticket(&mut client, issue, outbox, pending).await
                    }
                    NetCommand::ReportPrinter { health, detail } => {
                        match client.request(Request::DeviceStatus { printer: health, detail }).await {
                            Ok(_) | Err(ClientError::Rejected { .. }) => Ok(()),
                            Err(error) => Err(SessionEnd::Lost(error.to_string())),
                        }
                    }
                };
                if let Err(end) = result {
                    return end;
                }
            }
            message = client.next_message() => match message {
                Ok(message) => {
                    if queue.apply(message)
                        && !outbox.may(queue.event())
                    {
                        return SessionEnd::UiGone;
                    }
                }
                Err(error) => return SessionEnd::Lost(error.to_string()),
            },
            _ = refresh.tick(), if queue.stale => {
                match client.request(Request::QueueStatus).await {
                    Ok(antrean_protocol::ResultDto::QueueStatus { services, ikm, .. }) => {
                        queue.ikm = ikm;
                        queue.services = services;
                        queue.stale = false;
                        if !outbox.may(queue.event()) {
                            return SessionEnd::UiGone;
                        }
                    }
                    Ok(_) | Err(ClientError::Rejected { .. }) => queue.stale = false,
                    Err(error) => return SessionEnd::Lost(error.to_string()),
                }
            }
        }
    }
}

/// Sends `issue` and reports the committed answer. On a lost connection the request stays
/// pending (same id) for the next connection.
async fn issue_ticket(
    client: &mut Client,
    issue: PendingIssue,
    outbox: &Outbox,
    pending: &mut Option<PendingIssue>,
) -> Result<(), SessionEnd> {
    let remaining = ISSUE_DEADLINE.saturating_sub(issue.started.elapsed());
    let answer = tokio::time::timeout(
        remaining,
        client.request_with_id(&issue.request_id, issue.request.clone()),
    )
    .await;
    let event = match answer {
        Ok(Ok(result)) => match IssuedTicket::from_result(&result) {
            Some(ticket) => NetEvent::TicketIssued {
                request_id: issue.request_id,
                ticket,
                latency: issue.started.elapsed(),
            },
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
        Err(_) => NetEvent::TicketFailed {
            request_id: issue.request_id,
            reason: "no answer in time".into(),
        },
    };
    if outbox.must(event) {
        Ok(())
    } else {
        Err(SessionEnd::UiGone)
    }
}

fn queue_while_offline(command: NetCommand, pending: &mut Option<PendingIssue>, outbox: &Outbox) {
    match command {
        // Offline: no ticket without a commit. Tell the UI at once.
        NetCommand::IssueTicket { request_id, .. } | NetCommand::CheckIn { request_id, .. } => {
            outbox.must(NetEvent::TicketFailed {
                request_id,
                reason: "coordinator unreachable".into(),
            });
        }
        // Printer reports are best effort; the next print attempt reports again.
        NetCommand::ReportPrinter { .. } => {}
    }
    let _ = pending;
}

fn expire_pending(pending: &mut Option<PendingIssue>, outbox: &Outbox) {
    if pending
        .as_ref()
        .is_some_and(|p| p.started.elapsed() >= ISSUE_DEADLINE)
    {
        let issue = pending.take().expect("checked above");
        outbox.must(NetEvent::TicketFailed {
            request_id: issue.request_id,
            reason: "coordinator unreachable".into(),
        });
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
}
