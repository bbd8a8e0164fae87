//! The store's one writer: every change to the data directory after it is opened goes
//! through [`Writer::commit`], which the coordinator's committer owns. One writer means one
//! durable order, and an acknowledgement that means one thing: the write-ahead log frame
//! holding the change was synced (`fdatasync`).

use std::io::BufRead;

use antrean_protocol::{LogRecord, event_from_dto};

use crate::checkpoint::{self, Checkpointer};
use crate::mirror::Mirror;
use crate::wal::frame::{EntryKind, encode_entry};
use crate::wal::fs::{OsFs, WalFs};
use crate::wal::{TornTail, Wal};
use crate::{ImportReport, PrincipalKind, PrincipalRecord, Store, StoreError};

/// A change to the credentials.
#[derive(Clone, Debug, PartialEq)]
pub enum PrincipalWrite {
    /// Create or replace.
    Put(PrincipalRecord),
    /// Remove (nothing happens if it does not exist).
    Remove {
        /// Kind (devices share one namespace).
        kind: PrincipalKind,
        /// Name.
        name: String,
    },
}

/// What opening found in the log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Log frames replayed into sled (written after its last checkpoint).
    pub replayed_frames: usize,
    /// An incomplete last frame that was cut off: it was never acknowledged.
    pub torn_tail: Option<TornTail>,
    /// The last event seq after recovery.
    pub last_seq: u64,
}

/// Start a background checkpoint after this many events applied since the last one, so a
/// restart replays at most about this many (plus one segment switch) into sled.
const CHECKPOINT_EVERY_EVENTS: u64 = 8192;

/// The writing half of an open data directory (see the module docs).
pub struct Writer<F: WalFs = OsFs> {
    pub(crate) store: Store,
    pub(crate) wal: Wal<F>,
    pub(crate) mirror: Mirror,
    pub(crate) checkpointer: Checkpointer,
    /// Last event seq in the log (durable).
    pub(crate) last_seq: u64,
    /// Last frame applied to sled.
    pub(crate) applied_lsn: u64,
    /// Events durable in the log but not yet in sled: (seq, JSON).
    pub(crate) unapplied: Vec<(u64, Vec<u8>)>,
    pub(crate) unapplied_lsn: u64,
    pub(crate) events_since_checkpoint: u64,
    pub(crate) recovery: RecoveryReport,
    pub(crate) payload: Vec<u8>,
}

impl<F: WalFs> std::fmt::Debug for Writer<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("dir", &self.store.dir())
            .field("last_seq", &self.last_seq)
            .finish_non_exhaustive()
    }
}

impl<F: WalFs> Writer<F> {
    /// The store this writer writes (for reads).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// What recovery found when the store was opened.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.recovery
    }

    /// The last event seq written (durable).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Writes events and credential changes as one log frame and makes it durable: one
    /// write, one `fdatasync`. When this returns `Ok`, the change survives a crash or a
    /// power cut, and may be acknowledged. Credential changes are applied to sled at once
    /// (a login right after sees them); events follow in [`Writer::apply_committed`], off
    /// the acknowledgement's path. Returns, per write, whether the principal existed.
    ///
    /// Records must continue the log without gaps; a violation is a bug in the caller and
    /// is refused before anything is written. After any other error, stop: what reached
    /// the disk is known only after the next open.
    pub fn commit(
        &mut self,
        records: &[LogRecord],
        writes: &[PrincipalWrite],
    ) -> Result<Vec<bool>, StoreError> {
        for (i, record) in records.iter().enumerate() {
            let expected = self.last_seq + 1 + i as u64;
            if record.seq != expected {
                return Err(StoreError::corrupt(
                    self.store.dir(),
                    format!(
                        "refused to write seq {} where seq {expected} comes next",
                        record.seq
                    ),
                ));
            }
        }
        if records.is_empty() && writes.is_empty() {
            return Ok(Vec::new());
        }
        let mut payload = std::mem::take(&mut self.payload);
        payload.clear();
        let first_new = self.unapplied.len();
        for record in records {
            let json = serde_json::to_vec(record).expect("log records always serialize");
            encode_entry(EntryKind::Event, &json, &mut payload);
            self.unapplied.push((record.seq, json));
        }
        for write in writes {
            match write {
                PrincipalWrite::Put(record) => encode_entry(
                    EntryKind::PutPrincipal,
                    &serde_json::to_vec(record).expect("principal records serialize"),
                    &mut payload,
                ),
                PrincipalWrite::Remove { kind, name } => encode_entry(
                    EntryKind::RemovePrincipal,
                    &crate::principals::key(*kind, name),
                    &mut payload,
                ),
            }
        }
        let appended = self.wal.append(&payload);
        self.payload = payload;
        let lsn = match appended {
            Ok(lsn) => lsn,
            Err(err) => {
                self.unapplied.truncate(first_new);
                return Err(err.into());
            }
        };
        self.unapplied_lsn = lsn;
        self.last_seq += records.len() as u64;
        let mut existed = Vec::with_capacity(writes.len());
        for write in writes {
            existed.push(self.store.apply_principal_write(write)?);
        }
        if !writes.is_empty() && records.is_empty() {
            // Nothing else will mark this frame as applied.
            self.apply_committed()?;
        }
        Ok(existed)
    }

    /// Applies committed events to sled (plain inserts) and the mirror, and starts a
    /// background checkpoint when one is due. Not needed for durability; the committer
    /// calls it after answering.
    pub fn apply_committed(&mut self) -> Result<(), StoreError> {
        if self.unapplied_lsn == self.applied_lsn {
            return Ok(());
        }
        if let Some(failure) = self.checkpointer.failure() {
            return Err(StoreError::Behind(format!(
                "checkpoint of the database: {failure}"
            )));
        }
        let behind = |what: &str, err: &dyn std::fmt::Display| {
            StoreError::Behind(format!("updating {what}: {err}"))
        };
        // Plain inserts, not a sled batch: a batch writes and syncs a manifest of its own
        // (a `pwrite` + `sync_file_range` per commit, measured with strace), disk work that
        // queued in front of the next commit's `fdatasync`. Atomicity is not needed here:
        // sled recovers a prefix of its writes, the checkpoint key comes last, and
        // replaying a frame is idempotent.
        for (seq, json) in &self.unapplied {
            self.store
                .events
                .insert(seq.to_be_bytes(), json.as_slice())
                .map_err(|e| behind("the database", &e))?;
            self.mirror.queue_line(json);
        }
        self.store
            .meta
            .insert(
                crate::META_WAL_CHECKPOINT,
                &self.unapplied_lsn.to_be_bytes(),
            )
            .map_err(|e| behind("the database", &e))?;
        self.mirror
            .write_pending()
            .map_err(|e| behind(crate::MIRROR_FILE, &e))?;
        self.events_since_checkpoint += self.unapplied.len() as u64;
        self.unapplied.clear();
        self.applied_lsn = self.unapplied_lsn;
        // A sealed segment waits for a checkpoint to be reused; so does a long tail.
        if self.wal.options().background_checkpoints
            && (self.events_since_checkpoint >= CHECKPOINT_EVERY_EVENTS
                || self.wal.segments_in_use() > 1)
        {
            self.events_since_checkpoint = 0;
            self.checkpointer.request(self.applied_lsn);
        }
        self.wal.retire_through(self.checkpointer.durable_lsn())?;
        Ok(())
    }

    /// Applies everything and makes sled durable now (on the caller's thread).
    pub fn checkpoint(&mut self) -> Result<(), StoreError> {
        self.apply_committed()?;
        checkpoint::make_durable(&self.store.db, &self.store.dir.join(crate::SLED_DIR))?;
        self.checkpointer.set_durable(self.applied_lsn);
        self.events_since_checkpoint = 0;
        self.wal.retire_through(self.applied_lsn)?;
        Ok(())
    }

    /// A clean stop: everything applied, sled checkpointed, the mirror synced.
    pub fn close(mut self) -> Result<(), StoreError> {
        self.checkpoint()?;
        self.mirror
            .sync()
            .map_err(|e| StoreError::Behind(format!("syncing {}: {e}", crate::MIRROR_FILE)))
    }

    /// Commits records and applies them at once (tools and tests; the committer splits
    /// the two around its answers).
    pub fn append(&mut self, records: &[LogRecord]) -> Result<(), StoreError> {
        self.commit(records, &[])?;
        self.apply_committed()
    }

    /// Loads a JSON Lines export (or a copy of the mirror) into this empty store, durably.
    /// Validates every line first: nothing is written unless the whole file is good —
    /// except a torn last line without its newline (a mirror copied while the server was
    /// writing), which is left out and reported.
    pub fn import(&mut self, input: &mut dyn BufRead) -> Result<ImportReport, StoreError> {
        if self.last_seq != 0 {
            return Err(StoreError::Import {
                line: 0,
                detail: "the target data directory already has events; import into a new directory"
                    .into(),
            });
        }
        let mut records: Vec<LogRecord> = Vec::new();
        let mut torn_last_line = false;
        let mut line = String::new();
        for number in 1.. {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                break;
            }
            let complete = line.ends_with('\n');
            if line.trim().is_empty() {
                continue;
            }
            let bad = |detail: String| StoreError::Import {
                line: number,
                detail,
            };
            let record: LogRecord = match serde_json::from_str(&line) {
                Ok(record) => record,
                Err(_) if !complete => {
                    torn_last_line = true;
                    break;
                }
                Err(e) => return Err(bad(e.to_string())),
            };
            let expected = records.len() as u64 + 1;
            if record.seq != expected {
                return Err(bad(format!(
                    "expected seq {expected}, found {}",
                    record.seq
                )));
            }
            event_from_dto(&record.event).map_err(|e| bad(e.to_string()))?;
            records.push(record);
        }
        for chunk in records.chunks(10_000) {
            self.append(chunk)?;
        }
        self.checkpoint()?;
        Ok(ImportReport {
            imported: records.len() as u64,
            torn_last_line,
        })
    }
}
