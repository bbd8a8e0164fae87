//! The engine: `command + now → events` or a rejection, then the events applied to the state.
//!
//! Sans-IO: the shell passes `now`, persists the returned events *before* acknowledging, and
//! replays them with [`Engine::replay`] on start. Rejections change nothing.

use crate::catalog::Catalog;
use crate::command::Command;
use crate::event::Event;
use crate::rejection::Rejection;
use crate::state::{CounterStatus, State};
use crate::ticket::{MAX_DAILY_SEQUENCE, Ticket, TicketId, TicketNumber, TicketState};
use crate::time::{LocalDate, Timestamp};

mod booking;
mod counter;
mod rating;

/// The queue engine of one site.
#[derive(Clone, Debug)]
pub struct Engine {
    catalog: Catalog,
    state: State,
}

/// What an accepted command produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Events to persist, in order, all stamped with `at`.
    pub events: Vec<Event>,
    /// The event time (never earlier than any previous event: clock jumps back are clamped).
    pub at: Timestamp,
    /// The ticket the command was about (issued, called, ...), if any.
    pub ticket: Option<TicketId>,
}

impl Engine {
    /// An engine with empty state.
    pub fn new(catalog: Catalog) -> Engine {
        Engine {
            catalog,
            state: State::default(),
        }
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Re-applies a logged event (startup replay). Never fails.
    pub fn replay(&mut self, event: &Event, at: Timestamp) {
        self.state.apply(event, at);
    }

    /// The effective event time for a command at wall-clock `now`: time never runs backwards,
    /// so a clock stepped back (NTP, manual change) cannot reopen an earlier day's numbers.
    pub fn effective_now(&self, now: Timestamp) -> Timestamp {
        now.max(self.state.last_at)
    }

    /// The local date at `now` for this site.
    pub fn local_day(&self, now: Timestamp) -> LocalDate {
        self.catalog
            .site
            .time_zone
            .local(self.effective_now(now))
            .date
    }

    /// Starts a new numbering day if `now` is past local midnight: expires every open ticket
    /// of the previous day and resets sequences. Returns the events (already applied) that
    /// the shell must persist. The shell calls this before each batch of commands and on a
    /// timer; [`Engine::execute`] calls it too.
    pub fn tick(&mut self, now: Timestamp) -> Outcome {
        let at = self.effective_now(now);
        let today = self.catalog.site.time_zone.local(at).date;
        // Bookings whose arrival window closed give their seat back; a past day's go
        // before the day start, which drops them from the state.
        let mut events = self.expired_bookings(at);
        if self.state.day.is_none_or(|day| day < today) {
            events.extend(
                self.state
                    .tickets
                    .values()
                    .filter(|t| !t.state.is_terminal())
                    .map(|t| Event::TicketExpired { ticket: t.id }),
            );
            events.push(Event::DayStarted { day: today });
        }
        for event in &events {
            self.state.apply(event, at);
        }
        Outcome {
            events,
            at,
            ticket: None,
        }
    }

    /// Decides and applies `command`. On rejection the state is unchanged. Assumes
    /// [`Engine::tick`] ran for `now` (the day is current).
    pub fn handle(&mut self, command: &Command, now: Timestamp) -> Result<Outcome, Rejection> {
        let at = self.effective_now(now);
        let events = self.decide(command, at)?;
        for event in &events {
            self.state.apply(event, at);
        }
        let ticket = events.iter().find_map(Event::ticket);
        Ok(Outcome { events, at, ticket })
    }

    /// `tick` then `handle`: convenient for tests and simulations that do not persist.
    pub fn execute(&mut self, command: &Command, now: Timestamp) -> Result<Outcome, Rejection> {
        self.tick(now);
        self.handle(command, now)
    }

    /// The events `command` would produce at `at`, without applying them.
    pub fn decide(&self, command: &Command, at: Timestamp) -> Result<Vec<Event>, Rejection> {
        match command {
            Command::IssueTicket {
                service,
                priority,
                channel,
            } => self.decide_issue(service, priority.as_deref(), *channel, at),
            Command::OpenCounter { .. }
            | Command::PauseCounter { .. }
            | Command::ResumeCounter { .. }
            | Command::CloseCounter { .. } => self.decide_counter(command),
            Command::CallNext { .. }
            | Command::CallSpecific { .. }
            | Command::Recall { .. }
            | Command::StartService { .. }
            | Command::FinishService { .. }
            | Command::MarkNoShow { .. }
            | Command::Transfer { .. }
            | Command::Park { .. } => self.decide_at_counter(command, at),
            Command::Unpark { .. } | Command::Reinstate { .. } | Command::Cancel { .. } => {
                self.decide_ticket(command)
            }
            Command::Rate {
                ticket,
                rating,
                at_counter,
            } => self.decide_rate(*ticket, rating, at_counter.as_deref(), at),
            Command::ImportResponses {
                service,
                day,
                label,
                respondents,
            } => self.decide_import(service.as_deref(), *day, label, respondents),
            Command::RecordFollowUp(follow_up) => self.decide_follow_up(follow_up),
            Command::Book {
                service,
                date,
                slot,
                identity_keys,
                nik_given,
                sealed,
                channel,
            } => self.decide_book(
                &booking::BookRequest {
                    service,
                    date: *date,
                    slot: *slot,
                    identity_keys,
                    nik_given: *nik_given,
                    sealed,
                    channel: *channel,
                },
                at,
            ),
            Command::RescheduleBooking {
                booking,
                date,
                slot,
            } => self.decide_reschedule(*booking, *date, *slot, at),
            Command::CancelBooking { booking } => self.decide_cancel(*booking),
            Command::SyncCentralBooking {
                booking,
                service,
                date,
                slot,
                cancelled,
            } => self.decide_sync_central(*booking, service, *date, *slot, *cancelled, at),
            Command::CheckIn {
                booking,
                priority,
                channel,
            } => self.decide_check_in(*booking, priority.as_deref(), *channel, at),
        }
    }

    fn decide_issue(
        &self,
        service: &str,
        priority: Option<&str>,
        channel: crate::ticket::Channel,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        self.decide_walk_in(service, priority, channel, at, 0)
    }

    /// A walk-in ticket. `released` seats held for bookings are being given back by events
    /// that go before this one in the same outcome (a late check-in's expiry).
    fn decide_walk_in(
        &self,
        service: &str,
        priority: Option<&str>,
        channel: crate::ticket::Channel,
        at: Timestamp,
        released: u32,
    ) -> Result<Vec<Event>, Rejection> {
        let cfg = self.service_cfg(service)?;
        let local = self.catalog.site.time_zone.local(at);
        self.catalog
            .site
            .schedule
            .issuing_at(local)
            .map_err(Rejection::Closed)?;
        self.check_priority(cfg, priority)?;
        let issued = self.state.issued_today.get(service).copied().unwrap_or(0);
        // Seats held for bookings that may still come are not the walk-ins' to take.
        let reserved = self.walk_in_reserved(cfg, at).saturating_sub(released);
        if let Some(quota) = cfg.daily_quota
            && issued.saturating_add(reserved) >= quota
        {
            return Err(Rejection::QuotaReached {
                service_name: cfg.name_id.clone(),
                quota,
            });
        }
        let used = self.state.sequences.get(&cfg.prefix).copied().unwrap_or(0);
        if used >= MAX_DAILY_SEQUENCE {
            return Err(Rejection::SequenceExhausted {
                prefix: cfg.prefix.clone(),
            });
        }
        Ok(vec![Event::TicketIssued {
            ticket: TicketId(self.state.next_ticket_id.max(1)),
            number: TicketNumber {
                prefix: cfg.prefix.clone(),
                sequence: used + 1,
            },
            day: local.date,
            service: service.to_owned(),
            priority: priority.map(str::to_owned),
            channel,
        }])
    }

    /// The priority class exists and the service accepts it.
    fn check_priority(
        &self,
        cfg: &crate::catalog::Service,
        priority: Option<&str>,
    ) -> Result<(), Rejection> {
        if let Some(class) = priority {
            if self.catalog.priority_class(class).is_none() {
                return Err(Rejection::UnknownPriorityClass {
                    class: class.to_owned(),
                });
            }
            if !cfg.accepts_priority(class) {
                return Err(Rejection::PriorityNotAccepted {
                    service_name: cfg.name_id.clone(),
                    class: class.to_owned(),
                });
            }
        }
        Ok(())
    }

    fn service_cfg(&self, code: &str) -> Result<&crate::catalog::Service, Rejection> {
        self.catalog
            .service(code)
            .ok_or_else(|| Rejection::UnknownService {
                service: code.to_owned(),
            })
    }

    fn service_name(&self, code: &str) -> String {
        self.catalog
            .service(code)
            .map_or_else(|| code.to_owned(), |s| s.name_id.clone())
    }

    fn counter_cfg(&self, id: &str) -> Result<&crate::catalog::Counter, Rejection> {
        self.catalog
            .counter(id)
            .ok_or_else(|| Rejection::UnknownCounter {
                counter: id.to_owned(),
            })
    }

    fn ticket(&self, id: TicketId) -> Result<&Ticket, Rejection> {
        self.state
            .ticket(id)
            .ok_or(Rejection::UnknownTicket { ticket: id })
    }

    /// The counter exists, is open, and has no ticket in hand.
    fn require_idle_open(&self, counter: &str) -> Result<&crate::catalog::Counter, Rejection> {
        let cfg = self.counter_cfg(counter)?;
        let state = self.state.counter(counter);
        if state.status != CounterStatus::Open {
            return Err(Rejection::CounterNotOpen {
                counter_name: cfg.name.clone(),
            });
        }
        if let Some(current) = state.current.and_then(|id| self.state.ticket(id)) {
            return Err(Rejection::CounterBusy {
                counter_name: cfg.name.clone(),
                ticket_number: current.number.to_string(),
            });
        }
        Ok(cfg)
    }

    /// The counter's current ticket, which must be in one of `states`.
    fn current_ticket(
        &self,
        counter: &str,
        states: &[TicketState],
        action: &'static str,
    ) -> Result<&Ticket, Rejection> {
        let cfg = self.counter_cfg(counter)?;
        let state = self.state.counter(counter);
        let ticket = state
            .current
            .and_then(|id| self.state.ticket(id))
            .ok_or_else(|| Rejection::NoCurrentTicket {
                counter_name: cfg.name.clone(),
            })?;
        if !states.contains(&ticket.state) {
            return Err(invalid(ticket, action));
        }
        Ok(ticket)
    }
}

fn invalid(ticket: &Ticket, action: &'static str) -> Rejection {
    Rejection::InvalidState {
        ticket_number: ticket.number.to_string(),
        state: ticket.state,
        action,
    }
}
