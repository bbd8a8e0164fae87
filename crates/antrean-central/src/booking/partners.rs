//! Partner apps and their keys: a regional or national app books on a site's behalf
//! through the booking API with its own key and its own per-minute limit.
//!
//! Keys are made like site keys (32 random bytes shown once, SHA-256 kept), with their
//! own prefix so one found in a config file is recognisable.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::bail;

use crate::db::Db;
use crate::limits::MAX_RATED_PARTNERS;
use crate::sites::{key_hash, new_key_with, valid_id};

/// Prefix of partner keys.
pub const PARTNER_KEY_PREFIX: &str = "antrean-partner-";

/// A partner as the API knows it after its key was checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    /// Id.
    pub id: String,
    /// Requests a minute it may make.
    pub per_minute: u32,
}

impl Db {
    /// Enrols a partner and returns its key (shown once).
    pub async fn add_partner(
        &self,
        id: &str,
        name: &str,
        per_minute: u32,
    ) -> anyhow::Result<String> {
        if !valid_id(id) {
            bail!("partner id `{id}`: use lower-case letters, digits and dashes (at most 63)");
        }
        if !(1..=100_000).contains(&per_minute) {
            bail!("--per-minute must be 1 to 100000");
        }
        let key = new_key_with(PARTNER_KEY_PREFIX);
        let conn = self.get().await?;
        let n = conn
            .execute(
                "INSERT INTO partners (id, name, key_sha256, per_minute) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO NOTHING",
                &[&id, &name, &key_hash(&key), &(per_minute as i32)],
            )
            .await?;
        if n == 0 {
            bail!("partner `{id}` is already enrolled");
        }
        Ok(key)
    }

    /// The partner holding `key`, if any.
    pub async fn partner_by_key(&self, key: &str) -> anyhow::Result<Option<Partner>> {
        if !key.starts_with(PARTNER_KEY_PREFIX) {
            return Ok(None);
        }
        let conn = self.get().await?;
        Ok(conn
            .query_opt(
                "SELECT id, per_minute FROM partners WHERE key_sha256 = $1",
                &[&key_hash(key)],
            )
            .await?
            .map(|r| Partner {
                id: r.get(0),
                per_minute: r.get::<_, i32>(1) as u32,
            }))
    }
}

/// Requests per partner in the current minute.
#[derive(Default)]
pub struct PartnerRates(Mutex<HashMap<String, (u64, u32)>>);

impl PartnerRates {
    /// Counts a request of `partner` at `now_s`; Err(seconds to wait) past its limit.
    pub fn allow(&self, partner: &Partner, now_s: u64) -> Result<(), u64> {
        let minute = now_s / 60;
        let mut counts = self.0.lock().expect("rates lock");
        if counts.len() >= MAX_RATED_PARTNERS && !counts.contains_key(&partner.id) {
            counts.clear();
        }
        let entry = counts.entry(partner.id.clone()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= partner.per_minute {
            return Err(60 - now_s % 60);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_gets_its_own_per_minute_limit() {
        let rates = PartnerRates::default();
        let slow = Partner {
            id: "slow".into(),
            per_minute: 2,
        };
        let fast = Partner {
            id: "fast".into(),
            per_minute: 3,
        };
        let t = 6_000;
        assert_eq!(rates.allow(&slow, t), Ok(()));
        assert_eq!(rates.allow(&slow, t + 1), Ok(()));
        assert_eq!(rates.allow(&slow, t + 2), Err(58));
        for i in 0..3 {
            assert_eq!(rates.allow(&fast, t + i), Ok(()), "another partner's count");
        }
        assert_eq!(rates.allow(&slow, t + 60), Ok(()), "the next minute");
    }
}
