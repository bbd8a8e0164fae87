//! One WebSocket connection: handshake, authorization, requests, and the event stream.
//!
//! A session never blocks the committer: its answers arrive on a bounded queue that it
//! cannot overfill (requests in flight are capped below the queue size), and events come
//! from a broadcast ring. A session that falls behind the ring resyncs from a snapshot,
//! buffering the events that arrive meanwhile so none is lost or repeated.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use antrean_protocol::*;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::time::{interval, timeout};

mod admin;
mod report;
pub mod route;
mod socket;

use route::{Refusal, Route};
pub use socket::ConnectionSlot;
use socket::{Inbound, TokenBucket, close, recv, within_send_timeout};

use crate::auth::{Authenticator, Principal};
use crate::committer::{Broadcast, Job, Outgoing, Read, now, to_text};
use crate::limits::*;
use crate::metrics::Metrics;
use crate::revocation::Registration;

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
    pub report_facts: Arc<antrean_reports::ReportFacts>,
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
    /// Shipping to central, when configured.
    pub ship: Option<Arc<crate::shipper::ShipGauges>>,
    /// The booking API's keys, codes and rate limits.
    pub booking: Arc<crate::booking::api::BookingSide>,
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
    if let Some((principal, subscribe, registration)) = session.handshake().await {
        tracing::debug!(role = principal.role(), name = %principal.name(), "session started");
        session.serve(principal, out_rx, subscribe).await;
        // Held to the end of the session: dropping it deregisters.
        drop(registration);
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
    /// Returns the principal, whether it subscribes to events, and its place in the
    /// revocation registry (taken before the welcome goes out).
    async fn handshake(&mut self) -> Option<(Principal, bool, Option<Registration>)> {
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
                self.send(&protocol_error(message.id, ErrorCode::HelloRequired))
                    .await;
                continue;
            };
            if protocol != PROTOCOL_VERSION {
                self.send(&protocol_error(message.id, ErrorCode::UnsupportedProtocol))
                    .await;
                continue;
            }
            match self.login(auth, message.id.clone()).await {
                Ok((principal, credential)) => {
                    // Registered before the welcome: a client that has its welcome can be
                    // cut by any change committed after it.
                    let registration = self.register(&principal);
                    if !self.still_valid(&principal, credential.as_deref()) {
                        // Changed between the check and the registration: the cut missed it.
                        self.close(close::REVOKED, "access revoked: credentials changed")
                            .await;
                        return None;
                    }
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
                    return Some((principal, subscribe, registration));
                }
                Err(reply) => {
                    if !self.send(&reply).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Logs the socket in. Also returns the credential's fingerprint as it was when checked
    /// (`None` for a visitor's phone, which has no stored credential).
    async fn login(
        &mut self,
        auth: Auth,
        id: Option<String>,
    ) -> Result<(Principal, Option<String>), ServerMessage> {
        if let Auth::Session {} = auth {
            let (principal, record) =
                crate::login::resume(&self.shared, self.cookie.as_deref(), id).await?;
            self.web_session = Some(record.token_sha256);
            return Ok((principal, Some(record.credential)));
        }
        let before = crate::login::stored_credential(&auth)
            .and_then(|(kind, name)| self.shared.auth.credential_fingerprint(kind, &name).ok())
            .flatten();
        let principal = crate::login::log_in(&self.shared, auth, self.peer, id).await?;
        Ok((principal, before))
    }

    /// Registers the session under its principal's keys (and its web session's).
    fn register(&mut self, principal: &Principal) -> Option<Registration> {
        let mut keys = crate::revocation::principal_keys(principal);
        keys.extend(
            self.web_session
                .as_deref()
                .map(crate::web_sessions::web_key),
        );
        let registration = (!keys.is_empty()).then(|| self.shared.sessions.register(keys));
        self.cut = registration.as_ref().map(|r| r.cut.clone());
        registration
    }

    /// After registering: the credential checked at login is still the stored one, and a
    /// browser's web session still lives (a logout or revocation may have come between).
    fn still_valid(&self, principal: &Principal, credential: Option<&str>) -> bool {
        if let (Some(cookie), Some(_)) = (self.cookie.as_deref(), &self.web_session)
            && self.shared.sessions.web.find(cookie, now().0).is_none()
        {
            return false;
        }
        let Some((kind, name)) = crate::login::principal_credential(principal) else {
            return true;
        };
        let now_stored = self
            .shared
            .auth
            .credential_fingerprint(kind, &name)
            .ok()
            .flatten();
        now_stored.is_some() && now_stored.as_deref() == credential
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
        let mut stream = StreamState::Live(0);
        if subscribe {
            // Start like a resync: the snapshot defines where the event stream begins.
            stream = StreamState::Resyncing(VecDeque::new());
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
                    if !self.on_events(event, &mut events, &mut stream, staff, manager).await {
                        return;
                    }
                }
                inbound = recv(&mut self.socket, &mut self.last_seen), if self.in_flight < MAX_IN_FLIGHT => match inbound {
                    Inbound::Text(text) => {
                        // Boxed: requests are rare next to events, and a handler's state
                        // inline would enlarge every idle connection's task.
                        if let Some(reply) = Box::pin(self.handle(&principal, &text, &mut stream)).await
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
                    if !self.on_answer(out, &mut stream).await {
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

    /// Sends an answer from the committer. A snapshot ends a resync: it goes out, then the
    /// events buffered meanwhile that it does not cover. False = the session is over.
    async fn on_answer(&mut self, out: Outgoing, stream: &mut StreamState) -> bool {
        self.in_flight = self.in_flight.saturating_sub(1);
        let Some(seq) = out.snapshot_seq else {
            return self.send_text(out.text).await;
        };
        if !self.send_text(out.text).await {
            return false;
        }
        let buffered = match std::mem::replace(stream, StreamState::Live(seq)) {
            StreamState::Resyncing(buffered) => buffered,
            StreamState::Live(_) => VecDeque::new(),
        };
        for event in buffered {
            if !self.feed_event(stream, event).await {
                return false;
            }
        }
        self.flush().await
    }

    /// Handles what the event ring gave (`first`) and whatever else is already waiting in it,
    /// up to [`MAX_EVENTS_PER_WRITE`], then flushes once: a group commit's burst of events
    /// reaches each socket in one write. False = the session is over.
    async fn on_events(
        &mut self,
        first: Result<Broadcast, broadcast::error::RecvError>,
        events: &mut broadcast::Receiver<Broadcast>,
        stream: &mut StreamState,
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
                    if let StreamState::Resyncing(buffer) = stream {
                        if buffer.len() >= RESYNC_BUFFER_EVENTS {
                            buffer.clear();
                            self.request_snapshot(staff).await;
                        }
                        if let StreamState::Resyncing(buffer) = stream {
                            buffer.push_back(event);
                        }
                    } else if !self.feed_event(stream, event).await {
                        return false;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "session lagged; resyncing from a snapshot");
                    if matches!(stream, StreamState::Live(_)) {
                        *stream = StreamState::Resyncing(VecDeque::new());
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
    async fn feed_event(&mut self, stream: &mut StreamState, event: Broadcast) -> bool {
        if let StreamState::Live(last) = stream
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

    /// Asks the committer for a snapshot; the answer ends a resync (see [`StreamState`]).
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
        stream: &mut StreamState,
    ) -> Option<ServerMessage> {
        if !self.bucket.take() {
            self.shared.metrics.rate_limited.fetch_add(1, Relaxed);
            return Some(protocol_error(readable_id(text), ErrorCode::RateLimited));
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
        let request_key = id.as_ref().map(|i| crate::committer::RequestKey {
            key: format!("{}:{}:{i}", principal.role(), principal.name()),
            digest: request_digest(&message.request),
        });
        let routed = route::route(principal, message.request, id.as_deref(), now().0);
        let reply = self.out_tx.clone();
        let job = match routed {
            Err(Refusal::Code(code)) => return Some(protocol_error(id, code)),
            Err(Refusal::BadRequest(detail)) => return Some(bad_request(id, &detail)),
            Ok(Route::Command { spec, with_token }) => Job::Command {
                command: spec,
                request_key,
                id,
                with_token,
                cut: self.cut.clone(),
                reply,
            },
            Ok(Route::Read(read)) => {
                if matches!(read, Read::Snapshot { .. }) {
                    *stream = StreamState::Resyncing(VecDeque::new());
                }
                Job::Read { read, id, reply }
            }
            Ok(Route::Alert(alert)) => {
                if self.shared.jobs.send(Job::Alert(alert)).await.is_err() {
                    return Some(protocol_error(id, ErrorCode::ShuttingDown));
                }
                return Some(ok(id, ResultDto::Accepted));
            }
            Ok(Route::Admin(request)) => {
                return Some(match admin::admin(&self.shared, request).await {
                    Ok(result) => ok(id, result),
                    Err(code) => protocol_error(id, code),
                });
            }
            Ok(Route::Report { query, export }) => {
                return Some(report::report(&self.shared, query, export, id).await);
            }
        };
        self.submit(job).await;
        None
    }
}

/// Where the session's event stream stands.
enum StreamState {
    /// Waiting for a snapshot; newer events are buffered.
    Resyncing(VecDeque<Broadcast>),
    /// Live after the snapshot/event with this seq.
    Live(u64),
}

/// An `ok` answer.
pub fn ok(id: Option<String>, result: ResultDto) -> ServerMessage {
    ServerMessage::Ok {
        id,
        result: Box::new(result),
    }
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
