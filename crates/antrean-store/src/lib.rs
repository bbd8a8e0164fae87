//! Durable storage for the coordinator: a write-ahead log of our own in front of sled 0.34.
//!
//! **Key design decision:** a change is durable — and may be acknowledged — when
//! [`Writer::commit`] returned: its write-ahead log frame was written and `fdatasync`ed.
//! sled's own `flush()` is not that (it uses `sync_file_range`, which neither flushes the
//! disk's cache nor makes a new file size durable), so sled holds the indexed copy (events
//! by seq, credentials, meta) and is brought up to date from the log behind the
//! acknowledgement; a background checkpoint makes it durable and lets log segments be
//! reused. docs/storage.md has the formats and the reasoning.
//!
//! Opening a data directory gives a [`Store`] (reads, cheap to clone) and its one
//! [`Writer`], which the coordinator hands to its committer: every write after opening goes
//! through it, so there is exactly one durable order.
//!
//! A damaged data directory is reported with [`StoreError`] and a recovery hint — never
//! reset. `export`/`import` move the log through plain JSON Lines for backup and recovery.
#![deny(missing_docs)]

mod backup;
mod checkpoint;
mod error;
mod log;
mod mirror;
mod principals;
pub mod wal;
mod web_sessions;
mod writer;

pub use backup::{BackupReport, backup};
pub use error::StoreError;
pub use log::{ImportReport, export_dir};
pub use mirror::MIRROR_FILE;
pub use principals::{PrincipalKind, PrincipalRecord};
pub use wal::WalOptions;
pub use web_sessions::{WEB_SESSIONS_FILE, WebSessionRecord, load_web_sessions, save_web_sessions};
pub use writer::{PrincipalWrite, RecoveryReport, Writer};

use std::path::{Path, PathBuf};

use wal::fs::{OsFs, WalFs};

/// The on-disk format version in the `meta` tree; bumped on incompatible changes.
/// 2: the write-ahead log (`wal/`) is part of the data; version 1 (sled alone) is
/// upgraded in place on open.
pub const FORMAT_VERSION: u32 = 2;

const META_FORMAT: &[u8] = b"format_version";
const META_SITE_SECRET: &[u8] = b"site_secret";
/// The last write-ahead log frame applied to sled (big-endian u64).
const META_WAL_CHECKPOINT: &[u8] = b"wal_checkpoint";

/// The sled database inside the data directory.
pub const SLED_DIR: &str = "sled";
/// The write-ahead log's segments inside the data directory.
pub const WAL_DIR: &str = "wal";

/// The reading half of an open data directory: `sled/` (the indexed copy), `wal/` (the
/// write-ahead log, the writer's) and `events.jsonl` (the mirror).
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
    /// Opens (or creates) the data directory and recovers it: log frames written after
    /// sled's last checkpoint are replayed into sled, an incomplete last frame (never
    /// acknowledged) is cut off and reported in [`Writer::recovery`]. `new_secret` makes
    /// the site secret the first time (the store has no randomness of its own).
    pub fn open(
        dir: &Path,
        new_secret: impl FnOnce() -> [u8; 32],
    ) -> Result<(Store, Writer), StoreError> {
        let fs = OsFs::new(&dir.join(WAL_DIR)).map_err(|e| StoreError::Open {
            dir: dir.to_owned(),
            detail: e.to_string(),
        })?;
        Store::open_with(dir, fs, WalOptions::default(), new_secret)
    }

    /// [`Store::open`] with the log on a given file system (crash tests use
    /// [`wal::sim::SimFs`]) and given sizes.
    pub fn open_with<F: WalFs>(
        dir: &Path,
        fs: F,
        options: WalOptions,
        new_secret: impl FnOnce() -> [u8; 32],
    ) -> Result<(Store, Writer<F>), StoreError> {
        let open_err = |detail: String| StoreError::Open {
            dir: dir.to_owned(),
            detail,
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        let config = sled::Config::new()
            .path(dir.join(SLED_DIR))
            .mode(sled::Mode::HighThroughput)
            // sled's flusher thread (every 500 ms) would only compete with the checkpoints
            // for its log buffers; durability comes from the write-ahead log.
            .flush_every_ms(None);
        // sled 0.34 can panic instead of returning an error on some damaged files: turn that
        // into an error so the operator gets the recovery hint, not a backtrace.
        let db = open_sled(&config).map_err(open_err)?;
        let tree = |name: &str| db.open_tree(name).map_err(|e| open_err(e.to_string()));
        let store = Store {
            events: tree("events")?,
            principals: tree("principals")?,
            meta: tree("meta")?,
            db,
            dir: dir.to_owned(),
        };
        store.check_format(new_secret)?;
        let writer = store.recover(fs, options)?;
        Ok((store, writer))
    }

    /// Replays the log after sled's checkpoint and builds the writer.
    fn recover<F: WalFs>(&self, fs: F, options: WalOptions) -> Result<Writer<F>, StoreError> {
        let checkpoint_lsn = self.wal_checkpoint()?;
        let (wal, recovered) = wal::Wal::open(fs, options, checkpoint_lsn)?;
        let replayed_frames = recovered.frames.len();
        let mut applied_lsn = checkpoint_lsn;
        for (lsn, payload) in &recovered.frames {
            self.replay_frame(*lsn, payload)?;
            applied_lsn = *lsn;
        }
        // What sled read at open may have come from the page cache after a killed process,
        // not from the disk: make it durable before any segment is reused on its strength.
        checkpoint::make_durable(&self.db, &self.dir.join(SLED_DIR))?;
        let last_seq = self.last_seq()?;
        let (mirror, mirror_seq) = mirror::Mirror::open(&self.dir)?;
        let mut mirror = mirror;
        self.complete_mirror(&mut mirror, mirror_seq)?;
        let checkpointer =
            checkpoint::Checkpointer::start(self.db.clone(), self.dir.join(SLED_DIR), applied_lsn);
        let mut writer = Writer {
            store: self.clone(),
            wal,
            mirror,
            checkpointer,
            last_seq,
            applied_lsn,
            unapplied: Vec::new(),
            unapplied_lsn: applied_lsn,
            events_since_checkpoint: 0,
            recovery: RecoveryReport {
                replayed_frames,
                torn_tail: recovered.torn_tail,
                last_seq,
            },
            payload: Vec::new(),
        };
        writer.wal.retire_through(applied_lsn)?;
        Ok(writer)
    }

    /// Applies one recovered frame to sled. Replaying a frame sled already partly holds is
    /// harmless: every entry is a put or a remove of a whole value.
    fn replay_frame(&self, lsn: u64, payload: &[u8]) -> Result<(), StoreError> {
        use wal::frame::EntryKind;
        let entries = wal::frame::decode_entries(payload).map_err(|detail| {
            StoreError::corrupt(
                &self.dir,
                format!("write-ahead log frame lsn {lsn}: {detail}"),
            )
        })?;
        let mut last_seq = self.last_seq()?;
        for (kind, bytes) in entries {
            match kind {
                EntryKind::Event => {
                    let record: antrean_protocol::LogRecord = serde_json::from_slice(bytes)
                        .map_err(|e| {
                            StoreError::corrupt(
                                &self.dir,
                                format!("write-ahead log frame lsn {lsn}: an event: {e}"),
                            )
                        })?;
                    if record.seq > last_seq + 1 {
                        return Err(StoreError::corrupt(
                            &self.dir,
                            format!(
                                "write-ahead log frame lsn {lsn} holds seq {} but the database \
                                 ends at seq {last_seq}",
                                record.seq
                            ),
                        ));
                    }
                    last_seq = last_seq.max(record.seq);
                    self.events.insert(record.seq.to_be_bytes(), bytes)?;
                }
                EntryKind::PutPrincipal => {
                    let record: PrincipalRecord = serde_json::from_slice(bytes).map_err(|e| {
                        StoreError::corrupt(
                            &self.dir,
                            format!("write-ahead log frame lsn {lsn}: a principal: {e}"),
                        )
                    })?;
                    self.apply_principal_write(&PrincipalWrite::Put(record))?;
                }
                EntryKind::RemovePrincipal => {
                    self.principals.remove(bytes)?;
                }
            }
        }
        self.meta.insert(META_WAL_CHECKPOINT, &lsn.to_be_bytes())?;
        Ok(())
    }

    fn wal_checkpoint(&self) -> Result<u64, StoreError> {
        match self.meta.get(META_WAL_CHECKPOINT)? {
            None => Ok(0),
            Some(v) => {
                v.as_ref().try_into().map(u64::from_be_bytes).map_err(|_| {
                    StoreError::corrupt(&self.dir, "meta/wal_checkpoint is not 8 bytes")
                })
            }
        }
    }

    /// Brings the mirror up to the store's last seq, or fails if it is ahead of the store.
    fn complete_mirror(
        &self,
        mirror: &mut mirror::Mirror,
        mirror_seq: u64,
    ) -> Result<(), StoreError> {
        let store_seq = self.last_seq()?;
        if mirror_seq > store_seq {
            return Err(StoreError::corrupt(
                self.dir(),
                format!(
                    "{MIRROR_FILE} holds events up to seq {mirror_seq} but the database and its \
                     log only up to {store_seq}: acknowledged data was lost. Restore from the \
                     mirror: `antrean import --from {} --data NEW_DIR`",
                    self.dir().join(MIRROR_FILE).display()
                ),
            ));
        }
        for item in self.events.range((mirror_seq + 1).to_be_bytes()..) {
            let (_, value) = item?;
            mirror.queue_line(&value);
        }
        mirror.sync()
    }

    /// Path of the mirror file.
    pub fn mirror_path(&self) -> PathBuf {
        self.dir.join(MIRROR_FILE)
    }

    fn check_format(&self, new_secret: impl FnOnce() -> [u8; 32]) -> Result<(), StoreError> {
        let mut changed = false;
        match self.meta.get(META_FORMAT)? {
            Some(v) => {
                let found = v.as_ref().try_into().map(u32::from_be_bytes).map_err(|_| {
                    StoreError::corrupt(&self.dir, "meta/format_version is not a 4-byte number")
                })?;
                match found {
                    FORMAT_VERSION => {}
                    // Version 1 is sled alone, everything in it flushed: the log starts
                    // empty after it.
                    1 => {
                        self.meta
                            .insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
                        changed = true;
                    }
                    _ => {
                        return Err(StoreError::Format {
                            dir: self.dir.clone(),
                            found,
                            expected: FORMAT_VERSION,
                        });
                    }
                }
            }
            None => {
                // A directory that has events but no format marker was not written by us
                // (or lost its meta tree): refuse rather than guess.
                if self.events.first()?.is_some() {
                    return Err(StoreError::corrupt(
                        &self.dir,
                        "events exist but meta/format_version is missing",
                    ));
                }
                self.meta
                    .insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())?;
                changed = true;
            }
        }
        if self.meta.get(META_SITE_SECRET)?.is_none() {
            self.meta.insert(META_SITE_SECRET, &new_secret())?;
            changed = true;
        }
        if changed {
            // Written before the writer exists (opening is single-threaded), and durable
            // before anything can depend on it.
            checkpoint::make_durable(&self.db, &self.dir.join(SLED_DIR))?;
        }
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
            .ok_or_else(|| StoreError::corrupt(&self.dir, "meta/site_secret is missing"))?;
        value
            .as_ref()
            .try_into()
            .map_err(|_| StoreError::corrupt(&self.dir, "meta/site_secret has the wrong length"))
    }

    /// Bytes the database occupies on disk (sled has known space amplification; watch it).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}

/// How long opening waits for sled's file lock. sled's background threads (segment
/// truncation, log writes) keep the file — and its lock — for a few milliseconds after the
/// last handle of a database is dropped, so reopening in the same process (a restore, a
/// test) can find it still locked; sled's own test suite blocks on the lock for this reason.
/// A lock held longer belongs to another process using the same data directory.
const SLED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Opens sled, waiting up to [`SLED_LOCK_WAIT`] for its lock.
fn open_sled(config: &sled::Config) -> Result<sled::Db, String> {
    let started = std::time::Instant::now();
    loop {
        // sled 0.34 can panic instead of returning an error on some damaged files: turn that
        // into an error so the operator gets the recovery hint, not a backtrace.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| config.open()))
            .map_err(|_| "sled panicked while reading the files".to_owned())?;
        match opened {
            Ok(db) => return Ok(db),
            // sled reports the lock as an `Other` I/O error with this text.
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") => {
                if started.elapsed() >= SLED_LOCK_WAIT {
                    return Err(format!(
                        "{e} — another process (a second `antrean serve`?) uses this data \
                         directory; stop it first"
                    ));
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}
