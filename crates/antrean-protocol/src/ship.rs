//! Site → central shipping (Antrean Pusat): the messages on the site's TLS WebSocket to
//! the central service. docs/central.md has every message with an example (a test parses
//! them).
//!
//! The site's durable event log is the outbox. After `welcome` (which says the highest
//! contiguous seq central holds), the site sends `batch`es of events after it; central
//! inserts each batch in one transaction, idempotently by (site, seq), and answers `ack`
//! with its new highest contiguous seq. Replays, duplicates and out-of-order batches are
//! harmless, so either side may restart at any moment.
//!
//! **Personal data (UU 27/2022):** central receives no visitor identity. [`ShippedEvent`]
//! is a log record with the free text a visitor typed (saran/masukan, which may name or
//! reach a person), a booking's identity hashes and sealed personal data, and the request
//! keys removed; tickets are numbers, officers are ids.

use serde::{Deserialize, Serialize};

use crate::{EventDto, LogRecord};

/// Version of the shipping protocol, sent in the upgrade request's
/// [`SHIP_PROTOCOL_HEADER`]; central refuses a version it does not know.
pub const SHIP_PROTOCOL_VERSION: u32 = 1;

/// The path of central's shipping WebSocket.
pub const SHIP_PATH: &str = "/central/ship";

/// Upgrade request header naming the site (its id at central).
pub const SHIP_SITE_HEADER: &str = "x-antrean-site";

/// Upgrade request header with [`SHIP_PROTOCOL_VERSION`].
pub const SHIP_PROTOCOL_HEADER: &str = "x-antrean-ship-protocol";

/// Largest message either side sends, bytes: a batch is bounded by events and bytes on
/// the site (`antrean_coordinator::limits`), a catalog by the catalog loader's own bound.
pub const MAX_SHIP_MESSAGE_BYTES: usize = 2 * 1024 * 1024;

/// One event as central receives it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippedEvent {
    /// Position in the site's log (from 1, gapless at the site).
    pub seq: u64,
    /// Event time, Unix milliseconds.
    pub at_ms: i64,
    /// The event, without visitors' free text.
    pub event: EventDto,
}

impl ShippedEvent {
    /// A log record made fit to leave the site: saran/masukan, a booking's identity
    /// hashes and sealed personal data, and request keys removed.
    pub fn from_record(record: LogRecord) -> ShippedEvent {
        let mut event = record.event;
        match &mut event {
            EventDto::ServiceRated { rating, .. } => rating.suggestion = None,
            EventDto::ResponsesImported { respondents, .. } => {
                for r in respondents {
                    r.suggestion = None;
                }
            }
            EventDto::BookingMade {
                identity_keys,
                sealed,
                ..
            } => {
                identity_keys.clear();
                sealed.clear();
            }
            _ => {}
        }
        ShippedEvent {
            seq: record.seq,
            at_ms: record.at_ms,
            event,
        }
    }
}

/// An officer's display name, for central managers' reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerNameDto {
    /// Login id, as in the events.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A catalog central publishes to a site (a numbered version per site).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedCatalogDto {
    /// Version number, per site, from 1.
    pub version: u64,
    /// The catalog file.
    pub catalog_toml: String,
    /// SHA-256 of `catalog_toml`, hex.
    pub catalog_sha256: String,
}

/// A booking central made (or changed) for the site: its latest state, numbered in the
/// site's change sequence. Carries no personal data: the site needs only the seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentralBookingDto {
    /// Central's number of the booking at this site (its site id is
    /// `antrean_core::booking::BookingId::central(number)`).
    pub number: u64,
    /// Service code.
    pub service: String,
    /// Date of the visit, YYYY-MM-DD.
    pub date: String,
    /// Slot start, HH:MM.
    pub slot: String,
    /// Whether it was cancelled at central.
    pub cancelled: bool,
}

/// Largest number of bookings in one `bookings` answer; the site asks again from the
/// answer's `through` until it has them all (bounds one message well under
/// [`MAX_SHIP_MESSAGE_BYTES`]: about 120 bytes each).
pub const MAX_SYNCED_BOOKINGS: usize = 500;

/// What a site sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SiteMessage {
    /// The site's catalog (TOML source) and officer names: sent after every `welcome`.
    Profile {
        /// The catalog file as the site loaded it.
        catalog_toml: String,
        /// SHA-256 of `catalog_toml`, hex.
        catalog_sha256: String,
        /// Officers' display names.
        officers: Vec<OfficerNameDto>,
    },
    /// Events, in any order, each at most once per batch.
    Batch {
        /// The events.
        events: Vec<ShippedEvent>,
        /// The site's last durable seq when it sent this (for the lag central shows).
        site_last_seq: u64,
        /// Time of that event, Unix ms (0 when the log is empty).
        site_last_at_ms: i64,
    },
    /// The site's answer to a published catalog.
    CatalogResult {
        /// The version answered.
        version: u64,
        /// Whether it loaded and is stored to take effect.
        accepted: bool,
        /// When refused: the loader's first error (file:line:column: field: message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// When accepted: the local day it takes effect (YYYY-MM-DD), at that day's opening.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        applies_on: Option<String>,
    },
    /// Asks for the bookings central made or changed for this site after change `after`
    /// (0: all), dated `from_date` (the site's today, YYYY-MM-DD) or later.
    BookingSync {
        /// The last change the site applied.
        after: u64,
        /// The site's local date.
        from_date: String,
    },
}

/// What central sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CentralMessage {
    /// First message after the upgrade.
    Welcome {
        /// Highest seq such that central holds every event 1..=it.
        confirmed_seq: u64,
        /// SHA-256 of the catalog central last received from this site ("" if none).
        catalog_sha256: String,
        /// A catalog published for this site that it has not answered yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_catalog: Option<PublishedCatalogDto>,
    },
    /// A batch is stored (one transaction).
    Ack {
        /// Highest contiguous seq central now holds.
        confirmed_seq: u64,
        /// A catalog published for this site that it has not answered yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        published_catalog: Option<PublishedCatalogDto>,
    },
    /// The answer to `booking_sync`: at most [`MAX_SYNCED_BOOKINGS`] bookings in change
    /// order.
    Bookings {
        /// The bookings.
        bookings: Vec<CentralBookingDto>,
        /// The last change included (the next `after`); equal to the request's `after`
        /// when nothing is new.
        through: u64,
        /// Whether more changes follow `through`.
        more: bool,
        /// The key of this site's central codes, hex (so the site can honour a code its
        /// sync has not brought yet).
        code_key: String,
    },
    /// The last message was refused; nothing of it was stored.
    Refused {
        /// Stable code: `bad_message`, `bad_batch`, `bad_catalog`.
        code: String,
        /// What was wrong, in words.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProfileDto, RatingDto};

    #[test]
    fn shipped_ratings_carry_no_free_text() {
        let record = LogRecord {
            seq: 7,
            at_ms: 1_700_000_000_000,
            event: EventDto::ServiceRated {
                ticket: 3,
                service: "ktp".into(),
                agency: "dukcapil".into(),
                counter: "1".into(),
                officer: Some("budi".into()),
                rating: RatingDto {
                    face: Some(4),
                    answers: Some([Some(4); 9]),
                    profile: ProfileDto::default(),
                    suggestion: Some("Hubungi saya di 0812-3456-7890".into()),
                    source: "ticket_page".into(),
                },
            },
            request: Some("kiosk-1/42".into()),
            request_digest: Some("ab".into()),
        };
        let shipped = ShippedEvent::from_record(record);
        let json = serde_json::to_string(&shipped).unwrap();
        assert!(!json.contains("0812"), "{json}");
        assert!(!json.contains("kiosk-1/42"), "{json}");
        assert!(json.contains("\"face\":4"), "{json}");
        assert_eq!(shipped.seq, 7);
    }

    #[test]
    fn shipped_bookings_carry_no_identity() {
        let record = LogRecord {
            seq: 8,
            at_ms: 1_700_000_000_000,
            event: EventDto::BookingMade {
                booking: 1,
                service: "paspor".into(),
                date: "2026-12-01".into(),
                slot: "09:00".into(),
                identity_keys: vec!["feedbeef".into()],
                sealed: "c0ffee".into(),
                channel: "web".into(),
            },
            request: None,
            request_digest: None,
        };
        let json = serde_json::to_string(&ShippedEvent::from_record(record)).unwrap();
        assert!(
            !json.contains("feedbeef") && !json.contains("c0ffee"),
            "{json}"
        );
        assert!(json.contains("\"slot\":\"09:00\""), "{json}");
    }
}
