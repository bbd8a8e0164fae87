//! Property tests: random command sequences against the engine's invariants.

mod common;

use std::collections::{HashMap, HashSet};

use antrean_core::catalog::{PriorityPolicy, QueuePolicy};
use antrean_core::*;
use common::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Issue {
        service: usize,
        priority: bool,
    },
    Open {
        counter: usize,
    },
    CallNext {
        counter: usize,
    },
    CallSpecific {
        counter: usize,
        pick: usize,
    },
    Recall {
        counter: usize,
    },
    Start {
        counter: usize,
    },
    Finish {
        counter: usize,
    },
    NoShow {
        counter: usize,
    },
    Transfer {
        counter: usize,
        service: usize,
        front: bool,
    },
    Park {
        counter: usize,
    },
    Unpark {
        pick: usize,
    },
    Reinstate {
        pick: usize,
    },
    Cancel {
        pick: usize,
    },
    Pause {
        counter: usize,
    },
    Resume {
        counter: usize,
    },
    Close {
        counter: usize,
    },
    Wait {
        minutes: i64,
    },
}

const SERVICES: [&str; 3] = ["ktp", "kk", "akta"];
const COUNTERS: [&str; 3] = ["1", "2", "3"];

fn op() -> impl Strategy<Value = Op> {
    let c = 0..COUNTERS.len();
    prop_oneof![
        6 => (0..SERVICES.len(), any::<bool>()).prop_map(|(service, priority)| Op::Issue { service, priority }),
        2 => c.clone().prop_map(|counter| Op::Open { counter }),
        5 => c.clone().prop_map(|counter| Op::CallNext { counter }),
        1 => (c.clone(), any::<usize>()).prop_map(|(counter, pick)| Op::CallSpecific { counter, pick }),
        1 => c.clone().prop_map(|counter| Op::Recall { counter }),
        3 => c.clone().prop_map(|counter| Op::Start { counter }),
        3 => c.clone().prop_map(|counter| Op::Finish { counter }),
        1 => c.clone().prop_map(|counter| Op::NoShow { counter }),
        1 => (c.clone(), 0..SERVICES.len(), any::<bool>()).prop_map(|(counter, service, front)| Op::Transfer { counter, service, front }),
        1 => c.clone().prop_map(|counter| Op::Park { counter }),
        1 => any::<usize>().prop_map(|pick| Op::Unpark { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Reinstate { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => c.clone().prop_map(|counter| Op::Pause { counter }),
        1 => c.clone().prop_map(|counter| Op::Resume { counter }),
        1 => c.prop_map(|counter| Op::Close { counter }),
        3 => (-30i64..240).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

fn to_command(op: &Op, engine: &Engine) -> Option<Command> {
    let ids: Vec<TicketId> = engine.state().tickets.keys().copied().collect();
    let pick = |p: usize| {
        ids.get(p % ids.len().max(1))
            .copied()
            .unwrap_or(TicketId(0))
    };
    let counter = |c: usize| COUNTERS[c].to_string();
    Some(match *op {
        Op::Issue { service, priority } => issue(SERVICES[service], priority.then_some("lansia")),
        Op::Open { counter: c } => Command::OpenCounter {
            counter: counter(c),
            officer: format!("officer-{c}"),
        },
        Op::CallNext { counter: c } => Command::CallNext {
            counter: counter(c),
        },
        Op::CallSpecific {
            counter: c,
            pick: p,
        } => Command::CallSpecific {
            counter: counter(c),
            ticket: pick(p),
        },
        Op::Recall { counter: c } => Command::Recall {
            counter: counter(c),
        },
        Op::Start { counter: c } => Command::StartService {
            counter: counter(c),
        },
        Op::Finish { counter: c } => Command::FinishService {
            counter: counter(c),
        },
        Op::NoShow { counter: c } => Command::MarkNoShow {
            counter: counter(c),
        },
        Op::Transfer {
            counter: c,
            service,
            front,
        } => Command::Transfer {
            counter: counter(c),
            to_service: SERVICES[service].into(),
            to_front: front,
        },
        Op::Park { counter: c } => Command::Park {
            counter: counter(c),
        },
        Op::Unpark { pick: p } => Command::Unpark { ticket: pick(p) },
        Op::Reinstate { pick: p } => Command::Reinstate { ticket: pick(p) },
        Op::Cancel { pick: p } => Command::Cancel {
            ticket: pick(p),
            by_counter: None,
        },
        Op::Pause { counter: c } => Command::PauseCounter {
            counter: counter(c),
            reason: None,
        },
        Op::Resume { counter: c } => Command::ResumeCounter {
            counter: counter(c),
        },
        Op::Close { counter: c } => Command::CloseCounter {
            counter: counter(c),
        },
        Op::Wait { .. } => return None,
    })
}

/// Runs `ops`, checking invariants after every step; returns the log for replay checks.
fn run(policy: QueuePolicy, ops: &[Op]) -> Result<(), TestCaseError> {
    let regular_per_priority = match policy.priority {
        PriorityPolicy::Interleave {
            regular_per_priority,
        } => Some(regular_per_priority),
        PriorityPolicy::Strict => None,
    };
    let max_wait_s = policy.max_wait_s;
    let mut engine = Engine::new(catalog_with(policy));
    let mut now = monday("08:00");
    let mut log: Vec<(Event, Timestamp)> = Vec::new();
    let mut numbers_by_day: HashMap<LocalDate, HashSet<String>> = HashMap::new();
    let mut issued: HashSet<TicketId> = HashSet::new();
    // Tickets that left the live state at a day change: expired, or already finished.
    let mut expired: HashSet<TicketId> = HashSet::new();
    // Regular calls in a row at each counter while a priority ticket it could serve waited.
    let mut passed_over: HashMap<String, u32> = HashMap::new();

    for op in ops {
        if let Op::Wait { minutes } = op {
            // Negative waits model the wall clock stepping back.
            now = now.plus_ms(minutes * 60_000);
            continue;
        }
        let Some(command) = to_command(op, &engine) else {
            continue;
        };
        let before_tick = engine.state().clone();
        let tick = engine.tick(now);
        for ev in &tick.events {
            if let Event::TicketExpired { ticket } = ev {
                expired.insert(*ticket);
            }
        }
        if tick
            .events
            .iter()
            .any(|ev| matches!(ev, Event::DayStarted { .. }))
        {
            // Tickets finished on the previous day leave the live state (the log keeps them).
            for t in before_tick.tickets.values() {
                prop_assert!(
                    t.state.is_terminal() || expired.contains(&t.id),
                    "{} dropped while open",
                    t.number
                );
                expired.insert(t.id);
            }
        }
        log.extend(tick.events.iter().cloned().map(|ev| (ev, tick.at)));

        let before = engine.state().clone();
        match engine.handle(&command, now) {
            Ok(outcome) => {
                for ev in &outcome.events {
                    match ev {
                        Event::TicketIssued {
                            ticket,
                            number,
                            day,
                            ..
                        } => {
                            prop_assert!(issued.insert(*ticket), "ticket id reused: {ticket}");
                            let fresh = numbers_by_day
                                .entry(*day)
                                .or_default()
                                .insert(number.to_string());
                            prop_assert!(fresh, "number {number} issued twice on {day}");
                        }
                        Event::TicketCalled {
                            ticket,
                            counter,
                            out_of_order: false,
                            ..
                        } => {
                            let called = before.ticket(*ticket).unwrap();
                            let cfg = engine.catalog().counter(counter).unwrap();
                            let waiting: Vec<_> = before
                                .tickets
                                .values()
                                .filter(|t| {
                                    t.state == TicketState::Waiting && cfg.serves(&t.service)
                                })
                                .collect();
                            let wait_s = |t: &Ticket| outcome.at.secs_since(t.queued_at);
                            // Max-wait guard: nobody overdue is passed over for a non-overdue ticket,
                            // and among the overdue the longest wait goes first.
                            if let Some(limit) = max_wait_s {
                                let overdue: Vec<_> = waiting
                                    .iter()
                                    .filter(|t| wait_s(t) >= u64::from(limit))
                                    .collect();
                                if !overdue.is_empty() {
                                    let earliest =
                                        overdue.iter().map(|t| t.queued_at).min().unwrap();
                                    prop_assert_eq!(
                                        called.queued_at,
                                        earliest,
                                        "overdue ticket passed over"
                                    );
                                }
                            }
                            let priority_waited = waiting.iter().any(|t| t.is_priority());
                            let streak = passed_over.entry(counter.clone()).or_default();
                            if called.is_priority() || !priority_waited {
                                *streak = 0;
                            } else {
                                *streak += 1;
                                let overdue_call =
                                    max_wait_s.is_some_and(|l| wait_s(called) >= u64::from(l));
                                if let (Some(n), false) = (regular_per_priority, overdue_call) {
                                    prop_assert!(
                                        *streak <= n,
                                        "priority passed over {streak} times (N = {n})"
                                    );
                                }
                                if regular_per_priority.is_none() && !overdue_call {
                                    prop_assert!(
                                        false,
                                        "strict policy called a regular ticket while priority waited"
                                    );
                                }
                            }
                        }
                        // An officer calling a priority visitor out of order serves the
                        // priority class too: the interleave starts over, as in the engine.
                        Event::TicketCalled {
                            ticket,
                            counter,
                            out_of_order: true,
                            ..
                        } if before.ticket(*ticket).is_some_and(Ticket::is_priority) => {
                            passed_over.insert(counter.clone(), 0);
                        }
                        _ => {}
                    }
                }
                log.extend(outcome.events.iter().cloned().map(|ev| (ev, outcome.at)));
            }
            Err(rejection) => {
                prop_assert_eq!(
                    &before,
                    engine.state(),
                    "rejection {} changed the state",
                    rejection.code()
                );
            }
        }

        // Never lose a ticket: every issued ticket is live today or expired by a day change.
        let state = engine.state();
        for id in &issued {
            prop_assert!(
                state.ticket(*id).is_some() || expired.contains(id),
                "ticket {id} lost"
            );
        }
        // No ticket in two places: each counter's current ticket is called/serving there,
        // and no two counters hold the same ticket.
        let mut held = HashSet::new();
        for (counter, cs) in &state.counters {
            if let Some(id) = cs.current {
                prop_assert!(held.insert(id), "ticket {id} at two counters");
                let t = state.ticket(id).unwrap();
                prop_assert!(matches!(
                    t.state,
                    TicketState::Called | TicketState::Serving
                ));
                prop_assert_eq!(t.counter.as_deref(), Some(counter.as_str()));
            }
        }
        for t in state.tickets.values() {
            if matches!(t.state, TicketState::Called | TicketState::Serving) {
                prop_assert!(
                    held.contains(&t.id),
                    "{} is {:?} but no counter holds it",
                    t.number,
                    t.state
                );
            }
        }
    }

    let mut replayed = Engine::new(engine.catalog().clone());
    for (ev, at) in &log {
        replayed.replay(ev, *at);
    }
    prop_assert_eq!(replayed.state(), engine.state(), "replay diverged");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn interleave_policy_invariants(ops in prop::collection::vec(op(), 1..300), n in 1u32..4) {
        run(QueuePolicy {
            priority: PriorityPolicy::Interleave { regular_per_priority: n },
            max_wait_s: Some(45 * 60),
            max_recalls: 2,
            ..QueuePolicy::default()
        }, &ops)?;
    }

    #[test]
    fn strict_policy_invariants(ops in prop::collection::vec(op(), 1..300)) {
        run(QueuePolicy { priority: PriorityPolicy::Strict, max_wait_s: None, max_recalls: 2, ..QueuePolicy::default() }, &ops)?;
    }

    /// Strict priority starves regular tickets when priority keeps coming; the guard must
    /// still call any ticket waiting past the limit first.
    #[test]
    fn strict_policy_with_max_wait_guard_invariants(ops in prop::collection::vec(op(), 1..300)) {
        run(QueuePolicy {
            priority: PriorityPolicy::Strict,
            max_wait_s: Some(30 * 60),
            max_recalls: 2,
            ..QueuePolicy::default()
        }, &ops)?;
    }
}
