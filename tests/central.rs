//! Antrean Pusat end to end: real sites (the `antrean` binary) shipping over TLS to a real
//! central process on a throwaway PostgreSQL cluster. Counts are checked exactly: every
//! durable event of a site is at central once, whatever was down or killed on the way.

use std::time::Duration;

use antrean_client::Client;
use antrean_protocol::*;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::central::*;
use crate::common::pg::PgCluster;
use crate::common::*;

/// Long enough for a reconnect after the shipper's backoff grew a few steps.
const CATCH_UP: Duration = Duration::from_secs(120);

fn site_args(flags: &[String]) -> Vec<&str> {
    let mut args = vec!["--always-open"];
    args.extend(flags.iter().map(String::as_str));
    args
}

/// Serves `n` tickets (call, start, finish) and marks `no_shows` as not come.
async fn serve_some(officer: &mut Client, n: usize, no_shows: usize) {
    for _ in 0..n {
        for request in [
            Request::CallNext { counter: None },
            Request::Start { counter: None },
            Request::Finish { counter: None },
        ] {
            officer.request(request).await.unwrap();
        }
    }
    for _ in 0..no_shows {
        officer
            .request(Request::CallNext { counter: None })
            .await
            .unwrap();
        officer
            .request(Request::NoShow { counter: None })
            .await
            .unwrap();
    }
}

/// Logs a manager in through the form; the session cookie (checked HttpOnly, Strict).
async fn log_in(central: &CentralServer, name: &str, password: &str) -> String {
    let form = format!("name={name}&password={password}");
    let (status, answer) = https_request(
        central.addr,
        &central.tls,
        "POST",
        "/central/login",
        None,
        &form,
    )
    .await;
    assert_eq!(status, 303, "{answer}");
    assert!(answer.to_lowercase().contains("httponly; samesite=strict"));
    answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

fn lag(server: &Server) -> (f64, f64, f64) {
    let m = site_metrics(server);
    (
        metric(&m, "antrean_central_lag_events").unwrap(),
        metric(&m, "antrean_central_connected").unwrap(),
        metric(&m, "antrean_log_seq").unwrap(),
    )
}

/// Every event 1..=last of the site is at central exactly once.
fn assert_exact(pg: &PgCluster, site: &str, last: f64) {
    let last = last as u64;
    assert_eq!(
        pg.query(&format!(
            "SELECT count(*) || '|' || count(DISTINCT seq) || '|' || max(seq) \
             FROM raw_events WHERE site_id = '{site}'"
        )),
        format!("{last}|{last}|{last}")
    );
    assert_eq!(
        pg.query(&format!(
            "SELECT confirmed_seq FROM sites WHERE id = '{site}'"
        )),
        last.to_string()
    );
}

fn today_wib() -> String {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    antrean_core::TimeZone::Wib
        .local(antrean_core::Timestamp(now_ms))
        .date
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_serves_with_central_down_and_its_backlog_arrives_exactly() {
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    add_site(&pg, &tls, "mpp-a", "MPP Kota A", "Jawa Barat");
    // Central's address is fixed now; central itself starts only after the site worked.
    let central_addr = free_addr();
    let site = Server::start_with(
        &work.path().join("site"),
        &site_args(&site_flags(central_addr, &tls, "mpp-a")),
    );
    let kiosk = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    set_officer(&site, "budi", "1234").await;
    let mut tokens = Vec::new();
    for i in 0..20 {
        let service = if i % 2 == 0 { "ktp-el-baru" } else { "kk-baru" };
        tokens.push(take(&site, &kiosk, service, None).await.1);
    }
    let mut budi = officer(&site, "budi", "1234", "1").await;
    serve_some(&mut budi, 6, 2).await;
    // The first visitor rates the service on the phone, with a saran that names them.
    let mut phone = Client::connect(
        &site.url(),
        Auth::Public {
            ticket_token: tokens[0].clone(),
        },
    )
    .await
    .unwrap();
    phone
        .request(Request::Rate {
            ticket: None,
            rating: RatingDto {
                face: Some(4),
                answers: Some([Some(4); 9]),
                suggestion: Some("Saya Siti, 0812-1111-2222".into()),
                ..RatingDto::default()
            },
        })
        .await
        .unwrap();
    let (lag_events, connected, last) = lag(&site);
    assert_eq!(connected, 0.0, "central is not up yet");
    assert_eq!(lag_events, last, "nothing has been confirmed yet");
    // The oldest event central lacks ages while it is away.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let m = site_metrics(&site);
    assert!(
        metric(&m, "antrean_central_lag_seconds").unwrap() >= 1.0,
        "{m}"
    );
    assert!(last > 30.0, "{last} events");

    let central = CentralServer::start(&pg, &tls, &central_addr.to_string());
    wait_for("the backlog to arrive", CATCH_UP, || {
        let (lag_events, connected, _) = lag(&site);
        lag_events == 0.0 && connected == 1.0
    })
    .await;
    assert_exact(&pg, "mpp-a", last);
    let (status, metrics) = central.get("/metrics", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        metric(&metrics, "antrean_central_site_lag_events{site=\"mpp-a\"}"),
        Some(0.0)
    );

    // The projector catches up and the report agrees with what happened at the site.
    wait_for("the projector to catch up", CATCH_UP, || {
        pg.query("SELECT projected_seq FROM projector_cursors WHERE site_id = 'mpp-a'")
            == (last as u64).to_string()
    })
    .await;
    let today = today_wib();
    let csv = central_cmd(
        &pg,
        &[
            "report", "--from", &today, "--to", &today, "--format", "csv", "--table", "kantor",
        ],
        "",
    );
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let row: Vec<&str> = lines.next().unwrap().split(';').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("Kantor"), "MPP Kota A");
    assert_eq!(cell("Wilayah"), "Jawa Barat");
    assert_eq!(cell("Tiket"), "20");
    assert_eq!(cell("Dilayani"), "6");
    assert_eq!(cell("Masih antre"), "12");
    assert_eq!(cell("Tidak hadir (%)"), "25,0", "2 of 8 called");
    assert_eq!((cell("Responden"), cell("IKM")), ("1", "100,00"));
    // The projections beside the rollups: one row per closed visit and per rating, and
    // nothing a visitor typed reached central.
    assert_eq!(
        pg.query(
            "SELECT count(*) || '|' || count(*) FILTER (WHERE outcome = 'served') || '|' || \
             count(*) FILTER (WHERE outcome = 'no_show') FROM visits WHERE site_id = 'mpp-a'"
        ),
        "8|6|2"
    );
    assert_eq!(
        pg.query("SELECT face || '|' || array_to_string(answers, ',') FROM ratings"),
        "4|4,4,4,4,4,4,4,4,4"
    );
    assert_eq!(
        pg.query("SELECT count(*) FROM raw_events WHERE event::text LIKE '%0812%'"),
        "0",
        "the saran stays at the site"
    );
    // The same figures from the weekly rollups: a period of the whole week holding today.
    let day = antrean_core::LocalDate::parse(&today).unwrap();
    let monday = antrean_core::LocalDate::from_days_since_epoch(
        day.days_since_epoch() - day.weekday().index() as i64,
    );
    let sunday = antrean_core::LocalDate::from_days_since_epoch(monday.days_since_epoch() + 6);
    let week_csv = central_cmd(
        &pg,
        &[
            "report",
            "--from",
            &monday.to_string(),
            "--to",
            &sunday.to_string(),
            "--format",
            "csv",
            "--table",
            "kantor",
        ],
        "",
    );
    assert_eq!(
        week_csv.lines().nth(1),
        csv.lines().nth(1),
        "a whole week read from weekly rollups agrees with the day's"
    );
    let regions = central_cmd(
        &pg,
        &[
            "report", "--from", &today, "--to", &today, "--format", "csv", "--table", "wilayah",
        ],
        "",
    );
    assert!(
        regions.lines().any(|l| l.starts_with("Jawa Barat;20;6;")),
        "per region: {regions}"
    );
    // The rollups are rebuilt from the raw events on request, to the same figures.
    central_cmd(&pg, &["reproject", "--site", "mpp-a"], "");
    wait_for("the projector to rebuild", CATCH_UP, || {
        pg.query("SELECT projected_seq FROM projector_cursors WHERE site_id = 'mpp-a'")
            == (last as u64).to_string()
    })
    .await;
    let again = central_cmd(
        &pg,
        &[
            "report", "--from", &today, "--to", &today, "--format", "csv", "--table", "kantor",
        ],
        "",
    );
    assert_eq!(again, csv, "re-projected from raw events");
    assert_eq!(pg.query("SELECT count(*) FROM visits"), "8");
    let officers = central_cmd(
        &pg,
        &[
            "report", "--from", &today, "--to", &today, "--format", "csv", "--table", "petugas",
        ],
        "",
    );
    let budi = officers
        .lines()
        .find(|l| l.contains("(budi)"))
        .unwrap_or_else(|| panic!("the officer by name: {officers}"));
    assert_eq!(budi.split(';').nth(2), Some("6"), "{budi}");
    // The workbook: one sheet per table, the same figures as the CSV.
    let xlsx = work.path().join("pusat.xlsx");
    central_cmd(
        &pg,
        &[
            "report",
            "--from",
            &today,
            "--to",
            &today,
            "--format",
            "xlsx",
            "--out",
            xlsx.to_str().unwrap(),
        ],
        "",
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    let sheets = book.sheet_names();
    for sheet in [
        "Ringkasan",
        "Per kantor",
        "Per layanan",
        "Tren mingguan",
        "Per petugas",
        "Status pengiriman",
    ] {
        assert!(sheets.iter().any(|s| s == sheet), "{sheet} in {sheets:?}");
    }
    let per_site = book.worksheet_range("Per kantor").unwrap();
    let row: Vec<String> = per_site
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        (row[0].as_str(), row[2].as_str(), row[3].as_str()),
        ("MPP Kota A", "20", "6")
    );

    // A manager reads it on the page: the site by name, and when it last shipped.
    central_cmd(&pg, &["manager", "add", "kepala"], "kata-sandi-pusat-1\n");
    let cookie = log_in(&central, "kepala", "kata-sandi-pusat-1").await;
    let (status, page) = central
        .get(
            &format!("/central/report?dari={today}&sampai={today}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("MPP Kota A"), "{page}");
    assert!(page.contains("baru saja"), "last shipped just now: {page}");
    let (status, _) = central.get("/central/report", None).await;
    assert_eq!(status, 303, "no cookie: to the login");
}

async fn ship_socket(
    central: &CentralServer,
    site: &str,
    key: &str,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    u16,
> {
    let mut request = format!("wss://{}{SHIP_PATH}", central.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    headers.insert("authorization", format!("Bearer {key}").parse().unwrap());
    headers.insert(SHIP_SITE_HEADER, site.parse().unwrap());
    headers.insert(SHIP_PROTOCOL_HEADER, SHIP_PROTOCOL_VERSION.into());
    match tokio_tungstenite::connect_async_tls_with_config(
        request,
        None,
        true,
        Some(tokio_tungstenite::Connector::Rustls(client_tls(
            &central.tls,
        ))),
    )
    .await
    {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(err) => panic!("connecting: {err}"),
    }
}

async fn exchange(
    socket: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    message: &SiteMessage,
) -> CentralMessage {
    socket
        .send(Message::text(serde_json::to_string(message).unwrap()))
        .await
        .unwrap();
    loop {
        match socket.next().await.unwrap().unwrap() {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            _ => continue,
        }
    }
}

fn batch(seqs: &[u64], last: u64) -> SiteMessage {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    SiteMessage::Batch {
        events: seqs
            .iter()
            .map(|&seq| ShippedEvent {
                seq,
                at_ms: now_ms - 1000 + seq as i64,
                event: EventDto::CounterPaused {
                    counter: "1".into(),
                    reason: None,
                },
            })
            .collect(),
        site_last_seq: last,
        site_last_at_ms: now_ms,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_duplicated_and_out_of_order_batches_are_idempotent_and_keys_are_checked() {
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    let key_a = std::fs::read_to_string(add_site(&pg, &tls, "mpp-a", "MPP A", "X")).unwrap();
    add_site(&pg, &tls, "mpp-b", "MPP B", "Y");
    let central = CentralServer::start(&pg, &tls, "127.0.0.1:0");
    let mut a = ship_socket(&central, "mpp-a", key_a.trim()).await.unwrap();
    let welcome = a.next().await.unwrap().unwrap();
    let welcome: CentralMessage = serde_json::from_str(welcome.to_text().unwrap()).unwrap();
    assert!(matches!(
        welcome,
        CentralMessage::Welcome {
            confirmed_seq: 0,
            ..
        }
    ));

    let ack = |seq| CentralMessage::Ack {
        confirmed_seq: seq,
        published_catalog: None,
    };
    // Out of order: held, but not confirmed until the gap is filled.
    assert_eq!(exchange(&mut a, &batch(&[3, 4], 4)).await, ack(0));
    assert_eq!(exchange(&mut a, &batch(&[1, 2], 4)).await, ack(4));
    // Replays and overlaps change nothing.
    assert_eq!(exchange(&mut a, &batch(&[1, 2, 3, 4], 4)).await, ack(4));
    assert_eq!(exchange(&mut a, &batch(&[2, 3, 4, 5], 5)).await, ack(5));
    // A malformed batch is refused whole: seq 6 is not stored with it.
    let refused = exchange(&mut a, &batch(&[6, 7, 7], 7)).await;
    assert!(
        matches!(&refused, CentralMessage::Refused { code, .. } if code == "bad_batch"),
        "{refused:?}"
    );
    assert_eq!(
        pg.query("SELECT count(*) || '|' || max(seq) FROM raw_events WHERE site_id = 'mpp-a'"),
        "5|5"
    );

    // Another site's id with this key, an unknown site, a wrong key: refused and counted.
    assert_eq!(
        ship_socket(&central, "mpp-b", key_a.trim()).await.err(),
        Some(401)
    );
    assert_eq!(
        ship_socket(&central, "mpp-z", key_a.trim()).await.err(),
        Some(401)
    );
    assert_eq!(
        ship_socket(&central, "mpp-a", "antrean-site-salah")
            .await
            .err(),
        Some(401)
    );
    let (_, metrics) = central.get("/metrics", None).await;
    assert_eq!(
        metric(
            &metrics,
            "antrean_central_refused_total{reason=\"bad_key\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        metric(
            &metrics,
            "antrean_central_refused_total{reason=\"unknown_site\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        pg.query("SELECT count(*) FROM raw_events WHERE site_id = 'mpp-b'"),
        "0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_central_and_site_killed_mid_ship_lose_and_duplicate_nothing() {
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    add_site(&pg, &tls, "mpp-a", "MPP Kota A", "Jawa Barat");
    let central_addr = free_addr();
    let data = work.path().join("site");
    // A slow link (32 KiB/s): the backlog takes several batches, so the kills below land
    // while it ships.
    let mut flags = site_flags(central_addr, &tls, "mpp-a");
    flags.extend(["--central-max-kibps".into(), "32".into()]);
    // One kiosk connection issues the backlog quickly.
    flags.extend(["--max-requests-per-second".into(), "100000".into()]);
    let site = Server::start_with(&data, &site_args(&flags));
    let kiosk_token = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    let mut kiosk = crate::common::kiosk(&site, &kiosk_token).await;
    for i in 0..1_500 {
        let service = ["kk-baru", "akta-kelahiran", "stnk-tahunan"][i % 3];
        kiosk
            .request(Request::IssueTicket {
                service: service.into(),
                priority: None,
            })
            .await
            .unwrap();
    }
    let central = CentralServer::start(&pg, &tls, &central_addr.to_string());
    let confirmed = || -> u64 {
        pg.query("SELECT confirmed_seq FROM sites WHERE id = 'mpp-a'")
            .parse()
            .unwrap()
    };
    wait_for("a first batch", CATCH_UP, || confirmed() > 0).await;
    // Live first: the first batch of the backlog already carried the newest events, so
    // central holds the site's last event long before the backlog is confirmed.
    let site_last = lag(&site).2 as u64;
    assert!(confirmed() < site_last, "still a backlog");
    assert_eq!(
        pg.query("SELECT max_held_seq FROM sites WHERE id = 'mpp-a'"),
        site_last.to_string()
    );

    // PostgreSQL crashes: the site keeps issuing; central reconnects by itself after.
    pg.crash();
    kiosk
        .request(Request::IssueTicket {
            service: "kk-baru".into(),
            priority: None,
        })
        .await
        .expect("the site serves with central's database down");
    pg.up();
    let before = confirmed();
    wait_for(
        "shipping to go on after PostgreSQL restarted",
        CATCH_UP,
        || confirmed() > before,
    )
    .await;

    // The site is SIGKILLed mid-ship, then central: both come back and carry on.
    drop(kiosk);
    site.kill();
    central.kill();
    let site = Server::start_with(&data, &site_args(&flags));
    let _central = CentralServer::start(&pg, &tls, &central_addr.to_string());
    wait_for("the rest of the backlog", CATCH_UP, || {
        let (lag_events, connected, _) = lag(&site);
        lag_events == 0.0 && connected == 1.0
    })
    .await;
    let (_, _, last) = lag(&site);
    assert!(last > 1_500.0);
    assert_exact(&pg, "mpp-a", last);
}

/// The sample catalog with one more closed day: `date` (so a start on that day is outside
/// service hours), and optionally a service renamed.
fn catalog_with(holiday: &str, rename: Option<&str>) -> String {
    let mut text = antrean_catalog::SAMPLE_CATALOG_TOML.to_owned();
    if let Some(name) = rename {
        text = text.replacen(
            "name_id = \"Penerbitan KTP-el Baru\"",
            &format!("name_id = \"{name}\""),
            1,
        );
    }
    text.push_str(&format!(
        "\n[[site.holidays]]\ndate = \"{holiday}\"\nname = \"Hari uji\"\n"
    ));
    text
}

fn catalog_json(server: &Server) -> String {
    let (status, _, body) = raw_get(server.addr, "/api/catalog", "");
    assert_eq!(status, 200);
    String::from_utf8(body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_catalog_is_checked_at_the_site_reported_back_and_applied_before_opening() {
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    add_site(&pg, &tls, "mpp-a", "MPP Kota A", "Jawa Barat");
    let central = CentralServer::start(&pg, &tls, "127.0.0.1:0");
    let flags = site_flags(central.addr, &tls, "mpp-a");
    let data = work.path().join("site");
    let site = Server::start_with(&data, &site_args(&flags));
    wait_for("the site to connect", CATCH_UP, || lag(&site).1 == 1.0).await;
    let status = |version: u32| {
        pg.query(&format!(
            "SELECT status || '|' || coalesce(to_char(applies_on, 'YYYY-MM-DD'), '') || '|' \
             || coalesce(error, '') FROM catalog_versions WHERE site_id = 'mpp-a' AND version = {version}"
        ))
    };

    // A file that does not load never leaves central.
    let broken = work.path().join("broken.toml");
    std::fs::write(&broken, "[site]\nname = 3\n").unwrap();
    let out = std::process::Command::new(antrean_bin())
        .args(["central", "catalog", "publish", "mpp-a"])
        .arg(&broken)
        .env("ANTREAN_CENTRAL_DATABASE", pg.url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken.toml:"),
        "names file:line"
    );
    assert_eq!(pg.query("SELECT count(*) FROM catalog_versions"), "0");

    // A new fee schedule (here: a renamed service) is offered, checked and accepted for
    // the site's next day.
    let today = today_wib();
    let tomorrow = antrean_core::LocalDate::parse(&today)
        .unwrap()
        .succ()
        .to_string();
    let renamed = work.path().join("renamed.toml");
    std::fs::write(
        &renamed,
        catalog_with("2020-01-01", Some("KTP-el Baru (tarif 2027)")),
    )
    .unwrap();
    let out = central_cmd(
        &pg,
        &["catalog", "publish", "mpp-a", renamed.to_str().unwrap()],
        "",
    );
    assert!(out.contains("version 1"), "{out}");
    wait_for("the site's answer", CATCH_UP, || {
        status(1).starts_with("accepted")
    })
    .await;
    assert_eq!(status(1), format!("accepted|{tomorrow}|"));
    assert!(
        !catalog_json(&site).contains("tarif 2027"),
        "never mid-day: the running site keeps its catalog"
    );

    // What the site's own loader refuses (an older binary, a hand-made row) comes back
    // with the file:line of the first error.
    pg.query(
        "INSERT INTO catalog_versions (site_id, version, catalog_toml, catalog_sha256, published_by)
         VALUES ('mpp-a', 2, '[site]\nname = 3\n', '00', 'uji')",
    );
    wait_for("the refusal", CATCH_UP, || {
        status(2).starts_with("rejected")
    })
    .await;
    assert!(
        status(2).contains("katalog dari pusat v2:2:"),
        "file:line of the error: {}",
        status(2)
    );
    let (status_code, _) = central.get("/metrics", None).await;
    assert_eq!(status_code, 200);

    // The next day, before opening (here: a closed day), the accepted catalog takes effect
    // at start; the day's date is simulated by moving the stored day back to today.
    drop(site);
    let meta = data.join("central-catalog/pending.meta");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, text.replace(&tomorrow, &today)).unwrap();
    // Open all day (--always-open): not outside service hours, so not yet.
    let site = Server::start_with(&data, &site_args(&flags));
    assert!(!catalog_json(&site).contains("tarif 2027"));
    drop(site);
    // Today closed (a holiday in the site's catalog file): before service, it applies.
    let closed_today = work.path().join("closed-today.toml");
    std::fs::write(&closed_today, catalog_with(&today, None)).unwrap();
    let mut args = vec!["--catalog", closed_today.to_str().unwrap()];
    args.extend(flags.iter().map(String::as_str));
    let site = Server::start_with(&data, &args);
    assert!(catalog_json(&site).contains("tarif 2027"));
    assert!(data.join("central-catalog/active.toml").exists());
    drop(site);
    // And it stays in force at later starts, whatever the hour.
    let site = Server::start_with(&data, &site_args(&flags));
    assert!(catalog_json(&site).contains("tarif 2027"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_regional_manager_sees_only_their_sites_and_a_newer_schema_is_refused() {
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    add_site(&pg, &tls, "mpp-a", "MPP Kota A", "Jawa Barat");
    add_site(&pg, &tls, "mpp-b", "MPP Kota B", "Jawa Tengah");
    central_cmd(
        &pg,
        &["manager", "add", "jateng", "--sites", "mpp-b"],
        "kata-sandi-jateng\n",
    );
    let central = CentralServer::start(&pg, &tls, "127.0.0.1:0");
    let cookie = log_in(&central, "jateng", "kata-sandi-jateng").await;
    let (status, page) = central.get("/central/report", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(page.contains("MPP Kota B"), "{page}");
    assert!(
        !page.contains("MPP Kota A"),
        "another region's site: {page}"
    );
    let (_, csv) = central
        .get("/central/report.csv?tabel=status", Some(&cookie))
        .await;
    assert!(
        csv.contains("MPP Kota B") && !csv.contains("MPP Kota A"),
        "{csv}"
    );
    // A cross-site form post is refused; wrong passwords pause the name.
    for _ in 0..5 {
        let (status, _) = https_request(
            central.addr,
            &tls,
            "POST",
            "/central/login",
            None,
            "name=jateng&password=salah-salah-salah",
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, _) = https_request(
        central.addr,
        &tls,
        "POST",
        "/central/login",
        None,
        "name=jateng&password=kata-sandi-jateng",
    )
    .await;
    assert_eq!(status, 429, "locked out after five wrong passwords");
    drop(central);

    // A database written by a newer release is refused, not written to.
    pg.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')");
    let out = std::process::Command::new(antrean_bin())
        .args(["central", "migrate"])
        .env("ANTREAN_CENTRAL_DATABASE", pg.url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("newer than this antrean knows"), "{stderr}");
}

/// A process stopped like Ctrl-C (then killed if it lingers) when dropped.
struct StopOnDrop(Option<std::process::Child>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let Some(mut child) = self.0.take() else {
            return;
        };
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..100 {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_central_demo_runs_two_sites_shipping_to_its_own_postgresql() {
    use std::io::BufRead;
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("demo");
    let mut child = std::process::Command::new(antrean_bin())
        .args(["central", "demo", "--listen", "127.0.0.1:0", "--dir"])
        .arg(&dir)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // A failing assertion below must not leave the demo (and its PostgreSQL) running.
    let mut child = StopOnDrop(Some(child));
    let mut printed = String::new();
    let mut report_addr = None;
    // Up to the booking page's line, printed after the report's.
    while !printed.contains("Booking page:") {
        let line = lines
            .next()
            .expect("the demo printed its report and booking addresses")
            .unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.split("Central report:  https://").nth(1) {
            report_addr = Some(rest.split('/').next().unwrap().parse().unwrap());
        }
    }
    let addr: std::net::SocketAddr = report_addr.expect("the report's address");
    std::thread::spawn(move || for _ in lines {});
    let tls = dir.join("tls");
    let (status, body) = https_request(addr, &tls, "GET", "/health", None, "").await;
    assert_eq!(status, 200, "{body}");
    // Both demo sites connect and ship (their visitors keep coming).
    wait_for("both demo sites to ship", CATCH_UP, || {
        let pg_port = std::fs::read_to_string(dir.join("pg/data/postmaster.pid"))
            .ok()
            .and_then(|pid| pid.lines().nth(3).map(str::to_owned));
        let Some(port) = pg_port else { return false };
        let out = std::process::Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "antrean",
                "-d",
                "pusat",
                "-tAc",
            ])
            .arg("SELECT count(*) FROM sites WHERE confirmed_seq > 0")
            .output();
        matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).trim() == "2")
    })
    .await;
    assert!(printed.contains("pusat / demo-pusat-123"), "{printed}");
    // The first site's passports are booked on central's page.
    assert!(
        printed.contains(&format!("https://{addr}/booking")),
        "{printed}"
    );
    let (status, page) = https_request(addr, &tls, "GET", "/booking", None, "").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-central"), "{page}");
    let deadline = tokio::time::Instant::now() + CATCH_UP;
    loop {
        let (_, sites) = https_request(addr, &tls, "GET", "/api/booking/sites", None, "").await;
        if sites.contains("mpp-kota-contoh") {
            assert!(!sites.contains("mpp-kab-contoh"), "{sites}");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the demo site's catalog never reached central: {sites}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let mut child = child.0.take().unwrap();
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the demo stops cleanly on SIGTERM: {status}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reads_the_central_report_in_a_browser() {
    use crate::common::browser::{Driver, Window};
    let pg = PgCluster::start();
    let work = tempfile::tempdir().unwrap();
    let tls = work.path().join("tls");
    tls_init(&tls);
    add_site(&pg, &tls, "mpp-a", "MPP Kota A", "Jawa Barat");
    central_cmd(&pg, &["manager", "add", "kepala"], "kata-sandi-pusat-1\n");
    let shipping = CentralServer::start(&pg, &tls, "127.0.0.1:0");
    let site = Server::start_with(
        &work.path().join("site"),
        &site_args(&shipping.site_flags("mpp-a")),
    );
    let kiosk = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    set_officer(&site, "budi", "1234").await;
    for _ in 0..3 {
        take(&site, &kiosk, "ktp-el-baru", None).await;
    }
    let mut budi = officer(&site, "budi", "1234", "1").await;
    serve_some(&mut budi, 2, 0).await;
    let last = lag(&site).2 as u64;
    wait_for("the rollups", CATCH_UP, || {
        pg.query("SELECT projected_seq FROM projector_cursors WHERE site_id = 'mpp-a'")
            == last.to_string()
    })
    .await;
    // The pages as a manager's office browser sees them, behind a TLS proxy (plain HTTP
    // here, so the browser needs no private CA).
    let pages = CentralServer::start_plain(&pg, &tls);
    let base = format!("http://{}", pages.addr);
    let driver = Driver::start();
    let browser = driver.open(Window {
        width: 1366,
        height: 768,
        autoplay: true,
    });
    browser.goto(&format!("{base}/central/report"));
    browser.wait_for("the login form", Duration::from_secs(10), |b| {
        b.visible("#login-form").then_some(())
    });
    browser.click("input[name=name]");
    browser.keys("kepala");
    browser.click("input[name=password]");
    browser.keys("kata-sandi-pusat-1");
    browser.click("#login-form button");
    browser.wait_text("h1", "Laporan Antrean Pusat", Duration::from_secs(10));
    let page = browser.text("main");
    assert!(page.contains("MPP Kota A"), "{page}");
    assert!(page.contains("baru saja"), "{page}");
    assert!(
        page.contains("Penerbitan KTP-el Baru"),
        "services by name: {page}"
    );
    // No password stays in the page; the session is an HttpOnly cookie.
    assert_eq!(browser.js("return document.cookie"), serde_json::json!(""));
    // Wide tables scroll inside their cards; the page itself fits the screen.
    assert_eq!(
        browser.js("return document.documentElement.scrollWidth <= window.innerWidth"),
        serde_json::json!(true)
    );
    browser.screenshot("central-report-1366x768");
    // A reload keeps the login; "Keluar" ends it.
    browser.goto(&format!("{base}/central/report"));
    browser.wait_text("h1", "Laporan Antrean Pusat", Duration::from_secs(10));
    browser.click("#logout");
    browser.wait_for("the login form again", Duration::from_secs(10), |b| {
        b.visible("#login-form").then_some(())
    });
    browser.goto(&format!("{base}/central/report"));
    browser.wait_for("still logged out", Duration::from_secs(10), |b| {
        b.visible("#login-form").then_some(())
    });
}
