//! Fixed-window use counters for the booking APIs: per client address and per identity, so
//! neither a script hammering the opening minute nor a calo cycling seats through one
//! phone number gets more than a person would (docs/booking.md, "Rush"). The site's API and
//! Antrean Pusat's each keep one [`BookingLimits`] behind a lock with their own figures, in
//! memory only: a restart forgets the counts, which at worst gives everyone a fresh window.

use std::collections::HashMap;

/// Counters by key ("addr:…", "id:…") and window, at most `max_keys` of them.
#[derive(Debug)]
pub struct WindowCounts {
    counts: HashMap<String, (u64, u32)>,
    max_keys: usize,
}

impl WindowCounts {
    /// Counters for at most `max_keys` keys at once (the memory bound).
    pub fn new(max_keys: usize) -> WindowCounts {
        WindowCounts {
            counts: HashMap::new(),
            max_keys: max_keys.max(1),
        }
    }

    /// Counts one use of `key` in the window of `window_s` seconds containing `now_s`;
    /// false (and not counted) when `limit` uses were already counted in it.
    pub fn allow(&mut self, key: &str, now_s: u64, window_s: u64, limit: u32) -> bool {
        let window = now_s / window_s.max(1);
        if self.counts.len() >= self.max_keys && !self.counts.contains_key(key) {
            // Forget every count from an earlier window; if the map is still full (a
            // flood of distinct keys within one window), forget all.
            self.counts.retain(|_, (w, _)| *w == window);
            if self.counts.len() >= self.max_keys {
                self.counts.clear();
            }
        }
        let entry = self.counts.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= limit {
            return false;
        }
        entry.1 += 1;
        true
    }

    /// Keys counted now (at most the bound given to [`WindowCounts::new`]).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether nothing is counted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// A person's share of a booking API, per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookingShare {
    /// Requests a minute from one client address.
    pub requests_per_minute_per_client: u32,
    /// Bookings, cancellations and reschedules an hour from one client address.
    pub changes_per_hour_per_client: u32,
    /// The same per identity (phone, NIK) or booking.
    pub changes_per_hour_per_identity: u32,
}

/// The booking limits of one API: [`BookingShare`] counted in [`WindowCounts`].
#[derive(Debug)]
pub struct BookingLimits {
    counts: WindowCounts,
    share: BookingShare,
}

impl BookingLimits {
    /// Limits of `share`, counting at most `max_keys` clients and identities at once.
    pub fn new(share: BookingShare, max_keys: usize) -> BookingLimits {
        BookingLimits {
            counts: WindowCounts::new(max_keys),
            share,
        }
    }

    /// Counts one request of `client` (an address); false when over its share.
    pub fn allow_request(&mut self, client: &str, now_s: u64) -> bool {
        let limit = self.share.requests_per_minute_per_client;
        self.counts
            .allow(&format!("addr:{client}"), now_s, 60, limit)
    }

    /// Counts one change by `client` for each of `identities`; false when the client or
    /// any identity is over its share.
    pub fn allow_change(&mut self, client: &str, identities: &[String], now_s: u64) -> bool {
        let share = self.share;
        let by_client = self.counts.allow(
            &format!("changes:{client}"),
            now_s,
            3600,
            share.changes_per_hour_per_client,
        );
        let by_identity = identities.iter().all(|key| {
            self.counts.allow(
                &format!("id:{key}"),
                now_s,
                3600,
                share.changes_per_hour_per_identity,
            )
        });
        by_client && by_identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_window() {
        let mut counts = WindowCounts::new(100);
        assert!(counts.allow("a", 0, 60, 2));
        assert!(counts.allow("a", 10, 60, 2));
        assert!(!counts.allow("a", 20, 60, 2), "third in the window");
        assert!(counts.allow("b", 20, 60, 2), "another key");
        assert!(counts.allow("a", 60, 60, 2), "the next window");
    }

    #[test]
    fn a_booking_share_limits_requests_and_changes_per_client_and_identity() {
        let mut limits = BookingLimits::new(
            BookingShare {
                requests_per_minute_per_client: 2,
                changes_per_hour_per_client: 3,
                changes_per_hour_per_identity: 1,
            },
            100,
        );
        assert!(limits.allow_request("10.0.0.1", 0));
        assert!(limits.allow_request("10.0.0.1", 1));
        assert!(
            !limits.allow_request("10.0.0.1", 2),
            "third request in the minute"
        );
        assert!(limits.allow_request("10.0.0.2", 2), "another client");
        let phone = ["phone:a".to_owned()];
        assert!(limits.allow_change("10.0.0.1", &phone, 5));
        assert!(
            !limits.allow_change("10.0.0.3", &phone, 6),
            "the identity again"
        );
        assert!(limits.allow_change("10.0.0.1", &["phone:b".into()], 7));
        assert!(limits.allow_change("10.0.0.1", &["phone:c".into()], 8));
        assert!(
            !limits.allow_change("10.0.0.1", &["phone:d".into()], 9),
            "fourth change of the client"
        );
        assert!(
            limits.allow_change("10.0.0.1", &["phone:d".into()], 3600),
            "the next hour"
        );
    }

    #[test]
    fn never_keeps_more_keys_than_its_bound() {
        let mut counts = WindowCounts::new(3);
        for i in 0..10 {
            assert!(counts.allow(&format!("k{i}"), 5, 60, 1));
            assert!(counts.len() <= 3, "{} keys", counts.len());
        }
    }
}
