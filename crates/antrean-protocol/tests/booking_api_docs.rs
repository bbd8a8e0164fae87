//! docs/booking-api.md documents the booking API; its examples are checked here: each
//! parses as the type its fence names and serializes back to the same JSON, every type
//! has an example, and every refusal code the core can give is in the table.

use antrean_core::booking::{BookingId, BookingProblem, BookingState, nik::NikProblem};
use antrean_core::{LocalDate, LocalTime};
use antrean_protocol::{
    BookRequestDto, BookingDto, BookingErrorDto, BookingRulesDto, BookingSitesDto, DaysDto,
    RescheduleDto, SlotsDto,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn doc() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/booking-api.md"
    ))
    .unwrap()
}

/// (type name, JSON) of every ```` ```json Type ```` block.
fn examples() -> Vec<(String, String)> {
    let doc = doc();
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let Some(kind) = line.trim().strip_prefix("```json ") else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        out.push((kind.to_owned(), block.join("\n")));
    }
    out
}

fn round_trip<T: serde::Serialize + DeserializeOwned>(block: &str) -> Value {
    let parsed: T = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
    serde_json::to_value(&parsed).unwrap()
}

#[test]
fn every_example_is_valid_and_every_type_has_one() {
    let examples = examples();
    let mut seen = std::collections::BTreeSet::new();
    for (kind, block) in &examples {
        let value: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
        let back = match kind.as_str() {
            "BookingRulesDto" => round_trip::<BookingRulesDto>(block),
            "SlotsDto" => round_trip::<SlotsDto>(block),
            "DaysDto" => round_trip::<DaysDto>(block),
            "BookRequestDto" => round_trip::<BookRequestDto>(block),
            "BookingDto" => round_trip::<BookingDto>(block),
            "RescheduleDto" => round_trip::<RescheduleDto>(block),
            "BookingErrorDto" => round_trip::<BookingErrorDto>(block),
            "BookingSitesDto" => round_trip::<BookingSitesDto>(block),
            other => panic!("unknown type {other} in docs/booking-api.md"),
        };
        assert_eq!(back, value, "round trip changed the example");
        seen.insert(kind.clone());
    }
    for kind in [
        "BookingRulesDto",
        "SlotsDto",
        "DaysDto",
        "BookRequestDto",
        "BookingDto",
        "RescheduleDto",
        "BookingErrorDto",
        "BookingSitesDto",
    ] {
        assert!(seen.contains(kind), "no example of {kind}");
    }
}

#[test]
fn every_refusal_code_is_in_the_table() {
    let day = LocalDate::parse("2026-12-07").unwrap();
    let time = LocalTime::parse("08:00").unwrap();
    let problems = [
        BookingProblem::NotOffered {
            service_name: "x".into(),
        },
        BookingProblem::WindowClosed { hours: "x".into() },
        BookingProblem::DateOutOfRange { days_ahead: 1 },
        BookingProblem::DayClosed { date: day },
        BookingProblem::SlotNotOffered { slot: time },
        BookingProblem::DayFull {
            service_name: "x".into(),
            date: day,
            next_date: None,
        },
        BookingProblem::SlotFull { slot: time },
        BookingProblem::AlreadyBooked { date: day },
        BookingProblem::NikRequired,
        BookingProblem::InvalidNik(NikProblem::Shape),
        BookingProblem::InvalidContact {
            field_id: "x",
            field_en: "x",
        },
        BookingProblem::Unknown {
            booking: BookingId(1),
        },
        BookingProblem::NotActive {
            state: BookingState::Cancelled,
        },
        BookingProblem::OtherDay { date: day },
        BookingProblem::BookedAtCentral {
            service_name: "x".into(),
        },
        BookingProblem::TooLate {
            slot: time,
            late_min: 1,
        },
    ];
    let doc = doc();
    for p in &problems {
        assert!(
            doc.contains(&format!("`{}`", p.code())),
            "docs/booking-api.md does not list `{}`",
            p.code()
        );
    }
}
