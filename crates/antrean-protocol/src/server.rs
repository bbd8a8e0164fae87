//! Messages the coordinator sends.

use serde::{Deserialize, Serialize};

use crate::{CatalogDto, EventDto, PrinterHealth};

/// A message from the coordinator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(missing_docs)]
// Messages live only between building and serializing; boxing variants buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum ServerMessage {
    /// Reply to `hello`: who you are and what the site offers.
    Welcome {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        protocol: u32,
        role: String,
        /// Device name, officer id, manager user name or ticket number.
        principal: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counter: Option<String>,
        catalog: Box<CatalogDto>,
    },
    /// The full queue state at `seq`; events with higher `seq` follow. `id` echoes a
    /// `snapshot` request's id (absent on the snapshot that starts a session or a resync).
    Snapshot {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        seq: u64,
        state: Box<StateDto>,
        /// The coordinator's clock when it was made, Unix ms: pages place booked slots
        /// and waits by the site's time even on a device whose clock is off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_ms: Option<i64>,
    },
    /// One event, in log order.
    Event {
        seq: u64,
        at_ms: i64,
        event: EventDto,
        /// The ticket after the event, for clients that do not track state.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<TicketView>,
        /// For `ticket_called` and `ticket_recalled`: the voice clips a display board
        /// plays, in order (`/voice/id/{clip}.wav`; see `antrean_core::voice`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        announce: Option<Vec<String>>,
        /// With `ticket`: how many tickets wait in its service after the event, so a
        /// board keeps its per-service waiting counts without asking.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiting: Option<u32>,
    },
    /// A device health change (kiosk printer), for officer consoles and managers.
    Alert { alert: DeviceAlert },
    /// Success reply.
    Ok {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        result: Box<ResultDto>,
    },
    /// Failure reply. The connection and the state are intact.
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Stable code (see docs/protocol.md).
        code: String,
        /// Indonesian.
        message: String,
        /// English.
        message_en: String,
    },
}

/// Results of requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(missing_docs)]
#[allow(clippy::large_enum_variant)]
pub enum ResultDto {
    /// A ticket-affecting command or `get_ticket`.
    Ticket {
        ticket: TicketView,
        /// Waiting tickets ahead in the same service.
        people_ahead: u32,
        /// Counters serving the ticket's service (where to go).
        counters: Vec<String>,
        /// Digital-ticket token (kiosk issue and staff only): `/t/{token}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        public_token: Option<String>,
        /// Estimated wait, for a waiting ticket (absent otherwise, or when no counter
        /// serves its service).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        estimate: Option<EstimateDto>,
        /// For a served ticket still within its rating window: what its visitor rated
        /// already (the phone then says so instead of asking again). Absent otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rated: Option<RatedDto>,
        /// Log position of the last event this command wrote (0 for reads).
        seq: u64,
    },
    /// A command that changed no ticket (counter opened, paused...).
    Done { seq: u64 },
    /// `queue_status`.
    QueueStatus {
        seq: u64,
        services: Vec<ServiceStatus>,
        /// The quarter's published IKM so far (absent before the first rating), so a kiosk's
        /// attract screen stays current without a full snapshot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ikm: Option<crate::PublishedIkmDto>,
    },
    /// `enroll_device`: the token, shown once.
    Enrolled {
        name: String,
        device_kind: String,
        token: String,
    },
    /// `list_principals`.
    Principals {
        devices: Vec<PrincipalInfo>,
        officers: Vec<PrincipalInfo>,
        managers: Vec<PrincipalInfo>,
    },
    /// Anything else that succeeded without data.
    Accepted,
    /// `report`.
    Report { report: Box<crate::ReportDto> },
    /// `export_report`: a file, base64-encoded.
    File {
        name: String,
        mime: String,
        data_base64: String,
    },
}

/// A wait estimate for a waiting ticket, as of the answer (see `antrean_core::eta`).
/// Show the band, not the point: the band is what the accuracy table in BENCHMARKS.md
/// measures, and it is rounded so it never pretends minute precision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstimateDto {
    /// Point estimate of the time until the ticket is called, seconds.
    pub wait_s: u32,
    /// Band to show, lower end in minutes (the printed ticket's `WaitBand::lo_min`).
    pub band_min_lo: u32,
    /// Band to show, upper end in minutes.
    pub band_min_hi: u32,
    /// The band in Indonesian: "15–25 menit", "kurang dari 5 menit", "1–2,5 jam".
    pub text_id: String,
    /// The ticket is likely not called before closing time: kiosks warn before printing.
    pub after_closing: bool,
    /// The band in English: "15–25 minutes", "less than 5 minutes", "1–2.5 hours".
    #[serde(default)]
    pub text_en: String,
    /// What the estimate rests on (docs/protocol.md, "Wait estimates"): calls of the
    /// service before the ticket's own (priority and booked ones included).
    #[serde(default)]
    pub calls_ahead: u32,
    /// Counters serving the service now.
    #[serde(default)]
    pub counters: u32,
    /// Mean counter time of one call, seconds.
    #[serde(default)]
    pub mean_call_s: u32,
    /// A counter is free for the ticket now.
    #[serde(default)]
    pub counter_free: bool,
}

/// A ticket as clients see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    /// Id.
    pub id: u64,
    /// "A-012".
    pub number: String,
    /// Numbering day "YYYY-MM-DD".
    pub day: String,
    /// Current service.
    pub service: String,
    /// Earlier services (transfers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_services: Vec<String>,
    /// Priority class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// waiting | called | serving | parked | done | no_show | cancelled | expired.
    pub state: String,
    /// Counter id when called/serving/parked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// Recalls of the current call.
    #[serde(default)]
    pub recalls: u8,
    /// Issue time, Unix ms.
    pub issued_at_ms: i64,
    /// Last call time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub called_at_ms: Option<i64>,
    /// Service start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at_ms: Option<i64>,
    /// Terminal state time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at_ms: Option<i64>,
    /// For a ticket checked in with a booking: its slot's start, Unix ms (it is called
    /// before walk-ins from then on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_slot_at_ms: Option<i64>,
}

/// What a served ticket's visitor rated so far (each at most once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatedDto {
    /// The face (the quick rating).
    pub face: bool,
    /// The nine-question SKM questionnaire.
    pub questionnaire: bool,
}

/// The queue state in a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateDto {
    /// Current numbering day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// `full` (staff: every ticket of today) or `public` (kiosks, boards, visitors: only
    /// tickets at a counter now). Public snapshots stay a few KiB however busy the day.
    pub scope: String,
    /// Per-service figures.
    pub services: Vec<ServiceStatus>,
    /// The latest calls, newest first (what a board shows as history).
    pub recent_calls: Vec<TicketView>,
    /// Tickets in issue order (see `scope`).
    pub tickets: Vec<TicketView>,
    /// Counters that have been opened today.
    pub counters: Vec<CounterStateDto>,
    /// The current quarter's IKM from questionnaires so far (published on boards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm: Option<crate::PublishedIkmDto>,
    /// Latest kiosk printer alerts (staff roles only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<DeviceAlert>,
}

/// Live state of a counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CounterStateDto {
    /// Counter id.
    pub id: String,
    /// closed | open | paused.
    pub status: String,
    /// Officer logged in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// Why it is paused (istirahat | sholat | rapat | lainnya), when paused with a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_reason: Option<String>,
    /// Current ticket id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<u64>,
    /// Booked tickets this counter called in a row just now (the calling order's turn,
    /// docs/booking.md "Calling order"; the console orders its waiting list by it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub booked_streak: u32,
    /// Walk-in tickets it called in a row just now.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub walk_in_streak: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Per-service queue figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceStatus {
    /// Service code.
    pub service: String,
    /// Tickets waiting.
    pub waiting: u32,
    /// Issued today.
    pub issued_today: u32,
    /// Last number called today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_called: Option<String>,
}

/// A device health alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeviceAlert {
    /// Device name.
    pub device: String,
    /// Printer health.
    pub printer: PrinterHealth,
    /// Free text from the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When reported, Unix ms.
    pub at_ms: i64,
}

/// A device, officer or manager (no secrets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrincipalInfo {
    /// Name or id.
    pub name: String,
    /// kiosk | display | officer | manager.
    pub kind: String,
    /// Display name (officers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The counter a rating screen belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// Whether its credentials were revoked.
    #[serde(default)]
    pub revoked: bool,
}

/// The answer of `POST /api/session` and `GET /api/session`: who the browser's session
/// cookie logs in as (docs/protocol.md, "Web sessions").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebSessionDto {
    /// `officer` or `manager`.
    pub role: String,
    /// Officer id or manager user name.
    pub principal: String,
    /// The officer's counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// When the session ends unless logged out before, ms since the Unix epoch.
    pub expires_ms: i64,
}

/// The body of `GET /health`: `ok` with the last durable seq once the log is replayed and
/// the committer answers, `stopping` otherwise (docs/protocol.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthDto {
    /// `ok` or `stopping`.
    pub status: String,
    /// Last durable log seq (absent while stopping).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}
