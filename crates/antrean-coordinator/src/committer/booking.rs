//! Booking API requests in the committer: changes go through the engine and the batch's
//! log frame like any command; the answer is built after the frame is durable.

use antrean_core::booking::{BookingId, BookingProblem};
use antrean_core::{Command, Event, Rejection, Timestamp};

use super::jobs::{BookingOp, BookingReply};
use super::{Committer, Pending};
use antrean_protocol::LogRecord;

/// What a booking job left for the answer.
pub(super) struct BookingPending {
    pub reply: tokio::sync::oneshot::Sender<BookingReply>,
    pub booking: Option<BookingId>,
    pub reply_now: BookingReply,
}

impl Committer {
    /// Runs a booking job of the batch (a change is logged, not yet durable).
    pub(super) fn take_booking(
        &mut self,
        op: BookingOp,
        reply: tokio::sync::oneshot::Sender<BookingReply>,
        now: Timestamp,
        records: &mut Vec<LogRecord>,
    ) -> Pending {
        let mut answer = BookingReply::default();
        let booking = match op {
            BookingOp::Slots { service, date } => {
                match self.engine.slot_views(&service, date, now) {
                    Ok(slots) => {
                        if slots.iter().all(|s| s.left == 0) {
                            answer.next_date =
                                self.engine.next_date_with_seats(&service, date.succ(), now);
                        }
                        answer.slots = slots;
                    }
                    Err(rejection) => answer.refused = Some(rejection),
                }
                None
            }
            BookingOp::Status(id) => Some(id),
            BookingOp::Days { service } => {
                self.booking_days(&service, now, &mut answer);
                None
            }
            BookingOp::Change(command) => {
                let named = match &command {
                    Command::RescheduleBooking { booking, .. }
                    | Command::CancelBooking { booking } => Some(*booking),
                    _ => None,
                };
                match self.engine.handle(&command, now) {
                    Ok(outcome) => {
                        self.log(records, &outcome.events, outcome.at, None);
                        outcome
                            .events
                            .iter()
                            .find_map(|e| match e {
                                Event::BookingMade { booking, .. } => Some(*booking),
                                _ => None,
                            })
                            .or(named)
                    }
                    Err(rejection) => {
                        answer.refused = Some(rejection);
                        None
                    }
                }
            }
        };
        Pending::Booking(BookingPending {
            reply,
            booking,
            reply_now: answer,
        })
    }

    /// Today and the days ahead of `service`, with seats left, into `answer`.
    fn booking_days(&self, service: &str, now: Timestamp, answer: &mut BookingReply) {
        let catalog = self.engine.catalog();
        let Some(rules) = catalog.service(service).and_then(|s| s.booking.as_ref()) else {
            answer.refused = Some(match catalog.service(service) {
                None => Rejection::UnknownService {
                    service: service.to_owned(),
                },
                Some(s) => Rejection::Booking(BookingProblem::NotOffered {
                    service_name: s.name_id.clone(),
                }),
            });
            return;
        };
        let local = catalog.site.time_zone.local(self.engine.effective_now(now));
        answer.window_open = rules.window_open(local.time);
        let first = local.date.days_since_epoch();
        answer.days = (first..=first + i64::from(rules.days_ahead))
            .map(antrean_core::LocalDate::from_days_since_epoch)
            .map(|date| (date, self.engine.day_seats_left(service, date, now)))
            .collect();
    }

    /// The answer of a booking job, read from the state the durable log made.
    pub(super) fn answer_booking(&self, pending: BookingPending) {
        let BookingPending {
            reply,
            booking,
            reply_now: mut answer,
        } = pending;
        if let Some(id) = booking {
            match self.engine.state().bookings.get(id) {
                Some(b) => {
                    answer.ticket_number = match b.state {
                        antrean_core::booking::BookingState::CheckedIn { ticket } => self
                            .engine
                            .state()
                            .ticket(ticket)
                            .map(|t| t.number.to_string()),
                        _ => None,
                    };
                    answer.booking = Some(b.clone());
                }
                None if answer.refused.is_none() => {
                    answer.refused =
                        Some(Rejection::Booking(BookingProblem::Unknown { booking: id }));
                }
                None => {}
            }
        }
        let _ = reply.send(answer);
    }
}

impl Committer {
    /// The booking a typed or scanned code names: a site code, or a central code (with
    /// the command recording it when the sync has not brought it yet).
    pub(super) fn resolve_booking_code(
        &self,
        code: &str,
        now: Timestamp,
    ) -> Option<(BookingId, Option<Command>)> {
        if let Some(id) = self.codes.verify_code(code) {
            return Some((id, None));
        }
        let bookings = &self.engine.state().bookings;
        self.central_key.resolve(
            code,
            self.engine.catalog(),
            self.engine.local_day(now),
            |id| {
                bookings
                    .get(id)
                    .map(|b| (b.service.clone(), b.date, b.slot))
            },
        )
    }
}
