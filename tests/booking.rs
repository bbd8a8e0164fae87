//! Online booking end to end on a site (docs/booking.md): the JSON API the booking page
//! uses, personal data masked and sealed, check-in at a kiosk with the code, the seats.
//! The server runs at a chosen wall-clock time (libfaketime): Monday 7 December 2026,
//! 07:40 WIB, twenty minutes before opening, with the sample catalog's real hours.

use crate::common::*;
use antrean_protocol::*;

/// 07:40 WIB on Monday 2026-12-07.
const MONDAY_0740_UTC: &str = "2026-12-07 00:40:00";
const DAY: &str = "2026-12-07";
const NIK: &str = "3201011205900001";
const PHONE: &str = "0812-3456-7890";

fn call(server: &Server, method: &str, path: &str, body: &str) -> (u16, String) {
    let head = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/json\r\n".to_owned()
    };
    let (status, _, body) = raw_request(server.addr, method, path, &head, body);
    (status, body)
}

fn book_body(slot: &str, name: &str, phone: &str, nik: Option<&str>) -> String {
    serde_json::to_string(&BookRequestDto {
        service: "paspor-baru".into(),
        date: DAY.into(),
        slot: slot.into(),
        name: name.into(),
        phone: phone.into(),
        nik: nik.map(str::to_owned),
    })
    .unwrap()
}

fn refusal(status: u16, body: &str) -> (u16, String) {
    let error: BookingErrorDto =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(!error.message_id.is_empty() && !error.message_en.is_empty());
    (status, error.code)
}

fn slots(server: &Server) -> SlotsDto {
    let (status, body) = call(
        server,
        "GET",
        &format!("/api/booking/slots?service=paspor-baru&date={DAY}"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn left(slots: &SlotsDto, start: &str) -> u32 {
    slots.slots.iter().find(|s| s.start == start).unwrap().left
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_view_check_in_and_change_with_personal_data_masked_and_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start_at(&data, MONDAY_0740_UTC, &[]);

    // The catalog says which services take bookings, and how.
    let (_, catalog) = call(&server, "GET", "/api/catalog", "");
    let catalog: CatalogDto = serde_json::from_str(&catalog).unwrap();
    let paspor = catalog
        .services
        .iter()
        .find(|s| s.code == "paspor-baru")
        .unwrap();
    let rules = paspor.booking.as_ref().expect("passports take bookings");
    assert_eq!((rules.nik.as_str(), rules.slot_min), ("required", 60));

    // 08:00 to the 15:00 cut-off in hours, without the 12:00 lunch break; 3 seats each.
    let day = slots(&server);
    let starts: Vec<&str> = day.slots.iter().map(|s| s.start.as_str()).collect();
    assert_eq!(
        starts,
        ["08:00", "09:00", "10:00", "11:00", "13:00", "14:00"]
    );
    assert!(day.slots.iter().all(|s| s.left == 3));

    // The NIK is required here, and checked.
    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body("08:00", "Siti Aminah", PHONE, None),
    );
    assert_eq!(refusal(status, &body), (400, "nik_required".into()));
    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body("08:00", "Siti Aminah", PHONE, Some("3201013505900001")),
    );
    assert_eq!(refusal(status, &body), (400, "invalid_nik".into()));

    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body("08:00", "Siti Aminah", PHONE, Some(NIK)),
    );
    assert_eq!(status, 201, "{body}");
    let siti: BookingDto = serde_json::from_str(&body).unwrap();
    let token = siti
        .manage_token
        .clone()
        .expect("the private link comes with the booking");
    assert_eq!(
        (siti.slot.as_str(), siti.slot_end.as_str()),
        ("08:00", "09:00")
    );
    assert_eq!(
        (siti.arrive_from.as_str(), siti.arrive_until.as_str()),
        ("07:30", "08:30")
    );
    assert_eq!(siti.nik_masked.as_deref(), Some("************0001"));
    assert_eq!(siti.phone_masked.as_deref(), Some("*********890"));
    assert_eq!(siti.name.as_deref(), Some("Siti Aminah"));
    assert!(
        !body.contains(NIK) && !body.contains("81234567890"),
        "{body}"
    );
    assert_eq!(left(&slots(&server), "08:00"), 2);

    // One booking per person, service and day (the phone number, in another spelling).
    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body("09:00", "Siti A.", "+62 812 3456 7890", Some(NIK)),
    );
    assert_eq!(refusal(status, &body), (409, "already_booked".into()));

    // The private link shows it, without the token it is not found.
    let (status, body) = call(&server, "GET", &format!("/api/booking/manage/{token}"), "");
    assert_eq!(status, 200, "{body}");
    let viewed: BookingDto = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (viewed.code.as_str(), viewed.state.as_str()),
        (siti.code.as_str(), "active")
    );
    assert!(
        viewed.manage_token.is_none(),
        "the token is shown once, in the booking's answer"
    );
    let (status, body) = call(
        &server,
        "GET",
        "/api/booking/manage/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "",
    );
    assert_eq!(refusal(status, &body), (404, "unknown_booking".into()));

    // A calendar entry at 08:00 WIB = 01:00 UTC.
    let (status, ics) = call(
        &server,
        "GET",
        &format!("/api/booking/manage/{token}/calendar.ics"),
        "",
    );
    assert_eq!(status, 200);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20261207T010000Z\r\n"), "{ics}");
    assert!(ics.contains(&siti.code), "{ics}");

    // Reschedule and cancel another visitor's booking; seats follow.
    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body(
            "10:00",
            "Budi Santoso",
            "081298765432",
            Some("3171010101800002"),
        ),
    );
    assert_eq!(status, 201, "{body}");
    let budi: BookingDto = serde_json::from_str(&body).unwrap();
    let budi_token = budi.manage_token.unwrap();
    let (status, body) = call(
        &server,
        "POST",
        &format!("/api/booking/manage/{budi_token}/reschedule"),
        r#"{"date":"2026-12-07","slot":"11:00"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let day = slots(&server);
    assert_eq!((left(&day, "10:00"), left(&day, "11:00")), (3, 2));
    let (status, body) = call(
        &server,
        "POST",
        &format!("/api/booking/manage/{budi_token}/cancel"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"state\":\"cancelled\""), "{body}");
    assert_eq!(left(&slots(&server), "11:00"), 3);

    // Check-in at the kiosk, typed sloppily: lower case, spaces instead of dashes.
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk-lobby").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    let typed = siti.code.to_lowercase().replace('-', " ");
    let result = kiosk
        .request(Request::CheckIn {
            code: typed,
            priority: None,
        })
        .await
        .unwrap();
    let ticket = ticket_of(&result).clone();
    assert_eq!(ticket.number, "J-001");
    // 08:00 WIB on the day, in Unix ms.
    assert_eq!(ticket.booked_slot_at_ms, Some(1_796_605_200_000));
    for (code, expected) in [
        (siti.code.clone(), "booking_not_active"),
        (budi.code.clone(), "booking_not_active"),
        ("AAAA-AAAA-AAAA".to_owned(), "unknown_booking"),
    ] {
        let refused = kiosk
            .request(Request::CheckIn {
                code,
                priority: None,
            })
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Some(expected), "{refused}");
    }
    let (_, body) = call(&server, "GET", &format!("/api/booking/manage/{token}"), "");
    let checked_in: BookingDto = serde_json::from_str(&body).unwrap();
    assert_eq!(checked_in.state, "checked_in");
    assert_eq!(checked_in.ticket_number.as_deref(), Some("J-001"));

    // The managers' report and its spreadsheet: booked against walk-in, what became of
    // the bookings, the slots.
    let mut boss = manager(&server).await;
    let day_query = ReportQueryDto {
        from: Some(DAY.into()),
        to: Some(DAY.into()),
        ..ReportQueryDto::default()
    };
    let report = match boss
        .request(Request::Report {
            query: day_query.clone(),
        })
        .await
        .unwrap()
    {
        ResultDto::Report { report } => *report,
        other => panic!("{other:?}"),
    };
    let b = &report.booking;
    assert_eq!(
        (b.made, b.checked_in, b.cancelled, b.active, b.booked_visits),
        (2, 1, 1, 0, 1)
    );
    assert_eq!(b.early, 1, "checked in at 07:40 for 08:00");
    let file = boss
        .request(Request::ExportReport {
            query: day_query,
            kind: "waiting".into(),
            format: "xlsx".into(),
        })
        .await
        .unwrap();
    let ResultDto::File { data_base64, .. } = file else {
        panic!("{file:?}")
    };
    use base64::Engine as _;
    let xlsx = base64::engine::general_purpose::STANDARD
        .decode(data_base64)
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    use calamine::Reader as _;
    let sheet = book.worksheet_range("Booking").unwrap();
    let booked_line: Vec<String> = sheet
        .rows()
        .find(|row| row.first() == Some(&calamine::Data::String("Check-in".into())))
        .expect("a check-in line")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(booked_line[1], "1");
    let slots = book.worksheet_range("Slot booking").unwrap();
    assert!(
        slots
            .rows()
            .any(|row| row.get(1) == Some(&calamine::Data::String("08:00".into())))
    );
    for row in sheet.rows().chain(slots.rows()) {
        for cell in row {
            assert!(!cell.to_string().contains(NIK), "no NIK in an export");
        }
    }

    // No name, phone number or NIK in plain text anywhere in the data directory (the log,
    // its index, keys) or in what the server wrote to its log.
    let stored = all_bytes(&data);
    let logged = server.stderr();
    for secret in [
        NIK,
        "3171010101800002",
        "081234567890",
        "081298765432",
        "Siti Aminah",
        "Budi Santoso",
    ] {
        assert!(
            !contains(&stored, secret),
            "{secret} found in the data directory"
        );
        assert!(
            !logged.contains(secret),
            "{secret} found in the server's log"
        );
    }
    assert!(
        data.join("booking-keys/paspor-baru/2026-12-07.key")
            .exists()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_fills_to_its_held_share_then_says_full_with_the_next_date() {
    let dir = tempfile::tempdir().unwrap();
    // 08:00:30 WIB: open; the 08:00 slot began and cannot be booked any more.
    let server = Server::start_at(&dir.path().join("data"), "2026-12-07 01:00:30", &[]);
    // Half of the quota of 30 is held: 15 seats, in the 5 slots still to come, 3 each.
    let starts = ["09:00", "10:00", "11:00", "13:00", "14:00"];
    let mut made = 0;
    for (i, slot) in starts.iter().cycle().take(15).enumerate() {
        let nik = format!("32010112059{:05}", i + 1);
        let (status, body) = call(
            &server,
            "POST",
            "/api/booking",
            &book_body(
                slot,
                "Pemohon Paspor",
                &format!("0813000{i:05}"),
                Some(&nik),
            ),
        );
        assert_eq!(status, 201, "booking {i}: {body}");
        made += 1;
    }
    assert_eq!(made, 15);
    let day = slots(&server);
    assert!(day.slots.iter().all(|s| s.left == 0), "{day:?}");
    assert_eq!(day.next_date_with_seats.as_deref(), Some("2026-12-08"));
    let (status, body) = call(
        &server,
        "POST",
        "/api/booking",
        &book_body(
            "14:00",
            "Terlambat Booking",
            "081399999999",
            Some("3201011205909999"),
        ),
    );
    assert_eq!(left(&day, "08:00"), 0, "a slot that began is not offered");
    let error: BookingErrorDto = serde_json::from_str(&body).unwrap();
    assert_eq!((status, error.code.as_str()), (409, "booking_full"));
    assert_eq!(error.next_date.as_deref(), Some("2026-12-08"));
    assert!(
        error.message_id.starts_with("Kuota penuh"),
        "{}",
        error.message_id
    );

    // Walk-ins keep the other half: a kiosk issues 15 paspor tickets, not one more.
    let kiosk_token = enroll(&server, DeviceKind::Kiosk, "kiosk-1").await;
    let mut kiosk = kiosk(&server, &kiosk_token).await;
    for _ in 0..15 {
        kiosk.request(issue("paspor-baru")).await.unwrap();
    }
    let refused = kiosk.request(issue("paspor-baru")).await.unwrap_err();
    assert_eq!(refused.code(), Some("quota_reached"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_booking_api_limits_each_address() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_at(&dir.path().join("data"), MONDAY_0740_UTC, &[]);
    // 60 a minute per address: within 130 requests (at most one minute boundary) the
    // limit must answer.
    let mut limited = None;
    for i in 0..130 {
        let (status, body) = call(
            &server,
            "GET",
            &format!("/api/booking/slots?service=paspor-baru&date={DAY}"),
            "",
        );
        if status == 429 {
            limited = Some((i, body));
            break;
        }
        assert_eq!(status, 200, "{body}");
    }
    let (i, body) = limited.expect("the per-address limit never answered");
    assert!(i >= 60, "limited after only {i} requests");
    assert_eq!(refusal(429, &body).1, "rate_limited");
}
