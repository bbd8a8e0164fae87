//! Wait-time estimates for waiting tickets ("perkiraan waktu tunggu").
//!
//! **Design:** the estimate is computed on demand from the live [`State`] and the catalog —
//! cheap (one pass over the queues the ticket competes in, plus a loop over the calls
//! ahead), so every answer carries a fresh one and nothing needs invalidating. Three
//! questions, each answered from what the state knows:
//!
//! 1. *How many calls of this service come before the ticket?* Its position under the real
//!    call policy: same-class tickets queued earlier, plus the other class as the strict or
//!    N:1 interleave policy and each counter's current streak will let them through, plus
//!    tickets past the max-wait guard; and, for a regular ticket, the priority visitors who
//!    will still arrive and go first (a decayed arrival rate in [`ServiceStats`]).
//! 2. *How fast are those calls made?* The counters open (or briefly paused) for the
//!    service, a shared counter counting by the share of its waiting work that is this
//!    service's, each call taking the service's recent mean counter time ([`ServiceStats`]:
//!    an outlier-clipped, exponentially weighted mean of called → released durations,
//!    blended with the catalog's standard time while there are few samples).
//! 3. *When does that working time end on the wall clock?* Scheduled breaks are skipped; past
//!    closing time the ticket is flagged.
//!
//! For (2) two models bracket reality and are blended by the measured variability of
//! service times (squared coefficient of variation, cv²): a fluid model — the k-th call
//! after k / (total call rate), exact in expectation for exponential times (Whitt's
//! (n+1)/(sμ) predictor when every counter is busy) — and a deterministic one that plays the
//! counters' remaining times forward, exact for constant times.

mod band;
mod steady;

pub use crate::service_stats::ServiceStats;
pub use band::WaitBand;
pub use steady::{ShownBand, steady_band};

use crate::catalog::{Catalog, Counter, PriorityPolicy};
use crate::policy::preference_weight;
use crate::state::{CounterStatus, State};
use crate::ticket::{Ticket, TicketId, TicketState};
use crate::time::Timestamp;

/// Mean counter time assumed when neither measurements nor the catalog give one.
pub const DEFAULT_OCCUPATION_S: f64 = 10.0 * 60.0;

/// The catalog's standard time counts as this many measured calls when blending: enough to
/// steady the first estimates of the day, few enough that reality takes over within minutes.
const PRIOR_WEIGHT_CALLS: f64 = 3.0;

/// Measured calls beyond this no longer dilute the catalog prior further (it is 0.3 % then;
/// the published standard is often an upper bound, so it must not bias the estimate).
const MAX_BLEND_CALLS: f64 = 1000.0;

/// An officer who paused outside a scheduled break is assumed back this long after pausing
/// (a prayer or a short errand). Scheduled breaks are taken from the schedule instead.
pub const ASSUMED_PAUSE_S: f64 = 15.0 * 60.0;

/// Relative error of the model itself (shared counters, officers' pace, arrivals of the
/// other class), added to the statistical spread of the band.
const MODEL_RELATIVE_ERROR: f64 = 0.15;

/// Half-width of the band in standard deviations: 1.28 would hold 80 % of a normal
/// distribution; the outward rounding of [`WaitBand`] adds a little on top.
const BAND_Z: f64 = 1.28;

/// At or below this cv² of service times the deterministic model is used alone.
const CV2_DETERMINISTIC: f64 = 0.1;

/// At or above this cv² the memoryless (fluid) model is used alone.
const CV2_MEMORYLESS: f64 = 0.7;

/// Largest share of capacity future priority arrivals are assumed to take under the strict
/// policy (beyond it the regular queue does not move at all and no estimate means much).
const STRICT_PRIORITY_LOAD_CAP: f64 = 0.9;

/// An estimate for one waiting ticket.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Point estimate of the time until the ticket is called, seconds from `now`.
    pub wait_s: u32,
    /// The band shown to visitors.
    pub band: WaitBand,
    /// The ticket is likely not called before closing time (or the site is closed today).
    pub after_closing: bool,
    /// What the estimate rests on, for the visitor's explanation.
    pub basis: Basis,
}

/// What an estimate rests on, in the terms a visitor can check: the calls before theirs,
/// the counters working on the queue and the time a call takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Basis {
    /// Calls of the service before the ticket's own (priority and booked ones included).
    pub calls_ahead: u32,
    /// Counters serving the service now (a shared counter counts by its share), rounded;
    /// 0 when none is open yet (the estimate then assumes they open shortly).
    pub counters: u32,
    /// Mean counter time of one call, seconds.
    pub mean_call_s: u32,
    /// A counter for the service is free now: the ticket is next and called at once.
    pub counter_free: bool,
}

/// The estimate for `ticket` at `now`, or None when it is not waiting, its service is not
/// in the catalog or no counter serves it.
pub fn estimate(
    state: &State,
    catalog: &Catalog,
    ticket: TicketId,
    now: Timestamp,
) -> Option<Estimate> {
    let ticket = state.ticket(ticket)?;
    if ticket.state != TicketState::Waiting || catalog.service(&ticket.service).is_none() {
        return None;
    }
    let service = ticket.service.as_str();
    let mean_s = mean_occupation_s(state, catalog, service);
    let cv2 = state
        .service_stats
        .get(service)
        .and_then(ServiceStats::occupation_cv2)
        // Unknown variability: assume exponential, the usual shape of counter work.
        .unwrap_or(1.0);

    let servers = servers_for(state, catalog, service, now);
    if servers.is_empty() {
        return None;
    }
    let any_open = catalog
        .counters_serving(service)
        .any(|c| state.counter(&c.id).status != CounterStatus::Closed);
    let capacity = servers.iter().map(|s| s.share).sum::<f64>();
    let calls = calls_until_mine(state, catalog, ticket, now);

    let fluid_s = fluid_kth_call_s(&servers, calls, mean_s);
    let deterministic_s = deterministic_kth_call_s(&servers, calls, mean_s);
    // Weight of the memoryless model. Near-exponential variability counts as exponential:
    // the estimate of cv² is itself noisy, and the deterministic model is badly wrong for
    // memoryless work, while the fluid one is only a little wrong for regular work.
    let blend = ((cv2 - CV2_DETERMINISTIC) / (CV2_MEMORYLESS - CV2_DETERMINISTIC)).clamp(0.0, 1.0);
    let mut working_s = blend * fluid_s + (1.0 - blend) * deterministic_s;

    // Priority visitors who arrive while a regular ticket waits are mostly called first.
    if !ticket.is_priority() {
        let rate_per_s = state
            .service_stats
            .get(service)
            .map_or(0.0, |s| s.priority_rate_at_time(now));
        let cap = match catalog.policy.priority {
            PriorityPolicy::Strict => STRICT_PRIORITY_LOAD_CAP,
            PriorityPolicy::Interleave {
                regular_per_priority,
            } => 1.0 / (f64::from(regular_per_priority) + 1.0),
        };
        let load = (rate_per_s * mean_s / capacity).min(cap);
        working_s /= 1.0 - load;
    }

    let interval_s = mean_s / capacity;
    // Only the calls that must wait for a counter to free up vary.
    let varying_calls = (f64::from(calls) - immediate_calls(&servers)).max(0.0);
    let spread_s = (cv2.min(4.0) * varying_calls * interval_s * interval_s
        + (MODEL_RELATIVE_ERROR * working_s).powi(2))
    .sqrt();
    let lo_s = (working_s - BAND_Z * spread_s).max(0.0);
    let hi_s = working_s + BAND_Z * spread_s;

    let clock = WorkingClock::new(catalog, now);
    let (mut wait_s, after_closing) = clock.wall_s(working_s);
    let (mut lo_wall_s, mut hi_wall_s) = (clock.wall_s(lo_s).0, clock.wall_s(hi_s).0);
    // A booked ticket that came early is not called before its slot.
    if let Some(booked) = ticket.booked.filter(|b| b.slot_at > now) {
        let until_slot_s = elapsed_s(now, booked.slot_at);
        wait_s = wait_s.max(until_slot_s);
        lo_wall_s = lo_wall_s.max(until_slot_s);
        hi_wall_s = hi_wall_s.max(until_slot_s);
    }
    let band = WaitBand::around(lo_wall_s, hi_wall_s);
    Some(Estimate {
        wait_s: wait_s.round().clamp(0.0, f64::from(u32::MAX)) as u32,
        band,
        after_closing,
        basis: Basis {
            calls_ahead: calls.saturating_sub(1),
            counters: if any_open {
                capacity.round().max(1.0) as u32
            } else {
                0
            },
            mean_call_s: mean_s.round() as u32,
            counter_free: f64::from(calls) <= immediate_calls(&servers),
        },
    })
}

/// The mean counter time of one call of `service`, seconds: measurements blended with the
/// catalog's standard time.
pub fn mean_occupation_s(state: &State, catalog: &Catalog, service: &str) -> f64 {
    let prior_s = catalog
        .service(service)
        .and_then(|s| s.standard.processing_time.counter_minutes())
        .filter(|&min| min > 0)
        .map_or(DEFAULT_OCCUPATION_S, |min| f64::from(min) * 60.0);
    match state.service_stats.get(service) {
        Some(stats) if stats.samples > 0 => {
            let n = f64::from(stats.samples).min(MAX_BLEND_CALLS);
            (prior_s * PRIOR_WEIGHT_CALLS + stats.occupation_mean_s * n) / (PRIOR_WEIGHT_CALLS + n)
        }
        _ => prior_s,
    }
}

/// A counter as a server of one service.
#[derive(Clone, Copy, Debug)]
struct Server {
    /// Fraction of its work going to the service (1 for a dedicated counter).
    share: f64,
    /// Working time until it can call at all (a personal pause), seconds.
    available_in_s: f64,
    /// Free now (no ticket in hand).
    idle: bool,
    /// Expected remaining time of the ticket in hand if service times were constant.
    remaining_s: f64,
}

fn servers_for(state: &State, catalog: &Catalog, service: &str, now: Timestamp) -> Vec<Server> {
    let in_scheduled_break = WorkingClock::new(catalog, now).in_break;
    let serving: Vec<&Counter> = catalog.counters_serving(service).collect();
    let mut servers: Vec<Server> = serving
        .iter()
        .filter_map(|counter| {
            let live = state.counter(&counter.id);
            let available_in_s = match live.status {
                CounterStatus::Closed => return None,
                CounterStatus::Open => 0.0,
                // Everyone pauses for a scheduled break; the clock skips it already.
                CounterStatus::Paused if in_scheduled_break => 0.0,
                CounterStatus::Paused => (ASSUMED_PAUSE_S - elapsed_s(live.since, now)).max(0.0),
            };
            let in_hand = live.current.and_then(|id| state.ticket(id));
            let remaining_s = in_hand.map_or(0.0, |t| {
                let mean_s = mean_occupation_s(state, catalog, &t.service);
                (mean_s - t.called_at.map_or(0.0, |c| elapsed_s(c, now))).max(0.0)
            });
            Some(Server {
                share: service_share(state, catalog, counter, service),
                available_in_s,
                idle: in_hand.is_none(),
                remaining_s,
            })
        })
        .collect();
    if servers.is_empty() {
        // Nobody has logged in yet (a late morning): assume the counters open shortly,
        // rather than give no estimate at all.
        servers = serving
            .iter()
            .map(|counter| Server {
                share: service_share(state, catalog, counter, service),
                available_in_s: ASSUMED_PAUSE_S,
                idle: true,
                remaining_s: 0.0,
            })
            .collect();
    }
    servers
}

/// The share of `counter`'s work going to `service`: waiting work (tickets × mean time)
/// weighted by the counter's preference, among the services it serves.
fn service_share(state: &State, catalog: &Catalog, counter: &Counter, service: &str) -> f64 {
    if counter.services.len() <= 1 {
        return 1.0;
    }
    let mut mine = 0.0;
    let mut total = 0.0;
    for (rank, code) in counter.services.iter().enumerate() {
        let waiting = state.waiting_count(code) as f64;
        let is_mine = code == service;
        // The ticket asking is waiting in its own service at least.
        let waiting = if is_mine { waiting.max(1.0) } else { waiting };
        let work = waiting * mean_occupation_s(state, catalog, code) * preference_weight(rank);
        total += work;
        if is_mine {
            mine = work;
        }
    }
    if total <= 0.0 { 1.0 } else { mine / total }
}

/// Calls of the ticket's service up to and including the ticket's own, under the policy.
fn calls_until_mine(state: &State, catalog: &Catalog, ticket: &Ticket, now: Timestamp) -> u32 {
    let policy = &catalog.policy;
    let overdue = |t: &Ticket| {
        policy
            .max_wait_s
            .is_some_and(|limit_s| elapsed_s(t.waiting_since(), now) >= f64::from(limit_s))
    };
    // Order within a queue by the time a ticket counts as waiting: a booked ticket that
    // came early counts from its slot. Early ones wait for their slot and pass nobody.
    let mine = (ticket.waiting_since(), ticket.id);
    let mine_booked = ticket.booked.is_some();
    let (mut same_ahead, mut same_other_kind) = (0u32, 0u32);
    let (mut other_total, mut other_overdue) = (0u32, 0u32);
    for t in state.waiting_in(&ticket.service) {
        if t.id == ticket.id || t.booked_early(now) {
            continue;
        }
        if t.is_priority() == ticket.is_priority() {
            if t.booked.is_some() == mine_booked {
                same_ahead += u32::from((t.waiting_since(), t.id) < mine);
            } else {
                same_other_kind += 1;
            }
        } else {
            other_total += 1;
            other_overdue += u32::from(overdue(t));
        }
    }
    // Booked and walk-in tickets of the class alternate by the ratio, booked first.
    let ratio = policy.booked_ratio;
    let (booked_run, walk_in_run) = (ratio.booked.max(1), ratio.walk_in.max(1));
    let interleaved = if mine_booked {
        (same_ahead / booked_run) * walk_in_run
    } else {
        (same_ahead / walk_in_run + 1) * booked_run
    };
    let same_ahead = same_ahead + interleaved.min(same_other_kind);
    let other_ahead = match policy.priority {
        PriorityPolicy::Strict if ticket.is_priority() => 0,
        PriorityPolicy::Strict => other_total,
        PriorityPolicy::Interleave {
            regular_per_priority,
        } => {
            let n = regular_per_priority.max(1);
            // Regular calls each counter may still make before its next priority call.
            let streak_credit: u32 = catalog
                .counters_serving(&ticket.service)
                .map(|c| state.counter(&c.id))
                .filter(|c| c.status != CounterStatus::Closed)
                .map(|c| c.regular_streak.min(n))
                .sum();
            if ticket.is_priority() {
                // Regular calls owed before the (ahead + 1)-th priority call.
                (n * (same_ahead + 1)).saturating_sub(streak_credit)
            } else {
                // Priority calls earned by the regular calls before mine.
                (same_ahead + streak_credit) / n
            }
        }
    };
    same_ahead + other_ahead.max(other_overdue).min(other_total) + 1
}

/// Working time until the `calls`-th call if calls come at the counters' total rate
/// (memoryless service): an idle counter calls as soon as it is available, then each
/// counter adds share / mean calls per second.
fn fluid_kth_call_s(servers: &[Server], calls: u32, mean_s: f64) -> f64 {
    let needed = f64::from(calls);
    let mut joins: Vec<&Server> = servers.iter().collect();
    joins.sort_by(|a, b| a.available_in_s.total_cmp(&b.available_in_s));
    let (mut made, mut rate, mut at_s) = (0.0, 0.0, 0.0);
    for server in joins {
        let join_s = server.available_in_s;
        if rate > 0.0 && made + rate * (join_s - at_s) >= needed {
            return at_s + (needed - made) / rate;
        }
        made += rate * (join_s - at_s);
        at_s = join_s;
        if server.idle {
            made += server.share;
            if made >= needed {
                return at_s;
            }
        }
        rate += server.share / mean_s;
    }
    if rate > 0.0 {
        at_s + (needed - made) / rate
    } else {
        f64::INFINITY
    }
}

/// Calls that find a counter free right now (idle, not paused), counted by share.
fn immediate_calls(servers: &[Server]) -> f64 {
    servers
        .iter()
        .filter(|s| s.idle && s.available_in_s == 0.0)
        .map(|s| s.share)
        .sum()
}

/// Working time until the `calls`-th call if every call took exactly the mean: each
/// counter's first call when its ticket in hand is done, then one every mean / share.
fn deterministic_kth_call_s(servers: &[Server], calls: u32, mean_s: f64) -> f64 {
    let mut next_s: Vec<(f64, f64)> = servers
        .iter()
        .filter(|s| s.share > 0.0)
        .map(|s| {
            let first_s = s.available_in_s + if s.idle { 0.0 } else { s.remaining_s };
            (first_s, mean_s / s.share)
        })
        .collect();
    if next_s.is_empty() {
        return f64::INFINITY;
    }
    let mut at_s = 0.0;
    for _ in 0..calls {
        let (i, &(soonest_s, interval_s)) = next_s
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
            .expect("not empty");
        at_s = soonest_s;
        next_s[i].0 = soonest_s + interval_s;
    }
    at_s
}

fn elapsed_s(since: Timestamp, now: Timestamp) -> f64 {
    (now.0 - since.0).max(0) as f64 / 1000.0
}

/// Maps working time (counters serving) to wall-clock time from `now`, skipping today's
/// scheduled breaks and noting when closing time is passed.
struct WorkingClock {
    now: Timestamp,
    /// Today's working periods still ahead, as (start, end), clipped to start at `now`.
    periods: Vec<(Timestamp, Timestamp)>,
    in_break: bool,
}

impl WorkingClock {
    fn new(catalog: &Catalog, now: Timestamp) -> WorkingClock {
        let zone = catalog.site.time_zone;
        let local = zone.local(now);
        let Ok(hours) = catalog.site.schedule.hours_on(local.date) else {
            return WorkingClock {
                now,
                periods: Vec::new(),
                in_break: false,
            };
        };
        let mut breaks: Vec<_> = hours.breaks.iter().map(|b| (b.start, b.end)).collect();
        breaks.sort();
        let mut periods = Vec::new();
        let mut start = hours.open;
        for (break_start, break_end) in breaks.into_iter().chain([(hours.close, hours.close)]) {
            let end = break_start.min(hours.close);
            if start < end {
                periods.push((zone.at(local.date, start), zone.at(local.date, end)));
            }
            start = start.max(break_end);
        }
        let in_break = hours
            .breaks
            .iter()
            .any(|b| b.start <= local.time && local.time < b.end);
        periods.retain(|&(_, end)| end > now);
        for period in &mut periods {
            period.0 = period.0.max(now);
        }
        WorkingClock {
            now,
            periods,
            in_break,
        }
    }

    /// Wall-clock seconds from now until `working_s` of service time has passed, and
    /// whether that is after closing (then counting on as if the counters went on).
    fn wall_s(&self, working_s: f64) -> (f64, bool) {
        let mut left_s = working_s;
        let mut last_end = self.now;
        for &(start, end) in &self.periods {
            let period_s = elapsed_s(start, end);
            if left_s <= period_s {
                return (elapsed_s(self.now, start) + left_s, false);
            }
            left_s -= period_s;
            last_end = end;
        }
        (elapsed_s(self.now, last_end) + left_s, true)
    }
}
