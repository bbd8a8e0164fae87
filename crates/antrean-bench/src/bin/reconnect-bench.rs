//! `reconnect-bench`: how soon clients are live again after the coordinator comes back
//! (issue 8 goal: within 2 s of a restart, for kiosks, boards, consoles and phones).
//!
//! The release `antrean serve` runs on a fixed local port. Clients — each a loop that
//! connects, logs in and waits for its connection to end, with the reconnect policy every
//! client uses (`antrean_client::Backoff`: doubling from 250 ms, capped at 1 s; the web
//! pages' script uses the same numbers) — are connected; the server is stopped, stays down
//! for an outage, and is started again on the same address and data. The figure is, per
//! client, the time from the new server's "listening" line to that client's next welcome.
//! The end-to-end tests log the same figure for real pages in Chromium
//! (`tests/web_console.rs`); the goal lives here. Build with
//! `cargo build --release -p antrean -p antrean-bench`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antrean_client::{Backoff, Client};
use antrean_protocol::Auth;
use clap::Parser;
use tokio::sync::Mutex;

/// Benchmark clients reconnecting after a coordinator restart.
#[derive(Parser)]
struct Args {
    /// Clients reconnecting at once.
    #[arg(long, default_value_t = 20)]
    clients: usize,
    /// Restarts measured.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Seconds the coordinator stays down each time (long enough for the backoff to reach
    /// its cap, as in a real outage).
    #[arg(long, default_value_t = 8)]
    outage_s: u64,
    /// The `antrean` binary (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
}

const PASSWORD: &str = "bench-reconnect-password";

/// Starts `antrean serve` and waits for its "listening" line; returns it and when it came.
fn serve(server: &Path, data: &Path, addr: &str) -> anyhow::Result<(Child, Instant)> {
    let mut child = Command::new(server)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", addr, "--admin-password", PASSWORD])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        if line?.contains("listening") {
            let at = Instant::now();
            // Keep draining so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return Ok((child, at));
        }
    }
    anyhow::bail!("the server exited before listening")
}

fn stop(child: &mut Child) -> anyhow::Result<()> {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    child.wait()?;
    Ok(())
}

/// One client: connect (with the shared backoff policy), record each welcome's time, wait
/// for the connection to end, repeat.
async fn client(url: String, welcomes: Arc<Mutex<Vec<Instant>>>) {
    let mut backoff = Backoff::default();
    loop {
        let auth = Auth::Manager {
            username: "admin".into(),
            password: PASSWORD.into(),
        };
        match Client::connect_with(&url, auth, false).await {
            Ok(mut connection) => {
                welcomes.lock().await.push(Instant::now());
                backoff.reset();
                while connection.next_message().await.is_ok() {}
            }
            Err(_) => tokio::time::sleep(backoff.next_delay()).await,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = match args.server {
        Some(path) => path,
        None => std::env::current_exe()?.with_file_name("antrean"),
    };
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = format!("127.0.0.1:{port}");
    let (mut running, _) = serve(&server, &data, &addr)?;
    let welcomes: Vec<Arc<Mutex<Vec<Instant>>>> = (0..args.clients)
        .map(|_| Arc::new(Mutex::new(Vec::new())))
        .collect();
    for mine in &welcomes {
        tokio::spawn(client(format!("ws://{addr}/ws"), mine.clone()));
    }
    let mut delays_ms = Vec::new();
    for run in 0..args.runs {
        tokio::time::sleep(Duration::from_secs(1)).await;
        stop(&mut running)?;
        tokio::time::sleep(Duration::from_secs(args.outage_s)).await;
        let (child, listening) = serve(&server, &data, &addr)?;
        running = child;
        // Every client's first welcome after the new server listened.
        let mut run_ms = Vec::new();
        for mine in &welcomes {
            let first = loop {
                let found = mine.lock().await.iter().copied().find(|w| *w >= listening);
                if let Some(at) = found {
                    break at;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            };
            run_ms.push((first - listening).as_secs_f64() * 1e3);
        }
        run_ms.sort_by(f64::total_cmp);
        println!(
            "run {}: {} clients live again after {:.0}–{:.0} ms (median {:.0} ms)",
            run + 1,
            run_ms.len(),
            run_ms[0],
            run_ms[run_ms.len() - 1],
            run_ms[run_ms.len() / 2]
        );
        delays_ms.extend(run_ms);
    }
    stop(&mut running)?;
    delays_ms.sort_by(f64::total_cmp);
    let pick = |q: f64| delays_ms[((delays_ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "all: {} reconnects after a {} s outage: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (goal ≤ 2000 ms)",
        delays_ms.len(),
        args.outage_s,
        pick(0.5),
        pick(0.99),
        delays_ms[delays_ms.len() - 1]
    );
    Ok(())
}
