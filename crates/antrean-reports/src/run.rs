//! Managers' reports. The committer feeds every durable event into [`ReportFacts`] (the
//! pure core's compact report rows, kept for [`MAX_REPORT_DAYS`]), so a report is a scan of
//! memory; a period older than that window is computed from the log on disk instead.

use std::sync::{Mutex, RwLock};

use antrean_core::report::{Facts, ReportBuilder, ReportQuery};
use antrean_core::{Catalog, Event, LocalDate, Timestamp};
use antrean_protocol::{ReportDto, ReportQueryDto, event_from_dto, report_dto, weight_from_name};
use antrean_store::Store;

use crate::MAX_REPORT_DAYS;

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
    Export(#[from] crate::export::ExportError),
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

/// Report facts of the recent past, shared by the committer (writer) and report tasks.
///
/// The committer never waits for a report: it queues events in `pending` (a short lock) and
/// applies them only when the facts are free; a report applies what is pending before it
/// scans, so it always sees every durable event.
pub struct ReportFacts {
    facts: RwLock<Window>,
    pending: Mutex<Vec<(Event, Timestamp)>>,
}

struct Window {
    facts: Facts,
    /// Facts cover events from here on (the log's start, or the last pruning point).
    covers_from: Timestamp,
}

/// Pending events past which the committer applies them even if it must wait for a
/// report: bounds memory if reports ran back to back.
const MAX_PENDING_EVENTS: usize = 100_000;

impl ReportFacts {
    /// Empty facts for `catalog`'s site.
    pub fn new(catalog: &Catalog) -> ReportFacts {
        ReportFacts {
            facts: RwLock::new(Window {
                facts: Facts::new(catalog),
                covers_from: Timestamp(i64::MIN),
            }),
            pending: Mutex::new(Vec::new()),
        }
    }

    /// Adds durable events (the committer, after each flush; start-up replay).
    pub fn record(&self, events: Vec<(Event, Timestamp)>) {
        let mut pending = self.pending.lock().expect("pending lock");
        pending.extend(events);
        let window = if pending.len() >= MAX_PENDING_EVENTS {
            Some(self.facts.write().expect("facts lock"))
        } else {
            self.facts.try_write().ok()
        };
        if let Some(mut window) = window {
            window.apply(pending.drain(..));
        }
    }

    /// The report of `query`, if the kept window covers its period.
    fn report(
        &self,
        catalog: &Catalog,
        query: &ReportQuery,
    ) -> Option<antrean_core::report::Report> {
        {
            // Apply what the committer queued while a report held the facts, in log order.
            // Lock order is always `pending` then `facts` (as in `record`), so the two
            // never deadlock; with nothing queued no write lock is taken at all.
            let mut pending = self.pending.lock().expect("pending lock");
            if !pending.is_empty() {
                self.facts
                    .write()
                    .expect("facts lock")
                    .apply(pending.drain(..));
            }
        }
        let window = self.facts.read().expect("facts lock");
        let start = catalog.site.time_zone.midnight(query.from);
        (start >= window.covers_from)
            .then(|| antrean_core::report::report(&window.facts, catalog, query))
    }
}

impl Window {
    fn apply(&mut self, events: impl Iterator<Item = (Event, Timestamp)>) {
        for (event, at) in events {
            if let Event::DayStarted { day } = &event {
                // Keep MAX_REPORT_DAYS days before the new one.
                let first = LocalDate::from_days_since_epoch(
                    day.days_since_epoch() - i64::from(MAX_REPORT_DAYS),
                );
                let cut = self.facts.time_zone().midnight(first);
                if cut > self.covers_from {
                    self.facts.prune_before(cut);
                    self.covers_from = cut;
                }
            }
            self.facts.push(&event, at);
        }
    }
}

/// Runs a report: from the facts in memory when they cover the period, else from the log
/// (blocking: reads the period's part of the log). Without a store (a report on a history
/// file) a period the facts do not cover is an error.
pub fn run_with_facts(
    facts: &ReportFacts,
    store: Option<&Store>,
    catalog: &Catalog,
    dto: &ReportQueryDto,
    today: LocalDate,
) -> Result<ReportDto, ReportError> {
    let (query, weight) = parse(dto, catalog, today)?;
    let mut report = match (facts.report(catalog, &query), store) {
        (Some(report), _) => report_dto(&report, catalog, weight),
        (None, Some(store)) => from_log(store, catalog, query, weight)?,
        (None, None) => {
            return Err(ReportError::Query(format!(
                "periode lebih dari {MAX_REPORT_DAYS} hari sebelum akhir riwayat"
            )));
        }
    };
    if let Some(store) = store {
        name_officers(&mut report, store)?;
    }
    Ok(report)
}

/// Officers by the names people know them by ("Budi Santoso", not "petugas3"), from the
/// site's officer records; an officer removed since keeps the login id.
fn name_officers(report: &mut ReportDto, store: &Store) -> Result<(), ReportError> {
    let names: std::collections::HashMap<String, String> = store
        .principals()?
        .into_iter()
        .filter(|p| p.kind == antrean_store::PrincipalKind::Officer)
        .filter_map(|p| Some((p.name, p.display_name?)))
        .collect();
    for officer in &mut report.officers {
        officer.name = names.get(&officer.officer).cloned();
    }
    report.scope_names.officer = report.officer.as_ref().and_then(|o| names.get(o).cloned());
    Ok(())
}

/// Runs a report from the log on disk. Blocking: reads the period's part of the log.
pub fn run(
    store: &Store,
    catalog: &Catalog,
    dto: &ReportQueryDto,
    today: LocalDate,
) -> Result<ReportDto, ReportError> {
    let (query, weight) = parse(dto, catalog, today)?;
    let mut report = from_log(store, catalog, query, weight)?;
    name_officers(&mut report, store)?;
    Ok(report)
}

/// The query and the IKM weight of a request.
fn parse(
    dto: &ReportQueryDto,
    catalog: &Catalog,
    today: LocalDate,
) -> Result<(ReportQuery, antrean_core::skm::Weight), ReportError> {
    let weight = weight_from_name(dto.weight.as_deref())
        .ok_or_else(|| ReportError::Query("bobot harus \"exact\" atau \"legacy\"".into()))?;
    Ok((resolve(dto, catalog, today)?, weight))
}

fn from_log(
    store: &Store,
    catalog: &Catalog,
    query: ReportQuery,
    weight: antrean_core::skm::Weight,
) -> Result<ReportDto, ReportError> {
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
pub fn export_file(
    report: &ReportDto,
    kind: &str,
    format: &str,
) -> Result<(String, &'static str, Vec<u8>), ReportError> {
    let tables = match kind {
        "waiting" => crate::export::waiting_tables(report),
        "ikm" => crate::export::ikm_tables(report),
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
            crate::export::to_csv(&tables[0])?,
        )),
        "xlsx" => Ok((
            format!("{stem}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            crate::export::to_xlsx(&tables)?,
        )),
        _ => Err(ReportError::Query(
            "format harus \"csv\" atau \"xlsx\"".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_core::rating::{Profile, Rating, RatingSource};
    use antrean_core::skm::Response;
    use antrean_core::{Command, Engine};
    use antrean_protocol::{LogRecord, event_to_dto};

    /// A few days of traffic through the real engine, stored in a real log.
    fn history(
        writer: &mut antrean_store::Writer,
        catalog: &Catalog,
        days: &[LocalDate],
    ) -> Vec<(Event, Timestamp)> {
        let mut engine = Engine::new(catalog.clone());
        let mut out = Vec::new();
        let tz = catalog.site.time_zone;
        for day in days {
            let mut now = tz.midnight(*day).plus_ms(8 * 3_600_000);
            let mut run = |engine: &mut Engine, cmd: Command, now: Timestamp| {
                let tick = engine.tick(now);
                out.extend(tick.events.into_iter().map(|e| (e, tick.at)));
                let o = engine.handle(&cmd, now).expect("accepted");
                out.extend(o.events.iter().cloned().map(|e| (e, o.at)));
                o.ticket
            };
            let open = Command::OpenCounter {
                counter: "1".into(),
                officer: "siti".into(),
            };
            run(&mut engine, open, now);
            for i in 0..20 {
                now = now.plus_ms(90_000);
                let issue = Command::IssueTicket {
                    service: "ktp-el-baru".into(),
                    priority: None,
                    channel: antrean_core::Channel::Kiosk,
                };
                let ticket = run(&mut engine, issue, now).expect("a ticket");
                for cmd in [
                    Command::CallNext {
                        counter: "1".into(),
                    },
                    Command::StartService {
                        counter: "1".into(),
                    },
                    Command::FinishService {
                        counter: "1".into(),
                    },
                ] {
                    now = now.plus_ms(30_000 + i * 1000);
                    run(&mut engine, cmd, now);
                }
                let rating = Rating {
                    face: Some(4),
                    questionnaire: Some(Response {
                        answers: [Some(3); 9],
                    }),
                    profile: Profile::default(),
                    suggestion: None,
                    source: RatingSource::Counter,
                };
                let rate = Command::Rate {
                    ticket,
                    rating,
                    at_counter: Some("1".into()),
                };
                run(&mut engine, rate, now);
            }
        }
        let records: Vec<LogRecord> = out
            .iter()
            .enumerate()
            .map(|(i, (e, at))| LogRecord {
                seq: i as u64 + 1,
                at_ms: at.0,
                event: event_to_dto(e),
                request: None,
                request_digest: None,
            })
            .collect();
        writer.append(&records).unwrap();
        out
    }

    #[test]
    fn the_facts_in_memory_and_the_log_on_disk_give_the_same_report_and_old_periods_fall_back() {
        let dir = tempfile::tempdir().unwrap();
        let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
        let catalog = antrean_catalog::always_open(antrean_catalog::sample());
        let d = |text: &str| LocalDate::parse(text).unwrap();
        let days = [d("2026-11-30"), d("2026-12-01"), d("2028-01-10")];
        let events = history(&mut writer, &catalog, &days);
        let facts = ReportFacts::new(&catalog);
        facts.record(events);
        let query = |from: &str, to: &str| ReportQueryDto {
            from: Some(from.into()),
            to: Some(to.into()),
            ..ReportQueryDto::default()
        };
        let today = d("2028-01-10");
        // Recent period: from the facts; must equal the log's answer.
        let recent = query("2028-01-01", "2028-01-10");
        let from_facts = run_with_facts(&facts, Some(&store), &catalog, &recent, today).unwrap();
        let from_log = run(&store, &catalog, &recent, today).unwrap();
        assert_eq!(from_facts, from_log);
        assert_eq!(from_facts.counts.served, 20);
        assert_eq!(from_facts.skm.respondents, 20);
        // 2026 is more than MAX_REPORT_DAYS before the last day start: pruned from memory,
        // so the report comes from the log, and still counts both days.
        let old = query("2026-11-30", "2026-12-01");
        assert!(
            facts
                .report(&catalog, &resolve(&old, &catalog, today).unwrap())
                .is_none()
        );
        let fallback = run_with_facts(&facts, Some(&store), &catalog, &old, today).unwrap();
        assert_eq!(fallback.counts.issued, 40);
        assert_eq!(fallback.skm.respondents, 40);
        assert_eq!(fallback.by_day.len(), 2);
    }

    #[test]
    fn exports_name_the_scope_and_the_days_in_words_not_codes() {
        let dir = tempfile::tempdir().unwrap();
        let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
        let catalog = antrean_catalog::always_open(antrean_catalog::sample());
        let day = LocalDate::parse("2026-11-30").unwrap();
        history(&mut writer, &catalog, &[day]);
        let query = ReportQueryDto {
            from: Some("2026-11-30".into()),
            to: Some("2026-11-30".into()),
            service: Some("ktp-el-baru".into()),
            counter: Some("1".into()),
            ..ReportQueryDto::default()
        };
        let report = run(&store, &catalog, &query, day).unwrap();
        let text = crate::export::to_text(&crate::export::waiting_tables(&report));
        let service = &catalog.service("ktp-el-baru").unwrap().name_id;
        let counter = &catalog.counter("1").unwrap().name;
        assert!(text.contains(&format!("layanan {service}")), "{text}");
        assert!(text.contains(&format!(", {counter}")), "{text}");
        assert!(!text.contains("ktp-el-baru"), "{text}");
        assert!(text.contains("Senin, 30 November 2026"), "{text}");
        assert!(!text.contains("2026-11-30"), "{text}");
    }
}
