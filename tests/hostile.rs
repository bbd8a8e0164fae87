//! Authorization per role and bad input: every refusal leaves the connection, the server
//! and the queue intact.

use std::time::Duration;

use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

async fn expect_code(client: &mut Client, request: Request, code: &str) {
    let err = client
        .request(request.clone())
        .await
        .expect_err(&format!("{request:?} should fail"));
    assert_eq!(err.code(), Some(code), "{request:?}: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_can_do_only_its_own_actions() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let board_token = enroll(&server, DeviceKind::Display, "board").await;
    set_officer(&server, "siti", "1234").await;
    set_officer(&server, "budi", "5678").await;

    let mut k = kiosk(&server, &kiosk_token).await;
    let issued = k.request(issue("ktp-el-baru")).await.unwrap();
    let ResultDto::Ticket {
        ticket,
        public_token: Some(own_token),
        ..
    } = issued
    else {
        panic!()
    };
    let other = k.request(issue("ktp-el-baru")).await.unwrap();
    let other_id = ticket_of(&other).id;

    // Kiosk: issues, but never calls or manages.
    expect_code(
        &mut k,
        Request::CallNext {
            counter: Some("1".into()),
        },
        "forbidden",
    )
    .await;
    expect_code(
        &mut k,
        Request::Cancel {
            ticket: TicketRef::Id(ticket.id),
        },
        "forbidden",
    )
    .await;
    expect_code(
        &mut k,
        Request::EnrollDevice {
            kind: DeviceKind::Kiosk,
            name: "evil".into(),
            counter: None,
        },
        "forbidden",
    )
    .await;

    // Board: reads only.
    let mut board = Client::connect(&server.url(), Auth::Display { token: board_token })
        .await
        .unwrap();
    expect_code(&mut board, issue("ktp-el-baru"), "forbidden").await;
    expect_code(
        &mut board,
        Request::CallNext {
            counter: Some("1".into()),
        },
        "forbidden",
    )
    .await;
    assert!(matches!(
        board.request(Request::QueueStatus).await.unwrap(),
        ResultDto::QueueStatus { .. }
    ));
    expect_code(
        &mut board,
        Request::DeviceStatus {
            printer: PrinterHealth::PaperEnd,
            detail: None,
        },
        "forbidden",
    )
    .await;

    // Officer at counter 1 cannot act on counter 2, and another officer cannot take counter 1.
    let mut siti = officer(&server, "siti", "1234", "1").await;
    expect_code(
        &mut siti,
        Request::CallNext {
            counter: Some("2".into()),
        },
        "forbidden",
    )
    .await;
    expect_code(&mut siti, Request::ListPrincipals, "forbidden").await;
    let err = Client::connect(
        &server.url(),
        Auth::Officer {
            officer: "budi".into(),
            pin: "5678".into(),
            counter: "1".into(),
        },
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code(), Some("counter_in_use"));
    assert!(
        siti.request(Request::CallNext { counter: None })
            .await
            .is_ok()
    );

    // Public ticket holder: own ticket only, read-only.
    let mut visitor = Client::connect(
        &server.url(),
        Auth::Public {
            ticket_token: own_token,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        ticket_of(
            &visitor
                .request(Request::GetTicket { ticket: None })
                .await
                .unwrap()
        )
        .id,
        ticket.id
    );
    expect_code(
        &mut visitor,
        Request::GetTicket {
            ticket: Some(TicketRef::Id(other_id)),
        },
        "forbidden",
    )
    .await;
    expect_code(&mut visitor, issue("ktp-el-baru"), "forbidden").await;
    expect_code(
        &mut visitor,
        Request::Cancel {
            ticket: TicketRef::Id(ticket.id),
        },
        "forbidden",
    )
    .await;
    // A forged token is refused at the door.
    let err = Client::connect(
        &server.url(),
        Auth::Public {
            ticket_token: "AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA".into(),
        },
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code(), Some("unauthorized"));

    // Manager: needs to name the counter.
    let mut m = manager(&server).await;
    expect_code(
        &mut m,
        Request::Recall { counter: None },
        "counter_required",
    )
    .await;
    assert!(
        m.request(Request::Recall {
            counter: Some("1".into())
        })
        .await
        .is_ok()
    );

    // Revoked device tokens stop working, also for reconnects that hit the cache.
    m.request(Request::RevokeDevice {
        name: "kiosk".into(),
    })
    .await
    .unwrap();
    let err = Client::connect(&server.url(), Auth::Kiosk { token: kiosk_token })
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), Some("unauthorized"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pins_lock_the_officer_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    set_officer(&server, "siti", "1234").await;
    let login = |pin: &str| Auth::Officer {
        officer: "siti".into(),
        pin: pin.into(),
        counter: "1".into(),
    };
    for _ in 0..5 {
        let err = Client::connect(&server.url(), login("0000"))
            .await
            .err()
            .unwrap();
        assert_eq!(err.code(), Some("unauthorized"));
    }
    // Even the right PIN is refused during the lockout.
    let err = Client::connect(&server.url(), login("1234"))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), Some("locked_out"));
    let err = Client::connect(
        &server.url(),
        Auth::Manager {
            username: "admin".into(),
            password: "wrong".into(),
        },
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code(), Some("unauthorized"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_gets_an_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut k = kiosk(&server, &token).await;

    // (frame, the id the error must echo)
    for (bad, echoed) in [
        ("{not json", None),
        (r#"{"type":"launch_missiles","id":"x"}"#, Some("x")),
        (r#"{"type":"issue_ticket","id":"k-7"}"#, Some("k-7")),
        ("[]", None),
        (r#"{"type":"issue_ticket","service":5}"#, None),
    ] {
        k.send_raw(bad).await.unwrap();
        let (code, id) = k
            .wait_for(Duration::from_secs(5), |m| match m {
                ServerMessage::Error { code, id, .. } => Some((code.clone(), id.clone())),
                _ => None,
            })
            .await
            .unwrap();
        assert_eq!(code, "bad_request", "{bad}");
        assert_eq!(id.as_deref(), echoed, "{bad}");
    }
    expect_code(&mut k, issue("no-such-service"), "unknown_service").await;
    expect_code(
        &mut k,
        Request::IssueTicket {
            service: "ktp-el-baru".into(),
            priority: Some("vip".into()),
        },
        "unknown_priority_class",
    )
    .await;
    expect_code(
        &mut k,
        Request::Hello {
            protocol: 1,
            auth: Auth::Kiosk {
                token: token.clone(),
            },
            subscribe: true,
        },
        "already_authenticated",
    )
    .await;
    let long_id = "x".repeat(65);
    k.send_raw(&format!(r#"{{"id":"{long_id}","type":"queue_status"}}"#))
        .await
        .unwrap();
    assert_eq!(next_error(&mut k).await, "bad_request");
    // The connection still works and nothing was issued.
    let first = k.request(issue("ktp-el-baru")).await.unwrap();
    assert_eq!(ticket_of(&first).number, "A-001");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_rules_and_frame_limits() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();

    // Anything before hello is refused, the connection stays open.
    ws.send(Message::text(
        r#"{"id":"1","type":"issue_ticket","service":"ktp-el-baru"}"#,
    ))
    .await
    .unwrap();
    let reply = next_text(&mut ws).await;
    assert!(reply.contains("hello_required"), "{reply}");
    ws.send(Message::text(
        r#"{"id":"2","type":"hello","protocol":99,"auth":{"role":"kiosk","token":"x.y"}}"#,
    ))
    .await
    .unwrap();
    assert!(next_text(&mut ws).await.contains("unsupported_protocol"));
    ws.send(Message::text(
        r#"{"id":"3","type":"hello","protocol":1,"auth":{"role":"kiosk","token":"x.y"}}"#,
    ))
    .await
    .unwrap();
    assert!(next_text(&mut ws).await.contains("unauthorized"));

    drop(ws);

    // An oversized frame is closed with 1009 Message Too Big as soon as its header says so
    // (the server does not read a byte of the payload). Written by hand: a client library
    // would go on writing the payload into a socket the server has closed, and read a
    // reset instead of the close frame.
    assert_eq!(oversized_frame_close_code(server.addr).await, 1009);

    // Invalid UTF-8 in a text frame: closed with 1007.
    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    let frame = tokio_tungstenite::tungstenite::protocol::frame::Frame::message(
        vec![0xff, 0xfe, 0x41],
        tokio_tungstenite::tungstenite::protocol::frame::coding::OpCode::Data(
            tokio_tungstenite::tungstenite::protocol::frame::coding::Data::Text,
        ),
        true,
    );
    ws.send(Message::Frame(frame)).await.unwrap();
    assert_eq!(close_code(&mut ws).await, Some(1007));

    // The server is still healthy.
    let health = reqwest_health(&server).await;
    assert!(health.contains("\"status\":\"ok\""), "{health}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_connections_are_dropped_after_the_handshake_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    // Still open after 5 s (the timeout is 10 s), closed with 1008 after it.
    assert!(
        tokio::time::timeout(Duration::from_secs(5), close_code(&mut ws))
            .await
            .is_err(),
        "closed before the handshake timeout"
    );
    let code = tokio::time::timeout(Duration::from_secs(20), close_code(&mut ws))
        .await
        .expect("server closes the idle connection");
    assert_eq!(code, Some(1008));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_printer_alerts_reach_officers_and_managers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-lobby").await;
    set_officer(&server, "siti", "1234").await;
    let mut o = officer(&server, "siti", "1234", "1").await;
    let mut k = kiosk(&server, &token).await;
    k.request(Request::DeviceStatus {
        printer: PrinterHealth::PaperEnd,
        detail: Some("kertas habis".into()),
    })
    .await
    .unwrap();
    let alert = o
        .wait_for(Duration::from_secs(5), |m| match m {
            ServerMessage::Alert { alert } => Some(alert.clone()),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(
        (alert.device.as_str(), alert.printer),
        ("kiosk-lobby", PrinterHealth::PaperEnd)
    );
    // A manager connecting later sees it in the snapshot.
    let mut m = manager(&server).await;
    let alerts = m
        .wait_for(Duration::from_secs(5), |msg| match msg {
            ServerMessage::Snapshot { state, .. } => Some(state.alerts.clone()),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
}

/// The code of the next error message (skipping snapshots and events).
async fn next_error(client: &mut Client) -> String {
    client
        .wait_for(Duration::from_secs(5), |m| match m {
            ServerMessage::Error { code, .. } => Some(code.clone()),
            _ => None,
        })
        .await
        .unwrap()
}

async fn next_text(
    ws: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(t))) => return t.to_string(),
            Some(Ok(_)) => continue,
            other => panic!("expected text, got {other:?}"),
        }
    }
}

/// GET /health over a plain TCP socket (no HTTP client dependency needed).
async fn reqwest_health(server: &Server) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

/// A metric's value from `GET /metrics` (0 when absent).
fn metric(server: &Server, name: &str) -> u64 {
    let (_, _, body) = raw_get(server.addr, "/metrics", "");
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64)
}

/// A client that stops reading while events keep coming is dropped once a write to it has
/// been stuck for the send timeout (10 s) and counted as a slow consumer; the manager
/// importing all the while keeps getting answers. (A stuck manager screen: paper-survey
/// imports are the largest events, so its buffers fill in a few seconds.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_dropped_and_counted_not_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    // The stuck screen: a raw socket that says hello, subscribes, and never reads again.
    let (mut stuck, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    let hello = serde_json::json!({
        "type": "hello", "protocol": 1,
        "auth": {"role": "manager", "username": "admin", "password": ADMIN_PASSWORD}
    });
    stuck.send(Message::text(hello.to_string())).await.unwrap();
    let mut m = manager(&server).await;
    let connected = metric(&server, "antrean_connections");
    assert_eq!(connected, 2);

    // ~250 KB per import event: 1,000 respondents with a 200-character suggestion each.
    let respondent = ImportedResponseDto {
        answers: [Some(3); 9],
        profile: ProfileDto::default(),
        suggestion: Some("Antrean sudah tertib, mohon tambah kursi tunggu. ".repeat(4)),
    };
    // At most 80 quick imports, then ~60 s of half-second waits: a bound that only ends
    // the wait (the send timeout is 10 s).
    let mut imports = 0;
    for _ in 0..200 {
        if metric(&server, "antrean_slow_consumers_total") > 0 {
            break;
        }
        m.request(Request::ImportSkm {
            service: Some("ktp-el-baru".into()),
            day: "2026-11-30".into(),
            label: format!("kuesioner-{imports}.csv"),
            respondents: vec![respondent.clone(); 1_000],
        })
        .await
        .unwrap();
        imports += 1;
        if imports >= 80 {
            // Enough queued for the stuck socket; wait for its write to time out.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    assert!(
        metric(&server, "antrean_slow_consumers_total") > 0,
        "the stuck client was never dropped ({imports} imports)"
    );
    assert_eq!(metric(&server, "antrean_connections"), connected - 1);
    // The importer was answered all along and is still served.
    let status = m.request(Request::QueueStatus).await.unwrap();
    assert!(
        matches!(status, ResultDto::QueueStatus { .. }),
        "{status:?}"
    );
    drop(stuck);
}

/// The next error or ok, skipping events and snapshots.
async fn next_answer(client: &mut Client) -> ServerMessage {
    client
        .wait_for(Duration::from_secs(10), |message| match message {
            ServerMessage::Ok { .. } | ServerMessage::Error { .. } => Some(message.clone()),
            _ => None,
        })
        .await
        .unwrap()
}

fn error_code(message: &ServerMessage) -> Option<(&str, Option<&str>)> {
    match message {
        ServerMessage::Error { code, id, .. } => Some((code.as_str(), id.as_deref())),
        _ => None,
    }
}

/// Idempotency keys cannot surprise: a queue command without an id, or with an empty one,
/// is refused (two empty ids once returned the same ticket); an id reused for a different
/// request is `id_reused`, also after a restart; the same request again is the retry it
/// looks like.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_are_idempotency_keys_that_cannot_surprise() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-ids").await;
    let mut client = kiosk(&server, &token).await;
    for raw in [
        r#"{"id":"","type":"issue_ticket","service":"ktp-el-baru"}"#,
        r#"{"id":"","type":"issue_ticket","service":"ktp-el-baru"}"#,
        r#"{"type":"issue_ticket","service":"ktp-el-baru"}"#,
    ] {
        client.send_raw(raw).await.unwrap();
        let answer = next_answer(&mut client).await;
        assert_eq!(
            error_code(&answer).map(|(c, _)| c),
            Some("bad_request"),
            "{raw}: {answer:?}"
        );
    }
    let status = client.request(Request::QueueStatus).await.unwrap();
    let ResultDto::QueueStatus { services, .. } = status else {
        panic!("{status:?}")
    };
    assert_eq!(services.iter().map(|s| s.issued_today).sum::<u32>(), 0);

    let first = client
        .request_with_id("same-id", issue("ktp-el-baru"))
        .await
        .unwrap();
    let retry = client
        .request_with_id("same-id", issue("ktp-el-baru"))
        .await
        .unwrap();
    assert_eq!(ticket_of(&first).id, ticket_of(&retry).id);
    let other = client
        .request_with_id("same-id", issue("skck"))
        .await
        .unwrap_err();
    assert_eq!(other.code(), Some("id_reused"), "{other}");

    // The digest is kept with the key in the log: the same after a restart.
    assert!(server.terminate().success());
    let server = Server::start(&data);
    let mut client = kiosk(&server, &token).await;
    let other = client
        .request_with_id("same-id", issue("skck"))
        .await
        .unwrap_err();
    assert_eq!(other.code(), Some("id_reused"), "{other}");
    let retry = client
        .request_with_id("same-id", issue("ktp-el-baru"))
        .await
        .unwrap();
    assert_eq!(ticket_of(&first).id, ticket_of(&retry).id);
}

/// Answers echo the id whenever it can be read: an unknown role, a number out of range
/// and an over-long id (in `hello` too, which has the same 64-character limit) get
/// `bad_request` with the id, so no client waits for an answer that never names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_echo_every_readable_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-echo").await;
    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    let long_id = "y".repeat(65);
    let before_hello = [
        (
            r#"{"id":"h-role","type":"hello","protocol":1,"auth":{"role":"wizard"}}"#.to_owned(),
            "h-role".to_owned(),
        ),
        (
            r#"{"id":"h-range","type":"hello","protocol":99999999999999999999,"auth":{"role":"kiosk","token":"x"}}"#
                .to_owned(),
            "h-range".to_owned(),
        ),
        (
            format!(
                r#"{{"id":"{long_id}","type":"hello","protocol":1,"auth":{{"role":"kiosk","token":"{token}"}}}}"#
            ),
            long_id.clone(),
        ),
    ];
    for (text, id) in before_hello {
        ws.send(Message::text(text.clone())).await.unwrap();
        match read_message(&mut ws).await {
            ServerMessage::Error {
                code, id: echoed, ..
            } => {
                assert_eq!(code, "bad_request", "{text}");
                assert_eq!(echoed.as_deref(), Some(id.as_str()), "{text}");
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    // The over-long hello did not log in; a proper one does, and after it the same holds.
    ws.send(Message::text(format!(
        r#"{{"id":"h-ok","type":"hello","protocol":1,"subscribe":false,"auth":{{"role":"kiosk","token":"{token}"}}}}"#
    )))
    .await
    .unwrap();
    assert!(matches!(
        read_message(&mut ws).await,
        ServerMessage::Welcome { .. }
    ));
    ws.send(Message::text(format!(
        r#"{{"id":"{long_id}","type":"queue_status"}}"#
    )))
    .await
    .unwrap();
    match read_message(&mut ws).await {
        ServerMessage::Error { code, id, .. } => {
            assert_eq!(
                (code.as_str(), id.as_deref()),
                ("bad_request", Some(long_id.as_str()))
            );
        }
        other => panic!("{other:?}"),
    }
}

/// One frame, one meaning: a binary frame is closed with 1003; `snapshot` is answered with
/// a snapshot carrying its id; `get_ticket` carries the real `seq`; a WebSocket upgrade
/// with a malformed `Sec-WebSocket-Key` is refused with 400.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_frame_gets_the_documented_answer() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-frames").await;
    let mut k = kiosk(&server, &token).await;
    let issued = k.request(issue("ktp-el-baru")).await.unwrap();
    let issued_seq = match &issued {
        ResultDto::Ticket { seq, .. } => *seq,
        other => panic!("{other:?}"),
    };
    let number = ticket_of(&issued).number.clone();
    match k
        .request(Request::GetTicket {
            ticket: Some(TicketRef::Number(number)),
        })
        .await
        .unwrap()
    {
        ResultDto::Ticket { seq, .. } => assert!(seq >= issued_seq && seq > 0, "seq {seq}"),
        other => panic!("{other:?}"),
    }
    k.send_raw(r#"{"id":"r-snap","type":"snapshot"}"#)
        .await
        .unwrap();
    let snapshot_id = k
        .wait_for(Duration::from_secs(10), |m| match m {
            ServerMessage::Snapshot { id: Some(id), .. } => Some(id.clone()),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(snapshot_id, "r-snap");

    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    ws.send(Message::text(format!(
        r#"{{"id":"h","type":"hello","protocol":1,"subscribe":false,"auth":{{"role":"kiosk","token":"{token}"}}}}"#
    )))
    .await
    .unwrap();
    assert!(matches!(
        read_message(&mut ws).await,
        ServerMessage::Welcome { .. }
    ));
    ws.send(Message::binary(vec![1u8, 2, 3])).await.unwrap();
    assert_eq!(close_code(&mut ws).await, Some(1003));

    assert_eq!(upgrade_status(server.addr, "dGhlIHNhbXBsZSBub25jZQ=="), 101);
    assert_eq!(upgrade_status(server.addr, "not a key"), 400);
    assert_eq!(upgrade_status(server.addr, "c2hvcnQ="), 400);
}

/// The HTTP status of a WebSocket upgrade request with `key`.
fn upgrade_status(addr: std::net::SocketAddr, key: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /ws HTTP/1.1\r\nHost: antrean\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap()
}

/// Error messages quote what the client sent, with control characters and bidirectional
/// overrides replaced: a console or terminal showing them cannot be rewritten or misread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_never_echo_control_or_bidi_characters() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "kiosk-text").await;
    let mut k = kiosk(&server, &token).await;
    let hostile = "ktp\u{202E}lx\u{1b}[2J\u{2066}";
    let err = k.request(issue(hostile)).await.unwrap_err();
    let antrean_client::ClientError::Rejected {
        code,
        message,
        message_en,
    } = err
    else {
        panic!("{err}")
    };
    assert_eq!(code, "unknown_service");
    for text in [&message, &message_en] {
        assert!(
            text.contains("ktp\u{FFFD}lx\u{FFFD}[2J\u{FFFD}"),
            "{text:?}"
        );
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{text:?}"
        );
    }
    // A decoder complaint quoting raw input is cleaned the same way.
    k.send_raw("{\"id\":\"b-1\",\"type\":\"issue_ticket\",\"service\":7,\"x\u{202E}\":1}")
        .await
        .unwrap();
    let answer = next_answer(&mut k).await;
    let ServerMessage::Error { message, .. } = answer else {
        panic!("{answer:?}")
    };
    assert!(!message.contains('\u{202E}'), "{message:?}");
}

/// One hello from `source` (a loopback address of our choosing) and its answer.
async fn hello_from(source: std::net::IpAddr, server: &Server, auth: &str) -> ServerMessage {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::new(source, 0)).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(server.url(), stream)
        .await
        .unwrap();
    ws.send(Message::text(format!(
        r#"{{"id":"h","type":"hello","protocol":1,"subscribe":false,"auth":{auth}}}"#
    )))
    .await
    .unwrap();
    read_message(&mut ws).await
}

/// Someone on the LAN guessing the manager's password locks out only their own machine:
/// the manager at another address logs in at once, and the failures are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outsider_guessing_cannot_lock_the_manager_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let outsider: std::net::IpAddr = [127, 0, 0, 66].into();
    let manager_desk: std::net::IpAddr = [127, 0, 0, 10].into();
    let wrong = r#"{"role":"manager","username":"admin","password":"tebak-tebak"}"#;
    let right = format!(r#"{{"role":"manager","username":"admin","password":"{ADMIN_PASSWORD}"}}"#);
    let mut codes = Vec::new();
    for _ in 0..8 {
        match hello_from(outsider, &server, wrong).await {
            ServerMessage::Error { code, .. } => codes.push(code),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(codes[..5], ["unauthorized"; 5]);
    assert_eq!(codes[5..], ["locked_out"; 3]);
    // The outsider's machine stays locked even with the right password…
    assert!(matches!(
        hello_from(outsider, &server, &right).await,
        ServerMessage::Error { code, .. } if code == "locked_out"
    ));
    // …while the manager at their own desk logs in.
    assert!(matches!(
        hello_from(manager_desk, &server, &right).await,
        ServerMessage::Welcome { .. }
    ));
    assert_eq!(metric(&server, "antrean_login_failures_total"), 5);
    assert_eq!(metric(&server, "antrean_logins_locked_out_total"), 4);
}

/// Opens a WebSocket by hand, sends only the header (and a few bytes) of a text frame one
/// byte longer than the limit, and returns the close code the server answers with.
async fn oversized_frame_close_code(addr: std::net::SocketAddr) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        format!(
            "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        tcp.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    assert!(
        String::from_utf8_lossy(&head).starts_with("HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    // FIN + text, masked, 64-bit length, mask key, then 3 payload bytes only.
    let mut frame = vec![0x81, 0x80 | 127];
    frame.extend_from_slice(&((MAX_CLIENT_MESSAGE_BYTES + 1) as u64).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame.extend_from_slice(&[b'x' ^ 1, b'x' ^ 2, b'x' ^ 3]);
    tcp.write_all(&frame).await.unwrap();
    // The server's close frame: 0x88, length, then the code (big-endian) and a reason.
    let mut first = [0u8; 2];
    tcp.read_exact(&mut first).await.unwrap();
    assert_eq!(first[0], 0x88, "a close frame");
    let mut code = [0u8; 2];
    tcp.read_exact(&mut code).await.unwrap();
    u16::from_be_bytes(code)
}
