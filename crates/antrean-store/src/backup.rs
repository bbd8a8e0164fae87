//! `antrean backup`: a consistent copy of the event log while the server runs.
//!
//! The server holds sled's lock, but the mirror (`events.jsonl`) is a plain append-only
//! file written after every commit, one whole line per event. Its complete lines, read in
//! order, are the log up to some seq — a consistent cut. The copy is written under a
//! temporary name, synced, renamed and its directory synced, so a backup file is either
//! whole or absent.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use antrean_protocol::LogRecord;

use crate::{MIRROR_FILE, StoreError};

/// What a backup holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupReport {
    /// Events copied (seq 1 up to this).
    pub last_seq: u64,
}

/// Copies the events of the data directory `dir` (running server or not) to `out`.
pub fn backup(dir: &Path, out: &Path) -> Result<BackupReport, StoreError> {
    let mirror_path = dir.join(MIRROR_FILE);
    let mirror = std::fs::File::open(&mirror_path).map_err(|e| StoreError::Open {
        dir: dir.to_owned(),
        detail: format!("{}: {e}", mirror_path.display()),
    })?;
    let file_name = out
        .file_name()
        .ok_or_else(|| StoreError::Import {
            line: 0,
            detail: format!("{} is not a file name", out.display()),
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let temporary = parent.join(format!(".{file_name}.partial"));
    let mut writer = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
    let mut reader = BufReader::new(mirror);
    let mut line = String::new();
    let mut last_seq = 0u64;
    loop {
        line.clear();
        // A line without its newline is being written right now: the copy ends before it.
        if reader.read_line(&mut line)? == 0 || !line.ends_with('\n') {
            break;
        }
        let record: LogRecord = serde_json::from_str(&line).map_err(|e| {
            StoreError::corrupt(dir, format!("{MIRROR_FILE} after seq {last_seq}: {e}"))
        })?;
        if record.seq != last_seq + 1 {
            return Err(StoreError::corrupt(
                dir,
                format!(
                    "{MIRROR_FILE}: expected seq {}, found {}",
                    last_seq + 1,
                    record.seq
                ),
            ));
        }
        last_seq = record.seq;
        writer.write_all(line.as_bytes())?;
    }
    let file = writer.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&temporary, out)?;
    crate::wal::fs::sync_dir(&parent)?;
    Ok(BackupReport { last_seq })
}
