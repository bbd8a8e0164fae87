//! Property tests of online booking: random bookings, changes, check-ins, walk-ins and the
//! passing of time against the capacity invariants, and the calling order against a model.

mod common;

use std::collections::HashMap;

use antrean_core::booking::{BookingId, BookingRules, BookingState};
use antrean_core::catalog::{BookedRatio, PriorityPolicy, QueuePolicy};
use antrean_core::event::BookingChannel;
use antrean_core::*;
use common::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Book { who: u8, day: u8, slot: u8 },
    Cancel { pick: usize },
    Reschedule { pick: usize, day: u8, slot: u8 },
    CheckIn { pick: usize },
    WalkIn,
    Advance { minutes: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..12, 0u8..3, 0u8..14).prop_map(|(who, day, slot)| Op::Book { who, day, slot }),
        1 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
        1 => (any::<usize>(), 0u8..3, 0u8..14)
            .prop_map(|(pick, day, slot)| Op::Reschedule { pick, day, slot }),
        2 => any::<usize>().prop_map(|pick| Op::CheckIn { pick }),
        3 => Just(Op::WalkIn),
        2 => (1u16..50).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

/// The `i`th slot start of the test site's day (08:00, 08:30, … skipping nothing: a
/// start inside the lunch break or past the cut-off exercises the refusal).
fn slot_at(i: u8) -> LocalTime {
    LocalTime::from_minutes(8 * 60 + u16::from(i) * 30)
}

fn pick(ids: &[BookingId], pick: usize) -> Option<BookingId> {
    (!ids.is_empty()).then(|| ids[pick % ids.len()])
}

fn run_capacity(rules: BookingRules, quota: u32, ops: &[Op]) -> Result<(), TestCaseError> {
    let policy = QueuePolicy::default();
    let mut e = Engine::new(catalog_with_booking(policy, rules.clone(), Some(quota)));
    let tz = TimeZone::Wib;
    let mut now = monday("06:00");
    let mut ids: Vec<BookingId> = Vec::new();
    let mut log: Vec<(Event, Timestamp)> = Vec::new();
    for op in ops {
        if let Op::Advance { minutes } = op {
            now = now.plus_ms(i64::from(*minutes) * 60_000);
        }
        // The expiry tick, observed: every booking it expires gives its seat back.
        let claimed_before: HashMap<BookingId, (LocalDate, u32)> = e
            .state()
            .bookings
            .iter()
            .map(|b| {
                (
                    b.id,
                    (b.date, e.state().bookings.day("ktp", b.date).claimed),
                )
            })
            .collect();
        let tick = e.tick(now);
        let mut expired_per_day: HashMap<LocalDate, u32> = HashMap::new();
        for ev in &tick.events {
            if let Event::BookingExpired { booking } = ev {
                let (date, _) = claimed_before[booking];
                *expired_per_day.entry(date).or_default() += 1;
                if let Some(b) = e.state().bookings.get(*booking) {
                    prop_assert_eq!(b.state, BookingState::Expired);
                }
            }
        }
        let today = tz.local(e.effective_now(now)).date;
        for (date, n) in &expired_per_day {
            if *date >= today {
                let before = claimed_before
                    .values()
                    .find(|(d, _)| d == date)
                    .map(|(_, c)| *c)
                    .unwrap();
                prop_assert_eq!(e.state().bookings.day("ktp", *date).claimed, before - n);
            }
        }
        log.extend(tick.events.iter().map(|ev| (ev.clone(), tick.at)));
        let day = |d: u8| LocalDate::from_days_since_epoch(today.days_since_epoch() + i64::from(d));
        let command = match op {
            Op::Book { who, day: d, slot } => Some(Command::Book {
                service: "ktp".into(),
                date: day(*d),
                slot: slot_at(*slot),
                identity_keys: vec![format!("p{who}")],
                nik_given: false,
                sealed: vec![*who],
                channel: BookingChannel::Web,
            }),
            Op::Cancel { pick: p } => {
                pick(&ids, *p).map(|booking| Command::CancelBooking { booking })
            }
            Op::Reschedule {
                pick: p,
                day: d,
                slot,
            } => pick(&ids, *p).map(|booking| Command::RescheduleBooking {
                booking,
                date: day(*d),
                slot: slot_at(*slot),
            }),
            Op::CheckIn { pick: p } => pick(&ids, *p).map(|booking| Command::CheckIn {
                booking,
                priority: None,
                channel: Channel::Kiosk,
            }),
            Op::WalkIn => Some(issue("ktp", None)),
            Op::Advance { .. } => None,
        };
        if let Some(command) = command
            && let Ok(outcome) = e.handle(&command, now)
        {
            for ev in &outcome.events {
                if let Event::BookingMade { booking, .. } = ev {
                    ids.push(*booking);
                }
            }
            log.extend(outcome.events.iter().map(|ev| (ev.clone(), outcome.at)));
        }

        // Seats: never more bookings than a slot's seats or the day's held share.
        for d in 0..3 {
            let date = day(d);
            let Ok(slots) = rules.slots(&e.catalog().site.schedule, date) else {
                continue;
            };
            let held = rules.held_seats(slots.len(), Some(quota));
            let count = e.state().bookings.day("ktp", date);
            prop_assert!(
                count.claimed <= held,
                "{} claimed {} > held {}",
                date,
                count.claimed,
                held
            );
            let mut recount: HashMap<LocalTime, u32> = HashMap::new();
            for b in e
                .state()
                .bookings
                .iter()
                .filter(|b| b.date == date && b.state.holds_seat())
            {
                *recount.entry(b.slot).or_default() += 1;
            }
            for (slot, n) in &count.per_slot {
                prop_assert!(*n <= rules.seats_per_slot);
                prop_assert_eq!(
                    recount.get(slot).copied().unwrap_or(0),
                    *n,
                    "index of {}",
                    slot
                );
            }
        }
        // Booked + walk-in never above the quota: issued today (walk-ins and checked-in
        // bookings) plus bookings still to come.
        let issued = e.state().issued_today.get("ktp").copied().unwrap_or(0);
        let active = e.state().bookings.day("ktp", today).active;
        prop_assert!(
            issued + active <= quota,
            "issued {} + active {} > quota {}",
            issued,
            active,
            quota
        );
        // No booking stays active past its arrival window.
        for b in e.state().bookings.active_through(today) {
            let end = tz
                .at(b.date, b.slot)
                .plus_ms(i64::from(rules.arrive_late_min) * 60_000);
            prop_assert!(now <= end, "booking {} still active after its window", b.id);
        }
    }
    let mut replayed = Engine::new(e.catalog().clone());
    for (ev, at) in &log {
        replayed.replay(ev, *at);
    }
    prop_assert_eq!(replayed.state(), e.state(), "replay diverged");
    Ok(())
}

// ---- The calling order against a model ----

#[derive(Clone, Debug)]
enum CallOp {
    WalkIn {
        priority: bool,
    },
    /// Book the slot `slot` steps after the current one and check in now.
    Booked {
        ahead: u8,
        priority: bool,
    },
    Call,
    Advance {
        minutes: u16,
    },
}

fn call_op() -> impl Strategy<Value = CallOp> {
    prop_oneof![
        3 => any::<bool>().prop_map(|p| CallOp::WalkIn { priority: p }),
        3 => (0u8..4, any::<bool>()).prop_map(|(ahead, priority)| CallOp::Booked { ahead, priority }),
        4 => Just(CallOp::Call),
        2 => (1u16..40).prop_map(|minutes| CallOp::Advance { minutes }),
    ]
}

/// A waiting ticket as the model sees it.
#[derive(Clone, Debug)]
struct Waiting {
    id: TicketId,
    priority: bool,
    slot_at: Option<Timestamp>,
    queued_at: Timestamp,
}

impl Waiting {
    fn since(&self) -> Timestamp {
        self.slot_at
            .map_or(self.queued_at, |s| s.max(self.queued_at))
    }
}

/// The calling order as docs/booking.md states it, written from the text.
struct Model {
    policy: QueuePolicy,
    waiting: Vec<Waiting>,
    regular_streak: u32,
    booked_streak: u32,
    walk_in_streak: u32,
}

impl Model {
    fn next(&self, now: Timestamp) -> Option<TicketId> {
        let mut pool: Vec<&Waiting> = self
            .waiting
            .iter()
            .filter(|w| w.slot_at.is_none_or(|s| s <= now))
            .collect();
        if pool.is_empty() {
            pool = self.waiting.iter().collect();
        }
        if pool.is_empty() {
            return None;
        }
        if let Some(limit_s) = self.policy.max_wait_s {
            let overdue = pool
                .iter()
                .filter(|w| now.0 - w.since().0 >= i64::from(limit_s) * 1000)
                .min_by_key(|w| (w.since(), w.id));
            if let Some(w) = overdue {
                return Some(w.id);
            }
        }
        let any_priority = pool.iter().any(|w| w.priority);
        let any_regular = pool.iter().any(|w| !w.priority);
        let priority_turn = match self.policy.priority {
            _ if !any_priority => false,
            _ if !any_regular => true,
            PriorityPolicy::Strict => true,
            PriorityPolicy::Interleave {
                regular_per_priority,
            } => self.regular_streak >= regular_per_priority,
        };
        pool.retain(|w| w.priority == priority_turn);
        let any_booked = pool.iter().any(|w| w.slot_at.is_some());
        let any_walk_in = pool.iter().any(|w| w.slot_at.is_none());
        if any_booked && any_walk_in {
            let ratio = self.policy.booked_ratio;
            let booked_turn = if self.booked_streak > 0 {
                self.booked_streak < ratio.booked
            } else {
                self.walk_in_streak == 0 || self.walk_in_streak >= ratio.walk_in
            };
            pool.retain(|w| w.slot_at.is_some() == booked_turn);
        }
        pool.iter().min_by_key(|w| (w.since(), w.id)).map(|w| w.id)
    }

    fn called(&mut self, id: TicketId) {
        let i = self.waiting.iter().position(|w| w.id == id).unwrap();
        let w = self.waiting.remove(i);
        self.regular_streak = if w.priority {
            0
        } else {
            self.regular_streak.saturating_add(1)
        };
        if w.slot_at.is_some() {
            self.booked_streak += 1;
            self.walk_in_streak = 0;
        } else {
            self.walk_in_streak += 1;
            self.booked_streak = 0;
        }
    }
}

fn run_order(policy: QueuePolicy, ops: &[CallOp]) -> Result<(), TestCaseError> {
    let rules = BookingRules {
        slot_min: 30,
        seats_per_slot: 50,
        days_ahead: 0,
        ..BookingRules::default()
    };
    let mut e = Engine::new(catalog_with_booking(policy.clone(), rules, None));
    let mut model = Model {
        policy,
        waiting: Vec::new(),
        regular_streak: u32::MAX,
        booked_streak: 0,
        walk_in_streak: 0,
    };
    let mut now = monday("08:00");
    open(&mut e, "1", "siti", now);
    let mut who = 0u32;
    for op in ops {
        match op {
            CallOp::Advance { minutes } => now = now.plus_ms(i64::from(*minutes) * 60_000),
            CallOp::WalkIn { priority } => {
                let cmd = issue("ktp", priority.then_some("lansia"));
                if let Ok(o) = e.execute(&cmd, now) {
                    model.waiting.push(Waiting {
                        id: o.ticket.unwrap(),
                        priority: *priority,
                        slot_at: None,
                        queued_at: o.at,
                    });
                }
            }
            CallOp::Booked { ahead, priority } => {
                let local = TimeZone::Wib.local(now);
                let start = (local.time.minutes() / 30 + 1 + u16::from(*ahead)) * 30;
                who += 1;
                let book = Command::Book {
                    service: "ktp".into(),
                    date: local.date,
                    slot: LocalTime::from_minutes(start),
                    identity_keys: vec![format!("v{who}")],
                    nik_given: false,
                    sealed: Vec::new(),
                    channel: BookingChannel::Officer,
                };
                let Ok(made) = e.execute(&book, now) else {
                    continue;
                };
                let Some(Event::BookingMade { booking, .. }) = made.events.first() else {
                    unreachable!()
                };
                let check_in = Command::CheckIn {
                    booking: *booking,
                    priority: priority.then(|| "lansia".to_owned()),
                    channel: Channel::Kiosk,
                };
                let o = e
                    .execute(&check_in, now)
                    .expect("an early check-in is always let in");
                model.waiting.push(Waiting {
                    id: o.ticket.unwrap(),
                    priority: *priority,
                    slot_at: Some(TimeZone::Wib.at(local.date, LocalTime::from_minutes(start))),
                    queued_at: o.at,
                });
            }
            CallOp::Call => {
                e.tick(now);
                let expected = model.next(now);
                let got = call_next(&mut e, "1", now).ok();
                prop_assert_eq!(got, expected, "at {:?}", TimeZone::Wib.local(now).time);
                if let Some(id) = got {
                    model.called(id);
                    for cmd in [
                        Command::StartService {
                            counter: "1".into(),
                        },
                        Command::FinishService {
                            counter: "1".into(),
                        },
                    ] {
                        e.execute(&cmd, now).unwrap();
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn never_overbooked_quota_kept_and_expiry_returns_the_seat(
        ops in prop::collection::vec(op(), 1..250),
        quota in 2u32..30,
        share in 0u8..=100,
        seats in 1u32..4,
    ) {
        let rules = BookingRules {
            slot_min: 30,
            seats_per_slot: seats,
            booked_share_pct: share,
            days_ahead: 2,
            ..BookingRules::default()
        };
        run_capacity(rules, quota, &ops)?;
    }

    #[test]
    fn calling_order_matches_the_model(
        ops in prop::collection::vec(call_op(), 1..200),
        strict in any::<bool>(),
        n in 1u32..4,
        guard in prop::option::of(20u32..90),
        booked in 1u32..4,
        walk_in in 1u32..4,
    ) {
        let policy = QueuePolicy {
            priority: if strict { PriorityPolicy::Strict } else { PriorityPolicy::Interleave { regular_per_priority: n } },
            max_wait_s: guard.map(|m| m * 60),
            booked_ratio: BookedRatio { booked, walk_in },
            ..QueuePolicy::default()
        };
        run_order(policy, &ops)?;
    }
}
