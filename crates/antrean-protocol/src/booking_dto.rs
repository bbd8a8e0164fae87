//! The booking API's JSON (docs/booking-api.md): the booking page and partner apps use
//! the same endpoints. Conversions from the core are here too.

use antrean_core::booking::{
    BookedAt, BookingProblem, BookingRules, LatePolicy, NikRule, SlotView,
};
use serde::{Deserialize, Serialize};

/// A service's booking settings, as pages and partners see them (in the catalog).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRulesDto {
    /// Slot length, minutes.
    pub slot_min: u16,
    /// Seats per slot.
    pub seats_per_slot: u32,
    /// Days ahead a slot may be booked (0: today only).
    pub days_ahead: u16,
    /// Hours booking is open, "HH:MM-HH:MM" (empty: always).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub window: Vec<String>,
    /// Minutes before the slot a visitor should arrive.
    pub arrive_early_min: u16,
    /// Minutes after the slot start a check-in is still honoured.
    pub arrive_late_min: u16,
    /// After that: "walk_in" (served as a walk-in) or "refused".
    pub late: String,
    /// "not_asked", "optional" or "required".
    pub nik: String,
    /// Days after the visit the visitor's personal data is deleted.
    pub retention_days: u16,
    /// Where it is booked: "site" (this site's page and API) or "central" (Antrean Pusat).
    #[serde(default = "site")]
    pub booked_at: String,
}

fn site() -> String {
    "site".into()
}

/// The DTO of a service's booking rules.
pub fn booking_rules_view(rules: &BookingRules) -> BookingRulesDto {
    BookingRulesDto {
        slot_min: rules.slot_min,
        seats_per_slot: rules.seats_per_slot,
        days_ahead: rules.days_ahead,
        window: rules
            .window
            .iter()
            .map(|h| format!("{}-{}", h.start, h.end))
            .collect(),
        arrive_early_min: rules.arrive_early_min,
        arrive_late_min: rules.arrive_late_min,
        late: match rules.late {
            LatePolicy::WalkIn => "walk_in",
            LatePolicy::Refused => "refused",
        }
        .into(),
        nik: match rules.nik {
            NikRule::NotAsked => "not_asked",
            NikRule::Optional => "optional",
            NikRule::Required => "required",
        }
        .into(),
        retention_days: rules.retention_days,
        booked_at: match rules.booked_at {
            BookedAt::Site => "site",
            BookedAt::Central => "central",
        }
        .into(),
    }
}

/// One slot with its seats (`GET /api/booking/slots`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotDto {
    /// Start, "HH:MM".
    pub start: String,
    /// End, "HH:MM".
    pub end: String,
    /// Seats in the slot.
    pub seats: u32,
    /// Seats left now.
    pub left: u32,
}

/// A day's slots of one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsDto {
    /// Service code.
    pub service: String,
    /// "YYYY-MM-DD".
    pub date: String,
    /// The slots, in time order.
    pub slots: Vec<SlotDto>,
    /// When no slot has a seat left: the next date that has one, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_date_with_seats: Option<String>,
}

/// One date of the booking horizon (`GET /api/booking/days`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDayDto {
    /// "YYYY-MM-DD".
    pub date: String,
    /// The site does not open that day (holiday, closed weekday): no slots.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
    /// Seats left that day.
    pub seats_left: u32,
}

/// The dates a service can be booked for, from today to its horizon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaysDto {
    /// Service code.
    pub service: String,
    /// The site's date today.
    pub today: String,
    /// Whether booking is open now (the service's `window`).
    pub window_open: bool,
    /// The window's hours, "HH:MM-HH:MM" (empty: always open).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub window: Vec<String>,
    /// Today and the days ahead.
    pub days: Vec<BookingDayDto>,
}

/// `GET /api/booking/sites` at Antrean Pusat: the sites whose services it books, for the
/// first step of its booking page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSitesDto {
    /// The sites, by region then name.
    pub sites: Vec<BookingSiteDto>,
}

/// One site on central's booking page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingSiteDto {
    /// Site id (the path of its booking page: `/sites/{id}/booking`).
    pub id: String,
    /// The site's name as its catalog gives it.
    pub name: String,
    /// Region (province, regency).
    pub region: String,
    /// Address from the catalog.
    pub address: String,
    /// Services booked at central, Indonesian names.
    pub services_id: Vec<String>,
    /// The same in English.
    pub services_en: Vec<String>,
}

/// The DTO of a slot.
pub fn slot_view(view: &SlotView) -> SlotDto {
    SlotDto {
        start: view.slot.start.to_string(),
        end: view.slot.end.to_string(),
        seats: view.seats,
        left: view.left,
    }
}

/// `POST /api/booking`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookRequestDto {
    /// Service code.
    pub service: String,
    /// "YYYY-MM-DD".
    pub date: String,
    /// Slot start, "HH:MM".
    pub slot: String,
    /// The visitor's name as on their KTP.
    pub name: String,
    /// Indonesian mobile number ("08…" or "+628…").
    pub phone: String,
    /// NIK, where the service asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
}

/// `POST /api/booking/manage/{token}/reschedule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleDto {
    /// New date "YYYY-MM-DD".
    pub date: String,
    /// New slot start "HH:MM".
    pub slot: String,
}

/// A booking as its visitor (or the partner that made it) sees it. Personal data is
/// masked: the NIK shows its last four digits only, the phone its last three.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingDto {
    /// The booking code typed or scanned at the kiosk ("K7QM-2XD4-9RTA").
    pub code: String,
    /// The private token of the view/cancel/reschedule link; only in the answer to the
    /// booking itself (the link is the only way back to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manage_token: Option<String>,
    /// Service code.
    pub service: String,
    /// Service name, Indonesian.
    pub service_name_id: String,
    /// Service name, English.
    pub service_name_en: String,
    /// "YYYY-MM-DD".
    pub date: String,
    /// Slot start "HH:MM".
    pub slot: String,
    /// Slot end "HH:MM".
    pub slot_end: String,
    /// Arrive from "HH:MM".
    pub arrive_from: String,
    /// Check in by "HH:MM".
    pub arrive_until: String,
    /// "active", "checked_in", "cancelled" or "expired".
    pub state: String,
    /// The visitor's name (absent once the retention period deleted it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// "*********789".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_masked: Option<String>,
    /// "************0001".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nik_masked: Option<String>,
    /// Site name, for the calendar entry and the page.
    pub site_name: String,
    /// Site address.
    pub site_address: String,
    /// Time zone label ("WIB").
    pub time_zone: String,
    /// What to bring: the service's Persyaratan.
    pub requirements: Vec<String>,
    /// The ticket number once checked in ("J-004").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
}

/// A refused booking request (4xx body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingErrorDto {
    /// Stable code (docs/booking-api.md).
    pub code: String,
    /// Message in Bahasa Indonesia.
    pub message_id: String,
    /// Message in English.
    pub message_en: String,
    /// For `booking_full`: the next date with seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_date: Option<String>,
}

/// A booking's public view from the catalog: names, times, arrival window, site and
/// requirements. The personal fields and the ticket number are left empty for the caller
/// (the site opens sealed data, central reads its columns).
pub fn booking_view(
    catalog: &antrean_core::Catalog,
    code: String,
    service_code: &str,
    date: antrean_core::LocalDate,
    slot: antrean_core::LocalTime,
    state: &str,
) -> BookingDto {
    use antrean_core::LocalTime;
    let service = catalog.service(service_code);
    let rules = service.and_then(|s| s.booking.clone()).unwrap_or_default();
    let start = slot.minutes();
    let name = |pick: fn(&antrean_core::catalog::Service) -> &String| {
        service.map_or_else(|| service_code.to_owned(), |s| pick(s).clone())
    };
    BookingDto {
        code,
        manage_token: None,
        service: service_code.to_owned(),
        service_name_id: name(|s| &s.name_id),
        service_name_en: name(|s| &s.name_en),
        date: date.to_string(),
        slot: slot.to_string(),
        slot_end: LocalTime::from_minutes(start + rules.slot_min).to_string(),
        arrive_from: LocalTime::from_minutes(start.saturating_sub(rules.arrive_early_min))
            .to_string(),
        arrive_until: LocalTime::from_minutes(start + rules.arrive_late_min).to_string(),
        state: state.to_owned(),
        name: None,
        phone_masked: None,
        nik_masked: None,
        site_name: catalog.site.name.clone(),
        site_address: catalog.site.address.clone(),
        time_zone: catalog.site.time_zone.label().into(),
        requirements: service.map_or_else(Vec::new, |s| s.standard.requirements.clone()),
        ticket_number: None,
    }
}

/// The HTTP status of a booking refusal, the same at the site and at central
/// (docs/booking-api.md, "Refusals"): 404 for what does not exist, 400 for a request that
/// can never succeed as written, 409 for one the current state refuses.
pub fn booking_status(problem: &BookingProblem) -> u16 {
    match problem {
        BookingProblem::Unknown { .. } => 404,
        BookingProblem::NikRequired
        | BookingProblem::InvalidNik(_)
        | BookingProblem::InvalidContact { .. }
        | BookingProblem::DateOutOfRange { .. }
        | BookingProblem::SlotNotOffered { .. }
        | BookingProblem::DayClosed { .. } => 400,
        _ => 409,
    }
}

/// The error body of a booking refusal.
pub fn booking_error(problem: &BookingProblem) -> BookingErrorDto {
    BookingErrorDto {
        code: problem.code().into(),
        message_id: problem.message_id(),
        message_en: problem.message_en(),
        next_date: match problem {
            BookingProblem::DayFull {
                next_date: Some(d), ..
            } => Some(d.to_string()),
            _ => None,
        },
    }
}

/// A `400 bad_request` answer of the booking APIs.
pub fn bad_booking_request(message_id: &str, message_en: &str) -> BookingErrorDto {
    BookingErrorDto {
        code: "bad_request".into(),
        message_id: message_id.into(),
        message_en: message_en.into(),
        next_date: None,
    }
}

/// A request's date ("YYYY-MM-DD"), or the `400` answer saying so.
pub fn booking_date(text: &str) -> Result<antrean_core::LocalDate, BookingErrorDto> {
    antrean_core::LocalDate::parse(text).ok_or_else(|| {
        bad_booking_request(
            "Tanggal harus berbentuk TTTT-BB-HH.",
            "The date must be YYYY-MM-DD.",
        )
    })
}

/// A request's slot start ("HH:MM"), or the `400` answer saying so.
pub fn booking_slot(text: &str) -> Result<antrean_core::LocalTime, BookingErrorDto> {
    antrean_core::LocalTime::parse(text)
        .ok_or_else(|| bad_booking_request("Jam harus berbentuk JJ:MM.", "The time must be HH:MM."))
}

/// A request body of at most `max_bytes` as `T`, or the `400` answer saying what is wrong.
pub fn booking_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    max_bytes: usize,
) -> Result<T, BookingErrorDto> {
    if body.len() > max_bytes {
        return Err(bad_booking_request(
            "Permintaan terlalu besar.",
            "The request is too large.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        bad_booking_request(
            &format!("Permintaan tidak valid: {e}"),
            &format!("Invalid request: {e}"),
        )
    })
}
