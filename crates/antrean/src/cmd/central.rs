//! `antrean central …`: Antrean Pusat, the central service sites ship their logs to
//! (docs/central.md). Built only with the `central` feature (on by default); a site build
//! without it (`--no-default-features`) has no PostgreSQL client in it.

use std::net::SocketAddr;
use std::path::PathBuf;

use antrean_central::db::Db;
use antrean_central::report::CentralQuery;
use antrean_core::LocalDate;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct DatabaseArg {
    /// PostgreSQL address, e.g. postgres://antrean@localhost/antrean_pusat.
    #[arg(long, env = "ANTREAN_CENTRAL_DATABASE", hide_env_values = true)]
    database: String,
}

#[derive(Subcommand)]
pub enum CentralCommand {
    /// Run the central service (applies schema migrations first).
    Serve {
        #[command(flatten)]
        db: DatabaseArg,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8700")]
        listen: SocketAddr,
        /// Certificate chain (PEM) for HTTPS/WSS; without it, plain HTTP for a TLS proxy.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// Private key (PEM) of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Address of the reverse proxy in front of central: its X-Forwarded-For names
        /// the client for the visitors' booking limits (docs/booking.md).
        #[arg(long, env = "ANTREAN_CENTRAL_TRUSTED_PROXY")]
        trusted_proxy: Option<std::net::IpAddr>,
    },
    /// Apply schema migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Enrol and list sites.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Central managers' accounts (the password is read from the first line of stdin).
    #[command(subcommand)]
    Manager(ManagerCommand),
    /// Partner apps that book through central's booking API (docs/booking-api.md).
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Publish a catalog to a site (applied there at its next day's opening) and see what
    /// the sites answered.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// The cross-site report of a period (table, CSV or XLSX).
    Report(ReportArgs),
    /// Rebuild the rollups from the raw events (all sites, or one).
    Reproject {
        #[command(flatten)]
        db: DatabaseArg,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
    },
    /// A private PostgreSQL cluster, central and two demo sites shipping to it.
    Demo(super::central_demo::CentralDemoArgs),
    /// Make a private CA and a server certificate for central (for a LAN without a public CA).
    TlsInit {
        /// Directory to write ca.pem, ca-key.pem, server.pem, server-key.pem into.
        dir: PathBuf,
        /// DNS name or IP address sites use to reach central (repeatable).
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Enrol a site; prints its key once (central keeps only a hash).
    Add {
        #[command(flatten)]
        db: DatabaseArg,
        /// Site id: lower-case letters, digits, dashes (e.g. mpp-kota-bandung).
        id: String,
        /// Display name, e.g. "MPP Kota Bandung".
        #[arg(long)]
        name: String,
        /// Region, e.g. "Jawa Barat" (regional managers see their region's sites).
        #[arg(long, default_value = "")]
        region: String,
        /// Write the key to this file (mode 0600) instead of printing it.
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Give a site a new key (the old one stops working).
    Rekey {
        #[command(flatten)]
        db: DatabaseArg,
        /// Site id.
        id: String,
        /// Write the key to this file (mode 0600) instead of printing it.
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Sites with their shipping state.
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Subcommand)]
pub enum PartnerCommand {
    /// Enrol a partner app; prints its key once (central keeps only a hash).
    Add {
        #[command(flatten)]
        db: DatabaseArg,
        /// Partner id: lower-case letters, digits, dashes (e.g. aplikasi-prov-jabar).
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Requests a minute the partner may make (its own limit; 429 past it).
        #[arg(long, default_value_t = 600)]
        per_minute: u32,
        /// Write the key to this file (mode 0600) instead of printing it.
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Check a catalog file here, then offer it to a site as its next version.
    Publish {
        #[command(flatten)]
        db: DatabaseArg,
        /// Site id.
        site: String,
        /// The catalog TOML.
        file: PathBuf,
        /// Who publishes (kept with the version).
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Published versions and the sites' answers.
    List {
        #[command(flatten)]
        db: DatabaseArg,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ManagerCommand {
    /// Add a manager or set one's password and sites.
    Add {
        #[command(flatten)]
        db: DatabaseArg,
        /// Login name.
        name: String,
        /// Sites this manager may see, comma-separated (default: all).
        #[arg(long, value_delimiter = ',')]
        sites: Vec<String>,
    },
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    db: DatabaseArg,
    /// First day, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day, YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// Only this site.
    #[arg(long)]
    site: Option<String>,
    /// Only this region.
    #[arg(long)]
    region: Option<String>,
    /// Only this agency (code).
    #[arg(long)]
    agency: Option<String>,
    /// Only this service (code).
    #[arg(long)]
    service: Option<String>,
    /// table (terminal), csv (one table: --table) or xlsx (every table; needs --out).
    #[arg(long, default_value = "table")]
    format: String,
    /// For CSV: ringkasan, kantor, instansi, layanan, minggu, status.
    #[arg(long, default_value = "kantor")]
    table: String,
    /// Write to this file instead of stdout.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn write_key(key: &str, file: Option<&PathBuf>) -> anyhow::Result<()> {
    write_named_key("site key", "the site's --central-key-file", key, file)
}

fn write_named_key(
    what: &str,
    where_to: &str,
    key: &str,
    file: Option<&PathBuf>,
) -> anyhow::Result<()> {
    match file {
        Some(path) => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(path)
                .and_then(|mut f| f.write_all(format!("{key}\n").as_bytes()))
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("{what} written to {} (shown nowhere else)", path.display());
        }
        None => {
            eprintln!("{what} (shown once; put it in {where_to}):");
            println!("{key}");
        }
    }
    Ok(())
}

async fn connect(db: &DatabaseArg) -> anyhow::Result<Db> {
    let db = Db::connect(&db.database).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(command: CentralCommand) -> anyhow::Result<()> {
    match command {
        CentralCommand::Serve {
            db,
            listen,
            tls_cert,
            tls_key,
            trusted_proxy,
        } => {
            let running = antrean_central::start(antrean_central::Config {
                database_url: db.database,
                listen,
                tls: tls_cert.zip(tls_key),
                trusted_proxy,
            })
            .await?;
            let scheme = if running_tls(&running) {
                "https"
            } else {
                "http"
            };
            println!(
                "Antrean Pusat listening on {scheme}://{} (report: /central/report)",
                running.addr
            );
            running.run_until(super::serve::stop_signal()?).await
        }
        CentralCommand::Migrate { db } => {
            let version = connect(&db).await?.migrate().await?;
            println!("schema at version {version}");
            Ok(())
        }
        CentralCommand::Site(SiteCommand::Add {
            db,
            id,
            name,
            region,
            key_file,
        }) => {
            let key = connect(&db).await?.add_site(&id, &name, &region).await?;
            write_key(&key, key_file.as_ref())
        }
        CentralCommand::Partner(PartnerCommand::Add {
            db,
            id,
            name,
            per_minute,
            key_file,
        }) => {
            let key = connect(&db)
                .await?
                .add_partner(&id, &name, per_minute)
                .await?;
            write_named_key(
                "partner key",
                "the partner app's configuration",
                &key,
                key_file.as_ref(),
            )
        }
        CentralCommand::Site(SiteCommand::Rekey { db, id, key_file }) => {
            let key = connect(&db).await?.rekey_site(&id).await?;
            write_key(&key, key_file.as_ref())
        }
        CentralCommand::Site(SiteCommand::List { db }) => {
            let now_s = antrean_central::ship::now_ms() / 1000;
            for s in connect(&db).await?.sites().await? {
                let seen = s.last_seen_s().map_or("belum pernah".to_owned(), |t| {
                    antrean_central::pages::ago_id(now_s - t)
                });
                println!(
                    "{}\t{}\t{}\tseq {}\ttertinggal {} peristiwa\t{}",
                    s.id,
                    s.name,
                    s.region,
                    s.confirmed_seq,
                    s.lag_events(),
                    seen
                );
            }
            Ok(())
        }
        CentralCommand::Manager(ManagerCommand::Add { db, name, sites }) => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("reading the password from stdin")?;
            connect(&db)
                .await?
                .put_manager(&name, password.trim_end_matches(['\r', '\n']), &sites)
                .await?;
            eprintln!("manager `{name}` saved");
            Ok(())
        }
        CentralCommand::Report(args) => report(args).await,
        CentralCommand::Catalog(CatalogCommand::Publish { db, site, file, by }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let version = connect(&db)
                .await?
                .publish_catalog(&site, &file.display().to_string(), &text, &by)
                .await?;
            println!(
                "published to {site} as version {version}; it is offered when the site connects"
            );
            Ok(())
        }
        CentralCommand::Catalog(CatalogCommand::List { db, site }) => {
            for v in connect(&db)
                .await?
                .catalog_versions(site.as_deref())
                .await?
            {
                println!(
                    "{}	v{}	{}	{}	{}",
                    v.site,
                    v.version,
                    v.status,
                    v.applies_on.unwrap_or_default(),
                    v.error.unwrap_or_default()
                );
            }
            Ok(())
        }
        CentralCommand::Demo(args) => super::central_demo::run(args).await,
        CentralCommand::Reproject { db, site } => {
            let n = connect(&db).await?.reproject(site.as_deref()).await?;
            println!("{n} site(s) will be projected again by the running service");
            Ok(())
        }
        CentralCommand::TlsInit { dir, hosts } => {
            let out = antrean_central::tls::init(&dir, &hosts)?;
            println!(
                "central: --tls-cert {} --tls-key {}\nsites:   --central-ca {}",
                out.server_cert.display(),
                out.server_key.display(),
                out.ca_cert.display()
            );
            Ok(())
        }
    }
}

fn running_tls(running: &antrean_central::Running) -> bool {
    running.tls
}

fn day(text: &str) -> anyhow::Result<LocalDate> {
    LocalDate::parse(text).with_context(|| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

async fn report(args: ReportArgs) -> anyhow::Result<()> {
    let db = connect(&args.db).await?;
    let query = CentralQuery {
        from: Some(day(&args.from)?),
        to: Some(day(&args.to)?),
        site: args.site,
        region: args.region,
        agency: args.agency,
        service: args.service,
        allowed: None,
    };
    antrean_central::report::period(&query)?;
    let report = antrean_central::pages::build(&db, query).await?;
    let tables = report.tables(antrean_central::ship::now_ms());
    let bytes = match args.format.as_str() {
        "table" => antrean_reports::export::to_text(&tables).into_bytes(),
        "csv" => {
            let sheet = antrean_central::pages::csv_table(&args.table)
                .with_context(|| format!("no table `{}`", args.table))?;
            let table = tables.iter().find(|t| t.sheet == sheet).expect("built");
            antrean_reports::export::to_csv(table)?
        }
        "xlsx" => {
            if args.out.is_none() {
                bail!("--format xlsx needs --out FILE");
            }
            antrean_reports::export::to_xlsx(&tables)?
        }
        other => bail!("--format {other}: use table, csv or xlsx"),
    };
    match args.out {
        Some(path) => {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
            Ok(())
        }
    }
}
