//! Rules for ratings, imports and follow-ups (see [`crate::rating`]).

use super::Engine;
use crate::event::Event;
use crate::rating::{
    FollowUp, ImportedResponse, MAX_FOLLOW_UP_CHARS, MAX_IMPORT_RESPONDENTS, Rating, check_answers,
    check_suggestion,
};
use crate::rejection::Rejection;
use crate::ticket::TicketId;
use crate::time::{LocalDate, Timestamp};

impl Engine {
    pub(super) fn decide_rate(
        &self,
        ticket: TicketId,
        rating: &Rating,
        at_counter: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<Event>, Rejection> {
        rating.check().map_err(Rejection::InvalidRating)?;
        let window_ms = i64::from(self.catalog.policy.rating_window_s) * 1000;
        let rateable = self
            .state
            .rateable
            .get(&ticket)
            .filter(|r| at.0 - r.finished_at.0 <= window_ms)
            .ok_or(Rejection::NotRateable {
                window_min: self.catalog.policy.rating_window_s / 60,
            })?;
        if at_counter.is_some_and(|c| c != rateable.counter) {
            return Err(Rejection::RatedAtOtherCounter);
        }
        if (rating.face.is_some() && rateable.face_given)
            || (rating.questionnaire.is_some() && rateable.questionnaire_given)
        {
            return Err(Rejection::AlreadyRated);
        }
        let agency = self
            .catalog
            .service(&rateable.service)
            .map_or_else(String::new, |s| s.agency.clone());
        Ok(vec![Event::ServiceRated {
            ticket,
            service: rateable.service.clone(),
            agency,
            counter: rateable.counter.clone(),
            officer: rateable.officer.clone(),
            rating: rating.clone(),
        }])
    }

    pub(super) fn decide_import(
        &self,
        service: Option<&str>,
        day: LocalDate,
        label: &str,
        respondents: &[ImportedResponse],
    ) -> Result<Vec<Event>, Rejection> {
        let agency = match service {
            Some(code) => Some(self.service_cfg(code)?.agency.clone()),
            None => None,
        };
        if respondents.is_empty() || respondents.len() > MAX_IMPORT_RESPONDENTS {
            return Err(Rejection::InvalidImport {
                row: None,
                reason: format!(
                    "jumlah responden {} (harus 1–{MAX_IMPORT_RESPONDENTS})",
                    respondents.len()
                ),
            });
        }
        for (i, r) in respondents.iter().enumerate() {
            let checked = check_answers(&r.questionnaire)
                .and_then(|()| r.profile.check())
                .and_then(|()| check_suggestion(r.suggestion.as_deref()));
            if let Err(problem) = checked {
                return Err(Rejection::InvalidImport {
                    row: Some(i + 1),
                    reason: problem.message_id(),
                });
            }
        }
        Ok(vec![Event::ResponsesImported {
            service: service.map(str::to_owned),
            agency,
            day,
            label: label.chars().take(200).collect(),
            respondents: respondents.to_vec(),
        }])
    }

    pub(super) fn decide_follow_up(&self, follow_up: &FollowUp) -> Result<Vec<Event>, Rejection> {
        if let Some(code) = &follow_up.service {
            self.service_cfg(code)?;
        }
        let chars = follow_up.action.trim().chars().count();
        if chars == 0 || chars > MAX_FOLLOW_UP_CHARS {
            return Err(Rejection::InvalidFollowUp {
                max_chars: MAX_FOLLOW_UP_CHARS,
            });
        }
        if let Some(original) = follow_up.revises
            && !self.state.follow_ups.contains(&original)
        {
            return Err(Rejection::UnknownFollowUp);
        }
        Ok(vec![Event::FollowUpRecorded(follow_up.clone())])
    }
}
