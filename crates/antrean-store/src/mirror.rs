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
use std::io::{Read, Seek, SeekFrom, Write};
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
///
/// Only the end of the file is read: a start must not parse a year of events again (the
/// whole file is checked line by line where it is read — `antrean backup` and `import`).
fn scan(file: &mut File, path: &Path) -> Result<(u64, u64), StoreError> {
    let len = file.metadata()?.len();
    // Walk back from the end in chunks until the last two newlines are found: the last
    // complete line lies between them; anything after the last one is a torn line.
    let mut tail: Vec<u8> = Vec::new();
    let mut start = len;
    let (good_len, last_line) = loop {
        let newlines: Vec<usize> = tail
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        if let Some(&last) = newlines.last() {
            let from = match newlines.len() {
                1 if start > 0 => None, // the line may begin before what was read
                1 => Some(0),
                n => Some(newlines[n - 2] + 1),
            };
            if let Some(from) = from {
                break (start + last as u64 + 1, tail[from..last].to_vec());
            }
        } else if start == 0 {
            break (0, Vec::new());
        }
        let chunk = start.min(TAIL_CHUNK_BYTES);
        start -= chunk;
        let mut buf = vec![0u8; chunk as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf)?;
        buf.extend_from_slice(&tail);
        tail = buf;
    };
    if last_line.is_empty() && good_len == 0 {
        return Ok((0, 0));
    }
    let record: LogRecord = serde_json::from_slice(&last_line).map_err(|e| {
        StoreError::corrupt(path, format!("{MIRROR_FILE}: the last complete line: {e}"))
    })?;
    Ok((record.seq, good_len))
}

/// Bytes read per step from the end of the mirror (lines are well under 2 KiB).
const TAIL_CHUNK_BYTES: u64 = 64 * 1024;
