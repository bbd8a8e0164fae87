//! Online booking (antrean online): time slots per service, seats per slot, the share of the
//! daily quota held for bookings, and the ledger of bookings made.
//!
//! The rules (docs/booking.md):
//! - A service that takes bookings has [`BookingRules`] in the catalog. Its day is cut into
//!   slots of `slot_min` minutes from opening to the issuing cut-off; a slot that overlaps a
//!   break (Friday prayer included) is not offered, and holidays have no slots.
//! - Bookings of one day hold at most `held` seats: the booking share of the daily quota
//!   (or, without a quota, every slot's seats). The rest of the quota stays walk-in.
//! - Walk-ins may use a held seat once no booking can take it any more: its slot began
//!   unbooked, or its booking expired (not checked in by the end of its arrival window).
//!   So at every moment `issued today + live bookings + seats still bookable ≤ daily quota`.
//! - One live booking per identity, service and day. The identity is a keyed hash made by
//!   the shell (the core never sees a name, phone number or NIK: see [`nik`] for the checks
//!   it does on the plain NIK before the shell seals it).

pub mod contact;
pub mod nik;

mod ledger;
mod problem;

pub use ledger::{Booking, BookingState, Bookings, DayCount};
pub use problem::{BookingProblem, late_walk_in_note};

use crate::schedule::{Closure, Schedule};
use crate::time::{LocalDate, LocalTime};

/// A booking's identity: assigned in order and never reused, like ticket ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BookingId(pub u64);

/// Bookings made at Antrean Pusat take ids from here up (`CENTRAL_BOOKING_BASE + number`,
/// central's number of the booking at that site), so they never meet the site's own ids.
pub const CENTRAL_BOOKING_BASE: u64 = 1 << 40;

impl BookingId {
    /// The id of central's booking `number` at this site.
    pub fn central(number: u64) -> BookingId {
        BookingId(CENTRAL_BOOKING_BASE + number)
    }

    /// Central's number, when this booking was made at central.
    pub fn central_number(self) -> Option<u64> {
        self.0.checked_sub(CENTRAL_BOOKING_BASE)
    }
}

impl std::fmt::Display for BookingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a service's bookings are taken. One place only, so two ledgers never sell the
/// same seat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookedAt {
    /// This site's booking page and API.
    Site,
    /// Antrean Pusat, which syncs them down to the site.
    Central,
}

/// Whether a service asks for the visitor's NIK when booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NikRule {
    /// Not asked (data minimisation: the default).
    NotAsked,
    /// Asked, may be left empty.
    Optional,
    /// Must be given.
    Required,
}

/// What happens to a visitor who checks in after the arrival window closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatePolicy {
    /// The booking lapses and the visitor gets an ordinary walk-in ticket (quota allowing).
    WalkIn,
    /// Refused: the visitor books again or comes as a walk-in another day.
    Refused,
}

/// A daily time range (start inclusive, end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hours {
    /// Start.
    pub start: LocalTime,
    /// End.
    pub end: LocalTime,
}

impl Hours {
    /// Whether `t` falls inside.
    pub fn contains(self, t: LocalTime) -> bool {
        self.start <= t && t < self.end
    }
}

/// A service's booking settings (catalog `[services.booking]`).
#[derive(Clone, Debug, PartialEq)]
pub struct BookingRules {
    /// Slot length in minutes.
    pub slot_min: u16,
    /// Seats per slot.
    pub seats_per_slot: u32,
    /// Share of the daily quota held for bookings, in percent (the rest stays walk-in).
    /// Ignored for a service without a quota: every slot seat is bookable.
    pub booked_share_pct: u8,
    /// How many days ahead a slot may be booked (0: today only).
    pub days_ahead: u16,
    /// Hours of the day when booking is open (empty: always). Jakarta's MPP, for one,
    /// opened its online queue 06.00–10.00 and 16.00–22.00 only.
    pub window: Vec<Hours>,
    /// Minutes before the slot a check-in counts as on time.
    pub arrive_early_min: u16,
    /// Minutes after the slot start a check-in is still honoured.
    pub arrive_late_min: u16,
    /// What a later check-in gets.
    pub late: LatePolicy,
    /// Whether the NIK is asked.
    pub nik: NikRule,
    /// Days after the booking date its personal data is deleted (UU 27/2022).
    pub retention_days: u16,
    /// Where bookings are taken.
    pub booked_at: BookedAt,
}

impl Default for BookingRules {
    fn default() -> BookingRules {
        BookingRules {
            slot_min: 30,
            seats_per_slot: 5,
            booked_share_pct: 50,
            days_ahead: 7,
            window: Vec::new(),
            arrive_early_min: 30,
            arrive_late_min: 15,
            late: LatePolicy::WalkIn,
            nik: NikRule::NotAsked,
            retention_days: DEFAULT_RETENTION_DAYS,
            booked_at: BookedAt::Site,
        }
    }
}

/// Personal data of a booking is kept this many days after its date unless the catalog
/// says otherwise (docs/booking.md, "Personal data").
pub const DEFAULT_RETENTION_DAYS: u16 = 90;

/// One bookable slot of a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Start.
    pub start: LocalTime,
    /// End (start + slot length).
    pub end: LocalTime,
}

impl BookingRules {
    /// The day's slots: `slot_min` steps from opening while the slot starts before the
    /// issuing cut-off and ends by closing time, skipping those that overlap a break.
    pub fn slots(&self, schedule: &Schedule, date: LocalDate) -> Result<Vec<Slot>, Closure> {
        let hours = schedule.hours_on(date)?;
        let step = self.slot_min.max(1);
        let cutoff = hours.issue_cutoff.min(hours.close).minutes();
        let mut slots = Vec::new();
        let mut start = hours.open.minutes();
        while start < cutoff && start + step <= hours.close.minutes() {
            let slot = Slot {
                start: LocalTime::from_minutes(start),
                end: LocalTime::from_minutes(start + step),
            };
            let in_break = hours
                .breaks
                .iter()
                .any(|b| slot.start < b.end && b.start < slot.end);
            if !in_break {
                slots.push(slot);
            }
            start += step;
        }
        Ok(slots)
    }

    /// Seats bookings may hold on a day with `slot_count` slots and `daily_quota`.
    pub fn held_seats(&self, slot_count: usize, daily_quota: Option<u32>) -> u32 {
        let all_slots = (slot_count as u32).saturating_mul(self.seats_per_slot);
        match daily_quota {
            Some(quota) => {
                let share = u64::from(quota) * u64::from(self.booked_share_pct.min(100)) / 100;
                all_slots.min(share as u32)
            }
            None => all_slots,
        }
    }

    /// Whether booking is open at local time `t`.
    pub fn window_open(&self, t: LocalTime) -> bool {
        self.window.is_empty() || self.window.iter().any(|h| h.contains(t))
    }

    /// The next time booking opens after `t` on the same day, if any.
    pub fn window_opens_after(&self, t: LocalTime) -> Option<LocalTime> {
        self.window.iter().map(|h| h.start).filter(|s| *s > t).min()
    }
}

/// A slot with its seats for a booking page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotView {
    /// The slot.
    pub slot: Slot,
    /// Seats in it.
    pub seats: u32,
    /// Seats left now (0 when the slot began or the day's held seats are all taken).
    pub left: u32,
}

/// Each slot of a day with its seats left at `now`, from a ledger's counts of that day.
/// The one rule wherever bookings are taken (the site's engine, Antrean Pusat): a slot
/// offers its seats not yet taken, never more than the day's held seats not yet claimed,
/// and nothing once it began.
pub fn seat_views(
    rules: &BookingRules,
    slots: Vec<Slot>,
    daily_quota: Option<u32>,
    day: &DayCount,
    date: LocalDate,
    now: crate::time::LocalDateTime,
) -> Vec<SlotView> {
    let held_left = rules
        .held_seats(slots.len(), daily_quota)
        .saturating_sub(day.claimed);
    slots
        .into_iter()
        .map(|slot| {
            let taken = day.per_slot.get(&slot.start).copied().unwrap_or(0);
            let left = if bookable(slot, date, now) {
                rules.seats_per_slot.saturating_sub(taken).min(held_left)
            } else {
                0
            };
            SlotView {
                slot,
                seats: rules.seats_per_slot,
                left,
            }
        })
        .collect()
}

/// Seats a new booking could still take on `date` at `now`: the day's held seats not yet
/// claimed, and no more than the free seats of slots yet to begin (the day list of a
/// booking page, wherever bookings are taken).
pub fn day_seats_left(
    rules: &BookingRules,
    slots: &[Slot],
    daily_quota: Option<u32>,
    day: &DayCount,
    date: LocalDate,
    now: crate::time::LocalDateTime,
) -> u32 {
    let held_left = rules
        .held_seats(slots.len(), daily_quota)
        .saturating_sub(day.claimed);
    let free: u32 = slots
        .iter()
        .filter(|s| bookable(**s, date, now))
        .map(|s| {
            let taken = day.per_slot.get(&s.start).copied().unwrap_or(0);
            rules.seats_per_slot.saturating_sub(taken)
        })
        .sum();
    held_left.min(free)
}

/// Whether a new booking may take `slot` among a day's `views` (from [`seat_views`]);
/// `next_date` names the next date with seats for a "Kuota penuh" answer.
pub fn check_seat(
    views: &[SlotView],
    service_name: &str,
    date: LocalDate,
    slot: LocalTime,
    now: crate::time::LocalDateTime,
    next_date: impl FnOnce() -> Option<LocalDate>,
) -> Result<(), BookingProblem> {
    let Some(view) = views.iter().find(|v| v.slot.start == slot) else {
        return Err(BookingProblem::SlotNotOffered { slot });
    };
    if views.iter().all(|v| v.left == 0) {
        return Err(BookingProblem::DayFull {
            service_name: service_name.to_owned(),
            date,
            next_date: next_date(),
        });
    }
    if view.left == 0 {
        return Err(if bookable(view.slot, date, now) {
            BookingProblem::SlotFull { slot }
        } else {
            BookingProblem::SlotNotOffered { slot }
        });
    }
    Ok(())
}

/// A slot can still be booked at `now`: its day is later, or it starts later today.
pub fn bookable(slot: Slot, date: LocalDate, now: crate::time::LocalDateTime) -> bool {
    date > now.date || (date == now.date && slot.start > now.time)
}
