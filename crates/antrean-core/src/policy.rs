//! Which ticket a counter calls next.
//!
//! Order of rules: (1) the starvation guard — a ticket that waited `max_wait_s` or longer
//! goes first, longest wait first; (2) the priority policy decides the class; (3) within
//! the class, the longest wait weighted by the counter's preference for the service.

use crate::catalog::{Counter, PriorityPolicy, QueuePolicy};
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
    let candidates: Vec<(&Ticket, usize)> = counter
        .services
        .iter()
        .enumerate()
        .flat_map(|(rank, service)| state.waiting_in(service).map(move |t| (t, rank)))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let wait_ms = |t: &Ticket| now.0.saturating_sub(t.queued_at.0).max(0);

    if let Some(max_wait_s) = policy.max_wait_s {
        let limit_ms = i64::from(max_wait_s) * 1000;
        let overdue = candidates
            .iter()
            .filter(|(t, _)| wait_ms(t) >= limit_ms)
            .min_by_key(|(t, _)| (t.queued_at, t.id));
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

    candidates
        .into_iter()
        .filter(|(t, _)| t.is_priority() == take_priority)
        .max_by(|(a, ra), (b, rb)| {
            let score_a = wait_ms(a) as f64 * preference_weight(*ra);
            let score_b = wait_ms(b) as f64 * preference_weight(*rb);
            score_a
                .total_cmp(&score_b)
                // Equal scores: more preferred service, then earlier in queue, then lower id.
                .then(rb.cmp(ra))
                .then(b.queued_at.cmp(&a.queued_at))
                .then(b.id.cmp(&a.id))
        })
        .map(|(t, _)| t.id)
}
