//! Visitor ratings: the one-tap face and the SKM questionnaire (PermenPAN-RB 14/2017), the
//! rules for when a ticket may be rated, and the managers' follow-up log (tindak lanjut).
//!
//! A ticket may be rated **once**, only **after it was served**, within the site's rating
//! window. "Once" is per part: a visitor who tapped a face may still fill in the
//! questionnaire, but neither part can be given twice or changed — a rating that could be
//! repeated or edited would not be a survey.

use crate::skm::{Response, Unsur};
use crate::time::LocalDate;

/// Longest rating window a site may configure: the state keeps finished tickets rateable
/// for this long (across midnight), so memory stays bounded by one day of visitors.
pub const MAX_RATING_WINDOW_S: u32 = 24 * 60 * 60;

/// Default rating window: long enough to rate on the phone on the way home.
pub const DEFAULT_RATING_WINDOW_S: u32 = 2 * 60 * 60;

/// Longest saran/masukan, in characters: a paragraph, not a document (stored in the log).
pub const MAX_SUGGESTION_CHARS: usize = 1000;

/// Respondents in one import. One import is one event (all or nothing), so this bounds an
/// event's and a request's size; a quarter's survey needs at most 384 respondents
/// (Krejcie–Morgan for any population), so 2,000 covers a busy MPP's year per file.
pub const MAX_IMPORT_RESPONDENTS: usize = 2000;

/// Longest follow-up action text, in characters.
pub const MAX_FOLLOW_UP_CHARS: usize = 2000;

/// The four faces of the one-tap rating, 1 (worst) to 4 (best).
pub const FACES_ID: [&str; 4] = ["Tidak puas", "Kurang puas", "Puas", "Sangat puas"];

/// Education levels of the questionnaire's profile block.
pub const EDUCATION: [&str; 8] = ["SD", "SMP", "SMA", "D3", "S1", "S2", "S3", "LAINNYA"];

/// Occupations of the questionnaire's profile block.
pub const OCCUPATION: [&str; 6] = ["PNS", "TNI", "POLRI", "SWASTA", "WIRAUSAHA", "LAINNYA"];

/// Where a rating came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RatingSource {
    /// The rating screen at the counter.
    Counter,
    /// The visitor's digital ticket page.
    TicketPage,
}

impl RatingSource {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            RatingSource::Counter => "counter",
            RatingSource::TicketPage => "ticket_page",
        }
    }
}

/// Jenis kelamin as the questionnaire asks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Laki-laki.
    L,
    /// Perempuan.
    P,
}

/// The optional respondent profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// L/P.
    pub gender: Option<Gender>,
    /// Age in years.
    pub age_years: Option<u8>,
    /// One of [`EDUCATION`].
    pub education: Option<String>,
    /// One of [`OCCUPATION`].
    pub occupation: Option<String>,
    /// Disabilitas (ya/tidak).
    pub disability: Option<bool>,
}

/// What a visitor submits.
#[derive(Clone, Debug, PartialEq)]
pub struct Rating {
    /// One-tap face, 1..=4.
    pub face: Option<u8>,
    /// The nine-unsur questionnaire.
    pub questionnaire: Option<Response>,
    /// Profile block.
    pub profile: Profile,
    /// Saran/masukan (managers only).
    pub suggestion: Option<String>,
    /// Where.
    pub source: RatingSource,
}

/// A rating that does not make sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingProblem {
    /// Neither a face nor a questionnaire.
    Empty,
    /// Face outside 1..=4.
    FaceOutOfRange(u8),
    /// A questionnaire with no answer at all.
    QuestionnaireBlank,
    /// An answer outside 1..=4.
    AnswerOutOfRange(Unsur, u8),
    /// Age outside 10..=120.
    Age(u8),
    /// Education not in [`EDUCATION`].
    Education(String),
    /// Occupation not in [`OCCUPATION`].
    Occupation(String),
    /// Suggestion too long.
    SuggestionTooLong,
}

impl RatingProblem {
    /// Message in Indonesian.
    pub fn message_id(&self) -> String {
        match self {
            RatingProblem::Empty => "Penilaian kosong: pilih wajah atau isi kuesioner.".into(),
            RatingProblem::FaceOutOfRange(v) => format!("Nilai wajah {v} di luar 1–4."),
            RatingProblem::QuestionnaireBlank => "Kuesioner belum diisi sama sekali.".into(),
            RatingProblem::AnswerOutOfRange(u, v) => {
                format!("Jawaban {v} untuk unsur {} di luar 1–4.", u.name_id())
            }
            RatingProblem::Age(v) => format!("Usia {v} tahun tidak valid (10–120)."),
            RatingProblem::Education(v) => format!(
                "Pendidikan \"{v}\" tidak dikenal ({}).",
                EDUCATION.join(", ")
            ),
            RatingProblem::Occupation(v) => format!(
                "Pekerjaan \"{v}\" tidak dikenal ({}).",
                OCCUPATION.join(", ")
            ),
            RatingProblem::SuggestionTooLong => {
                format!("Saran/masukan terlalu panjang (maksimal {MAX_SUGGESTION_CHARS} karakter).")
            }
        }
    }

    /// Message in English.
    pub fn message_en(&self) -> String {
        match self {
            RatingProblem::Empty => "Empty rating: pick a face or fill in the survey.".into(),
            RatingProblem::FaceOutOfRange(v) => format!("Face value {v} is outside 1–4."),
            RatingProblem::QuestionnaireBlank => "The survey has no answer at all.".into(),
            RatingProblem::AnswerOutOfRange(u, v) => {
                format!("Answer {v} for {} is outside 1–4.", u.key())
            }
            RatingProblem::Age(v) => format!("Age {v} is not valid (10–120)."),
            RatingProblem::Education(v) => format!("Unknown education \"{v}\"."),
            RatingProblem::Occupation(v) => format!("Unknown occupation \"{v}\"."),
            RatingProblem::SuggestionTooLong => {
                format!("Suggestion too long (at most {MAX_SUGGESTION_CHARS} characters).")
            }
        }
    }
}

impl Profile {
    /// Checks the profile fields.
    pub fn check(&self) -> Result<(), RatingProblem> {
        if let Some(age) = self.age_years.filter(|a| !(10..=120).contains(a)) {
            return Err(RatingProblem::Age(age));
        }
        if let Some(e) = self
            .education
            .as_ref()
            .filter(|e| !EDUCATION.contains(&e.as_str()))
        {
            return Err(RatingProblem::Education(e.clone()));
        }
        if let Some(o) = self
            .occupation
            .as_ref()
            .filter(|o| !OCCUPATION.contains(&o.as_str()))
        {
            return Err(RatingProblem::Occupation(o.clone()));
        }
        Ok(())
    }
}

/// Checks a suggestion's length.
pub fn check_suggestion(suggestion: Option<&str>) -> Result<(), RatingProblem> {
    match suggestion {
        Some(s) if s.chars().count() > MAX_SUGGESTION_CHARS => {
            Err(RatingProblem::SuggestionTooLong)
        }
        _ => Ok(()),
    }
}

impl Rating {
    /// Checks everything but the queue rules (those are the engine's).
    pub fn check(&self) -> Result<(), RatingProblem> {
        if self.face.is_none() && self.questionnaire.is_none() {
            return Err(RatingProblem::Empty);
        }
        if let Some(face) = self.face.filter(|f| !(1..=4).contains(f)) {
            return Err(RatingProblem::FaceOutOfRange(face));
        }
        if let Some(q) = &self.questionnaire {
            check_answers(q)?;
        }
        self.profile.check()?;
        check_suggestion(self.suggestion.as_deref())
    }
}

/// Checks a questionnaire: at least one answer, each 1..=4.
pub fn check_answers(q: &Response) -> Result<(), RatingProblem> {
    if q.answers.iter().all(Option::is_none) {
        return Err(RatingProblem::QuestionnaireBlank);
    }
    for (unsur, answer) in Unsur::ALL.into_iter().zip(q.answers) {
        if let Some(v) = answer.filter(|v| !(1..=4).contains(v)) {
            return Err(RatingProblem::AnswerOutOfRange(unsur, v));
        }
    }
    Ok(())
}

/// A questionnaire collected outside the system (paper, other tools).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedResponse {
    /// Answers.
    pub questionnaire: Response,
    /// Profile.
    pub profile: Profile,
    /// Saran/masukan.
    pub suggestion: Option<String>,
}

/// Status of a follow-up action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUpStatus {
    /// Planned (rencana).
    Planned,
    /// In progress (proses).
    InProgress,
    /// Done (selesai).
    Done,
}

impl FollowUpStatus {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            FollowUpStatus::Planned => "planned",
            FollowUpStatus::InProgress => "in_progress",
            FollowUpStatus::Done => "done",
        }
    }

    /// Parses a key.
    pub fn parse(text: &str) -> Option<FollowUpStatus> {
        [
            FollowUpStatus::Planned,
            FollowUpStatus::InProgress,
            FollowUpStatus::Done,
        ]
        .into_iter()
        .find(|s| s.key() == text)
    }

    /// Indonesian label.
    pub fn label_id(self) -> &'static str {
        match self {
            FollowUpStatus::Planned => "Rencana",
            FollowUpStatus::InProgress => "Dalam proses",
            FollowUpStatus::Done => "Selesai",
        }
    }
}

/// A follow-up action (tindak lanjut) on an SKM result.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowUp {
    /// The unsur it addresses (None: the survey as a whole).
    pub unsur: Option<Unsur>,
    /// Service it concerns (None: the whole site).
    pub service: Option<String>,
    /// What is done.
    pub action: String,
    /// Target or completion date.
    pub due: Option<LocalDate>,
    /// Status.
    pub status: FollowUpStatus,
    /// Manager who recorded it.
    pub recorded_by: String,
    /// This updates the follow-up first recorded at that time (its status moves on, its
    /// action or date is corrected); None for a new follow-up. A follow-up is known by the
    /// time it was first recorded, as the report lists it.
    pub revises: Option<crate::time::Timestamp>,
}

/// A finished ticket that may still be rated (kept by the state for the rating window).
#[derive(Clone, Debug, PartialEq)]
pub struct Rateable {
    /// When service finished (ms since epoch).
    pub finished_at: crate::time::Timestamp,
    /// Service it was served for.
    pub service: String,
    /// Counter.
    pub counter: String,
    /// Officer.
    pub officer: Option<String>,
    /// The face was given.
    pub face_given: bool,
    /// The questionnaire was given.
    pub questionnaire_given: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(face: Option<u8>, q: Option<[Option<u8>; 9]>) -> Rating {
        Rating {
            face,
            questionnaire: q.map(|answers| Response { answers }),
            profile: Profile::default(),
            suggestion: None,
            source: RatingSource::Counter,
        }
    }

    #[test]
    fn a_rating_needs_a_face_or_answers_in_range() {
        assert_eq!(rating(None, None).check(), Err(RatingProblem::Empty));
        assert_eq!(
            rating(Some(5), None).check(),
            Err(RatingProblem::FaceOutOfRange(5))
        );
        assert_eq!(
            rating(None, Some([None; 9])).check(),
            Err(RatingProblem::QuestionnaireBlank)
        );
        let mut answers = [Some(3); 9];
        answers[2] = Some(0);
        assert_eq!(
            rating(None, Some(answers)).check(),
            Err(RatingProblem::AnswerOutOfRange(Unsur::Waktu, 0))
        );
        answers[2] = None;
        assert_eq!(rating(Some(4), Some(answers)).check(), Ok(()));
    }

    #[test]
    fn profile_values_come_from_the_questionnaire_lists() {
        let mut r = rating(Some(3), None);
        r.profile.education = Some("S1".into());
        r.profile.occupation = Some("PETANI".into());
        assert_eq!(r.check(), Err(RatingProblem::Occupation("PETANI".into())));
        r.profile.occupation = Some("LAINNYA".into());
        r.profile.age_years = Some(7);
        assert_eq!(r.check(), Err(RatingProblem::Age(7)));
        r.profile.age_years = Some(67);
        r.suggestion = Some("x".repeat(MAX_SUGGESTION_CHARS + 1));
        assert_eq!(r.check(), Err(RatingProblem::SuggestionTooLong));
        r.suggestion = Some("é".repeat(MAX_SUGGESTION_CHARS));
        assert_eq!(r.check(), Ok(()));
    }
}
