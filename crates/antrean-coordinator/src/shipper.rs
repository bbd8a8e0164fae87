//! Shipping the site's log to Antrean Pusat (central), when configured.
//!
//! The durable event log is the outbox: this task reads records central has not confirmed
//! from the store and sends them over a TLS WebSocket, one batch in flight; central answers
//! each with the highest contiguous seq it holds. It runs beside the committer and only
//! reads the store, so a slow or absent central never delays a ticket: the site serves as
//! usual for days and the backlog ships when the link returns. Each connection starts
//! with the site's profile (catalog and officer names) for central's reports.
//!
//! With a backlog, each batch carries the newest events too (at most
//! [`SHIP_LIVE_TAIL_EVENTS`]) before the next slice of the old ones, and the bytes per
//! second are capped (`--central-max-kbps`), so a slow link shows today's calls at central
//! first and is not saturated by a week of history. docs/central.md has the exchange.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use antrean_protocol::{
    CentralMessage, MAX_SHIP_MESSAGE_BYTES, OfficerNameDto, SHIP_PATH, SHIP_PROTOCOL_HEADER,
    SHIP_PROTOCOL_VERSION, SHIP_SITE_HEADER, ShippedEvent, SiteMessage,
};
use antrean_store::{PrincipalKind, Store};
use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{broadcast, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::limits::{
    BOOKING_SYNC_INTERVAL, SHIP_ANSWER_TIMEOUT, SHIP_BATCH_BYTES, SHIP_BATCH_EVENTS,
    SHIP_CONNECT_TIMEOUT, SHIP_HEARTBEAT, SHIP_LINGER, SHIP_LIVE_TAIL_EVENTS, SHIP_MAX_BACKOFF,
};

/// File in the data directory with the last seq central confirmed (for `/metrics` before
/// the first connection; after connecting, central's `welcome` is the truth).
pub const CONFIRMED_FILE: &str = "central-confirmed";

/// Where and how to ship.
#[derive(Clone, Debug)]
pub struct ShipConfig {
    /// Central's address: `wss://host:port` (the path is added).
    pub url: String,
    /// This site's id at central.
    pub site: String,
    /// This site's key (from `antrean central site add`).
    pub key: String,
    /// PEM file of the CA that signed central's certificate; None: the built-in public roots.
    pub ca_file: Option<PathBuf>,
    /// Bytes per second at most (0: no cap).
    pub max_bytes_per_s: u64,
    /// The catalog file as loaded, sent to central for names and standards.
    pub catalog_toml: String,
    /// The site's time zone (a catalog from central takes effect on the next local day).
    pub time_zone: antrean_core::TimeZone,
}

/// What the shipper needs of the site to apply central's bookings.
#[derive(Clone)]
pub struct SiteSide {
    /// The committer's queue (synced bookings are commands like any other).
    pub jobs: tokio::sync::mpsc::Sender<crate::committer::Job>,
    /// The key of central's codes for this site.
    pub central_key: crate::central_booking::CentralKey,
}

/// What `/metrics` shows about shipping.
#[derive(Default)]
pub struct ShipGauges {
    /// 1 while connected.
    pub connected: AtomicU64,
    /// Highest contiguous seq central holds.
    pub confirmed_seq: AtomicU64,
    /// Unix seconds of the last answer from central (0: none yet).
    pub last_ack_s: AtomicI64,
    /// Connections central refused (wrong key or site id).
    pub refused: AtomicU64,
    /// Events sent (with repeats after reconnects).
    pub sent_events: AtomicU64,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Runs until `stop`: connect, ship, and on any failure wait (doubling up to
/// [`SHIP_MAX_BACKOFF`]) and connect again.
pub async fn run(
    config: ShipConfig,
    store: Store,
    site: SiteSide,
    events: broadcast::Sender<crate::committer::Broadcast>,
    gauges: Arc<ShipGauges>,
    mut stop: watch::Receiver<bool>,
) {
    let confirmed_path = store.dir().join(CONFIRMED_FILE);
    if let Some(seq) = std::fs::read_to_string(&confirmed_path)
        .ok()
        .and_then(|t| t.trim().parse().ok())
    {
        gauges.confirmed_seq.store(seq, Relaxed);
    }
    let tls = match tls_config(config.ca_file.as_ref()) {
        Ok(tls) => tls,
        Err(err) => {
            tracing::error!("central shipping disabled: {err:#}");
            return;
        }
    };
    let mut backoff = Duration::from_secs(1);
    loop {
        let mut wake = events.subscribe();
        let mut link = Link {
            config: &config,
            store: &store,
            site: &site,
            booking_after: 0,
            gauges: &gauges,
            confirmed_path: &confirmed_path,
        };
        let result = tokio::select! {
            r = link.ship(tls.clone(), &mut wake, &mut backoff) => r,
            () = stopped(&mut stop) => return,
        };
        gauges.connected.store(0, Relaxed);
        if let Err(err) = result {
            tracing::warn!(
                "central shipping: {err:#}; retrying in {} s",
                backoff.as_secs()
            );
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = stopped(&mut stop) => return,
        }
        backoff = (backoff * 2).min(SHIP_MAX_BACKOFF);
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

fn tls_config(ca_file: Option<&PathBuf>) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            for cert in CertificateDer::pem_file_iter(path)
                .with_context(|| format!("reading {}", path.display()))?
            {
                roots
                    .add(
                        cert.with_context(|| format!("{}: not a PEM certificate", path.display()))?,
                    )
                    .with_context(|| format!("{}: unusable CA certificate", path.display()))?;
            }
            if roots.is_empty() {
                bail!("{}: no certificate in it", path.display());
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Link<'a> {
    config: &'a ShipConfig,
    store: &'a Store,
    site: &'a SiteSide,
    /// Central's last booking change applied (this connection; a new one starts over
    /// from today's bookings, which applying again leaves unchanged).
    booking_after: u64,
    gauges: &'a ShipGauges,
    confirmed_path: &'a PathBuf,
}

impl Link<'_> {
    async fn connect(&self, tls: Arc<rustls::ClientConfig>) -> anyhow::Result<Socket> {
        let url = format!("{}{SHIP_PATH}", self.config.url.trim_end_matches('/'));
        let mut request = url.as_str().into_client_request()?;
        let headers = request.headers_mut();
        headers.insert(
            "authorization",
            format!("Bearer {}", self.config.key).parse()?,
        );
        headers.insert(SHIP_SITE_HEADER, self.config.site.parse()?);
        headers.insert(SHIP_PROTOCOL_HEADER, SHIP_PROTOCOL_VERSION.into());
        let ws_config = WebSocketConfig::default()
            .max_message_size(Some(MAX_SHIP_MESSAGE_BYTES))
            .max_frame_size(Some(MAX_SHIP_MESSAGE_BYTES));
        let connecting = tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(ws_config),
            true,
            Some(tokio_tungstenite::Connector::Rustls(tls)),
        );
        match tokio::time::timeout(SHIP_CONNECT_TIMEOUT, connecting).await {
            Err(_) => bail!("no answer from {url} within {SHIP_CONNECT_TIMEOUT:?}"),
            Ok(Err(tokio_tungstenite::tungstenite::Error::Http(response))) => {
                if response.status() == 401 {
                    self.gauges.refused.fetch_add(1, Relaxed);
                    bail!(
                        "central refused site `{}` (401): check --central-site and the key",
                        self.config.site
                    );
                }
                bail!("central answered {}", response.status());
            }
            Ok(Err(err)) => Err(err).with_context(|| format!("connecting to {url}")),
            Ok(Ok((socket, _))) => Ok(socket),
        }
    }

    /// One connection's life: welcome, profile if central lacks ours, then batches.
    async fn ship(
        &mut self,
        tls: Arc<rustls::ClientConfig>,
        wake: &mut broadcast::Receiver<crate::committer::Broadcast>,
        backoff: &mut Duration,
    ) -> anyhow::Result<()> {
        let mut socket = self.connect(tls).await?;
        let (mut confirmed, mut offered) = match answer(&mut socket).await? {
            CentralMessage::Welcome {
                confirmed_seq,
                published_catalog,
                ..
            } => (confirmed_seq, published_catalog),
            other => bail!("expected welcome, got {other:?}"),
        };
        self.gauges.connected.store(1, Relaxed);
        *backoff = Duration::from_secs(1);
        tracing::info!(confirmed, "connected to central");
        self.confirmed(confirmed);
        // The profile goes with every connection: officers may have changed since the last
        // one (a catalog of ~50 KB on a reconnect is nothing next to a day's events).
        let profile = SiteMessage::Profile {
            catalog_toml: self.config.catalog_toml.clone(),
            catalog_sha256: sha256_hex(&self.config.catalog_toml),
            officers: self.officers()?,
        };
        send(&mut socket, &profile).await?;
        if let CentralMessage::Refused { message, .. } = answer(&mut socket).await? {
            // Reports still arrive at central, with codes instead of names.
            tracing::error!("central refused our catalog: {message}");
        }
        let mut live_sent = confirmed;
        let mut answered = std::collections::BTreeSet::new();
        let mut next_sync = tokio::time::Instant::now();
        // A deadline of its own: the booking syncs in between must not postpone it (the
        // heartbeat's ack is also how a newly published catalog reaches an idle site).
        let mut next_heartbeat = tokio::time::Instant::now() + SHIP_HEARTBEAT;
        loop {
            if tokio::time::Instant::now() >= next_sync {
                self.sync_bookings(&mut socket).await?;
                next_sync = tokio::time::Instant::now() + BOOKING_SYNC_INTERVAL;
            }
            if let Some(offer) = offered.take().filter(|o| !answered.contains(&o.version)) {
                let result = crate::central_catalog::consider(
                    self.store.dir(),
                    &offer,
                    self.config.time_zone,
                    antrean_core::Timestamp(now_ms()),
                );
                if let SiteMessage::CatalogResult {
                    error: Some(error), ..
                } = &result
                {
                    tracing::error!(
                        version = offer.version,
                        "catalog from central refused: {error}"
                    );
                }
                send(&mut socket, &result).await?;
                match answer(&mut socket).await? {
                    CentralMessage::Ack {
                        published_catalog, ..
                    } => {
                        answered.insert(offer.version);
                        offered = published_catalog;
                    }
                    other => bail!("expected ack, got {other:?}"),
                }
                continue;
            }
            let last = self.store.last_seq()?;
            if confirmed >= last {
                // Nothing to send: wait for the log to grow, or send a heartbeat.
                tokio::select! {
                    woke = wake.recv() => {
                        if let Err(broadcast::error::RecvError::Closed) = woke {
                            return Ok(());
                        }
                        // Let the moment's other events join this batch.
                        tokio::time::sleep(SHIP_LINGER).await;
                        while wake.try_recv().is_ok() {}
                        continue;
                    }
                    () = tokio::time::sleep_until(next_heartbeat) => {}
                    () = tokio::time::sleep_until(next_sync) => continue,
                }
            }
            next_heartbeat = tokio::time::Instant::now() + SHIP_HEARTBEAT;
            let (batch, bytes) = self.batch(confirmed, &mut live_sent, last)?;
            let sent = batch.len() as u64;
            let (site_last_seq, site_last_at_ms) = self.last()?;
            send(
                &mut socket,
                &SiteMessage::Batch {
                    events: batch,
                    site_last_seq,
                    site_last_at_ms,
                },
            )
            .await?;
            match answer(&mut socket).await? {
                CentralMessage::Ack {
                    confirmed_seq,
                    published_catalog,
                } => {
                    offered = published_catalog;
                    confirmed = confirmed_seq;
                    self.confirmed(confirmed);
                    self.gauges.sent_events.fetch_add(sent, Relaxed);
                }
                CentralMessage::Refused { code, message } => {
                    bail!("central refused a batch ({code}): {message}");
                }
                other => bail!("expected ack, got {other:?}"),
            }
            if let Some(pause_ms) = (bytes as u64 * 1000).checked_div(self.config.max_bytes_per_s) {
                tokio::time::sleep(Duration::from_millis(pause_ms)).await;
            }
            // Caught up (no backlog): let the next events gather instead of sending each
            // as it comes.
            if self.store.last_seq()?.saturating_sub(confirmed) < SHIP_BATCH_EVENTS as u64 {
                tokio::time::sleep(SHIP_LINGER).await;
            }
        }
    }

    /// Asks central for the bookings it made or changed for this site, until it has
    /// them all, and applies each through the committer (durable before the next ask).
    async fn sync_bookings(&mut self, socket: &mut Socket) -> anyhow::Result<()> {
        loop {
            let today = self
                .config
                .time_zone
                .local(antrean_core::Timestamp(now_ms()))
                .date;
            send(
                socket,
                &SiteMessage::BookingSync {
                    after: self.booking_after,
                    from_date: today.to_string(),
                },
            )
            .await?;
            let (bookings, through, more, code_key) = match answer(socket).await? {
                CentralMessage::Bookings {
                    bookings,
                    through,
                    more,
                    code_key,
                } => (bookings, through, more, code_key),
                CentralMessage::Refused { code, message } => {
                    bail!("central refused a booking sync ({code}): {message}")
                }
                other => bail!("expected bookings, got {other:?}"),
            };
            let dir = self.store.dir().to_owned();
            let key = self.site.central_key.clone();
            tokio::task::spawn_blocking(move || key.update(&dir, &code_key))
                .await
                .context("storing central's booking key")?
                .context("storing central's booking key")?;
            for dto in &bookings {
                let Some(command) = crate::central_booking::sync_command(dto) else {
                    tracing::warn!(?dto, "central sent a malformed booking; skipped");
                    continue;
                };
                let (tx, rx) = tokio::sync::oneshot::channel();
                self.site
                    .jobs
                    .send(crate::committer::Job::Booking {
                        op: crate::committer::BookingOp::Change(command),
                        reply: tx,
                    })
                    .await
                    .map_err(|_| anyhow::anyhow!("the committer stopped"))?;
                let reply = rx.await.context("the committer stopped")?;
                if let Some(rejection) = reply.refused {
                    // A catalog that no longer has the slot: central's seat stands, the
                    // site cannot place it; staff see it in the log.
                    tracing::warn!(
                        number = dto.number,
                        ?rejection,
                        "central booking not applied"
                    );
                }
            }
            self.booking_after = through;
            if !more {
                return Ok(());
            }
        }
    }

    /// The next batch after `confirmed`: with a backlog, the newest events first (those
    /// not sent yet), then the oldest unconfirmed; bounded in events and bytes.
    fn batch(
        &self,
        confirmed: u64,
        live_sent: &mut u64,
        last: u64,
    ) -> anyhow::Result<(Vec<ShippedEvent>, usize)> {
        let mut out = Vec::new();
        let mut bytes = 0;
        let backlog = last - confirmed;
        if backlog > SHIP_BATCH_EVENTS as u64 {
            let from = (*live_sent)
                .max(last.saturating_sub(SHIP_LIVE_TAIL_EVENTS as u64))
                .max(confirmed)
                + 1;
            if from <= last {
                self.read(from, last, &mut out, &mut bytes)?;
                *live_sent = last;
            }
        }
        let upto = last.min(confirmed + SHIP_BATCH_EVENTS as u64);
        self.read(confirmed + 1, upto, &mut out, &mut bytes)?;
        out.sort_by_key(|e| e.seq);
        out.dedup_by_key(|e| e.seq);
        Ok((out, bytes))
    }

    fn read(
        &self,
        from: u64,
        upto: u64,
        out: &mut Vec<ShippedEvent>,
        bytes: &mut usize,
    ) -> anyhow::Result<()> {
        for record in self.store.read_log_from(from) {
            let record = record?;
            if record.seq > upto || out.len() >= SHIP_BATCH_EVENTS {
                break;
            }
            let event = ShippedEvent::from_record(record);
            let size = serde_json::to_string(&event).map_or(0, |s| s.len()) + 1;
            if *bytes + size > SHIP_BATCH_BYTES && !out.is_empty() {
                break;
            }
            *bytes += size;
            out.push(event);
        }
        Ok(())
    }

    fn last(&self) -> anyhow::Result<(u64, i64)> {
        let seq = self.store.last_seq()?;
        let at = match self.store.read_log_from(seq).next() {
            Some(record) => record?.at_ms,
            None => 0,
        };
        Ok((seq, at))
    }

    fn officers(&self) -> anyhow::Result<Vec<OfficerNameDto>> {
        Ok(self
            .store
            .principals()?
            .into_iter()
            .filter(|p| p.kind == PrincipalKind::Officer)
            .map(|p| OfficerNameDto {
                name: p.display_name.unwrap_or_else(|| p.name.clone()),
                id: p.name,
            })
            .collect())
    }

    fn confirmed(&self, seq: u64) {
        let before = self.gauges.confirmed_seq.swap(seq, Relaxed);
        self.gauges.last_ack_s.store(now_ms() / 1000, Relaxed);
        if before != seq {
            // Informational (central's welcome is the truth), so a plain write will do.
            let _ = std::fs::write(self.confirmed_path, format!("{seq}\n"));
        }
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn send(socket: &mut Socket, message: &SiteMessage) -> anyhow::Result<()> {
    let text = serde_json::to_string(message).expect("site messages serialize");
    socket.send(Message::text(text)).await?;
    Ok(())
}

async fn answer(socket: &mut Socket) -> anyhow::Result<CentralMessage> {
    loop {
        let next = tokio::time::timeout(SHIP_ANSWER_TIMEOUT, socket.next())
            .await
            .map_err(|_| {
                anyhow::anyhow!("central did not answer within {SHIP_ANSWER_TIMEOUT:?}")
            })?;
        match next {
            None => bail!("central closed the connection"),
            Some(Err(err)) => return Err(err.into()),
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).context("central sent an unreadable message");
            }
            Some(Ok(Message::Close(frame))) => bail!("central closed the connection: {frame:?}"),
            Some(Ok(_)) => continue,
        }
    }
}

/// The shipping lines of `/metrics`: `last_seq` is the site's last durable seq,
/// `first_unconfirmed_at_ms` the time of the oldest event central lacks (None: none).
pub fn render(gauges: &ShipGauges, last_seq: u64, first_unconfirmed_at_ms: Option<i64>) -> String {
    let confirmed = gauges.confirmed_seq.load(Relaxed);
    let lag_s = first_unconfirmed_at_ms.map_or(0, |at| ((now_ms() - at) / 1000).max(0));
    let lines = [
        (
            "antrean_central_connected",
            "1 while connected to central.",
            "gauge",
            gauges.connected.load(Relaxed) as i64,
        ),
        (
            "antrean_central_confirmed_seq",
            "Highest contiguous seq central holds.",
            "gauge",
            confirmed as i64,
        ),
        (
            "antrean_central_lag_events",
            "Durable events central does not hold yet.",
            "gauge",
            last_seq.saturating_sub(confirmed) as i64,
        ),
        (
            "antrean_central_lag_seconds",
            "Age of the oldest event central does not hold yet.",
            "gauge",
            lag_s,
        ),
        (
            "antrean_central_last_ack_seconds",
            "Unix time of central's last answer (0: none).",
            "gauge",
            gauges.last_ack_s.load(Relaxed),
        ),
        (
            "antrean_central_refused_total",
            "Connections central refused (wrong key or site id).",
            "counter",
            gauges.refused.load(Relaxed) as i64,
        ),
        (
            "antrean_central_sent_events_total",
            "Events sent to central (repeats included).",
            "counter",
            gauges.sent_events.load(Relaxed) as i64,
        ),
    ];
    let mut out = String::new();
    for (name, help, kind, value) in lines {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
        ));
    }
    out
}
