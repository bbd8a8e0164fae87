//! The rush at Antrean Pusat: the same 10,000 attempts for 500 seats, sent to central's
//! visitors' booking API (`POST /api/sites/{site}/booking`) for a site whose passport is
//! booked at central. Central runs as the release `antrean central serve` in plain HTTP
//! (as behind a TLS proxy) on a throwaway PostgreSQL cluster on this machine, under
//! libfaketime at the same Monday 03:30 WIB. Overbooking is counted in PostgreSQL itself.
//! The reference is the same booking answer without a rush: 50 bookings one after another
//! of another service booked at central.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use antrean_central::db::Db;
use antrean_central::local_pg::LocalCluster;
use antrean_protocol::{BookRequestDto, BookingErrorDto};
use anyhow::Context;

use crate::{CATALOG, DAY, FAKE_UTC, Http, faketime_library, ms, p99};

const SITE: &str = "mpp-bench";

struct CentralChild {
    child: Child,
    addr: SocketAddr,
}

impl CentralChild {
    fn start(bin: &Path, pg: &LocalCluster) -> anyhow::Result<CentralChild> {
        use std::io::BufRead;
        let mut child = Command::new(bin)
            .env("LD_PRELOAD", faketime_library()?)
            .env("FAKETIME", format!("@{FAKE_UTC}"))
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .args(["central", "serve", "--listen", "127.0.0.1:0"])
            .env("ANTREAN_CENTRAL_DATABASE", pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} central serve", bin.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().context("central exited before listening")??;
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().context("address")?.parse()?;
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(CentralChild { child, addr })
    }
}

impl Drop for CentralChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bench catalog with both services booked at central (the walk-in service gets
/// slots too: it is the quiet reference here).
fn central_catalog() -> String {
    let booked = CATALOG.replace(
        "[services.booking]\nslot_min = 60\nseats_per_slot = 25\ndays_ahead = 1\narrive_late_min = 60\n",
        "[services.booking]\nslot_min = 60\nseats_per_slot = 25\ndays_ahead = 1\narrive_late_min = 60\nbooked_at = \"central\"\n",
    );
    assert_ne!(booked, CATALOG, "the bench catalog's booking block");
    booked.replace(
        "product = \"Informasi\"\ncomplaints = [\"SP4N-LAPOR!\"]\n",
        "product = \"Informasi\"\ncomplaints = [\"SP4N-LAPOR!\"]\n[services.booking]\nslot_min = 60\nseats_per_slot = 25\ndays_ahead = 1\nbooked_at = \"central\"\n",
    )
}

fn body(service: &str, slot: String, who: usize) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&BookRequestDto {
        service: service.into(),
        date: DAY.into(),
        slot,
        name: "Pemohon Uji".into(),
        phone: format!("0813{who:08}"),
        nik: None,
    })?)
}

/// Runs the central rush and prints its table rows.
pub async fn run(bin: &Path, base: &Path, clients: usize, attempts: usize) -> anyhow::Result<()> {
    let pg = LocalCluster::start_in(&base.join("pg"), false)?;
    let central = CentralChild::start(bin, &pg)?;
    let db = Db::connect(&pg.url()).await?;
    db.add_site(SITE, "MPP Bench", "Bench").await?;
    let catalog = central_catalog();
    antrean_catalog::parse("bench.toml", &catalog)?;
    db.get()
        .await?
        .execute(
            "UPDATE sites SET catalog_toml = $2, catalog_sha256 = $3 WHERE id = $1",
            &[
                &SITE,
                &catalog,
                &antrean_central::ingest::catalog_digest(&catalog),
            ],
        )
        .await?;
    let path = format!("/api/sites/{SITE}/booking");

    // Reference: bookings one after another, no rush.
    let mut quiet = Vec::new();
    let mut http = Http::connect(central.addr, IpAddr::V4(Ipv4Addr::new(127, 2, 0, 1))).await?;
    for i in 0..50 {
        let t = Instant::now();
        let (status, answer) = http
            .post(
                &path,
                &body("umum", format!("{:02}:00", 4 + i % 20), 900_000 + i)?,
            )
            .await?;
        anyhow::ensure!(status == 201, "quiet booking refused: {answer}");
        quiet.push(t.elapsed());
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let host = central.addr;
        let path = path.clone();
        let from = IpAddr::V4(Ipv4Addr::new(127, 1, (c / 250) as u8, (c % 250 + 1) as u8));
        tasks.push(tokio::spawn(async move {
            let mut http = Http::connect(host, from).await?;
            let mut out = Vec::with_capacity(attempts);
            for a in 0..attempts {
                let who = c * attempts + a;
                let request = body("paspor", format!("{:02}:00", 4 + (who * 7) % 20), who)?;
                let t = Instant::now();
                let (status, answer) = http.post(&path, &request).await?;
                out.push((t.elapsed(), status, answer));
            }
            anyhow::Ok(out)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut confirmed = 0usize;
    let mut refused = std::collections::BTreeMap::<String, usize>::new();
    for task in tasks {
        for (took, status, answer) in task.await?? {
            latencies.push(took);
            if status == 201 {
                confirmed += 1;
            } else {
                let code = serde_json::from_str::<BookingErrorDto>(&answer)
                    .map_or_else(|_| format!("http {status}"), |e| e.code);
                *refused.entry(code).or_default() += 1;
            }
        }
    }
    let rush_s = started.elapsed().as_secs_f64();
    // Overbooking as PostgreSQL holds it: bookings per slot against its 25 seats.
    let rows = db
        .get()
        .await?
        .query(
            "SELECT count(*) FROM bookings WHERE site_id = $1 AND service = 'paspor'
               AND state = 'active' GROUP BY slot_min",
            &[&SITE],
        )
        .await?;
    let stored: i64 = rows.iter().map(|r| r.get::<_, i64>(0)).sum();
    let over: i64 = rows.iter().map(|r| (r.get::<_, i64>(0) - 25).max(0)).sum();
    println!(
        "| central rush: {} attempts from {clients} clients for 500 seats, {rush_s:.1} s | {confirmed} confirmed; PostgreSQL: {stored} bookings, {over} over a slot's seats; refused {refused:?} | — | exactly 500, 0 overbooked, within 60 s |",
        latencies.len()
    );
    let slowest = latencies.iter().max().copied().unwrap_or_default();
    println!(
        "| central booking answer p99 during the rush | {:.1} ms (slowest {:.1} ms) | one booking at a time, p99 of 50: {:.1} ms | ≤ 50 ms |",
        ms(p99(latencies)),
        ms(slowest),
        ms(p99(quiet))
    );
    anyhow::ensure!(
        confirmed == 500 && stored == 500 && over == 0,
        "central: expected exactly 500 bookings, none over"
    );
    Ok(())
}
