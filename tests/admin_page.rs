//! The managers' administration page (`/admin`, issue 17) in a real browser (Debian's
//! headless Chromium via chromedriver) against the real coordinator: a manager logs in once
//! (the cookie survives a reload), enrolls a kiosk whose token — read off the page — really
//! takes a ticket, revokes it and its open socket is cut; adds an officer with a full name
//! and PIN, sees the counter that officer opened live ("Buka", "Budi Santoso", then the
//! ticket at it), closes it from the page and the coordinator agrees; removes the officer.
//! Bad input and server refusals show in Indonesian and change nothing; an officer is
//! refused. The layout fits an office laptop (1366×768); screenshots land in
//! `target/web-screenshots/admin-*`.

use std::time::Duration;

use crate::common::browser::{Browser, Driver, Window};
use crate::common::*;
use antrean_client::{Client, ClientError};
use antrean_protocol::*;
use serde_json::json;

/// Patience for a loaded 2-core CI machine (poll, never sleep blindly).
const PATIENCE: Duration = Duration::from_secs(20);

const LAPTOP: Window = Window {
    width: 1366,
    height: 768,
    autoplay: true,
};

/// What the page found when it asked `GET /api/session` on load.
fn wait_session_check(page: &Browser, expected: &str) {
    page.wait_for(
        &format!("the session check to say {expected}"),
        PATIENCE,
        |b| {
            (b.js("return document.documentElement.getAttribute('data-session');")
                == json!(expected))
            .then_some(())
        },
    );
}

/// Types into a field as a person would (emptied first).
fn fill(page: &Browser, selector: &str, text: &str) {
    page.js(&format!(
        "document.querySelector({}).value = '';",
        json!(selector)
    ));
    page.click(selector);
    page.keys(text);
}

fn choose(page: &Browser, selector: &str, value: &str) {
    page.js(&format!(
        "var s = document.querySelector({}); s.value = {}; \
         s.dispatchEvent(new Event('change', {{bubbles: true}}));",
        json!(selector),
        json!(value)
    ));
}

fn value(page: &Browser, selector: &str) -> String {
    page.js(&format!(
        "return document.querySelector({}).value;",
        json!(selector)
    ))
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Clears a message line, so the next wait sees only the next answer.
fn clear(page: &Browser, id: &str) {
    page.js(&format!(
        "document.getElementById({}).textContent = '';",
        json!(id)
    ));
}

/// Waits for the message line `id` to say `needle` and returns it; `error` says whether it
/// must be shown as an error.
fn wait_message(page: &Browser, id: &str, needle: &str, error: bool) -> String {
    let text = page.wait_text(&format!("#{id}"), needle, PATIENCE);
    let class = page.js(&format!(
        "return document.getElementById({}).className;",
        json!(id)
    ));
    assert_eq!(
        class.as_str().unwrap_or_default().contains("error"),
        error,
        "#{id} {text:?} shown as {class}"
    );
    text
}

/// Clicks the confirm dialog's "yes" after checking it names `what`.
fn confirm(page: &Browser, what: &str) {
    page.wait_for("the confirm dialog", PATIENCE, |b| {
        (b.js("return document.getElementById('confirm').open;") == json!(true)).then_some(())
    });
    let text = page.text("#confirm-text");
    assert!(
        text.contains(what),
        "the dialog says {text:?}, not {what:?}"
    );
    page.click("#confirm-yes");
    page.wait_for("the dialog to close", PATIENCE, |b| {
        (b.js("return document.getElementById('confirm').open;") == json!(false)).then_some(())
    });
}

fn wait_row(page: &Browser, row: &str, needles: &[&str]) -> String {
    let what = format!("{row} to show {needles:?}");
    page.wait_for(&what, PATIENCE, |b| {
        let text = b.text(row);
        needles.iter().all(|n| text.contains(n)).then_some(text)
    })
}

fn wait_no_row(page: &Browser, row: &str) {
    page.wait_for(&format!("{row} to go"), PATIENCE, |b| {
        (!b.visible(row)).then_some(())
    });
}

/// The counter row's state and officer cells.
fn wait_counter(page: &Browser, counter: &str, state: &str, officer: &str) {
    let row = format!("#counter-table tr[data-counter='{counter}']");
    let what = format!("counter {counter} as {state:?} with {officer:?}");
    page.wait_for(&what, PATIENCE, |b| {
        let shown_state = b.text(&format!("{row} td.state"));
        let shown_officer = b.text(&format!("{row} td.officer"));
        (shown_state == state && shown_officer.starts_with(officer)).then_some(())
    });
}

fn log_in_as_manager(page: &Browser) {
    fill(page, "#username", "admin");
    fill(page, "#password", ADMIN_PASSWORD);
    page.click("#login-button");
    page.wait_for("the administration page", PATIENCE, |b| {
        (b.visible("#app") && b.text("#who") == "admin").then_some(())
    });
}

/// Nothing sticks out of a 1366-pixel window: no sideways scroll for the page, every
/// table and card inside the viewport, no table scrolling inside its box.
fn assert_fits(page: &Browser, when: &str) {
    let problems = page.js(
        "var W = window.innerWidth, out = []; \
         if (document.documentElement.scrollWidth > W) \
           out.push('page is ' + document.documentElement.scrollWidth + ' px wide'); \
         document.querySelectorAll('#app table, #app .card, #app form, #token-panel').forEach(function (e) { \
           if (!e.getClientRects().length) return; \
           var r = e.getBoundingClientRect(); \
           if (r.left < 0 || r.right > W + 0.5) out.push((e.id || e.className) + ' spans ' + r.left + '..' + r.right); \
         }); \
         document.querySelectorAll('#app .table-box').forEach(function (e) { \
           if (e.scrollWidth > e.clientWidth + 1) out.push('a table scrolls sideways in ' + e.parentNode.id); \
         }); \
         document.querySelectorAll('#app thead th, #app td.state, #app td.officer').forEach(function (e) { \
           var text = e.firstChild; \
           if (!e.getClientRects().length || !text || text.nodeType !== 3) return; \
           var words = text.textContent.trim().split(/\\s+/).length; \
           var range = document.createRange(); range.selectNodeContents(text); \
           var lines = new Set(Array.from(range.getClientRects()).map(function (r) { return Math.round(r.top); })).size; \
           if (lines > words) out.push(JSON.stringify(e.textContent) + ' breaks inside a word'); \
         }); \
         return out;",
    );
    assert_eq!(problems, json!([]), "{when} at 1366×768");
    assert_eq!(
        page.js("return [window.innerWidth, window.innerHeight];"),
        json!([1366, 768])
    );
}

async fn officer_ids(boss: &mut Client) -> Vec<String> {
    match boss.request(Request::ListPrincipals).await.unwrap() {
        ResultDto::Principals { officers, .. } => officers.into_iter().map(|o| o.name).collect(),
        other => panic!("unexpected {other:?}"),
    }
}

/// Reads until the socket ends; its close reason (a cut connection closes at once).
async fn cut_reason(client: &mut Client) -> String {
    let ended = tokio::time::timeout(PATIENCE, async {
        loop {
            match client.next_message().await {
                Ok(_) => continue,
                Err(err) => return err,
            }
        }
    })
    .await
    .expect("the connection was not cut");
    match ended {
        ClientError::Closed(reason) => reason,
        other => panic!("expected a close, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_enrolls_and_revokes_devices_manages_officers_and_closes_a_counter() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("data"));
    let base = format!("http://{}", server.addr);
    let mut boss = manager(&server).await;
    first_snapshot(&mut boss).await;

    let driver = Driver::start();
    let page = driver.open(LAPTOP);

    // Log in once; a reload goes straight back to the page with the cookie.
    page.goto(&format!("{base}/admin"));
    wait_session_check(&page, "none");
    assert!(page.visible("#login") && !page.visible("#app"));
    log_in_as_manager(&page);
    page.goto(&format!("{base}/admin"));
    wait_session_check(&page, "manager");
    page.wait_for("the page after a reload", PATIENCE, |b| {
        (b.visible("#app") && b.text("#who") == "admin" && !b.visible("#login")).then_some(())
    });
    assert_eq!(
        page.js("return [document.cookie, localStorage.length, sessionStorage.length];"),
        json!(["", 0, 0]),
        "the page keeps no secret a script can read"
    );
    wait_counter(&page, "1", "Tutup", "–");
    assert_eq!(
        page.js("return document.querySelectorAll('#counter-table tbody tr').length;"),
        json!(12),
        "every counter of the sample catalog"
    );

    // Bad device names never leave the page.
    fill(&page, "#device-name", "Kios Lobi");
    clear(&page, "device-message");
    page.click("#device-submit");
    wait_message(&page, "device-message", "huruf kecil", true);

    // A rating screen needs its counter, chosen from the catalog's.
    choose(&page, "#device-kind", "rating");
    assert!(page.visible("#device-counter"));
    fill(&page, "#device-name", "pad-loket-2");
    clear(&page, "device-message");
    page.click("#device-submit");
    wait_message(&page, "device-message", "Pilih loket", true);
    match boss.request(Request::ListPrincipals).await.unwrap() {
        ResultDto::Principals { devices, .. } => assert!(devices.is_empty(), "{devices:?}"),
        other => panic!("unexpected {other:?}"),
    }
    choose(&page, "#device-counter", "2");
    clear(&page, "device-message");
    page.click("#device-submit");
    wait_message(&page, "device-message", "terdaftar", false);
    let rating_url = page.text("#token-where");
    assert!(
        rating_url.starts_with(&format!("{base}/rate?token=pad-loket-2.")),
        "{rating_url}"
    );
    wait_row(
        &page,
        "#device-table tr[data-name='pad-loket-2']",
        &["Layar penilaian", "Loket 2", "Aktif"],
    );

    // Enroll a kiosk: the token is shown once, with where it goes.
    choose(&page, "#device-kind", "kiosk");
    assert!(!page.visible("#device-counter"));
    fill(&page, "#device-name", "kios-uji");
    clear(&page, "device-message");
    page.click("#device-submit");
    wait_message(&page, "device-message", "Kios kios-uji terdaftar", false);
    let token = page.wait_for("the kiosk's token", PATIENCE, |b| {
        let token = value(b, "#token-value");
        token.starts_with("kios-uji.").then_some(token)
    });
    assert!(page.visible("#token-panel"));
    assert!(
        page.text("#token-warning")
            .contains("tidak akan ditampilkan lagi"),
        "{}",
        page.text("#token-warning")
    );
    assert!(
        page.text("#token-where").contains(&format!(
            "ANTREAN_KIOSK_TOKEN={token} antrean-kiosk --config"
        )),
        "{}",
        page.text("#token-where")
    );
    assert!(page.visible("#copy-token"));
    wait_row(
        &page,
        "#device-table tr[data-name='kios-uji']",
        &["kios-uji", "Kios", "Aktif"],
    );
    assert_fits(&page, "the token panel");
    page.screenshot("admin-token");

    // The token from the page is a working kiosk: it takes a ticket.
    let mut lobby = kiosk(&server, &token).await;
    let taken = lobby.request(issue("ktp-el-baru")).await.unwrap();
    assert_eq!(ticket_of(&taken).number, "A-001");

    // Closing the panel drops the token from the page for good.
    page.click("#token-done");
    assert!(!page.visible("#token-panel"));
    assert_eq!(value(&page, "#token-value"), "");

    // Revoke it on the page: the kiosk's open socket is cut and the token no longer works.
    page.click("#device-table tr[data-name='kios-uji'] button.revoke");
    confirm(&page, "kios-uji");
    let reason = cut_reason(&mut lobby).await;
    assert!(reason.starts_with("4001"), "closed with {reason:?}");
    wait_message(&page, "device-message", "kios-uji dicabut", false);
    wait_row(
        &page,
        "#device-table tr[data-name='kios-uji']",
        &["Dicabut"],
    );
    assert!(!page.visible("#device-table tr[data-name='kios-uji'] button.revoke"));
    let refused = Client::connect(
        &server.url(),
        Auth::Kiosk {
            token: token.clone(),
        },
    )
    .await
    .err()
    .expect("a revoked token is refused");
    assert_eq!(refused.code(), Some("unauthorized"), "{refused:?}");

    // Officers: what the page refuses never reaches the server, and the PINs are emptied.
    let attempts = [
        (
            "Rina W",
            "Rina Wulandari",
            "1357",
            "1357",
            "ID petugas hanya huruf kecil",
        ),
        ("rina", "", "1357", "1357", "Isi nama lengkap"),
        (
            "rina",
            "Rina Wulandari",
            "12a4",
            "12a4",
            "PIN harus 4 sampai 8 angka",
        ),
        (
            "rina",
            "Rina Wulandari",
            "123",
            "123",
            "PIN harus 4 sampai 8 angka",
        ),
        (
            "rina",
            "Rina Wulandari",
            "1357",
            "1375",
            "Kedua PIN tidak sama",
        ),
    ];
    for (id, name, pin, again, error) in attempts {
        fill(&page, "#officer-id", id);
        page.js("document.getElementById('officer-name').value = '';");
        if !name.is_empty() {
            fill(&page, "#officer-name", name);
        }
        fill(&page, "#officer-pin", pin);
        fill(&page, "#officer-pin2", again);
        clear(&page, "officer-message");
        page.click("#officer-submit");
        wait_message(&page, "officer-message", error, true);
        assert_eq!(
            (value(&page, "#officer-pin"), value(&page, "#officer-pin2")),
            (String::new(), String::new())
        );
    }
    assert!(
        officer_ids(&mut boss).await.is_empty(),
        "nothing was created"
    );
    page.screenshot("admin-pin-mismatch");

    // A server refusal in Indonesian: an officer removed elsewhere (the CLI) since the
    // list was loaded.
    set_officer(&server, "siti", "1111").await;
    page.click("#refresh");
    wait_row(&page, "#officer-table tr[data-officer='siti']", &["siti"]);
    boss.request(Request::RemoveOfficer {
        officer: "siti".into(),
    })
    .await
    .unwrap();
    page.click("#officer-table tr[data-officer='siti'] button.remove");
    confirm(&page, "siti");
    wait_message(
        &page,
        "officer-message",
        "Petugas siti tidak ditemukan",
        true,
    );
    wait_no_row(&page, "#officer-table tr[data-officer='siti']");

    // Add Budi Santoso.
    fill(&page, "#officer-id", "budi");
    fill(&page, "#officer-name", "Budi Santoso");
    fill(&page, "#officer-pin", "2468");
    fill(&page, "#officer-pin2", "2468");
    clear(&page, "officer-message");
    page.click("#officer-submit");
    wait_message(
        &page,
        "officer-message",
        "Budi Santoso (budi) ditambahkan",
        false,
    );
    wait_row(
        &page,
        "#officer-table tr[data-officer='budi']",
        &["budi", "Budi Santoso"],
    );
    assert_eq!(officer_ids(&mut boss).await, ["budi"]);

    // Budi opens counter 1: the page shows it live, by his full name, and the visitor he
    // calls and serves.
    let mut budi = officer(&server, "budi", "2468", "1").await;
    wait_counter(&page, "1", "Buka", "Budi Santoso");
    budi.request(Request::CallNext { counter: None })
        .await
        .unwrap();
    wait_counter(&page, "1", "Memanggil A-001", "Budi Santoso");
    budi.request(Request::Start { counter: None })
        .await
        .unwrap();
    wait_counter(&page, "1", "Melayani A-001", "Budi Santoso");
    assert_fits(&page, "a counter serving");
    page.js("window.scrollTo(0, 0);");
    page.screenshot("admin-page");
    page.js("document.getElementById('counters').scrollIntoView();");
    page.screenshot("admin-counters");

    // A counter with a visitor at it cannot be closed: the refusal shows, nothing changes.
    page.click("#counter-table tr[data-counter='1'] button.close");
    confirm(&page, "Budi Santoso");
    wait_message(&page, "counter-message", "masih melayani nomor A-001", true);
    wait_counter(&page, "1", "Melayani A-001", "Budi Santoso");
    budi.request(Request::Finish { counter: None })
        .await
        .unwrap();
    wait_counter(&page, "1", "Buka", "Budi Santoso");

    // Budi leaves without closing; the manager closes it from the page.
    clear(&page, "counter-message");
    page.click("#counter-table tr[data-counter='1'] button.close");
    confirm(&page, "Loket 1");
    wait_message(&page, "counter-message", "ditutup", false);
    wait_counter(&page, "1", "Tutup", "–");
    assert!(!page.visible("#counter-table tr[data-counter='1'] button.close"));
    boss.wait_for(PATIENCE, |msg| match msg {
        ServerMessage::Event {
            event: EventDto::CounterClosed { counter },
            ..
        } if counter == "1" => Some(()),
        _ => None,
    })
    .await
    .expect("the counter_closed event");
    let reason = cut_reason(&mut budi).await;
    assert!(reason.starts_with("4001"), "closed with {reason:?}");
    let mut fresh = manager(&server).await;
    let state = first_snapshot(&mut fresh).await;
    let one = state
        .counters
        .iter()
        .find(|c| c.id == "1")
        .expect("counter 1");
    assert_eq!(one.status, "closed", "{one:?}");

    // An officer is refused: their browser session does not open the page, and their PIN
    // does not log in as a manager.
    set_officer(&server, "wati", "5555").await;
    let desk = driver.open(LAPTOP);
    desk.goto(&format!("{base}/console"));
    desk.log_in_to_console("wati", "5555", "2", PATIENCE);
    desk.goto(&format!("{base}/admin"));
    wait_session_check(&desk, "refused");
    desk.wait_text("#login-message", "hanya untuk manajer", PATIENCE);
    assert!(desk.visible("#login") && !desk.visible("#app"));
    fill(&desk, "#username", "wati");
    fill(&desk, "#password", "5555");
    clear(&desk, "login-message");
    desk.click("#login-button");
    desk.wait_text("#login-message", "hanya untuk akun manajer", PATIENCE);
    assert!(!desk.visible("#app"));
    desk.screenshot("admin-officer-refused");
    // Meanwhile the manager's page shows Wati's counter by the name she was given.
    wait_counter(&page, "2", "Buka", "wati");
    set_officer(&server, "eko", "7777").await;
    let mut eko = officer(&server, "eko", "7777", "4").await;
    let forbidden = eko
        .request(Request::EnrollDevice {
            kind: DeviceKind::Kiosk,
            name: "kios-liar".into(),
            counter: None,
        })
        .await
        .expect_err("an officer cannot enroll devices");
    assert_eq!(forbidden.code(), Some("forbidden"), "{forbidden:?}");

    // Officers added elsewhere show up with their counters (the page reloads its list).
    wait_counter(&page, "4", "Buka", "eko");
    wait_row(&page, "#officer-table tr[data-officer='eko']", &["eko"]);
    wait_row(&page, "#officer-table tr[data-officer='wati']", &["wati"]);

    // Remove Budi: gone from the page and the coordinator; his PIN no longer logs in.
    page.click("#officer-table tr[data-officer='budi'] button.remove");
    confirm(&page, "Budi Santoso");
    wait_message(&page, "officer-message", "dihapus", false);
    wait_no_row(&page, "#officer-table tr[data-officer='budi']");
    let mut left = officer_ids(&mut boss).await;
    left.sort();
    assert_eq!(left, ["eko", "wati"]);
    let refused = Client::connect(
        &server.url(),
        Auth::Officer {
            officer: "budi".into(),
            pin: "2468".into(),
            counter: "1".into(),
        },
    )
    .await
    .err()
    .expect("a removed officer is refused");
    assert_eq!(refused.code(), Some("unauthorized"), "{refused:?}");
}
