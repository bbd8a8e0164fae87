//! Central managers: accounts (argon2id), the login form and browser sessions.
//!
//! Like the site's report, a page keeps no password: the form posts it once, the answer
//! sets an HttpOnly, SameSite=Strict cookie whose SHA-256 is all the database keeps. A
//! manager may be limited to a set of sites (a region's); every report query carries that
//! set, so a regional manager never sees another region's rows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::bail;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::limits::WEB_SESSION_TTL;
use crate::{Central, pages};

/// The session cookie's name.
pub const COOKIE: &str = "antrean_pusat";

/// Failed logins allowed per manager name before a pause of [`LOCKOUT`].
const MAX_FAILED_LOGINS: u32 = 5;
const LOCKOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// Names tracked for lockout; beyond it the table is cleared (an attacker cycling names
/// gains nothing: each name still gets only five tries per pause).
const MAX_LOCKOUT_NAMES: usize = 10_000;

/// Failed logins by manager name.
#[derive(Default)]
pub struct Lockout(Mutex<HashMap<String, (u32, Instant)>>);

impl Lockout {
    fn locked(&self, name: &str) -> bool {
        let map = self.0.lock().expect("lockout lock");
        matches!(map.get(name), Some((n, since)) if *n >= MAX_FAILED_LOGINS && since.elapsed() < LOCKOUT)
    }

    fn failed(&self, name: &str) {
        let mut map = self.0.lock().expect("lockout lock");
        if map.len() >= MAX_LOCKOUT_NAMES {
            map.clear();
        }
        let entry = map.entry(name.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= LOCKOUT {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    fn succeeded(&self, name: &str) {
        self.0.lock().expect("lockout lock").remove(name);
    }
}

/// A logged-in manager.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manager {
    /// Account name.
    pub name: String,
    /// Sites they may see (None: all).
    pub sites: Option<Vec<String>>,
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

impl Db {
    /// Adds a manager, or sets an existing one's password and sites.
    pub async fn put_manager(
        &self,
        name: &str,
        password: &str,
        sites: &[String],
    ) -> anyhow::Result<()> {
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
            bail!("manager name `{name}`: 1–64 characters, no spaces");
        }
        if password.chars().count() < 10 {
            bail!("the password needs at least 10 characters");
        }
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || {
            let mut salt = [0u8; 16];
            rand::rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
            argon2::Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
        let conn = self.get().await?;
        conn.execute(
            "INSERT INTO managers (name, password_argon2, sites) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET password_argon2 = excluded.password_argon2,
                 sites = excluded.sites",
            &[&name, &hash, &sites],
        )
        .await?;
        // A changed password ends the manager's browser sessions.
        conn.execute("DELETE FROM web_sessions WHERE manager = $1", &[&name])
            .await?;
        Ok(())
    }

    /// Checks a password; a new session token when right.
    async fn log_in(&self, name: &str, password: &str) -> anyhow::Result<Option<String>> {
        let conn = self.get().await?;
        let Some(row) = conn
            .query_opt(
                "SELECT password_argon2 FROM managers WHERE name = $1",
                &[&name],
            )
            .await?
        else {
            return Ok(None);
        };
        let stored: String = row.get(0);
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored).is_ok_and(|h| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
        })
        .await?;
        if !ok {
            return Ok(None);
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let ttl_s = WEB_SESSION_TTL.as_secs() as f64;
        conn.execute("DELETE FROM web_sessions WHERE expires_at < now()", &[])
            .await?;
        conn.execute(
            "INSERT INTO web_sessions (token_sha256, manager, expires_at)
             VALUES ($1, $2, now() + make_interval(secs => $3))",
            &[&sha256(token.as_bytes()), &name, &ttl_s],
        )
        .await?;
        Ok(Some(token))
    }

    /// The manager a cookie belongs to, if its session is live.
    pub async fn session(&self, token: &str) -> anyhow::Result<Option<Manager>> {
        let conn = self.get().await?;
        let row = conn
            .query_opt(
                "SELECT m.name, m.sites FROM web_sessions w JOIN managers m ON m.name = w.manager
                 WHERE w.token_sha256 = $1 AND w.expires_at > now()",
                &[&sha256(token.as_bytes())],
            )
            .await?;
        Ok(row.map(|r| {
            let sites: Vec<String> = r.get(1);
            Manager {
                name: r.get(0),
                sites: (!sites.is_empty()).then_some(sites),
            }
        }))
    }

    async fn log_out(&self, token: &str) -> anyhow::Result<()> {
        let conn = self.get().await?;
        conn.execute(
            "DELETE FROM web_sessions WHERE token_sha256 = $1",
            &[&sha256(token.as_bytes())],
        )
        .await?;
        Ok(())
    }
}

/// The session cookie's value in a request.
pub fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// The logged-in manager of a request.
pub async fn manager(central: &Central, headers: &HeaderMap) -> anyhow::Result<Option<Manager>> {
    match cookie(headers) {
        Some(token) => central.db.session(&token).await,
        None => Ok(None),
    }
}

/// A form post from another site is refused (the cookie is SameSite=Strict as well).
fn same_origin(headers: &HeaderMap) -> bool {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (get("origin"), get("host")) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// `GET /central/login`.
pub async fn form() -> Response {
    pages::login_page(None).into_response()
}

/// The login form's fields.
#[derive(serde::Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
}

/// `POST /central/login`.
pub async fn submit(
    State(central): State<Arc<Central>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-site login refused").into_response();
    }
    if central.lockout.locked(&form.name) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            pages::login_page(Some("Terlalu banyak percobaan. Coba lagi dalam 5 menit.")),
        )
            .into_response();
    }
    match central.db.log_in(&form.name, &form.password).await {
        Ok(Some(token)) => {
            central.lockout.succeeded(&form.name);
            let secure = if central.https { "; Secure" } else { "" };
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
                WEB_SESSION_TTL.as_secs()
            );
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/central/report"),
            )
                .into_response()
        }
        Ok(None) => {
            central.lockout.failed(&form.name);
            (
                StatusCode::UNAUTHORIZED,
                pages::login_page(Some("Nama atau kata sandi salah.")),
            )
                .into_response()
        }
        Err(err) => {
            tracing::error!("login: {err:#}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `POST /central/logout`.
pub async fn logout(State(central): State<Arc<Central>>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-site logout refused").into_response();
    }
    if let Some(token) = cookie(&headers) {
        let _ = central.db.log_out(&token).await;
    }
    let clear = format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    (
        [(header::SET_COOKIE, clear)],
        Redirect::to("/central/login"),
    )
        .into_response()
}
