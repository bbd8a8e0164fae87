//! Storing what sites ship: one transaction per batch, idempotent by (site, seq).
//!
//! A batch may hold events central already has (a replay after either side restarted),
//! events out of order (the site sends live events before an old backlog) and gaps; only
//! the highest *contiguous* seq is confirmed, so the site resends whatever is missing and
//! the projector reads a gapless log.

use std::collections::BTreeSet;

use antrean_protocol::{OfficerNameDto, ShippedEvent, event_from_dto};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::limits::MAX_BATCH_EVENTS;

/// Events older than this (2000-01-01, Unix ms) or more than a day in the future are
/// refused: a clock that far off would create nonsense partitions.
const OLDEST_EVENT_MS: i64 = 946_684_800_000;
const FUTURE_SLACK_MS: i64 = 86_400_000;

/// Why a message was refused (nothing of it stored).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The batch is malformed; the site's message says what.
    #[error("{0}")]
    BadBatch(String),
    /// The catalog does not load; file:line:column of the first error.
    #[error("{0}")]
    BadCatalog(String),
    /// PostgreSQL failed (down, restarting): nothing was stored; the site retries.
    #[error("database: {0:#}")]
    Database(#[from] anyhow::Error),
}

impl From<tokio_postgres::Error> for IngestError {
    fn from(err: tokio_postgres::Error) -> IngestError {
        IngestError::Database(err.into())
    }
}

/// A stored batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Highest contiguous seq central now holds.
    pub confirmed_seq: u64,
    /// Rows that were new (the rest were already held).
    pub new_events: u64,
    /// A catalog published for the site waits for its answer (read in the same round
    /// trip as the site's row, so a batch's ack costs no extra query when none does).
    pub catalog_pending: bool,
}

/// The first Unix ms of the UTC month holding `at_ms`, and of the next one.
pub fn month_bounds(at_ms: i64) -> (i64, i64, String) {
    let days = at_ms.div_euclid(86_400_000);
    let date = antrean_core::LocalDate::from_days_since_epoch(days);
    let first = antrean_core::LocalDate::new(date.year, date.month, 1)
        .expect("the first of a month exists");
    let next = if date.month == 12 {
        antrean_core::LocalDate::new(date.year + 1, 1, 1)
    } else {
        antrean_core::LocalDate::new(date.year, date.month + 1, 1)
    }
    .expect("the first of a month exists");
    (
        first.days_since_epoch() * 86_400_000,
        next.days_since_epoch() * 86_400_000,
        format!("raw_events_{:04}_{:02}", date.year, date.month),
    )
}

/// Checks a batch before any of it touches the database.
pub fn check_batch(
    events: &[ShippedEvent],
    site_last_seq: u64,
    now_ms: i64,
) -> Result<(), IngestError> {
    if events.len() > MAX_BATCH_EVENTS {
        return Err(IngestError::BadBatch(format!(
            "{} events in one batch; at most {MAX_BATCH_EVENTS}",
            events.len()
        )));
    }
    let mut seen = BTreeSet::new();
    for e in events {
        if e.seq == 0 || e.seq > site_last_seq {
            return Err(IngestError::BadBatch(format!(
                "seq {} is outside 1..={site_last_seq} (the site's last seq)",
                e.seq
            )));
        }
        if !seen.insert(e.seq) {
            return Err(IngestError::BadBatch(format!("seq {} twice", e.seq)));
        }
        if e.at_ms < OLDEST_EVENT_MS || e.at_ms > now_ms + FUTURE_SLACK_MS {
            return Err(IngestError::BadBatch(format!(
                "seq {}: event time {} ms is not plausible",
                e.seq, e.at_ms
            )));
        }
        if let Err(err) = event_from_dto(&e.event) {
            return Err(IngestError::BadBatch(format!("seq {}: {err}", e.seq)));
        }
    }
    Ok(())
}

/// Hex SHA-256 of a catalog text (what `profile` carries).
pub fn catalog_digest(toml: &str) -> String {
    Sha256::digest(toml.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Db {
    /// A site connected: its confirmed seq and the digest of the catalog central has.
    pub async fn site_connected(&self, site: &str) -> anyhow::Result<(u64, String)> {
        let conn = self.get().await?;
        let row = conn
            .query_one(
                "UPDATE sites SET last_connected_at = now() WHERE id = $1
                 RETURNING confirmed_seq, catalog_sha256",
                &[&site],
            )
            .await?;
        Ok((row.get::<_, i64>(0) as u64, row.get(1)))
    }

    /// Stores a site's catalog and officer names after checking the catalog loads.
    pub async fn store_profile(
        &self,
        site: &str,
        catalog_toml: &str,
        catalog_sha256: &str,
        officers: &[OfficerNameDto],
    ) -> Result<(), IngestError> {
        if catalog_digest(catalog_toml) != catalog_sha256 {
            return Err(IngestError::BadCatalog(
                "catalog_sha256 is not the SHA-256 of catalog_toml".into(),
            ));
        }
        antrean_catalog::parse("catalog.toml", catalog_toml)
            .map_err(|err| IngestError::BadCatalog(err.to_string()))?;
        let names: serde_json::Map<String, serde_json::Value> = officers
            .iter()
            .map(|o| (o.id.clone(), serde_json::Value::String(o.name.clone())))
            .collect();
        let conn = self.get().await?;
        conn.execute(
            "UPDATE sites SET catalog_toml = $2, catalog_sha256 = $3, officers = $4::text::jsonb
             WHERE id = $1",
            &[
                &site,
                &catalog_toml,
                &catalog_sha256,
                &serde_json::Value::Object(names).to_string(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Makes sure the month partitions for these event times exist.
    async fn ensure_partitions(&self, events: &[ShippedEvent]) -> Result<(), IngestError> {
        self.ensure_month_partitions("raw_events", events.iter().map(|e| e.at_ms))
            .await
            .map_err(IngestError::Database)
    }

    /// Makes sure `table` (partitioned by month of a Unix-ms column: raw_events, visits,
    /// ratings) has the partitions for these times. DDL runs in its own transaction under
    /// an advisory lock, so two writers opening a new month at once do not collide.
    pub async fn ensure_month_partitions(
        &self,
        table: &'static str,
        times_ms: impl Iterator<Item = i64>,
    ) -> anyhow::Result<()> {
        let months: BTreeSet<(i64, i64, String)> = {
            let known = self.partitions.lock().expect("partitions lock");
            times_ms
                .map(|at| {
                    let (from, to, name) = month_bounds(at);
                    (from, to, name.replacen("raw_events", table, 1))
                })
                .filter(|(_, _, name)| !known.contains(name))
                .collect()
        };
        if months.is_empty() {
            return Ok(());
        }
        let mut conn = self.get().await?;
        for (from, to, name) in months {
            let exists = conn
                .query_opt("SELECT 1 FROM pg_class WHERE relname = $1", &[&name])
                .await?
                .is_some();
            if !exists {
                let tx = conn.transaction().await?;
                tx.execute("SELECT pg_advisory_xact_lock(7370002)", &[])
                    .await?;
                // `table` is one of ours, `name` adds digits only (month_bounds); from/to
                // are integers.
                tx.batch_execute(&format!(
                    "CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table}
                     FOR VALUES FROM ({from}) TO ({to})"
                ))
                .await?;
                tx.commit().await?;
            }
            self.partitions
                .lock()
                .expect("partitions lock")
                .insert(name);
        }
        Ok(())
    }

    /// Stores a batch in one transaction and advances the site's confirmed seq.
    pub async fn store_batch(
        &self,
        site: &str,
        events: &[ShippedEvent],
        site_last_seq: u64,
        site_last_at_ms: i64,
        now_ms: i64,
    ) -> Result<Stored, IngestError> {
        check_batch(events, site_last_seq, now_ms)?;
        self.ensure_partitions(events).await?;
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        // The row lock serialises batches of one site (two connections of one site after a
        // reconnect race cannot both advance the cursor from the same value).
        let row = tx
            .query_one(
                "SELECT confirmed_seq, max_held_seq,
                     EXISTS (SELECT 1 FROM catalog_versions
                             WHERE site_id = $1 AND status = 'pending')
                 FROM sites WHERE id = $1 FOR UPDATE",
                &[&site],
            )
            .await?;
        let (confirmed, max_held) = (row.get::<_, i64>(0), row.get::<_, i64>(1));
        let catalog_pending: bool = row.get(2);
        let mut fresh: Vec<&ShippedEvent> =
            events.iter().filter(|e| e.seq as i64 > confirmed).collect();
        fresh.sort_by_key(|e| e.seq);
        let seqs: Vec<i64> = fresh.iter().map(|e| e.seq as i64).collect();
        let ats: Vec<i64> = fresh.iter().map(|e| e.at_ms).collect();
        let bodies: Vec<String> = fresh
            .iter()
            .map(|e| serde_json::to_string(&e.event).expect("events serialize"))
            .collect();
        let new_events = tx
            .execute(
                "INSERT INTO raw_events (site_id, seq, at_ms, event)
                 SELECT $1, s, a, e::jsonb FROM unnest($2::bigint[], $3::bigint[], $4::text[])
                     AS t(s, a, e)
                 ON CONFLICT DO NOTHING",
                &[&site, &seqs, &ats, &bodies],
            )
            .await?;
        let max_held = max_held.max(seqs.last().copied().unwrap_or(0));
        let mut next = confirmed;
        for &s in &seqs {
            if s == next + 1 {
                next = s;
            } else if s > next + 1 {
                break;
            }
        }
        if max_held > next {
            // Events that came earlier out of order may continue the run.
            let held = tx
                .query(
                    "SELECT seq FROM raw_events WHERE site_id = $1 AND seq > $2
                     ORDER BY seq LIMIT 100000",
                    &[&site, &next],
                )
                .await?;
            for r in held {
                let s: i64 = r.get(0);
                if s == next + 1 {
                    next = s;
                } else {
                    break;
                }
            }
        }
        tx.execute(
            "UPDATE sites SET confirmed_seq = $2, max_held_seq = $3,
                 site_last_seq = greatest(site_last_seq, $4),
                 site_last_at_ms = greatest(site_last_at_ms, $5),
                 last_batch_at = now()
             WHERE id = $1",
            &[
                &site,
                &next,
                &max_held,
                &(site_last_seq as i64),
                &site_last_at_ms,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Stored {
            confirmed_seq: next as u64,
            new_events,
            catalog_pending,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_protocol::EventDto;

    fn event(seq: u64, at_ms: i64) -> ShippedEvent {
        ShippedEvent {
            seq,
            at_ms,
            event: EventDto::CounterPaused {
                counter: "1".into(),
                reason: None,
            },
        }
    }

    #[test]
    fn month_partitions() {
        // 2026-12-31T23:59:59Z and 2027-01-01T00:00:00Z fall in different months.
        let (from, to, name) = month_bounds(1_798_761_599_000);
        assert_eq!(name, "raw_events_2026_12");
        assert_eq!((from, to), (1_796_083_200_000, 1_798_761_600_000));
        assert_eq!(month_bounds(1_798_761_600_000).2, "raw_events_2027_01");
    }

    #[test]
    fn malformed_batches_are_refused_whole() {
        let now = 1_796_083_200_000;
        assert!(check_batch(&[event(1, now), event(2, now)], 2, now).is_ok());
        for (batch, last) in [
            (vec![event(0, now)], 5),
            (vec![event(6, now)], 5),
            (vec![event(1, now), event(1, now)], 5),
            (vec![event(1, 5)], 5),
            (vec![event(1, now + 2 * 86_400_000)], 5),
        ] {
            assert!(
                matches!(
                    check_batch(&batch, last, now),
                    Err(IngestError::BadBatch(_))
                ),
                "{batch:?}"
            );
        }
        let bad_event = ShippedEvent {
            seq: 1,
            at_ms: now,
            event: EventDto::DayStarted {
                day: "kemarin".into(),
            },
        };
        assert!(check_batch(&[bad_event], 1, now).is_err());
    }
}
