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
mod mirror;
mod principals;

pub use error::StoreError;
pub use log::{ImportReport, export_dir};
pub use mirror::MIRROR_FILE;
pub use principals::{PrincipalKind, PrincipalRecord};

use std::path::{Path, PathBuf};

/// The on-disk format version in the `meta` tree; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

const META_FORMAT: &[u8] = b"format_version";
const META_SITE_SECRET: &[u8] = b"site_secret";

/// The sled database inside the data directory.
pub const SLED_DIR: &str = "sled";

/// An open data directory: `sled/` (the database) and `events.jsonl` (the mirror).
#[derive(Clone)]
pub struct Store {
    mirror: std::sync::Arc<std::sync::Mutex<mirror::Mirror>>,
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
            .path(dir.join(SLED_DIR))
            .mode(sled::Mode::HighThroughput)
            // Every commit is flushed explicitly before it is acknowledged; sled's own
            // flusher thread (every 500 ms) only competed with those flushes for the log
            // buffers, adding to the latency tail (BENCHMARKS.md, durable issue latency).
            .flush_every_ms(None);
        let db = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.open()))
            .map_err(|_| open_err("sled panicked while reading the files".into()))?
            .map_err(|e| open_err(e.to_string()))?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_err(e.to_string()));
        let (mirror, mirror_seq) = mirror::Mirror::open(dir)?;
        let store = Store {
            mirror: std::sync::Arc::new(std::sync::Mutex::new(mirror)),
            events: tree("events")?,
            principals: tree("principals")?,
            meta: tree("meta")?,
            db,
            dir: dir.to_owned(),
        };
        store.check_format(new_secret)?;
        store.complete_mirror(mirror_seq)?;
        Ok(store)
    }

    /// Brings the mirror up to the store's last seq, or fails if it is ahead of the store.
    fn complete_mirror(&self, mirror_seq: u64) -> Result<(), StoreError> {
        let store_seq = self.last_seq()?;
        if mirror_seq > store_seq {
            return Err(StoreError::corrupt(
                self.dir(),
                format!(
                    "{MIRROR_FILE} holds events up to seq {mirror_seq} but the database only up to \
                     {store_seq}: the database lost flushed data. Restore from the mirror: \
                     `antrean import --from {} --data NEW_DIR`",
                    self.dir().join(MIRROR_FILE).display()
                ),
            ));
        }
        let mut mirror = self.mirror.lock().expect("mirror lock");
        for item in self.events.range((mirror_seq + 1).to_be_bytes()..) {
            let (_, value) = item?;
            let record: antrean_protocol::LogRecord =
                serde_json::from_slice(&value).map_err(|e| {
                    StoreError::corrupt(self.dir(), format!("event after seq {mirror_seq}: {e}"))
                })?;
            mirror.queue(&record);
        }
        mirror.sync()
    }

    /// Path of the mirror file.
    pub fn mirror_path(&self) -> PathBuf {
        self.mirror.lock().expect("mirror lock").path().to_owned()
    }

    /// Writes the mirror to disk (shutdown).
    pub fn sync_mirror(&self) -> Result<(), StoreError> {
        self.mirror.lock().expect("mirror lock").sync()
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

    /// Makes every write so far durable (fsync), then appends the new events to the
    /// mirror. Blocking: call it off the async runtime.
    pub fn flush(&self) -> Result<usize, StoreError> {
        let bytes = self.db.flush()?;
        self.mirror.lock().expect("mirror lock").write_pending()?;
        Ok(bytes)
    }

    /// Bytes the database occupies on disk (sled has known space amplification; watch it).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}
