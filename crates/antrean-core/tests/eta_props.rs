//! Property tests of the wait estimator over random days: every waiting ticket gets a
//! sane estimate, and order within a queue is respected.

mod common;

use antrean_core::eta::estimate;
use antrean_core::*;
use common::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Issue { service: usize, priority: bool },
    Open { counter: usize },
    Next { counter: usize },
    Finish { counter: usize },
    Pause { counter: usize },
    Resume { counter: usize },
    Close { counter: usize },
    Wait { minutes: i64 },
}

const SERVICES: [&str; 3] = ["ktp", "kk", "akta"];
const COUNTERS: [&str; 3] = ["1", "2", "3"];

fn op() -> impl Strategy<Value = Op> {
    let c = 0..COUNTERS.len();
    prop_oneof![
        6 => (0..SERVICES.len(), any::<bool>()).prop_map(|(service, priority)| Op::Issue { service, priority }),
        2 => c.clone().prop_map(|counter| Op::Open { counter }),
        4 => c.clone().prop_map(|counter| Op::Next { counter }),
        4 => c.clone().prop_map(|counter| Op::Finish { counter }),
        1 => c.clone().prop_map(|counter| Op::Pause { counter }),
        1 => c.clone().prop_map(|counter| Op::Resume { counter }),
        1 => c.prop_map(|counter| Op::Close { counter }),
        3 => (1i64..40).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

fn command(op: &Op, engine: &Engine) -> Option<Command> {
    let counter = |i: &usize| COUNTERS[*i].to_owned();
    Some(match op {
        Op::Issue { service, priority } => issue(SERVICES[*service], priority.then_some("lansia")),
        Op::Open { counter: c } => Command::OpenCounter {
            counter: counter(c),
            officer: format!("o{c}"),
        },
        Op::Next { counter: c } => Command::CallNext {
            counter: counter(c),
        },
        Op::Finish { counter: c } => {
            // Start first when the ticket is only called, so service time is measured.
            let id = engine.state().counter(&counter(c)).current?;
            if engine.state().ticket(id)?.state == TicketState::Called {
                Command::StartService {
                    counter: counter(c),
                }
            } else {
                Command::FinishService {
                    counter: counter(c),
                }
            }
        }
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

proptest! {
    #[test]
    fn estimates_are_sane_and_respect_queue_order(ops in prop::collection::vec(op(), 1..200)) {
        let mut engine = Engine::new(catalog());
        let mut now = monday("08:00");
        for op in &ops {
            if let Op::Wait { minutes } = op {
                now = now.plus_ms(minutes * 60_000);
            }
            if let Some(cmd) = command(op, &engine) {
                let _ = engine.execute(&cmd, now);
            }
            let state = engine.state();
            for service in SERVICES {
                let mut previous: [Option<(u32, bool)>; 2] = [None, None];
                for t in state.waiting_in(service) {
                    // Every service has a counter in the catalog: an estimate always exists.
                    let est = estimate(state, engine.catalog(), t.id, now);
                    prop_assert!(est.is_some(), "no estimate for {:?}", t);
                    let est = est.unwrap();
                    prop_assert!(est.band.lo_min < est.band.hi_min);
                    prop_assert!(est.band.contains_s(f64::from(est.wait_s)), "{est:?}");
                    // Same class, queued later (ids ascend with queue time within a class
                    // unless transferred, which these ops do not do): never sooner, never
                    // "in time" when an earlier one is too late.
                    let class = usize::from(t.is_priority());
                    if let Some((earlier_s, earlier_late)) = previous[class] {
                        prop_assert!(est.wait_s + 1 >= earlier_s, "{} < {}", est.wait_s, earlier_s);
                        prop_assert!(est.after_closing || !earlier_late);
                    }
                    previous[class] = Some((est.wait_s, est.after_closing));
                }
            }
        }
    }
}
