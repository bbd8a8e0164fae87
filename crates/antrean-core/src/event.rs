//! Events: the facts the log records. The engine state is a projection of them, and they
//! keep everything reports need (times come from the log envelope's `at`).

use crate::booking::BookingId;
use crate::rating::{FollowUp, ImportedResponse, Rating};
use crate::ticket::{Channel, TicketId, TicketNumber};
use crate::time::{LocalDate, LocalTime, Timestamp};

/// How a booking was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BookingChannel {
    /// The booking page (site or central).
    Web,
    /// A partner app through the booking API.
    Partner,
    /// An officer, for a visitor at the counter or on the phone.
    Officer,
    /// Made at Antrean Pusat and synced down, or honoured from its signed code before the
    /// sync arrived (docs/booking.md, "Booked at central"). Its id is in the central range.
    Central,
}

/// A fact that happened. Past tense, self-contained: applying it needs no catalog.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A new numbering day began; every still-open ticket of the previous day expires.
    DayStarted {
        /// The new local date.
        day: LocalDate,
    },
    /// A ticket was issued.
    TicketIssued {
        /// New ticket id.
        ticket: TicketId,
        /// Its number.
        number: TicketNumber,
        /// Numbering day.
        day: LocalDate,
        /// Service.
        service: String,
        /// Priority class claimed.
        priority: Option<String>,
        /// Channel.
        channel: Channel,
    },
    /// A ticket was called to a counter.
    TicketCalled {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
        /// Officer at the counter.
        officer: Option<String>,
        /// Called out of order (call specific), not by policy.
        out_of_order: bool,
    },
    /// The call was announced again.
    TicketRecalled {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
        /// Recalls so far including this one.
        recalls: u8,
    },
    /// Service started.
    ServiceStarted {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
    },
    /// Service finished.
    ServiceFinished {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
    },
    /// Visitor did not come.
    TicketNoShow {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
    },
    /// Sent to another service, keeping number and issue time.
    TicketTransferred {
        /// Ticket.
        ticket: TicketId,
        /// Counter that transferred it.
        counter: String,
        /// Previous service.
        from_service: String,
        /// New service.
        to_service: String,
        /// Placed at the front of the new queue.
        to_front: bool,
    },
    /// Held aside at a counter.
    TicketParked {
        /// Ticket.
        ticket: TicketId,
        /// Counter.
        counter: String,
    },
    /// Back in its queue from parking.
    TicketUnparked {
        /// Ticket.
        ticket: TicketId,
    },
    /// A no-show back in the queue.
    TicketReinstated {
        /// Ticket.
        ticket: TicketId,
    },
    /// Cancelled by staff.
    TicketCancelled {
        /// Ticket.
        ticket: TicketId,
    },
    /// Open at the end of its day.
    TicketExpired {
        /// Ticket.
        ticket: TicketId,
    },
    /// An officer opened a counter.
    CounterOpened {
        /// Counter.
        counter: String,
        /// Officer.
        officer: String,
    },
    /// Counter on break.
    CounterPaused {
        /// Counter.
        counter: String,
        /// Why (None: not given, or logged before reasons were).
        reason: Option<crate::break_reason::BreakReason>,
    },
    /// Counter back from break.
    CounterResumed {
        /// Counter.
        counter: String,
    },
    /// Counter closed.
    CounterClosed {
        /// Counter.
        counter: String,
    },
    /// A served ticket was rated. Carries where it was served, so reports need no catalog
    /// lookups and survive catalog changes.
    ServiceRated {
        /// Ticket.
        ticket: TicketId,
        /// Service it was served for.
        service: String,
        /// That service's agency.
        agency: String,
        /// Counter.
        counter: String,
        /// Officer.
        officer: Option<String>,
        /// The rating.
        rating: Rating,
    },
    /// Questionnaires collected outside the system were imported (one event: all or nothing).
    ResponsesImported {
        /// Service (None: site-wide).
        service: Option<String>,
        /// Its agency.
        agency: Option<String>,
        /// Day they count for.
        day: LocalDate,
        /// Source label (file name).
        label: String,
        /// The questionnaires.
        respondents: Vec<ImportedResponse>,
    },
    /// A follow-up action was recorded.
    FollowUpRecorded(FollowUp),
    /// A slot was booked.
    BookingMade {
        /// New booking id.
        booking: BookingId,
        /// Service.
        service: String,
        /// Date of the visit.
        date: LocalDate,
        /// Slot start.
        slot: LocalTime,
        /// Keyed hashes of the visitor's identifiers (one live booking per identity).
        identity_keys: Vec<String>,
        /// Personal data sealed by the shell; unreadable once its key is deleted.
        sealed: Vec<u8>,
        /// How it was made.
        channel: BookingChannel,
    },
    /// Moved to another slot (same service).
    BookingRescheduled {
        /// Booking.
        booking: BookingId,
        /// New date.
        date: LocalDate,
        /// New slot start.
        slot: LocalTime,
    },
    /// Cancelled; the seat is free again.
    BookingCancelled {
        /// Booking.
        booking: BookingId,
    },
    /// The visitor checked in: the ticket issued just before this event is theirs.
    BookingCheckedIn {
        /// Booking.
        booking: BookingId,
        /// Its ticket.
        ticket: TicketId,
        /// The slot's start as an instant: a booked ticket is called before walk-ins
        /// from then on (carried so applying needs no catalog or time zone).
        slot_at: Timestamp,
    },
    /// Not checked in by the end of its arrival window; the seat went back to walk-ins.
    BookingExpired {
        /// Booking.
        booking: BookingId,
    },
}

/// Who may see an event as it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Every connected client (queue movements; boards and phones follow them).
    Everyone,
    /// Managers only: bookings carry identity hashes and sealed personal data; ratings carry free-text suggestions and the officer's name, imports
    /// and follow-ups are internal (boards and kiosks get the quarter's IKM instead).
    Managers,
}

impl Event {
    /// Who may see this event as it happens.
    pub fn audience(&self) -> Audience {
        match self {
            Event::ServiceRated { .. }
            | Event::ResponsesImported { .. }
            | Event::FollowUpRecorded(_)
            | Event::BookingMade { .. }
            | Event::BookingRescheduled { .. }
            | Event::BookingCancelled { .. }
            | Event::BookingExpired { .. } => Audience::Managers,
            _ => Audience::Everyone,
        }
    }

    /// The ticket this event is about, if any.
    pub fn ticket(&self) -> Option<TicketId> {
        match self {
            Event::TicketIssued { ticket, .. }
            | Event::TicketCalled { ticket, .. }
            | Event::TicketRecalled { ticket, .. }
            | Event::ServiceStarted { ticket, .. }
            | Event::ServiceFinished { ticket, .. }
            | Event::TicketNoShow { ticket, .. }
            | Event::TicketTransferred { ticket, .. }
            | Event::TicketParked { ticket, .. }
            | Event::TicketUnparked { ticket }
            | Event::TicketReinstated { ticket }
            | Event::TicketCancelled { ticket }
            | Event::TicketExpired { ticket }
            | Event::ServiceRated { ticket, .. }
            | Event::BookingCheckedIn { ticket, .. } => Some(*ticket),
            Event::DayStarted { .. }
            | Event::CounterOpened { .. }
            | Event::CounterPaused { .. }
            | Event::CounterResumed { .. }
            | Event::CounterClosed { .. }
            | Event::ResponsesImported { .. }
            | Event::FollowUpRecorded(_)
            | Event::BookingMade { .. }
            | Event::BookingRescheduled { .. }
            | Event::BookingCancelled { .. }
            | Event::BookingExpired { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_imports_and_follow_ups_are_for_managers_only() {
        let called = Event::TicketCalled {
            ticket: TicketId(1),
            counter: "1".into(),
            officer: None,
            out_of_order: false,
        };
        assert_eq!(called.audience(), Audience::Everyone);
        let imported = Event::ResponsesImported {
            service: Some("kk".into()),
            agency: None,
            day: LocalDate::parse("2026-11-30").unwrap(),
            label: "x".into(),
            respondents: Vec::new(),
        };
        assert_eq!(imported.audience(), Audience::Managers);
    }
}
