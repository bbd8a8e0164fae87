//! The booking page in a real browser on a phone-sized window (Chromium): book, view with
//! the private link, reschedule, cancel, a full slot, the English switch and the rush
//! message. The server runs at Monday 7 December 2026, 07:40 WIB (libfaketime), so the
//! dates on the page do not depend on when the test runs.

use std::time::Duration;

use crate::common::browser::{Browser, Driver, Window};
use crate::common::*;
use serde_json::json;

pub(crate) const PATIENCE: Duration = Duration::from_secs(20);
const NIK: &str = "3201011205900001";

pub(crate) fn click_text(page: &Browser, selector: &str, needle: &str) {
    let script = format!(
        "var all = document.querySelectorAll({}); for (var i = 0; i < all.length; i++) \
         if (all[i].textContent.indexOf({}) >= 0 && !all[i].disabled) {{ all[i].click(); return true; }} return false;",
        json!(selector),
        json!(needle)
    );
    page.wait_for(&format!("{selector} with {needle:?}"), PATIENCE, |p| {
        (p.js(&script) == json!(true)).then_some(())
    });
}

pub(crate) fn wait_visible(page: &Browser, selector: &str) {
    page.wait_for(&format!("{selector} visible"), PATIENCE, |p| {
        p.visible(selector).then_some(())
    });
}

/// Books a passport slot on 7 December 2026 through the site's booking API (as the page
/// does) and returns the booking.
fn book_passport(
    server: &Server,
    slot: &str,
    name: &str,
    phone: &str,
    nik: &str,
) -> antrean_protocol::BookingDto {
    let body = serde_json::to_string(&antrean_protocol::BookRequestDto {
        service: "paspor-baru".into(),
        date: "2026-12-07".into(),
        slot: slot.into(),
        name: name.into(),
        phone: phone.into(),
        nik: Some(nik.into()),
    })
    .unwrap();
    let (status, _, answer) = raw_request(
        server.addr,
        "POST",
        "/api/booking",
        "Content-Type: application/json\r\n",
        &body,
    );
    assert_eq!(status, 201, "{answer}");
    serde_json::from_str(&answer).unwrap()
}

pub(crate) fn fill(page: &Browser, id: &str, value: &str) {
    page.js(&format!(
        "document.getElementById({}).value = {};",
        json!(id),
        json!(value)
    ));
}

fn book_through_the_page(page: &Browser, base: &str, slot: &str, name: &str, phone: &str) {
    page.goto(&format!("{base}/booking"));
    click_text(page, "#services button", "Paspor Baru");
    wait_visible(page, "#requirements li");
    page.click("#to-days");
    click_text(page, "#days button", "7 Desember 2026");
    wait_visible(page, &format!("#slots button[data-slot='{slot}']"));
    page.click(&format!("#slots button[data-slot='{slot}']"));
    wait_visible(page, "#nik-box");
    fill(page, "name", name);
    fill(page, "phone", phone);
    fill(page, "nik", NIK);
    page.click("#submit");
    wait_visible(page, "#step-done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_books_views_reschedules_and_cancels_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(&dir.path().join("data"), "2026-12-07 00:40:00", &[]);
    let base = format!("http://{}", server.addr);
    let driver = Driver::start();
    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });

    book_through_the_page(&phone, &base, "09:00", "Siti Aminah", "0812 3456 7890");
    let code = phone.text("#code");
    assert_eq!(code.len(), 14, "{code}");
    assert!(phone.text("#state-line").contains("Booking berhasil"));
    assert!(
        phone
            .text("#done-when")
            .contains("Senin, 7 Desember 2026, 09.00")
    );
    assert_eq!(phone.text("#done-nik"), "************0001");
    assert_eq!(phone.text("#done-phone"), "*********890");
    let shown = phone.js("return document.body.innerText;");
    assert!(
        !shown.as_str().unwrap().contains(NIK),
        "the full NIK stays off the page"
    );
    phone.wait_for("the QR code to load", PATIENCE, |p| {
        (p.js("var q = document.getElementById('qr'); return q.complete && q.naturalWidth > 0;")
            == json!(true))
        .then_some(())
    });
    let ics = phone.js("return document.getElementById('ics').href;");
    assert!(ics.as_str().unwrap().ends_with("/calendar.ics"));
    let link = phone.text("#private-link");
    assert!(link.contains("/booking/manage/"), "{link}");
    phone.screenshot("booking-done-phone");

    // The private link: view, reschedule to 10:00, cancel.
    phone.goto(&link);
    phone.wait_text("#state-line", "Booking aktif", PATIENCE);
    assert_eq!(phone.text("#code"), code);
    phone.click("#reschedule");
    click_text(&phone, "#days button", "7 Desember 2026");
    wait_visible(&phone, "#slots button[data-slot='10:00']");
    phone.click("#slots button[data-slot='10:00']");
    phone.wait_text("#state-line", "Jadwal berhasil diubah", PATIENCE);
    let when = phone.text("#done-when");
    assert!(when.contains(", 10.00"), "{when}");
    phone.click("#cancel");
    phone.click("#confirm-cancel");
    phone.wait_text("#state-line", "Booking dibatalkan", PATIENCE);
    assert!(!phone.visible("#manage-actions"));

    // A full slot: three others book 13:00 through the API; the page shows it full.
    for i in 0..3 {
        book_passport(
            &server,
            "13:00",
            &format!("Pemohon {i}"),
            &format!("08130000000{i}"),
            &format!("31710101018{:05}", i + 1),
        );
    }
    phone.goto(&format!("{base}/booking"));
    click_text(&phone, "#services button", "Paspor Baru");
    phone.click("#to-days");
    click_text(&phone, "#days button", "7 Desember 2026");
    wait_visible(&phone, "#slots button[data-slot='13:00']");
    let full = phone.js(
        "var b = document.querySelector(\"#slots button[data-slot='13:00']\"); \
         return [b.disabled, b.textContent];",
    );
    assert_eq!(full[0], json!(true), "{full}");
    assert!(full[1].as_str().unwrap().contains("Penuh"), "{full}");

    // English on request.
    phone.click("#lang");
    phone.wait_text("#title", "Book a queue slot", PATIENCE);
    // The step redraws after its slots are fetched again: wait for it, not just the title.
    let slot_title = phone.wait_text("#slot-title", "Monday, 7 December 2026", PATIENCE);
    assert!(
        slot_title.contains("Monday, 7 December 2026"),
        "{slot_title}"
    );

    // The rush: this address used up its requests for the minute; the page says so in
    // words. (A minute boundary between exhausting and clicking restarts the count, so
    // try again a few times.)
    phone.click("#lang");
    let mut said = None;
    for _ in 0..3 {
        loop {
            let (status, _, _) = raw_request(
                server.addr,
                "GET",
                "/api/booking/slots?service=paspor-baru&date=2026-12-07",
                "",
                "",
            );
            if status == 429 {
                break;
            }
        }
        phone.js("document.getElementById('alert').hidden = true;");
        phone.click("#slot-title ~ button.link.back");
        phone.wait_for("an answer on the page", PATIENCE, |p| {
            (p.visible("#alert") || p.visible("#step-day")).then_some(())
        });
        if phone.visible("#alert") {
            said = Some(phone.text("#alert"));
            break;
        }
        click_text(&phone, "#days button", "7 Desember 2026");
    }
    let said = said.expect("the page never showed the rate limit");
    assert!(said.contains("Terlalu banyak permintaan"), "{said}");
}

/// An officer checks a booked visitor in at the console with the code (a scanner on the
/// officer's PC types it the same way); the waiting list shows the booking and its slot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_checks_a_booking_in_at_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(&dir.path().join("data"), "2026-12-07 00:40:00", &[]);
    let base = format!("http://{}", server.addr);
    let booking = book_passport(&server, "09:00", "Siti Aminah", "081234567890", NIK);
    set_officer(&server, "petugas8", "8888").await;

    let driver = Driver::start();
    let console = driver.open(Window {
        width: 1366,
        height: 768,
        autoplay: true,
    });
    console.goto(&format!("{base}/console"));
    console.log_in_to_console("petugas8", "8888", "8", PATIENCE);
    console.click("button[data-action='checkin-panel']");
    wait_visible(&console, "#checkin-code");
    console.click("#checkin-code");
    console.keys(&format!("{}\u{E007}", booking.code.to_lowercase()));
    let said = console.wait_text("#message", "Check-in berhasil", PATIENCE);
    assert!(said.contains("J-001") && said.contains("09.00"), "{said}");
    console.wait_for("the booked ticket in the waiting list", PATIENCE, |b| {
        (b.waiting_numbers() == ["J-001"]).then_some(())
    });
    let badge = console.text("#waiting tbody tr .booked");
    assert_eq!(badge, "BOOKING 09.00 (menunggu jadwal)");
    console.screenshot("booking-console-check-in");

    // The same code again: refused with the reason, nothing added.
    console.click("button[data-action='checkin-panel']");
    console.click("#checkin-code");
    console.keys(&format!("{}\u{E007}", booking.code));
    console.wait_text("#message", "sudah digunakan", PATIENCE);
    assert_eq!(console.waiting_numbers(), ["J-001"]);

    // An elderly visitor with a booking: the officer picks the priority group at check-in,
    // and the ticket is a priority ticket like a walk-in one would be.
    let elderly = book_passport(
        &server,
        "09:00",
        "Budi Santoso",
        "081398765432",
        "3171021507850003",
    );
    console.click("button[data-action='checkin-panel']");
    let offered = console.js(
        "return Array.from(document.querySelectorAll('#checkin-priority option')).map(o => o.textContent);",
    );
    assert!(
        offered.to_string().contains("Lanjut usia"),
        "the catalog's priority groups: {offered}"
    );
    console.js("document.getElementById('checkin-priority').value = 'lansia'; return null;");
    console.click("#checkin-code");
    console.keys(&format!("{}\u{E007}", elderly.code));
    let said = console.wait_text("#message", "Check-in berhasil", PATIENCE);
    assert!(said.contains("J-002"), "{said}");
    console.wait_for("the priority booked ticket listed", PATIENCE, |b| {
        (b.waiting_numbers().len() == 2).then_some(())
    });
    let rows = console.js(
        "return Array.from(document.querySelectorAll('#waiting tbody tr')).map(r => r.textContent);",
    );
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    let elderly_row = rows.iter().find(|r| r.contains("J-002")).unwrap();
    assert!(elderly_row.contains("PRIORITAS"), "{rows:?}");
    assert!(
        !rows
            .iter()
            .find(|r| r.contains("J-001"))
            .unwrap()
            .contains("PRIORITAS"),
        "{rows:?}"
    );
    assert_eq!(
        console.js("return document.getElementById('checkin-priority').value;"),
        json!(""),
        "the next check-in starts without priority"
    );
}

/// The console lists booked and walk-in tickets in the order call-next takes them, by the
/// catalog's ratio (here 2 booked : 1 walk-in) and continuing the counter's current run:
/// each call takes exactly the ticket the list showed first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_lists_booked_and_walk_ins_by_the_ratio_as_call_next_takes_them() {
    use antrean_protocol::{DeviceKind, Request};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sample = antrean_catalog::SAMPLE_CATALOG_TOML;
    assert_eq!(sample.matches("booked_ratio = \"1:1\"").count(), 1);
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(
        &catalog,
        sample.replacen("booked_ratio = \"1:1\"", "booked_ratio = \"2:1\"", 1),
    )
    .unwrap();
    let args = ["--catalog", catalog.to_str().unwrap()];

    // Three bookings for 08:00, made at 07:40.
    let server = Server::start_at(&data, "2026-12-07 00:40:00", &args);
    let mut codes = Vec::new();
    for i in 1..=3 {
        let booking = book_passport(
            &server,
            "08:00",
            &format!("Pemohon {i}"),
            &format!("08123456780{i}"),
            &format!("31710101018{i:05}"),
        );
        codes.push(booking.code);
    }
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk-1").await;
    set_officer(&server, "petugas8", "8888").await;
    drop(server);

    // 08:05: two walk-ins take tickets, then the three booked visitors check in.
    let server = Server::start_at(&data, "2026-12-07 01:05:00", &args);
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    for _ in 0..2 {
        kiosk
            .request(Request::IssueTicket {
                service: "paspor-baru".into(),
                priority: None,
            })
            .await
            .unwrap();
    }
    for code in &codes {
        kiosk
            .request(Request::CheckIn {
                code: code.clone(),
                priority: None,
            })
            .await
            .unwrap();
    }

    let driver = Driver::start();
    let console = driver.open(Window {
        width: 1366,
        height: 768,
        autoplay: true,
    });
    console.goto(&format!("http://{}/console", server.addr));
    console.log_in_to_console("petugas8", "8888", "8", PATIENCE);
    console.wait_for("five waiting", PATIENCE, |b| {
        (b.waiting_numbers().len() == 5).then_some(())
    });
    assert_eq!(
        console.waiting_numbers(),
        ["J-003", "J-004", "J-001", "J-005", "J-002"],
        "booked, booked, walk-in, booked, walk-in"
    );
    // Each call takes the list's first; the list then continues the counter's run.
    for remaining in (1..=5).rev() {
        let first = console.waiting_numbers()[0].clone();
        console.js("if (document.activeElement) document.activeElement.blur(); return null;");
        console.keys("n");
        console.wait_text("#current-number", &first, PATIENCE);
        assert_eq!(console.waiting_numbers().len(), remaining - 1);
        console.js("document.getElementById('message').textContent = ''; return null;");
        console.keys("t");
        console.wait_text("#message", "tidak hadir", PATIENCE);
    }
}
