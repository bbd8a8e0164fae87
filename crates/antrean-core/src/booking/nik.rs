//! NIK (Nomor Induk Kependudukan) checks: shape and plausibility only. A plausible NIK is
//! not a verified person — only Dukcapil can verify — so the booking page never claims more.
//!
//! Layout (docs/booking.md): digits 1–2 province, 3–4 regency/city, 5–6 district,
//! 7–12 birth date DDMMYY with 40 added to DD for women, 13–16 a serial number.

use crate::time::LocalDate;

/// Why a NIK was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NikProblem {
    /// Not exactly 16 digits.
    Shape,
    /// Province code not one of Indonesia's, or regency/district "00".
    Region,
    /// The birth-date digits are not a date, or it lies in the future.
    BirthDate,
    /// Serial "0000".
    Serial,
}

impl NikProblem {
    /// Message in Bahasa Indonesia.
    pub fn message_id(self) -> &'static str {
        match self {
            NikProblem::Shape => "NIK harus 16 angka.",
            NikProblem::Region => "Kode wilayah pada NIK (6 angka pertama) tidak dikenal.",
            NikProblem::BirthDate => {
                "Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak valid."
            }
            NikProblem::Serial => "Nomor urut pada NIK (4 angka terakhir) tidak valid.",
        }
    }

    /// Message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            NikProblem::Shape => "A NIK has exactly 16 digits.",
            NikProblem::Region => "The NIK's region code (first 6 digits) is not known.",
            NikProblem::BirthDate => "The NIK's birth date (digits 7 to 12) is not valid.",
            NikProblem::Serial => "The NIK's serial number (last 4 digits) is not valid.",
        }
    }
}

/// Province codes in use (the first two digits of a region code), 2024.
const PROVINCES: [u8; 38] = [
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// Checks a NIK typed by a visitor (spaces and dots allowed between digits) and returns its
/// 16 digits. `today` bounds the birth date: nobody is born in the future.
pub fn check(text: &str, today: LocalDate) -> Result<String, NikProblem> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    if digits.len() != 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NikProblem::Shape);
    }
    let pair =
        |i: usize| -> u8 { (digits.as_bytes()[i] - b'0') * 10 + (digits.as_bytes()[i + 1] - b'0') };
    if !PROVINCES.contains(&pair(0)) || pair(2) == 0 || pair(4) == 0 {
        return Err(NikProblem::Region);
    }
    let day = match pair(6) {
        d @ 1..=31 => d,
        d @ 41..=71 => d - 40,
        _ => return Err(NikProblem::BirthDate),
    };
    let month = pair(8);
    let yy = i32::from(pair(10));
    // Two-digit years: this century unless that puts the birth in the future.
    let born = match LocalDate::new(2000 + yy, month, day) {
        Some(born) if born <= today => born,
        _ => LocalDate::new(1900 + yy, month, day).ok_or(NikProblem::BirthDate)?,
    };
    if born > today {
        return Err(NikProblem::BirthDate);
    }
    if &digits[12..] == "0000" {
        return Err(NikProblem::Serial);
    }
    Ok(digits)
}

/// The NIK as shown after entry: only the last four digits ("************3456"), on every
/// page, ticket, export and log line.
pub fn mask(nik: &str) -> String {
    mask_keep(nik, 4)
}

/// `text` with all but its last `keep` characters replaced by `*`.
pub(crate) fn mask_keep(text: &str, keep: usize) -> String {
    let count = text.chars().count();
    let tail: String = text.chars().skip(count.saturating_sub(keep)).collect();
    format!("{}{tail}", "*".repeat(count.saturating_sub(keep)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> LocalDate {
        LocalDate::parse("2026-12-03").unwrap()
    }

    #[test]
    fn accepts_a_plausible_nik_with_separators() {
        assert_eq!(
            check("3201 0112 0590 0001", today()),
            Ok("3201011205900001".to_owned())
        );
        // A woman born 12 May 1990: day + 40.
        assert_eq!(
            check("3201015205900002", today()),
            Ok("3201015205900002".to_owned())
        );
    }

    #[test]
    fn refuses_each_implausible_part() {
        let t = today();
        assert_eq!(check("320101120590001", t), Err(NikProblem::Shape));
        assert_eq!(check("32010112059000a1", t), Err(NikProblem::Shape));
        assert_eq!(check("9901011205900001", t), Err(NikProblem::Region));
        assert_eq!(check("3200011205900001", t), Err(NikProblem::Region));
        assert_eq!(check("3201003205900001", t), Err(NikProblem::Region));
        assert_eq!(check("3201013505900001", t), Err(NikProblem::BirthDate));
        assert_eq!(
            check("3201013002900001", t),
            Err(NikProblem::BirthDate),
            "30 February"
        );
        assert_eq!(
            check("3201011213900001", t),
            Err(NikProblem::BirthDate),
            "month 13"
        );
        assert_eq!(check("3201011205900000", t), Err(NikProblem::Serial));
    }

    #[test]
    fn two_digit_years_never_land_in_the_future() {
        // "27" in 2026 is 1927; "26" born 1 Dec 2026 is in the past, 31 Dec is not.
        assert!(check("3201010112270001", today()).is_ok());
        assert!(check("3201010112260001", today()).is_ok());
        assert_eq!(
            check("3201013112260001", today()),
            Ok("3201013112260001".to_owned()),
            "31.12.26 is read as 1926: the later century would be in the future"
        );
    }

    #[test]
    fn mask_keeps_only_the_last_four_digits() {
        assert_eq!(mask("3201011205900001"), "************0001");
        assert_eq!(mask("12"), "12");
    }
}
