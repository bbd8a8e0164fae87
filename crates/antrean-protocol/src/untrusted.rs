//! Text from a client, made safe to show back.
//!
//! Error messages name what the client sent ("Layanan \"…\" tidak ditemukan", a JSON
//! decoder's complaint). A terminal or a page showing them must not receive control
//! characters (which can rewrite a terminal) or bidirectional overrides (which can make a
//! message read differently from what it says, "Trojan Source"). They are replaced by
//! U+FFFD; everything else passes unchanged.

/// `text` with control characters (but tab) and bidirectional formatting characters
/// replaced by U+FFFD.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c })
        .collect()
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}'                  // Arabic letter mark
            | '\u{200E}' | '\u{200F}'   // left-to-right / right-to-left marks
            | '\u{202A}'..='\u{202E}'   // embeddings and overrides
            | '\u{2066}'..='\u{2069}'   // isolates
        )
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn controls_and_bidi_overrides_are_replaced_and_the_rest_kept() {
        assert_eq!(printable("Loket 1 — Akta"), "Loket 1 — Akta");
        assert_eq!(printable("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
        assert_eq!(printable("x\u{202E}gpj.exe"), "x\u{FFFD}gpj.exe");
        assert_eq!(
            printable("\u{2066}a\u{2069}\r\n\u{85}"),
            "\u{FFFD}a\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(printable("tab\tok"), "tab\tok");
    }
}
