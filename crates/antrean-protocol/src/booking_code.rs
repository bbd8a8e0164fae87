//! Booking codes: what a visitor types or scans at the kiosk. Both kinds share one shape
//! (docs/booking.md, "Codes"):
//!
//! - 12 Crockford base32 characters shown as `XXXX-XXXX-XXXX` (60 bits: a 28-bit number
//!   and a 32-bit MAC). Crockford's alphabet has no I, L, O or U, and reading accepts the
//!   look-alikes, so a code read aloud or typed on a touchscreen survives.
//! - The number goes in through a keyed permutation (a 4-round Feistel network on 28
//!   bits), so codes neither count bookings nor look alike for consecutive ones.
//!
//! A **site code** (the site's own bookings) MACs the booking id with the site secret. A
//! **central code** ([`CentralCodes`], bookings made at Antrean Pusat) MACs the site,
//! service, date, slot and central's number with a key central and that site share, so
//! the site can honour a booking its link to central has not delivered yet: it tries each
//! service booked at central and each of today's slots (a few hundred MACs at most) and
//! accepts the one that matches.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use antrean_core::{LocalDate, LocalTime};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const NUMBER_BITS: u32 = 28;
const MAC_BITS: u32 = 32;
const CODE_CHARS: usize = 12;
const HALF_BITS: u32 = NUMBER_BITS / 2;
const HALF_MASK: u64 = (1 << HALF_BITS) - 1;
const ROUNDS: u8 = 4;

/// The largest number a code can carry (2²⁸ − 1: over 268 million bookings a site).
pub const LARGEST_CODED_NUMBER: u64 = (1 << NUMBER_BITS) - 1;

fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn first_u32(mac: [u8; 32]) -> u32 {
    u32::from_be_bytes(mac[..4].try_into().expect("4 bytes"))
}

/// The keyed permutation of the 28-bit number range.
struct Permutation<'a>(&'a [u8; 32]);

impl Permutation<'_> {
    fn round(&self, round: u8, half: u64) -> u64 {
        let mac = hmac(
            self.0,
            &[b"antrean-booking-id-round:", &[round], &half.to_be_bytes()],
        );
        u64::from(u16::from_be_bytes([mac[0], mac[1]])) & HALF_MASK
    }

    fn forward(&self, n: u64) -> u64 {
        let (mut left, mut right) = (n >> HALF_BITS & HALF_MASK, n & HALF_MASK);
        for round in 0..ROUNDS {
            (left, right) = (right, left ^ self.round(round, right));
        }
        left << HALF_BITS | right
    }

    fn backward(&self, coded: u64) -> u64 {
        let (mut left, mut right) = (coded >> HALF_BITS & HALF_MASK, coded & HALF_MASK);
        for round in (0..ROUNDS).rev() {
            (left, right) = (right ^ self.round(round, left), left);
        }
        left << HALF_BITS | right
    }
}

/// The code text of `number` with `tag` under `key`, or None past [`LARGEST_CODED_NUMBER`].
pub fn encode(key: &[u8; 32], number: u64, tag: u32) -> Option<String> {
    if number > LARGEST_CODED_NUMBER {
        return None;
    }
    let value = (Permutation(key).forward(number) << MAC_BITS) | u64::from(tag);
    let chars: Vec<u8> = (0..CODE_CHARS)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize])
        .collect();
    let text = String::from_utf8(chars).expect("ASCII");
    Some(format!("{}-{}-{}", &text[..4], &text[4..8], &text[8..]))
}

/// The number and tag a code text carries under `key` (not yet checked). Spaces, dashes,
/// lower case and the look-alikes I/L (1) and O (0) are accepted.
pub fn decode(key: &[u8; 32], text: &str) -> Option<(u64, u32)> {
    let mut value: u64 = 0;
    let mut n = 0;
    for c in text.chars() {
        let digit = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'I' | 'L' => 1,
            'O' => 0,
            c => ALPHABET.iter().position(|&a| char::from(a) == c)? as u64,
        };
        value = (value << 5) | digit;
        n += 1;
        if n > CODE_CHARS {
            return None;
        }
    }
    if n != CODE_CHARS {
        return None;
    }
    let number = Permutation(key).backward(value >> MAC_BITS);
    Some((number, (value & ((1 << MAC_BITS) - 1)) as u32))
}

/// The MAC of a site code: the booking id under the site secret.
pub fn site_tag(key: &[u8; 32], id: u64) -> u32 {
    first_u32(hmac(key, &[b"antrean-booking-code:", &id.to_be_bytes()]))
}

/// What a central code stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CentralBooking {
    /// Central's number of the booking at its site.
    pub number: u64,
    /// Service code.
    pub service: String,
    /// Date of the visit.
    pub date: LocalDate,
    /// Slot start.
    pub slot: LocalTime,
}

/// Makes and checks central codes with the key central and one site share.
#[derive(Clone)]
pub struct CentralCodes {
    key: [u8; 32],
    site: String,
}

impl CentralCodes {
    /// For `site`, with the key central keeps for it.
    pub fn new(key: [u8; 32], site: &str) -> CentralCodes {
        CentralCodes {
            key,
            site: site.to_owned(),
        }
    }

    fn tag(&self, booking: &CentralBooking) -> u32 {
        first_u32(hmac(
            &self.key,
            &[
                b"antrean-central-code:",
                self.site.as_bytes(),
                b"\0",
                booking.service.as_bytes(),
                b"\0",
                &booking.date.days_since_epoch().to_be_bytes(),
                &booking.slot.minutes().to_be_bytes(),
                &booking.number.to_be_bytes(),
            ],
        ))
    }

    /// The code of `booking`, or None past [`LARGEST_CODED_NUMBER`].
    pub fn code(&self, booking: &CentralBooking) -> Option<String> {
        encode(&self.key, booking.number, self.tag(booking))
    }

    /// Central's number in a code (not yet checked: see [`CentralCodes::matches`]).
    pub fn number(&self, text: &str) -> Option<u64> {
        decode(&self.key, text).map(|(number, _)| number)
    }

    /// Whether `text` is the genuine code of `booking`.
    pub fn matches(&self, text: &str, booking: &CentralBooking) -> bool {
        decode(&self.key, text)
            .is_some_and(|(number, tag)| number == booking.number && tag == self.tag(booking))
    }

    /// The booking `text` names among `candidates` (service, slot) on `date`, if genuine.
    pub fn verify<'a>(
        &self,
        text: &str,
        date: LocalDate,
        candidates: impl IntoIterator<Item = (&'a str, LocalTime)>,
    ) -> Option<CentralBooking> {
        let (number, tag) = decode(&self.key, text)?;
        candidates.into_iter().find_map(|(service, slot)| {
            let booking = CentralBooking {
                number,
                service: service.to_owned(),
                date,
                slot,
            };
            (self.tag(&booking) == tag).then_some(booking)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booking(number: u64, slot: &str) -> CentralBooking {
        CentralBooking {
            number,
            service: "paspor-baru".into(),
            date: LocalDate::parse("2026-12-07").unwrap(),
            slot: LocalTime::parse(slot).unwrap(),
        }
    }

    #[test]
    fn a_central_code_proves_its_service_date_and_slot_to_its_site_only() {
        let codes = CentralCodes::new([3; 32], "mpp-jaksel");
        let b = booking(17, "09:00");
        let code = codes.code(&b).unwrap();
        let date = b.date;
        let slots = ["08:00", "09:00", "10:00"].map(|t| LocalTime::parse(t).unwrap());
        let candidates = || {
            ["ktp", "paspor-baru"]
                .into_iter()
                .flat_map(move |s| slots.into_iter().map(move |t| (s, t)))
        };
        assert_eq!(codes.verify(&code, date, candidates()), Some(b.clone()));
        assert_eq!(
            codes.verify(&code.to_lowercase().replace('-', " "), date, candidates()),
            Some(b.clone())
        );
        // Another day, another site, another key, a slot not offered: refused.
        assert_eq!(codes.verify(&code, date.succ(), candidates()), None);
        let other_site = CentralCodes::new([3; 32], "mpp-jakut");
        assert_eq!(other_site.verify(&code, date, candidates()), None);
        assert_eq!(
            CentralCodes::new([4; 32], "mpp-jaksel").verify(&code, date, candidates()),
            None
        );
        assert_eq!(codes.verify(&code, date, [("paspor-baru", slots[0])]), None);
        // A changed character.
        let mut changed = code.clone().into_bytes();
        changed[13] = if changed[13] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        assert_eq!(codes.verify(&changed, date, candidates()), None);
        assert_eq!(
            codes.code(&booking(LARGEST_CODED_NUMBER + 1, "09:00")),
            None
        );
    }

    #[test]
    fn the_permutation_is_a_bijection_on_sampled_numbers() {
        let p = Permutation(&[9; 32]);
        for n in [0, 1, 2, 12_345, LARGEST_CODED_NUMBER] {
            assert_eq!(p.backward(p.forward(n)), n);
            assert!(p.forward(n) <= LARGEST_CODED_NUMBER);
        }
    }
}
