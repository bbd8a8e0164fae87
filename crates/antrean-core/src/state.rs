//! The queue state: a projection of the event log. `apply` is total — it never fails and
//! never consults the catalog — so replaying any log the engine wrote rebuilds the same state.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::event::Event;
use crate::rating::{MAX_RATING_WINDOW_S, Rateable};
use crate::service_stats::ServiceStats;
use crate::skm::Tally;
use crate::ticket::{Ticket, TicketId, TicketState};
use crate::time::{LocalDate, Timestamp};

/// Today's figures of one service (queue status for boards, kiosks and /metrics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceFigures {
    /// Service code.
    pub service: String,
    /// Tickets waiting now.
    pub waiting: u32,
    /// Tickets issued today (transfers in do not count).
    pub issued_today: u32,
    /// The ticket called last, if any today.
    pub last_called: Option<crate::ticket::TicketNumber>,
}

/// Status of a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterStatus {
    /// No officer.
    Closed,
    /// Officer present, calling.
    Open,
    /// Officer on a break.
    Paused,
}

/// A counter's live state.
#[derive(Clone, Debug, PartialEq)]
pub struct CounterState {
    /// Status.
    pub status: CounterStatus,
    /// Officer logged in.
    pub officer: Option<String>,
    /// Ticket called or being served here.
    pub current: Option<TicketId>,
    /// Regular calls since the last priority call (drives the interleave policy);
    /// `u32::MAX` when no priority ticket was called yet today, so the first one goes first.
    pub regular_streak: u32,
    /// When the status last changed (for idle-time reports and boards).
    pub since: Timestamp,
    /// Booked calls since the last walk-in call (drives the booked : walk-in ratio).
    pub booked_streak: u32,
    /// Walk-in calls since the last booked call.
    pub walk_in_streak: u32,
    /// Why the counter is on its break (meaningful while paused).
    pub break_reason: Option<crate::break_reason::BreakReason>,
}

impl Default for CounterState {
    fn default() -> CounterState {
        CounterState {
            status: CounterStatus::Closed,
            officer: None,
            current: None,
            regular_streak: u32::MAX,
            since: Timestamp(0),
            booked_streak: 0,
            walk_in_streak: 0,
            break_reason: None,
        }
    }
}

/// The live state of a site: today's tickets and the counters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The current numbering day (None before the first event).
    pub day: Option<LocalDate>,
    /// The latest `at` applied; the engine never lets time run backwards past it.
    pub last_at: Timestamp,
    /// Next ticket id to assign.
    pub next_ticket_id: u64,
    /// Today's tickets by id (earlier days are dropped at day start; the log keeps them).
    pub tickets: BTreeMap<TicketId, Ticket>,
    /// Highest sequence used today per prefix.
    pub sequences: HashMap<String, u16>,
    /// Tickets issued today per service (for quotas; transfers in do not count).
    pub issued_today: HashMap<String, u32>,
    /// Counters by id (absent = never opened = closed).
    pub counters: HashMap<String, CounterState>,
    /// Waiting tickets per service: an index kept by `apply`, so calls and positions cost
    /// the size of one queue, not of the whole day.
    waiting: HashMap<String, BTreeSet<TicketId>>,
    /// Recent service-time statistics per service, for wait estimates ([`crate::eta`]).
    /// Kept across days: yesterday's pace is the best guess for this morning.
    pub service_stats: BTreeMap<String, ServiceStats>,
    /// Served tickets that may still be rated, kept across midnight for at most
    /// [`MAX_RATING_WINDOW_S`] (pruned at day start), so memory is about one day of visitors.
    pub rateable: BTreeMap<TicketId, Rateable>,
    /// When each follow-up action was first recorded (its identity, for updates). A few
    /// a month: kept for the whole log.
    pub follow_ups: std::collections::BTreeSet<Timestamp>,
    /// The site's questionnaires of the current quarter (for boards and kiosks: the live IKM).
    pub skm_quarter: QuarterTally,
    /// Bookings from today on.
    pub bookings: crate::booking::Bookings,
}

/// Live SKM sums of one calendar quarter (the regulation's recommended survey period).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuarterTally {
    /// (year, quarter 1..=4) the sums are for; None before the first day.
    pub quarter: Option<(i32, u8)>,
    /// Questionnaire sums.
    pub tally: Tally,
    /// One-tap faces given, by face 1..=4.
    pub faces: [u32; 4],
    /// Services finished this quarter: the population the survey samples (its
    /// Krejcie–Morgan minimum, [`crate::skm::krejcie_morgan_sample`]).
    pub served: u64,
}

/// The calendar quarter of a date: (year, 1..=4).
pub fn quarter_of(day: LocalDate) -> (i32, u8) {
    (day.year, (day.month - 1) / 3 + 1)
}

impl State {
    /// A ticket by id.
    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.tickets.get(&id)
    }

    /// A counter's state (closed if it was never opened).
    pub fn counter(&self, id: &str) -> CounterState {
        self.counters.get(id).cloned().unwrap_or_default()
    }

    /// How many tickets wait in `service` (O(1), from the index).
    pub fn waiting_count(&self, service: &str) -> usize {
        self.waiting.get(service).map_or(0, BTreeSet::len)
    }

    /// Today's figures per service of `catalog`, in catalog order.
    pub fn service_figures(&self, catalog: &crate::Catalog) -> Vec<ServiceFigures> {
        let mut last_called: HashMap<&str, (Timestamp, &Ticket)> = HashMap::new();
        for t in self.tickets.values() {
            if let Some(at) = t.called_at {
                let entry = last_called.entry(&t.service).or_insert((at, t));
                if at >= entry.0 {
                    *entry = (at, t);
                }
            }
        }
        catalog
            .services
            .iter()
            .map(|s| ServiceFigures {
                service: s.code.clone(),
                waiting: self.waiting_count(&s.code) as u32,
                issued_today: self.issued_today.get(&s.code).copied().unwrap_or(0),
                last_called: last_called
                    .get(s.code.as_str())
                    .map(|(_, t)| t.number.clone()),
            })
            .collect()
    }

    /// Waiting tickets of `service`, in id order.
    pub fn waiting_in<'a>(&'a self, service: &str) -> impl Iterator<Item = &'a Ticket> + 'a {
        self.waiting
            .get(service)
            .into_iter()
            .flatten()
            .filter_map(|id| self.tickets.get(id))
    }

    /// People ahead of `ticket` in its service queue: priority tickets go before regular
    /// ones, then by queue time. An estimate for visitors; the actual order also depends on
    /// the interleave policy and on counters serving several services.
    pub fn people_ahead(&self, ticket: &Ticket) -> u32 {
        if ticket.state != TicketState::Waiting {
            return 0;
        }
        let key = |t: &Ticket| (!t.is_priority(), t.queued_at, t.id);
        let mine = key(ticket);
        self.waiting_in(&ticket.service)
            .filter(|t| key(t) < mine)
            .count() as u32
    }

    /// Applies one event recorded at `at`.
    pub fn apply(&mut self, event: &Event, at: Timestamp) {
        let id = event.ticket();
        if let Some(t) = id.and_then(|id| self.tickets.get(&id))
            && t.state == TicketState::Waiting
            && let Some(queue) = self.waiting.get_mut(&t.service)
        {
            queue.remove(&t.id);
        }
        self.apply_unindexed(event, at);
        if let Some(t) = id.and_then(|id| self.tickets.get(&id))
            && t.state == TicketState::Waiting
        {
            self.waiting
                .entry(t.service.clone())
                .or_default()
                .insert(t.id);
        }
        if matches!(event, Event::DayStarted { .. }) {
            self.waiting.clear();
        }
    }

    fn apply_unindexed(&mut self, event: &Event, at: Timestamp) {
        self.last_at = self.last_at.max(at);
        self.record_service_stats(event, at);
        match event {
            Event::TicketIssued { .. } | Event::DayStarted { .. } => self.apply_day(event, at),
            Event::TicketCalled { .. }
            | Event::TicketRecalled { .. }
            | Event::ServiceStarted { .. }
            | Event::ServiceFinished { .. }
            | Event::TicketNoShow { .. } => self.apply_call(event, at),
            Event::TicketTransferred { .. }
            | Event::TicketParked { .. }
            | Event::TicketUnparked { .. }
            | Event::TicketReinstated { .. }
            | Event::TicketCancelled { .. }
            | Event::TicketExpired { .. } => self.apply_requeue(event, at),
            Event::CounterOpened { .. }
            | Event::CounterPaused { .. }
            | Event::CounterResumed { .. }
            | Event::CounterClosed { .. } => self.apply_counter(event, at),
            Event::ServiceRated { .. }
            | Event::ResponsesImported { .. }
            | Event::FollowUpRecorded(_) => self.apply_survey(event, at),
            Event::BookingCheckedIn {
                booking,
                ticket,
                slot_at,
            } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.booked = Some(crate::ticket::BookedSlot {
                        booking: *booking,
                        slot_at: *slot_at,
                    });
                }
            }
            Event::BookingMade { .. }
            | Event::BookingRescheduled { .. }
            | Event::BookingCancelled { .. }
            | Event::BookingExpired { .. } => {}
        }
        self.bookings.apply(event, at);
    }

    /// A new day, or a ticket issued in it.
    fn apply_day(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::DayStarted { day } => {
                self.day = Some(*day);
                let window_ms = i64::from(MAX_RATING_WINDOW_S) * 1000;
                self.rateable
                    .retain(|_, r| at.0 - r.finished_at.0 <= window_ms);
                if self.skm_quarter.quarter != Some(quarter_of(*day)) {
                    self.skm_quarter = QuarterTally {
                        quarter: Some(quarter_of(*day)),
                        ..QuarterTally::default()
                    };
                }
                // Keep only what is still needed by an open day: nothing, since every open
                // ticket expired in the events just before this one.
                self.tickets.clear();
                self.sequences.clear();
                self.issued_today.clear();
                for counter in self.counters.values_mut() {
                    counter.current = None;
                    counter.regular_streak = u32::MAX;
                    counter.booked_streak = 0;
                    counter.walk_in_streak = 0;
                }
            }
            Event::TicketIssued {
                ticket,
                number,
                day,
                service,
                priority,
                channel,
            } => {
                self.next_ticket_id = self.next_ticket_id.max(ticket.0 + 1);
                let seq = self.sequences.entry(number.prefix.clone()).or_default();
                *seq = (*seq).max(number.sequence);
                *self.issued_today.entry(service.clone()).or_default() += 1;
                self.tickets.insert(
                    *ticket,
                    Ticket {
                        id: *ticket,
                        number: number.clone(),
                        day: *day,
                        service: service.clone(),
                        previous_services: Vec::new(),
                        priority: priority.clone(),
                        channel: *channel,
                        issued_at: at,
                        queued_at: at,
                        state: TicketState::Waiting,
                        counter: None,
                        officer: None,
                        recalls: 0,
                        called_at: None,
                        called_counter: None,
                        announced_at: None,
                        started_at: None,
                        closed_at: None,
                        booked: None,
                    },
                );
            }
            _ => unreachable!("routed by apply_unindexed"),
        }
    }

    /// A ticket called, recalled, served, or not there.
    fn apply_call(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::TicketCalled {
                ticket,
                counter,
                officer,
                ..
            } => {
                let priority = self.tickets.get(ticket).is_some_and(Ticket::is_priority);
                let booked = self.tickets.get(ticket).is_some_and(|t| t.booked.is_some());
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.state = TicketState::Called;
                    t.counter = Some(counter.clone());
                    t.officer = officer.clone();
                    t.recalls = 0;
                    t.called_at = Some(at);
                    t.called_counter = Some(counter.clone());
                    t.announced_at = Some(at);
                    t.started_at = None;
                }
                let c = self.counters.entry(counter.clone()).or_default();
                c.current = Some(*ticket);
                c.regular_streak = if priority {
                    0
                } else {
                    c.regular_streak.saturating_add(1)
                };
                if booked {
                    c.booked_streak = c.booked_streak.saturating_add(1);
                    c.walk_in_streak = 0;
                } else {
                    c.walk_in_streak = c.walk_in_streak.saturating_add(1);
                    c.booked_streak = 0;
                }
            }
            Event::TicketRecalled {
                ticket, recalls, ..
            } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.recalls = *recalls;
                    t.announced_at = Some(at);
                }
            }
            Event::ServiceStarted { ticket, .. } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.state = TicketState::Serving;
                    t.started_at = Some(at);
                }
            }
            Event::ServiceFinished { ticket, counter } => {
                self.skm_quarter.served += 1;
                if let Some(t) = self.tickets.get(ticket) {
                    self.rateable.insert(
                        *ticket,
                        Rateable {
                            finished_at: at,
                            service: t.service.clone(),
                            counter: counter.clone(),
                            officer: t.officer.clone(),
                            face_given: false,
                            questionnaire_given: false,
                        },
                    );
                }
                self.close_ticket(*ticket, TicketState::Done, at);
                self.release_counter(counter, *ticket);
            }
            Event::TicketNoShow { ticket, counter } => {
                self.close_ticket(*ticket, TicketState::NoShow, at);
                self.release_counter(counter, *ticket);
            }
            _ => unreachable!("routed by apply_unindexed"),
        }
    }

    /// A ticket back in a queue, or out of it for good.
    fn apply_requeue(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::TicketTransferred {
                ticket,
                counter,
                to_service,
                to_front,
                ..
            } => {
                let front_key = self
                    .waiting_in(to_service)
                    .map(|t| t.queued_at)
                    .min()
                    .map_or(at, |earliest| earliest.min(at).plus_ms(-1));
                if let Some(t) = self.tickets.get_mut(ticket) {
                    let from = std::mem::replace(&mut t.service, to_service.clone());
                    t.previous_services.push(from);
                    t.state = TicketState::Waiting;
                    t.queued_at = if *to_front { front_key } else { at };
                    t.counter = None;
                    t.officer = None;
                    t.recalls = 0;
                    t.started_at = None;
                }
                self.release_counter(counter, *ticket);
            }
            Event::TicketParked { ticket, counter } => {
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.state = TicketState::Parked;
                }
                self.release_counter(counter, *ticket);
            }
            Event::TicketUnparked { ticket } => {
                // Back to its original place in the queue (queued_at unchanged).
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.state = TicketState::Waiting;
                    t.counter = None;
                }
            }
            Event::TicketReinstated { ticket } => {
                // Late arrivals join at the back: fair to those who waited.
                if let Some(t) = self.tickets.get_mut(ticket) {
                    t.state = TicketState::Waiting;
                    t.queued_at = at;
                    t.counter = None;
                    t.closed_at = None;
                }
            }
            Event::TicketCancelled { ticket } | Event::TicketExpired { ticket } => {
                let state = if matches!(event, Event::TicketCancelled { .. }) {
                    TicketState::Cancelled
                } else {
                    TicketState::Expired
                };
                let counter = self.tickets.get(ticket).and_then(|t| t.counter.clone());
                self.close_ticket(*ticket, state, at);
                if let Some(counter) = counter {
                    self.release_counter(&counter, *ticket);
                }
            }
            _ => unreachable!("routed by apply_unindexed"),
        }
    }

    /// A counter opened, paused, resumed or closed.
    fn apply_counter(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::CounterOpened { counter, officer } => {
                let c = self.counters.entry(counter.clone()).or_default();
                c.status = CounterStatus::Open;
                c.officer = Some(officer.clone());
                c.since = at;
            }
            Event::CounterPaused { counter, reason } => {
                let c = self.counters.entry(counter.clone()).or_default();
                c.status = CounterStatus::Paused;
                c.break_reason = *reason;
                c.since = at;
            }
            Event::CounterResumed { counter } => {
                let c = self.counters.entry(counter.clone()).or_default();
                c.status = CounterStatus::Open;
                c.break_reason = None;
                c.since = at;
            }
            Event::CounterClosed { counter } => {
                let c = self.counters.entry(counter.clone()).or_default();
                c.status = CounterStatus::Closed;
                c.break_reason = None;
                c.officer = None;
                c.current = None;
                c.since = at;
            }
            _ => unreachable!("routed by apply_unindexed"),
        }
    }

    /// Ratings, imported questionnaires and follow-ups (the quarter's live IKM).
    fn apply_survey(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::ServiceRated { ticket, rating, .. } => {
                if let Some(r) = self.rateable.get_mut(ticket) {
                    r.face_given |= rating.face.is_some();
                    r.questionnaire_given |= rating.questionnaire.is_some();
                }
                if let Some(face) = rating.face.filter(|f| (1..=4).contains(f)) {
                    self.skm_quarter.faces[usize::from(face - 1)] += 1;
                }
                if let Some(q) = &rating.questionnaire {
                    self.skm_quarter.tally.add(q);
                }
            }
            Event::ResponsesImported {
                day, respondents, ..
            } => {
                if self.skm_quarter.quarter == Some(quarter_of(*day)) {
                    for r in respondents {
                        self.skm_quarter.tally.add(&r.questionnaire);
                    }
                }
            }
            Event::FollowUpRecorded(f) => {
                if f.revises.is_none() {
                    self.follow_ups.insert(at);
                }
            }
            _ => unreachable!("routed by apply_unindexed"),
        }
    }

    /// Updates [`State::service_stats`] before `event` changes the ticket it is about (its
    /// service and call time are needed).
    fn record_service_stats(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::TicketIssued {
                service,
                priority: Some(_),
                ..
            } => {
                self.service_stats
                    .entry(service.clone())
                    .or_default()
                    .record_priority_arrival(at);
            }
            // The counter is free again: one call's worth of counter time is over.
            Event::ServiceFinished { ticket, counter }
            | Event::TicketNoShow { ticket, counter }
            | Event::TicketTransferred {
                ticket, counter, ..
            }
            | Event::TicketParked { ticket, counter } => {
                if let Some(t) = self.tickets.get(ticket)
                    && t.counter.as_ref() == Some(counter)
                    && let Some(called_at) = t.called_at
                {
                    let duration_s = (at.0 - called_at.0).max(0) as f64 / 1000.0;
                    self.service_stats
                        .entry(t.service.clone())
                        .or_default()
                        .record_occupation(duration_s);
                }
            }
            _ => {}
        }
    }

    fn close_ticket(&mut self, id: TicketId, state: TicketState, at: Timestamp) {
        if let Some(t) = self.tickets.get_mut(&id) {
            t.state = state;
            t.closed_at = Some(at);
        }
    }

    fn release_counter(&mut self, counter: &str, ticket: TicketId) {
        if let Some(c) = self.counters.get_mut(counter)
            && c.current == Some(ticket)
        {
            c.current = None;
        }
    }
}
