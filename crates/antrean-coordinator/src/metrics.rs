//! Counters for `/metrics` (Prometheus text format, written by hand: a handful of series
//! does not justify a metrics framework).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Figures for `/metrics`.
#[derive(Clone, Debug, Default)]
pub struct Inspection {
    /// Last log seq.
    pub seq: u64,
    /// (service, waiting, issued today).
    pub services: Vec<(String, u32, u32)>,
}

/// Upper bounds of the commit-latency histogram, in seconds.
const LATENCY_BUCKETS_S: [f64; 10] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0,
];

/// Process-wide counters.
#[derive(Default)]
pub struct Metrics {
    /// Open WebSocket connections.
    pub connections: AtomicU64,
    /// Connections refused because of the limit.
    pub connections_refused: AtomicU64,
    /// Tickets issued since start.
    pub tickets_issued: AtomicU64,
    /// Commands processed since start.
    pub commands: AtomicU64,
    /// Group commits (flushes).
    pub flushes: AtomicU64,
    /// Events written.
    pub events: AtomicU64,
    /// Sessions disconnected for not reading.
    pub slow_consumers: AtomicU64,
    /// Requests refused by the rate limit.
    pub rate_limited: AtomicU64,
    /// Wrong PINs or passwords.
    pub login_failures: AtomicU64,
    /// Logins refused because their source and name were locked out.
    pub logins_locked_out: AtomicU64,
    /// Browsers logged in through `POST /api/session`.
    pub web_logins: AtomicU64,
    flush_buckets: [AtomicU64; LATENCY_BUCKETS_S.len()],
    flush_sum_us: AtomicU64,
}

impl Metrics {
    /// Records one fsync.
    pub fn record_flush(&self, took: Duration) {
        self.flushes.fetch_add(1, Relaxed);
        self.flush_sum_us
            .fetch_add(took.as_micros() as u64, Relaxed);
        let secs = took.as_secs_f64();
        for (bucket, bound) in self.flush_buckets.iter().zip(LATENCY_BUCKETS_S) {
            if secs <= bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
    }

    /// Records one processed batch.
    pub fn record_batch(&self, commands: u64, events: u64) {
        self.commands.fetch_add(commands, Relaxed);
        self.events.fetch_add(events, Relaxed);
    }

    /// Renders the Prometheus text exposition.
    pub fn render(&self, queue: &Inspection) -> String {
        let mut out = String::new();
        let scalars = self.scalars(queue);
        for (name, help, kind, value) in scalars {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP antrean_commit_seconds Group-commit flush (fsync) latency.\n# TYPE antrean_commit_seconds histogram"
        );
        for (bucket, bound) in self.flush_buckets.iter().zip(LATENCY_BUCKETS_S) {
            let _ = writeln!(
                out,
                "antrean_commit_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Relaxed)
            );
        }
        let flushes = self.flushes.load(Relaxed);
        let _ = writeln!(
            out,
            "antrean_commit_seconds_bucket{{le=\"+Inf\"}} {flushes}"
        );
        let _ = writeln!(
            out,
            "antrean_commit_seconds_sum {}",
            self.flush_sum_us.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "antrean_commit_seconds_count {flushes}");
        let _ = writeln!(
            out,
            "# HELP antrean_waiting Tickets waiting per service.\n# TYPE antrean_waiting gauge"
        );
        for (service, waiting, _) in &queue.services {
            let _ = writeln!(out, "antrean_waiting{{service=\"{service}\"}} {waiting}");
        }
        let _ = writeln!(
            out,
            "# HELP antrean_issued_today Tickets issued today per service.\n# TYPE antrean_issued_today gauge"
        );
        for (service, _, issued) in &queue.services {
            let _ = writeln!(
                out,
                "antrean_issued_today{{service=\"{service}\"}} {issued}"
            );
        }
        out
    }

    /// The counters and single gauges: (name, help, type, value).
    fn scalars(&self, queue: &Inspection) -> [(&'static str, &'static str, &'static str, u64); 11] {
        [
            (
                "antrean_connections",
                "Open WebSocket connections.",
                "gauge",
                self.connections.load(Relaxed),
            ),
            (
                "antrean_connections_refused_total",
                "Connections refused at the limit.",
                "counter",
                self.connections_refused.load(Relaxed),
            ),
            (
                "antrean_tickets_issued_total",
                "Tickets issued since start.",
                "counter",
                self.tickets_issued.load(Relaxed),
            ),
            (
                "antrean_commands_total",
                "Queue commands processed since start.",
                "counter",
                self.commands.load(Relaxed),
            ),
            (
                "antrean_events_total",
                "Events written to the log since start.",
                "counter",
                self.events.load(Relaxed),
            ),
            (
                "antrean_slow_consumers_total",
                "Clients disconnected for not reading.",
                "counter",
                self.slow_consumers.load(Relaxed),
            ),
            (
                "antrean_rate_limited_total",
                "Requests refused by the per-connection rate limit.",
                "counter",
                self.rate_limited.load(Relaxed),
            ),
            (
                "antrean_login_failures_total",
                "Officer and manager logins with a wrong PIN or password.",
                "counter",
                self.login_failures.load(Relaxed),
            ),
            (
                "antrean_logins_locked_out_total",
                "Logins refused because their source address and name were locked out.",
                "counter",
                self.logins_locked_out.load(Relaxed),
            ),
            (
                "antrean_web_logins_total",
                "Officer and manager browsers logged in (session cookie) since start.",
                "counter",
                self.web_logins.load(Relaxed),
            ),
            (
                "antrean_log_seq",
                "Last durable log sequence number.",
                "gauge",
                queue.seq,
            ),
        ]
    }
}
