//! Satisfaction ratings and the managers' report in a real browser (Debian's headless
//! Chromium via chromedriver) against the real coordinator: the counter's rating screen and
//! the digital ticket send the one-tap face and the SKM questionnaire of PermenPAN-RB
//! 14/2017; the report page, the exports, the IKM publication board and the display board
//! show the IKM the coordinator computes, checked against the regulation's formula worked
//! out independently here. Screenshots land in `target/web-screenshots/`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::common::browser::{Browser, Driver, Window};
use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;
use serde_json::{Value, json};

/// Patience on a loaded 2-core CI machine (poll, never sleep blindly).
const PATIENCE: Duration = Duration::from_secs(20);
/// The service the sample catalog serves at counter 1 (prefix A).
const SERVICE: &str = "ktp-el-baru";

/// Scope order U1..U9: the order of `answers` on the wire.
const SCOPE: [&str; 9] = [
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarpras",
];

/// The regulation's formula, computed here without the core: NRR per unsur over the
/// questionnaires that answered it, weighted, summed, ×25, rounded to 2 decimals.
struct Expected {
    nrr: [f64; 9],
    ikm: f64,
}

fn expected_ikm(responses: &[[Option<u8>; 9]], weight: f64) -> Expected {
    let mut nrr = [0.0; 9];
    for (i, slot) in nrr.iter_mut().enumerate() {
        let answered: Vec<f64> = responses
            .iter()
            .filter_map(|r| r[i].map(f64::from))
            .collect();
        *slot = answered.iter().sum::<f64>() / answered.len() as f64;
    }
    let ikm = nrr.iter().map(|n| n * weight).sum::<f64>() * 25.0;
    Expected {
        nrr,
        ikm: (ikm * 100.0).round() / 100.0,
    }
}

/// "80,42": Indonesian decimal comma.
fn id_decimal(value: f64, digits: usize) -> String {
    format!("{value:.digits$}").replace('.', ",")
}

/// Mutu on the IKM rounded to 2 decimals (PermenPAN-RB 14/2017 conversion table).
fn mutu(ikm: f64) -> (&'static str, &'static str) {
    match ikm {
        x if x >= 88.31 => ("A", "Sangat baik"),
        x if x >= 76.61 => ("B", "Baik"),
        x if x >= 65.0 => ("C", "Kurang baik"),
        _ => ("D", "Tidak baik"),
    }
}

/// Krejcie & Morgan (1970) as the regulation points to it.
fn krejcie_morgan(n: f64) -> u64 {
    let (chi, p, d) = (3.841, 0.5, 0.05);
    (chi * n * p * (1.0 - p) / (d * d * (n - 1.0) + chi * p * (1.0 - p))).round() as u64
}

/// "Triwulan IV 2026" for today at the sample site (WIB, UTC+7).
fn current_quarter_wib() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 7 * 3600;
    // Days to civil date (H. Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let quarter = ["I", "II", "III", "IV"][((month - 1) / 3) as usize];
    format!("Triwulan {quarter} {year}")
}

async fn rating_client(server: &Server, token: &str) -> Client {
    Client::connect(
        &server.url(),
        Auth::Rating {
            token: token.into(),
        },
    )
    .await
    .expect("rating screen login")
}

/// Issues a ticket at the kiosk, then the officer calls, starts and finishes it.
/// Returns the ticket and its digital-ticket token.
async fn serve_one(kiosk: &mut Client, officer: &mut Client) -> (TicketView, String) {
    let (ticket, token) = match kiosk.request(issue(SERVICE)).await.unwrap() {
        ResultDto::Ticket {
            ticket,
            public_token: Some(token),
            ..
        } => (ticket, token),
        other => panic!("expected a ticket with a token, got {other:?}"),
    };
    let called = officer
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    assert_eq!(ticket_of(&called).id, ticket.id);
    officer
        .request(Request::Start { counter: None })
        .await
        .unwrap();
    let finished = officer
        .request(Request::Finish { counter: None })
        .await
        .unwrap();
    assert_eq!(ticket_of(&finished).state, "done");
    (ticket, token)
}

async fn report(server: &Server, weight: Option<&str>) -> ReportDto {
    let mut m = manager(server).await;
    match m
        .request(Request::Report {
            query: ReportQueryDto {
                weight: weight.map(str::to_owned),
                ..Default::default()
            },
        })
        .await
        .unwrap()
    {
        ResultDto::Report { report } => *report,
        other => panic!("expected a report, got {other:?}"),
    }
}

fn step(page: &Browser, root: &str) -> String {
    page.js(&format!(
        "var e = document.querySelector({}); return e ? (e.dataset.step || '') : '';",
        json!(root)
    ))
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

fn wait_step(page: &Browser, root: &str, want: &str) {
    page.wait_for(&format!("{root} to show step {want}"), PATIENCE, |b| {
        (step(b, root) == want && b.visible(&format!("#skm-{want}"))).then_some(())
    });
}

/// Answers the questionnaire on the page: `answers` in scope order, by unsur key, so a
/// page that mixed up the questionnaire's order (sarpras before pengaduan) with the
/// wire's would send the wrong numbers.
fn answer_questionnaire(page: &Browser, answers: &[Option<u8>; 9]) {
    for (key, answer) in SCOPE.iter().zip(answers) {
        if let Some(value) = answer {
            page.click(&format!(
                "fieldset[data-key={key}] input[type=radio][value='{value}']"
            ));
        }
    }
}

fn last_error_code(result: Result<ResultDto, antrean_client::ClientError>) -> String {
    match result {
        Ok(other) => panic!("expected a refusal, got {other:?}"),
        Err(e) => e.code().unwrap_or_default().to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_rating_screen_rates_a_finished_ticket_and_the_report_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let rating_token = enroll_rating(&server, "tablet-loket-1", "1").await;
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    set_officer(&server, "petugas1", "1111").await;
    set_officer(&server, "petugas2", "2222").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let mut officer1 = officer(&server, "petugas1", "1111", "1").await;
    let mut officer2 = officer(&server, "petugas2", "2222", "2").await;

    let driver = Driver::start();
    let tablet = driver.open(Window {
        width: 1280,
        height: 800,
        autoplay: true,
    });
    tablet.goto(&format!("{base}/rate?token={rating_token}&thanks_s=2"));
    // The coordinator's welcome says which counter the screen was enrolled for.
    tablet.wait_for("the welcome", PATIENCE, |b| {
        (b.text("#site") != "Antrean").then_some(())
    });
    assert_eq!(
        tablet.text("#counter-name"),
        "Loket 1 – Layanan Prioritas",
        "notice: {:?}",
        tablet.text("#notice")
    );
    tablet.wait_for("the waiting screen", PATIENCE, |b| {
        b.visible("#waiting-screen").then_some(())
    });
    assert!(
        tablet
            .text("#waiting-screen")
            .contains("beri penilaian Anda di layar ini")
    );

    // A ticket finished at another counter is not this screen's visitor.
    let _ = serve_one(&mut kiosk, &mut officer2).await;
    // The officer at counter 1 finishes A-002: the tablet asks its visitor.
    let (ticket, _) = serve_one(&mut kiosk, &mut officer1).await;
    assert_eq!(ticket.number, "A-002");
    tablet.wait_text("#skm-ticket", "A-002", PATIENCE);
    wait_step(&tablet, "#rating", "faces");
    assert_eq!(
        tablet.js("return document.querySelectorAll('#skm-faces button.face').length;"),
        json!(4)
    );
    assert!(tablet.text("#skm-faces").contains("Sangat puas"));
    tablet.screenshot("rate-faces");

    // One tap on "Sangat puas", then the full questionnaire.
    tablet.click("#skm-faces button.face-4");
    wait_step(&tablet, "#rating", "offer");
    tablet.click("#skm-start");
    wait_step(&tablet, "#rating", "survey");
    // The regulation's questionnaire order: sarpras is question 8, pengaduan question 9.
    let order = tablet.js(
        "return Array.from(document.querySelectorAll('#skm-survey fieldset.question')).map(f => f.dataset.key);",
    );
    assert_eq!(
        order,
        json!([
            "persyaratan",
            "prosedur",
            "waktu",
            "biaya",
            "produk",
            "kompetensi",
            "perilaku",
            "sarpras",
            "pengaduan"
        ])
    );
    let pengaduan = tablet.text("fieldset[data-key=pengaduan]");
    assert!(
        pengaduan
            .contains("Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"),
        "{pengaduan}"
    );
    assert!(pengaduan.contains("Dikelola dengan baik"), "{pengaduan}");
    assert!(tablet.text("fieldset[data-key=biaya]").contains("Gratis"));

    let r1 = WORKED[0];
    answer_questionnaire(&tablet, &r1);
    tablet.click("input[name=skm-gender][value=L]");
    tablet.click("#skm-age");
    tablet.keys("67");
    tablet.js("document.getElementById('skm-education').value = 'S1';");
    tablet.click("input[name=skm-disability][value=tidak]");
    tablet.click("#skm-suggestion");
    tablet.keys("Kursi ruang tunggu kurang");
    tablet.screenshot("rate-survey");
    tablet.click("#skm-send");
    wait_step(&tablet, "#rating", "thanks");
    assert!(tablet.text("#skm-thanks").contains("Terima kasih"));
    // After the thanks the screen waits for the next visitor.
    tablet.wait_for("the return to the waiting screen", PATIENCE, |b| {
        (b.visible("#waiting-screen") && !b.visible("#rating")).then_some(())
    });

    // The coordinator stored exactly what was tapped, in scope order.
    let r = report(&server, None).await;
    assert_eq!(r.counts.served, 2);
    assert_eq!(r.skm.faces, [0, 0, 0, 1]);
    assert_eq!(r.skm.respondents, 1);
    assert_eq!(r.skm.gender, [1, 0]);
    assert_eq!(r.skm.education[4], 1, "S1");
    assert_eq!(r.skm.disability, 0);
    assert_eq!(r.skm.comments.len(), 1);
    assert_eq!(r.skm.comments[0].text, "Kursi ruang tunggu kurang");
    assert_eq!(r.skm.comments[0].ticket, Some(ticket.id));
    let ikm = r.skm.ikm.expect("one full questionnaire gives an IKM");
    let keys: Vec<&str> = ikm.unsur.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(keys, SCOPE);
    for (u, answer) in ikm.unsur.iter().zip(r1) {
        assert_eq!(u.nrr, f64::from(answer.unwrap()), "{}", u.key);
    }
    let want = expected_ikm(&[r1], 1.0 / 9.0);
    assert_eq!(ikm.ikm, want.ikm);

    // Each part once: the screen's second face for the same ticket is refused.
    let mut screen = rating_client(&server, &rating_token).await;
    let again = screen
        .request(Request::Rate {
            ticket: Some(TicketRef::Id(ticket.id)),
            rating: RatingDto {
                face: Some(1),
                ..Default::default()
            },
        })
        .await;
    assert_eq!(last_error_code(again), "already_rated");

    // Revoking the tablet closes the page's socket at once (4001): it says so and does not
    // reconnect with the dead token.
    let mut m = manager(&server).await;
    m.request(Request::RevokeDevice {
        name: "tablet-loket-1".into(),
    })
    .await
    .unwrap();
    let notice = tablet.wait_text("#notice", "Akses ditutup", PATIENCE);
    assert!(
        notice.contains("Layar penilaian tidak dapat masuk"),
        "{notice}"
    );
    tablet.screenshot("rate-revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digital_ticket_offers_the_survey_once_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    set_officer(&server, "petugas1", "1111").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let mut officer1 = officer(&server, "petugas1", "1111", "1").await;

    let (ticket, token) = match kiosk.request(issue(SERVICE)).await.unwrap() {
        ResultDto::Ticket {
            ticket,
            public_token: Some(token),
            ..
        } => (ticket, token),
        other => panic!("unexpected {other:?}"),
    };

    let driver = Driver::start();
    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });
    phone.goto(&format!("{base}/t/{token}"));
    phone.wait_text("#state", "menunggu", PATIENCE);
    assert!(!phone.visible("#skm-box"), "no survey before service");
    assert_eq!(
        phone.js("return typeof window.AntreanSkm;"),
        json!("undefined"),
        "the survey script loads only after service"
    );

    officer1
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    officer1
        .request(Request::Start { counter: None })
        .await
        .unwrap();
    phone.wait_text("#state", "sedang dilayani", PATIENCE);
    assert!(!phone.visible("#skm-box"));
    officer1
        .request(Request::Finish { counter: None })
        .await
        .unwrap();
    phone.wait_text("#state", "selesai", PATIENCE);
    wait_step(&phone, "#skm-box", "faces");
    phone.screenshot("ticket-rating");

    // "Kurang puas", then no questionnaire for now.
    phone.click("#skm-faces button.face-2");
    wait_step(&phone, "#skm-box", "offer");
    phone.click("#skm-skip");
    wait_step(&phone, "#skm-box", "thanks");

    // Back on the page later: the face was given, so the page asks only for the
    // questionnaire.
    phone.goto(&format!("{base}/t/{token}"));
    wait_step(&phone, "#skm-box", "offer");
    phone.click("#skm-start");
    wait_step(&phone, "#skm-box", "survey");
    // Sending nothing is refused on the page, with a message.
    phone.click("#skm-send");
    phone.wait_text("#skm-message", "minimal satu pertanyaan", PATIENCE);
    let r2 = WORKED[1];
    answer_questionnaire(&phone, &r2);
    phone.click("input[name=skm-gender][value=P]");
    phone.js("document.getElementById('skm-education').value = 'SMA';");
    phone.click("#skm-send");
    wait_step(&phone, "#skm-box", "thanks");
    phone.screenshot("ticket-rated");

    let r = report(&server, None).await;
    assert_eq!(r.skm.faces, [0, 1, 0, 0], "the second face was refused");
    assert_eq!(r.skm.respondents, 1);
    assert_eq!(r.skm.gender, [0, 1]);
    assert_eq!(r.skm.education[2], 1, "SMA");
    let ikm = r.skm.ikm.expect("an IKM");
    for (u, answer) in ikm.unsur.iter().zip(r2) {
        assert_eq!(u.nrr, f64::from(answer.unwrap()), "{}", u.key);
    }

    // Back again: rated. The page says so and asks nothing more.
    phone.goto(&format!("{base}/t/{token}"));
    wait_step(&phone, "#skm-box", "thanks");
    phone.wait_text("#skm-already", "sudah dinilai", PATIENCE);
    assert!(!phone.visible("#skm-faces") && !phone.visible("#skm-survey"));
    phone.screenshot("ticket-already-rated");
    // Whatever a page sends, the questionnaire is taken once.
    let mut visitor = antrean_client::Client::connect(
        &server.url(),
        Auth::Public {
            ticket_token: token.clone(),
        },
    )
    .await
    .unwrap();
    let again = visitor
        .request(Request::Rate {
            ticket: None,
            rating: RatingDto {
                answers: Some(WORKED[2]),
                ..Default::default()
            },
        })
        .await;
    assert_eq!(last_error_code(again), "already_rated");
    let r = report(&server, None).await;
    assert_eq!(r.skm.respondents, 1);
    assert_eq!(r.skm.faces, [0, 1, 0, 0]);
    assert_eq!(ticket.number, "A-001");
}

fn unsur_rows(page: &Browser) -> Vec<Vec<String>> {
    let rows = page.js(
        "return Array.from(document.querySelectorAll('#unsur-table tbody tr')).map(tr => \
         [tr.dataset.key].concat(Array.from(tr.cells).map(c => c.textContent.trim())));",
    );
    serde_json::from_value(rows).unwrap()
}

fn last_file(page: &Browser) -> Value {
    page.js("return window.antreanReport.lastFile;")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_page_the_exports_and_the_boards_show_the_ikm_of_the_worked_example() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let rating_token = enroll_rating(&server, "tablet-loket-1", "1").await;
    let board_token = enroll(&server, DeviceKind::Display, "papan").await;
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    // The officer's full name, which the report shows instead of the login id.
    manager(&server)
        .await
        .request(Request::SetOfficer {
            officer: "petugas1".into(),
            name: "Siti Rahayu".into(),
            pin: "1111".into(),
        })
        .await
        .unwrap();
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let mut officer1 = officer(&server, "petugas1", "1111", "1").await;
    let mut screen = rating_client(&server, &rating_token).await;

    let driver = Driver::start();
    let board = driver.open(Window {
        width: 1920,
        height: 1080,
        autoplay: true,
    });
    board.goto(&format!("{base}/board?token={board_token}"));
    board.wait_for("the counter tiles", PATIENCE, |b| {
        b.visible("#counter-1").then_some(())
    });
    assert!(!board.visible("#ikm"), "no IKM before any questionnaire");

    // Five visitors served at counter 1 rate it on the screen: the worked example.
    let faces = [4, 3, 4, 2, 3];
    let profiles = [
        ("L", "S1"),
        ("P", "SMA"),
        ("L", "D3"),
        ("P", "S1"),
        ("L", "SMA"),
    ];
    for (i, answers) in WORKED.iter().enumerate() {
        let (ticket, _) = serve_one(&mut kiosk, &mut officer1).await;
        let result = screen
            .request(Request::Rate {
                ticket: Some(TicketRef::Id(ticket.id)),
                rating: RatingDto {
                    face: Some(faces[i]),
                    ..Default::default()
                },
            })
            .await;
        assert!(result.is_ok(), "{result:?}");
        let result = screen
            .request(Request::Rate {
                ticket: Some(TicketRef::Id(ticket.id)),
                rating: RatingDto {
                    answers: Some(*answers),
                    profile: ProfileDto {
                        gender: Some(profiles[i].0.into()),
                        education: Some(profiles[i].1.into()),
                        ..Default::default()
                    },
                    suggestion: (i == 2).then(|| "Tambah loket prioritas untuk lansia".into()),
                    ..Default::default()
                },
            })
            .await;
        assert!(result.is_ok(), "{result:?}");
    }
    let exact = expected_ikm(&WORKED, 1.0 / 9.0);
    let legacy = expected_ikm(&WORKED, 0.111);
    // The regulation's own figures for this example.
    assert_eq!((exact.ikm, legacy.ikm), (80.42, 80.34));
    let (grade, kinerja) = mutu(exact.ikm);
    let ikm_text = id_decimal(exact.ikm, 2);

    // The board learns of ratings from a snapshot it asks for after the next finished
    // service (rating events are for managers only).
    let _ = serve_one(&mut kiosk, &mut officer1).await;
    let shown = board.wait_text("#ikm", &ikm_text, PATIENCE);
    // The footer: the figure and grade, legible from afar; the running text: the sentence.
    assert_eq!(shown, format!("IKM {ikm_text} ({grade})"));
    let running = board.wait_text(
        "#running-text",
        &format!("IKM {}", current_quarter_wib()),
        PATIENCE,
    );
    assert!(
        running.contains(&format!(
            // Six visitors served: Krejcie–Morgan asks for all six, five answered.
            "IKM {}: {ikm_text} ({grade} — {kinerja}), 5 responden (sampel minimum 6 belum tercapai)",
            current_quarter_wib()
        )),
        "{running}"
    );
    board.screenshot("board-ikm");

    // A kiosk's printer runs out of paper: the manager sees it on the report page too.
    kiosk
        .request(Request::DeviceStatus {
            printer: PrinterHealth::PaperEnd,
            detail: None,
        })
        .await
        .unwrap();

    // The report page, behind the manager login.
    let page = driver.open(Window {
        width: 1440,
        height: 1000,
        autoplay: true,
    });
    page.goto(&format!("{base}/report"));
    page.wait_for("the login form", PATIENCE, |b| {
        b.visible("#username").then_some(())
    });
    page.click("#username");
    page.keys("admin");
    page.click("#password");
    page.keys("salah-sandi");
    page.click("#login-button");
    page.wait_for("a refused login", PATIENCE, |b| {
        (!b.text("#login-message").is_empty()).then_some(())
    });
    assert!(!page.visible("#app"));
    page.goto(&format!("{base}/report"));
    page.wait_for("the login form", PATIENCE, |b| {
        b.visible("#username").then_some(())
    });
    page.click("#username");
    page.keys("admin");
    page.click("#password");
    page.keys(ADMIN_PASSWORD);
    page.click("#login-button");
    page.wait_text("#ikm-value", &ikm_text, PATIENCE);
    let alert = page.wait_text("#alerts", "kertas habis", PATIENCE);
    assert!(alert.contains("kios-lobi"), "{alert}");
    // Default period: the current quarter up to today.
    let from: String =
        serde_json::from_value(page.js("return document.getElementById('from').value;")).unwrap();
    assert!(from.ends_with("-01"), "{from}");
    assert_eq!(page.text("#ikm-mutu"), grade);
    assert_eq!(page.text("#ikm-kinerja"), kinerja);
    // "Bobot 1/9 (eksak) per unsur", said once (it read "Bobot per unsur: bobot 1/9").
    assert!(
        page.text("#ikm-weight")
            .starts_with("Bobot 1/9 (eksak) per unsur."),
        "{}",
        page.text("#ikm-weight")
    );
    assert_eq!(page.text("#count-issued .value"), "6");
    assert_eq!(page.text("#count-served .value"), "6");
    let target = krejcie_morgan(6.0);
    let sample = page.text("#sample");
    assert!(
        sample.contains(&format!(
            "untuk 6 pengguna layanan: {target} responden; terkumpul 5 responden"
        )),
        "{sample}"
    );

    // The table per unsur: U1..U9 in scope order, NRR, weighted, ×25 and mutu as computed here.
    let table = unsur_rows(&page);
    assert_eq!(table.len(), 9);
    for (i, row) in table.iter().enumerate() {
        let nrr = exact.nrr[i];
        assert_eq!(row[0], SCOPE[i]);
        assert_eq!(row[1], format!("U{}", i + 1));
        let answered = WORKED.iter().filter(|r| r[i].is_some()).count();
        assert_eq!(row[3], answered.to_string(), "{row:?}");
        assert_eq!(row[4], id_decimal(nrr, 2), "{row:?}");
        assert_eq!(row[5], id_decimal(nrr / 9.0, 4), "{row:?}");
        assert_eq!(row[6], id_decimal(nrr * 25.0, 2), "{row:?}");
        assert_eq!(
            row[7],
            mutu((nrr * 25.0 * 100.0).round() / 100.0).0,
            "{row:?}"
        );
    }
    assert_eq!(table[8][4], "2,75", "sarpras: R4's blank is not a zero");
    assert!(page.text("#unsur-table tfoot").contains(&ikm_text));
    assert!(
        page.text("#comments")
            .contains("Tambah loket prioritas untuk lansia")
    );
    assert!(page.text("#profile").contains("Laki-laki 3, perempuan 2"));
    assert_eq!(
        page.js("return document.querySelectorAll('#chart-unsur svg rect').length;"),
        json!(9)
    );
    assert_eq!(
        page.js("return document.querySelectorAll('#chart-faces svg rect').length;"),
        json!(4)
    );
    assert!(page.visible("#chart-hour-issued svg"));
    assert!(page.text("#times-table").contains("Menunggu"));
    let compliance_rows =
        page.js("return document.querySelectorAll('#compliance-table tbody tr').length;");
    let whole = report(&server, None).await;
    assert_eq!(compliance_rows, json!(whole.compliance.len()));
    // KTP-el's standard is in working days, which a counter cannot measure: the page says
    // so instead of showing an empty table.
    assert!(whole.compliance.is_empty());
    assert!(
        page.text("#compliance-empty")
            .contains("tidak diukur di sini")
    );
    assert!(!page.visible("#compliance-table"));
    // Dates in words, as managers write them ("Jumat, 4 Desember 2026").
    let day = page.text("#day-table tbody th");
    let date = &whole.by_day[0].day;
    let (year, day_of_month) = (&date[..4], date[8..].trim_start_matches('0'));
    assert!(
        day.contains(&format!(" {day_of_month} ")) && day.ends_with(year) && !day.contains('-'),
        "{day}"
    );
    // Officers by name, not login id.
    let officers = page.text("#officer-table tbody");
    assert!(
        officers.contains("Siti Rahayu") && !officers.contains("petugas1"),
        "{officers}"
    );
    // Every hour from the first to the last with tickets has a row; here all tickets fall
    // in one or two hours, and any hour between without tickets reads "–".
    let hour_rows = whole.by_hour.len();
    assert!(hour_rows >= 1);
    assert_eq!(
        page.js("return document.querySelectorAll('#hour-table tbody tr').length;"),
        json!(hour_rows)
    );
    // The suggestion names the ticket by the number the visitor held.
    let numbered = &whole.skm.comments[0];
    let number = numbered.number.clone().expect("the rated ticket's number");
    assert!(page.text("#comments").contains(&number), "{number}");
    page.screenshot("report");

    // The legacy 0,111 weight, as many offices' spreadsheets do it.
    page.js(
        "var w = document.getElementById('weight'); w.value = 'legacy'; \
         w.dispatchEvent(new Event('change'));",
    );
    page.wait_text("#ikm-value", &id_decimal(legacy.ikm, 2), PATIENCE);
    assert!(page.text("#ikm-weight").contains("0,111"));
    page.js(
        "var w = document.getElementById('weight'); w.value = 'exact'; \
         w.dispatchEvent(new Event('change'));",
    );
    page.wait_text("#ikm-value", &ikm_text, PATIENCE);

    // Exports: the page receives the file and hands it to the browser as a download.
    page.click("button.export[data-kind=ikm][data-format=xlsx]");
    let file = page.wait_for("the IKM workbook", PATIENCE, |b| {
        let f = last_file(b);
        f["name"]
            .as_str()
            .is_some_and(|n| n.ends_with(".xlsx"))
            .then_some(f)
    });
    assert!(file["size"].as_u64().unwrap() > 1000, "{file}");
    assert_eq!(file["head"], json!("PK\u{3}\u{4}"), "an XLSX is a zip");
    page.wait_text("#message", "diunduh", PATIENCE);
    page.click("button.export[data-kind=ikm][data-format=csv]");
    let file = page.wait_for("the IKM CSV", PATIENCE, |b| {
        let f = last_file(b);
        f["name"]
            .as_str()
            .is_some_and(|n| n.ends_with(".csv"))
            .then_some(f)
    });
    let csv = file["text"].as_str().unwrap();
    assert!(csv.contains(&ikm_text), "{csv}");
    assert!(csv.contains("sarpras"), "{csv}");
    page.click("button.export[data-kind=waiting][data-format=csv]");
    page.wait_for("the waiting-time CSV", PATIENCE, |b| {
        let f = last_file(b);
        (f["name"].as_str().is_some_and(|n| n.ends_with(".csv")) && f["text"].as_str() != Some(csv))
            .then_some(())
    });
    assert!(last_file(&page)["size"].as_u64().unwrap() > 0);

    // A follow-up for the weakest unsur, recorded from the page and listed in the report.
    page.js("document.getElementById('fu-unsur').value = 'sarpras';");
    page.js(&format!(
        "document.getElementById('fu-service').value = {};",
        json!(SERVICE)
    ));
    page.js("document.getElementById('fu-status').value = 'in_progress';");
    page.js("document.getElementById('fu-due').value = '2030-03-31';");
    page.click("#fu-action");
    page.keys("Menambah 20 kursi di ruang tunggu");
    page.click("#fu-save");
    let row = page.wait_text("#follow-up-table tbody", "Menambah 20 kursi", PATIENCE);
    assert!(row.contains("U9 Sarana dan Prasarana"), "{row}");
    assert!(row.contains("Sedang berjalan"), "{row}");
    assert!(row.contains("Minggu, 31 Maret 2030"), "{row}");
    assert!(row.contains("Penerbitan KTP-el Baru"), "{row}");
    let r = report(&server, None).await;
    assert_eq!(r.skm.follow_ups.len(), 1);
    assert_eq!(
        r.skm.follow_ups[0].follow_up.unsur.as_deref(),
        Some("sarpras")
    );
    assert_eq!(r.skm.follow_ups[0].follow_up.status, "in_progress");
    assert_eq!(r.skm.follow_ups[0].follow_up.recorded_by, "admin");

    // Updated from the page: the chairs are in, the follow-up is done. Still one follow-up,
    // with its new status and when it changed.
    page.click("#follow-up-table tbody tr button.edit");
    page.wait_for("the form in edit mode", PATIENCE, |b| {
        b.visible("#fu-cancel").then_some(())
    });
    assert_eq!(
        page.js("return document.getElementById('fu-action').value;"),
        json!("Menambah 20 kursi di ruang tunggu")
    );
    page.js("document.getElementById('fu-status').value = 'done';");
    page.click("#fu-save");
    let row = page.wait_text("#follow-up-table tbody", "Selesai (diperbarui", PATIENCE);
    assert!(row.contains("Menambah 20 kursi"), "{row}");
    assert!(!page.visible("#fu-cancel"));
    let r = report(&server, None).await;
    assert_eq!(r.skm.follow_ups.len(), 1);
    assert_eq!(r.skm.follow_ups[0].follow_up.status, "done");
    assert!(r.skm.follow_ups[0].updated_at_id.is_some());
    // An update of a follow-up that never was is refused and changes nothing.
    let mut m = manager(&server).await;
    let refused = m
        .request(Request::RecordFollowUp {
            follow_up: FollowUpDto {
                action: "x".into(),
                status: "done".into(),
                revises_at_ms: Some(1),
                ..Default::default()
            },
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("unknown_follow_up"));
    assert_eq!(report(&server, None).await.skm.follow_ups, r.skm.follow_ups);

    // The publication board.
    page.click("#show-board");
    page.wait_for("the publication board", PATIENCE, |b| {
        b.visible("#ikm-board").then_some(())
    });
    assert!(!page.visible("#report"));
    assert_eq!(
        page.text("#ikm-board h1"),
        "SURVEI KEPUASAN MASYARAKAT (SKM)"
    );
    assert_eq!(page.text("#pub-ikm"), ikm_text);
    assert_eq!(page.text("#pub-mutu"), grade);
    assert_eq!(page.text("#pub-kinerja"), kinerja.to_uppercase());
    assert_eq!(page.text("#pub-respondents"), "5 orang");
    assert_eq!(page.text("#pub-gender"), "Laki-laki 3 · Perempuan 2");
    assert_eq!(page.text("#pub-education"), "SMA 2 · D3 1 · S1 2");
    assert_eq!(page.text("#pub-disability"), "0 orang");
    // Every unsur's value, as the report computes it, and the follow-up as it stands.
    let published: Vec<Vec<String>> = serde_json::from_value(page.js(
        "return Array.from(document.querySelectorAll('#pub-unsur tbody tr')).map(tr => \
         Array.from(tr.cells).map(c => c.textContent.trim()));",
    ))
    .unwrap();
    let ikm = r.skm.ikm.as_ref().unwrap();
    assert_eq!(published.len(), 9);
    for (row, u) in published.iter().zip(&ikm.unsur) {
        assert_eq!(
            row,
            &[
                format!("U{} {}", u.number, u.name),
                id_decimal(u.nrr, 2),
                id_decimal(u.score, 2),
                u.mutu.clone()
            ],
        );
    }
    let followups = page.text("#pub-followups");
    assert!(
        followups.contains("Menambah 20 kursi") && followups.contains("Selesai"),
        "{followups}"
    );
    assert!(page.text("#ikm-board .pub-foot").contains("TERIMA KASIH"));
    page.screenshot("ikm-board");

    // /report/ikm opens straight on the board; this browser is still logged in (its
    // session cookie), so no login form comes first.
    page.goto(&format!("{base}/report/ikm"));
    page.wait_text("#pub-ikm", &ikm_text, PATIENCE);
    assert!(!page.visible("#login"));
    assert!(page.visible("#ikm-board"));
    assert!(!page.visible("#report"));
    assert!(!page.visible("#filters"));
    assert!(
        page.text("#pub-period")
            .starts_with(&current_quarter_wib().to_uppercase())
    );

    // A service nobody rated: no thank-you for answers nobody gave, no unsur table.
    page.goto(&format!("{base}/report/ikm?service=skck"));
    page.wait_text("#pub-respondents", "0 orang", PATIENCE);
    assert!(!page.visible("#pub-thanks"));
    assert!(!page.visible("#pub-unsur"));
}

#[tokio::test]
async fn the_rating_and_report_pages_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    for (path, content_type) in [
        ("/rate?token=x", "text/html"),
        ("/report", "text/html"),
        ("/report/ikm", "text/html"),
        ("/assets/skm.js", "text/javascript"),
        ("/assets/skm.css", "text/css"),
        ("/assets/rate.js", "text/javascript"),
        ("/assets/report.js", "text/javascript"),
        ("/assets/report.css", "text/css"),
    ] {
        let (status, head, body) = raw_get(server.addr, path, "");
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {content_type}")),
            "{path}: {head}"
        );
        assert!(!body.is_empty(), "{path}");
    }
    for path in ["/report/", "/report/x", "/rate/x", "/assets/report.html"] {
        assert_eq!(raw_get(server.addr, path, "").0, 404, "{path}");
    }
}

/// Every piece of visible text under `root` (a CSS selector) with the language it is
/// marked in (the `lang` of its closest element that has one); `all` includes hidden
/// text too (survey steps not on screen, the options of closed select boxes).
fn texts_with_lang(page: &Browser, root: &str, all: bool) -> Vec<(String, String)> {
    let found = page.js(&format!(
        "var root = document.querySelector({}); var out = []; \
         if (!root) return out; \
         var walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT); \
         while (walk.nextNode()) {{ var n = walk.currentNode; var text = n.textContent.trim(); \
           var el = n.parentElement; \
           if (!text || el.closest('script, style')) continue; \
           if (!{} && el.getClientRects().length === 0) continue; \
           out.push([text, el.closest('[lang]').getAttribute('lang')]); }} \
         return out;",
        json!(root),
        all
    ));
    serde_json::from_value(found).unwrap()
}

/// The words of `texts` (case-insensitive, whole words) that are in `words`.
fn words_found(texts: &[(String, String)], words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (text, _) in texts {
        for piece in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if words.iter().any(|w| w.eq_ignore_ascii_case(piece)) {
                found.push(format!("{piece:?} in {text:?}"));
            }
        }
    }
    found
}

fn html_lang(page: &Browser) -> String {
    page.js("return document.documentElement.lang;")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The `lang` its closest element says for the first text node under `root` that contains
/// `needle`, or "" when none does.
fn lang_of_text(page: &Browser, root: &str, needle: &str) -> String {
    page.js(&format!(
        "var walk = document.createTreeWalker(document.querySelector({}), NodeFilter.SHOW_TEXT); \
         while (walk.nextNode()) {{ var n = walk.currentNode; \
           if (n.textContent.indexOf({}) >= 0) return n.parentElement.closest('[lang]').getAttribute('lang'); }} \
         return '';",
        json!(root),
        json!(needle)
    ))
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

fn select_options(page: &Browser, id: &str) -> Vec<(String, String)> {
    let found = page.js(&format!(
        "return Array.from(document.querySelectorAll('#{id} option')).map(o => [o.value, o.textContent]);"
    ));
    serde_json::from_value(found).unwrap()
}

/// Indonesian words that must not be left on the English ticket page (outside what the
/// catalog has only in Indonesian, which is marked lang="id").
const INDONESIAN_ON_TICKET: [&str; 22] = [
    "Menunggu",
    "dipanggil",
    "Nomor",
    "antrean",
    "Orang",
    "Perkiraan",
    "waktu",
    "Terakhir",
    "Lokasi",
    "loket",
    "Persyaratan",
    "Halaman",
    "Bunyikan",
    "menit",
    "Anda",
    "Tiket",
    "Memuat",
    "segera",
    "begitu",
    "Belum",
    "layanan",
    "PRIORITAS",
];

/// Indonesian words of the survey (questions, answers, profile, buttons, thanks).
const INDONESIAN_IN_SURVEY: [&str; 40] = [
    "Sesuai",
    "Pekerjaan",
    "Kirim",
    "Bagaimana",
    "Saudara",
    "Tidak",
    "Kurang",
    "Sangat",
    "Mudah",
    "Cepat",
    "Mahal",
    "Murah",
    "Gratis",
    "Kompeten",
    "Sopan",
    "ramah",
    "Buruk",
    "Cukup",
    "Baik",
    "Berfungsi",
    "Dikelola",
    "Puas",
    "Laki-laki",
    "Perempuan",
    "Usia",
    "Pendidikan",
    "Penyandang",
    "disabilitas",
    "Saran",
    "Masukan",
    "Lainnya",
    "Terima",
    "Survei",
    "Pilih",
    "responden",
    "Wirausaha",
    "swasta",
    "Ya",
    "Jenis",
    "pelayanan",
];

/// Issue 17, "English": the digital ticket's language switch (at the top, big enough to
/// tap, remembered across reloads), every state and label in English, the whole survey in
/// English with occupations as words and the same codes on the wire, Indonesian again after
/// switching back, and what the catalog has only in Indonesian marked lang="id".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_digital_ticket_and_its_survey_speak_english_when_the_visitor_chooses_it() {
    let dir = tempfile::tempdir().unwrap();
    // The sample catalog, less the English of KTP-el's requirements and of counter 2's
    // location: the page must show those in Indonesian, marked as such.
    let sample = antrean_catalog::SAMPLE_CATALOG_TOML;
    let requirements_en = "requirements = [\n  \"Aged 17 or over, or married (now or before)\",\n  \
                           \"Photocopy of the Kartu Keluarga (KK, family card)\",\n]\n";
    let counter_2_en = "location_en = \"Floor 1, Zone A – Disdukcapil\"\n";
    assert_eq!(sample.matches(requirements_en).count(), 1);
    assert!(sample.contains(counter_2_en));
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(
        &catalog,
        sample
            .replacen(requirements_en, "", 1)
            .replacen(counter_2_en, "", 1),
    )
    .unwrap();
    let server = Server::start_with(
        &dir.path().join("data"),
        &["--always-open", "--catalog", catalog.to_str().unwrap()],
    );
    let base = format!("http://{}", server.addr);
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    set_officer(&server, "petugas1", "1111").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let take = |result: ResultDto| match result {
        ResultDto::Ticket {
            public_token: Some(token),
            ..
        } => token,
        other => panic!("unexpected {other:?}"),
    };
    let token = take(kiosk.request(issue(SERVICE)).await.unwrap());
    let url = format!("{base}/t/{token}");

    let driver = Driver::start();
    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });
    // Nothing chosen yet: the test browser prefers Indonesian, so Indonesian.
    phone.goto(&url);
    phone.wait_text("#state", "menunggu dipanggil", PATIENCE);
    assert_eq!(html_lang(&phone), "id");
    phone.wait_for("the requirements checklist", PATIENCE, |b| {
        b.visible("#requirements input[type=checkbox]")
            .then_some(())
    });
    // The switch is at the top of the screen and each choice is big enough to tap.
    let switch = phone.js(
        "return Array.from(document.querySelectorAll('#langs button')).map(b => { \
         var r = b.getBoundingClientRect(); \
         return [b.textContent, r.top, r.height, r.width, b.getAttribute('aria-pressed')]; });",
    );
    let switch: Vec<(String, f64, f64, f64, String)> = serde_json::from_value(switch).unwrap();
    assert_eq!(switch.len(), 2, "{switch:?}");
    assert_eq!(switch[0].0, "Bahasa Indonesia");
    assert_eq!(switch[1].0, "English");
    for (text, top, height, width, _) in &switch {
        assert!(*top < 60.0, "{text} is not at the top: {switch:?}");
        assert!(
            *height >= 44.0 && *width >= 44.0,
            "{text} is too small: {switch:?}"
        );
    }
    assert_eq!(
        (switch[0].4.as_str(), switch[1].4.as_str()),
        ("true", "false")
    );

    phone.click("#langs button[data-lang=en]");
    phone.wait_text("#state", "Waiting to be called", PATIENCE);
    let check_english_waiting = |page: &Browser| {
        assert_eq!(html_lang(page), "en");
        assert_eq!(page.text(".ticket .label"), "Your queue number");
        assert_eq!(
            page.js(
                "return Array.from(document.querySelectorAll('#facts dt')).map(d => d.textContent);"
            ),
            json!([
                "People ahead of you",
                "Estimated wait",
                "Last called",
                "Counter location"
            ])
        );
        assert_eq!(page.text("#service"), "New Electronic ID Card (KTP-el)");
        assert_eq!(page.text("#ahead"), "0");
        let wait = page.text("#wait");
        assert!(
            wait.starts_with("once a counter opens (") && wait.contains("minutes"),
            "{wait}"
        );
        assert!(
            page.text("#wait-why")
                .starts_with("No counter of this service is open yet"),
            "{}",
            page.text("#wait-why")
        );
        assert_eq!(
            page.text("#almost"),
            "You are next. Please be ready near the counter."
        );
        assert_eq!(
            page.text("#alerts-on"),
            "Ring and notify me when I am called"
        );
        assert_eq!(
            page.text("#requirements-box summary"),
            "Requirements to bring"
        );
        assert_eq!(
            page.js("return document.title;"),
            json!("A-001 — Queue ticket")
        );
        // What is shown in English carries no Indonesian word.
        let texts = texts_with_lang(page, "main", false);
        let english: Vec<(String, String)> =
            texts.iter().filter(|(_, l)| l == "en").cloned().collect();
        let left = words_found(&english, &INDONESIAN_ON_TICKET);
        assert!(
            left.is_empty(),
            "Indonesian left on the English page: {left:?}"
        );
        // What the catalog has only in Indonesian is marked as Indonesian, on its block.
        for (selector, needle) in [
            ("#site", "Mal Pelayanan Publik Kota Contoh"),
            ("#requirements", "Fotokopi Kartu Keluarga (KK)"),
        ] {
            assert!(page.text(selector).contains(needle), "{selector}");
            assert_eq!(
                page.js(&format!(
                    "return document.querySelector('{selector}').getAttribute('lang');"
                )),
                json!("id"),
                "{selector}"
            );
        }
        assert_eq!(page.text("#req-note"), "Published in Indonesian only:");
        // Counters keep their Indonesian names; a location is English where the catalog
        // has it.
        assert_eq!(
            page.text("#location"),
            "Loket 1 – Layanan Prioritas (Floor 1, near the main entrance – Disdukcapil); \
             Loket 2 (Lantai 1, Zona A – Disdukcapil)"
        );
        for (needle, lang) in [
            ("Loket 1 – Layanan Prioritas", "id"),
            ("Floor 1, near the main entrance", "en"),
            ("Loket 2 (Lantai 1, Zona A", "id"),
        ] {
            assert_eq!(lang_of_text(page, "#location", needle), lang, "{needle}");
        }
        let fallbacks: Vec<&(String, String)> = texts.iter().filter(|(_, l)| l == "id").collect();
        assert!(
            fallbacks.iter().all(|(t, _)| t == "Bahasa Indonesia"
                || t.contains("Mal Pelayanan Publik")
                || t.starts_with("Loket ")
                || page.text("#requirements").contains(t.as_str())),
            "only the catalog's own text (and the switch's label) is Indonesian: {fallbacks:?}"
        );
    };
    check_english_waiting(&phone);
    assert_eq!(
        phone.js("return localStorage.getItem('antrean-lang');"),
        json!("en")
    );
    assert_eq!(
        phone.js(
            "return document.querySelector('#langs [data-lang=en]').getAttribute('aria-pressed');"
        ),
        json!("true")
    );
    phone.screenshot("ticket-waiting-en");

    // Remembered: a reload (or a later visit) opens in English.
    phone.goto(&url);
    phone.wait_text("#state", "Waiting to be called", PATIENCE);
    phone.wait_for("the requirements checklist", PATIENCE, |b| {
        b.visible("#requirements input[type=checkbox]")
            .then_some(())
    });
    phone.wait_text("#wait", "once a counter opens", PATIENCE);
    check_english_waiting(&phone);

    // Served: called, served, done, each said in English.
    let mut officer1 = officer(&server, "petugas1", "1111", "1").await;
    officer1
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    let called = phone.wait_text("#state", "Called to counter 1", PATIENCE);
    assert_eq!(called, "Called to counter 1. Please go to the counter.");
    assert_eq!(
        phone.js("return document.title;"),
        json!("CALLED A-001 \u{2192} Counter 1")
    );
    assert_eq!(phone.text("#ahead"), "–");
    assert_eq!(
        phone.text("#location"),
        "Loket 1 – Layanan Prioritas (Floor 1, near the main entrance – Disdukcapil)"
    );
    assert_eq!(
        lang_of_text(&phone, "#location", "Loket 1 – Layanan Prioritas"),
        "id"
    );
    officer1
        .request(Request::Start { counter: None })
        .await
        .unwrap();
    phone.wait_text("#state", "Being served at counter 1", PATIENCE);
    officer1
        .request(Request::Finish { counter: None })
        .await
        .unwrap();
    let done = phone.wait_text("#state", "Done.", PATIENCE);
    assert_eq!(done, "Done. Thank you for your visit.");

    // The survey, in English from its first question.
    wait_step(&phone, "#skm-box", "faces");
    assert_eq!(
        phone.js("return Array.from(document.querySelectorAll('#skm-faces .face-text')).map(f => f.textContent);"),
        json!(["Not satisfied", "Less satisfied", "Satisfied", "Very satisfied"])
    );
    assert_eq!(phone.text("#skm-faces h2"), "How was our service?");
    phone.click("#skm-faces button.face-4");
    wait_step(&phone, "#skm-box", "offer");
    assert_eq!(phone.text("#skm-offer h2"), "Thank you!");
    assert_eq!(phone.text("#skm-start"), "Yes, answer the survey");
    assert_eq!(phone.text("#skm-skip"), "No, thank you");
    phone.click("#skm-start");
    wait_step(&phone, "#skm-box", "survey");

    // Everything the survey can show — every question, every answer, the profile, the
    // buttons, the thanks — is English.
    let survey = texts_with_lang(&phone, "#skm-box", true);
    assert!(survey.len() > 60, "{survey:?}");
    let left = words_found(&survey, &INDONESIAN_IN_SURVEY);
    assert!(
        left.is_empty(),
        "Indonesian left in the English survey: {left:?}"
    );
    assert!(
        survey.iter().all(|(_, lang)| lang == "en"),
        "{:?}",
        survey.iter().filter(|(_, l)| l != "en").collect::<Vec<_>>()
    );
    let questions: Vec<String> = serde_json::from_value(phone.js(
        "return Array.from(document.querySelectorAll('#skm-survey fieldset.question legend')).map(l => l.textContent);",
    ))
    .unwrap();
    assert_eq!(questions.len(), 9);
    assert_eq!(
        questions[0],
        "1. Do the requirements fit the type of service?"
    );
    assert_eq!(questions[8], "9. How are complaints handled?");
    let answers = |key: &str| -> Vec<String> {
        serde_json::from_value(phone.js(&format!(
            "return Array.from(document.querySelectorAll('fieldset[data-key={key}] label.choice')).map(l => l.textContent);"
        )))
        .unwrap()
    };
    assert_eq!(
        answers("persyaratan"),
        ["Not suitable", "Less suitable", "Suitable", "Very suitable"]
    );
    assert_eq!(
        answers("biaya"),
        [
            "Very expensive",
            "Rather expensive",
            "Cheap",
            "Free of charge"
        ]
    );
    for key in SCOPE {
        let texts = answers(key);
        assert_eq!(texts.len(), 4, "{key}");
        assert!(texts.iter().all(|t| !t.is_empty()), "{key}: {texts:?}");
    }
    // Occupations and education levels as words; the codes stay the values.
    assert_eq!(
        select_options(&phone, "skm-occupation"),
        [
            ("", "—"),
            ("PNS", "Civil servant"),
            ("TNI", "Military (TNI)"),
            ("POLRI", "Police (POLRI)"),
            ("SWASTA", "Private employee"),
            ("WIRAUSAHA", "Self-employed"),
            ("LAINNYA", "Other"),
        ]
        .map(|(v, t)| (v.to_owned(), t.to_owned()))
    );
    let education = select_options(&phone, "skm-education");
    assert_eq!(education.len(), 9);
    assert_eq!(
        education.last().unwrap(),
        &("LAINNYA".to_owned(), "Other".to_owned())
    );
    assert_eq!(education[1], ("SD".to_owned(), "Primary (SD)".to_owned()));
    let survey_text = phone.text("#skm-survey");
    for code in ["WIRAUSAHA", "SWASTA", "LAINNYA"] {
        assert!(!survey_text.contains(code), "{code} shown as a code");
    }
    for label in [
        "About you (optional)",
        "Gender",
        "Male",
        "Female",
        "Age (years)",
        "Highest education",
        "Occupation",
        "Person with a disability",
        "Yes",
        "No",
        "Suggestions",
    ] {
        assert!(
            survey_text.contains(label),
            "{label} missing: {survey_text}"
        );
    }
    assert_eq!(phone.text("#skm-send"), "Send the survey");
    // A refusal on the page is English too.
    phone.click("#skm-send");
    phone.wait_text("#skm-message", "Answer at least one question.", PATIENCE);

    // Answered in English; what goes to the server is the codes.
    phone.js(
        "window.sentRatings = []; var send = WebSocket.prototype.send; \
         WebSocket.prototype.send = function (data) { \
           try { var m = JSON.parse(data); if (m.type === 'rate') window.sentRatings.push(m.rating); } catch (e) {} \
           return send.call(this, data); };",
    );
    let r1 = WORKED[0];
    answer_questionnaire(&phone, &r1);
    phone.click("input[name=skm-gender][value=L]");
    phone.click("#skm-age");
    phone.keys("34");
    phone.js("document.getElementById('skm-education').value = 'LAINNYA';");
    phone.js("document.getElementById('skm-occupation').value = 'WIRAUSAHA';");
    phone.click("input[name=skm-disability][value=tidak]");
    phone.click("#skm-suggestion");
    phone.keys("More seats, please");
    phone.js("window.scrollTo(0, document.getElementById('skm-survey').offsetTop);");
    phone.screenshot("ticket-survey-en");
    phone.js("document.querySelector('#skm-survey fieldset.profile').scrollIntoView();");
    phone.screenshot("ticket-survey-profile-en");
    phone.click("#skm-send");
    wait_step(&phone, "#skm-box", "thanks");
    assert_eq!(phone.text("#skm-thanks h2"), "Thank you for your feedback.");
    assert!(!phone.visible("#skm-message"));
    let sent = phone.js("return window.sentRatings;");
    assert_eq!(sent.as_array().map(Vec::len), Some(1), "{sent}");
    assert_eq!(
        sent[0]["profile"],
        json!({"gender": "L", "age_years": 34, "education": "LAINNYA",
               "occupation": "WIRAUSAHA", "disability": false})
    );
    let r = report(&server, None).await;
    assert_eq!(r.skm.respondents, 1);
    assert_eq!(r.skm.faces, [0, 0, 0, 1]);
    assert_eq!(r.skm.gender, [1, 0]);
    assert_eq!(r.skm.education[7], 1, "LAINNYA");
    assert_eq!(r.skm.comments.len(), 1);
    assert_eq!(r.skm.comments[0].text, "More seats, please");
    let ikm = r.skm.ikm.expect("an IKM");
    for (u, answer) in ikm.unsur.iter().zip(r1) {
        assert_eq!(u.nrr, f64::from(answer.unwrap()), "{}", u.key);
    }

    // Back to Indonesian: everything at once, without a reload, and remembered.
    phone.js("window.notReloaded = true;");
    phone.click("#langs button[data-lang=id]");
    phone.wait_text(
        "#state",
        "Selesai. Terima kasih atas kunjungan Anda.",
        PATIENCE,
    );
    assert_eq!(phone.js("return window.notReloaded;"), json!(true));
    assert_eq!(html_lang(&phone), "id");
    assert_eq!(
        phone.js("return localStorage.getItem('antrean-lang');"),
        json!("id")
    );
    assert_eq!(phone.text(".ticket .label"), "Nomor antrean Anda");
    assert_eq!(phone.text("#service"), "Penerbitan KTP-el Baru");
    assert_eq!(
        phone.js(
            "return Array.from(document.querySelectorAll('#facts dt')).map(d => d.textContent);"
        ),
        json!([
            "Orang di depan Anda",
            "Perkiraan waktu tunggu",
            "Terakhir dipanggil",
            "Lokasi loket"
        ])
    );
    assert_eq!(
        phone.text("#skm-thanks h2"),
        "Terima kasih atas penilaian Anda."
    );
    let survey_text = phone.text("#skm-survey");
    for text in [
        "Pekerjaan",
        "Kirim survei",
        "Wirausaha",
        "Pegawai swasta",
        "PNS/ASN",
        "Sangat sesuai",
    ] {
        assert!(survey_text.contains(text), "{text} missing: {survey_text}");
    }
    assert_eq!(
        select_options(&phone, "skm-occupation")[5],
        ("WIRAUSAHA".to_owned(), "Wirausaha".to_owned())
    );
    // In Indonesian nothing is marked as another language but the switch's "English".
    let marked = phone.js(
        "return Array.from(document.querySelectorAll('body [lang]')).map(e => [e.id || e.textContent, e.lang]);",
    );
    assert_eq!(
        marked,
        json!([["Bahasa Indonesia", "id"], ["English", "en"]]),
        "{marked}"
    );
    assert_eq!(
        lang_of_text(&phone, "main", "Fotokopi Kartu Keluarga"),
        "id"
    );
    phone.screenshot("ticket-done-id");

    // Another visitor, nothing chosen, in a browser that prefers English: English at once,
    // and requirements the catalog has in English (KK baru's) shown so, unmarked.
    let kk_token = take(kiosk.request(issue("kk-baru")).await.unwrap());
    let tourist = driver.open_with_flags(
        Window {
            width: 412,
            height: 915,
            autoplay: true,
        },
        &["--accept-lang=en-US,en".to_owned()],
    );
    tourist.goto(&format!("{base}/t/{kk_token}"));
    tourist.wait_text("#state", "Waiting to be called", PATIENCE);
    assert_eq!(html_lang(&tourist), "en");
    assert_eq!(
        tourist.js("return localStorage.getItem('antrean-lang');"),
        json!(null)
    );
    tourist.wait_text("#requirements", "Buku nikah (marriage book)", PATIENCE);
    assert_eq!(
        tourist.js("return document.getElementById('requirements').getAttribute('lang');"),
        json!(null)
    );
    assert!(!tourist.visible("#req-note"));
}
