//! The catalog as devices receive it (kiosks show the Standar Pelayanan from it).

use serde::{Deserialize, Serialize};

/// Public description of the site and what it offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogDto {
    /// Site facts.
    pub site: SiteDto,
    /// Priority classes.
    pub priority_classes: Vec<PriorityClassDto>,
    /// Agencies in display order.
    pub agencies: Vec<AgencyDto>,
    /// Services in display order.
    pub services: Vec<ServiceDto>,
    /// Counters.
    pub counters: Vec<CounterDto>,
    /// How booked and walk-in tickets mix in the calling order (`policy.booked_ratio`),
    /// when some service takes bookings: the console orders its waiting list by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_ratio: Option<BookedRatioDto>,
}

/// "N booked : M walk-in" (docs/booking.md, "Calling order").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookedRatioDto {
    /// Booked tickets called in a row.
    pub booked: u32,
    /// Then walk-in tickets in a row.
    pub walk_in: u32,
}

/// Site facts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteDto {
    /// Name.
    pub name: String,
    /// Address.
    pub address: String,
    /// "WIB", "WITA" or "WIT".
    pub time_zone: String,
    /// UTC offset in minutes (420 for WIB) so clients can show local time without a tz db.
    pub utc_offset_min: i64,
    /// Maklumat pelayanan.
    pub maklumat: String,
}

/// A priority class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriorityClassDto {
    /// Key.
    pub code: String,
    /// Indonesian label.
    pub name_id: String,
    /// English label.
    pub name_en: String,
}

/// An agency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyDto {
    /// Key.
    pub code: String,
    /// Indonesian name.
    pub name_id: String,
    /// English name.
    pub name_en: String,
}

/// A service and its published standard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceDto {
    /// Key.
    pub code: String,
    /// Agency key.
    pub agency: String,
    /// Ticket prefix.
    pub prefix: String,
    /// Indonesian name.
    pub name_id: String,
    /// English name.
    pub name_en: String,
    /// Daily quota, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_quota: Option<u32>,
    /// Accepted priority classes.
    pub priority_classes: Vec<String>,
    /// The published Standar Pelayanan. Sent to kiosks and staff; boards and visitors'
    /// phones get names only (their welcome stays small) and can fetch the full catalog
    /// from `GET /api/catalog`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<StandardDto>,
    /// Online booking settings (absent: walk-in only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<crate::BookingRulesDto>,
}

/// The six published components of a service's Standar Pelayanan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StandardDto {
    /// Persyaratan.
    pub requirements: Vec<String>,
    /// Prosedur.
    pub procedure: Vec<String>,
    /// Waktu penyelesaian as published.
    pub processing_time: String,
    /// Standard counter time in minutes, when the standard is in minutes or hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time_min: Option<u32>,
    /// Biaya/tarif.
    pub fee: FeeDto,
    /// Produk.
    pub product: String,
    /// Pengaduan channels.
    pub complaints: Vec<String>,
    /// SK number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decree: Option<String>,
    /// The standard in English, where the catalog gives it (any part may be missing: show
    /// the Indonesian one, marked as Indonesian).
    #[serde(default, skip_serializing_if = "StandardEnDto::is_empty")]
    pub en: StandardEnDto,
}

/// English text of a standard; lists run parallel to the Indonesian ones.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StandardEnDto {
    /// Requirements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Vec<String>>,
    /// Procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Vec<String>>,
    /// Processing time as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time: Option<String>,
    /// Tariff line labels (parallel to the fee's lines) or a variable fee's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Vec<String>>,
    /// Product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Complaint channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<Vec<String>>,
}

impl StandardEnDto {
    /// No English at all.
    pub fn is_empty(&self) -> bool {
        *self == StandardEnDto::default()
    }
}

/// Biaya/tarif with its display text already in PUEBI form ("Gratis", "Rp50.000").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeeDto {
    /// Tidak dipungut biaya.
    Free {
        /// Legal basis.
        basis: String,
    },
    /// Tariff lines.
    Tariff {
        /// Lines.
        lines: Vec<FeeLineDto>,
        /// Legal basis.
        basis: String,
    },
    /// Depends on the case.
    Variable {
        /// How it is set.
        description: String,
        /// Legal basis.
        basis: String,
    },
}

/// One tariff line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeeLineDto {
    /// What it is for.
    pub label: String,
    /// Amount in rupiah.
    pub amount_idr: u64,
    /// PUEBI text, "Rp950.000".
    pub text: String,
}

/// A counter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CounterDto {
    /// Id ("3").
    pub id: String,
    /// Name ("Loket 3").
    pub name: String,
    /// Location.
    pub location: String,
    /// Location in English; empty when the catalog gives none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location_en: String,
    /// Services, most preferred first.
    pub services: Vec<String>,
}
