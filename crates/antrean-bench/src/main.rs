//! `antrean-bench`: measures the coordinator as deployed — the release `antrean serve`
//! process on loopback, clients in this process — and prints a Markdown table for
//! BENCHMARKS.md. Every figure stands next to a reference measured in the same run on the
//! same disk, because this machine is shared and noisy: compare ratios, not absolutes.

mod catalog;
mod fanout;
mod server;
mod stats;

use std::time::{Duration, Instant};

use antrean_client::Client;
use antrean_protocol::{Auth, DeviceKind, Request, ResultDto};
use anyhow::Context;
use clap::Parser;

use crate::server::BenchServer;
use crate::stats::Summary;

/// Benchmark the Antrean coordinator.
#[derive(Parser)]
struct Args {
    /// The `antrean` binary to benchmark (default: next to this one; build with --release).
    #[arg(long)]
    server: Option<std::path::PathBuf>,
    /// Directory for the data and the fdatasync probe (same disk for both). Default: a temp dir
    /// under ./target.
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
    /// Sequential issues for the latency figure.
    #[arg(long, default_value_t = 2000)]
    latency_samples: usize,
    /// Concurrent kiosks for the throughput figure.
    #[arg(long, default_value_t = 50)]
    kiosks: usize,
    /// Requests each kiosk keeps in flight.
    #[arg(long, default_value_t = 8)]
    window: usize,
    /// Seconds of the throughput run.
    #[arg(long, default_value_t = 5.0)]
    throughput_secs: f64,
    /// Idle connections for the memory figure.
    #[arg(long, default_value_t = 2000)]
    idle_connections: usize,
    /// Subscriber counts for the fan-out figure (comma-separated; the server allows 10,000
    /// connections, and the kiosk, officer and manager need three of them).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 1000, 5000, 9990])]
    fanout: Vec<usize>,
    /// Only the fan-out table.
    #[arg(long)]
    fanout_only: bool,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server_bin = match &args.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?.with_file_name("antrean"),
    };
    anyhow::ensure!(
        server_bin.exists(),
        "{} not found: cargo build --release -p antrean",
        server_bin.display()
    );
    let base = match &args.dir {
        Some(d) => d.clone(),
        None => {
            std::fs::create_dir_all("target")?;
            tempfile::Builder::new()
                .prefix("antrean-bench-")
                .tempdir_in("target")?
                .keep()
        }
    };
    std::fs::create_dir_all(&base)?;
    eprintln!(
        "bench dir {} (fdatasync probe and data on the same disk)",
        base.display()
    );

    if args.fanout_only {
        return fanout_table(&args, &server_bin, &base).await;
    }
    let server = BenchServer::start(&server_bin, &base, "throughput", true).await?;
    let url = server.url();
    let tokens = enroll_kiosks(&url, args.kiosks.max(1)).await?;
    eprintln!("server RSS after setup: {} KiB", server.rss_kib()?);
    // 1. Durable issue latency: one kiosk, one request at a time, each sample next to an
    //    fdatasync sample on the same disk, so both see the same moment of a shared disk.
    let (latency, fdatasync) =
        latency_next_to_fdatasync(&url, &tokens[0], &base, args.latency_samples).await?;

    // 2. Throughput: many kiosks, each with a window of requests in flight.
    let (issued, elapsed) = throughput(
        &url,
        &tokens,
        args.window,
        Duration::from_secs_f64(args.throughput_secs),
        false,
    )
    .await?;
    // The same kiosks also receiving every event of the site (each of them is also a board).
    let (issued_sub, elapsed_sub) = throughput(
        &url,
        &tokens,
        args.window,
        Duration::from_secs_f64(args.throughput_secs),
        true,
    )
    .await?;
    let per_s_sub = issued_sub as f64 / elapsed_sub.as_secs_f64();
    let per_s = issued as f64 / elapsed.as_secs_f64();
    let serial_reference = 1.0 / fdatasync.p50.as_secs_f64();

    eprintln!(
        "server RSS after the throughput run: {} KiB",
        server.rss_kib()?
    );
    server.stop().await?;

    // 3. Memory per idle connection, on a realistic site: the shipped sample MPP catalog
    //    with a morning's tickets, boards that read their snapshot and then idle.
    let (rss_before, rss_after) = idle_memory(&server_bin, &base, args.idle_connections).await?;
    let per_conn_kib = (rss_after.saturating_sub(rss_before)) as f64 / args.idle_connections as f64;

    print_table(&Figures {
        latency,
        fdatasync,
        kiosks: tokens.len(),
        window: args.window,
        issued,
        elapsed,
        per_s,
        per_s_sub,
        serial_reference,
        per_conn_kib,
        idle_connections: args.idle_connections,
        rss_kib: (rss_before, rss_after),
        disk: disk_of(&base),
        latency_samples: args.latency_samples,
    });

    // 4. Fan-out of one call event to many subscribed boards, and how it scales.
    fanout_table(&args, &server_bin, &base).await?;
    Ok(())
}

/// The figures of the main table, for BENCHMARKS.md.
struct Figures {
    latency: Summary,
    fdatasync: Summary,
    kiosks: usize,
    window: usize,
    issued: u64,
    elapsed: Duration,
    per_s: f64,
    per_s_sub: f64,
    serial_reference: f64,
    per_conn_kib: f64,
    idle_connections: usize,
    /// Server RSS before and after the idle connections (KiB).
    rss_kib: (u64, u64),
    disk: String,
    latency_samples: usize,
}

/// Prints the main table (Markdown) and the line saying what was measured on what.
fn print_table(f: &Figures) {
    println!("| figure | measured | reference (same run) | ratio | goal |");
    println!("|---|---|---|---|---|");
    println!(
        "| durable issue latency p50 | {} | fdatasync p50 {} | {:.2}× | ≤ 1.3× fdatasync p50 |",
        ms(f.latency.p50),
        ms(f.fdatasync.p50),
        f.latency.p50.as_secs_f64() / f.fdatasync.p50.as_secs_f64()
    );
    println!(
        "| durable issue latency p99 | {} | fdatasync p99 {} | {:.2}× | ≤ 1.5× fdatasync p99 |",
        ms(f.latency.p99),
        ms(f.fdatasync.p99),
        f.latency.p99.as_secs_f64() / f.fdatasync.p99.as_secs_f64()
    );
    println!(
        "| issue throughput, {} kiosks × {} in flight | {:.0} tickets/s ({} in {:.1} s) | one fdatasync per ticket: {:.0}/s | {:.1}× | ≥ 10,000/s |",
        f.kiosks,
        f.window,
        f.per_s,
        f.issued,
        f.elapsed.as_secs_f64(),
        f.serial_reference,
        f.per_s / f.serial_reference
    );
    println!(
        "| … the same kiosks also subscribed to every event ({} deliveries/s) | {:.0} tickets/s | one fdatasync per ticket: {:.0}/s | {:.1}× | — |",
        (f.per_s_sub * f.kiosks as f64) as u64,
        f.per_s_sub,
        f.serial_reference,
        f.per_s_sub / f.serial_reference
    );
    println!(
        "| server memory per idle WebSocket (sample MPP catalog, {MORNING_TICKETS} tickets) | {:.1} KiB ({} connections, RSS {} → {} KiB) | tungstenite default read buffer alone: 128 KiB | {:.2}× | ≤ 16 KiB |",
        f.per_conn_kib,
        f.idle_connections,
        f.rss_kib.0,
        f.rss_kib.1,
        f.per_conn_kib / 128.0
    );
    println!();
    println!(
        "disk: {}; {} latency samples, each right after one fdatasync-probe sample (256 B append + File::sync_data on the same file system)",
        f.disk, f.latency_samples
    );
}

/// Enrolls `count` kiosks through the initial manager; their tokens.
async fn enroll_kiosks(url: &str, count: usize) -> anyhow::Result<Vec<String>> {
    let mut manager = Client::connect(
        url,
        Auth::Manager {
            username: "admin".into(),
            password: server::ADMIN_PASSWORD.into(),
        },
    )
    .await?;
    let mut tokens = Vec::new();
    for i in 0..count {
        match manager
            .request(Request::EnrollDevice {
                kind: DeviceKind::Kiosk,
                name: format!("bench-{i}"),
                counter: None,
            })
            .await?
        {
            ResultDto::Enrolled { token, .. } => tokens.push(token),
            other => anyhow::bail!("unexpected {other:?}"),
        }
    }

    Ok(tokens)
}

/// Durable issue latency: one kiosk, one request at a time, each sample next to an
/// fdatasync sample on the same disk, so both see the same moment of a shared disk.
async fn latency_next_to_fdatasync(
    url: &str,
    token: &str,
    base: &std::path::Path,
    samples: usize,
) -> anyhow::Result<(Summary, Summary)> {
    let mut kiosk = Client::connect_with(
        url,
        Auth::Kiosk {
            token: token.to_owned(),
        },
        false,
    )
    .await?;
    let mut probe = stats::FdatasyncProbe::open(&base.join("fdatasync-probe.bin"))?;
    let mut issue_samples = Vec::with_capacity(samples);
    let mut fdatasync_samples = Vec::with_capacity(samples);
    for i in 0..samples {
        fdatasync_samples.push(probe.sample()?);
        let service = catalog::service_code(i);
        let started = Instant::now();
        kiosk
            .request(Request::IssueTicket {
                service,
                priority: None,
            })
            .await
            .context("latency issue")?;
        issue_samples.push(started.elapsed());
    }
    Ok((Summary::of(issue_samples), Summary::of(fdatasync_samples)))
}

/// Memory per idle connection, on a realistic site: the shipped sample MPP catalog with a
/// morning's tickets, boards that read their snapshot and then idle. RSS before and after
/// (KiB).
async fn idle_memory(
    server_bin: &std::path::Path,
    base: &std::path::Path,
    connections: usize,
) -> anyhow::Result<(u64, u64)> {
    let site = BenchServer::start(server_bin, base, "memory", false).await?;
    let site_url = site.url();
    let mut manager = Client::connect(
        &site_url,
        Auth::Manager {
            username: "admin".into(),
            password: server::ADMIN_PASSWORD.into(),
        },
    )
    .await?;
    let enroll = |kind| Request::EnrollDevice {
        kind,
        name: format!("{kind:?}").to_lowercase(),
        counter: None,
    };
    let (
        ResultDto::Enrolled {
            token: kiosk_token, ..
        },
        ResultDto::Enrolled { token: board, .. },
    ) = (
        manager.request(enroll(DeviceKind::Kiosk)).await?,
        manager.request(enroll(DeviceKind::Display)).await?,
    )
    else {
        anyhow::bail!("enrollment failed");
    };
    manager.close().await;
    let mut kiosk = Client::connect(&site_url, Auth::Kiosk { token: kiosk_token }).await?;
    let services: Vec<String> = kiosk
        .welcome
        .catalog
        .services
        .iter()
        .map(|s| s.code.clone())
        .collect();
    for i in 0..MORNING_TICKETS {
        let service = services[i % services.len()].clone();
        kiosk
            .request(Request::IssueTicket {
                service,
                priority: None,
            })
            .await?;
    }
    let rss_before = site.rss_kib()?;
    let mut idle = Vec::with_capacity(connections);
    for _ in 0..connections {
        // A real board reads its snapshot, then idles.
        let mut client = Client::connect(
            &site_url,
            Auth::Display {
                token: board.clone(),
            },
        )
        .await?;
        client
            .wait_for(Duration::from_secs(30), |m| {
                matches!(m, antrean_protocol::ServerMessage::Snapshot { .. }).then_some(())
            })
            .await?;
        idle.push(client);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = site.rss_kib()?;
    drop(idle);
    site.stop().await?;

    Ok((rss_before, rss_after))
}

/// The device and file system of `base` ("/dev/vda ext4"), for the record.
fn disk_of(base: &std::path::Path) -> String {
    std::process::Command::new("df")
        .arg("--output=source,fstype")
        .arg(base)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .nth(1)
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// Fan-out of one call event to many subscribed boards, and how it scales.
async fn fanout_table(
    args: &Args,
    server_bin: &std::path::Path,
    base: &std::path::Path,
) -> anyhow::Result<()> {
    if !args.fanout.is_empty() {
        println!();
        println!(
            "| subscribed boards | call alone p50 | call alone p99 | max | right after an issue p50 | p99 | max | deliveries (each) | server memory per board | goal |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|");
        for &n in &args.fanout {
            eprintln!("fan-out to {n} boards…");
            let f = fanout::measure(server_bin, base, n).await?;
            let goal = if n == 5000 {
                "alone p99 ≤ 100 ms"
            } else if n == 1 {
                "reference"
            } else {
                "—"
            };
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} KiB | {goal} |",
                f.subscribers,
                ms(f.latency.p50),
                ms(f.latency.p99),
                ms(f.max),
                ms(f.busy_latency.p50),
                ms(f.busy_latency.p99),
                ms(f.busy_max),
                f.deliveries,
                f.rss_per_subscriber_kib
            );
        }
    }
    Ok(())
}

/// Tickets issued on the memory-benchmark site before the boards connect.
const MORNING_TICKETS: usize = 300;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

async fn throughput(
    url: &str,
    tokens: &[String],
    window: usize,
    run_for: Duration,
    subscribe: bool,
) -> anyhow::Result<(u64, Duration)> {
    let started = Instant::now();
    let deadline = started + run_for;
    let mut tasks = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        let (url, token) = (url.to_owned(), token.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect_with(&url, Auth::Kiosk { token }, subscribe).await?;
            let mut sent = 0usize;
            let mut done = 0u64;
            let mut in_flight = 0usize;
            loop {
                while in_flight < window && Instant::now() < deadline {
                    let service = catalog::service_code(k * 7919 + sent);
                    client
                        .send_request(
                            &format!("t{k}-{sent}"),
                            Request::IssueTicket {
                                service,
                                priority: None,
                            },
                        )
                        .await?;
                    sent += 1;
                    in_flight += 1;
                }
                if in_flight == 0 {
                    break;
                }
                match client.next_message().await? {
                    antrean_protocol::ServerMessage::Ok { .. } => {
                        done += 1;
                        in_flight -= 1;
                    }
                    antrean_protocol::ServerMessage::Error { code, .. } => {
                        anyhow::bail!("throughput issue refused: {code}")
                    }
                    _ => {}
                }
            }
            anyhow::Ok(done)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok((total, started.elapsed()))
}
