//! Catalogs published by Antrean Pusat, on the site (docs/central.md, "Publishing a
//! catalog").
//!
//! An offered version is checked with the same catalog loader as `--catalog` and answered:
//! rejected with the loader's file:line error, or accepted and stored as
//! `central-catalog/pending.toml` (temp file, fsync, rename) to take effect on the next
//! local day. It takes effect only outside service hours — before the day's opening, or on
//! a closed day — so a day's queues never see two catalogs. Promoted, it becomes
//! `central-catalog/active.toml`, which `antrean serve` then loads instead of `--catalog`
//! at every start, until a newer one arrives.

use std::path::{Path, PathBuf};

use antrean_core::schedule::Schedule;
use antrean_core::{Catalog, LocalDate, TimeZone, Timestamp};
use antrean_protocol::{PublishedCatalogDto, SiteMessage};

/// Directory in the data directory holding central's catalogs.
pub const DIR: &str = "central-catalog";

/// A stored catalog's facts (the `.meta` beside it: `version`, `applies_on`, `sha256`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Central's version number.
    pub version: u64,
    /// First local day it may be in force.
    pub applies_on: LocalDate,
    /// SHA-256 of the TOML, hex.
    pub sha256: String,
}

fn paths(data_dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let dir = data_dir.join(DIR);
    (
        dir.join(format!("{name}.toml")),
        dir.join(format!("{name}.meta")),
    )
}

fn read(data_dir: &Path, name: &str) -> Option<(Stored, String)> {
    let (toml_path, meta_path) = paths(data_dir, name);
    let meta = std::fs::read_to_string(meta_path).ok()?;
    let field = |key: &str| {
        meta.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::trim)
    };
    let stored = Stored {
        version: field("version")?.parse().ok()?,
        applies_on: LocalDate::parse(field("applies_on")?)?,
        sha256: field("sha256")?.to_owned(),
    };
    let toml = std::fs::read_to_string(toml_path).ok()?;
    Some((stored, toml))
}

/// The accepted catalog waiting for its day, if any.
pub fn pending(data_dir: &Path) -> Option<(Stored, String)> {
    read(data_dir, "pending")
}

/// The catalog from central in force, if any.
pub fn active(data_dir: &Path) -> Option<(Stored, String)> {
    read(data_dir, "active")
}

pub(crate) fn write_durably(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(path.parent().expect("inside the data directory"))?.sync_all()
}

/// Checks an offered catalog and, when it loads, stores it as pending for the next local
/// day. The answer for central.
pub fn consider(
    data_dir: &Path,
    offer: &PublishedCatalogDto,
    time_zone: TimeZone,
    now: Timestamp,
) -> SiteMessage {
    let answer = |accepted, error: Option<String>, applies_on: Option<LocalDate>| {
        SiteMessage::CatalogResult {
            version: offer.version,
            accepted,
            error,
            applies_on: applies_on.map(|d| d.to_string()),
        }
    };
    if let Some((stored, _)) = pending(data_dir).or_else(|| active(data_dir))
        && stored.version == offer.version
    {
        return answer(true, None, Some(stored.applies_on));
    }
    let name = format!("katalog dari pusat v{}", offer.version);
    if let Err(err) = antrean_catalog::parse(&name, &offer.catalog_toml) {
        return answer(false, Some(err.to_string()), None);
    }
    let applies_on = time_zone.local(now).date.succ();
    let (toml_path, meta_path) = paths(data_dir, "pending");
    let meta = format!(
        "version={}\napplies_on={applies_on}\nsha256={}\n",
        offer.version, offer.catalog_sha256
    );
    let stored = std::fs::create_dir_all(data_dir.join(DIR))
        .and_then(|()| write_durably(&toml_path, &offer.catalog_toml))
        .and_then(|()| write_durably(&meta_path, &meta));
    match stored {
        Ok(()) => answer(true, None, Some(applies_on)),
        Err(err) => answer(
            false,
            Some(format!("the site could not store it: {err}")),
            None,
        ),
    }
}

/// Whether the pending catalog may take effect at `now`: its day has come and the site is
/// outside service hours by the catalog in force (before opening, or closed all day).
pub fn due(pending: &Stored, schedule: &Schedule, time_zone: TimeZone, now: Timestamp) -> bool {
    let local = time_zone.local(now);
    local.date >= pending.applies_on && schedule.before_service(local)
}

/// Makes the pending catalog the active one (renames: the active pair is replaced).
pub fn promote(data_dir: &Path) -> std::io::Result<()> {
    let (pending_toml, pending_meta) = paths(data_dir, "pending");
    let (active_toml, active_meta) = paths(data_dir, "active");
    std::fs::rename(pending_toml, active_toml)?;
    std::fs::rename(pending_meta, active_meta)?;
    std::fs::File::open(data_dir.join(DIR))?.sync_all()
}

/// The catalog to run with at start: a due pending one is promoted first; then the active
/// one from central, else None (the `--catalog` file). Errors are logged, never fatal: a
/// site keeps serving with what it has.
pub fn at_start(data_dir: &Path, fallback: &Catalog, now: Timestamp) -> Option<(Stored, String)> {
    if let Some((stored, _)) = pending(data_dir) {
        let tz = fallback.site.time_zone;
        if due(&stored, &fallback.site.schedule, tz, now) {
            match promote(data_dir) {
                Ok(()) => tracing::info!(
                    version = stored.version,
                    "catalog from central takes effect"
                ),
                Err(err) => tracing::error!("cannot apply the catalog from central: {err}"),
            }
        }
    }
    active(data_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(version: u64, toml: &str) -> PublishedCatalogDto {
        PublishedCatalogDto {
            version,
            catalog_toml: toml.into(),
            catalog_sha256: "00".into(),
        }
    }

    #[test]
    fn an_offer_is_refused_with_its_error_or_kept_for_the_next_day() {
        let dir = tempfile::tempdir().unwrap();
        // 2026-12-03 10:00 WIB.
        let now = Timestamp(1_796_266_800_000);
        match consider(
            dir.path(),
            &offer(1, "[site]\nname = 3\n"),
            TimeZone::Wib,
            now,
        ) {
            SiteMessage::CatalogResult {
                accepted: false,
                error: Some(e),
                ..
            } => {
                assert!(e.starts_with("katalog dari pusat v1:"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(
            pending(dir.path()).is_none(),
            "a refused catalog is not kept"
        );
        let good = offer(2, antrean_catalog::SAMPLE_CATALOG_TOML);
        let answer = consider(dir.path(), &good, TimeZone::Wib, now);
        assert_eq!(
            answer,
            SiteMessage::CatalogResult {
                version: 2,
                accepted: true,
                error: None,
                applies_on: Some("2026-12-04".into()),
            }
        );
        let (stored, toml) = pending(dir.path()).unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(toml, antrean_catalog::SAMPLE_CATALOG_TOML);
        // Offered again (an answer lost with a connection): the same answer, still for the
        // day after the first offer.
        let later = Timestamp(now.0 + 86_400_000);
        assert_eq!(consider(dir.path(), &good, TimeZone::Wib, later), answer);

        let catalog = antrean_catalog::sample();
        let schedule = &catalog.site.schedule;
        assert!(
            !due(&stored, schedule, TimeZone::Wib, now),
            "not before its day"
        );
        // 2026-12-04 07:00 WIB (a Friday, before the sample's 08:00 opening).
        let next_morning = Timestamp(1_796_342_400_000);
        assert!(due(&stored, schedule, TimeZone::Wib, next_morning));
        let next_noon = Timestamp(next_morning.0 + 5 * 3_600_000);
        assert!(
            !due(&stored, schedule, TimeZone::Wib, next_noon),
            "never mid-day"
        );
        promote(dir.path()).unwrap();
        assert!(pending(dir.path()).is_none());
        assert_eq!(active(dir.path()).unwrap().0.version, 2);
    }
}
