//! Catalogs published from central to sites (docs/central.md, "Publishing a catalog").
//!
//! Central holds numbered versions per site. The newest still `pending` rides on `welcome`
//! and on every `ack` until the site answers with `catalog_result`: accepted (with the day
//! it takes effect, always a later day than the one it arrived on) or rejected with the
//! loader's file:line error. Publishing checks the file here first, so a catalog that does
//! not load never leaves central; the site checks it again with its own loader (its
//! binary may be older).

use antrean_protocol::PublishedCatalogDto;
use anyhow::bail;

use crate::db::Db;
use crate::ingest::catalog_digest;

/// A published version as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct CatalogVersion {
    /// Site id.
    pub site: String,
    /// Version number (per site, from 1).
    pub version: i64,
    /// pending, accepted, rejected or superseded.
    pub status: String,
    /// The site's error when rejected.
    pub error: Option<String>,
    /// The day it takes effect, YYYY-MM-DD, when accepted.
    pub applies_on: Option<String>,
    /// Who published it.
    pub published_by: String,
}

impl Db {
    /// Publishes `catalog_toml` to `site` as its next version; older pending versions are
    /// superseded. The file must load here first.
    pub async fn publish_catalog(
        &self,
        site: &str,
        file_name: &str,
        catalog_toml: &str,
        by: &str,
    ) -> anyhow::Result<i64> {
        if let Err(err) = antrean_catalog::parse(file_name, catalog_toml) {
            bail!("not published, the catalog does not load: {err}");
        }
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        if tx
            .query_opt("SELECT 1 FROM sites WHERE id = $1 FOR UPDATE", &[&site])
            .await?
            .is_none()
        {
            bail!("no site `{site}`");
        }
        tx.execute(
            "UPDATE catalog_versions SET status = 'superseded'
             WHERE site_id = $1 AND status = 'pending'",
            &[&site],
        )
        .await?;
        let version: i64 = tx
            .query_one(
                "INSERT INTO catalog_versions (site_id, version, catalog_toml, catalog_sha256,
                     published_by)
                 SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4
                 FROM catalog_versions WHERE site_id = $1
                 RETURNING version",
                &[&site, &catalog_toml, &catalog_digest(catalog_toml), &by],
            )
            .await?
            .get(0);
        tx.commit().await?;
        Ok(version)
    }

    /// The newest version still waiting for the site's answer.
    pub async fn pending_catalog(&self, site: &str) -> anyhow::Result<Option<PublishedCatalogDto>> {
        let conn = self.get().await?;
        let row = conn
            .query_opt(
                "SELECT version, catalog_toml, catalog_sha256 FROM catalog_versions
                 WHERE site_id = $1 AND status = 'pending' ORDER BY version DESC LIMIT 1",
                &[&site],
            )
            .await?;
        Ok(row.map(|r| PublishedCatalogDto {
            version: r.get::<_, i64>(0) as u64,
            catalog_toml: r.get(1),
            catalog_sha256: r.get(2),
        }))
    }

    /// Records the site's answer for one version (a stale answer for a superseded version
    /// is kept as the site said it, but never revives it).
    pub async fn record_catalog_result(
        &self,
        site: &str,
        version: u64,
        accepted: bool,
        error: Option<&str>,
        applies_on: Option<&str>,
    ) -> anyhow::Result<()> {
        let conn = self.get().await?;
        conn.execute(
            "UPDATE catalog_versions
             SET status = CASE WHEN status = 'superseded' THEN status
                               WHEN $3 THEN 'accepted' ELSE 'rejected' END,
                 error = $4, applies_on = $5::text::date, answered_at = now()
             WHERE site_id = $1 AND version = $2",
            &[&site, &(version as i64), &accepted, &error, &applies_on],
        )
        .await?;
        Ok(())
    }

    /// Published versions, newest first (all sites, or one).
    pub async fn catalog_versions(
        &self,
        site: Option<&str>,
    ) -> anyhow::Result<Vec<CatalogVersion>> {
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT site_id, version, status, error, to_char(applies_on, 'YYYY-MM-DD'),
                     published_by
                 FROM catalog_versions WHERE $1::text IS NULL OR site_id = $1
                 ORDER BY site_id, version DESC",
                &[&site],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| CatalogVersion {
                site: r.get(0),
                version: r.get(1),
                status: r.get(2),
                error: r.get(3),
                applies_on: r.get(4),
                published_by: r.get(5),
            })
            .collect())
    }
}
