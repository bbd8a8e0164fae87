mod common;

use antrean_core::catalog::{PriorityPolicy, QueuePolicy};
use antrean_core::state::CounterStatus;
use antrean_core::*;
use common::*;

fn issued(engine: &mut Engine, service: &str, prio: Option<&str>, now: Timestamp) -> TicketId {
    engine
        .execute(&issue(service, prio), now)
        .unwrap()
        .ticket
        .unwrap()
}

#[test]
fn numbers_are_prefix_and_three_digit_daily_sequence_per_prefix() {
    let mut e = Engine::new(catalog());
    let a1 = issued(&mut e, "ktp", None, monday("08:00"));
    let a2 = issued(&mut e, "ktp", None, monday("08:01"));
    let b1 = issued(&mut e, "kk", None, monday("08:02"));
    assert_eq!(number(&e, a1), "A-001");
    assert_eq!(number(&e, a2), "A-002");
    assert_eq!(number(&e, b1), "B-001");
    assert!(a1 < a2 && a2 < b1, "ids grow in issue order");
}

#[test]
fn numbering_resets_at_local_midnight_and_open_tickets_expire() {
    let mut e = Engine::new(catalog());
    let old = issued(&mut e, "ktp", None, monday("09:00"));
    issued(&mut e, "ktp", None, monday("09:01"));
    // Monday 23:59 WIB (16:59 UTC): still Monday, nothing expires.
    assert!(e.tick(monday("23:59")).events.is_empty());
    // Tuesday 00:01 WIB is still Monday 17:01 UTC: the day boundary is local, not UTC.
    let outcome = e.tick(day_at("2026-12-01", "00:01"));
    let tuesday = day_at("2026-12-01", "08:00");
    assert_eq!(
        outcome
            .events
            .iter()
            .filter(|ev| matches!(ev, Event::TicketExpired { .. }))
            .count(),
        2
    );
    assert!(
        e.state().ticket(old).is_none(),
        "previous day's tickets leave the live state"
    );
    let fresh = issued(&mut e, "ktp", None, tuesday);
    assert_eq!(number(&e, fresh), "A-001");
    assert!(fresh > old, "ticket ids are never reused, even across days");
}

#[test]
fn clock_jumping_back_across_midnight_never_reuses_a_number() {
    let mut e = Engine::new(catalog());
    issued(&mut e, "ktp", None, day_at("2026-12-01", "08:00"));
    // The clock is set back a day: time is clamped, the day stays, numbering continues.
    let back = monday("09:00");
    let id = issued(&mut e, "ktp", None, back);
    assert_eq!(number(&e, id), "A-002");
    assert_eq!(e.state().day, Some(LocalDate::parse("2026-12-01").unwrap()));
    assert!(e.state().ticket(id).unwrap().issued_at >= day_at("2026-12-01", "08:00"));
}

#[test]
fn issuing_is_refused_with_a_reason_outside_hours() {
    let mut e = Engine::new(catalog());
    let err = e.execute(&issue("ktp", None), monday("12:15")).unwrap_err();
    assert_eq!(
        err.message_id(),
        "Istirahat. Pelayanan dilanjutkan pukul 13.00."
    );
    let cases = [
        (monday("07:30"), "not_yet_open"),
        (monday("12:15"), "on_break"),
        (monday("15:00"), "past_cutoff"),
        (day_at("2026-12-05", "09:00"), "closed_today"),
        (day_at("2026-12-25", "09:00"), "closed_holiday"),
    ];
    for (now, code) in cases {
        // A fresh engine per case: time never runs backwards inside one engine.
        let mut e = Engine::new(catalog());
        let err = e.execute(&issue("ktp", None), now).unwrap_err();
        assert_eq!(err.code(), code);
        assert!(!err.message_id().is_empty() && !err.message_en().is_empty());
        assert!(e.state().tickets.is_empty(), "refusals change nothing");
    }
}

#[test]
fn quota_unknown_service_and_priority_rules() {
    let mut e = Engine::new(catalog());
    for i in 0..3 {
        issued(&mut e, "kk", None, monday("08:00").plus_ms(i));
    }
    let err = e.execute(&issue("kk", None), monday("08:05")).unwrap_err();
    assert_eq!(err.code(), "quota_reached");
    assert_eq!(
        err.message_id(),
        "Kuota harian layanan Layanan kk (3 nomor) sudah habis."
    );
    assert_eq!(
        e.execute(&issue("nope", None), monday("08:05"))
            .unwrap_err()
            .code(),
        "unknown_service"
    );
    assert_eq!(
        e.execute(&issue("ktp", Some("vip")), monday("08:05"))
            .unwrap_err()
            .code(),
        "unknown_priority_class"
    );
    assert_eq!(
        e.execute(&issue("ktp", Some("ibu-hamil")), monday("08:05"))
            .unwrap_err()
            .code(),
        "priority_not_accepted"
    );
    assert_eq!(e.state().tickets.len(), 3);
}

#[test]
fn sequence_stops_at_999() {
    let mut e = Engine::new(catalog());
    for i in 0..999 {
        issued(&mut e, "ktp", None, monday("08:00").plus_ms(i));
    }
    let last = e.state().tickets.values().last().unwrap();
    assert_eq!(last.number.to_string(), "A-999");
    let err = e.execute(&issue("ktp", None), monday("09:00")).unwrap_err();
    assert_eq!(err.code(), "sequence_exhausted");
}

#[test]
fn full_lifecycle_with_recall_limit() {
    let mut e = Engine::new(catalog());
    let id = issued(&mut e, "ktp", None, monday("08:00"));
    assert_eq!(
        call_next(&mut e, "1", monday("08:01")).unwrap_err().code(),
        "counter_not_open"
    );
    open(&mut e, "1", "siti", monday("08:01"));
    assert_eq!(call_next(&mut e, "1", monday("08:02")).unwrap(), id);
    assert_eq!(
        call_next(&mut e, "1", monday("08:02")).unwrap_err().code(),
        "counter_busy"
    );
    for n in 1..=3u8 {
        let out = e
            .execute(
                &Command::Recall {
                    counter: "1".into(),
                },
                monday("08:03"),
            )
            .unwrap();
        assert_eq!(
            out.events,
            vec![Event::TicketRecalled {
                ticket: id,
                counter: "1".into(),
                recalls: n
            }]
        );
    }
    let err = e
        .execute(
            &Command::Recall {
                counter: "1".into(),
            },
            monday("08:03"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "recall_limit");
    let err = e
        .execute(
            &Command::FinishService {
                counter: "1".into(),
            },
            monday("08:04"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    e.execute(
        &Command::StartService {
            counter: "1".into(),
        },
        monday("08:04"),
    )
    .unwrap();
    e.execute(
        &Command::FinishService {
            counter: "1".into(),
        },
        monday("08:10"),
    )
    .unwrap();
    let t = e.state().ticket(id).unwrap();
    assert_eq!(t.state, TicketState::Done);
    assert_eq!(t.officer.as_deref(), Some("siti"));
    assert_eq!(
        (t.called_at, t.started_at, t.closed_at),
        (
            Some(monday("08:02")),
            Some(monday("08:04")),
            Some(monday("08:10"))
        )
    );
    assert_eq!(e.state().counter("1").current, None);
    assert_eq!(
        call_next(&mut e, "1", monday("08:11"))
            .unwrap_err()
            .message_id(),
        "Tidak ada antrean untuk Loket 1."
    );
}

#[test]
fn transfer_keeps_number_and_issue_time() {
    let mut e = Engine::new(catalog());
    let id = issued(&mut e, "ktp", None, monday("08:00"));
    let other = issued(&mut e, "akta", None, monday("08:01"));
    open(&mut e, "1", "siti", monday("08:02"));
    open(&mut e, "3", "budi", monday("08:02"));
    call_next(&mut e, "1", monday("08:03")).unwrap();
    e.execute(
        &Command::StartService {
            counter: "1".into(),
        },
        monday("08:04"),
    )
    .unwrap();
    let err = e
        .execute(
            &Command::Transfer {
                counter: "1".into(),
                to_service: "ktp".into(),
                to_front: false,
            },
            monday("08:05"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "same_service");
    e.execute(
        &Command::Transfer {
            counter: "1".into(),
            to_service: "akta".into(),
            to_front: true,
        },
        monday("08:05"),
    )
    .unwrap();
    let t = e.state().ticket(id).unwrap();
    assert_eq!(
        (t.number.to_string(), t.issued_at, t.state),
        ("A-001".into(), monday("08:00"), TicketState::Waiting)
    );
    assert_eq!(t.previous_services, vec!["ktp".to_string()]);
    // Put at the front: called before the akta ticket that waited longer in that queue.
    assert_eq!(call_next(&mut e, "3", monday("08:06")).unwrap(), id);
    e.execute(
        &Command::StartService {
            counter: "3".into(),
        },
        monday("08:06"),
    )
    .unwrap();
    e.execute(
        &Command::FinishService {
            counter: "3".into(),
        },
        monday("08:07"),
    )
    .unwrap();
    assert_eq!(call_next(&mut e, "3", monday("08:08")).unwrap(), other);
}

#[test]
fn park_unpark_call_specific_no_show_reinstate_cancel() {
    let mut e = Engine::new(catalog());
    let a = issued(&mut e, "ktp", None, monday("08:00"));
    let b = issued(&mut e, "ktp", None, monday("08:01"));
    let c = issued(&mut e, "akta", None, monday("08:02"));
    open(&mut e, "1", "siti", monday("08:03"));
    assert_eq!(call_next(&mut e, "1", monday("08:03")).unwrap(), a);
    e.execute(
        &Command::Park {
            counter: "1".into(),
        },
        monday("08:04"),
    )
    .unwrap();
    assert_eq!(e.state().ticket(a).unwrap().state, TicketState::Parked);
    // Parked tickets are skipped by call-next.
    assert_eq!(call_next(&mut e, "1", monday("08:05")).unwrap(), b);
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:06"),
    )
    .unwrap();
    assert_eq!(e.state().ticket(b).unwrap().state, TicketState::NoShow);
    // Call the parked one out of order.
    let out = e
        .execute(
            &Command::CallSpecific {
                counter: "1".into(),
                ticket: a,
            },
            monday("08:07"),
        )
        .unwrap();
    assert!(matches!(
        out.events[0],
        Event::TicketCalled {
            out_of_order: true,
            ..
        }
    ));
    e.execute(
        &Command::Park {
            counter: "1".into(),
        },
        monday("08:08"),
    )
    .unwrap();
    e.execute(&Command::Unpark { ticket: a }, monday("08:09"))
        .unwrap();
    assert_eq!(e.state().ticket(a).unwrap().state, TicketState::Waiting);
    // The no-show comes back late: back in the queue, at the back.
    e.execute(&Command::Reinstate { ticket: b }, monday("08:10"))
        .unwrap();
    assert_eq!(e.state().ticket(b).unwrap().queued_at, monday("08:10"));
    assert_eq!(call_next(&mut e, "1", monday("08:11")).unwrap(), a);
    let err = e
        .execute(
            &Command::CallSpecific {
                counter: "1".into(),
                ticket: c,
            },
            monday("08:11"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "counter_busy");
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:12"),
    )
    .unwrap();
    let err = e
        .execute(
            &Command::CallSpecific {
                counter: "1".into(),
                ticket: c,
            },
            monday("08:12"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "service_not_at_counter");
    e.execute(
        &Command::Cancel {
            ticket: c,
            by_counter: None,
        },
        monday("08:13"),
    )
    .unwrap();
    let err = e
        .execute(
            &Command::Cancel {
                ticket: c,
                by_counter: None,
            },
            monday("08:13"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_state");
    assert_eq!(
        e.execute(
            &Command::Unpark {
                ticket: TicketId(999)
            },
            monday("08:14")
        )
        .unwrap_err()
        .code(),
        "unknown_ticket"
    );
}

#[test]
fn a_ticket_at_a_counter_is_cancelled_only_by_that_counter_or_a_manager() {
    let mut e = Engine::new(catalog());
    let a = issued(&mut e, "ktp", None, monday("08:00"));
    let b = issued(&mut e, "ktp", None, monday("08:01"));
    open(&mut e, "1", "siti", monday("08:02"));
    assert_eq!(call_next(&mut e, "1", monday("08:02")).unwrap(), a);
    let cancel = |ticket, by: Option<&str>| Command::Cancel {
        ticket,
        by_counter: by.map(str::to_owned),
    };
    let err = e
        .execute(&cancel(a, Some("2")), monday("08:03"))
        .unwrap_err();
    assert_eq!(err.code(), "at_other_counter");
    assert!(err.message_id().contains("A-001"), "{}", err.message_id());
    assert_eq!(e.state().ticket(a).unwrap().state, TicketState::Called);
    // A waiting ticket is at no counter: any officer may cancel it for the visitor.
    e.execute(&cancel(b, Some("2")), monday("08:03")).unwrap();
    e.execute(&cancel(a, Some("1")), monday("08:04")).unwrap();
    let c = issued(&mut e, "ktp", None, monday("08:05"));
    assert_eq!(call_next(&mut e, "1", monday("08:05")).unwrap(), c);
    e.execute(&cancel(c, None), monday("08:06")).unwrap();
}

#[test]
fn counter_states_and_officer_binding() {
    let mut e = Engine::new(catalog());
    open(&mut e, "1", "siti", monday("08:00"));
    let err = e
        .execute(
            &Command::OpenCounter {
                counter: "1".into(),
                officer: "budi".into(),
            },
            monday("08:01"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "counter_in_use");
    // The same officer logging in again changes nothing.
    let again = e
        .execute(
            &Command::OpenCounter {
                counter: "1".into(),
                officer: "siti".into(),
            },
            monday("08:01"),
        )
        .unwrap();
    assert!(again.events.is_empty());
    e.execute(
        &Command::PauseCounter {
            counter: "1".into(),
            reason: Some(BreakReason::Istirahat),
        },
        monday("08:02"),
    )
    .unwrap();
    assert_eq!(e.state().counter("1").status, CounterStatus::Paused);
    issued(&mut e, "ktp", None, monday("08:03"));
    assert_eq!(
        call_next(&mut e, "1", monday("08:04")).unwrap_err().code(),
        "counter_not_open"
    );
    e.execute(
        &Command::ResumeCounter {
            counter: "1".into(),
        },
        monday("08:05"),
    )
    .unwrap();
    call_next(&mut e, "1", monday("08:06")).unwrap();
    let err = e
        .execute(
            &Command::CloseCounter {
                counter: "1".into(),
            },
            monday("08:07"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "counter_busy");
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:08"),
    )
    .unwrap();
    e.execute(
        &Command::CloseCounter {
            counter: "1".into(),
        },
        monday("08:09"),
    )
    .unwrap();
    assert_eq!(e.state().counter("1").officer, None);
    assert_eq!(
        e.execute(
            &Command::CallNext {
                counter: "9".into()
            },
            monday("08:10")
        )
        .unwrap_err()
        .code(),
        "unknown_counter"
    );
}

#[test]
fn interleave_serves_one_priority_per_n_regular() {
    let policy = QueuePolicy {
        priority: PriorityPolicy::Interleave {
            regular_per_priority: 2,
        },
        max_wait_s: None,
        max_recalls: 3,
        ..QueuePolicy::default()
    };
    let mut e = Engine::new(catalog_with(policy));
    let mut now = monday("08:00");
    for i in 0..6 {
        issued(&mut e, "ktp", None, now.plus_ms(i));
    }
    for i in 0..3 {
        issued(&mut e, "ktp", Some("lansia"), now.plus_ms(10 + i));
    }
    open(&mut e, "1", "siti", now);
    let mut order = String::new();
    for _ in 0..9 {
        now = now.plus_ms(60_000);
        let id = call_next(&mut e, "1", now).unwrap();
        order.push(if e.state().ticket(id).unwrap().is_priority() {
            'P'
        } else {
            'R'
        });
        e.execute(
            &Command::MarkNoShow {
                counter: "1".into(),
            },
            now,
        )
        .unwrap();
    }
    // Priority first (none served yet today), then 2 regular : 1 priority.
    assert_eq!(order, "PRRPRRPRR");
}

#[test]
fn strict_policy_serves_all_priority_first() {
    let policy = QueuePolicy {
        priority: PriorityPolicy::Strict,
        max_wait_s: None,
        max_recalls: 3,
        ..QueuePolicy::default()
    };
    let mut e = Engine::new(catalog_with(policy));
    let now = monday("08:00");
    let r = issued(&mut e, "ktp", None, now);
    let p1 = issued(&mut e, "ktp", Some("lansia"), now.plus_ms(1));
    let p2 = issued(&mut e, "ktp", Some("disabilitas"), now.plus_ms(2));
    open(&mut e, "1", "siti", now);
    let mut got = Vec::new();
    for i in 1..=3 {
        got.push(call_next(&mut e, "1", now.plus_ms(i * 1000)).unwrap());
        e.execute(
            &Command::MarkNoShow {
                counter: "1".into(),
            },
            now.plus_ms(i * 1000),
        )
        .unwrap();
    }
    assert_eq!(got, vec![p1, p2, r]);
}

#[test]
fn max_wait_guard_beats_priority_and_preference() {
    let policy = QueuePolicy {
        priority: PriorityPolicy::Strict,
        max_wait_s: Some(30 * 60),
        max_recalls: 3,
        ..QueuePolicy::default()
    };
    let mut e = Engine::new(catalog_with(policy));
    let old = issued(&mut e, "kk", None, monday("08:00"));
    issued(&mut e, "ktp", Some("lansia"), monday("08:20"));
    open(&mut e, "1", "siti", monday("08:00"));
    // At 08:25 nobody is overdue: strict priority wins.
    let first = call_next(&mut e, "1", monday("08:25")).unwrap();
    assert!(e.state().ticket(first).unwrap().is_priority());
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:25"),
    )
    .unwrap();
    issued(&mut e, "ktp", Some("lansia"), monday("08:29"));
    // At 08:31 the kk ticket waited 31 min > 30 min: it goes before the new priority ticket.
    assert_eq!(call_next(&mut e, "1", monday("08:31")).unwrap(), old);
}

#[test]
fn counter_preference_weights_the_wait() {
    let policy = QueuePolicy {
        priority: PriorityPolicy::Strict,
        max_wait_s: None,
        max_recalls: 3,
        ..QueuePolicy::default()
    };
    let mut e = Engine::new(catalog_with(policy));
    // Counter 1 prefers ktp (weight 1) over kk (weight 1/2).
    let kk = issued(&mut e, "kk", None, monday("08:00"));
    let ktp = issued(&mut e, "ktp", None, monday("08:06"));
    open(&mut e, "1", "siti", monday("08:00"));
    // At 08:10: kk waited 10 min × 1/2 = 5 < ktp 4 min × 1? No: 5 > 4, kk goes first.
    assert_eq!(call_next(&mut e, "1", monday("08:10")).unwrap(), kk);
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:10"),
    )
    .unwrap();
    let kk2 = issued(&mut e, "kk", None, monday("08:10"));
    // At 08:16: kk2 waited 6 min × 1/2 = 3 < ktp 10 min: ktp first.
    assert_eq!(call_next(&mut e, "1", monday("08:16")).unwrap(), ktp);
    e.execute(
        &Command::MarkNoShow {
            counter: "1".into(),
        },
        monday("08:16"),
    )
    .unwrap();
    assert_eq!(call_next(&mut e, "1", monday("08:17")).unwrap(), kk2);
}

#[test]
fn people_ahead_counts_priority_first() {
    let mut e = Engine::new(catalog());
    let r1 = issued(&mut e, "ktp", None, monday("08:00"));
    let r2 = issued(&mut e, "ktp", None, monday("08:01"));
    let p = issued(&mut e, "ktp", Some("lansia"), monday("08:02"));
    let s = e.state();
    assert_eq!(s.people_ahead(s.ticket(r1).unwrap()), 1);
    assert_eq!(s.people_ahead(s.ticket(r2).unwrap()), 2);
    assert_eq!(s.people_ahead(s.ticket(p).unwrap()), 0);
}

#[test]
fn replaying_the_events_rebuilds_the_same_state() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let run = |e: &mut Engine, cmd: Command, now: Timestamp, log: &mut Vec<(Event, Timestamp)>| {
        let tick = e.tick(now);
        log.extend(tick.events.into_iter().map(|ev| (ev, tick.at)));
        if let Ok(out) = e.handle(&cmd, now) {
            log.extend(out.events.into_iter().map(|ev| (ev, out.at)));
        }
    };
    run(&mut e, issue("ktp", None), monday("08:00"), &mut log);
    run(
        &mut e,
        issue("ktp", Some("lansia")),
        monday("08:01"),
        &mut log,
    );
    run(
        &mut e,
        Command::OpenCounter {
            counter: "1".into(),
            officer: "x".into(),
        },
        monday("08:02"),
        &mut log,
    );
    run(
        &mut e,
        Command::CallNext {
            counter: "1".into(),
        },
        monday("08:03"),
        &mut log,
    );
    run(
        &mut e,
        Command::StartService {
            counter: "1".into(),
        },
        monday("08:04"),
        &mut log,
    );
    let mut replayed = Engine::new(catalog());
    for (ev, at) in &log {
        replayed.replay(ev, *at);
    }
    assert_eq!(replayed.state(), e.state());
}

#[test]
fn a_counter_removed_from_the_catalog_mid_service_strands_nothing() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let mut run = |e: &mut Engine, cmd: Command, now: Timestamp| {
        let tick = e.tick(now);
        log.extend(tick.events.into_iter().map(|ev| (ev, tick.at)));
        let out = e.handle(&cmd, now).unwrap();
        log.extend(out.events.into_iter().map(|ev| (ev, out.at)));
        out.ticket
    };
    let id = run(&mut e, issue("akta", None), monday("08:00")).unwrap();
    run(
        &mut e,
        Command::OpenCounter {
            counter: "3".into(),
            officer: "budi".into(),
        },
        monday("08:01"),
    );
    run(
        &mut e,
        Command::CallNext {
            counter: "3".into(),
        },
        monday("08:02"),
    );
    run(
        &mut e,
        Command::StartService {
            counter: "3".into(),
        },
        monday("08:03"),
    );

    // The site restarts with a catalog that no longer has counter 3 (nor anyone serving akta).
    let mut smaller = catalog();
    smaller.counters.retain(|c| c.id != "3");
    let smaller = antrean_core::Catalog::new(
        smaller.site.clone(),
        smaller.policy.clone(),
        smaller.priority_classes.clone(),
        smaller.agencies.clone(),
        smaller.services.clone(),
        smaller.counters.clone(),
    );
    let mut restarted = Engine::new(smaller);
    for (ev, at) in &log {
        restarted.replay(ev, *at);
    }
    assert_eq!(
        restarted.state().ticket(id).unwrap().state,
        TicketState::Serving
    );
    // Commands on the vanished counter are refused, not panics.
    let err = restarted
        .execute(
            &Command::FinishService {
                counter: "3".into(),
            },
            monday("08:10"),
        )
        .unwrap_err();
    assert_eq!(err.code(), "unknown_counter");
    // Staff can still close the ticket, and the day's end would expire it.
    restarted
        .execute(
            &Command::Cancel {
                ticket: id,
                by_counter: None,
            },
            monday("08:11"),
        )
        .unwrap();
    assert_eq!(
        restarted.state().ticket(id).unwrap().state,
        TicketState::Cancelled
    );
    assert_eq!(restarted.state().counter("3").current, None);
}

#[test]
fn an_officer_reconnecting_during_a_break_does_not_end_it() {
    let mut e = Engine::new(catalog());
    open(&mut e, "1", "siti", monday("09:00"));
    let pause = Command::PauseCounter {
        counter: "1".into(),
        reason: None,
    };
    e.execute(&pause, monday("10:00")).unwrap();
    // The console reconnects and says hello again, which opens the counter.
    let again = Command::OpenCounter {
        counter: "1".into(),
        officer: "siti".into(),
    };
    let outcome = e.execute(&again, monday("10:01")).unwrap();
    assert!(outcome.events.is_empty());
    assert_eq!(e.state().counter("1").status, CounterStatus::Paused);
    issued(&mut e, "ktp", None, monday("10:02"));
    assert_eq!(
        call_next(&mut e, "1", monday("10:03")).unwrap_err().code(),
        "counter_not_open"
    );
}
