//! `restart-bench`: how long a site is down after a crash (issue 13 goal: with 1,000,000
//! events in sled and a 10,000-record write-ahead log tail, serving again in ≤ 2 s).
//!
//! The history comes from the real engine (the sample catalog, always open: tickets issued
//! day after day, the day's leftovers expiring at midnight), written through the store's
//! writer and checkpointed. Then 10,000 more records are committed to the log in frames of
//! ten without being applied to sled — the state a crash leaves after a busy stretch since
//! the last checkpoint — and the writer is dropped without a clean stop. Each run copies
//! that directory and times the release `antrean serve` from spawn to its "listening" line
//! (log replay into sled, then the engine rebuilt from all events). Build with
//! `cargo build --release -p antrean -p antrean-bench`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use antrean_core::{Channel, Command as CoreCommand, Engine, Timestamp};
use antrean_protocol::{LogRecord, event_to_dto};
use antrean_store::{Store, WalOptions};
use clap::Parser;

/// Benchmark a restart after a crash.
#[derive(Parser)]
struct Args {
    /// Events in sled (checkpointed) before the tail.
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Records in the log tail not yet in sled.
    #[arg(long, default_value_t = 10_000)]
    tail: u64,
    /// Restarts timed.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// The `antrean` binary (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Where to build the data directory (default: a temp dir under ./target).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Runs the engine for `count` records from `first_seq`, issuing tickets across services
/// and days, and hands them over in chunks.
fn generate(
    engine: &mut Engine,
    clock_ms: &mut i64,
    first_seq: u64,
    count: u64,
    mut chunk: impl FnMut(Vec<LogRecord>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let services: Vec<String> = engine
        .catalog()
        .services
        .iter()
        .map(|s| s.code.clone())
        .collect();
    let mut seq = first_seq;
    let mut pending = Vec::new();
    let mut i = 0usize;
    while seq < first_seq + count {
        // 6,000 tickets a day, three seconds apart, then the next morning.
        if i.is_multiple_of(6_000) && i > 0 {
            *clock_ms += 24 * 3_600_000 - 6_000 * 3_000;
        }
        *clock_ms += 3_000;
        let now = Timestamp(*clock_ms);
        let mut events = engine.tick(now).events;
        let command = CoreCommand::IssueTicket {
            service: services[i % services.len()].clone(),
            priority: None,
            channel: Channel::Kiosk,
        };
        if let Ok(outcome) = engine.handle(&command, now) {
            events.extend(outcome.events);
        }
        i += 1;
        for event in events {
            if seq >= first_seq + count {
                break;
            }
            pending.push(LogRecord {
                seq,
                at_ms: *clock_ms,
                event: event_to_dto(&event),
                request: None,
                request_digest: None,
            });
            seq += 1;
        }
        if pending.len() >= 10 {
            chunk(std::mem::take(&mut pending))?;
        }
    }
    if !pending.is_empty() {
        chunk(pending)?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Writes `events` through the store's writer and checkpoints them, then commits a `tail`
/// to the log alone and drops the writer without a clean stop: what a crash after a busy
/// stretch leaves.
fn build_crashed_directory(pristine: &Path, events: u64, tail: u64) -> anyhow::Result<()> {
    let catalog = antrean_catalog::always_open(antrean_catalog::sample());
    let mut engine = Engine::new(catalog);
    // 2026-01-05 08:00 in Jakarta.
    let mut clock_ms = 1_767_574_800_000i64;
    let started = Instant::now();
    {
        let options = WalOptions {
            background_checkpoints: false,
            ..WalOptions::default()
        };
        let fs = antrean_store::wal::fs::OsFs::new(&pristine.join(antrean_store::WAL_DIR))?;
        let (_store, mut writer) = Store::open_with(pristine, fs, options, || [9; 32])?;
        let mut batch = Vec::new();
        generate(&mut engine, &mut clock_ms, 1, events, |records| {
            batch.extend(records);
            if batch.len() >= 10_000 {
                writer.append(&std::mem::take(&mut batch))?;
            }
            Ok(())
        })?;
        writer.append(&batch)?;
        writer.checkpoint()?;
        eprintln!(
            "{} events in sled in {:.1} s",
            events,
            started.elapsed().as_secs_f64()
        );
        // The tail: durable in the log, never applied to sled, no clean stop.
        generate(&mut engine, &mut clock_ms, events + 1, tail, |records| {
            writer.commit(&records, &[])?;
            Ok(())
        })?;
        drop(writer);
    }
    Ok(())
}

/// Starts the server on `data` and times spawn → "listening", printing where the time went.
fn time_restart(server: &Path, data: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut child = Command::new(server)
        .args(["serve", "--always-open", "--listen", "127.0.0.1:0"])
        .arg("--data")
        .arg(data)
        .args(["--admin-password", "restart-bench"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    // The server's log, each line with when it arrived: where the time went.
    let stderr = child.stderr.take().expect("piped");
    let log_lines = std::thread::spawn(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .map(|line| (started.elapsed(), line))
            .collect::<Vec<_>>()
    });
    let mut listening = false;
    for line in std::io::BufReader::new(stdout).lines() {
        if line?.contains("listening on") {
            listening = true;
            break;
        }
    }
    let took = started.elapsed();
    child.kill()?;
    child.wait()?;
    let log = log_lines.join().expect("log reader");
    anyhow::ensure!(listening, "the server did not start: {log:?}");
    let at = |needle: &str| {
        log.iter()
            .find(|(_, line)| line.contains(needle))
            .map_or("-".to_owned(), |(at, _)| {
                format!("{:.2} s", at.as_secs_f64())
            })
    };
    eprintln!(
        "serving after {:.2} s (log tail replayed into sled at {}, engine rebuilt from every event at {})",
        took.as_secs_f64(),
        at("replayed frames"),
        at("event log replayed")
    );
    Ok(took)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = match args.server {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("antrean"),
    };
    anyhow::ensure!(server.exists(), "{} not found", server.display());
    let base = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            std::fs::create_dir_all("target")?;
            tempfile::Builder::new()
                .prefix("restart-bench-")
                .tempdir_in("target")?
                .keep()
        }
    };
    let pristine = base.join("pristine");
    build_crashed_directory(&pristine, args.events, args.tail)?;
    let mut times = Vec::new();
    for run in 0..args.runs {
        let data = base.join(format!("run-{run}"));
        let _ = std::fs::remove_dir_all(&data);
        copy_dir(&pristine, &data)?;
        let took = time_restart(&server, &data)?;
        times.push(took);
        std::fs::remove_dir_all(&data)?;
    }
    times.sort();
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
    println!("| figure | best | median | goal |");
    println!("|---|---|---|---|");
    println!(
        "| restart after a crash: {} events in sled + {}-record log tail, spawn → listening | {} | {} | ≤ 2 s |",
        args.events,
        args.tail,
        ms(times[0]),
        ms(times[times.len() / 2])
    );
    std::fs::remove_dir_all(&base)?;
    Ok(())
}
