//! The bookings' personal data (UU 27/2022): sealed with a key per service and date, so
//! deleting that key after the retention period makes every copy unreadable — the log,
//! its sled index, `events.jsonl` exports and backups included — without rewriting an
//! append-only log ("crypto-shredding"; docs/booking.md, "Personal data").
//!
//! Keys live in `<data>/booking-keys/<service>/<date>.key` (32 random bytes, mode 0600),
//! written and synced (file and directory) before anything sealed with them is logged.
//! The log gets only the sealed bytes and keyed hashes of the phone number and NIK (for
//! the one-booking-per-identity rule); without the site secret the hashes cannot be
//! turned back into numbers by trying every phone number.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use antrean_core::{Catalog, LocalDate};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::limits::MAX_CACHED_BOOKING_KEYS;

/// The directory under the data directory.
pub const KEYS_DIR: &str = "booking-keys";

const SEAL_VERSION: u8 = 1;
const NONCE_BYTES: usize = 12;

/// What a booking keeps about its visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Personal {
    /// Name, as typed (checked).
    pub name: String,
    /// Mobile number, national form.
    pub phone: String,
    /// NIK (16 digits) where the service asks for it.
    pub nik: Option<String>,
}

/// Keys and sealing.
pub struct Vault {
    dir: PathBuf,
    identity_secret: [u8; 32],
    cache: Mutex<HashMap<(String, LocalDate), [u8; 32]>>,
}

impl Vault {
    /// The vault of the data directory `data_dir`, with the site secret.
    pub fn open(data_dir: &Path, site_secret: [u8; 32]) -> std::io::Result<Vault> {
        let dir = data_dir.join(KEYS_DIR);
        std::fs::create_dir_all(&dir)?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&site_secret).expect("HMAC takes any key length");
        mac.update(b"antrean-identity-v1");
        Ok(Vault {
            dir,
            identity_secret: mac.finalize().into_bytes().into(),
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The keyed hashes of a visitor's identifiers (phone, NIK): equal for the same
    /// person, meaningless without the site secret.
    pub fn identity_keys(&self, personal: &Personal) -> Vec<String> {
        let hash = |kind: &str, value: &str| {
            let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.identity_secret)
                .expect("HMAC takes any key length");
            mac.update(kind.as_bytes());
            mac.update(b":");
            mac.update(value.as_bytes());
            crate::secrets::hex(&mac.finalize().into_bytes()[..16])
        };
        let mut keys = vec![hash("phone", &personal.phone)];
        if let Some(nik) = &personal.nik {
            keys.push(hash("nik", nik));
        }
        keys
    }

    /// Seals `personal` for a booking of `service` on `date` (creating and syncing the
    /// day's key first if needed).
    pub fn seal(
        &self,
        service: &str,
        date: LocalDate,
        personal: &Personal,
    ) -> std::io::Result<Vec<u8>> {
        let key = self
            .key(service, date, true)?
            .expect("created when missing");
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        let aad = format!("{service}|{date}");
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &encode(personal),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| std::io::Error::other("sealing failed"))?;
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(SEAL_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// [`Vault::seal`] when the day's key is already in memory (no disk access: safe on an
    /// async worker); None when it must be read or created first.
    pub fn seal_cached(
        &self,
        service: &str,
        date: LocalDate,
        personal: &Personal,
    ) -> Option<std::io::Result<Vec<u8>>> {
        // The guard must drop before `seal` takes the lock again (it is not reentrant).
        let cached = self.lock().contains_key(&(service.to_owned(), date));
        cached.then(|| self.seal(service, date, personal))
    }

    /// The personal data of a booking, or None once its key was deleted (or the bytes
    /// are not ours).
    pub fn open_sealed(&self, service: &str, date: LocalDate, sealed: &[u8]) -> Option<Personal> {
        let key = self.key(service, date, false).ok()??;
        if sealed.len() < 1 + NONCE_BYTES || sealed[0] != SEAL_VERSION {
            return None;
        }
        let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
        let aad = format!("{service}|{date}");
        let plain = cipher
            .decrypt(
                Nonce::from_slice(&sealed[1..1 + NONCE_BYTES]),
                Payload {
                    msg: &sealed[1 + NONCE_BYTES..],
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        decode(&plain)
    }

    /// Deletes the keys whose retention period ended before `today`: the service's
    /// `retention_days` after the booking date (the default for a service no longer in
    /// the catalog). Returns how many keys were deleted.
    pub fn purge(&self, catalog: &Catalog, today: LocalDate) -> std::io::Result<usize> {
        let mut deleted = 0;
        for service_dir in std::fs::read_dir(&self.dir)? {
            let service_dir = service_dir?;
            if !service_dir.file_type()?.is_dir() {
                continue;
            }
            let service = service_dir.file_name().to_string_lossy().into_owned();
            let retention_days = catalog
                .service(&service)
                .and_then(|s| s.booking.as_ref())
                .map_or(antrean_core::booking::DEFAULT_RETENTION_DAYS, |b| {
                    b.retention_days
                });
            let mut removed_here = false;
            for file in std::fs::read_dir(service_dir.path())? {
                let file = file?;
                let name = file.file_name().to_string_lossy().into_owned();
                let Some(date) = name.strip_suffix(".key").and_then(LocalDate::parse) else {
                    continue;
                };
                let expires = date.days_since_epoch() + i64::from(retention_days);
                if expires < today.days_since_epoch() {
                    std::fs::remove_file(file.path())?;
                    self.lock().remove(&(service.clone(), date));
                    deleted += 1;
                    removed_here = true;
                }
            }
            if removed_here {
                sync_dir(&service_dir.path())?;
            }
        }
        Ok(deleted)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, LocalDate), [u8; 32]>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn key(
        &self,
        service: &str,
        date: LocalDate,
        create: bool,
    ) -> std::io::Result<Option<[u8; 32]>> {
        let id = (service.to_owned(), date);
        if let Some(key) = self.lock().get(&id) {
            return Ok(Some(*key));
        }
        // Service codes are catalog keys ([a-z0-9_-]), safe as a directory name.
        let dir = self.dir.join(service);
        let path = dir.join(format!("{date}.key"));
        let key = match std::fs::read(&path) {
            Ok(bytes) => bytes.try_into().ok(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                Some(create_key(&dir, &path)?)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Some(key) = key {
            let mut cache = self.lock();
            if cache.len() >= MAX_CACHED_BOOKING_KEYS {
                cache.clear();
            }
            cache.insert(id, key);
        }
        Ok(key)
    }
}

/// Writes a new key durably: temporary file, sync, rename, sync the directory. Two
/// creators racing both succeed; the rename makes one key win and the loser reads it.
fn create_key(dir: &Path, path: &Path) -> std::io::Result<[u8; 32]> {
    std::fs::create_dir_all(dir)?;
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let tmp = dir.join(format!(".{}.tmp", rand::rng().next_u64()));
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(&key)?;
        file.sync_all()?;
    }
    if path.exists() {
        // Someone else created it meanwhile: theirs is the key.
        std::fs::remove_file(&tmp)?;
        return std::fs::read(path)?
            .try_into()
            .map_err(|_| std::io::Error::other("a booking key file is not 32 bytes"));
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)?;
    if let Some(parent) = dir.parent() {
        sync_dir(parent)?;
    }
    Ok(key)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

/// Length-prefixed fields: name, phone, NIK (empty = none).
fn encode(p: &Personal) -> Vec<u8> {
    let mut out = Vec::new();
    for field in [
        p.name.as_str(),
        p.phone.as_str(),
        p.nik.as_deref().unwrap_or(""),
    ] {
        let len = u16::try_from(field.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&field.as_bytes()[..usize::from(len)]);
    }
    out
}

fn decode(mut bytes: &[u8]) -> Option<Personal> {
    let mut fields = Vec::with_capacity(3);
    for _ in 0..3 {
        let len = usize::from(u16::from_be_bytes(bytes.get(..2)?.try_into().ok()?));
        let field = std::str::from_utf8(bytes.get(2..2 + len)?).ok()?.to_owned();
        bytes = &bytes[2 + len..];
        fields.push(field);
    }
    let nik = fields.pop().filter(|n| !n.is_empty());
    let phone = fields.pop()?;
    let name = fields.pop()?;
    Some(Personal { name, phone, nik })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn personal() -> Personal {
        Personal {
            name: "Siti Aminah".into(),
            phone: "081234567890".into(),
            nik: Some("3201011205900001".into()),
        }
    }

    #[test]
    fn sealed_data_opens_until_its_key_is_purged() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path(), [3; 32]).unwrap();
        let date = LocalDate::parse("2026-09-01").unwrap();
        let sealed = vault.seal("paspor-baru", date, &personal()).unwrap();
        let text = String::from_utf8_lossy(&sealed);
        assert!(
            !text.contains("Siti") && !text.contains("0812"),
            "sealed is not plain"
        );
        assert_eq!(
            vault.open_sealed("paspor-baru", date, &sealed),
            Some(personal())
        );
        // Bound to its service and date.
        assert_eq!(vault.open_sealed("ktp-el-baru", date, &sealed), None);
        // A fresh vault (after a restart) reads the key from disk.
        let again = Vault::open(dir.path(), [3; 32]).unwrap();
        assert_eq!(
            again.open_sealed("paspor-baru", date, &sealed),
            Some(personal())
        );

        let catalog = antrean_catalog::sample();
        // 90 days after 1 September is 30 November: kept through that day, gone after.
        let kept = again
            .purge(&catalog, LocalDate::parse("2026-11-30").unwrap())
            .unwrap();
        assert_eq!(kept, 0);
        let deleted = again
            .purge(&catalog, LocalDate::parse("2026-12-01").unwrap())
            .unwrap();
        assert_eq!(deleted, 1);
        assert_eq!(again.open_sealed("paspor-baru", date, &sealed), None);
        assert!(
            !dir.path()
                .join(KEYS_DIR)
                .join("paspor-baru/2026-09-01.key")
                .exists()
        );
    }

    #[test]
    fn identity_keys_match_the_person_not_the_spelling_and_need_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path(), [3; 32]).unwrap();
        let other_site = Vault::open(dir.path(), [4; 32]).unwrap();
        let keys = vault.identity_keys(&personal());
        assert_eq!(keys.len(), 2);
        let renamed = Personal {
            name: "S. Aminah".into(),
            nik: None,
            ..personal()
        };
        assert_eq!(vault.identity_keys(&renamed)[0], keys[0], "same phone");
        assert_ne!(other_site.identity_keys(&personal())[0], keys[0]);
        assert!(!keys[0].contains("0812"));
    }
}
