//! Device and officer administration (managers only): credential changes go through the
//! committer (the store's one writer) and are answered once durable, after the sessions
//! they end have closed.

use antrean_protocol::{DeviceKind, ErrorCode, PrincipalInfo, Request, ResultDto};
use antrean_store::PrincipalKind;

use super::Shared;
use crate::auth::{AuthError, valid_name};

/// Runs one administration request (`enroll_device`, `revoke_device`, `set_officer`,
/// `remove_officer`, `list_principals`).
pub async fn admin(shared: &Shared, request: Request) -> Result<ResultDto, ErrorCode> {
    let auth = &shared.auth;
    let store_err = |err: AuthError| match err {
        AuthError::Stopped => ErrorCode::ShuttingDown,
        err => {
            tracing::error!(%err, "credential store failure");
            ErrorCode::Internal
        }
    };
    match request {
        Request::EnrollDevice {
            kind,
            name,
            counter,
        } => {
            if !valid_name(&name) {
                return Err(ErrorCode::InvalidName);
            }
            // A rating screen belongs to one existing counter; others to none.
            match (kind, &counter) {
                (DeviceKind::Rating, Some(c)) if shared.core_catalog.counter(c).is_some() => {}
                (DeviceKind::Rating, _) => return Err(ErrorCode::CounterRequired),
                (_, Some(_)) => return Err(ErrorCode::BadRequest),
                (_, None) => {}
            }
            let token = auth
                .enroll_device(kind, &name, counter.as_deref())
                .await
                .map_err(store_err)?;
            // A device enrolled again: the old token's sessions are gone first.
            cut_sessions_gone(shared, PrincipalKind::Kiosk, &name).await;
            let device_kind = match kind {
                DeviceKind::Kiosk => "kiosk",
                DeviceKind::Display => "display",
                DeviceKind::Rating => "rating",
            };
            Ok(ResultDto::Enrolled {
                name,
                device_kind: device_kind.into(),
                token,
            })
        }
        Request::RevokeDevice { name } => {
            let existed = auth.revoke_device(&name).await.map_err(store_err)?;
            cut_sessions_gone(shared, PrincipalKind::Kiosk, &name).await;
            existed
                .then_some(ResultDto::Accepted)
                .ok_or(ErrorCode::NotFound)
        }
        Request::SetOfficer { officer, name, pin } => {
            if !valid_name(&officer) {
                return Err(ErrorCode::InvalidName);
            }
            if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
                return Err(ErrorCode::InvalidPin);
            }
            auth.set_person(PrincipalKind::Officer, &officer, Some(&name), &pin)
                .await
                .map_err(store_err)?;
            // A new PIN ends the sessions opened with the old one.
            cut_sessions_gone(shared, PrincipalKind::Officer, &officer).await;
            Ok(ResultDto::Accepted)
        }
        Request::RemoveOfficer { officer } => {
            let existed = auth
                .remove_person(PrincipalKind::Officer, &officer)
                .await
                .map_err(store_err)?;
            cut_sessions_gone(shared, PrincipalKind::Officer, &officer).await;
            existed
                .then_some(ResultDto::Accepted)
                .ok_or(ErrorCode::NotFound)
        }
        Request::ListPrincipals => list_principals(shared).map_err(store_err),
        // The router sends only the requests above.
        _ => Err(ErrorCode::BadRequest),
    }
}

/// Devices, officers and managers, without secrets.
fn list_principals(shared: &Shared) -> Result<ResultDto, AuthError> {
    let all = shared.auth.store().principals()?;
    let info = |p: &antrean_store::PrincipalRecord| PrincipalInfo {
        name: p.name.clone(),
        kind: p.kind.key().to_owned(),
        display_name: p.display_name.clone(),
        counter: p.counter.clone(),
        revoked: p.revoked,
    };
    let of = |kinds: &[PrincipalKind]| {
        all.iter()
            .filter(|p| kinds.contains(&p.kind))
            .map(info)
            .collect()
    };
    Ok(ResultDto::Principals {
        devices: of(&[
            PrincipalKind::Kiosk,
            PrincipalKind::Display,
            PrincipalKind::Rating,
        ]),
        officers: of(&[PrincipalKind::Officer]),
        managers: of(&[PrincipalKind::Manager]),
    })
}

/// The committer cut the principal's sessions when it wrote the change; the manager's
/// answer waits (a bounded time) until they have closed.
async fn cut_sessions_gone(shared: &Shared, kind: PrincipalKind, name: &str) {
    let key = crate::revocation::key(kind, name);
    if !shared
        .sessions
        .wait_gone(&key, crate::revocation::CLOSE_WAIT)
        .await
    {
        tracing::warn!(%key, "a cut session did not close in time; its requests are refused");
    }
}
