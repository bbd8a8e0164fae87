//! The `antrean` command as an IT person and an officer use it from a shell.

use std::process::{Command, Output};

use crate::common::*;
use antrean_protocol::{Auth, DeviceKind, LogRecord, ServerMessage};

/// Runs `antrean` and expects it to succeed (its standard error in the failure message).
fn antrean_ok(args: &[&str]) -> Output {
    let out = antrean(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

fn antrean(args: &[&str]) -> Output {
    Command::new(antrean_bin())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Runs `antrean` with environment variables (the URL and credentials, as in a shell
/// profile) and returns its `--json` output, failing the test on a non-zero exit.
fn antrean_json(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let out = Command::new(antrean_bin())
        .args(args)
        .arg("--json")
        .envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&out)))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_exists_for_every_subcommand() {
    let top = antrean(&["--help"]);
    assert!(top.status.success());
    for sub in [
        "serve",
        "demo",
        "ticket",
        "counter",
        "status",
        "watch",
        "device",
        "officer",
        "principals",
        "export",
        "backup",
        "import",
        "catalog",
        "printer",
        "skm",
        "report",
    ] {
        assert!(stdout(&top).contains(sub), "{sub} missing from --help");
        let help = antrean(&[sub, "--help"]);
        assert!(help.status.success(), "{sub} --help failed");
        assert!(stdout(&help).contains("Usage"), "{sub}");
    }
    for (sub, leaf) in [
        ("ticket", "take"),
        ("counter", "next"),
        ("counter", "transfer"),
        ("device", "enroll"),
        ("officer", "set"),
        ("skm", "import"),
        ("report", "waiting"),
        ("report", "ikm"),
    ] {
        let help = antrean(&[sub, leaf, "--help"]);
        assert!(help.status.success(), "{sub} {leaf} --help");
    }
}

#[test]
fn the_sample_catalog_checks_and_a_broken_one_names_file_line_and_field() {
    let ok = antrean(&["catalog", "check"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("9 agencies, 18 services, 12 counters"),
        "{}",
        stdout(&ok)
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    let sample = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../kiosk-assets/catalog/sample-mpp.toml"
    ))
    .unwrap();
    // Point a counter at a service that does not exist, on a known line.
    let broken = sample.replacen("services = [\"roya\"]", "services = [\"royx\"]", 1);
    assert_ne!(broken, sample, "the sample has a counter serving only roya");
    let line = broken.lines().position(|l| l.contains("\"royx\"")).unwrap() + 1;
    std::fs::write(&file, broken).unwrap();
    let bad = antrean(&["catalog", "check", file.to_str().unwrap()]);
    assert!(!bad.status.success());
    let err = stderr(&bad);
    assert!(err.contains(&format!("broken.toml:{line}:")), "{err}");
    assert!(
        err.contains("services[0]") && err.contains("unknown service \"royx\""),
        "{err}"
    );

    // The server refuses to start on it, with the same message.
    let serve = antrean(&[
        "serve",
        "--data",
        dir.path().join("d").to_str().unwrap(),
        "--catalog",
        file.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(!serve.status.success());
    assert!(
        stderr(&serve).contains(&format!("broken.toml:{line}:")),
        "{}",
        stderr(&serve)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn take_a_ticket_export_and_restore_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let url = server.url();

    let out = antrean_ok(&[
        "ticket", "take", "skck", "--url", &url, "--token", &token, "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["ticket"]["number"], "N-001");
    assert!(json["public_token"].as_str().unwrap().len() >= 30);

    // A refusal exits 2 with the Indonesian message.
    let refused = antrean(&["ticket", "take", "nope", "--url", &url, "--token", &token]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("Layanan \"nope\" tidak ditemukan"),
        "{}",
        stderr(&refused)
    );

    let out = antrean_ok(&[
        "status",
        "--url",
        &url,
        "--manager",
        "admin",
        "--password",
        ADMIN_PASSWORD,
    ]);
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("skck") && l.split_whitespace().nth(1) == Some("1")),
        "{}",
        stdout(&out)
    );

    // Stop, export, restore into a new directory, serve it: the ticket is there.
    assert!(server.terminate().success());
    let backup = dir.path().join("backup.jsonl");
    antrean_ok(&[
        "export",
        "--data",
        data.to_str().unwrap(),
        "--out",
        backup.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read_to_string(&backup)
            .unwrap()
            .contains("\"N-001\"")
    );
    let restored = dir.path().join("restored");
    antrean_ok(&[
        "import",
        "--from",
        backup.to_str().unwrap(),
        "--data",
        restored.to_str().unwrap(),
    ]);
    let server = Server::start(&restored);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let out = antrean_ok(&[
        "ticket",
        "take",
        "skck",
        "--url",
        &server.url(),
        "--token",
        &token,
    ]);
    assert!(stdout(&out).starts_with("N-002"), "{}", stdout(&out));
}

#[test]
fn a_damaged_data_directory_is_an_error_not_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let server = Server::start(&data);
        assert!(server.terminate().success());
    }
    // Damage every file, the database's included.
    fn damage(dir: &std::path::Path) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                damage(&path);
            } else {
                std::fs::write(&path, b"garbage garbage garbage\n").unwrap();
            }
        }
    }
    damage(&data);
    let mut child = Command::new(antrean_bin())
        .args([
            "serve",
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the server started on a damaged data directory instead of refusing");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success());
    assert!(
        err.contains("NOT reset") && err.contains("antrean import"),
        "{err}"
    );
    // The damaged files are still there for forensics.
    assert!(std::fs::read_dir(&data).unwrap().count() > 0);
}

#[test]
fn skm_ikm_of_a_questionnaire_file_in_both_weights() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("triwulan-iv.csv");
    // docs/domain.md §3 worked example; respondent 4 left U9 blank.
    std::fs::write(
        &file,
        "U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,3,3,2,4,3,4,3,2\n3,3,2,4,4,3,3,3,3\n4,4,3,4,3,4,4,2,3\n2,3,3,4,3,3,4,3,\n3,2,4,4,4,3,3,4,3\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = antrean_ok(&["skm", "ikm", path, "--population", "100"]);
    let text = stdout(&out);
    assert!(text.contains("NILAI IKM 80,42 — mutu B (Baik)"), "{text}");
    assert!(
        text.contains("U9 Sarana dan Prasarana") && text.contains("NRR 2,75"),
        "{text}"
    );
    assert!(
        text.contains("Target sampel (Krejcie–Morgan) untuk 100 pengguna layanan: 80"),
        "{text}"
    );
    let legacy = antrean(&["skm", "ikm", path, "--weight", "legacy", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&legacy)).unwrap();
    assert_eq!(json["ikm"], 80.34);
    assert_eq!(json["weight"], "legacy");
    assert_eq!(json["unsur"][8]["answered"], 4);
    // A bad cell is named by row and column and nothing is computed.
    std::fs::write(&file, "U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,3,3,2,4,3,4,3,7\n").unwrap();
    let bad = antrean(&["skm", "ikm", path]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("baris 2, kolom U9"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn paper_surveys_import_and_reports_come_out_as_table_json_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let file = dir.path().join("kertas.csv");
    std::fs::write(
        &file,
        "U1,U2,U3,U4,U5,U6,U7,U8,U9,jenis_kelamin,saran\n4,3,3,2,4,3,4,3,2,L,\n3,3,2,4,4,3,3,3,3,P,Antrean cepat\n2,3,3,4,3,3,4,3,,P,\n",
    )
    .unwrap();
    let today = antrean_core::TimeZone::Wib
        .local(antrean_core::Timestamp(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64,
        ))
        .date
        .to_string();
    let url = server.url();
    let login = [
        "--url",
        url.as_str(),
        "--manager",
        "admin",
        "--password",
        ADMIN_PASSWORD,
    ];
    let path = file.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&login);
        antrean(&all)
    };
    // A broken file is refused before anything is sent.
    let broken = dir.path().join("rusak.csv");
    std::fs::write(&broken, "U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,3,3,2,4,3,4,3,9\n").unwrap();
    let refused = run(&["skm", "import", broken.to_str().unwrap(), "--day", &today]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("baris 2, kolom U9"),
        "{}",
        stderr(&refused)
    );

    let imported = run(&[
        "skm",
        "import",
        path,
        "--day",
        &today,
        "--service",
        "kk-baru",
    ]);
    assert!(imported.status.success(), "{}", stderr(&imported));

    let offline = antrean(&["skm", "ikm", path, "--json"]);
    let offline: serde_json::Value = serde_json::from_str(&stdout(&offline)).unwrap();
    let json = run(&["report", "ikm", "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["skm"]["respondents"], 3);
    assert_eq!(report["skm"]["imported"], 3);
    assert_eq!(
        report["skm"]["ikm"]["ikm"], offline["ikm"],
        "server and offline IKM agree"
    );
    assert_eq!(report["skm"]["gender"], serde_json::json!([1, 2]));
    assert_eq!(report["skm"]["comments"][0]["text"], "Antrean cepat");

    let table = run(&["report", "ikm", "--service", "kk-baru"]);
    let text = stdout(&table);
    assert!(
        text.contains("U9") && text.contains("Sarana dan Prasarana"),
        "{text}"
    );
    let empty = run(&["report", "ikm", "--service", "ktp-el-baru"]);
    assert!(
        stdout(&empty).contains("belum dapat dihitung"),
        "{}",
        stdout(&empty)
    );

    let xlsx = dir.path().join("tunggu.xlsx");
    let written = run(&[
        "report",
        "waiting",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(written.status.success(), "{}", stderr(&written));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        ["Per hari", "Ringkasan", "Per jam", "Kepatuhan", "Petugas"]
    );
    let per_day = book.worksheet_range("Per hari").unwrap();
    assert_eq!(per_day.get((2, 0)).unwrap().to_string(), "Tanggal");
    let no_out = run(&["report", "waiting", "--format", "xlsx"]);
    assert!(!no_out.status.success() && stderr(&no_out).contains("--out"));

    let csv = run(&["report", "ikm", "--format", "csv"]);
    let csv = stdout(&csv);
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("IKM;"), "{csv}");
    let bad_period = run(&[
        "report",
        "waiting",
        "--from",
        "2026-12-31",
        "--to",
        "2026-01-01",
    ]);
    assert_eq!(bad_period.status.code(), Some(2));
    assert!(stderr(&bad_period).contains("tanggal akhir sebelum tanggal awal"));
}

#[test]
fn a_simulated_day_feeds_the_waiting_report() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("sim.jsonl");
    let config = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/simulate-example.toml"
    );
    let sim = antrean(&[
        "simulate",
        "--config",
        config,
        "--days",
        "2",
        "--seed",
        "3",
        "--json",
        "--out",
        history.to_str().unwrap(),
    ]);
    assert!(sim.status.success(), "{}", stderr(&sim));
    // Independent counts straight from the history file.
    let lines = std::fs::read_to_string(&history).unwrap();
    let count = |kind: &str| {
        lines
            .lines()
            .filter(|l| l.contains(&format!("\"type\":\"{kind}\"")))
            .count()
    };
    let report = antrean(&[
        "report",
        "waiting",
        "--log",
        history.to_str().unwrap(),
        "--sim-config",
        config,
        "--format",
        "json",
    ]);
    assert!(report.status.success(), "{}", stderr(&report));
    let report: serde_json::Value = serde_json::from_str(&stdout(&report)).unwrap();
    assert_eq!(report["by_day"].as_array().unwrap().len(), 2);
    assert_eq!(report["counts"]["issued"], count("ticket_issued"));
    assert_eq!(report["counts"]["served"], count("service_finished"));
    assert_eq!(report["counts"]["no_show"], count("ticket_no_show"));
    assert!(report["waiting"]["count"].as_u64().unwrap() > 0);
    assert!(
        report["waiting"]["p90_s"].as_f64().unwrap()
            >= report["waiting"]["median_s"].as_f64().unwrap()
    );
    // The Friday-prayer break is logged as sholat, one pause per counter that took it.
    let pauses = count("counter_paused");
    assert!(pauses > 0);
    assert_eq!(
        lines
            .lines()
            .filter(|l| l.contains("\"counter_paused\"") && l.contains("\"reason\":\"sholat\""))
            .count(),
        pauses
    );
    assert_eq!(report["breaks"][0]["reason"], "sholat");
    assert_eq!(report["breaks"][0]["count"], pauses);
    assert_eq!(report["breaks"].as_array().unwrap().len(), 1);
}

/// Every role's action through the binary with `--json`, credentials from the environment:
/// the manager enrolls a kiosk and an officer, the kiosk takes tickets, and the officer
/// calls, recalls, starts, transfers, calls out of order, marks a no-show, reinstates,
/// parks and returns, finishes and cancels.
#[test]
fn every_role_scripts_its_actions_with_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url();
    let manager = [
        ("ANTREAN_URL", url.as_str()),
        ("ANTREAN_MANAGER", "admin"),
        ("ANTREAN_PASSWORD", ADMIN_PASSWORD),
    ];
    let enrolled = antrean_json(&["device", "enroll", "kiosk", "kiosk-lobi"], &manager);
    assert_eq!(enrolled["kind"], "enrolled");
    let kiosk_token = enrolled["token"].as_str().unwrap().to_owned();
    let officer_set = antrean_json(
        &[
            "officer",
            "set",
            "siti",
            "--name",
            "Siti Rahayu",
            "--new-pin",
            "4321",
        ],
        &manager,
    );
    assert_eq!(officer_set["kind"], "accepted");

    let kiosk = [
        ("ANTREAN_URL", url.as_str()),
        ("ANTREAN_TOKEN", kiosk_token.as_str()),
    ];
    let take = |service: &str| {
        let json = antrean_json(&["ticket", "take", service], &kiosk);
        json["ticket"]["number"].as_str().unwrap().to_owned()
    };
    let first = take("ktp-el-baru");
    let second = take("ktp-el-baru");
    let third = take("ktp-el-baru");
    assert_eq!([&first, &second, &third], ["A-001", "A-002", "A-003"]);

    let officer = [
        ("ANTREAN_URL", url.as_str()),
        ("ANTREAN_OFFICER", "siti"),
        ("ANTREAN_PIN", "4321"),
        ("ANTREAN_COUNTER", "1"),
    ];
    let act = |args: &[&str]| antrean_json(args, &officer);
    let ticket = |json: &serde_json::Value| {
        (
            json["ticket"]["number"].as_str().unwrap().to_owned(),
            json["ticket"]["state"].as_str().unwrap().to_owned(),
        )
    };
    let called = act(&["counter", "next"]);
    assert_eq!(ticket(&called), (first.clone(), "called".into()));
    assert_eq!(called["ticket"]["counter"], "1");
    assert_eq!(act(&["counter", "recall"])["ticket"]["recalls"], 1);
    assert_eq!(ticket(&act(&["counter", "start"])).1, "serving");
    // Transfer keeps the number and the issue time, and the ticket waits for the new service.
    let transferred = act(&["counter", "transfer", "kk-baru"]);
    assert_eq!(ticket(&transferred), (first.clone(), "waiting".into()));
    assert_eq!(transferred["ticket"]["service"], "kk-baru");
    assert_eq!(
        transferred["ticket"]["issued_at_ms"],
        called["ticket"]["issued_at_ms"]
    );
    // Out of order, then a no-show who comes back.
    assert_eq!(
        ticket(&act(&["counter", "call", &third])),
        (third.clone(), "called".into())
    );
    assert_eq!(ticket(&act(&["counter", "no-show"])).1, "no_show");
    assert_eq!(ticket(&act(&["ticket", "reinstate", &third])).1, "waiting");
    // Park and return.
    let next = ticket(&act(&["counter", "next"])).0;
    assert_eq!(
        ticket(&act(&["counter", "park"])),
        (next.clone(), "parked".into())
    );
    assert_eq!(ticket(&act(&["ticket", "unpark", &next])).1, "waiting");
    // Serve one to the end, and cancel one for a visitor who left.
    let served = ticket(&act(&["counter", "next"])).0;
    // The officer at counter 2 cannot cancel the ticket called at counter 1.
    antrean_json(
        &[
            "officer",
            "set",
            "budi",
            "--name",
            "Budi Santoso",
            "--new-pin",
            "5678",
        ],
        &manager,
    );
    let refused = Command::new(antrean_bin())
        .args(["ticket", "cancel", &served, "--url", &url])
        .args(["--officer", "budi", "--pin", "5678", "--counter", "2"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("at_other_counter"),
        "{}",
        stderr(&refused)
    );
    act(&["counter", "start"]);
    assert_eq!(
        ticket(&act(&["counter", "finish"])),
        (served.clone(), "done".into())
    );
    let left = [&first, &second, &third]
        .into_iter()
        .find(|n| **n != served)
        .unwrap();
    assert_eq!(ticket(&act(&["ticket", "cancel", left])).1, "cancelled");

    let status = antrean_json(&["status"], &manager);
    assert_eq!(status["kind"], "queue_status");
    let ktp = status["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "ktp-el-baru")
        .unwrap();
    assert_eq!(ktp["issued_today"], 3);
    // A wrong PIN is refused with exit code 2.
    let out = Command::new(antrean_bin())
        .args([
            "counter",
            "next",
            "--url",
            &url,
            "--officer",
            "siti",
            "--pin",
            "0000",
        ])
        .args(["--counter", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// `antrean backup` while kiosks issue at full speed: the copy is the log up to one seq,
/// exactly as the server kept it, and `antrean import` serves it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_issues_restores_a_consistent_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-backup").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let issuing = {
        let (url, stop, count) = (server.url(), stop.clone(), count.clone());
        tokio::spawn(async move {
            let mut kiosk = antrean_client::Client::connect(&url, Auth::Kiosk { token })
                .await
                .unwrap();
            let mut issued = 0u32;
            for i in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                kiosk
                    .request(issue(SERVICES[i % SERVICES.len()]))
                    .await
                    .unwrap();
                issued += 1;
                count.store(issued, std::sync::atomic::Ordering::Relaxed);
            }
            issued
        })
    };
    while count.load(std::sync::atomic::Ordering::Relaxed) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let backup = dir.path().join("backup.jsonl");
    let out = antrean_ok(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--out",
        backup.to_str().unwrap(),
    ]);
    let last_seq: usize = stdout(&out)
        .split("1..=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no seq in {}", stdout(&out)));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let issued = issuing.await.unwrap();
    assert!(server.terminate().success());

    // The backup is a prefix of the full log, taken while it grew.
    let full = dir.path().join("full.jsonl");
    antrean_ok(&[
        "export",
        "--data",
        data.to_str().unwrap(),
        "--out",
        full.to_str().unwrap(),
    ]);
    let parse = |path: &std::path::Path| -> Vec<LogRecord> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (copied, all) = (parse(&backup), parse(&full));
    assert_eq!(copied.len(), last_seq);
    assert!(
        last_seq >= 20 && last_seq <= all.len(),
        "backup of {last_seq} events while {} were written ({issued} tickets)",
        all.len()
    );
    assert_eq!(copied[..], all[..last_seq]);

    let restored = dir.path().join("restored");
    antrean_ok(&[
        "import",
        "--from",
        backup.to_str().unwrap(),
        "--data",
        restored.to_str().unwrap(),
    ]);
    let server = Server::start(&restored);
    let mut m = manager(&server).await;
    let snapshot = m
        .wait_for(std::time::Duration::from_secs(10), |msg| match msg {
            ServerMessage::Snapshot { seq, .. } => Some(*seq),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(snapshot, last_seq as u64);
}
