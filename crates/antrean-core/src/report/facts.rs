//! Report facts: the event log boiled down to one compact row per visit, per counter-day
//! and per rating. Built in one pass ([`Facts::push`]); a report is then a scan of rows
//! ([`super::report()`]), so the coordinator can keep a year of facts in memory (about 40
//! bytes per visit) and answer a manager in milliseconds instead of re-reading the log.

use std::collections::HashMap;

use crate::break_reason::{BreakReason, BreakTally};
use crate::catalog::Catalog;
use crate::event::Event;
use crate::rating::{EDUCATION, FollowUp, Gender, Profile};
use crate::skm::Response;
use crate::ticket::{TicketId, TicketNumber};
use crate::time::{TimeZone, Timestamp};

/// "No value" in a u32 duration or id column.
pub const NONE: u32 = u32::MAX;

/// Interned names: per-event work is indexing, not string hashing and copying.
#[derive(Clone, Debug, Default)]
pub struct Names {
    ids: HashMap<String, u32>,
    /// Names by id.
    pub names: Vec<String>,
}

impl Names {
    /// The id of `name` (added when new).
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_owned(), id);
        self.names.push(name.to_owned());
        id
    }

    /// The id of a known name.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }
}

/// How a visit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Served.
    Served,
    /// Called, did not come.
    NoShow,
    /// Sent on to another service.
    Transferred,
    /// Cancelled by staff.
    Cancelled,
    /// Open at the end of its day.
    Expired,
    /// Still open (today).
    Open,
}

/// One visit: a ticket's stay in one service's queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisitFact {
    /// When the visit started (issue, transfer in, reinstatement).
    pub start: Timestamp,
    /// Service id.
    pub service: u32,
    /// Counter id it was (last) called to, or [`NONE`].
    pub counter: u32,
    /// Officer id at that call, or [`NONE`].
    pub officer: u32,
    /// Visit start → first call, ms, or [`NONE`].
    pub wait_ms: u32,
    /// Last call → service start, ms, or [`NONE`].
    pub walk_ms: u32,
    /// Service start → finish or transfer onward, ms, or [`NONE`].
    pub service_ms: u32,
    /// Visit start → its end, ms ([`NONE`] while open).
    pub end_ms: u32,
    /// The visit began with the ticket's issue (not a transfer or reinstatement).
    pub issued: bool,
    /// The ticket was checked in with a booking.
    pub booked: bool,
    /// How it ended.
    pub outcome: Outcome,
}

/// A counter's open, idle and break time on one day with one officer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CounterDay {
    /// Open (not paused), ms.
    pub open_ms: u64,
    /// Idle while open, ms.
    pub idle_ms: u64,
    /// Breaks by reason (a break is counted on the day it ends).
    pub breaks: BreakTally,
}

/// A questionnaire, a face or both (rated at the site or imported).
#[derive(Clone, Debug, PartialEq)]
pub struct RatingFact {
    /// When it counts (rating time; an import's day at midnight).
    pub at: Timestamp,
    /// Ticket rated (None: imported).
    pub ticket: Option<TicketId>,
    /// Its number ("A-003"), when it was issued on the day it was rated: a manager reads
    /// a suggestion by the number the visitor held, not by an internal id.
    pub number: Option<TicketNumber>,
    /// Service id, or [`NONE`] (an import for the whole site).
    pub service: u32,
    /// Agency id, or [`NONE`].
    pub agency: u32,
    /// Counter id, or [`NONE`].
    pub counter: u32,
    /// Officer id, or [`NONE`].
    pub officer: u32,
    /// Face 1..=4, or 0.
    pub face: u8,
    /// The questionnaire.
    pub questionnaire: Option<Response>,
    /// Gender: 0 none, 1 L, 2 P.
    pub gender: u8,
    /// Education index + 1 in [`EDUCATION`], or 0.
    pub education: u8,
    /// Disability declared.
    pub disability: bool,
    /// Imported from paper.
    pub imported: bool,
    /// Saran/masukan.
    pub suggestion: Option<Box<str>>,
}

struct OpenVisit {
    fact: VisitFact,
    called: bool,
    called_at: Option<Timestamp>,
    started_at: Option<Timestamp>,
    /// Ended as a no-show: kept so a reinstatement knows its service.
    no_show: bool,
}

struct CounterTrack {
    officer: u32,
    open_since: Option<Timestamp>,
    idle_since: Option<Timestamp>,
    /// The running break: since when, and its reason column.
    break_since: Option<(Timestamp, usize)>,
}

/// The facts of a log.
pub struct Facts {
    time_zone: TimeZone,
    /// Services by id.
    pub services: Names,
    /// Agencies by id.
    pub agencies: Names,
    /// Counters by id.
    pub counters: Names,
    /// Officers by id.
    pub officers: Names,
    /// Agency id of each service id ([`NONE`] when unknown to the catalog).
    pub service_agency: Vec<u32>,
    /// Closed visits, in closing order.
    pub visits: Vec<VisitFact>,
    /// Open and idle time by (local day number, counter id, officer id).
    pub counter_days: HashMap<(i64, u32, u32), CounterDay>,
    /// Ratings and imported questionnaires.
    pub ratings: Vec<RatingFact>,
    /// Follow-up actions.
    pub follow_ups: Vec<(Timestamp, FollowUp)>,
    /// Bookings by id, with what became of them.
    pub bookings:
        std::collections::BTreeMap<crate::booking::BookingId, super::booking_facts::BookingFact>,
    open: HashMap<TicketId, OpenVisit>,
    /// Numbers of the tickets issued since the last day start (a day's tickets, cleared
    /// at each day start), so a rating can carry the number the visitor held.
    numbers_today: HashMap<TicketId, TicketNumber>,
    tracks: Vec<CounterTrack>,
    agency_of: HashMap<String, String>,
    /// The latest event time pushed.
    pub last_at: Timestamp,
}

fn ms_between(from: Timestamp, to: Timestamp) -> u32 {
    (to.0 - from.0).clamp(0, i64::from(NONE - 1)) as u32
}

/// What a counter event does to its open and idle stretches.
#[derive(Clone, Copy)]
struct Step {
    opens: bool,
    idle_starts: bool,
    idle_ends: bool,
    closes: bool,
}

const PAUSE: Step = Step {
    opens: false,
    idle_starts: false,
    idle_ends: true,
    closes: true,
};

impl Facts {
    /// Empty facts for a site (the catalog gives the time zone and each service's agency).
    pub fn new(catalog: &Catalog) -> Facts {
        Facts {
            time_zone: catalog.site.time_zone,
            services: Names::default(),
            agencies: Names::default(),
            counters: Names::default(),
            officers: Names::default(),
            service_agency: Vec::new(),
            visits: Vec::new(),
            counter_days: HashMap::new(),
            ratings: Vec::new(),
            follow_ups: Vec::new(),
            bookings: std::collections::BTreeMap::new(),
            open: HashMap::new(),
            numbers_today: HashMap::new(),
            tracks: Vec::new(),
            agency_of: catalog
                .services
                .iter()
                .map(|s| (s.code.clone(), s.agency.clone()))
                .collect(),
            last_at: Timestamp(0),
        }
    }

    /// The site's time zone.
    pub fn time_zone(&self) -> TimeZone {
        self.time_zone
    }

    fn service_id(&mut self, code: &str) -> u32 {
        let id = self.services.id(code);
        if id as usize == self.service_agency.len() {
            let agency = match self.agency_of.get(code) {
                Some(a) => self.agencies.id(a),
                None => NONE,
            };
            self.service_agency.push(agency);
        }
        id
    }

    fn counter_id(&mut self, counter: &str) -> u32 {
        let id = self.counters.id(counter);
        if id as usize == self.tracks.len() {
            self.tracks.push(CounterTrack {
                officer: NONE,
                open_since: None,
                idle_since: None,
                break_since: None,
            });
        }
        id
    }

    /// Visits still open (today's queue), as facts with [`Outcome::Open`].
    pub fn open_visits(&self) -> impl Iterator<Item = VisitFact> + '_ {
        self.open
            .values()
            .filter(|v| !v.no_show)
            .map(|v| VisitFact {
                outcome: Outcome::Open,
                ..v.fact
            })
    }

    /// Forgets visits, counter days and ratings before `before` (the coordinator keeps a
    /// bounded window in memory). Follow-ups are few and kept.
    pub fn prune_before(&mut self, before: Timestamp) {
        let first_date = self.time_zone.local(before).date;
        self.bookings.retain(|_, b| b.date >= first_date);
        self.visits.retain(|v| v.start >= before);
        self.ratings.retain(|r| r.at >= before);
        let first_day = self.time_zone.local(before).date.days_since_epoch();
        self.counter_days.retain(|(day, _, _), _| *day >= first_day);
    }

    /// Feeds one logged event (in log order).
    pub fn push(&mut self, event: &Event, at: Timestamp) {
        self.last_at = self.last_at.max(at);
        self.track_counter(event, at);
        match event {
            Event::DayStarted { .. } => {
                // Every open visit expired in the events just before; drop the rest (the
                // no-shows kept for reinstatement) and any stretch running overnight.
                self.open.clear();
                self.numbers_today.clear();
                for t in &mut self.tracks {
                    t.open_since = None;
                    t.idle_since = None;
                    t.break_since = None;
                }
            }
            Event::TicketIssued {
                ticket,
                number,
                service,
                ..
            } => {
                self.numbers_today.insert(*ticket, number.clone());
                let sid = self.service_id(service);
                self.begin(*ticket, sid, at, true);
            }
            Event::TicketCalled {
                ticket,
                counter,
                officer,
                ..
            } => {
                let cid = self.counter_id(counter);
                let oid = officer.as_deref().map_or(NONE, |o| self.officers.id(o));
                if let Some(v) = self.open.get_mut(ticket) {
                    v.fact.counter = cid;
                    v.fact.officer = oid;
                    v.called_at = Some(at);
                    if !std::mem::replace(&mut v.called, true) {
                        v.fact.wait_ms = ms_between(v.fact.start, at);
                    }
                }
            }
            Event::ServiceStarted { ticket, .. } => {
                if let Some(v) = self.open.get_mut(ticket) {
                    v.started_at = Some(at);
                    if let Some(called) = v.called_at {
                        v.fact.walk_ms = ms_between(called, at);
                    }
                }
            }
            Event::ServiceFinished { ticket, .. } => self.close(*ticket, Outcome::Served, at),
            Event::TicketNoShow { ticket, .. } => {
                self.close(*ticket, Outcome::NoShow, at);
            }
            Event::TicketTransferred {
                ticket, to_service, ..
            } => {
                self.close(*ticket, Outcome::Transferred, at);
                let sid = self.service_id(to_service);
                self.begin(*ticket, sid, at, false);
            }
            Event::TicketReinstated { ticket } => {
                if let Some(sid) = self.open.get(ticket).map(|v| v.fact.service) {
                    self.begin(*ticket, sid, at, false);
                }
            }
            Event::TicketCancelled { ticket } => self.close(*ticket, Outcome::Cancelled, at),
            Event::TicketExpired { ticket } => self.close(*ticket, Outcome::Expired, at),
            Event::ServiceRated { .. } | Event::ResponsesImported { .. } => {
                self.push_ratings(event, at)
            }
            Event::FollowUpRecorded(f) => self.follow_ups.push((at, f.clone())),
            Event::TicketRecalled { .. }
            | Event::TicketParked { .. }
            | Event::TicketUnparked { .. }
            | Event::CounterOpened { .. }
            | Event::CounterPaused { .. }
            | Event::CounterResumed { .. }
            | Event::CounterClosed { .. } => {}
            Event::BookingMade { .. }
            | Event::BookingRescheduled { .. }
            | Event::BookingCancelled { .. }
            | Event::BookingCheckedIn { .. }
            | Event::BookingExpired { .. } => self.push_booking(event, at),
        }
    }

    /// A booking event: the booking's row, and a checked-in ticket's visit marked booked.
    fn push_booking(&mut self, event: &Event, at: Timestamp) {
        use super::booking_facts::{BookingFact, BookingOutcome};
        match event {
            Event::BookingMade {
                booking,
                service,
                date,
                slot,
                ..
            } => {
                let service = self.service_id(service);
                self.bookings.insert(
                    *booking,
                    BookingFact {
                        date: *date,
                        service,
                        slot: *slot,
                        made_at: at,
                        outcome: BookingOutcome::Active,
                    },
                );
            }
            Event::BookingRescheduled {
                booking,
                date,
                slot,
            } => {
                if let Some(b) = self.bookings.get_mut(booking) {
                    b.date = *date;
                    b.slot = *slot;
                }
            }
            Event::BookingCancelled { booking } | Event::BookingExpired { booking } => {
                if let Some(b) = self.bookings.get_mut(booking) {
                    b.outcome = if matches!(event, Event::BookingCancelled { .. }) {
                        BookingOutcome::Cancelled
                    } else {
                        BookingOutcome::Expired
                    };
                }
            }
            Event::BookingCheckedIn {
                booking,
                ticket,
                slot_at,
            } => {
                if let Some(b) = self.bookings.get_mut(booking) {
                    let arrival_s = (at.0 - slot_at.0).div_euclid(1000);
                    b.outcome = BookingOutcome::CheckedIn {
                        arrival_s: arrival_s.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
                    };
                }
                if let Some(v) = self.open.get_mut(ticket) {
                    v.fact.booked = true;
                }
            }
            _ => {}
        }
    }

    /// A rating, or questionnaires imported from paper, as rating rows.
    fn push_ratings(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::ServiceRated {
                ticket,
                service,
                agency,
                counter,
                officer,
                rating,
            } => {
                let service = self.service_id(service);
                let agency = self.agencies.id(agency);
                let counter = self.counter_id(counter);
                let officer = officer.as_deref().map_or(NONE, |o| self.officers.id(o));
                self.ratings.push(RatingFact {
                    at,
                    ticket: Some(*ticket),
                    number: self.numbers_today.get(ticket).cloned(),
                    service,
                    agency,
                    counter,
                    officer,
                    face: rating.face.filter(|f| (1..=4).contains(f)).unwrap_or(0),
                    questionnaire: rating.questionnaire.clone(),
                    imported: false,
                    suggestion: rating.suggestion.as_deref().map(Into::into),
                    ..profile_columns(&rating.profile)
                });
            }
            Event::ResponsesImported {
                service,
                agency,
                day,
                respondents,
                ..
            } => {
                let service = service.as_deref().map_or(NONE, |s| self.service_id(s));
                let agency = agency.as_deref().map_or(NONE, |a| self.agencies.id(a));
                // Imports count for the day they name, not the day they were typed in.
                let counts_at = self.time_zone.midnight(*day);
                for r in respondents {
                    self.ratings.push(RatingFact {
                        at: counts_at,
                        ticket: None,
                        number: None,
                        service,
                        agency,
                        counter: NONE,
                        officer: NONE,
                        face: 0,
                        questionnaire: Some(r.questionnaire.clone()),
                        imported: true,
                        suggestion: r.suggestion.as_deref().map(Into::into),
                        ..profile_columns(&r.profile)
                    });
                }
            }
            _ => {}
        }
    }

    fn begin(&mut self, ticket: TicketId, service: u32, at: Timestamp, issued: bool) {
        self.open.insert(
            ticket,
            OpenVisit {
                fact: VisitFact {
                    start: at,
                    service,
                    counter: NONE,
                    officer: NONE,
                    wait_ms: NONE,
                    walk_ms: NONE,
                    service_ms: NONE,
                    end_ms: NONE,
                    issued,
                    booked: false,
                    outcome: Outcome::Open,
                },
                called: false,
                called_at: None,
                started_at: None,
                no_show: false,
            },
        );
    }

    fn close(&mut self, ticket: TicketId, outcome: Outcome, at: Timestamp) {
        let Some(v) = self.open.get_mut(&ticket) else {
            return;
        };
        if v.no_show {
            return;
        }
        let mut fact = v.fact;
        fact.outcome = outcome;
        fact.end_ms = ms_between(fact.start, at);
        if matches!(outcome, Outcome::Served | Outcome::Transferred)
            && let Some(started) = v.started_at
        {
            fact.service_ms = ms_between(started, at);
        }
        self.visits.push(fact);
        if outcome == Outcome::NoShow {
            v.no_show = true;
        } else {
            self.open.remove(&ticket);
        }
    }

    /// Open and idle time per counter (before the event changes who is at the counter).
    fn track_counter(&mut self, event: &Event, at: Timestamp) {
        let step = |opens, idle_starts, idle_ends, closes| Step {
            opens,
            idle_starts,
            idle_ends,
            closes,
        };
        let (counter, step) = match event {
            Event::CounterOpened { counter, officer } => {
                let cid = self.counter_id(counter);
                self.tracks[cid as usize].officer = self.officers.id(officer);
                (cid, step(true, true, false, false))
            }
            Event::CounterResumed { counter } => {
                let cid = self.counter_id(counter);
                self.end_break(cid, at);
                (cid, step(true, true, false, false))
            }
            Event::CounterPaused { counter, reason } => {
                let cid = self.counter_id(counter);
                self.end_break(cid, at);
                self.tracks[cid as usize].break_since = Some((at, BreakReason::column(*reason)));
                (cid, PAUSE)
            }
            Event::CounterClosed { counter } => {
                // Closing while on a break ends the break (the officer left).
                let cid = self.counter_id(counter);
                self.end_break(cid, at);
                (cid, PAUSE)
            }
            Event::TicketCalled { counter, .. } => {
                (self.counter_id(counter), step(false, false, true, false))
            }
            Event::ServiceFinished { counter, .. }
            | Event::TicketNoShow { counter, .. }
            | Event::TicketTransferred { counter, .. }
            | Event::TicketParked { counter, .. } => {
                (self.counter_id(counter), step(false, true, false, false))
            }
            _ => return,
        };
        self.counter_step(counter, step, at);
        if matches!(event, Event::CounterClosed { .. }) {
            self.tracks[counter as usize].officer = NONE;
        }
    }

    fn counter_step(&mut self, counter: u32, step: Step, at: Timestamp) {
        let t = &mut self.tracks[counter as usize];
        let mut idle_ms = 0;
        let mut open_ms = 0;

        if step.idle_ends
            && let Some(since) = t.idle_since.take()
        {
            idle_ms = ms_between(since, at);
        }
        if step.closes
            && let Some(since) = t.open_since.take()
        {
            open_ms = ms_between(since, at);
        }
        if step.opens && t.open_since.is_none() {
            t.open_since = Some(at);
        }
        if step.idle_starts && t.open_since.is_some() && t.idle_since.is_none() {
            t.idle_since = Some(at);
        }
        if idle_ms == 0 && open_ms == 0 {
            return;
        }
        let day = self.time_zone.local(at).date.days_since_epoch();
        let entry = self
            .counter_days
            .entry((day, counter, t.officer))
            .or_default();
        entry.idle_ms += u64::from(idle_ms);
        entry.open_ms += u64::from(open_ms);
    }

    /// Ends the counter's running break, if any, and books it to the day it ends, with
    /// the officer who took it.
    fn end_break(&mut self, counter: u32, at: Timestamp) {
        let t = &mut self.tracks[counter as usize];
        let Some((since, column)) = t.break_since.take() else {
            return;
        };
        let day = self.time_zone.local(at).date.days_since_epoch();
        let entry = self
            .counter_days
            .entry((day, counter, t.officer))
            .or_default();
        entry.breaks.add(column, u64::from(ms_between(since, at)));
    }

    /// Counter days including the stretches still running at the last event (a live view of
    /// today shows the day so far).
    pub fn counter_days_so_far(&self) -> HashMap<(i64, u32, u32), CounterDay> {
        let mut days = self.counter_days.clone();
        let day = self.time_zone.local(self.last_at).date.days_since_epoch();
        for (counter, t) in self.tracks.iter().enumerate() {
            let entry = days.entry((day, counter as u32, t.officer)).or_default();
            if let Some(since) = t.open_since {
                entry.open_ms += u64::from(ms_between(since, self.last_at));
            }
            if let Some(since) = t.idle_since {
                entry.idle_ms += u64::from(ms_between(since, self.last_at));
            }
            if let Some((since, column)) = t.break_since {
                entry
                    .breaks
                    .add(column, u64::from(ms_between(since, self.last_at)));
            }
        }
        days
    }
}

/// The profile columns of a rating row.
fn profile_columns(p: &Profile) -> RatingFact {
    RatingFact {
        at: Timestamp(0),
        ticket: None,
        number: None,
        service: NONE,
        agency: NONE,
        counter: NONE,
        officer: NONE,
        face: 0,
        questionnaire: None,
        gender: match p.gender {
            None => 0,
            Some(Gender::L) => 1,
            Some(Gender::P) => 2,
        },
        education: p
            .education
            .as_deref()
            .and_then(|e| EDUCATION.iter().position(|&k| k == e))
            .map_or(0, |i| i as u8 + 1),
        disability: p.disability == Some(true),
        imported: false,
        suggestion: None,
    }
}
