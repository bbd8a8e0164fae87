//! The ticket as the printer sees it: a plain view model, already resolved by the queue core.
//!
//! Nothing here knows about ESC/POS or columns; `layout` turns it into lines. Formatting rules
//! (money per PUEBI, dates with a period in the time) come from docs/domain.md §8.

use thiserror::Error;

pub use crate::templates::Language;

/// Service fee as published in the service standard (PermenPAN-RB 15/2014, component 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fee {
    /// No fee: printed as "Gratis", never "Rp0" (docs/domain.md §5).
    Free,
    /// A fee in whole rupiah.
    Rupiah(u64),
    /// Several tariffs (e.g. passport kinds): "mulai Rp350.000", the lowest; the QR page
    /// lists every line.
    From(u64),
    /// Set case by case (e.g. vehicle tax from the SKPD): "lihat rincian (QR)". Never
    /// printed as "Gratis": a visitor who must pay would have been told otherwise.
    SeeDetails,
}

/// Indonesian time zone of the site; the ticket prints the label after the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZoneLabel {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl TimeZoneLabel {
    /// The abbreviation printed on the ticket.
    pub fn label(self) -> &'static str {
        match self {
            TimeZoneLabel::Wib => "WIB",
            TimeZoneLabel::Wita => "WITA",
            TimeZoneLabel::Wit => "WIT",
        }
    }
}

/// Local civil time at the site when the ticket was issued. Validated on construction so the
/// layout never has to handle "31 Februari".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuedAt {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    zone: TimeZoneLabel,
}

impl IssuedAt {
    /// A local date and time; rejects impossible dates and times.
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        zone: TimeZoneLabel,
    ) -> Result<Self, TicketError> {
        if !(1..=12).contains(&month) {
            return Err(TicketError::InvalidField {
                field: "issued_at.month",
                reason: "1..=12",
            });
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(TicketError::InvalidField {
                field: "issued_at.day",
                reason: "not a day of that month",
            });
        }
        if hour > 23 {
            return Err(TicketError::InvalidField {
                field: "issued_at.hour",
                reason: "0..=23",
            });
        }
        if minute > 59 {
            return Err(TicketError::InvalidField {
                field: "issued_at.minute",
                reason: "0..=59",
            });
        }
        Ok(IssuedAt {
            year,
            month,
            day,
            hour,
            minute,
            zone,
        })
    }

    /// "29 November 2026, 08.05 WIB" (Indonesian: period between hours and minutes) or
    /// "29 November 2026, 08:05 WIB" (English).
    pub fn format(&self, language: Language) -> String {
        let month = crate::templates::labels(language).months[usize::from(self.month - 1)];
        let separator = match language {
            Language::Indonesian => '.',
            Language::English => ':',
        };
        format!(
            "{} {} {}, {:02}{}{:02} {}",
            self.day,
            month,
            self.year,
            self.hour,
            separator,
            self.minute,
            self.zone.label()
        )
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Estimated wait band in minutes, as the queue core predicts it (a range, never a promise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitBand {
    /// Lower bound, minutes.
    pub lo_min: u32,
    /// Upper bound, minutes; equal to `lo_min` for a point estimate.
    pub hi_min: u32,
}

/// Everything printed on one queue ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPrint {
    /// Site, e.g. "Mal Pelayanan Publik Kota Contoh".
    pub site_name: String,
    /// Agency (instansi), e.g. "Disdukcapil".
    pub agency_name: String,
    /// Service, e.g. "Penerbitan KTP-el Baru".
    pub service_name: String,
    /// Ticket number: prefix letter(s), '-', 3-digit daily sequence ("A-012").
    pub ticket_number: String,
    /// Priority label for vulnerable groups (UU 25/2009 Pasal 29), e.g. "PRIORITAS – Lansia".
    pub priority_label: Option<String>,
    /// When the ticket was issued, site-local.
    pub issued_at: IssuedAt,
    /// Visitors ahead in this service's queue.
    pub people_ahead: u32,
    /// Estimated wait band; `None` when the site has too little history to estimate.
    pub wait_band: Option<WaitBand>,
    /// Where to go: counter or zone, e.g. "Loket 3, Lantai 2".
    pub counter_location: String,
    /// "Siapkan:" checklist; long lists are cut on the ticket (the QR leads to the full list).
    pub requirements: Vec<String>,
    /// Fee line.
    pub fee: Fee,
    /// Digital-ticket URL encoded in the QR code.
    pub qr_url: String,
    /// Line inviting the visitor to rate the service (SKM, PermenPAN-RB 14/2017).
    pub rating_invitation: String,
    /// Language of the fixed wording.
    pub language: Language,
}

/// Longest ticket number accepted; "AB-123" fits 4× wide on 32 columns with room to spare.
pub const TICKET_NUMBER_LEN_MAX: usize = 8;

/// Longest QR URL accepted. The native QR at error correction M holds it in version ≤ 6
/// (41 modules), which fits a 58 mm head at module size 4 with its quiet zone, and keeps the
/// ticket near the 1 KB budget (≈ 1.1 s at 9600 baud).
pub const QR_URL_LEN_MAX: usize = 106;

impl TicketPrint {
    /// A realistic ticket for previews, test prints and snapshots: one of the shipped sample
    /// catalog's "Penerbitan KTP-el Baru", with its site, agency, service and requirements,
    /// so a test print never shows a requirement that no longer applies (a test checks it
    /// against the catalog).
    pub fn sample() -> TicketPrint {
        TicketPrint {
            site_name: "Mal Pelayanan Publik Kota Contoh".into(),
            agency_name: "Dinas Kependudukan dan Pencatatan Sipil".into(),
            service_name: "Penerbitan KTP-el Baru".into(),
            ticket_number: "A-012".into(),
            priority_label: Some("PRIORITAS – Lansia".into()),
            issued_at: IssuedAt::new(2026, 11, 29, 8, 5, TimeZoneLabel::Wib)
                .expect("sample date is valid"),
            people_ahead: 4,
            wait_band: Some(WaitBand {
                lo_min: 10,
                hi_min: 20,
            }),
            counter_location: "Loket 2, Lantai 1, Zona A".into(),
            requirements: vec![
                "Berusia 17 tahun atau sudah/pernah menikah".into(),
                "Fotokopi Kartu Keluarga (KK)".into(),
            ],
            fee: Fee::Free,
            qr_url: "https://antrean.example.id/t/MPPBKS/A-012?k=7f3a9c".into(),
            rating_invitation: "Setelah dilayani, pindai QR untuk menilai layanan kami.".into(),
            language: Language::Indonesian,
        }
    }

    /// Checks the fields the layout cannot repair by wrapping.
    pub fn validate(&self) -> Result<(), TicketError> {
        let number_len = self.ticket_number.chars().count();
        if number_len == 0 || number_len > TICKET_NUMBER_LEN_MAX {
            return Err(TicketError::InvalidField {
                field: "ticket_number",
                reason: "must be 1..=8 characters",
            });
        }
        if self.qr_url.is_empty() || self.qr_url.len() > QR_URL_LEN_MAX {
            return Err(TicketError::InvalidField {
                field: "qr_url",
                reason: "must be 1..=106 bytes",
            });
        }
        if !self.qr_url.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TicketError::InvalidField {
                field: "qr_url",
                reason: "must be printable ASCII (percent-encode the rest)",
            });
        }
        if let Some(band) = self.wait_band
            && band.lo_min > band.hi_min
        {
            return Err(TicketError::InvalidField {
                field: "wait_band",
                reason: "lo_min must not exceed hi_min",
            });
        }
        Ok(())
    }
}

/// Formats rupiah per PUEBI: "Rp50.000" (no space, period as thousands separator).
pub fn format_rupiah(amount: u64) -> String {
    antrean_core::money::format_rupiah(amount, false)
}

impl Fee {
    /// "Gratis"/"Free" or the PUEBI amount.
    pub fn format(self, language: Language) -> String {
        match self {
            Fee::Free => crate::templates::labels(language).fee_free.to_string(),
            Fee::Rupiah(amount) => format_rupiah(amount),
            Fee::From(amount) => format!(
                "{} {}",
                crate::templates::labels(language).fee_from,
                format_rupiah(amount)
            ),
            Fee::SeeDetails => crate::templates::labels(language)
                .fee_see_details
                .to_string(),
        }
    }
}

/// A ticket that cannot be laid out.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TicketError {
    /// A field is outside what the ticket can carry.
    #[error("ticket field `{field}`: {reason}")]
    InvalidField {
        /// Field name as in [`TicketPrint`].
        field: &'static str,
        /// What is allowed.
        reason: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_follows_puebi() {
        assert_eq!(format_rupiah(0), "Rp0");
        assert_eq!(format_rupiah(500), "Rp500");
        assert_eq!(format_rupiah(50_000), "Rp50.000");
        assert_eq!(format_rupiah(1_250_000), "Rp1.250.000");
        assert_eq!(Fee::Free.format(Language::Indonesian), "Gratis");
        assert_eq!(Fee::Rupiah(50_000).format(Language::English), "Rp50.000");
        assert_eq!(
            Fee::From(350_000).format(Language::Indonesian),
            "mulai Rp350.000"
        );
        assert_eq!(
            Fee::From(350_000).format(Language::English),
            "from Rp350.000"
        );
        assert_eq!(
            Fee::SeeDetails.format(Language::Indonesian),
            "lihat rincian (QR)"
        );
        assert_eq!(
            Fee::SeeDetails.format(Language::English),
            "see details (QR)"
        );
    }

    #[test]
    fn dates_use_indonesian_format() {
        let at = IssuedAt::new(2026, 11, 29, 8, 5, TimeZoneLabel::Wib).unwrap();
        assert_eq!(
            at.format(Language::Indonesian),
            "29 November 2026, 08.05 WIB"
        );
        let at = IssuedAt::new(2028, 2, 29, 13, 0, TimeZoneLabel::Wita).unwrap();
        assert_eq!(
            at.format(Language::Indonesian),
            "29 Februari 2028, 13.00 WITA"
        );
        assert_eq!(at.format(Language::English), "29 February 2028, 13:00 WITA");
    }

    #[test]
    fn impossible_dates_name_the_field() {
        let err = IssuedAt::new(2026, 2, 29, 8, 0, TimeZoneLabel::Wit).unwrap_err();
        assert!(err.to_string().contains("issued_at.day"), "{err}");
        let err = IssuedAt::new(2026, 13, 1, 8, 0, TimeZoneLabel::Wit).unwrap_err();
        assert!(err.to_string().contains("issued_at.month"), "{err}");
    }

    #[test]
    fn sample_is_valid_and_long_numbers_are_rejected() {
        TicketPrint::sample().validate().unwrap();
        let mut ticket = TicketPrint::sample();
        ticket.ticket_number = "ABCDE-1234".into();
        assert!(
            ticket
                .validate()
                .unwrap_err()
                .to_string()
                .contains("ticket_number")
        );
        ticket = TicketPrint::sample();
        ticket.qr_url = "https://x/ä".into();
        assert!(
            ticket
                .validate()
                .unwrap_err()
                .to_string()
                .contains("qr_url")
        );
    }
}
