//! Online booking rules: slots from the schedule, seats, the held share of the quota,
//! one booking per identity, cancel/reschedule, check-in and the calling order.

mod common;

use antrean_core::booking::{
    BookedAt, BookingId, BookingProblem, BookingRules, BookingState, Hours, LatePolicy, NikRule,
};
use antrean_core::catalog::{BookedRatio, QueuePolicy};
use antrean_core::event::BookingChannel;
use antrean_core::*;
use common::*;

fn rules() -> BookingRules {
    BookingRules {
        slot_min: 30,
        seats_per_slot: 2,
        booked_share_pct: 50,
        days_ahead: 7,
        ..BookingRules::default()
    }
}

fn engine_with(rules: BookingRules, quota: Option<u32>) -> Engine {
    let policy = QueuePolicy {
        max_wait_s: None,
        ..QueuePolicy::default()
    };
    Engine::new(catalog_with_booking(policy, rules, quota))
}

fn date(text: &str) -> LocalDate {
    LocalDate::parse(text).unwrap()
}

fn book(who: &str, day: &str, slot: &str) -> Command {
    Command::Book {
        service: "ktp".into(),
        date: date(day),
        slot: t(slot),
        identity_keys: vec![format!("phone:{who}")],
        nik_given: false,
        sealed: who.as_bytes().to_vec(),
        channel: BookingChannel::Web,
    }
}

fn booked(engine: &mut Engine, who: &str, day: &str, slot: &str, now: Timestamp) -> BookingId {
    let outcome = engine.execute(&book(who, day, slot), now).unwrap();
    match &outcome.events[..] {
        [Event::BookingMade { booking, .. }] => *booking,
        other => panic!("expected one BookingMade, got {other:?}"),
    }
}

fn refused(result: Result<Outcome, Rejection>) -> BookingProblem {
    match result {
        Err(Rejection::Booking(problem)) => problem,
        other => panic!("expected a booking refusal, got {other:?}"),
    }
}

fn check_in(booking: BookingId) -> Command {
    Command::CheckIn {
        booking,
        priority: None,
        channel: Channel::Kiosk,
    }
}

#[test]
fn slots_follow_hours_breaks_and_holidays() {
    let e = engine_with(rules(), None);
    let views = e
        .slot_views("ktp", date("2026-11-30"), monday("07:00"))
        .unwrap();
    let starts: Vec<String> = views.iter().map(|v| v.slot.start.to_string()).collect();
    // 08:00 to the 15:00 cut-off in 30-minute steps, without the 12:00–13:00 lunch break.
    assert_eq!(
        starts,
        [
            "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "13:00",
            "13:30", "14:00", "14:30"
        ]
    );
    assert!(views.iter().all(|v| v.seats == 2 && v.left == 2));
    // At 09:10 the slots that began cannot be booked any more.
    let later = e
        .slot_views("ktp", date("2026-11-30"), monday("09:10"))
        .unwrap();
    assert_eq!(later.iter().filter(|v| v.left == 0).count(), 3);
    // A holiday and a Saturday, both within the seven days ahead.
    for closed in ["2026-12-25", "2026-12-26"] {
        assert_eq!(
            refused(
                e.clone()
                    .execute(&book("x", closed, "09:00"), day_at("2026-12-24", "07:00"))
            ),
            BookingProblem::DayClosed { date: date(closed) }
        );
    }
    assert!(matches!(
        refused(
            e.clone()
                .execute(&book("x", "2026-11-30", "12:00"), monday("07:00"))
        ),
        BookingProblem::SlotNotOffered { .. }
    ));
}

#[test]
fn one_live_booking_per_identity_service_and_day() {
    let mut e = engine_with(rules(), None);
    let first = booked(&mut e, "0812", "2026-12-01", "09:00", monday("07:00"));
    assert_eq!(
        refused(e.execute(&book("0812", "2026-12-01", "10:00"), monday("07:01"))),
        BookingProblem::AlreadyBooked {
            date: date("2026-12-01")
        }
    );
    // Another day is fine; after cancelling, the same day is fine again.
    booked(&mut e, "0812", "2026-12-02", "09:00", monday("07:02"));
    e.execute(&Command::CancelBooking { booking: first }, monday("07:03"))
        .unwrap();
    booked(&mut e, "0812", "2026-12-01", "10:00", monday("07:04"));
}

#[test]
fn seats_per_slot_and_the_held_share_of_the_quota() {
    // Quota 6, half held for bookings: 3 booked seats that day, 2 per slot.
    let mut e = engine_with(rules(), Some(6));
    booked(&mut e, "a", "2026-12-01", "09:00", monday("07:00"));
    booked(&mut e, "b", "2026-12-01", "09:00", monday("07:00"));
    assert_eq!(
        refused(e.execute(&book("c", "2026-12-01", "09:00"), monday("07:00"))),
        BookingProblem::SlotFull { slot: t("09:00") }
    );
    booked(&mut e, "c", "2026-12-01", "13:00", monday("07:00"));
    assert_eq!(
        refused(e.execute(&book("d", "2026-12-01", "14:00"), monday("07:00"))),
        BookingProblem::DayFull {
            service_name: "Layanan ktp".into(),
            date: date("2026-12-01"),
            next_date: Some(date("2026-12-02")),
        }
    );
    let views = e
        .slot_views("ktp", date("2026-12-01"), monday("07:00"))
        .unwrap();
    assert!(views.iter().all(|v| v.left == 0), "the day shows full");
}

#[test]
fn walk_ins_leave_held_seats_until_they_can_no_longer_be_booked() {
    // Quota 6: 3 walk-in seats, 3 held. One booking at 09:00, checked in never.
    let mut e = engine_with(rules(), Some(6));
    let late = booked(&mut e, "a", "2026-11-30", "09:00", monday("07:00"));
    for _ in 0..3 {
        e.execute(&issue("ktp", None), monday("08:00")).unwrap();
    }
    assert!(matches!(
        e.execute(&issue("ktp", None), monday("08:01")),
        Err(Rejection::QuotaReached { .. })
    ));
    // 14:31: every slot began; the 2 never-booked held seats are the walk-ins' now, and
    // the 09:00 booking expired at 09:15 (default 15 minutes late), giving its seat back.
    let outcome = e.tick(monday("14:31"));
    assert!(
        outcome
            .events
            .contains(&Event::BookingExpired { booking: late })
    );
    for _ in 0..3 {
        e.execute(&issue("ktp", None), monday("14:31")).unwrap();
    }
    assert!(matches!(
        e.execute(&issue("ktp", None), monday("14:32")),
        Err(Rejection::QuotaReached { .. })
    ));
    assert_eq!(e.state().issued_today["ktp"], 6);
}

#[test]
fn check_in_early_on_time_twice_and_late() {
    let mut e = engine_with(rules(), None);
    let early = booked(&mut e, "a", "2026-11-30", "10:00", monday("07:00"));
    let on_time = booked(&mut e, "b", "2026-11-30", "09:00", monday("07:00"));
    let late = booked(&mut e, "c", "2026-11-30", "08:00", monday("07:00"));

    let out = e.execute(&check_in(early), monday("08:50")).unwrap();
    let ticket = out.ticket.unwrap();
    let tk = e.state().ticket(ticket).unwrap();
    assert_eq!(tk.number.to_string(), "A-001");
    assert_eq!(tk.booked.unwrap().slot_at, monday("10:00"));
    assert!(tk.booked_early(monday("08:55")));

    e.execute(&check_in(on_time), monday("08:55")).unwrap();
    assert!(matches!(
        refused(e.execute(&check_in(on_time), monday("08:56"))),
        BookingProblem::NotActive { .. }
    ));

    // 08:20 is past 08:00 + 15 minutes: a walk-in ticket instead (the default policy).
    let out = e.execute(&check_in(late), monday("08:20")).unwrap();
    assert!(
        out.events
            .iter()
            .all(|ev| !matches!(ev, Event::BookingCheckedIn { .. }))
    );
    let walk_in = e.state().ticket(out.ticket.unwrap()).unwrap();
    assert!(walk_in.booked.is_none());

    // With late arrivals refused, the visitor is told so and nothing changes.
    let mut strict = engine_with(
        BookingRules {
            late: LatePolicy::Refused,
            ..rules()
        },
        None,
    );
    let b = booked(&mut strict, "d", "2026-11-30", "08:00", monday("07:00"));
    assert_eq!(
        refused(strict.execute(&check_in(b), monday("08:20"))),
        BookingProblem::TooLate {
            slot: t("08:00"),
            late_min: 15
        }
    );
    assert!(strict.state().tickets.is_empty());
    // Another day's booking cannot be used today.
    let tomorrow = booked(&mut strict, "e", "2026-12-01", "08:00", monday("08:30"));
    assert_eq!(
        refused(strict.execute(&check_in(tomorrow), monday("08:31"))),
        BookingProblem::OtherDay {
            date: date("2026-12-01")
        }
    );
}

#[test]
fn reschedule_moves_the_seat_and_cancel_frees_it() {
    let mut e = engine_with(rules(), None);
    let b = booked(&mut e, "a", "2026-12-01", "09:00", monday("07:00"));
    booked(&mut e, "b", "2026-12-01", "09:00", monday("07:00"));
    e.execute(
        &Command::RescheduleBooking {
            booking: b,
            date: date("2026-12-02"),
            slot: t("10:00"),
        },
        monday("07:01"),
    )
    .unwrap();
    let day1 = e.state().bookings.day("ktp", date("2026-12-01"));
    let day2 = e.state().bookings.day("ktp", date("2026-12-02"));
    assert_eq!((day1.claimed, day2.claimed), (1, 1));
    assert_eq!(day2.per_slot[&t("10:00")], 1);
    // A full slot cannot take it; cancelling frees the seat for someone else.
    booked(&mut e, "c", "2026-12-01", "09:00", monday("07:02"));
    assert_eq!(
        refused(e.execute(
            &Command::RescheduleBooking {
                booking: b,
                date: date("2026-12-01"),
                slot: t("09:00"),
            },
            monday("07:03"),
        )),
        BookingProblem::SlotFull { slot: t("09:00") }
    );
    e.execute(&Command::CancelBooking { booking: b }, monday("07:04"))
        .unwrap();
    assert_eq!(e.state().bookings.day("ktp", date("2026-12-02")).claimed, 0);
    assert!(matches!(
        refused(e.execute(&Command::CancelBooking { booking: b }, monday("07:05"))),
        BookingProblem::NotActive { .. }
    ));
}

#[test]
fn booking_hours_days_ahead_and_nik() {
    let mut e = engine_with(
        BookingRules {
            window: vec![Hours {
                start: t("06:00"),
                end: t("10:00"),
            }],
            days_ahead: 2,
            nik: NikRule::Required,
            ..rules()
        },
        None,
    );
    let with_nik = |cmd: Command| match cmd {
        Command::Book {
            service,
            date,
            slot,
            identity_keys,
            sealed,
            channel,
            ..
        } => Command::Book {
            service,
            date,
            slot,
            identity_keys,
            nik_given: true,
            sealed,
            channel,
        },
        other => other,
    };
    assert_eq!(
        refused(e.execute(&book("a", "2026-12-01", "09:00"), monday("07:00"))),
        BookingProblem::NikRequired
    );
    assert_eq!(
        refused(e.execute(&with_nik(book("a", "2026-12-01", "09:00")), monday("10:30"))),
        BookingProblem::WindowClosed {
            hours: "06.00–10.00".into()
        }
    );
    assert_eq!(
        refused(e.execute(&with_nik(book("a", "2026-12-03", "09:00")), monday("07:00"))),
        BookingProblem::DateOutOfRange { days_ahead: 2 }
    );
    e.execute(&with_nik(book("a", "2026-12-02", "09:00")), monday("07:00"))
        .unwrap();
    // An officer books for a visitor in front of them outside the public hours.
    let mut officer = with_nik(book("b", "2026-12-01", "09:00"));
    if let Command::Book { channel, .. } = &mut officer {
        *channel = BookingChannel::Officer;
    }
    e.execute(&officer, monday("11:00")).unwrap();
}

/// 1 booked : 1 walk-in while both wait; an early arrival waits for its slot unless the
/// counter would stand idle; priority still goes first.
#[test]
fn calling_order_mixes_booked_and_walk_ins() {
    let policy = QueuePolicy {
        max_wait_s: None,
        booked_ratio: BookedRatio {
            booked: 1,
            walk_in: 1,
        },
        ..QueuePolicy::default()
    };
    let rules = BookingRules {
        seats_per_slot: 5,
        ..rules()
    };
    let mut e = Engine::new(catalog_with_booking(policy, rules, None));
    let slot9: Vec<BookingId> = (0..3)
        .map(|i| {
            booked(
                &mut e,
                &format!("b{i}"),
                "2026-11-30",
                "09:00",
                monday("07:00"),
            )
        })
        .collect();
    let slot10 = booked(&mut e, "late-slot", "2026-11-30", "10:00", monday("07:00"));
    open(&mut e, "1", "siti", monday("08:00"));
    let w1 = e
        .execute(&issue("ktp", None), monday("08:01"))
        .unwrap()
        .ticket
        .unwrap();
    let w2 = e
        .execute(&issue("ktp", None), monday("08:02"))
        .unwrap()
        .ticket
        .unwrap();
    let early = e
        .execute(&check_in(slot10), monday("08:03"))
        .unwrap()
        .ticket
        .unwrap();
    let b: Vec<TicketId> = slot9
        .iter()
        .map(|id| {
            e.execute(&check_in(*id), monday("08:50"))
                .unwrap()
                .ticket
                .unwrap()
        })
        .collect();
    let p = e
        .execute(&issue("ktp", Some("lansia")), monday("09:01"))
        .unwrap()
        .ticket
        .unwrap();

    let mut order = Vec::new();
    for minute in 0..7 {
        let now = monday("09:02").plus_ms(minute * 60_000);
        let id = call_next(&mut e, "1", now).unwrap();
        e.execute(
            &Command::StartService {
                counter: "1".into(),
            },
            now,
        )
        .unwrap();
        e.execute(
            &Command::FinishService {
                counter: "1".into(),
            },
            now,
        )
        .unwrap();
        order.push(id);
    }
    // Priority first; then booked, walk-in, booked, walk-in, booked; the 10:00 booking
    // is called last, early, because the counter would otherwise stand idle.
    assert_eq!(order, vec![p, b[0], w1, b[1], w2, b[2], early]);
}

/// The wait estimate follows the same order: an early booked ticket is not called before
/// its slot and delays nobody meanwhile; booked tickets whose slot began take their turns
/// ahead of a walk-in.
#[test]
fn estimates_follow_the_booked_order() {
    let rules = BookingRules {
        seats_per_slot: 5,
        ..rules()
    };
    let mut e = Engine::new(catalog_with_booking(
        QueuePolicy {
            max_wait_s: None,
            ..QueuePolicy::default()
        },
        rules,
        None,
    ));
    open(&mut e, "1", "siti", monday("08:00"));
    let walk_in = e
        .execute(&issue("ktp", None), monday("08:01"))
        .unwrap()
        .ticket
        .unwrap();
    let wait_alone = |e: &Engine, now| {
        antrean_core::eta::estimate(e.state(), e.catalog(), walk_in, now).unwrap()
    };
    let before = wait_alone(&e, monday("08:02"));

    // Checked in at 08:02 for 10:00: it waits two hours at least, and the walk-in's
    // estimate does not move.
    let early = booked(&mut e, "a", "2026-11-30", "10:00", monday("08:02"));
    let early = e
        .execute(&check_in(early), monday("08:02"))
        .unwrap()
        .ticket
        .unwrap();
    let estimate =
        antrean_core::eta::estimate(e.state(), e.catalog(), early, monday("08:02")).unwrap();
    assert!(estimate.wait_s >= 118 * 60, "{estimate:?}");
    // The band rounds outward to its step (15 minutes at two hours).
    assert!(
        estimate.band.lo_min >= 105 && estimate.band.hi_min >= 118,
        "{estimate:?}"
    );
    assert_eq!(wait_alone(&e, monday("08:02")).wait_s, before.wait_s);

    // Two booked visitors whose 08:30 slot began: the walk-in (who has waited longest)
    // still lets the first of them go first (1 : 1, booked first).
    let ready: Vec<BookingId> = ["b", "c"]
        .iter()
        .map(|who| booked(&mut e, who, "2026-11-30", "08:30", monday("08:03")))
        .collect();
    for b in ready {
        e.execute(&check_in(b), monday("08:31")).unwrap();
    }
    let after = wait_alone(&e, monday("08:31"));
    assert!(after.wait_s > before.wait_s, "{before:?} → {after:?}");
}

/// Runs `command` as the coordinator does (tick, then the command), logging every event.
fn logged(
    e: &mut Engine,
    log: &mut Vec<(Event, Timestamp)>,
    command: &Command,
    now: Timestamp,
) -> Option<Outcome> {
    let tick = e.tick(now);
    log.extend(tick.events.iter().map(|ev| (ev.clone(), tick.at)));
    let outcome = e.handle(command, now).ok()?;
    log.extend(outcome.events.iter().map(|ev| (ev.clone(), outcome.at)));
    Some(outcome)
}

/// Booked against walk-in, no-shows, punctuality and slot use in the managers' report,
/// from a day the test itself played.
#[test]
fn the_report_counts_bookings_no_shows_and_punctuality() {
    use antrean_core::report::{ReportBuilder, ReportQuery};
    let mut e = engine_with(rules(), None);
    let mut log = Vec::new();
    let made = |e: &mut Engine, log: &mut Vec<_>, who: &str, slot: &str| -> BookingId {
        match &logged(
            e,
            log,
            &book(who, "2026-11-30", slot),
            day_at("2026-11-28", "10:00"),
        )
        .unwrap()
        .events[..]
        {
            [Event::BookingMade { booking, .. }] => *booking,
            other => panic!("{other:?}"),
        }
    };
    // Booked two days before, on Saturday.
    let on_time = made(&mut e, &mut log, "a", "09:00");
    let _no_show = made(&mut e, &mut log, "b", "09:00");
    let cancelled = made(&mut e, &mut log, "c", "10:00");
    logged(
        &mut e,
        &mut log,
        &Command::CancelBooking { booking: cancelled },
        day_at("2026-11-29", "10:00"),
    )
    .unwrap();
    // Monday: one checks in ten minutes early; two walk-ins; the other booking expires.
    logged(&mut e, &mut log, &check_in(on_time), monday("08:50")).unwrap();
    logged(&mut e, &mut log, &issue("ktp", None), monday("08:55")).unwrap();
    logged(&mut e, &mut log, &issue("ktp", None), monday("09:20")).unwrap();

    let q = ReportQuery {
        from: date("2026-11-30"),
        to: date("2026-11-30"),
        agency: None,
        service: None,
        counter: None,
        officer: None,
    };
    let mut builder = ReportBuilder::new(e.catalog(), q);
    log.iter().for_each(|(ev, at)| builder.push(ev, *at));
    let b = builder.finish().booking;
    assert_eq!(
        (b.made, b.checked_in, b.expired, b.cancelled, b.active),
        (3, 1, 1, 1, 0)
    );
    assert_eq!((b.booked_visits, b.walk_in_visits), (1, 2));
    assert_eq!(b.no_show_percent(), 50.0);
    assert_eq!((b.early, b.late), (1, 0));
    assert_eq!(b.early_by.mean_s, 600.0);
    let slots: Vec<(String, u32, u32, u32)> = b
        .slots
        .iter()
        .map(|s| (s.slot.to_string(), s.booked, s.checked_in, s.expired))
        .collect();
    assert_eq!(
        slots,
        [("09:00".into(), 2, 1, 1), ("10:00".into(), 0, 0, 0)]
    );

    // Central's rollups of the same log, drained after every event as its projector does
    // chunk by chunk, add up to the same figures; a booking counts once it is settled.
    // The next morning closes Monday's open tickets, so their visits come out too.
    let next_morning = e.tick(day_at("2026-12-01", "06:00"));
    log.extend(
        next_morning
            .events
            .iter()
            .map(|ev| (ev.clone(), next_morning.at)),
    );
    let mut facts = antrean_core::report::Facts::new(e.catalog());
    let mut day = antrean_core::report::rollup::ServiceDay::default();
    for (i, (ev, at)) in log.iter().enumerate() {
        facts.push(ev, *at);
        let drained = facts.drain_rollups(e.catalog());
        for ((d, service), row) in &drained.services {
            assert_eq!(
                (d.to_string().as_str(), service.as_str()),
                ("2026-11-30", "ktp")
            );
            day.merge(row);
        }
        if i == 2 {
            assert_eq!(
                day.bookings_settled(),
                0,
                "three bookings made, none settled yet"
            );
        }
    }
    assert_eq!(
        (
            day.bookings_checked_in,
            day.bookings_expired,
            day.bookings_cancelled
        ),
        (1, 1, 1)
    );
    assert_eq!((day.issued, day.booked_issued), (3, 1));
    assert_eq!(day.booking_no_show_percent(), Some(50.0));
    assert_eq!((day.booked_early, day.booked_late), (1, 0));
    assert_eq!(day.mean_early_min(), Some(10.0));
}

fn sync(number: u64, day: &str, slot: &str, cancelled: bool) -> Command {
    Command::SyncCentralBooking {
        booking: BookingId::central(number),
        service: "ktp".into(),
        date: date(day),
        slot: t(slot),
        cancelled,
    }
}

fn left_at(e: &Engine, day: &str, slot: &str, now: Timestamp) -> u32 {
    let views = e.slot_views("ktp", date(day), now).unwrap();
    views
        .iter()
        .find(|v| v.slot.start == t(slot))
        .map(|v| v.left)
        .unwrap()
}

#[test]
fn bookings_synced_from_central_take_seats_once_and_the_site_facts_win() {
    let central_rules = BookingRules {
        booked_at: BookedAt::Central,
        ..rules()
    };
    let mut e = engine_with(central_rules, None);
    let at = monday("07:00");

    // The site's own page cannot book a service central books.
    assert!(matches!(
        refused(e.execute(&book("0812", "2026-11-30", "09:00"), at)),
        BookingProblem::BookedAtCentral { .. }
    ));

    // A synced booking takes its seat, in the central id range; syncing it again is a no-op.
    let out = e
        .execute(&sync(1, "2026-11-30", "09:00", false), at)
        .unwrap();
    match &out.events[..] {
        [
            Event::BookingMade {
                booking,
                channel: BookingChannel::Central,
                sealed,
                ..
            },
        ] => {
            assert_eq!(*booking, BookingId::central(1));
            assert!(sealed.is_empty(), "no personal data at the site");
        }
        other => panic!("expected one BookingMade, got {other:?}"),
    }
    assert_eq!(left_at(&e, "2026-11-30", "09:00", at), 1);
    let again = e
        .execute(&sync(1, "2026-11-30", "09:00", false), at)
        .unwrap();
    assert!(again.events.is_empty());
    assert_eq!(left_at(&e, "2026-11-30", "09:00", at), 1);

    // Rescheduled at central: the seat moves.
    let out = e
        .execute(&sync(1, "2026-11-30", "10:00", false), at)
        .unwrap();
    assert!(matches!(
        &out.events[..],
        [Event::BookingRescheduled { .. }]
    ));
    assert_eq!(left_at(&e, "2026-11-30", "09:00", at), 2);
    assert_eq!(left_at(&e, "2026-11-30", "10:00", at), 1);

    // Cancelled at central: the seat is free again.
    e.execute(&sync(2, "2026-11-30", "11:00", false), at)
        .unwrap();
    let out = e
        .execute(&sync(2, "2026-11-30", "11:00", true), at)
        .unwrap();
    assert!(matches!(&out.events[..], [Event::BookingCancelled { .. }]));
    assert_eq!(left_at(&e, "2026-11-30", "11:00", at), 2);
    // A cancelled booking central never told us about leaves nothing behind.
    assert!(
        e.execute(&sync(3, "2026-11-30", "11:00", true), at)
            .unwrap()
            .events
            .is_empty()
    );

    // Checked in at the site, then cancelled at central (the news crossed): checked in it
    // stays, and it cannot be checked in twice.
    let ticket = e
        .execute(&check_in(BookingId::central(1)), monday("09:50"))
        .unwrap()
        .ticket
        .unwrap();
    let late_cancel = e
        .execute(&sync(1, "2026-11-30", "10:00", true), monday("09:51"))
        .unwrap();
    assert!(late_cancel.events.is_empty());
    assert_eq!(
        e.state().bookings.get(BookingId::central(1)).unwrap().state,
        BookingState::CheckedIn { ticket }
    );
    assert!(matches!(
        refused(e.execute(&check_in(BookingId::central(1)), monday("09:52"))),
        BookingProblem::NotActive { .. }
    ));

    // A past day needs nothing; a slot the site does not have and an id outside central's
    // range are refused, changing nothing.
    assert!(
        e.execute(&sync(4, "2026-11-27", "09:00", false), at)
            .unwrap()
            .events
            .is_empty()
    );
    assert!(matches!(
        refused(e.execute(&sync(5, "2026-11-30", "12:00", false), at)),
        BookingProblem::SlotNotOffered { .. }
    ));
    let not_central = Command::SyncCentralBooking {
        booking: BookingId(7),
        service: "ktp".into(),
        date: date("2026-11-30"),
        slot: t("09:00"),
        cancelled: false,
    };
    assert!(matches!(
        refused(e.execute(&not_central, at)),
        BookingProblem::Unknown { .. }
    ));
    assert!(e.state().bookings.get(BookingId::central(4)).is_none());
    assert!(e.state().bookings.get(BookingId::central(5)).is_none());
}

#[test]
fn a_service_booked_at_the_site_takes_no_central_bookings() {
    let mut e = engine_with(rules(), None);
    assert!(matches!(
        refused(e.execute(&sync(1, "2026-11-30", "09:00", false), monday("07:00"))),
        BookingProblem::NotOffered { .. }
    ));
    // A central booking in the log (the catalog changed since, say) does not move the
    // site's own numbering into central's range.
    e.replay(
        &Event::BookingMade {
            booking: BookingId::central(9),
            service: "ktp".into(),
            date: date("2026-11-30"),
            slot: t("10:00"),
            identity_keys: Vec::new(),
            sealed: Vec::new(),
            channel: BookingChannel::Central,
        },
        monday("06:59"),
    );
    let own = booked(&mut e, "0812", "2026-11-30", "09:00", monday("07:00"));
    assert_eq!(own, BookingId(1));
}
