//! Devices, officers and managers with their hashed secrets. Hashing (argon2) is the
//! coordinator's job; the store keeps opaque PHC strings.

use serde::{Deserialize, Serialize};

use crate::{Store, StoreError};

/// Kinds of principals that hold a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// Ticket kiosk (device token).
    Kiosk,
    /// Display board (device token).
    Display,
    /// Rating screen at one counter (device token).
    Rating,
    /// Counter officer (PIN).
    Officer,
    /// Manager (password).
    Manager,
}

impl PrincipalKind {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalKind::Kiosk => "kiosk",
            PrincipalKind::Display => "display",
            PrincipalKind::Rating => "rating",
            PrincipalKind::Officer => "officer",
            PrincipalKind::Manager => "manager",
        }
    }

    /// Devices share one namespace (a name is a kiosk or a display, not both).
    fn namespace(self) -> &'static str {
        match self {
            PrincipalKind::Kiosk | PrincipalKind::Display | PrincipalKind::Rating => "device",
            PrincipalKind::Officer => "officer",
            PrincipalKind::Manager => "manager",
        }
    }
}

/// A stored principal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrincipalRecord {
    /// Kind.
    pub kind: PrincipalKind,
    /// Name (device name, officer id, user name).
    pub name: String,
    /// Display name (officers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// argon2 PHC string of the secret.
    pub secret_hash: String,
    /// Revoked principals cannot log in.
    #[serde(default)]
    pub revoked: bool,
    /// The counter a rating screen belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
}

pub(crate) fn key(kind: PrincipalKind, name: &str) -> Vec<u8> {
    format!("{}:{name}", kind.namespace()).into_bytes()
}

impl Store {
    /// Applies one credential change to sled (the writer calls it after the change is
    /// durable in the log); true if the principal existed before.
    pub(crate) fn apply_principal_write(
        &self,
        write: &crate::PrincipalWrite,
    ) -> Result<bool, StoreError> {
        let previous = match write {
            crate::PrincipalWrite::Put(record) => self.principals.insert(
                key(record.kind, &record.name),
                serde_json::to_vec(record).expect("principal records serialize"),
            )?,
            crate::PrincipalWrite::Remove { kind, name } => {
                self.principals.remove(key(*kind, name))?
            }
        };
        Ok(previous.is_some())
    }

    /// A principal by kind and name (a device lookup finds kiosks and displays).
    pub fn principal(
        &self,
        kind: PrincipalKind,
        name: &str,
    ) -> Result<Option<PrincipalRecord>, StoreError> {
        match self.principals.get(key(kind, name))? {
            None => Ok(None),
            Some(value) => serde_json::from_slice(&value)
                .map(Some)
                .map_err(|e| StoreError::corrupt(self.dir(), format!("principal {name}: {e}"))),
        }
    }

    /// Every principal.
    pub fn principals(&self) -> Result<Vec<PrincipalRecord>, StoreError> {
        self.principals
            .iter()
            .map(|item| {
                let (k, v) = item?;
                serde_json::from_slice(&v).map_err(|e| {
                    StoreError::corrupt(
                        self.dir(),
                        format!("principal {}: {e}", String::from_utf8_lossy(&k)),
                    )
                })
            })
            .collect()
    }
}
