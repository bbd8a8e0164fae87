//! A small site used by the engine tests: open Mon–Fri 08:00–16:00 WIB (cut-off 15:00,
//! lunch 12:00–13:00), three services, three counters.
#![allow(dead_code)]

use antrean_core::catalog::*;
use antrean_core::schedule::{Break, DayHours, Holiday, Schedule};
use antrean_core::*;

pub fn t(text: &str) -> LocalTime {
    LocalTime::parse(text).unwrap()
}

/// Monday 30 November 2026 at `hhmm` WIB.
pub fn monday(hhmm: &str) -> Timestamp {
    TimeZone::Wib.at(LocalDate::parse("2026-11-30").unwrap(), t(hhmm))
}

pub fn day_at(date: &str, hhmm: &str) -> Timestamp {
    TimeZone::Wib.at(LocalDate::parse(date).unwrap(), t(hhmm))
}

fn service(code: &str, prefix: &str, quota: Option<u32>) -> Service {
    Service {
        code: code.into(),
        agency: "dukcapil".into(),
        prefix: prefix.into(),
        name_id: format!("Layanan {code}"),
        name_en: format!("Service {code}"),
        standard: ServiceStandard::default(),
        daily_quota: quota,
        priority_classes: vec!["lansia".into(), "disabilitas".into()],
        booking: None,
    }
}

/// The test site where "ktp" (prefix A) takes bookings under `rules` with `quota`.
pub fn catalog_with_booking(
    policy: QueuePolicy,
    rules: antrean_core::booking::BookingRules,
    quota: Option<u32>,
) -> Catalog {
    let base = catalog_with(policy.clone());
    let mut services = base.services.clone();
    services[0].booking = Some(rules);
    services[0].daily_quota = quota;
    Catalog::new(
        base.site.clone(),
        policy,
        base.priority_classes.clone(),
        base.agencies.clone(),
        services,
        base.counters.clone(),
    )
}

pub fn catalog_with(policy: QueuePolicy) -> Catalog {
    let hours = DayHours {
        open: t("08:00"),
        close: t("16:00"),
        issue_cutoff: t("15:00"),
        breaks: vec![Break {
            start: t("12:00"),
            end: t("13:00"),
            label: "Istirahat".into(),
        }],
    };
    let mut weekly: [Option<DayHours>; 7] = Default::default();
    for day in weekly.iter_mut().take(5) {
        *day = Some(hours.clone());
    }
    let site = Site {
        name: "MPP Uji".into(),
        address: "Jl. Contoh 1".into(),
        time_zone: TimeZone::Wib,
        schedule: Schedule {
            weekly,
            holidays: vec![Holiday {
                date: LocalDate::parse("2026-12-25").unwrap(),
                name: "Hari Raya Natal".into(),
            }],
        },
        maklumat: "Kami sanggup.".into(),
    };
    let classes = ["lansia", "disabilitas", "ibu-hamil"]
        .iter()
        .map(|c| PriorityClass {
            code: (*c).into(),
            name_id: (*c).into(),
            name_en: (*c).into(),
        })
        .collect();
    let agencies = vec![Agency {
        code: "dukcapil".into(),
        name_id: "Disdukcapil".into(),
        name_en: "Civil Registry".into(),
    }];
    let services = vec![
        service("ktp", "A", None),
        service("kk", "B", Some(3)),
        service("akta", "C", None),
    ];
    let counters = vec![
        Counter {
            id: "1".into(),
            name: "Loket 1".into(),
            location: "Lantai 1".into(),
            location_en: String::new(),
            services: vec!["ktp".into(), "kk".into()],
        },
        Counter {
            id: "2".into(),
            name: "Loket 2".into(),
            location: "Lantai 1".into(),
            location_en: String::new(),
            services: vec!["kk".into(), "ktp".into()],
        },
        Counter {
            id: "3".into(),
            name: "Loket 3".into(),
            location: "Lantai 2".into(),
            location_en: String::new(),
            services: vec!["akta".into()],
        },
    ];
    Catalog::new(site, policy, classes, agencies, services, counters)
}

pub fn catalog() -> Catalog {
    catalog_with(QueuePolicy::default())
}

pub fn issue(service: &str, priority: Option<&str>) -> Command {
    Command::IssueTicket {
        service: service.into(),
        priority: priority.map(Into::into),
        channel: Channel::Kiosk,
    }
}

pub fn open(engine: &mut Engine, counter: &str, officer: &str, now: Timestamp) {
    engine
        .execute(
            &Command::OpenCounter {
                counter: counter.into(),
                officer: officer.into(),
            },
            now,
        )
        .unwrap();
}

pub fn call_next(
    engine: &mut Engine,
    counter: &str,
    now: Timestamp,
) -> Result<TicketId, Rejection> {
    engine
        .execute(
            &Command::CallNext {
                counter: counter.into(),
            },
            now,
        )
        .map(|o| o.ticket.unwrap())
}

pub fn number(engine: &Engine, id: TicketId) -> String {
    engine.state().ticket(id).unwrap().number.to_string()
}
