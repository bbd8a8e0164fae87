//! Logging in: checking credentials (a socket's `hello` or a browser's `POST /api/session`)
//! and resuming a browser's web session from its cookie.
//!
//! Both ways end the same: a [`Principal`], and for an officer the counter opened in their
//! name (sitting at a counter opens it; it fails if another officer holds it).

use std::net::IpAddr;
use std::sync::atomic::Ordering::Relaxed;

use antrean_protocol::{Auth, ErrorCode, ServerMessage, protocol_error};
use antrean_store::{PrincipalKind, WebSessionRecord};

use crate::auth::{AuthError, Principal};
use crate::committer::{Job, error_message};
use crate::session::Shared;
use crate::web_sessions::principal_of;

/// Checks `auth` presented from `peer` (argon2 runs off the async threads) and, for an
/// officer, opens the counter. Errors are the answers to send (with the request's `id`).
pub async fn log_in(
    shared: &Shared,
    auth: Auth,
    peer: IpAddr,
    id: Option<String>,
) -> Result<Principal, ServerMessage> {
    if let Auth::Officer { counter, .. } = &auth
        && let Some(refusal) = unknown_counter(shared, counter, id.clone())
    {
        return Err(refusal);
    }
    let authenticator = shared.auth.clone();
    let person = match &auth {
        Auth::Officer { officer, .. } => Some(format!("officer:{officer}")),
        Auth::Manager { username, .. } => Some(format!("manager:{username}")),
        _ => None,
    };
    let metrics = shared.metrics.clone();
    let principal = tokio::task::spawn_blocking(move || authenticator.login(&auth, peer))
        .await
        .expect("login task")
        .map_err(|err| match err {
            AuthError::Invalid => {
                if let Some(person) = &person {
                    metrics.login_failures.fetch_add(1, Relaxed);
                    tracing::warn!(source = %peer, name = %person, "failed login");
                }
                protocol_error(id.clone(), ErrorCode::Unauthorized)
            }
            AuthError::LockedOut => {
                metrics.logins_locked_out.fetch_add(1, Relaxed);
                protocol_error(id.clone(), ErrorCode::LockedOut)
            }
            AuthError::Store(err) => {
                tracing::error!(%err, "credential store failure");
                protocol_error(id.clone(), ErrorCode::Internal)
            }
            AuthError::Stopped => protocol_error(id.clone(), ErrorCode::ShuttingDown),
        })?;
    sit_down(shared, &principal, id).await?;
    Ok(principal)
}

/// The person behind a browser's session cookie: the session must be live and the
/// person's credential unchanged since the login. A live change ends the session at once
/// (the committer's cut); one made while this process was not running is refused here,
/// and the record goes at its expiry. `None` = log in again.
pub fn find_session(
    shared: &Shared,
    cookie: Option<&str>,
) -> Option<(Principal, WebSessionRecord)> {
    let record = shared
        .sessions
        .web
        .find(cookie?, crate::committer::now().0)?;
    let principal = principal_of(&record)?;
    let fingerprint = match shared
        .auth
        .credential_fingerprint(record.kind, &record.name)
    {
        Ok(fingerprint) => fingerprint,
        Err(err) => {
            tracing::error!(%err, "credential store failure");
            return None;
        }
    };
    (fingerprint.as_deref() == Some(record.credential.as_str())).then_some((principal, record))
}

/// Logs a socket in with its browser's session cookie ([`find_session`]); for an officer
/// the counter is opened again (a console reconnecting after a restart).
pub async fn resume(
    shared: &Shared,
    cookie: Option<&str>,
    id: Option<String>,
) -> Result<(Principal, WebSessionRecord), ServerMessage> {
    let (principal, record) = find_session(shared, cookie)
        .ok_or_else(|| protocol_error(id.clone(), ErrorCode::SessionExpired))?;
    sit_down(shared, &principal, id).await?;
    Ok((principal, record))
}

/// The refusal for a counter the catalog does not have, if `counter` is one.
fn unknown_counter(shared: &Shared, counter: &str, id: Option<String>) -> Option<ServerMessage> {
    if shared.catalog.counters.iter().any(|c| c.id == counter) {
        return None;
    }
    let rejection = antrean_core::Rejection::UnknownCounter {
        counter: counter.to_owned(),
    };
    Some(error_message(id, &rejection))
}

/// Opens an officer's counter in their name (a no-op for everyone else).
async fn sit_down(
    shared: &Shared,
    principal: &Principal,
    id: Option<String>,
) -> Result<(), ServerMessage> {
    let Principal::Officer { officer, counter } = principal else {
        return Ok(());
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job = Job::OpenCounter {
        counter: counter.clone(),
        officer: officer.clone(),
        id: id.clone(),
        reply,
    };
    if shared.jobs.send(job).await.is_err() {
        return Err(protocol_error(id, ErrorCode::ShuttingDown));
    }
    match answer.await {
        Ok(refusal @ ServerMessage::Error { .. }) => Err(refusal),
        Ok(_) => Ok(()),
        Err(_) => Err(protocol_error(id, ErrorCode::ShuttingDown)),
    }
}

/// The stored credential an `auth` is checked against (kind and name), if any: a device's
/// name is the part of its token before the dot.
pub fn stored_credential(auth: &Auth) -> Option<(PrincipalKind, String)> {
    let device = |kind, token: &str| {
        token
            .split_once('.')
            .map(|(name, _)| (kind, name.to_owned()))
    };
    match auth {
        Auth::Kiosk { token } => device(PrincipalKind::Kiosk, token),
        Auth::Display { token } => device(PrincipalKind::Display, token),
        Auth::Rating { token } => device(PrincipalKind::Rating, token),
        Auth::Officer { officer, .. } => Some((PrincipalKind::Officer, officer.clone())),
        Auth::Manager { username, .. } => Some((PrincipalKind::Manager, username.clone())),
        Auth::Session {} | Auth::Public { .. } => None,
    }
}

/// The stored credential a logged-in principal stands on (kind and name), if any.
pub fn principal_credential(principal: &Principal) -> Option<(PrincipalKind, String)> {
    match principal {
        Principal::Kiosk { name } => Some((PrincipalKind::Kiosk, name.clone())),
        Principal::Display { name } => Some((PrincipalKind::Display, name.clone())),
        Principal::Rating { name, .. } => Some((PrincipalKind::Rating, name.clone())),
        Principal::Officer { officer, .. } => Some((PrincipalKind::Officer, officer.clone())),
        Principal::Manager { username } => Some((PrincipalKind::Manager, username.clone())),
        Principal::Public { .. } => None,
    }
}
