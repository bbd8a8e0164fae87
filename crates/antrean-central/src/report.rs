//! Cross-site reports: sums of the daily rollups grouped by site, agency, service, region
//! or week, turned into figures by the core's rollup maths. A quarter across hundreds of
//! sites is a scan of rollup rows (a few per site, service and day), never of visits.
//!
//! IKM: the pooled IKM of a group is computed from the pooled respondents per unsur — the
//! sums of answers and of respondents who answered each unsur over every site in the group
//! — exactly as PermenPAN-RB 14/2017 computes it for one unit; it is not an average of
//! the sites' IKMs. Each site's own IKM is shown beside it.

use antrean_core::LocalDate;
use antrean_core::report::rollup::{ServiceDay, WAIT_BUCKETS};
use antrean_core::skm::Tally;
use anyhow::bail;

use crate::db::Db;
use crate::limits::{MAX_REPORT_DAYS, REPORT_WORK_MEM};

/// What to report on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CentralQuery {
    /// First day (local to each site), inclusive.
    pub from: Option<LocalDate>,
    /// Last day, inclusive.
    pub to: Option<LocalDate>,
    /// Only this site.
    pub site: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// Only this agency.
    pub agency: Option<String>,
    /// Only this service.
    pub service: Option<String>,
    /// The sites the asking manager may see (None: all).
    pub allowed: Option<Vec<String>>,
}

/// The checked period: both days, at most [`MAX_REPORT_DAYS`] apart.
pub fn period(q: &CentralQuery) -> anyhow::Result<(LocalDate, LocalDate)> {
    let (Some(from), Some(to)) = (q.from, q.to) else {
        bail!("choose the first and last day (dari, sampai)");
    };
    if to < from {
        bail!("the last day {to} is before the first {from}");
    }
    if to.days_since_epoch() - from.days_since_epoch() >= MAX_REPORT_DAYS {
        bail!("a report covers at most {MAX_REPORT_DAYS} days");
    }
    Ok((from, to))
}

/// One group's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Site id, agency, service code or week's Monday (YYYY-MM-DD).
    pub key: String,
    /// Queue sums.
    pub figures: ServiceDay,
    /// Questionnaire sums.
    pub tally: Tally,
    /// One-tap faces 1..=4.
    pub faces: [u64; 4],
    /// Visits still in the queue (today's).
    pub open: u64,
}

impl Row {
    /// Adds another row's sums (the key stays).
    pub fn add(&mut self, other: &Row) {
        self.figures.merge(&other.figures);
        self.tally.merge(&other.tally);
        for i in 0..4 {
            self.faces[i] += other.faces[i];
        }
        self.open += other.open;
    }
}

/// A report's figures: per (site, agency, service) — from which per site, per agency and
/// per service are sums — and per week.
#[derive(Clone, Debug, Default)]
pub struct Grouped {
    /// (site id, agency, service code, figures).
    pub cells: Vec<(String, String, String, Row)>,
    /// Per ISO week, keyed by its Monday.
    pub weeks: Vec<Row>,
}

/// What to sum the cells by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// Per site.
    Site,
    /// Per agency.
    Agency,
    /// Per service code.
    Service,
}

impl Grouped {
    /// The cells summed by site, agency or service, sorted by key.
    pub fn by(&self, by: By) -> Vec<Row> {
        let mut out: std::collections::BTreeMap<&str, Row> = std::collections::BTreeMap::new();
        for (site, agency, service, row) in &self.cells {
            let key = match by {
                By::Site => site,
                By::Agency => agency,
                By::Service => service,
            };
            out.entry(key)
                .or_insert_with(|| Row {
                    key: key.clone(),
                    ..Row::default()
                })
                .add(row);
        }
        out.into_values().collect()
    }
}

/// First and last day, inclusive.
pub type Days = (LocalDate, LocalDate);

/// The period split into whole ISO weeks (read from the weekly rollups) and the days at
/// its edges (read from the daily ones): Mondays of the first and last whole week, and up
/// to two day ranges.
pub fn split_period(from: LocalDate, to: LocalDate) -> (Option<Days>, Vec<Days>) {
    let day = |d: i64| LocalDate::from_days_since_epoch(d);
    let (f, t) = (from.days_since_epoch(), to.days_since_epoch());
    let first_monday = f + (7 - from.weekday().index() as i64) % 7;
    let last_sunday = t - (to.weekday().index() as i64 + 1) % 7;
    if first_monday + 6 > last_sunday {
        return (None, vec![(from, to)]);
    }
    let mut edges = Vec::new();
    if f < first_monday {
        edges.push((from, day(first_monday - 1)));
    }
    if last_sunday < t {
        edges.push((day(last_sunday + 1), to));
    }
    (Some((day(first_monday), day(last_sunday - 6))), edges)
}

type Param = Box<dyn tokio_postgres::types::ToSql + Sync + Send>;

/// SQL text with its parameters, numbered as they are added.
#[derive(Default)]
struct Sql {
    params: Vec<Param>,
}

impl Sql {
    fn param(
        &mut self,
        value: impl tokio_postgres::types::ToSql + Sync + Send + 'static,
    ) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }

    /// ` AND …` for each filter given (only those: a site or service filter then uses its
    /// index instead of a plan that must also fit "no filter").
    fn filters(&mut self, q: &CentralQuery) -> String {
        let mut out = String::new();
        if let Some(site) = &q.site {
            out += &format!(" AND d.site_id = {}", self.param(site.clone()));
        }
        if let Some(service) = &q.service {
            out += &format!(" AND d.service = {}", self.param(service.clone()));
        }
        if let Some(agency) = &q.agency {
            out += &format!(" AND d.agency = {}", self.param(agency.clone()));
        }
        if let Some(region) = &q.region {
            out += &format!(
                " AND d.site_id IN (SELECT id FROM sites WHERE region = {})",
                self.param(region.clone())
            );
        }
        if let Some(allowed) = &q.allowed {
            out += &format!(" AND d.site_id = ANY({})", self.param(allowed.clone()));
        }
        out
    }

    fn refs(&self) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect()
    }
}

/// The weekly rows of the whole weeks and the daily rows of the edges of one rollup
/// family (`service` or `rating`), each with its week's Monday.
fn source(
    sql: &mut Sql,
    family: &str,
    columns: &[String],
    q: &CentralQuery,
    from: LocalDate,
    to: LocalDate,
) -> String {
    let cols = columns
        .iter()
        .map(|c| format!("d.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (weeks, edges) = split_period(from, to);
    let mut parts = Vec::new();
    if let Some((first, last)) = weeks {
        let (a, b) = (sql.param(first.to_string()), sql.param(last.to_string()));
        let filters = sql.filters(q);
        parts.push(format!(
            "SELECT d.site_id, d.agency, d.service, d.week, {cols} FROM weekly_{family} d
             WHERE d.week BETWEEN {a}::text::date AND {b}::text::date{filters}"
        ));
    }
    for (first, last) in edges {
        let (a, b) = (sql.param(first.to_string()), sql.param(last.to_string()));
        let filters = sql.filters(q);
        parts.push(format!(
            "SELECT d.site_id, d.agency, d.service,
                 d.day - (extract(isodow FROM d.day)::int - 1) AS week, {cols}
             FROM daily_{family} d
             WHERE d.day BETWEEN {a}::text::date AND {b}::text::date{filters}"
        ));
    }
    parts.join(" UNION ALL ")
}

/// `SELECT` of the sums of `columns` grouped by (site, agency, service) and by week.
fn grouped_sql(source: &str, columns: &[String]) -> String {
    let sums = columns
        .iter()
        .map(|c| format!("sum({c})::bigint"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT site_id, agency, service, week::text, GROUPING(site_id, agency, service), {sums}
         FROM ({source}) src
         GROUP BY GROUPING SETS ((site_id, agency, service), (week))"
    )
}

impl Db {
    /// Every figure of `q`: one scan of each rollup family over whole weeks and edge days,
    /// grouped two ways at once (GROUPING SETS).
    pub async fn report_groups(&self, q: &CentralQuery) -> anyhow::Result<Grouped> {
        let (from, to) = period(q)?;
        let service_cols = crate::projector::service_columns();
        let mut service_sql = Sql::default();
        let src = source(&mut service_sql, "service", &service_cols, q, from, to);
        let service_text = grouped_sql(&src, &service_cols);
        let rating_cols = crate::projector::rating_columns();
        let mut rating_sql = Sql::default();
        let src = source(&mut rating_sql, "rating", &rating_cols, q, from, to);
        let rating_text = grouped_sql(&src, &rating_cols);
        // Visits still open (today's queue) count as issued until they end.
        let mut open_sql = Sql::default();
        let (a, b) = (
            open_sql.param(from.to_string()),
            open_sql.param(to.to_string()),
        );
        let filters = open_sql.filters(q);
        let src = format!(
            "SELECT d.site_id, d.agency, d.service,
                 d.day - (extract(isodow FROM d.day)::int - 1) AS week, d.issued, d.open,
                 d.booked_issued
             FROM daily_open d
             WHERE d.day BETWEEN {a}::text::date AND {b}::text::date{filters}"
        );
        let open_text = grouped_sql(
            &src,
            &[
                "issued".to_owned(),
                "open".to_owned(),
                "booked_issued".to_owned(),
            ],
        );
        // Three scans at once, each on its own connection (PostgreSQL runs a grouping-sets
        // aggregate in one process: this is what uses the other cores).
        let (service_rows, rating_rows, open_rows) = tokio::try_join!(
            self.report_query(&service_text, &service_sql),
            self.report_query(&rating_text, &rating_sql),
            self.report_query(&open_text, &open_sql),
        )?;
        let mut out = Grouped::default();
        let mut index = CellIndex::default();
        for r in &service_rows {
            let v = |i: usize| r.get::<_, i64>(5 + i) as u64;
            let mut f = ServiceDay {
                issued: v(0),
                served: v(1),
                no_show: v(2),
                cancelled: v(3),
                expired: v(4),
                transferred: v(5),
                waited: v(6),
                wait_sum_ms: v(7),
                service_n: v(8),
                service_sum_ms: v(9),
                measured: v(10),
                within: v(11),
                ..ServiceDay::default()
            };
            for (i, h) in f.wait_hist.iter_mut().enumerate() {
                *h = v(12 + i);
            }
            let b = |i: usize| v(12 + WAIT_BUCKETS + i);
            f.booked_issued = b(0);
            f.bookings_checked_in = b(1);
            f.bookings_expired = b(2);
            f.bookings_cancelled = b(3);
            f.booked_early = b(4);
            f.booked_early_sum_ms = b(5);
            f.booked_late = b(6);
            f.booked_late_sum_ms = b(7);
            index.place(&mut out, r, |row| row.figures.merge(&f));
        }
        for r in &rating_rows {
            let v = |i: usize| r.get::<_, i64>(5 + i);
            let mut tally = Tally {
                respondents: v(0) as u32,
                ..Tally::default()
            };
            for u in 0..9 {
                tally.answered[u] = v(2 + u) as u32;
                tally.sum[u] = v(11 + u) as u32;
            }
            let faces = [v(20) as u64, v(21) as u64, v(22) as u64, v(23) as u64];
            index.place(&mut out, r, |row| {
                row.tally.merge(&tally);
                for (sum, face) in row.faces.iter_mut().zip(faces) {
                    *sum += face;
                }
            });
        }
        for r in &open_rows {
            let (issued, open) = (r.get::<_, i64>(5) as u64, r.get::<_, i64>(6) as u64);
            let booked_issued = r.get::<_, i64>(7) as u64;
            index.place(&mut out, r, |row| {
                row.figures.issued += issued;
                row.figures.booked_issued += booked_issued;
                row.open += open;
            });
        }
        out.weeks.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// One report query with room to aggregate in memory ([`REPORT_WORK_MEM`]) instead of
    /// sorting on disk, in a transaction of its own so the setting ends with it.
    async fn report_query(
        &self,
        text: &str,
        sql: &Sql,
    ) -> anyhow::Result<Vec<tokio_postgres::Row>> {
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        tx.batch_execute(&format!("SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
            .await?;
        let rows = tx.query(text, &sql.refs()).await?;
        tx.commit().await?;
        Ok(rows)
    }
}

/// Where each (site, agency, service) cell and week is in a [`Grouped`].
#[derive(Default)]
struct CellIndex {
    cells: std::collections::HashMap<(String, String, String), usize>,
    weeks: std::collections::HashMap<String, usize>,
}

impl CellIndex {
    fn place(&mut self, out: &mut Grouped, r: &tokio_postgres::Row, fill: impl FnOnce(&mut Row)) {
        let target = if r.get::<_, i32>(4) != 0 {
            let week: String = r.get(3);
            let i = *self.weeks.entry(week.clone()).or_insert_with(|| {
                out.weeks.push(Row {
                    key: week,
                    ..Row::default()
                });
                out.weeks.len() - 1
            });
            &mut out.weeks[i]
        } else {
            let key: (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let i = *self.cells.entry(key.clone()).or_insert_with(|| {
                out.cells.push((key.0, key.1, key.2, Row::default()));
                out.cells.len() - 1
            });
            &mut out.cells[i].3
        };
        fill(target);
    }
}

/// One officer at one site over the period (counter work).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OfficerRow {
    /// Site id.
    pub site: String,
    /// Officer login id ("" when no officer was logged in).
    pub officer: String,
    /// Display name the site sent (the id when none).
    pub name: String,
    /// Visits served.
    pub served: u64,
    /// Their service time, ms.
    pub service_sum_ms: u64,
    /// Counter open time, ms.
    pub open_ms: u64,
    /// Of it idle, ms.
    pub idle_ms: u64,
}

impl OfficerRow {
    /// Mean service time, seconds.
    pub fn mean_service_s(&self) -> Option<f64> {
        (self.served > 0).then(|| self.service_sum_ms as f64 / self.served as f64 / 1000.0)
    }

    /// Idle share of the open time, percent.
    pub fn idle_percent(&self) -> Option<f64> {
        (self.open_ms > 0).then(|| 100.0 * self.idle_ms as f64 / self.open_ms as f64)
    }
}

impl Db {
    /// Counter work per site and officer (the agency and service filters do not apply:
    /// an officer's time is not split by service). Names are for managers only.
    pub async fn officer_rows(&self, q: &CentralQuery) -> anyhow::Result<Vec<OfficerRow>> {
        let (from, to) = period(q)?;
        let (from, to) = (from.to_string(), to.to_string());
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT d.site_id, d.officer, coalesce(s.officers ->> d.officer, d.officer),
                     sum(served)::bigint, sum(service_sum_ms)::bigint, sum(open_ms)::bigint,
                     sum(idle_ms)::bigint
                 FROM daily_counter d JOIN sites s ON s.id = d.site_id
                 WHERE d.day BETWEEN $1::text::date AND $2::text::date
                     AND ($3::text IS NULL OR d.site_id = $3)
                     AND ($4::text IS NULL OR s.region = $4)
                     AND ($5::text[] IS NULL OR d.site_id = ANY($5))
                 GROUP BY 1, 2, 3 ORDER BY 1, 3",
                &[&from, &to, &q.site, &q.region, &q.allowed],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| OfficerRow {
                site: r.get(0),
                officer: r.get(1),
                name: r.get(2),
                served: r.get::<_, i64>(3) as u64,
                service_sum_ms: r.get::<_, i64>(4) as u64,
                open_ms: r.get::<_, i64>(5) as u64,
                idle_ms: r.get::<_, i64>(6) as u64,
            })
            .collect())
    }
}

/// The sum of rows (the pooled figures of a group).
pub fn pooled(rows: &[Row]) -> Row {
    let mut all = Row::default();
    for r in rows {
        all.add(r);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> LocalDate {
        LocalDate::parse(text).unwrap()
    }

    /// Whole weeks come from the weekly rollups, the edges from the daily ones, and
    /// together they cover every day of the period exactly once.
    #[test]
    fn a_period_splits_into_whole_weeks_and_edge_days() {
        // 1 July 2026 is a Wednesday, 30 September a Wednesday.
        let (weeks, edges) = split_period(d("2026-07-01"), d("2026-09-30"));
        assert_eq!(weeks, Some((d("2026-07-06"), d("2026-09-21"))));
        assert_eq!(
            edges,
            vec![
                (d("2026-07-01"), d("2026-07-05")),
                (d("2026-09-28"), d("2026-09-30"))
            ]
        );
        // Monday to Sunday: weeks only.
        assert_eq!(
            split_period(d("2026-11-30"), d("2026-12-13")),
            (Some((d("2026-11-30"), d("2026-12-07"))), vec![])
        );
        // Less than a whole week: days only.
        assert_eq!(
            split_period(d("2026-12-02"), d("2026-12-06")),
            (None, vec![(d("2026-12-02"), d("2026-12-06"))])
        );
        for (from, to) in [
            ("2026-01-01", "2026-03-31"),
            ("2026-12-03", "2026-12-03"),
            ("2026-12-07", "2026-12-20"),
        ] {
            let (weeks, edges) = split_period(d(from), d(to));
            let mut covered: Vec<i64> = edges
                .iter()
                .flat_map(|(a, b)| a.days_since_epoch()..=b.days_since_epoch())
                .collect();
            if let Some((first, last)) = weeks {
                assert_eq!(first.weekday().index(), 0, "a Monday");
                covered.extend(first.days_since_epoch()..=last.days_since_epoch() + 6);
            }
            covered.sort();
            let all: Vec<i64> = (d(from).days_since_epoch()..=d(to).days_since_epoch()).collect();
            assert_eq!(covered, all, "{from}..{to}");
        }
    }
}
