//! The visitors' booking page at Antrean Pusat (docs/booking.md, "Booked at central"): the
//! site booking page's script, opened on a list of sites, speaking the same JSON shapes
//! under `/api/sites/{site}/…` for the services a site's catalog books at central.
//!
//! - `GET  /booking` — the page, on the list of sites
//! - `GET  /sites/{site}/booking`, `/sites/{site}/booking/manage/{token}` — the page
//! - `GET  /api/booking/sites` — sites with services booked here
//! - `GET  /api/sites/{site}/catalog` — the site's catalog as its own `/api/catalog`
//! - `GET  /api/sites/{site}/booking/days?service=…`, `…/slots?service=…&date=…`
//! - `POST /api/sites/{site}/booking` — book; the answer has the code and the private
//!   link's token (shown once: central keeps its SHA-256 only)
//! - `GET  /api/sites/{site}/booking/manage/{token}` and `…/cancel`, `…/reschedule`,
//!   `…/calendar.ics`, `…/qr.svg`
//!
//! Every request counts against its client address's limits (the `Visitor` extractor), and every
//! change also against the visitor's identity (phone, NIK) or booking, as at a site.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use antrean_core::Catalog;
use antrean_core::booking::BookedAt;
use antrean_core::rate::{BookingLimits, BookingShare};
use antrean_protocol::{
    BookRequestDto, BookingDayDto, BookingSiteDto, BookingSitesDto, DaysDto, RescheduleDto,
    SlotsDto, slot_view,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api::{
    Json, Refused, bad_request, book_request, now, parse_body, parse_date, simple, view,
};
use super::{Booker, CentralRow, central_service};
use crate::Central;
use crate::limits::{
    MAX_VISITOR_RATE_ENTRIES, VISITOR_CHANGES_PER_HOUR_PER_ADDRESS,
    VISITOR_CHANGES_PER_HOUR_PER_IDENTITY, VISITOR_REQUESTS_PER_MINUTE_PER_ADDRESS,
};

/// The visitors' rate limits (fixed windows, in memory).
pub struct VisitorRates(Mutex<BookingLimits>);

impl Default for VisitorRates {
    fn default() -> VisitorRates {
        VisitorRates(Mutex::new(BookingLimits::new(
            BookingShare {
                requests_per_minute_per_client: VISITOR_REQUESTS_PER_MINUTE_PER_ADDRESS,
                changes_per_hour_per_client: VISITOR_CHANGES_PER_HOUR_PER_ADDRESS,
                changes_per_hour_per_identity: VISITOR_CHANGES_PER_HOUR_PER_IDENTITY,
            },
            MAX_VISITOR_RATE_ENTRIES,
        )))
    }
}

fn now_s() -> u64 {
    (now().0 / 1000).max(0) as u64
}

/// A visitor's request, already counted against its address's limit.
struct Visitor {
    central: Arc<Central>,
    addr: IpAddr,
}

impl FromRequestParts<Arc<Central>> for Visitor {
    type Rejection = Refused;

    async fn from_request_parts(
        parts: &mut Parts,
        central: &Arc<Central>,
    ) -> Result<Visitor, Refused> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .ok_or_else(|| {
                simple(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Alamat pengunjung tidak diketahui.",
                    "The client's address is unknown.",
                )
            })?;
        let addr = antrean_web::client_address(peer, central.trusted_proxy, &parts.headers);
        let allowed = central
            .visitor_rates
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allow_request(&addr.to_string(), now_s());
        if !allowed {
            return Err(rate_limited());
        }
        Ok(Visitor {
            central: central.clone(),
            addr,
        })
    }
}

impl Visitor {
    /// Counts one change for the address and for each of `keys` (identities or a booking).
    fn change(&self, keys: &[String]) -> Result<(), Refused> {
        let allowed = self
            .central
            .visitor_rates
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allow_change(&self.addr.to_string(), keys, now_s());
        allowed.then_some(()).ok_or_else(rate_limited)
    }

    /// The booking a private link names, with its site's catalog and its code.
    async fn by_link(
        &self,
        site: &str,
        token: &str,
    ) -> Result<(Arc<Catalog>, CentralRow, String), Refused> {
        let catalog = self.central.db.site_catalog(site).await?;
        let (row, code) = self
            .central
            .db
            .central_booking_by_link(site, &super::manage_sha256(token))
            .await?;
        Ok((catalog, row, code))
    }
}

/// The change limit's key of a private link (part of its hash: no token kept in memory).
fn link_key(site: &str, token: &str) -> String {
    let sha = super::manage_sha256(token);
    let short: String = sha[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{site}:link:{short}")
}

/// The page's and the API's routes.
pub fn routes() -> Router<Arc<Central>> {
    Router::new()
        .route("/booking", get(page))
        .route("/sites/{site}/booking", get(page))
        .route("/sites/{site}/booking/manage/{token}", get(page))
        .route("/api/booking/sites", get(sites))
        .route("/api/sites/{site}/catalog", get(catalog))
        .route("/api/sites/{site}/booking/days", get(days))
        .route("/api/sites/{site}/booking/slots", get(slots))
        .route("/api/sites/{site}/booking", post(book))
        .route("/api/sites/{site}/booking/manage/{token}", get(status))
        .route(
            "/api/sites/{site}/booking/manage/{token}/cancel",
            post(cancel),
        )
        .route(
            "/api/sites/{site}/booking/manage/{token}/reschedule",
            post(reschedule),
        )
        .route(
            "/api/sites/{site}/booking/manage/{token}/calendar.ics",
            get(calendar),
        )
        .route(
            "/api/sites/{site}/booking/manage/{token}/qr.svg",
            get(qr_code),
        )
}

/// The site booking page, marked as central's (its script then starts on the sites and
/// speaks the `/api/sites/{site}` API).
async fn page() -> Response {
    let html = antrean_web::asset("booking.html").expect("the booking page is embedded");
    let text = String::from_utf8_lossy(html.bytes).replacen("<body>", "<body data-central>", 1);
    (
        [
            (header::CONTENT_TYPE, html.content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response()
}

/// A JSON answer no shared cache may keep (personal data, private links).
fn private<T: serde::Serialize>(status: StatusCode, body: T) -> Response {
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn rate_limited() -> Refused {
    simple(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Terlalu banyak permintaan. Silakan coba lagi sebentar lagi.",
        "Too many requests. Please try again shortly.",
    )
}

fn books_at_central(catalog: &Catalog) -> impl Iterator<Item = &antrean_core::catalog::Service> {
    catalog.services.iter().filter(|s| {
        s.booking
            .as_ref()
            .is_some_and(|rules| rules.booked_at == BookedAt::Central)
    })
}

/// `GET /api/booking/sites`
async fn sites(visitor: Visitor) -> Result<Response, Refused> {
    let found = visitor.central.db.sites_with_catalogs().await?;
    let sites = found
        .into_iter()
        .filter_map(|(id, region, catalog)| {
            let services: Vec<_> = books_at_central(&catalog).collect();
            (!services.is_empty()).then(|| BookingSiteDto {
                id,
                name: catalog.site.name.clone(),
                region,
                address: catalog.site.address.clone(),
                services_id: services.iter().map(|s| s.name_id.clone()).collect(),
                services_en: services.iter().map(|s| s.name_en.clone()).collect(),
            })
        })
        .collect();
    Ok(Json(BookingSitesDto { sites }).into_response())
}

/// `GET /api/sites/{site}/catalog`
async fn catalog(visitor: Visitor, Path(site): Path<String>) -> Result<Response, Refused> {
    let catalog = visitor.central.db.site_catalog(&site).await?;
    Ok(Json(antrean_protocol::catalog_view(&catalog)).into_response())
}

#[derive(serde::Deserialize)]
struct DaysQuery {
    service: String,
}

/// `GET /api/sites/{site}/booking/days?service=…`
async fn days(
    visitor: Visitor,
    Path(site): Path<String>,
    Query(query): Query<DaysQuery>,
) -> Result<Response, Refused> {
    let central = &visitor.central;
    let catalog = central.db.site_catalog(&site).await?;
    let (window_open, days) = central
        .db
        .central_days(&site, &catalog, &query.service, now())
        .await?;
    let (_, rules) = central_service(&catalog, &query.service)?;
    Ok(Json(DaysDto {
        today: days.first().map(|(d, _)| d.to_string()).unwrap_or_default(),
        window_open,
        window: antrean_protocol::booking_rules_view(rules).window,
        days: days
            .iter()
            .map(|(date, left)| BookingDayDto {
                date: date.to_string(),
                closed: left.is_none(),
                seats_left: left.unwrap_or(0),
            })
            .collect(),
        service: query.service,
    })
    .into_response())
}

#[derive(serde::Deserialize)]
struct SlotsQuery {
    service: String,
    date: String,
}

/// `GET /api/sites/{site}/booking/slots?service=…&date=…`
async fn slots(
    visitor: Visitor,
    Path(site): Path<String>,
    Query(query): Query<SlotsQuery>,
) -> Result<Response, Refused> {
    let central = &visitor.central;
    let date = parse_date(&query.date)?;
    let catalog = central.db.site_catalog(&site).await?;
    let views = central
        .db
        .central_slots(&site, &catalog, &query.service, date, now())
        .await?;
    let next_date = if views.iter().all(|v| v.left == 0) {
        central
            .db
            .central_next_date(&site, &catalog, &query.service, date, now())
            .await?
    } else {
        None
    };
    Ok(Json(SlotsDto {
        service: query.service,
        date: date.to_string(),
        slots: views.iter().map(slot_view).collect(),
        next_date_with_seats: next_date.map(|d| d.to_string()),
    })
    .into_response())
}

/// `POST /api/sites/{site}/booking`
async fn book(
    visitor: Visitor,
    Path(site): Path<String>,
    body: Bytes,
) -> Result<Response, Refused> {
    let central = &visitor.central;
    let request: BookRequestDto = parse_body(&body)?;
    let (token, manage_sha256) = super::new_manage_token();
    let booking = book_request(&request, Booker::Visitor { manage_sha256 })?;
    let catalog = central.db.site_catalog(&site).await?;
    // The identities as typed, hashed under the site's key like the stored ones: the
    // limiter's memory holds no phone numbers or NIKs.
    let key = central
        .db
        .site_code_key(&site)
        .await
        .map_err(super::BookError::Database)?;
    let nik = request
        .nik
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    visitor.change(&super::identity_keys(&key, request.phone.trim(), nik))?;
    let (row, code) = central
        .db
        .central_book(&site, &catalog, &booking, now())
        .await?;
    tracing::info!(site, number = row.number, "booked at central's page");
    let mut dto = view(&catalog, &row, code);
    dto.manage_token = Some(token);
    Ok(private(StatusCode::CREATED, dto))
}

/// `GET /api/sites/{site}/booking/manage/{token}`
async fn status(
    visitor: Visitor,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    let (catalog, row, code) = visitor.by_link(&site, &token).await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `POST /api/sites/{site}/booking/manage/{token}/cancel`
async fn cancel(
    visitor: Visitor,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    visitor.change(&[link_key(&site, &token)])?;
    let db = &visitor.central.db;
    let catalog = db.site_catalog(&site).await?;
    let (row, code) = db
        .central_cancel_by_link(&site, &super::manage_sha256(&token))
        .await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `POST /api/sites/{site}/booking/manage/{token}/reschedule`
async fn reschedule(
    visitor: Visitor,
    Path((site, token)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Refused> {
    let request: RescheduleDto = parse_body(&body)?;
    let date = parse_date(&request.date)?;
    let slot = antrean_protocol::booking_slot(&request.slot)?;
    visitor.change(&[link_key(&site, &token)])?;
    let db = &visitor.central.db;
    let catalog = db.site_catalog(&site).await?;
    let (row, code) = db
        .central_reschedule(
            &site,
            &catalog,
            &super::manage_sha256(&token),
            date,
            slot,
            now(),
        )
        .await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `GET /api/sites/{site}/booking/manage/{token}/calendar.ics`
async fn calendar(
    visitor: Visitor,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    let (catalog, row, code) = visitor.by_link(&site, &token).await?;
    let ics = antrean_protocol::booking_ics::booking_event(
        &view(&catalog, &row, code),
        catalog.site.time_zone,
        now(),
    )
    .ok_or_else(|| bad_request("Jadwal tidak terbaca.", "Unreadable time."))?;
    Ok(antrean_web::calendar_file(ics))
}

/// `GET /api/sites/{site}/booking/manage/{token}/qr.svg`: the code, for the kiosk's scanner.
async fn qr_code(
    visitor: Visitor,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    let (_, _, code) = visitor.by_link(&site, &token).await?;
    antrean_web::code_qr(&code).ok_or_else(|| bad_request("Kode tidak tersedia.", "No code."))
}
