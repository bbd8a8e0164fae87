//! Reports and ratings: figures from a generated event history checked against an
//! independent computation from what the test itself did.

mod common;

use std::collections::HashMap;

use antrean_core::catalog::{ProcessingTime, TimeUnit};
use antrean_core::rating::*;
use antrean_core::report::{ReportBuilder, ReportQuery};
use antrean_core::skm::{Response, Weight, ikm};
use antrean_core::*;
use common::*;

/// A tiny deterministic generator (no dependency in the pure core's tests).
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

fn catalog_with_standards() -> Catalog {
    let mut c = catalog();
    for s in &mut c.services {
        if s.code == "ktp" {
            s.standard.processing_time = ProcessingTime {
                value: Some(10),
                unit: Some(TimeUnit::Minutes),
                text: "10 menit".into(),
                counter_target_min: None,
            };
        }
    }
    c
}

/// Everything the test knows about one ticket, from its own commands.
#[derive(Default, Clone)]
struct Truth {
    service: String,
    issued_ms: i64,
    called_ms: Option<i64>,
    counter: Option<String>,
    started_ms: Option<i64>,
    finished_ms: Option<i64>,
    no_show: bool,
}

struct History {
    log: Vec<(Event, Timestamp)>,
    truth: HashMap<TicketId, Truth>,
}

fn run(
    engine: &mut Engine,
    log: &mut Vec<(Event, Timestamp)>,
    cmd: &Command,
    at: Timestamp,
) -> Option<Outcome> {
    let tick = engine.tick(at);
    log.extend(tick.events.into_iter().map(|e| (e, tick.at)));
    let outcome = engine.handle(cmd, at).ok()?;
    log.extend(outcome.events.iter().cloned().map(|e| (e, outcome.at)));
    Some(outcome)
}

fn generate(seed: u64, days: &[&str]) -> History {
    let mut rng = Lcg(seed);
    let mut engine = Engine::new(catalog_with_standards());
    let mut log = Vec::new();
    let mut truth: HashMap<TicketId, Truth> = HashMap::new();
    for day in days {
        let mut now = day_at(day, "08:00");
        for (counter, officer) in [("1", "siti"), ("3", "budi")] {
            let cmd = Command::OpenCounter {
                counter: counter.into(),
                officer: officer.into(),
            };
            run(&mut engine, &mut log, &cmd, now).unwrap();
        }
        let end = day_at(day, "11:50");
        while now < end {
            now = now.plus_ms(1000 * (5 + rng.below(120) as i64));
            if rng.below(3) == 0 {
                let service = if rng.below(3) == 0 { "akta" } else { "ktp" };
                if let Some(o) = run(&mut engine, &mut log, &issue(service, None), now) {
                    truth.insert(
                        o.ticket.unwrap(),
                        Truth {
                            service: service.into(),
                            issued_ms: o.at.0,
                            ..Truth::default()
                        },
                    );
                }
                continue;
            }
            let counter = if rng.below(2) == 0 { "1" } else { "3" };
            let current = engine.state().counter(counter).current;
            let Some(id) = current else {
                if let Some(o) = run(
                    &mut engine,
                    &mut log,
                    &Command::CallNext {
                        counter: counter.into(),
                    },
                    now,
                ) {
                    let t = truth.get_mut(&o.ticket.unwrap()).unwrap();
                    t.called_ms = Some(o.at.0);
                    t.counter = Some(counter.into());
                }
                continue;
            };
            let state = engine.state().ticket(id).unwrap().state;
            let cmd = match (state, rng.below(10)) {
                (TicketState::Called, 0) => Command::MarkNoShow {
                    counter: counter.into(),
                },
                (TicketState::Called, _) => Command::StartService {
                    counter: counter.into(),
                },
                _ => Command::FinishService {
                    counter: counter.into(),
                },
            };
            let o = run(&mut engine, &mut log, &cmd, now).unwrap();
            let t = truth.get_mut(&id).unwrap();
            match cmd {
                Command::MarkNoShow { .. } => t.no_show = true,
                Command::StartService { .. } => t.started_ms = Some(o.at.0),
                _ => t.finished_ms = Some(o.at.0),
            }
        }
    }
    History { log, truth }
}

fn query(from: &str, to: &str) -> ReportQuery {
    ReportQuery {
        from: LocalDate::parse(from).unwrap(),
        to: LocalDate::parse(to).unwrap(),
        agency: None,
        service: None,
        counter: None,
        officer: None,
    }
}

/// Independent statistics: full sort, textbook median, nearest-rank p90, in seconds.
fn expected_stats(mut ms: Vec<i64>) -> (usize, f64, f64, f64) {
    ms.sort();
    let n = ms.len();
    assert!(n > 10, "the generated history must give enough samples");
    let mean = ms.iter().sum::<i64>() as f64 / n as f64 / 1000.0;
    let median = if n % 2 == 1 {
        ms[n / 2] as f64 / 1000.0
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) as f64 / 2000.0
    };
    let rank = (9 * n).div_ceil(10);
    (n, mean, median, ms[rank - 1] as f64 / 1000.0)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn report(history: &History, q: ReportQuery) -> report::Report {
    let catalog = catalog_with_standards();
    let mut builder = ReportBuilder::new(&catalog, q);
    for (event, at) in &history.log {
        builder.push(event, *at);
    }
    builder.finish()
}

#[test]
fn waiting_walk_service_and_counts_match_an_independent_computation() {
    let h = generate(7, &["2026-11-30", "2026-12-01", "2026-12-02"]);
    let r = report(&h, query("2026-11-30", "2026-12-02"));
    let all: Vec<&Truth> = h.truth.values().collect();
    assert_eq!(r.counts.issued as usize, all.len());
    let served = all.iter().filter(|t| t.finished_ms.is_some()).count();
    assert_eq!(r.counts.served as usize, served);
    assert_eq!(
        r.counts.no_show as usize,
        all.iter().filter(|t| t.no_show).count()
    );
    let unfinished = |t: &&&Truth| t.finished_ms.is_none() && !t.no_show;
    let last_day = day_at("2026-12-02", "00:00").0;
    let open = all
        .iter()
        .filter(unfinished)
        .filter(|t| t.issued_ms >= last_day)
        .count();
    let expired = all.iter().filter(unfinished).count() - open;
    assert!(open > 0 && expired > 0);
    assert_eq!(
        r.counts.expired as usize, expired,
        "expired at the next day start"
    );
    assert_eq!(
        r.counts.open as usize, open,
        "the last day's are still open"
    );

    let waits: Vec<i64> = all
        .iter()
        .filter_map(|t| Some(t.called_ms? - t.issued_ms))
        .collect();
    let (n, mean, median, p90) = expected_stats(waits);
    assert_eq!(r.waiting.count as usize, n);
    assert!(
        close(r.waiting.mean_s, mean),
        "{} vs {mean}",
        r.waiting.mean_s
    );
    assert!(close(r.waiting.median_s, median));
    assert!(close(r.waiting.p90_s, p90));

    let walks: Vec<i64> = all
        .iter()
        .filter_map(|t| Some(t.started_ms? - t.called_ms?))
        .collect();
    let (n, mean, _, p90) = expected_stats(walks);
    assert_eq!(r.walk.count as usize, n);
    assert!(close(r.walk.mean_s, mean) && close(r.walk.p90_s, p90));

    let services: Vec<i64> = all
        .iter()
        .filter_map(|t| Some(t.finished_ms? - t.started_ms?))
        .collect();
    let (n, mean, median, _) = expected_stats(services.clone());
    assert_eq!(r.service.count as usize, n);
    assert!(close(r.service.mean_s, mean) && close(r.service.median_s, median));

    // Compliance: only ktp has a minute standard (10 min).
    let ktp: Vec<i64> = all
        .iter()
        .filter(|t| t.service == "ktp")
        .filter_map(|t| Some(t.finished_ms? - t.started_ms?))
        .collect();
    assert_eq!(r.compliance.len(), 1);
    let row = &r.compliance[0];
    assert_eq!((row.service.as_str(), row.standard_min), ("ktp", 10));
    assert_eq!(row.measured as usize, ktp.len());
    assert_eq!(
        row.within as usize,
        ktp.iter().filter(|&&ms| ms <= 600_000).count()
    );

    // By day adds up to the whole; by hour too.
    assert_eq!(r.by_day.len(), 3);
    assert_eq!(
        r.by_day.iter().map(|d| d.counts.issued).sum::<u32>(),
        r.counts.issued
    );
    assert_eq!(
        r.by_hour.iter().map(|h| h.issued).sum::<u32>(),
        r.counts.issued
    );
    assert_eq!(
        r.by_hour.iter().map(|h| h.waiting.count).sum::<u32>(),
        r.waiting.count
    );
}

#[test]
fn the_hour_table_runs_from_the_first_to_the_last_busy_hour_with_empty_hours_between() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    serve_one(&mut e, &mut log, monday("08:10"));
    serve_one(&mut e, &mut log, monday("11:20"));
    let catalog = catalog();
    let mut b = ReportBuilder::new(&catalog, query("2026-11-30", "2026-11-30"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    let r = b.finish();
    let hours: Vec<(u8, u32, u32)> = r
        .by_hour
        .iter()
        .map(|h| (h.hour, h.issued, h.served))
        .collect();
    assert_eq!(hours, [(8, 1, 1), (9, 0, 0), (10, 0, 0), (11, 1, 1)]);
    assert_eq!(r.by_hour[1].waiting.count, 0);

    // No ticket at all: no rows.
    let mut b = ReportBuilder::new(&catalog, query("2026-12-01", "2026-12-01"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    assert!(b.finish().by_hour.is_empty());
}

#[test]
fn breaks_are_counted_and_timed_by_reason_for_the_counter_and_its_officer() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    serve_one(&mut e, &mut log, monday("08:10"));
    let c = || "1".to_owned();
    let steps = [
        (
            "12:00",
            Command::PauseCounter {
                counter: c(),
                reason: Some(BreakReason::Sholat),
            },
        ),
        ("12:15", Command::ResumeCounter { counter: c() }),
        (
            "13:00",
            Command::PauseCounter {
                counter: c(),
                reason: Some(BreakReason::Istirahat),
            },
        ),
        // Closing while on a break ends the break.
        ("13:30", Command::CloseCounter { counter: c() }),
    ];
    for (at, cmd) in &steps {
        run(&mut e, &mut log, cmd, monday(at)).unwrap();
    }
    let catalog = catalog();
    let mut b = ReportBuilder::new(&catalog, query("2026-11-30", "2026-11-30"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    let r = b.finish();
    let column = |reason| BreakReason::column(Some(reason));
    let (sholat, istirahat) = (column(BreakReason::Sholat), column(BreakReason::Istirahat));
    assert_eq!(r.breaks.count[sholat], 1);
    assert_eq!(r.breaks.ms[sholat], 15 * 60_000);
    assert_eq!(r.breaks.count[istirahat], 1);
    assert_eq!(r.breaks.ms[istirahat], 30 * 60_000);
    assert_eq!(r.breaks.total_ms(), 45 * 60_000);
    // Breaks are not open time: open 08:10–12:00 and 12:15–13:00.
    assert_eq!(r.open_s, (230 + 45) * 60);
    let siti = r.officers.iter().find(|o| o.officer == "siti").unwrap();
    assert_eq!(siti.breaks, r.breaks);
}

#[test]
fn filters_select_the_counter_and_the_period() {
    let h = generate(11, &["2026-11-30", "2026-12-01"]);
    let mut q = query("2026-12-01", "2026-12-01");
    q.counter = Some("3".into());
    let r = report(&h, q);
    let day_start = day_at("2026-12-01", "00:00").0;
    let at_3: Vec<&Truth> = h
        .truth
        .values()
        .filter(|t| t.issued_ms >= day_start && t.counter.as_deref() == Some("3"))
        .collect();
    assert!(at_3.iter().all(|t| t.service == "akta"));
    let waits: Vec<i64> = at_3
        .iter()
        .filter_map(|t| Some(t.called_ms? - t.issued_ms))
        .collect();
    let (n, mean, ..) = expected_stats(waits);
    assert_eq!(r.waiting.count as usize, n);
    assert!(close(r.waiting.mean_s, mean));
    assert_eq!(
        r.counts.served as usize,
        at_3.iter().filter(|t| t.finished_ms.is_some()).count()
    );
    assert_eq!(r.officers.len(), 1);
    assert_eq!(r.officers[0].officer, "budi");
}

#[test]
fn idle_time_is_open_time_without_a_ticket() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let c = |counter: &str| counter.to_owned();
    run(
        &mut e,
        &mut log,
        &Command::OpenCounter {
            counter: c("1"),
            officer: "siti".into(),
        },
        monday("08:00"),
    );
    run(&mut e, &mut log, &issue("ktp", None), monday("08:05"));
    run(
        &mut e,
        &mut log,
        &Command::CallNext { counter: c("1") },
        monday("08:10"),
    );
    run(
        &mut e,
        &mut log,
        &Command::StartService { counter: c("1") },
        monday("08:11"),
    );
    run(
        &mut e,
        &mut log,
        &Command::FinishService { counter: c("1") },
        monday("08:20"),
    );
    run(
        &mut e,
        &mut log,
        &Command::PauseCounter {
            counter: c("1"),
            reason: None,
        },
        monday("08:30"),
    )
    .unwrap();
    // Paused time is neither open nor idle.
    run(
        &mut e,
        &mut log,
        &Command::ResumeCounter { counter: c("1") },
        monday("09:30"),
    )
    .unwrap();
    run(
        &mut e,
        &mut log,
        &Command::CloseCounter { counter: c("1") },
        monday("09:35"),
    )
    .unwrap();
    let catalog = catalog();
    let mut b = ReportBuilder::new(&catalog, query("2026-11-30", "2026-11-30"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    let r = b.finish();
    assert_eq!(r.open_s, 35 * 60);
    assert_eq!(r.idle_s, (10 + 10 + 5) * 60);
    assert_eq!(r.officers[0].idle_s, r.idle_s);
    assert_eq!(r.walk.mean_s, 60.0);
}

fn face(v: u8) -> Rating {
    Rating {
        face: Some(v),
        questionnaire: None,
        profile: Profile::default(),
        suggestion: None,
        source: RatingSource::Counter,
    }
}

fn questionnaire(answers: [Option<u8>; 9], suggestion: Option<&str>) -> Rating {
    Rating {
        face: None,
        questionnaire: Some(Response { answers }),
        profile: Profile {
            gender: Some(Gender::P),
            education: Some("S1".into()),
            ..Profile::default()
        },
        suggestion: suggestion.map(Into::into),
        source: RatingSource::TicketPage,
    }
}

/// Serves one ticket at counter 1 and returns it.
fn serve_one(e: &mut Engine, log: &mut Vec<(Event, Timestamp)>, at: Timestamp) -> TicketId {
    let c = || "1".to_owned();
    if e.state().counter("1").officer.is_none() {
        run(
            e,
            log,
            &Command::OpenCounter {
                counter: c(),
                officer: "siti".into(),
            },
            at,
        )
        .unwrap();
    }
    let id = run(e, log, &issue("ktp", None), at)
        .unwrap()
        .ticket
        .unwrap();
    run(e, log, &Command::CallNext { counter: c() }, at).unwrap();
    run(e, log, &Command::StartService { counter: c() }, at).unwrap();
    run(
        e,
        log,
        &Command::FinishService { counter: c() },
        at.plus_ms(60_000),
    )
    .unwrap();
    id
}

#[test]
fn a_ticket_is_rated_once_only_after_service_and_within_the_window() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let waiting = run(&mut e, &mut log, &issue("akta", None), monday("08:00"))
        .unwrap()
        .ticket
        .unwrap();
    let rate = |ticket, rating| Command::Rate {
        ticket,
        rating,
        at_counter: None,
    };
    let err = e
        .execute(&rate(waiting, face(4)), monday("08:01"))
        .unwrap_err();
    assert_eq!(err.code(), "not_rateable");

    let served = serve_one(&mut e, &mut log, monday("09:00"));
    assert_eq!(
        e.execute(&rate(served, face(9)), monday("09:02"))
            .unwrap_err()
            .code(),
        "invalid_rating"
    );
    e.execute(&rate(served, face(4)), monday("09:02")).unwrap();
    let again = e
        .execute(&rate(served, face(1)), monday("09:03"))
        .unwrap_err();
    assert_eq!(again.code(), "already_rated");
    // The questionnaire may follow the face, once.
    let q = questionnaire([Some(4); 9], None);
    let rated = e
        .execute(&rate(served, q.clone()), monday("09:04"))
        .unwrap();
    match &rated.events[0] {
        Event::ServiceRated {
            service,
            agency,
            counter,
            officer,
            ..
        } => {
            assert_eq!(
                (service.as_str(), agency.as_str(), counter.as_str()),
                ("ktp", "dukcapil", "1")
            );
            assert_eq!(officer.as_deref(), Some("siti"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.execute(&rate(served, q.clone()), monday("09:05"))
            .unwrap_err()
            .code(),
        "already_rated"
    );

    // Window: two hours by default.
    let late = serve_one(&mut e, &mut log, monday("10:00"));
    let before = e.state().clone();
    let err = e
        .execute(&rate(late, face(3)), monday("12:02"))
        .unwrap_err();
    assert_eq!(err.code(), "not_rateable");
    assert_eq!(e.state(), &before, "a refusal changes nothing");
    assert!(err.message_id().contains("120 menit"));
}

#[test]
fn a_rating_window_crosses_midnight_and_the_quarter_tally_follows() {
    let mut catalog = catalog();
    catalog.policy.rating_window_s = MAX_RATING_WINDOW_S;
    let mut e = Engine::new(catalog);
    let mut log = Vec::new();
    let id = serve_one(&mut e, &mut log, monday("14:00"));
    // Next morning, a new day has started: the ticket left the live state but may be rated.
    let tomorrow = day_at("2026-12-01", "09:00");
    e.execute(
        &Command::Rate {
            ticket: id,
            rating: questionnaire([Some(3); 9], None),
            at_counter: None,
        },
        tomorrow,
    )
    .unwrap();
    let q = &e.state().skm_quarter;
    assert_eq!(q.quarter, Some((2026, 4)));
    assert_eq!(q.tally.respondents, 1);
    assert_eq!(q.served, 1, "the survey's population: services finished");
    // A new quarter starts empty; the rating pool is pruned after the window.
    e.tick(day_at("2027-01-04", "08:00"));
    assert_eq!(e.state().skm_quarter.quarter, Some((2027, 1)));
    assert_eq!(e.state().skm_quarter.tally.respondents, 0);
    assert_eq!(e.state().skm_quarter.served, 0);
    assert!(e.state().rateable.is_empty());
}

#[test]
fn the_report_ikm_equals_the_ikm_of_the_questionnaires_and_keeps_comments_and_imports() {
    // The worked example of docs/domain.md §3: 5 respondents, one blank → 80,42 (1/9).
    let rows: [[Option<u8>; 9]; 5] = [
        [4, 3, 3, 2, 4, 3, 4, 3, 2].map(Some),
        [3, 3, 2, 4, 4, 3, 3, 3, 3].map(Some),
        [4, 4, 3, 4, 3, 4, 4, 2, 3].map(Some),
        {
            let mut r = [2, 3, 3, 4, 3, 3, 4, 3, 0].map(Some);
            r[8] = None;
            r
        },
        [3, 2, 4, 4, 4, 3, 3, 4, 3].map(Some),
    ];
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    // Three rated at the counter, two imported from paper.
    for (i, answers) in rows.iter().take(3).enumerate() {
        let id = serve_one(
            &mut e,
            &mut log,
            monday("09:00").plus_ms(i as i64 * 600_000),
        );
        let suggestion = (i == 1).then_some("Ruang tunggu panas");
        let cmd = Command::Rate {
            ticket: id,
            rating: questionnaire(*answers, suggestion),
            at_counter: None,
        };
        run(&mut e, &mut log, &cmd, monday("10:00")).unwrap();
    }
    let imported: Vec<ImportedResponse> = rows[3..]
        .iter()
        .map(|a| ImportedResponse {
            questionnaire: Response { answers: *a },
            profile: Profile::default(),
            suggestion: None,
        })
        .collect();
    let import = Command::ImportResponses {
        service: Some("ktp".into()),
        day: LocalDate::parse("2026-11-30").unwrap(),
        label: "kertas.xlsx".into(),
        respondents: imported,
    };
    run(&mut e, &mut log, &import, monday("11:00")).unwrap();

    let catalog = catalog();
    let mut b = ReportBuilder::new(&catalog, query("2026-11-30", "2026-11-30"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    let r = b.finish();
    let all: Vec<Response> = rows.iter().map(|a| Response { answers: *a }).collect();
    assert_eq!(
        r.skm.tally.ikm(Weight::Exact).unwrap(),
        ikm(&all, Weight::Exact).unwrap()
    );
    assert_eq!(r.skm.tally.ikm(Weight::Exact).unwrap().ikm, 80.42);
    assert_eq!(r.skm.tally.ikm(Weight::Legacy).unwrap().ikm, 80.34);
    assert_eq!(
        (r.skm.imported, r.skm.gender, r.skm.education[4]),
        (2, [0, 3], 3)
    );
    assert_eq!(r.skm.comments.len(), 1);
    assert_eq!(r.skm.comments[0].text, "Ruang tunggu panas");
    // The comment names the ticket by the number its visitor held (the second served).
    let second = r.skm.comments[0].ticket.unwrap();
    assert_eq!(
        r.skm.comments[0].number.as_ref(),
        Some(&e.state().ticket(second).unwrap().number)
    );
    assert_eq!(r.skm.comments[0].number.as_ref().unwrap().sequence, 2);
    // The live quarter tally agrees.
    assert_eq!(e.state().skm_quarter.tally, r.skm.tally);

    // A counter filter leaves out the paper questionnaires (they have no counter).
    let mut q = query("2026-11-30", "2026-11-30");
    q.counter = Some("1".into());
    let mut b = ReportBuilder::new(&catalog, q);
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    assert_eq!(b.finish().skm.tally.respondents, 3);
}

#[test]
fn a_bad_import_row_is_named_and_nothing_is_imported() {
    let mut e = Engine::new(catalog());
    let good = ImportedResponse {
        questionnaire: Response {
            answers: [Some(3); 9],
        },
        profile: Profile::default(),
        suggestion: None,
    };
    let mut bad = good.clone();
    bad.profile.occupation = Some("ASTRONOT".into());
    let cmd = Command::ImportResponses {
        service: None,
        day: LocalDate::parse("2026-11-30").unwrap(),
        label: "x.csv".into(),
        respondents: vec![good.clone(), good, bad],
    };
    let before = e.state().clone();
    let err = e.execute(&cmd, monday("09:00")).unwrap_err();
    assert_eq!(err.code(), "invalid_import");
    assert!(
        err.message_id().contains("responden ke-3"),
        "{}",
        err.message_id()
    );
    e.tick(monday("09:00"));
    assert_eq!(e.state().skm_quarter.tally.respondents, 0);
    assert_ne!(before.day, e.state().day, "only the day tick happened");
}

#[test]
fn a_follow_up_is_updated_in_place_and_an_update_of_nothing_is_refused() {
    let mut e = Engine::new(catalog());
    let mut log = Vec::new();
    let planned = FollowUp {
        unsur: Some(antrean_core::skm::Unsur::Sarpras),
        service: None,
        action: "Menambah kursi".into(),
        due: LocalDate::parse("2026-12-31"),
        status: FollowUpStatus::Planned,
        recorded_by: "admin".into(),
        revises: None,
    };
    let first = monday("09:00");
    run(
        &mut e,
        &mut log,
        &Command::RecordFollowUp(planned.clone()),
        first,
    )
    .unwrap();
    let done = FollowUp {
        status: FollowUpStatus::Done,
        action: "Menambah 20 kursi".into(),
        revises: Some(first),
        ..planned.clone()
    };
    run(
        &mut e,
        &mut log,
        &Command::RecordFollowUp(done),
        monday("11:00"),
    )
    .unwrap();
    // An update naming a follow-up nobody recorded: refused, nothing logged.
    let stray = FollowUp {
        revises: Some(monday("10:00")),
        ..planned.clone()
    };
    assert_eq!(
        e.execute(&Command::RecordFollowUp(stray), monday("11:30")),
        Err(Rejection::UnknownFollowUp)
    );
    let catalog = catalog();
    let mut b = ReportBuilder::new(&catalog, query("2026-11-30", "2026-11-30"));
    log.iter().for_each(|(ev, at)| b.push(ev, *at));
    let entries = b.finish().skm.follow_ups;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].recorded_at, first);
    assert_eq!(entries[0].updated_at, Some(monday("11:00")));
    assert_eq!(entries[0].follow_up.status, FollowUpStatus::Done);
    assert_eq!(entries[0].follow_up.action, "Menambah 20 kursi");
    assert_eq!(entries[0].follow_up.revises, None);
}

#[test]
fn a_standard_in_days_is_measured_against_the_sites_counter_target() {
    let mut c = catalog();
    for s in &mut c.services {
        if s.code == "ktp" {
            s.standard.processing_time = ProcessingTime {
                value: Some(14),
                unit: Some(TimeUnit::WorkDays),
                text: "14 hari kerja".into(),
                counter_target_min: None,
            };
        }
    }
    // Served in a minute each (serve_one): three visits.
    let mut e = Engine::new(c.clone());
    let mut log = Vec::new();
    for at in ["09:00", "09:10", "09:20"] {
        serve_one(&mut e, &mut log, monday(at));
    }
    let report_with = |catalog: &Catalog| {
        let mut b = ReportBuilder::new(catalog, query("2026-11-30", "2026-11-30"));
        log.iter().for_each(|(ev, at)| b.push(ev, *at));
        b.finish()
    };
    // Without a target a counter cannot measure 14 working days: no row.
    assert!(report_with(&c).compliance.is_empty());
    // With the site's 2-minute target for the visit: measured, all within.
    for s in &mut c.services {
        if s.code == "ktp" {
            s.standard.processing_time.counter_target_min = Some(2);
        }
    }
    let r = report_with(&c);
    assert_eq!(r.compliance.len(), 1);
    let row = &r.compliance[0];
    assert_eq!(
        (row.service.as_str(), row.standard_min, row.counter_target),
        ("ktp", 2, true)
    );
    assert_eq!((row.measured, row.within), (3, 3));
}
