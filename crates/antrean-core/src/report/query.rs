//! A report is a filtered scan of [`Facts`] rows.

use std::collections::BTreeMap;

use super::facts::{Facts, NONE, Outcome, VisitFact};
use super::*;
use crate::TimeZone;
use crate::break_reason::BreakTally;

struct Filter {
    /// Per service id: passes the agency/service filters.
    service_ok: Vec<bool>,
    /// Counter id the query names (None: any; Some(NONE): a counter no fact mentions).
    counter: Option<u32>,
    /// Officer id the query names.
    officer: Option<u32>,
    /// Per counter id: serves a selected service (for idle time under service filters).
    counter_serves: Vec<bool>,
    start: Timestamp,
    end: Timestamp,
}

impl Filter {
    fn new(facts: &Facts, catalog: &Catalog, q: &ReportQuery) -> Filter {
        let service_selected = |code: &str, agency: u32| {
            q.service.as_deref().is_none_or(|s| s == code)
                && q.agency
                    .as_deref()
                    .is_none_or(|a| facts.agencies.get(a).is_some_and(|id| id == agency))
        };
        let service_ok: Vec<bool> = facts
            .services
            .names
            .iter()
            .zip(&facts.service_agency)
            .map(|(code, &agency)| service_selected(code, agency))
            .collect();
        let any_service_filter = q.agency.is_some() || q.service.is_some();
        let counter_serves = facts
            .counters
            .names
            .iter()
            .map(|c| {
                !any_service_filter
                    || catalog.counter(c).is_some_and(|counter| {
                        catalog.services.iter().any(|s| {
                            counter.serves(&s.code)
                                && facts
                                    .services
                                    .get(&s.code)
                                    .is_some_and(|id| service_ok[id as usize])
                        })
                    })
            })
            .collect();
        let tz = facts.time_zone();
        Filter {
            service_ok,
            counter: q
                .counter
                .as_deref()
                .map(|c| facts.counters.get(c).unwrap_or(NONE)),
            officer: q
                .officer
                .as_deref()
                .map(|o| facts.officers.get(o).unwrap_or(NONE)),
            counter_serves,
            start: tz.midnight(q.from),
            end: tz.midnight(q.to.succ()),
        }
    }

    fn in_period(&self, at: Timestamp) -> bool {
        at >= self.start && at < self.end
    }

    fn service(&self, id: u32) -> bool {
        self.service_ok.get(id as usize).copied().unwrap_or(false)
    }

    /// Counter work at `counter` by `officer` passes the counter/officer filters.
    fn counter_work(&self, counter: u32, officer: u32) -> bool {
        self.counter.is_none_or(|c| c == counter && c != NONE)
            && self.officer.is_none_or(|o| o == officer && o != NONE)
    }
}

#[derive(Default)]
struct Acc {
    counts: Counts,
    waiting: Vec<u32>,
    walk: Vec<u32>,
    service: Vec<u32>,
}

#[derive(Default)]
struct OfficerAcc {
    served: u32,
    open_ms: u64,
    idle_ms: u64,
    breaks: BreakTally,
    service: Vec<u32>,
}

fn known(ms: u32) -> Option<u32> {
    (ms != NONE).then_some(ms)
}

/// The report of `q` over `facts`.
pub fn report(facts: &Facts, catalog: &Catalog, q: &ReportQuery) -> Report {
    let f = Filter::new(facts, catalog, q);
    let tz = facts.time_zone();
    let mut all = Acc::default();
    let mut days: BTreeMap<LocalDate, Acc> = BTreeMap::new();
    let mut hours: Vec<(u32, u32, Vec<u32>)> = (0..24).map(|_| (0, 0, Vec::new())).collect();
    let mut compliance: BTreeMap<u32, (u32, Vec<u32>)> = BTreeMap::new();
    let mut officers: BTreeMap<u32, OfficerAcc> = BTreeMap::new();
    let mut local = LocalHours::new(tz, q.from);

    let visits = facts.visits.iter().copied().chain(facts.open_visits());
    for v in visits {
        if !f.in_period(v.start) || !f.service(v.service) {
            continue;
        }
        let (day, hour) = local.at(v.start);
        let day_acc = days.entry(day).or_default();
        // Not counter work: counted whatever the counter/officer filters say.
        let counts = |c: &mut Counts, v: &VisitFact| match v.outcome {
            Outcome::Cancelled => c.cancelled += 1,
            Outcome::Expired => c.expired += 1,
            Outcome::Open => c.open += 1,
            _ => {}
        };
        counts(&mut all.counts, &v);
        counts(&mut day_acc.counts, &v);
        if v.issued {
            all.counts.issued += 1;
            day_acc.counts.issued += 1;
            hours[hour].0 += 1;
        }
        if !f.counter_work(v.counter, v.officer) {
            continue;
        }
        for c in [&mut all.counts, &mut day_acc.counts] {
            match v.outcome {
                Outcome::Served => c.served += 1,
                Outcome::NoShow => c.no_show += 1,
                Outcome::Transferred => c.transferred += 1,
                _ => {}
            }
        }
        if let Some(wait) = known(v.wait_ms) {
            all.waiting.push(wait);
            day_acc.waiting.push(wait);
            hours[hour].2.push(wait);
        }
        if let Some(walk) = known(v.walk_ms) {
            all.walk.push(walk);
        }
        if let Some(service) = known(v.service_ms) {
            all.service.push(service);
        }
        if v.outcome != Outcome::Served {
            continue;
        }
        let end_hour = local.at(v.start.plus_ms(i64::from(v.end_ms))).1;
        hours[end_hour].1 += 1;
        let Some(service) = known(v.service_ms) else {
            continue;
        };
        day_acc.service.push(service);
        if v.officer != NONE {
            let acc = officers.entry(v.officer).or_default();
            acc.served += 1;
            acc.service.push(service);
        }
        if let Some(standard_min) = catalog
            .service(&facts.services.names[v.service as usize])
            .and_then(|s| s.standard.processing_time.counter_minutes())
        {
            let row = compliance.entry(v.service).or_default();
            row.0 += u32::from(u64::from(service) <= u64::from(standard_min) * 60_000);
            row.1.push(service);
        }
    }

    let (open_ms, idle_ms, breaks) = counter_time(facts, &f, q, &mut officers);
    let issued_visits = facts
        .visits
        .iter()
        .copied()
        .chain(facts.open_visits())
        .filter(|v| v.issued && f.in_period(v.start) && f.service(v.service))
        .map(|v| v.booked);
    let booking =
        super::booking_facts::figures(facts, |s| f.service(s), q.from, q.to, issued_visits);

    Report {
        query: q.clone(),
        counts: all.counts,
        waiting: DurationStats::of(&mut all.waiting),
        walk: DurationStats::of(&mut all.walk),
        service: DurationStats::of(&mut all.service),
        open_s: open_ms / 1000,
        idle_s: idle_ms / 1000,
        breaks,
        by_hour: hour_rows(&mut hours),
        by_day: day_rows(&mut days),
        compliance: compliance_rows(facts, catalog, &mut compliance),
        officers: officer_rows(facts, &mut officers),
        skm: skm(facts, &f, q),
        booking,
    }
}

/// Local day and hour of a time, cached: they change once per hour of the log, and the scan
/// asks for every visit.
struct LocalHours {
    tz: TimeZone,
    /// (hour since the epoch, its local day, its local hour 0..=23).
    cached: (i64, LocalDate, usize),
}

impl LocalHours {
    fn new(tz: TimeZone, first_day: LocalDate) -> LocalHours {
        LocalHours {
            tz,
            cached: (i64::MIN, first_day, 0),
        }
    }

    fn at(&mut self, at: Timestamp) -> (LocalDate, usize) {
        let hour_start = at.0.div_euclid(3_600_000);
        if hour_start != self.cached.0 {
            let l = self.tz.local(at);
            let hour = usize::from(l.time.minutes() / 60).min(23);
            self.cached = (hour_start, l.date, hour);
        }
        (self.cached.1, self.cached.2)
    }
}

/// Per local day: counts, waiting and service time.
fn day_rows(days: &mut BTreeMap<LocalDate, Acc>) -> Vec<DayRow> {
    days.iter_mut()
        .map(|(day, acc)| DayRow {
            day: *day,
            counts: acc.counts,
            waiting: DurationStats::of(&mut acc.waiting),
            service: DurationStats::of(&mut acc.service),
        })
        .collect()
}

/// Counter time in the period (open and idle, ms; breaks), also credited to each officer.
fn counter_time(
    facts: &Facts,
    f: &Filter,
    q: &ReportQuery,
    officers: &mut BTreeMap<u32, OfficerAcc>,
) -> (u64, u64, BreakTally) {
    let (mut open_ms, mut idle_ms) = (0u64, 0u64);
    let mut breaks = BreakTally::default();
    let (first_day, last_day) = (q.from.days_since_epoch(), q.to.days_since_epoch());
    for (&(day, counter, officer), cd) in &facts.counter_days_so_far() {
        let serves = f
            .counter_serves
            .get(counter as usize)
            .copied()
            .unwrap_or(false);
        if day < first_day || day > last_day || !serves || !f.counter_work(counter, officer) {
            continue;
        }
        open_ms += cd.open_ms;
        idle_ms += cd.idle_ms;
        breaks.merge(&cd.breaks);
        if officer != NONE {
            let acc = officers.entry(officer).or_default();
            acc.open_ms += cd.open_ms;
            acc.idle_ms += cd.idle_ms;
            acc.breaks.merge(&cd.breaks);
        }
    }

    (open_ms, idle_ms, breaks)
}

/// The hours from the first to the last with anything in them (issued, served, or the
/// wait of those issued then), empty hours between included: a manager reads "nothing at
/// 12.00" as a row, not as a gap in the table.
fn hour_rows(hours: &mut [(u32, u32, Vec<u32>)]) -> Vec<HourRow> {
    let busy =
        |(issued, served, w): &(u32, u32, Vec<u32>)| *issued > 0 || *served > 0 || !w.is_empty();
    let Some(first) = hours.iter().position(busy) else {
        return Vec::new();
    };
    let last = hours.iter().rposition(busy).unwrap_or(first);
    hours
        .iter_mut()
        .enumerate()
        .skip(first)
        .take(last + 1 - first)
        .map(|(hour, (issued, served, w))| HourRow {
            hour: hour as u8,
            issued: *issued,
            served: *served,
            waiting: DurationStats::of(w),
        })
        .collect()
}

/// Service time against each service's published standard, by service code.
fn compliance_rows(
    facts: &Facts,
    catalog: &Catalog,
    compliance: &mut BTreeMap<u32, (u32, Vec<u32>)>,
) -> Vec<ComplianceRow> {
    let mut rows: Vec<ComplianceRow> = compliance
        .iter_mut()
        .map(|(&service, (within, samples))| {
            let code = &facts.services.names[service as usize];
            let time = catalog.service(code).map(|s| &s.standard.processing_time);
            ComplianceRow {
                service: code.clone(),
                standard_min: time.and_then(|t| t.counter_minutes()).unwrap_or(0),
                counter_target: time.is_some_and(|t| t.standard_minutes().is_none()),
                measured: samples.len() as u32,
                within: *within,
                service_time: DurationStats::of(samples),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.service.cmp(&b.service));
    rows
}

/// Officers who served or sat at a counter, by name.
fn officer_rows(facts: &Facts, officers: &mut BTreeMap<u32, OfficerAcc>) -> Vec<OfficerRow> {
    let mut rows: Vec<OfficerRow> = officers
        .iter_mut()
        .filter(|(_, acc)| acc.served > 0 || acc.open_ms > 0 || acc.breaks.total_ms() > 0)
        .map(|(&officer, acc)| OfficerRow {
            officer: facts.officers.names[officer as usize].clone(),
            served: acc.served,
            open_s: acc.open_ms / 1000,
            idle_s: acc.idle_ms / 1000,
            breaks: acc.breaks,
            service: DurationStats::of(&mut acc.service),
        })
        .collect();
    rows.sort_by(|a, b| a.officer.cmp(&b.officer));
    rows
}

fn skm(facts: &Facts, f: &Filter, q: &ReportQuery) -> SkmFigures {
    let mut skm = SkmFigures::default();
    let agency_id = q
        .agency
        .as_deref()
        .map(|a| facts.agencies.get(a).unwrap_or(NONE));
    for r in &facts.ratings {
        if !f.in_period(r.at) {
            continue;
        }
        let selected = if r.imported {
            // Paper questionnaires have no counter; they match service and agency only.
            q.counter.is_none()
                && q.officer.is_none()
                && q.service.as_deref().is_none_or(|s| {
                    r.service != NONE && facts.services.names[r.service as usize] == s
                })
                && agency_id.is_none_or(|a| a == r.agency && a != NONE)
        } else {
            f.service(r.service) && f.counter_work(r.counter, r.officer)
        };
        if !selected {
            continue;
        }
        if r.face > 0 {
            skm.faces[usize::from(r.face - 1)] += 1;
        }
        if let Some(questionnaire) = &r.questionnaire {
            skm.tally.add(questionnaire);
            skm.imported += u32::from(r.imported);
            if r.gender > 0 {
                skm.gender[usize::from(r.gender - 1)] += 1;
            }
            if r.education > 0 {
                skm.education[usize::from(r.education - 1)] += 1;
            }
            skm.disability += u32::from(r.disability);
        }
        if let Some(text) = r.suggestion.as_deref().filter(|t| !t.trim().is_empty()) {
            skm.comments.push(Comment {
                at: r.at,
                service: (r.service != NONE)
                    .then(|| facts.services.names[r.service as usize].clone()),
                ticket: r.ticket,
                number: r.number.clone(),
                text: text.to_owned(),
            });
        }
    }
    skm.follow_ups = follow_up_entries(&facts.follow_ups)
        .into_iter()
        .filter(|e| {
            f.in_period(e.recorded_at)
                && q.service
                    .as_ref()
                    .is_none_or(|s| e.follow_up.service.as_ref() == Some(s))
        })
        .collect();
    skm
}

/// Follow-ups as they stand: each first recording with its updates applied in log order.
/// An update names the original by the time it was recorded; one whose original is not in
/// `log` (pruned, or in an earlier period read from disk) is left out.
fn follow_up_entries(log: &[(Timestamp, FollowUp)]) -> Vec<FollowUpEntry> {
    let mut entries: Vec<FollowUpEntry> = Vec::new();
    for (at, fu) in log {
        match fu.revises {
            None => entries.push(FollowUpEntry {
                recorded_at: *at,
                follow_up: fu.clone(),
                updated_at: None,
            }),
            Some(original) => {
                for e in entries.iter_mut().filter(|e| e.recorded_at == original) {
                    e.follow_up = FollowUp {
                        revises: None,
                        ..fu.clone()
                    };
                    e.updated_at = Some(*at);
                }
            }
        }
    }
    entries
}
