//! The site catalog as the core sees it: site, agencies, services with their Standar
//! Pelayanan, counters and the queue policy.
//!
//! Parsing and validation (with file/line errors) live in `antrean-catalog`; this module only
//! holds validated data and lookups. **Invariant:** codes are unique and references resolve —
//! `antrean-catalog` guarantees it, and the engine still treats a missing code as a rejection,
//! never a panic, because the log may mention services a later catalog removed.

use std::collections::HashMap;

use crate::schedule::Schedule;
use crate::time::TimeZone;

/// Everything the engine needs to know about one site.
#[derive(Clone, Debug)]
pub struct Catalog {
    /// The site (MPP, Dukcapil office, ...).
    pub site: Site,
    /// Queue policy for the whole site.
    pub policy: QueuePolicy,
    /// Priority classes a visitor may claim (lansia, disabilitas, ...).
    pub priority_classes: Vec<PriorityClass>,
    /// Agencies (instansi) in display order.
    pub agencies: Vec<Agency>,
    /// Services in display order.
    pub services: Vec<Service>,
    /// Counters (loket).
    pub counters: Vec<Counter>,
    service_index: HashMap<String, usize>,
    counter_index: HashMap<String, usize>,
    agency_index: HashMap<String, usize>,
    priority_index: HashMap<String, usize>,
}

impl Catalog {
    /// Builds the lookup indices. Inputs must already be validated (see module docs).
    pub fn new(
        site: Site,
        policy: QueuePolicy,
        priority_classes: Vec<PriorityClass>,
        agencies: Vec<Agency>,
        services: Vec<Service>,
        counters: Vec<Counter>,
    ) -> Catalog {
        fn index<T>(items: &[T], key: impl Fn(&T) -> &str) -> HashMap<String, usize> {
            items
                .iter()
                .enumerate()
                .map(|(i, item)| (key(item).to_owned(), i))
                .collect()
        }
        Catalog {
            service_index: index(&services, |s| &s.code),
            counter_index: index(&counters, |c| &c.id),
            agency_index: index(&agencies, |a| &a.code),
            priority_index: index(&priority_classes, |p| &p.code),
            site,
            policy,
            priority_classes,
            agencies,
            services,
            counters,
        }
    }

    /// A service by code.
    pub fn service(&self, code: &str) -> Option<&Service> {
        self.service_index.get(code).map(|&i| &self.services[i])
    }

    /// A counter by id.
    pub fn counter(&self, id: &str) -> Option<&Counter> {
        self.counter_index.get(id).map(|&i| &self.counters[i])
    }

    /// An agency by code.
    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agency_index.get(code).map(|&i| &self.agencies[i])
    }

    /// A priority class by code.
    pub fn priority_class(&self, code: &str) -> Option<&PriorityClass> {
        self.priority_index
            .get(code)
            .map(|&i| &self.priority_classes[i])
    }

    /// Counters that serve `service`, in catalog order.
    pub fn counters_serving<'a>(&'a self, service: &'a str) -> impl Iterator<Item = &'a Counter> {
        self.counters.iter().filter(move |c| c.serves(service))
    }
}

/// The site itself.
#[derive(Clone, Debug)]
pub struct Site {
    /// Display name, e.g. "Mal Pelayanan Publik Kota Contoh".
    pub name: String,
    /// Street address shown on tickets and boards.
    pub address: String,
    /// Time zone; days, numbering and schedules are all local to it.
    pub time_zone: TimeZone,
    /// Opening hours, breaks, holidays, cut-off.
    pub schedule: Schedule,
    /// The maklumat pelayanan (service pledge) shown on kiosk and board.
    pub maklumat: String,
}

/// A priority class (UU 25/2009 Pasal 29 "masyarakat tertentu").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorityClass {
    /// Stable key, e.g. "lansia".
    pub code: String,
    /// Indonesian label, e.g. "Lanjut usia (60+)".
    pub name_id: String,
    /// English label.
    pub name_en: String,
}

/// An agency (instansi) present at the site.
#[derive(Clone, Debug)]
pub struct Agency {
    /// Stable key, e.g. "dukcapil".
    pub code: String,
    /// Indonesian name.
    pub name_id: String,
    /// English name.
    pub name_en: String,
}

/// One service an agency offers, with its published standard.
#[derive(Clone, Debug)]
pub struct Service {
    /// Stable key, e.g. "ktp-baru".
    pub code: String,
    /// Owning agency code.
    pub agency: String,
    /// Ticket prefix, one to three capital letters ("A" gives "A-001").
    pub prefix: String,
    /// Indonesian name.
    pub name_id: String,
    /// English name.
    pub name_en: String,
    /// The six published components of the Standar Pelayanan.
    pub standard: ServiceStandard,
    /// Maximum tickets per day (None: unlimited up to the 999 numbering limit).
    pub daily_quota: Option<u32>,
    /// Priority class codes this service accepts.
    pub priority_classes: Vec<String>,
    /// Online booking settings; None: walk-in only.
    pub booking: Option<crate::booking::BookingRules>,
}

impl Service {
    /// Whether a visitor may claim `class` for this service.
    pub fn accepts_priority(&self, class: &str) -> bool {
        self.priority_classes.iter().any(|c| c == class)
    }
}

/// The six service-delivery components of a Standar Pelayanan that must be published
/// (UU 25/2009, PermenPAN-RB 15/2014), plus the decree that set them.
#[derive(Clone, Debug, Default)]
pub struct ServiceStandard {
    /// Persyaratan: documents the visitor must bring.
    pub requirements: Vec<String>,
    /// Sistem, mekanisme dan prosedur: the steps.
    pub procedure: Vec<String>,
    /// Jangka waktu penyelesaian.
    pub processing_time: ProcessingTime,
    /// Biaya/tarif.
    pub fee: Fee,
    /// Produk pelayanan.
    pub product: String,
    /// Penanganan pengaduan, saran dan masukan: channels.
    pub complaints: Vec<String>,
    /// The SK (decree) number and date that set this standard, if published.
    pub decree: Option<String>,
    /// The standard in English, where the catalog gives it (visitors who chose English see
    /// it; a part without English is shown in Indonesian, marked as such).
    pub en: StandardEn,
}

/// English text of a Standar Pelayanan, field by field; lists run parallel to the
/// Indonesian ones (item i translates item i).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StandardEn {
    /// Requirements.
    pub requirements: Option<Vec<String>>,
    /// Procedure steps.
    pub procedure: Option<Vec<String>>,
    /// Processing time as published.
    pub processing_time: Option<String>,
    /// Tariff line labels (parallel to the fee's lines) or the variable fee's description.
    pub fee: Option<Vec<String>>,
    /// Product.
    pub product: Option<String>,
    /// Complaint channels.
    pub complaints: Option<Vec<String>>,
}

/// Processing time: a value and unit, or only a published text when the standard is vague.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProcessingTime {
    /// Upper bound value, e.g. 3.
    pub value: Option<u32>,
    /// Its unit.
    pub unit: Option<TimeUnit>,
    /// The published wording, e.g. "1 hari maksimal 14 hari kerja".
    pub text: String,
    /// The site's own target for the visit at the counter, minutes, where the published
    /// standard is in days (KTP-el: 14 working days of processing, but the visit itself
    /// should take minutes). Compliance is measured against it and wait estimates start
    /// from it; it is not shown to visitors as the standard.
    pub counter_target_min: Option<u32>,
}

impl ProcessingTime {
    /// The time the counter is measured against, minutes: the standard when it is short
    /// enough to measure at a counter (minutes or hours), else the site's counter target.
    /// Days are processing after the visit, not counter time.
    pub fn counter_minutes(&self) -> Option<u32> {
        self.standard_minutes().or(self.counter_target_min)
    }

    /// The published standard in minutes, when it is in minutes or hours.
    pub fn standard_minutes(&self) -> Option<u32> {
        match (self.value, self.unit) {
            (Some(v), Some(TimeUnit::Minutes)) => Some(v),
            (Some(v), Some(TimeUnit::Hours)) => Some(v.saturating_mul(60)),
            _ => None,
        }
    }
}

/// Units used in published processing times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// menit
    Minutes,
    /// jam
    Hours,
    /// hari (calendar days)
    Days,
    /// hari kerja (working days)
    WorkDays,
}

impl TimeUnit {
    /// Indonesian unit word.
    pub fn label_id(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "menit",
            TimeUnit::Hours => "jam",
            TimeUnit::Days => "hari",
            TimeUnit::WorkDays => "hari kerja",
        }
    }
}

/// Biaya/tarif. Never "Rp0": free services say so, with their legal basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fee {
    /// Tidak dipungut biaya.
    Free {
        /// Legal basis, e.g. "UU 24/2013 Pasal 79A".
        basis: String,
    },
    /// A fixed amount or a list of tariff lines.
    Tariff {
        /// Tariff lines (one for most services).
        lines: Vec<FeeLine>,
        /// Legal basis, e.g. "PP 45/2024".
        basis: String,
    },
    /// Depends on the case (e.g. PKB tax); the text says how it is set.
    Variable {
        /// How the amount is determined.
        description: String,
        /// Legal basis.
        basis: String,
    },
}

impl Default for Fee {
    fn default() -> Fee {
        Fee::Variable {
            description: String::new(),
            basis: String::new(),
        }
    }
}

/// One line of a tariff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeeLine {
    /// What the amount is for, e.g. "Paspor elektronik 10 tahun".
    pub label: String,
    /// Amount in whole rupiah.
    pub amount_idr: u64,
}

/// A counter (loket).
#[derive(Clone, Debug)]
pub struct Counter {
    /// Stable id used in commands and announcements, e.g. "3".
    pub id: String,
    /// Display name, e.g. "Loket 3".
    pub name: String,
    /// Where it is: "Lantai 2, Zona B".
    pub location: String,
    /// The same in English ("Floor 2, Zone B"); empty when the catalog gives none.
    pub location_en: String,
    /// Services it serves, most preferred first.
    pub services: Vec<String>,
}

impl Counter {
    /// Whether the counter serves `service`.
    pub fn serves(&self, service: &str) -> bool {
        self.services.iter().any(|s| s == service)
    }

    /// Preference rank of `service` at this counter (0 = most preferred).
    pub fn preference_rank(&self, service: &str) -> Option<usize> {
        self.services.iter().position(|s| s == service)
    }
}

/// How a counter chooses the next ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuePolicy {
    /// How priority tickets are mixed with regular ones.
    pub priority: PriorityPolicy,
    /// A ticket that has waited this long is called before anything else (no starvation).
    pub max_wait_s: Option<u32>,
    /// How many times a called ticket may be recalled.
    pub max_recalls: u8,
    /// How long after service a ticket may still be rated (at most
    /// [`crate::rating::MAX_RATING_WINDOW_S`]).
    pub rating_window_s: u32,
    /// How checked-in bookings whose slot began mix with walk-ins.
    pub booked_ratio: BookedRatio,
}

/// "N booked : M walk-in": a counter calls up to `booked` booked tickets (slot begun) in a
/// row, then up to `walk_in` walk-ins, and so on, while both kinds wait. Priority classes
/// still go first and the max-wait guard still holds (docs/booking.md, "Calling order").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookedRatio {
    /// Booked calls in a row (at least 1).
    pub booked: u32,
    /// Walk-in calls in a row (at least 1).
    pub walk_in: u32,
}

impl Default for BookedRatio {
    fn default() -> BookedRatio {
        BookedRatio {
            booked: 1,
            walk_in: 1,
        }
    }
}

impl Default for QueuePolicy {
    fn default() -> QueuePolicy {
        QueuePolicy {
            priority: PriorityPolicy::Interleave {
                regular_per_priority: 2,
            },
            max_wait_s: Some(90 * 60),
            max_recalls: 3,
            rating_window_s: crate::rating::DEFAULT_RATING_WINDOW_S,
            booked_ratio: BookedRatio::default(),
        }
    }
}

/// Priority policy. No regulation fixes the algorithm (docs/domain.md §6); both are common.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriorityPolicy {
    /// Priority tickets always go first.
    Strict,
    /// After each priority call, up to `regular_per_priority` regular calls before the next
    /// priority call (1 priority : N regular), so neither class starves.
    Interleave {
        /// N in "N regular : 1 priority".
        regular_per_priority: u32,
    },
}
