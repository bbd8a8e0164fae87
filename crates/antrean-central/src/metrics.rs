//! Counters for `/metrics` (Prometheus text format), next to the per-site shipping lag
//! read from the database when scraped.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::sites::{Refusal, SiteRow};

/// Central's counters.
#[derive(Default)]
pub struct Metrics {
    batches: AtomicU64,
    events: AtomicU64,
    bad_batches: AtomicU64,
    refused_bad_key: AtomicU64,
    refused_unknown_site: AtomicU64,
    refused_bad_protocol: AtomicU64,
    connected: AtomicI64,
    projected_events: AtomicU64,
}

impl Metrics {
    /// A refused shipping connection.
    pub fn refused(&self, refusal: Refusal) {
        match refusal {
            Refusal::BadKey => &self.refused_bad_key,
            Refusal::UnknownSite => &self.refused_unknown_site,
            Refusal::BadProtocol => &self.refused_bad_protocol,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// A batch stored with `new_events` rows that were new.
    pub fn batch_stored(&self, new_events: u64) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.events.fetch_add(new_events, Ordering::Relaxed);
    }

    /// A batch refused as malformed.
    pub fn bad_batch(&self) {
        self.bad_batches.fetch_add(1, Ordering::Relaxed);
    }

    /// A site connected (+1) or left (−1).
    pub fn site_connected(&self, delta: i64) {
        self.connected.fetch_add(delta, Ordering::Relaxed);
    }

    /// Events the projector took into the rollups.
    pub fn projected(&self, events: u64) {
        self.projected_events.fetch_add(events, Ordering::Relaxed);
    }

    /// The text exposition, with each site's lag at `now_ms`.
    pub fn render(&self, sites: &[SiteRow], now_ms: i64) -> String {
        use std::fmt::Write;
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            "antrean_central_batches_total",
            "Batches stored.",
            get(&self.batches),
        );
        counter(
            "antrean_central_events_total",
            "New events stored.",
            get(&self.events),
        );
        counter(
            "antrean_central_bad_batches_total",
            "Batches refused as malformed.",
            get(&self.bad_batches),
        );
        counter(
            "antrean_central_projected_events_total",
            "Events taken into the rollups.",
            get(&self.projected_events),
        );
        let _ = writeln!(
            out,
            "# HELP antrean_central_refused_total Shipping connections refused.\n\
             # TYPE antrean_central_refused_total counter"
        );
        for (reason, c) in [
            ("bad_key", &self.refused_bad_key),
            ("unknown_site", &self.refused_unknown_site),
            ("bad_protocol", &self.refused_bad_protocol),
        ] {
            let _ = writeln!(
                out,
                "antrean_central_refused_total{{reason=\"{reason}\"}} {}",
                get(c)
            );
        }
        let _ = writeln!(
            out,
            "# HELP antrean_central_connected_sites Sites connected now.\n\
             # TYPE antrean_central_connected_sites gauge\n\
             antrean_central_connected_sites {}",
            self.connected.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP antrean_central_site_lag_events Events a site has that central does not hold contiguously.\n\
             # TYPE antrean_central_site_lag_events gauge"
        );
        for s in sites {
            let _ = writeln!(
                out,
                "antrean_central_site_lag_events{{site=\"{}\"}} {}",
                s.id,
                s.lag_events()
            );
        }
        let _ = writeln!(
            out,
            "# HELP antrean_central_site_lag_seconds How far central's contiguous log is behind a site's newest event.\n\
             # TYPE antrean_central_site_lag_seconds gauge"
        );
        for s in sites {
            let _ = writeln!(
                out,
                "antrean_central_site_lag_seconds{{site=\"{}\"}} {}",
                s.id,
                s.lag_s()
            );
        }
        let _ = writeln!(
            out,
            "# HELP antrean_central_site_last_seen_seconds Seconds since a site last connected or shipped.\n\
             # TYPE antrean_central_site_last_seen_seconds gauge"
        );
        for s in sites {
            if let Some(seen) = s.last_seen_s() {
                let _ = writeln!(
                    out,
                    "antrean_central_site_last_seen_seconds{{site=\"{}\"}} {}",
                    s.id,
                    (now_ms / 1000 - seen).max(0)
                );
            }
        }
        out
    }
}
