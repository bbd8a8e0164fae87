//! What the committer sends back: ticket answers, reads, the shared public snapshot and the
//! inspection for `/health` and `/metrics` — all from committed state.

use antrean_core::{Rejection, TicketId, Timestamp};
use antrean_protocol::*;
use axum::extract::ws::Utf8Bytes;

use super::{Committer, Read, resolve_ticket};
use crate::metrics::Inspection;

use crate::limits::MAX_SHOWN_BANDS;

impl Committer {
    pub(super) fn ticket_answer(
        &self,
        id: Option<String>,
        ticket: Option<TicketId>,
        seq: u64,
        with_token: bool,
        now: Timestamp,
    ) -> ServerMessage {
        let result = match ticket.and_then(|t| self.engine.state().ticket(t)) {
            Some(t) => self.ticket_result(t, seq, with_token, now),
            None => ResultDto::Done { seq },
        };
        ServerMessage::Ok {
            id,
            result: Box::new(result),
        }
    }

    fn ticket_result(
        &self,
        ticket: &antrean_core::Ticket,
        seq: u64,
        with_token: bool,
        now: Timestamp,
    ) -> ResultDto {
        ResultDto::Ticket {
            ticket: ticket_view(ticket),
            people_ahead: self.engine.state().people_ahead(ticket),
            counters: self
                .engine
                .catalog()
                .counters_serving(&ticket.service)
                .map(|c| c.id.clone())
                .collect(),
            public_token: with_token.then(|| self.signer.token(ticket.id.0)),
            estimate: self
                .steady_estimate(ticket.id, now)
                .as_ref()
                .map(estimate_view),
            rated: self.engine.state().rateable.get(&ticket.id).map(|r| {
                antrean_protocol::RatedDto {
                    face: r.face_given,
                    questionnaire: r.questionnaire_given,
                }
            }),
            seq,
        }
    }

    /// The ticket's wait estimate, on demand from the live state (one pass over the queues
    /// it competes in), with the band its visitor saw last kept while the fresh estimate
    /// still falls inside it (docs/protocol.md, "Wait estimates").
    fn steady_estimate(
        &self,
        ticket: TicketId,
        now: Timestamp,
    ) -> Option<antrean_core::eta::Estimate> {
        let now = self.engine.effective_now(now);
        let fresh =
            antrean_core::eta::estimate(self.engine.state(), self.engine.catalog(), ticket, now);
        let mut shown = self.shown_bands.lock().expect("shown bands lock");
        let Some(mut estimate) = fresh else {
            // Not waiting (called, served, gone): nothing to keep steady any more.
            shown.remove(&ticket);
            return None;
        };
        let (band, keep) = antrean_core::eta::steady_band(
            shown.get(&ticket).copied(),
            estimate.band,
            estimate.wait_s,
            now,
        );
        shown.insert(ticket, keep);
        if shown.len() > MAX_SHOWN_BANDS {
            // Tickets called or expired without being asked again: drop them.
            let state = self.engine.state();
            shown.retain(|id, _| {
                state
                    .ticket(*id)
                    .is_some_and(|t| t.state == antrean_core::TicketState::Waiting)
            });
        }
        estimate.band = band;
        Some(estimate)
    }

    pub(super) fn read(&self, read: Read, id: Option<String>, now: Timestamp) -> ServerMessage {
        match read {
            Read::Snapshot { staff } => {
                let scope = if staff {
                    SnapshotScope::Full
                } else {
                    SnapshotScope::Public
                };
                let mut state = state_view(self.engine.state(), self.engine.catalog(), scope);
                if staff {
                    state.alerts = self.alerts.clone();
                }
                ServerMessage::Snapshot {
                    id,
                    seq: self.seq,
                    state: Box::new(state),
                    at_ms: Some(now.0),
                }
            }
            Read::QueueStatus => {
                let services = service_statuses(self.engine.state(), self.engine.catalog());
                let result = ResultDto::QueueStatus {
                    seq: self.seq,
                    services,
                    ikm: antrean_protocol::published_ikm(&self.engine.state().skm_quarter),
                };
                ServerMessage::Ok {
                    id,
                    result: Box::new(result),
                }
            }
            Read::Ticket { ticket, with_token } => {
                let found = resolve_ticket(&self.engine, &ticket).and_then(|t| {
                    self.engine
                        .state()
                        .ticket(t)
                        .ok_or(Rejection::UnknownTicket { ticket: t })
                });
                match found {
                    Ok(t) => ServerMessage::Ok {
                        id,
                        // The seq the answer is current at, as every other answer.
                        result: Box::new(self.ticket_result(t, self.seq, with_token, now)),
                    },
                    Err(rejection) => error_message(id, &rejection),
                }
            }
        }
    }

    pub(super) fn public_snapshot_text(&mut self) -> Utf8Bytes {
        if let Some((seq, text)) = &self.public_snapshot
            && *seq == self.seq
        {
            return text.clone();
        }
        // A snapshot does not depend on the time: the state's own last time will do.
        let at = self.engine.state().last_at;
        let text = to_text(&self.read(Read::Snapshot { staff: false }, None, at));
        self.public_snapshot = Some((self.seq, text.clone()));
        text
    }

    /// Figures for `/health` and `/metrics`, taken between jobs (mid-batch): the seq is the
    /// last durable one; the queue figures may include the batch being written.
    pub(super) fn inspect(&self) -> Inspection {
        // Per service from the indexes only: a scrape runs on the committer's thread
        // between jobs, so it must not scan the day's tickets (`service_figures` does, for
        // the last call, which /metrics does not show).
        let state = self.engine.state();
        let services = self
            .engine
            .catalog()
            .services
            .iter()
            .map(|s| {
                let waiting = state.waiting_count(&s.code) as u32;
                let issued = state.issued_today.get(&s.code).copied().unwrap_or(0);
                (s.code.clone(), waiting, issued)
            })
            .collect();
        Inspection {
            seq: self.seq,
            services,
        }
    }
}

/// Serializes a server message once.
pub fn to_text(message: &ServerMessage) -> Utf8Bytes {
    Utf8Bytes::from(serde_json::to_string(message).expect("server messages always serialize"))
}

/// An error reply for a rejection.
pub fn error_message(id: Option<String>, rejection: &Rejection) -> ServerMessage {
    ServerMessage::Error {
        id,
        code: rejection.code().to_owned(),
        // Rejections name what the client sent (a service code, a ticket number).
        message: printable(&rejection.message_id()),
        message_en: printable(&rejection.message_en()),
    }
}
