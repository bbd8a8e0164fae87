//! Booking decisions: book, reschedule, cancel, check in, and the expiry of bookings whose
//! arrival window closed (docs/booking.md).

use super::Engine;
use crate::booking::bookable;
use crate::booking::{
    BookedAt, Booking, BookingId, BookingProblem, BookingRules, BookingState, SlotView,
};
use crate::catalog::Service;
use crate::event::{BookingChannel, Event};
use crate::rejection::Rejection;
use crate::ticket::{Channel, MAX_DAILY_SEQUENCE, TicketId, TicketNumber};
use crate::time::{LocalDate, LocalDateTime, LocalTime, Timestamp};

/// A booking request, as [`crate::Command::Book`] carries it.
pub(super) struct BookRequest<'a> {
    pub service: &'a str,
    pub date: LocalDate,
    pub slot: LocalTime,
    pub identity_keys: &'a [String],
    pub nik_given: bool,
    pub sealed: &'a [u8],
    pub channel: BookingChannel,
}

fn problem(p: BookingProblem) -> Rejection {
    Rejection::Booking(p)
}

impl Engine {
    /// The bookable slots of `service` on `date` as seen at `now`, with seats left.
    pub fn slot_views(
        &self,
        service: &str,
        date: LocalDate,
        now: Timestamp,
    ) -> Result<Vec<SlotView>, Rejection> {
        self.slot_views_without(service, date, now, None)
    }

    /// [`Engine::slot_views`] as if booking `moving` did not hold its seat (rescheduling).
    fn slot_views_without(
        &self,
        service: &str,
        date: LocalDate,
        now: Timestamp,
        moving: Option<&Booking>,
    ) -> Result<Vec<SlotView>, Rejection> {
        let (cfg, rules) = self.booking_cfg(service)?;
        let local = self.local_at(now);
        let slots = rules
            .slots(&self.catalog.site.schedule, date)
            .map_err(|_| problem(BookingProblem::DayClosed { date }))?;
        let mut day = self.state.bookings.day(service, date);
        if let Some(b) = moving.filter(|b| b.date == date && b.state.holds_seat()) {
            day.claimed = day.claimed.saturating_sub(1);
            if let Some(n) = day.per_slot.get_mut(&b.slot) {
                *n = n.saturating_sub(1);
            }
        }
        Ok(crate::booking::seat_views(
            rules,
            slots,
            cfg.daily_quota,
            &day,
            date,
            local,
        ))
    }

    /// Seats a new booking could still take on `date` at `now`: the day's held seats not
    /// yet claimed, and no more than the free seats of slots yet to begin. None when the
    /// site does not open that day.
    pub fn day_seats_left(&self, service: &str, date: LocalDate, now: Timestamp) -> Option<u32> {
        let (cfg, rules) = self.booking_cfg(service).ok()?;
        let slots = rules.slots(&self.catalog.site.schedule, date).ok()?;
        let local = self.local_at(now);
        let day = self.state.bookings.day(service, date);
        Some(crate::booking::day_seats_left(
            rules,
            &slots,
            cfg.daily_quota,
            &day,
            date,
            local,
        ))
    }

    /// The first date from `from` within the booking horizon at `now` that has a seat left.
    pub fn next_date_with_seats(
        &self,
        service: &str,
        from: LocalDate,
        now: Timestamp,
    ) -> Option<LocalDate> {
        let (_, rules) = self.booking_cfg(service).ok()?;
        let today = self.local_at(now).date;
        let last = today.days_since_epoch() + i64::from(rules.days_ahead);
        (from.days_since_epoch().max(today.days_since_epoch())..=last)
            .map(LocalDate::from_days_since_epoch)
            .find(|date| {
                self.slot_views(service, *date, now)
                    .is_ok_and(|views| views.iter().any(|v| v.left > 0))
            })
    }

    /// Seats of today's held share that bookings may still take (their slot has not begun).
    /// Walk-ins must leave them free ([`Engine::walk_in_reserved`]).
    pub(super) fn walk_in_reserved(&self, cfg: &Service, at: Timestamp) -> u32 {
        let Some(rules) = &cfg.booking else {
            return 0;
        };
        let local = self.local_at(at);
        let day = self.state.bookings.day(&cfg.code, local.date);
        let Ok(slots) = rules.slots(&self.catalog.site.schedule, local.date) else {
            return day.active;
        };
        let held_left = rules
            .held_seats(slots.len(), cfg.daily_quota)
            .saturating_sub(day.claimed);
        let future_free: u32 = slots
            .iter()
            .filter(|s| bookable(**s, local.date, local))
            .map(|s| {
                let taken = day.per_slot.get(&s.start).copied().unwrap_or(0);
                rules.seats_per_slot.saturating_sub(taken)
            })
            .sum();
        day.active + held_left.min(future_free)
    }

    pub(super) fn decide_book(
        &self,
        req: &BookRequest<'_>,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        let (cfg, rules) = self.booking_cfg(req.service)?;
        refuse_if_central(cfg, rules)?;
        if rules.nik == crate::booking::NikRule::Required && !req.nik_given {
            return Err(problem(BookingProblem::NikRequired));
        }
        self.check_window(rules, req.channel, at)?;
        if let Some(other) = self
            .state
            .bookings
            .live_for(req.service, req.date, req.identity_keys)
        {
            let date = self.state.bookings.get(other).map_or(req.date, |b| b.date);
            return Err(problem(BookingProblem::AlreadyBooked { date }));
        }
        self.check_seat(cfg, rules, req.date, req.slot, at, None)?;
        Ok(vec![Event::BookingMade {
            booking: BookingId(self.state.bookings.next_id.max(1)),
            service: req.service.to_owned(),
            date: req.date,
            slot: req.slot,
            identity_keys: req.identity_keys.to_vec(),
            sealed: req.sealed.to_vec(),
            channel: req.channel,
        }])
    }

    pub(super) fn decide_reschedule(
        &self,
        booking: BookingId,
        date: LocalDate,
        slot: LocalTime,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        let b = self.active_booking(booking)?;
        let (cfg, rules) = self.booking_cfg(&b.service)?;
        refuse_if_central(cfg, rules)?;
        self.check_window(rules, b.channel, at)?;
        if b.date == date && b.slot == slot {
            return Err(problem(BookingProblem::SlotNotOffered { slot }));
        }
        if date != b.date
            && let Some(other) = self
                .state
                .bookings
                .live_for(&b.service, date, &b.identity_keys)
            && other != booking
        {
            return Err(problem(BookingProblem::AlreadyBooked { date }));
        }
        // Check the new seat as if this booking's own seat were already free: the event
        // moves it in one step, so it can never hold two seats or none.
        self.check_seat(cfg, rules, date, slot, at, Some(b))?;
        Ok(vec![Event::BookingRescheduled {
            booking,
            date,
            slot,
        }])
    }

    pub(super) fn decide_sync_central(
        &self,
        booking: BookingId,
        service: &str,
        date: LocalDate,
        slot: LocalTime,
        cancelled: bool,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        if booking.central_number().is_none() {
            return Err(problem(BookingProblem::Unknown { booking }));
        }
        let known = self.state.bookings.get(booking);
        match known {
            // The site's facts win: a visitor who checked in was served, whatever central
            // heard since; a cancelled or expired booking stays so.
            Some(b) if b.state != BookingState::Active => Ok(Vec::new()),
            Some(_) if cancelled => Ok(vec![Event::BookingCancelled { booking }]),
            Some(b) if b.date == date && b.slot == slot => Ok(Vec::new()),
            Some(_) => {
                self.check_central_slot(service, date, slot)?;
                Ok(vec![Event::BookingRescheduled {
                    booking,
                    date,
                    slot,
                }])
            }
            None if cancelled => Ok(Vec::new()),
            // A day already over here needs no booking (the log keeps only what matters).
            None if date < self.local_at(at).date => Ok(Vec::new()),
            None => {
                self.check_central_slot(service, date, slot)?;
                Ok(vec![Event::BookingMade {
                    booking,
                    service: service.to_owned(),
                    date,
                    slot,
                    // Personal data stays at central; one booking per identity is
                    // enforced there.
                    identity_keys: Vec::new(),
                    sealed: Vec::new(),
                    channel: BookingChannel::Central,
                }])
            }
        }
    }

    /// `slot` is one of `date`'s slots of a service booked at central.
    fn check_central_slot(
        &self,
        service: &str,
        date: LocalDate,
        slot: LocalTime,
    ) -> Result<(), Rejection> {
        let (cfg, rules) = self.booking_cfg(service)?;
        if rules.booked_at != BookedAt::Central {
            return Err(problem(BookingProblem::NotOffered {
                service_name: cfg.name_id.clone(),
            }));
        }
        let slots = rules
            .slots(&self.catalog.site.schedule, date)
            .map_err(|_| problem(BookingProblem::DayClosed { date }))?;
        if !slots.iter().any(|s| s.start == slot) {
            return Err(problem(BookingProblem::SlotNotOffered { slot }));
        }
        Ok(())
    }

    pub(super) fn decide_cancel(&self, booking: BookingId) -> Result<Vec<Event>, Rejection> {
        self.active_booking(booking)?;
        Ok(vec![Event::BookingCancelled { booking }])
    }

    pub(super) fn decide_check_in(
        &self,
        booking: BookingId,
        priority: Option<&str>,
        channel: Channel,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        let b = self
            .state
            .bookings
            .get(booking)
            .ok_or(problem(BookingProblem::Unknown { booking }))?;
        let local = self.local_at(at);
        if b.date != local.date {
            return Err(problem(BookingProblem::OtherDay { date: b.date }));
        }
        let (cfg, rules) = self.booking_cfg(&b.service)?;
        let slot_at = self.catalog.site.time_zone.at(b.date, b.slot);
        let late = at > arrival_end(slot_at, rules);
        match b.state {
            BookingState::Active if !late => {
                self.check_priority(cfg, priority)?;
                let ticket = self.booked_ticket(cfg, priority, channel, local)?;
                let id = match &ticket {
                    Event::TicketIssued { ticket, .. } => *ticket,
                    _ => unreachable!("booked_ticket returns TicketIssued"),
                };
                Ok(vec![
                    ticket,
                    Event::BookingCheckedIn {
                        booking,
                        ticket: id,
                        slot_at,
                    },
                ])
            }
            BookingState::Active | BookingState::Expired => match rules.late {
                crate::booking::LatePolicy::Refused => Err(problem(BookingProblem::TooLate {
                    slot: b.slot,
                    late_min: rules.arrive_late_min,
                })),
                crate::booking::LatePolicy::WalkIn => {
                    // Late: the booking lapses (if the expiry tick has not done it yet)
                    // and the visitor is a walk-in, inside the walk-in quota, where the
                    // lapsed seat now counts as free.
                    let mut events = Vec::new();
                    let mut released = 0;
                    if b.state == BookingState::Active {
                        events.push(Event::BookingExpired { booking });
                        released = 1;
                    }
                    events
                        .extend(self.decide_walk_in(&b.service, priority, channel, at, released)?);
                    Ok(events)
                }
            },
            state @ (BookingState::CheckedIn { .. } | BookingState::Cancelled) => {
                Err(problem(BookingProblem::NotActive { state }))
            }
        }
    }

    /// Bookings whose arrival window has closed at `at` (or whose day is past): they give
    /// their seat back. Called by [`Engine::tick`].
    pub(super) fn expired_bookings(&self, at: Timestamp) -> Vec<Event> {
        let today = self.local_at(at).date;
        self.state
            .bookings
            .active_through(today)
            .filter(|b| {
                let late_min = self
                    .catalog
                    .service(&b.service)
                    .and_then(|s| s.booking.as_ref())
                    .map_or(0, |r| r.arrive_late_min);
                let slot_at = self.catalog.site.time_zone.at(b.date, b.slot);
                b.date < today || at > slot_at.plus_ms(i64::from(late_min) * 60_000)
            })
            .map(|b| Event::BookingExpired { booking: b.id })
            .collect()
    }

    fn booked_ticket(
        &self,
        cfg: &Service,
        priority: Option<&str>,
        channel: Channel,
        local: LocalDateTime,
    ) -> Result<Event, Rejection> {
        let used = self.state.sequences.get(&cfg.prefix).copied().unwrap_or(0);
        if used >= MAX_DAILY_SEQUENCE {
            return Err(Rejection::SequenceExhausted {
                prefix: cfg.prefix.clone(),
            });
        }
        Ok(Event::TicketIssued {
            ticket: TicketId(self.state.next_ticket_id.max(1)),
            number: TicketNumber {
                prefix: cfg.prefix.clone(),
                sequence: used + 1,
            },
            day: local.date,
            service: cfg.code.clone(),
            priority: priority.map(str::to_owned),
            channel,
        })
    }

    fn check_window(
        &self,
        rules: &BookingRules,
        channel: BookingChannel,
        at: Timestamp,
    ) -> Result<(), Rejection> {
        // Officers book for visitors in front of them, whatever the public hours.
        if channel == BookingChannel::Officer || rules.window_open(self.local_at(at).time) {
            return Ok(());
        }
        let hours = rules
            .window
            .iter()
            .map(|h| format!("{}–{}", h.start.format_id(), h.end.format_id()))
            .collect::<Vec<_>>()
            .join(", ");
        Err(problem(BookingProblem::WindowClosed { hours }))
    }

    /// A seat in `slot` of `date` is free for a new booking at `at`.
    fn check_seat(
        &self,
        cfg: &Service,
        rules: &BookingRules,
        date: LocalDate,
        slot: LocalTime,
        at: Timestamp,
        moving: Option<&Booking>,
    ) -> Result<(), Rejection> {
        let today = self.local_at(at).date;
        let horizon = today.days_since_epoch() + i64::from(rules.days_ahead);
        if date < today || date.days_since_epoch() > horizon {
            return Err(problem(BookingProblem::DateOutOfRange {
                days_ahead: rules.days_ahead,
            }));
        }
        let views = self.slot_views_without(&cfg.code, date, at, moving)?;
        crate::booking::check_seat(&views, &cfg.name_id, date, slot, self.local_at(at), || {
            self.next_date_with_seats(&cfg.code, date.succ(), at)
        })
        .map_err(problem)
    }

    fn booking_cfg(&self, service: &str) -> Result<(&Service, &BookingRules), Rejection> {
        let cfg = self.service_cfg(service)?;
        let rules = cfg.booking.as_ref().ok_or_else(|| {
            problem(BookingProblem::NotOffered {
                service_name: cfg.name_id.clone(),
            })
        })?;
        Ok((cfg, rules))
    }

    fn active_booking(&self, booking: BookingId) -> Result<&Booking, Rejection> {
        let b = self
            .state
            .bookings
            .get(booking)
            .ok_or(problem(BookingProblem::Unknown { booking }))?;
        if b.state != BookingState::Active {
            return Err(problem(BookingProblem::NotActive { state: b.state }));
        }
        Ok(b)
    }

    fn local_at(&self, at: Timestamp) -> LocalDateTime {
        self.catalog.site.time_zone.local(self.effective_now(at))
    }
}

/// Services booked at central take no bookings or moves here.
fn refuse_if_central(cfg: &Service, rules: &BookingRules) -> Result<(), Rejection> {
    if rules.booked_at == BookedAt::Central {
        return Err(problem(BookingProblem::BookedAtCentral {
            service_name: cfg.name_id.clone(),
        }));
    }
    Ok(())
}

/// The end of a booking's arrival window.
fn arrival_end(slot_at: Timestamp, rules: &BookingRules) -> Timestamp {
    slot_at.plus_ms(i64::from(rules.arrive_late_min) * 60_000)
}
