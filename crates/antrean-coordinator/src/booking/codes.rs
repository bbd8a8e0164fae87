//! Booking codes and private links, both derived from the booking id and the site secret,
//! so nothing about them is stored and a forged or mistyped one is refused.
//!
//! - The **code** is what a visitor types or scans at the kiosk (its shape:
//!   [`antrean_protocol::booking_code`]): the booking id and a 32-bit MAC under the site
//!   secret. Guessing one takes about 2³¹ tries per booking; the API's rate limits make
//!   that hopeless.
//! - The **manage token** is the private link to view, cancel or reschedule (128-bit MAC,
//!   URL-safe base64). The code alone cannot cancel a booking: someone who glimpses a
//!   printed code can check in but not take the seat away.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use antrean_core::booking::BookingId;
use antrean_protocol::booking_code;

const TOKEN_MAC_BYTES: usize = 16;

/// The largest booking id a code can carry.
pub use antrean_protocol::booking_code::LARGEST_CODED_NUMBER as LARGEST_CODED_ID;

/// Makes and checks codes and tokens with the site secret.
#[derive(Clone)]
pub struct BookingCodes {
    key: [u8; 32],
}

impl BookingCodes {
    /// With the site secret.
    pub fn new(site_secret: [u8; 32]) -> BookingCodes {
        BookingCodes { key: site_secret }
    }

    fn mac(&self, domain: &[u8], id: u64) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(domain);
        mac.update(&id.to_be_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The code of booking `id` ("K7QM-2XD4-9RTA"), or None past [`LARGEST_CODED_ID`].
    pub fn code(&self, id: BookingId) -> Option<String> {
        booking_code::encode(&self.key, id.0, booking_code::site_tag(&self.key, id.0))
    }

    /// The booking a typed or scanned code names, if genuine. Spaces, dashes, lower case
    /// and the look-alikes I/L (1) and O (0) are accepted.
    pub fn verify_code(&self, text: &str) -> Option<BookingId> {
        let (id, tag) = booking_code::decode(&self.key, text)?;
        // Not secret-dependent timing worth guarding: the id is in the code itself.
        (tag == booking_code::site_tag(&self.key, id)).then_some(BookingId(id))
    }

    /// The private token of booking `id`.
    pub fn manage_token(&self, id: BookingId) -> String {
        let mut raw = Vec::with_capacity(8 + TOKEN_MAC_BYTES);
        raw.extend_from_slice(&id.0.to_be_bytes());
        raw.extend_from_slice(&self.mac(b"antrean-booking-manage:", id.0)[..TOKEN_MAC_BYTES]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The booking a private token grants, if genuine.
    pub fn verify_token(&self, token: &str) -> Option<BookingId> {
        let raw = URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
        if raw.len() != 8 + TOKEN_MAC_BYTES {
            return None;
        }
        let id = u64::from_be_bytes(raw[..8].try_into().ok()?);
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"antrean-booking-manage:");
        mac.update(&id.to_be_bytes());
        mac.verify_truncated_left(&raw[8..]).ok()?;
        Some(BookingId(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_refuse_forgeries() {
        let codes = BookingCodes::new([7; 32]);
        let code = codes.code(BookingId(42)).unwrap();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(code.as_bytes()[4], b'-');
        assert_eq!(codes.verify_code(&code), Some(BookingId(42)));
        // Typed sloppily: lower case, spaces, look-alikes.
        let sloppy = code
            .to_lowercase()
            .replace('-', " ")
            .replace('1', "l")
            .replace('0', "o");
        assert_eq!(codes.verify_code(&sloppy), Some(BookingId(42)));
        // Another site's secret, a changed character, wrong lengths.
        assert_eq!(BookingCodes::new([8; 32]).verify_code(&code), None);
        let mut changed = code.clone().into_bytes();
        changed[13] = if changed[13] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            codes.verify_code(&String::from_utf8(changed).unwrap()),
            None
        );
        assert_eq!(codes.verify_code("ABCD"), None);
        assert_eq!(codes.verify_code(&format!("{code}0")), None);
        assert_eq!(codes.verify_code("!!!!-!!!!-!!!!"), None);
        assert_eq!(codes.code(BookingId(LARGEST_CODED_ID + 1)), None);
        assert!(codes.code(BookingId(LARGEST_CODED_ID)).is_some());
        let next = codes.code(BookingId(43)).unwrap();
        assert_ne!(
            code[..4],
            next[..4],
            "consecutive ids do not show in the codes"
        );
        assert!(!codes.code(BookingId(1)).unwrap().starts_with("000"));
        for id in [0, 1, 2, 12_345, LARGEST_CODED_ID] {
            let code = codes.code(BookingId(id)).unwrap();
            assert_eq!(codes.verify_code(&code), Some(BookingId(id)));
        }
    }

    #[test]
    fn manage_tokens_are_separate_from_codes() {
        let codes = BookingCodes::new([7; 32]);
        let token = codes.manage_token(BookingId(42));
        assert_eq!(codes.verify_token(&token), Some(BookingId(42)));
        assert_eq!(BookingCodes::new([8; 32]).verify_token(&token), None);
        let code = codes.code(BookingId(42)).unwrap();
        assert_eq!(codes.verify_token(&code), None, "a code is not a token");
    }
}
