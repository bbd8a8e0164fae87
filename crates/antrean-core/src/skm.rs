//! Survei Kepuasan Masyarakat (SKM) and its index, the IKM — PermenPAN-RB No. 14 Tahun 2017.
//!
//! Where other implementations go wrong (docs/domain.md §1–§2), and what this module does:
//! - **Per-unsur denominators.** NRR of an unsur = sum of its answers / number of
//!   respondents who *answered that unsur*; a blank is not a zero.
//! - **Weight.** Exact 1/9 by default; the rounded 0,111 many offices' spreadsheets use is a
//!   "legacy" setting, and results say which was used.
//! - **Rounding before classification.** The IKM (25–100) is rounded to 2 decimals, then
//!   classified; a value like 88,305 is 88,31 → A, not B.
//! - **Stable keys.** Unsur are stored by key; the U-number is only a display order (the
//!   regulation's scope list and its questionnaire order the last two differently).

use std::fmt;

/// The nine elements, in the regulation's scope order (U1..U9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unsur {
    /// U1 Persyaratan.
    Persyaratan,
    /// U2 Sistem, Mekanisme, dan Prosedur.
    Prosedur,
    /// U3 Waktu Penyelesaian.
    Waktu,
    /// U4 Biaya/Tarif.
    Biaya,
    /// U5 Produk Spesifikasi Jenis Pelayanan.
    Produk,
    /// U6 Kompetensi Pelaksana.
    Kompetensi,
    /// U7 Perilaku Pelaksana.
    Perilaku,
    /// U8 Penanganan Pengaduan, Saran dan Masukan.
    Pengaduan,
    /// U9 Sarana dan Prasarana.
    Sarpras,
}

impl Unsur {
    /// All nine in scope order.
    pub const ALL: [Unsur; 9] = [
        Unsur::Persyaratan,
        Unsur::Prosedur,
        Unsur::Waktu,
        Unsur::Biaya,
        Unsur::Produk,
        Unsur::Kompetensi,
        Unsur::Perilaku,
        Unsur::Pengaduan,
        Unsur::Sarpras,
    ];

    /// Stable storage key ("persyaratan").
    pub fn key(self) -> &'static str {
        [
            "persyaratan",
            "prosedur",
            "waktu",
            "biaya",
            "produk",
            "kompetensi",
            "perilaku",
            "pengaduan",
            "sarpras",
        ][self as usize]
    }

    /// Display number in the scope order: 1 for U1.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// Name as published.
    pub fn name_id(self) -> &'static str {
        [
            "Persyaratan",
            "Sistem, Mekanisme, dan Prosedur",
            "Waktu Penyelesaian",
            "Biaya/Tarif",
            "Produk Spesifikasi Jenis Pelayanan",
            "Kompetensi Pelaksana",
            "Perilaku Pelaksana",
            "Penanganan Pengaduan, Saran dan Masukan",
            "Sarana dan Prasarana",
        ][self as usize]
    }

    /// Parses a key ("waktu") or a U-number in scope order ("U3", "u3").
    pub fn parse(text: &str) -> Option<Unsur> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(n) = t.strip_prefix('u').and_then(|n| n.parse::<usize>().ok()) {
            return (1..=9).contains(&n).then(|| Unsur::ALL[n - 1]);
        }
        Unsur::ALL.into_iter().find(|u| u.key() == t)
    }
}

/// One respondent's answers, 1..=4 per unsur (a..d); `None` = not answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// Answers in [`Unsur::ALL`] order.
    pub answers: [Option<u8>; 9],
}

impl Response {
    /// A response from answers in scope order; values outside 1..=4 are refused.
    pub fn new(answers: [Option<u8>; 9]) -> Result<Response, SkmError> {
        for (unsur, answer) in Unsur::ALL.into_iter().zip(answers) {
            if let Some(value) = answer.filter(|v| !(1..=4).contains(v)) {
                return Err(SkmError::AnswerOutOfRange { unsur, value });
            }
        }
        Ok(Response { answers })
    }
}

/// The weight of each unsur's NRR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Weight {
    /// 1/9 exactly (default).
    #[default]
    Exact,
    /// 0,111, as in many offices' spreadsheets (maximum 99,90).
    Legacy,
}

impl Weight {
    /// The factor.
    pub fn factor(self) -> f64 {
        match self {
            Weight::Exact => 1.0 / 9.0,
            Weight::Legacy => 0.111,
        }
    }

    /// How reports name it.
    pub fn label_id(self) -> &'static str {
        match self {
            Weight::Exact => "bobot 1/9 (eksak)",
            Weight::Legacy => "bobot 0,111 (pembulatan)",
        }
    }
}

/// Quality grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mutu {
    /// 88,31–100,00 Sangat baik.
    A,
    /// 76,61–88,30 Baik.
    B,
    /// 65,00–76,60 Kurang baik.
    C,
    /// 25,00–64,99 Tidak baik.
    D,
}

impl Mutu {
    /// Classifies a value on the 25–100 scale, rounding it to 2 decimals first.
    pub fn of(value: f64) -> Mutu {
        // Compare in hundredths so 76.605 and friends land where the table says.
        let hundredths = crate::money::round_half_away(value, 2) * 100.0;
        let h = hundredths.round() as i64;
        if h < 6500 {
            Mutu::D
        } else if h <= 7660 {
            Mutu::C
        } else if h <= 8830 {
            Mutu::B
        } else {
            Mutu::A
        }
    }

    /// Kinerja label.
    pub fn kinerja(self) -> &'static str {
        match self {
            Mutu::A => "Sangat baik",
            Mutu::B => "Baik",
            Mutu::C => "Kurang baik",
            Mutu::D => "Tidak baik",
        }
    }
}

impl fmt::Display for Mutu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// Figures of one unsur.
#[derive(Clone, Debug, PartialEq)]
pub struct UnsurResult {
    /// Which.
    pub unsur: Unsur,
    /// Respondents who answered it (its own denominator).
    pub answered: u32,
    /// Sum of the answers.
    pub sum: u32,
    /// Nilai rata-rata: sum / answered.
    pub nrr: f64,
    /// NRR × weight.
    pub nrr_weighted: f64,
    /// NRR × 25 rounded to 2 decimals (the unsur's own quality on the 25–100 scale).
    pub score: f64,
    /// Its grade.
    pub mutu: Mutu,
}

/// An IKM computation.
#[derive(Clone, Debug, PartialEq)]
pub struct IkmResult {
    /// Questionnaires counted.
    pub respondents: u32,
    /// Weight used.
    pub weight: Weight,
    /// Per unsur in scope order.
    pub unsur: Vec<UnsurResult>,
    /// Σ weighted NRR × 25, not rounded.
    pub ikm_exact: f64,
    /// Rounded to 2 decimals: the published value.
    pub ikm: f64,
    /// Grade of `ikm`.
    pub mutu: Mutu,
}

/// Why an IKM cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkmError {
    /// No questionnaires.
    NoResponses,
    /// Nobody answered this unsur: its NRR is undefined (a blank is not a zero).
    UnsurUnanswered(Unsur),
    /// An answer outside 1..=4.
    AnswerOutOfRange {
        /// Which unsur.
        unsur: Unsur,
        /// The value given.
        value: u8,
    },
}

impl fmt::Display for SkmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkmError::NoResponses => write!(f, "tidak ada kuesioner"),
            SkmError::UnsurUnanswered(u) => write!(
                f,
                "tidak ada jawaban untuk unsur U{} ({})",
                u.number(),
                u.key()
            ),
            SkmError::AnswerOutOfRange { unsur, value } => {
                write!(f, "jawaban {value} untuk unsur {} di luar 1–4", unsur.key())
            }
        }
    }
}

impl std::error::Error for SkmError {}

/// Running sums of questionnaires: what the IKM needs, in constant space, so a quarter's
/// figures can be kept live and merged across services.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Questionnaires counted.
    pub respondents: u32,
    /// Per unsur (scope order): respondents who answered it.
    pub answered: [u32; 9],
    /// Per unsur: sum of the answers.
    pub sum: [u32; 9],
}

impl Tally {
    /// Adds one questionnaire (values are assumed checked: 1..=4).
    pub fn add(&mut self, response: &Response) {
        self.respondents += 1;
        for (i, answer) in response.answers.iter().enumerate() {
            if let Some(a) = answer {
                self.answered[i] += 1;
                self.sum[i] += u32::from(*a);
            }
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &Tally) {
        self.respondents += other.respondents;
        for i in 0..9 {
            self.answered[i] += other.answered[i];
            self.sum[i] += other.sum[i];
        }
    }

    /// The IKM of everything added.
    pub fn ikm(&self, weight: Weight) -> Result<IkmResult, SkmError> {
        if self.respondents == 0 {
            return Err(SkmError::NoResponses);
        }
        let mut unsur = Vec::with_capacity(9);
        let mut total_weighted = 0.0;
        for (i, u) in Unsur::ALL.into_iter().enumerate() {
            let (answered, sum) = (self.answered[i], self.sum[i]);
            if answered == 0 {
                return Err(SkmError::UnsurUnanswered(u));
            }
            let nrr = f64::from(sum) / f64::from(answered);
            let nrr_weighted = nrr * weight.factor();
            total_weighted += nrr_weighted;
            let score = crate::money::round_half_away(nrr * 25.0, 2);
            unsur.push(UnsurResult {
                unsur: u,
                answered,
                sum,
                nrr,
                nrr_weighted,
                score,
                mutu: Mutu::of(score),
            });
        }
        let ikm_exact = total_weighted * 25.0;
        let ikm = crate::money::round_half_away(ikm_exact, 2);
        Ok(IkmResult {
            respondents: self.respondents,
            weight,
            unsur,
            ikm_exact,
            ikm,
            mutu: Mutu::of(ikm),
        })
    }
}

/// Computes the IKM of `responses`.
pub fn ikm(responses: &[Response], weight: Weight) -> Result<IkmResult, SkmError> {
    for r in responses {
        Response::new(r.answers)?;
    }
    let mut tally = Tally::default();
    responses.iter().for_each(|r| tally.add(r));
    tally.ikm(weight)
}

/// Krejcie & Morgan (1970) sample size for a population of `population` service users
/// (χ² = 3,841, P = 0,5, d = 0,05), rounded to the nearest integer — the table the
/// regulation points to. N = 100 → 80, N = 1.000 → 278.
pub fn krejcie_morgan_sample(population: u64) -> u64 {
    if population == 0 {
        return 0;
    }
    let (chi2, p, d) = (3.841_f64, 0.5_f64, 0.05_f64);
    let n = population as f64;
    let s = chi2 * n * p * (1.0 - p) / (d * d * (n - 1.0) + chi2 * p * (1.0 - p));
    s.round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: [u8; 9]) -> Response {
        Response::new(a.map(|v| (v != 0).then_some(v))).unwrap()
    }

    /// docs/domain.md §3 worked example: 5 respondents, R4 left U9 blank.
    fn worked_example() -> Vec<Response> {
        vec![
            r([4, 3, 3, 2, 4, 3, 4, 3, 2]),
            r([3, 3, 2, 4, 4, 3, 3, 3, 3]),
            r([4, 4, 3, 4, 3, 4, 4, 2, 3]),
            r([2, 3, 3, 4, 3, 3, 4, 3, 0]),
            r([3, 2, 4, 4, 4, 3, 3, 4, 3]),
        ]
    }

    #[test]
    fn the_regulation_worked_example() {
        let exact = ikm(&worked_example(), Weight::Exact).unwrap();
        let nrr: Vec<f64> = exact
            .unsur
            .iter()
            .map(|u| (u.nrr * 100.0).round() / 100.0)
            .collect();
        assert_eq!(
            nrr,
            vec![3.20, 3.00, 3.00, 3.60, 3.60, 3.20, 3.60, 3.00, 2.75]
        );
        assert_eq!(exact.unsur[8].answered, 4, "the blank is not a zero");
        assert_eq!(exact.ikm, 80.42);
        assert_eq!(exact.mutu, Mutu::B);
        let legacy = ikm(&worked_example(), Weight::Legacy).unwrap();
        assert_eq!(legacy.ikm, 80.34);
        assert_eq!(legacy.mutu, Mutu::B);
    }

    #[test]
    fn extremes_in_both_weights() {
        let all = |v| vec![r([v; 9]); 3];
        assert_eq!(ikm(&all(4), Weight::Exact).unwrap().ikm, 100.0);
        assert_eq!(ikm(&all(4), Weight::Legacy).unwrap().ikm, 99.9);
        assert_eq!(ikm(&all(1), Weight::Exact).unwrap().ikm, 25.0);
        assert_eq!(ikm(&all(1), Weight::Legacy).unwrap().ikm, 24.98);
        assert_eq!(ikm(&all(1), Weight::Exact).unwrap().mutu, Mutu::D);
    }

    #[test]
    fn grade_boundaries_after_rounding() {
        for (value, mutu) in [
            (64.99, Mutu::D),
            (64.994, Mutu::D),
            (64.995, Mutu::C),
            (65.00, Mutu::C),
            (76.60, Mutu::C),
            (76.604, Mutu::C),
            (76.605, Mutu::B),
            (76.61, Mutu::B),
            (88.30, Mutu::B),
            (88.305, Mutu::A),
            (88.31, Mutu::A),
            (100.0, Mutu::A),
        ] {
            assert_eq!(Mutu::of(value), mutu, "{value}");
        }
        assert_eq!(Mutu::B.kinerja(), "Baik");
    }

    #[test]
    fn blanks_unanswered_unsur_and_bad_values() {
        assert_eq!(ikm(&[], Weight::Exact), Err(SkmError::NoResponses));
        let missing = vec![r([4, 4, 4, 4, 4, 4, 4, 4, 0])];
        assert_eq!(
            ikm(&missing, Weight::Exact),
            Err(SkmError::UnsurUnanswered(Unsur::Sarpras))
        );
        assert!(matches!(
            Response::new([Some(5), None, None, None, None, None, None, None, None]),
            Err(SkmError::AnswerOutOfRange { .. })
        ));
        // One unsur answered by one person out of three: its NRR uses 1 as denominator.
        let sparse = vec![
            r([4, 4, 4, 4, 4, 4, 4, 4, 1]),
            r([4, 4, 4, 4, 4, 4, 4, 4, 0]),
            r([4, 4, 4, 4, 4, 4, 4, 4, 0]),
        ];
        let result = ikm(&sparse, Weight::Exact).unwrap();
        assert_eq!(result.unsur[8].nrr, 1.0);
        assert_eq!(
            result.ikm,
            crate::money::round_half_away((8.0 * 4.0 + 1.0) / 9.0 * 25.0, 2)
        );
    }

    #[test]
    fn unsur_keys_and_numbers() {
        assert_eq!(Unsur::parse("U9"), Some(Unsur::Sarpras));
        assert_eq!(Unsur::parse("pengaduan"), Some(Unsur::Pengaduan));
        assert_eq!(Unsur::parse("u10"), None);
        assert_eq!(Unsur::Pengaduan.number(), 8);
        for u in Unsur::ALL {
            assert_eq!(Unsur::parse(u.key()), Some(u));
        }
    }

    #[test]
    fn krejcie_morgan_table() {
        assert_eq!(krejcie_morgan_sample(100), 80);
        assert_eq!(krejcie_morgan_sample(1_000), 278);
        assert_eq!(krejcie_morgan_sample(10), 10);
        assert_eq!(krejcie_morgan_sample(0), 0);
        // The table's large-population limit is 384.
        assert_eq!(krejcie_morgan_sample(1_000_000), 384);
    }
}
