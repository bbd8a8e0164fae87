//! Secrets: argon2 hashes for PINs, passwords and device tokens, and HMAC-signed
//! digital-ticket tokens.
//!
//! Ticket tokens are derived, not stored: `base64url(id ‖ HMAC-SHA256(site secret, id)[..16])`.
//! They are unguessable without the site secret, can be re-issued after a crash or for a
//! reprint, and need no table that could grow or be lost.

use argon2::Argon2;
use argon2::password_hash::PasswordHash;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// argon2id cost: 7 MiB, 5 passes, 1 lane — one of OWASP's equivalent recommended
/// settings (same time as the 19 MiB default, less memory per login).
const ARGON2_MEMORY_KIB: u32 = 7 * 1024;
const ARGON2_PASSES: u32 = 5;
/// Stored hashes with more memory than this are refused: verifying one must not let a
/// tampered record allocate without bound.
const ARGON2_MAX_MEMORY_KIB: u32 = 64 * 1024;
const ARGON2_OUTPUT_BYTES: usize = 32;

type HashJob = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// All argon2 work runs on one thread that owns one reusable memory area. With a fresh
/// allocation per hash, glibc kept every 7–19 MiB area: the server grew by ~20 MiB per
/// login. One thread also keeps a login storm from taking both cores from the committer.
fn run_on_hasher<T: Send + 'static>(
    work: impl FnOnce(&mut Vec<argon2::Block>) -> T + Send + 'static,
) -> T {
    static HASHER: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::SyncSender<HashJob>>> =
        std::sync::OnceLock::new();
    let sender = HASHER
        .get_or_init(|| {
            let (tx, rx) =
                std::sync::mpsc::sync_channel::<HashJob>(crate::limits::QUEUED_HASH_JOBS);
            std::thread::Builder::new()
                .name("argon2".into())
                .spawn(move || {
                    let mut memory = Vec::new();
                    for job in rx {
                        job(&mut memory);
                    }
                })
                .expect("spawn the argon2 thread");
            std::sync::Mutex::new(tx)
        })
        .lock()
        .expect("hasher lock")
        .clone();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    sender
        .send(Box::new(move |memory: &mut Vec<argon2::Block>| {
            let _ = tx.send(work(memory));
        }))
        .expect("the argon2 thread lives as long as the process");
    rx.recv().expect("the argon2 thread answers every job")
}

fn argon2_raw(
    secret: &[u8],
    salt: &[u8],
    memory_kib: u32,
    passes: u32,
    lanes: u32,
    memory: &mut Vec<argon2::Block>,
) -> Option<[u8; ARGON2_OUTPUT_BYTES]> {
    let params = argon2::Params::new(memory_kib, passes, lanes, Some(ARGON2_OUTPUT_BYTES)).ok()?;
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, argon2::Block::default());
    }
    let mut out = [0u8; ARGON2_OUTPUT_BYTES];
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into_with_memory(secret, salt, &mut out, &mut memory[..blocks])
        .ok()?;
    Some(out)
}

/// Hashes a secret with argon2id into a PHC string with a random salt. Blocking.
pub fn hash_secret(secret: &str) -> String {
    use base64::engine::general_purpose::STANDARD_NO_PAD;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let secret = secret.as_bytes().to_vec();
    let out = run_on_hasher(move |memory| {
        argon2_raw(&secret, &salt, ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, memory)
    })
    .expect("argon2 with fixed valid parameters cannot fail");
    format!(
        "$argon2id$v=19$m={ARGON2_MEMORY_KIB},t={ARGON2_PASSES},p=1${}${}",
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(out)
    )
}

/// Checks a secret against a stored PHC hash, in constant time. Blocking. The parameters
/// come from the stored string, so hashes made with other settings keep working.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    if hash.algorithm.as_str() != "argon2id" {
        return false;
    }
    let param = |name: &str| hash.params.get_decimal(name);
    let (Some(m), Some(t), Some(p)) = (param("m"), param("t"), param("p")) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    if m > ARGON2_MAX_MEMORY_KIB || expected.len() != ARGON2_OUTPUT_BYTES {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let (secret, salt, expected) = (
        secret.as_bytes().to_vec(),
        salt.to_vec(),
        expected.as_bytes().to_vec(),
    );
    run_on_hasher(
        move |memory| match argon2_raw(&secret, &salt, m, t, p, memory) {
            Some(out) => {
                out.iter()
                    .zip(&expected)
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
            }
            None => false,
        },
    )
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

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

#[cfg(test)]
mod memory_tests {
    fn rss_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    #[test]
    fn repeated_logins_do_not_grow_memory_and_old_hashes_verify() {
        let hash = super::hash_secret("1234");
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(super::verify_secret("1234", &hash));
        let before = rss_kib();
        for _ in 0..10 {
            assert!(super::verify_secret("1234", &hash));
        }
        let grown = rss_kib().saturating_sub(before);
        // One login's memory is 7 MiB; ten must not keep ten of them.
        assert!(
            grown < 4 * 1024,
            "RSS grew by {grown} KiB over 10 verifications"
        );

        // Checked after the memory figure: this allocates 19 MiB outside the hasher. Made with the argon2 crate's defaults (m=19456, t=2, p=1).
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let phc = argon2::Argon2::default()
            .hash_password(b"rahasia", &salt)
            .unwrap()
            .to_string();
        assert!(super::verify_secret("rahasia", &phc));
        assert!(!super::verify_secret("rahasia!", &phc));
        let huge = phc.replace("m=19456", "m=4194304");
        assert!(
            !super::verify_secret("rahasia", &huge),
            "absurd memory costs are refused"
        );
    }
}
