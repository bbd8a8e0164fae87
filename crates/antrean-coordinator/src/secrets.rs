//! Secrets: argon2 hashes for PINs, passwords and device tokens, and HMAC-signed
//! digital-ticket tokens.
//!
//! Ticket tokens are derived, not stored: `base64url(id ‖ HMAC-SHA256(site secret, id)[..16])`.
//! They are unguessable without the site secret, can be re-issued after a crash or for a
//! reprint, and need no table that could grow or be lost.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Hashes a secret with argon2id (PHC string with a random salt).
pub fn hash_secret(secret: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 hashing with default parameters cannot fail")
        .to_string()
}

/// Checks a secret against a stored hash (constant-time inside argon2).
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &hash)
            .is_ok()
    })
}

/// A random URL-safe secret of `bytes` random bytes.
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// 32 random bytes (site secret).
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    key
}

/// SHA-256 of a token, used as a cache key so plain tokens are never kept in memory maps.
pub fn fingerprint(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

const TICKET_MAC_BYTES: usize = 16;

/// Signs ticket ids into digital-ticket tokens.
#[derive(Clone)]
pub struct TicketSigner {
    key: [u8; 32],
}

impl TicketSigner {
    /// A signer with the site secret.
    pub fn new(key: [u8; 32]) -> TicketSigner {
        TicketSigner { key }
    }

    fn mac(&self, id: u64) -> [u8; TICKET_MAC_BYTES] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"antrean-ticket:");
        mac.update(&id.to_be_bytes());
        let full = mac.finalize().into_bytes();
        full[..TICKET_MAC_BYTES]
            .try_into()
            .expect("slice of the right length")
    }

    /// The token for ticket `id`.
    pub fn token(&self, id: u64) -> String {
        let mut raw = Vec::with_capacity(8 + TICKET_MAC_BYTES);
        raw.extend_from_slice(&id.to_be_bytes());
        raw.extend_from_slice(&self.mac(id));
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The ticket id a token grants, if the token is genuine.
    pub fn verify(&self, token: &str) -> Option<u64> {
        let raw = URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
        if raw.len() != 8 + TICKET_MAC_BYTES {
            return None;
        }
        let id = u64::from_be_bytes(raw[..8].try_into().ok()?);
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"antrean-ticket:");
        mac.update(&id.to_be_bytes());
        // verify_truncated_left compares in constant time.
        mac.verify_truncated_left(&raw[8..]).ok()?;
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2_round_trip() {
        let hash = hash_secret("1234");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_secret("1234", &hash));
        assert!(!verify_secret("1235", &hash));
        assert!(!verify_secret("1234", "not a hash"));
    }

    #[test]
    fn ticket_tokens_verify_only_for_their_ticket_and_key() {
        let signer = TicketSigner::new([5; 32]);
        let token = signer.token(42);
        assert_eq!(signer.verify(&token), Some(42));
        assert_eq!(TicketSigner::new([6; 32]).verify(&token), None);
        let mut forged = token.into_bytes();
        let last = forged.len() - 1;
        forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(signer.verify(&String::from_utf8(forged).unwrap()), None);
        assert_eq!(signer.verify("../../etc/passwd"), None);
    }
}
