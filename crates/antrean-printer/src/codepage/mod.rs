//! Text → printer bytes, done here instead of in the `escpos` crate.
//!
//! The `escpos` crate encodes '-' as 0xF0 under PC850/PC858 and silently sends UTF-8 for
//! characters a page lacks (docs/dependencies.md §2). A ticket reading "A?012" or "A-Ã©" is a
//! lost visitor, so we own the tables: every character is either encoded by the selected page,
//! transliterated to characters that are, or replaced by '?'. Raw UTF-8 never reaches the printer
//! and bytes below 0x20 (ESC/POS control codes) are never produced from text.

mod tables;

use serde::Deserialize;

/// A printer character code table we can encode for.
///
/// The byte sent with `ESC t n` to select it differs between vendors, so it lives in the printer
/// profile (`code_page_select`), not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodePage {
    /// PC437 (USA, Standard Europe): every ESC/POS printer has it, usually as table 0.
    Pc437,
    /// Windows-1252 (Latin 1 plus typographic quotes and dashes): Epson table 16.
    Wpc1252,
}

impl CodePage {
    /// Every supported code page, for tests and previews.
    pub const ALL: [CodePage; 2] = [CodePage::Pc437, CodePage::Wpc1252];

    /// The profile name of this code page (`"pc437"`, `"wpc1252"`).
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Pc437 => "pc437",
            CodePage::Wpc1252 => "wpc1252",
        }
    }

    /// The byte for `c` in this page, or `None` when the page cannot print it.
    ///
    /// Control characters (below 0x20, 0x7F and the C1 range) are never encodable: in an
    /// ESC/POS stream they are commands, not text.
    pub fn encode_char(self, c: char) -> Option<u8> {
        match c {
            ' '..='~' => Some(c as u8),
            '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' => None,
            _ => {
                let index = self.high_table().iter().position(|&entry| entry == c)?;
                // Soft hyphen is invisible in text but printers draw it; never send it.
                (c != '\u{AD}').then_some(0x80 + index as u8)
            }
        }
    }

    /// The character a byte stands for in this page; `None` for control bytes and the
    /// undefined WPC1252 positions.
    pub fn decode_byte(self, byte: u8) -> Option<char> {
        match byte {
            0x20..=0x7E => Some(byte as char),
            0x80..=0xFF => {
                let c = self.high_table()[usize::from(byte - 0x80)];
                (c != '\0').then_some(c)
            }
            _ => None,
        }
    }

    /// `text` rewritten so that every character is encodable in this page.
    ///
    /// Order of preference: the character itself; a hand-picked ASCII-ish substitute ('—' → '-',
    /// '“' → '"', '…' → "..."); the base letter of an accented Latin letter ('ő' → 'o'); '?'.
    /// Invisible characters (soft hyphen, zero-width space, controls) are dropped and tabs and
    /// exotic spaces become ' '. Layout measures and wraps this output, never the input.
    pub fn transliterate(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            self.push_transliterated(c, &mut out);
        }
        out
    }

    /// Transliterates and encodes `text`, appending the bytes to `out`.
    pub fn encode_into(self, text: &str, out: &mut Vec<u8>) {
        let mut scratch = String::new();
        for c in text.chars() {
            if let Some(byte) = self.encode_char(c) {
                out.push(byte);
                continue;
            }
            scratch.clear();
            self.push_transliterated(c, &mut scratch);
            // Every char pushed by `push_transliterated` is encodable (tested exhaustively).
            out.extend(scratch.chars().filter_map(|t| self.encode_char(t)));
        }
    }

    /// Transliterates and encodes `text` into a fresh buffer.
    pub fn encode(self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        self.encode_into(text, &mut out);
        out
    }

    /// Decodes printer bytes back to text; bytes with no character become U+FFFD.
    pub fn decode(self, bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|&b| self.decode_byte(b).unwrap_or('\u{FFFD}'))
            .collect()
    }

    fn high_table(self) -> &'static [char; 128] {
        match self {
            CodePage::Pc437 => &tables::PC437_HIGH,
            CodePage::Wpc1252 => &tables::WPC1252_HIGH,
        }
    }

    fn push_transliterated(self, c: char, out: &mut String) {
        if self.encode_char(c).is_some() {
            out.push(c);
            return;
        }
        if is_invisible(c) {
            return;
        }
        if c == '\t' || c == '\n' || c == '\r' || is_exotic_space(c) {
            out.push(' ');
            return;
        }
        if c.is_control() {
            return;
        }
        for candidate in substitutes(c) {
            if candidate.chars().all(|s| self.encode_char(s).is_some()) {
                out.push_str(candidate);
                return;
            }
        }
        if let Ok(index) = tables::LATIN_FOLD.binary_search_by(|(k, _)| k.cmp(&c)) {
            out.push_str(tables::LATIN_FOLD[index].1);
            return;
        }
        out.push('?');
    }
}

/// Characters that print nothing and must not take a column.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}'
    ) || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn is_exotic_space(c: char) -> bool {
    matches!(
        c,
        '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Substitutes tried in order; the first one the page can fully encode wins.
///
/// Every list ends in pure ASCII so it always succeeds on both pages.
fn substitutes(c: char) -> &'static [&'static str] {
    match c {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2043}' | '\u{FE63}' | '\u{FF0D}' => &["-"],
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{B4}' | '\u{2BC}' => {
            &["'"]
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{AB}' | '\u{BB}' => {
            &["\""]
        }
        '\u{2039}' => &["<"],
        '\u{203A}' => &[">"],
        '\u{2026}' => &["..."],
        '\u{2022}' | '\u{2023}' | '\u{25CF}' => &["\u{B7}", "*"],
        '\u{20AC}' => &["EUR"],
        '\u{2122}' => &["TM"],
        '\u{A9}' => &["(c)"],
        '\u{AE}' => &["(R)"],
        '\u{152}' => &["OE"],
        '\u{153}' => &["oe"],
        '\u{C6}' => &["AE"],
        '\u{E6}' => &["ae"],
        '\u{DF}' => &["ss"],
        '\u{D8}' => &["O"],
        '\u{F8}' => &["o"],
        '\u{D0}' | '\u{110}' => &["D"],
        '\u{F0}' | '\u{111}' => &["d"],
        '\u{DE}' => &["Th"],
        '\u{FE}' => &["th"],
        '\u{141}' => &["L"],
        '\u{142}' => &["l"],
        '\u{131}' => &["i"],
        '\u{2C6}' => &["^"],
        '\u{2DC}' => &["~"],
        '\u{2020}' | '\u{2021}' => &["+"],
        '\u{2030}' => &["o/oo"],
        '\u{192}' => &["f"],
        '\u{A6}' => &["|"],
        '\u{B2}' => &["2"],
        '\u{B3}' => &["3"],
        '\u{B9}' => &["1"],
        '\u{BC}' => &["1/4"],
        '\u{BD}' => &["1/2"],
        '\u{BE}' => &["3/4"],
        '\u{D7}' => &["x"],
        '\u{F7}' => &[":"],
        '\u{B0}' => &["o"],
        '\u{B1}' => &["+/-"],
        '\u{B7}' => &["."],
        '\u{A0}' => &[" "],
        '\u{2116}' => &["No."],
        '\u{2192}' => &["->"],
        '\u{2190}' => &["<-"],
        '\u{2713}' | '\u{2714}' => &["v"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphen_is_always_0x2d() {
        for page in CodePage::ALL {
            assert_eq!(page.encode("A-012"), b"A-012");
        }
    }

    #[test]
    fn tables_match_their_documented_anchors() {
        assert_eq!(CodePage::Pc437.encode_char('é'), Some(0x82));
        assert_eq!(CodePage::Pc437.encode_char('£'), Some(0x9C));
        assert_eq!(CodePage::Pc437.encode_char('\u{A0}'), Some(0xFF));
        assert_eq!(CodePage::Wpc1252.encode_char('€'), Some(0x80));
        assert_eq!(CodePage::Wpc1252.encode_char('–'), Some(0x96));
        assert_eq!(CodePage::Wpc1252.encode_char('—'), Some(0x97));
        assert_eq!(CodePage::Wpc1252.encode_char('é'), Some(0xE9));
        assert_eq!(CodePage::Wpc1252.decode_byte(0x81), None);
    }

    #[test]
    fn transliteration_examples() {
        let text = "PRIORITAS — “Lansia” … café Œuvre ő ☃";
        assert_eq!(
            CodePage::Pc437.transliterate(text),
            "PRIORITAS - \"Lansia\" ... café OEuvre o ?"
        );
        assert_eq!(
            CodePage::Wpc1252.transliterate(text),
            "PRIORITAS — “Lansia” … café Œuvre o ?"
        );
        assert_eq!(
            CodePage::Pc437.transliterate("a\u{AD}b\u{200B}c\td"),
            "abc d"
        );
    }

    /// Exhaustive over the Basic Multilingual Plane: whatever a site types into a service name,
    /// the printer receives only bytes of the selected page, never a control byte.
    #[test]
    fn every_bmp_char_transliterates_to_encodable_text() {
        for page in CodePage::ALL {
            for code in 0u32..=0xFFFF {
                let Some(c) = char::from_u32(code) else {
                    continue;
                };
                let text = page.transliterate(c.encode_utf8(&mut [0; 4]));
                for t in text.chars() {
                    let byte = page.encode_char(t);
                    assert!(
                        byte.is_some(),
                        "{page:?}: U+{code:04X} → {t:?} not encodable"
                    );
                    assert!(byte >= Some(0x20) && byte != Some(0x7F));
                }
                assert_eq!(page.decode(&page.encode(&text)), text, "U+{code:04X}");
            }
        }
    }

    #[test]
    fn fold_table_is_sorted() {
        assert!(tables::LATIN_FOLD.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
