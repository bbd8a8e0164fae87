//! One WebSocket connection: handshake, authorization, requests, and the event stream.
//!
//! A session never blocks the committer: its answers arrive on a bounded queue that it
//! cannot overfill (requests in flight are capped below the queue size), and events come
//! from a broadcast ring. A session that falls behind the ring resyncs from a snapshot,
//! buffering the events that arrive meanwhile so none is lost or repeated.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::Poll;
use std::time::Instant;

use antrean_core::{Channel, Command, TicketId};
use antrean_protocol::*;
use antrean_store::PrincipalKind;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::{interval, timeout};

use crate::auth::{AuthError, Authenticator, Principal, valid_name};
use crate::committer::{Broadcast, CommandSpec, Job, Outgoing, Read, now, to_text};
use crate::limits::*;
use crate::metrics::Metrics;

/// What every session shares.
pub struct Shared {
    /// Committer queue.
    pub jobs: mpsc::Sender<Job>,
    /// Event fan-out.
    pub events: broadcast::Sender<Broadcast>,
    /// Credentials.
    pub auth: Arc<Authenticator>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// The catalog sent in `welcome` to kiosks and staff.
    pub catalog: CatalogDto,
    /// The catalog without service standards, for boards and visitors' phones (keeps their
    /// welcome, and so the write buffer each connection keeps, a few KiB).
    pub catalog_compact: CatalogDto,
    /// The full catalog as JSON for `GET /api/catalog`.
    pub catalog_json: String,
    /// The catalog itself, for reports.
    pub core_catalog: Arc<antrean_core::Catalog>,
    /// Report facts kept in memory.
    pub report_facts: Arc<crate::reports::ReportFacts>,
    /// The store, for reports (read-only use).
    pub store: antrean_store::Store,
    /// Report slots (see [`MAX_CONCURRENT_REPORTS`]).
    pub reports: Arc<tokio::sync::Semaphore>,
    /// Becomes true on shutdown.
    pub shutdown: watch::Receiver<bool>,
    /// Sustained request rate per connection (see [`REQUESTS_PER_SECOND`]).
    pub requests_per_second: f64,
    /// Live sessions by principal (cut when credentials change).
    pub sessions: Arc<crate::revocation::Sessions>,
}

/// Requests one session may have waiting for answers; half the answer queue, so the
/// committer's `try_send` never finds it full.
const MAX_IN_FLIGHT: usize = SESSION_QUEUE_MESSAGES / 2;

/// Events written to one socket before a flush. A group commit fans out many events at
/// once; one write for all of them instead of one each is what keeps a burst cheap. Bounded
/// so one session's backlog does not hold its worker thread for long.
const MAX_EVENTS_PER_WRITE: usize = 64;

/// Runs a socket write. Nearly every write completes at once (the socket has room), and
/// arming a timer per write costs more than the write itself when one event goes to
/// thousands of boards: only a write that has to wait gets the [`SEND_TIMEOUT`] deadline.
/// A client whose writes stay stuck that long is a slow consumer: it is counted
/// (`antrean_slow_consumers_total`) and its session ends; nobody else waits for it.
async fn within_send_timeout(
    metrics: &crate::metrics::Metrics,
    write: impl std::future::Future<Output = Result<(), axum::Error>>,
) -> bool {
    let mut write = std::pin::pin!(write);
    match std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await {
        Poll::Ready(result) => result.is_ok(),
        Poll::Pending => match timeout(SEND_TIMEOUT, write).await {
            Ok(result) => result.is_ok(),
            Err(_) => {
                metrics.slow_consumers.fetch_add(1, Relaxed);
                false
            }
        },
    }
}

/// WebSocket close codes (RFC 6455).
mod close {
    pub const GOING_AWAY: u16 = 1001;
    pub const UNSUPPORTED_DATA: u16 = 1003;
    pub const INVALID_DATA: u16 = 1007;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub use crate::revocation::CLOSE_REVOKED as REVOKED;
}

struct Session {
    socket: WebSocket,
    /// The client's address: failed logins are counted per address and name.
    peer: std::net::IpAddr,
    shared: Arc<Shared>,
    out_tx: mpsc::Sender<Outgoing>,
    in_flight: usize,
    last_seen: Instant,
    bucket: TokenBucket,
    /// Set once logged in with a stored credential: revoking it cuts this session.
    cut: Option<Arc<crate::revocation::Cut>>,
    /// The `antrean_session` cookie sent with the upgrade (a browser's login).
    cookie: Option<String>,
    /// The web session this socket logged in with (its cookie's SHA-256): a logout cuts it.
    web_session: Option<String>,
}

/// Runs a session to its end. `_done` is dropped when the session ends (shutdown waits
/// for all of them).
pub async fn run(
    socket: WebSocket,
    peer: std::net::IpAddr,
    cookie: Option<String>,
    shared: Arc<Shared>,
    _slot: ConnectionSlot,
    _done: mpsc::Sender<()>,
) {
    let (out_tx, out_rx) = mpsc::channel(SESSION_QUEUE_MESSAGES);
    let mut session = Session {
        socket,
        peer,
        shared: shared.clone(),
        out_tx,
        in_flight: 0,
        last_seen: Instant::now(),
        bucket: TokenBucket::new(shared.requests_per_second),
        cut: None,
        cookie,
        web_session: None,
    };
    if let Some((principal, subscribe)) = session.handshake().await {
        tracing::debug!(role = principal.role(), name = %principal.name(), "session started");
        // Held to the end of the session: dropping it deregisters.
        let mut keys = crate::revocation::principal_keys(&principal);
        keys.extend(
            session
                .web_session
                .as_deref()
                .map(crate::web_sessions::web_key),
        );
        let registration = (!keys.is_empty()).then(|| shared.sessions.register(keys));
        session.cut = registration.as_ref().map(|r| r.cut.clone());
        // A logout or revocation between finding the web session and registering would
        // have missed this socket: look again now that a cut reaches it.
        let ended = session.cookie.as_deref().is_some_and(|cookie| {
            session.web_session.is_some()
                && shared
                    .sessions
                    .web
                    .find(cookie, crate::committer::now().0)
                    .is_none()
        });
        if ended {
            session
                .close(crate::revocation::CLOSE_REVOKED, "session ended")
                .await;
        } else {
            session.serve(principal, out_rx, subscribe).await;
        }
        drop(registration);
    }
}

/// One of the [`crate::limits::MAX_CONNECTIONS`] connection slots, held from before the
/// upgrade to the end of the session (or given back if the upgrade never completes).
pub struct ConnectionSlot(Arc<crate::metrics::Metrics>);

impl ConnectionSlot {
    /// Takes a slot, or `None` when `max` are taken.
    pub fn take(metrics: &Arc<crate::metrics::Metrics>, max: usize) -> Option<ConnectionSlot> {
        let before = metrics.connections.fetch_add(1, Relaxed);
        if before as usize >= max {
            metrics.connections.fetch_sub(1, Relaxed);
            return None;
        }
        Some(ConnectionSlot(metrics.clone()))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Relaxed);
    }
}

enum Inbound {
    Text(String),
    Other,
    Closed,
    Failed(u16, &'static str),
}

/// Reads one frame (a free function so `select!` can borrow the socket alone).
async fn recv(socket: &mut WebSocket, last_seen: &mut Instant) -> Inbound {
    match socket.recv().await {
        None => Inbound::Closed,
        Some(Ok(Message::Text(text))) => {
            *last_seen = Instant::now();
            Inbound::Text(text.to_string())
        }
        Some(Ok(Message::Close(_))) => Inbound::Closed,
        // The protocol is JSON text; a binary frame is refused, not silently ignored.
        Some(Ok(Message::Binary(_))) => {
            Inbound::Failed(close::UNSUPPORTED_DATA, "binary frames are not supported")
        }
        Some(Ok(_)) => {
            *last_seen = Instant::now();
            Inbound::Other
        }
        Some(Err(err)) => {
            // tungstenite reports oversized and invalid frames as errors without sending
            // a close frame itself; we send the right one.
            let text = err.to_string();
            if text.contains("too long")
                || text.contains("too big")
                || text.contains("Space limit")
                || text.contains("capacity")
            {
                Inbound::Failed(close::TOO_BIG, "message too big")
            } else if text.to_lowercase().contains("utf") {
                Inbound::Failed(close::INVALID_DATA, "invalid UTF-8")
            } else {
                Inbound::Closed
            }
        }
    }
}

impl Session {
    async fn recv(&mut self) -> Inbound {
        recv(&mut self.socket, &mut self.last_seen).await
    }

    async fn send_text(&mut self, text: Utf8Bytes) -> bool {
        within_send_timeout(&self.shared.metrics, self.socket.send(Message::Text(text))).await
    }

    async fn send(&mut self, message: &ServerMessage) -> bool {
        self.send_text(to_text(message)).await
    }

    async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = timeout(SEND_TIMEOUT, self.socket.send(Message::Close(Some(frame)))).await;
    }

    /// Waits for a valid `hello`; answers errors meanwhile. None = connection over.
    /// Returns the principal and whether it subscribes to events.
    async fn handshake(&mut self) -> Option<(Principal, bool)> {
        let deadline = tokio::time::Instant::now() + HANDSHAKE_TIMEOUT;
        loop {
            let inbound = match tokio::time::timeout_at(deadline, self.recv()).await {
                Err(_) => {
                    self.close(close::POLICY, "hello timeout").await;
                    return None;
                }
                Ok(inbound) => inbound,
            };
            let text = match inbound {
                Inbound::Text(text) => text,
                Inbound::Other => continue,
                Inbound::Closed => return None,
                Inbound::Failed(code, reason) => {
                    self.close(code, reason).await;
                    return None;
                }
            };
            let message: ClientMessage = match serde_json::from_str(&text) {
                Ok(m) => m,
                // An unknown role, a number out of range or a missing field: the id still
                // comes back, so the client is not left waiting.
                Err(err) => {
                    self.send(&bad_request(readable_id(&text), &err.to_string()))
                        .await;
                    continue;
                }
            };
            if id_too_long(message.id.as_deref()) {
                self.send(&bad_request(message.id, ID_TOO_LONG)).await;
                continue;
            }
            let Request::Hello {
                protocol,
                auth,
                subscribe,
            } = message.request
            else {
                self.send(&protocol_error(message.id, "hello_required"))
                    .await;
                continue;
            };
            if protocol != PROTOCOL_VERSION {
                self.send(&protocol_error(message.id, "unsupported_protocol"))
                    .await;
                continue;
            }
            match self.login(auth, message.id.clone()).await {
                Ok(principal) => {
                    let welcome = ServerMessage::Welcome {
                        id: message.id,
                        protocol: PROTOCOL_VERSION,
                        role: principal.role().to_owned(),
                        principal: principal.name(),
                        counter: match &principal {
                            Principal::Officer { counter, .. }
                            | Principal::Rating { counter, .. } => Some(counter.clone()),
                            _ => None,
                        },
                        catalog: Box::new(match principal {
                            Principal::Display { .. } | Principal::Public { .. } => {
                                self.shared.catalog_compact.clone()
                            }
                            _ => self.shared.catalog.clone(),
                        }),
                    };
                    if !self.send(&welcome).await {
                        return None;
                    }
                    return Some((principal, subscribe));
                }
                Err(reply) => {
                    if !self.send(&reply).await {
                        return None;
                    }
                }
            }
        }
    }

    async fn login(&mut self, auth: Auth, id: Option<String>) -> Result<Principal, ServerMessage> {
        if let Auth::Session {} = auth {
            let (principal, record) =
                crate::login::resume(&self.shared, self.cookie.as_deref(), id).await?;
            self.web_session = Some(record.token_sha256);
            return Ok(principal);
        }
        crate::login::log_in(&self.shared, auth, self.peer, id).await
    }

    async fn serve(
        &mut self,
        principal: Principal,
        mut out_rx: mpsc::Receiver<Outgoing>,
        subscribe: bool,
    ) {
        let staff = principal.is_staff();
        let manager = matches!(principal, Principal::Manager { .. });
        // A client that does not subscribe listens to a channel nobody sends on.
        let (_silent_tx, silent_rx) = broadcast::channel(1);
        let mut events = if subscribe {
            self.shared.events.subscribe()
        } else {
            silent_rx
        };
        let mut shutdown_rx = self.shared.shutdown.clone();
        // Made once, not per loop turn: a fresh `changed()` each turn registers with and
        // deregisters from the one watch channel every session shares.
        let mut shutdown = std::pin::pin!(shutdown_rx.changed());
        // A session without a stored credential (a visitor's phone) is never cut.
        let mut revoked_rx = self.cut.as_ref().map(|cut| cut.watch());
        let mut revoked = std::pin::pin!(async move {
            match revoked_rx.as_mut() {
                Some(rx) => {
                    let _ = rx.wait_for(|cut| *cut).await;
                }
                None => std::future::pending().await,
            }
        });
        let mut pings = interval(PING_INTERVAL);
        pings.tick().await;
        let mut sync = Sync::Live(0);
        if subscribe {
            // Start like a resync: the snapshot defines where the event stream begins.
            sync = Sync::Resyncing(VecDeque::new());
            self.request_snapshot(staff).await;
        }

        loop {
            tokio::select! {
                _ = &mut shutdown => {
                    self.close(close::GOING_AWAY, "server shutting down").await;
                    return;
                }
                () = &mut revoked => {
                    let _ = self.flush().await;
                    self.close(close::REVOKED, "access revoked: credentials changed or counter closed")
                        .await;
                    return;
                }
                event = events.recv() => {
                    if !self.on_events(event, &mut events, &mut sync, staff, manager).await {
                        return;
                    }
                }
                inbound = recv(&mut self.socket, &mut self.last_seen), if self.in_flight < MAX_IN_FLIGHT => match inbound {
                    Inbound::Text(text) => {
                        // Boxed: requests are rare next to events, and a handler's state
                        // inline would enlarge every idle connection's task.
                        if let Some(reply) = Box::pin(self.handle(&principal, &text, &mut sync)).await
                            && !self.send(&reply).await {
                                return;
                            }
                    }
                    Inbound::Other => {}
                    Inbound::Closed => return,
                    Inbound::Failed(code, reason) => {
                        self.close(code, reason).await;
                        return;
                    }
                },
                Some(out) = out_rx.recv() => {
                    self.in_flight = self.in_flight.saturating_sub(1);
                    if let Some(seq) = out.snapshot_seq {
                        // Resync complete: send the snapshot, then the buffered newer events.
                        if !self.send_text(out.text).await {
                            return;
                        }
                        let buffered = match std::mem::replace(&mut sync, Sync::Live(seq)) {
                            Sync::Resyncing(buffered) => buffered,
                            Sync::Live(_) => VecDeque::new(),
                        };
                        for event in buffered {
                            if !self.feed_event(&mut sync, event).await {
                                return;
                            }
                        }
                        if !self.flush().await {
                            return;
                        }
                    } else if !self.send_text(out.text).await {
                        return;
                    }
                }
                _ = pings.tick() => {
                    if self.last_seen.elapsed() > IDLE_TIMEOUT {
                        self.close(close::POLICY, "idle timeout").await;
                        return;
                    }
                    if !within_send_timeout(&self.shared.metrics, self.socket.send(Message::Ping(Default::default()))).await {
                        return;
                    }
                }
            }
        }
    }

    /// Handles what the event ring gave (`first`) and whatever else is already waiting in it,
    /// up to [`MAX_EVENTS_PER_WRITE`], then flushes once: a group commit's burst of events
    /// reaches each socket in one write. False = the session is over.
    async fn on_events(
        &mut self,
        first: Result<Broadcast, broadcast::error::RecvError>,
        events: &mut broadcast::Receiver<Broadcast>,
        sync: &mut Sync,
        staff: bool,
        manager: bool,
    ) -> bool {
        use broadcast::error::{RecvError, TryRecvError};
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(received) = next.take() {
            match received {
                Ok(event) if (event.staff_only && !staff) || (event.managers_only && !manager) => {}
                Ok(event) => {
                    if let Sync::Resyncing(buffer) = sync {
                        if buffer.len() >= RESYNC_BUFFER_EVENTS {
                            buffer.clear();
                            self.request_snapshot(staff).await;
                        }
                        if let Sync::Resyncing(buffer) = sync {
                            buffer.push_back(event);
                        }
                    } else if !self.feed_event(sync, event).await {
                        return false;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "session lagged; resyncing from a snapshot");
                    if matches!(sync, Sync::Live(_)) {
                        *sync = Sync::Resyncing(VecDeque::new());
                        self.request_snapshot(staff).await;
                    }
                }
                Err(RecvError::Closed) => {
                    let _ = self.flush().await;
                    self.close(close::GOING_AWAY, "server shutting down").await;
                    return false;
                }
            }
            taken += 1;
            if taken < MAX_EVENTS_PER_WRITE {
                next = match events.try_recv() {
                    Ok(event) => Some(Ok(event)),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Lagged(missed)) => Some(Err(RecvError::Lagged(missed))),
                    Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
                };
            }
        }
        self.flush().await
    }

    /// Queues an event for the socket (written on flush, or when the write buffer is full)
    /// unless the snapshot already covered it.
    async fn feed_event(&mut self, sync: &mut Sync, event: Broadcast) -> bool {
        if let Sync::Live(last) = sync
            && event.seq != 0
        {
            if event.seq <= *last {
                return true;
            }
            *last = event.seq;
        }
        within_send_timeout(
            &self.shared.metrics,
            self.socket.feed(Message::Text(event.text)),
        )
        .await
    }

    /// Writes what was fed.
    async fn flush(&mut self) -> bool {
        within_send_timeout(&self.shared.metrics, self.socket.flush()).await
    }

    /// Asks the committer for a snapshot; the answer ends a resync (see [`Sync`]).
    async fn request_snapshot(&mut self, staff: bool) -> bool {
        self.submit(Job::Read {
            read: Read::Snapshot { staff },
            id: None,
            reply: self.out_tx.clone(),
        })
        .await
    }

    async fn submit(&mut self, job: Job) -> bool {
        self.in_flight += 1;
        if self.shared.jobs.send(job).await.is_err() {
            self.in_flight -= 1;
            return false;
        }
        true
    }

    /// Handles one request; returns an immediate reply, or None when the committer answers.
    async fn handle(
        &mut self,
        principal: &Principal,
        text: &str,
        sync: &mut Sync,
    ) -> Option<ServerMessage> {
        if !self.bucket.take() {
            self.shared.metrics.rate_limited.fetch_add(1, Relaxed);
            return Some(protocol_error(readable_id(text), "rate_limited"));
        }
        let message: ClientMessage = match serde_json::from_str(text) {
            Ok(m) => m,
            // An unknown type or a missing field still echoes the id, so the client can
            // tell which of its requests failed.
            Err(err) => return Some(bad_request(readable_id(text), &err.to_string())),
        };
        let id = message.id;
        if id_too_long(id.as_deref()) {
            return Some(bad_request(id, ID_TOO_LONG));
        }
        let request = message.request;
        if matches!(request, Request::Hello { .. }) {
            return Some(protocol_error(id, "already_authenticated"));
        }
        if !principal.may(&request) {
            return Some(protocol_error(id, "forbidden"));
        }
        let staff = principal.is_staff();
        let reply = self.out_tx.clone();
        let request_key = id.as_ref().map(|i| crate::committer::RequestKey {
            key: format!("{}:{}:{i}", principal.role(), principal.name()),
            digest: request_digest(&request),
        });

        // Counter actions: an officer acts on their own counter only.
        let counter = match request_counter(&request) {
            None => None,
            Some(given) => match (principal, given) {
                (Principal::Officer { counter, .. }, None) => Some(counter.clone()),
                (Principal::Officer { counter, .. }, Some(given)) if given == counter => {
                    Some(counter.clone())
                }
                (Principal::Officer { .. }, Some(_)) => {
                    return Some(protocol_error(id, "forbidden"));
                }
                (_, Some(given)) => Some(given.clone()),
                (_, None) => return Some(protocol_error(id, "counter_required")),
            },
        };
        let c = || counter.clone().expect("counter resolved above");

        let spec = match request {
            Request::IssueTicket { service, priority } => {
                let channel = match principal {
                    Principal::Kiosk { .. } => Channel::Kiosk,
                    Principal::Officer { .. } => Channel::Counter,
                    _ => Channel::Api,
                };
                CommandSpec::Ready(Command::IssueTicket {
                    service,
                    priority,
                    channel,
                })
            }
            Request::CallNext { .. } => CommandSpec::Ready(Command::CallNext { counter: c() }),
            Request::CallTicket { ticket, .. } => {
                let counter = c();
                CommandSpec::WithTicket(
                    ticket,
                    Box::new(move |t| Command::CallSpecific { counter, ticket: t }),
                )
            }
            Request::Recall { .. } => CommandSpec::Ready(Command::Recall { counter: c() }),
            Request::Start { .. } => CommandSpec::Ready(Command::StartService { counter: c() }),
            Request::Finish { .. } => CommandSpec::Ready(Command::FinishService { counter: c() }),
            Request::NoShow { .. } => CommandSpec::Ready(Command::MarkNoShow { counter: c() }),
            Request::Transfer {
                service, to_front, ..
            } => CommandSpec::Ready(Command::Transfer {
                counter: c(),
                to_service: service,
                to_front,
            }),
            Request::Park { .. } => CommandSpec::Ready(Command::Park { counter: c() }),
            Request::Pause { .. } => CommandSpec::Ready(Command::PauseCounter { counter: c() }),
            Request::Resume { .. } => CommandSpec::Ready(Command::ResumeCounter { counter: c() }),
            Request::CloseCounter { .. } => {
                CommandSpec::Ready(Command::CloseCounter { counter: c() })
            }
            Request::Unpark { ticket } => {
                CommandSpec::WithTicket(ticket, Box::new(|t| Command::Unpark { ticket: t }))
            }
            Request::Reinstate { ticket } => {
                CommandSpec::WithTicket(ticket, Box::new(|t| Command::Reinstate { ticket: t }))
            }
            Request::Cancel { ticket } => {
                let by_counter = match principal {
                    Principal::Officer { counter, .. } => Some(counter.clone()),
                    _ => None,
                };
                CommandSpec::WithTicket(
                    ticket,
                    Box::new(move |t| Command::Cancel {
                        ticket: t,
                        by_counter,
                    }),
                )
            }
            Request::Snapshot => {
                *sync = Sync::Resyncing(VecDeque::new());
                self.submit(Job::Read {
                    read: Read::Snapshot { staff },
                    id,
                    reply,
                })
                .await;
                return None;
            }
            Request::QueueStatus => {
                self.submit(Job::Read {
                    read: Read::QueueStatus,
                    id,
                    reply,
                })
                .await;
                return None;
            }
            Request::GetTicket { ticket } => {
                let (ticket, with_token) = match (principal, ticket) {
                    (Principal::Public { ticket: own }, None) => (TicketRef::Id(*own), false),
                    (Principal::Public { ticket: own }, Some(TicketRef::Id(t))) if t == *own => {
                        (TicketRef::Id(*own), false)
                    }
                    (Principal::Public { .. }, Some(_)) => {
                        return Some(protocol_error(id, "forbidden"));
                    }
                    (_, None) => return Some(bad_request(id, "get_ticket needs a ticket")),
                    (_, Some(t)) => (t, receives_ticket_tokens(principal)),
                };
                self.submit(Job::Read {
                    read: Read::Ticket { ticket, with_token },
                    id,
                    reply,
                })
                .await;
                return None;
            }
            Request::DeviceStatus { printer, detail } => {
                let detail = detail.map(|d| d.chars().take(200).collect());
                let alert = DeviceAlert {
                    device: principal.name(),
                    printer,
                    detail,
                    at_ms: now().0,
                };
                if self.shared.jobs.send(Job::Alert(alert)).await.is_err() {
                    return Some(protocol_error(id, "shutting_down"));
                }
                return Some(ok(id, ResultDto::Accepted));
            }
            Request::EnrollDevice { .. }
            | Request::RevokeDevice { .. }
            | Request::SetOfficer { .. }
            | Request::RemoveOfficer { .. }
            | Request::ListPrincipals => {
                return Some(self.admin(request, id).await);
            }
            Request::Rate { ticket, rating } => {
                use antrean_core::rating::RatingSource;
                let (ticket, source, at_counter) = match (principal, ticket) {
                    (Principal::Public { ticket: own }, None) => {
                        (TicketRef::Id(*own), RatingSource::TicketPage, None)
                    }
                    (Principal::Public { ticket: own }, Some(TicketRef::Id(t))) if t == *own => {
                        (TicketRef::Id(*own), RatingSource::TicketPage, None)
                    }
                    (Principal::Rating { counter, .. }, Some(t)) => {
                        (t, RatingSource::Counter, Some(counter.clone()))
                    }
                    (Principal::Rating { .. }, None) => {
                        return Some(bad_request(id, "rate needs a ticket"));
                    }
                    _ => return Some(protocol_error(id, "forbidden")),
                };
                let rating = match rating_from_dto(&rating, source) {
                    Ok(r) => r,
                    Err(err) => return Some(bad_request(id, &err.0)),
                };
                CommandSpec::WithTicket(
                    ticket,
                    Box::new(move |t| Command::Rate {
                        ticket: t,
                        rating,
                        at_counter,
                    }),
                )
            }
            Request::ImportSkm {
                service,
                day,
                label,
                respondents,
            } => {
                let Some(day) = antrean_core::LocalDate::parse(&day) else {
                    return Some(bad_request(id, "day must be YYYY-MM-DD"));
                };
                let respondents = match respondents
                    .iter()
                    .map(imported_from_dto)
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(r) => r,
                    Err(err) => return Some(bad_request(id, &err.0)),
                };
                CommandSpec::Ready(Command::ImportResponses {
                    service,
                    day,
                    label,
                    respondents,
                })
            }
            Request::RecordFollowUp { mut follow_up } => {
                follow_up.recorded_by = principal.name();
                match follow_up_from_dto(&follow_up) {
                    Ok(f) => CommandSpec::Ready(Command::RecordFollowUp(f)),
                    Err(err) => return Some(bad_request(id, &err.0)),
                }
            }
            Request::Report { query } => return Some(self.report(query, None, id).await),
            Request::ExportReport {
                query,
                kind,
                format,
            } => return Some(self.report(query, Some((kind, format)), id).await),
            Request::Hello { .. } => unreachable!("handled above"),
        };
        // The id is the idempotency key: without one, a retry after a lost answer would
        // act twice (two empty ids would even share one key).
        if id.as_deref().is_none_or(str::is_empty) {
            return Some(bad_request(
                id,
                "a command that changes the queue needs a non-empty \"id\" (its idempotency key)",
            ));
        }
        let with_token = receives_ticket_tokens(principal);
        self.submit(Job::Command {
            command: spec,
            request_key,
            id,
            with_token,
            cut: self.cut.clone(),
            reply,
        })
        .await;
        None
    }

    /// Runs a report (and its export) on a blocking thread, one at a time site-wide.
    async fn report(
        &mut self,
        query: ReportQueryDto,
        export: Option<(String, String)>,
        id: Option<String>,
    ) -> ServerMessage {
        let Ok(_slot) = self.shared.reports.clone().acquire_owned().await else {
            return protocol_error(id, "shutting_down");
        };
        let store = self.shared.store.clone();
        let catalog = self.shared.core_catalog.clone();
        let facts = self.shared.report_facts.clone();
        let today = catalog.site.time_zone.local(now()).date;
        let result = tokio::task::spawn_blocking(move || {
            let report =
                crate::reports::run_with_facts(&facts, Some(&store), &catalog, &query, today)?;
            match export {
                None => Ok(ResultDto::Report {
                    report: Box::new(report),
                }),
                Some((kind, format)) => {
                    let (name, mime, bytes) = crate::reports::export(&report, &kind, &format)?;
                    use base64::Engine as _;
                    Ok(ResultDto::File {
                        name,
                        mime: mime.to_owned(),
                        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
                    })
                }
            }
        })
        .await
        .expect("report task");
        match result {
            Ok(result) => ok(id, result),
            Err(crate::reports::ReportError::Query(message)) => bad_request(id, &message),
            Err(err) => {
                tracing::error!(%err, "report failed");
                protocol_error(id, "internal")
            }
        }
    }

    async fn admin(&mut self, request: Request, id: Option<String>) -> ServerMessage {
        let shared = self.shared.clone();
        match admin_result(&shared, request).await {
            Ok(result) => ok(id, result),
            Err(code) => protocol_error(id, code),
        }
    }
}

/// The committer cut the principal's sessions when it wrote the change; the manager's
/// answer waits (a bounded time) until they have closed.
async fn cut_sessions_gone(shared: &Shared, kind: PrincipalKind, name: &str) {
    let key = crate::revocation::key(kind, name);
    if !shared
        .sessions
        .wait_gone(&key, crate::revocation::CLOSE_WAIT)
        .await
    {
        tracing::warn!(%key, "a cut session did not close in time; its requests are refused");
    }
}

/// Credential changes go through the committer (the store's one writer) and are answered
/// once durable.
async fn admin_result(shared: &Shared, request: Request) -> Result<ResultDto, &'static str> {
    {
        let auth = &shared.auth;
        let store_err = |err: AuthError| match err {
            AuthError::Stopped => "shutting_down",
            err => {
                tracing::error!(%err, "credential store failure");
                "internal"
            }
        };
        match request {
            Request::EnrollDevice {
                kind,
                name,
                counter,
            } => {
                if !valid_name(&name) {
                    return Err("invalid_name");
                }
                // A rating screen belongs to one existing counter; others to none.
                match (kind, &counter) {
                    (DeviceKind::Rating, Some(c)) if shared.core_catalog.counter(c).is_some() => {}
                    (DeviceKind::Rating, _) => return Err("counter_required"),
                    (_, Some(_)) => return Err("bad_request"),
                    (_, None) => {}
                }
                let token = auth
                    .enroll_device(kind, &name, counter.as_deref())
                    .await
                    .map_err(store_err)?;
                // A device enrolled again: the old token's sessions are gone first.
                cut_sessions_gone(shared, PrincipalKind::Kiosk, &name).await;
                let device_kind = match kind {
                    DeviceKind::Kiosk => "kiosk",
                    DeviceKind::Display => "display",
                    DeviceKind::Rating => "rating",
                };
                Ok(ResultDto::Enrolled {
                    name,
                    device_kind: device_kind.into(),
                    token,
                })
            }
            Request::RevokeDevice { name } => {
                let existed = auth.revoke_device(&name).await.map_err(store_err)?;
                cut_sessions_gone(shared, PrincipalKind::Kiosk, &name).await;
                match existed {
                    true => Ok(ResultDto::Accepted),
                    false => Err("not_found"),
                }
            }
            Request::SetOfficer { officer, name, pin } => {
                if !valid_name(&officer) {
                    return Err("invalid_name");
                }
                if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
                    return Err("invalid_pin");
                }
                auth.set_person(PrincipalKind::Officer, &officer, Some(&name), &pin)
                    .await
                    .map_err(store_err)?;
                // A new PIN ends the sessions opened with the old one.
                cut_sessions_gone(shared, PrincipalKind::Officer, &officer).await;
                Ok(ResultDto::Accepted)
            }
            Request::RemoveOfficer { officer } => {
                let existed = auth
                    .remove_person(PrincipalKind::Officer, &officer)
                    .await
                    .map_err(store_err)?;
                cut_sessions_gone(shared, PrincipalKind::Officer, &officer).await;
                match existed {
                    true => Ok(ResultDto::Accepted),
                    false => Err("not_found"),
                }
            }
            Request::ListPrincipals => {
                let all = auth.store().principals().map_err(|e| store_err(e.into()))?;
                let info = |p: &antrean_store::PrincipalRecord| PrincipalInfo {
                    name: p.name.clone(),
                    kind: p.kind.key().to_owned(),
                    display_name: p.display_name.clone(),
                    revoked: p.revoked,
                };
                let of = |kinds: &[PrincipalKind]| {
                    all.iter()
                        .filter(|p| kinds.contains(&p.kind))
                        .map(info)
                        .collect()
                };
                Ok(ResultDto::Principals {
                    devices: of(&[
                        PrincipalKind::Kiosk,
                        PrincipalKind::Display,
                        PrincipalKind::Rating,
                    ]),
                    officers: of(&[PrincipalKind::Officer]),
                    managers: of(&[PrincipalKind::Manager]),
                })
            }
            _ => Err("bad_request"),
        }
    }
}

/// Where the session's event stream stands.
enum Sync {
    /// Waiting for a snapshot; newer events are buffered.
    Resyncing(VecDeque<Broadcast>),
    /// Live after the snapshot/event with this seq.
    Live(u64),
}

fn request_counter(request: &Request) -> Option<Option<&String>> {
    match request {
        Request::CallNext { counter }
        | Request::CallTicket { counter, .. }
        | Request::Recall { counter }
        | Request::Start { counter }
        | Request::Finish { counter }
        | Request::NoShow { counter }
        | Request::Transfer { counter, .. }
        | Request::Park { counter }
        | Request::Pause { counter }
        | Request::Resume { counter }
        | Request::CloseCounter { counter } => Some(counter.as_ref()),
        _ => None,
    }
}

fn ok(id: Option<String>, result: ResultDto) -> ServerMessage {
    ServerMessage::Ok {
        id,
        result: Box::new(result),
    }
}

/// A request that does not decode or breaks a documented limit; `detail` says which.
pub fn bad_request(id: Option<String>, detail: &str) -> ServerMessage {
    ServerMessage::Error {
        id,
        code: "bad_request".into(),
        // The detail can quote what the client sent.
        message: printable(&format!("Permintaan tidak valid: {detail}")),
        message_en: printable(&format!("Bad request: {detail}")),
    }
}

/// Protocol-level errors (not queue rules), with messages in both languages.
pub fn protocol_error(id: Option<String>, code: &str) -> ServerMessage {
    let (message, message_en) = match code {
        "hello_required" => ("Kirim pesan hello terlebih dahulu.", "Send hello first."),
        "unsupported_protocol" => (
            "Versi protokol tidak didukung.",
            "Unsupported protocol version.",
        ),
        "unauthorized" => ("Kredensial tidak valid.", "Invalid credentials."),
        "locked_out" => (
            "Terlalu banyak percobaan gagal dari perangkat ini. Coba lagi nanti.",
            "Too many failed attempts from this device. Try again later.",
        ),
        "already_authenticated" => ("Sudah masuk.", "Already authenticated."),
        "forbidden" => (
            "Anda tidak berwenang melakukan tindakan ini.",
            "You are not allowed to do this.",
        ),
        "counter_required" => ("Sebutkan loketnya.", "Name the counter."),
        "rate_limited" => (
            "Terlalu banyak permintaan. Tunggu sebentar.",
            "Too many requests. Slow down.",
        ),
        "invalid_name" => (
            "Nama hanya boleh huruf kecil, angka, '-' atau '_' (maksimal 32).",
            "Names use a-z, 0-9, '-' or '_' (32 at most).",
        ),
        "invalid_pin" => (
            "PIN harus 4 sampai 8 angka.",
            "The PIN must be 4 to 8 digits.",
        ),
        "not_found" => ("Tidak ditemukan.", "Not found."),
        "shutting_down" => ("Server sedang berhenti.", "The server is shutting down."),
        "id_reused" => (
            "Id permintaan ini sudah dipakai untuk permintaan lain; buat id baru.",
            "This request id was already used for a different request; use a new id.",
        ),
        "session_expired" => (
            "Sesi masuk sudah berakhir. Silakan masuk lagi.",
            "Your login session has ended. Please log in again.",
        ),
        "too_many_sessions" => (
            "Terlalu banyak sesi masuk di server ini. Coba lagi nanti.",
            "Too many logged-in browsers on this server. Try again later.",
        ),
        "cross_site" => (
            "Permintaan dari situs lain ditolak.",
            "Cross-site request refused.",
        ),
        "revoked" => (
            "Akses perangkat atau petugas ini telah dicabut atau diubah.",
            "This device's or officer's access was revoked or changed.",
        ),
        _ => ("Terjadi kesalahan internal.", "Internal error."),
    };
    ServerMessage::Error {
        id,
        code: code.to_owned(),
        message: message.to_owned(),
        message_en: message_en.to_owned(),
    }
}

/// Per-connection token bucket.
struct TokenBucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    last: Instant,
}

impl TokenBucket {
    fn new(rate: f64) -> TokenBucket {
        // The burst keeps the default ratio to the sustained rate.
        let burst = rate * (REQUEST_BURST / REQUESTS_PER_SECOND);
        TokenBucket {
            tokens: burst,
            rate,
            burst,
            last: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[allow(dead_code)]
fn _ticket(id: u64) -> TicketId {
    TicketId(id)
}

/// Whether answers about a ticket carry its digital-ticket token. The token lets its holder
/// follow and rate that ticket as the visitor, so only the roles that hand it to the visitor
/// (the kiosk prints it, staff reprint it) see it. A display board's token sits in its page
/// URL and a rating screen faces the public: neither may collect visitors' tokens.
fn receives_ticket_tokens(principal: &Principal) -> bool {
    matches!(
        principal,
        Principal::Kiosk { .. } | Principal::Officer { .. } | Principal::Manager { .. }
    )
}

/// A digest of what a request asks (its canonical JSON, SHA-256, the first 16 bytes in
/// hex): stored with its idempotency key so that a reused id with another request is
/// refused.
fn request_digest(request: &Request) -> String {
    use sha2::Digest;
    let json = serde_json::to_vec(request).expect("requests serialize");
    let hash = sha2::Sha256::digest(&json);
    crate::secrets::hex(&hash[..16])
}

/// The `id` of a request that did not decode, if it can be read at all: echoed so the
/// client can tell which request failed (an over-long one too — the frame limit bounds it).
fn readable_id(text: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
}

const ID_TOO_LONG: &str = "request id longer than 64 characters";

/// Ids are at most [`MAX_REQUEST_ID_CHARS`], `hello` included: they are stored as
/// idempotency keys.
fn id_too_long(id: Option<&str>) -> bool {
    id.is_some_and(|i| i.chars().count() > MAX_REQUEST_ID_CHARS)
}
