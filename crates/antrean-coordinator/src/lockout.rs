//! Brute-force protection for PINs and passwords that an outsider cannot turn against the
//! people it protects.
//!
//! Failures are counted per (source address, name). After [`MAX_LOGIN_FAILURES`] wrong
//! secrets from one address for one name, that address is locked out for that name for
//! [`LOGIN_LOCKOUT`], doubling with every further lockout up to [`MAX_LOGIN_LOCKOUT`]. The
//! officer or manager at another machine logs in as usual; a correct login from the
//! locked address waits like any other attempt from it. Time is passed in.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::limits::{
    LOGIN_LOCKOUT, MAX_LOGIN_FAILURE_ENTRIES, MAX_LOGIN_FAILURES, MAX_LOGIN_LOCKOUT,
};

#[derive(Clone, Copy, Debug)]
struct Entry {
    failures: u32,
    lockouts: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

/// Failures per (source, name).
#[derive(Debug, Default)]
pub struct Lockouts {
    entries: HashMap<(IpAddr, String), Entry>,
}

/// An entry with no failure for this long is forgotten (its doubling starts over).
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

impl Lockouts {
    /// Whether `source` may try `name` now; Err with the time left when locked out.
    pub fn check(&self, source: IpAddr, name: &str, now: Instant) -> Result<(), Duration> {
        match self.entries.get(&(source, name.to_owned())) {
            Some(Entry {
                locked_until: Some(until),
                ..
            }) if *until > now => Err(*until - now),
            _ => Ok(()),
        }
    }

    /// Records a wrong secret; returns the lockout it started, if it started one.
    pub fn failed(&mut self, source: IpAddr, name: &str, now: Instant) -> Option<Duration> {
        self.make_room(now);
        let entry = self
            .entries
            .entry((source, name.to_owned()))
            .or_insert(Entry {
                failures: 0,
                lockouts: 0,
                locked_until: None,
                last: now,
            });
        if now.duration_since(entry.last) >= FORGET_AFTER {
            *entry = Entry {
                failures: 0,
                lockouts: 0,
                locked_until: None,
                last: now,
            };
        }
        entry.last = now;
        entry.failures += 1;
        if entry.failures < MAX_LOGIN_FAILURES {
            return None;
        }
        let lockout = LOGIN_LOCKOUT
            .saturating_mul(1u32 << entry.lockouts.min(16))
            .min(MAX_LOGIN_LOCKOUT);
        entry.failures = 0;
        entry.lockouts += 1;
        entry.locked_until = Some(now + lockout);
        Some(lockout)
    }

    /// A correct secret from `source`: its count for `name` starts over.
    pub fn succeeded(&mut self, source: IpAddr, name: &str) {
        self.entries.remove(&(source, name.to_owned()));
    }

    /// A new secret was set for `name`: every source starts over.
    pub fn forget_name(&mut self, name: &str) {
        self.entries.retain(|(_, known), _| known != name);
    }

    /// Keeps the table under [`MAX_LOGIN_FAILURE_ENTRIES`]: entries not locked go first,
    /// then the oldest.
    fn make_room(&mut self, now: Instant) {
        if self.entries.len() < MAX_LOGIN_FAILURE_ENTRIES {
            return;
        }
        self.entries
            .retain(|_, e| e.locked_until.is_some_and(|until| until > now));
        while self.entries.len() >= MAX_LOGIN_FAILURE_ENTRIES {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last)
                .map(|(k, _)| k.clone())
                .expect("not empty");
            self.entries.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, last])
    }

    #[test]
    fn a_guesser_is_locked_out_longer_each_time_and_nobody_else_is() {
        let mut lockouts = Lockouts::default();
        let t0 = Instant::now();
        for i in 1..MAX_LOGIN_FAILURES {
            assert_eq!(
                lockouts.failed(ip(66), "manager:admin", t0),
                None,
                "failure {i}"
            );
        }
        assert_eq!(
            lockouts.failed(ip(66), "manager:admin", t0),
            Some(LOGIN_LOCKOUT)
        );
        assert!(lockouts.check(ip(66), "manager:admin", t0).is_err());
        // The real manager at another desk, and the guesser for another name, are free.
        assert!(lockouts.check(ip(10), "manager:admin", t0).is_ok());
        assert!(lockouts.check(ip(66), "officer:siti", t0).is_ok());
        // After the lockout, five more failures lock for twice as long, then four times.
        let t1 = t0 + LOGIN_LOCKOUT;
        assert!(lockouts.check(ip(66), "manager:admin", t1).is_ok());
        for _ in 1..MAX_LOGIN_FAILURES {
            lockouts.failed(ip(66), "manager:admin", t1);
        }
        assert_eq!(
            lockouts.failed(ip(66), "manager:admin", t1),
            Some(LOGIN_LOCKOUT * 2)
        );
        let t2 = t1 + LOGIN_LOCKOUT * 2;
        for _ in 1..MAX_LOGIN_FAILURES {
            lockouts.failed(ip(66), "manager:admin", t2);
        }
        assert_eq!(
            lockouts.failed(ip(66), "manager:admin", t2),
            Some(LOGIN_LOCKOUT * 4)
        );
        // A new password clears every source.
        lockouts.forget_name("manager:admin");
        assert!(lockouts.check(ip(66), "manager:admin", t2).is_ok());
    }

    #[test]
    fn the_doubling_stops_at_the_maximum_and_the_table_stays_bounded() {
        let mut lockouts = Lockouts::default();
        let mut now = Instant::now();
        let mut last = None;
        for _ in 0..20 {
            for _ in 0..MAX_LOGIN_FAILURES {
                last = lockouts.failed(ip(1), "officer:x", now).or(last);
            }
            now += MAX_LOGIN_LOCKOUT;
        }
        assert_eq!(last, Some(MAX_LOGIN_LOCKOUT));
        for i in 0..(MAX_LOGIN_FAILURE_ENTRIES + 50) {
            lockouts.failed(ip(2), &format!("officer:made-up-{i}"), now);
        }
        assert!(lockouts.entries.len() <= MAX_LOGIN_FAILURE_ENTRIES);
    }
}
