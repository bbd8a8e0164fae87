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
