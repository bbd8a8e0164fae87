//! Managers' reports and the published IKM on the wire (JSON for the report page, the CLI
//! and integrations). Durations are seconds; IKM values are on the 25–100 scale.

use antrean_core::Catalog;
use antrean_core::report::{DurationStats, Report, ReportQuery};
use antrean_core::skm::{IkmResult, Weight, krejcie_morgan_sample};
use antrean_core::state::QuarterTally;
use serde::{Deserialize, Serialize};

use crate::{FollowUpDto, follow_up_to_dto};

/// Report query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQueryDto {
    /// First day, YYYY-MM-DD (default: the first day of the current quarter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day, inclusive (default: today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Agency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Service code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Counter id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// Officer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// exact (1/9, default) | legacy (0,111).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
}

/// Duration statistics, seconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct StatsDto {
    pub count: u32,
    pub mean_s: f64,
    pub median_s: f64,
    pub p90_s: f64,
    pub max_s: f64,
}

/// Ticket counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CountsDto {
    pub issued: u32,
    pub served: u32,
    pub no_show: u32,
    pub cancelled: u32,
    pub expired: u32,
    pub transferred: u32,
    pub open: u32,
}

/// One hour of the day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct HourDto {
    pub hour: u8,
    pub issued: u32,
    pub served: u32,
    pub waiting: StatsDto,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct DayDto {
    pub day: String,
    pub counts: CountsDto,
    pub waiting: StatsDto,
    pub service: StatsDto,
}

/// Compliance with one service's standard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ComplianceDto {
    pub service: String,
    pub service_name: String,
    pub standard_min: u32,
    /// `standard_min` is the site's counter target (the published standard is in days).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub counter_target: bool,
    pub measured: u32,
    pub within: u32,
    pub percent: f64,
    pub service_time: StatsDto,
}

/// One officer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct OfficerDto {
    pub officer: String,
    /// The officer's full name, where the site knows it (reports at the site fill it from
    /// the officer records; a history file has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub served: u32,
    pub open_s: u64,
    pub idle_s: u64,
    /// Breaks by reason (only reasons taken).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakDto>,
    pub service: StatsDto,
}

/// Breaks of one reason in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct BreakDto {
    /// istirahat | sholat | rapat | lainnya; absent for breaks logged without a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// "Sholat", "Tanpa keterangan".
    pub label: String,
    pub count: u32,
    pub total_s: u64,
}

/// The reasons with breaks in a tally, in the officers' order, "no reason" last.
pub fn break_dtos(tally: &antrean_core::break_reason::BreakTally) -> Vec<BreakDto> {
    use antrean_core::BreakReason;
    use antrean_core::break_reason::BREAK_COLUMNS;
    (1..BREAK_COLUMNS)
        .chain([0])
        .filter(|&c| tally.count[c] > 0)
        .map(|c| {
            let reason = BreakReason::of_column(c);
            BreakDto {
                reason: reason.map(|r| r.key().to_owned()),
                label: reason
                    .map_or("Tanpa keterangan", |r| r.label_id())
                    .to_owned(),
                count: tally.count[c],
                total_s: tally.ms[c] / 1000,
            }
        })
        .collect()
}

/// One unsur's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct UnsurDto {
    pub key: String,
    /// U-number in scope order.
    pub number: usize,
    pub name: String,
    pub answered: u32,
    pub nrr: f64,
    pub nrr_weighted: f64,
    /// NRR × 25, 2 decimals.
    pub score: f64,
    pub mutu: String,
}

/// An IKM computation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct IkmDto {
    pub respondents: u32,
    /// exact | legacy.
    pub weight: String,
    pub weight_label: String,
    pub ikm: f64,
    pub mutu: String,
    pub kinerja: String,
    pub unsur: Vec<UnsurDto>,
}

/// A suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CommentDto {
    pub at_ms: i64,
    /// Local time in Indonesian ("30 November 2026 10.15").
    pub at_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<u64>,
    /// The number the visitor held ("A-003"), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub text: String,
}

/// A follow-up with when it was recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct FollowUpEntryDto {
    pub at_ms: i64,
    /// Local time in Indonesian.
    pub at_id: String,
    pub follow_up: FollowUpDto,
    /// The follow-up's service by name, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// When it was last updated (local time in Indonesian), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at_id: Option<String>,
}

/// SKM figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SkmDto {
    /// Absent when no questionnaire (or an unsur nobody answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm: Option<IkmDto>,
    /// Why there is no IKM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm_missing: Option<String>,
    pub respondents: u32,
    pub imported: u32,
    /// Visitors served in the period (the population N).
    pub population: u32,
    /// Krejcie–Morgan target sample for N.
    pub target_sample: u64,
    /// One-tap faces 1..=4.
    pub faces: [u32; 4],
    /// L, P.
    pub gender: [u32; 2],
    /// By education (SD, SMP, SMA, D3, S1, S2, S3, LAINNYA).
    pub education: [u32; 8],
    pub disability: u32,
    pub comments: Vec<CommentDto>,
    pub follow_ups: Vec<FollowUpEntryDto>,
}

/// The names of a report's filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ScopeNamesDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
}

/// The report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ReportDto {
    pub site: String,
    pub from: String,
    pub to: String,
    /// The period in Indonesian ("1 Oktober 2026 – 31 Desember 2026").
    pub period_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// The filters' names as people know them (agency, service, counter, officer), for
    /// headings and exports.
    #[serde(default, skip_serializing_if = "ScopeNamesDto::is_empty")]
    pub scope_names: ScopeNamesDto,
    pub counts: CountsDto,
    pub waiting: StatsDto,
    pub walk: StatsDto,
    pub service_time: StatsDto,
    pub open_s: u64,
    pub idle_s: u64,
    /// Counter breaks by reason (istirahat, sholat, rapat…); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakDto>,
    pub by_hour: Vec<HourDto>,
    pub by_day: Vec<DayDto>,
    pub compliance: Vec<ComplianceDto>,
    pub officers: Vec<OfficerDto>,
    pub skm: SkmDto,
    /// Online bookings for the period's days; absent when the period has none.
    #[serde(default, skip_serializing_if = "BookingReportDto::is_empty")]
    pub booking: BookingReportDto,
}

/// One slot's use over the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SlotUseDto {
    pub service: String,
    pub service_name: String,
    /// "09:00".
    pub slot: String,
    pub booked: u32,
    pub checked_in: u32,
    pub expired: u32,
}

/// The booking section of a report (docs/booking.md, "Reports").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct BookingReportDto {
    pub made: u32,
    pub checked_in: u32,
    pub cancelled: u32,
    pub expired: u32,
    pub active: u32,
    pub booked_visits: u32,
    pub walk_in_visits: u32,
    /// Expired / (checked in + expired), percent.
    pub no_show_percent: f64,
    pub early: u32,
    pub late: u32,
    /// How long before their slot early visitors checked in.
    pub early_by: StatsDto,
    /// How long after the slot start late visitors checked in.
    pub late_by: StatsDto,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<SlotUseDto>,
}

/// The live IKM of the current quarter, as boards and kiosks show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct PublishedIkmDto {
    /// "Triwulan IV 2026".
    pub period_id: String,
    pub respondents: u32,
    pub ikm: f64,
    /// "80,42".
    pub ikm_text: String,
    pub mutu: String,
    pub kinerja: String,
    /// The survey's minimum sample for the quarter's visitors so far (Krejcie–Morgan):
    /// below it the board says the IKM rests on too few respondents.
    #[serde(default)]
    pub target_respondents: u64,
}

/// Parses a weight name.
pub fn weight_from_name(name: Option<&str>) -> Option<Weight> {
    match name {
        None | Some("exact") => Some(Weight::Exact),
        Some("legacy") => Some(Weight::Legacy),
        Some(_) => None,
    }
}

impl ScopeNamesDto {
    /// No filter named.
    pub fn is_empty(&self) -> bool {
        *self == ScopeNamesDto::default()
    }
}

impl BookingReportDto {
    /// No booking and no booked visit in the period.
    pub fn is_empty(&self) -> bool {
        self.made == 0 && self.booked_visits == 0
    }
}

fn booking_report_dto(
    b: &antrean_core::report::BookingFigures,
    catalog: &Catalog,
) -> BookingReportDto {
    BookingReportDto {
        made: b.made,
        checked_in: b.checked_in,
        cancelled: b.cancelled,
        expired: b.expired,
        active: b.active,
        booked_visits: b.booked_visits,
        walk_in_visits: b.walk_in_visits,
        no_show_percent: b.no_show_percent(),
        early: b.early,
        late: b.late,
        early_by: stats_dto(&b.early_by),
        late_by: stats_dto(&b.late_by),
        slots: b
            .slots
            .iter()
            .map(|s| SlotUseDto {
                service_name: catalog
                    .service(&s.service)
                    .map_or_else(|| s.service.clone(), |c| c.name_id.clone()),
                service: s.service.clone(),
                slot: s.slot.to_string(),
                booked: s.booked,
                checked_in: s.checked_in,
                expired: s.expired,
            })
            .collect(),
    }
}

/// Stats to the wire.
pub fn stats_dto(s: &DurationStats) -> StatsDto {
    StatsDto {
        count: s.count,
        mean_s: s.mean_s,
        median_s: s.median_s,
        p90_s: s.p90_s,
        max_s: s.max_s,
    }
}

fn counts_dto(c: &antrean_core::report::Counts) -> CountsDto {
    CountsDto {
        issued: c.issued,
        served: c.served,
        no_show: c.no_show,
        cancelled: c.cancelled,
        expired: c.expired,
        transferred: c.transferred,
        open: c.open,
    }
}

/// IKM to the wire.
pub fn ikm_dto(r: &IkmResult) -> IkmDto {
    IkmDto {
        respondents: r.respondents,
        weight: match r.weight {
            Weight::Exact => "exact",
            Weight::Legacy => "legacy",
        }
        .to_owned(),
        weight_label: r.weight.label_id().to_owned(),
        ikm: r.ikm,
        mutu: r.mutu.to_string(),
        kinerja: r.mutu.kinerja().to_owned(),
        unsur: r
            .unsur
            .iter()
            .map(|u| UnsurDto {
                key: u.unsur.key().to_owned(),
                number: u.unsur.number(),
                name: u.unsur.name_id().to_owned(),
                answered: u.answered,
                nrr: u.nrr,
                nrr_weighted: u.nrr_weighted,
                score: u.score,
                mutu: u.mutu.to_string(),
            })
            .collect(),
    }
}

/// The quarter's IKM for boards; None before any questionnaire.
pub fn published_ikm(q: &QuarterTally) -> Option<PublishedIkmDto> {
    let (year, quarter) = q.quarter?;
    let r = q.tally.ikm(Weight::Exact).ok()?;
    Some(PublishedIkmDto {
        period_id: format!(
            "Triwulan {} {year}",
            ["I", "II", "III", "IV"][usize::from(quarter - 1)]
        ),
        respondents: r.respondents,
        ikm: r.ikm,
        ikm_text: antrean_core::money::format_decimal_id(r.ikm, 2),
        mutu: r.mutu.to_string(),
        kinerja: r.mutu.kinerja().to_owned(),
        target_respondents: antrean_core::skm::krejcie_morgan_sample(q.served),
    })
}

/// Report to the wire.
pub fn report_dto(report: &Report, catalog: &Catalog, weight: Weight) -> ReportDto {
    let q: &ReportQuery = &report.query;
    ReportDto {
        site: catalog.site.name.clone(),
        from: q.from.to_string(),
        to: q.to.to_string(),
        period_id: format!("{} – {}", q.from.format_id(), q.to.format_id()),
        agency: q.agency.clone(),
        service: q.service.clone(),
        counter: q.counter.clone(),
        officer: q.officer.clone(),
        scope_names: ScopeNamesDto {
            agency: q
                .agency
                .as_deref()
                .and_then(|a| catalog.agency(a))
                .map(|a| a.name_id.clone()),
            service: q
                .service
                .as_deref()
                .and_then(|s| catalog.service(s))
                .map(|s| s.name_id.clone()),
            counter: q
                .counter
                .as_deref()
                .and_then(|c| catalog.counter(c))
                .map(|c| c.name.clone()),
            // Officer names are the site's records, not the catalog's: filled by the caller.
            officer: None,
        },
        counts: counts_dto(&report.counts),
        waiting: stats_dto(&report.waiting),
        walk: stats_dto(&report.walk),
        service_time: stats_dto(&report.service),
        open_s: report.open_s,
        idle_s: report.idle_s,
        breaks: break_dtos(&report.breaks),
        by_hour: report
            .by_hour
            .iter()
            .map(|h| HourDto {
                hour: h.hour,
                issued: h.issued,
                served: h.served,
                waiting: stats_dto(&h.waiting),
            })
            .collect(),
        by_day: report
            .by_day
            .iter()
            .map(|d| DayDto {
                day: d.day.to_string(),
                counts: counts_dto(&d.counts),
                waiting: stats_dto(&d.waiting),
                service: stats_dto(&d.service),
            })
            .collect(),
        compliance: report
            .compliance
            .iter()
            .map(|c| ComplianceDto {
                service_name: catalog
                    .service(&c.service)
                    .map_or_else(|| c.service.clone(), |s| s.name_id.clone()),
                service: c.service.clone(),
                standard_min: c.standard_min,
                counter_target: c.counter_target,
                measured: c.measured,
                within: c.within,
                percent: c.percent(),
                service_time: stats_dto(&c.service_time),
            })
            .collect(),
        officers: report
            .officers
            .iter()
            .map(|o| OfficerDto {
                officer: o.officer.clone(),
                name: None,
                served: o.served,
                open_s: o.open_s,
                idle_s: o.idle_s,
                breaks: break_dtos(&o.breaks),
                service: stats_dto(&o.service),
            })
            .collect(),
        skm: skm_dto(report, catalog, weight),
        booking: booking_report_dto(&report.booking, catalog),
    }
}

/// The SKM part: the IKM (or why it is missing), respondents against the Krejcie–Morgan
/// target, profile, suggestions and follow-ups.
fn skm_dto(report: &Report, catalog: &Catalog, weight: Weight) -> SkmDto {
    let at_id = |at: antrean_core::Timestamp| {
        let local = catalog.site.time_zone.local(at);
        format!("{} {}", local.date.format_id(), local.time.format_id())
    };
    let skm = &report.skm;
    let (ikm, ikm_missing) = match skm.tally.ikm(weight) {
        Ok(r) => (Some(ikm_dto(&r)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    SkmDto {
        ikm,
        ikm_missing,
        respondents: skm.tally.respondents,
        imported: skm.imported,
        population: report.counts.served,
        target_sample: krejcie_morgan_sample(u64::from(report.counts.served)),
        faces: skm.faces,
        gender: skm.gender,
        education: skm.education,
        disability: skm.disability,
        comments: skm
            .comments
            .iter()
            .map(|c| CommentDto {
                at_ms: c.at.0,
                at_id: at_id(c.at),
                service: c.service.clone(),
                service_name: c
                    .service
                    .as_deref()
                    .and_then(|s| catalog.service(s))
                    .map(|s| s.name_id.clone()),
                ticket: c.ticket.map(|t| t.0),
                number: c.number.as_ref().map(ToString::to_string),
                text: c.text.clone(),
            })
            .collect(),
        follow_ups: skm
            .follow_ups
            .iter()
            .map(|e| FollowUpEntryDto {
                at_ms: e.recorded_at.0,
                at_id: at_id(e.recorded_at),
                follow_up: follow_up_to_dto(&e.follow_up),
                service_name: e
                    .follow_up
                    .service
                    .as_deref()
                    .and_then(|s| catalog.service(s))
                    .map(|s| s.name_id.clone()),
                updated_at_id: e.updated_at.map(at_id),
            })
            .collect(),
    }
}
