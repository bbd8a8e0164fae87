//! The event-log mirror: `DATA/events.jsonl`, one [`LogRecord`] per line, appended after
//! every commit. sled has known corruption reports after abrupt stops; the mirror is a plain
//! append-only file that `antrean import` restores from, and that can be copied to another
//! disk while the server runs (a half-copied last line is ignored on import).
//!
//! Order matters: lines are written only after their log frame was synced, so the mirror
//! never holds an event the store lacks. On open, a mirror that is behind (a crash between the
//! two writes, or a deleted file) is completed from the store; a mirror that is *ahead*
//! means the store lost flushed data, and opening fails with the recovery hint.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;

use antrean_protocol::LogRecord;

use crate::StoreError;

/// The mirror file inside the data directory.
pub const MIRROR_FILE: &str = "events.jsonl";

pub(crate) struct Mirror {
    file: File,
    /// Lines appended to sled but not yet flushed there.
    pending: Vec<u8>,
}

impl Mirror {
    /// Opens the mirror, drops a torn last line, and returns it with its last seq.
    pub(crate) fn open(dir: &Path) -> Result<(Mirror, u64), StoreError> {
        let path = dir.join(MIRROR_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        let (last_seq, good_len) = scan(&mut file, &path)?;
        if good_len < file.metadata()?.len() {
            // A crash in the middle of a line: the line's event is in sled (the mirror is
            // written after sled's flush) and is appended again below.
            file.set_len(good_len)?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok((
            Mirror {
                file,
                pending: Vec::new(),
            },
            last_seq,
        ))
    }

    /// Queues one already serialized record.
    pub(crate) fn queue_line(&mut self, json: &[u8]) {
        self.pending.extend_from_slice(json);
        self.pending.push(b'\n');
    }

    /// Writes queued lines (after their log frame was synced). Not fsynced: the log is the
    /// durable copy; the mirror trails it by at most what the OS had not written at a power
    /// cut, and is completed from sled on the next start.
    pub(crate) fn write_pending(&mut self) -> Result<(), StoreError> {
        if !self.pending.is_empty() {
            self.file.write_all(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Flushes the mirror to disk (on shutdown).
    pub(crate) fn sync(&mut self) -> Result<(), StoreError> {
        self.write_pending()?;
        self.file.sync_data()?;
        Ok(())
    }
}

/// The last complete record's seq and the byte length of the complete lines.
fn scan(file: &mut File, path: &Path) -> Result<(u64, u64), StoreError> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut line = String::new();
    let (mut last_seq, mut good_len) = (0u64, 0u64);
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        let record: LogRecord = serde_json::from_str(&line).map_err(|e| {
            StoreError::corrupt(
                path,
                format!("{} line after seq {last_seq}: {e}", MIRROR_FILE),
            )
        })?;
        if record.seq != last_seq + 1 {
            return Err(StoreError::corrupt(
                path,
                format!(
                    "{MIRROR_FILE}: expected seq {}, found {}",
                    last_seq + 1,
                    record.seq
                ),
            ));
        }
        last_seq = record.seq;
        good_len += n as u64;
    }
    Ok((last_seq, good_len))
}
