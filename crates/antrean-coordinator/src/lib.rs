//! The Antrean site coordinator: keeps every queue of a site durably and tells every
//! connected device what changed.
//!
//! Shape (mini-redis style): [`http`] accepts connections; each WebSocket becomes a
//! [`session`]; sessions send [`committer::Job`]s to the single [`committer`] task, which
//! owns the pure engine and the sled store, group-commits, and fans events out on a
//! broadcast ring. Every bound lives in [`limits`] with its reason.
#![deny(missing_docs)]

pub mod auth;
pub mod booking;
pub mod central_booking;
pub mod central_catalog;
pub mod committer;
pub mod http;
pub mod limits;
pub mod lockout;
pub mod login;
pub mod metrics;
pub mod revocation;
pub mod secrets;
pub mod session;
pub mod shipper;
pub mod web_login;
pub mod web_sessions;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use antrean_core::{Catalog, Engine};
use antrean_protocol::catalog_view;
pub use antrean_store::WalOptions;
use antrean_store::{PrincipalKind, PrincipalRecord, PrincipalWrite, Store, Writer};
use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};

use crate::auth::Authenticator;
use crate::committer::Committer;
use crate::limits::{BROADCAST_CAPACITY, COMMITTER_QUEUE_JOBS, SHUTDOWN_GRACE};
use crate::metrics::Metrics;
use crate::secrets::TicketSigner;
use crate::session::Shared;

/// Name of the first manager account, created on first start.
pub const INITIAL_MANAGER: &str = "admin";

/// File in the data directory holding the generated first manager password.
pub const INITIAL_PASSWORD_FILE: &str = "initial-admin-password.txt";

/// Server configuration.
pub struct Config {
    /// Data directory (write-ahead log, sled, mirror).
    pub data_dir: PathBuf,
    /// Write-ahead log sizes (`WalOptions::default()` on a site).
    pub wal: antrean_store::WalOptions,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The site catalog.
    pub catalog: Catalog,
    /// Password for the first manager (`admin`) if none exists; random when None.
    pub initial_admin_password: Option<String>,
    /// Per-connection sustained request rate (default [`limits::REQUESTS_PER_SECOND`]).
    pub requests_per_second: f64,
    /// Extra stateless routes on the same port (web pages and their assets).
    pub pages: axum::Router,
    /// Ship the log to Antrean Pusat (None: this site stands alone).
    pub central: Option<shipper::ShipConfig>,
    /// The reverse proxy that publishes the booking page, whose `X-Forwarded-For` names
    /// the client for the booking API's rate limits.
    pub booking_trusted_proxy: Option<std::net::IpAddr>,
}

/// An opened data directory, ready for [`start`].
pub struct Prepared {
    /// Reads.
    pub store: Store,
    /// The store's one writer, handed to the committer.
    pub writer: Writer,
    /// Where a generated first manager password was written, if one was.
    pub password_file: Option<PathBuf>,
}

/// Opens the store (recovering its write-ahead log) and makes sure a manager exists.
pub fn prepare(config: &Config) -> anyhow::Result<Prepared> {
    let wal_dir = config.data_dir.join(antrean_store::WAL_DIR);
    let wal_fs = antrean_store::wal::fs::OsFs::new(&wal_dir)
        .with_context(|| format!("creating {}", wal_dir.display()))?;
    let (store, mut writer) =
        Store::open_with(&config.data_dir, wal_fs, config.wal, secrets::random_key)?;
    let recovery = writer.recovery();
    if let Some(torn) = &recovery.torn_tail {
        tracing::warn!(
            file = %torn.file,
            offset = torn.offset,
            lsn = torn.lsn,
            last_seq = recovery.last_seq,
            "write-ahead log: cut off an incomplete last frame (a write interrupted by a crash; \
             it was never acknowledged); the log ends at seq {}", recovery.last_seq
        );
    }
    if recovery.replayed_frames > 0 {
        tracing::info!(
            frames = recovery.replayed_frames,
            "write-ahead log: replayed frames written after the database's last checkpoint"
        );
    }
    let has_manager = store
        .principals()?
        .iter()
        .any(|p| p.kind == PrincipalKind::Manager);
    let mut password_file = None;
    if !has_manager {
        let password = match &config.initial_admin_password {
            Some(p) => p.clone(),
            None => {
                let password = secrets::random_secret(12);
                let path = config.data_dir.join(INITIAL_PASSWORD_FILE);
                write_private(&path, &format!("{password}\n"))
                    .with_context(|| format!("writing {}", path.display()))?;
                password_file = Some(path);
                password
            }
        };
        // Before the committer exists, the writer is still ours to use directly.
        writer.commit(
            &[],
            &[PrincipalWrite::Put(PrincipalRecord {
                kind: PrincipalKind::Manager,
                name: INITIAL_MANAGER.into(),
                display_name: Some("Administrator".into()),
                secret_hash: secrets::hash_secret(&password),
                revoked: false,
                counter: None,
            })],
        )?;
    }
    Ok(Prepared {
        store,
        writer,
        password_file,
    })
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// A running server.
pub struct Running {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    /// The authenticator (the demo enrolls devices through it).
    pub auth: Arc<Authenticator>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    stop: Arc<watch::Sender<bool>>,
}

impl Running {
    /// Asks the server to stop: no new connections, sessions closed with a close frame,
    /// the committer drained and flushed.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits for the server to end (after [`Running::stop`], or a disk failure).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task panicked")?
    }

    /// Runs until `signal` completes, then stops cleanly; or until the server stops by
    /// itself because the disk failed, which is returned as an error so the process exits
    /// non-zero and its supervisor (systemd `Restart=always`) restarts it.
    pub async fn run_until(
        mut self,
        signal: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        tokio::select! {
            ended = &mut self.task => return ended.context("server task panicked")?,
            () = signal => {}
        }
        self.stop();
        self.wait().await
    }
}

/// Starts the server on `config.listen` with an opened store.
pub async fn start(config: Config, prepared: Prepared) -> anyhow::Result<Running> {
    let Prepared { store, writer, .. } = prepared;
    let metrics = Arc::new(Metrics::default());
    let signer = TicketSigner::new(store.site_secret()?);
    let (events, _) = broadcast::channel(BROADCAST_CAPACITY);
    let catalog_dto = catalog_view(&config.catalog);
    let core_catalog = Arc::new(config.catalog.clone());
    let report_facts = Arc::new(antrean_reports::ReportFacts::new(&config.catalog));
    let sessions = Arc::new(revocation::Sessions::with_web(
        web_sessions::WebSessions::load(store.dir().to_owned()),
    ));
    let central_key = central_booking::CentralKey::load(
        store.dir(),
        config.central.as_ref().map(|c| c.site.as_str()),
    );
    let mut committer = Committer::recover(
        Engine::new(config.catalog),
        writer,
        sessions.clone(),
        signer.clone(),
        events.clone(),
        metrics.clone(),
        report_facts.clone(),
    )?;
    tracing::info!(seq = committer.seq, "event log replayed");
    committer.central_key = central_key.clone();

    let (jobs_tx, jobs_rx) = mpsc::channel(COMMITTER_QUEUE_JOBS);
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    let auth = Arc::new(Authenticator::new(store.clone(), jobs_tx.clone(), signer));
    let shared = Arc::new(Shared {
        jobs: jobs_tx,
        events,
        auth: auth.clone(),
        metrics,
        catalog_compact: antrean_protocol::compact_catalog(&catalog_dto),
        catalog_json: serde_json::to_string(&catalog_dto).expect("the catalog serializes"),
        catalog: catalog_dto,
        core_catalog,
        report_facts,
        store: store.clone(),
        reports: Arc::new(tokio::sync::Semaphore::new(
            crate::limits::MAX_CONCURRENT_REPORTS,
        )),
        shutdown: stop_rx.clone(),
        requests_per_second: config.requests_per_second,
        sessions,
        ship: config
            .central
            .as_ref()
            .map(|_| Arc::new(shipper::ShipGauges::default())),
        booking: booking::api::side(
            store.dir(),
            store.site_secret()?,
            config.booking_trusted_proxy,
        )
        .context("opening the booking keys")?,
    });
    let (done_tx, mut done_rx) = mpsc::channel::<()>(1);
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    // Answers are small and latency-bound: without TCP_NODELAY, Nagle's algorithm and the
    // peer's delayed ACK add ~40 ms to every request/answer round trip.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        let _ = tcp.set_nodelay(true);
    });
    let app = http::router(
        http::AppState {
            shared: shared.clone(),
            done: done_tx,
        },
        config.pages,
    );
    let committer_done =
        committer::spawn(committer, jobs_rx).context("cannot start the committer")?;
    if let Some(central) = config.central {
        tokio::spawn(shipper::run(
            central,
            store.clone(),
            shipper::SiteSide {
                jobs: shared.jobs.clone(),
                central_key,
            },
            shared.events.clone(),
            shared.ship.clone().expect("set when central is configured"),
            stop_rx.clone(),
        ));
    }
    tokio::spawn(booking::purge_task(
        shared.booking.clone(),
        shared.core_catalog.clone(),
        stop_rx.clone(),
    ));
    let committer_task = watch_committer(committer_done, stop_tx.clone());
    let mut stop_signal = stop_rx.clone();

    let task = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop_signal.wait_for(|stop| *stop).await;
        });
        serve.await.context("HTTP server failed")?;
        // Sessions saw the stop signal and are sending close frames; wait for them.
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, done_rx.recv()).await;
        drop(shared);
        committer_task
            .await
            .context("committer monitor panicked")??;
        tracing::info!("coordinator stopped cleanly");
        Ok(())
    });
    Ok(Running {
        addr,
        auth,
        task,
        stop: stop_tx,
    })
}

/// Watches the committer: one that ends on its own hit a disk failure, and memory is
/// ahead of the disk — the whole server stops rather than serve state it cannot keep.
fn watch_committer(
    committer_done: tokio::sync::oneshot::Receiver<Result<(), antrean_store::StoreError>>,
    stop_on_failure: Arc<watch::Sender<bool>>,
) -> tokio::task::JoinHandle<anyhow::Result<()>> {
    tokio::spawn(async move {
        let result = match committer_done.await {
            // The store error's text already names the failure and its cause; as a
            // plain message it is printed once, not once per error in its chain.
            Ok(result) => result.map_err(|err| anyhow::anyhow!("{err}")),
            Err(_) => Err(anyhow::anyhow!("committer panicked")),
        };
        if let Err(err) = &result {
            tracing::error!("{err:#}: stopping the server, nothing more is acknowledged");
            let _ = stop_on_failure.send(true);
        }
        result
    })
}
