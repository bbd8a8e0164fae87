//! Booking facts and figures: bookings made for a period's days and what became of them,
//! booked against walk-in visits, punctuality and slot use (docs/booking.md, "Reports").
//!
//! Definitions:
//! - A booking counts for the day it is **for** (its visit date), whenever it was made.
//! - **No-show rate** = expired / (checked in + expired): of the bookings whose day came,
//!   the share nobody used. Cancelled bookings are not no-shows: their seat was given back
//!   in time.
//! - **Punctuality**: the check-in time against the slot start; before the start is early,
//!   after it late (a check-in after the arrival window is not a check-in but an expired
//!   booking and a walk-in ticket).

use std::collections::BTreeMap;

use super::stats::DurationStats;
use crate::time::{LocalDate, LocalTime, Timestamp};

/// What became of a booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingOutcome {
    /// Still waiting for its visitor.
    Active,
    /// Checked in; `arrival_s` = check-in − slot start (negative: early).
    CheckedIn {
        /// Seconds.
        arrival_s: i32,
    },
    /// Cancelled.
    Cancelled,
    /// Not checked in within its arrival window.
    Expired,
}

/// One booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookingFact {
    /// Its visit date.
    pub date: LocalDate,
    /// Service id (in [`super::Facts::services`]).
    pub service: u32,
    /// Slot start.
    pub slot: LocalTime,
    /// When it was made.
    pub made_at: Timestamp,
    /// What became of it.
    pub outcome: BookingOutcome,
}

/// One slot's use in a period (summed over the period's days).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotUse {
    /// Service code.
    pub service: String,
    /// Slot start.
    pub slot: LocalTime,
    /// Bookings made for it (not cancelled).
    pub booked: u32,
    /// Of those, checked in.
    pub checked_in: u32,
    /// Of those, expired.
    pub expired: u32,
}

/// The booking section of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BookingFigures {
    /// Bookings for the period's days (all outcomes).
    pub made: u32,
    /// Checked in.
    pub checked_in: u32,
    /// Cancelled.
    pub cancelled: u32,
    /// Expired (no-shows).
    pub expired: u32,
    /// Still active.
    pub active: u32,
    /// Visits issued in the period for a checked-in booking.
    pub booked_visits: u32,
    /// Visits issued in the period without one (walk-ins).
    pub walk_in_visits: u32,
    /// Check-ins before the slot start.
    pub early: u32,
    /// Check-ins after the slot start (within the arrival window).
    pub late: u32,
    /// How long before the slot start early visitors came.
    pub early_by: DurationStats,
    /// How long after the slot start late visitors came.
    pub late_by: DurationStats,
    /// Per service and slot start, in that order.
    pub slots: Vec<SlotUse>,
}

impl BookingFigures {
    /// Expired / (checked in + expired), percent; 0 when no booking's day came yet.
    pub fn no_show_percent(&self) -> f64 {
        let due = self.checked_in + self.expired;
        if due == 0 {
            0.0
        } else {
            100.0 * f64::from(self.expired) / f64::from(due)
        }
    }
}

/// The booking figures of bookings dated `from..=to` whose service passes `service_ok`;
/// `visits` are the period's issued visits that pass the filters, as (booked?) flags.
pub(super) fn figures(
    facts: &super::Facts,
    service_ok: impl Fn(u32) -> bool,
    from: LocalDate,
    to: LocalDate,
    issued_visits: impl Iterator<Item = bool>,
) -> BookingFigures {
    let mut out = BookingFigures::default();
    let mut slots: BTreeMap<(u32, LocalTime), SlotUse> = BTreeMap::new();
    let (mut early_ms, mut late_ms) = (Vec::new(), Vec::new());
    for b in facts.bookings.values() {
        if b.date < from || b.date > to || !service_ok(b.service) {
            continue;
        }
        out.made += 1;
        let use_of = slots.entry((b.service, b.slot)).or_insert_with(|| SlotUse {
            service: facts.services.names[b.service as usize].clone(),
            slot: b.slot,
            booked: 0,
            checked_in: 0,
            expired: 0,
        });
        if b.outcome != BookingOutcome::Cancelled {
            use_of.booked += 1;
        }
        match b.outcome {
            BookingOutcome::Active => out.active += 1,
            BookingOutcome::Cancelled => out.cancelled += 1,
            BookingOutcome::Expired => {
                out.expired += 1;
                use_of.expired += 1;
            }
            BookingOutcome::CheckedIn { arrival_s } => {
                out.checked_in += 1;
                use_of.checked_in += 1;
                let ms = u32::try_from(i64::from(arrival_s).abs() * 1000).unwrap_or(u32::MAX);
                if arrival_s < 0 {
                    out.early += 1;
                    early_ms.push(ms);
                } else {
                    out.late += 1;
                    late_ms.push(ms);
                }
            }
        }
    }
    for booked in issued_visits {
        if booked {
            out.booked_visits += 1;
        } else {
            out.walk_in_visits += 1;
        }
    }
    out.early_by = DurationStats::of(&mut early_ms);
    out.late_by = DurationStats::of(&mut late_ms);
    out.slots = slots.into_values().collect();
    out
}
