//! A booking's files for its visitor — the calendar entry and the code as a QR — as HTTP
//! answers, the same from a site and from Antrean Pusat. Never kept by a shared cache:
//! each names one visitor's booking.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// An iCalendar text (`antrean_protocol::booking_ics`) as a download.
pub fn calendar_file(ics: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"booking-antrean.ics\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ics,
    )
        .into_response()
}

/// A booking code as a QR image for the kiosk's scanner; None when it does not fit a QR.
pub fn code_qr(code: &str) -> Option<Response> {
    let svg = crate::qr_svg(code, &format!("Kode booking {code}"))?;
    Some(
        (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            svg,
        )
            .into_response(),
    )
}
