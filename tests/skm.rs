//! Ratings from a finished ticket to the IKM report, over real WebSockets: the rating
//! screen at the counter, the visitor's digital ticket, imports, follow-ups, the report and
//! its XLSX/CSV exports read back.

use std::time::Duration;

use crate::common::*;
use antrean_client::{Client, ClientError};
use antrean_core::skm::{Response, Weight, ikm};
use antrean_protocol::*;
use base64::Engine as _;
use calamine::{Data, Reader};

/// Issues a ticket at the kiosk and serves it at `counter`; returns (id, public token).
async fn serve(kiosk: &mut Client, officer: &mut Client, service: &str) -> (u64, String) {
    let (id, token) = match kiosk.request(issue(service)).await.unwrap() {
        ResultDto::Ticket {
            ticket,
            public_token,
            ..
        } => (ticket.id, public_token.unwrap()),
        other => panic!("{other:?}"),
    };
    officer
        .request(Request::CallTicket {
            ticket: TicketRef::Id(id),
            counter: None,
        })
        .await
        .unwrap();
    officer
        .request(Request::Start { counter: None })
        .await
        .unwrap();
    officer
        .request(Request::Finish { counter: None })
        .await
        .unwrap();
    (id, token)
}

fn rate(ticket: Option<u64>, rating: RatingDto) -> Request {
    Request::Rate {
        ticket: ticket.map(TicketRef::Id),
        rating,
    }
}

fn code(result: Result<ResultDto, ClientError>) -> String {
    result.unwrap_err().code().unwrap_or("?").to_owned()
}

/// Three respondents of the worked example rated through the system, R4 (U9 blank) among
/// them so the per-unsur denominator is exercised.
const ANSWERS: [[Option<u8>; 9]; 3] = [WORKED[0], WORKED[1], WORKED[3]];

async fn report(manager: &mut Client, query: ReportQueryDto) -> ReportDto {
    match manager.request(Request::Report { query }).await.unwrap() {
        ResultDto::Report { report } => *report,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_ticket_is_rated_once_and_reaches_the_ikm_report_and_its_exports() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let board_token = enroll(&server, DeviceKind::Display, "board").await;
    let pad_token = enroll_rating(&server, "pad-1", "1").await;
    set_officer(&server, "siti", "1234").await;
    set_officer(&server, "budi", "5678").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let mut at_1 = officer(&server, "siti", "1234", "1").await;
    let mut at_2 = officer(&server, "budi", "5678", "2").await;
    let mut pad = Client::connect(&server.url(), Auth::Rating { token: pad_token })
        .await
        .unwrap();
    let mut board = Client::connect(&server.url(), Auth::Display { token: board_token })
        .await
        .unwrap();
    let mut boss = manager(&server).await;
    assert_eq!(pad.welcome.role, "rating");
    assert_eq!(pad.welcome.counter.as_deref(), Some("1"));

    // Not yet served: no rating.
    let waiting = match kiosk.request(issue("ktp-el-baru")).await.unwrap() {
        ResultDto::Ticket { ticket, .. } => ticket.id,
        other => panic!("{other:?}"),
    };
    let face = |f| RatingDto {
        face: Some(f),
        ..RatingDto::default()
    };
    assert_eq!(
        code(pad.request(rate(Some(waiting), face(4))).await),
        "not_rateable"
    );
    at_1.request(Request::CallNext { counter: None })
        .await
        .unwrap();
    at_1.request(Request::Start { counter: None })
        .await
        .unwrap();
    at_1.request(Request::Finish { counter: None })
        .await
        .unwrap();

    // Three served at counter 1, one at counter 2.
    let mut served = vec![waiting];
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let (id, token) = serve(&mut kiosk, &mut at_1, "kk-baru").await;
        served.push(id);
        tokens.push(token);
    }
    let (elsewhere, _) = serve(&mut kiosk, &mut at_2, "ktp-el-ganti").await;

    // The pad at counter 1 sees the finish in its stream, and rates with one tap.
    pad.wait_for(Duration::from_secs(5), |m| match m {
        ServerMessage::Event {
            event: EventDto::ServiceFinished { ticket, counter },
            ..
        } if *ticket == served[2] && counter == "1" => Some(()),
        _ => None,
    })
    .await
    .unwrap();
    for (i, id) in served.iter().enumerate() {
        pad.request(rate(Some(*id), face(4 - i as u8 % 2)))
            .await
            .unwrap();
    }
    assert_eq!(
        code(pad.request(rate(Some(served[0]), face(1))).await),
        "already_rated"
    );
    assert_eq!(
        code(pad.request(rate(Some(elsewhere), face(4))).await),
        "forbidden",
        "a pad cannot rate another counter's visitor"
    );
    assert_eq!(
        code(pad.request(rate(Some(served[1]), face(7))).await),
        "invalid_rating"
    );

    // The questionnaire: on the pad for the first ticket, on the phones for the others.
    let questionnaire = |answers, suggestion: Option<&str>| RatingDto {
        answers: Some(answers),
        profile: ProfileDto {
            gender: Some("P".into()),
            education: Some("SMA".into()),
            ..ProfileDto::default()
        },
        suggestion: suggestion.map(Into::into),
        ..RatingDto::default()
    };
    pad.request(rate(Some(served[0]), questionnaire(ANSWERS[0], None)))
        .await
        .unwrap();
    for (i, token) in tokens.iter().enumerate() {
        let mut phone = Client::connect_with(
            &server.url(),
            Auth::Public {
                ticket_token: token.clone(),
            },
            false,
        )
        .await
        .unwrap();
        let suggestion = (i == 0).then_some("Kursi ruang tunggu kurang");
        phone
            .request(rate(None, questionnaire(ANSWERS[i + 1], suggestion)))
            .await
            .unwrap();
        assert_eq!(
            code(
                phone
                    .request(rate(None, questionnaire(ANSWERS[0], None)))
                    .await
            ),
            "already_rated"
        );
        // A visitor rates only their own ticket.
        assert_eq!(
            code(phone.request(rate(Some(elsewhere), face(4))).await),
            "forbidden"
        );
    }
    // Only managers see ratings (free text, officer names) in the stream.
    let rated = boss
        .wait_for(Duration::from_secs(5), |m| match m {
            ServerMessage::Event {
                event: EventDto::ServiceRated { rating, .. },
                ..
            } if rating.suggestion.is_some() => rating.suggestion.clone(),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(rated, "Kursi ruang tunggu kurang");
    // A ticket issued after the ratings is the board's positive signal: everything before
    // it in the stream has arrived, and none of it may be a managers-only event.
    let marker = ticket_of(&kiosk.request(issue("ktp-el-baru")).await.unwrap()).id;
    let first = board
        .wait_for(Duration::from_secs(10), |m| match m {
            ServerMessage::Event {
                event:
                    EventDto::ServiceRated { .. }
                    | EventDto::ResponsesImported { .. }
                    | EventDto::FollowUpRecorded { .. },
                ..
            } => Some("a managers-only event"),
            ServerMessage::Event {
                event: EventDto::TicketIssued { ticket, .. },
                ..
            } if *ticket == marker => Some("the marker"),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(
        first, "the marker",
        "a board must not receive rating events"
    );

    // The board's snapshot carries the quarter's IKM.
    let expected: Vec<Response> = ANSWERS.iter().map(|a| Response { answers: *a }).collect();
    let exact = ikm(&expected, Weight::Exact).unwrap();
    let mut fresh_board = Client::connect(
        &server.url(),
        Auth::Display {
            token: enroll(&server, DeviceKind::Display, "board-2").await,
        },
    )
    .await
    .unwrap();
    let published = fresh_board
        .wait_for(Duration::from_secs(5), |m| match m {
            ServerMessage::Snapshot { state, .. } => state.ikm.clone(),
            _ => None,
        })
        .await
        .unwrap();
    assert_eq!(published.respondents, 3);
    assert_eq!(published.ikm, exact.ikm);
    assert_eq!(published.mutu, exact.mutu.to_string());

    // The manager's report.
    let r = report(&mut boss, ReportQueryDto::default()).await;
    assert_eq!(r.counts.served, 4);
    assert_eq!(r.skm.respondents, 3);
    assert_eq!(r.skm.faces, [0, 0, 1, 2], "faces 4, 3, 4 were tapped");
    assert_eq!(r.skm.gender, [0, 3]);
    assert_eq!(r.skm.target_sample, 4, "Krejcie–Morgan for N = 4");
    let ikm_dto = r.skm.ikm.as_ref().unwrap();
    assert_eq!(ikm_dto.ikm, exact.ikm);
    assert_eq!(ikm_dto.unsur[8].answered, 2, "a blank is not a zero");
    assert_eq!(r.skm.comments.len(), 1);
    let legacy = report(
        &mut boss,
        ReportQueryDto {
            weight: Some("legacy".into()),
            ..ReportQueryDto::default()
        },
    )
    .await;
    assert_eq!(
        legacy.skm.ikm.unwrap().ikm,
        ikm(&expected, Weight::Legacy).unwrap().ikm
    );
    let at_counter_2 = report(
        &mut boss,
        ReportQueryDto {
            counter: Some("2".into()),
            ..ReportQueryDto::default()
        },
    )
    .await;
    assert_eq!(
        (at_counter_2.counts.served, at_counter_2.skm.respondents),
        (1, 0)
    );
    let bad = boss
        .request(Request::Report {
            query: ReportQueryDto {
                service: Some("no-such".into()),
                ..ReportQueryDto::default()
            },
        })
        .await;
    assert_eq!(code(bad), "bad_request");

    // Imports: a bad row refuses the whole file; a good one counts.
    let row = |answers: [Option<u8>; 9]| ImportedResponseDto {
        answers,
        profile: ProfileDto::default(),
        suggestion: None,
    };
    let today = r.to.clone();
    let mut broken = row([Some(4); 9]);
    broken.answers[3] = Some(5);
    let refused = boss
        .request(Request::ImportSkm {
            service: Some("kk-baru".into()),
            day: today.clone(),
            label: "kertas.csv".into(),
            respondents: vec![row([Some(3); 9]), broken],
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("invalid_import"));
    assert!(refused.to_string().contains("responden ke-2"), "{refused}");
    assert_eq!(
        report(&mut boss, ReportQueryDto::default())
            .await
            .skm
            .respondents,
        3
    );
    boss.request(Request::ImportSkm {
        service: Some("kk-baru".into()),
        day: today,
        label: "kertas.csv".into(),
        respondents: vec![row([Some(3); 9]), row([Some(2); 9])],
    })
    .await
    .unwrap();

    // A follow-up for the weakest unsur.
    boss.request(Request::RecordFollowUp {
        follow_up: FollowUpDto {
            unsur: Some("sarpras".into()),
            service: None,
            action: "Menambah kursi ruang tunggu".into(),
            due: Some("2026-12-31".into()),
            status: "planned".into(),
            recorded_by: "someone-else".into(),
            revises_at_ms: None,
        },
    })
    .await
    .unwrap();
    let r = report(&mut boss, ReportQueryDto::default()).await;
    let mut all = expected.clone();
    all.push(Response {
        answers: [Some(3); 9],
    });
    all.push(Response {
        answers: [Some(2); 9],
    });
    assert_eq!(r.skm.respondents, 5);
    assert_eq!(r.skm.imported, 2);
    // A kiosk's `queue_status` carries the published IKM too, so its attract screen follows
    // the ratings without a new snapshot.
    let ResultDto::QueueStatus { ikm: published, .. } =
        kiosk.request(Request::QueueStatus).await.unwrap()
    else {
        panic!("queue_status")
    };
    let published = published.expect("published IKM in queue_status");
    assert_eq!(published.respondents, 5);
    assert!((published.ikm - r.skm.ikm.as_ref().unwrap().ikm).abs() < 1e-9);
    assert_eq!(
        r.skm.ikm.as_ref().unwrap().ikm,
        ikm(&all, Weight::Exact).unwrap().ikm
    );
    assert_eq!(r.skm.follow_ups.len(), 1);
    assert_eq!(
        r.skm.follow_ups[0].follow_up.recorded_by, "admin",
        "the login, not the claim"
    );

    // Exports, read back.
    let export = |kind: &str, format: &str| Request::ExportReport {
        query: ReportQueryDto::default(),
        kind: kind.into(),
        format: format.into(),
    };
    let bytes = |result: ResultDto| match result {
        ResultDto::File {
            name, data_base64, ..
        } => (
            name,
            base64::engine::general_purpose::STANDARD
                .decode(data_base64)
                .unwrap(),
        ),
        other => panic!("{other:?}"),
    };
    let (name, xlsx) = bytes(boss.request(export("ikm", "xlsx")).await.unwrap());
    assert!(name.ends_with(".xlsx"));
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("SKM per unsur").unwrap();
    let ikm_row = sheet
        .rows()
        .find(|row| row.first() == Some(&Data::String("IKM".into())))
        .expect("an IKM row");
    assert_eq!(ikm_row[6], Data::Float(r.skm.ikm.as_ref().unwrap().ikm));
    assert_eq!(
        ikm_row[7],
        Data::String(r.skm.ikm.as_ref().unwrap().mutu.clone())
    );
    let header: Vec<String> = sheet
        .rows()
        .nth(2)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[4], "NRR");
    let (_, csv) = bytes(boss.request(export("waiting", "csv")).await.unwrap());
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM so Excel reads UTF-8");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("Tanggal;Diterbitkan;Dilayani"));
    let total: Vec<&str> = lines.last().unwrap().split(';').collect();
    // Issued: the four served and the stream check's marker, which still waits.
    assert_eq!((total[0], total[1], total[2]), ("Total", "5", "4"));
    assert_eq!(
        code(boss.request(export("ikm", "pdf")).await),
        "bad_request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_right_roles_rate_import_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let forbidden = [
        Request::Rate {
            ticket: Some(TicketRef::Id(1)),
            rating: RatingDto {
                face: Some(4),
                ..RatingDto::default()
            },
        },
        Request::Report {
            query: ReportQueryDto::default(),
        },
        Request::ImportSkm {
            service: None,
            day: "2026-11-30".into(),
            label: "x".into(),
            respondents: Vec::new(),
        },
    ];
    for request in forbidden {
        assert_eq!(code(kiosk.request(request).await), "forbidden");
    }
    // A rating screen needs a counter that exists.
    let mut boss = manager(&server).await;
    for counter in [None, Some("99".to_owned())] {
        let refused = boss
            .request(Request::EnrollDevice {
                kind: DeviceKind::Rating,
                name: "pad".into(),
                counter,
            })
            .await;
        assert_eq!(code(refused), "counter_required");
    }
}
