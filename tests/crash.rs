//! Crash safety: SIGKILL the real server while clients issue and call; after restart every
//! acknowledged effect is there and no number is reused.
//!
//! `ANTREAN_CRASH_CYCLES` sets the number of kill/restart cycles (default 5 in the normal
//! suite; the reliability run uses 100).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;

#[derive(Default)]
struct Acknowledged {
    /// ticket id → number, for every issue the server acknowledged.
    issued: HashMap<u64, String>,
    /// ticket ids the server acknowledged as called.
    called: Vec<u64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_never_loses_an_acknowledged_ticket_or_reuses_a_number() {
    let cycles: u64 = std::env::var("ANTREAN_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("crash test: {cycles} cycles, seed {seed}");
    let mut rng = seed | 1;
    let mut next_rand = move |bound: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % bound
    };

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let mut tokens = Vec::new();
    for k in 0..4 {
        tokens.push(enroll(&server, DeviceKind::Kiosk, &format!("kiosk-{k}")).await);
    }
    set_officer(&server, "siti", "1234").await;
    let mut server = Some(server);
    let acked = Arc::new(Mutex::new(Acknowledged::default()));

    for cycle in 0..cycles {
        let running = server.take().unwrap_or_else(|| Server::start(&data));
        let url = running.url();
        let mut tasks = Vec::new();
        for token in &tokens {
            let (url, token, acked) = (url.clone(), token.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let Ok(mut client) = Client::connect(&url, Auth::Kiosk { token }).await else {
                    return;
                };
                for i in 0.. {
                    // Every service of the sample catalog, so long runs do not use up one
                    // prefix's 999 numbers.
                    let service = SERVICES[i % SERVICES.len()];
                    match client.request(issue(service)).await {
                        Ok(result) => {
                            let t = ticket_of(&result);
                            let previous =
                                acked.lock().unwrap().issued.insert(t.id, t.number.clone());
                            assert!(previous.is_none(), "ticket id {} acknowledged twice", t.id);
                        }
                        // A refusal (e.g. a daily quota) is not a crash: try the next service.
                        Err(antrean_client::ClientError::Rejected { .. }) => continue,
                        Err(_) => return, // the server died
                    }
                }
            }));
        }
        {
            let (url, acked) = (url.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let auth = Auth::Officer {
                    officer: "siti".into(),
                    pin: "1234".into(),
                    counter: "1".into(),
                };
                let Ok(mut client) = Client::connect(&url, auth).await else {
                    return;
                };
                loop {
                    // Finish whatever a previous cycle left at the counter, then call.
                    let _ = client.request(Request::Start { counter: None }).await;
                    let _ = client.request(Request::Finish { counter: None }).await;
                    match client.request(Request::CallNext { counter: None }).await {
                        Ok(result) => acked.lock().unwrap().called.push(ticket_of(&result).id),
                        Err(antrean_client::ClientError::Rejected { .. }) => {
                            tokio::time::sleep(Duration::from_millis(5)).await
                        }
                        Err(_) => return,
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(50 + next_rand(400))).await;
        running.kill();
        for t in tasks {
            t.await.unwrap();
        }
        eprintln!(
            "cycle {cycle}: {} tickets acknowledged so far",
            acked.lock().unwrap().issued.len()
        );
    }

    // Restart once more and check every acknowledged effect.
    let server = Server::start(&data);
    let mut m = manager(&server).await;
    let snapshot = first_snapshot(&mut m).await;
    let recovered: HashMap<u64, &TicketView> = snapshot.tickets.iter().map(|t| (t.id, t)).collect();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(
        acked.issued.len() > cycles as usize,
        "the test issued too few tickets to mean anything"
    );
    for (id, number) in &acked.issued {
        let t = recovered
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged ticket {id} ({number}) lost"));
        assert_eq!(&t.number, number, "ticket {id} changed its number");
    }
    let mut numbers_seen = HashMap::new();
    for t in &snapshot.tickets {
        if let Some(other) = numbers_seen.insert(t.number.clone(), t.id) {
            panic!("number {} given to tickets {other} and {}", t.number, t.id);
        }
    }
    for id in &acked.called {
        let state = &recovered[id].state;
        assert_ne!(
            state, "waiting",
            "ticket {id} was acknowledged as called but is waiting again"
        );
    }
    // In every service the next number continues after everything acknowledged.
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-final").await;
    let mut k = kiosk(&server, &token).await;
    let mut checked = 0;
    for service in SERVICES {
        let next = match k.request(issue(service)).await {
            Ok(result) => ticket_of(&result).number.clone(),
            // A prefix or quota used up today cannot issue at all: nothing to reuse.
            Err(err) if matches!(err.code(), Some("sequence_exhausted" | "quota_reached")) => {
                continue;
            }
            Err(err) => panic!("{service}: {err}"),
        };
        let (prefix, seq) = next.split_once('-').unwrap();
        let seq: u32 = seq.parse().unwrap();
        let max_acked = acked
            .issued
            .values()
            .filter_map(|n| n.strip_prefix(&format!("{prefix}-")))
            .map(|s| s.parse::<u32>().unwrap())
            .max()
            .unwrap_or(0);
        assert!(
            seq > max_acked,
            "{next} reuses a number (max acknowledged {prefix}-{max_acked:03})"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watching_client_reconnects_and_resyncs_after_a_crash() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let addr = server.addr;
    let board = enroll(&server, DeviceKind::Display, "board").await;
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut watch = KillOnDrop(
        std::process::Command::new(antrean_bin())
            .args([
                "watch",
                "--reconnect",
                "--display",
                "--url",
                &server.url(),
                "--token",
                &board,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<(std::time::Instant, String)>();
    let stdout = watch.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send((std::time::Instant::now(), line));
        }
    });
    let next_snapshot = |rx: &std::sync::mpsc::Receiver<(std::time::Instant, String)>| loop {
        let (at, line) = rx
            .recv_timeout(Duration::from_secs(15))
            .expect("watch printed nothing");
        if line.starts_with("snapshot") {
            return (at, line);
        }
    };
    next_snapshot(&lines_rx);
    let mut k = kiosk(&server, &token).await;
    k.request(issue("skck")).await.unwrap();
    server.kill();

    let server = Server::start_on(&data, addr);
    let ready = std::time::Instant::now();
    let (resynced_at, line) = next_snapshot(&lines_rx);
    let took = resynced_at.saturating_duration_since(ready);
    eprintln!("watch resynced {took:?} after the restarted server was ready: {line}");
    // The resync snapshot includes what was committed before the crash.
    assert!(line.contains("1 tiket"), "{line}");
    drop(server);
    drop(watch);
}

/// A child process that is killed when the test ends, also when it fails: a watcher left
/// behind would retry its connection forever.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A disk that refuses writes (a file-size limit here: EFBIG, as on a full or failing disk)
/// stops the server with an error exit, so its supervisor (systemd `Restart=always`) starts
/// it again; nothing is acknowledged after the failure, and every ticket acknowledged before
/// it is there after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_disk_stops_the_server_and_keeps_every_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // 120 blocks of 512 B: room for the database and about a hundred events.
    let mut server = Server::start_with_file_size_limit(&data, 120);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-disk").await;
    let mut kiosk_client = kiosk(&server, &token).await;
    let services = ["ktp-el-baru", "kk-baru", "akta-kelahiran", "skck"];
    let mut acknowledged: Vec<String> = Vec::new();
    let mut refused = None;
    for i in 0..2_000 {
        match kiosk_client
            .request(issue(services[i % services.len()]))
            .await
        {
            Ok(result) => acknowledged.push(ticket_of(&result).number.clone()),
            Err(err) => {
                refused = Some(err.to_string());
                break;
            }
        }
    }
    assert!(refused.is_some(), "the file-size limit was never reached");
    assert!(
        acknowledged.len() >= 20,
        "only {} tickets",
        acknowledged.len()
    );

    let status = server
        .exited_within(Duration::from_secs(20))
        .await
        .expect("the server kept running after its disk failed");
    assert!(!status.success(), "a disk failure must exit non-zero");
    let stderr = server.stderr();
    assert!(stderr.contains("storage failure"), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    drop(server);

    // The supervisor's restart, on a healthy disk: every acknowledged number is there.
    let server = Server::start(&data);
    let mut m = manager(&server).await;
    for number in &acknowledged {
        let result = m
            .request(Request::GetTicket {
                ticket: Some(TicketRef::Number(number.clone())),
            })
            .await
            .unwrap_or_else(|e| panic!("acknowledged {number} lost: {e}"));
        assert_eq!(&ticket_of(&result).number, number);
    }
    // Numbering continues after the last acknowledged ticket.
    assert_numbering_continues(&mut m, &acknowledged).await;
}

/// Credential changes go through the committer, in the log's one order: enrolling devices
/// while kiosks issue at full speed, then SIGKILL, never leaves a data directory that
/// refuses to start (a second writer once could copy unsynced lines into the mirror), and
/// every device whose enrolment was answered can log in after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn devices_enrolled_during_issuing_survive_a_kill_and_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk-busy").await;
    let acked = Arc::new(Mutex::new(Vec::new()));
    let issuing = {
        let (url, acked) = (server.url(), acked.clone());
        tokio::spawn(async move {
            let mut client = Client::connect(&url, Auth::Kiosk { token: kiosk_token })
                .await
                .unwrap();
            for i in 0.. {
                match client.request(issue(SERVICES[i % SERVICES.len()])).await {
                    Ok(result) => acked
                        .lock()
                        .unwrap()
                        .push(ticket_of(&result).number.clone()),
                    Err(antrean_client::ClientError::Rejected { .. }) => {}
                    Err(_) => return,
                }
            }
        })
    };
    let mut m = manager(&server).await;
    let mut enrolled = Vec::new();
    for k in 0..25 {
        let name = format!("board-{k}");
        match m
            .request(Request::EnrollDevice {
                kind: DeviceKind::Display,
                name: name.clone(),
                counter: None,
            })
            .await
            .unwrap()
        {
            ResultDto::Enrolled { token, .. } => enrolled.push(token),
            other => panic!("unexpected {other:?}"),
        }
    }
    server.kill();
    issuing.await.unwrap();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(!acked.is_empty());

    // Server::start panics if the server does not come up.
    let server = Server::start(&data);
    for token in enrolled {
        Client::connect(&server.url(), Auth::Display { token })
            .await
            .expect("a device whose enrolment was answered logs in after the crash");
    }
    // Every acknowledged ticket is in the snapshot (one read, not one request per ticket:
    // hundreds of those would meet the rate limit).
    let mut m = manager(&server).await;
    let snapshot = first_snapshot(&mut m).await;
    let numbers: std::collections::HashSet<&str> =
        snapshot.tickets.iter().map(|t| t.number.as_str()).collect();
    for number in &acked {
        assert!(
            numbers.contains(number.as_str()),
            "acknowledged {number} lost"
        );
    }
}
