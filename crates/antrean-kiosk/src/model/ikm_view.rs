//! The published satisfaction index (IKM) on the attract screen. Publishing the survey
//! result where visitors see it is part of what the Zona Integritas evaluation asks for.

use antrean_core::money::group_thousands;
use antrean_protocol::PublishedIkmDto;

use super::Strings;

/// "Indeks Kepuasan Masyarakat Triwulan IV 2026: 80,42 — mutu B (Baik), 384 responden".
pub fn ikm_line(strings: &Strings, ikm: &PublishedIkmDto) -> String {
    // The performance word follows the screen's language; the grade letter and the period
    // name are the regulation's own.
    let kinerja_key = match ikm.mutu.as_str() {
        "A" => "kinerja_a",
        "B" => "kinerja_b",
        "C" => "kinerja_c",
        _ => "kinerja_d",
    };
    strings.fill(
        "ikm_line",
        &[
            ("period", &ikm.period_id),
            ("ikm", &ikm.ikm_text),
            ("mutu", &ikm.mutu),
            ("kinerja", &strings.get(kinerja_key)),
            ("respondents", &group_thousands(u64::from(ikm.respondents))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

    fn published(mutu: &str, kinerja: &str, respondents: u32) -> PublishedIkmDto {
        PublishedIkmDto {
            period_id: "Triwulan IV 2026".into(),
            respondents,
            ikm: 80.42,
            ikm_text: "80,42".into(),
            mutu: mutu.into(),
            kinerja: kinerja.into(),
            target_respondents: 0,
        }
    }

    #[test]
    fn indonesian_line_uses_the_regulations_words_and_puebi_numbers() {
        let line = ikm_line(
            &Strings::for_language(Language::Indonesian),
            &published("B", "Baik", 1_384),
        );
        assert_eq!(
            line,
            "Indeks Kepuasan Masyarakat Triwulan IV 2026: 80,42 — mutu B (Baik), 1.384 responden"
        );
    }

    #[test]
    fn english_line_translates_the_performance_word_only() {
        let line = ikm_line(
            &Strings::for_language(Language::English),
            &published("A", "Sangat Baik", 120),
        );
        assert_eq!(
            line,
            "Public satisfaction index (IKM) Triwulan IV 2026: 80,42 — grade A (very good), 120 respondents"
        );
    }
}
