//! The simulator's TOML configuration (documented in `docs/simulate.md`, example in
//! `docs/simulate-example.toml`) and the core catalog it implies.

use antrean_core::catalog::{
    Agency, Catalog, Counter, PriorityClass, PriorityPolicy, ProcessingTime, QueuePolicy, Service,
    ServiceStandard, Site, TimeUnit,
};
use antrean_core::schedule::{Break, DayHours, Schedule};
use antrean_core::{LocalDate, LocalTime, TimeZone};
use serde::Deserialize;

use crate::SimError;
use crate::random::ServiceTime;

/// A simulated site and its visitors.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// First simulated date, "YYYY-MM-DD".
    pub date: String,
    /// Consecutive days to simulate (one engine: statistics carry over, like a real site).
    #[serde(default = "one")]
    pub days: u32,
    /// Random seed (overridden by `--seed`).
    #[serde(default)]
    pub seed: u64,
    /// Time from a call until the visitor reaches the counter, seconds.
    #[serde(default)]
    pub walk_s: f64,
    /// How long an officer waits for a visitor who does not come before marking a no-show.
    #[serde(default = "default_no_show_wait_s")]
    pub no_show_wait_s: f64,
    /// Regular calls per priority call (N in N:1); 0 means strict priority.
    #[serde(default = "default_regular_per_priority")]
    pub regular_per_priority: u32,
    /// Opening hours, every day of the week.
    pub site: SiteConfig,
    /// Arrival-rate multiplier per hour of day, e.g. `[[8, 1.5], [9, 1.8]]`; missing hours 1.
    #[serde(default)]
    pub hourly_profile: Vec<(u8, f64)>,
    /// Services.
    pub services: Vec<ServiceConfig>,
    /// Counters.
    pub counters: Vec<CounterConfig>,
}

/// Site hours.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Opening, "HH:MM".
    pub open: String,
    /// Closing: counters stop calling.
    pub close: String,
    /// No new tickets from this time.
    pub issue_cutoff: String,
    /// Site-wide breaks (lunch, Friday prayer): no tickets, counters pause.
    #[serde(default)]
    pub breaks: Vec<BreakConfig>,
}

/// A break.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakConfig {
    /// Start "HH:MM".
    pub start: String,
    /// End "HH:MM".
    pub end: String,
    /// Label.
    #[serde(default)]
    pub label: String,
}

/// A simulated service.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// Code.
    pub code: String,
    /// Ticket prefix.
    pub prefix: String,
    /// Mean arrivals per hour before the hourly profile.
    pub arrivals_per_h: f64,
    /// Counter time of one visit.
    pub service_time: ServiceTime,
    /// The standard time published in the catalog, minutes (what the estimator starts
    /// from); None: the catalog gives none.
    #[serde(default)]
    pub standard_min: Option<u32>,
    /// Share of visitors claiming priority (lansia).
    #[serde(default)]
    pub priority_share: f64,
    /// Share of called visitors who do not come.
    #[serde(default)]
    pub no_show_share: f64,
}

/// A simulated counter.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterConfig {
    /// Id.
    pub id: String,
    /// Services, most preferred first.
    pub services: Vec<String>,
    /// When its officer logs in (default: site opening).
    #[serde(default)]
    pub opens: Option<String>,
    /// When its officer leaves for the day (default: site closing).
    #[serde(default)]
    pub closes: Option<String>,
    /// Personal breaks of this counter's officer (besides the site's).
    #[serde(default)]
    pub breaks: Vec<BreakConfig>,
}

fn one() -> u32 {
    1
}
fn default_no_show_wait_s() -> f64 {
    120.0
}
fn default_regular_per_priority() -> u32 {
    2
}

impl SimConfig {
    /// Parses and checks a TOML text.
    pub fn from_toml(text: &str) -> Result<SimConfig, SimError> {
        let config: SimConfig =
            toml::from_str(text).map_err(|e| SimError::Config(e.to_string()))?;
        config.check()?;
        Ok(config)
    }

    /// The first date.
    pub fn start_date(&self) -> Result<LocalDate, SimError> {
        LocalDate::parse(&self.date)
            .ok_or_else(|| SimError::Config(format!("date: not YYYY-MM-DD: {:?}", self.date)))
    }

    fn check(&self) -> Result<(), SimError> {
        self.start_date()?;
        self.day_hours()?;
        for c in &self.counters {
            self.counter_hours(c)?;
            for s in &c.services {
                if !self.services.iter().any(|x| &x.code == s) {
                    return Err(SimError::Config(format!(
                        "counter {}: unknown service {s:?}",
                        c.id
                    )));
                }
            }
        }
        for s in &self.services {
            if s.arrivals_per_h < 0.0 || s.service_time.mean_s() <= 0.0 {
                return Err(SimError::Config(format!(
                    "service {}: arrivals and mean service time must be positive",
                    s.code
                )));
            }
        }
        Ok(())
    }

    /// The site hours as the core's type.
    pub fn day_hours(&self) -> Result<DayHours, SimError> {
        Ok(DayHours {
            open: time(&self.site.open)?,
            close: time(&self.site.close)?,
            issue_cutoff: time(&self.site.issue_cutoff)?,
            breaks: breaks(&self.site.breaks)?,
        })
    }

    /// A counter's (login, logout, personal breaks).
    pub fn counter_hours(
        &self,
        counter: &CounterConfig,
    ) -> Result<(LocalTime, LocalTime, Vec<Break>), SimError> {
        let hours = self.day_hours()?;
        let opens = counter.opens.as_deref().map(time).transpose()?;
        let closes = counter.closes.as_deref().map(time).transpose()?;
        Ok((
            opens.unwrap_or(hours.open),
            closes.unwrap_or(hours.close),
            breaks(&counter.breaks)?,
        ))
    }

    /// Multiplier of the arrival rate at `hour`.
    pub fn profile_at(&self, hour: u16) -> f64 {
        self.hourly_profile
            .iter()
            .find(|(h, _)| u16::from(*h) == hour)
            .map_or(1.0, |(_, f)| *f)
    }

    /// The catalog the simulated site runs: open every day of the week with these hours.
    pub fn catalog(&self) -> Result<Catalog, SimError> {
        let hours = self.day_hours()?;
        let site = Site {
            name: "Situs simulasi".into(),
            address: "-".into(),
            time_zone: TimeZone::Wib,
            schedule: Schedule {
                weekly: std::array::from_fn(|_| Some(hours.clone())),
                holidays: Vec::new(),
            },
            maklumat: String::new(),
        };
        let policy = QueuePolicy {
            priority: match self.regular_per_priority {
                0 => PriorityPolicy::Strict,
                n => PriorityPolicy::Interleave {
                    regular_per_priority: n,
                },
            },
            ..QueuePolicy::default()
        };
        let classes = vec![PriorityClass {
            code: "lansia".into(),
            name_id: "Lanjut usia".into(),
            name_en: "Elderly".into(),
        }];
        let agencies = vec![Agency {
            code: "sim".into(),
            name_id: "Instansi simulasi".into(),
            name_en: "Simulated agency".into(),
        }];
        let services = self
            .services
            .iter()
            .map(|s| Service {
                code: s.code.clone(),
                agency: "sim".into(),
                prefix: s.prefix.clone(),
                name_id: s.code.clone(),
                name_en: s.code.clone(),
                standard: ServiceStandard {
                    processing_time: ProcessingTime {
                        value: s.standard_min,
                        unit: s.standard_min.map(|_| TimeUnit::Minutes),
                        text: String::new(),
                        counter_target_min: None,
                    },
                    ..ServiceStandard::default()
                },
                daily_quota: None,
                booking: None,
                priority_classes: vec!["lansia".into()],
            })
            .collect();
        let counters = self
            .counters
            .iter()
            .map(|c| Counter {
                id: c.id.clone(),
                name: format!("Loket {}", c.id),
                location: String::new(),
                location_en: String::new(),
                services: c.services.clone(),
            })
            .collect();
        Ok(Catalog::new(
            site, policy, classes, agencies, services, counters,
        ))
    }
}

fn time(text: &str) -> Result<LocalTime, SimError> {
    LocalTime::parse(text).ok_or_else(|| SimError::Config(format!("not a time HH:MM: {text:?}")))
}

fn breaks(list: &[BreakConfig]) -> Result<Vec<Break>, SimError> {
    list.iter()
        .map(|b| {
            Ok(Break {
                start: time(&b.start)?,
                end: time(&b.end)?,
                label: b.label.clone(),
            })
        })
        .collect()
}
