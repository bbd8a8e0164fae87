//! The visitor's name and phone number on a booking: checked, normalised and masked here,
//! so every shell (site page, partner API, central) applies the same rules.

use super::BookingProblem;

/// Longest name kept, characters (KTP names are at most a few dozen).
pub const MAX_NAME_CHARS: usize = 80;

/// A name as typed: trimmed, inner whitespace collapsed, 2 to [`MAX_NAME_CHARS`]
/// characters with at least two letters, no control characters or markup.
pub fn check_name(text: &str) -> Result<String, BookingProblem> {
    let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    let clean = !name
        .chars()
        .any(|c| c.is_control() || matches!(c, '<' | '>' | '{' | '}' | '"' | '\\'));
    if letters >= 2 && name.chars().count() <= MAX_NAME_CHARS && clean {
        Ok(name)
    } else {
        Err(BookingProblem::InvalidContact {
            field_id: "Nama",
            field_en: "the name",
        })
    }
}

/// An Indonesian mobile number in the form "08…" (10 to 13 digits). Accepts "+62…",
/// "62…", spaces, dots, dashes and brackets.
pub fn check_phone(text: &str) -> Result<String, BookingProblem> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let national = if let Some(rest) = digits.strip_prefix("+62") {
        format!("0{rest}")
    } else if let Some(rest) = digits.strip_prefix("62").filter(|r| r.starts_with('8')) {
        format!("0{rest}")
    } else {
        digits
    };
    let ok = national.starts_with("08")
        && (10..=13).contains(&national.len())
        && national.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(national)
    } else {
        Err(BookingProblem::InvalidContact {
            field_id: "Nomor HP",
            field_en: "the mobile number",
        })
    }
}

/// A phone number as shown after entry: the last three digits ("*********789").
pub fn mask_phone(phone: &str) -> String {
    super::nik::mask_keep(phone, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_name("  Siti   Aminah "), Ok("Siti Aminah".into()));
        assert_eq!(
            check_name("I Gusti Ngurah Rai"),
            Ok("I Gusti Ngurah Rai".into())
        );
        assert!(check_name("A").is_err());
        assert!(check_name("<script>").is_err());
        assert!(check_name(&"a".repeat(81)).is_err());
    }

    #[test]
    fn phones_normalise_to_the_national_form() {
        assert_eq!(check_phone("0812-3456-7890"), Ok("081234567890".into()));
        assert_eq!(check_phone("+62 812 3456 7890"), Ok("081234567890".into()));
        assert_eq!(check_phone("6281234567890"), Ok("081234567890".into()));
        assert!(check_phone("021-555-1234").is_err(), "a landline");
        assert!(check_phone("0812").is_err());
        assert!(check_phone("08123456789012").is_err());
        assert_eq!(mask_phone("081234567890"), "*********890");
    }
}
