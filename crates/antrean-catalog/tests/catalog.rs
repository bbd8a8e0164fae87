use antrean_catalog::{CatalogError, parse, sample};
use antrean_core::catalog::{Fee, PriorityPolicy, TimeUnit};
use antrean_core::time::Weekday;

#[test]
fn the_sample_catalog_is_a_realistic_mpp() {
    let c = sample();
    assert!(c.agencies.len() >= 5, "at least 5 agencies");
    assert!(c.services.len() >= 15, "at least 15 services");
    for s in &c.services {
        assert!(
            !s.standard.requirements.is_empty(),
            "{}: persyaratan",
            s.code
        );
        assert!(!s.standard.procedure.is_empty(), "{}: prosedur", s.code);
        assert!(!s.standard.complaints.is_empty(), "{}: pengaduan", s.code);
        assert!(!s.standard.product.is_empty(), "{}: produk", s.code);
        assert!(
            c.counters_serving(&s.code).next().is_some(),
            "{} has no counter",
            s.code
        );
    }
    // Adminduk is free by law (UU 24/2013 Pasal 79A); passports follow PP 45/2024.
    let ktp = c.service("ktp-el-baru").unwrap();
    assert!(matches!(&ktp.standard.fee, Fee::Free { basis } if basis.contains("79A")));
    assert!(ktp.daily_quota.is_some());
    let paspor = c.service("paspor-baru").unwrap();
    let booking = paspor
        .booking
        .as_ref()
        .expect("passports are booked (M-Paspor)");
    assert_eq!(booking.nik, antrean_core::booking::NikRule::Required);
    let held = booking.held_seats(8, paspor.daily_quota);
    assert_eq!(held, 15, "half of the quota of 30 is held for bookings");
    match &paspor.standard.fee {
        Fee::Tariff { lines, basis } => {
            assert!(basis.contains("PP 45/2024"));
            let amounts: Vec<u64> = lines.iter().map(|l| l.amount_idr).collect();
            for expected in [350_000, 650_000, 950_000, 1_000_000] {
                assert!(
                    amounts.contains(&expected),
                    "{expected} missing from {amounts:?}"
                );
            }
        }
        other => panic!("paspor fee: {other:?}"),
    }
    assert!(
        matches!(&c.service("skck").unwrap().standard.fee, Fee::Tariff { lines, .. } if lines.len() == 1 && lines[0].amount_idr == 30_000)
    );
    // Friday has the longer prayer break.
    let friday = c.site.schedule.weekly[Weekday::Friday.index()]
        .as_ref()
        .unwrap();
    assert!(
        friday
            .breaks
            .iter()
            .any(|b| b.start.format_id() == "11.30" && b.end.format_id() == "13.00")
    );
    assert!(c.priority_class("lansia").is_some() && c.priority_class("disabilitas").is_some());
    assert!(matches!(
        c.policy.priority,
        PriorityPolicy::Interleave { .. }
    ));
}

const MINIMAL: &str = r#"
[site]
name = "MPP Uji"
time_zone = "WITA"
[site.hours.senin]
open = "08:00"
close = "16:00"
issue_cutoff = "15:30"
breaks = [{ start = "12:00", end = "13:00", label = "Istirahat" }]

[policy]
priority = "strict"
max_wait_min = 0

[[priority_classes]]
code = "lansia"
name_id = "Lansia"
name_en = "Elderly"

[[agencies]]
code = "dukcapil"
name_id = "Disdukcapil"
name_en = "Civil registry"

[[services]]
code = "ktp"
agency = "dukcapil"
prefix = "A"
name_id = "KTP-el"
name_en = "ID card"
requirements = ["Fotokopi KK"]
procedure = ["Serahkan berkas"]
processing_time = { value = 30, unit = "menit", text = "30 menit" }
fee = { free = true, basis = "UU 24/2013 Pasal 79A" }
product = "KTP-el"
complaints = ["SP4N-LAPOR!"]

[[counters]]
id = "1"
name = "Loket 1"
location = "Lantai 1"
services = ["ktp"]
"#;

#[test]
fn a_minimal_catalog_parses_with_its_settings() {
    let c = parse("minimal.toml", MINIMAL).unwrap();
    assert_eq!(c.site.time_zone.label(), "WITA");
    assert_eq!(c.policy.priority, PriorityPolicy::Strict);
    assert_eq!(c.policy.max_wait_s, None);
    let monday = c.site.schedule.weekly[0].as_ref().unwrap();
    assert_eq!(monday.issue_cutoff.format_id(), "15.30");
    assert!(
        c.site.schedule.weekly[1].is_none(),
        "days not listed are closed"
    );
    let ktp = c.service("ktp").unwrap();
    assert_eq!(ktp.standard.processing_time.unit, Some(TimeUnit::Minutes));
    assert_eq!(ktp.standard.processing_time.counter_minutes(), Some(30));
    assert_eq!(ktp.standard.processing_time.counter_target_min, None);
    // A standard in days with the site's counter target: measured against the target.
    let text = MINIMAL.replacen(
        "value = 30, unit = \"menit\", text = \"30 menit\" }",
        "value = 14, unit = \"hari_kerja\", text = \"14 hari kerja\", counter_target_min = 15 }",
        1,
    );
    let days = parse("site.toml", &text).unwrap();
    // English, field by field, and a counter's location in English.
    let english = MINIMAL
        .replacen(
            "complaints = [\"SP4N-LAPOR!\"]",
            "complaints = [\"SP4N-LAPOR!\"]\nen = { requirements = [\"Copy of the family card (KK)\"], product = \"Electronic ID card\" }",
            1,
        )
        .replacen("location = \"Lantai 1\"", "location = \"Lantai 1\"\nlocation_en = \"Floor 1\"", 1);
    let c = parse("site.toml", &english).unwrap();
    let en = &c.service("ktp").unwrap().standard.en;
    assert_eq!(
        en.requirements.as_deref(),
        Some(&["Copy of the family card (KK)".to_owned()][..])
    );
    assert_eq!(en.product.as_deref(), Some("Electronic ID card"));
    assert_eq!(en.procedure, None);
    assert_eq!(c.counter("1").unwrap().location_en, "Floor 1");
    let time = &days.service("ktp").unwrap().standard.processing_time;
    assert_eq!(
        (time.standard_minutes(), time.counter_minutes()),
        (None, Some(15))
    );
    assert_eq!(
        ktp.priority_classes,
        vec!["lansia".to_string()],
        "default: every class"
    );
}

fn error_for(find: &str, replace: &str) -> CatalogError {
    assert!(MINIMAL.contains(find), "fixture lacks {find}");
    let text = MINIMAL.replacen(find, replace, 1);
    let err = parse("site.toml", &text).expect_err(&format!("{find} → {replace} should fail"));
    // The reported line holds the replacement (or its table).
    let line = text.lines().nth(err.line - 1).unwrap_or("");
    assert!(err.line > 0, "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("site.toml:{}:", err.line)),
        "{err}"
    );
    let key = err
        .field
        .rsplit('.')
        .next()
        .unwrap()
        .split('[')
        .next()
        .unwrap();
    assert!(
        line.contains(key),
        "line {} ({line:?}) should show {key}: {err}",
        err.line
    );
    err
}

#[test]
fn every_kind_of_mistake_names_file_line_and_field() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "time_zone = \"WITA\"",
            "time_zone = \"UTC\"",
            "site.time_zone",
            "WIB, WITA or WIT",
        ),
        (
            "open = \"08:00\"",
            "open = \"8am\"",
            "site.hours.senin.open",
            "not a time",
        ),
        (
            "close = \"16:00\"",
            "close = \"07:00\"",
            "site.hours.senin.close",
            "after opening",
        ),
        (
            "issue_cutoff = \"15:30\"",
            "issue_cutoff = \"17:00\"",
            "site.hours.senin.issue_cutoff",
            "not after closing",
        ),
        (
            "end = \"13:00\"",
            "end = \"11:00\"",
            "site.hours.senin.breaks[0].end",
            "break",
        ),
        (
            "[site.hours.senin]",
            "[site.hours.funday]",
            "site.hours.funday",
            "not a weekday",
        ),
        (
            "priority = \"strict\"",
            "priority = \"random\"",
            "policy.priority",
            "interleave",
        ),
        (
            "agency = \"dukcapil\"",
            "agency = \"imigrasi\"",
            "services[0].agency",
            "unknown agency",
        ),
        (
            "prefix = \"A\"",
            "prefix = \"a1\"",
            "services[0].prefix",
            "capital letters",
        ),
        (
            "code = \"ktp\"",
            "code = \"KTP!\"",
            "services[0].code",
            "a-z",
        ),
        (
            "unit = \"menit\"",
            "unit = \"minggu\"",
            "services[0].processing_time.unit",
            "menit, jam",
        ),
        (
            "complaints = [\"SP4N-LAPOR!\"]",
            "complaints = [\"SP4N-LAPOR!\"]\nen = { requirements = [\"Copy of the family card\", \"ID\"] }",
            "services[0].en.requirements",
            "one item per Indonesian requirement",
        ),
        (
            "complaints = [\"SP4N-LAPOR!\"]",
            "complaints = [\"SP4N-LAPOR!\"]\nen = { fee = [\"Free\"] }",
            "services[0].en.fee",
            "a free service has no fee text",
        ),
        (
            "text = \"30 menit\" }",
            "text = \"30 menit\", counter_target_min = 10 }",
            "services[0].processing_time.counter_target_min",
            "only for standards in hari",
        ),
        (
            "value = 30, unit = \"menit\", text = \"30 menit\" }",
            "value = 14, unit = \"hari_kerja\", text = \"14 hari kerja\", counter_target_min = 0 }",
            "services[0].processing_time.counter_target_min",
            "1–480",
        ),
        (
            "fee = { free = true,",
            "fee = { free = true, lines = [{ label = \"x\", amount_idr = 5 }],",
            "services[0].fee",
            "exactly one",
        ),
        (
            "requirements = [\"Fotokopi KK\"]",
            "requirements = []",
            "services[0].requirements",
            "at least one",
        ),
        (
            "services = [\"ktp\"]",
            "services = [\"kk\"]",
            "counters[0].services[0]",
            "unknown service",
        ),
        ("product = \"KTP-el\"", "product = 5", "product", "string"),
        (
            "product = \"KTP-el\"",
            "product = \"KTP-el\"\nproduk = \"typo\"",
            "produk",
            "unknown field",
        ),
    ];
    for (find, replace, field, message) in cases {
        let err = error_for(find, replace);
        assert_eq!(&err.field, field, "{err}");
        assert!(err.message.contains(message), "{err}");
    }
}

#[test]
fn duplicates_are_refused() {
    let twice = MINIMAL.to_owned()
        + "\n[[counters]]\nid = \"1\"\nname = \"Loket 1b\"\nlocation = \"x\"\nservices = [\"ktp\"]\n";
    let err = parse("dup.toml", &twice).unwrap_err();
    assert_eq!(err.field, "counters[1].id");
    assert!(err.message.contains("used twice"));
    let second_id_line = twice
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "id = \"1\"")
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert_eq!(err.line, second_id_line);
}

#[test]
fn a_missing_file_is_reported() {
    let err =
        antrean_catalog::load_file(std::path::Path::new("/nonexistent/catalog.toml")).unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/catalog.toml")
            && err.message.contains("cannot read")
    );
}

fn with_booking(table: &str) -> String {
    assert!(MINIMAL.contains("\n[[counters]]"));
    MINIMAL.replacen(
        "\n[[counters]]",
        &format!("\n[services.booking]\n{table}\n[[counters]]"),
        1,
    )
}

#[test]
fn booking_settings_parse_with_defaults_and_name_their_mistakes() {
    use antrean_core::booking::{LatePolicy, NikRule};
    let c = parse(
        "site.toml",
        &with_booking("seats_per_slot = 4\nwindow = [\"06:00-10:00\", \"16:00-22:00\"]\nnik = \"required\"\nlate = \"refused\""),
    )
    .unwrap();
    let rules = c.service("ktp").unwrap().booking.clone().unwrap();
    assert_eq!(rules.seats_per_slot, 4);
    assert_eq!(
        (rules.slot_min, rules.days_ahead, rules.retention_days),
        (30, 7, 90),
        "defaults"
    );
    assert_eq!(rules.window.len(), 2);
    assert_eq!(
        (rules.nik, rules.late),
        (NikRule::Required, LatePolicy::Refused)
    );
    assert_eq!(c.policy.booked_ratio.booked, 1, "default ratio 1:1");

    for (table, field, message) in [
        (
            "seats_per_slot = 0",
            "services[0].booking.seats_per_slot",
            "1 to 999",
        ),
        (
            "seats_per_slot = 2\nslot_min = 2",
            "services[0].booking.slot_min",
            "5 to 240",
        ),
        (
            "seats_per_slot = 2\nwindow = [\"10:00-06:00\"]",
            "services[0].booking.window[0]",
            "start first",
        ),
        (
            "seats_per_slot = 2\nnik = \"maybe\"",
            "services[0].booking.nik",
            "required",
        ),
        (
            "seats_per_slot = 2\nlate = \"never\"",
            "services[0].booking.late",
            "walk_in",
        ),
        (
            "seats_per_slot = 2\nbooked_share_pct = 101",
            "services[0].booking.booked_share_pct",
            "0 to 100",
        ),
        ("seats_per_slot = 2\nseats = 3", "seats", "unknown field"),
        ("slot_min = 30", "services[0].booking", "seats_per_counter"),
        (
            "seats_per_slot = 2\nseats_per_counter = 2",
            "services[0].booking.seats_per_counter",
            "not both",
        ),
        (
            "seats_per_counter = 1000",
            "services[0].booking.seats_per_counter",
            "1 to 999",
        ),
    ] {
        let err = parse("site.toml", &with_booking(table)).expect_err(table);
        assert!(
            err.field.ends_with(field) || err.field == field,
            "{table}: {err}"
        );
        assert!(err.message.contains(message), "{table}: {err}");
        assert!(err.line > 0, "{err}");
    }
    // Capacity per counter group: seats per counter times the counters serving the
    // service (here a second counter joins the first).
    let two_counters = with_booking("seats_per_counter = 3").replacen(
        "services = [\"ktp\"]\n",
        "services = [\"ktp\"]\n\n[[counters]]\nid = \"2\"\nname = \"Loket 2\"\nlocation = \"Lantai 1\"\nservices = [\"ktp\"]\n",
        1,
    );
    let c = parse("site.toml", &two_counters).unwrap();
    assert_eq!(c.counters.len(), 2);
    assert_eq!(
        c.service("ktp")
            .unwrap()
            .booking
            .as_ref()
            .unwrap()
            .seats_per_slot,
        6,
        "3 seats at each of 2 counters"
    );
    let bad_ratio = MINIMAL.replacen(
        "priority = \"strict\"",
        "priority = \"strict\"\nbooked_ratio = \"0:1\"",
        1,
    );
    let err = parse("site.toml", &bad_ratio).unwrap_err();
    assert_eq!(err.field, "policy.booked_ratio", "{err}");
}
