//! Managers' reports: waiting, walk, service and idle times, compliance with the published
//! processing time, and the SKM of a period.
//!
//! Two steps: the event log is boiled down to [`Facts`] (one compact row per visit,
//! counter-day and rating), and a report is a filtered scan of those rows ([`report`]). The
//! coordinator keeps facts of the last months in memory, fed by each committed event, so a
//! manager's report costs a scan, not a re-read of the log. [`ReportBuilder`] does both
//! steps for one period (tests, tools, periods outside the kept window).
//!
//! Definitions:
//! - A **visit** is a ticket's stay in one service's queue: it starts when the ticket is
//!   issued, transferred in, or reinstated after a no-show.
//! - **Waiting** = visit start → its first call. **Walk** = call → service start.
//!   **Service** = start → finish (or → transfer onward).
//! - Days and hours are those of the visit's start (a served visit's hour is its end's).
//! - **Idle** = a counter open (not paused) with no ticket called or served. An idle
//!   stretch still running at midnight is dropped, not counted: a counter left logged in
//!   overnight is not an idle officer.
//! - **Compliance**: service time ≤ the service's standard processing time, for services
//!   whose standard is in minutes or hours (days are work after the visit).
//! - Filters: agency and service select visits and ratings; counter and officer select the
//!   counter work (calls, service, idle, ratings). Issued counts ignore counter and officer.

pub mod booking_facts;
pub mod facts;
mod query;
pub mod rollup;
mod stats;

pub use booking_facts::{BookingFigures, SlotUse};
pub use facts::Facts;
pub use query::report;
pub use stats::DurationStats;

use crate::catalog::Catalog;
use crate::event::Event;
use crate::rating::FollowUp;
use crate::skm::Tally;
use crate::ticket::TicketId;
use crate::time::{LocalDate, Timestamp};

/// What to report on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportQuery {
    /// First local day, inclusive.
    pub from: LocalDate,
    /// Last local day, inclusive.
    pub to: LocalDate,
    /// Only this agency.
    pub agency: Option<String>,
    /// Only this service.
    pub service: Option<String>,
    /// Only this counter.
    pub counter: Option<String>,
    /// Only this officer.
    pub officer: Option<String>,
}

/// Ticket counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tickets issued.
    pub issued: u32,
    /// Visits finished (served).
    pub served: u32,
    /// Called visitors who did not come.
    pub no_show: u32,
    /// Cancelled by staff.
    pub cancelled: u32,
    /// Still open at the end of their day.
    pub expired: u32,
    /// Still open when the period's log ends: in the queue now (a live view of today), or
    /// expiring at the first tick after the period.
    pub open: u32,
    /// Sent on to another service.
    pub transferred: u32,
}

/// One hour of the day (local), all days of the period together.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HourRow {
    /// Hour 0..=23.
    pub hour: u8,
    /// Tickets issued in that hour.
    pub issued: u32,
    /// Visits finished in that hour.
    pub served: u32,
    /// Waiting of the visits that started in that hour.
    pub waiting: DurationStats,
}

/// One day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayRow {
    /// The day.
    pub day: LocalDate,
    /// Counts.
    pub counts: Counts,
    /// Waiting of visits called that day.
    pub waiting: DurationStats,
    /// Service times of visits finished that day.
    pub service: DurationStats,
}

/// One service's compliance with its published processing time.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceRow {
    /// Service code.
    pub service: String,
    /// Standard, minutes.
    pub standard_min: u32,
    /// The minutes are the site's counter target, the published standard being in days.
    pub counter_target: bool,
    /// Visits measured.
    pub measured: u32,
    /// Of which within the standard.
    pub within: u32,
    /// Service time stats.
    pub service_time: DurationStats,
}

impl ComplianceRow {
    /// Share within the standard, percent.
    pub fn percent(&self) -> f64 {
        if self.measured == 0 {
            0.0
        } else {
            100.0 * f64::from(self.within) / f64::from(self.measured)
        }
    }
}

/// One officer's time at counters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfficerRow {
    /// Officer id.
    pub officer: String,
    /// Visits finished.
    pub served: u32,
    /// Seconds open (not paused).
    pub open_s: u64,
    /// Seconds of those idle.
    pub idle_s: u64,
    /// Breaks taken, by reason.
    pub breaks: crate::break_reason::BreakTally,
    /// Service time stats.
    pub service: DurationStats,
}

/// A saran/masukan (managers only).
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// When given.
    pub at: Timestamp,
    /// Service, if known.
    pub service: Option<String>,
    /// Ticket rated (None: imported).
    pub ticket: Option<TicketId>,
    /// Its number, when known ("A-003").
    pub number: Option<crate::ticket::TicketNumber>,
    /// The text.
    pub text: String,
}

/// SKM figures of the period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SkmFigures {
    /// Questionnaire sums (the IKM comes from `tally.ikm(weight)`).
    pub tally: Tally,
    /// Of which imported.
    pub imported: u32,
    /// One-tap faces 1..=4.
    pub faces: [u32; 4],
    /// Respondents by gender (L, P).
    pub gender: [u32; 2],
    /// Respondents by education, in [`crate::rating::EDUCATION`] order.
    pub education: [u32; 8],
    /// Respondents with a disability.
    pub disability: u32,
    /// Suggestions, oldest first.
    pub comments: Vec<Comment>,
    /// Follow-up actions recorded in the period, each as last updated.
    pub follow_ups: Vec<FollowUpEntry>,
}

/// A follow-up action as it stands: first recorded at `recorded_at` (its identity), with
/// the fields of its latest update.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUpEntry {
    /// When it was first recorded.
    pub recorded_at: Timestamp,
    /// Its latest fields (`revises` is None).
    pub follow_up: FollowUp,
    /// When it was last updated, if it was.
    pub updated_at: Option<Timestamp>,
}

/// The report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The query.
    pub query: ReportQuery,
    /// Counts.
    pub counts: Counts,
    /// Waiting times.
    pub waiting: DurationStats,
    /// Walk times.
    pub walk: DurationStats,
    /// Service times.
    pub service: DurationStats,
    /// Counter seconds open.
    pub open_s: u64,
    /// Counter seconds idle.
    pub idle_s: u64,
    /// Counter breaks by reason (istirahat, sholat, rapat…).
    pub breaks: crate::break_reason::BreakTally,
    /// By hour of day.
    pub by_hour: Vec<HourRow>,
    /// By day (days with activity).
    pub by_day: Vec<DayRow>,
    /// Per service with a minute/hour standard.
    pub compliance: Vec<ComplianceRow>,
    /// Per officer.
    pub officers: Vec<OfficerRow>,
    /// SKM.
    pub skm: SkmFigures,
    /// Online bookings for the period's days (docs/booking.md).
    pub booking: BookingFigures,
}

/// Builds a [`Report`] from events pushed in log order: [`Facts`] of the period, then
/// [`report`] over them.
pub struct ReportBuilder<'c> {
    catalog: &'c Catalog,
    query: ReportQuery,
    start: Timestamp,
    end: Timestamp,
    facts: Facts,
}

impl<'c> ReportBuilder<'c> {
    /// A builder for `query` over `catalog` (for time zone, agencies and standards).
    pub fn new(catalog: &'c Catalog, query: ReportQuery) -> ReportBuilder<'c> {
        let tz = catalog.site.time_zone;
        ReportBuilder {
            start: tz.midnight(query.from),
            end: tz.midnight(query.to.succ()),
            facts: Facts::new(catalog),
            catalog,
            query,
        }
    }

    /// Where the shell may start reading the log: nothing before it matters.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// Whether events at `at` and later can no longer matter (the shell may stop reading).
    pub fn past_end(&self, at: Timestamp) -> bool {
        at >= self.end
    }

    /// Feeds one logged event; events outside the period are ignored (a day's tickets
    /// start and end inside it, so nothing before `start` is carried in).
    pub fn push(&mut self, event: &Event, at: Timestamp) {
        // Bookings count for the day they are for, whenever they were made or changed.
        let booking = matches!(
            event,
            Event::BookingMade { .. }
                | Event::BookingRescheduled { .. }
                | Event::BookingCancelled { .. }
                | Event::BookingExpired { .. }
        );
        if booking || (at >= self.start && at < self.end) {
            self.facts.push(event, at);
        }
    }

    /// The report.
    pub fn finish(self) -> Report {
        report(&self.facts, self.catalog, &self.query)
    }
}
