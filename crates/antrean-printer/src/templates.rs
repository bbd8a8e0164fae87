//! Fixed ticket wording per language.
//!
//! Spelling follows docs/domain.md §8 ("antrean", "nomor", "silakan"). Every string here is part
//! of the code-page round-trip test, so a new label with a character a page lacks shows up there.

/// Language of the fixed ticket wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Bahasa Indonesia (default: the language of every site).
    #[default]
    Indonesian,
    /// English, for visitors who choose it on the kiosk.
    English,
}

/// The fixed strings of one language.
#[derive(Debug)]
pub struct Labels {
    /// Heading above the big ticket number.
    pub ticket_number_heading: &'static str,
    /// "Antrean di depan Anda:" — followed by the count.
    pub people_ahead: &'static str,
    /// Unit after the count of people ahead.
    pub people_unit: &'static str,
    /// Printed instead of the count when nobody is ahead.
    pub nobody_ahead: &'static str,
    /// "Perkiraan tunggu:" — followed by the band.
    pub wait_estimate: &'static str,
    /// Unit after the wait band.
    pub minutes_unit: &'static str,
    /// "Lokasi:" — followed by the counter location.
    pub location: &'static str,
    /// Heading of the requirements checklist.
    pub prepare: &'static str,
    /// Bullet before each requirement.
    pub bullet: &'static str,
    /// "+{n} lainnya (lihat QR)" — `{n}` is replaced by the number of cut items.
    pub more_requirements: &'static str,
    /// "Biaya:" — followed by the fee.
    pub fee: &'static str,
    /// Free-of-charge wording.
    pub fee_free: &'static str,
    /// Before the lowest of several tariffs ("mulai Rp350.000").
    pub fee_from: &'static str,
    /// A fee set case by case: the QR page has the details.
    pub fee_see_details: &'static str,
    /// Month names, January first.
    pub months: [&'static str; 12],
}

const INDONESIAN: Labels = Labels {
    ticket_number_heading: "NOMOR ANTREAN",
    people_ahead: "Antrean di depan Anda:",
    people_unit: "orang",
    nobody_ahead: "Anda berikutnya",
    wait_estimate: "Perkiraan tunggu:",
    minutes_unit: "menit",
    location: "Lokasi:",
    prepare: "Siapkan:",
    bullet: "- ",
    more_requirements: "+{n} lainnya (lihat QR)",
    fee: "Biaya:",
    fee_free: "Gratis",
    fee_from: "mulai",
    fee_see_details: "lihat rincian (QR)",
    months: antrean_core::time::MONTHS_ID,
};

const ENGLISH: Labels = Labels {
    ticket_number_heading: "QUEUE NUMBER",
    people_ahead: "People ahead of you:",
    people_unit: "",
    nobody_ahead: "You are next",
    wait_estimate: "Estimated wait:",
    minutes_unit: "min",
    location: "Go to:",
    prepare: "Please bring:",
    bullet: "- ",
    more_requirements: "+{n} more (see QR)",
    fee: "Fee:",
    fee_free: "Free",
    fee_from: "from",
    fee_see_details: "see details (QR)",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
};

/// The wording for `language`.
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::Indonesian => &INDONESIAN,
        Language::English => &ENGLISH,
    }
}

/// Separator between the bounds of the wait band ("10–20 menit"): PUEBI's dash for ranges. Code
/// pages without it print '-'.
pub const RANGE_DASH: &str = "\u{2013}";

impl Labels {
    /// Every fixed string, for the round-trip test.
    pub fn all_strings(&self) -> Vec<&'static str> {
        let mut all = vec![
            self.ticket_number_heading,
            self.people_ahead,
            self.people_unit,
            self.nobody_ahead,
            self.wait_estimate,
            self.minutes_unit,
            self.location,
            self.prepare,
            self.bullet,
            self.more_requirements,
            self.fee,
            self.fee_free,
            self.fee_from,
            self.fee_see_details,
            RANGE_DASH,
            // Produced by the formatters: digits, date/time punctuation, zone labels, money.
            "0123456789 ,.:-+ WIB WITA WIT Rp...",
        ];
        all.extend(self.months);
        all
    }
}
