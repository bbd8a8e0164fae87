//! Fixed-window counters for the booking API: per client address and per identity, so
//! neither a script hammering the opening minute nor a calo cycling seats through one
//! phone number gets more than a person would (docs/booking.md, "Rush"). In memory only:
//! a restart forgets the counts, which at worst gives everyone a fresh window.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::limits::MAX_BOOKING_RATE_ENTRIES;

/// Counters by key ("addr:…", "id:…") and window.
#[derive(Default)]
pub struct RateLimiter {
    counts: Mutex<HashMap<String, (u64, u32)>>,
}

impl RateLimiter {
    /// Counts one use of `key` in the window of `window_s` seconds containing `now_s`;
    /// false (and not counted) when `limit` uses were already counted in it.
    pub fn allow(&self, key: &str, now_s: u64, window_s: u64, limit: u32) -> bool {
        let window = now_s / window_s.max(1);
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() >= MAX_BOOKING_RATE_ENTRIES && !counts.contains_key(key) {
            // Forget every count from an earlier window; if the map is still full (a
            // flood of distinct keys within one window), forget all.
            counts.retain(|_, (w, _)| *w == window);
            if counts.len() >= MAX_BOOKING_RATE_ENTRIES {
                counts.clear();
            }
        }
        let entry = counts.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= limit {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_window() {
        let limiter = RateLimiter::default();
        assert!(limiter.allow("a", 0, 60, 2));
        assert!(limiter.allow("a", 10, 60, 2));
        assert!(!limiter.allow("a", 20, 60, 2), "third in the window");
        assert!(limiter.allow("b", 20, 60, 2), "another key");
        assert!(limiter.allow("a", 60, 60, 2), "the next window");
    }
}
