//! The browser login over HTTP: `POST /api/session` (log in), `GET /api/session` (who am
//! I), `POST /api/session/logout`. See [`crate::web_sessions`] for the table and
//! docs/protocol.md ("Web sessions") for the contract.
//!
//! Cross-site requests are refused here and at the WebSocket upgrade ([`from_own_pages`]):
//! the cookie is `SameSite=Strict` already, and a page of another site must not be able to
//! log a browser in or out, nor open a socket to the coordinator with its cookie.

use std::sync::atomic::Ordering::Relaxed;

use antrean_protocol::{Auth, ErrorCode, ServerMessage, WebSessionDto, protocol_error};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::http::AppState;
use crate::web_sessions::{COOKIE_NAME, WebSessionError, cookie_value, web_key};

/// `POST /api/session` with an officer's or a manager's `auth` object as the body.
pub async fn log_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !from_own_pages(&headers) || !is_json(&headers) {
        return refused(StatusCode::FORBIDDEN, ErrorCode::CrossSite);
    }
    if body.len() > crate::limits::MAX_LOGIN_BODY_BYTES {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            bad_request("the body is too large"),
        );
    }
    let auth: Auth = match serde_json::from_slice(&body) {
        Ok(auth @ (Auth::Officer { .. } | Auth::Manager { .. })) => auth,
        Ok(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                bad_request("only officers and managers log in from a browser"),
            );
        }
        Err(err) => return error(StatusCode::BAD_REQUEST, bad_request(&err.to_string())),
    };
    let shared = &state.shared;
    let principal = match crate::login::log_in(shared, auth, peer.ip(), None).await {
        Ok(principal) => principal,
        Err(answer) => return error(status_of(&answer), answer),
    };
    let kind = match principal {
        crate::auth::Principal::Officer { .. } => antrean_store::PrincipalKind::Officer,
        _ => antrean_store::PrincipalKind::Manager,
    };
    let credential = match shared.auth.credential_fingerprint(kind, &principal.name()) {
        Ok(Some(credential)) => credential,
        // Removed between the check and now.
        Ok(None) => return refused(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
        Err(_) => return refused(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
    };
    let now_ms = crate::committer::now().0;
    // Off the async threads: creating writes the sessions file (and syncs it).
    let (owner, who) = (state.shared.clone(), principal.clone());
    let created =
        tokio::task::spawn_blocking(move || owner.sessions.web.create(&who, credential, now_ms))
            .await
            .expect("session task");
    let created = match created {
        Ok(created) => created,
        Err(WebSessionError::Full) => {
            return refused(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::TooManySessions);
        }
        Err(WebSessionError::NotAPerson) => {
            return refused(StatusCode::FORBIDDEN, ErrorCode::Forbidden);
        }
    };
    shared.metrics.web_logins.fetch_add(1, Relaxed);
    tracing::info!(source = %peer, role = principal.role(), name = %principal.name(), "browser logged in");
    let lifetime_s = (created.record.expires_ms - now_ms) / 1000;
    let cookie = format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={lifetime_s}{}",
        created.cookie,
        if over_https(&headers) { "; Secure" } else { "" }
    );
    let dto = WebSessionDto {
        role: principal.role().to_owned(),
        principal: principal.name(),
        counter: created.record.counter.clone(),
        expires_ms: created.record.expires_ms,
    };
    let mut response = json(StatusCode::OK, &dto);
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("the cookie is ASCII"),
    );
    response
}

/// `GET /api/session`: who the cookie logs in as (a reloaded page skips the login form).
pub async fn who(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match crate::login::find_session(&state.shared, request_cookie(&headers)) {
        Some((principal, record)) => json(
            StatusCode::OK,
            &WebSessionDto {
                role: principal.role().to_owned(),
                principal: principal.name(),
                counter: record.counter,
                expires_ms: record.expires_ms,
            },
        ),
        None => refused(StatusCode::UNAUTHORIZED, ErrorCode::SessionExpired),
    }
}

/// `POST /api/session/logout`: ends the cookie's session and every socket opened with it,
/// and clears the cookie. Logging out twice is fine.
pub async fn log_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !from_own_pages(&headers) {
        return refused(StatusCode::FORBIDDEN, ErrorCode::CrossSite);
    }
    if let Some(cookie) = request_cookie(&headers).map(str::to_owned) {
        let shared = state.shared.clone();
        tokio::task::spawn_blocking(move || {
            if let Some(record) = shared.sessions.web.end(&cookie) {
                shared.sessions.cut(&web_key(&record.token_sha256));
                tracing::info!(name = %record.name, "browser logged out");
            }
        })
        .await
        .expect("logout task");
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_static("antrean_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Our session cookie in a request, if any.
pub fn request_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(cookie_value)
}

/// True unless a browser says the request comes from a page of another site. Browsers send
/// `Origin` with every POST and WebSocket upgrade (and `Sec-FETCH-Site` in recent ones);
/// devices and the CLI send neither and cannot be made to act by a foreign page. Behind a
/// reverse proxy that rewrites `Host`, the proxy must pass `X-Forwarded-Host`
/// (docs/operations.md).
pub fn from_own_pages(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some((scheme, origin_host)) = origin.to_str().ok().and_then(|o| o.split_once("://")) else {
        // "null" (a sandboxed frame, a file) or garbage.
        return false;
    };
    let host_is = |name: &str| {
        headers
            .get(name)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| host.eq_ignore_ascii_case(origin_host))
    };
    matches!(scheme, "http" | "https") && (host_is("host") || host_is("x-forwarded-host"))
}

/// `Content-Type: application/json`: a page of another site cannot send it without a
/// preflight the server never answers, on top of the origin check.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim() == "application/json")
        })
}

/// The page was loaded over HTTPS (directly, or through a proxy that says so): the cookie
/// then gets `Secure`. Plain HTTP on a site LAN cannot use it.
fn over_https(headers: &HeaderMap) -> bool {
    let says = |name: &str, prefix: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with(prefix))
    };
    says("x-forwarded-proto", "https") || says("origin", "https://")
}

fn bad_request(detail: &str) -> ServerMessage {
    antrean_protocol::bad_request(None, detail)
}

/// The HTTP status that goes with an error answer's code.
fn status_of(answer: &ServerMessage) -> StatusCode {
    let ServerMessage::Error { code, .. } = answer else {
        return StatusCode::INTERNAL_SERVER_ERROR;
    };
    match code.as_str() {
        "unauthorized" | "session_expired" => StatusCode::UNAUTHORIZED,
        "locked_out" => StatusCode::TOO_MANY_REQUESTS,
        "cross_site" | "forbidden" => StatusCode::FORBIDDEN,
        "counter_in_use" => StatusCode::CONFLICT,
        "shutting_down" | "too_many_sessions" => StatusCode::SERVICE_UNAVAILABLE,
        "internal" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn refused(status: StatusCode, code: ErrorCode) -> Response {
    error(status, protocol_error(None, code))
}

fn error(status: StatusCode, answer: ServerMessage) -> Response {
    json(status, &answer)
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    let body = serde_json::to_string(value).expect("answers serialize");
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_pages_of_this_server_or_no_page_at_all_pass() {
        assert!(from_own_pages(&headers(&[("host", "10.0.0.5:8080")])));
        assert!(from_own_pages(&headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8080"),
            ("sec-fetch-site", "same-origin"),
        ])));
        assert!(!from_own_pages(&headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://evil.example"),
        ])));
        assert!(!from_own_pages(&headers(&[
            ("host", "10.0.0.5:8080"),
            ("origin", "http://10.0.0.5:8080"),
            ("sec-fetch-site", "cross-site"),
        ])));
        assert!(!from_own_pages(&headers(&[
            ("host", "10.0.0.5:8080"),
            ("sec-fetch-site", "same-site"),
        ])));
        assert!(!from_own_pages(&headers(&[
            ("host", "a"),
            ("origin", "null")
        ])));
        assert!(!from_own_pages(&headers(&[
            ("host", "a"),
            ("origin", "ftp://a")
        ])));
        // Behind a proxy that rewrites Host but says where the page came from.
        assert!(from_own_pages(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "antrean.mpp.go.id"),
            ("origin", "https://antrean.mpp.go.id"),
        ])));
    }

    #[test]
    fn the_login_body_must_be_json() {
        assert!(is_json(&headers(&[("content-type", "application/json")])));
        assert!(is_json(&headers(&[(
            "content-type",
            "application/json; charset=utf-8"
        )])));
        assert!(!is_json(&headers(&[("content-type", "text/plain")])));
        assert!(!is_json(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded"
        )])));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn the_cookie_is_secure_only_over_https() {
        assert!(over_https(&headers(&[("x-forwarded-proto", "https")])));
        assert!(over_https(&headers(&[("origin", "https://a")])));
        assert!(!over_https(&headers(&[("origin", "http://a")])));
        assert!(!over_https(&HeaderMap::new()));
    }

    #[test]
    fn the_cookie_is_found_in_any_cookie_header() {
        let map = headers(&[("cookie", "a=1"), ("cookie", "antrean_session=s3; b=2")]);
        assert_eq!(request_cookie(&map), Some("s3"));
        assert_eq!(request_cookie(&headers(&[("cookie", "a=1")])), None);
    }
}
