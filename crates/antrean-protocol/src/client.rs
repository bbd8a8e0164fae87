//! Messages a client sends.

use serde::{Deserialize, Serialize};

/// A request from a client. `id` is echoed in the reply; for commands that change the
/// queue it is also the idempotency key: a retry with the same id (after a lost reply or a
/// reconnect) returns the first result instead of acting twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientMessage {
    /// Request id chosen by the client (at most 64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The request.
    #[serde(flatten)]
    pub request: Request,
}

/// Largest accepted request id, in characters (ids are stored in the log).
pub const MAX_REQUEST_ID_CHARS: usize = 64;

/// Who the client is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Auth {
    /// An enrolled kiosk.
    Kiosk {
        /// Device token from enrollment.
        token: String,
    },
    /// An enrolled display board.
    Display {
        /// Device token from enrollment.
        token: String,
    },
    /// A counter officer at one counter.
    Officer {
        /// Officer id.
        officer: String,
        /// PIN.
        pin: String,
        /// Counter to sit at.
        counter: String,
    },
    /// A manager.
    Manager {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// An enrolled rating screen (a tablet facing the visitor at one counter).
    Rating {
        /// Device token from enrollment.
        token: String,
    },
    /// A browser logged in through `POST /api/session` (officer console, manager report):
    /// the person comes from the `antrean_session` cookie sent with the WebSocket upgrade,
    /// so the page never holds the PIN or password.
    Session {},
    /// A visitor holding a digital ticket (the token from the ticket's QR code).
    Public {
        /// Per-ticket token.
        ticket_token: String,
    },
}

/// A ticket named by id or by its visible number today ("A-012").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TicketRef {
    /// Ticket id.
    Id(u64),
    /// Visible number.
    Number(String),
}

/// Device kinds that enroll with a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// Ticket kiosk.
    Kiosk,
    /// Display board.
    Display,
    /// Rating screen bound to one counter.
    Rating,
}

/// Printer health as a kiosk reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterHealth {
    /// Ready.
    Ready,
    /// Paper low.
    PaperNearEnd,
    /// Out of paper.
    PaperEnd,
    /// Cover open.
    CoverOpen,
    /// Offline (error state).
    Offline,
    /// Does not answer status queries.
    NoAnswer,
    /// Reports an error (cutter, mechanical, unrecoverable).
    Error,
    /// The link cannot report status (file, stdout, printers without DLE EOT).
    NotSupported,
}

/// Requests. Counter actions take the officer's own counter; a manager names the counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Request {
    /// First message on every connection.
    Hello {
        protocol: u32,
        auth: Auth,
        /// Receive the snapshot and the event stream (default). Scripts and integrations
        /// that only send commands say `false` and get answers only.
        #[serde(default = "subscribe_default", skip_serializing_if = "is_true")]
        subscribe: bool,
    },
    /// Take a ticket (kiosk, officer, manager).
    IssueTicket {
        service: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    /// A booked visitor checks in with their booking code (typed or scanned).
    CheckIn {
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
    },
    CallNext {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    CallTicket {
        ticket: TicketRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Recall {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Start {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Finish {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    NoShow {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Transfer {
        service: String,
        #[serde(default)]
        to_front: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Park {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    Unpark {
        ticket: TicketRef,
    },
    Reinstate {
        ticket: TicketRef,
    },
    Cancel {
        ticket: TicketRef,
    },
    Pause {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
        /// istirahat | sholat | rapat | lainnya (docs/protocol.md).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Resume {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    CloseCounter {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    /// Queue summary per service (any authenticated role).
    QueueStatus,
    /// A fresh snapshot (resync).
    Snapshot,
    /// The caller's own ticket (public role) or any ticket (staff).
    GetTicket {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<TicketRef>,
    },
    /// Kiosk reports its printer's health.
    DeviceStatus {
        printer: PrinterHealth,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Manager: enroll a device; the reply carries its token (shown once).
    EnrollDevice {
        kind: DeviceKind,
        name: String,
        /// The counter a rating screen belongs to (required for `rating`, refused otherwise).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
    },
    /// Manager: revoke a device's token.
    RevokeDevice {
        name: String,
    },
    /// Manager: create or update an officer and set the PIN.
    SetOfficer {
        officer: String,
        name: String,
        pin: String,
    },
    /// Manager: remove an officer.
    RemoveOfficer {
        officer: String,
    },
    /// Manager: list devices and officers (no secrets).
    ListPrincipals,
    /// Rate a served ticket: a visitor on the ticket page (own ticket, `ticket` absent) or a
    /// rating screen (a ticket finished at its counter).
    Rate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<TicketRef>,
        rating: crate::RatingDto,
    },
    /// Manager: import questionnaires collected on paper or in other tools (all or nothing).
    ImportSkm {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        /// Day they count for, YYYY-MM-DD.
        day: String,
        /// Source (file name).
        label: String,
        respondents: Vec<crate::ImportedResponseDto>,
    },
    /// Manager: record a follow-up action (tindak lanjut).
    RecordFollowUp {
        follow_up: crate::FollowUpDto,
    },
    /// Manager: the report of a period.
    Report {
        #[serde(default)]
        query: crate::ReportQueryDto,
    },
    /// Manager: the report as a file.
    ExportReport {
        #[serde(default)]
        query: crate::ReportQueryDto,
        /// waiting | ikm.
        kind: String,
        /// csv | xlsx.
        format: String,
    },
}

impl Request {
    /// Whether the request changes the queue (and so goes through the durable log).
    pub fn is_queue_command(&self) -> bool {
        !matches!(
            self,
            Request::Hello { .. }
                | Request::QueueStatus
                | Request::Snapshot
                | Request::GetTicket { .. }
                | Request::DeviceStatus { .. }
                | Request::EnrollDevice { .. }
                | Request::RevokeDevice { .. }
                | Request::SetOfficer { .. }
                | Request::RemoveOfficer { .. }
                | Request::ListPrincipals
                | Request::Report { .. }
                | Request::ExportReport { .. }
        )
    }
}

fn subscribe_default() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}
