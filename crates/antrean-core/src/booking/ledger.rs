//! The bookings as projected from the log, with the counts the capacity rules read.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::BookingId;
use crate::event::{BookingChannel, Event};
use crate::ticket::TicketId;
use crate::time::{LocalDate, LocalTime, Timestamp};

/// Where a booking is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingState {
    /// Made, waiting for its visitor.
    Active,
    /// The visitor checked in and got this ticket.
    CheckedIn {
        /// The ticket.
        ticket: TicketId,
    },
    /// Cancelled by the visitor (or staff).
    Cancelled,
    /// Not checked in by the end of its arrival window; the seat went back to walk-ins.
    Expired,
}

impl BookingState {
    /// Stable lowercase key used on the wire and in reports.
    pub fn key(self) -> &'static str {
        match self {
            BookingState::Active => "active",
            BookingState::CheckedIn { .. } => "checked_in",
            BookingState::Cancelled => "cancelled",
            BookingState::Expired => "expired",
        }
    }

    /// Whether it still holds its seat (active or checked in).
    pub fn holds_seat(self) -> bool {
        matches!(self, BookingState::Active | BookingState::CheckedIn { .. })
    }
}

/// One booking.
#[derive(Clone, Debug, PartialEq)]
pub struct Booking {
    /// Identity.
    pub id: BookingId,
    /// Service code.
    pub service: String,
    /// Date of the visit.
    pub date: LocalDate,
    /// Slot start.
    pub slot: LocalTime,
    /// Keyed hashes of the visitor's identifiers (phone, NIK), made by the shell.
    pub identity_keys: Vec<String>,
    /// The visitor's personal data, sealed by the shell (opaque here).
    pub sealed: Vec<u8>,
    /// How it was made.
    pub channel: BookingChannel,
    /// When it was made.
    pub made_at: Timestamp,
    /// Its state.
    pub state: BookingState,
}

/// Seats of one service on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DayCount {
    /// Bookings holding a seat (active + checked in).
    pub claimed: u32,
    /// Bookings not yet checked in.
    pub active: u32,
    /// Seats held per slot start (active + checked in).
    pub per_slot: BTreeMap<LocalTime, u32>,
}

/// Every booking from today on, with indices. Past days are dropped at day start (the log
/// keeps them); so memory is bounded by the catalog: days ahead × held seats per service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bookings {
    /// Next id to assign.
    pub next_id: u64,
    by_id: BTreeMap<BookingId, Booking>,
    days: HashMap<(String, LocalDate), DayCount>,
    live_identities: HashMap<(String, LocalDate, String), BookingId>,
    /// Active bookings by (date, slot): the expiry check reads only those due.
    active_order: BTreeSet<(LocalDate, LocalTime, BookingId)>,
}

impl Bookings {
    /// A booking by id (today or later).
    pub fn get(&self, id: BookingId) -> Option<&Booking> {
        self.by_id.get(&id)
    }

    /// The counts of `service` on `date`.
    pub fn day(&self, service: &str, date: LocalDate) -> DayCount {
        self.days
            .get(&(service.to_owned(), date))
            .cloned()
            .unwrap_or_default()
    }

    /// A live booking (active or checked in) of one of `keys` for `service` on `date`.
    pub fn live_for(&self, service: &str, date: LocalDate, keys: &[String]) -> Option<BookingId> {
        keys.iter().find_map(|k| {
            self.live_identities
                .get(&(service.to_owned(), date, k.clone()))
                .copied()
        })
    }

    /// Active bookings dated `through` or earlier, by date and slot.
    pub fn active_through(&self, through: LocalDate) -> impl Iterator<Item = &Booking> {
        self.active_order
            .range(
                ..=(
                    through,
                    LocalTime::from_minutes(24 * 60),
                    BookingId(u64::MAX),
                ),
            )
            .filter_map(|(_, _, id)| self.by_id.get(id))
    }

    /// Every booking kept, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Booking> {
        self.by_id.values()
    }

    /// Applies a booking event recorded at `at`; other events are ignored.
    pub fn apply(&mut self, event: &Event, at: Timestamp) {
        match event {
            Event::BookingMade {
                booking,
                service,
                date,
                slot,
                identity_keys,
                sealed,
                channel,
            } => {
                if booking.central_number().is_none() {
                    self.next_id = self.next_id.max(booking.0 + 1);
                }
                let b = Booking {
                    id: *booking,
                    service: service.clone(),
                    date: *date,
                    slot: *slot,
                    identity_keys: identity_keys.clone(),
                    sealed: sealed.clone(),
                    channel: *channel,
                    made_at: at,
                    state: BookingState::Active,
                };
                self.count(&b, 1);
                self.by_id.insert(*booking, b);
            }
            Event::BookingRescheduled {
                booking,
                date,
                slot,
            } => {
                if let Some(mut b) = self.by_id.remove(booking) {
                    self.count(&b, -1);
                    b.date = *date;
                    b.slot = *slot;
                    self.count(&b, 1);
                    self.by_id.insert(*booking, b);
                }
            }
            Event::BookingCancelled { booking } | Event::BookingExpired { booking } => {
                let state = if matches!(event, Event::BookingCancelled { .. }) {
                    BookingState::Cancelled
                } else {
                    BookingState::Expired
                };
                self.set_state(*booking, state);
            }
            Event::BookingCheckedIn {
                booking, ticket, ..
            } => self.set_state(*booking, BookingState::CheckedIn { ticket: *ticket }),
            Event::DayStarted { day } => {
                self.by_id.retain(|_, b| b.date >= *day);
                self.days.retain(|(_, date), _| date >= day);
                self.live_identities.retain(|(_, date, _), _| date >= day);
                self.active_order.retain(|(date, _, _)| date >= day);
            }
            _ => {}
        }
    }

    fn set_state(&mut self, id: BookingId, state: BookingState) {
        let Some(mut b) = self.by_id.remove(&id) else {
            return;
        };
        self.count(&b, -1);
        b.state = state;
        self.count(&b, 1);
        self.by_id.insert(id, b);
    }

    /// Adds (`sign` 1) or removes (-1) `b`'s share of the counts and indices.
    fn count(&mut self, b: &Booking, sign: i32) {
        let day = self.days.entry((b.service.clone(), b.date)).or_default();
        let bump = |n: &mut u32| {
            *n = if sign > 0 {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        if b.state.holds_seat() {
            bump(&mut day.claimed);
            bump(day.per_slot.entry(b.slot).or_default());
            for key in &b.identity_keys {
                let k = (b.service.clone(), b.date, key.clone());
                if sign > 0 {
                    self.live_identities.insert(k, b.id);
                } else if self.live_identities.get(&k) == Some(&b.id) {
                    self.live_identities.remove(&k);
                }
            }
        }
        if b.state == BookingState::Active {
            bump(&mut day.active);
            let key = (b.date, b.slot, b.id);
            if sign > 0 {
                self.active_order.insert(key);
            } else {
                self.active_order.remove(&key);
            }
        }
    }
}
