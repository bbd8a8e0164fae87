//! Floods and random traffic against the real server: rate limits hold, memory stays
//! bounded, every request gets exactly one answer, and the queue stays consistent.
//!
//! `ANTREAN_E2E_FUZZ_CASES` sets the number of random requests (default 3,000).

use std::collections::HashSet;
use std::time::Duration;

use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_flood_is_rate_limited_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let before = rss_kib(server.child.id());

    const SENT: usize = 5_000;
    // One connection sends as fast as it can, without reading.
    let mut sender = Client::connect_with(&server.url(), Auth::Kiosk { token }, false)
        .await
        .unwrap();
    for i in 0..SENT {
        sender
            .send_request(&format!("flood-{i}"), Request::QueueStatus)
            .await
            .unwrap();
    }
    let (mut ok, mut limited) = (0usize, 0usize);
    while ok + limited < SENT {
        match tokio::time::timeout(Duration::from_secs(30), sender.next_message())
            .await
            .expect("every request is answered")
            .unwrap()
        {
            ServerMessage::Ok { .. } => ok += 1,
            ServerMessage::Error { code, .. } if code == "rate_limited" => limited += 1,
            ServerMessage::Error { code, .. } => panic!("unexpected error {code}"),
            _ => {}
        }
    }
    assert!(
        limited > 0,
        "5,000 requests at once must hit the per-connection limit"
    );
    assert!(ok >= 400, "the burst allowance is served: {ok}");
    let grown = rss_kib(server.child.id()).saturating_sub(before);
    assert!(
        grown < 64 * 1024,
        "server grew by {grown} KiB during the flood"
    );
    // Still healthy and serving others.
    let mut m = manager(&server).await;
    assert!(matches!(
        m.request(Request::QueueStatus).await.unwrap(),
        ResultDto::QueueStatus { .. }
    ));
}

/// xorshift: deterministic random numbers without a dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn random_request(rng: &mut Rng) -> Request {
    let services = ["ktp-el-baru", "kk-baru", "skck", "paspor-baru", "nope", ""];
    let counters = [None, Some("1"), Some("2"), Some("99"), Some("")];
    let service = services[rng.below(services.len() as u64) as usize].to_string();
    let counter = counters[rng.below(counters.len() as u64) as usize].map(str::to_owned);
    let ticket = match rng.below(3) {
        0 => TicketRef::Id(rng.below(40)),
        1 => TicketRef::Number(format!("A-{:03}", rng.below(30))),
        _ => TicketRef::Number("ZZ-?".into()),
    };
    let priority = [None, Some("lansia"), Some("vip")][rng.below(3) as usize].map(str::to_owned);
    match rng.below(18) {
        0..=2 => Request::IssueTicket { service, priority },
        3 => Request::CallNext { counter },
        4 => Request::CallTicket { ticket, counter },
        5 => Request::Recall { counter },
        6 => Request::Start { counter },
        7 => Request::Finish { counter },
        8 => Request::NoShow { counter },
        9 => Request::Transfer {
            service,
            to_front: rng.below(2) == 0,
            counter,
        },
        10 => Request::Park { counter },
        11 => Request::Unpark { ticket },
        12 => Request::Reinstate { ticket },
        13 => Request::Cancel { ticket },
        14 => Request::Pause {
            counter,
            reason: None,
        },
        15 => Request::Resume { counter },
        16 => Request::GetTicket {
            ticket: Some(ticket),
        },
        _ => Request::QueueStatus,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_requests_get_one_answer_each_and_keep_the_queue_consistent() {
    let cases: usize = std::env::var("ANTREAN_E2E_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("random requests: {cases} cases, seed {seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    set_officer(&server, "siti", "1234").await;
    let mut clients = [
        Client::connect_with(&server.url(), Auth::Kiosk { token }, false)
            .await
            .unwrap(),
        Client::connect_with(
            &server.url(),
            Auth::Officer {
                officer: "siti".into(),
                pin: "1234".into(),
                counter: "1".into(),
            },
            false,
        )
        .await
        .unwrap(),
        Client::connect_with(
            &server.url(),
            Auth::Manager {
                username: "admin".into(),
                password: ADMIN_PASSWORD.into(),
            },
            false,
        )
        .await
        .unwrap(),
    ];
    let mut answered = 0usize;
    for i in 0..cases {
        let client = &mut clients[i % 3];
        match client.request(random_request(&mut rng)).await {
            Ok(_) => answered += 1,
            Err(antrean_client::ClientError::Rejected { code, message, .. }) => {
                assert!(!code.is_empty() && !message.is_empty());
                assert_ne!(code, "internal", "case {i}: {message}");
                answered += 1;
            }
            Err(other) => panic!("case {i} (seed {seed}): {other}"),
        }
    }
    assert_eq!(answered, cases);
    // Numbers are unique; each counter holds at most one ticket, which is at that counter.
    let mut m = manager(&server).await;
    let state = m
        .wait_for(Duration::from_secs(10), |msg| match msg {
            ServerMessage::Snapshot { state, .. } => Some(state.clone()),
            _ => None,
        })
        .await
        .unwrap();
    let numbers: HashSet<_> = state.tickets.iter().map(|t| &t.number).collect();
    assert_eq!(
        numbers.len(),
        state.tickets.len(),
        "a number was given twice"
    );
    for counter in &state.counters {
        if let Some(id) = counter.current {
            let t = state.tickets.iter().find(|t| t.id == id).unwrap();
            assert!(matches!(t.state.as_str(), "called" | "serving"), "{t:?}");
            assert_eq!(t.counter.as_deref(), Some(counter.id.as_str()));
        }
    }
    assert!(
        server.stderr().lines().all(|l| !l.contains("panicked")),
        "{}",
        server.stderr()
    );
}
