//! The web pages of a site, served by the coordinator on its one port: the officer console
//! (`/console`), the waiting-room display board with voice calls (`/board?token=…`), the
//! digital ticket (`/t/{token}`, the URL in the ticket's QR code) with its satisfaction
//! survey, the counter's rating screen (`/rate?token=…`) and the manager's report with the
//! printable IKM publication board (`/report`, `/report/ikm`), the managers' page for
//! devices, officers and counters (`/admin`), and the visitors' booking page (`/booking`,
//! `/booking/manage/{token}` for the private link).
//!
//! **Key design decision:** everything is embedded in the binary — HTML, CSS, JavaScript
//! and the voice clips — and the pages speak the documented WebSocket protocol
//! (docs/protocol.md) like any other client. A site runs on a LAN without internet, so
//! there is no CDN, no web font and no build step: plain files a person can read, served
//! from memory. The router is stateless; it knows nothing about queues.
#![deny(missing_docs)]

mod booking_files;
mod client;
mod embedded;
mod gzip;
mod qr;
mod voice_clips;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use booking_files::{calendar_file, code_qr};
pub use client::client_address;
pub use embedded::{Asset, asset};
pub use qr::svg as qr_svg;
pub use voice_clips::{VOICE_CLIPS, voice_clip};

/// The routes of the pages, assets and voice clips. Merge into the coordinator's router.
pub fn router() -> Router {
    Router::new()
        .route("/", get(|h: HeaderMap| page(h, "index.html")))
        .route("/console", get(|h: HeaderMap| page(h, "console.html")))
        .route("/board", get(|h: HeaderMap| page(h, "board.html")))
        .route("/rate", get(|h: HeaderMap| page(h, "rate.html")))
        .route("/report", get(|h: HeaderMap| page(h, "report.html")))
        // The same page, opening on the publication board once the report is in.
        .route("/report/ikm", get(|h: HeaderMap| page(h, "report.html")))
        .route("/admin", get(|h: HeaderMap| page(h, "admin.html")))
        // The token stays in the path for the page's script; the HTML is the same for all.
        .route(
            "/t/{token}",
            get(|h: HeaderMap, _: Path<String>| page(h, "ticket.html")),
        )
        .route("/booking", get(|h: HeaderMap| page(h, "booking.html")))
        .route(
            "/booking/manage/{token}",
            get(|h: HeaderMap, _: Path<String>| page(h, "booking.html")),
        )
        .route("/assets/{name}", get(serve_asset))
        // Browsers ask for it on their own; every page also links the same icon.
        .route("/favicon.ico", get(|h: HeaderMap| page(h, "favicon.svg")))
        .route("/voice/id/{clip}", get(serve_voice))
}

async fn page(headers: HeaderMap, name: &str) -> Response {
    match asset(name) {
        Some(found) => respond(&headers, found, REVALIDATE),
        None => not_found(),
    }
}

async fn serve_asset(headers: HeaderMap, Path(name): Path<String>) -> Response {
    // Only names in the embedded table exist: a path like "../x" is just an unknown name.
    match asset(&name) {
        Some(found) if !name.ends_with(".html") => respond(&headers, found, REVALIDATE),
        _ => not_found(),
    }
}

async fn serve_voice(headers: HeaderMap, Path(file): Path<String>) -> Response {
    let clip = file.strip_suffix(".wav").and_then(voice_clip);
    match clip {
        Some(bytes) => respond(
            &headers,
            Asset {
                bytes,
                content_type: "audio/wav",
            },
            VOICE_CACHE,
        ),
        None => not_found(),
    }
}

/// Pages and scripts are revalidated on every load (a cheap 304 on a LAN), so an upgraded
/// coordinator never runs with yesterday's script on a board that stays open for weeks.
const REVALIDATE: &str = "no-cache";
/// Clips change only when a site records its own voice; a day of caching spares the board
/// re-downloading ~1 MB after each reload, and the ETag still catches a replacement.
const VOICE_CACHE: &str = "public, max-age=86400";

fn respond(headers: &HeaderMap, found: Asset, cache_control: &'static str) -> Response {
    // Text goes gzip-compressed to a browser that accepts it (every browser does); the
    // variant has its own ETag so a cache never mixes the two.
    let gzip = accepts_gzip(headers)
        .then(|| gzip::compressed(found))
        .flatten();
    let (body, etag_suffix) = match gzip {
        Some(bytes) => (bytes, "-gz"),
        None => (found.bytes, ""),
    };
    let etag = format!("\"{:016x}{etag_suffix}\"", fnv1a(found.bytes));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let common = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).expect("hex etag is a valid header"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let encoding = if gzip.is_some() { "gzip" } else { "identity" };
    (
        common,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(found.content_type),
            ),
            (header::CONTENT_ENCODING, HeaderValue::from_static(encoding)),
        ],
        body,
    )
        .into_response()
}

/// Whether the request accepts gzip (`Accept-Encoding: gzip`, not `gzip;q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
        })
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Halaman tidak ditemukan / Not found",
    )
        .into_response()
}

/// FNV-1a: a stable content hash for ETags (not security: the files are public).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
