//! History files: the log exported as JSON Lines (`antrean export`, or a simulation's
//! output), read back into events for a report computed away from the coordinator.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use antrean_core::{Catalog, Event, Timestamp};
use antrean_protocol::{LogRecord, ReportDto, ReportQueryDto, event_from_dto};

use crate::{ReportError, ReportFacts, run_with_facts};

/// Why a history file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The file could not be opened or read.
    #[error("reading {path}: {source}", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line is not a log record the core accepts.
    #[error("{path} line {line}: {detail}", path = path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        detail: String,
    },
    /// The file holds no events.
    #[error("{path} holds no events", path = path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The events of a history file, in log order, with their times. Blank lines are skipped;
/// any other line must be a log record whose event the core accepts.
pub fn read_history(path: &Path) -> Result<Vec<(Event, Timestamp)>, HistoryError> {
    let io = |source| HistoryError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut events = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |detail: String| HistoryError::Line {
            path: path.to_owned(),
            line: index + 1,
            detail,
        };
        let record: LogRecord = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        let event = event_from_dto(&record.event).map_err(|e| bad(e.to_string()))?;
        events.push((event, Timestamp(record.at_ms)));
    }
    if events.is_empty() {
        return Err(HistoryError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(events)
}

/// The report of `query` over `events` (a history file's), with the coordinator's own code
/// path. Without a `from`, the period starts at the history's first day; "today" is the
/// history's last day.
pub fn report_from_history(
    catalog: &Catalog,
    events: Vec<(Event, Timestamp)>,
    mut query: ReportQueryDto,
) -> Result<ReportDto, ReportError> {
    let tz = catalog.site.time_zone;
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Err(ReportError::Query("riwayat tidak berisi peristiwa".into()));
    };
    let today = tz.local(last.1).date;
    query
        .from
        .get_or_insert_with(|| tz.local(first.1).date.to_string());
    let facts = ReportFacts::new(catalog);
    facts.record(events);
    run_with_facts(&facts, None, catalog, &query, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_line_is_named_and_an_empty_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(&path, "\n\n").unwrap();
        assert!(matches!(
            read_history(&path),
            Err(HistoryError::Empty { .. })
        ));
        std::fs::write(&path, "\n{\"seq\":1}\n").unwrap();
        let err = read_history(&path).unwrap_err().to_string();
        assert!(err.contains("history.jsonl line 2"), "{err}");
        let missing = dir.path().join("nope.jsonl");
        assert!(matches!(
            read_history(&missing),
            Err(HistoryError::Io { .. })
        ));
    }
}
