//! Tickets and their lifecycle states.

use std::fmt;

use crate::time::{LocalDate, Timestamp};

/// Site-wide ticket identity, assigned in issue order and never reused (not even across
/// days), so the log, reports and digital-ticket links can name a ticket unambiguously.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketId(pub u64);

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Largest daily sequence: the number is printed and announced with three digits.
pub const MAX_DAILY_SEQUENCE: u16 = 999;

/// The number a visitor sees: prefix + three-digit daily sequence ("A-012").
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketNumber {
    /// Service prefix, e.g. "A".
    pub prefix: String,
    /// Daily sequence 1..=999 for this prefix.
    pub sequence: u16,
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.prefix, self.sequence)
    }
}

impl TicketNumber {
    /// Parses "A-012".
    pub fn parse(text: &str) -> Option<TicketNumber> {
        let (prefix, seq) = text.split_once('-')?;
        let valid_prefix = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_uppercase());
        let sequence: u16 = seq.parse().ok()?;
        (valid_prefix && seq.len() == 3 && sequence >= 1).then(|| TicketNumber {
            prefix: prefix.to_owned(),
            sequence,
        })
    }
}

/// How the ticket was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A touchscreen kiosk.
    Kiosk,
    /// Issued by an officer at a counter (e.g. a visitor without a ticket).
    Counter,
    /// A script or integration over the API (CLI, online booking check-in).
    Api,
}

/// Where a ticket is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketState {
    /// In the queue of its current service.
    Waiting,
    /// Called to a counter, visitor walking there.
    Called,
    /// Being served at a counter.
    Serving,
    /// Held aside by an officer (e.g. fetching a missing document); not called by "next".
    Parked,
    /// Served.
    Done,
    /// Did not come when called; may be reinstated the same day.
    NoShow,
    /// Cancelled by staff.
    Cancelled,
    /// Still open when the day ended.
    Expired,
}

impl TicketState {
    /// Whether the ticket's journey is over (no command but reinstate applies).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TicketState::Done | TicketState::NoShow | TicketState::Cancelled | TicketState::Expired
        )
    }

    /// Stable lowercase key used on the wire and in reports.
    pub fn key(self) -> &'static str {
        match self {
            TicketState::Waiting => "waiting",
            TicketState::Called => "called",
            TicketState::Serving => "serving",
            TicketState::Parked => "parked",
            TicketState::Done => "done",
            TicketState::NoShow => "no_show",
            TicketState::Cancelled => "cancelled",
            TicketState::Expired => "expired",
        }
    }
}

/// A ticket as projected from the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticket {
    /// Identity.
    pub id: TicketId,
    /// Visible number.
    pub number: TicketNumber,
    /// Local date it was issued (the numbering day).
    pub day: LocalDate,
    /// Service whose queue it is in now.
    pub service: String,
    /// Services it went through before a transfer, oldest first.
    pub previous_services: Vec<String>,
    /// Claimed priority class, if any.
    pub priority: Option<String>,
    /// How it was taken.
    pub channel: Channel,
    /// When it was issued (kept across transfers).
    pub issued_at: Timestamp,
    /// Ordering key in its current queue: when it joined (or a moved-to-front key).
    pub queued_at: Timestamp,
    /// Current state.
    pub state: TicketState,
    /// Counter it is called to / served at / parked at.
    pub counter: Option<String>,
    /// Officer at that counter when called.
    pub officer: Option<String>,
    /// Recalls so far for the current call.
    pub recalls: u8,
    /// Last time it was called.
    pub called_at: Option<Timestamp>,
    /// The counter of its latest call, kept after it moves on (transferred, no-show):
    /// display boards list past calls with the counter they went to.
    pub called_counter: Option<String>,
    /// When its number was last announced: the latest call or recall. The board's big
    /// panel shows the ticket announced last.
    pub announced_at: Option<Timestamp>,
    /// When service started at the counter.
    pub started_at: Option<Timestamp>,
    /// When it reached a terminal state.
    pub closed_at: Option<Timestamp>,
    /// The booking it was checked in for, if any.
    pub booked: Option<BookedSlot>,
}

/// A ticket's booking: called before walk-ins once its slot began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookedSlot {
    /// The booking.
    pub booking: crate::booking::BookingId,
    /// The slot's start.
    pub slot_at: Timestamp,
}

impl Ticket {
    /// Whether it claimed a priority class.
    pub fn is_priority(&self) -> bool {
        self.priority.is_some()
    }

    /// Whether it was booked and its slot has begun at `now`.
    pub fn booked_ready(&self, now: Timestamp) -> bool {
        self.booked.is_some_and(|b| b.slot_at <= now)
    }

    /// Whether it was booked and checked in before its slot began: it waits for the slot
    /// (called earlier only when a counter would otherwise stand idle).
    pub fn booked_early(&self, now: Timestamp) -> bool {
        self.booked.is_some_and(|b| b.slot_at > now)
    }

    /// Since when it counts as waiting for the call order: its queue time, or for a ticket
    /// checked in early, its slot start.
    pub fn waiting_since(&self) -> Timestamp {
        match self.booked {
            Some(b) => self.queued_at.max(b.slot_at),
            None => self.queued_at,
        }
    }
}
