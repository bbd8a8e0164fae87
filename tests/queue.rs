//! The coordinator under concurrent kiosks, officers and boards, over real WebSockets.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_kiosks_never_share_a_number_and_boards_see_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let board_token = enroll(&server, DeviceKind::Display, "board").await;
    let mut board = Client::connect(&server.url(), Auth::Display { token: board_token })
        .await
        .unwrap();
    let first_seq = board
        .wait_for(Duration::from_secs(5), |m| match m {
            ServerMessage::Snapshot { seq, .. } => Some(*seq),
            _ => None,
        })
        .await
        .unwrap();

    const KIOSKS: usize = 12;
    const PER_KIOSK: usize = 25;
    let mut tokens = Vec::new();
    for k in 0..KIOSKS {
        tokens.push(enroll(&server, DeviceKind::Kiosk, &format!("kiosk-{k}")).await);
    }
    let mut tasks = Vec::new();
    for (k, token) in tokens.into_iter().enumerate() {
        let url = server.url();
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(&url, Auth::Kiosk { token }).await.unwrap();
            let mut numbers = Vec::new();
            for i in 0..PER_KIOSK {
                // Two services sharing counters, to exercise both sequences at once.
                let service = if (k + i) % 2 == 0 {
                    "ktp-el-baru"
                } else {
                    "kk-baru"
                };
                let result = client.request(issue(service)).await.unwrap();
                numbers.push(ticket_of(&result).number.clone());
            }
            numbers
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(
        unique.len(),
        KIOSKS * PER_KIOSK,
        "duplicate ticket numbers: {all:?}"
    );
    // Per prefix the numbers are exactly 1..=n: nothing skipped, nothing reused.
    for prefix in ["A", "C"] {
        let mut seqs: Vec<u32> = all
            .iter()
            .filter_map(|n| n.strip_prefix(&format!("{prefix}-")))
            .map(|s| s.parse().unwrap())
            .collect();
        seqs.sort();
        assert_eq!(seqs, (1..=seqs.len() as u32).collect::<Vec<_>>());
    }

    // The board saw every issue event, in order, with no gap in seq.
    let mut seen = Vec::new();
    let mut last = first_seq;
    while seen.len() < KIOSKS * PER_KIOSK {
        let (seq, number) = board
            .wait_for(Duration::from_secs(5), |m| match m {
                ServerMessage::Event {
                    seq,
                    event: EventDto::TicketIssued { number, .. },
                    ..
                } => Some((*seq, number.clone())),
                ServerMessage::Event { seq, .. } => Some((*seq, String::new())),
                _ => None,
            })
            .await
            .unwrap();
        assert_eq!(seq, last + 1, "event stream has a gap or repeat");
        last = seq;
        if !number.is_empty() {
            seen.push(number);
        }
    }
    let seen: HashSet<_> = seen.iter().collect();
    assert_eq!(seen, unique);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_call_next_never_hands_one_ticket_to_two_counters() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut k = kiosk(&server, &token).await;
    const TICKETS: usize = 60;
    for _ in 0..TICKETS {
        k.request(issue("ktp-el-baru")).await.unwrap();
    }
    // Counters 1, 2 and 3 of the sample catalog all serve Disdukcapil services.
    let mut tasks = Vec::new();
    for counter in ["1", "2", "3"] {
        let officer_id = format!("petugas-{counter}");
        set_officer(&server, &officer_id, "4321").await;
        let url = server.url();
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(
                &url,
                Auth::Officer {
                    officer: officer_id,
                    pin: "4321".into(),
                    counter: counter.into(),
                },
            )
            .await
            .unwrap();
            let mut called = Vec::new();
            loop {
                match client.request(Request::CallNext { counter: None }).await {
                    Ok(result) => {
                        let t = ticket_of(&result);
                        assert_eq!(t.counter.as_deref(), Some(counter));
                        called.push(t.number.clone());
                        client
                            .request(Request::Start { counter: None })
                            .await
                            .unwrap();
                        client
                            .request(Request::Finish { counter: None })
                            .await
                            .unwrap();
                    }
                    Err(err) if err.code() == Some("queue_empty") => break,
                    Err(err) => panic!("{err}"),
                }
            }
            called
        }));
    }
    let mut all = Vec::new();
    let mut per_counter = HashMap::new();
    for (i, t) in tasks.into_iter().enumerate() {
        let called = t.await.unwrap();
        per_counter.insert(i, called.len());
        all.extend(called);
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(
        all.len(),
        TICKETS,
        "every ticket called exactly once: {per_counter:?}"
    );
    assert_eq!(unique.len(), TICKETS, "a ticket went to two counters");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_request_id_returns_the_first_ticket_even_after_reconnect() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut a = kiosk(&server, &token).await;
    let first = a
        .request_with_id("tap-0001", issue("paspor-baru"))
        .await
        .unwrap();
    a.close().await;
    let mut b = kiosk(&server, &token).await;
    let retry = b
        .request_with_id("tap-0001", issue("paspor-baru"))
        .await
        .unwrap();
    assert_eq!(ticket_of(&first).id, ticket_of(&retry).id);
    let next = b
        .request_with_id("tap-0002", issue("paspor-baru"))
        .await
        .unwrap();
    assert_eq!(ticket_of(&next).number, "J-002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_counter_journey_over_the_wire() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    set_officer(&server, "siti", "1234").await;
    let mut k = kiosk(&server, &token).await;
    let issued = k
        .request(Request::IssueTicket {
            service: "ktp-el-baru".into(),
            priority: Some("lansia".into()),
        })
        .await
        .unwrap();
    let ResultDto::Ticket {
        ticket,
        people_ahead,
        counters,
        public_token,
        ..
    } = issued
    else {
        panic!()
    };
    assert_eq!(
        (
            ticket.number.as_str(),
            ticket.priority.as_deref(),
            people_ahead
        ),
        ("A-001", Some("lansia"), 0)
    );
    assert!(counters.contains(&"1".to_string()));
    let public_token = public_token.expect("kiosks get the digital-ticket token");

    let mut o = officer(&server, "siti", "1234", "1").await;
    assert_eq!(
        ticket_of(
            &o.request(Request::CallNext { counter: None })
                .await
                .unwrap()
        )
        .state,
        "called"
    );
    assert_eq!(
        ticket_of(&o.request(Request::Recall { counter: None }).await.unwrap()).recalls,
        1
    );
    let transferred = o
        .request(Request::Transfer {
            service: "kk-baru".into(),
            to_front: true,
            counter: None,
        })
        .await
        .unwrap();
    let t = ticket_of(&transferred);
    assert_eq!(
        (t.number.as_str(), t.service.as_str(), t.state.as_str()),
        ("A-001", "kk-baru", "waiting")
    );
    assert_eq!(t.previous_services, vec!["ktp-el-baru".to_string()]);
    // Call it by its number, serve it.
    o.request(Request::CallTicket {
        ticket: TicketRef::Number("A-001".into()),
        counter: None,
    })
    .await
    .unwrap();
    o.request(Request::Start { counter: None }).await.unwrap();
    let done = o.request(Request::Finish { counter: None }).await.unwrap();
    assert_eq!(ticket_of(&done).state, "done");

    // The visitor's digital ticket sees it, read-only.
    let mut visitor = Client::connect(
        &server.url(),
        Auth::Public {
            ticket_token: public_token,
        },
    )
    .await
    .unwrap();
    let mine = visitor
        .request(Request::GetTicket { ticket: None })
        .await
        .unwrap();
    assert_eq!(ticket_of(&mine).state, "done");

    // Break (with its reason), resume, close. A reason nobody knows changes nothing.
    let err = o
        .request(Request::Pause {
            counter: None,
            reason: Some("tidur".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("bad_request"));
    let mut m = manager(&server).await;
    let counter_1 = |s: &StateDto| s.counters.iter().find(|c| c.id == "1").cloned().unwrap();
    assert_eq!(counter_1(&first_snapshot(&mut m).await).status, "open");
    o.request(Request::Pause {
        counter: None,
        reason: Some("sholat".into()),
    })
    .await
    .unwrap();
    let paused = counter_1(&first_snapshot(&mut manager(&server).await).await);
    assert_eq!(
        (paused.status.as_str(), paused.break_reason.as_deref()),
        ("paused", Some("sholat"))
    );
    let err = o
        .request(Request::CallNext { counter: None })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("counter_not_open"));
    o.request(Request::Resume { counter: None }).await.unwrap();
    let err = o
        .request(Request::CallNext { counter: None })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("queue_empty"));
    assert!(err.to_string().contains("Tidak ada antrean"), "{err}");
    o.request(Request::CloseCounter { counter: None })
        .await
        .unwrap();

    // The report counts the break by its reason, for the counter and for the officer.
    let ResultDto::Report { report } = m
        .request(Request::Report {
            query: ReportQueryDto::default(),
        })
        .await
        .unwrap()
    else {
        panic!("a report")
    };
    let reasons = |b: &[BreakDto]| -> Vec<(Option<String>, String, u32)> {
        b.iter()
            .map(|b| (b.reason.clone(), b.label.clone(), b.count))
            .collect()
    };
    let sholat = vec![(Some("sholat".to_owned()), "Sholat".to_owned(), 1)];
    assert_eq!(reasons(&report.breaks), sholat);
    let siti = report
        .officers
        .iter()
        .find(|o| o.officer == "siti")
        .unwrap();
    assert_eq!(reasons(&siti.breaks), sholat);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_survives_a_clean_restart_and_numbering_continues() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut k = kiosk(&server, &token).await;
    for _ in 0..5 {
        k.request(issue("skck")).await.unwrap();
    }
    // SIGTERM: connected clients get a close frame (1001), the process exits 0.
    let closed = tokio::spawn(async move {
        k.wait_for(Duration::from_secs(10), |_| None::<()>)
            .await
            .unwrap_err()
            .to_string()
    });
    let status = server.terminate();
    assert!(status.success(), "exit status {status}");
    let reason = closed.await.unwrap();
    assert!(reason.contains("1001"), "close reason: {reason}");

    let server = Server::start(&data);
    let mut k = kiosk(&server, &token).await;
    let next = k.request(issue("skck")).await.unwrap();
    assert_eq!(ticket_of(&next).number, "N-006");
}

/// What a board gets on (re)load: the last calls, newest announcement first — a recall
/// moves its ticket to the front, or the big panel would revert to an older call — and
/// each with the counter it was called to, also once it was transferred away (the history
/// showed "Loket undefined").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_boards_recent_calls_follow_recalls_and_keep_their_counter() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let board_token = enroll(&server, DeviceKind::Display, "board").await;
    set_officer(&server, "siti", "1111").await;
    set_officer(&server, "budi", "2222").await;
    let mut k = kiosk(&server, &kiosk_token).await;
    for _ in 0..2 {
        k.request(issue("ktp-el-baru")).await.unwrap();
    }
    let mut siti = officer(&server, "siti", "1111", "1").await;
    let mut budi = officer(&server, "budi", "2222", "2").await;
    let call = Request::CallNext { counter: None };
    siti.request(call.clone()).await.unwrap();
    budi.request(call).await.unwrap();
    let recent = |state: &StateDto| -> Vec<(String, Option<String>)> {
        state
            .recent_calls
            .iter()
            .map(|t| (t.number.clone(), t.counter.clone()))
            .collect()
    };
    let board = || async {
        let mut board = Client::connect(
            &server.url(),
            Auth::Display {
                token: board_token.clone(),
            },
        )
        .await
        .unwrap();
        first_snapshot(&mut board).await
    };
    let one = |n: &str, c: &str| (n.to_owned(), Some(c.to_owned()));
    assert_eq!(
        recent(&board().await),
        [one("A-002", "2"), one("A-001", "1")]
    );

    // Counter 1 recalls A-001: it is what the hall heard last.
    siti.request(Request::Recall { counter: None })
        .await
        .unwrap();
    assert_eq!(
        recent(&board().await),
        [one("A-001", "1"), one("A-002", "2")]
    );

    // Counter 1 sends A-001 to another service: it waits again, with no counter now, but
    // its call went to counter 1.
    siti.request(Request::Transfer {
        counter: None,
        service: "kk-baru".into(),
        to_front: false,
    })
    .await
    .unwrap();
    let state = board().await;
    assert_eq!(recent(&state), [one("A-001", "1"), one("A-002", "2")]);
    assert_eq!(state.recent_calls[0].state, "waiting");
}

/// A counter held by another officer is refused naming that officer as people know them
/// ("… sedang digunakan oleh Budi Santoso"), not by login id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counter_in_use_names_the_officer_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let mut m = manager(&server).await;
    for (officer, name, pin) in [
        ("petugas3", "Budi Santoso", "3333"),
        ("petugas4", "Ani", "4444"),
    ] {
        m.request(Request::SetOfficer {
            officer: officer.into(),
            name: name.into(),
            pin: pin.into(),
        })
        .await
        .unwrap();
    }
    let _budi = officer(&server, "petugas3", "3333", "1").await;
    let refused = Client::connect(
        &server.url(),
        Auth::Officer {
            officer: "petugas4".into(),
            pin: "4444".into(),
            counter: "1".into(),
        },
    )
    .await
    .err()
    .expect("the counter is taken");
    assert_eq!(refused.code(), Some("counter_in_use"));
    let text = refused.to_string();
    assert!(text.contains("oleh Budi Santoso"), "{text}");
    assert!(!text.contains("petugas3"), "{text}");
}

/// The wait band a visitor saw stays while the fresh estimate still falls inside it: a
/// call that moves the queue by one shortens the point estimate, not the band
/// (docs/protocol.md, "Wait estimates stay steady").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_band_a_visitor_saw_stays_while_the_estimate_falls_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    set_officer(&server, "siti", "1234").await;
    let mut k = kiosk(&server, &token).await;
    let mut o = officer(&server, "siti", "1234", "1").await;
    let estimate_of = |answer: &ResultDto| match answer {
        ResultDto::Ticket { estimate, .. } => {
            estimate.clone().expect("a waiting ticket's estimate")
        }
        other => panic!("a ticket, got {other:?}"),
    };
    for _ in 0..6 {
        k.request(issue("ktp-el-baru")).await.unwrap();
    }
    o.request(Request::CallNext { counter: None })
        .await
        .unwrap();
    let ResultDto::Ticket { ticket, .. } = k.request(issue("ktp-el-baru")).await.unwrap() else {
        panic!()
    };
    let ask = |id: u64| Request::GetTicket {
        ticket: Some(TicketRef::Id(id)),
    };
    let before = estimate_of(&k.request(ask(ticket.id)).await.unwrap());
    for step in [
        Request::Start { counter: None },
        Request::Finish { counter: None },
        Request::CallNext { counter: None },
    ] {
        o.request(step).await.unwrap();
    }
    let after = estimate_of(&k.request(ask(ticket.id)).await.unwrap());
    // One call fewer ahead: the point estimate moved down, inside the band shown before.
    assert!(after.wait_s < before.wait_s, "{before:?} → {after:?}");
    assert!(
        before.band_min_lo * 60 <= after.wait_s && after.wait_s <= before.band_min_hi * 60,
        "{before:?} → {after:?}"
    );
    assert_eq!(
        (after.band_min_lo, after.band_min_hi),
        (before.band_min_lo, before.band_min_hi),
        "the band stays"
    );
}
