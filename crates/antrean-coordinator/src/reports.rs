//! Managers' reports: read the log of a period from the store and run the pure report
//! builder over it, off the async threads.

use antrean_core::report::{ReportBuilder, ReportQuery};
use antrean_core::{Catalog, LocalDate, Timestamp};
use antrean_protocol::{ReportDto, ReportQueryDto, event_from_dto, report_dto, weight_from_name};
use antrean_store::Store;

use crate::limits::MAX_REPORT_DAYS;

/// Why a report was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A bad query, in Indonesian (the manager fixes it).
    #[error("{0}")]
    Query(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] antrean_store::StoreError),
    /// The export writer failed.
    #[error(transparent)]
    Export(#[from] antrean_export::ExportError),
}

/// Resolves the query: default period is the current quarter up to today; filters must
/// name things the catalog knows (a typo would otherwise give an empty report).
pub fn resolve(
    dto: &ReportQueryDto,
    catalog: &Catalog,
    today: LocalDate,
) -> Result<ReportQuery, ReportError> {
    let date = |text: &Option<String>, default: LocalDate| match text.as_deref() {
        None | Some("") => Ok(default),
        Some(t) => LocalDate::parse(t)
            .ok_or_else(|| ReportError::Query(format!("tanggal \"{t}\" tidak valid (YYYY-MM-DD)"))),
    };
    let quarter_start = LocalDate::new(today.year, (today.month - 1) / 3 * 3 + 1, 1)
        .expect("the first day of a quarter exists");
    let from = date(&dto.from, quarter_start)?;
    let to = date(&dto.to, today)?;
    if to < from {
        return Err(ReportError::Query(
            "tanggal akhir sebelum tanggal awal".into(),
        ));
    }
    if to.days_since_epoch() - from.days_since_epoch() >= i64::from(MAX_REPORT_DAYS) {
        return Err(ReportError::Query(format!(
            "periode paling panjang {MAX_REPORT_DAYS} hari"
        )));
    }
    let known = |value: &Option<String>, what: &str, exists: &dyn Fn(&str) -> bool| match value
        .as_deref()
        .filter(|v| !v.is_empty())
    {
        Some(v) if !exists(v) => Err(ReportError::Query(format!("{what} \"{v}\" tidak dikenal"))),
        v => Ok(v.map(str::to_owned)),
    };
    Ok(ReportQuery {
        from,
        to,
        agency: known(&dto.agency, "instansi", &|v| catalog.agency(v).is_some())?,
        service: known(&dto.service, "layanan", &|v| catalog.service(v).is_some())?,
        counter: known(&dto.counter, "loket", &|v| catalog.counter(v).is_some())?,
        officer: dto.officer.clone().filter(|o| !o.is_empty()),
    })
}

/// Runs a report. Blocking: reads the period's part of the log.
pub fn run(
    store: &Store,
    catalog: &Catalog,
    dto: &ReportQueryDto,
    today: LocalDate,
) -> Result<ReportDto, ReportError> {
    let weight = weight_from_name(dto.weight.as_deref())
        .ok_or_else(|| ReportError::Query("bobot harus \"exact\" atau \"legacy\"".into()))?;
    let query = resolve(dto, catalog, today)?;
    let mut builder = ReportBuilder::new(catalog, query);
    let first = store.seq_at_or_after(builder.start().0)?;
    for record in store.read_log_from(first) {
        let record = record?;
        let at = Timestamp(record.at_ms);
        if builder.past_end(at) {
            break;
        }
        // The log was validated against the core at start-up; a record that no longer
        // converts is skipped rather than failing a manager's report.
        if let Ok(event) = event_from_dto(&record.event) {
            builder.push(&event, at);
        }
    }
    Ok(report_dto(&builder.finish(), catalog, weight))
}

/// A report as a file: (name, mime, bytes).
pub fn export(
    report: &ReportDto,
    kind: &str,
    format: &str,
) -> Result<(String, &'static str, Vec<u8>), ReportError> {
    let tables = match kind {
        "waiting" => antrean_export::waiting_tables(report),
        "ikm" => antrean_export::ikm_tables(report),
        _ => {
            return Err(ReportError::Query(
                "jenis laporan harus \"waiting\" atau \"ikm\"".into(),
            ));
        }
    };
    let stem = format!("antrean-{kind}-{}-{}", report.from, report.to);
    match format {
        "csv" => Ok((
            format!("{stem}.csv"),
            "text/csv; charset=utf-8",
            antrean_export::to_csv(&tables[0])?,
        )),
        "xlsx" => Ok((
            format!("{stem}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            antrean_export::to_xlsx(&tables)?,
        )),
        _ => Err(ReportError::Query(
            "format harus \"csv\" atau \"xlsx\"".into(),
        )),
    }
}
