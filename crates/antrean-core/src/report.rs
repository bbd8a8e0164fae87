//! Managers' reports: waiting, walk, service and idle times, compliance with the published
//! processing time, and the SKM of a period — computed in one pass over the event log.
//!
//! The shell feeds [`ReportBuilder::push`] every logged event from the start of the first
//! day (tickets never outlive their day, so no earlier event matters) and calls
//! [`ReportBuilder::finish`]. Memory is bounded by one day's open tickets plus one sample
//! per served visit.
//!
//! Definitions:
//! - A **visit** is a ticket's stay in one service's queue: it starts when the ticket is
//!   issued, transferred in, or reinstated after a no-show.
//! - **Waiting** = visit start → its first call. **Walk** = call → service start.
//!   **Service** = start → finish (or → transfer onward).
//! - **Idle** = a counter open (not paused) with no ticket called or served. An idle
//!   stretch still running at midnight is dropped, not counted: a counter left logged in
//!   overnight is not an idle officer.
//! - **Compliance**: service time ≤ the service's standard processing time, for services
//!   whose standard is in minutes or hours (days are work after the visit).
//! - Filters: agency and service select visits and ratings; counter and officer select the
//!   counter work (calls, service, idle, ratings). Issued counts ignore counter and officer.

mod stats;

use std::collections::{BTreeMap, HashMap};

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
    /// Follow-up actions recorded in the period.
    pub follow_ups: Vec<(Timestamp, FollowUp)>,
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
}

/// A visit in progress.
struct Visit {
    service: String,
    started_at: Timestamp,
    called: bool,
    called_at: Option<Timestamp>,
    counter: Option<String>,
    officer: Option<String>,
    service_started_at: Option<Timestamp>,
    /// Ended as a no-show (kept so a reinstatement knows its service).
    no_show: bool,
}

#[derive(Default)]
struct CounterTrack {
    officer: Option<String>,
    open_since: Option<Timestamp>,
    idle_since: Option<Timestamp>,
}

#[derive(Default)]
struct Samples {
    waiting: Vec<u32>,
    walk: Vec<u32>,
    service: Vec<u32>,
}

#[derive(Default)]
struct DayAcc {
    counts: Counts,
    waiting: Vec<u32>,
    service: Vec<u32>,
}

#[derive(Default)]
struct OfficerAcc {
    served: u32,
    open_s: u64,
    idle_s: u64,
    service: Vec<u32>,
}

/// Builds a [`Report`] from events pushed in log order.
pub struct ReportBuilder<'c> {
    catalog: &'c Catalog,
    query: ReportQuery,
    start: Timestamp,
    end: Timestamp,
    visits: HashMap<TicketId, Visit>,
    counters: HashMap<String, CounterTrack>,
    counts: Counts,
    samples: Samples,
    hours: Vec<(u32, u32, Vec<u32>)>,
    days: BTreeMap<LocalDate, DayAcc>,
    compliance: BTreeMap<String, (u32, u32, Vec<u32>)>,
    officers: BTreeMap<String, OfficerAcc>,
    open_ms: u64,
    idle_ms: u64,
    last_at: Timestamp,
    skm: SkmFigures,
}

fn ms_between(from: Timestamp, to: Timestamp) -> u32 {
    (to.0 - from.0).clamp(0, i64::from(u32::MAX)) as u32
}

impl<'c> ReportBuilder<'c> {
    /// A builder for `query` over `catalog` (for time zone, agencies and standards).
    pub fn new(catalog: &'c Catalog, query: ReportQuery) -> ReportBuilder<'c> {
        let tz = catalog.site.time_zone;
        ReportBuilder {
            start: tz.midnight(query.from),
            end: tz.midnight(query.to.succ()),
            catalog,
            query,
            visits: HashMap::new(),
            counters: HashMap::new(),
            counts: Counts::default(),
            samples: Samples::default(),
            hours: (0..24).map(|_| (0, 0, Vec::new())).collect(),
            days: BTreeMap::new(),
            compliance: BTreeMap::new(),
            officers: BTreeMap::new(),
            open_ms: 0,
            idle_ms: 0,
            last_at: Timestamp(0),
            skm: SkmFigures::default(),
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

    fn service_selected(&self, service: &str) -> bool {
        self.query.service.as_deref().is_none_or(|s| s == service)
            && self.query.agency.as_deref().is_none_or(|a| {
                self.catalog
                    .service(service)
                    .is_some_and(|svc| svc.agency == a)
            })
    }

    fn counter_selected(&self, counter: Option<&str>, officer: Option<&str>) -> bool {
        self.query
            .counter
            .as_deref()
            .is_none_or(|c| counter == Some(c))
            && self
                .query
                .officer
                .as_deref()
                .is_none_or(|o| officer == Some(o))
    }

    fn day_of(&self, at: Timestamp) -> LocalDate {
        self.catalog.site.time_zone.local(at).date
    }

    fn hour_of(&self, at: Timestamp) -> usize {
        usize::from(self.catalog.site.time_zone.local(at).time.minutes() / 60).min(23)
    }

    fn day(&mut self, at: Timestamp) -> &mut DayAcc {
        let day = self.day_of(at);
        self.days.entry(day).or_default()
    }

    /// Feeds one logged event.
    pub fn push(&mut self, event: &Event, at: Timestamp) {
        if at < self.start || at >= self.end {
            // Outside the period; a day's tickets start and end inside it, so nothing
            // before `start` is carried in.
            return;
        }
        self.last_at = at;
        self.track_counter(event, at);
        match event {
            Event::DayStarted { .. } => {
                self.visits.clear();
                for c in self.counters.values_mut() {
                    c.idle_since = None;
                    c.open_since = None;
                }
            }
            Event::TicketIssued {
                ticket, service, ..
            } => {
                self.begin_visit(*ticket, service, at);
                if self.service_selected(service) {
                    self.counts.issued += 1;
                    self.day(at).counts.issued += 1;
                    let hour = self.hour_of(at);
                    self.hours[hour].0 += 1;
                }
            }
            Event::TicketCalled {
                ticket,
                counter,
                officer,
                ..
            } => self.on_called(*ticket, counter, officer.as_deref(), at),
            Event::ServiceStarted { ticket, .. } => self.on_started(*ticket, at),
            Event::ServiceFinished { ticket, .. } => self.on_finished(*ticket, at),
            Event::TicketNoShow { ticket, .. } => {
                let selected = self
                    .visits
                    .get(ticket)
                    .is_some_and(|v| self.visit_selected(v));
                if let Some(v) = self.visits.get_mut(ticket) {
                    v.no_show = true;
                }
                if selected {
                    self.counts.no_show += 1;
                    self.day(at).counts.no_show += 1;
                }
            }
            Event::TicketTransferred {
                ticket, to_service, ..
            } => {
                if let Some(v) = self.visits.remove(ticket)
                    && self.visit_selected(&v)
                {
                    self.counts.transferred += 1;
                    self.day(at).counts.transferred += 1;
                    if let Some(started) = v.service_started_at {
                        self.samples.service.push(ms_between(started, at));
                    }
                }
                self.begin_visit(*ticket, to_service, at);
            }
            Event::TicketReinstated { ticket } => {
                if let Some(service) = self.visits.get(ticket).map(|v| v.service.clone()) {
                    self.begin_visit(*ticket, &service, at);
                }
            }
            Event::TicketCancelled { ticket } | Event::TicketExpired { ticket } => {
                let cancelled = matches!(event, Event::TicketCancelled { .. });
                if let Some(v) = self.visits.remove(ticket)
                    && !v.no_show
                    && self.service_selected(&v.service)
                {
                    // Counted on the ticket's own day: expiry is stamped the next morning.
                    let day = &mut self.day(v.started_at).counts;
                    if cancelled {
                        day.cancelled += 1;
                        self.counts.cancelled += 1;
                    } else {
                        day.expired += 1;
                        self.counts.expired += 1;
                    }
                }
            }
            Event::ServiceRated {
                ticket,
                service,
                counter,
                officer,
                rating,
                ..
            } => {
                if !self.service_selected(service)
                    || !self.counter_selected(Some(counter), officer.as_deref())
                {
                    return;
                }
                if let Some(face) = rating.face.filter(|f| (1..=4).contains(f)) {
                    self.skm.faces[usize::from(face - 1)] += 1;
                }
                if let Some(q) = &rating.questionnaire {
                    self.skm.tally.add(q);
                    self.count_profile(&rating.profile);
                }
                if let Some(text) = rating.suggestion.as_ref().filter(|t| !t.trim().is_empty()) {
                    self.skm.comments.push(Comment {
                        at,
                        service: Some(service.clone()),
                        ticket: Some(*ticket),
                        text: text.clone(),
                    });
                }
            }
            Event::ResponsesImported {
                service,
                agency,
                respondents,
                ..
            } => {
                let selected = self.query.counter.is_none()
                    && self.query.officer.is_none()
                    && self
                        .query
                        .service
                        .as_ref()
                        .is_none_or(|s| service.as_ref() == Some(s))
                    && self
                        .query
                        .agency
                        .as_ref()
                        .is_none_or(|a| agency.as_ref() == Some(a));
                if !selected {
                    return;
                }
                for r in respondents {
                    self.skm.tally.add(&r.questionnaire);
                    self.skm.imported += 1;
                    self.count_profile(&r.profile);
                    if let Some(text) = r.suggestion.as_ref().filter(|t| !t.trim().is_empty()) {
                        self.skm.comments.push(Comment {
                            at,
                            service: service.clone(),
                            ticket: None,
                            text: text.clone(),
                        });
                    }
                }
            }
            Event::FollowUpRecorded(f) => {
                let selected = self
                    .query
                    .service
                    .as_ref()
                    .is_none_or(|s| f.service.as_ref() == Some(s));
                if selected {
                    self.skm.follow_ups.push((at, f.clone()));
                }
            }
            Event::TicketRecalled { .. }
            | Event::TicketParked { .. }
            | Event::TicketUnparked { .. }
            | Event::CounterOpened { .. }
            | Event::CounterPaused { .. }
            | Event::CounterResumed { .. }
            | Event::CounterClosed { .. } => {}
        }
    }

    fn count_profile(&mut self, profile: &crate::rating::Profile) {
        match profile.gender {
            Some(crate::rating::Gender::L) => self.skm.gender[0] += 1,
            Some(crate::rating::Gender::P) => self.skm.gender[1] += 1,
            None => {}
        }
        if let Some(i) = profile.education.as_deref().and_then(|e| {
            crate::rating::EDUCATION
                .iter()
                .position(|&known| known == e)
        }) {
            self.skm.education[i] += 1;
        }
        if profile.disability == Some(true) {
            self.skm.disability += 1;
        }
    }

    fn visit_selected(&self, v: &Visit) -> bool {
        self.service_selected(&v.service)
            && self.counter_selected(v.counter.as_deref(), v.officer.as_deref())
    }

    fn begin_visit(&mut self, ticket: TicketId, service: &str, at: Timestamp) {
        self.visits.insert(
            ticket,
            Visit {
                service: service.to_owned(),
                started_at: at,
                called: false,
                called_at: None,
                counter: None,
                officer: None,
                service_started_at: None,
                no_show: false,
            },
        );
    }

    fn on_called(&mut self, ticket: TicketId, counter: &str, officer: Option<&str>, at: Timestamp) {
        let Some(v) = self.visits.get_mut(&ticket) else {
            return;
        };
        v.counter = Some(counter.to_owned());
        v.officer = officer.map(str::to_owned);
        v.called_at = Some(at);
        let first_call = !std::mem::replace(&mut v.called, true);
        let (visit_start, service) = (v.started_at, v.service.clone());
        if first_call
            && self.service_selected(&service)
            && self.counter_selected(Some(counter), officer)
        {
            let wait = ms_between(visit_start, at);
            self.samples.waiting.push(wait);
            self.day(at).waiting.push(wait);
            let hour = self.hour_of(visit_start);
            self.hours[hour].2.push(wait);
        }
    }

    fn on_started(&mut self, ticket: TicketId, at: Timestamp) {
        let Some(v) = self.visits.get_mut(&ticket) else {
            return;
        };
        v.service_started_at = Some(at);
        let called_at = v.called_at;
        let selected = {
            let v = &self.visits[&ticket];
            self.visit_selected(v)
        };
        if selected && let Some(called_at) = called_at {
            self.samples.walk.push(ms_between(called_at, at));
        }
    }

    fn on_finished(&mut self, ticket: TicketId, at: Timestamp) {
        let Some(v) = self.visits.remove(&ticket) else {
            return;
        };
        if !self.visit_selected(&v) {
            return;
        }
        self.counts.served += 1;
        let hour = self.hour_of(at);
        self.hours[hour].1 += 1;
        let day = self.day(at);
        day.counts.served += 1;
        let Some(started) = v.service_started_at else {
            return;
        };
        let service_ms = ms_between(started, at);
        day.service.push(service_ms);
        self.samples.service.push(service_ms);
        if let Some(officer) = &v.officer {
            let acc = self.officers.entry(officer.clone()).or_default();
            acc.served += 1;
            acc.service.push(service_ms);
        }
        if let Some(standard_min) = self
            .catalog
            .service(&v.service)
            .and_then(|s| s.standard.processing_time.counter_minutes())
        {
            let row = self
                .compliance
                .entry(v.service.clone())
                .or_insert_with(|| (standard_min, 0, Vec::new()));
            row.1 += u32::from(u64::from(service_ms) <= u64::from(standard_min) * 60_000);
            row.2.push(service_ms);
        }
    }

    /// Open and idle time per counter (before the event changes who is at the counter).
    fn track_counter(&mut self, event: &Event, at: Timestamp) {
        let (counter, opens, idle_starts, idle_ends, closes) = match event {
            Event::CounterOpened { counter, officer } => {
                let c = self.counters.entry(counter.clone()).or_default();
                c.officer = Some(officer.clone());
                (counter, true, true, false, false)
            }
            Event::CounterResumed { counter } => (counter, true, true, false, false),
            Event::CounterPaused { counter } | Event::CounterClosed { counter } => {
                (counter, false, false, true, true)
            }
            Event::TicketCalled { counter, .. } => (counter, false, false, true, false),
            Event::ServiceFinished { counter, .. }
            | Event::TicketNoShow { counter, .. }
            | Event::TicketTransferred { counter, .. }
            | Event::TicketParked { counter, .. } => (counter, false, true, false, false),
            _ => return,
        };
        let selected = self.counter_selected_for_idle(counter);
        let c = self.counters.entry(counter.clone()).or_default();
        let officer = c.officer.clone();
        let mut idle_ms = 0;
        let mut open_ms = 0;
        if idle_ends && let Some(since) = c.idle_since.take() {
            idle_ms = ms_between(since, at);
        }
        if closes && let Some(since) = c.open_since.take() {
            open_ms = ms_between(since, at);
        }
        if opens && c.open_since.is_none() {
            c.open_since = Some(at);
        }
        if idle_starts && c.open_since.is_some() && c.idle_since.is_none() {
            c.idle_since = Some(at);
        }
        if matches!(event, Event::CounterClosed { .. }) {
            c.officer = None;
        }
        if !selected || !self.counter_selected(Some(counter), officer.as_deref()) {
            return;
        }
        self.idle_ms += u64::from(idle_ms);
        self.open_ms += u64::from(open_ms);
        if let Some(officer) = officer {
            let acc = self.officers.entry(officer).or_default();
            acc.idle_s += u64::from(idle_ms) / 1000;
            acc.open_s += u64::from(open_ms) / 1000;
        }
    }

    /// A counter counts for idle time under an agency/service filter when it serves a
    /// selected service.
    fn counter_selected_for_idle(&self, counter: &str) -> bool {
        if self.query.agency.is_none() && self.query.service.is_none() {
            return true;
        }
        self.catalog.counter(counter).is_some_and(|c| {
            self.catalog
                .services
                .iter()
                .any(|s| c.serves(&s.code) && self.service_selected(&s.code))
        })
    }

    /// The report. Counter stretches still open at the end are counted up to the last
    /// event (a live view of today shows the day so far).
    pub fn finish(mut self) -> Report {
        let still_open: Vec<Timestamp> = self
            .visits
            .values()
            .filter(|v| !v.no_show && self.service_selected(&v.service))
            .map(|v| v.started_at)
            .collect();
        for started in still_open {
            self.counts.open += 1;
            self.day(started).counts.open += 1;
        }
        let counters: Vec<String> = self.counters.keys().cloned().collect();
        for counter in counters {
            // Closing the stretches as a pause would, at the last event.
            self.track_counter(
                &Event::CounterPaused {
                    counter: counter.clone(),
                },
                self.last_at,
            );
        }
        let by_hour = self
            .hours
            .iter_mut()
            .enumerate()
            .filter(|(_, (issued, served, w))| *issued > 0 || *served > 0 || !w.is_empty())
            .map(|(hour, (issued, served, w))| HourRow {
                hour: hour as u8,
                issued: *issued,
                served: *served,
                waiting: DurationStats::of(w),
            })
            .collect();
        let by_day = self
            .days
            .iter_mut()
            .map(|(day, acc)| DayRow {
                day: *day,
                counts: acc.counts,
                waiting: DurationStats::of(&mut acc.waiting),
                service: DurationStats::of(&mut acc.service),
            })
            .collect();
        let compliance = self
            .compliance
            .iter_mut()
            .map(|(service, (standard_min, within, samples))| ComplianceRow {
                service: service.clone(),
                standard_min: *standard_min,
                measured: samples.len() as u32,
                within: *within,
                service_time: DurationStats::of(samples),
            })
            .collect();
        let officers = self
            .officers
            .iter_mut()
            .map(|(officer, acc)| OfficerRow {
                officer: officer.clone(),
                served: acc.served,
                open_s: acc.open_s,
                idle_s: acc.idle_s,
                service: DurationStats::of(&mut acc.service),
            })
            .collect();
        Report {
            counts: self.counts,
            waiting: DurationStats::of(&mut self.samples.waiting),
            walk: DurationStats::of(&mut self.samples.walk),
            service: DurationStats::of(&mut self.samples.service),
            open_s: self.open_ms / 1000,
            idle_s: self.idle_ms / 1000,
            by_hour,
            by_day,
            compliance,
            officers,
            skm: self.skm,
            query: self.query,
        }
    }
}
