//! The event log: key = sequence number (big-endian u64, so sled's order is log order),
//! value = one JSON [`LogRecord`].

use std::io::Write;
use std::path::Path;

use antrean_protocol::{LogRecord, event_from_dto};

use crate::{Store, StoreError};

impl Store {
    /// Sequence number of the last record (0 when empty).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        match self.events.last()? {
            None => Ok(0),
            Some((key, _)) => decode_key(&key)
                .ok_or_else(|| StoreError::corrupt(self.dir(), "an event key is not 8 bytes")),
        }
    }

    /// The first seq whose event time is at or after `at_ms` (last seq + 1 when none).
    /// Event times never decrease along the log (the engine clamps clock steps back), so
    /// this is a binary search: a report over one quarter of a large log reads only that
    /// quarter.
    pub fn seq_at_or_after(&self, at_ms: i64) -> Result<u64, StoreError> {
        let (mut lo, mut hi) = (1u64, self.last_seq()? + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let at = match self.events.get(mid.to_be_bytes())? {
                Some(value) => record_time(&value).ok_or_else(|| {
                    StoreError::corrupt(self.dir(), format!("event seq {mid} is unreadable"))
                })?,
                None => {
                    return Err(StoreError::corrupt(
                        self.dir(),
                        format!("event log has a gap at seq {mid}"),
                    ));
                }
            };
            if at < at_ms {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }

    /// Reads records from `first_seq` on, in order, each decoded (not re-validated against
    /// the core: the log was validated at start-up).
    pub fn read_log_from(
        &self,
        first_seq: u64,
    ) -> impl Iterator<Item = Result<LogRecord, StoreError>> + '_ {
        self.events
            .range(first_seq.to_be_bytes()..)
            .map(move |item| {
                let (_, value) = item?;
                serde_json::from_slice(&value)
                    .map_err(|e| StoreError::corrupt(self.dir(), format!("unreadable event: {e}")))
            })
    }

    /// Reads and validates the whole log in order: gapless from 1, every record decodable
    /// into a core event. The first problem is reported with its sequence number.
    pub fn read_log(&self) -> impl Iterator<Item = Result<LogRecord, StoreError>> + '_ {
        self.read_events()
            .map(|item| item.map(|(record, _)| record))
    }

    /// [`Store::read_log`] with each record's core event, decoded once (the start-up replay
    /// of a large log pays for every decoding).
    pub fn read_events(
        &self,
    ) -> impl Iterator<Item = Result<(LogRecord, antrean_core::Event), StoreError>> + '_ {
        let mut expected = 1u64;
        let mut failed = false;
        self.events.iter().map_while(move |item| {
            if failed {
                return None;
            }
            let result = self.check_record(item, expected);
            failed = result.is_err();
            expected += 1;
            Some(result)
        })
    }

    fn check_record(
        &self,
        item: sled::Result<(sled::IVec, sled::IVec)>,
        expected: u64,
    ) -> Result<(LogRecord, antrean_core::Event), StoreError> {
        let (key, value) = item?;
        let seq = decode_key(&key).ok_or_else(|| {
            StoreError::corrupt(
                self.dir(),
                format!("event key near seq {expected} is not 8 bytes"),
            )
        })?;
        if seq != expected {
            return Err(StoreError::corrupt(
                self.dir(),
                format!("event log has a gap: expected seq {expected}, found {seq}"),
            ));
        }
        let record: LogRecord = serde_json::from_slice(&value).map_err(|e| {
            StoreError::corrupt(self.dir(), format!("event seq {seq} is unreadable: {e}"))
        })?;
        if record.seq != seq {
            return Err(StoreError::corrupt(
                self.dir(),
                format!("event at key {seq} says seq {}", record.seq),
            ));
        }
        let event = event_from_dto(&record.event)
            .map_err(|e| StoreError::corrupt(self.dir(), format!("event seq {seq}: {e}")))?;
        Ok((record, event))
    }

    /// Writes the log as JSON Lines (one [`LogRecord`] per line), stopping at the first
    /// damaged record so a partly damaged store still yields its readable prefix.
    /// Returns the number of records written and the error that stopped it, if any.
    pub fn export(&self, out: &mut dyn Write) -> Result<(u64, Option<StoreError>), StoreError> {
        let mut count = 0;
        for record in self.read_log() {
            match record {
                Ok(record) => {
                    serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from)?;
                    out.write_all(b"\n")?;
                    count += 1;
                }
                Err(err) => return Ok((count, Some(err))),
            }
        }
        out.flush()?;
        Ok((count, None))
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportReport {
    /// Records imported.
    pub imported: u64,
    /// A final line without a newline was incomplete and left out.
    pub torn_last_line: bool,
}

/// The `at_ms` of a stored record, read without decoding the event.
fn record_time(value: &[u8]) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct At {
        at_ms: i64,
    }
    serde_json::from_slice::<At>(value).ok().map(|a| a.at_ms)
}

fn decode_key(key: &[u8]) -> Option<u64> {
    key.try_into().ok().map(u64::from_be_bytes)
}

/// Opens `dir` (recovering its log like a start would) and exports its events.
pub fn export_dir(
    dir: &Path,
    out: &mut dyn Write,
) -> Result<(u64, Option<StoreError>), StoreError> {
    let (store, writer) = Store::open(dir, || [0; 32])?;
    let exported = store.export(out);
    writer.close()?;
    exported
}
