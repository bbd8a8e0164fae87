//! Screen text from the translation files in `kiosk-assets/i18n/` (a flat TOML map per
//! language, Indonesian first). The files are embedded so a kiosk never shows a missing key
//! because an asset folder was not copied; a unit test checks both languages have every key.

use std::collections::BTreeMap;

/// The visitor's language. Indonesian is the default of every site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Bahasa Indonesia.
    #[default]
    Indonesian,
    /// English.
    English,
}

impl Language {
    /// Parses the config value: "id" or "en".
    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "id" => Some(Language::Indonesian),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    /// The language the printer crate prints the fixed wording in.
    pub fn for_printer(self) -> antrean_printer::Language {
        match self {
            Language::Indonesian => antrean_printer::Language::Indonesian,
            Language::English => antrean_printer::Language::English,
        }
    }

    /// Picks the catalog's name in this language (catalog names come in pairs).
    pub fn pick<'a>(self, name_id: &'a str, name_en: &'a str) -> &'a str {
        match self {
            Language::English if !name_en.is_empty() => name_en,
            _ => name_id,
        }
    }
}

const INDONESIAN_TOML: &str = include_str!("../../../../kiosk-assets/i18n/id.toml");
const ENGLISH_TOML: &str = include_str!("../../../../kiosk-assets/i18n/en.toml");

/// All screen strings of one language.
#[derive(Debug, Clone)]
pub struct Strings {
    language: Language,
    table: BTreeMap<String, String>,
}

impl Strings {
    /// The embedded table for `language`.
    pub fn for_language(language: Language) -> Strings {
        let text = match language {
            Language::Indonesian => INDONESIAN_TOML,
            Language::English => ENGLISH_TOML,
        };
        Strings::parse(language, text).expect("embedded translation files are valid TOML maps")
    }

    /// Parses a flat `key = "text"` TOML table.
    pub fn parse(language: Language, text: &str) -> Result<Strings, toml::de::Error> {
        let table: BTreeMap<String, String> = toml::from_str(text)?;
        Ok(Strings { language, table })
    }

    /// The language of this table.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The text for `key`. A missing key shows the key itself (visible in screenshots and
    /// caught by the key-parity test) instead of crashing a kiosk in front of a visitor.
    pub fn get(&self, key: &str) -> String {
        self.table
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A count phrase: `{key}_one` when `count` is 1 ("1 service", not "1 services"),
    /// otherwise `key`, with `{count}` replaced.
    pub fn count(&self, key: &str, count: u64) -> String {
        let one = format!("{key}_one");
        let key = if count == 1 && self.table.contains_key(&one) {
            one.as_str()
        } else {
            key
        };
        self.fill(key, &[("count", &count.to_string())])
    }

    /// Keys of this table, for the parity test.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_one_are_singular() {
        let en = Strings::for_language(Language::English);
        assert_eq!(en.count("people_ahead", 1), "1 person ahead of you");
        assert_eq!(en.count("people_ahead", 3), "3 people ahead of you");
        assert_eq!(en.count("services_count", 1), "1 service");
        let id = Strings::for_language(Language::Indonesian);
        assert_eq!(id.count("services_count", 1), "1 layanan");
    }

    /// The Indonesian screens use the Indonesian words ("kios", not "kiosk"; "penutup
    /// printer", the printer's cover, not "tutup", which reads as "close").
    #[test]
    fn indonesian_text_uses_indonesian_terms() {
        let id = Strings::for_language(Language::Indonesian);
        for key in id.keys() {
            let text = id.get(key);
            assert!(
                !text.contains("Kiosk") && !text.contains("kiosk"),
                "{key}: {text}"
            );
            assert!(!text.contains("Tutup printer"), "{key}: {text}");
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let id: Vec<_> = Strings::for_language(Language::Indonesian)
            .keys()
            .map(str::to_owned)
            .collect();
        let en: Vec<_> = Strings::for_language(Language::English)
            .keys()
            .map(str::to_owned)
            .collect();
        assert_eq!(id, en);
    }

    #[test]
    fn indonesian_uses_standard_spelling() {
        let id = Strings::for_language(Language::Indonesian);
        for key in id.keys() {
            let text = id.get(key).to_lowercase();
            for wrong in ["antrian", "nomer", "silahkan"] {
                assert!(
                    !text.contains(wrong),
                    "{key}: '{wrong}' is not PUEBI/KBBI spelling"
                );
            }
        }
        assert_eq!(id.get("take_number"), "Ambil Nomor Antrean");
        assert_eq!(id.get("larger_text"), "Perbesar teks");
    }

    #[test]
    fn placeholders_are_filled() {
        let id = Strings::for_language(Language::Indonesian);
        assert_eq!(
            id.fill("people_ahead", &[("count", "4")]),
            "4 orang di depan Anda"
        );
        let en = Strings::for_language(Language::English);
        assert_eq!(en.fill("at_counter", &[("counter", "3")]), "Counter 3");
    }

    #[test]
    fn missing_key_shows_the_key() {
        let id = Strings::for_language(Language::Indonesian);
        assert_eq!(id.get("no_such_key"), "no_such_key");
    }
}
