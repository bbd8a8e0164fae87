//! Antrean Pusat: the central service. Sites ship their durable event logs here over a TLS
//! WebSocket ([`ship`]); central keeps them in PostgreSQL ([`ingest`]: idempotent by
//! (site, seq), one transaction per batch), boils them down to daily rollups ([`projector`],
//! with its own durable cursor) and answers cross-site reports ([`report`], [`pages`]).
//!
//! **Key design decision:** central is an addition, never a dependency of a counter. A site
//! serves with central down for days; its log is the outbox and ships when the link returns
//! (docs/central.md). Nothing here is linked into the site coordinator.
#![deny(missing_docs)]

pub mod booking;
pub mod catalogs;
pub mod db;
pub mod http;
pub mod ingest;
pub mod limits;
pub mod local_pg;
pub mod login;
pub mod metrics;
pub mod pages;
pub mod projector;
pub mod report;
pub mod ship;
pub mod sites;
pub mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::{Notify, watch};

/// How `antrean central serve` is configured.
pub struct Config {
    /// `postgres://user@host:port/db`.
    pub database_url: String,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Certificate chain and private key (PEM) for HTTPS/WSS; None serves plain HTTP (behind
    /// a reverse proxy that terminates TLS).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The reverse proxy in front of central, if any: its `X-Forwarded-For` names the
    /// client for the visitors' booking limits (from anyone else the header is ignored).
    pub trusted_proxy: Option<std::net::IpAddr>,
}

/// What the handlers share.
pub struct Central {
    /// The database.
    pub db: db::Db,
    /// Counters for `/metrics`.
    pub metrics: metrics::Metrics,
    /// Wakes the projector after a batch is stored.
    pub projector_wake: Notify,
    /// Whether pages are served over HTTPS (cookies get `Secure`).
    pub https: bool,
    /// Failed manager logins.
    pub lockout: login::Lockout,
    /// Shipping connections (at most [`limits::MAX_SITE_CONNECTIONS`]).
    pub connections: Arc<tokio::sync::Semaphore>,
    /// Reports computed at once (at most [`limits::MAX_CONCURRENT_REPORTS`]).
    pub reports: tokio::sync::Semaphore,
    /// Partner apps' requests this minute.
    pub partner_rates: booking::partners::PartnerRates,
    /// Visitors' requests per address and identity.
    pub visitor_rates: booking::visitor::VisitorRates,
    /// See [`Config::trusted_proxy`].
    pub trusted_proxy: Option<std::net::IpAddr>,
}

/// A running central service.
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// Whether it serves HTTPS/WSS.
    pub tls: bool,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops accepting, ends the tasks.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("central task panicked")?
    }

    /// Runs until `signal`, then stops.
    pub async fn run_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        tokio::select! {
            ended = &mut self.task => return ended.context("central task panicked")?,
            () = signal => {}
        }
        self.stop().await
    }
}

/// Connects to PostgreSQL (waiting for it), applies migrations, and serves.
pub async fn start(config: Config) -> anyhow::Result<Running> {
    let db = db::Db::connect(&config.database_url).await?;
    db.migrate().await?;
    let central = Arc::new(Central {
        db,
        metrics: metrics::Metrics::default(),
        projector_wake: Notify::new(),
        https: config.tls.is_some(),
        lockout: login::Lockout::default(),
        connections: Arc::new(tokio::sync::Semaphore::new(limits::MAX_SITE_CONNECTIONS)),
        reports: tokio::sync::Semaphore::new(limits::MAX_CONCURRENT_REPORTS),
        partner_rates: Default::default(),
        visitor_rates: Default::default(),
        trusted_proxy: config.trusted_proxy,
    });
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls::server_config(cert, key)?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let projector = tokio::spawn(projector::run(central.clone(), stop_rx.clone()));
    tokio::spawn(purge_task(central.clone(), stop_rx.clone()));
    let app = http::router(central.clone());
    let task = tokio::spawn(async move {
        http::serve(listener, tls, app, stop_rx).await?;
        projector.await.context("projector panicked")?;
        Ok(())
    });
    Ok(Running {
        addr,
        tls: config.tls.is_some(),
        stop: stop_tx,
        task,
    })
}

/// Clears bookings' personal data past retention at start and then every
/// [`limits::BOOKING_PURGE_INTERVAL`] until `stop`.
async fn purge_task(central: Arc<Central>, mut stop: watch::Receiver<bool>) {
    let mut clock = tokio::time::interval(limits::BOOKING_PURGE_INTERVAL);
    loop {
        tokio::select! {
            _ = clock.tick() => {}
            () = http::stopped(&mut stop) => return,
        }
        // Retention counts whole days; WIB's date is at most two hours behind a WITA or
        // WIT site's, which only keeps data that much longer.
        let today = antrean_core::TimeZone::Wib
            .local(antrean_core::Timestamp(ship::now_ms()))
            .date;
        match central.db.purge_booking_personal_data(today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(bookings = n, "cleared personal data past retention"),
            Err(err) => tracing::warn!("booking purge failed (retried later): {err:#}"),
        }
    }
}
