//! Sites enrolled at central and their keys.
//!
//! A key is 32 random bytes shown once at enrolment (`antrean central site add`); central
//! stores its SHA-256. A random 256-bit key needs no slow password hash: nobody can guess
//! it, and the hash only keeps a leaked database from being a list of working keys.

use anyhow::{Context, bail};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::Db;

/// Prefix of site keys, so one found in a config file or a log is recognisable.
pub const KEY_PREFIX: &str = "antrean-site-";

/// A site as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRow {
    /// Id (what the site's config names).
    pub id: String,
    /// Display name ("MPP Kota Contoh").
    pub name: String,
    /// Region (province, regency), for regional managers and grouping.
    pub region: String,
    /// Highest contiguous seq held.
    pub confirmed_seq: i64,
    /// The site's last seq as it last said.
    pub site_last_seq: i64,
    /// Time of that event, Unix ms.
    pub site_last_at_ms: i64,
    /// Last shipping connection, Unix seconds.
    pub last_connected_s: Option<i64>,
    /// Last stored batch, Unix seconds.
    pub last_batch_s: Option<i64>,
    /// Time of the event at `confirmed_seq`, Unix ms (0 when none).
    pub confirmed_at_ms: i64,
}

impl SiteRow {
    /// Events the site has that central does not hold contiguously yet.
    pub fn lag_events(&self) -> i64 {
        (self.site_last_seq - self.confirmed_seq).max(0)
    }

    /// How far behind the site's newest event central's contiguous log ends, seconds.
    pub fn lag_s(&self) -> i64 {
        if self.lag_events() == 0 {
            0
        } else {
            ((self.site_last_at_ms - self.confirmed_at_ms) / 1000).max(0)
        }
    }

    /// When the site was last heard from, Unix seconds.
    pub fn last_seen_s(&self) -> Option<i64> {
        self.last_batch_s.max(self.last_connected_s)
    }
}

/// Why a shipping connection was refused (a label of `/metrics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No key, or not ours.
    BadKey,
    /// No such site.
    UnknownSite,
    /// A protocol version we do not speak.
    BadProtocol,
}

impl Refusal {
    /// The metrics label.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::BadKey => "bad_key",
            Refusal::UnknownSite => "unknown_site",
            Refusal::BadProtocol => "bad_protocol",
        }
    }
}

/// A fresh site key: 32 random bytes, URL-safe base64, after [`KEY_PREFIX`].
fn new_key() -> String {
    new_key_with(KEY_PREFIX)
}

/// 32 random bytes, URL-safe base64, after `prefix`.
pub(crate) fn new_key_with(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

pub(crate) fn key_hash(key: &str) -> Vec<u8> {
    Sha256::digest(key.as_bytes()).to_vec()
}

/// Whether `id` is a valid site id (lower-case letters, digits and dashes, ≤ 63).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

impl Db {
    /// Enrols a site and returns its key (shown once; only its hash is stored).
    pub async fn add_site(&self, id: &str, name: &str, region: &str) -> anyhow::Result<String> {
        if !valid_id(id) {
            bail!(
                "site id `{id}`: use lower-case letters, digits and dashes (at most 63), \
                 e.g. mpp-kota-bandung"
            );
        }
        let key = new_key();
        let conn = self.get().await?;
        let inserted = conn
            .execute(
                "INSERT INTO sites (id, name, region, key_sha256) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
                &[&id, &name, &region, &key_hash(&key)],
            )
            .await?;
        if inserted == 0 {
            bail!("site `{id}` is already enrolled (use `site rekey` for a new key)");
        }
        conn.execute(
            "INSERT INTO projector_cursors (site_id) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&id],
        )
        .await?;
        Ok(key)
    }

    /// Replaces a site's key (a leaked key, a reinstalled site PC): the old one stops
    /// working at once, connections already open with it are not cut here.
    pub async fn rekey_site(&self, id: &str) -> anyhow::Result<String> {
        let key = new_key();
        let conn = self.get().await?;
        let n = conn
            .execute(
                "UPDATE sites SET key_sha256 = $2 WHERE id = $1",
                &[&id, &key_hash(&key)],
            )
            .await?;
        if n == 0 {
            bail!("no site `{id}`");
        }
        Ok(key)
    }

    /// Checks a shipping site's key against its id.
    pub async fn authenticate_site(
        &self,
        id: &str,
        key: &str,
    ) -> anyhow::Result<Result<(), Refusal>> {
        let conn = self.get().await?;
        let row = conn
            .query_opt("SELECT key_sha256 FROM sites WHERE id = $1", &[&id])
            .await
            .context("looking up the site")?;
        let Some(row) = row else {
            return Ok(Err(Refusal::UnknownSite));
        };
        let stored: Vec<u8> = row.get(0);
        if stored == key_hash(key) {
            Ok(Ok(()))
        } else {
            Ok(Err(Refusal::BadKey))
        }
    }

    /// Every site, by id.
    pub async fn sites(&self) -> anyhow::Result<Vec<SiteRow>> {
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT id, name, region, confirmed_seq, site_last_seq, site_last_at_ms,
                        extract(epoch FROM last_connected_at)::bigint,
                        extract(epoch FROM last_batch_at)::bigint,
                        coalesce((SELECT r.at_ms FROM raw_events r
                                  WHERE r.site_id = s.id AND r.seq = s.confirmed_seq), 0)
                 FROM sites s ORDER BY id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| SiteRow {
                id: r.get(0),
                name: r.get(1),
                region: r.get(2),
                confirmed_seq: r.get(3),
                site_last_seq: r.get(4),
                site_last_at_ms: r.get(5),
                last_connected_s: r.get(6),
                last_batch_s: r.get(7),
                confirmed_at_ms: r.get(8),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn site_ids() {
        assert!(super::valid_id("mpp-kota-bandung"));
        assert!(super::valid_id("samsat2"));
        for bad in ["", "-x", "MPP", "mpp kota", "mpp_kota", &"a".repeat(64)] {
            assert!(!super::valid_id(bad), "{bad}");
        }
    }
}
