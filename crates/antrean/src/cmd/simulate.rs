//! `antrean simulate`: a simulated day (or days) on the real engine, its event log, and
//! how accurate the wait estimates were; `--accuracy-report` prints the BENCHMARKS.md table.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use antrean_sim::{Accuracy, SimConfig, scenarios};
use anyhow::Context;
use clap::Args;

#[derive(Args)]
pub struct SimulateArgs {
    /// Simulation config (TOML, see docs/simulate.md; default: docs/simulate-example.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Random seed (default: the config's); the same seed reproduces the same day.
    #[arg(long)]
    seed: Option<u64>,
    /// Days to simulate (default: the config's).
    #[arg(long)]
    days: Option<u32>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Write the event history as JSON Lines (the `antrean export` format).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Instead of one config: run the accuracy scenarios (stationary M/M/3 at ρ = 0.7,
    /// 0.8, 0.9 and the example Friday) and print the tables for BENCHMARKS.md.
    #[arg(long)]
    accuracy_report: bool,
    /// Days per scenario for --accuracy-report.
    #[arg(long, default_value_t = 60)]
    report_days: u32,
}

pub fn simulate(args: SimulateArgs) -> anyhow::Result<()> {
    if args.accuracy_report {
        return accuracy_report(&args);
    }
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            SimConfig::from_toml(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => SimConfig::from_toml(antrean_sim::EXAMPLE_CONFIG)?,
    };
    let mut config = config;
    if let Some(days) = args.days {
        config.days = days;
    }
    let seed = args.seed.unwrap_or(config.seed);
    let result = antrean_sim::simulate(&config, seed, &mut progress("hari"))?;
    finish_progress();
    if let Some(path) = &args.out {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        );
        for record in &result.log {
            serde_json::to_writer(&mut out, record)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        eprintln!("{} events written to {}", result.log.len(), path.display());
    }
    let accuracy = Accuracy::of(&result.tickets);
    if args.json {
        let summary = serde_json::json!({
            "seed": seed,
            "days": config.days,
            "events": result.log.len(),
            "turned_away": result.turned_away,
            "accuracy": accuracy,
        });
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&accuracy, result.turned_away, result.log.len());
    }
    Ok(())
}

fn print_summary(a: &Accuracy, turned_away: u32, events: usize) {
    println!(
        "{} tiket, {} dipanggil, {} belum terlayani, {} ditolak (lewat batas); {} event",
        a.tickets, a.called, a.unserved, turned_away, events
    );
    println!("rata-rata tunggu {:.1} menit", a.mean_wait_min);
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>10}",
        "PERKIRAAN", "RMSE", "MAE", "BIAS", "REL.RMSE"
    );
    for (name, p) in [
        ("antrean (eta)", &a.ours),
        ("naif (di depan × rata-rata / loket)", &a.naive),
        ("LES (terakhir dilayani)", &a.les),
    ] {
        println!(
            "{:<34} {:>6.1} mn {:>6.1} mn {:>+6.1} mn {:>10.3}",
            name, p.rmse_min, p.mae_min, p.bias_min, p.relative_rmse_waited
        );
    }
    println!(
        "rentang ditampilkan memuat waktu tunggu sebenarnya: {:.0} %",
        a.band_coverage * 100.0
    );
    println!(
        "ditandai 'lewat jam tutup': {} ({} tetap dipanggil); tidak terlayani: {} ({} ditandai)",
        a.flagged, a.flagged_but_called, a.unserved, a.unserved_flagged
    );
}

fn accuracy_report(args: &SimulateArgs) -> anyhow::Result<()> {
    let seed = args.seed.unwrap_or(1);
    let days = args.report_days;
    let mut rows = Vec::new();
    for (i, rho) in [0.7, 0.8, 0.9].into_iter().enumerate() {
        let label = format!("M/M/3 ρ={rho}");
        rows.push(scenarios::run_mms(
            rho,
            days,
            seed + i as u64,
            &mut progress(&label),
        )?);
        finish_progress();
    }
    let example = scenarios::run_example(days, seed, &mut progress("Jumat contoh"))?;
    finish_progress();
    if args.json {
        let report =
            serde_json::json!({ "seed": seed, "days": days, "mms": rows, "example": example });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", scenarios::report_markdown(&rows, &example, days));
    }
    Ok(())
}

/// A one-line progress indicator on stderr (only on a terminal, so logs stay clean).
fn progress(label: &str) -> impl FnMut(u32, u32) + '_ {
    let show = std::io::stderr().is_terminal();
    move |done, total| {
        if show {
            eprint!("\r{label}: {done}/{total} hari ");
        }
    }
}

fn finish_progress() {
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
}
