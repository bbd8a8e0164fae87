//! `booking-bench`: online booking's numbers (issue 15), next to references from the same
//! run on the same machine:
//! 1. **Rush** — when a booking window opens, 500 clients (each on its own loopback
//!    address, as visitors on their own phones) send 10,000 booking attempts for 500 seats
//!    at once over HTTP. Exactly 500 must be confirmed and none overbooked; the answer's
//!    p99 is measured, with the durable issue p99 of kiosks taking walk-in tickets during
//!    the same rush and, before it, without one.
//! 2. **Check-in** — every confirmed booking checked in by kiosks over the WebSocket: scan
//!    → committed ticket, p99.
//! 3. **Central rush** — the same rush at Antrean Pusat's visitors' booking API, on a
//!    throwaway PostgreSQL cluster (`central_rush.rs`; `--no-central` skips it).
//!
//! The server runs under libfaketime at Monday 03:30 WIB (the bookings are for the same
//! day, so they can be checked in), with the release binary: `cargo build --release -p
//! antrean -p antrean-bench`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use antrean_client::Client;
use antrean_protocol::{Auth, BookRequestDto, BookingDto, DeviceKind, Request, ResultDto};
use anyhow::Context;
use clap::Parser;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

mod central_rush;

#[derive(Parser)]
struct Args {
    /// The `antrean` binary (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Concurrent booking clients.
    #[arg(long, default_value_t = 500)]
    clients: usize,
    /// Attempts per client.
    #[arg(long, default_value_t = 20)]
    attempts: usize,
    /// Kiosks taking walk-in tickets during the rush.
    #[arg(long, default_value_t = 4)]
    kiosks: usize,
    /// Skip the rush at Antrean Pusat (it needs Debian's `postgresql` package).
    #[arg(long)]
    no_central: bool,
}

const ADMIN_PASSWORD: &str = "bench-admin-password";
/// 03:30 WIB on Monday 7 December 2026.
const FAKE_UTC: &str = "2026-12-06 20:30:00";
const DAY: &str = "2026-12-07";

/// One bookable service, open all day in hourly slots of 25 seats: at 03:30 the 20 slots
/// from 04:00 to 23:00 can still be booked, 500 seats. Walk-in tickets during the rush
/// are taken for a second service, so the three-digit numbering of the first is left to
/// the check-ins.
const CATALOG: &str = r#"
[site]
name = "MPP Bench"
time_zone = "WIB"
[site.hours.monday]
open = "00:00"
close = "24:00"

[policy]
priority = "strict"

[[priority_classes]]
code = "lansia"
name_id = "Lansia"
name_en = "Elderly"

[[agencies]]
code = "imigrasi"
name_id = "Kantor Imigrasi"
name_en = "Immigration"

[[services]]
code = "paspor"
agency = "imigrasi"
prefix = "J"
name_id = "Paspor"
name_en = "Passport"
requirements = ["KTP-el"]
procedure = ["Datang sesuai jadwal"]
processing_time = { text = "4 hari kerja" }
fee = { variable = "Sesuai PP 45/2024", basis = "PP 45/2024" }
product = "Paspor"
complaints = ["SP4N-LAPOR!"]
[services.booking]
slot_min = 60
seats_per_slot = 25
days_ahead = 1
arrive_late_min = 60

[[services]]
code = "umum"
agency = "imigrasi"
prefix = "U"
name_id = "Informasi"
name_en = "Information"
requirements = ["-"]
procedure = ["Datang"]
processing_time = { text = "Hari itu juga" }
fee = { free = true, basis = "Tidak dipungut biaya" }
product = "Informasi"
complaints = ["SP4N-LAPOR!"]

[[counters]]
id = "1"
name = "Loket 1"
location = "Lantai 1"
services = ["paspor", "umum"]
"#;

/// Debian's libfaketime (package `faketime`), whatever the architecture's directory.
fn faketime_library() -> anyhow::Result<PathBuf> {
    std::fs::read_dir("/usr/lib")?
        .filter_map(Result::ok)
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .find(|p| p.exists())
        .context("libfaketime not found: install the Debian package `faketime`")
}

struct ServerChild {
    child: Child,
    addr: SocketAddr,
}

impl ServerChild {
    fn start(bin: &Path, base: &Path) -> anyhow::Result<ServerChild> {
        use std::io::BufRead;
        let catalog = base.join("catalog.toml");
        std::fs::write(&catalog, CATALOG)?;
        // libfaketime preloaded into the server itself (the `faketime` wrapper would leave
        // the server running when killed).
        let preload = faketime_library()?;
        let mut child = Command::new(bin)
            .env("LD_PRELOAD", preload)
            .env("FAKETIME", format!("@{FAKE_UTC}"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .args(["serve", "--data"])
            .arg(base.join("data"))
            .arg("--catalog")
            .arg(&catalog)
            .args([
                "--listen",
                "127.0.0.1:0",
                "--admin-password",
                ADMIN_PASSWORD,
            ])
            .args(["--max-requests-per-second", "1000000"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().context("server exited before listening")??;
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().context("address")?.parse()?;
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(ServerChild { child, addr })
    }

    fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive HTTP/1.1 connection from a given local address.
struct Http {
    stream: BufReader<TcpStream>,
    host: SocketAddr,
}

impl Http {
    async fn connect(host: SocketAddr, from: IpAddr) -> anyhow::Result<Http> {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(from, 0))?;
        let stream = socket.connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Http {
            stream: BufReader::new(stream),
            host,
        })
    }

    async fn post(&mut self, path: &str, body: &str) -> anyhow::Result<(u16, String)> {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        let mut status_line = String::new();
        self.stream.read_line(&mut status_line).await?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .context("status")?
            .parse()?;
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).await?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse()?;
            }
        }
        let mut body = vec![0u8; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, String::from_utf8(body)?))
    }
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * 0.99).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The bench's manager session (no event subscription).
async fn manager(server: &ServerChild) -> anyhow::Result<Client> {
    Ok(Client::connect_with(
        &server.url(),
        Auth::Manager {
            username: "admin".into(),
            password: ADMIN_PASSWORD.into(),
        },
        false,
    )
    .await?)
}

async fn kiosk(server: &ServerChild, name: &str) -> anyhow::Result<Client> {
    let mut manager = manager(server).await?;
    let token = match manager
        .request(Request::EnrollDevice {
            kind: DeviceKind::Kiosk,
            name: name.into(),
            counter: None,
        })
        .await?
    {
        ResultDto::Enrolled { token, .. } => token,
        other => anyhow::bail!("{other:?}"),
    };
    Ok(Client::connect_with(&server.url(), Auth::Kiosk { token }, false).await?)
}

/// Walk-in tickets, one after another, until `stop`; each answer's time.
async fn walk_ins(mut kiosk: Client, stop: tokio::sync::watch::Receiver<bool>) -> Vec<Duration> {
    let mut times = Vec::new();
    while !*stop.borrow() {
        let started = Instant::now();
        let answer = kiosk
            .request(Request::IssueTicket {
                service: "umum".into(),
                priority: None,
            })
            .await;
        if answer.is_err() {
            break;
        }
        times.push(started.elapsed());
        // A kiosk serves one visitor at a time; this is a busy one.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    times
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = match &args.server {
        Some(p) => p.clone(),
        None => std::env::current_exe()?.with_file_name("antrean"),
    };
    anyhow::ensure!(
        bin.exists(),
        "{} not found: cargo build --release -p antrean",
        bin.display()
    );
    std::fs::create_dir_all("target")?;
    let base = tempfile::Builder::new()
        .prefix("booking-bench-")
        .tempdir_in("target")?;
    let server = ServerChild::start(&bin, base.path())?;

    // Reference: durable issue p99 without a rush.
    let mut quiet_kiosk = kiosk(&server, "quiet").await?;
    let mut quiet = Vec::new();
    for _ in 0..200 {
        let started = Instant::now();
        quiet_kiosk
            .request(Request::IssueTicket {
                service: "umum".into(),
                priority: None,
            })
            .await?;
        quiet.push(started.elapsed());
    }

    // The rush.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut walkers = Vec::new();
    for k in 0..args.kiosks {
        let kiosk = kiosk(&server, &format!("rush-{k}")).await?;
        walkers.push(tokio::spawn(walk_ins(kiosk, stop_rx.clone())));
    }
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..args.clients {
        let host = server.addr;
        let attempts = args.attempts;
        // Every client its own address: the per-address limits apply per visitor.
        let from = IpAddr::V4(Ipv4Addr::new(127, 1, (c / 250) as u8, (c % 250 + 1) as u8));
        clients.push(tokio::spawn(async move {
            let mut http = Http::connect(host, from).await?;
            let mut out = Vec::with_capacity(attempts);
            for a in 0..attempts {
                let who = c * attempts + a;
                let body = serde_json::to_string(&BookRequestDto {
                    service: "paspor".into(),
                    date: DAY.into(),
                    slot: format!("{:02}:00", 4 + (who * 7) % 20),
                    name: "Pemohon Uji".into(),
                    phone: format!("0812{who:08}"),
                    nik: None,
                })?;
                let t = Instant::now();
                let (status, answer) = http.post("/api/booking", &body).await?;
                out.push((t.elapsed(), status, answer));
            }
            anyhow::Ok(out)
        }));
    }
    let mut latencies = Vec::new();
    let mut confirmed = Vec::new();
    let mut refused = std::collections::BTreeMap::<String, usize>::new();
    for client in clients {
        for (took, status, answer) in client.await?? {
            latencies.push(took);
            if status == 201 {
                let booking: BookingDto = serde_json::from_str(&answer)?;
                confirmed.push(booking.code);
            } else {
                let code = serde_json::from_str::<antrean_protocol::BookingErrorDto>(&answer)
                    .map_or_else(|_| format!("http {status}"), |e| e.code);
                *refused.entry(code).or_default() += 1;
            }
        }
    }
    let rush_s = started.elapsed().as_secs_f64();
    let _ = stop_tx.send(true);
    let mut rush_issue = Vec::new();
    for w in walkers {
        rush_issue.extend(w.await?);
    }
    // Overbooking, as the server's report sees it: bookings per slot against its seats.
    let mut manager = manager(&server).await?;
    let report = match manager
        .request(Request::Report {
            query: antrean_protocol::ReportQueryDto {
                from: Some(DAY.into()),
                to: Some(DAY.into()),
                ..Default::default()
            },
        })
        .await?
    {
        ResultDto::Report { report } => report,
        other => anyhow::bail!("{other:?}"),
    };
    let overbooked: u32 = report
        .booking
        .slots
        .iter()
        .map(|s| s.booked.saturating_sub(25))
        .sum::<u32>()
        + report.booking.made.saturating_sub(500);
    let attempts = latencies.len();
    println!("| figure | measured | reference (same run) | goal |");
    println!("|---|---|---|---|");
    println!(
        "| booking rush: {attempts} attempts from {} clients for 500 seats, {rush_s:.1} s | {} confirmed; server's report: {} bookings, {overbooked} over a slot's seats; refused {:?} | — | exactly 500, 0 overbooked, within 60 s |",
        args.clients,
        confirmed.len(),
        report.booking.made,
        refused
    );
    println!(
        "| booking answer p99 during the rush | {:.1} ms | durable issue p99 during the rush {:.1} ms ({} tickets); without a rush {:.1} ms | ≤ 50 ms |",
        ms(p99(latencies)),
        ms(p99(rush_issue.clone())),
        rush_issue.len(),
        ms(p99(quiet))
    );

    // Check-in: every confirmed booking, by kiosks.
    let kiosks = 8;
    let per = confirmed.len().div_ceil(kiosks);
    let mut tasks = Vec::new();
    for (k, chunk) in confirmed.chunks(per.max(1)).enumerate() {
        let mut kiosk = kiosk(&server, &format!("check-in-{k}")).await?;
        let codes = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for code in codes {
                let t = Instant::now();
                kiosk
                    .request(Request::CheckIn {
                        code,
                        priority: None,
                    })
                    .await?;
                times.push(t.elapsed());
            }
            anyhow::Ok(times)
        }));
    }
    let mut check_ins = Vec::new();
    for t in tasks {
        check_ins.extend(t.await??);
    }
    println!(
        "| check-in (code → committed ticket), {} check-ins by {kiosks} kiosks | p99 {:.1} ms | durable issue p99 without a rush {:.1} ms | ≤ 150 ms |",
        check_ins.len(),
        ms(p99(check_ins)),
        ms(p99(quiet_for_reference(&server).await?)),
    );
    anyhow::ensure!(
        confirmed.len() == 500,
        "expected exactly 500 confirmed bookings"
    );
    drop(server);
    if !args.no_central {
        central_rush::run(&bin, base.path(), args.clients, args.attempts).await?;
    }
    Ok(())
}

/// The quiet reference again after the check-ins (the machine may have warmed up).
async fn quiet_for_reference(server: &ServerChild) -> anyhow::Result<Vec<Duration>> {
    let mut k = kiosk(server, "quiet-after").await?;
    let mut v = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let _ = k
            .request(Request::IssueTicket {
                service: "umum".into(),
                priority: None,
            })
            .await;
        v.push(t.elapsed());
    }
    Ok(v)
}
