//! Bookings made at Antrean Pusat, on the site (docs/booking.md, "Booked at central").
//!
//! Central owns the seats of services the catalog marks `booked_at = "central"`. The
//! shipper asks for central's changes every [`crate::limits::BOOKING_SYNC_INTERVAL`] and
//! applies each as a [`Command::SyncCentralBooking`] through the committer (durable like
//! any command). With each answer central sends the key of this site's central codes; it
//! is kept in [`KEY_FILE`], so while the link is down a check-in with a central code is
//! still verified here and honoured ([`CentralKey::resolve`]).

use std::path::Path;
use std::sync::{Arc, RwLock};

use antrean_core::booking::{BookedAt, BookingId};
use antrean_core::{Catalog, Command, LocalDate, LocalTime};
use antrean_protocol::CentralBookingDto;
use antrean_protocol::booking_code::{CentralBooking, CentralCodes};

/// File in the data directory with the key of this site's central codes (hex).
pub const KEY_FILE: &str = "central-booking-key";

/// The key of this site's central codes, once central has sent it.
#[derive(Clone, Default)]
pub struct CentralKey {
    site: Option<String>,
    codes: Arc<RwLock<Option<(String, CentralCodes)>>>,
}

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

impl CentralKey {
    /// The key stored in `data_dir` for `site` (None: the site does not ship to central).
    pub fn load(data_dir: &Path, site: Option<&str>) -> CentralKey {
        let key = CentralKey {
            site: site.map(str::to_owned),
            codes: Default::default(),
        };
        if let (Some(site), Ok(text)) = (site, std::fs::read_to_string(data_dir.join(KEY_FILE)))
            && let Some(bytes) = parse_hex(&text)
        {
            *key.codes.write().expect("key lock") =
                Some((text.trim().to_owned(), CentralCodes::new(bytes, site)));
        }
        key
    }

    /// Keeps the key central sent (durably, before using it) when it is new.
    pub fn update(&self, data_dir: &Path, hex: &str) -> std::io::Result<()> {
        let Some(site) = &self.site else {
            return Ok(());
        };
        if self
            .codes
            .read()
            .expect("key lock")
            .as_ref()
            .is_some_and(|(known, _)| known == hex)
        {
            return Ok(());
        }
        let Some(bytes) = parse_hex(hex) else {
            return Err(std::io::Error::other(
                "central sent a malformed booking key",
            ));
        };
        crate::central_catalog::write_durably(&data_dir.join(KEY_FILE), &format!("{hex}\n"))?;
        *self.codes.write().expect("key lock") =
            Some((hex.to_owned(), CentralCodes::new(bytes, site)));
        Ok(())
    }

    /// The central booking a typed or scanned code names at this site on `today`, if
    /// genuine: its id, and the booking itself when the engine does not know it yet.
    /// `known` gives a booking the engine holds (service, date, slot) by id.
    pub fn resolve(
        &self,
        code: &str,
        catalog: &Catalog,
        today: LocalDate,
        known: impl Fn(BookingId) -> Option<(String, LocalDate, LocalTime)>,
    ) -> Option<(BookingId, Option<Command>)> {
        let guard = self.codes.read().expect("key lock");
        let (_, codes) = guard.as_ref()?;
        let number = codes.number(code)?;
        let id = BookingId::central(number);
        if let Some((service, date, slot)) = known(id) {
            let booking = CentralBooking {
                number,
                service,
                date,
                slot,
            };
            if codes.matches(code, &booking) {
                return Some((id, None));
            }
            // A code for another slot of a booking known here: central moved it (a
            // reschedule signs a new code) and the move has not arrived. The code proves
            // today's slot like an unsynced one; one number still checks in once.
        }
        // Not synced yet: the code itself proves service and slot (of today: a check-in
        // is for today's bookings only).
        let slots: Vec<(&str, LocalTime)> = catalog
            .services
            .iter()
            .filter_map(|s| Some((s, s.booking.as_ref()?)))
            .filter(|(_, rules)| rules.booked_at == BookedAt::Central)
            .flat_map(|(s, rules)| {
                rules
                    .slots(&catalog.site.schedule, today)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|slot| (s.code.as_str(), slot.start))
            })
            .collect();
        let found = codes.verify(code, today, slots)?;
        Some((
            id,
            Some(Command::SyncCentralBooking {
                booking: id,
                service: found.service,
                date: today,
                slot: found.slot,
                cancelled: false,
            }),
        ))
    }
}

/// The command that applies one of central's changes, or None when malformed.
pub fn sync_command(dto: &CentralBookingDto) -> Option<Command> {
    // Central numbers fit a code; a larger one is not central's (and would overflow the id).
    if dto.number > antrean_protocol::booking_code::LARGEST_CODED_NUMBER {
        return None;
    }
    Some(Command::SyncCentralBooking {
        booking: BookingId::central(dto.number),
        service: dto.service.clone(),
        date: LocalDate::parse(&dto.date)?,
        slot: LocalTime::parse(&dto.slot)?,
        cancelled: dto.cancelled,
    })
}
