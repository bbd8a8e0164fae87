//! Browser logins (docs/protocol.md, "Web sessions"), driven over real HTTP and WebSockets
//! as a browser would: the PIN goes to `POST /api/session` once, an HttpOnly cookie comes
//! back, and the page's socket logs in with `{"role":"session"}`. Cross-site requests are
//! refused; logout, revocation, a PIN change and a counter closed by the manager end the
//! session and its sockets; a restart keeps it.

use std::net::SocketAddr;
use std::time::Duration;

use crate::common::*;
use antrean_protocol::*;
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const JSON: &str = "Content-Type: application/json\r\n";

fn officer_body(officer: &str, pin: &str, counter: &str) -> String {
    format!(r#"{{"role":"officer","officer":"{officer}","pin":"{pin}","counter":"{counter}"}}"#)
}

/// What a page on this server sends with a login (its own origin).
fn own_origin(addr: SocketAddr) -> String {
    format!("{JSON}Origin: http://{addr}\r\nSec-Fetch-Site: same-origin\r\n")
}

/// Logs in like the console's form; returns the cookie value and its `Set-Cookie` line
/// in lower case (for the attributes).
fn log_in(addr: SocketAddr, body: &str) -> (String, String) {
    let (status, head, answer) = raw_request(addr, "POST", "/api/session", &own_origin(addr), body);
    assert_eq!(status, 200, "{head}\n{answer}");
    let line = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: antrean_session="))
        .unwrap_or_else(|| panic!("no session cookie: {head}"));
    let value = line["set-cookie: antrean_session=".len()..]
        .split(';')
        .next()
        .unwrap();
    (value.to_owned(), line.to_lowercase())
}

fn cookie_line(cookie: &str) -> String {
    format!("Cookie: antrean_session={cookie}\r\n")
}

fn who(addr: SocketAddr, cookie: &str) -> (u16, String) {
    let (status, _, body) = raw_request(addr, "GET", "/api/session", &cookie_line(cookie), "");
    (status, body)
}

/// A page's socket: the upgrade carries the cookie (and the page's origin), the hello says
/// `session`. Returns the socket and the answer to hello.
async fn session_socket(addr: SocketAddr, cookie: Option<&str>) -> (Socket, ServerMessage) {
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "origin",
        HeaderValue::from_str(&format!("http://{addr}")).unwrap(),
    );
    if let Some(cookie) = cookie {
        headers.insert(
            "cookie",
            HeaderValue::from_str(&format!("antrean_session={cookie}")).unwrap(),
        );
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(
        r#"{"id":"h","type":"hello","protocol":1,"subscribe":false,"auth":{"role":"session"}}"#,
    ))
    .await
    .unwrap();
    let answer = read_message(&mut ws).await;
    (ws, answer)
}

fn error_code(message: &ServerMessage) -> Option<&str> {
    match message {
        ServerMessage::Error { code, .. } => Some(code),
        _ => None,
    }
}

/// The socket's close code, within a bound (a cut socket closes at once).
async fn closed_with(ws: &mut Socket) -> Option<u16> {
    tokio::time::timeout(Duration::from_secs(10), close_code(ws))
        .await
        .expect("the socket was not closed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_logs_in_once_and_its_socket_uses_the_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    set_officer(&server, "siti", "1234").await;
    let addr = server.addr;
    let body = officer_body("siti", "1234", "1");

    // A page of another site cannot log the browser in, nor post anything but JSON.
    let foreign = format!("{JSON}Origin: http://evil.example\r\n");
    let (status, head, answer) = raw_request(addr, "POST", "/api/session", &foreign, &body);
    assert_eq!(status, 403, "{answer}");
    assert!(answer.contains("\"cross_site\""), "{answer}");
    assert!(!head.to_lowercase().contains("set-cookie"), "{head}");
    let cross = format!("{JSON}Origin: http://{addr}\r\nSec-Fetch-Site: cross-site\r\n");
    assert_eq!(
        raw_request(addr, "POST", "/api/session", &cross, &body).0,
        403
    );
    let form = format!("Content-Type: text/plain\r\nOrigin: http://{addr}\r\n");
    assert_eq!(
        raw_request(addr, "POST", "/api/session", &form, &body).0,
        403
    );

    // A wrong PIN: 401 with the protocol's error, no cookie.
    let wrong = officer_body("siti", "9999", "1");
    let (status, head, answer) =
        raw_request(addr, "POST", "/api/session", &own_origin(addr), &wrong);
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("\"unauthorized\""), "{answer}");
    assert!(!head.to_lowercase().contains("set-cookie"), "{head}");
    // Devices do not log in from a browser.
    let device = r#"{"role":"kiosk","token":"x.y"}"#;
    let (status, _, answer) = raw_request(addr, "POST", "/api/session", &own_origin(addr), device);
    assert_eq!(status, 400, "{answer}");

    let logins = |addr| {
        let (_, _, body) = raw_request(addr, "GET", "/metrics", "", "");
        body.lines()
            .find_map(|l| l.strip_prefix("antrean_web_logins_total "))
            .and_then(|v| v.parse::<u64>().ok())
            .expect("antrean_web_logins_total in /metrics")
    };
    assert_eq!(logins(addr), 0, "refused logins are not counted");
    let (cookie, set_cookie) = log_in(addr, &body);
    assert_eq!(logins(addr), 1);
    for attribute in ["httponly", "samesite=strict", "path=/", "max-age=43200"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} missing: {set_cookie}"
        );
    }
    assert!(
        !set_cookie.contains("secure"),
        "plain HTTP on a LAN: {set_cookie}"
    );
    let (status, me) = who(addr, &cookie);
    assert_eq!(status, 200, "{me}");
    let me: WebSessionDto = serde_json::from_str(&me).unwrap();
    assert_eq!(
        (
            me.role.as_str(),
            me.principal.as_str(),
            me.counter.as_deref()
        ),
        ("officer", "siti", Some("1"))
    );
    let file = std::fs::read_to_string(data.join("web-sessions.jsonl")).unwrap();
    assert!(
        file.contains("\"siti\"") && !file.contains(&cookie),
        "{file}"
    );

    // The page's socket: the officer at counter 1, with the officer's rights.
    let (mut ws, welcome) = session_socket(addr, Some(&cookie)).await;
    match &welcome {
        ServerMessage::Welcome { role, counter, .. } => {
            assert_eq!((role.as_str(), counter.as_deref()), ("officer", Some("1")));
        }
        other => panic!("{other:?}"),
    }
    ws.send(Message::text(r#"{"id":"c1","type":"call_next"}"#))
        .await
        .unwrap();
    let answer = read_message(&mut ws).await;
    assert_eq!(error_code(&answer), Some("queue_empty"), "{answer:?}");

    // No cookie, or a made-up one: session_expired.
    let (_, answer) = session_socket(addr, None).await;
    assert_eq!(error_code(&answer), Some("session_expired"), "{answer:?}");
    let (_, answer) = session_socket(addr, Some("made-up")).await;
    assert_eq!(error_code(&answer), Some("session_expired"), "{answer:?}");
    assert_eq!(who(addr, "made-up").0, 401);

    // A page of another site cannot open a socket here (it would carry the cookie).
    let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("origin", HeaderValue::from_static("http://evil.example"));
    headers.insert(
        "cookie",
        HeaderValue::from_str(&format!("antrean_session={cookie}")).unwrap(),
    );
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403);
        }
        other => panic!(
            "a cross-site upgrade was not refused: {:?}",
            other.map(|_| ())
        ),
    }

    // A restart keeps the browser logged in: the console reconnects without the PIN.
    drop(ws);
    server.terminate();
    let server = Server::start_on(&data, addr);
    assert_eq!(who(addr, &cookie).0, 200);
    let (mut ws, welcome) = session_socket(addr, Some(&cookie)).await;
    assert!(
        matches!(welcome, ServerMessage::Welcome { .. }),
        "{welcome:?}"
    );

    // Logout from another site is refused and changes nothing.
    let foreign_logout = format!("Origin: http://evil.example\r\n{}", cookie_line(&cookie));
    assert_eq!(
        raw_request(addr, "POST", "/api/session/logout", &foreign_logout, "").0,
        403
    );
    assert_eq!(who(addr, &cookie).0, 200);
    // Logout ends the session, clears the cookie and closes the sockets opened with it.
    let logout = format!("Origin: http://{addr}\r\n{}", cookie_line(&cookie));
    let (status, head, _) = raw_request(addr, "POST", "/api/session/logout", &logout, "");
    assert_eq!(status, 204);
    let head = head.to_lowercase();
    assert!(
        head.contains("set-cookie: antrean_session=; ") && head.contains("max-age=0"),
        "{head}"
    );
    assert_eq!(closed_with(&mut ws).await, Some(4001));
    assert_eq!(who(addr, &cookie).0, 401);
    let (_, answer) = session_socket(addr, Some(&cookie)).await;
    assert_eq!(error_code(&answer), Some("session_expired"), "{answer:?}");
    drop(server);
}

/// Every way a web session must end takes its live socket along and leaves the cookie
/// useless: the manager closing the officer's counter, a PIN change, the officer's removal,
/// and a change the sessions file missed (seen at the next start).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_ends_web_sessions_and_their_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let addr = server.addr;
    set_officer(&server, "siti", "1234").await;
    let mut boss = manager(&server).await;

    // A counter closed by the manager: a reload must not reopen it.
    let (cookie, _) = log_in(addr, &officer_body("siti", "1234", "1"));
    let (mut ws, _) = session_socket(addr, Some(&cookie)).await;
    boss.request(Request::CloseCounter {
        counter: Some("1".into()),
    })
    .await
    .unwrap();
    assert_eq!(closed_with(&mut ws).await, Some(4001));
    assert_eq!(who(addr, &cookie).0, 401);
    let (_, answer) = session_socket(addr, Some(&cookie)).await;
    assert_eq!(error_code(&answer), Some("session_expired"), "{answer:?}");

    // A PIN change.
    let (cookie, _) = log_in(addr, &officer_body("siti", "1234", "2"));
    let (mut ws, _) = session_socket(addr, Some(&cookie)).await;
    set_officer(&server, "siti", "5678").await;
    assert_eq!(closed_with(&mut ws).await, Some(4001));
    assert_eq!(who(addr, &cookie).0, 401);

    // Removal.
    let (cookie, _) = log_in(addr, &officer_body("siti", "5678", "2"));
    let (mut ws, _) = session_socket(addr, Some(&cookie)).await;
    boss.request(Request::RemoveOfficer {
        officer: "siti".into(),
    })
    .await
    .unwrap();
    assert_eq!(closed_with(&mut ws).await, Some(4001));
    assert_eq!(who(addr, &cookie).0, 401);

    // A change the sessions file did not see (written before the change, put back while the
    // coordinator was down): the credential fingerprint still refuses the session.
    set_officer(&server, "budi", "1111").await;
    let (cookie, _) = log_in(addr, &officer_body("budi", "1111", "3"));
    let before = std::fs::read(data.join("web-sessions.jsonl")).unwrap();
    set_officer(&server, "budi", "2222").await;
    drop(boss);
    server.terminate();
    std::fs::write(data.join("web-sessions.jsonl"), before).unwrap();
    let server = Server::start_on(&data, addr);
    assert_eq!(who(addr, &cookie).0, 401);
    let (_, answer) = session_socket(addr, Some(&cookie)).await;
    assert_eq!(error_code(&answer), Some("session_expired"), "{answer:?}");
    drop(server);
}

/// The manager's report logs in the same way; a wrong password from one address counts
/// toward that address's lockout, as for `hello`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_browser_session_reads_reports_and_wrong_passwords_lock_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let addr = server.addr;
    let body = format!(r#"{{"role":"manager","username":"admin","password":"{ADMIN_PASSWORD}"}}"#);
    let (cookie, set_cookie) = log_in(addr, &body);
    assert!(set_cookie.contains("max-age=28800"), "{set_cookie}");
    let (mut ws, welcome) = session_socket(addr, Some(&cookie)).await;
    assert!(
        matches!(&welcome, ServerMessage::Welcome { role, .. } if role == "manager"),
        "{welcome:?}"
    );
    ws.send(Message::text(r#"{"id":"l1","type":"list_principals"}"#))
        .await
        .unwrap();
    let answer = read_message(&mut ws).await;
    assert!(matches!(answer, ServerMessage::Ok { .. }), "{answer:?}");

    let wrong = r#"{"role":"manager","username":"admin","password":"salah"}"#;
    let codes: Vec<u16> = (0..6)
        .map(|_| raw_request(addr, "POST", "/api/session", &own_origin(addr), wrong).0)
        .collect();
    assert_eq!(codes, [401, 401, 401, 401, 401, 429]);
    // Locked out from here, even with the right password; the live session is untouched.
    assert_eq!(
        raw_request(addr, "POST", "/api/session", &own_origin(addr), &body).0,
        429
    );
    assert_eq!(who(addr, &cookie).0, 200);
    drop(server);
}

/// Patience for a loaded 2-core CI machine (poll, never sleep blindly).
const PATIENCE: Duration = Duration::from_secs(20);

fn session_cookie(page: &crate::common::browser::Browser) -> Option<serde_json::Value> {
    page.cookies()
        .into_iter()
        .find(|c| c["name"] == "antrean_session")
}

/// What the page found when it asked `GET /api/session` on load.
fn wait_session_check(page: &crate::common::browser::Browser, expected: &str) {
    page.wait_for("the page's session check", PATIENCE, |b| {
        (b.js("return document.documentElement.getAttribute('data-session');")
            == serde_json::json!(expected))
        .then_some(())
    });
}

/// In Chromium, as officers and managers use them: the console and the report keep no
/// secret a script could read (the cookie is HttpOnly and SameSite=Strict, the PIN field is
/// emptied, nothing in web storage), a reload goes straight back to the desk or report, and
/// closing the counter or "Keluar" logs the browser out for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_and_report_keep_no_secret_and_survive_a_reload() {
    use crate::common::browser::{Driver, Window};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    set_officer(&server, "siti", "1234").await;
    let base = format!("http://{}", server.addr);
    let driver = Driver::start();
    let window = Window {
        width: 1440,
        height: 1000,
        autoplay: true,
    };

    let console = driver.open(window);
    console.goto(&format!("{base}/console"));
    wait_session_check(&console, "none");
    console.log_in_to_console("siti", "1234", "1", PATIENCE);
    let cookie = session_cookie(&console).expect("the console got a session cookie");
    assert_eq!(cookie["httpOnly"], true, "{cookie}");
    assert_eq!(cookie["sameSite"], "Strict", "{cookie}");
    let script_sees = console.js(
        "return [document.cookie, document.getElementById('pin').value, \
         localStorage.length, sessionStorage.length];",
    );
    assert_eq!(script_sees, serde_json::json!(["", "", 0, 0]));

    // A reload (or a browser restart) goes straight back to the desk.
    console.goto(&format!("{base}/console"));
    wait_session_check(&console, "officer");
    console.wait_for("the desk after a reload", PATIENCE, |b| {
        (b.visible("#desk") && b.text("#who").contains("buka")).then_some(())
    });
    assert!(!console.visible("#login"));
    console.screenshot("session-console-reloaded");

    // "Keluar" leaves the browser but not the counter: the login comes back, the cookie is
    // gone, and the counter is still open in the officer's name.
    console.click("#logout");
    console.wait_for("the login form after Keluar", PATIENCE, |b| {
        (b.visible("#login") && b.text("#login-message").contains("Loket tetap buka")).then_some(())
    });
    assert!(session_cookie(&console).is_none());
    let mut boss = manager(&server).await;
    let state = first_snapshot(&mut boss).await;
    let counter = state
        .counters
        .iter()
        .find(|c| c.id == "1")
        .expect("counter 1");
    assert_eq!(
        (counter.status.as_str(), counter.officer.as_deref()),
        ("open", Some("siti"))
    );
    console.log_in_to_console("siti", "1234", "1", PATIENCE);

    // Closing the counter logs out: the cookie is gone and a reload shows the login.
    console.click("#actions [data-action=close-panel]");
    console.wait_for("the close confirmation", PATIENCE, |b| {
        b.visible("#close-panel").then_some(())
    });
    console.click("#close-panel [data-action=close_counter]");
    console.wait_for("the login form after closing", PATIENCE, |b| {
        b.visible("#login").then_some(())
    });
    console.wait_for("the cookie cleared", PATIENCE, |b| {
        session_cookie(b).is_none().then_some(())
    });
    console.goto(&format!("{base}/console"));
    wait_session_check(&console, "none");
    assert!(console.visible("#login") && !console.visible("#desk"));

    // The manager's report: the same, with "Keluar".
    let report = driver.open(window);
    report.goto(&format!("{base}/report"));
    wait_session_check(&report, "none");
    report.click("#username");
    report.keys("admin");
    report.click("#password");
    report.keys(ADMIN_PASSWORD);
    report.click("#login-button");
    report.wait_for("the report", PATIENCE, |b| {
        (b.visible("#app") && b.text("#who") == "admin").then_some(())
    });
    assert_eq!(
        report.js("return [document.cookie, document.getElementById('password').value];"),
        serde_json::json!(["", ""])
    );
    report.goto(&format!("{base}/report"));
    wait_session_check(&report, "manager");
    report.wait_for("the report after a reload", PATIENCE, |b| {
        (b.visible("#app") && b.visible("#logout")).then_some(())
    });
    report.click("#logout");
    report.wait_for("the login form after Keluar", PATIENCE, |b| {
        (b.visible("#login") && b.text("#login-message").contains("keluar")).then_some(())
    });
    assert!(session_cookie(&report).is_none());
    report.goto(&format!("{base}/report"));
    wait_session_check(&report, "none");
    assert!(report.visible("#login") && !report.visible("#app"));
    report.screenshot("session-report-logged-out");
}
