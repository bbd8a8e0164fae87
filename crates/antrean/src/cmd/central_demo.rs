//! `antrean central demo`: Antrean Pusat on a private PostgreSQL cluster with two demo sites
//! shipping to it over TLS, visitors coming and going at both, and the report's address.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use antrean_client::Client;
use antrean_coordinator::Config;
use antrean_protocol::{Auth, DeviceKind, RatingDto, Request, ResultDto};
use antrean_store::PrincipalKind;
use anyhow::Context;
use clap::Args;

#[derive(Args)]
pub struct CentralDemoArgs {
    /// Demo directory (PostgreSQL cluster, certificates, the sites' data); wiped and made
    /// again on every run, only if an earlier demo made it.
    #[arg(long, default_value = "./antrean-central-demo")]
    dir: PathBuf,
    /// Address of the central service.
    #[arg(long, default_value = "127.0.0.1:8700")]
    listen: SocketAddr,
}

const MARKER: &str = ".antrean-central-demo";
const MANAGER: (&str, &str) = ("pusat", "demo-pusat-123");
const SITES: [(&str, &str, &str); 2] = [
    ("mpp-kota-contoh", "MPP Kota Contoh", "Jawa Barat"),
    ("mpp-kab-contoh", "MPP Kabupaten Contoh", "Jawa Barat"),
];

fn fresh_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)?.next().is_none();
        if !empty && !dir.join(MARKER).exists() {
            anyhow::bail!(
                "{} exists and was not made by `antrean central demo`; choose another --dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(MARKER), "made by `antrean central demo`\n")?;
    Ok(())
}

pub async fn run(args: CentralDemoArgs) -> anyhow::Result<()> {
    fresh_dir(&args.dir)?;
    let dir = std::fs::canonicalize(&args.dir)?;
    println!(
        "Starting a private PostgreSQL cluster in {} …",
        dir.join("pg").display()
    );
    let pg = antrean_central::local_pg::LocalCluster::start_in(&dir.join("pg"), false)?;
    let tls =
        antrean_central::tls::init(&dir.join("tls"), &["127.0.0.1".into(), "localhost".into()])?;
    let central = antrean_central::start(antrean_central::Config {
        database_url: pg.url(),
        listen: args.listen,
        tls: Some((tls.server_cert.clone(), tls.server_key.clone())),
        trusted_proxy: None,
    })
    .await?;
    let db = antrean_central::db::Db::connect(&pg.url()).await?;
    db.put_manager(MANAGER.0, MANAGER.1, &[]).await?;
    let mut sites = Vec::new();
    for (i, (id, name, region)) in SITES.iter().enumerate() {
        let key = db.add_site(id, name, region).await?;
        // The first site books passports at central: its visitors use central's booking
        // page; the second keeps the sample as it is.
        let catalog_toml = if i == 0 {
            antrean_catalog::sample_toml_booked_at_central()
        } else {
            antrean_catalog::SAMPLE_CATALOG_TOML.to_owned()
        };
        let running = start_site(&dir, id, &key, central.addr, &tls.ca_cert, catalog_toml).await?;
        let site_name = name.to_string();
        sites.push((site_name, running.addr));
        tokio::spawn(visitors(running, i as u64 + 1));
    }
    println!(
        "Antrean Pusat demo\n\
         \n\
         Central report:  https://{addr}/central/report   (log in: {} / {})\n\
         \x20                the browser must trust {} (or accept the warning: a private demo CA)\n\
         Booking page:    https://{addr}/booking   (passports of {}, booked at central)\n\
         Metrics:         https://{addr}/metrics\n\
         PostgreSQL:      {}\n\
         Sites shipping to it (visitors arrive every few seconds):\n{}\n\
         Try:  ANTREAN_CENTRAL_DATABASE={} antrean central site list\n\
         \n\
         Press Ctrl-C to stop.",
        MANAGER.0,
        MANAGER.1,
        tls.ca_cert.display(),
        SITES[0].1,
        pg.url(),
        sites
            .iter()
            .map(|(name, addr)| format!("  {name:<22} http://{addr}/report (admin / demo-admin)"))
            .collect::<Vec<_>>()
            .join("\n"),
        pg.url(),
        addr = central.addr,
    );
    central.run_until(super::serve::stop_signal()?).await?;
    // The pool first: its connections would log PostgreSQL going away as an error.
    drop(db);
    drop(pg);
    Ok(())
}

async fn start_site(
    dir: &Path,
    id: &str,
    key: &str,
    central: SocketAddr,
    ca: &Path,
    catalog_toml: String,
) -> anyhow::Result<antrean_coordinator::Running> {
    let catalog = antrean_catalog::parse("demo-catalog.toml", &catalog_toml)?;
    let config = Config {
        wal: antrean_store::WalOptions::default(),
        data_dir: dir.join(id),
        listen: "127.0.0.1:0".parse()?,
        catalog: antrean_catalog::always_open(catalog),
        initial_admin_password: Some("demo-admin".into()),
        requests_per_second: antrean_coordinator::limits::REQUESTS_PER_SECOND,
        pages: antrean_web::router(),
        central: Some(antrean_coordinator::shipper::ShipConfig {
            url: format!("wss://{central}"),
            site: id.into(),
            key: key.into(),
            ca_file: Some(ca.to_owned()),
            max_bytes_per_s: 0,
            catalog_toml,
            time_zone: antrean_core::TimeZone::Wib,
        }),
        booking_trusted_proxy: None,
    };
    let prepared = antrean_coordinator::prepare(&config)?;
    let running = antrean_coordinator::start(config, prepared).await?;
    running
        .auth
        .set_person(
            PrincipalKind::Officer,
            "petugas1",
            Some("Siti Rahayu"),
            "1111",
        )
        .await?;
    Ok(running)
}

/// A small deterministic generator (xorshift): the demo needs variety, not secrecy.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Visitors at one site: a ticket every few seconds, served at counter 1, most rating it.
async fn visitors(site: antrean_coordinator::Running, seed: u64) {
    if let Err(err) = visit_loop(&site, seed).await {
        tracing::warn!("demo visitors stopped: {err:#}");
    }
    let _ = site.wait().await;
}

async fn visit_loop(site: &antrean_coordinator::Running, seed: u64) -> anyhow::Result<()> {
    let url = format!("ws://{}/ws", site.addr);
    let kiosk_token = site
        .auth
        .enroll_device(DeviceKind::Kiosk, "kiosk-demo", None)
        .await?;
    let mut kiosk = Client::connect(&url, Auth::Kiosk { token: kiosk_token }).await?;
    let mut officer = Client::connect(
        &url,
        Auth::Officer {
            officer: "petugas1".into(),
            pin: "1111".into(),
            counter: "1".into(),
        },
    )
    .await?;
    let services = [
        "ktp-el-baru",
        "kk-baru",
        "akta-kelahiran",
        "stnk-tahunan",
        "skck",
    ];
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15 ^ seed);
    loop {
        let service = services[dice.below(services.len() as u64) as usize];
        let issued = kiosk
            .request(Request::IssueTicket {
                service: service.into(),
                priority: None,
            })
            .await?;
        let token = match issued {
            ResultDto::Ticket { public_token, .. } => public_token,
            _ => None,
        };
        tokio::time::sleep(Duration::from_millis(1_000 + dice.below(3_000))).await;
        officer.request(Request::CallNext { counter: None }).await?;
        if dice.below(10) == 0 {
            officer.request(Request::NoShow { counter: None }).await?;
            continue;
        }
        officer.request(Request::Start { counter: None }).await?;
        tokio::time::sleep(Duration::from_millis(500 + dice.below(2_000))).await;
        officer.request(Request::Finish { counter: None }).await?;
        if let Some(ticket_token) = token.filter(|_| dice.below(10) < 7) {
            let answers: [Option<u8>; 9] = std::array::from_fn(|_| Some(3 + dice.below(2) as u8));
            let mut visitor = Client::connect(&url, Auth::Public { ticket_token }).await?;
            visitor
                .request(Request::Rate {
                    ticket: None,
                    rating: RatingDto {
                        face: Some(3 + dice.below(2) as u8),
                        answers: Some(answers),
                        ..RatingDto::default()
                    },
                })
                .await?;
        }
    }
}
