//! Ratings, SKM imports and follow-ups on the wire and in the log.
//!
//! Answers travel as an array of nine in the regulation's scope order (U1 persyaratan …
//! U9 sarpras), `null` for a blank: compact enough for an import of 2,000 rows in one
//! message, and the order is fixed by `antrean_core::skm::Unsur::ALL`.

use antrean_core::LocalDate;
use antrean_core::rating::{
    FollowUp, FollowUpStatus, Gender, ImportedResponse, Profile, Rating, RatingSource,
};
use antrean_core::skm::{Response, Unsur};
use serde::{Deserialize, Serialize};

use crate::InvalidEvent;

/// Respondent profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileDto {
    /// "L" or "P".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_years: Option<u8>,
    /// SD … S3, LAINNYA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// PNS, TNI, POLRI, SWASTA, WIRAUSAHA, LAINNYA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// Disabilitas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<bool>,
}

/// A visitor's rating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingDto {
    /// One-tap face 1..=4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<u8>,
    /// The questionnaire: nine answers 1..=4 in scope order, `null` = blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<[Option<u8>; 9]>,
    /// Profile.
    #[serde(default, skip_serializing_if = "is_default")]
    pub profile: ProfileDto,
    /// Saran/masukan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// counter | ticket_page (set by the coordinator from who sent it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// A questionnaire collected outside the system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedResponseDto {
    /// Nine answers in scope order.
    pub answers: [Option<u8>; 9],
    /// Profile.
    #[serde(default, skip_serializing_if = "is_default")]
    pub profile: ProfileDto,
    /// Saran/masukan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// A follow-up action (tindak lanjut).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpDto {
    /// Unsur key ("waktu") or U-number; absent = the survey as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsur: Option<String>,
    /// Service code; absent = site-wide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// What is done.
    pub action: String,
    /// Target or completion date, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// planned | in_progress | done.
    pub status: String,
    /// Manager who recorded it (set by the coordinator).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recorded_by: String,
    /// Updates the follow-up first recorded at this time (its `at_ms` in the report);
    /// absent for a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revises_at_ms: Option<i64>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn bad(what: impl Into<String>) -> InvalidEvent {
    InvalidEvent(what.into())
}

/// Profile to the core, checking the enumerations.
pub fn profile_from_dto(dto: &ProfileDto) -> Result<Profile, InvalidEvent> {
    let gender = match dto.gender.as_deref() {
        None | Some("") => None,
        Some("L") => Some(Gender::L),
        Some("P") => Some(Gender::P),
        Some(other) => return Err(bad(format!("jenis kelamin \"{other}\" (L atau P)"))),
    };
    Ok(Profile {
        gender,
        age_years: dto.age_years,
        education: dto.education.clone().filter(|e| !e.is_empty()),
        occupation: dto.occupation.clone().filter(|o| !o.is_empty()),
        disability: dto.disability,
    })
}

/// Profile to the wire.
pub fn profile_to_dto(profile: &Profile) -> ProfileDto {
    ProfileDto {
        gender: profile.gender.map(|g| format!("{g:?}")),
        age_years: profile.age_years,
        education: profile.education.clone(),
        occupation: profile.occupation.clone(),
        disability: profile.disability,
    }
}

/// Rating to the core; `source` is the coordinator's, never the client's word.
pub fn rating_from_dto(dto: &RatingDto, source: RatingSource) -> Result<Rating, InvalidEvent> {
    Ok(Rating {
        face: dto.face,
        questionnaire: dto.answers.map(|answers| Response { answers }),
        profile: profile_from_dto(&dto.profile)?,
        suggestion: dto.suggestion.clone().filter(|s| !s.trim().is_empty()),
        source,
    })
}

/// Rating to the wire.
pub fn rating_to_dto(rating: &Rating) -> RatingDto {
    RatingDto {
        face: rating.face,
        answers: rating.questionnaire.as_ref().map(|q| q.answers),
        profile: profile_to_dto(&rating.profile),
        suggestion: rating.suggestion.clone(),
        source: rating.source.key().to_owned(),
    }
}

/// The source stored in a logged rating.
pub fn rating_source(key: &str) -> Result<RatingSource, InvalidEvent> {
    match key {
        "counter" => Ok(RatingSource::Counter),
        "ticket_page" => Ok(RatingSource::TicketPage),
        other => Err(bad(format!("rating source {other:?}"))),
    }
}

/// Imported questionnaire to the core.
pub fn imported_from_dto(dto: &ImportedResponseDto) -> Result<ImportedResponse, InvalidEvent> {
    Ok(ImportedResponse {
        questionnaire: Response {
            answers: dto.answers,
        },
        profile: profile_from_dto(&dto.profile)?,
        suggestion: dto.suggestion.clone().filter(|s| !s.trim().is_empty()),
    })
}

/// Imported questionnaire to the wire.
pub fn imported_to_dto(r: &ImportedResponse) -> ImportedResponseDto {
    ImportedResponseDto {
        answers: r.questionnaire.answers,
        profile: profile_to_dto(&r.profile),
        suggestion: r.suggestion.clone(),
    }
}

/// Follow-up to the core.
pub fn follow_up_from_dto(dto: &FollowUpDto) -> Result<FollowUp, InvalidEvent> {
    let unsur = match dto.unsur.as_deref() {
        None | Some("") => None,
        Some(text) => Some(Unsur::parse(text).ok_or_else(|| bad(format!("unsur {text:?}")))?),
    };
    let due = match dto.due.as_deref() {
        None | Some("") => None,
        Some(text) => Some(LocalDate::parse(text).ok_or_else(|| bad(format!("tanggal {text:?}")))?),
    };
    Ok(FollowUp {
        unsur,
        service: dto.service.clone().filter(|s| !s.is_empty()),
        action: dto.action.trim().to_owned(),
        due,
        status: FollowUpStatus::parse(&dto.status)
            .ok_or_else(|| bad(format!("status {:?}", dto.status)))?,
        recorded_by: dto.recorded_by.clone(),
        revises: dto.revises_at_ms.map(antrean_core::Timestamp),
    })
}

/// Follow-up to the wire.
pub fn follow_up_to_dto(f: &FollowUp) -> FollowUpDto {
    FollowUpDto {
        unsur: f.unsur.map(|u| u.key().to_owned()),
        service: f.service.clone(),
        action: f.action.clone(),
        due: f.due.map(|d| d.to_string()),
        status: f.status.key().to_owned(),
        recorded_by: f.recorded_by.clone(),
        revises_at_ms: f.revises.map(|t| t.0),
    }
}
