//! Who a client is, and what each role may do.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use antrean_protocol::{Auth, DeviceKind, Request};
use antrean_store::{PrincipalKind, PrincipalRecord, PrincipalWrite, Store, StoreError};
use tokio::sync::{mpsc, oneshot};

use crate::committer::Job;

use crate::secrets::{TicketSigner, fingerprint, hash_secret, random_secret, verify_secret};

/// An authenticated client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// Kiosk device.
    Kiosk {
        /// Device name.
        name: String,
    },
    /// Display board device.
    Display {
        /// Device name.
        name: String,
    },
    /// Officer bound to one counter for this connection.
    Officer {
        /// Officer id.
        officer: String,
        /// Counter.
        counter: String,
    },
    /// Manager.
    Manager {
        /// User name.
        username: String,
    },
    /// Rating screen facing visitors at one counter.
    Rating {
        /// Device name.
        name: String,
        /// Its counter.
        counter: String,
    },
    /// Holder of one digital ticket.
    Public {
        /// Ticket id.
        ticket: u64,
    },
}

impl Principal {
    /// Role key on the wire.
    pub fn role(&self) -> &'static str {
        match self {
            Principal::Kiosk { .. } => "kiosk",
            Principal::Display { .. } => "display",
            Principal::Officer { .. } => "officer",
            Principal::Manager { .. } => "manager",
            Principal::Rating { .. } => "rating",
            Principal::Public { .. } => "public",
        }
    }

    /// Name for logs and idempotency keys.
    pub fn name(&self) -> String {
        match self {
            Principal::Kiosk { name }
            | Principal::Display { name }
            | Principal::Rating { name, .. } => name.clone(),
            Principal::Officer { officer, .. } => officer.clone(),
            Principal::Manager { username } => username.clone(),
            Principal::Public { ticket } => format!("ticket-{ticket}"),
        }
    }

    /// Staff see device alerts and may act on any ticket.
    pub fn is_staff(&self) -> bool {
        matches!(self, Principal::Officer { .. } | Principal::Manager { .. })
    }

    /// Whether this role may send `request` at all (counter binding is checked separately).
    pub fn may(&self, request: &Request) -> bool {
        use Request::*;
        match request {
            Hello { .. } => false,
            QueueStatus | Snapshot | GetTicket { .. } => true,
            IssueTicket { .. } | CheckIn { .. } => matches!(
                self,
                Principal::Kiosk { .. } | Principal::Officer { .. } | Principal::Manager { .. }
            ),
            DeviceStatus { .. } => matches!(self, Principal::Kiosk { .. }),
            CallNext { .. }
            | CallTicket { .. }
            | Recall { .. }
            | Start { .. }
            | Finish { .. }
            | NoShow { .. }
            | Transfer { .. }
            | Park { .. }
            | Unpark { .. }
            | Reinstate { .. }
            | Cancel { .. }
            | Pause { .. }
            | Resume { .. }
            | CloseCounter { .. } => self.is_staff(),
            Rate { .. } => matches!(self, Principal::Public { .. } | Principal::Rating { .. }),
            EnrollDevice { .. }
            | RevokeDevice { .. }
            | SetOfficer { .. }
            | RemoveOfficer { .. }
            | ListPrincipals
            | ImportSkm { .. }
            | RecordFollowUp { .. }
            | Report { .. }
            | ExportReport { .. } => {
                matches!(self, Principal::Manager { .. })
            }
        }
    }
}

/// Why a login failed. Messages do not say which part was wrong.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Wrong or revoked credentials.
    #[error("invalid credentials")]
    Invalid,
    /// Too many failures; retry later.
    #[error("too many failed attempts")]
    LockedOut,
    /// Storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The committer has stopped (shutdown or a disk failure): nothing was written.
    #[error("the server is stopping; nothing was written")]
    Stopped,
}

/// Verifies credentials against the store, and changes them through the committer (the
/// store's one writer), so that a change is durable, in the one log order, before it is
/// confirmed.
pub struct Authenticator {
    store: Store,
    /// Weak, so that holding an authenticator does not keep the committer running after
    /// the server was asked to stop (it stops when every strong sender is gone).
    jobs: mpsc::WeakSender<Job>,
    signer: TicketSigner,
    /// Failed logins per (source address, officer/manager name).
    failures: Mutex<crate::lockout::Lockouts>,
    /// Device tokens already verified (by SHA-256), so a reconnecting board does not pay
    /// an argon2 verification (~50 ms of CPU) every time. Cleared on revoke.
    device_cache: Mutex<HashMap<[u8; 32], CachedDevice>>,
}

/// A verified device: name, kind, counter (rating screens).
type CachedDevice = (String, PrincipalKind, Option<String>);

impl Authenticator {
    /// An authenticator reading `store` and writing through the committer's `jobs`.
    pub fn new(store: Store, jobs: mpsc::Sender<Job>, signer: TicketSigner) -> Authenticator {
        Authenticator {
            store,
            jobs: jobs.downgrade(),
            signer,
            failures: Mutex::default(),
            device_cache: Mutex::default(),
        }
    }

    /// Checks credentials presented from `source`. Blocking (argon2): call from
    /// `spawn_blocking`.
    pub fn login(&self, auth: &Auth, source: IpAddr) -> Result<Principal, AuthError> {
        match auth {
            Auth::Kiosk { token } => self
                .device(token, PrincipalKind::Kiosk)
                .map(|(name, _)| Principal::Kiosk { name }),
            Auth::Display { token } => self
                .device(token, PrincipalKind::Display)
                .map(|(name, _)| Principal::Display { name }),
            Auth::Rating { token } => match self.device(token, PrincipalKind::Rating)? {
                (name, Some(counter)) => Ok(Principal::Rating { name, counter }),
                (_, None) => Err(AuthError::Invalid),
            },
            Auth::Officer {
                officer,
                pin,
                counter,
            } => {
                self.secret(PrincipalKind::Officer, officer, pin, source)?;
                Ok(Principal::Officer {
                    officer: officer.clone(),
                    counter: counter.clone(),
                })
            }
            Auth::Manager { username, password } => {
                self.secret(PrincipalKind::Manager, username, password, source)?;
                Ok(Principal::Manager {
                    username: username.clone(),
                })
            }
            // Resolved from the cookie by the session (see `crate::login::resume`).
            Auth::Session {} => Err(AuthError::Invalid),
            Auth::Public { ticket_token } => self
                .signer
                .verify(ticket_token)
                .map(|ticket| Principal::Public { ticket })
                .ok_or(AuthError::Invalid),
        }
    }

    fn device(
        &self,
        token: &str,
        kind: PrincipalKind,
    ) -> Result<(String, Option<String>), AuthError> {
        let key = fingerprint(token);
        if let Some((name, cached_kind, counter)) = self
            .device_cache
            .lock()
            .expect("cache lock")
            .get(&key)
            .cloned()
        {
            return if cached_kind == kind {
                Ok((name, counter))
            } else {
                Err(AuthError::Invalid)
            };
        }
        let (name, _) = token.split_once('.').ok_or(AuthError::Invalid)?;
        let record = self
            .store
            .principal(kind, name)?
            .ok_or(AuthError::Invalid)?;
        if record.kind != kind || record.revoked || !verify_secret(token, &record.secret_hash) {
            return Err(AuthError::Invalid);
        }
        let mut cache = self.device_cache.lock().expect("cache lock");
        if cache.len() >= crate::limits::DEVICE_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, (record.name.clone(), kind, record.counter.clone()));
        Ok((record.name, record.counter))
    }

    fn secret(
        &self,
        kind: PrincipalKind,
        name: &str,
        secret: &str,
        source: IpAddr,
    ) -> Result<(), AuthError> {
        let lock_key = format!("{}:{name}", kind.key());
        self.failures
            .lock()
            .expect("failures lock")
            .check(source, &lock_key, Instant::now())
            .map_err(|_| AuthError::LockedOut)?;
        let ok = match self.store.principal(kind, name)? {
            Some(record) => !record.revoked && verify_secret(secret, &record.secret_hash),
            None => {
                // Spend the same time as a real check so names cannot be probed by timing.
                let _ = verify_secret(secret, dummy_hash());
                false
            }
        };
        let mut failures = self.failures.lock().expect("failures lock");
        if ok {
            failures.succeeded(source, &lock_key);
            Ok(())
        } else {
            if let Some(lockout) = failures.failed(source, &lock_key, Instant::now()) {
                tracing::warn!(%source, name = %lock_key, lockout_s = lockout.as_secs(), "too many failed logins: locked out");
            }
            Err(AuthError::Invalid)
        }
    }

    /// A short fingerprint of a person's stored credential, or `None` if the person does
    /// not exist or is revoked. A web session remembers it at login: a changed PIN or
    /// password (which always gets a new salt) no longer matches.
    pub fn credential_fingerprint(
        &self,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<Option<String>, AuthError> {
        Ok(self
            .store
            .principal(kind, name)?
            .filter(|record| record.kind == kind && !record.revoked)
            .map(|record| crate::secrets::hex(&fingerprint(&record.secret_hash)[..8])))
    }

    /// Writes one credential change through the committer and waits until it is durable;
    /// true if the principal existed before.
    async fn write(&self, write: PrincipalWrite) -> Result<bool, AuthError> {
        let (reply, answer) = oneshot::channel();
        let jobs = self.jobs.upgrade().ok_or(AuthError::Stopped)?;
        jobs.send(Job::Principal { write, reply })
            .await
            .map_err(|_| AuthError::Stopped)?;
        answer.await.map_err(|_| AuthError::Stopped)
    }

    /// Enrolls a device and returns its token (`name.secret`), shown once.
    /// `counter` binds a rating screen (the caller checks it is given and exists).
    pub async fn enroll_device(
        &self,
        kind: DeviceKind,
        name: &str,
        counter: Option<&str>,
    ) -> Result<String, AuthError> {
        let token = format!("{name}.{}", random_secret(24));
        let kind = match kind {
            DeviceKind::Kiosk => PrincipalKind::Kiosk,
            DeviceKind::Display => PrincipalKind::Display,
            DeviceKind::Rating => PrincipalKind::Rating,
        };
        let secret_hash = hash_off_runtime(token.clone()).await;
        self.write(PrincipalWrite::Put(PrincipalRecord {
            kind,
            name: name.to_owned(),
            display_name: None,
            secret_hash,
            revoked: false,
            counter: counter.map(str::to_owned),
        }))
        .await?;
        self.forget_device(name);
        Ok(token)
    }

    /// Revokes a device token; true if the device existed.
    pub async fn revoke_device(&self, name: &str) -> Result<bool, AuthError> {
        let Some(mut record) = self.store.principal(PrincipalKind::Kiosk, name)? else {
            return Ok(false);
        };
        record.revoked = true;
        self.write(PrincipalWrite::Put(record)).await?;
        self.forget_device(name);
        Ok(true)
    }

    fn forget_device(&self, name: &str) {
        self.device_cache
            .lock()
            .expect("cache lock")
            .retain(|_, (cached, ..)| cached != name);
    }

    /// Creates or updates an officer or manager with a new secret.
    pub async fn set_person(
        &self,
        kind: PrincipalKind,
        name: &str,
        display_name: Option<&str>,
        secret: &str,
    ) -> Result<(), AuthError> {
        let record = person_record(kind, name, display_name, secret.to_owned()).await;
        self.write(PrincipalWrite::Put(record)).await?;
        self.failures
            .lock()
            .expect("failures lock")
            .forget_name(&format!("{}:{name}", kind.key()));
        Ok(())
    }

    /// Removes an officer or manager; true if they existed.
    pub async fn remove_person(&self, kind: PrincipalKind, name: &str) -> Result<bool, AuthError> {
        self.write(PrincipalWrite::Remove {
            kind,
            name: name.to_owned(),
        })
        .await
    }

    /// The store (for listings).
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// A person's record with a freshly hashed secret (argon2, on the blocking pool).
pub async fn person_record(
    kind: PrincipalKind,
    name: &str,
    display_name: Option<&str>,
    secret: String,
) -> PrincipalRecord {
    PrincipalRecord {
        kind,
        name: name.to_owned(),
        display_name: display_name.map(str::to_owned),
        secret_hash: hash_off_runtime(secret).await,
        revoked: false,
        counter: None,
    }
}

/// argon2 costs ~50 ms of CPU: never on a runtime worker.
async fn hash_off_runtime(secret: String) -> String {
    tokio::task::spawn_blocking(move || hash_secret(&secret))
        .await
        .expect("hashing task")
}

/// A valid hash with the current parameters, used to equalize timing for unknown names.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_secret(&random_secret(16)))
}

/// Valid names for devices, officers and managers: they appear in tokens and logs.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
