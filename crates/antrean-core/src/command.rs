//! Commands: what devices and people ask the engine to do.

use crate::booking::BookingId;
use crate::event::BookingChannel;
use crate::rating::{FollowUp, ImportedResponse, Rating};
use crate::ticket::{Channel, TicketId};
use crate::time::{LocalDate, LocalTime};

/// A request to change the queue. Authorization (who may send which command) is the
/// coordinator's job; the engine checks only queue rules.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Take a ticket for a service.
    IssueTicket {
        /// Service code.
        service: String,
        /// Claimed priority class (staff verify at the counter).
        priority: Option<String>,
        /// Where it was taken.
        channel: Channel,
    },
    /// An officer opens a counter (logs in at it).
    OpenCounter {
        /// Counter id.
        counter: String,
        /// Officer id.
        officer: String,
    },
    /// Counter goes on a break: no calls until resumed.
    PauseCounter {
        /// Counter id.
        counter: String,
        /// Why (None: not given).
        reason: Option<crate::break_reason::BreakReason>,
    },
    /// Counter back from a break.
    ResumeCounter {
        /// Counter id.
        counter: String,
    },
    /// Counter closes (officer logs out).
    CloseCounter {
        /// Counter id.
        counter: String,
    },
    /// Call the next ticket by policy.
    CallNext {
        /// Counter id.
        counter: String,
    },
    /// Call one ticket out of order (waiting or parked).
    CallSpecific {
        /// Counter id.
        counter: String,
        /// The ticket.
        ticket: TicketId,
    },
    /// Announce the called ticket again.
    Recall {
        /// Counter id.
        counter: String,
    },
    /// The called visitor arrived: service starts.
    StartService {
        /// Counter id.
        counter: String,
    },
    /// Service finished.
    FinishService {
        /// Counter id.
        counter: String,
    },
    /// The called visitor did not come.
    MarkNoShow {
        /// Counter id.
        counter: String,
    },
    /// Send the current ticket on to another service, keeping its number.
    Transfer {
        /// Counter id.
        counter: String,
        /// Target service code.
        to_service: String,
        /// Put it at the front of the target queue instead of the back.
        to_front: bool,
    },
    /// Hold the current ticket aside.
    Park {
        /// Counter id.
        counter: String,
    },
    /// Return a parked ticket to its queue.
    Unpark {
        /// The ticket.
        ticket: TicketId,
    },
    /// A no-show came back late: queue them again (at the back).
    Reinstate {
        /// The ticket.
        ticket: TicketId,
    },
    /// Cancel a ticket that is not finished.
    Cancel {
        /// The ticket.
        ticket: TicketId,
        /// The officer's counter, when an officer cancels: a ticket called or served at
        /// another counter is that counter's to cancel. `None` for managers.
        by_counter: Option<String>,
    },
    /// A visitor rates a served ticket (face and/or SKM questionnaire).
    Rate {
        /// The ticket.
        ticket: TicketId,
        /// The rating.
        rating: Rating,
        /// Sent by the rating screen of this counter: the ticket must have been served
        /// there (a screen cannot rate another counter's visitors).
        at_counter: Option<String>,
    },
    /// A manager imports questionnaires collected outside the system, all or nothing.
    ImportResponses {
        /// Service they concern (None: the whole site).
        service: Option<String>,
        /// Day they count for in period reports.
        day: LocalDate,
        /// Where they came from (file name), for the audit trail.
        label: String,
        /// The questionnaires.
        respondents: Vec<ImportedResponse>,
    },
    /// A manager records a follow-up action on SKM results.
    RecordFollowUp(FollowUp),
    /// Book a slot. The shell has checked the name, phone and NIK (see
    /// [`crate::booking::nik`]), hashed the identifiers and sealed the personal data.
    Book {
        /// Service code.
        service: String,
        /// Date of the visit.
        date: LocalDate,
        /// Slot start.
        slot: LocalTime,
        /// Keyed hashes of the visitor's identifiers.
        identity_keys: Vec<String>,
        /// Whether a (checked) NIK is among the sealed data.
        nik_given: bool,
        /// The sealed personal data.
        sealed: Vec<u8>,
        /// How it is made.
        channel: BookingChannel,
    },
    /// Move an active booking to another slot of the same service.
    RescheduleBooking {
        /// The booking.
        booking: BookingId,
        /// New date.
        date: LocalDate,
        /// New slot start.
        slot: LocalTime,
    },
    /// Cancel an active booking.
    CancelBooking {
        /// The booking.
        booking: BookingId,
    },
    /// A booking Antrean Pusat made (or changed) for this site, as central last told it
    /// or as its signed code proves it. Central owns the seats of services booked there,
    /// so this checks the slot exists but not capacity; the site's own facts win (a
    /// booking already checked in stays so). Applying the same news twice changes nothing.
    SyncCentralBooking {
        /// The booking (its id in the central range, [`BookingId::central`]).
        booking: BookingId,
        /// Service code.
        service: String,
        /// Date of the visit.
        date: LocalDate,
        /// Slot start.
        slot: LocalTime,
        /// Whether central cancelled it.
        cancelled: bool,
    },
    /// The visitor of a booking arrived: issue their ticket.
    CheckIn {
        /// The booking.
        booking: BookingId,
        /// Claimed priority class (staff verify at the counter).
        priority: Option<String>,
        /// Where they checked in (kiosk or counter).
        channel: Channel,
    },
}

impl Command {
    /// The counter this command acts on, if any (used for per-counter authorization).
    pub fn counter(&self) -> Option<&str> {
        match self {
            Command::OpenCounter { counter, .. }
            | Command::PauseCounter { counter, .. }
            | Command::ResumeCounter { counter }
            | Command::CloseCounter { counter }
            | Command::CallNext { counter }
            | Command::CallSpecific { counter, .. }
            | Command::Recall { counter }
            | Command::StartService { counter }
            | Command::FinishService { counter }
            | Command::MarkNoShow { counter }
            | Command::Transfer { counter, .. }
            | Command::Park { counter } => Some(counter),
            Command::IssueTicket { .. }
            | Command::Unpark { .. }
            | Command::Reinstate { .. }
            | Command::Cancel { .. }
            | Command::Rate { .. }
            | Command::ImportResponses { .. }
            | Command::RecordFollowUp(_)
            | Command::Book { .. }
            | Command::RescheduleBooking { .. }
            | Command::CancelBooking { .. }
            | Command::SyncCentralBooking { .. }
            | Command::CheckIn { .. } => None,
        }
    }
}
