//! Conversions between the core's events and the event DTO — the log's format on disk, so
//! a change here must keep every stored log readable (the tests pin the format).

use antrean_core::booking::BookingId;
use antrean_core::event::BookingChannel;
use antrean_core::{
    BreakReason, Channel, Event, LocalDate, LocalTime, TicketId, TicketNumber, Timestamp,
};

use crate::*;

/// A stored/wire event that does not describe a valid core event (corrupt or foreign log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidEvent(pub String);

impl std::fmt::Display for InvalidEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid event: {}", self.0)
    }
}

impl std::error::Error for InvalidEvent {}

fn channel_key(channel: Channel) -> &'static str {
    match channel {
        Channel::Kiosk => "kiosk",
        Channel::Counter => "counter",
        Channel::Api => "api",
    }
}

/// The wire key of a booking channel.
pub fn booking_channel_key(channel: BookingChannel) -> &'static str {
    match channel {
        BookingChannel::Web => "web",
        BookingChannel::Partner => "partner",
        BookingChannel::Central => "central",
        BookingChannel::Officer => "officer",
    }
}

fn booking_channel(key: &str) -> Result<BookingChannel, InvalidEvent> {
    Ok(match key {
        "web" => BookingChannel::Web,
        "partner" => BookingChannel::Partner,
        "central" => BookingChannel::Central,
        "officer" => BookingChannel::Officer,
        other => return Err(InvalidEvent(format!("bad booking channel \"{other}\""))),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Result<Vec<u8>, InvalidEvent> {
    let bad = || InvalidEvent("bad hex in sealed data".into());
    if !text.len().is_multiple_of(2) {
        return Err(bad());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
        .collect()
}

/// Converts a core event to its DTO.
pub fn event_to_dto(event: &Event) -> EventDto {
    match event.clone() {
        Event::DayStarted { day } => EventDto::DayStarted {
            day: day.to_string(),
        },
        Event::TicketIssued {
            ticket,
            number,
            day,
            service,
            priority,
            channel,
        } => EventDto::TicketIssued {
            ticket: ticket.0,
            number: number.to_string(),
            day: day.to_string(),
            service,
            priority,
            channel: channel_key(channel).to_owned(),
        },
        Event::TicketCalled {
            ticket,
            counter,
            officer,
            out_of_order,
        } => EventDto::TicketCalled {
            ticket: ticket.0,
            counter,
            officer,
            out_of_order,
        },
        Event::TicketRecalled {
            ticket,
            counter,
            recalls,
        } => EventDto::TicketRecalled {
            ticket: ticket.0,
            counter,
            recalls,
        },
        Event::ServiceStarted { ticket, counter } => EventDto::ServiceStarted {
            ticket: ticket.0,
            counter,
        },
        Event::ServiceFinished { ticket, counter } => EventDto::ServiceFinished {
            ticket: ticket.0,
            counter,
        },
        Event::TicketNoShow { ticket, counter } => EventDto::TicketNoShow {
            ticket: ticket.0,
            counter,
        },
        Event::TicketTransferred {
            ticket,
            counter,
            from_service,
            to_service,
            to_front,
        } => EventDto::TicketTransferred {
            ticket: ticket.0,
            counter,
            from_service,
            to_service,
            to_front,
        },
        Event::TicketParked { ticket, counter } => EventDto::TicketParked {
            ticket: ticket.0,
            counter,
        },
        Event::TicketUnparked { ticket } => EventDto::TicketUnparked { ticket: ticket.0 },
        Event::TicketReinstated { ticket } => EventDto::TicketReinstated { ticket: ticket.0 },
        Event::TicketCancelled { ticket } => EventDto::TicketCancelled { ticket: ticket.0 },
        Event::TicketExpired { ticket } => EventDto::TicketExpired { ticket: ticket.0 },
        Event::CounterOpened { counter, officer } => EventDto::CounterOpened { counter, officer },
        Event::CounterPaused { counter, reason } => EventDto::CounterPaused {
            counter,
            reason: reason.map(|r| r.key().to_owned()),
        },
        Event::CounterResumed { counter } => EventDto::CounterResumed { counter },
        Event::CounterClosed { counter } => EventDto::CounterClosed { counter },
        Event::ServiceRated {
            ticket,
            service,
            agency,
            counter,
            officer,
            rating,
        } => EventDto::ServiceRated {
            ticket: ticket.0,
            service,
            agency,
            counter,
            officer,
            rating: rating_to_dto(&rating),
        },
        Event::ResponsesImported {
            service,
            agency,
            day,
            label,
            respondents,
        } => EventDto::ResponsesImported {
            service,
            agency,
            day: day.to_string(),
            label,
            respondents: respondents.iter().map(imported_to_dto).collect(),
        },
        Event::FollowUpRecorded(f) => EventDto::FollowUpRecorded {
            follow_up: follow_up_to_dto(&f),
        },
        Event::BookingMade {
            booking,
            service,
            date,
            slot,
            identity_keys,
            sealed,
            channel,
        } => EventDto::BookingMade {
            booking: booking.0,
            service,
            date: date.to_string(),
            slot: slot.to_string(),
            identity_keys,
            sealed: hex(&sealed),
            channel: booking_channel_key(channel).to_owned(),
        },
        Event::BookingRescheduled {
            booking,
            date,
            slot,
        } => EventDto::BookingRescheduled {
            booking: booking.0,
            date: date.to_string(),
            slot: slot.to_string(),
        },
        Event::BookingCancelled { booking } => EventDto::BookingCancelled { booking: booking.0 },
        Event::BookingCheckedIn {
            booking,
            ticket,
            slot_at,
        } => EventDto::BookingCheckedIn {
            booking: booking.0,
            ticket: ticket.0,
            slot_at_ms: slot_at.0,
        },
        Event::BookingExpired { booking } => EventDto::BookingExpired { booking: booking.0 },
    }
}

/// Converts a DTO back to a core event, validating what the types cannot.
pub fn event_from_dto(dto: &EventDto) -> Result<Event, InvalidEvent> {
    let day = |text: &str| {
        LocalDate::parse(text).ok_or_else(|| InvalidEvent(format!("bad day \"{text}\"")))
    };
    let t = |id: u64| TicketId(id);
    let time = |text: &str| {
        LocalTime::parse(text).ok_or_else(|| InvalidEvent(format!("bad time \"{text}\"")))
    };
    Ok(match dto.clone() {
        EventDto::DayStarted { day: d } => Event::DayStarted { day: day(&d)? },
        EventDto::TicketIssued {
            ticket,
            number,
            day: d,
            service,
            priority,
            channel,
        } => Event::TicketIssued {
            ticket: t(ticket),
            number: TicketNumber::parse(&number)
                .ok_or_else(|| InvalidEvent(format!("bad number \"{number}\"")))?,
            day: day(&d)?,
            service,
            priority,
            channel: match channel.as_str() {
                "kiosk" => Channel::Kiosk,
                "counter" => Channel::Counter,
                "api" => Channel::Api,
                other => return Err(InvalidEvent(format!("bad channel \"{other}\""))),
            },
        },
        EventDto::TicketCalled {
            ticket,
            counter,
            officer,
            out_of_order,
        } => Event::TicketCalled {
            ticket: t(ticket),
            counter,
            officer,
            out_of_order,
        },
        EventDto::TicketRecalled {
            ticket,
            counter,
            recalls,
        } => Event::TicketRecalled {
            ticket: t(ticket),
            counter,
            recalls,
        },
        EventDto::ServiceStarted { ticket, counter } => Event::ServiceStarted {
            ticket: t(ticket),
            counter,
        },
        EventDto::ServiceFinished { ticket, counter } => Event::ServiceFinished {
            ticket: t(ticket),
            counter,
        },
        EventDto::TicketNoShow { ticket, counter } => Event::TicketNoShow {
            ticket: t(ticket),
            counter,
        },
        EventDto::TicketTransferred {
            ticket,
            counter,
            from_service,
            to_service,
            to_front,
        } => Event::TicketTransferred {
            ticket: t(ticket),
            counter,
            from_service,
            to_service,
            to_front,
        },
        EventDto::TicketParked { ticket, counter } => Event::TicketParked {
            ticket: t(ticket),
            counter,
        },
        EventDto::TicketUnparked { ticket } => Event::TicketUnparked { ticket: t(ticket) },
        EventDto::TicketReinstated { ticket } => Event::TicketReinstated { ticket: t(ticket) },
        EventDto::TicketCancelled { ticket } => Event::TicketCancelled { ticket: t(ticket) },
        EventDto::TicketExpired { ticket } => Event::TicketExpired { ticket: t(ticket) },
        EventDto::CounterOpened { counter, officer } => Event::CounterOpened { counter, officer },
        EventDto::CounterPaused { counter, reason } => Event::CounterPaused {
            counter,
            reason: match reason.as_deref() {
                None => None,
                Some(key) => Some(
                    BreakReason::parse(key)
                        .ok_or_else(|| InvalidEvent(format!("unknown break reason \"{key}\"")))?,
                ),
            },
        },
        EventDto::CounterResumed { counter } => Event::CounterResumed { counter },
        EventDto::CounterClosed { counter } => Event::CounterClosed { counter },
        EventDto::ServiceRated {
            ticket,
            service,
            agency,
            counter,
            officer,
            rating,
        } => Event::ServiceRated {
            ticket: t(ticket),
            service,
            agency,
            counter,
            officer,
            rating: rating_from_dto(&rating, rating_source(&rating.source)?)?,
        },
        EventDto::ResponsesImported {
            service,
            agency,
            day: d,
            label,
            respondents,
        } => Event::ResponsesImported {
            service,
            agency,
            day: day(&d)?,
            label,
            respondents: respondents
                .iter()
                .map(imported_from_dto)
                .collect::<Result<_, _>>()?,
        },
        EventDto::FollowUpRecorded { follow_up } => {
            Event::FollowUpRecorded(follow_up_from_dto(&follow_up)?)
        }
        EventDto::BookingMade {
            booking,
            service,
            date,
            slot,
            identity_keys,
            sealed,
            channel,
        } => Event::BookingMade {
            booking: BookingId(booking),
            service,
            date: day(&date)?,
            slot: time(&slot)?,
            identity_keys,
            sealed: unhex(&sealed)?,
            channel: booking_channel(&channel)?,
        },
        EventDto::BookingRescheduled {
            booking,
            date,
            slot,
        } => Event::BookingRescheduled {
            booking: BookingId(booking),
            date: day(&date)?,
            slot: time(&slot)?,
        },
        EventDto::BookingCancelled { booking } => Event::BookingCancelled {
            booking: BookingId(booking),
        },
        EventDto::BookingCheckedIn {
            booking,
            ticket,
            slot_at_ms,
        } => Event::BookingCheckedIn {
            booking: BookingId(booking),
            ticket: t(ticket),
            slot_at: Timestamp(slot_at_ms),
        },
        EventDto::BookingExpired { booking } => Event::BookingExpired {
            booking: BookingId(booking),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips_through_json() {
        let day = LocalDate::parse("2026-11-30").unwrap();
        let events = vec![
            Event::DayStarted { day },
            Event::TicketIssued {
                ticket: TicketId(7),
                number: TicketNumber {
                    prefix: "AB".into(),
                    sequence: 12,
                },
                day,
                service: "ktp".into(),
                priority: Some("lansia".into()),
                channel: Channel::Kiosk,
            },
            Event::TicketCalled {
                ticket: TicketId(7),
                counter: "3".into(),
                officer: Some("siti".into()),
                out_of_order: true,
            },
            Event::TicketRecalled {
                ticket: TicketId(7),
                counter: "3".into(),
                recalls: 2,
            },
            Event::ServiceStarted {
                ticket: TicketId(7),
                counter: "3".into(),
            },
            Event::ServiceFinished {
                ticket: TicketId(7),
                counter: "3".into(),
            },
            Event::TicketNoShow {
                ticket: TicketId(7),
                counter: "3".into(),
            },
            Event::TicketTransferred {
                ticket: TicketId(7),
                counter: "3".into(),
                from_service: "ktp".into(),
                to_service: "kk".into(),
                to_front: true,
            },
            Event::TicketParked {
                ticket: TicketId(7),
                counter: "3".into(),
            },
            Event::TicketUnparked {
                ticket: TicketId(7),
            },
            Event::TicketReinstated {
                ticket: TicketId(7),
            },
            Event::TicketCancelled {
                ticket: TicketId(7),
            },
            Event::TicketExpired {
                ticket: TicketId(7),
            },
            Event::CounterOpened {
                counter: "3".into(),
                officer: "siti".into(),
            },
            Event::CounterPaused {
                counter: "3".into(),
                reason: None,
            },
            Event::CounterPaused {
                counter: "3".into(),
                reason: Some(BreakReason::Sholat),
            },
            Event::CounterResumed {
                counter: "3".into(),
            },
            Event::CounterClosed {
                counter: "3".into(),
            },
            Event::ServiceRated {
                ticket: TicketId(7),
                service: "ktp".into(),
                agency: "dukcapil".into(),
                counter: "3".into(),
                officer: Some("siti".into()),
                rating: antrean_core::rating::Rating {
                    face: Some(4),
                    questionnaire: Some(antrean_core::skm::Response {
                        answers: [
                            Some(4),
                            Some(3),
                            None,
                            Some(1),
                            Some(2),
                            Some(3),
                            Some(4),
                            Some(4),
                            Some(3),
                        ],
                    }),
                    profile: antrean_core::rating::Profile {
                        gender: Some(antrean_core::rating::Gender::P),
                        age_years: Some(61),
                        education: Some("SMA".into()),
                        occupation: Some("LAINNYA".into()),
                        disability: Some(false),
                    },
                    suggestion: Some("Terima kasih".into()),
                    source: antrean_core::rating::RatingSource::TicketPage,
                },
            },
            Event::ResponsesImported {
                service: None,
                agency: None,
                day,
                label: "kertas.xlsx".into(),
                respondents: vec![antrean_core::rating::ImportedResponse {
                    questionnaire: antrean_core::skm::Response {
                        answers: [Some(3); 9],
                    },
                    profile: antrean_core::rating::Profile::default(),
                    suggestion: None,
                }],
            },
            Event::FollowUpRecorded(antrean_core::rating::FollowUp {
                unsur: Some(antrean_core::skm::Unsur::Sarpras),
                service: Some("ktp".into()),
                action: "Menambah kursi".into(),
                due: Some(day),
                status: antrean_core::rating::FollowUpStatus::InProgress,
                recorded_by: "admin".into(),
                revises: None,
            }),
            Event::FollowUpRecorded(antrean_core::rating::FollowUp {
                unsur: None,
                service: None,
                action: "Kursi sudah ditambah".into(),
                due: None,
                status: antrean_core::rating::FollowUpStatus::Done,
                recorded_by: "admin".into(),
                revises: Some(Timestamp(1_796_016_000_000)),
            }),
            Event::BookingMade {
                booking: BookingId(7),
                service: "paspor".into(),
                date: day,
                slot: LocalTime::parse("09:30").unwrap(),
                identity_keys: vec!["k1".into(), "k2".into()],
                sealed: vec![0, 1, 0xfe, 0xff],
                channel: BookingChannel::Partner,
            },
            Event::BookingRescheduled {
                booking: BookingId(7),
                date: day,
                slot: LocalTime::parse("10:00").unwrap(),
            },
            Event::BookingCancelled {
                booking: BookingId(7),
            },
            Event::BookingCheckedIn {
                booking: BookingId(8),
                ticket: TicketId(3),
                slot_at: Timestamp(1_764_470_000_000),
            },
            Event::BookingExpired {
                booking: BookingId(9),
            },
        ];
        for event in events {
            assert_eq!(event_to_dto(&event).ticket(), event.ticket().map(|t| t.0));
            let json = serde_json::to_string(&event_to_dto(&event)).unwrap();
            let back: EventDto = serde_json::from_str(&json).unwrap();
            assert_eq!(event_from_dto(&back).unwrap(), event, "{json}");
        }
    }

    #[test]
    fn stored_format_is_stable() {
        let dto = EventDto::TicketIssued {
            ticket: 1,
            number: "A-001".into(),
            day: "2026-11-30".into(),
            service: "ktp".into(),
            priority: None,
            channel: "kiosk".into(),
        };
        let json = serde_json::to_string(&LogRecord {
            seq: 1,
            at_ms: 5,
            event: dto,
            request: None,
            request_digest: None,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"seq":1,"at_ms":5,"event":{"type":"ticket_issued","ticket":1,"number":"A-001","day":"2026-11-30","service":"ktp","channel":"kiosk"}}"#
        );
    }

    #[test]
    fn corrupt_events_are_rejected_not_guessed() {
        let bad = EventDto::TicketIssued {
            ticket: 1,
            number: "A-1".into(),
            day: "2026-11-30".into(),
            service: "ktp".into(),
            priority: None,
            channel: "kiosk".into(),
        };
        assert!(event_from_dto(&bad).is_err());
        assert!(
            event_from_dto(&EventDto::DayStarted {
                day: "2026-02-30".into()
            })
            .is_err()
        );
    }
}
