//! The wait estimator against hand-computed cases: position, counters, policy, breaks,
//! closing, pauses and measured service times.

mod common;

use antrean_core::catalog::{PriorityPolicy, QueuePolicy};
use antrean_core::eta::{Estimate, estimate};
use antrean_core::*;
use common::*;

/// The test catalog has no standard times, so a call takes the default 10 minutes.
const CALL_S: u32 = 600;

fn issue_n(
    engine: &mut Engine,
    service: &str,
    priority: Option<&str>,
    n: usize,
    now: Timestamp,
) -> Vec<TicketId> {
    (0..n)
        .map(|_| {
            engine
                .execute(&issue(service, priority), now)
                .unwrap()
                .ticket
                .unwrap()
        })
        .collect()
}

fn eta(engine: &Engine, id: TicketId, now: Timestamp) -> Estimate {
    estimate(engine.state(), engine.catalog(), id, now).expect("an estimate")
}

fn cmd(engine: &mut Engine, command: Command, now: Timestamp) {
    engine.execute(&command, now).unwrap();
}

#[test]
fn idle_counter_means_no_wait() {
    let mut e = Engine::new(catalog());
    open(&mut e, "3", "siti", monday("09:00"));
    let id = issue_n(&mut e, "akta", None, 1, monday("09:00"))[0];
    let est = eta(&e, id, monday("09:00"));
    assert_eq!(est.wait_s, 0);
    assert_eq!(est.band.text_id(), "kurang dari 5 menit");
    assert!(!est.after_closing);
}

#[test]
fn busy_counter_gives_whitts_n_plus_one_over_s_mu() {
    let mut e = Engine::new(catalog());
    let now = monday("09:00");
    open(&mut e, "3", "siti", now);
    let ids = issue_n(&mut e, "akta", None, 4, now);
    call_next(&mut e, "3", now).unwrap();
    // Three waiting; the last has two ahead and one counter busy: (2 + 1) calls × 10 min.
    assert_eq!(eta(&e, ids[3], now).wait_s, 3 * CALL_S);
    assert_eq!(eta(&e, ids[1], now).wait_s, CALL_S);
    // The band is around the point, rounded to 5 minutes.
    let band = eta(&e, ids[3], now).band;
    assert!(
        band.lo_min < 30 && 30 < band.hi_min && band.lo_min.is_multiple_of(5),
        "{band:?}"
    );
    // Not waiting any more: no estimate.
    assert!(estimate(e.state(), e.catalog(), ids[0], now).is_none());
}

#[test]
fn two_counters_halve_the_wait() {
    let mut e = Engine::new(catalog());
    let now = monday("09:00");
    open(&mut e, "1", "siti", now);
    open(&mut e, "2", "budi", now);
    let ids = issue_n(&mut e, "ktp", None, 6, now);
    call_next(&mut e, "1", now).unwrap();
    call_next(&mut e, "2", now).unwrap();
    // Counter 2 prefers kk but nobody waits for kk: both counters serve ktp fully.
    // Four waiting; the last is the 4th call at 2 calls per 10 minutes.
    assert_eq!(eta(&e, ids[5], now).wait_s, 4 * CALL_S / 2);
}

#[test]
fn shared_counter_counts_by_its_share_of_the_waiting_work() {
    let mut e = Engine::new(catalog());
    let now = monday("09:00");
    open(&mut e, "1", "siti", now);
    open(&mut e, "2", "budi", now);
    let ktp = issue_n(&mut e, "ktp", None, 4, now);
    issue_n(&mut e, "kk", None, 2, now);
    call_next(&mut e, "1", now).unwrap();
    call_next(&mut e, "2", now).unwrap();
    let alone = {
        let mut solo = Engine::new(catalog());
        open(&mut solo, "1", "siti", now);
        open(&mut solo, "2", "budi", now);
        let ids = issue_n(&mut solo, "ktp", None, 4, now);
        call_next(&mut solo, "1", now).unwrap();
        call_next(&mut solo, "2", now).unwrap();
        eta(&solo, ids[3], now).wait_s
    };
    let shared = eta(&e, ktp[3], now).wait_s;
    assert!(
        shared > alone,
        "competing kk queue must slow ktp: {shared} vs {alone}"
    );
}

#[test]
fn strict_priority_puts_priority_tickets_ahead_of_a_regular_one() {
    let mut e = Engine::new(catalog_with(QueuePolicy {
        priority: PriorityPolicy::Strict,
        ..QueuePolicy::default()
    }));
    let now = monday("09:00");
    open(&mut e, "3", "siti", now);
    issue_n(&mut e, "akta", None, 1, now);
    call_next(&mut e, "3", now).unwrap();
    let regular = issue_n(&mut e, "akta", None, 1, now)[0];
    let before = eta(&e, regular, now).wait_s;
    let priority = issue_n(&mut e, "akta", Some("lansia"), 2, now);
    // Two priority tickets go first; plus their arrival rate inflates the estimate a bit.
    assert!(eta(&e, regular, now).wait_s >= before + 2 * CALL_S);
    // The first priority ticket is next.
    assert_eq!(eta(&e, priority[0], now).wait_s, CALL_S);
}

#[test]
fn interleave_lets_one_priority_through_per_n_regular() {
    let mut e = Engine::new(catalog()); // interleave 2:1
    let now = monday("09:00");
    open(&mut e, "3", "siti", now);
    // A priority call resets the counter's streak to 0, a regular one makes it 1.
    issue_n(&mut e, "akta", Some("lansia"), 1, now);
    call_next(&mut e, "3", now).unwrap();
    cmd(
        &mut e,
        Command::MarkNoShow {
            counter: "3".into(),
        },
        now,
    );
    issue_n(&mut e, "akta", None, 1, now);
    call_next(&mut e, "3", now).unwrap();
    let regular = issue_n(&mut e, "akta", None, 4, now);
    let priority = issue_n(&mut e, "akta", Some("lansia"), 1, now)[0];
    // The instant no-show measured one call of 0 s: with the 10-min prior counted as
    // three calls, a call now takes 450 s.
    let call_s = 450;
    // The priority ticket waits for one more regular call (streak 1 of 2), then goes.
    assert_eq!(eta(&e, priority, now).wait_s, 2 * call_s);
    // The 4th regular has 3 regular ahead and the priority one: 5th call.
    let last = eta(&e, regular[3], now).wait_s;
    assert!(last >= 5 * call_s, "{last}");
}

#[test]
fn lunch_break_is_skipped_on_the_clock() {
    let mut e = Engine::new(catalog());
    let now = monday("11:30");
    open(&mut e, "3", "siti", now);
    let ids = issue_n(&mut e, "akta", None, 8, now);
    call_next(&mut e, "3", now).unwrap();
    // Last ticket: 7 calls × 10 min of counter time = 70 min; 30 min before the 12:00
    // break, 40 after it ends at 13:00: 130 min on the clock.
    let est = eta(&e, ids[7], now);
    assert_eq!(est.wait_s, 130 * 60);
    assert!(!est.after_closing);
}

#[test]
fn tickets_beyond_closing_are_flagged() {
    let mut e = Engine::new(catalog());
    let now = monday("14:50");
    open(&mut e, "3", "siti", now);
    let ids = issue_n(&mut e, "akta", None, 10, now);
    call_next(&mut e, "3", now).unwrap();
    // Closing at 16:00 leaves 70 minutes: 7 calls.
    assert!(!eta(&e, ids[6], now).after_closing);
    assert!(eta(&e, ids[8], now).after_closing);
    assert!(eta(&e, ids[9], now).after_closing);
}

#[test]
fn a_paused_counter_is_assumed_back_after_a_short_pause() {
    let mut e = Engine::new(catalog());
    let now = monday("09:00");
    open(&mut e, "3", "siti", now);
    cmd(
        &mut e,
        Command::PauseCounter {
            counter: "3".into(),
            reason: None,
        },
        now,
    );
    let id = issue_n(&mut e, "akta", None, 1, now)[0];
    assert_eq!(eta(&e, id, now).wait_s, 15 * 60);
    // Five minutes later, ten are left.
    assert_eq!(eta(&e, id, monday("09:05")).wait_s, 10 * 60);
    // A closed counter does not serve; with none open at all, the counters are assumed
    // to open shortly.
    cmd(
        &mut e,
        Command::ResumeCounter {
            counter: "3".into(),
        },
        monday("09:05"),
    );
    cmd(
        &mut e,
        Command::CloseCounter {
            counter: "3".into(),
        },
        monday("09:05"),
    );
    assert_eq!(eta(&e, id, monday("09:05")).wait_s, 15 * 60);
}

#[test]
fn measured_service_times_replace_the_default() {
    let mut e = Engine::new(catalog());
    let mut now = monday("08:00");
    open(&mut e, "3", "siti", now);
    // Forty calls of exactly 4 minutes each.
    for _ in 0..40 {
        issue_n(&mut e, "akta", None, 1, now);
        call_next(&mut e, "3", now).unwrap();
        cmd(
            &mut e,
            Command::StartService {
                counter: "3".into(),
            },
            now,
        );
        now = now.plus_ms(4 * 60_000);
        cmd(
            &mut e,
            Command::FinishService {
                counter: "3".into(),
            },
            now,
        );
    }
    let stats = &e.state().service_stats["akta"];
    assert_eq!(stats.samples, 40);
    assert!((stats.occupation_mean_s - 240.0).abs() < 1e-6);
    let ids = issue_n(&mut e, "akta", None, 4, now);
    call_next(&mut e, "3", now).unwrap();
    // Constant times: the deterministic model; blended with the 10-min prior at 3:40.
    let mean_s = (600.0 * 3.0 + 240.0 * 40.0) / 43.0;
    let expected = 3.0 * mean_s;
    let got = f64::from(eta(&e, ids[3], now).wait_s);
    assert!((got - expected).abs() <= 1.0, "{got} vs {expected}");
}

#[test]
fn replay_rebuilds_the_statistics() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let mut now = monday("08:00");
    let run = |e: &mut Engine, command: Command, now: Timestamp, log: &mut Vec<_>| {
        let tick = e.tick(now);
        log.extend(tick.events.into_iter().map(|ev| (ev, tick.at)));
        let out = e.handle(&command, now).unwrap();
        log.extend(out.events.into_iter().map(|ev| (ev, out.at)));
    };
    run(
        &mut e,
        Command::OpenCounter {
            counter: "3".into(),
            officer: "siti".into(),
        },
        now,
        &mut log,
    );
    for i in 0..12 {
        run(
            &mut e,
            issue("akta", (i % 3 == 0).then_some("lansia")),
            now,
            &mut log,
        );
        run(
            &mut e,
            Command::CallNext {
                counter: "3".into(),
            },
            now,
            &mut log,
        );
        now = now.plus_ms(60_000 * (1 + i));
        let end = if i % 4 == 0 {
            Command::MarkNoShow {
                counter: "3".into(),
            }
        } else {
            run(
                &mut e,
                Command::StartService {
                    counter: "3".into(),
                },
                now,
                &mut log,
            );
            Command::FinishService {
                counter: "3".into(),
            }
        };
        run(&mut e, end, now, &mut log);
    }
    let mut replayed = Engine::new(catalog());
    for (event, at) in &log {
        replayed.replay(event, *at);
    }
    assert_eq!(replayed.state(), e.state());
    assert_eq!(e.state().service_stats["akta"].samples, 12);
}

#[test]
fn the_estimate_says_what_it_rests_on() {
    let mut e = Engine::new(catalog());
    let now = monday("09:00");
    let ids = issue_n(&mut e, "akta", None, 3, now);
    // No counter open yet: assumed to open shortly, and said so (no counters).
    let closed = eta(&e, ids[0], now).basis;
    assert_eq!(
        (closed.counters, closed.calls_ahead, closed.counter_free),
        (0, 0, false)
    );
    open(&mut e, "3", "siti", now);
    // An idle counter: the first ticket is called at once.
    let free = eta(&e, ids[0], now).basis;
    assert!(free.counter_free);
    assert_eq!((free.counters, free.calls_ahead), (1, 0));
    call_next(&mut e, "3", now).unwrap();
    // Next in line behind a busy counter, and one with a call before it.
    let next = eta(&e, ids[1], now).basis;
    assert_eq!((next.calls_ahead, next.counter_free), (0, false));
    assert_eq!(next.mean_call_s, CALL_S);
    assert_eq!(eta(&e, ids[2], now).basis.calls_ahead, 1);
}
