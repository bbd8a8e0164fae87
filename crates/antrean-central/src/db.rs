//! The PostgreSQL pool and the schema's versioned migrations.

use std::str::FromStr;

use anyhow::{Context, bail};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use crate::limits::{DATABASE_START_WAIT, MAX_DB_CONNECTIONS};

/// The schema migrations, in order. A migration is never edited once released: a change is
/// a new file.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "schema", include_str!("../migrations/0001_schema.sql")),
    (
        2,
        "catalog publishing",
        include_str!("../migrations/0002_catalog_publishing.sql"),
    ),
    (3, "booking", include_str!("../migrations/0003_booking.sql")),
    (
        4,
        "booking rollups",
        include_str!("../migrations/0004_booking_rollups.sql"),
    ),
    (
        5,
        "booking manage links",
        include_str!("../migrations/0005_booking_manage_links.sql"),
    ),
];

/// The schema version this binary writes.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Key of the advisory lock migrations hold, so two starting instances do not race.
const MIGRATION_LOCK: i64 = 0x616e_7472_6561_6e01;

/// A pool of PostgreSQL connections. A connection that broke (PostgreSQL restarted) is
/// replaced on the next checkout, so central reconnects by itself.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    /// Month partitions of `raw_events` known to exist (saves a catalog lookup per batch).
    pub(crate) partitions: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Names of agencies and services by code, from the sites' catalogs, by catalog digest.
    pub(crate) names: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Names>>>,
    /// Parsed site catalogs by digest, for booking.
    pub(crate) catalogs: crate::booking::Catalogs,
    /// Sites' booking-code keys (made once, never changed), for booking.
    pub(crate) code_keys: crate::booking::CodeKeys,
    /// Recent day counts, for refusals in a rush (booking/seat_cache.rs).
    pub(crate) seats: crate::booking::seat_cache::SeatCache,
    /// Per-site queues and turns for booking changes (booking/group.rs).
    pub(crate) site_queues: crate::booking::SiteQueues,
}

/// Display names from one catalog.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Agency code → name.
    pub agencies: std::collections::HashMap<String, String>,
    /// Service code → name.
    pub services: std::collections::HashMap<String, String>,
}

/// A pooled connection.
pub type Conn = deadpool_postgres::Object;

impl Db {
    /// Connects, waiting up to [`DATABASE_START_WAIT`] for the server to accept.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        let mut pg = tokio_postgres::Config::from_str(url)
            .with_context(|| format!("bad --database address {}", redact(url)))?;
        // Migrations' "already exists, skipping" notices are not news.
        pg.options("-c client_min_messages=warning");
        let manager = Manager::from_config(
            pg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(MAX_DB_CONNECTIONS)
            .build()
            .context("building the connection pool")?;
        let db = Db {
            pool,
            partitions: Default::default(),
            names: Default::default(),
            catalogs: Default::default(),
            code_keys: Default::default(),
            seats: Default::default(),
            site_queues: Default::default(),
        };
        let deadline = tokio::time::Instant::now() + DATABASE_START_WAIT;
        loop {
            match db.pool.get().await {
                Ok(_) => return Ok(db),
                Err(err) if tokio::time::Instant::now() < deadline => {
                    tracing::warn!("PostgreSQL not reachable yet ({err}); retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
                Err(err) => {
                    return Err(err).with_context(|| {
                        format!("cannot connect to PostgreSQL at {}", redact(url))
                    });
                }
            }
        }
    }

    /// A connection from the pool.
    pub async fn get(&self) -> anyhow::Result<Conn> {
        self.pool.get().await.context("no PostgreSQL connection")
    }

    /// Applies the migrations this database lacks, in one transaction; refuses a database
    /// whose schema is newer than this binary (an older binary must not write to it).
    pub async fn migrate(&self) -> anyhow::Result<i32> {
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
        let current: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await?
            .get(0);
        let latest = latest_version();
        if current > latest {
            bail!(
                "the database schema is version {current}, newer than this antrean knows \
                 ({latest}); run the antrean release that wrote it, or a newer one"
            );
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            tx.batch_execute(sql)
                .await
                .with_context(|| format!("applying migration {version} ({name})"))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .await?;
            tracing::info!(version, name, "applied schema migration");
        }
        tx.commit().await?;
        Ok(latest)
    }
}

impl Db {
    /// Agency and service names from every site's catalog (a code two sites name
    /// differently shows the first site's name). Catalogs are parsed once per digest.
    pub async fn catalog_names(&self) -> anyhow::Result<Names> {
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT catalog_sha256, catalog_toml FROM sites
                 WHERE catalog_toml IS NOT NULL ORDER BY id",
                &[],
            )
            .await?;
        let mut cache = self.names.lock().expect("names lock");
        let mut all = Names::default();
        for r in rows {
            let sha: String = r.get(0);
            if !cache.contains_key(&sha) {
                let Ok(catalog) = antrean_catalog::parse("catalog.toml", r.get(1)) else {
                    continue;
                };
                cache.insert(
                    sha.clone(),
                    Names {
                        agencies: catalog
                            .agencies
                            .iter()
                            .map(|a| (a.code.clone(), a.name_id.clone()))
                            .collect(),
                        services: catalog
                            .services
                            .iter()
                            .map(|s| (s.code.clone(), s.name_id.clone()))
                            .collect(),
                    },
                );
            }
            let names = &cache[&sha];
            for (k, v) in &names.agencies {
                all.agencies.entry(k.clone()).or_insert_with(|| v.clone());
            }
            for (k, v) in &names.services {
                all.services.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Ok(all)
    }
}

/// The address without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://antrean:rahasia@db:5432/pusat"),
            "postgres://antrean:***@db:5432/pusat"
        );
        assert_eq!(
            super::redact("postgres://antrean@db/pusat"),
            "postgres://antrean@db/pusat"
        );
        assert_eq!(super::redact("host=/run/pg"), "host=/run/pg");
    }
}
