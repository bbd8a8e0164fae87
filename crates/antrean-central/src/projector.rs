//! The projector: raw events → daily rollups, per site, behind a durable cursor.
//!
//! For each site with confirmed events beyond its cursor, it reads the next chunk in seq
//! order, pushes it through the core's report [`Facts`] (the same definitions as the
//! site's own report), takes the closed visits, counter time and ratings out as rollup
//! deltas, and adds them to the rollup tables in the same transaction that moves the
//! cursor. The cursor update is conditional on its old value, so a second projector (or a
//! `reproject`) cannot add a chunk twice.
//!
//! Open visits (today's tickets) live in memory. After a restart they are rebuilt by
//! re-reading the site's raw events from the last `day_started` at or before the cursor
//! (every ticket ends by its day's end, so nothing before matters), discarding what those
//! events close: it is already in the rollups.

use std::collections::HashMap;
use std::sync::Arc;

use antrean_core::Catalog;
use antrean_core::report::Facts;
use antrean_core::report::rollup::{Rollups, WAIT_BUCKETS};
use antrean_protocol::{EventDto, event_from_dto};
use anyhow::{Context, bail};
use tokio::sync::watch;

use crate::Central;
use crate::db::Db;
use crate::http::stopped;
use crate::limits::{
    MAX_PROJECTED_SITES, PROJECTOR_BOOKING_LOOKBACK_MS, PROJECTOR_CHUNK_EVENTS, PROJECTOR_IDLE_POLL,
};

struct SiteState {
    facts: Facts,
    catalog: Arc<Catalog>,
    catalog_sha256: String,
    projected_seq: i64,
    day_start_seq: i64,
}

/// Runs until `stop`.
pub async fn run(central: Arc<Central>, mut stop: watch::Receiver<bool>) {
    let mut states: HashMap<String, SiteState> = HashMap::new();
    loop {
        let more = match round(&central, &mut states).await {
            Ok(more) => more,
            Err(err) => {
                tracing::warn!("projector: {err:#}");
                // PostgreSQL away: forget memory (it may be behind what committed) and retry.
                states.clear();
                false
            }
        };
        if more {
            tokio::task::yield_now().await;
            if *stop.borrow() {
                return;
            }
            continue;
        }
        tokio::select! {
            () = central.projector_wake.notified() => {}
            () = tokio::time::sleep(PROJECTOR_IDLE_POLL) => {}
            () = stopped(&mut stop) => return,
        }
    }
}

/// One pass over the sites with work; true when some site has more waiting.
async fn round(central: &Central, states: &mut HashMap<String, SiteState>) -> anyhow::Result<bool> {
    let conn = central.db.get().await?;
    let todo = conn
        .query(
            "SELECT s.id, s.confirmed_seq, c.projected_seq, c.day_start_seq, s.catalog_sha256
             FROM sites s JOIN projector_cursors c ON c.site_id = s.id
             WHERE s.confirmed_seq > c.projected_seq AND s.catalog_toml IS NOT NULL",
            &[],
        )
        .await?;
    drop(conn);
    let mut more = false;
    for row in todo {
        let site: String = row.get(0);
        let confirmed: i64 = row.get(1);
        let cursor = (row.get::<_, i64>(2), row.get::<_, i64>(3));
        let sha: String = row.get(4);
        let fresh = match states.get(&site) {
            Some(s) => s.projected_seq != cursor.0 || s.catalog_sha256 != sha,
            None => true,
        };
        if fresh {
            if states.len() >= MAX_PROJECTED_SITES {
                states.clear();
            }
            let state = rebuild(&central.db, &site, cursor).await?;
            states.insert(site.clone(), state);
        }
        let state = states.get_mut(&site).expect("inserted above");
        let upto = confirmed.min(state.projected_seq + PROJECTOR_CHUNK_EVENTS);
        match project_chunk(&central.db, &site, state, upto).await {
            Ok(events) => central.metrics.projected(events),
            Err(err) => {
                states.remove(&site);
                return Err(err.context(format!("site {site}")));
            }
        }
        more |= upto < confirmed;
    }
    Ok(more)
}

/// The site's projector state at `cursor` (projected seq, day start seq).
async fn rebuild(db: &Db, site: &str, cursor: (i64, i64)) -> anyhow::Result<SiteState> {
    let conn = db.get().await?;
    let row = conn
        .query_one(
            "SELECT catalog_toml, catalog_sha256 FROM sites WHERE id = $1",
            &[&site],
        )
        .await?;
    let toml: String = row.get(0);
    let catalog = antrean_catalog::parse("catalog.toml", &toml)
        .map_err(|err| anyhow::anyhow!("the site's catalog no longer loads: {err}"))?;
    let mut facts = Facts::new(&catalog);
    let (projected_seq, day_start_seq) = cursor;
    if day_start_seq > 0 {
        // Bookings made before the day and still active at the cursor settle later: their
        // rows must be in memory to be counted then (settled ones drain away below).
        for (at_ms, event) in read_bookings_before(db, site, day_start_seq).await? {
            facts.push(&event, antrean_core::Timestamp(at_ms));
        }
        for (_, at_ms, event) in read(db, site, day_start_seq - 1, projected_seq).await? {
            facts.push(&event, antrean_core::Timestamp(at_ms));
        }
        // Already in the rollups: only the open visits, running stretches and active
        // bookings are kept.
        let _ = facts.drain_rollups(&catalog);
    }
    Ok(SiteState {
        facts,
        catalog: Arc::new(catalog),
        catalog_sha256: row.get(1),
        projected_seq,
        day_start_seq,
    })
}

/// The booking events before seq `before`, back to [`PROJECTOR_BOOKING_LOOKBACK_MS`]
/// before the event at `before`, in order.
async fn read_bookings_before(
    db: &Db,
    site: &str,
    before: i64,
) -> anyhow::Result<Vec<(i64, antrean_core::Event)>> {
    let conn = db.get().await?;
    let rows = conn
        .query(
            "SELECT r.at_ms, r.event::text FROM raw_events r
             WHERE r.site_id = $1 AND r.seq < $2
               AND r.at_ms >= (SELECT max(at_ms) FROM raw_events
                               WHERE site_id = $1 AND seq = $2) - $3
               AND r.event ->> 'type' IN ('booking_made', 'booking_rescheduled',
                   'booking_cancelled', 'booking_checked_in', 'booking_expired')
             ORDER BY r.seq",
            &[&site, &before, &PROJECTOR_BOOKING_LOOKBACK_MS],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let dto: EventDto = serde_json::from_str(r.get::<_, &str>(1))
                .context("a raw booking event is unreadable")?;
            let event = event_from_dto(&dto).map_err(|e| anyhow::anyhow!("raw event: {e}"))?;
            Ok((r.get(0), event))
        })
        .collect()
}

/// Raw events in (after, upto], in order, checked gapless.
async fn read(
    db: &Db,
    site: &str,
    after: i64,
    upto: i64,
) -> anyhow::Result<Vec<(i64, i64, antrean_core::Event)>> {
    let conn = db.get().await?;
    let rows = conn
        .query(
            "SELECT seq, at_ms, event::text FROM raw_events
             WHERE site_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq",
            &[&site, &after, &upto],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut expected = after + 1;
    for r in rows {
        let seq: i64 = r.get(0);
        if seq != expected {
            bail!("raw events have a gap at seq {expected} (confirmed seqs must be contiguous)");
        }
        expected += 1;
        let dto: EventDto = serde_json::from_str(r.get::<_, &str>(2))
            .with_context(|| format!("raw event {seq} is unreadable"))?;
        let event = event_from_dto(&dto).map_err(|e| anyhow::anyhow!("raw event {seq}: {e}"))?;
        out.push((seq, r.get(1), event));
    }
    if expected != upto + 1 {
        bail!("raw events end at seq {} before {upto}", expected - 1);
    }
    Ok(out)
}

/// Projects (projected_seq, upto]; returns the number of events.
async fn project_chunk(
    db: &Db,
    site: &str,
    state: &mut SiteState,
    upto: i64,
) -> anyhow::Result<u64> {
    let events = read(db, site, state.projected_seq, upto).await?;
    let mut day_start_seq = state.day_start_seq;
    for (seq, at_ms, event) in &events {
        if matches!(event, antrean_core::Event::DayStarted { .. }) {
            day_start_seq = *seq;
        }
        state.facts.push(event, antrean_core::Timestamp(*at_ms));
    }
    let rollups = state.facts.drain_rollups(&state.catalog);
    let open = state.facts.open_by_day(&state.catalog);
    db.ensure_month_partitions("visits", rollups.visits.iter().map(|v| v.start_ms))
        .await?;
    db.ensure_month_partitions("ratings", rollups.rating_rows.iter().map(|r| r.at_ms))
        .await?;
    let mut conn = db.get().await?;
    let tx = conn.transaction().await?;
    write_rollups(&tx, site, &rollups).await?;
    tx.execute("DELETE FROM daily_open WHERE site_id = $1", &[&site])
        .await?;
    for ((day, service), o) in &open {
        tx.execute(
            "INSERT INTO daily_open (site_id, day, service, agency, issued, booked_issued, open)
             VALUES ($1, $2::text::date, $3, $4, $5, $6, $7)",
            &[
                &site,
                &day.to_string(),
                service,
                &o.agency,
                &(o.issued as i64),
                &(o.booked_issued as i64),
                &(o.open as i64),
            ],
        )
        .await?;
    }
    let moved = tx
        .execute(
            "UPDATE projector_cursors SET projected_seq = $3, day_start_seq = $4,
                 projected_at = now()
             WHERE site_id = $1 AND projected_seq = $2",
            &[&site, &state.projected_seq, &upto, &day_start_seq],
        )
        .await?;
    if moved != 1 {
        bail!("the cursor moved under us (another projector, or a reproject)");
    }
    tx.commit().await?;
    state.projected_seq = upto;
    state.day_start_seq = day_start_seq;
    Ok(events.len() as u64)
}

/// The Monday of `day`'s ISO week.
pub fn week_of(day: antrean_core::LocalDate) -> antrean_core::LocalDate {
    antrean_core::LocalDate::from_days_since_epoch(
        day.days_since_epoch() - day.weekday().index() as i64,
    )
}

/// `INSERT … ON CONFLICT DO UPDATE SET col = col + excluded.col` for a rollup table keyed by
/// (site_id, `period`, service) with an agency column and `sums`.
fn upsert_sql(table: &str, period: &str, sums: &[String]) -> String {
    let params: Vec<String> = (0..sums.len()).map(|i| format!("${}", i + 5)).collect();
    let sets: Vec<String> = sums
        .iter()
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} (site_id, {period}, service, agency, {}) \
         VALUES ($1, $2::text::date, $3, $4, {}) \
         ON CONFLICT (site_id, {period}, service) DO UPDATE SET {}",
        sums.join(", "),
        params.join(", "),
        sets.join(", ")
    )
}

/// The summed columns of the service rollups, in the order `service_values` writes them.
pub fn service_columns() -> Vec<String> {
    let base = [
        "issued",
        "served",
        "no_show",
        "cancelled",
        "expired",
        "transferred",
        "waited",
        "wait_sum_ms",
        "service_n",
        "service_sum_ms",
        "measured",
        "within",
    ];
    base.iter()
        .map(|s| s.to_string())
        .chain((0..WAIT_BUCKETS).map(|i| format!("wait_h{i:02}")))
        .chain(BOOKING_COLUMNS.iter().map(|s| s.to_string()))
        .collect()
}

/// The booking sums of the service rollups (migration 0004), after the histogram.
pub const BOOKING_COLUMNS: [&str; 8] = [
    "booked_issued",
    "bookings_checked_in",
    "bookings_expired",
    "bookings_cancelled",
    "booked_early",
    "booked_early_sum_ms",
    "booked_late",
    "booked_late_sum_ms",
];

fn service_values(r: &antrean_core::report::rollup::ServiceDay) -> Vec<i64> {
    let mut values: Vec<i64> = [
        r.issued,
        r.served,
        r.no_show,
        r.cancelled,
        r.expired,
        r.transferred,
        r.waited,
        r.wait_sum_ms,
        r.service_n,
        r.service_sum_ms,
        r.measured,
        r.within,
    ]
    .iter()
    .map(|&v| v as i64)
    .collect();
    values.extend(r.wait_hist.iter().map(|&v| v as i64));
    values.extend(
        [
            r.booked_issued,
            r.bookings_checked_in,
            r.bookings_expired,
            r.bookings_cancelled,
            r.booked_early,
            r.booked_early_sum_ms,
            r.booked_late,
            r.booked_late_sum_ms,
        ]
        .iter()
        .map(|&v| v as i64),
    );
    values
}

/// The summed columns of the rating rollups, in the order `rating_values` writes them.
pub fn rating_columns() -> Vec<String> {
    ["respondents".to_owned(), "imported".to_owned()]
        .into_iter()
        .chain((1..=9).map(|u| format!("answered_{u}")))
        .chain((1..=9).map(|u| format!("answer_sum_{u}")))
        .chain((1..=4).map(|f| format!("face_{f}")))
        .collect()
}

fn rating_values(r: &antrean_core::report::rollup::RatingDay) -> Vec<i64> {
    let mut values = vec![i64::from(r.tally.respondents), r.imported as i64];
    values.extend(r.tally.answered.iter().map(|&v| i64::from(v)));
    values.extend(r.tally.sum.iter().map(|&v| i64::from(v)));
    values.extend(r.faces.iter().map(|&v| v as i64));
    values
}

type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

/// Adds rollup deltas to the daily and weekly tables.
pub async fn write_rollups(
    tx: &tokio_postgres::Transaction<'_>,
    site: &str,
    rollups: &Rollups,
) -> anyhow::Result<()> {
    if rollups.is_empty() {
        return Ok(());
    }
    let (service_cols, rating_cols) = (service_columns(), rating_columns());
    for (table, period, weekly) in [
        ("daily_service", "day", false),
        ("weekly_service", "week", true),
    ] {
        let statement = tx
            .prepare(&upsert_sql(table, period, &service_cols))
            .await?;
        for ((day, service), r) in &rollups.services {
            let key = if weekly { week_of(*day) } else { *day }.to_string();
            let values = service_values(r);
            let mut params: Vec<Param> = vec![&site, &key, service, &r.agency];
            params.extend(values.iter().map(|v| v as Param));
            tx.execute(&statement, &params).await?;
        }
    }
    for (table, period, weekly) in [
        ("daily_rating", "day", false),
        ("weekly_rating", "week", true),
    ] {
        let statement = tx.prepare(&upsert_sql(table, period, &rating_cols)).await?;
        for ((day, service), r) in &rollups.ratings {
            let key = if weekly { week_of(*day) } else { *day }.to_string();
            let values = rating_values(r);
            let mut params: Vec<Param> = vec![&site, &key, service, &r.agency];
            params.extend(values.iter().map(|v| v as Param));
            tx.execute(&statement, &params).await?;
        }
    }
    write_rows(tx, site, rollups).await?;
    let counters = tx
        .prepare(
            "INSERT INTO daily_counter (site_id, day, counter, officer, served, service_sum_ms,
                 open_ms, idle_ms)
             VALUES ($1, $2::text::date, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (site_id, day, counter, officer) DO UPDATE SET
                 served = daily_counter.served + excluded.served,
                 service_sum_ms = daily_counter.service_sum_ms + excluded.service_sum_ms,
                 open_ms = daily_counter.open_ms + excluded.open_ms,
                 idle_ms = daily_counter.idle_ms + excluded.idle_ms",
        )
        .await?;
    for ((day, counter, officer), r) in &rollups.counters {
        tx.execute(
            &counters,
            &[
                &site,
                &day.to_string(),
                counter,
                officer,
                &(r.served as i64),
                &(r.service_sum_ms as i64),
                &(r.open_ms as i64),
                &(r.idle_ms as i64),
            ],
        )
        .await?;
    }
    Ok(())
}

/// The visit and rating rows (the projections beside the rollups).
async fn write_rows(
    tx: &tokio_postgres::Transaction<'_>,
    site: &str,
    rollups: &Rollups,
) -> anyhow::Result<()> {
    if !rollups.visits.is_empty() {
        let v = &rollups.visits;
        let ms =
            |f: fn(&antrean_core::report::rollup::VisitRow) -> Option<u32>| -> Vec<Option<i32>> {
                v.iter()
                    .map(|r| f(r).map(|x| x.min(i32::MAX as u32) as i32))
                    .collect()
            };
        let text = |f: fn(&antrean_core::report::rollup::VisitRow) -> String| -> Vec<String> {
            v.iter().map(f).collect()
        };
        let starts: Vec<i64> = v.iter().map(|r| r.start_ms).collect();
        let issued: Vec<bool> = v.iter().map(|r| r.issued).collect();
        tx.execute(
            "INSERT INTO visits (site_id, start_ms, day, service, agency, counter, officer,
                 wait_ms, walk_ms, service_ms, end_ms, issued, outcome)
             SELECT $1, s, d::date, sv, ag, c, o, w, wk, sm, e, i, oc
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                 $7::text[], $8::int[], $9::int[], $10::int[], $11::int[], $12::bool[],
                 $13::text[]) AS t(s, d, sv, ag, c, o, w, wk, sm, e, i, oc)",
            &[
                &site,
                &starts,
                &text(|r| r.day.to_string()),
                &text(|r| r.service.clone()),
                &text(|r| r.agency.clone()),
                &text(|r| r.counter.clone()),
                &text(|r| r.officer.clone()),
                &ms(|r| r.wait_ms),
                &ms(|r| r.walk_ms),
                &ms(|r| r.service_ms),
                &ms(|r| r.end_ms),
                &issued,
                &text(|r| r.outcome.to_owned()),
            ],
        )
        .await?;
    }
    if rollups.rating_rows.is_empty() {
        return Ok(());
    }
    let insert = tx
        .prepare(
            "INSERT INTO ratings (site_id, at_ms, day, service, agency, counter, officer, face,
                 answers, imported, gender, education, disability)
             VALUES ($1, $2, $3::text::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .await?;
    for r in &rollups.rating_rows {
        let answers: Option<Vec<Option<i16>>> = r
            .answers
            .map(|a| a.iter().map(|x| x.map(i16::from)).collect());
        tx.execute(
            &insert,
            &[
                &site,
                &r.at_ms,
                &r.day.to_string(),
                &r.service,
                &r.agency,
                &r.counter,
                &r.officer,
                &i16::from(r.face),
                &answers,
                &r.imported,
                &i16::from(r.gender),
                &i16::from(r.education),
                &r.disability,
            ],
        )
        .await?;
    }
    Ok(())
}

impl Db {
    /// Forgets a site's projections (or every site's) and resets the cursor, in one
    /// transaction: the running projector rebuilds them from the raw events.
    pub async fn reproject(&self, site: Option<&str>) -> anyhow::Result<u64> {
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        for table in [
            "visits",
            "ratings",
            "daily_service",
            "daily_open",
            "daily_counter",
            "daily_rating",
        ] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE $1::text IS NULL OR site_id = $1"),
                &[&site],
            )
            .await?;
        }
        let n = tx
            .execute(
                "UPDATE projector_cursors SET projected_seq = 0, day_start_seq = 0
                 WHERE $1::text IS NULL OR site_id = $1",
                &[&site],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}
