//! Durable storage for the coordinator: the event log and the credentials, on sled 0.34.
//!
//! **Key design decision:** nothing here is durable until [`Store::flush`] returns. The
//! coordinator appends a whole batch of commands' events, flushes once (group commit), and
//! only then acknowledges or broadcasts them. sled's own background flush (every 500 ms)
//! would lose acknowledged writes on a crash; we never rely on it.
//!
//! A damaged data directory is reported with [`StoreError`] and a recovery hint — never
//! reset. `export`/`import` move the log through plain JSON Lines for backup and recovery.
#![deny(missing_docs)]

mod error;
mod log;
mod principals;

pub use error::StoreError;
pub use log::export_dir;
pub use principals::{PrincipalKind, PrincipalRecord};

use std::path::{Path, PathBuf};

/// The on-disk format version in the `meta` tree; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

const META_FORMAT: &[u8] = b"format_version";
const META_SITE_SECRET: &[u8] = b"site_secret";

/// An open data directory.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    events: sled::Tree,
    principals: sled::Tree,
    meta: sled::Tree,
    dir: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the data directory. `new_secret` makes the site secret the first
    /// time (the store has no randomness of its own).
    pub fn open(dir: &Path, new_secret: impl FnOnce() -> [u8; 32]) -> Result<Store, StoreError> {
        let open_err = |detail: String| StoreError::Open {
            dir: dir.to_owned(),
            detail,
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        // sled 0.34 can panic instead of returning an error on some damaged files: turn that
        // into an error so the operator gets the recovery hint, not a backtrace.
        let config = sled::Config::new()
            .path(dir)
            .mode(sled::Mode::HighThroughput);
        let db = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.open()))
            .map_err(|_| open_err("sled panicked while reading the files".into()))?
            .map_err(|e| open_err(e.to_string()))?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_err(e.to_string()));
        let store = Store {
            events: tree("events")?,
            principals: tree("principals")?,
            meta: tree("meta")?,
            db,
            dir: dir.to_owned(),
        };
        store.check_format(new_secret)?;
        Ok(store)
    }

    fn check_format(&self, new_secret: impl FnOnce() -> [u8; 32]) -> Result<(), StoreError> {
        match self.meta.get(META_FORMAT)? {
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_be_bytes).map_err(|_| {
                    StoreError::Corrupt {
                        dir: self.dir.clone(),
                        detail: "meta/format_version is not a 4-byte number".into(),
                    }
                })?;
                if found != FORMAT_VERSION {
                    return Err(StoreError::Format {
                        dir: self.dir.clone(),
                        found,
                        expected: FORMAT_VERSION,
                    });
                }
            }
            None => {
                // A directory that has events but no format marker was not written by us
                // (or lost its meta tree): refuse rather than guess.
                if self.events.first()?.is_some() {
                    return Err(StoreError::Corrupt {
                        dir: self.dir.clone(),
                        detail: "events exist but meta/format_version is missing".into(),
                    });
                }
                self.meta
                    .insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
            }
        }
        if self.meta.get(META_SITE_SECRET)?.is_none() {
            self.meta.insert(META_SITE_SECRET, &new_secret())?;
        }
        self.flush()?;
        Ok(())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The site secret that signs digital-ticket tokens.
    pub fn site_secret(&self) -> Result<[u8; 32], StoreError> {
        let value = self
            .meta
            .get(META_SITE_SECRET)?
            .ok_or_else(|| StoreError::Corrupt {
                dir: self.dir.clone(),
                detail: "meta/site_secret is missing".into(),
            })?;
        value.as_ref().try_into().map_err(|_| StoreError::Corrupt {
            dir: self.dir.clone(),
            detail: "meta/site_secret has the wrong length".into(),
        })
    }

    /// Makes every write so far durable (fsync). Blocking: call it off the async runtime.
    pub fn flush(&self) -> Result<usize, StoreError> {
        Ok(self.db.flush()?)
    }

    /// Bytes the database occupies on disk (sled has known space amplification; watch it).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}
