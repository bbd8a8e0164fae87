//! `antrean serve` and `antrean demo`.

use std::net::SocketAddr;
use std::path::PathBuf;

use antrean_coordinator::{Config, INITIAL_MANAGER};
use antrean_protocol::DeviceKind;
use antrean_store::PrincipalKind;
use anyhow::Context;
use clap::Args;

/// Default address: loopback, so a fresh install is not reachable from the LAN until the
/// IT person chooses to expose it.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8600";

#[derive(Args)]
pub struct ServeArgs {
    /// Data directory (created if missing).
    #[arg(long, default_value = "./data", env = "ANTREAN_DATA")]
    data: PathBuf,
    /// Address to listen on (use 0.0.0.0:8600 to serve the LAN).
    #[arg(long, default_value = DEFAULT_LISTEN, env = "ANTREAN_LISTEN")]
    listen: SocketAddr,
    /// Catalog TOML (default: the shipped sample MPP catalog).
    #[arg(long, env = "ANTREAN_CATALOG")]
    catalog: Option<PathBuf>,
    /// Ignore opening hours, breaks and holidays (demos and tests only).
    #[arg(long)]
    always_open: bool,
    /// Password for the first manager account `admin` if none exists (default: random,
    /// written to DATA/initial-admin-password.txt).
    #[arg(long, env = "ANTREAN_ADMIN_PASSWORD", hide_env_values = true)]
    admin_password: Option<String>,
    /// Sustained requests per second allowed per connection (burst: twice that).
    #[arg(long, default_value_t = antrean_coordinator::limits::REQUESTS_PER_SECOND)]
    max_requests_per_second: f64,
    /// Size of a new write-ahead log segment in KiB (zero-filled when made; docs/storage.md).
    /// The default suits every site; tests use small ones.
    #[arg(long, default_value_t = 16 * 1024, value_parser = clap::value_parser!(u64).range(4..=1024 * 1024))]
    wal_segment_kib: u64,
    /// Address of the reverse proxy that publishes the booking page (docs/booking.md):
    /// its X-Forwarded-For names the client for the booking API's rate limits.
    #[arg(long, env = "ANTREAN_BOOKING_TRUSTED_PROXY")]
    booking_trusted_proxy: Option<std::net::IpAddr>,
    #[command(flatten)]
    central: CentralArgs,
}

/// Shipping the log to Antrean Pusat (docs/central.md). All optional: without
/// `--central-url` the site stands alone.
#[derive(Args)]
pub struct CentralArgs {
    /// Central's address, e.g. wss://pusat.example.go.id:8700.
    #[arg(long, env = "ANTREAN_CENTRAL_URL")]
    central_url: Option<String>,
    /// This site's id at central (as enrolled with `antrean central site add`).
    #[arg(long, env = "ANTREAN_CENTRAL_SITE", requires = "central_url")]
    central_site: Option<String>,
    /// File holding this site's key (shown once by `antrean central site add`).
    #[arg(long, env = "ANTREAN_CENTRAL_KEY_FILE", requires = "central_url")]
    central_key_file: Option<PathBuf>,
    /// PEM file of the CA that signed central's certificate (default: public CAs).
    #[arg(long, env = "ANTREAN_CENTRAL_CA", requires = "central_url")]
    central_ca: Option<PathBuf>,
    /// Upper bound on shipping bandwidth in KiB/s (0: none), for a slow shared link.
    #[arg(long, default_value_t = 0)]
    central_max_kibps: u64,
}

impl CentralArgs {
    /// The shipping configuration, or None when no central is set.
    pub fn config(
        &self,
        catalog_toml: String,
        time_zone: antrean_core::TimeZone,
    ) -> anyhow::Result<Option<antrean_coordinator::shipper::ShipConfig>> {
        let Some(url) = &self.central_url else {
            return Ok(None);
        };
        let (Some(site), Some(key_file)) = (&self.central_site, &self.central_key_file) else {
            anyhow::bail!("--central-url needs --central-site and --central-key-file");
        };
        let key = std::fs::read_to_string(key_file)
            .with_context(|| format!("reading the central key {}", key_file.display()))?
            .trim()
            .to_owned();
        if !(url.starts_with("wss://") || url.starts_with("ws://")) {
            anyhow::bail!("--central-url must start with wss:// (or ws:// behind a TLS proxy)");
        }
        Ok(Some(antrean_coordinator::shipper::ShipConfig {
            url: url.clone(),
            site: site.clone(),
            key,
            ca_file: self.central_ca.clone(),
            max_bytes_per_s: self.central_max_kibps * 1024,
            catalog_toml,
            time_zone,
        }))
    }
}

#[derive(Args)]
pub struct DemoArgs {
    /// Demo data directory; it is wiped and recreated on every run (only if an earlier demo
    /// made it: a directory without the demo's marker file is refused, never deleted).
    #[arg(long, default_value = "./antrean-demo-data")]
    data: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Open the touchscreen kiosk window against the demo (auto: when a display exists).
    #[arg(long, value_enum, default_value = "auto")]
    kiosk: super::demo_kiosk::KioskMode,
}

fn load_catalog(path: Option<&PathBuf>) -> anyhow::Result<antrean_core::Catalog> {
    match path {
        Some(path) => Ok(antrean_catalog::load_file(path)?),
        None => Ok(antrean_catalog::sample()),
    }
}

/// The catalog file's text as loaded (what central is sent).
fn catalog_text(path: Option<&PathBuf>) -> anyhow::Result<String> {
    match path {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
        }
        None => Ok(antrean_catalog::SAMPLE_CATALOG_TOML.to_owned()),
    }
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut catalog = load_catalog(args.catalog.as_ref())?;
    let mut catalog_toml = catalog_text(args.catalog.as_ref())?;
    if args.always_open {
        tracing::warn!("--always-open: opening hours, breaks and holidays are ignored");
        catalog = antrean_catalog::always_open(catalog);
    }
    // A catalog published by central replaces --catalog once its day came and the site is
    // outside service hours (docs/central.md).
    if let Some((stored, toml)) =
        antrean_coordinator::central_catalog::at_start(&args.data, &catalog, now())
    {
        let name = format!("katalog dari pusat v{}", stored.version);
        match antrean_catalog::parse(&name, &toml) {
            Ok(published) => {
                tracing::info!(
                    version = stored.version,
                    "running with the catalog from central"
                );
                catalog = if args.always_open {
                    antrean_catalog::always_open(published)
                } else {
                    published
                };
                catalog_toml = toml;
            }
            Err(err) => tracing::error!("{err}; running with the --catalog file instead"),
        }
    }
    let central = args.central.config(catalog_toml, catalog.site.time_zone)?;
    let (schedule, time_zone) = (catalog.site.schedule.clone(), catalog.site.time_zone);
    let data_dir = args.data.clone();
    let config = Config {
        wal: antrean_store::WalOptions {
            segment_bytes: args.wal_segment_kib * 1024,
            ..antrean_store::WalOptions::default()
        },
        data_dir: args.data,
        listen: args.listen,
        catalog,
        initial_admin_password: args.admin_password,
        requests_per_second: args.max_requests_per_second,
        pages: antrean_web::router(),
        central,
        booking_trusted_proxy: args.booking_trusted_proxy,
    };
    let prepared = antrean_coordinator::prepare(&config)?;
    if let Some(path) = &prepared.password_file {
        println!(
            "First start: manager `{INITIAL_MANAGER}` created; its password is in {}",
            path.display()
        );
    }
    // Handlers go in before the "listening" line: a supervisor (or test) that sends SIGTERM as
    // soon as it reads that line must get a clean stop, not the default kill.
    let stop = StopSignals::install()?;
    let running = antrean_coordinator::start(config, prepared).await?;
    println!(
        "Antrean coordinator listening on http://{} (WebSocket ws://{}/ws)",
        running.addr, running.addr
    );
    let restart = std::sync::atomic::AtomicBool::new(false);
    let mut stop = stop;
    let (term, interrupt) = (&mut stop.term, &mut stop.interrupt);
    running
        .run_until(async {
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("interrupt: stopping"),
                _ = term.recv() => tracing::info!("SIGTERM: stopping"),
                () = catalog_due(data_dir, schedule, time_zone) => {
                    tracing::info!("a catalog from central takes effect: restarting with it");
                    restart.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        })
        .await?;
    if restart.load(std::sync::atomic::Ordering::Relaxed) {
        // The same process (same pid for systemd) starts again with the same arguments;
        // the start picks the catalog up.
        use std::os::unix::process::CommandExt;
        let err = std::process::Command::new(std::env::current_exe()?)
            .args(std::env::args_os().skip(1))
            .exec();
        anyhow::bail!("cannot restart with the catalog from central: {err}");
    }
    Ok(())
}

fn now() -> antrean_core::Timestamp {
    antrean_core::Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    )
}

/// Resolves when a pending catalog from central may take effect (checked each minute).
async fn catalog_due(
    data_dir: PathBuf,
    schedule: antrean_core::schedule::Schedule,
    time_zone: antrean_core::TimeZone,
) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        if let Some((stored, _)) = antrean_coordinator::central_catalog::pending(&data_dir)
            && antrean_coordinator::central_catalog::due(&stored, &schedule, time_zone, now())
        {
            return;
        }
    }
}

struct StopSignals {
    term: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn install() -> anyhow::Result<StopSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }
}

/// Resolves on SIGINT or SIGTERM (handlers installed now, before anything is printed).
pub fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    let mut stop = StopSignals::install()?;
    Ok(async move {
        tokio::select! {
            _ = stop.interrupt.recv() => tracing::info!("interrupt: stopping"),
            _ = stop.term.recv() => tracing::info!("SIGTERM: stopping"),
        }
    })
}

async fn run_until_signal(
    running: antrean_coordinator::Running,
    mut stop: StopSignals,
) -> anyhow::Result<()> {
    let (term, interrupt) = (&mut stop.term, &mut stop.interrupt);
    running
        .run_until(async {
            tokio::select! {
                _ = interrupt.recv() => tracing::info!("interrupt: stopping"),
                _ = term.recv() => tracing::info!("SIGTERM: stopping"),
            }
        })
        .await
}

/// Demo credentials: printed for the person trying Antrean; never use them on a real site.
const DEMO_MANAGER_PASSWORD: &str = "demo-admin";
const DEMO_OFFICERS: [(&str, &str, &str); 3] = [
    ("petugas1", "Siti Rahayu", "1111"),
    ("petugas2", "Budi Santoso", "2222"),
    ("petugas3", "Dewi Lestari", "3333"),
];

/// Marks a directory the demo made, so a later demo may wipe it. A mistyped `--data` that
/// points at a real site's data (or anything else) is refused instead.
const DEMO_MARKER: &str = ".antrean-demo";

pub async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    if args.data.exists() {
        let is_empty = std::fs::read_dir(&args.data)
            .with_context(|| format!("reading {}", args.data.display()))?
            .next()
            .is_none();
        if !is_empty && !args.data.join(DEMO_MARKER).exists() {
            anyhow::bail!(
                "{} exists and was not made by `antrean demo` (no {DEMO_MARKER} file in it); \
                 the demo wipes its data directory on every run, so it will not touch this one. \
                 Choose another --data.",
                args.data.display()
            );
        }
        std::fs::remove_dir_all(&args.data)
            .with_context(|| format!("removing old demo data {}", args.data.display()))?;
    }
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("creating {}", args.data.display()))?;
    std::fs::write(
        args.data.join(DEMO_MARKER),
        "made by `antrean demo`; wiped on its next run\n",
    )
    .with_context(|| format!("marking {}", args.data.display()))?;
    let catalog = antrean_catalog::always_open(antrean_catalog::sample());
    let site = catalog.site.name.clone();
    let config = Config {
        wal: antrean_store::WalOptions::default(),
        data_dir: args.data.clone(),
        listen: args.listen,
        catalog,
        initial_admin_password: Some(DEMO_MANAGER_PASSWORD.into()),
        requests_per_second: antrean_coordinator::limits::REQUESTS_PER_SECOND,
        pages: antrean_web::router(),
        central: None,
        booking_trusted_proxy: None,
    };
    let prepared = antrean_coordinator::prepare(&config)?;
    let running = antrean_coordinator::start(config, prepared).await?;
    let auth = &running.auth;
    for (id, name, pin) in DEMO_OFFICERS {
        auth.set_person(PrincipalKind::Officer, id, Some(name), pin)
            .await?;
    }
    let kiosk = auth
        .enroll_device(DeviceKind::Kiosk, "kiosk-demo", None)
        .await?;
    let board = auth
        .enroll_device(DeviceKind::Display, "board-demo", None)
        .await?;
    let rating = auth
        .enroll_device(DeviceKind::Rating, "rating-demo-1", Some("1"))
        .await?;
    let stop = StopSignals::install()?;
    let url = format!("ws://{}/ws", running.addr);
    let exe =
        std::env::current_exe().map_or_else(|_| "antrean".to_owned(), |p| p.display().to_string());
    let kiosk_plan = super::demo_kiosk::plan(args.kiosk);
    let kiosk_line = super::demo_kiosk::describe(&kiosk_plan, &args.data);
    println!(
        "Antrean demo — {site}\n\
         Data: {data} (fresh; opening hours ignored so you can try it any time)\n\
         \n\
         Coordinator:  http://{addr}   (WebSocket {url})\n\
         Health:       http://{addr}/health   Metrics: http://{addr}/metrics\n\
         Pages:        officer console  http://{addr}/console\n\
         \x20             display board    http://{addr}/board?token={board}\n\
         \x20             digital ticket   http://{addr}/t/<token>  (`ticket take` prints the link)\n\
         \x20             rating screen    http://{addr}/rate?token={rating}  (counter 1)\n\
         \x20             manager reports  http://{addr}/report\n\
         \x20             booking page     http://{addr}/booking  (visitors' phones: passports and SKCK take bookings)\n\
         \n\
         Credentials (demo only):\n\
         \x20 manager      admin / {DEMO_MANAGER_PASSWORD}\n\
         \x20 officers     petugas1 / 1111, petugas2 / 2222, petugas3 / 3333\n\
         \x20 kiosk token  {kiosk}\n\
         \x20 board token  {board}\n\
         \n\
         {kiosk_line}\n\
         \n\
         Try it in another terminal:\n\
         \x20 {exe} ticket take ktp-el-baru --url {url} --token {kiosk}\n\
         \x20 {exe} ticket take ktp-el-baru --priority lansia --url {url} --token {kiosk}\n\
         \x20 {exe} counter next --url {url} --officer petugas1 --pin 1111 --counter 1\n\
         \x20 {exe} status --url {url} --manager admin --password {DEMO_MANAGER_PASSWORD}\n\
         \x20 {exe} report waiting --url {url} --manager admin --password {DEMO_MANAGER_PASSWORD}\n\
         \x20 {exe} watch --url {url} --token {board} --display\n\
         \n\
         Press Ctrl-C to stop.",
        data = args.data.display(),
        addr = running.addr,
    );
    let kiosk_window = super::demo_kiosk::start(kiosk_plan, &args.data, &url, &kiosk)?;
    let stopped = run_until_signal(running, stop).await;
    // Dropping the task's child handles kills the kiosk window (or its build).
    kiosk_window.abort();
    let _ = kiosk_window.await;
    stopped
}
