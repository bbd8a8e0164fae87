//! The partner booking API at central (docs/booking-api.md, "At Antrean Pusat"): slots,
//! book, status and cancel for any enrolled site's services booked at central, with a
//! partner key (`Authorization: Bearer antrean-partner-…`) and the partner's own
//! per-minute limit. Answers use the site API's JSON shapes.

use std::sync::Arc;

use antrean_core::booking::nik;
use antrean_core::{Catalog, LocalDate, Timestamp};
use antrean_protocol::{
    BookRequestDto, BookingDto, BookingErrorDto, SlotsDto, booking_error, booking_status,
    booking_view, slot_view,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::partners::Partner;
use super::{BookError, BookRequest, CentralRow};
use crate::Central;
use crate::limits::MAX_BOOKING_BODY_BYTES;

/// The API's routes.
pub fn routes() -> Router<Arc<Central>> {
    Router::new()
        .route(
            "/api/partner/v1/sites/{site}/services/{service}/slots",
            get(slots),
        )
        .route("/api/partner/v1/sites/{site}/bookings", post(book))
        .route("/api/partner/v1/sites/{site}/bookings/{code}", get(status))
        .route(
            "/api/partner/v1/sites/{site}/bookings/{code}/cancel",
            post(cancel),
        )
}

/// A refusal with its JSON body.
pub struct Refused(StatusCode, BookingErrorDto, Option<u64>);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let mut response = (self.0, Json(self.1)).into_response();
        if let Some(wait_s) = self.2 {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait_s));
        }
        response
    }
}

/// A JSON body (axum's `json` feature is not built: one serializer, serde_json).
pub(super) struct Json<T>(pub(super) T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&self.0).expect("booking DTOs serialize"),
        )
            .into_response()
    }
}

pub(super) fn simple(
    status: StatusCode,
    code: &str,
    message_id: &str,
    message_en: &str,
) -> Refused {
    Refused(
        status,
        BookingErrorDto {
            code: code.into(),
            message_id: message_id.into(),
            message_en: message_en.into(),
            next_date: None,
        },
        None,
    )
}

impl From<BookError> for Refused {
    fn from(err: BookError) -> Refused {
        match err {
            BookError::Refused(problem) => {
                let status =
                    StatusCode::from_u16(booking_status(&problem)).expect("a valid status");
                Refused(status, booking_error(&problem), None)
            }
            BookError::NotFound(what) => simple(
                StatusCode::NOT_FOUND,
                "not_found",
                &format!("Tidak ditemukan: {what}."),
                &format!("Not found: {what}."),
            ),
            BookError::SiteNotReady(site) => simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "site_not_ready",
                &format!("Kantor {site} belum mengirim katalog layanannya ke pusat."),
                &format!("Site {site} has not sent its catalog to central yet."),
            ),
            BookError::Database(err) => {
                tracing::error!("booking: {err:#}");
                simple(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Layanan booking sedang tidak tersedia; tidak ada yang disimpan. Coba lagi.",
                    "Booking is unavailable right now; nothing was saved. Please try again.",
                )
            }
        }
    }
}

pub(super) fn now() -> Timestamp {
    Timestamp(crate::ship::now_ms())
}

/// The partner of the request's key, counted against its limit.
async fn partner(central: &Central, headers: &HeaderMap) -> Result<Partner, Refused> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let found = central
        .db
        .partner_by_key(key)
        .await
        .map_err(BookError::Database)?;
    let Some(partner) = found else {
        return Err(simple(
            StatusCode::UNAUTHORIZED,
            "bad_partner_key",
            "Kunci mitra tidak dikenal.",
            "Unknown partner key.",
        ));
    };
    if let Err(wait_s) = central
        .partner_rates
        .allow(&partner, (now().0 / 1000) as u64)
    {
        let mut refused = simple(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Terlalu banyak permintaan dari aplikasi mitra ini; coba lagi sebentar lagi.",
            "Too many requests from this partner app; try again shortly.",
        );
        refused.2 = Some(wait_s);
        return Err(refused);
    }
    Ok(partner)
}

pub(super) fn bad_request(what_id: &str, what_en: &str) -> Refused {
    simple(StatusCode::BAD_REQUEST, "bad_request", what_id, what_en)
}

impl From<BookingErrorDto> for Refused {
    /// A malformed request (the protocol's parsers): 400.
    fn from(error: BookingErrorDto) -> Refused {
        Refused(StatusCode::BAD_REQUEST, error, None)
    }
}

pub(super) fn parse_date(text: &str) -> Result<LocalDate, Refused> {
    Ok(antrean_protocol::booking_date(text)?)
}

pub(super) fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Refused> {
    Ok(antrean_protocol::booking_body(
        body,
        MAX_BOOKING_BODY_BYTES,
    )?)
}

/// What a booking request asks for, by `by`.
pub(super) fn book_request<'a>(
    request: &'a BookRequestDto,
    by: super::Booker<'a>,
) -> Result<BookRequest<'a>, Refused> {
    Ok(BookRequest {
        service: &request.service,
        date: antrean_protocol::booking_date(&request.date)?,
        slot: antrean_protocol::booking_slot(&request.slot)?,
        name: &request.name,
        phone: &request.phone,
        nik: request.nik.as_deref(),
        by,
    })
}

#[derive(serde::Deserialize)]
struct DateQuery {
    date: String,
}

async fn slots(
    State(central): State<Arc<Central>>,
    Path((site, service)): Path<(String, String)>,
    Query(query): Query<DateQuery>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    partner(&central, &headers).await?;
    let date = parse_date(&query.date)?;
    let catalog = central.db.site_catalog(&site).await?;
    let views = central
        .db
        .central_slots(&site, &catalog, &service, date, now())
        .await?;
    Ok(Json(SlotsDto {
        service,
        date: date.to_string(),
        slots: views.iter().map(slot_view).collect(),
        next_date_with_seats: None,
    })
    .into_response())
}

async fn book(
    State(central): State<Arc<Central>>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let partner = partner(&central, &headers).await?;
    let request: BookRequestDto = parse_body(&body)?;
    let booking = book_request(&request, super::Booker::Partner(&partner.id))?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central
        .db
        .central_book(&site, &catalog, &booking, now())
        .await?;
    tracing::info!(
        site,
        partner = partner.id,
        number = row.number,
        "booked at central"
    );
    Ok((StatusCode::CREATED, Json(view(&catalog, &row, code))).into_response())
}

async fn status(
    State(central): State<Arc<Central>>,
    Path((site, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    partner(&central, &headers).await?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central.db.central_booking(&site, &code).await?;
    Ok(Json(view(&catalog, &row, code)).into_response())
}

async fn cancel(
    State(central): State<Arc<Central>>,
    Path((site, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    partner(&central, &headers).await?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central.db.central_cancel(&site, &code).await?;
    Ok(Json(view(&catalog, &row, code)).into_response())
}

/// The booking as the partner sees it: the site API's shape, personal data masked.
pub(super) fn view(catalog: &Catalog, row: &CentralRow, code: String) -> BookingDto {
    BookingDto {
        name: row.name.clone(),
        phone_masked: row
            .phone
            .as_deref()
            .map(antrean_core::booking::contact::mask_phone),
        // Stored masked already; masking again keeps it so if the column ever held more.
        nik_masked: row.nik_masked.as_deref().map(nik::mask),
        ..booking_view(catalog, code, &row.service, row.date, row.slot, &row.state)
    }
}
