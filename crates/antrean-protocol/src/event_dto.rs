//! Events as stored in the log and sent to clients.

use serde::{Deserialize, Serialize};

use crate::{FollowUpDto, ImportedResponseDto, RatingDto};

/// A core event in its wire/disk form. Field names are part of the on-disk format: add
/// fields with `#[serde(default)]`, never rename.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventDto {
    DayStarted {
        day: String,
    },
    TicketIssued {
        ticket: u64,
        number: String,
        day: String,
        service: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
        channel: String,
    },
    TicketCalled {
        ticket: u64,
        counter: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        officer: Option<String>,
        #[serde(default)]
        out_of_order: bool,
    },
    TicketRecalled {
        ticket: u64,
        counter: String,
        recalls: u8,
    },
    ServiceStarted {
        ticket: u64,
        counter: String,
    },
    ServiceFinished {
        ticket: u64,
        counter: String,
    },
    TicketNoShow {
        ticket: u64,
        counter: String,
    },
    TicketTransferred {
        ticket: u64,
        counter: String,
        from_service: String,
        to_service: String,
        #[serde(default)]
        to_front: bool,
    },
    TicketParked {
        ticket: u64,
        counter: String,
    },
    TicketUnparked {
        ticket: u64,
    },
    TicketReinstated {
        ticket: u64,
    },
    TicketCancelled {
        ticket: u64,
    },
    TicketExpired {
        ticket: u64,
    },
    CounterOpened {
        counter: String,
        officer: String,
    },
    CounterPaused {
        counter: String,
        /// istirahat | sholat | rapat | lainnya; absent when none was given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    CounterResumed {
        counter: String,
    },
    CounterClosed {
        counter: String,
    },
    ServiceRated {
        ticket: u64,
        service: String,
        agency: String,
        counter: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        officer: Option<String>,
        rating: RatingDto,
    },
    ResponsesImported {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agency: Option<String>,
        day: String,
        label: String,
        respondents: Vec<ImportedResponseDto>,
    },
    FollowUpRecorded {
        follow_up: FollowUpDto,
    },
    BookingMade {
        booking: u64,
        service: String,
        date: String,
        /// "HH:MM".
        slot: String,
        identity_keys: Vec<String>,
        /// Sealed personal data, hex (docs/booking.md, "Personal data").
        sealed: String,
        /// "web", "partner" or "officer".
        channel: String,
    },
    BookingRescheduled {
        booking: u64,
        date: String,
        slot: String,
    },
    BookingCancelled {
        booking: u64,
    },
    BookingCheckedIn {
        booking: u64,
        ticket: u64,
        slot_at_ms: i64,
    },
    BookingExpired {
        booking: u64,
    },
}

impl EventDto {
    /// The ticket this event is about, if any (read without converting back to the core).
    pub fn ticket(&self) -> Option<u64> {
        match self {
            EventDto::TicketIssued { ticket, .. }
            | EventDto::TicketCalled { ticket, .. }
            | EventDto::TicketRecalled { ticket, .. }
            | EventDto::ServiceStarted { ticket, .. }
            | EventDto::ServiceFinished { ticket, .. }
            | EventDto::TicketNoShow { ticket, .. }
            | EventDto::TicketTransferred { ticket, .. }
            | EventDto::TicketParked { ticket, .. }
            | EventDto::TicketUnparked { ticket }
            | EventDto::TicketReinstated { ticket }
            | EventDto::TicketCancelled { ticket }
            | EventDto::TicketExpired { ticket }
            | EventDto::ServiceRated { ticket, .. }
            | EventDto::BookingCheckedIn { ticket, .. } => Some(*ticket),
            EventDto::DayStarted { .. }
            | EventDto::CounterOpened { .. }
            | EventDto::CounterPaused { .. }
            | EventDto::CounterResumed { .. }
            | EventDto::CounterClosed { .. }
            | EventDto::ResponsesImported { .. }
            | EventDto::FollowUpRecorded { .. }
            | EventDto::BookingMade { .. }
            | EventDto::BookingRescheduled { .. }
            | EventDto::BookingCancelled { .. }
            | EventDto::BookingExpired { .. } => None,
        }
    }
}

/// One log entry: the event, when it happened, and which request caused it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Position in the log, from 1, gapless.
    pub seq: u64,
    /// Event time, Unix milliseconds.
    pub at_ms: i64,
    /// The event.
    pub event: EventDto,
    /// Idempotency key of the request (principal + client request id), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Digest of the request's content (hex), kept with its key so that a later request
    /// reusing the id with a different content is refused (`id_reused`), also after a
    /// restart. Absent in logs written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_digest: Option<String>,
}
