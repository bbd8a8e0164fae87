//! Which ticket a counter calls next.
//!
//! Order of rules: (0) a booked ticket checked in before its slot waits for the slot, unless
//! nobody else waits for this counter (an idle counter serves it early); (1) the starvation
//! guard — a ticket that waited `max_wait_s` or longer goes first, longest wait first;
//! (2) the priority policy decides the class; (3) within the class, the booked : walk-in
//! ratio decides between booked tickets whose slot began and walk-ins; (4) then the longest
//! wait weighted by the counter's preference for the service. A booked ticket's wait counts
//! from its slot start when it checked in early ([`Ticket::waiting_since`]).

use crate::catalog::{BookedRatio, Counter, PriorityPolicy, QueuePolicy};
use crate::state::{CounterState, State};
use crate::ticket::{Ticket, TicketId};
use crate::time::Timestamp;

/// Weight of the service at preference rank `rank` (0 = most preferred): 1, 1/2, 1/3, …
/// A ticket of a second-choice service is taken when it has waited twice as long.
pub fn preference_weight(rank: usize) -> f64 {
    1.0 / (rank as f64 + 1.0)
}

/// The ticket `counter` should call at `now`, or None when nobody waits for it.
pub fn pick_next(
    state: &State,
    policy: &QueuePolicy,
    counter: &Counter,
    counter_state: &CounterState,
    now: Timestamp,
) -> Option<TicketId> {
    let waiting: Vec<(&Ticket, usize)> = counter
        .services
        .iter()
        .enumerate()
        .flat_map(|(rank, service)| state.waiting_in(service).map(move |t| (t, rank)))
        .collect();
    let (early, mut candidates): (Vec<_>, Vec<_>) =
        waiting.into_iter().partition(|(t, _)| t.booked_early(now));
    if candidates.is_empty() {
        // Only early arrivals wait: better served now than a counter standing idle.
        candidates = early;
    }
    if candidates.is_empty() {
        return None;
    }
    let wait_ms = |t: &Ticket| now.0.saturating_sub(t.waiting_since().0).max(0);

    if let Some(max_wait_s) = policy.max_wait_s {
        let limit_ms = i64::from(max_wait_s) * 1000;
        let overdue = candidates
            .iter()
            .filter(|(t, _)| wait_ms(t) >= limit_ms)
            .min_by_key(|(t, _)| (t.waiting_since(), t.id));
        if let Some((t, _)) = overdue {
            return Some(t.id);
        }
    }

    let has_priority = candidates.iter().any(|(t, _)| t.is_priority());
    let has_regular = candidates.iter().any(|(t, _)| !t.is_priority());
    let take_priority = match (has_priority, has_regular) {
        (true, false) => true,
        (false, _) => false,
        (true, true) => match policy.priority {
            PriorityPolicy::Strict => true,
            PriorityPolicy::Interleave {
                regular_per_priority,
            } => counter_state.regular_streak >= regular_per_priority,
        },
    };
    candidates.retain(|(t, _)| t.is_priority() == take_priority);

    let has_booked = candidates.iter().any(|(t, _)| t.booked.is_some());
    let has_walk_in = candidates.iter().any(|(t, _)| t.booked.is_none());
    if has_booked && has_walk_in {
        let take_booked = booked_turn(policy.booked_ratio, counter_state);
        candidates.retain(|(t, _)| t.booked.is_some() == take_booked);
    }

    candidates
        .into_iter()
        .max_by(|(a, ra), (b, rb)| {
            let score_a = wait_ms(a) as f64 * preference_weight(*ra);
            let score_b = wait_ms(b) as f64 * preference_weight(*rb);
            score_a
                .total_cmp(&score_b)
                // Equal scores: more preferred service, then earlier in queue, then lower id.
                .then(rb.cmp(ra))
                .then(b.waiting_since().cmp(&a.waiting_since()))
                .then(b.id.cmp(&a.id))
        })
        .map(|(t, _)| t.id)
}

/// Whether a booked ticket's turn has come when booked and walk-in tickets both wait: keep
/// the current run going until it reaches its share, then switch. A new day (no calls yet)
/// starts with the booked: they hold an appointment.
pub fn booked_turn(ratio: BookedRatio, counter: &CounterState) -> bool {
    if counter.booked_streak > 0 {
        counter.booked_streak < ratio.booked.max(1)
    } else if counter.walk_in_streak > 0 {
        counter.walk_in_streak >= ratio.walk_in.max(1)
    } else {
        true
    }
}
