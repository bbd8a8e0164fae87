//! Booking codes at the kiosk (docs/booking.md): what the on-screen keypad offers, how a
//! typed or scanned code is read, and how it is shown while typed. The coordinator checks
//! the code; the kiosk only makes sure 12 characters of the code's alphabet are sent.

/// The code's alphabet (Crockford's base32): the keypad's keys, in reading order.
pub const KEYS: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code.
pub const CODE_LEN: usize = 12;

/// A typed or scanned character as a code character: upper case, the look-alikes I/L as
/// 1 and O as 0; `None` for anything else (dashes and spaces are skipped by the caller).
pub fn code_char(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    match c {
        'I' | 'L' => Some('1'),
        'O' => Some('0'),
        c if KEYS.contains(c) => Some(c),
        _ => None,
    }
}

/// A scanned line (what a USB scanner typed before Enter) as a code, if it is one: 12
/// code characters once dashes and spaces are dropped.
pub fn read_scan(line: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LEN);
    for c in line.chars() {
        if matches!(c, '-' | ' ') {
            continue;
        }
        code.push(code_char(c)?);
    }
    (code.len() == CODE_LEN).then_some(code)
}

/// The code being typed as the visitor reads it: groups of four, the places still to
/// type as "_" ("K7QM-2X__-____").
pub fn display(typed: &str) -> String {
    let padded: Vec<char> = typed
        .chars()
        .chain(std::iter::repeat('_'))
        .take(CODE_LEN)
        .collect();
    padded
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_and_typing_read_as_the_coordinator_does() {
        assert_eq!(read_scan("K7QM-2XD4-9RTA"), Some("K7QM2XD49RTA".into()));
        assert_eq!(read_scan("k7qm 2xd4 9rta"), Some("K7QM2XD49RTA".into()));
        assert_eq!(
            read_scan("IOLO-0000-0000"),
            Some("1010".to_owned() + "00000000")
        );
        assert_eq!(read_scan("K7QM-2XD4-9RT"), None, "too short");
        assert_eq!(
            read_scan("K7QM-2XD4-9RTAU"),
            None,
            "U is not in the alphabet"
        );
        assert_eq!(read_scan("https://example/t/abc"), None);
        assert_eq!(KEYS.len(), 32);
    }

    #[test]
    fn the_typed_code_shows_in_groups() {
        assert_eq!(display(""), "____-____-____");
        assert_eq!(display("K7QM2X"), "K7QM-2X__-____");
        assert_eq!(display("K7QM2XD49RTA"), "K7QM-2XD4-9RTA");
    }
}
