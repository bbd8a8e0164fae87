//! The committer: the one task that owns the engine and the store's writer.
//!
//! Jobs arrive on a bounded channel. The committer takes every job waiting (up to
//! [`MAX_BATCH_JOBS`]), runs the commands through the engine, and writes all resulting
//! events and credential changes as **one** write-ahead log frame with one `fdatasync`
//! (group commit); only then does it broadcast the events and answer. Reads are answered
//! after that sync too, so nobody ever sees state that is not on disk. sled is brought up
//! to date after the answers. If a write fails the committer stops and the server exits:
//! memory would be ahead of the disk, and acknowledging anything more could lose it.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use antrean_core::event::Audience;
use antrean_core::{Command, Engine, Event, Rejection, TicketId, Timestamp};
use antrean_protocol::*;
use antrean_store::{PrincipalWrite, Writer};
use axum::extract::ws::Utf8Bytes;
use tokio::sync::{broadcast, mpsc};

mod answers;
mod booking;
mod jobs;

pub use answers::{error_message, to_text};
pub use jobs::{BookingOp, BookingReply, Broadcast, CommandSpec, Job, Outgoing, Read, ReplyTo};

use crate::limits::{MAX_BATCH_JOBS, REMEMBERED_REQUEST_IDS};
use crate::metrics::Metrics;
use crate::secrets::TicketSigner;

/// Starts the committer on its own thread, driven by the current tokio runtime, and
/// returns a receiver for its result (closed without a value if it panicked).
///
/// Why a thread of its own: the committer blocks on every flush. On a runtime worker that
/// would stall sessions; a hop to the blocking pool per batch added two thread wake-ups to
/// every durable answer (their effect on latency was within the run-to-run noise,
/// BENCHMARKS.md). Nothing else runs on this thread, so blocking it stalls no session.
pub fn spawn(
    committer: Committer,
    jobs: mpsc::Receiver<Job>,
) -> std::io::Result<tokio::sync::oneshot::Receiver<Result<(), antrean_store::StoreError>>> {
    let runtime = tokio::runtime::Handle::current();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("antrean-committer".into())
        .spawn(move || {
            let _ = done_tx.send(runtime.block_on(committer.run(jobs)));
        })?;
    Ok(done_rx)
}

/// How often an idle committer checks whether the local day changed.
const DAY_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// Commands resolve tickets by number inside the committer, where state is current.
pub fn resolve_ticket(engine: &Engine, ticket: &TicketRef) -> Result<TicketId, Rejection> {
    match ticket {
        TicketRef::Id(id) => Ok(TicketId(*id)),
        TicketRef::Number(text) => engine
            .state()
            .tickets
            .values()
            .find(|t| t.number.to_string() == *text)
            .map(|t| t.id)
            .ok_or_else(|| Rejection::UnknownTicketNumber {
                number: text.clone(),
            }),
    }
}

/// A command's idempotency key (principal + client request id) and the digest of what it
/// asked, so that the same id with a different request is refused, not answered with the
/// first one's result.
#[derive(Clone, Debug)]
pub struct RequestKey {
    /// `role:name:id`.
    pub key: String,
    /// Hex digest of the request's content.
    pub digest: String,
}

/// What a remembered request did: its ticket, the seq of its last event, its digest (None
/// in logs written before digests existed).
type Outcome = (Option<TicketId>, u64, Option<String>);

/// Remembered outcomes of recent requests, for idempotent retries.
#[derive(Default)]
pub struct RequestMemory {
    outcomes: HashMap<String, Outcome>,
    order: VecDeque<String>,
}

impl RequestMemory {
    fn remember(&mut self, key: String, outcome: Outcome) {
        if self.outcomes.insert(key.clone(), outcome).is_none() {
            self.order.push_back(key);
            while self.order.len() > REMEMBERED_REQUEST_IDS {
                if let Some(old) = self.order.pop_front() {
                    self.outcomes.remove(&old);
                }
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Outcome> {
        self.outcomes.get(key)
    }
}

/// The committer's state.
pub struct Committer {
    /// The engine (state = projection of the durable log).
    pub engine: Engine,
    /// The store's one writer.
    pub writer: Writer,
    /// Last durable seq.
    pub seq: u64,
    /// Recent request ids.
    pub requests: RequestMemory,
    /// Latest alert per device.
    pub alerts: Vec<DeviceAlert>,
    /// Ticket token signer.
    pub signer: TicketSigner,
    /// Booking codes (check-in resolves them).
    pub codes: crate::booking::BookingCodes,
    /// The key of central's codes for this site (bookings made at Antrean Pusat).
    pub central_key: crate::central_booking::CentralKey,
    /// The last public snapshot, serialized, and the seq it shows: boards and phones that
    /// (re)connect together share one serialization.
    pub public_snapshot: Option<(u64, Utf8Bytes)>,
    /// Event fan-out.
    pub events: broadcast::Sender<Broadcast>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Report facts, fed with every durable event.
    pub facts: Arc<antrean_reports::ReportFacts>,
    /// Live sessions, cut when their principal's credentials change.
    sessions: Arc<crate::revocation::Sessions>,
    /// Events of the batch being written, for `facts` once durable.
    unflushed: Vec<(Event, Timestamp)>,
    /// Who may see each event of the batch and what boards say for it, decided by the
    /// core when the event is logged (parallel to the batch's log records).
    heralds: Vec<(Audience, Option<Vec<String>>)>,
    /// The wait band each waiting ticket's visitor was shown last (printed or on the
    /// phone), kept steady by [`antrean_core::eta::steady_band`]. One entry per waiting
    /// ticket that was answered: entries go when their ticket stops waiting, so it holds at
    /// most a day's waiting tickets.
    shown_bands: std::sync::Mutex<ShownBands>,
}

/// The band last shown per waiting ticket.
type ShownBands = std::collections::HashMap<antrean_core::TicketId, antrean_core::eta::ShownBand>;

/// Milliseconds since the epoch from the system clock: the one place time enters.
pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}

// Short-lived, one per job in a batch.
#[allow(clippy::large_enum_variant)]
/// What one batch gathers before its log frame is written.
#[derive(Default)]
struct Batch {
    records: Vec<LogRecord>,
    pending: Vec<Pending>,
    alerts: Vec<DeviceAlert>,
    principal_writes: Vec<PrincipalWrite>,
    principal_replies: Vec<tokio::sync::oneshot::Sender<bool>>,
    commands: u64,
}

enum Pending {
    Answer {
        reply: ReplyTo,
        message: ServerMessage,
    },
    Typed {
        reply: tokio::sync::oneshot::Sender<ServerMessage>,
        message: ServerMessage,
    },
    Read {
        reply: ReplyTo,
        read: Read,
        id: Option<String>,
    },
    Booking(booking::BookingPending),
}

impl Committer {
    /// Rebuilds the engine from the log.
    pub fn recover(
        mut engine: Engine,
        writer: Writer,
        sessions: Arc<crate::revocation::Sessions>,
        signer: TicketSigner,
        events: broadcast::Sender<Broadcast>,
        metrics: Arc<Metrics>,
        facts: Arc<antrean_reports::ReportFacts>,
    ) -> Result<Committer, antrean_store::StoreError> {
        let mut requests = RequestMemory::default();
        let mut seq = 0;
        let mut replayed = Vec::new();
        for item in writer.store().read_events() {
            let (record, event) = item?;
            engine.replay(&event, Timestamp(record.at_ms));
            if let Some(key) = record.request {
                requests.remember(key, (event.ticket(), record.seq, record.request_digest));
            }
            replayed.push((event, Timestamp(record.at_ms)));
            if replayed.len() >= 10_000 {
                facts.record(std::mem::take(&mut replayed));
            }
            seq = record.seq;
        }
        facts.record(replayed);
        let codes = crate::booking::BookingCodes::new(writer.store().site_secret()?);
        Ok(Committer {
            engine,
            writer,
            seq,
            requests,
            alerts: Vec::new(),
            signer,
            codes,
            central_key: Default::default(),
            public_snapshot: None,
            events,
            metrics,
            facts,
            sessions,
            unflushed: Vec::new(),
            heralds: Vec::new(),
            shown_bands: std::sync::Mutex::default(),
        })
    }

    /// Runs until every sender of `jobs` is gone. Returns an error if the disk failed.
    /// Blocks its thread on every flush: run it through [`spawn`].
    pub async fn run(
        mut self,
        mut jobs: mpsc::Receiver<Job>,
    ) -> Result<(), antrean_store::StoreError> {
        let mut batch = Vec::with_capacity(MAX_BATCH_JOBS);
        // Even with no traffic the day must turn at midnight (expiring yesterday's open
        // tickets on every board), so the committer also wakes on a timer.
        let mut clock = tokio::time::interval(DAY_CHECK_INTERVAL);
        loop {
            tokio::select! {
                received = jobs.recv_many(&mut batch, MAX_BATCH_JOBS) => {
                    if received == 0 {
                        break;
                    }
                }
                _ = clock.tick() => {}
            }
            self.process(batch.drain(..))?;
        }
        // Everything acknowledged is in the log already; a clean stop also checkpoints
        // sled, so the next start replays nothing.
        self.writer.close()
    }

    /// Runs one batch: engine, one durable log frame, then answers and broadcasts, then
    /// sled. Blocks on the disk, which is why the committer has its own thread ([`spawn`]).
    fn process(
        &mut self,
        jobs: impl Iterator<Item = Job>,
    ) -> Result<(), antrean_store::StoreError> {
        let now = now();
        let mut batch = Batch::default();
        let tick = self.engine.tick(now);
        self.log(&mut batch.records, &tick.events, tick.at, None);
        for job in jobs {
            self.take(job, &mut batch, now);
        }
        let Batch {
            records,
            pending,
            alerts,
            principal_writes,
            principal_replies,
            commands,
        } = batch;
        if !records.is_empty() || !principal_writes.is_empty() {
            let flush_started = Instant::now();
            let existed = self.writer.commit(&records, &principal_writes)?;
            self.metrics.record_flush(flush_started.elapsed());
            self.seq = records.last().map_or(self.seq, |r| r.seq);
            self.facts.record(std::mem::take(&mut self.unflushed));
            for (reply, existed) in principal_replies.into_iter().zip(existed) {
                let _ = reply.send(existed);
            }
        }
        // Durable now: tell everyone, then answer.
        self.broadcast(&records, alerts);
        self.answer(pending, now);
        self.metrics.record_batch(commands, records.len() as u64);
        // Everyone has their answer; now the indexed copy (reports) catches up.
        self.writer.apply_committed()
    }

    /// Runs one job of the batch (nothing of it is durable or answered yet).
    fn take(&mut self, job: Job, batch: &mut Batch, now: Timestamp) {
        match job {
            Job::Command {
                cut: Some(cut),
                id,
                reply,
                ..
            } if cut.is_revoked() => {
                let message = antrean_protocol::protocol_error(id, ErrorCode::Revoked);
                batch.pending.push(Pending::Answer { reply, message });
            }
            Job::Command {
                command,
                request_key,
                id,
                with_token,
                cut,
                reply,
            } => {
                batch.commands += 1;
                let closes = match &command {
                    CommandSpec::Ready(Command::CloseCounter { counter }) => Some(counter.clone()),
                    _ => None,
                };
                let message = self.execute(
                    command,
                    request_key,
                    id,
                    with_token,
                    now,
                    &mut batch.records,
                );
                if let (Some(counter), ServerMessage::Ok { .. }) = (closes, &message) {
                    // A counter closed by someone else (a manager) ends the officer
                    // session that held it; the officer closing it keeps theirs.
                    let key = crate::revocation::counter_key(&counter);
                    self.sessions.cut_except(&key, cut.as_ref());
                }
                batch.pending.push(Pending::Answer { reply, message });
            }
            Job::OpenCounter {
                counter,
                officer,
                id,
                reply,
            } => {
                batch.commands += 1;
                let command = CommandSpec::Ready(Command::OpenCounter { counter, officer });
                let message = self.execute(command, None, id, false, now, &mut batch.records);
                batch.pending.push(Pending::Typed { reply, message });
            }
            Job::Read { read, id, reply } => batch.pending.push(Pending::Read { reply, read, id }),
            Job::Booking { op, reply } => {
                batch.commands += 1;
                let pending = self.take_booking(op, reply, now, &mut batch.records);
                batch.pending.push(pending);
            }
            Job::Alert(alert) => {
                self.alerts.retain(|a| a.device != alert.device);
                self.alerts.push(alert.clone());
                batch.alerts.push(alert);
            }
            Job::Inspect(reply) => {
                let _ = reply.send(self.inspect());
            }
            Job::Principal { write, reply } => {
                // Cut the principal's live sessions now, before any later job of this
                // batch runs: nothing of theirs is executed after the change.
                let (kind, name) = match &write {
                    PrincipalWrite::Put(record) => (record.kind, record.name.as_str()),
                    PrincipalWrite::Remove { kind, name } => (*kind, name.as_str()),
                };
                self.sessions.cut(&crate::revocation::key(kind, name));
                batch.principal_writes.push(write);
                batch.principal_replies.push(reply);
            }
        }
    }

    /// The batch's events (durable now) and alerts to every session that may see them.
    fn broadcast(&mut self, records: &[LogRecord], alerts: Vec<DeviceAlert>) {
        let heralds = std::mem::take(&mut self.heralds);
        for (record, (audience, announce)) in records.iter().zip(heralds) {
            let found = record
                .event
                .ticket()
                .and_then(|id| self.engine.state().ticket(TicketId(id)));
            // O(1) from the waiting index: what the boards' per-service counts follow.
            let waiting = found.map(|t| self.engine.state().waiting_count(&t.service) as u32);
            let message = ServerMessage::Event {
                seq: record.seq,
                at_ms: record.at_ms,
                event: record.event.clone(),
                ticket: found.map(ticket_view),
                announce,
                waiting,
            };
            let _ = self.events.send(Broadcast {
                seq: record.seq,
                staff_only: false,
                managers_only: audience == Audience::Managers,
                text: to_text(&message),
            });
        }
        for alert in alerts {
            let _ = self.events.send(Broadcast {
                seq: 0,
                staff_only: true,
                managers_only: false,
                text: to_text(&ServerMessage::Alert { alert }),
            });
        }
    }

    /// The batch's answers and reads, in the order their jobs came.
    fn answer(&mut self, pending: Vec<Pending>, now: Timestamp) {
        for item in pending {
            let (reply, message) = match item {
                Pending::Answer { reply, message } => (reply, message),
                Pending::Typed { reply, message } => {
                    let _ = reply.send(message);
                    continue;
                }
                Pending::Booking(pending) => {
                    self.answer_booking(pending);
                    continue;
                }
                // The shared serialization only for snapshots nobody asked for by id.
                Pending::Read {
                    reply,
                    read: Read::Snapshot { staff: false },
                    id: None,
                } => {
                    let text = self.public_snapshot_text();
                    let _ = reply.try_send(Outgoing {
                        snapshot_seq: Some(self.seq),
                        text,
                    });
                    continue;
                }
                Pending::Read { reply, read, id } => {
                    let message = self.read(read, id, now);
                    (reply, message)
                }
            };
            let snapshot_seq = match &message {
                ServerMessage::Snapshot { seq, .. } => Some(*seq),
                _ => None,
            };
            // Never wait for a client. Sessions bound their requests in flight below the
            // queue's capacity, so a full queue only happens to a session already closing.
            let _ = reply.try_send(Outgoing {
                snapshot_seq,
                text: to_text(&message),
            });
        }
    }

    /// A rejection that names an officer by login id names them as people know them:
    /// "Loket 2 sedang digunakan oleh Budi Santoso", not "… oleh petugas petugas3".
    fn with_names(&self, rejection: Rejection) -> Rejection {
        let Rejection::CounterInUse {
            counter_name,
            officer,
        } = rejection
        else {
            return rejection;
        };
        let name = self
            .writer
            .store()
            .principal(antrean_store::PrincipalKind::Officer, &officer)
            .ok()
            .flatten()
            .and_then(|record| record.display_name)
            .filter(|name| !name.trim().is_empty())
            .unwrap_or(officer);
        Rejection::CounterInUse {
            counter_name,
            officer: name,
        }
    }

    fn log(
        &mut self,
        records: &mut Vec<LogRecord>,
        events: &[Event],
        at: Timestamp,
        request: Option<&RequestKey>,
    ) {
        for event in events {
            self.unflushed.push((event.clone(), at));
            let announce = antrean_core::voice::announcement(event, self.engine.state());
            self.heralds.push((event.audience(), announce));
            let seq = self.seq + records.len() as u64 + 1;
            records.push(LogRecord {
                seq,
                at_ms: at.0,
                event: event_to_dto(event),
                request: request.map(|r| r.key.clone()),
                request_digest: request.map(|r| r.digest.clone()),
            });
        }
    }

    fn execute(
        &mut self,
        command: CommandSpec,
        request_key: Option<RequestKey>,
        id: Option<String>,
        with_token: bool,
        now: Timestamp,
        records: &mut Vec<LogRecord>,
    ) -> ServerMessage {
        if let Some(request) = &request_key
            && let Some((ticket, seq, digest)) = self.requests.get(&request.key).cloned()
        {
            if digest.is_some_and(|digest| digest != request.digest) {
                return antrean_protocol::protocol_error(id, ErrorCode::IdReused);
            }
            // A retry of a command that already happened: answer as the first time.
            return self.ticket_answer(id, ticket, seq, with_token, now);
        }
        let command = match command {
            CommandSpec::Ready(command) => command,
            CommandSpec::WithTicket(ticket, make) => match resolve_ticket(&self.engine, &ticket) {
                Ok(id) => make(id),
                Err(rejection) => return error_message(id, &rejection),
            },
            CommandSpec::WithBooking(code, make) => match self.resolve_booking_code(&code, now) {
                Some((booking, unsynced)) => {
                    // A central booking its sync has not brought yet: the signed code
                    // proves it; record it first (same batch, same fsync).
                    if let Some(sync) = unsynced {
                        match self.engine.handle(&sync, now) {
                            Ok(outcome) => self.log(records, &outcome.events, outcome.at, None),
                            Err(rejection) => return error_message(id, &rejection),
                        }
                    }
                    make(booking)
                }
                None => {
                    let unknown = antrean_core::booking::BookingProblem::Unknown {
                        booking: antrean_core::booking::BookingId(0),
                    };
                    return error_message(id, &Rejection::Booking(unknown));
                }
            },
        };
        match self.engine.handle(&command, now) {
            Err(rejection) => error_message(id, &self.with_names(rejection)),
            Ok(outcome) => {
                self.log(records, &outcome.events, outcome.at, request_key.as_ref());
                let seq = self.seq + records.len() as u64;
                if let Some(request) = request_key.filter(|_| !outcome.events.is_empty()) {
                    self.requests
                        .remember(request.key, (outcome.ticket, seq, Some(request.digest)));
                }
                if matches!(
                    command,
                    Command::IssueTicket { .. } | Command::CheckIn { .. }
                ) {
                    self.metrics
                        .tickets_issued
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                self.ticket_answer(id, outcome.ticket, seq, with_token, now)
            }
        }
    }
}
