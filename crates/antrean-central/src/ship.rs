//! The shipping endpoint: one TLS WebSocket per site (antrean_protocol's ship module;
//! docs/central.md has the exchange). Every site message gets exactly one answer, `ack` or
//! `refused`, so a site keeps at most one batch in flight and knows what was stored.

use std::sync::Arc;

use antrean_protocol::{
    CentralMessage, MAX_SHIP_MESSAGE_BYTES, SHIP_PROTOCOL_HEADER, SHIP_PROTOCOL_VERSION,
    SHIP_SITE_HEADER, SiteMessage,
};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};

use crate::Central;
use crate::ingest::IngestError;
use crate::sites::Refusal;

/// `GET /central/ship` (upgrade).
pub async fn upgrade(
    State(central): State<Arc<Central>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let site = header(SHIP_SITE_HEADER).unwrap_or("").to_owned();
    let key = header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_owned();
    let refuse = |refusal: Refusal, status: StatusCode| {
        central.metrics.refused(refusal);
        tracing::warn!(site = %site, reason = refusal.label(), "shipping connection refused");
        (status, refusal.label()).into_response()
    };
    if header(SHIP_PROTOCOL_HEADER) != Some(SHIP_PROTOCOL_VERSION.to_string().as_str()) {
        return refuse(Refusal::BadProtocol, StatusCode::BAD_REQUEST);
    }
    match central.db.authenticate_site(&site, &key).await {
        Ok(Ok(())) => {}
        // The same answer for an unknown site and a wrong key: a prober learns nothing.
        Ok(Err(refusal)) => return refuse(refusal, StatusCode::UNAUTHORIZED),
        Err(err) => {
            tracing::error!("cannot check a site key: {err:#}");
            return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
        }
    }
    let Ok(permit) = central.connections.clone().try_acquire_owned() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "too many sites connected").into_response();
    };
    ws.max_message_size(MAX_SHIP_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let _permit = permit;
            central.metrics.site_connected(1);
            // A site going away (closed laptop lid, SIGKILL, a dead link) is routine; it
            // reconnects and resends.
            if let Err(err) = serve_site(&central, &site, socket).await {
                tracing::info!(site = %site, "shipping connection ended: {err}");
            }
            central.metrics.site_connected(-1);
        })
}

fn text(message: &CentralMessage) -> Message {
    Message::Text(
        serde_json::to_string(message)
            .expect("central messages serialize")
            .into(),
    )
}

async fn serve_site(central: &Central, site: &str, socket: WebSocket) -> anyhow::Result<()> {
    let (mut tx, mut rx) = socket.split();
    let (confirmed_seq, catalog_sha256) = central.db.site_connected(site).await?;
    tracing::info!(site, confirmed_seq, "site connected");
    tx.send(text(&CentralMessage::Welcome {
        confirmed_seq,
        catalog_sha256,
        published_catalog: central.db.pending_catalog(site).await?,
    }))
    .await?;
    while let Some(message) = rx.next().await {
        let body = match message? {
            Message::Text(body) => body,
            Message::Close(_) => return Ok(()),
            Message::Ping(_) | Message::Pong(_) => continue,
            Message::Binary(_) => {
                tx.send(text(&refused(
                    "bad_message",
                    "binary messages are not used",
                )))
                .await?;
                continue;
            }
        };
        let answer = match serde_json::from_str::<SiteMessage>(&body) {
            Err(err) => refused("bad_message", &err.to_string()),
            Ok(message) => match handle(central, site, message).await {
                Ok(answer) => answer,
                Err(IngestError::BadBatch(why)) => {
                    central.metrics.bad_batch();
                    refused("bad_batch", &why)
                }
                Err(IngestError::BadCatalog(why)) => refused("bad_catalog", &why),
                Err(IngestError::Database(err)) => {
                    // Nothing was stored; the site reconnects and resends.
                    tracing::error!(site, "storing a batch failed: {err:#}");
                    let _ = tx
                        .send(Message::Close(Some(CloseFrame {
                            code: 1011,
                            reason: "database unavailable".into(),
                        })))
                        .await;
                    return Err(err);
                }
            },
        };
        tx.send(text(&answer)).await?;
    }
    Ok(())
}

fn refused(code: &str, message: &str) -> CentralMessage {
    CentralMessage::Refused {
        code: code.into(),
        message: message.into(),
    }
}

async fn handle(
    central: &Central,
    site: &str,
    message: SiteMessage,
) -> Result<CentralMessage, IngestError> {
    match message {
        SiteMessage::Profile {
            catalog_toml,
            catalog_sha256,
            officers,
        } => {
            central
                .db
                .store_profile(site, &catalog_toml, &catalog_sha256, &officers)
                .await?;
            central.projector_wake.notify_one();
            let (confirmed_seq, _) = central.db.site_connected(site).await?;
            Ok(CentralMessage::Ack {
                confirmed_seq,
                published_catalog: central.db.pending_catalog(site).await?,
            })
        }
        SiteMessage::CatalogResult {
            version,
            accepted,
            error,
            applies_on,
        } => {
            if let Some(day) = &applies_on
                && antrean_core::LocalDate::parse(day).is_none()
            {
                return Err(IngestError::BadBatch(format!(
                    "applies_on \"{day}\" is not a date"
                )));
            }
            central
                .db
                .record_catalog_result(
                    site,
                    version,
                    accepted,
                    error.as_deref(),
                    applies_on.as_deref(),
                )
                .await?;
            let (confirmed_seq, _) = central.db.site_connected(site).await?;
            Ok(CentralMessage::Ack {
                confirmed_seq,
                published_catalog: central.db.pending_catalog(site).await?,
            })
        }
        SiteMessage::BookingSync { after, from_date } => {
            let Some(from) = antrean_core::LocalDate::parse(&from_date) else {
                return Err(IngestError::BadBatch(format!(
                    "from_date \"{from_date}\" is not a date"
                )));
            };
            let key = central
                .db
                .site_code_key(site)
                .await
                .map_err(IngestError::Database)?;
            let (bookings, through, more) = central
                .db
                .booking_changes(site, after, from)
                .await
                .map_err(IngestError::Database)?;
            Ok(CentralMessage::Bookings {
                bookings,
                through,
                more,
                code_key: key.iter().map(|b| format!("{b:02x}")).collect(),
            })
        }
        SiteMessage::Batch {
            events,
            site_last_seq,
            site_last_at_ms,
        } => {
            let stored = central
                .db
                .store_batch(site, &events, site_last_seq, site_last_at_ms, now_ms())
                .await?;
            // Before the ack: a batch resent after a failure here applies again (idempotent).
            central
                .db
                .apply_site_booking_events(site, &events)
                .await
                .map_err(IngestError::Database)?;
            central.metrics.batch_stored(stored.new_events);
            central.projector_wake.notify_one();
            let published_catalog = if stored.catalog_pending {
                central.db.pending_catalog(site).await?
            } else {
                None
            };
            Ok(CentralMessage::Ack {
                confirmed_seq: stored.confirmed_seq,
                published_catalog,
            })
        }
    }
}

/// Wall-clock Unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
