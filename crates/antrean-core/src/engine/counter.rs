//! Rules for counters and the tickets at them: opening, pausing and closing a counter;
//! calling, serving, transferring and parking; what may happen to a ticket by number.

use super::{Engine, invalid};
use crate::command::Command;
use crate::event::Event;
use crate::policy::pick_next;
use crate::rejection::Rejection;
use crate::state::CounterStatus;
use crate::ticket::TicketState;
use crate::time::Timestamp;

impl Engine {
    /// Opening, pausing, resuming and closing a counter.
    pub(super) fn decide_counter(&self, command: &Command) -> Result<Vec<Event>, Rejection> {
        match command {
            Command::OpenCounter { counter, officer } => {
                let cfg = self.counter_cfg(counter)?;
                let state = self.state.counter(counter);
                match (&state.officer, state.status) {
                    (Some(other), CounterStatus::Open | CounterStatus::Paused)
                        if other != officer =>
                    {
                        Err(Rejection::CounterInUse {
                            counter_name: cfg.name.clone(),
                            officer: other.clone(),
                        })
                    }
                    // Same officer logging in again (new browser tab, reconnect): no change.
                    // A paused counter stays paused when its officer reconnects (a network blip must
                    // not end a break).
                    (Some(_), CounterStatus::Open | CounterStatus::Paused) => Ok(Vec::new()),
                    _ => Ok(vec![Event::CounterOpened {
                        counter: counter.clone(),
                        officer: officer.clone(),
                    }]),
                }
            }
            Command::PauseCounter { counter, reason } => {
                self.require_idle_open(counter)?;
                Ok(vec![Event::CounterPaused {
                    counter: counter.clone(),
                    reason: *reason,
                }])
            }
            Command::ResumeCounter { counter } => {
                let cfg = self.counter_cfg(counter)?;
                match self.state.counter(counter).status {
                    CounterStatus::Paused => Ok(vec![Event::CounterResumed {
                        counter: counter.clone(),
                    }]),
                    CounterStatus::Open => Ok(Vec::new()),
                    CounterStatus::Closed => Err(Rejection::CounterNotOpen {
                        counter_name: cfg.name.clone(),
                    }),
                }
            }
            Command::CloseCounter { counter } => {
                let cfg = self.counter_cfg(counter)?;
                let state = self.state.counter(counter);
                if let Some(current) = state.current.and_then(|id| self.state.ticket(id)) {
                    return Err(Rejection::CounterBusy {
                        counter_name: cfg.name.clone(),
                        ticket_number: current.number.to_string(),
                    });
                }
                if state.status == CounterStatus::Closed {
                    return Ok(Vec::new());
                }
                Ok(vec![Event::CounterClosed {
                    counter: counter.clone(),
                }])
            }
            _ => unreachable!("routed by decide"),
        }
    }

    /// What the ticket at a counter goes through: called, recalled, served, not there,
    /// transferred, parked.
    pub(super) fn decide_at_counter(
        &self,
        command: &Command,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        match command {
            Command::CallNext { .. } | Command::CallSpecific { .. } => {
                self.decide_call(command, at)
            }
            Command::Recall { counter } => {
                let t = self.current_ticket(counter, &[TicketState::Called], "recall")?;
                let max = self.catalog.policy.max_recalls;
                if t.recalls >= max {
                    return Err(Rejection::RecallLimit { max_recalls: max });
                }
                Ok(vec![Event::TicketRecalled {
                    ticket: t.id,
                    counter: counter.clone(),
                    recalls: t.recalls + 1,
                }])
            }
            Command::StartService { counter } => {
                let t = self.current_ticket(counter, &[TicketState::Called], "start service")?;
                Ok(vec![Event::ServiceStarted {
                    ticket: t.id,
                    counter: counter.clone(),
                }])
            }
            Command::FinishService { counter } => {
                let t = self.current_ticket(counter, &[TicketState::Serving], "finish service")?;
                Ok(vec![Event::ServiceFinished {
                    ticket: t.id,
                    counter: counter.clone(),
                }])
            }
            Command::MarkNoShow { counter } => {
                let t = self.current_ticket(counter, &[TicketState::Called], "mark no-show")?;
                Ok(vec![Event::TicketNoShow {
                    ticket: t.id,
                    counter: counter.clone(),
                }])
            }
            Command::Transfer {
                counter,
                to_service,
                to_front,
            } => {
                let t = self.current_ticket(
                    counter,
                    &[TicketState::Called, TicketState::Serving],
                    "transfer",
                )?;
                self.service_cfg(to_service)?;
                if &t.service == to_service {
                    return Err(Rejection::SameService);
                }
                Ok(vec![Event::TicketTransferred {
                    ticket: t.id,
                    counter: counter.clone(),
                    from_service: t.service.clone(),
                    to_service: to_service.clone(),
                    to_front: *to_front,
                }])
            }
            Command::Park { counter } => {
                let t = self.current_ticket(
                    counter,
                    &[TicketState::Called, TicketState::Serving],
                    "park",
                )?;
                Ok(vec![Event::TicketParked {
                    ticket: t.id,
                    counter: counter.clone(),
                }])
            }
            _ => unreachable!("routed by decide"),
        }
    }

    /// Calling the next ticket by the queue policy, or a ticket by number.
    fn decide_call(&self, command: &Command, at: Timestamp) -> Result<Vec<Event>, Rejection> {
        match command {
            Command::CallNext { counter } => {
                let cfg = self.require_idle_open(counter)?;
                let state = self.state.counter(counter);
                let next = pick_next(&self.state, &self.catalog.policy, cfg, &state, at)
                    .ok_or_else(|| Rejection::QueueEmpty {
                        counter_name: cfg.name.clone(),
                    })?;
                Ok(vec![Event::TicketCalled {
                    ticket: next,
                    counter: counter.clone(),
                    officer: state.officer,
                    out_of_order: false,
                }])
            }
            Command::CallSpecific { counter, ticket } => {
                let cfg = self.require_idle_open(counter)?;
                let t = self.ticket(*ticket)?;
                if !matches!(t.state, TicketState::Waiting | TicketState::Parked) {
                    return Err(invalid(t, "call"));
                }
                if !cfg.serves(&t.service) {
                    return Err(Rejection::ServiceNotAtCounter {
                        counter_name: cfg.name.clone(),
                        service_name: self.service_name(&t.service),
                    });
                }
                Ok(vec![Event::TicketCalled {
                    ticket: *ticket,
                    counter: counter.clone(),
                    officer: self.state.counter(counter).officer,
                    out_of_order: true,
                }])
            }
            _ => unreachable!("routed by decide_at_counter"),
        }
    }

    /// A ticket named by id: back from parking, reinstated after a no-show, cancelled.
    pub(super) fn decide_ticket(&self, command: &Command) -> Result<Vec<Event>, Rejection> {
        match command {
            Command::Unpark { ticket } => {
                let t = self.ticket(*ticket)?;
                if t.state != TicketState::Parked {
                    return Err(invalid(t, "return from parking"));
                }
                Ok(vec![Event::TicketUnparked { ticket: *ticket }])
            }
            Command::Reinstate { ticket } => {
                let t = self.ticket(*ticket)?;
                if t.state != TicketState::NoShow {
                    return Err(invalid(t, "reinstate"));
                }
                Ok(vec![Event::TicketReinstated { ticket: *ticket }])
            }
            Command::Cancel { ticket, by_counter } => {
                let t = self.ticket(*ticket)?;
                if t.state.is_terminal() {
                    return Err(invalid(t, "cancel"));
                }
                let at_a_counter = matches!(t.state, TicketState::Called | TicketState::Serving);
                if let (true, Some(by), Some(at)) = (at_a_counter, by_counter, &t.counter)
                    && by != at
                {
                    return Err(Rejection::AtOtherCounter {
                        ticket_number: t.number.to_string(),
                        counter_name: self
                            .catalog
                            .counter(at)
                            .map_or_else(|| at.clone(), |c| c.name.clone()),
                    });
                }
                Ok(vec![Event::TicketCancelled { ticket: *ticket }])
            }
            _ => unreachable!("routed by decide"),
        }
    }
}
