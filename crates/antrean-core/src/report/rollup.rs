//! Daily rollups: what a central service (many sites) keeps so that a quarter across
//! hundreds of sites is a scan of a few rows per site, service and day instead of every
//! visit. Built from the rows [`Facts`] closes ([`Facts::drain_rollups`]) and added up
//! (every figure here is a sum, so rollups of disjoint parts of a log merge by addition,
//! in any order).
//!
//! Percentiles cannot be added, so waiting times are also kept as a histogram with fixed
//! buckets ([`WAIT_BUCKET_UPPER_S`]); a percentile of merged histograms is the upper bound
//! of the bucket that holds the nearest-rank sample ([`histogram_percentile_s`]): never
//! below the exact value, and at most one bucket width above it (1 minute up to 10 minutes,
//! growing to 2 hours past 5 hours).

use std::collections::BTreeMap;

use super::booking_facts::BookingOutcome;
use super::facts::{Facts, NONE, Outcome, VisitFact};
use crate::catalog::Catalog;
use crate::skm::Tally;
use crate::time::LocalDate;

/// Upper bounds (exclusive), seconds, of the waiting-time buckets; one more bucket holds
/// everything from the last bound on.
pub const WAIT_BUCKET_UPPER_S: [u32; 28] = [
    60, 120, 180, 240, 300, 360, 420, 480, 540, 600, // minute steps to 10 min
    720, 900, 1200, 1500, 1800, 2400, 3000, 3600, // to 1 h
    4500, 5400, 6300, 7200, 9000, 10800, 14400, 18000, // to 5 h
    25200, 36000, // 7 h, 10 h
];

/// Number of waiting-time buckets (the bounds plus the open last one).
pub const WAIT_BUCKETS: usize = WAIT_BUCKET_UPPER_S.len() + 1;

/// The bucket of a waiting time.
pub fn wait_bucket(wait_ms: u32) -> usize {
    let wait_s = wait_ms / 1000;
    WAIT_BUCKET_UPPER_S.partition_point(|&upper| upper <= wait_s)
}

/// The `fraction` percentile (0 < fraction ≤ 1, nearest rank) of a merged histogram, as the
/// upper bound of its bucket in seconds; for the open last bucket, its lower bound. None
/// when the histogram is empty.
pub fn histogram_percentile_s(counts: &[u64; WAIT_BUCKETS], fraction: f64) -> Option<u32> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = ((fraction * total as f64).ceil() as u64).clamp(1, total);
    let mut seen = 0;
    for (i, &c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(
                WAIT_BUCKET_UPPER_S
                    .get(i)
                    .copied()
                    .unwrap_or(WAIT_BUCKET_UPPER_S[WAIT_BUCKET_UPPER_S.len() - 1]),
            );
        }
    }
    None
}

/// One service on one day (days of the visits' start, like the site report).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceDay {
    /// Agency code of the service ("" when the catalog no longer knows it).
    pub agency: String,
    /// Tickets issued (visits that began with an issue).
    pub issued: u64,
    /// Visits served.
    pub served: u64,
    /// Called, did not come.
    pub no_show: u64,
    /// Cancelled by staff.
    pub cancelled: u64,
    /// Open at the end of their day.
    pub expired: u64,
    /// Sent on to another service.
    pub transferred: u64,
    /// Visits with a waiting time (called at least once).
    pub waited: u64,
    /// Sum of those waiting times, ms.
    pub wait_sum_ms: u64,
    /// Waiting times by bucket.
    pub wait_hist: [u64; WAIT_BUCKETS],
    /// Served visits with a service time.
    pub service_n: u64,
    /// Sum of those service times, ms.
    pub service_sum_ms: u64,
    /// Served visits measured against a minute/hour standard.
    pub measured: u64,
    /// Of which within the standard.
    pub within: u64,
    /// Of the issued visits, those of a checked-in booking (the rest are walk-ins).
    pub booked_issued: u64,
    /// Bookings for this day that were checked in. Bookings count for the day they are
    /// for, once settled (checked in, expired or cancelled): a rollup only adds, and an
    /// active booking may still move to another day.
    pub bookings_checked_in: u64,
    /// Bookings for this day nobody used (no-shows).
    pub bookings_expired: u64,
    /// Bookings for this day cancelled in time.
    pub bookings_cancelled: u64,
    /// Check-ins before the slot start.
    pub booked_early: u64,
    /// Sum of how long before the slot start, ms.
    pub booked_early_sum_ms: u64,
    /// Check-ins after the slot start (within the arrival window).
    pub booked_late: u64,
    /// Sum of how long after the slot start, ms.
    pub booked_late_sum_ms: u64,
}

/// One counter with one officer on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CounterDayRollup {
    /// Visits served.
    pub served: u64,
    /// Sum of their service times, ms.
    pub service_sum_ms: u64,
    /// Open (not paused), ms.
    pub open_ms: u64,
    /// Idle while open, ms.
    pub idle_ms: u64,
}

/// Ratings of one service on one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RatingDay {
    /// Agency code ("" for a site-wide import).
    pub agency: String,
    /// Questionnaire sums (the IKM of any merge is `tally.ikm(weight)`).
    pub tally: Tally,
    /// Of the questionnaires, imported from paper.
    pub imported: u64,
    /// One-tap faces 1..=4.
    pub faces: [u64; 4],
}

/// Rollup deltas, keyed by local day and names ("" for none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rollups {
    /// By (day, service code).
    pub services: BTreeMap<(LocalDate, String), ServiceDay>,
    /// By (day, counter id, officer id).
    pub counters: BTreeMap<(LocalDate, String, String), CounterDayRollup>,
    /// By (day, service code or "" for a site-wide import).
    pub ratings: BTreeMap<(LocalDate, String), RatingDay>,
    /// The visits themselves (one row each, names resolved), in closing order.
    pub visits: Vec<VisitRow>,
    /// The ratings themselves, in order.
    pub rating_rows: Vec<RatingRow>,
}

/// One closed visit, as central keeps it for drill-down (no visitor identity: a visit is
/// a service, times and a counter).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitRow {
    /// Local day of its start.
    pub day: LocalDate,
    /// Start, Unix ms.
    pub start_ms: i64,
    /// Service code.
    pub service: String,
    /// Agency code ("" when unknown).
    pub agency: String,
    /// Counter it was (last) called to ("" if never).
    pub counter: String,
    /// Officer at that call ("" if none).
    pub officer: String,
    /// Start → first call, ms.
    pub wait_ms: Option<u32>,
    /// Call → service start, ms.
    pub walk_ms: Option<u32>,
    /// Service start → end, ms.
    pub service_ms: Option<u32>,
    /// Start → end, ms.
    pub end_ms: Option<u32>,
    /// Began with the ticket's issue.
    pub issued: bool,
    /// served, no_show, transferred, cancelled, expired.
    pub outcome: &'static str,
}

/// One rating or imported questionnaire (the profile the SKM needs; no free text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingRow {
    /// Local day it counts for.
    pub day: LocalDate,
    /// When, Unix ms.
    pub at_ms: i64,
    /// Service code ("" for a site-wide import).
    pub service: String,
    /// Agency code.
    pub agency: String,
    /// Counter ("" for an import).
    pub counter: String,
    /// Officer ("" when none).
    pub officer: String,
    /// Face 1..=4, or 0.
    pub face: u8,
    /// Answers U1..U9 (None: blank), or no questionnaire.
    pub answers: Option<[Option<u8>; 9]>,
    /// Imported from paper.
    pub imported: bool,
    /// 0 none, 1 L, 2 P.
    pub gender: u8,
    /// Education index + 1, or 0.
    pub education: u8,
    /// Disability declared.
    pub disability: bool,
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Served => "served",
        Outcome::NoShow => "no_show",
        Outcome::Transferred => "transferred",
        Outcome::Cancelled => "cancelled",
        Outcome::Expired => "expired",
        Outcome::Open => "open",
    }
}

fn known(ms: u32) -> Option<u32> {
    (ms != NONE).then_some(ms)
}

impl Rollups {
    /// Whether there is nothing to add.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.counters.is_empty()
            && self.ratings.is_empty()
            && self.visits.is_empty()
            && self.rating_rows.is_empty()
    }
}

fn name(names: &[String], id: u32) -> String {
    if id == NONE {
        String::new()
    } else {
        names[id as usize].clone()
    }
}

impl Facts {
    /// Takes the visits, counter time, ratings and bookings closed (settled) so far out of
    /// these facts as rollup deltas (open visits, running counter stretches and active
    /// bookings stay, and come out when they close). `catalog` gives each service's agency
    /// and standard.
    pub fn drain_rollups(&mut self, catalog: &Catalog) -> Rollups {
        let tz = self.time_zone();
        let mut out = Rollups::default();
        for v in std::mem::take(&mut self.visits) {
            let day = tz.local(v.start).date;
            let code = name(&self.services.names, v.service);
            let service = catalog.service(&code);
            let row = out.services.entry((day, code)).or_default();
            if row.agency.is_empty() {
                row.agency = service.map(|s| s.agency.clone()).unwrap_or_default();
            }
            add_visit(
                row,
                &v,
                service.and_then(|s| s.standard.processing_time.counter_minutes()),
            );
            out.visits.push(VisitRow {
                day,
                start_ms: v.start.0,
                service: name(&self.services.names, v.service),
                agency: row.agency.clone(),
                counter: name(&self.counters.names, v.counter),
                officer: name(&self.officers.names, v.officer),
                wait_ms: known(v.wait_ms),
                walk_ms: known(v.walk_ms),
                service_ms: known(v.service_ms),
                end_ms: known(v.end_ms),
                issued: v.issued,
                outcome: outcome_name(v.outcome),
            });
            if v.outcome == Outcome::Served && v.counter != NONE {
                let key = (
                    day,
                    name(&self.counters.names, v.counter),
                    name(&self.officers.names, v.officer),
                );
                let c = out.counters.entry(key).or_default();
                c.served += 1;
                if v.service_ms != NONE {
                    c.service_sum_ms += u64::from(v.service_ms);
                }
            }
        }
        self.drain_settled_bookings(catalog, &mut out);
        for ((day, counter, officer), time) in std::mem::take(&mut self.counter_days) {
            let key = (
                LocalDate::from_days_since_epoch(day),
                name(&self.counters.names, counter),
                name(&self.officers.names, officer),
            );
            let c = out.counters.entry(key).or_default();
            c.open_ms += time.open_ms;
            c.idle_ms += time.idle_ms;
        }
        for r in std::mem::take(&mut self.ratings) {
            let day = tz.local(r.at).date;
            let row = out
                .ratings
                .entry((day, name(&self.services.names, r.service)))
                .or_default();
            if row.agency.is_empty() {
                row.agency = name(&self.agencies.names, r.agency);
            }
            if let Some(q) = &r.questionnaire {
                row.tally.add(q);
                row.imported += u64::from(r.imported);
            }
            if (1..=4).contains(&r.face) {
                row.faces[usize::from(r.face) - 1] += 1;
            }
            out.rating_rows.push(RatingRow {
                day,
                at_ms: r.at.0,
                service: name(&self.services.names, r.service),
                agency: row.agency.clone(),
                counter: name(&self.counters.names, r.counter),
                officer: name(&self.officers.names, r.officer),
                face: r.face,
                answers: r.questionnaire.as_ref().map(|q| q.answers),
                imported: r.imported,
                gender: r.gender,
                education: r.education,
                disability: r.disability,
            });
        }
        out
    }
}

impl Facts {
    /// Moves the settled bookings (checked in, expired, cancelled) into the service rows
    /// of the day they were for; active ones stay until they settle.
    fn drain_settled_bookings(&mut self, catalog: &Catalog, out: &mut Rollups) {
        let settled: Vec<_> = self
            .bookings
            .iter()
            .filter(|(_, b)| b.outcome != BookingOutcome::Active)
            .map(|(id, b)| (*id, *b))
            .collect();
        for (id, b) in settled {
            self.bookings.remove(&id);
            let code = name(&self.services.names, b.service);
            let row = out.services.entry((b.date, code.clone())).or_default();
            if row.agency.is_empty() {
                row.agency = catalog
                    .service(&code)
                    .map(|s| s.agency.clone())
                    .unwrap_or_default();
            }
            match b.outcome {
                BookingOutcome::Active => {}
                BookingOutcome::Cancelled => row.bookings_cancelled += 1,
                BookingOutcome::Expired => row.bookings_expired += 1,
                BookingOutcome::CheckedIn { arrival_s } => {
                    row.bookings_checked_in += 1;
                    let ms = i64::from(arrival_s).unsigned_abs() * 1000;
                    if arrival_s < 0 {
                        row.booked_early += 1;
                        row.booked_early_sum_ms += ms;
                    } else {
                        row.booked_late += 1;
                        row.booked_late_sum_ms += ms;
                    }
                }
            }
        }
    }

    /// Visits still open, by (day of their start, service code).
    pub fn open_by_day(&self, catalog: &Catalog) -> BTreeMap<(LocalDate, String), OpenDay> {
        let tz = self.time_zone();
        let mut out: BTreeMap<(LocalDate, String), OpenDay> = BTreeMap::new();
        for v in self.open_visits() {
            let code = name(&self.services.names, v.service);
            let row = out
                .entry((tz.local(v.start).date, code.clone()))
                .or_insert_with(|| OpenDay {
                    agency: catalog
                        .service(&code)
                        .map(|s| s.agency.clone())
                        .unwrap_or_default(),
                    ..OpenDay::default()
                });
            row.issued += u64::from(v.issued);
            row.booked_issued += u64::from(v.issued && v.booked);
            row.open += 1;
        }
        out
    }
}

/// The visits of one service and day still open (not in the rollups yet).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenDay {
    /// Agency code ("" when the catalog no longer knows the service).
    pub agency: String,
    /// Of them, those that began with an issue, like [`ServiceDay::issued`].
    pub issued: u64,
    /// Of those, a checked-in booking's, like [`ServiceDay::booked_issued`].
    pub booked_issued: u64,
    /// All of them.
    pub open: u64,
}

fn add_visit(row: &mut ServiceDay, v: &VisitFact, standard_min: Option<u32>) {
    row.issued += u64::from(v.issued);
    row.booked_issued += u64::from(v.issued && v.booked);
    match v.outcome {
        Outcome::Served => row.served += 1,
        Outcome::NoShow => row.no_show += 1,
        Outcome::Cancelled => row.cancelled += 1,
        Outcome::Expired => row.expired += 1,
        Outcome::Transferred => row.transferred += 1,
        Outcome::Open => {}
    }
    if v.wait_ms != NONE {
        row.waited += 1;
        row.wait_sum_ms += u64::from(v.wait_ms);
        row.wait_hist[wait_bucket(v.wait_ms)] += 1;
    }
    if v.outcome != Outcome::Served || v.service_ms == NONE {
        return;
    }
    row.service_n += 1;
    row.service_sum_ms += u64::from(v.service_ms);
    if let Some(standard_min) = standard_min {
        row.measured += 1;
        row.within += u64::from(u64::from(v.service_ms) <= u64::from(standard_min) * 60_000);
    }
}

impl ServiceDay {
    /// Adds another row's sums (the agency is kept).
    pub fn merge(&mut self, other: &ServiceDay) {
        self.issued += other.issued;
        self.served += other.served;
        self.no_show += other.no_show;
        self.cancelled += other.cancelled;
        self.expired += other.expired;
        self.transferred += other.transferred;
        self.waited += other.waited;
        self.wait_sum_ms += other.wait_sum_ms;
        for (a, b) in self.wait_hist.iter_mut().zip(other.wait_hist) {
            *a += b;
        }
        self.service_n += other.service_n;
        self.service_sum_ms += other.service_sum_ms;
        self.measured += other.measured;
        self.within += other.within;
        self.booked_issued += other.booked_issued;
        self.bookings_checked_in += other.bookings_checked_in;
        self.bookings_expired += other.bookings_expired;
        self.bookings_cancelled += other.bookings_cancelled;
        self.booked_early += other.booked_early;
        self.booked_early_sum_ms += other.booked_early_sum_ms;
        self.booked_late += other.booked_late;
        self.booked_late_sum_ms += other.booked_late_sum_ms;
    }

    /// Bookings for the period's days that were settled (checked in, expired, cancelled).
    pub fn bookings_settled(&self) -> u64 {
        self.bookings_checked_in + self.bookings_expired + self.bookings_cancelled
    }

    /// No-show rate, percent: expired / (checked in + expired), as the site report
    /// defines it (`report::BookingFigures::no_show_percent`); None when no booking's day came.
    pub fn booking_no_show_percent(&self) -> Option<f64> {
        let due = self.bookings_checked_in + self.bookings_expired;
        (due > 0).then(|| 100.0 * self.bookings_expired as f64 / due as f64)
    }

    /// Mean minutes early visitors checked in before their slot.
    pub fn mean_early_min(&self) -> Option<f64> {
        (self.booked_early > 0)
            .then(|| self.booked_early_sum_ms as f64 / self.booked_early as f64 / 60_000.0)
    }

    /// Mean minutes late visitors checked in after their slot start.
    pub fn mean_late_min(&self) -> Option<f64> {
        (self.booked_late > 0)
            .then(|| self.booked_late_sum_ms as f64 / self.booked_late as f64 / 60_000.0)
    }

    /// Mean waiting time, seconds (None without any wait measured).
    pub fn mean_wait_s(&self) -> Option<f64> {
        (self.waited > 0).then(|| self.wait_sum_ms as f64 / self.waited as f64 / 1000.0)
    }

    /// 90th percentile of waiting, seconds, as the histogram's bound (module docs).
    pub fn p90_wait_s(&self) -> Option<u32> {
        histogram_percentile_s(&self.wait_hist, 0.9)
    }

    /// Mean service time of served visits, seconds.
    pub fn mean_service_s(&self) -> Option<f64> {
        (self.service_n > 0).then(|| self.service_sum_ms as f64 / self.service_n as f64 / 1000.0)
    }

    /// Called visitors who did not come, percent of visits called (served + no-show +
    /// transferred).
    pub fn no_show_percent(&self) -> Option<f64> {
        let called = self.served + self.no_show + self.transferred;
        (called > 0).then(|| 100.0 * self.no_show as f64 / called as f64)
    }

    /// Served visits within the published processing time, percent of those measured.
    pub fn compliance_percent(&self) -> Option<f64> {
        (self.measured > 0).then(|| 100.0 * self.within as f64 / self.measured as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_percentiles() {
        assert_eq!(wait_bucket(0), 0);
        assert_eq!(wait_bucket(59_999), 0);
        assert_eq!(wait_bucket(60_000), 1);
        assert_eq!(wait_bucket(599_000), 9);
        assert_eq!(wait_bucket(600_000), 10);
        assert_eq!(wait_bucket(u32::MAX - 1), WAIT_BUCKETS - 1);
        let mut h = [0u64; WAIT_BUCKETS];
        assert_eq!(histogram_percentile_s(&h, 0.9), None);
        // 9 waits under a minute, 1 of 12 minutes: p90 is the 9th → ≤ 60 s; p100 → ≤ 15 min.
        h[0] = 9;
        h[wait_bucket(12 * 60_000)] = 1;
        assert_eq!(histogram_percentile_s(&h, 0.9), Some(60));
        assert_eq!(histogram_percentile_s(&h, 1.0), Some(900));
    }

    /// The histogram p90 is never below the exact nearest-rank p90, and at most one bucket
    /// above it.
    #[test]
    fn histogram_p90_bounds_the_exact_one() {
        let mut waits: Vec<u32> = (0..1000u32).map(|i| (i * 7919) % 5_400_000).collect();
        let mut h = [0u64; WAIT_BUCKETS];
        for &w in &waits {
            h[wait_bucket(w)] += 1;
        }
        let exact = super::super::DurationStats::of(&mut waits).p90_s;
        let bound = f64::from(histogram_percentile_s(&h, 0.9).unwrap());
        assert!(bound >= exact, "{bound} < {exact}");
        let bucket = wait_bucket((exact * 1000.0) as u32);
        assert_eq!(f64::from(WAIT_BUCKET_UPPER_S[bucket]), bound);
    }
}
