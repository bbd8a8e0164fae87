//! `central-bench`: Antrean Pusat's numbers (issue 14), each next to a reference from the
//! same run on the same machine:
//! 1. **Ingest** — simulated sites ship synthetic days of events over TLS to the release
//!    `antrean central serve` (PostgreSQL with `synchronous_commit = on`), while central's
//!    projector turns them into rollups; next to a plain `COPY` of the same rows into the
//!    same table.
//! 2. **Memory** — central's RSS with hundreds of sites connected.
//! 3. **Reports** — a quarter of rollups for hundreds of sites (generated in SQL, standing
//!    for ≥ 40 million visits), reported for all sites, one service across all sites and one
//!    site; next to a bare scan of the same rows.
//! 4. **Overhead on a site** — durable issue p99 and fan-out p99 of the release site
//!    coordinator alone and shipping to central, rounds alternated.
//!
//! Build with `cargo build --release -p antrean -p antrean-bench`; needs Debian's
//! `postgresql` (a private cluster is made in a temp directory).

#[allow(dead_code)]
#[path = "../catalog.rs"]
mod catalog;
#[allow(dead_code)]
#[path = "../fanout.rs"]
mod fanout;
#[allow(dead_code)]
#[path = "../server.rs"]
mod server;
#[allow(dead_code)]
#[path = "../stats.rs"]
mod stats;

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antrean_central::db::Db;
use antrean_central::local_pg::LocalCluster;
use antrean_central::report::CentralQuery;
use antrean_client::Client;
use antrean_core::LocalDate;
use antrean_protocol::*;
use anyhow::Context;
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Benchmark Antrean Pusat.
#[derive(Parser)]
struct Args {
    /// The `antrean` binary (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Sites shipping at once in the ingest run.
    #[arg(long, default_value_t = 200)]
    ingest_sites: usize,
    /// Events each of them ships.
    #[arg(long, default_value_t = 2_500)]
    events_per_site: usize,
    /// Events per batch (the site's own bound is 1,000).
    #[arg(long, default_value_t = 500)]
    batch: usize,
    /// Sites connected for the memory figure.
    #[arg(long, default_value_t = 300)]
    connected_sites: usize,
    /// Sites in the generated quarter.
    #[arg(long, default_value_t = 300)]
    report_sites: usize,
    /// Rounds of the overhead measurement (each: site alone, then shipping).
    #[arg(long, default_value_t = 3)]
    overhead_rounds: usize,
    /// Sequential issues per latency sample set.
    #[arg(long, default_value_t = 1_000)]
    latency_samples: usize,
    /// Boards for the fan-out figure.
    #[arg(long, default_value_t = 1_000)]
    fanout_boards: usize,
}

struct CentralChild {
    child: Child,
    addr: SocketAddr,
}

impl CentralChild {
    fn start(
        bin: &Path,
        pg: &LocalCluster,
        tls: &antrean_central::tls::Generated,
    ) -> anyhow::Result<CentralChild> {
        let mut child = Command::new(bin)
            .args(["central", "serve", "--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(&tls.server_cert)
            .arg("--tls-key")
            .arg(&tls.server_key)
            .env("ANTREAN_CENTRAL_DATABASE", pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()?;
        let mut lines = std::io::BufReader::new(child.stdout.take().context("stdout")?).lines();
        let addr = loop {
            let line = lines.next().context("central exited")??;
            if let Some(rest) = line.split("listening on https://").nth(1) {
                break rest.split_whitespace().next().context("addr")?.parse()?;
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(CentralChild { child, addr })
    }

    fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .context("VmRSS")?;
        Ok(line.split_whitespace().nth(1).context("value")?.parse()?)
    }
}

impl Drop for CentralChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn client_tls(ca: &Path) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca)? {
        roots.add(cert?)?;
    }
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth(),
    ))
}

async fn connect(
    addr: SocketAddr,
    tls: Arc<rustls::ClientConfig>,
    site: &str,
    key: &str,
) -> anyhow::Result<Socket> {
    let mut request = format!("wss://{addr}{SHIP_PATH}").into_client_request()?;
    let h = request.headers_mut();
    h.insert("authorization", format!("Bearer {key}").parse()?);
    h.insert(SHIP_SITE_HEADER, site.parse()?);
    h.insert(SHIP_PROTOCOL_HEADER, SHIP_PROTOCOL_VERSION.into());
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(MAX_SHIP_MESSAGE_BYTES));
    let (mut socket, _) = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(config),
        true,
        Some(tokio_tungstenite::Connector::Rustls(tls)),
    )
    .await?;
    answer(&mut socket).await?; // welcome
    Ok(socket)
}

async fn answer(socket: &mut Socket) -> anyhow::Result<CentralMessage> {
    loop {
        match socket.next().await.context("closed")?? {
            Message::Text(t) => return Ok(serde_json::from_str(&t)?),
            _ => continue,
        }
    }
}

const SERVICES: [&str; 6] = [
    "ktp-el-baru",
    "kk-baru",
    "akta-kelahiran",
    "stnk-tahunan",
    "skck",
    "nib",
];

/// The `seq`-th event of a synthetic site day: day_started, then per ticket issued,
/// called, started, finished (a visit of about 12 minutes' wait, 4 minutes' service).
fn synthetic(seq: u64, day_start_ms: i64) -> ShippedEvent {
    let day = LocalDate::from_days_since_epoch(day_start_ms / 86_400_000).to_string();
    if seq == 1 {
        return ShippedEvent {
            seq,
            at_ms: day_start_ms,
            event: EventDto::DayStarted { day },
        };
    }
    let i = seq - 2;
    let ticket = i / 4 + 1;
    let service = SERVICES[(ticket % SERVICES.len() as u64) as usize].to_owned();
    let issued_ms = day_start_ms + 3_600_000 + ticket as i64 * 20_000;
    let (at_ms, event) = match i % 4 {
        0 => (
            issued_ms,
            EventDto::TicketIssued {
                ticket,
                number: format!("A-{:03}", ticket % 1000),
                day,
                service,
                priority: None,
                channel: "kiosk".into(),
            },
        ),
        1 => (
            issued_ms + 720_000,
            EventDto::TicketCalled {
                ticket,
                counter: "1".into(),
                officer: Some("o1".into()),
                out_of_order: false,
            },
        ),
        2 => (
            issued_ms + 760_000,
            EventDto::ServiceStarted {
                ticket,
                counter: "1".into(),
            },
        ),
        _ => (
            issued_ms + 1_000_000,
            EventDto::ServiceFinished {
                ticket,
                counter: "1".into(),
            },
        ),
    };
    ShippedEvent { seq, at_ms, event }
}

async fn ingest(
    args: &Args,
    central: &CentralChild,
    db: &Db,
    ca: &Path,
    pg: &LocalCluster,
) -> anyhow::Result<()> {
    let tls = client_tls(ca)?;
    let mut sockets = Vec::new();
    let day_start_ms = (antrean_central::ship::now_ms() / 86_400_000 - 1) * 86_400_000;
    let digest = antrean_central::ingest::catalog_digest(antrean_catalog::SAMPLE_CATALOG_TOML);
    for i in 0..args.ingest_sites {
        let site = format!("bench-{i:03}");
        let key = db.add_site(&site, &site, "Bench").await?;
        let mut socket = connect(central.addr, tls.clone(), &site, &key).await?;
        let profile = SiteMessage::Profile {
            catalog_toml: antrean_catalog::SAMPLE_CATALOG_TOML.into(),
            catalog_sha256: digest.clone(),
            officers: vec![],
        };
        socket
            .send(Message::text(serde_json::to_string(&profile)?))
            .await?;
        answer(&mut socket).await?;
        sockets.push(socket);
    }
    let per_site = args.events_per_site as u64;
    // Messages are made before the clock starts: the figure is central's, not the JSON
    // encoder's in this process.
    let batches: Vec<String> = (0..per_site.div_ceil(args.batch as u64))
        .map(|b| {
            let first = b * args.batch as u64 + 1;
            let last = (first + args.batch as u64 - 1).min(per_site);
            serde_json::to_string(&SiteMessage::Batch {
                events: (first..=last).map(|s| synthetic(s, day_start_ms)).collect(),
                site_last_seq: per_site,
                site_last_at_ms: day_start_ms,
            })
            .expect("serializes")
        })
        .collect();
    let batches = Arc::new(batches);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for mut socket in sockets {
        let batches = batches.clone();
        tasks.push(tokio::spawn(async move {
            for b in batches.iter() {
                socket.send(Message::text(b.clone())).await?;
                match answer(&mut socket).await? {
                    CentralMessage::Ack { .. } => {}
                    other => anyhow::bail!("{other:?}"),
                }
            }
            anyhow::Ok(socket)
        }));
    }
    let mut kept = Vec::new();
    for t in tasks {
        kept.push(t.await??);
    }
    let elapsed = started.elapsed();
    let total = per_site * args.ingest_sites as u64;
    let per_s = total as f64 / elapsed.as_secs_f64();
    let stored: i64 = pg.query("SELECT count(*) FROM raw_events")?.parse()?;
    anyhow::ensure!(stored as u64 == total, "stored {stored} of {total}");
    // The projector keeps working after the acks; how long until the rollups are current.
    let projected_at = loop {
        let behind: i64 = pg
            .query("SELECT coalesce(sum(s.confirmed_seq - c.projected_seq), 0) FROM sites s JOIN projector_cursors c ON c.site_id = s.id")?
            .parse()?;
        if behind == 0 {
            break started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // Reference: one COPY of the same rows (other site ids) into the same table.
    for i in 0..args.ingest_sites {
        db.add_site(&format!("copy-{i:03}"), "copy", "Bench")
            .await?;
    }
    let mut rows = Vec::new();
    for i in 0..args.ingest_sites {
        for seq in 1..=per_site {
            let e = synthetic(seq, day_start_ms);
            let json = serde_json::to_string(&e.event)?.replace('\\', "\\\\");
            rows.extend_from_slice(format!("copy-{i:03}\t{seq}\t{}\t{json}\n", e.at_ms).as_bytes());
        }
    }
    let (client, connection) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let copy_started = Instant::now();
    let sink = client
        .copy_in("COPY raw_events (site_id, seq, at_ms, event) FROM STDIN")
        .await?;
    futures_util::pin_mut!(sink);
    sink.send(bytes::Bytes::from(rows)).await?;
    let copied = sink.finish().await?;
    let copy_elapsed = copy_started.elapsed();
    let copy_per_s = copied as f64 / copy_elapsed.as_secs_f64();
    println!(
        "| ingest, {} sites × {} events in batches of {} over TLS (`synchronous_commit = on`) | {:.0} events/s ({} in {:.1} s) | plain `COPY` of the same rows into the same table: {:.0} rows/s | {:.0} % | ≥ 20,000/s and ≥ 50 % of COPY |",
        args.ingest_sites,
        per_site,
        args.batch,
        per_s,
        total,
        elapsed.as_secs_f64(),
        copy_per_s,
        100.0 * per_s / copy_per_s
    );
    println!(
        "| … projector's rollups current (from the first batch) | {:.1} s for {} events ({:.0} events/s) | — | — | — |",
        projected_at.as_secs_f64(),
        total,
        total as f64 / projected_at.as_secs_f64()
    );
    drop(kept);
    Ok(())
}

async fn memory(args: &Args, central: &CentralChild, db: &Db, ca: &Path) -> anyhow::Result<()> {
    let tls = client_tls(ca)?;
    let before = central.rss_kib()?;
    let mut sockets = Vec::new();
    for i in 0..args.connected_sites {
        let site = format!("idle-{i:03}");
        let key = db.add_site(&site, &site, "Bench").await?;
        sockets.push(connect(central.addr, tls.clone(), &site, &key).await?);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = central.rss_kib()?;
    println!(
        "| central RSS with {} sites connected | {:.1} MiB | before they connected (after the ingest run): {:.1} MiB | — | ≤ 200 MiB |",
        args.connected_sites,
        after as f64 / 1024.0,
        before as f64 / 1024.0
    );
    drop(sockets);
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn reports(args: &Args, db: &Db, pg: &LocalCluster) -> anyhow::Result<()> {
    let (from, to) = (
        LocalDate::new(2026, 7, 1).expect("date"),
        LocalDate::new(2026, 9, 30).expect("date"),
    );
    // Sites, then rollup rows for each site × day × service of the sample catalog, with
    // varied counts (≈ 82 visits per row on average: ≥ 40 million in the quarter).
    pg.query(&format!(
        "INSERT INTO sites (id, name, region, key_sha256, catalog_toml, catalog_sha256)
         SELECT 'rpt-' || lpad(i::text, 3, '0'), 'Kantor ' || i, 'Wilayah ' || (i % 12),
                '\\x00', (SELECT catalog_toml FROM sites WHERE id = 'bench-000'),
                (SELECT catalog_sha256 FROM sites WHERE id = 'bench-000')
         FROM generate_series(1, {}) i",
        args.report_sites
    ))?;
    let hist: Vec<String> = (0..antrean_core::report::rollup::WAIT_BUCKETS)
        .map(|i| format!("wait_h{i:02}"))
        .collect();
    let hist_values: Vec<String> = (0..antrean_core::report::rollup::WAIT_BUCKETS)
        .map(|i| {
            if i < 20 {
                format!("((v * {}) / 210)", 20 - i)
            } else {
                "0".into()
            }
        })
        .collect();
    let started = Instant::now();
    pg.query(&format!(
        "INSERT INTO daily_service (site_id, day, service, agency, issued, served, no_show, waited, wait_sum_ms, {},
             service_n, service_sum_ms, measured, within)
         SELECT s.id, d::date, sv.code, sv.agency, v, v - v / 10, v / 20, v, v * 700000, {},
                v - v / 10, (v - v / 10) * 480000, v - v / 10, (v - v / 10) * 9 / 10
         FROM sites s, generate_series('{from}'::date, '{to}'::date, '1 day') d,
              (VALUES ('ktp-el-baru','dukcapil'),('ktp-el-ganti','dukcapil'),('kk-baru','dukcapil'),
                      ('kk-perubahan','dukcapil'),('akta-kelahiran','dukcapil'),('akta-kematian','dukcapil'),
                      ('kia','dukcapil'),('pindah','dukcapil'),('paspor-baru','imigrasi'),('paspor-ganti','imigrasi'),
                      ('stnk-tahunan','samsat'),('stnk-5-tahunan','samsat'),('skck','polres'),('bpjs-daftar','bpjs-kesehatan'),
                      ('nib','dpmptsp'),('pbb-pembetulan','bapenda'),('roya','bpn'),('nikah','kemenag')) sv(code, agency),
              LATERAL (SELECT 40 + (abs(hashtext(s.id || d::text || sv.code)) % 85) AS v) x
         WHERE s.id LIKE 'rpt-%'",
        hist.join(", "), hist_values.join(", ")))?;
    let answered: Vec<String> = (1..=9).map(|u| format!("answered_{u}")).collect();
    let sums: Vec<String> = (1..=9).map(|u| format!("answer_sum_{u}")).collect();
    pg.query(&format!(
        "INSERT INTO daily_rating (site_id, day, service, agency, respondents, {}, {}, face_3, face_4)
         SELECT site_id, day, service, agency, served / 5, {}, {}, served / 10, served / 10
         FROM daily_service WHERE site_id LIKE 'rpt-%'",
        answered.join(", "),
        sums.join(", "),
        ["served / 5"; 9].join(", "),
        ["(served / 5) * 3"; 9].join(", "),
    ))?;
    // The weekly rollups the projector keeps beside the daily ones.
    for (family, columns) in [
        ("service", antrean_central::projector::service_columns()),
        ("rating", antrean_central::projector::rating_columns()),
    ] {
        let sums: Vec<String> = columns.iter().map(|c| format!("sum({c})")).collect();
        pg.query(&format!(
            "INSERT INTO weekly_{family} (site_id, week, service, agency, {})
             SELECT site_id, day - (extract(isodow FROM day)::int - 1), service, min(agency), {}
             FROM daily_{family} WHERE site_id LIKE 'rpt-%' GROUP BY 1, 2, 3",
            columns.join(", "),
            sums.join(", ")
        ))?;
    }
    for table in [
        "daily_service",
        "daily_rating",
        "weekly_service",
        "weekly_rating",
    ] {
        pg.query(&format!("VACUUM ANALYZE {table}"))?;
    }
    let generated = started.elapsed();
    let visits: i64 = pg
        .query("SELECT sum(issued) FROM daily_service WHERE site_id LIKE 'rpt-%'")?
        .parse()?;
    let rows: i64 = pg
        .query("SELECT count(*) FROM daily_service WHERE site_id LIKE 'rpt-%'")?
        .parse()?;
    let base = CentralQuery {
        from: Some(from),
        to: Some(to),
        ..CentralQuery::default()
    };
    let cases = [
        ("all sites", base.clone()),
        (
            "one service across all sites",
            CentralQuery {
                service: Some("ktp-el-baru".into()),
                ..base.clone()
            },
        ),
        (
            "one site",
            CentralQuery {
                site: Some("rpt-150".into()),
                ..base.clone()
            },
        ),
    ];
    let (client, connection) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let mut scans = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        client.query_one(&format!("SELECT count(*), sum(issued) FROM daily_service WHERE day BETWEEN '{from}' AND '{to}'"), &[]).await?;
        scans.push(t.elapsed());
    }
    let scan = median(scans);
    eprintln!(
        "generated {rows} rollup rows ({visits} visits) in {:.1} s",
        generated.as_secs_f64()
    );
    for (name, q) in cases {
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let report = antrean_central::pages::build(db, q.clone()).await?;
            let _ = report.tables(antrean_central::ship::now_ms());
            times.push(t.elapsed());
        }
        let goal = if name == "one site" {
            "≤ 200 ms"
        } else {
            "≤ 1 s"
        };
        println!(
            "| quarter report, {} sites ({} visits in {} daily rollup rows): {name} | {:.0} ms (median of 5; the whole report, its tables built) | bare scan of the quarter's rows: {:.0} ms | {:.1}× | {goal} |",
            args.report_sites,
            antrean_core::money::group_thousands(visits as u64),
            rows,
            median(times.clone()).as_secs_f64() * 1000.0,
            scan.as_secs_f64() * 1000.0,
            median(times).as_secs_f64() / scan.as_secs_f64()
        );
    }
    Ok(())
}

async fn issue_p99(server: &server::BenchServer, samples: usize) -> anyhow::Result<Duration> {
    let mut m = Client::connect(
        &server.url(),
        Auth::Manager {
            username: "admin".into(),
            password: server::ADMIN_PASSWORD.into(),
        },
    )
    .await?;
    let token = match m
        .request(Request::EnrollDevice {
            kind: DeviceKind::Kiosk,
            name: "k".into(),
            counter: None,
        })
        .await?
    {
        ResultDto::Enrolled { token, .. } => token,
        other => anyhow::bail!("{other:?}"),
    };
    let mut kiosk = Client::connect_with(&server.url(), Auth::Kiosk { token }, false).await?;
    let mut v = Vec::with_capacity(samples);
    for i in 0..samples {
        let t = Instant::now();
        kiosk
            .request(Request::IssueTicket {
                service: catalog::service_code(i),
                priority: None,
            })
            .await?;
        v.push(t.elapsed());
    }
    Ok(stats::Summary::of(v).p99)
}

async fn overhead(
    args: &Args,
    bin: &Path,
    base: &Path,
    central: &CentralChild,
    db: &Db,
    ca: &Path,
) -> anyhow::Result<()> {
    let mut alone = (Vec::new(), Vec::new());
    let mut shipping = (Vec::new(), Vec::new());
    for round in 0..args.overhead_rounds {
        for ship in [false, true] {
            let mut extra = Vec::new();
            if ship {
                let site = format!("live-{round}");
                let key = db.add_site(&site, &site, "Bench").await?;
                let key_file = base.join(format!("{site}.key"));
                std::fs::write(&key_file, key)?;
                extra = vec![
                    "--central-url".into(),
                    format!("wss://{}", central.addr),
                    "--central-site".into(),
                    site,
                    "--central-key-file".into(),
                    key_file.display().to_string(),
                    "--central-ca".into(),
                    ca.display().to_string(),
                ];
            }
            let name = format!("overhead-{round}-{ship}");
            let server = server::BenchServer::start_with(bin, base, &name, true, &extra).await?;
            let p99 = issue_p99(&server, args.latency_samples).await?;
            server.stop().await?;
            let fan = fanout::measure_with(bin, base, args.fanout_boards, &extra).await?;
            let target = if ship { &mut shipping } else { &mut alone };
            target.0.push(p99);
            target.1.push(fan.latency.p99);
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (a_issue, s_issue) = (median(alone.0), median(shipping.0));
    let (a_fan, s_fan) = (median(alone.1), median(shipping.1));
    println!(
        "| durable issue p99, site shipping to central (median of {} rounds) | {:.2} ms | the same site alone, rounds alternated: {:.2} ms | {:+.1} % | ≤ +5 % |",
        args.overhead_rounds,
        ms(s_issue),
        ms(a_issue),
        100.0 * (ms(s_issue) / ms(a_issue) - 1.0)
    );
    println!(
        "| fan-out p99 to {} boards, site shipping to central | {:.2} ms | the same site alone: {:.2} ms | {:+.1} % | no increase |",
        args.fanout_boards,
        ms(s_fan),
        ms(a_fan),
        100.0 * (ms(s_fan) / ms(a_fan) - 1.0)
    );
    Ok(())
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
        .prefix("central-bench-")
        .tempdir_in("target")?;
    let pg = LocalCluster::start_in(&base.path().join("pg"), false)?;
    let tls = antrean_central::tls::init(&base.path().join("tls"), &["127.0.0.1".into()])?;
    let central = CentralChild::start(&bin, &pg, &tls)?;
    let db = Db::connect(&pg.url()).await?;
    println!("| figure | measured | reference (same run) | ratio | goal |");
    println!("|---|---|---|---|---|");
    ingest(&args, &central, &db, &tls.ca_cert, &pg).await?;
    memory(&args, &central, &db, &tls.ca_cert).await?;
    reports(&args, &db, &pg).await?;
    overhead(&args, &bin, base.path(), &central, &db, &tls.ca_cert).await?;
    Ok(())
}
