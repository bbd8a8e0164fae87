//! The scenarios of the accuracy table in BENCHMARKS.md: stationary M/M/s days, where
//! queueing theory says how good any queue-length predictor can be, and the example
//! non-stationary Friday, where we compare with the two usual baselines.

use crate::config::{CounterConfig, ServiceConfig, SimConfig, SiteConfig};
use crate::random::ServiceTime;
use crate::{Accuracy, EXAMPLE_CONFIG, SimError, TicketOutcome, simulate};

/// Counters in the stationary scenario.
pub const MMS_COUNTERS: u32 = 3;
/// Mean service time in the stationary scenario, minutes.
pub const MMS_MEAN_MIN: f64 = 6.0;
/// Tickets issued in the first hours of a stationary day are not measured: the queue starts
/// empty each day, and Whitt's result is about the steady state (at ρ = 0.9 the queue
/// needs hours to reach it).
pub const MMS_WARMUP_MS: i64 = 4 * 60 * 60_000;

/// A stationary M/M/s site at load `rho`: Poisson arrivals at a flat rate from 00:00 to
/// 22:00, exponential service, FCFS (no priority, no no-shows, no walking time), counters
/// serving until the queue is empty, the catalog's standard time equal to the true mean.
pub fn mms_config(rho: f64, days: u32) -> SimConfig {
    let arrivals_per_h = rho * f64::from(MMS_COUNTERS) * 60.0 / MMS_MEAN_MIN;
    SimConfig {
        date: "2026-11-30".into(),
        days,
        seed: 0,
        walk_s: 0.0,
        no_show_wait_s: 120.0,
        regular_per_priority: 2,
        site: SiteConfig {
            open: "00:00".into(),
            close: "23:59".into(),
            issue_cutoff: "22:00".into(),
            breaks: Vec::new(),
        },
        hourly_profile: Vec::new(),
        services: vec![ServiceConfig {
            code: "layanan".into(),
            prefix: "A".into(),
            arrivals_per_h,
            service_time: ServiceTime::Exponential {
                mean_min: MMS_MEAN_MIN,
            },
            standard_min: Some(MMS_MEAN_MIN as u32),
            priority_share: 0.0,
            no_show_share: 0.0,
        }],
        counters: (1..=MMS_COUNTERS)
            .map(|i| CounterConfig {
                id: i.to_string(),
                services: vec!["layanan".into()],
                opens: None,
                closes: None,
                breaks: Vec::new(),
            })
            .collect(),
    }
}

/// One row of the stationary table.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MmsRow {
    /// Load.
    pub rho: f64,
    /// Accuracy over the measured tickets.
    pub accuracy: Accuracy,
    /// √(1 − ρ): the relative RMSE of the (n+1)/(sμ) predictor with known μ (Whitt).
    pub theory_relative_rmse: f64,
}

/// Runs the stationary scenario at `rho`.
pub fn run_mms(
    rho: f64,
    days: u32,
    seed: u64,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<MmsRow, SimError> {
    let result = simulate(&mms_config(rho, days), seed, progress)?;
    let day_start = |t: &TicketOutcome| {
        // Local (WIB, UTC+7) time of day.
        (t.issued_at_ms + 7 * 3_600_000).rem_euclid(86_400_000) < MMS_WARMUP_MS
    };
    Ok(MmsRow {
        rho,
        accuracy: Accuracy::of(result.tickets.iter().filter(|t| !day_start(t))),
        theory_relative_rmse: (1.0 - rho).sqrt(),
    })
}

/// The example Friday (`docs/simulate-example.toml`) over `days` days.
pub fn run_example(
    days: u32,
    seed: u64,
    progress: &mut dyn FnMut(u32, u32),
) -> Result<Accuracy, SimError> {
    let mut config = SimConfig::from_toml(EXAMPLE_CONFIG)?;
    config.days = days;
    let result = simulate(&config, seed, progress)?;
    Ok(Accuracy::of(&result.tickets))
}

/// The whole accuracy report as Markdown tables.
pub fn report_markdown(mms: &[MmsRow], example: &Accuracy, example_days: u32) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Stationary M/M/{MMS_COUNTERS}, mean service {MMS_MEAN_MIN} min; relative RMSE = RMSE / mean wait among visitors who waited:\n\n"
    ));
    out.push_str("| ρ | measured (waited / called) | mean wait | ours | √(1−ρ) (Whitt) | ours ÷ theory | (n+1)/(sμ), true μ, same run | naive | LES | band coverage |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in mms {
        let a = &row.accuracy;
        out.push_str(&format!(
            "| {:.1} | {} / {} | {:.1} min | {:.3} | {:.3} | **{:.2}×** | {:.3} | {:.3} | {:.3} | {:.0} % |\n",
            row.rho,
            a.waited,
            a.called,
            a.mean_wait_min,
            a.ours.relative_rmse_waited,
            row.theory_relative_rmse,
            a.ours.relative_rmse_waited / row.theory_relative_rmse,
            a.oracle.relative_rmse_waited,
            a.naive.relative_rmse_waited,
            a.les.relative_rmse_waited,
            a.band_coverage * 100.0,
        ));
    }
    let e = example;
    out.push_str(&format!(
        "\nNon-stationary Friday (docs/simulate-example.toml × {example_days} days: morning peak, prayer break, counter 2 leaves at 14:00, counter 3 late, lognormal and exponential service, 5 % no-shows, 10 % priority), {} tickets, {} called, mean wait {:.1} min:\n\n",
        e.tickets, e.called, e.mean_wait_min
    ));
    out.push_str(
        "| predictor | RMSE | MAE | bias | relative RMSE (waited) |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, p) in [
        ("ours", &e.ours),
        ("naive (ahead × mean / counters)", &e.naive),
        ("LES (last to enter service)", &e.les),
    ] {
        out.push_str(&format!(
            "| {name} | {:.1} min | {:.1} min | {:+.1} min | {:.3} |\n",
            p.rmse_min, p.mae_min, p.bias_min, p.relative_rmse_waited
        ));
    }
    out.push_str(&format!(
        "\nBand coverage {:.0} % of called tickets. After-closing flag: {} flagged ({} of them still called), {} unserved ({} of them flagged).\n",
        e.band_coverage * 100.0,
        e.flagged,
        e.flagged_but_called,
        e.unserved,
        e.unserved_flagged
    ));
    out
}
