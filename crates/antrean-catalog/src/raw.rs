//! The catalog file format as serde sees it. Values that are cross-checked keep their span.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalog {
    pub site: RawSite,
    #[serde(default)]
    pub policy: RawPolicy,
    pub priority_classes: Vec<RawPriorityClass>,
    pub agencies: Vec<RawAgency>,
    pub services: Vec<RawService>,
    pub counters: Vec<RawCounter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSite {
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub time_zone: S,
    #[serde(default)]
    pub maklumat: String,
    /// Weekday name → hours; a missing weekday is closed.
    pub hours: Spanned<BTreeMap<String, RawDayHours>>,
    #[serde(default)]
    pub holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDayHours {
    pub open: S,
    pub close: S,
    /// Defaults to closing time.
    pub issue_cutoff: Option<S>,
    #[serde(default)]
    pub breaks: Vec<RawBreak>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBreak {
    pub start: S,
    pub end: S,
    pub label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHoliday {
    pub date: S,
    pub name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub(crate) struct RawPolicy {
    /// "interleave" or "strict".
    pub priority: Option<S>,
    pub regular_per_priority: Option<Spanned<u32>>,
    /// 0 disables the guard.
    pub max_wait_min: Option<Spanned<u32>>,
    pub max_recalls: Option<Spanned<u8>>,
    /// Minutes after service a ticket may be rated (1..=1440).
    pub rating_window_min: Option<Spanned<u32>>,
    /// "N:M": N booked calls, then M walk-ins, while both wait (default "1:1").
    pub booked_ratio: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPriorityClass {
    pub code: S,
    pub name_id: String,
    pub name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgency {
    pub code: S,
    pub name_id: String,
    pub name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawService {
    pub code: S,
    pub agency: S,
    pub prefix: S,
    pub name_id: String,
    pub name_en: String,
    pub daily_quota: Option<Spanned<u32>>,
    /// Accepted priority classes; all classes when absent.
    pub priority_classes: Option<Vec<S>>,
    pub decree: Option<String>,
    pub requirements: Spanned<Vec<String>>,
    pub procedure: Spanned<Vec<String>>,
    pub processing_time: RawProcessingTime,
    pub fee: Spanned<RawFee>,
    pub product: String,
    pub complaints: Spanned<Vec<String>>,
    /// Online booking; absent: walk-in only.
    pub booking: Option<Spanned<RawBooking>>,
    /// The standard in English (`[services.en]`).
    pub en: Option<RawStandardEn>,
    /// Where the data came from (kept in the file for auditors; not shown to visitors).
    #[serde(default)]
    #[allow(dead_code)] // read by people auditing the catalog, not by the program
    pub sources: Vec<String>,
}

/// `[services.en]`: the Standar Pelayanan in English, every field optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStandardEn {
    pub requirements: Option<Spanned<Vec<String>>>,
    pub procedure: Option<Spanned<Vec<String>>>,
    pub processing_time: Option<String>,
    /// Tariff line labels in order, or the variable fee's description (one item).
    pub fee: Option<Spanned<Vec<String>>>,
    pub product: Option<String>,
    pub complaints: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProcessingTime {
    pub value: Option<Spanned<u32>>,
    pub unit: Option<S>,
    pub text: String,
    /// The site's target for the visit at the counter (minutes), for standards in days.
    pub counter_target_min: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFee {
    /// `free = true` for "Tidak dipungut biaya".
    #[serde(default)]
    pub free: bool,
    #[serde(default)]
    pub lines: Vec<RawFeeLine>,
    /// How a variable amount is set (e.g. PKB per SKPD).
    pub variable: Option<String>,
    pub basis: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFeeLine {
    pub label: String,
    pub amount_idr: Spanned<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCounter {
    pub id: S,
    pub name: String,
    pub location: String,
    #[serde(default)]
    pub location_en: String,
    pub services: Spanned<Vec<S>>,
}

/// `[services.booking]`: every field but the seats (`seats_per_slot` or
/// `seats_per_counter`) has a default (docs/booking.md).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBooking {
    pub slot_min: Option<Spanned<u16>>,
    pub seats_per_slot: Option<Spanned<u32>>,
    /// Visitors per slot at each counter that serves the service (the counter group).
    pub seats_per_counter: Option<Spanned<u32>>,
    pub booked_share_pct: Option<Spanned<u8>>,
    pub days_ahead: Option<Spanned<u16>>,
    /// "HH:MM-HH:MM" ranges when booking is open; absent or empty: always.
    #[serde(default)]
    pub window: Vec<S>,
    pub arrive_early_min: Option<Spanned<u16>>,
    pub arrive_late_min: Option<Spanned<u16>>,
    /// "walk_in" or "refused".
    pub late: Option<S>,
    /// "not_asked", "optional" or "required".
    pub nik: Option<S>,
    pub retention_days: Option<Spanned<u16>>,
    /// "site" (default) or "central".
    pub booked_at: Option<S>,
}
