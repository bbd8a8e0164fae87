//! Every character the ticket templates can produce round-trips through every code page:
//! encoded bytes decode back to exactly the transliterated text, never raw UTF-8, '-' = 0x2D.

use antrean_printer::templates::labels;
use antrean_printer::{CodePage, Language, TicketPrint};

fn template_text() -> String {
    let mut text = String::new();
    for language in [Language::Indonesian, Language::English] {
        text.extend(labels(language).all_strings());
    }
    // Sample content as a site would type it, including typographic punctuation.
    let sample = TicketPrint::sample();
    text.push_str(&sample.site_name);
    text.push_str(&sample.agency_name);
    text.push_str(&sample.service_name);
    text.push_str(sample.priority_label.as_deref().unwrap_or_default());
    text.push_str(&sample.requirements.join(" "));
    text.push_str("“Legalisir” — café, naïve, Œ, €, …, •, ’");
    text
}

#[test]
fn every_template_character_round_trips() {
    let text = template_text();
    for page in CodePage::ALL {
        for c in text.chars() {
            let source = c.to_string();
            let expected = page.transliterate(&source);
            let bytes = page.encode(&source);
            assert!(
                bytes.iter().all(|&b| b >= 0x20 && b != 0x7F),
                "{page:?}: {c:?} → control byte {bytes:02X?}"
            );
            assert_eq!(page.decode(&bytes), expected, "{page:?}: {c:?}");
        }
    }
}

#[test]
fn indonesian_and_english_labels_are_pure_ascii_except_the_range_dash() {
    // Keeps the fixed wording identical on every printer.
    for language in [Language::Indonesian, Language::English] {
        for s in labels(language).all_strings() {
            assert!(s.is_ascii() || s == "\u{2013}", "{s:?}");
        }
    }
}

#[test]
fn dashes_and_quotes_per_page() {
    assert_eq!(CodePage::Pc437.encode("A-012 – “x”"), b"A-012 - \"x\"");
    assert_eq!(
        CodePage::Wpc1252.encode("A-012 – “x”"),
        b"A-012 \x96 \x93x\x94"
    );
    assert_eq!(CodePage::Pc437.encode("é"), [0x82]);
    assert_eq!(CodePage::Wpc1252.encode("é"), [0xE9]);
    assert_eq!(CodePage::Pc437.encode("€"), b"EUR");
}
