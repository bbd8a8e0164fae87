//! The role matrix: every action tried by every role; exactly the allowed ones get past
//! authorization. "Allowed" means the coordinator did not refuse on who is asking (it may
//! still refuse on queue rules, e.g. `queue_empty`).

use std::time::Duration;

use crate::common::*;
use antrean_client::{Client, ClientError};
use antrean_protocol::*;

/// Codes that mean "not you".
const DENIED: [&str; 4] = [
    "forbidden",
    "hello_required",
    "unauthorized",
    "counter_required",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Kiosk,
    Display,
    /// Officer at counter 1 naming their own counter (or none).
    Officer,
    /// The same officer naming counter 2.
    OfficerElsewhere,
    Manager,
    PublicOwn,
    PublicOther,
    /// A rating screen bound to counter 1.
    Rating,
    NoHello,
}

const ROLES: [Role; 9] = [
    Role::Kiosk,
    Role::Display,
    Role::Rating,
    Role::Officer,
    Role::OfficerElsewhere,
    Role::Manager,
    Role::PublicOwn,
    Role::PublicOther,
    Role::NoHello,
];

/// The counter a role names in counter actions.
fn counter_for(role: Role) -> Option<String> {
    match role {
        Role::OfficerElsewhere => Some("2".into()),
        Role::Manager => Some("1".into()),
        _ => None,
    }
}

/// An action: its name, how each role phrases it, and the roles allowed to do it.
type Action = (&'static str, Box<dyn Fn(Role) -> Request>, Vec<Role>);

/// Every action of the protocol but `hello` and `snapshot`.
fn actions(own_ticket: u64, other_ticket: u64) -> Vec<Action> {
    use Role::*;
    let staff = vec![Officer, Manager];
    let all = vec![
        Kiosk,
        Display,
        Officer,
        OfficerElsewhere,
        Manager,
        PublicOwn,
        PublicOther,
        Rating,
    ];
    let c = counter_for;
    vec![
        (
            "issue_ticket",
            Box::new(|_| issue("skck")),
            vec![Kiosk, Officer, OfficerElsewhere, Manager],
        ),
        (
            "call_next",
            Box::new(move |r| Request::CallNext { counter: c(r) }),
            staff.clone(),
        ),
        (
            "recall",
            Box::new(move |r| Request::Recall { counter: c(r) }),
            staff.clone(),
        ),
        (
            "start",
            Box::new(move |r| Request::Start { counter: c(r) }),
            staff.clone(),
        ),
        (
            "finish",
            Box::new(move |r| Request::Finish { counter: c(r) }),
            staff.clone(),
        ),
        (
            "no_show",
            Box::new(move |r| Request::NoShow { counter: c(r) }),
            staff.clone(),
        ),
        (
            "park",
            Box::new(move |r| Request::Park { counter: c(r) }),
            staff.clone(),
        ),
        (
            "pause",
            Box::new(move |r| Request::Pause {
                counter: c(r),
                reason: Some("rapat".into()),
            }),
            staff.clone(),
        ),
        (
            "resume",
            Box::new(move |r| Request::Resume { counter: c(r) }),
            staff.clone(),
        ),
        (
            "transfer",
            Box::new(move |r| Request::Transfer {
                service: "kk-baru".into(),
                to_front: false,
                counter: c(r),
            }),
            staff.clone(),
        ),
        (
            "call_ticket",
            Box::new(move |r| Request::CallTicket {
                ticket: TicketRef::Id(other_ticket),
                counter: c(r),
            }),
            staff.clone(),
        ),
        (
            "close_counter",
            Box::new(move |r| Request::CloseCounter { counter: c(r) }),
            staff.clone(),
        ),
        (
            "unpark",
            Box::new(move |_| Request::Unpark {
                ticket: TicketRef::Id(other_ticket),
            }),
            vec![Officer, OfficerElsewhere, Manager],
        ),
        (
            "reinstate",
            Box::new(move |_| Request::Reinstate {
                ticket: TicketRef::Id(other_ticket),
            }),
            vec![Officer, OfficerElsewhere, Manager],
        ),
        (
            "cancel",
            Box::new(move |_| Request::Cancel {
                ticket: TicketRef::Id(other_ticket),
            }),
            vec![Officer, OfficerElsewhere, Manager],
        ),
        (
            "queue_status",
            Box::new(|_| Request::QueueStatus),
            all.clone(),
        ),
        (
            "get_own_ticket",
            Box::new(move |r| Request::GetTicket {
                ticket: (r != PublicOwn && r != PublicOther).then_some(TicketRef::Id(own_ticket)),
            }),
            all.clone(),
        ),
        (
            "get_other_ticket",
            Box::new(move |_| Request::GetTicket {
                ticket: Some(TicketRef::Id(other_ticket)),
            }),
            vec![Kiosk, Display, Officer, OfficerElsewhere, Manager, Rating],
        ),
        (
            "device_status",
            Box::new(|_| Request::DeviceStatus {
                printer: PrinterHealth::Ready,
                detail: None,
            }),
            vec![Kiosk],
        ),
        (
            "enroll_device",
            Box::new(|_| Request::EnrollDevice {
                kind: DeviceKind::Display,
                name: "board-x".into(),
                counter: None,
            }),
            vec![Manager],
        ),
        (
            "revoke_device",
            Box::new(|_| Request::RevokeDevice {
                name: "board-x".into(),
            }),
            vec![Manager],
        ),
        (
            "set_officer",
            Box::new(|_| Request::SetOfficer {
                officer: "budi".into(),
                name: "Budi".into(),
                pin: "2468".into(),
            }),
            vec![Manager],
        ),
        (
            "remove_officer",
            Box::new(|_| Request::RemoveOfficer {
                officer: "budi".into(),
            }),
            vec![Manager],
        ),
        (
            "list_principals",
            Box::new(|_| Request::ListPrincipals),
            vec![Manager],
        ),
        (
            "rate",
            Box::new(move |r| Request::Rate {
                ticket: match r {
                    PublicOwn => None,
                    PublicOther => Some(TicketRef::Id(other_ticket)),
                    _ => Some(TicketRef::Id(own_ticket)),
                },
                rating: RatingDto {
                    face: Some(4),
                    ..RatingDto::default()
                },
            }),
            vec![PublicOwn, Rating],
        ),
        (
            "import_skm",
            Box::new(|_| Request::ImportSkm {
                service: None,
                day: "2026-11-30".into(),
                label: "x.csv".into(),
                respondents: vec![ImportedResponseDto {
                    answers: [Some(3); 9],
                    profile: ProfileDto::default(),
                    suggestion: None,
                }],
            }),
            vec![Manager],
        ),
        (
            "record_follow_up",
            Box::new(|_| Request::RecordFollowUp {
                follow_up: FollowUpDto {
                    unsur: Some("waktu".into()),
                    service: None,
                    action: "Menambah loket".into(),
                    due: None,
                    status: "planned".into(),
                    recorded_by: String::new(),
                    revises_at_ms: None,
                },
            }),
            vec![Manager],
        ),
        (
            "report",
            Box::new(|_| Request::Report {
                query: ReportQueryDto::default(),
            }),
            vec![Manager],
        ),
        (
            "export_report",
            Box::new(|_| Request::ExportReport {
                query: ReportQueryDto::default(),
                kind: "ikm".into(),
                format: "csv".into(),
            }),
            vec![Manager],
        ),
    ]
}

async fn connect(server: &Server, role: Role, tokens: &Tokens) -> Client {
    let auth = match role {
        Role::Kiosk => Auth::Kiosk {
            token: tokens.kiosk.clone(),
        },
        Role::Display => Auth::Display {
            token: tokens.display.clone(),
        },
        Role::Officer | Role::OfficerElsewhere => Auth::Officer {
            officer: "siti".into(),
            pin: "1234".into(),
            counter: "1".into(),
        },
        Role::Manager => Auth::Manager {
            username: "admin".into(),
            password: ADMIN_PASSWORD.into(),
        },
        // "Own" and "other" differ in which ticket the request names, not in the token.
        Role::PublicOwn | Role::PublicOther => Auth::Public {
            ticket_token: tokens.public.clone(),
        },
        Role::Rating => Auth::Rating {
            token: tokens.rating.clone(),
        },
        Role::NoHello => unreachable!("raw socket"),
    };
    Client::connect(&server.url(), auth)
        .await
        .unwrap_or_else(|e| panic!("{role:?} login: {e}"))
}

struct Tokens {
    kiosk: String,
    display: String,
    public: String,
    rating: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_action_by_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let display = enroll(&server, DeviceKind::Display, "board").await;
    set_officer(&server, "siti", "1234").await;
    let mut k = kiosk(&server, &kiosk_token).await;
    let own = k.request(issue("ktp-el-baru")).await.unwrap();
    let ResultDto::Ticket {
        ticket: own_ticket,
        public_token: Some(public),
        ..
    } = own
    else {
        panic!()
    };
    let other = ticket_of(&k.request(issue("ktp-el-baru")).await.unwrap()).id;
    let rating = enroll_rating(&server, "pad-1", "1").await;
    let tokens = Tokens {
        kiosk: kiosk_token.clone(),
        display,
        public,
        rating,
    };

    let mut table = Vec::new();
    let mut wrong = Vec::new();
    for role in ROLES {
        let mut client = if role == Role::NoHello {
            None
        } else {
            Some(connect(&server, role, &tokens).await)
        };
        for (name, build, allowed) in actions(own_ticket.id, other) {
            let request = build(role);
            let outcome = match &mut client {
                Some(client) => match client.request(request).await {
                    Ok(ResultDto::Ticket { public_token, .. }) => {
                        // A visitor's token lets its holder act as that visitor: only
                        // the kiosk and staff, who hand it over, may see it.
                        let may_see = matches!(
                            role,
                            Role::Kiosk | Role::Officer | Role::OfficerElsewhere | Role::Manager
                        );
                        if public_token.is_some() != may_see {
                            wrong.push(format!("{role:?} {name}: token {public_token:?}"));
                        }
                        Ok(())
                    }
                    Ok(_) => Ok(()),
                    Err(ClientError::Rejected { code, .. }) => Err(code),
                    Err(other) => panic!("{role:?} {name}: {other}"),
                },
                None => raw_without_hello(&server, &request).await,
            };
            let got_allowed = !matches!(&outcome, Err(code) if DENIED.contains(&code.as_str()));
            let expected = allowed.contains(&role);
            table.push(format!("{role:?} {name}: {outcome:?}"));
            if got_allowed != expected {
                wrong.push(format!(
                    "{role:?} {name}: expected {}, got {outcome:?}",
                    if expected { "allowed" } else { "denied" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "role matrix mismatches:\n{}\n\nfull table:\n{}",
        wrong.join("\n"),
        table.join("\n")
    );

    // Revoked tokens do not get in at all.
    let mut m = manager(&server).await;
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

/// Sends a request on a fresh socket without `hello`; returns the error code.
async fn raw_without_hello(server: &Server, request: &Request) -> Result<(), String> {
    use futures_util::{SinkExt, StreamExt};
    let (mut ws, _) = tokio_tungstenite::connect_async(server.url())
        .await
        .unwrap();
    let text = serde_json::to_string(&ClientMessage {
        id: Some("x".into()),
        request: request.clone(),
    })
    .unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::text(text))
        .await
        .unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let message: ServerMessage = serde_json::from_str(reply.to_text().unwrap()).unwrap();
    match message {
        ServerMessage::Error { code, .. } => Err(code),
        other => panic!("without hello: {other:?}"),
    }
}

/// Waits for the server to close `client` and returns the close code and reason.
async fn closed_with(client: &mut Client) -> String {
    match client
        .wait_for(Duration::from_secs(10), |_| None::<()>)
        .await
    {
        Err(ClientError::Closed(reason)) => reason,
        other => panic!("expected the server to close the socket, got {other:?}"),
    }
}

async fn accepted_ok(m: &mut Client, request: Request) {
    m.request(request).await.unwrap();
}

async fn accepted(m: &mut Client, request: Request) {
    let result = m.request(request).await.unwrap();
    assert!(
        matches!(result, ResultDto::Accepted | ResultDto::Enrolled { .. }),
        "{result:?}"
    );
}

/// Revocation takes effect on open sockets, for every role with a stored credential: a
/// revoked kiosk, display board or rating screen, a removed officer, an officer whose PIN
/// changed and a device enrolled again under its name are closed with 4001 by the time
/// the manager has the answer, and cannot log in again with the old secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_or_removing_cuts_the_live_sessions_of_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let url = server.url();
    let mut m = manager(&server).await;
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "lobby").await;
    let board_token = enroll(&server, DeviceKind::Display, "hall").await;
    let rating_token = enroll_rating(&server, "rate-1", "1").await;
    set_officer(&server, "siti", "1234").await;
    set_officer(&server, "budi", "5678").await;

    let devices = [
        (
            Auth::Kiosk {
                token: kiosk_token.clone(),
            },
            "lobby",
        ),
        (Auth::Display { token: board_token }, "hall"),
        (
            Auth::Rating {
                token: rating_token,
            },
            "rate-1",
        ),
    ];
    for (auth, name) in devices {
        let mut session = Client::connect(&url, auth.clone()).await.unwrap();
        accepted(&mut m, Request::RevokeDevice { name: name.into() }).await;
        let reason = closed_with(&mut session).await;
        assert!(reason.starts_with("4001"), "{name}: {reason}");
        let again = Client::connect(&url, auth)
            .await
            .err()
            .expect("the old token still works");
        assert_eq!(again.code(), Some("unauthorized"), "{name}");
    }

    // A removed officer, at the counter they opened.
    let siti = Auth::Officer {
        officer: "siti".into(),
        pin: "1234".into(),
        counter: "1".into(),
    };
    let mut session = Client::connect(&url, siti.clone()).await.unwrap();
    accepted(
        &mut m,
        Request::RemoveOfficer {
            officer: "siti".into(),
        },
    )
    .await;
    assert!(closed_with(&mut session).await.starts_with("4001"));
    assert_eq!(
        Client::connect(&url, siti).await.err().unwrap().code(),
        Some("unauthorized")
    );

    // An officer whose PIN changed: the old session ends, the new PIN works.
    let budi = |pin: &str| Auth::Officer {
        officer: "budi".into(),
        pin: pin.into(),
        counter: "2".into(),
    };
    let mut session = Client::connect(&url, budi("5678")).await.unwrap();
    accepted(
        &mut m,
        Request::SetOfficer {
            officer: "budi".into(),
            name: "Budi".into(),
            pin: "8765".into(),
        },
    )
    .await;
    assert!(closed_with(&mut session).await.starts_with("4001"));
    Client::connect(&url, budi("8765")).await.unwrap();

    // A counter closed by a manager ends the officer session holding it; an officer who
    // closes their own counter keeps theirs.
    set_officer(&server, "ani", "2468").await;
    let ani = |counter: &str| Auth::Officer {
        officer: "ani".into(),
        pin: "2468".into(),
        counter: counter.into(),
    };
    let mut session = Client::connect(&url, ani("3")).await.unwrap();
    accepted_ok(
        &mut m,
        Request::CloseCounter {
            counter: Some("3".into()),
        },
    )
    .await;
    assert!(closed_with(&mut session).await.starts_with("4001"));
    let mut session = Client::connect(&url, ani("3")).await.unwrap();
    session
        .request(Request::CloseCounter { counter: None })
        .await
        .unwrap();
    session.request(Request::QueueStatus).await.unwrap();

    // A device enrolled again under its name: the old token's session ends.
    let old = enroll(&server, DeviceKind::Kiosk, "gate").await;
    let mut session = Client::connect(&url, Auth::Kiosk { token: old })
        .await
        .unwrap();
    let new = enroll(&server, DeviceKind::Kiosk, "gate").await;
    assert!(closed_with(&mut session).await.starts_with("4001"));
    Client::connect(&url, Auth::Kiosk { token: new })
        .await
        .unwrap();
}

/// The hole this closes: a kiosk revoked while it keeps issuing on its open socket. After
/// the manager's answer no ticket of it is issued any more; its next request is refused or
/// its socket is closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kiosk_issuing_at_full_speed_issues_nothing_after_its_revocation_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let token = enroll(&server, DeviceKind::Kiosk, "stolen").await;
    let mut kiosk = Client::connect(&server.url(), Auth::Kiosk { token })
        .await
        .unwrap();
    let issuing = tokio::spawn(async move {
        let mut issued = 0u32;
        for i in 0.. {
            match kiosk.request(issue(SERVICES[i % SERVICES.len()])).await {
                Ok(_) => issued += 1,
                Err(ClientError::Rejected { code, .. }) if code == "revoked" => {
                    return (issued, code);
                }
                Err(ClientError::Rejected { .. }) => {}
                Err(ClientError::Closed(reason)) => return (issued, reason),
                Err(other) => panic!("{other}"),
            }
        }
        unreachable!()
    });
    let mut m = manager(&server).await;
    // Let it issue for a while first.
    let before = loop {
        let n = issued_count(&mut m).await;
        if n >= 50 {
            break n;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(before >= 50);
    accepted(
        &mut m,
        Request::RevokeDevice {
            name: "stolen".into(),
        },
    )
    .await;
    let at_revoke = issued_count(&mut m).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        issued_count(&mut m).await,
        at_revoke,
        "tickets issued after the revocation"
    );
    let (issued, ended) = issuing.await.unwrap();
    // Its last answer may be lost with the socket, never a ticket after the revocation.
    assert!(
        issued as usize <= at_revoke,
        "{issued} answered, {at_revoke} issued"
    );
    assert!(ended == "revoked" || ended.starts_with("4001"), "{ended}");
}

async fn issued_count(m: &mut Client) -> usize {
    match m.request(Request::QueueStatus).await.unwrap() {
        ResultDto::QueueStatus { services, .. } => {
            services.iter().map(|s| s.issued_today as usize).sum()
        }
        other => panic!("{other:?}"),
    }
}
