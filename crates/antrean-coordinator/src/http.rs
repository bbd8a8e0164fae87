//! HTTP routes on the one port: `/ws`, `/health`, `/metrics`, `/api/catalog` and the
//! browser login under `/api/session` ([`crate::web_login`]).

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;

use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{mpsc, oneshot};

use crate::committer::Job;
use crate::limits::*;
use crate::session::{self, Shared};

/// State of the HTTP side.
#[derive(Clone)]
pub struct AppState {
    /// Shared session state.
    pub shared: Arc<Shared>,
    /// Held by every session; shutdown waits until all clones are gone.
    pub done: mpsc::Sender<()>,
}

/// The router. `pages` are stateless routes served on the same port (the web pages of the
/// officer console, display board and digital ticket; see the `antrean` binary).
pub fn router(state: AppState, pages: Router) -> Router {
    Router::new()
        .route("/ws", get(websocket))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/catalog", get(catalog))
        .route(
            "/api/session",
            get(crate::web_login::who).post(crate::web_login::log_in),
        )
        .route("/api/session/logout", post(crate::web_login::log_out))
        .merge(crate::booking::api::routes())
        .with_state(state)
        .merge(pages)
}

async fn websocket(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // RFC 6455 §4.2.1: the key is 16 random bytes in base64. axum answers any string;
    // a malformed key is a client we would rather refuse than half-understand.
    if !valid_websocket_key(headers.get("sec-websocket-key")) {
        return (StatusCode::BAD_REQUEST, "invalid Sec-WebSocket-Key").into_response();
    }
    // A page of another site must not open a socket here: with the browser's cookie it
    // would act as the logged-in officer or manager (cross-site WebSocket hijacking).
    if !crate::web_login::from_own_pages(&headers) {
        return (StatusCode::FORBIDDEN, "cross-site WebSocket refused").into_response();
    }
    let cookie = crate::web_login::request_cookie(&headers).map(str::to_owned);
    // Take the slot before upgrading, in one atomic step: checking the count and adding
    // to it later let a burst of simultaneous connects pass the limit together.
    let Some(slot) = session::ConnectionSlot::take(&state.shared.metrics, MAX_CONNECTIONS) else {
        state
            .shared
            .metrics
            .connections_refused
            .fetch_add(1, Relaxed);
        return (StatusCode::SERVICE_UNAVAILABLE, "too many connections").into_response();
    };
    if *state.shared.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let shared = state.shared.clone();
    let done = state.done.clone();
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_write_buffer_size(MAX_WRITE_BUFFER_BYTES)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| session::run(socket, peer.ip(), cookie, shared, slot, done))
}

async fn health(State(state): State<AppState>) -> Response {
    // Ready means the committer answers (the log was replayed before we listened).
    let (status, body) = match inspect(&state).await {
        Some(inspection) => (
            StatusCode::OK,
            antrean_protocol::HealthDto {
                status: "ok".into(),
                seq: Some(inspection.seq),
            },
        ),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            antrean_protocol::HealthDto {
                status: "stopping".into(),
                seq: None,
            },
        ),
    };
    let body = serde_json::to_string(&body).expect("the health answer serializes");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The site catalog with every published Standar Pelayanan: public information by law
/// (UU 25/2009), so no credentials are needed.
async fn catalog(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        state.shared.catalog_json.clone(),
    )
        .into_response()
}

async fn metrics(State(state): State<AppState>) -> Response {
    match inspect(&state).await {
        Some(inspection) => {
            let mut text = state.shared.metrics.render(&inspection);
            if let Some(ship) = &state.shared.ship {
                text.push_str(&shipping_metrics(&state, ship, inspection.seq));
            }
            ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
        }
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The shipping lines, with the age of the oldest event central lacks read from the log.
fn shipping_metrics(state: &AppState, ship: &crate::shipper::ShipGauges, last_seq: u64) -> String {
    let confirmed = ship
        .confirmed_seq
        .load(std::sync::atomic::Ordering::Relaxed);
    let oldest_missing = if confirmed < last_seq {
        match state.shared.store.read_log_from(confirmed + 1).next() {
            Some(Ok(record)) => Some(record.at_ms),
            _ => None,
        }
    } else {
        None
    };
    crate::shipper::render(ship, last_seq, oldest_missing)
}

async fn inspect(state: &AppState) -> Option<crate::metrics::Inspection> {
    let (tx, rx) = oneshot::channel();
    state.shared.jobs.send(Job::Inspect(tx)).await.ok()?;
    rx.await.ok()
}

fn valid_websocket_key(key: Option<&axum::http::HeaderValue>) -> bool {
    use base64::Engine as _;
    key.and_then(|k| {
        base64::engine::general_purpose::STANDARD
            .decode(k.as_bytes())
            .ok()
    })
    .is_some_and(|bytes| bytes.len() == 16)
}
