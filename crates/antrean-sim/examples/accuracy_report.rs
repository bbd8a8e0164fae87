//! The accuracy table of BENCHMARKS.md without building the whole `antrean` binary:
//! `cargo run --release -p antrean-sim --example accuracy_report [DAYS] [SEED]`.
//! (`antrean simulate --accuracy-report` prints the same.)

use antrean_sim::scenarios;

fn main() -> Result<(), antrean_sim::SimError> {
    let mut args = std::env::args().skip(1);
    let days: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut rows = Vec::new();
    for (i, rho) in [0.7, 0.8, 0.9].into_iter().enumerate() {
        rows.push(scenarios::run_mms(
            rho,
            days,
            seed + i as u64,
            &mut |_, _| {},
        )?);
    }
    let example = scenarios::run_example(days, seed, &mut |_, _| {})?;
    print!("{}", scenarios::report_markdown(&rows, &example, days));
    Ok(())
}
