//! `report-bench`: the managers' report over a large history (issue 6 goals: the waiting
//! report over 1,000,000 tickets ≤ 1 s; the IKM over 100,000 ratings ≤ 100 ms).
//!
//! The history is synthesized directly as events (one quarter, the sample catalog's
//! services and counters, each ticket issued → called → started → finished, one in ten
//! rated with the full questionnaire), because the report reads events, not the engine.
//! Three figures: the pure report over events in memory; the same report through the
//! coordinator's path (the sled log, binary search to the period, JSON decoding); the IKM
//! alone over the ratings. Build with `cargo build --release -p antrean-bench`.

use std::time::{Duration, Instant};

use antrean_core::rating::{Profile, Rating, RatingSource};
use antrean_core::report::{Facts, ReportBuilder, ReportQuery};
use antrean_core::skm::{Response, Weight, ikm};
use antrean_core::{Channel, Event, LocalDate, TicketId, TicketNumber, Timestamp};
use antrean_protocol::{LogRecord, ReportQueryDto, event_to_dto};
use clap::Parser;

/// Benchmark the report over a synthesized history.
#[derive(Parser)]
struct Args {
    /// Tickets in the history.
    #[arg(long, default_value_t = 1_000_000)]
    tickets: u64,
    /// Ratings for the IKM figure.
    #[arg(long, default_value_t = 100_000)]
    ratings: usize,
    /// Days the history spans (from 1 October 2026).
    #[arg(long, default_value_t = 92)]
    days: u32,
    /// Repetitions of each timing (the best and the median are printed).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Skip the sled figure (it writes the history to disk first).
    #[arg(long)]
    no_store: bool,
}

/// A tiny deterministic generator.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn history(args: &Args, catalog: &antrean_core::Catalog) -> Vec<(Event, Timestamp)> {
    let tz = catalog.site.time_zone;
    let mut rng = Lcg(42);
    let mut out = Vec::with_capacity(args.tickets as usize * 5);
    let first = LocalDate::new(2026, 10, 1).expect("a date");
    let per_day = args.tickets.div_ceil(u64::from(args.days));
    let mut id = 0u64;
    let mut rated = 0usize;
    let every_nth_rated = (args.tickets as usize / args.ratings.max(1)).max(1);
    for d in 0..args.days {
        let day = LocalDate::from_days_since_epoch(first.days_since_epoch() + i64::from(d));
        let open = tz.midnight(day).plus_ms(8 * 3_600_000);
        out.push((Event::DayStarted { day }, tz.midnight(day)));
        for counter in &catalog.counters {
            out.push((
                Event::CounterOpened {
                    counter: counter.id.clone(),
                    officer: format!("petugas-{}", counter.id),
                },
                open,
            ));
        }
        let mut sequences = std::collections::HashMap::<&str, u16>::new();
        for n in 0..per_day.min(args.tickets - id) {
            let service = &catalog.services[rng.below(catalog.services.len() as u64) as usize];
            let Some(counter) = catalog.counters_serving(&service.code).next() else {
                continue;
            };
            let seq = sequences.entry(&service.prefix).or_default();
            *seq = (*seq % 999) + 1;
            let ticket = TicketId(id);
            id += 1;
            // Spread over eight opening hours.
            let issued = open.plus_ms((n as i64 * 8 * 3_600_000) / per_day as i64);
            let called = issued.plus_ms(rng.below(40 * 60_000) as i64);
            let started = called.plus_ms(rng.below(3 * 60_000) as i64);
            let finished = started.plus_ms(rng.below(20 * 60_000) as i64);
            let c = counter.id.clone();
            out.push((
                Event::TicketIssued {
                    ticket,
                    number: TicketNumber {
                        prefix: service.prefix.clone(),
                        sequence: *seq,
                    },
                    day,
                    service: service.code.clone(),
                    priority: None,
                    channel: Channel::Kiosk,
                },
                issued,
            ));
            out.push((
                Event::TicketCalled {
                    ticket,
                    counter: c.clone(),
                    officer: Some(format!("petugas-{c}")),
                    out_of_order: false,
                },
                called,
            ));
            out.push((
                Event::ServiceStarted {
                    ticket,
                    counter: c.clone(),
                },
                started,
            ));
            out.push((
                Event::ServiceFinished {
                    ticket,
                    counter: c.clone(),
                },
                finished,
            ));
            if rated < args.ratings && (id as usize).is_multiple_of(every_nth_rated) {
                rated += 1;
                out.push((
                    Event::ServiceRated {
                        ticket,
                        service: service.code.clone(),
                        agency: service.agency.clone(),
                        counter: c,
                        officer: None,
                        rating: Rating {
                            face: Some(1 + rng.below(4) as u8),
                            questionnaire: Some(response(&mut rng)),
                            profile: Profile::default(),
                            suggestion: None,
                            source: RatingSource::Counter,
                        },
                    },
                    finished.plus_ms(30_000),
                ));
            }
        }
    }
    // Log order is time order (the coordinator's log is, by construction).
    out.sort_by_key(|(_, at)| *at);
    out
}

fn response(rng: &mut Lcg) -> Response {
    let mut answers = [None; 9];
    for a in &mut answers {
        // One blank in twenty: per-unsur denominators matter.
        *a = (rng.below(20) != 0).then(|| 1 + rng.below(4) as u8);
    }
    Response { answers }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(f());
        samples.push(started.elapsed());
    }
    samples.sort();
    (
        samples[0],
        samples[samples.len() / 2],
        last.expect("runs ≥ 1"),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.runs >= 1, "--runs must be at least 1");
    let catalog = antrean_catalog::always_open(antrean_catalog::sample());
    let started = Instant::now();
    let events = history(&args, &catalog);
    eprintln!(
        "history: {} events for {} tickets in {:.1} s",
        events.len(),
        args.tickets,
        started.elapsed().as_secs_f64()
    );
    let last_day = LocalDate::from_days_since_epoch(
        LocalDate::new(2026, 10, 1)
            .expect("a date")
            .days_since_epoch()
            + i64::from(args.days)
            - 1,
    );
    let query = ReportQuery {
        from: LocalDate::new(2026, 10, 1).expect("a date"),
        to: last_day,
        agency: None,
        service: None,
        counter: None,
        officer: None,
    };

    println!("| figure | best | median | goal |");
    println!("|---|---|---|---|");
    let (best, median, report) = time(args.runs, || {
        let mut b = ReportBuilder::new(&catalog, query.clone());
        for (event, at) in &events {
            b.push(event, *at);
        }
        b.finish()
    });
    anyhow::ensure!(
        u64::from(report.counts.issued) == args.tickets,
        "report counted {} tickets",
        report.counts.issued
    );
    println!(
        "| facts + report in one pass over {} events ({} tickets; `ReportBuilder`) | {} | {} | — |",
        events.len(),
        report.counts.issued,
        ms(best),
        ms(median)
    );
    let (best, median, facts) = time(args.runs, || {
        let mut facts = Facts::new(&catalog);
        for (event, at) in &events {
            facts.push(event, *at);
        }
        facts
    });
    println!(
        "| facts from {} events (once, at start-up replay; then per event) | {} | {} | — |",
        events.len(),
        ms(best),
        ms(median)
    );
    let (best, median, scanned) = time(args.runs, || {
        antrean_core::report::report(&facts, &catalog, &query)
    });
    anyhow::ensure!(
        scanned == report,
        "the scan and the one-pass report disagree"
    );
    println!(
        "| waiting report over the facts of {} tickets (what a manager waits for) | {} | {} | ≤ 1 s |",
        scanned.counts.issued,
        ms(best),
        ms(median)
    );
    let coordinator_facts = antrean_reports::ReportFacts::new(&catalog);
    coordinator_facts.record(events.clone());
    let dto_query = ReportQueryDto {
        from: Some(query.from.to_string()),
        to: Some(query.to.to_string()),
        ..ReportQueryDto::default()
    };
    let (best, median, dto) = time(args.runs, || {
        antrean_reports::run_with_facts(&coordinator_facts, None, &catalog, &dto_query, query.to)
    });
    anyhow::ensure!(u64::from(dto?.counts.issued) == args.tickets);
    println!(
        "| same through the coordinator (`reports::run_with_facts`, incl. the wire DTO) | {} | {} | ≤ 1 s |",
        ms(best),
        ms(median)
    );

    ikm_figure(&args, &events, &report)?;
    if !args.no_store {
        log_figures(&args, &catalog, &events, &dto_query, query.to)?;
    }
    Ok(())
}

/// The IKM over every questionnaire of the history, checked against the report's tally.
fn ikm_figure(
    args: &Args,
    events: &[(Event, Timestamp)],
    report: &antrean_core::report::Report,
) -> anyhow::Result<()> {
    let responses: Vec<Response> = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::ServiceRated { rating, .. } => rating.questionnaire.clone(),
            _ => None,
        })
        .collect();
    let (best, median, result) = time(args.runs, || ikm(&responses, Weight::Exact));
    let result = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(
        result
            == report
                .skm
                .tally
                .ikm(Weight::Exact)
                .map_err(|e| anyhow::anyhow!("{e}"))?
    );
    println!(
        "| IKM over {} questionnaires (`skm::ikm`) | {} | {} | ≤ 100 ms |",
        responses.len(),
        ms(best),
        ms(median)
    );

    Ok(())
}

/// The same history written to a real log and reports re-read from it (the fallback for
/// periods older than the kept window).
fn log_figures(
    args: &Args,
    catalog: &antrean_core::Catalog,
    events: &[(Event, Timestamp)],
    dto_query: &ReportQueryDto,
    today: LocalDate,
) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("report-bench-")
        .tempdir_in(".")?;
    let (store, mut writer) = antrean_store::Store::open(dir.path(), || [7; 32])?;
    let started = Instant::now();
    for (i, chunk) in events.chunks(10_000).enumerate() {
        let records: Vec<LogRecord> = chunk
            .iter()
            .enumerate()
            .map(|(j, (event, at))| LogRecord {
                seq: (i * 10_000 + j + 1) as u64,
                at_ms: at.0,
                event: event_to_dto(event),
                request: None,
                request_digest: None,
            })
            .collect();
        writer.append(&records)?;
    }
    writer.checkpoint()?;
    eprintln!(
        "sled log written in {:.1} s ({} MB on disk)",
        started.elapsed().as_secs_f64(),
        store.size_on_disk()? / 1_000_000
    );
    let (best, median, report) = time(args.runs.min(3), || {
        antrean_reports::run(&store, catalog, dto_query, today)
    });
    let report = report?;
    anyhow::ensure!(u64::from(report.counts.issued) == args.tickets);
    println!(
        "| waiting report, {} tickets, re-read from the sled log (fallback for periods older than the kept window) | {} | {} | — |",
        report.counts.issued,
        ms(best),
        ms(median)
    );
    let month = ReportQueryDto {
        from: Some("2026-11-01".into()),
        to: Some("2026-11-30".into()),
        ..ReportQueryDto::default()
    };
    let (best, median, report) = time(args.runs.min(3), || {
        antrean_reports::run(&store, catalog, &month, today)
    });
    println!(
        "| one month ({} tickets) of that log (binary search to the period) | {} | {} | — |",
        report?.counts.issued,
        ms(best),
        ms(median)
    );
    Ok(())
}
