//! Booking at Antrean Pusat end to end (docs/booking.md, "Booked at central"): a partner
//! app books a site's passport slots at central with its key; the site gets them over its
//! shipping link; with the site and then central down, a booking the site never received
//! is honoured from its signed code at the kiosk, once; when the link returns central
//! learns the check-in and refuses to cancel it, and its report counts the booked visits.
//! Central's report also counts a booking made days ahead whose day began before central
//! restarted. The processes run at chosen wall-clock times (libfaketime): Monday 7
//! December 2026, 07:40 WIB (and the Tuesday after), with the sample catalog's hours.

use std::time::Duration;

use antrean_protocol::*;

use crate::common::central::*;
use crate::common::pg::PgCluster;
use crate::common::*;

/// 07:40 WIB on Monday 2026-12-07.
const MONDAY_0740_UTC: &str = "2026-12-07 00:40:00";
const DAY: &str = "2026-12-07";
const SITE: &str = "mpp-uji";
const SIT_NIK: &str = "3201011205900001";

/// The sample catalog with passports booked at central.
fn catalog_booked_at_central() -> String {
    antrean_catalog::sample_toml_booked_at_central()
}

fn book_body(slot: &str, name: &str, phone: &str, nik: &str) -> String {
    serde_json::to_string(&BookRequestDto {
        service: "paspor-baru".into(),
        date: DAY.into(),
        slot: slot.into(),
        name: name.into(),
        phone: phone.into(),
        nik: Some(nik.into()),
    })
    .unwrap()
}

struct Partner<'a> {
    central: &'a CentralServer,
    key: String,
}

impl Partner<'_> {
    async fn call(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        https_json(
            self.central.addr,
            &self.central.tls,
            method,
            &format!("/api/partner/v1/sites/{SITE}{path}"),
            &self.key,
            body,
        )
        .await
    }

    async fn book(&self, slot: &str, name: &str, phone: &str, nik: &str) -> BookingDto {
        let (status, body) = self
            .call("POST", "/bookings", &book_body(slot, name, phone, nik))
            .await;
        assert_eq!(status, 201, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

fn site_left(site: &Server, start: &str) -> u32 {
    let (status, _, body) = raw_get(
        site.addr,
        &format!("/api/booking/slots?service=paspor-baru&date={DAY}"),
        "",
    );
    assert_eq!(status, 200);
    let slots: SlotsDto = serde_json::from_slice(&body).unwrap();
    slots.slots.iter().find(|s| s.start == start).unwrap().left
}

async fn wait_for(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn check_in(kiosk: &mut antrean_client::Client, code: &str) -> Result<TicketView, String> {
    match kiosk
        .request(Request::CheckIn {
            code: code.into(),
            priority: None,
        })
        .await
    {
        Ok(result) => Ok(ticket_of(&result).clone()),
        Err(refused) => Err(refused.code().unwrap_or("?").to_owned()),
    }
}

/// A throwaway PostgreSQL with the site enrolled, the address central listens on and the
/// site's data and flags (and catalog, when given): every test here starts both at Monday
/// 07:40 WIB, and restarts them on the same address and data.
struct World {
    pg: PgCluster,
    work: tempfile::TempDir,
    central_addr: String,
    site_data: std::path::PathBuf,
    site_args: Vec<String>,
}

impl World {
    fn new(catalog: Option<String>) -> World {
        let pg = PgCluster::start();
        let work = tempfile::tempdir().unwrap();
        let tls = work.path().join("tls");
        tls_init(&tls);
        add_site(&pg, &tls, SITE, "MPP Uji", "DKI Jakarta");
        let central_addr = free_addr();
        let mut site_args = Vec::new();
        if let Some(text) = catalog {
            let path = work.path().join("catalog.toml");
            std::fs::write(&path, text).unwrap();
            site_args.extend(["--catalog".to_owned(), path.display().to_string()]);
        }
        site_args.extend(site_flags(central_addr, &tls, SITE));
        World {
            site_data: work.path().join("site"),
            central_addr: central_addr.to_string(),
            pg,
            work,
            site_args,
        }
    }

    fn tls(&self) -> std::path::PathBuf {
        self.work.path().join("tls")
    }

    fn central_at(&self, utc: &str) -> CentralServer {
        CentralServer::start_at(&self.pg, &self.tls(), &self.central_addr, utc)
    }

    fn site(&self) -> Server {
        let args: Vec<&str> = self.site_args.iter().map(String::as_str).collect();
        Server::start_at(&self.site_data, MONDAY_0740_UTC, &args)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_at_central_is_honoured_at_the_site_with_the_link_down_once() {
    let world = World::new(Some(catalog_booked_at_central()));
    let (pg, _tls, _central_addr) = (&world.pg, world.tls(), &world.central_addr);
    let partner_key = |id: &str, per_minute: &str| {
        central_cmd(
            pg,
            &[
                "partner",
                "add",
                id,
                "--name",
                "Aplikasi Provinsi",
                "--per-minute",
                per_minute,
            ],
            "",
        )
        .trim()
        .to_owned()
    };
    let app_key = partner_key("app-prov", "600");
    let slow_key = partner_key("app-lambat", "2");
    assert!(app_key.starts_with("antrean-partner-"), "{app_key}");

    let central = world.central_at(MONDAY_0740_UTC);
    let site = world.site();

    let app = Partner {
        central: &central,
        key: app_key,
    };
    // Central knows the site's services once its catalog arrived over the link.
    let slots_path = format!("/services/paspor-baru/slots?date={DAY}");
    wait_for("the site's catalog at central", async || {
        app.call("GET", &slots_path, "").await.0 == 200
    })
    .await;
    let (_, body) = app.call("GET", &slots_path, "").await;
    let slots: SlotsDto = serde_json::from_str(&body).unwrap();
    let starts: Vec<&str> = slots.slots.iter().map(|s| s.start.as_str()).collect();
    assert_eq!(
        starts,
        ["08:00", "09:00", "10:00", "11:00", "13:00", "14:00"]
    );
    assert!(slots.slots.iter().all(|s| s.left == 3));

    // Keys and limits: an unknown key is refused; each partner has its own limit.
    let stranger = Partner {
        central: &central,
        key: "antrean-partner-bukan".into(),
    };
    let (status, body) = stranger.call("GET", &slots_path, "").await;
    assert_eq!(status, 401, "{body}");
    let slow = Partner {
        central: &central,
        key: slow_key,
    };
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(slow.call("GET", &slots_path, "").await.0);
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert_eq!(app.call("GET", &slots_path, "").await.0, 200);

    // The site takes no passport bookings of its own: one ledger per seat.
    let (status, _, body) = raw_request(
        site.addr,
        "POST",
        "/api/booking",
        "Content-Type: application/json\r\n",
        &book_body("09:00", "Siti Aminah", "081234567890", SIT_NIK),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("booked_at_central"), "{body}");

    // Booked at central; the NIK comes back masked; one booking per person and day.
    let siti = app
        .book("09:00", "Siti Aminah", "081234567890", SIT_NIK)
        .await;
    assert_eq!(siti.nik_masked.as_deref(), Some("************0001"));
    assert_eq!(siti.state, "active");
    let (status, body) = app
        .call(
            "POST",
            "/bookings",
            &book_body("10:00", "Siti A.", "0812-3456-7890", SIT_NIK),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("already_booked"), "{body}");
    // The site hears of it over the link: its seat count follows.
    wait_for("the booking synced to the site", async || {
        site_left(&site, "09:00") == 2
    })
    .await;

    // Then the site goes down, and a booking is made that it never hears of.
    let kiosk_token = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    site.kill();
    let budi = app
        .book("09:00", "Budi Santoso", "081398765432", "3171021507850003")
        .await;
    // Central goes down too: the site comes back with no link at all.
    let app_key = app.key.clone();
    drop((app, slow, stranger));
    central.kill();
    let site = world.site();
    let mut kiosk = kiosk(&site, &kiosk_token).await;
    let ticket = check_in(&mut kiosk, &budi.code.to_lowercase())
        .await
        .unwrap();
    assert_eq!(ticket.number, "J-001");
    // 09:00 WIB on the day, in Unix ms: the slot the code itself proves.
    assert_eq!(ticket.booked_slot_at_ms, Some(1_796_608_800_000));
    assert_eq!(
        check_in(&mut kiosk, &budi.code).await,
        Err("booking_not_active".into()),
        "a code checks in once"
    );
    let ticket = check_in(&mut kiosk, &siti.code).await.unwrap();
    assert_eq!(ticket.number, "J-002");
    // A forged code (one character changed) is nobody's booking.
    let mut forged = budi.code.clone().into_bytes();
    forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        check_in(&mut kiosk, &String::from_utf8(forged).unwrap()).await,
        Err("unknown_booking".into())
    );
    // The site's seat count holds both.
    assert_eq!(site_left(&site, "09:00"), 1);

    // The link returns: central learns both check-ins, and a cancel comes too late.
    let central = world.central_at(MONDAY_0740_UTC);
    let app = Partner {
        central: &central,
        key: app_key,
    };
    let status_path = format!("/bookings/{}", budi.code);
    wait_for("the check-in at central", async || {
        let (_, body) = app.call("GET", &status_path, "").await;
        body.contains("\"state\":\"checked_in\"")
    })
    .await;
    let (status, body) = app
        .call("POST", &format!("/bookings/{}/cancel", budi.code), "")
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("booking_not_active"), "{body}");
    // Seats at central: two taken in 09:00 (both checked in), one left.
    let (_, body) = app.call("GET", &slots_path, "").await;
    let slots: SlotsDto = serde_json::from_str(&body).unwrap();
    assert_eq!(slots.slots[1].left, 1, "{body}");

    // The central report counts them (by the day they were for): two booked visits, both
    // checked in about 80 minutes before their 09:00 slot, no walk-ins, no no-shows.
    let booking_row = || {
        let csv = central_cmd(
            pg,
            &[
                "report", "--from", DAY, "--to", DAY, "--format", "csv", "--table", "booking",
            ],
            "",
        );
        let line = csv
            .lines()
            .find(|l| l.contains("Semua kantor"))
            .unwrap_or_else(|| panic!("{csv}"))
            .to_owned();
        line.split(';').map(str::to_owned).collect::<Vec<_>>()
    };
    wait_for("the check-ins in central's report", async || {
        booking_row()[4] == "2"
    })
    .await;
    let row = booking_row();
    assert_eq!(row[2..8], ["2", "0", "2", "0", "0", "0,0"], "{row:?}");
    let early_min: f64 = row[8].replace(',', ".").parse().unwrap();
    assert!((79.0..=80.0).contains(&early_min), "{row:?}");
    assert_eq!(row[9], "–", "nobody late");

    // Personal data stays at central: nothing of it in the site's data directory, and
    // central keeps the NIK only masked.
    let everything = all_bytes(&world.site_data);
    for secret in ["Budi Santoso", "3171021507850003", "081398765432", SIT_NIK] {
        assert!(
            !everything
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "{secret} in the site's files"
        );
    }
    let stored = pg.query("SELECT string_agg(coalesce(nik_masked, ''), ',') FROM bookings");
    assert!(stored.contains("************0003"), "{stored}");
    assert!(!stored.contains("3171021507850003"), "{stored}");

    // Past the catalog's retention (90 days after the visit) central clears it: name,
    // phone, masked NIK and the identity hashes; the seats and outcomes stay.
    drop(central);
    let personal = "SELECT count(*) FROM bookings WHERE name IS NOT NULL OR phone IS NOT NULL                     OR nik_masked IS NOT NULL OR cardinality(identity_keys) > 0";
    assert_eq!(pg.query(personal), "2", "kept within retention");
    let _later = world.central_at("2027-03-08 00:40:00");
    wait_for("the retention purge", async || pg.query(personal) == "0").await;
    assert_eq!(
        pg.query("SELECT string_agg(state, ',' ORDER BY number) FROM bookings"),
        "checked_in,checked_in"
    );
}

/// A booking made at the site days ahead settles after central restarted on its day: the
/// restarted projector finds the booking among the events before the day and counts the
/// check-in in central's report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_made_days_ahead_is_counted_at_central_across_a_restart() {
    const TUESDAY: &str = "2026-12-08";
    let world = World::new(None);
    let (pg, _tls, _central_addr) = (&world.pg, world.tls(), &world.central_addr);
    let site_args: Vec<&str> = world.site_args.iter().map(String::as_str).collect();
    let site_data = &world.site_data;
    // Central judges event times by its own clock: it lives on the site's days too.
    let central = world.central_at(MONDAY_0740_UTC);
    // Everything central holds is projected (the cursor at the site's confirmed seq).
    let caught_up = || {
        pg.query(&format!(
            "SELECT (s.confirmed_seq = c.projected_seq)::text FROM sites s \
             JOIN projector_cursors c ON c.site_id = s.id WHERE s.id = '{SITE}'"
        )) == "true"
    };
    let events_of = |kind: &str| {
        pg.query(&format!(
            "SELECT count(*) FROM raw_events WHERE site_id = '{SITE}' \
             AND event ->> 'type' = '{kind}'"
        ))
    };

    // Monday: a visitor books Tuesday 09:00 on the site's own page.
    let site = world.site();
    let body = serde_json::to_string(&BookRequestDto {
        service: "paspor-baru".into(),
        date: TUESDAY.into(),
        slot: "09:00".into(),
        name: "Siti Aminah".into(),
        phone: "081234567890".into(),
        nik: Some(SIT_NIK.into()),
    })
    .unwrap();
    let (status, _, answer) = raw_request(
        site.addr,
        "POST",
        "/api/booking",
        "Content-Type: application/json\r\n",
        &body,
    );
    assert_eq!(status, 201, "{answer}");
    let booking: BookingDto = serde_json::from_str(&answer).unwrap();
    let kiosk_token = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    wait_for("Monday at central", async || {
        events_of("booking_made") == "1" && caught_up()
    })
    .await;
    site.kill();
    central.kill();

    // Tuesday: the site's day starts and reaches central, then central restarts (its
    // projector rebuilds from Tuesday's start) while the visitor checks in.
    const TUESDAY_0740_UTC: &str = "2026-12-08 00:40:00";
    let central = world.central_at(TUESDAY_0740_UTC);
    let site = Server::start_at(site_data, TUESDAY_0740_UTC, &site_args);
    wait_for("Tuesday's start at central", async || {
        events_of("day_started") == "2" && caught_up()
    })
    .await;
    central.kill();
    let mut kiosk = kiosk(&site, &kiosk_token).await;
    let ticket = check_in(&mut kiosk, &booking.code).await.unwrap();
    assert_eq!(ticket.number, "J-001");
    let _central = world.central_at(TUESDAY_0740_UTC);
    wait_for("the check-in in central's report", async || {
        let csv = central_cmd(
            pg,
            &[
                "report", "--from", TUESDAY, "--to", TUESDAY, "--format", "csv", "--table",
                "booking",
            ],
            "",
        );
        csv.lines()
            .find(|l| l.contains("Semua kantor"))
            .is_some_and(|l| l.split(';').nth(4) == Some("1"))
    })
    .await;
    assert_eq!(events_of("booking_checked_in"), "1");
}

/// GET on central's visitor API (no key: it is public), status and body.
async fn visitor_get(central: &CentralServer, path: &str) -> (u16, String) {
    https_json(central.addr, &central.tls, "GET", path, "", "").await
}

/// A visitor on a phone books at central's own page (site → service → date → slot → form),
/// opens the private link, moves the booking, and a second visitor cancels theirs. The
/// site, down meanwhile, knew only the first slot; with central down too, the moved
/// booking's new code checks in at the kiosk, once, and the old code is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_books_on_centrals_page_and_checks_in_with_the_moved_code_offline() {
    use crate::common::browser::{Driver, Window};
    use crate::web_booking::{PATIENCE, click_text, fill, wait_visible};

    let world = World::new(Some(catalog_booked_at_central()));
    let central = world.central_at(MONDAY_0740_UTC);
    let site = world.site();
    let kiosk_token = enroll(&site, DeviceKind::Kiosk, "kiosk-1").await;
    wait_for("the site listed at central", async || {
        visitor_get(&central, "/api/booking/sites")
            .await
            .1
            .contains(SITE)
    })
    .await;
    let (_, body) = visitor_get(&central, "/api/booking/sites").await;
    let sites: BookingSitesDto = serde_json::from_str(&body).unwrap();
    assert_eq!(sites.sites.len(), 1, "{body}");
    assert_eq!(sites.sites[0].region, "DKI Jakarta");
    assert_eq!(
        sites.sites[0].services_id,
        ["Permohonan Paspor Baru"],
        "only central's services"
    );

    let base = format!("https://{}", central.addr);
    let driver = Driver::start();
    let phone = driver.open(Window {
        width: 412,
        height: 915,
        autoplay: true,
    });
    phone.goto(&format!("{base}/booking"));
    click_text(&phone, "#sites button", &sites.sites[0].name);
    // The site's page lists only what central books: the passport.
    wait_visible(&phone, "#services button");
    let services = phone.js(
        "return Array.from(document.querySelectorAll('#services button')).map(b => b.firstChild.textContent);",
    );
    assert_eq!(services, serde_json::json!(["Permohonan Paspor Baru"]));
    assert!(phone.visible("#other-site"), "a way back to the sites");
    phone.click("#services button");
    wait_visible(&phone, "#requirements li");
    phone.click("#to-days");
    click_text(&phone, "#days button", "7 Desember 2026");
    wait_visible(&phone, "#slots button[data-slot='09:00']");
    phone.click("#slots button[data-slot='09:00']");
    wait_visible(&phone, "#nik-box");
    fill(&phone, "name", "Siti Aminah");
    fill(&phone, "phone", "0812 3456 7890");
    fill(&phone, "nik", SIT_NIK);
    phone.click("#submit");
    wait_visible(&phone, "#step-done");
    assert!(phone.text("#state-line").contains("Booking berhasil"));
    let first_code = phone.text("#code");
    assert_eq!(phone.text("#done-nik"), "************0001");
    let shown = phone.js("return document.body.innerText;");
    assert!(!shown.as_str().unwrap().contains(SIT_NIK), "NIK masked");
    phone.wait_for("the QR code to load", PATIENCE, |p| {
        (p.js("var q = document.getElementById('qr'); return q.complete && q.naturalWidth > 0;")
            == serde_json::json!(true))
        .then_some(())
    });
    let link = phone.text("#private-link");
    assert!(
        link.starts_with(&format!("{base}/sites/{SITE}/booking/manage/")),
        "{link}"
    );
    phone.screenshot("central-booking-done-phone");
    // The calendar file names the slot in UTC (09:00 WIB = 02:00Z).
    let ics = phone.js("return document.getElementById('ics').href;");
    let ics_path = ics.as_str().unwrap().trim_start_matches(&base).to_owned();
    let (status, ics) = visitor_get(&central, &ics_path).await;
    assert_eq!(status, 200);
    assert!(ics.contains("DTSTART:20261207T020000Z"), "{ics}");

    // The site hears of it, then goes down; the visitor moves the booking to 08:00.
    wait_for("the booking synced to the site", async || {
        site_left(&site, "09:00") == 2
    })
    .await;
    site.kill();
    phone.goto(&link);
    phone.wait_text("#state-line", "Booking aktif", PATIENCE);
    assert_eq!(phone.text("#code"), first_code);
    phone.click("#reschedule");
    click_text(&phone, "#days button", "7 Desember 2026");
    wait_visible(&phone, "#slots button[data-slot='08:00']");
    phone.click("#slots button[data-slot='08:00']");
    phone.wait_text("#state-line", "Jadwal berhasil diubah", PATIENCE);
    assert!(phone.text("#done-when").contains(", 08.00"));
    let moved_code = phone.text("#code");
    assert_ne!(moved_code, first_code, "the code is signed over the slot");
    assert!(
        !phone.visible("#private-box"),
        "the manage page does not repeat the link"
    );

    // A second visitor books and cancels through their own link: the seat comes back.
    let slots_path = format!("/api/sites/{SITE}/booking/slots?service=paspor-baru&date={DAY}");
    let left_at = async |start: &str| {
        let (_, body) = visitor_get(&central, &slots_path).await;
        let slots: SlotsDto = serde_json::from_str(&body).unwrap();
        slots.slots.iter().find(|s| s.start == start).unwrap().left
    };
    assert_eq!(left_at("09:00").await, 3, "the move gave 09:00 back");
    assert_eq!(left_at("08:00").await, 2);
    let budi = serde_json::to_string(&BookRequestDto {
        service: "paspor-baru".into(),
        date: DAY.into(),
        slot: "10:00".into(),
        name: "Budi Santoso".into(),
        phone: "081398765432".into(),
        nik: Some("3171021507850003".into()),
    })
    .unwrap();
    let (status, body) = https_json(
        central.addr,
        &central.tls,
        "POST",
        &format!("/api/sites/{SITE}/booking"),
        "",
        &budi,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let budi: BookingDto = serde_json::from_str(&body).unwrap();
    let token = budi.manage_token.clone().unwrap();
    assert_eq!(left_at("10:00").await, 2);
    phone.goto(&format!("{base}/sites/{SITE}/booking/manage/{token}"));
    phone.wait_text("#state-line", "Booking aktif", PATIENCE);
    phone.click("#cancel");
    phone.click("#confirm-cancel");
    phone.wait_text("#state-line", "Booking dibatalkan", PATIENCE);
    assert_eq!(left_at("10:00").await, 3);
    // Many at once for one slot's three seats: exactly three, and one person once.
    let book_at = |slot: &str, phone: String, nik: String| {
        let body = serde_json::to_string(&BookRequestDto {
            service: "paspor-baru".into(),
            date: DAY.into(),
            slot: slot.into(),
            name: "Pemohon Serentak".into(),
            phone,
            nik: Some(nik),
        })
        .unwrap();
        let (addr, tls, path) = (
            central.addr,
            central.tls.clone(),
            format!("/api/sites/{SITE}/booking"),
        );
        tokio::spawn(async move { https_json(addr, &tls, "POST", &path, "", &body).await })
    };
    let mut rush: Vec<_> = (1..=12)
        .map(|i| {
            book_at(
                "11:00",
                format!("08125550{i:04}"),
                format!("320101120590{:04}", 100 + i),
            )
        })
        .collect();
    rush.push(book_at(
        "13:00",
        "081255509999".into(),
        "3201011205900201".into(),
    ));
    rush.push(book_at(
        "13:00",
        "081255509999".into(),
        "3201011205900202".into(),
    ));
    let mut answers = Vec::new();
    for task in rush {
        answers.push(task.await.unwrap());
    }
    let confirmed =
        |part: &[(u16, String)]| part.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(confirmed(&answers[..12]), 3, "{answers:?}");
    assert!(
        answers[..12]
            .iter()
            .all(|(status, body)| *status == 201 || body.contains("slot_full")),
        "{answers:?}"
    );
    assert_eq!(confirmed(&answers[12..]), 1, "{answers:?}");
    assert!(
        answers[12..]
            .iter()
            .any(|(_, body)| body.contains("already_booked")),
        "{answers:?}"
    );
    assert_eq!(left_at("11:00").await, 0);

    // A made-up link is nobody's booking.
    let (status, _) = visitor_get(
        &central,
        &format!("/api/sites/{SITE}/booking/manage/{}", "A".repeat(43)),
    )
    .await;
    assert_eq!(status, 404);
    drop(phone);
    drop(driver);
    // One address gets a person's share of requests (120 a minute; the window may roll
    // over once during the loop, hence twice that at most).
    let mut answered = 0;
    let refused = loop {
        let (status, _) = visitor_get(&central, "/api/booking/sites").await;
        if status != 200 {
            break status;
        }
        answered += 1;
        assert!(answered <= 240, "no limit per address");
    };
    assert_eq!(refused, 429);

    // Central goes down too; the site comes back knowing only the 09:00 booking.
    central.kill();
    let site = world.site();
    let mut kiosk = kiosk(&site, &kiosk_token).await;
    let ticket = check_in(&mut kiosk, &moved_code).await.unwrap();
    assert_eq!(ticket.number, "J-001");
    // 08:00 WIB on the day, in Unix ms: the slot the new code proves.
    assert_eq!(ticket.booked_slot_at_ms, Some(1_796_605_200_000));
    assert_eq!(
        check_in(&mut kiosk, &first_code).await,
        Err("booking_not_active".into()),
        "one booking checks in once, whichever of its codes"
    );
}
