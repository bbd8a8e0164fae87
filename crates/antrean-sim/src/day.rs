//! The discrete-event simulation: a virtual clock, a queue of what happens next, and the
//! real [`Engine`] deciding every command exactly as the coordinator would.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use antrean_core::BreakReason;
use antrean_core::eta;
use antrean_core::schedule::Closure;
use antrean_core::state::CounterStatus;
use antrean_core::{
    Catalog, Channel, Command, Engine, Event, LocalDate, LocalTime, Outcome, Rejection, TimeZone,
    Timestamp,
};
use antrean_protocol::{LogRecord, event_to_dto};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::SimError;
use crate::accuracy::TicketOutcome;
use crate::config::SimConfig;
use crate::random::{chance, exponential};

/// What a simulation produced.
#[derive(Clone, Debug)]
pub struct SimResult {
    /// Every event, as `antrean export` writes them (`antrean import` reads them back).
    pub log: Vec<LogRecord>,
    /// Every ticket: the estimates given at issue time and the wait that followed.
    pub tickets: Vec<TicketOutcome>,
    /// Visitors who came after the issuing cut-off.
    pub turned_away: u32,
}

/// Runs the whole configuration with `seed`, reporting `(days done, days)` after each day.
pub fn simulate(
    config: &SimConfig,
    seed: u64,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<SimResult, SimError> {
    let mut sim = Simulation::new(config, seed)?;
    let start = config.start_date()?;
    let mut date = start;
    for day in 0..config.days {
        sim.run_day(date)?;
        progress(day + 1, config.days);
        date = date.succ();
    }
    let mut tickets: Vec<TicketOutcome> = sim.outcomes.into_values().collect();
    tickets.sort_by_key(|t| t.ticket);
    Ok(SimResult {
        log: sim.log,
        tickets,
        turned_away: sim.turned_away,
    })
}

/// Things that happen at a time.
#[derive(Clone, Copy, Debug)]
enum Happening {
    /// A visitor for service `0` reaches the kiosk.
    Arrival(usize),
    /// A visitor who came during a break takes the ticket now (service, priority).
    DeferredIssue(usize, bool),
    Login(usize),
    Logout(usize),
    PauseStart(usize, BreakReason),
    PauseEnd(usize),
    /// The called visitor reaches the counter.
    VisitorReaches(usize),
    /// The officer gives up on a called visitor.
    NoShowDeadline(usize),
    ServiceDone(usize),
}

#[derive(Debug)]
struct Scheduled {
    at_ms: i64,
    order: u64,
    what: Happening,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (then first scheduled).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at_ms, other.order).cmp(&(self.at_ms, self.order))
    }
}

/// What an officer will do once the ticket in hand is done.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pending {
    Pause(BreakReason),
    Logout,
}

struct Simulation<'a> {
    config: &'a SimConfig,
    catalog: Catalog,
    engine: Engine,
    rng: StdRng,
    queue: BinaryHeap<Scheduled>,
    order: u64,
    log: Vec<LogRecord>,
    pending: Vec<Option<Pending>>,
    /// Per counter: (login, logout) of the current day.
    shift: Vec<(Timestamp, Timestamp)>,
    outcomes: HashMap<u64, TicketOutcome>,
    /// Wait of the last visitor called, per service (the LES predictor).
    last_called_wait_s: HashMap<String, f64>,
    turned_away: u32,
    cutoff: Timestamp,
    date: LocalDate,
}

impl<'a> Simulation<'a> {
    fn new(config: &'a SimConfig, seed: u64) -> Result<Simulation<'a>, SimError> {
        let catalog = config.catalog()?;
        Ok(Simulation {
            config,
            engine: Engine::new(catalog.clone()),
            catalog,
            rng: StdRng::seed_from_u64(seed),
            queue: BinaryHeap::new(),
            order: 0,
            log: Vec::new(),
            pending: vec![None; config.counters.len()],
            shift: vec![(Timestamp(0), Timestamp(0)); config.counters.len()],
            outcomes: HashMap::new(),
            last_called_wait_s: HashMap::new(),
            turned_away: 0,
            cutoff: Timestamp(0),
            date: config.start_date()?,
        })
    }

    fn at(&self, time: LocalTime) -> Timestamp {
        TimeZone::Wib.at(self.date, time)
    }

    fn schedule(&mut self, at: Timestamp, what: Happening) {
        self.order += 1;
        self.queue.push(Scheduled {
            at_ms: at.0,
            order: self.order,
            what,
        });
    }

    fn run_day(&mut self, date: LocalDate) -> Result<(), SimError> {
        self.date = date;
        let hours = self.config.day_hours()?;
        self.cutoff = self.at(hours.issue_cutoff.min(hours.close));
        for c in 0..self.config.counters.len() {
            let (opens, closes, own_breaks) =
                self.config.counter_hours(&self.config.counters[c])?;
            let closes = closes.min(hours.close);
            self.shift[c] = (self.at(opens), self.at(closes));
            self.pending[c] = None;
            self.schedule(self.at(opens), Happening::Login(c));
            self.schedule(self.at(closes), Happening::Logout(c));
            for b in hours.breaks.iter().chain(&own_breaks) {
                if opens <= b.start && b.start < closes {
                    let reason = BreakReason::from_label(&b.label);
                    self.schedule(self.at(b.start), Happening::PauseStart(c, reason));
                    self.schedule(self.at(b.end), Happening::PauseEnd(c));
                }
            }
        }
        let open = self.at(hours.open);
        for s in 0..self.config.services.len() {
            self.schedule_next_arrival(s, open);
        }
        while let Some(next) = self.queue.pop() {
            self.happen(next.what, Timestamp(next.at_ms))?;
        }
        Ok(())
    }

    /// Non-homogeneous Poisson arrivals by thinning: draw at the peak rate, keep each
    /// candidate with probability rate(t) / peak.
    fn schedule_next_arrival(&mut self, service: usize, after: Timestamp) {
        let base_per_s = self.config.services[service].arrivals_per_h / 3600.0;
        let peak = self
            .config
            .hourly_profile
            .iter()
            .map(|(_, f)| *f)
            .fold(1.0_f64, f64::max);
        if base_per_s <= 0.0 {
            return;
        }
        let mut t = after;
        loop {
            let gap_s = exponential(&mut self.rng, 1.0 / (base_per_s * peak));
            t = t.plus_ms((gap_s * 1000.0).round() as i64);
            // A few after the cut-off are kept: they are the visitors turned away.
            if t >= self.cutoff.plus_ms(30 * 60_000) {
                return;
            }
            let hour = TimeZone::Wib.local(t).time.minutes() / 60;
            if chance(&mut self.rng, self.config.profile_at(hour) / peak) {
                self.schedule(t, Happening::Arrival(service));
                return;
            }
        }
    }

    fn happen(&mut self, what: Happening, now: Timestamp) -> Result<(), SimError> {
        match what {
            Happening::Arrival(s) => {
                let priority = chance(&mut self.rng, self.config.services[s].priority_share);
                self.issue(s, priority, now)?;
                self.schedule_next_arrival(s, now);
            }
            Happening::DeferredIssue(s, priority) => self.issue(s, priority, now)?,
            Happening::Login(c) => {
                let officer = format!("petugas{}", self.config.counters[c].id);
                let counter = self.counter_id(c);
                self.run(Command::OpenCounter { counter, officer }, now)?;
                self.try_call(c, now)?;
            }
            Happening::Logout(c) => {
                if self.has_ticket(c) {
                    self.pending[c] = Some(Pending::Logout);
                } else {
                    let counter = self.counter_id(c);
                    self.run(Command::CloseCounter { counter }, now)?;
                }
            }
            Happening::PauseStart(c, reason) => {
                if self.status(c) == CounterStatus::Open {
                    if self.has_ticket(c) {
                        self.pending[c].get_or_insert(Pending::Pause(reason));
                    } else {
                        let counter = self.counter_id(c);
                        self.run(
                            Command::PauseCounter {
                                counter,
                                reason: Some(reason),
                            },
                            now,
                        )?;
                    }
                }
            }
            Happening::PauseEnd(c) => {
                if matches!(self.pending[c], Some(Pending::Pause(_))) {
                    // Still busy with a long visit: the break is over before it began.
                    self.pending[c] = None;
                }
                if self.status(c) == CounterStatus::Paused {
                    let counter = self.counter_id(c);
                    self.run(Command::ResumeCounter { counter }, now)?;
                    self.try_call(c, now)?;
                }
            }
            Happening::VisitorReaches(c) => {
                let counter = self.counter_id(c);
                let outcome = self.run(Command::StartService { counter }, now)?;
                let service = outcome
                    .ticket
                    .and_then(|id| self.engine.state().ticket(id))
                    .map(|t| t.service.clone())
                    .unwrap_or_default();
                let index = self.service_index(&service);
                let duration_s = self.config.services[index]
                    .service_time
                    .sample_s(&mut self.rng);
                self.schedule(
                    now.plus_ms((duration_s * 1000.0).round() as i64),
                    Happening::ServiceDone(c),
                );
            }
            Happening::ServiceDone(c) => {
                let counter = self.counter_id(c);
                self.run(Command::FinishService { counter }, now)?;
                self.after_release(c, now)?;
            }
            Happening::NoShowDeadline(c) => {
                let counter = self.counter_id(c);
                self.run(Command::MarkNoShow { counter }, now)?;
                self.after_release(c, now)?;
            }
        }
        Ok(())
    }

    fn issue(&mut self, service: usize, priority: bool, now: Timestamp) -> Result<(), SimError> {
        let code = self.config.services[service].code.clone();
        let command = Command::IssueTicket {
            service: code.clone(),
            priority: priority.then(|| "lansia".to_owned()),
            channel: Channel::Kiosk,
        };
        match self.try_run(command, now)? {
            Ok(outcome) => {
                let id = outcome.ticket.expect("issue names its ticket");
                self.record_estimates(id, service, now);
                let serving: Vec<usize> = (0..self.config.counters.len())
                    .filter(|&c| self.config.counters[c].services.contains(&code))
                    .collect();
                for c in serving {
                    self.try_call(c, now)?;
                }
            }
            // Visitors who come during a break wait at the door and take a ticket after it.
            Err(Rejection::Closed(Closure::OnBreak { until, .. })) => {
                self.schedule(self.at(until), Happening::DeferredIssue(service, priority));
            }
            Err(_) => self.turned_away += 1,
        }
        Ok(())
    }

    /// The estimate our engine gives, and the two baselines, for a ticket just issued.
    fn record_estimates(&mut self, id: antrean_core::TicketId, service: usize, now: Timestamp) {
        let state = self.engine.state();
        let ticket = state.ticket(id).expect("just issued");
        let estimate = eta::estimate(state, &self.catalog, id, now);
        let cfg = &self.config.services[service];
        let open: Vec<_> = self
            .catalog
            .counters_serving(&cfg.code)
            .map(|c| state.counter(&c.id))
            .filter(|c| c.status != CounterStatus::Closed)
            .collect();
        let open_counters = open.len().max(1) as f64;
        let a_counter_is_free = open
            .iter()
            .any(|c| c.status == CounterStatus::Open && c.current.is_none());
        let true_mean_s = cfg.service_time.mean_s() + self.config.walk_s;
        let ahead = f64::from(state.people_ahead(ticket));
        let naive_s = ahead * true_mean_s / open_counters;
        let oracle_s = if a_counter_is_free {
            0.0
        } else {
            (ahead + 1.0) * true_mean_s / open_counters
        };
        let les_s = self
            .last_called_wait_s
            .get(&cfg.code)
            .copied()
            .unwrap_or(0.0);
        self.outcomes.insert(
            id.0,
            TicketOutcome {
                ticket: id.0,
                service: cfg.code.clone(),
                priority: ticket.is_priority(),
                issued_at_ms: now.0,
                estimate_s: estimate.map(|e| f64::from(e.wait_s)),
                band_min: estimate.map(|e| (e.band.lo_min, e.band.hi_min)),
                flagged_after_closing: estimate.is_some_and(|e| e.after_closing),
                naive_s,
                les_s,
                oracle_s,
                actual_wait_s: None,
            },
        );
    }

    /// An idle open counter calls the next visitor (officers call as soon as they are free).
    fn try_call(&mut self, c: usize, now: Timestamp) -> Result<(), SimError> {
        if self.status(c) != CounterStatus::Open
            || self.has_ticket(c)
            || self.pending[c].is_some()
            || now >= self.shift[c].1
        {
            return Ok(());
        }
        let counter = self.counter_id(c);
        match self.try_run(Command::CallNext { counter }, now)? {
            Ok(outcome) => {
                let id = outcome.ticket.expect("a call names its ticket");
                let service = self
                    .engine
                    .state()
                    .ticket(id)
                    .expect("called")
                    .service
                    .clone();
                let cfg = &self.config.services[self.service_index(&service)];
                if chance(&mut self.rng, cfg.no_show_share) {
                    let at = now.plus_ms((self.config.no_show_wait_s * 1000.0) as i64);
                    self.schedule(at, Happening::NoShowDeadline(c));
                } else {
                    let at = now.plus_ms((self.config.walk_s * 1000.0) as i64);
                    self.schedule(at, Happening::VisitorReaches(c));
                }
                Ok(())
            }
            Err(Rejection::QueueEmpty { .. }) => Ok(()),
            Err(other) => Err(SimError::Engine(other.code())),
        }
    }

    fn after_release(&mut self, c: usize, now: Timestamp) -> Result<(), SimError> {
        let counter = self.counter_id(c);
        match self.pending[c].take() {
            Some(Pending::Pause(reason)) => {
                self.run(
                    Command::PauseCounter {
                        counter,
                        reason: Some(reason),
                    },
                    now,
                )?;
            }
            Some(Pending::Logout) => {
                self.run(Command::CloseCounter { counter }, now)?;
            }
            None => self.try_call(c, now)?,
        }
        Ok(())
    }

    /// Runs a command that must succeed (the simulator only sends valid ones).
    fn run(&mut self, command: Command, now: Timestamp) -> Result<Outcome, SimError> {
        self.try_run(command, now)?
            .map_err(|rejection| SimError::Engine(rejection.code()))
    }

    /// Runs a command through the engine, logging its events like the coordinator does.
    fn try_run(
        &mut self,
        command: Command,
        now: Timestamp,
    ) -> Result<Result<Outcome, Rejection>, SimError> {
        let tick = self.engine.tick(now);
        self.record(&tick);
        let outcome = self.engine.handle(&command, now);
        if let Ok(outcome) = &outcome {
            self.record(outcome);
        }
        Ok(outcome)
    }

    fn record(&mut self, outcome: &Outcome) {
        for event in &outcome.events {
            if let Event::TicketCalled { ticket, .. } = event
                && let Some(t) = self.engine.state().ticket(*ticket)
            {
                let wait_s = (outcome.at.0 - t.issued_at.0) as f64 / 1000.0;
                if let Some(o) = self.outcomes.get_mut(&ticket.0)
                    && o.actual_wait_s.is_none()
                {
                    o.actual_wait_s = Some(wait_s);
                }
                self.last_called_wait_s.insert(t.service.clone(), wait_s);
            }
            self.log.push(LogRecord {
                seq: self.log.len() as u64 + 1,
                at_ms: outcome.at.0,
                event: event_to_dto(event),
                request: None,
                request_digest: None,
            });
        }
    }

    fn counter_id(&self, c: usize) -> String {
        self.config.counters[c].id.clone()
    }

    fn status(&self, c: usize) -> CounterStatus {
        self.engine
            .state()
            .counter(&self.config.counters[c].id)
            .status
    }

    fn has_ticket(&self, c: usize) -> bool {
        self.engine
            .state()
            .counter(&self.config.counters[c].id)
            .current
            .is_some()
    }

    fn service_index(&self, code: &str) -> usize {
        self.config
            .services
            .iter()
            .position(|s| s.code == code)
            .unwrap_or(0)
    }
}
