//! The web pages in a real browser (Debian's headless Chromium via chromedriver) against the
//! real coordinator: the officer console calls, the display board shows and speaks the
//! call, the visitor's digital ticket follows it live. Screenshots of the three pages land
//! in `target/web-screenshots/`.

use std::time::{Duration, Instant};

use crate::common::browser::{Browser, Driver, Window};
use crate::common::*;
use antrean_protocol::*;
use serde_json::json;

/// Patience for everything else on a loaded 2-core CI machine (poll, never sleep blindly).
const PATIENCE: Duration = Duration::from_secs(20);
/// Speaking three calls of ~5 s each, one after another.
const SPEECH_PATIENCE: Duration = Duration::from_secs(90);

fn clips(list: &[&str]) -> serde_json::Value {
    json!(list)
}

fn log_in(console: &Browser, base: &str, officer: &str, pin: &str, counter: &str) {
    console.goto(&format!("{base}/console"));
    console.log_in_to_console(officer, pin, counter, PATIENCE);
}

fn voice_history(board: &Browser) -> Vec<Vec<String>> {
    serde_json::from_value(board.js("return window.antreanVoice.history;")).unwrap()
}

fn voice_played(board: &Browser) -> Vec<String> {
    serde_json::from_value(board.js("return window.antreanVoice.played;")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_call_reaches_the_board_its_voice_and_the_digital_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let board_token = enroll(&server, DeviceKind::Display, "papan-ruang-tunggu").await;
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    set_officer(&server, "petugas1", "1111").await;
    let (first, first_token) = take(&server, &kiosk_token, "ktp-el-baru", None).await;
    assert_eq!(first, "A-001");

    let driver = Driver::start();
    let board = driver.open(Window {
        width: 1920,
        height: 1080,
        autoplay: true,
    });
    board.goto(&format!(
        "{base}/board?token={board_token}&info=Selamat%20datang"
    ));
    board.wait_for("the counter tiles", PATIENCE, |b| {
        b.visible("#counter-12").then_some(())
    });
    assert!(
        !board.visible("#sound-notice"),
        "autoplay is allowed: no tap needed"
    );
    // Who waits where, per service: A-001 from the snapshot.
    let waiting_ktp =
        |b: &Browser| b.text("#waiting-by-service li[data-service='ktp-el-baru'] .count");
    board.wait_for("A-001 counted as waiting", PATIENCE, |b| {
        (waiting_ktp(b) == "1").then_some(())
    });
    assert!(board.text("#running-text").contains("Maklumat Pelayanan"));
    assert!(board.text("#running-text").contains("Selamat datang"));
    assert!(
        board.text("#time").ends_with("WIB"),
        "{}",
        board.text("#time")
    );

    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });
    phone.goto(&format!("{base}/t/{first_token}"));
    phone.wait_text("#number", "A-001", PATIENCE);
    phone.wait_text("#state", "menunggu", PATIENCE);
    phone.wait_text("#ahead", "0", PATIENCE);
    // The estimated wait is a band in minutes (issue 7's estimator through the protocol),
    // with what it rests on: no counter is open yet.
    phone.wait_text("#wait", "begitu loket dibuka", PATIENCE);
    assert!(phone.text("#wait").contains("menit"));
    assert!(
        phone
            .text("#wait-why")
            .contains("Belum ada loket yang buka")
    );
    phone.wait_for("the requirements checklist", PATIENCE, |b| {
        b.visible("#requirements input[type=checkbox]")
            .then_some(())
    });
    // Nobody ahead: "you are next". One tap allows the sound of the call; the vibration
    // motor is watched through navigator.vibrate.
    assert!(
        phone
            .wait_text("#almost", "Anda berikutnya", PATIENCE)
            .contains("Bersiaplah")
    );
    // The page asks to keep the screen on while the visitor waits (a browser may refuse).
    let wake_lock = |b: &Browser| b.js("return window.antreanWakeLock || null;");
    let asked = phone.wait_for("the wake lock request to settle", PATIENCE, |b| {
        let state = wake_lock(b);
        (state == json!("held") || state == json!("refused")).then_some(state)
    });
    phone.js("window.buzzes = []; navigator.vibrate = function (p) { window.buzzes.push(p); return true; };");
    phone.click("#alerts-on");
    phone.wait_text("#alerts-note", "berbunyi dan bergetar", PATIENCE);

    let console = driver.open(Window {
        width: 1440,
        height: 1000,
        autoplay: true,
    });
    log_in(&console, &base, "petugas1", "1111", "1");
    console.wait_for("A-001 in the waiting list", PATIENCE, |b| {
        (b.waiting_numbers() == ["A-001"]).then_some(())
    });

    // A kiosk issues a ticket: the console lists it without a reload.
    let (second, _) = take(&server, &kiosk_token, "ktp-el-baru", Some("lansia")).await;
    assert_eq!(second, "A-002");
    console.wait_for("A-002 to appear live", PATIENCE, |b| {
        (b.waiting_numbers() == ["A-002", "A-001"]).then_some(())
    });
    // The board's count follows the issue event without asking.
    board.wait_for("two waiting for KTP-el", PATIENCE, |b| {
        (waiting_ktp(b) == "2").then_some(())
    });
    assert!(
        console
            .text("#waiting tbody tr:nth-child(1)")
            .contains("PRIORITAS")
    );

    // K opens "call a specific number"; the typed number and Enter call it.
    console.keys("k");
    console.wait_for("the call panel", PATIENCE, |b| {
        b.visible("#call-number").then_some(())
    });
    console.keys("A-001\u{E007}");
    let clicked = Instant::now();
    board.wait_for("A-001 on the tile of counter 1", PATIENCE, |b| {
        (b.text("#counter-1 .number") == "A-001").then_some(())
    });
    // The figure for the record; its goal (a call on the boards within a second) is
    // measured by the fan-out benchmark (BENCHMARKS.md).
    eprintln!(
        "the board showed the call {:?} after the key press",
        clicked.elapsed()
    );
    assert_eq!(board.text("#latest-number"), "A-001");
    board.wait_for("one left waiting after the call", PATIENCE, |b| {
        (waiting_ktp(b) == "1").then_some(())
    });
    assert_eq!(board.text("#latest-counter"), "Loket 1");
    let call = [
        "chime",
        "nomor-antrean",
        "a",
        "satu",
        "silakan-menuju-loket",
        "satu",
    ];
    assert_eq!(voice_history(&board), [call]);

    phone.wait_text("#state", "dipanggil ke loket 1", PATIENCE);
    // The call reaches a visitor who is not looking: buzz, chime, the tab's title.
    phone.wait_for("the phone to buzz and chime", PATIENCE, |b| {
        (b.js("return [window.buzzes.length, window.antreanTicketChimes || 0];") == json!([1, 1]))
            .then_some(())
    });
    assert_eq!(
        phone.js("return window.buzzes[0];"),
        json!([500, 200, 500, 200, 500])
    );
    assert_eq!(
        phone.js("return document.title;"),
        json!("DIPANGGIL A-001 \u{2192} Loket 1")
    );
    assert!(!phone.visible("#almost"));
    phone.screenshot("ticket-called");
    console.wait_text("#current-number", "A-001", PATIENCE);
    console.wait_text("#message", "Memanggil A-001", PATIENCE);
    assert!(console.visible("#requirements input[type=checkbox]"));
    console.screenshot("console");

    // U recalls: the board queues the same call again, after the first.
    console.keys("u");
    board.wait_for("the recall to be queued", PATIENCE, |b| {
        (voice_history(b).len() == 2).then_some(())
    });
    assert_eq!(voice_history(&board), [call, call]);
    // The recall buzzes and chimes the phone again.
    phone.wait_for("the phone to buzz again on the recall", PATIENCE, |b| {
        (b.js("return [window.buzzes.length, window.antreanTicketChimes || 0];") == json!([2, 2]))
            .then_some(())
    });

    // M starts and S finishes the service; the visitor's phone follows.
    console.keys("m");
    phone.wait_text("#state", "sedang dilayani di loket 1", PATIENCE);
    console.keys("s");
    phone.wait_text("#state", "selesai", PATIENCE);
    // With the visit over the screen may sleep again.
    if asked == json!("held") {
        phone.wait_for("the wake lock released", PATIENCE, |b| {
            (wake_lock(b) == json!("released")).then_some(())
        });
    }
    // The visit is over: the page brings the survey up to the top of the screen, or as
    // far as the page scrolls (it did not scroll at all before).
    phone.wait_for("the survey scrolled into view", PATIENCE, |b| {
        let place = b.js(
            "var s = document.getElementById('skm-box'); if (s.hidden) return null; \
             var end = document.documentElement.scrollHeight - innerHeight; \
             return [s.getBoundingClientRect().top, scrollY, end];",
        );
        let v: Vec<f64> = place
            .as_array()?
            .iter()
            .filter_map(|x| x.as_f64())
            .collect();
        let (top, scrolled, end) = (v[0], v[1], v[2]);
        (end > 0.0 && (top.abs() < 2.0 || scrolled >= end - 2.0)).then_some(())
    });

    // N calls the next (the priority ticket), shown with its PRIORITAS label.
    console.keys("n");
    board.wait_text("#counter-1 .number", "A-002", PATIENCE);
    assert_eq!(board.text("#counter-1 .meta .priority"), "P");
    assert_eq!(
        board.js("return document.querySelector('#counter-1 .meta .priority').title;"),
        json!("Prioritas")
    );
    assert!(board.visible("#latest-priority"));
    assert!(board.text("#history").starts_with("A-002"));
    console.wait_text("#current-number", "A-002", PATIENCE);
    board.screenshot("board");

    // T marks a no-show; N on an empty queue says so in Indonesian.
    console.keys("t");
    console.wait_text("#message", "tidak hadir", PATIENCE);
    console.keys("n");
    console.wait_text("#message", "Tidak ada antrean", PATIENCE);
    assert!(console.text("#message").contains("Tidak ada antrean"));

    // The three calls are spoken one after the other, never interleaved.
    let second_call = [
        "chime",
        "nomor-antrean",
        "a",
        "dua",
        "silakan-menuju-loket",
        "satu",
    ];
    let expected: Vec<&str> = call
        .iter()
        .chain(&call)
        .chain(&second_call)
        .copied()
        .collect();
    board.wait_for("the three calls to be spoken", SPEECH_PATIENCE, |b| {
        (voice_played(b).len() >= expected.len()).then_some(())
    });
    assert_eq!(voice_played(&board), expected);
    assert_eq!(
        board.js("return window.antreanVoice.history.length;"),
        json!(3)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_whose_browser_blocks_sound_keeps_showing_calls_and_speaks_after_a_tap() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let board_token = enroll(&server, DeviceKind::Display, "papan").await;
    set_officer(&server, "petugas3", "3333").await;

    let driver = Driver::start();
    let board = driver.open(Window {
        width: 1920,
        height: 1080,
        autoplay: false,
    });
    board.goto(&format!("{base}/board?token={board_token}"));
    board.wait_for("the sound notice", PATIENCE, |b| {
        b.visible("#sound-notice").then_some(())
    });
    assert!(
        board
            .text("#sound-notice")
            .contains("Suara belum aktif: sentuh layar")
    );

    // A call while blocked is queued, not lost and not played.
    let mut officer = officer(&server, "petugas3", "3333", "3").await;
    let _ = officer.request(issue("kk-baru")).await.unwrap();
    officer
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    board.wait_text("#counter-3 .number", "C-001", PATIENCE);
    board.wait_text("#latest-number", "C-001", PATIENCE);
    // The call is in plain sight: what is drawn at the middle of the big number and of the
    // counter's tile is that number, not a cover; the notice sits in the footer.
    let uncovered = board.js(
        "return ['#latest-number', '#counter-3 .number'].every(function (sel) { \
           var e = document.querySelector(sel), r = e.getBoundingClientRect(); \
           var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); \
           return !!top && (top === e || e.contains(top)); });",
    );
    assert_eq!(
        uncovered,
        json!(true),
        "a call hidden while sound is blocked"
    );
    assert_eq!(
        board.js("return !!document.getElementById('sound-notice').closest('footer');"),
        json!(true)
    );
    board.screenshot("board-sound-blocked");
    assert_eq!(
        board.js("return window.antreanVoice.history.length;"),
        json!(1)
    );
    assert_eq!(
        board.js("return window.antreanVoice.played.length;"),
        json!(0)
    );

    // A tap anywhere (here on the list of counters) unlocks sound; the queued call is
    // spoken.
    board.click("#counters");
    board.wait_for("the notice to go", PATIENCE, |b| {
        (!b.visible("#sound-notice")).then_some(())
    });
    let call = clips(&[
        "chime",
        "nomor-antrean",
        "c",
        "satu",
        "silakan-menuju-loket",
        "tiga",
    ]);
    board.wait_for("the queued call to be spoken", SPEECH_PATIENCE, |b| {
        (b.js("return window.antreanVoice.played;") == call).then_some(())
    });

    // Missing speech clips are skipped; the chime still sounds.
    board.js("window.antreanVoice.enqueue(['chime', 'tidak-ada-klip', 'dua']);");
    board.wait_for("the chime despite a missing clip", SPEECH_PATIENCE, |b| {
        let played = voice_played(b);
        (played.len() == 9).then_some(played)
    });
    assert_eq!(
        voice_played(&board)[6..],
        ["chime", "tidak-ada-klip:missing", "dua"]
    );

    // Revoking the board's token closes the page's socket at once (4001); the page says so
    // and does not reconnect with the dead token.
    let mut m = manager(&server).await;
    m.request(Request::RevokeDevice {
        name: "papan".into(),
    })
    .await
    .unwrap();
    let notice = board.wait_text("#notice", "Akses ditutup", PATIENCE);
    assert!(notice.contains("Papan tidak dapat masuk"), "{notice}");
    board.screenshot("board-revoked");
}

#[tokio::test]
async fn pages_assets_and_voice_are_served_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));

    for (path, content_type) in [
        ("/", "text/html"),
        ("/console", "text/html"),
        ("/board?token=x", "text/html"),
        ("/t/AAAAAAAAAAiQjnBm3iGbEkmxHbqZ3Fpq", "text/html"),
        ("/assets/board.js", "text/javascript"),
        ("/assets/base.css", "text/css"),
        ("/voice/id/chime.wav", "audio/wav"),
        ("/voice/id/nomor-antrean.wav", "audio/wav"),
        // The icon every page links, and the one browsers ask for by themselves (a 404
        // in every page's console before).
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/svg+xml"),
    ] {
        let (status, head, body) = raw_get(server.addr, path, "");
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {content_type}")),
            "{path}: {head}"
        );
        assert!(head.contains("cache-control:"), "{path}: {head}");
        assert!(!body.is_empty(), "{path}");
    }
    // Text goes gzip-compressed to a browser that accepts it (a phone on a weak link), as
    // it is to one that does not; clips are sent as they are.
    let (_, plain_head, plain) = raw_get(server.addr, "/assets/ticket.js", "");
    let (status, head, packed) = raw_get(
        server.addr,
        "/assets/ticket.js",
        "Accept-Encoding: gzip, deflate, br\r\n",
    );
    assert_eq!(status, 200);
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("vary: accept-encoding"), "{head}");
    assert!(
        plain_head.contains("content-encoding: identity"),
        "{plain_head}"
    );
    assert_eq!(&packed[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        packed.len() * 2 < plain.len(),
        "{} vs {}",
        packed.len(),
        plain.len()
    );
    let (_, head, _) = raw_get(
        server.addr,
        "/voice/id/chime.wav",
        "Accept-Encoding: gzip\r\n",
    );
    assert!(!head.contains("content-encoding: gzip"), "{head}");
    for page in [
        "/",
        "/console",
        "/board?token=x",
        "/rate?token=x",
        "/report",
        "/t/x",
    ] {
        let (_, _, body) = raw_get(server.addr, page, "");
        let html = String::from_utf8_lossy(&body);
        assert!(
            html.contains(r#"<link rel="icon" href="/assets/favicon.svg""#),
            "{page} links no icon"
        );
    }
    let (_, head, body) = raw_get(server.addr, "/voice/id/chime.wav", "");
    assert_eq!(&body[..4], b"RIFF");
    assert!(head.contains("cache-control: public, max-age=86400"));

    // Revalidation: the ETag of an unchanged file answers 304 without a body.
    let (_, head, _) = raw_get(server.addr, "/assets/ticket.js", "");
    let etag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .expect("an etag")
        .to_owned();
    let (status, _, body) = raw_get(
        server.addr,
        "/assets/ticket.js",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!((status, body.len()), (304, 0));

    // Only embedded names exist: traversal and unknown names are 404, never a file.
    for path in [
        "/voice/id/../../Cargo.toml",
        "/voice/id/..%2F..%2FCargo.toml",
        "/voice/id/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/voice/id/..%2F..%2F..%2Fkiosk-assets%2Fvoice%2Fid%2Fchime.wav",
        "/voice/id/chime",
        "/voice/id/tidak-ada.wav",
        "/assets/../Cargo.toml",
        "/assets/..%2F..%2F..%2FCargo.toml",
        "/assets/console.html",
        "/assets/",
        "/assets/%2Fetc%2Fpasswd",
        "/t/",
        "/t/a/b",
    ] {
        let (status, _, body) = raw_get(server.addr, path, "");
        assert_eq!(status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("[package]"),
            "{path}"
        );
    }
}

/// The flags a board PC starts Chromium with (firmware-config/board/chromium-flags.conf),
/// comments and blank lines left out, as the launcher reads them.
fn shipped_board_flags() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../firmware-config/board/chromium-flags.conf"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// A board PC started with the shipped flags speaks a call with nobody touching it, and
/// never shows the sound notice, even where the browser's default blocks sound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_started_with_the_shipped_flags_speaks_without_a_tap() {
    let flags = shipped_board_flags();
    for needed in ["--autoplay-policy=no-user-gesture-required", "--kiosk"] {
        assert!(flags.iter().any(|f| f == needed), "{needed} in {flags:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let board_token = enroll(&server, DeviceKind::Display, "papan").await;
    set_officer(&server, "petugas3", "3333").await;
    let driver = Driver::start();
    // The desktop default (sound after a tap) first, then the shipped flags, as a board PC's
    // Chromium would get them.
    let board = driver.open_with_flags(
        Window {
            width: 1920,
            height: 1080,
            autoplay: false,
        },
        &flags,
    );
    board.goto(&format!("http://{}/board?token={board_token}", server.addr));
    board.wait_for("the counter tiles", PATIENCE, |b| {
        b.visible("#counter-3").then_some(())
    });
    let mut officer = officer(&server, "petugas3", "3333", "3").await;
    let _ = officer.request(issue("kk-baru")).await.unwrap();
    officer
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    board.wait_for("the call to be spoken untouched", SPEECH_PATIENCE, |b| {
        (voice_played(b).first().map(String::as_str) == Some("chime")).then_some(())
    });
    assert!(!board.visible("#sound-notice"));
}

/// The launcher passes the flags, a profile of its own and the board's address to the
/// browser, and refuses to start without an address.
#[test]
fn the_board_launcher_starts_the_browser_with_the_shipped_flags() {
    let launcher = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../firmware-config/board/antrean-board"
    );
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    let browser = dir.path().join("chromium");
    std::fs::write(
        &browser,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n",
            args_file.display()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&browser)
        .status()
        .unwrap();
    let url = "http://192.168.1.10:8600/board?token=abc";
    let status = std::process::Command::new(launcher)
        .env("ANTREAN_BOARD_URL", url)
        .env("ANTREAN_CHROMIUM", &browser)
        .env("HOME", dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let args: Vec<String> = std::fs::read_to_string(&args_file)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut expected = shipped_board_flags();
    expected.push(format!(
        "--user-data-dir={}/.antrean-board-profile",
        dir.path().display()
    ));
    expected.push(url.to_owned());
    assert_eq!(args, expected);

    let out = std::process::Command::new(launcher)
        .env_remove("ANTREAN_BOARD_URL")
        .env("ANTREAN_CHROMIUM", &browser)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ANTREAN_BOARD_URL"));
}

/// With the connection lost the phone says so at the top of the screen and stops claiming
/// a state it can no longer see ("Menunggu dipanggil" could be false by now).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_ticket_that_lost_its_connection_says_so_first_and_claims_no_state() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios-lobi").await;
    let (number, token) = take(&server, &kiosk_token, "ktp-el-baru", None).await;
    let driver = Driver::start();
    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });
    phone.goto(&format!("http://{}/t/{token}", server.addr));
    phone.wait_text("#number", &number, PATIENCE);
    phone.wait_text("#state", "menunggu dipanggil", PATIENCE);
    assert!(!phone.visible("#conn"), "no warning while connected");

    server.kill();
    phone.wait_text("#conn", "Terputus dari server", PATIENCE);
    let state = phone.wait_text("#state", "koneksi terputus", PATIENCE);
    assert!(
        !state.to_lowercase().contains("menunggu dipanggil"),
        "{state}"
    );
    // First thing on the screen: above the number, at the top of the viewport.
    let placed = phone.js(
        "var c = document.getElementById('conn').getBoundingClientRect(); \
         var n = document.getElementById('number').getBoundingClientRect(); \
         return [c.top, c.bottom, n.top];",
    );
    let (conn_top, conn_bottom, number_top) = (
        placed[0].as_f64().unwrap(),
        placed[1].as_f64().unwrap(),
        placed[2].as_f64().unwrap(),
    );
    assert!((0.0..40.0).contains(&conn_top), "{placed}");
    assert!(conn_bottom <= number_top, "{placed}");
    assert_eq!(phone.text("#number"), number, "the number stays");
    phone.screenshot("ticket-connection-lost");
}

/// What on a board does not fit: elements of the page sticking out of the screen, text
/// wider than its box, and counter tiles or panels drawn over each other.
fn board_layout_problems(board: &Browser) -> Vec<String> {
    let found = board.js(
        "var out = []; \
         var W = innerWidth, H = innerHeight; \
         var boxes = ['header', 'main', 'footer', '#latest', '#counters', 'aside', '#waiting-box'] \
           .concat(Array.from(document.querySelectorAll('.tile')).map(function (t) { return '#' + t.id; })); \
         var rects = boxes.map(function (sel) { var e = document.querySelector(sel); return [sel, e.getBoundingClientRect()]; }); \
         rects.forEach(function (p) { var r = p[1]; \
           if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1) out.push(p[0] + ' off screen'); }); \
         var tiles = rects.filter(function (p) { return p[0].indexOf('#counter-') === 0; }) \
           .concat(rects.filter(function (p) { return ['#latest', '#counters', 'aside', '#waiting-box'].indexOf(p[0]) >= 0; })); \
         for (var i = 0; i < tiles.length; i++) for (var j = i + 1; j < tiles.length; j++) { \
           var a = tiles[i][1], b = tiles[j][1]; \
           if (tiles[i][0] === '#counters' || tiles[j][0] === '#counters') continue; \
           if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) \
             out.push(tiles[i][0] + ' overlaps ' + tiles[j][0]); } \
         ['#latest-number', '#latest-counter', '.tile .number', '.tile .name', '.tile .meta', \
          '#history li', '#waiting-by-service li'].forEach(function (sel) { \
           document.querySelectorAll(sel).forEach(function (e) { \
             if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow !== 'ellipsis') \
               out.push(sel + ' text wider than its box'); \
             if (sel === '.tile .meta' && e.scrollWidth > e.clientWidth + 1) out.push(sel + ' cut: ' + e.textContent); \
             var box = e.closest('#latest, .tile, aside, #waiting-box').getBoundingClientRect(), r = e.getBoundingClientRect(); \
             if (r.right > box.right + 1 || r.bottom > box.bottom + 1 || r.top < box.top - 1 || r.left < box.left - 1) \
               out.push(sel + ' outside its panel'); }); }); \
         if (document.documentElement.scrollWidth > W + 1 || document.documentElement.scrollHeight > H + 1) \
           out.push('the page scrolls'); \
         return out;",
    );
    serde_json::from_value(found).unwrap()
}

/// Texts on the board a visitor must read from 5 m whose capital letters, on a 55-inch
/// screen of this shape, are under 20 mm: the screen's short side is 685 mm, and a capital
/// is 0.73 of the font size in DejaVu Sans (the board's font). Each entry names the text
/// and its height in mm.
fn board_legibility_problems(board: &Browser) -> Vec<String> {
    let found = board.js(
        "var out = []; \
         var mmPerPx = 685 / Math.min(innerWidth, innerHeight); \
         ['#latest .label', '#latest-service', '.tile .name', '.tile .meta', 'aside h2', \
          '#waiting-by-service li', '#history li', '#running-text', '#ikm'].forEach(function (sel) { \
           document.querySelectorAll(sel).forEach(function (e) { \
             if (!e.textContent.trim() || e.offsetParent === null) return; \
             var mm = parseFloat(getComputedStyle(e).fontSize) * 0.73 * mmPerPx; \
             if (mm < 20) out.push(sel + ' ' + mm.toFixed(1) + ' mm'); }); }); \
         return out;",
    );
    serde_json::from_value(found).unwrap()
}

/// The board works on the screens sites hang: full HD and 4K, 720p, and full HD on its side
/// (portrait), with calls on the screen: nothing off screen, no text wider than its box, no
/// tiles over each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_fits_landscape_portrait_720p_and_4k_screens() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let board_token = enroll(&server, DeviceKind::Display, "papan").await;
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kios").await;
    set_officer(&server, "petugas1", "1111").await;
    take(&server, &kiosk_token, "ktp-el-baru", Some("lansia")).await;
    take(&server, &kiosk_token, "ktp-el-baru", None).await;
    let mut officer = officer(&server, "petugas1", "1111", "1").await;
    officer
        .request(Request::CallNext { counter: None })
        .await
        .unwrap();
    let driver = Driver::start();
    for (width, height, name) in [
        (1920, 1080, "board-1920x1080"),
        (1080, 1920, "board-1080x1920"),
        (1280, 720, "board-1280x720"),
        (3840, 2160, "board-3840x2160"),
    ] {
        let board = driver.open(Window {
            width,
            height,
            autoplay: true,
        });
        board.goto(&format!(
            "http://{}/board?token={board_token}&info=Selamat%20datang",
            server.addr
        ));
        board.wait_text("#latest-number", "A-001", PATIENCE);
        board.wait_for("the waiting count", PATIENCE, |b| {
            b.visible("#waiting-by-service li[data-service]")
                .then_some(())
        });
        board.screenshot(name);
        assert_eq!(
            board_layout_problems(&board),
            Vec::<String>::new(),
            "{width}×{height}"
        );
        assert_eq!(
            board_legibility_problems(&board),
            Vec::<String>::new(),
            "{width}×{height}: letters under 20 mm on a 55-inch screen"
        );
    }
}
