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
//! Every request counts against its client address's limits, and every change also
//! against the visitor's identity (phone, NIK) or booking, as at a site.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use antrean_core::booking::BookedAt;
use antrean_core::rate::WindowCounts;
use antrean_core::{Catalog, LocalTime};
use antrean_protocol::{
    BookRequestDto, BookingDayDto, BookingSiteDto, BookingSitesDto, DaysDto, RescheduleDto,
    SlotsDto, slot_view,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::api::{Json, Refused, bad_request, now, parse_date, simple, view};
use super::{BookRequest, Booker, central_service};
use crate::Central;
use crate::limits::{
    MAX_BOOKING_BODY_BYTES, MAX_VISITOR_RATE_ENTRIES, VISITOR_CHANGES_PER_HOUR_PER_ADDRESS,
    VISITOR_CHANGES_PER_HOUR_PER_IDENTITY, VISITOR_REQUESTS_PER_MINUTE_PER_ADDRESS,
};

/// The visitors' rate limits (fixed windows, in memory).
pub struct VisitorRates(Mutex<WindowCounts>);

impl Default for VisitorRates {
    fn default() -> VisitorRates {
        VisitorRates(Mutex::new(WindowCounts::new(MAX_VISITOR_RATE_ENTRIES)))
    }
}

impl VisitorRates {
    fn allow(&self, key: &str, window_s: u64, limit: u32) -> bool {
        let now_s = (now().0 / 1000).max(0) as u64;
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allow(key, now_s, window_s, limit)
    }
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

/// The client's address: the peer, or the trusted proxy's last `X-Forwarded-For` entry
/// (from anyone else the header is ignored, or it would dodge the limits).
fn client(central: &Central, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if Some(peer.ip()) == central.trusted_proxy
        && let Some(forwarded) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return forwarded;
    }
    peer.ip()
}

fn limit_reads(central: &Central, addr: IpAddr) -> Result<(), Refused> {
    let ok = central.visitor_rates.allow(
        &format!("addr:{addr}"),
        60,
        VISITOR_REQUESTS_PER_MINUTE_PER_ADDRESS,
    );
    ok.then_some(()).ok_or_else(rate_limited)
}

/// Counts one change for the address and for each of `keys` (identities or a booking).
fn limit_changes(central: &Central, addr: IpAddr, keys: &[String]) -> Result<(), Refused> {
    let rates = &central.visitor_rates;
    let by_addr = rates.allow(
        &format!("changes:{addr}"),
        3600,
        VISITOR_CHANGES_PER_HOUR_PER_ADDRESS,
    );
    let by_key = keys.iter().all(|key| {
        rates.allow(
            &format!("id:{key}"),
            3600,
            VISITOR_CHANGES_PER_HOUR_PER_IDENTITY,
        )
    });
    (by_addr && by_key).then_some(()).ok_or_else(rate_limited)
}

/// What every request does first: the limit of its address.
fn read_access(
    central: &Central,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<IpAddr, Refused> {
    let addr = client(central, peer, headers);
    limit_reads(central, addr)?;
    Ok(addr)
}

fn books_at_central(catalog: &Catalog) -> impl Iterator<Item = &antrean_core::catalog::Service> {
    catalog.services.iter().filter(|s| {
        s.booking
            .as_ref()
            .is_some_and(|rules| rules.booked_at == BookedAt::Central)
    })
}

/// `GET /api/booking/sites`
async fn sites(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
    let found = central.db.sites_with_catalogs().await?;
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
async fn catalog(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
    let catalog = central.db.site_catalog(&site).await?;
    Ok(Json(antrean_protocol::catalog_view(&catalog)).into_response())
}

#[derive(serde::Deserialize)]
struct DaysQuery {
    service: String,
}

/// `GET /api/sites/{site}/booking/days?service=…`
async fn days(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(query): Query<DaysQuery>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
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
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(site): Path<String>,
    Query(query): Query<SlotsQuery>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
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

fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Refused> {
    if body.len() > MAX_BOOKING_BODY_BYTES {
        return Err(bad_request(
            "Permintaan terlalu besar.",
            "The request is too large.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        bad_request(
            &format!("Permintaan tidak valid: {e}"),
            &format!("Invalid request: {e}"),
        )
    })
}

fn parse_slot(text: &str) -> Result<LocalTime, Refused> {
    LocalTime::parse(text)
        .ok_or_else(|| bad_request("Jam harus berbentuk JJ:MM.", "The time must be HH:MM."))
}

/// `POST /api/sites/{site}/booking`
async fn book(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(site): Path<String>,
    body: Bytes,
) -> Result<Response, Refused> {
    let addr = read_access(&central, peer, &headers)?;
    let request: BookRequestDto = parse_body(&body)?;
    let (date, slot) = (parse_date(&request.date)?, parse_slot(&request.slot)?);
    let catalog = central.db.site_catalog(&site).await?;
    // The identity counts as typed (trimmed): a calo varying the spelling of one phone
    // number is still caught by the address limit and the one-booking-a-day rule.
    // Hashed: the limiter's memory holds no phone numbers or NIKs.
    let identity = |kind: &str, value: &str| hex(&link(&format!("{site}:{kind}:{value}"))[..16]);
    let mut keys = vec![identity("phone", request.phone.trim())];
    if let Some(nik) = request
        .nik
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        keys.push(identity("nik", nik));
    }
    limit_changes(&central, addr, &keys)?;
    let (token, manage_sha256) = super::new_manage_token();
    let (row, code) = central
        .db
        .central_book(
            &site,
            &catalog,
            &BookRequest {
                service: &request.service,
                date,
                slot,
                name: &request.name,
                phone: &request.phone,
                nik: request.nik.as_deref(),
                by: Booker::Visitor { manage_sha256 },
            },
            now(),
        )
        .await?;
    tracing::info!(site, number = row.number, "booked at central's page");
    let mut dto = view(&catalog, &row, code);
    dto.manage_token = Some(token);
    Ok(private(StatusCode::CREATED, dto))
}

/// SHA-256 of a private link's token (what central keeps of it).
fn link(token: &str) -> [u8; 32] {
    super::manage_sha256(token)
}

/// `GET /api/sites/{site}/booking/manage/{token}`
async fn status(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central
        .db
        .central_booking_by_link(&site, &link(&token))
        .await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `POST /api/sites/{site}/booking/manage/{token}/cancel`
async fn cancel(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    let addr = read_access(&central, peer, &headers)?;
    let sha = link(&token);
    limit_changes(&central, addr, &[format!("{site}:link:{}", hex(&sha[..8]))])?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central.db.central_cancel_by_link(&site, &sha).await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `POST /api/sites/{site}/booking/manage/{token}/reschedule`
async fn reschedule(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((site, token)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Refused> {
    let addr = read_access(&central, peer, &headers)?;
    let request: RescheduleDto = parse_body(&body)?;
    let (date, slot) = (parse_date(&request.date)?, parse_slot(&request.slot)?);
    let sha = link(&token);
    limit_changes(&central, addr, &[format!("{site}:link:{}", hex(&sha[..8]))])?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central
        .db
        .central_reschedule(&site, &catalog, &sha, date, slot, now())
        .await?;
    Ok(private(StatusCode::OK, view(&catalog, &row, code)))
}

/// `GET /api/sites/{site}/booking/manage/{token}/calendar.ics`
async fn calendar(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
    let catalog = central.db.site_catalog(&site).await?;
    let (row, code) = central
        .db
        .central_booking_by_link(&site, &link(&token))
        .await?;
    let dto = view(&catalog, &row, code);
    let tz = catalog.site.time_zone;
    let start = tz.at(row.date, row.slot);
    let end = LocalTime::parse(&dto.slot_end).map_or(start, |end| tz.at(row.date, end));
    let text = antrean_protocol::booking_ics::event(&dto, start, end, now());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"booking-antrean.ics\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

/// `GET /api/sites/{site}/booking/manage/{token}/qr.svg`: the code, for the kiosk's scanner.
async fn qr_code(
    State(central): State<Arc<Central>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((site, token)): Path<(String, String)>,
) -> Result<Response, Refused> {
    read_access(&central, peer, &headers)?;
    let (_, code) = central
        .db
        .central_booking_by_link(&site, &link(&token))
        .await?;
    let svg = antrean_web::qr_svg(&code, &format!("Kode booking {code}"))
        .ok_or_else(|| bad_request("Kode tidak tersedia.", "No code."))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
