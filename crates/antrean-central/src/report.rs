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
use crate::limits::MAX_REPORT_DAYS;

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

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// Per site.
    Site,
    /// Per region.
    Region,
    /// Per agency.
    Agency,
    /// Per service code.
    Service,
    /// Per ISO week (Monday).
    Week,
}

impl GroupBy {
    fn expr(self) -> &'static str {
        match self {
            GroupBy::Site => "d.site_id",
            GroupBy::Region => "s.region",
            GroupBy::Agency => "d.agency",
            GroupBy::Service => "d.service",
            GroupBy::Week => "to_char(date_trunc('week', d.day), 'YYYY-MM-DD')",
        }
    }
}

/// One group's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Row {
    /// Site id, region, agency, service code or week's Monday.
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

/// `WHERE` shared by both rollup tables: period, filters and the manager's sites.
const FILTER: &str = "d.day BETWEEN $1::text::date AND $2::text::date
    AND ($3::text IS NULL OR d.site_id = $3)
    AND ($4::text IS NULL OR s.region = $4)
    AND ($5::text IS NULL OR d.agency = $5)
    AND ($6::text IS NULL OR d.service = $6)
    AND ($7::text[] IS NULL OR d.site_id = ANY($7))";

impl Db {
    /// Figures of `q` grouped by `by`, sorted by key.
    pub async fn report_rows(&self, q: &CentralQuery, by: GroupBy) -> anyhow::Result<Vec<Row>> {
        let (from, to) = period(q)?;
        let (from, to) = (from.to_string(), to.to_string());
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 7] = [
            &from, &to, &q.site, &q.region, &q.agency, &q.service, &q.allowed,
        ];
        let hist: Vec<String> = (0..WAIT_BUCKETS)
            .map(|i| format!("sum(d.wait_h{i:02})::bigint"))
            .collect();
        let key = by.expr();
        let conn = self.get().await?;
        let sql = format!(
            "SELECT {key}, sum(issued)::bigint, sum(served)::bigint, sum(no_show)::bigint,
                 sum(cancelled)::bigint, sum(expired)::bigint, sum(transferred)::bigint,
                 sum(waited)::bigint, sum(wait_sum_ms)::bigint, sum(service_n)::bigint,
                 sum(service_sum_ms)::bigint, sum(measured)::bigint, sum(within)::bigint, {}
             FROM daily_service d JOIN sites s ON s.id = d.site_id
             WHERE {FILTER} GROUP BY 1 ORDER BY {key} COLLATE \"C\"",
            hist.join(", ")
        );
        let mut rows: Vec<Row> = Vec::new();
        for r in conn.query(&sql, &params).await? {
            let v = |i: usize| r.get::<_, i64>(i) as u64;
            let mut f = ServiceDay {
                issued: v(1),
                served: v(2),
                no_show: v(3),
                cancelled: v(4),
                expired: v(5),
                transferred: v(6),
                waited: v(7),
                wait_sum_ms: v(8),
                service_n: v(9),
                service_sum_ms: v(10),
                measured: v(11),
                within: v(12),
                ..ServiceDay::default()
            };
            for (i, h) in f.wait_hist.iter_mut().enumerate() {
                *h = v(13 + i);
            }
            rows.push(Row {
                key: r.get(0),
                figures: f,
                ..Row::default()
            });
        }
        // Visits still open count as issued (and open) until they end, like the site report.
        let sql = format!(
            "SELECT {key}, sum(issued)::bigint, sum(open)::bigint
             FROM daily_open d JOIN sites s ON s.id = d.site_id
             WHERE {FILTER} GROUP BY 1 ORDER BY {key} COLLATE \"C\""
        );
        for r in conn.query(&sql, &params).await? {
            let key: String = r.get(0);
            let (issued, open) = (r.get::<_, i64>(1) as u64, r.get::<_, i64>(2) as u64);
            let i = match rows.binary_search_by(|row| row.key.as_str().cmp(&key)) {
                Ok(i) => i,
                Err(i) => {
                    rows.insert(
                        i,
                        Row {
                            key,
                            ..Row::default()
                        },
                    );
                    i
                }
            };
            rows[i].figures.issued += issued;
            rows[i].open += open;
        }
        let answered: Vec<String> = (1..=9)
            .map(|i| format!("sum(d.answered[{i}])::bigint"))
            .collect();
        let sums: Vec<String> = (1..=9)
            .map(|i| format!("sum(d.answer_sum[{i}])::bigint"))
            .collect();
        let faces: Vec<String> = (1..=4)
            .map(|i| format!("sum(d.faces[{i}])::bigint"))
            .collect();
        let sql = format!(
            "SELECT {key}, sum(respondents)::bigint, {}, {}, {}
             FROM daily_rating d JOIN sites s ON s.id = d.site_id
             WHERE {FILTER} GROUP BY 1 ORDER BY {key} COLLATE \"C\"",
            answered.join(", "),
            sums.join(", "),
            faces.join(", ")
        );
        for r in conn.query(&sql, &params).await? {
            let key: String = r.get(0);
            let v = |i: usize| r.get::<_, i64>(i);
            let mut tally = Tally {
                respondents: v(1) as u32,
                ..Tally::default()
            };
            for u in 0..9 {
                tally.answered[u] = v(2 + u) as u32;
                tally.sum[u] = v(11 + u) as u32;
            }
            let faces = [v(20) as u64, v(21) as u64, v(22) as u64, v(23) as u64];
            match rows.binary_search_by(|row| row.key.as_str().cmp(&key)) {
                Ok(i) => {
                    rows[i].tally = tally;
                    rows[i].faces = faces;
                }
                Err(i) => rows.insert(
                    i,
                    Row {
                        key,
                        tally,
                        faces,
                        ..Row::default()
                    },
                ),
            }
        }
        Ok(rows)
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
    let mut all = Row {
        key: String::new(),
        ..Row::default()
    };
    for r in rows {
        all.figures.merge(&r.figures);
        all.tally.merge(&r.tally);
        for i in 0..4 {
            all.faces[i] += r.faces[i];
        }
        all.open += r.open;
    }
    all
}
