//! The committer's inputs and outputs: jobs from sessions and the HTTP side, reads, and
//! what goes back to sessions.

use std::sync::Arc;

use antrean_core::booking::{Booking, BookingId, SlotView};
use antrean_core::{Command, LocalDate, Rejection, TicketId};
use antrean_protocol::*;
use antrean_store::PrincipalWrite;
use axum::extract::ws::Utf8Bytes;
use tokio::sync::mpsc;

use super::RequestKey;
use crate::metrics::Inspection;

/// A message for sessions, serialized once for all of them.
#[derive(Clone, Debug)]
pub struct Broadcast {
    /// Log position (0 for alerts, which are not logged).
    pub seq: u64,
    /// Only for staff roles (officers, managers).
    pub staff_only: bool,
    /// Only for managers (ratings with their free text, imports, follow-ups).
    pub managers_only: bool,
    /// The JSON text.
    pub text: Utf8Bytes,
}

/// An answer for one session.
#[derive(Debug)]
pub struct Outgoing {
    /// Set when the message is a snapshot at this seq (ends a resync).
    pub snapshot_seq: Option<u64>,
    /// The JSON text.
    pub text: Utf8Bytes,
}

/// Where a job's answer goes: the session's outgoing queue.
pub type ReplyTo = mpsc::Sender<Outgoing>;

/// Work for the committer.
pub enum Job {
    /// A queue command.
    Command {
        /// The core command.
        command: CommandSpec,
        /// Idempotency key (principal + request id) and request digest, if the client
        /// gave an id.
        request_key: Option<RequestKey>,
        /// Client request id to echo.
        id: Option<String>,
        /// Include the digital-ticket token in the answer (kiosk and staff only).
        with_token: bool,
        /// The sending session's revocation flag: a command from a session whose
        /// credentials were revoked meanwhile is refused.
        cut: Option<Arc<crate::revocation::Cut>>,
        /// Answer channel.
        reply: ReplyTo,
    },
    /// A read answered from committed state.
    Read {
        /// What to read.
        read: Read,
        /// Client request id to echo.
        id: Option<String>,
        /// Answer channel.
        reply: ReplyTo,
    },
    /// An officer sits at a counter (their login opens it): the answer is typed, for the
    /// login code, and comes once the opening is durable.
    OpenCounter {
        /// The counter.
        counter: String,
        /// The officer.
        officer: String,
        /// The login request's id (echoed in a refusal).
        id: Option<String>,
        /// `ok`, or the refusal (`counter_in_use`, …).
        reply: tokio::sync::oneshot::Sender<ServerMessage>,
    },
    /// A kiosk printer health report (kept in memory, broadcast to staff).
    Alert(DeviceAlert),
    /// Internal reads for the HTTP side (metrics) that want typed answers.
    Inspect(tokio::sync::oneshot::Sender<Inspection>),
    /// A booking API request: answered once what it changed is durable.
    Booking {
        /// What to do.
        op: BookingOp,
        /// Where the answer goes.
        reply: tokio::sync::oneshot::Sender<BookingReply>,
    },
    /// A credential change (device, officer, manager): written in the batch's log frame;
    /// the answer (whether the principal existed) comes once it is durable.
    Principal {
        /// The change.
        write: PrincipalWrite,
        /// Where the answer goes.
        reply: tokio::sync::oneshot::Sender<bool>,
    },
}

/// A command, possibly naming its ticket by number (resolved against current state).
pub enum CommandSpec {
    /// Fully formed.
    Ready(Command),
    /// Needs a ticket id.
    WithTicket(TicketRef, Box<dyn FnOnce(TicketId) -> Command + Send>),
    /// Needs the booking a typed or scanned booking code names.
    WithBooking(String, Box<dyn FnOnce(BookingId) -> Command + Send>),
}

/// A booking API request for the committer.
pub enum BookingOp {
    /// A service's slots on a date.
    Slots {
        /// Service code.
        service: String,
        /// The date.
        date: LocalDate,
    },
    /// Book, reschedule or cancel (`Command::Book`, `RescheduleBooking`, `CancelBooking`).
    Change(Command),
    /// One booking as it is now.
    Status(BookingId),
    /// The dates a service can be booked for, with seats left.
    Days {
        /// Service code.
        service: String,
    },
}

/// The committer's answer to a [`BookingOp`].
#[derive(Debug, Default)]
pub struct BookingReply {
    /// The refusal, if refused (nothing changed then).
    pub refused: Option<Rejection>,
    /// The booking concerned, as it is after the change.
    pub booking: Option<Booking>,
    /// Its ticket's number once checked in.
    pub ticket_number: Option<String>,
    /// For `Slots`: the day's slots.
    pub slots: Vec<SlotView>,
    /// For `Slots` when no seat is left that day: the next date with one.
    pub next_date: Option<LocalDate>,
    /// For `Days`: today and each date ahead with its seats left (None: closed).
    pub days: Vec<(LocalDate, Option<u32>)>,
    /// For `Days`: whether booking is open now.
    pub window_open: bool,
}

/// Reads.
pub enum Read {
    /// A snapshot (also used for resync). Staff get the full scope and device alerts.
    Snapshot {
        /// Staff (full scope, alerts) or not (public scope).
        staff: bool,
    },
    /// Per-service figures.
    QueueStatus,
    /// One ticket (by id or by number today).
    Ticket {
        /// Which ticket.
        ticket: TicketRef,
        /// Include its digital-ticket token.
        with_token: bool,
    },
}
