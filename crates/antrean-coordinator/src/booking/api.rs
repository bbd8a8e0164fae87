//! The booking API over HTTP (docs/booking-api.md): the site's booking page and partner
//! apps use the same JSON endpoints. Everything that changes a booking goes to the
//! committer and is answered once durable, like any command.
//!
//! - `GET  /api/booking/days?service=…` — the dates that can be booked, with seats left
//! - `GET  /api/booking/slots?service=…&date=…` — a day's slots with seats left
//! - `POST /api/booking` — book; the answer has the code and the private link's token
//! - `GET  /api/booking/manage/{token}` — the booking (personal data masked)
//! - `POST /api/booking/manage/{token}/cancel`
//! - `POST /api/booking/manage/{token}/reschedule` — `{"date":…,"slot":…}`
//! - `GET  /api/booking/manage/{token}/calendar.ics` — a calendar entry
//! - `GET  /api/booking/manage/{token}/qr.svg` — the code as a QR code
//!
//! The services that take bookings, with their rules, are in `GET /api/catalog`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use antrean_core::booking::{Booking, BookingProblem, NikRule, contact, nik};
use antrean_core::event::BookingChannel;
use antrean_core::rate::{BookingLimits, BookingShare};
use antrean_core::{Command, LocalDate, LocalTime, Rejection};
use antrean_protocol::{
    BookRequestDto, BookingDayDto, BookingDto, BookingErrorDto, DaysDto, RescheduleDto, SlotsDto,
    booking_error, booking_status, slot_view,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::{BookingCodes, Personal, Vault};
use crate::committer::{BookingOp, BookingReply, Job};
use crate::http::AppState;
use crate::limits::{
    BOOKING_CHANGES_PER_HOUR, BOOKING_CHANGES_PER_HOUR_PER_ADDRESS,
    BOOKING_REQUESTS_PER_MINUTE_PER_ADDRESS, MAX_BOOKING_BODY_BYTES, MAX_BOOKING_RATE_ENTRIES,
};

/// What the booking API needs beside the committer.
pub struct BookingSide {
    /// Personal data keys.
    pub vault: Vault,
    /// Codes and private links.
    pub codes: BookingCodes,
    /// Rate limits.
    pub limits: std::sync::Mutex<BookingLimits>,
    /// The reverse proxy in front of this site, if any: its `X-Forwarded-For` names the
    /// client (from anyone else the header is ignored, or it would dodge the limits).
    pub trusted_proxy: Option<IpAddr>,
}

/// The booking API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/booking/days", get(days))
        .route("/api/booking/slots", get(slots))
        .route("/api/booking", post(book))
        .route("/api/booking/manage/{token}", get(status))
        .route("/api/booking/manage/{token}/cancel", post(cancel))
        .route("/api/booking/manage/{token}/reschedule", post(reschedule))
        .route("/api/booking/manage/{token}/calendar.ics", get(calendar))
        .route("/api/booking/manage/{token}/qr.svg", get(qr_code))
}

/// A refusal as an HTTP answer.
struct Refused(StatusCode, BookingErrorDto);

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.1).expect("an error body serializes");
        (self.0, [(header::CONTENT_TYPE, JSON)], body).into_response()
    }
}

const JSON: &str = "application/json; charset=utf-8";

fn json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    let text = serde_json::to_string(body).expect("a booking answer serializes");
    (
        status,
        [
            (header::CONTENT_TYPE, JSON),
            // Personal data and private links: never kept by a shared cache.
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

fn refused(rejection: &Rejection) -> Refused {
    let status = match rejection {
        Rejection::Booking(p) => StatusCode::from_u16(booking_status(p)).expect("a valid status"),
        Rejection::UnknownService { .. } => StatusCode::NOT_FOUND,
        _ => StatusCode::CONFLICT,
    };
    let body = match rejection {
        Rejection::Booking(p) => booking_error(p),
        other => BookingErrorDto {
            code: other.code().into(),
            message_id: other.message_id(),
            message_en: other.message_en(),
            next_date: None,
        },
    };
    Refused(status, body)
}

fn simple(status: StatusCode, code: &str, message_id: &str, message_en: &str) -> Refused {
    Refused(
        status,
        BookingErrorDto {
            code: code.into(),
            message_id: message_id.into(),
            message_en: message_en.into(),
            next_date: None,
        },
    )
}

fn bad_request(what_id: &str, what_en: &str) -> Refused {
    simple(StatusCode::BAD_REQUEST, "bad_request", what_id, what_en)
}

fn rate_limited() -> Refused {
    simple(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Terlalu banyak permintaan. Silakan coba lagi sebentar lagi.",
        "Too many requests. Please try again shortly.",
    )
}

fn stopped() -> Refused {
    simple(
        StatusCode::SERVICE_UNAVAILABLE,
        "shutting_down",
        "Server sedang berhenti; tidak ada yang disimpan. Silakan coba lagi.",
        "The server is stopping; nothing was saved. Please try again.",
    )
}

fn now_s() -> u64 {
    (crate::committer::now().0 / 1000).max(0) as u64
}

/// The client's address (the trusted proxy's `X-Forwarded-For` entry when behind one).
fn client(side: &BookingSide, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    antrean_web::client_address(peer, side.trusted_proxy, headers)
}

fn limits(side: &BookingSide) -> std::sync::MutexGuard<'_, BookingLimits> {
    side.limits.lock().unwrap_or_else(|p| p.into_inner())
}

fn limit_reads(side: &BookingSide, addr: IpAddr) -> Result<(), Refused> {
    if limits(side).allow_request(&addr.to_string(), now_s()) {
        Ok(())
    } else {
        Err(rate_limited())
    }
}

/// Counts one change for the client address and for each identity key given.
fn limit_changes(side: &BookingSide, addr: IpAddr, identities: &[String]) -> Result<(), Refused> {
    if limits(side).allow_change(&addr.to_string(), identities, now_s()) {
        Ok(())
    } else {
        Err(rate_limited())
    }
}

async fn ask(state: &AppState, op: BookingOp) -> Result<BookingReply, Refused> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    state
        .shared
        .jobs
        .send(Job::Booking { op, reply: tx })
        .await
        .map_err(|_| stopped())?;
    let reply = rx.await.map_err(|_| stopped())?;
    match &reply.refused {
        Some(rejection) => Err(refused(rejection)),
        None => Ok(reply),
    }
}

fn parse_date(text: &str) -> Result<LocalDate, Refused> {
    antrean_protocol::booking_date(text).map_err(|e| Refused(StatusCode::BAD_REQUEST, e))
}

fn parse_slot(text: &str) -> Result<LocalTime, Refused> {
    antrean_protocol::booking_slot(text).map_err(|e| Refused(StatusCode::BAD_REQUEST, e))
}

fn parse_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, Refused> {
    antrean_protocol::booking_body(body, MAX_BOOKING_BODY_BYTES)
        .map_err(|e| Refused(StatusCode::BAD_REQUEST, e))
}

fn query_param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `GET /api/booking/days?service=…`
async fn days(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    limit_reads(side, client(side, peer, &headers))?;
    let service = query_param(&query, "service")
        .ok_or_else(|| bad_request("Pilih layanan.", "Choose a service."))?
        .to_owned();
    let reply = ask(
        &state,
        BookingOp::Days {
            service: service.clone(),
        },
    )
    .await?;
    let window = state
        .shared
        .core_catalog
        .service(&service)
        .and_then(|s| s.booking.as_ref())
        .map(|rules| antrean_protocol::booking_rules_view(rules).window)
        .unwrap_or_default();
    Ok(json(
        StatusCode::OK,
        &DaysDto {
            service,
            today: reply
                .days
                .first()
                .map(|(d, _)| d.to_string())
                .unwrap_or_default(),
            window_open: reply.window_open,
            window,
            days: reply
                .days
                .iter()
                .map(|(date, left)| BookingDayDto {
                    date: date.to_string(),
                    closed: left.is_none(),
                    seats_left: left.unwrap_or(0),
                })
                .collect(),
        },
    ))
}

/// `GET /api/booking/slots?service=…&date=…`
async fn slots(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    limit_reads(side, client(side, peer, &headers))?;
    let param = |name: &str| query_param(&query, name);
    let service = param("service")
        .ok_or_else(|| bad_request("Pilih layanan.", "Choose a service."))?
        .to_owned();
    let date = parse_date(param("date").unwrap_or(""))?;
    let reply = ask(
        &state,
        BookingOp::Slots {
            service: service.clone(),
            date,
        },
    )
    .await?;
    Ok(json(
        StatusCode::OK,
        &SlotsDto {
            service,
            date: date.to_string(),
            slots: reply.slots.iter().map(slot_view).collect(),
            next_date_with_seats: reply.next_date.map(|d| d.to_string()),
        },
    ))
}

/// `POST /api/booking`
async fn book(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    let side = state.shared.booking.clone();
    let addr = client(&side, peer, &headers);
    limit_reads(&side, addr)?;
    let request: BookRequestDto = parse_body(&body)?;
    let catalog = &state.shared.core_catalog;
    let booking_problem = |p: BookingProblem| refused(&Rejection::Booking(p));
    let service = catalog.service(&request.service).ok_or_else(|| {
        refused(&Rejection::UnknownService {
            service: request.service.clone(),
        })
    })?;
    let rules = service.booking.as_ref().ok_or_else(|| {
        booking_problem(BookingProblem::NotOffered {
            service_name: service.name_id.clone(),
        })
    })?;
    if rules.booked_at == antrean_core::booking::BookedAt::Central {
        // Refused before any personal data is checked or sealed: central takes these.
        return Err(booking_problem(BookingProblem::BookedAtCentral {
            service_name: service.name_id.clone(),
        }));
    }
    let date = parse_date(&request.date)?;
    let slot = parse_slot(&request.slot)?;
    let name = contact::check_name(&request.name).map_err(booking_problem)?;
    let phone = contact::check_phone(&request.phone).map_err(booking_problem)?;
    let today = catalog.site.time_zone.local(crate::committer::now()).date;
    // Data minimisation: a NIK the service does not ask for is not kept.
    let nik = match (rules.nik, request.nik.as_deref().map(str::trim)) {
        (NikRule::NotAsked, _) | (_, None | Some("")) => None,
        (_, Some(text)) => Some(
            nik::check(text, today).map_err(|p| booking_problem(BookingProblem::InvalidNik(p)))?,
        ),
    };
    let personal = Personal { name, phone, nik };
    let identity_keys = side.vault.identity_keys(&personal);
    limit_changes(&side, addr, &identity_keys)?;
    let nik_given = personal.nik.is_some();
    let service_code = service.code.clone();
    // Creating a day's key syncs a file and a directory: off the async workers. Once the
    // key is in memory, sealing is a few microseconds of CPU.
    let sealed = match side.vault.seal_cached(&service_code, date, &personal) {
        Some(sealed) => sealed,
        None => {
            let sealing = side.clone();
            tokio::task::spawn_blocking(move || sealing.vault.seal(&service_code, date, &personal))
                .await
                .map_err(|_| stopped())?
        }
    }
    .map_err(|e| {
        tracing::error!(error = %e, "cannot seal a booking's personal data");
        simple(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan di server; booking tidak disimpan.",
            "A server error; the booking was not saved.",
        )
    })?;
    let reply = ask(
        &state,
        BookingOp::Change(Command::Book {
            service: request.service.clone(),
            date,
            slot,
            identity_keys,
            nik_given,
            sealed,
            channel: BookingChannel::Web,
        }),
    )
    .await?;
    let booking = reply.booking.as_ref().expect("a booking answers with it");
    let mut dto = booking_view(&state, booking, reply.ticket_number.as_deref())?;
    dto.manage_token = Some(side.codes.manage_token(booking.id));
    Ok(json(StatusCode::CREATED, &dto))
}

fn token_booking(
    side: &BookingSide,
    token: &str,
) -> Result<antrean_core::booking::BookingId, Refused> {
    side.codes.verify_token(token).ok_or_else(|| {
        refused(&Rejection::Booking(BookingProblem::Unknown {
            booking: antrean_core::booking::BookingId(0),
        }))
    })
}

/// `GET /api/booking/manage/{token}`
async fn status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    limit_reads(side, client(side, peer, &headers))?;
    let id = token_booking(side, &token)?;
    let reply = ask(&state, BookingOp::Status(id)).await?;
    let booking = reply.booking.as_ref().expect("a status answers with it");
    Ok(json(
        StatusCode::OK,
        &booking_view(&state, booking, reply.ticket_number.as_deref())?,
    ))
}

/// `POST /api/booking/manage/{token}/cancel`
async fn cancel(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    let addr = client(side, peer, &headers);
    limit_reads(side, addr)?;
    let id = token_booking(side, &token)?;
    limit_changes(side, addr, &[format!("booking:{}", id.0)])?;
    let reply = ask(
        &state,
        BookingOp::Change(Command::CancelBooking { booking: id }),
    )
    .await?;
    let booking = reply.booking.as_ref().expect("a change answers with it");
    Ok(json(StatusCode::OK, &booking_view(&state, booking, None)?))
}

/// `POST /api/booking/manage/{token}/reschedule`
async fn reschedule(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    let addr = client(side, peer, &headers);
    limit_reads(side, addr)?;
    let id = token_booking(side, &token)?;
    let request: RescheduleDto = parse_body(&body)?;
    let (date, slot) = (parse_date(&request.date)?, parse_slot(&request.slot)?);
    limit_changes(side, addr, &[format!("booking:{}", id.0)])?;
    let reply = ask(
        &state,
        BookingOp::Change(Command::RescheduleBooking {
            booking: id,
            date,
            slot,
        }),
    )
    .await?;
    let booking = reply.booking.as_ref().expect("a change answers with it");
    Ok(json(StatusCode::OK, &booking_view(&state, booking, None)?))
}

/// `GET /api/booking/manage/{token}/calendar.ics`
async fn calendar(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    limit_reads(side, client(side, peer, &headers))?;
    let id = token_booking(side, &token)?;
    let reply = ask(&state, BookingOp::Status(id)).await?;
    let booking = reply.booking.as_ref().expect("a status answers with it");
    let view = booking_view(&state, booking, None)?;
    let tz = state.shared.core_catalog.site.time_zone;
    let ics = antrean_protocol::booking_ics::booking_event(&view, tz, crate::committer::now())
        .ok_or_else(|| bad_request("Jadwal tidak terbaca.", "Unreadable time."))?;
    Ok(antrean_web::calendar_file(ics))
}

/// `GET /api/booking/manage/{token}/qr.svg`: the booking code, for the kiosk's scanner.
async fn qr_code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, Refused> {
    let side = &state.shared.booking;
    limit_reads(side, client(side, peer, &headers))?;
    let id = token_booking(side, &token)?;
    let code = side
        .codes
        .code(id)
        .ok_or_else(|| bad_request("Kode tidak tersedia.", "No code."))?;
    antrean_web::code_qr(&code).ok_or_else(|| bad_request("Kode tidak tersedia.", "No code."))
}

/// A booking as its visitor sees it: names from the catalog, personal data opened and
/// masked (absent once deleted).
fn booking_view(
    state: &AppState,
    booking: &Booking,
    ticket_number: Option<&str>,
) -> Result<BookingDto, Refused> {
    let side = &state.shared.booking;
    let personal = side
        .vault
        .open_sealed(&booking.service, booking.date, &booking.sealed);
    let code = side.codes.code(booking.id).ok_or_else(|| {
        simple(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Nomor booking melebihi batas kode.",
            "The booking number exceeds the code range.",
        )
    })?;
    Ok(BookingDto {
        name: personal.as_ref().map(|p| p.name.clone()),
        phone_masked: personal.as_ref().map(|p| contact::mask_phone(&p.phone)),
        nik_masked: personal
            .as_ref()
            .and_then(|p| p.nik.as_deref().map(nik::mask)),
        ticket_number: ticket_number.map(str::to_owned),
        ..antrean_protocol::booking_view(
            &state.shared.core_catalog,
            code,
            &booking.service,
            booking.date,
            booking.slot,
            booking.state.key(),
        )
    })
}

/// The shared part of the booking API, made at start.
pub fn side(
    data_dir: &std::path::Path,
    site_secret: [u8; 32],
    trusted_proxy: Option<IpAddr>,
) -> std::io::Result<Arc<BookingSide>> {
    Ok(Arc::new(BookingSide {
        vault: Vault::open(data_dir, site_secret)?,
        codes: BookingCodes::new(site_secret),
        limits: std::sync::Mutex::new(BookingLimits::new(
            BookingShare {
                requests_per_minute_per_client: BOOKING_REQUESTS_PER_MINUTE_PER_ADDRESS,
                changes_per_hour_per_client: BOOKING_CHANGES_PER_HOUR_PER_ADDRESS,
                changes_per_hour_per_identity: BOOKING_CHANGES_PER_HOUR,
            },
            MAX_BOOKING_RATE_ENTRIES,
        )),
        trusted_proxy,
    }))
}
