//! The booking API's rate limits: the core's fixed-window counters behind a lock
//! ([`antrean_core::rate::WindowCounts`], docs/booking.md, "Rush").

use std::sync::Mutex;

use antrean_core::rate::WindowCounts;

use crate::limits::MAX_BOOKING_RATE_ENTRIES;

/// Counters by key ("addr:…", "id:…") and window.
pub struct RateLimiter {
    counts: Mutex<WindowCounts>,
}

impl Default for RateLimiter {
    fn default() -> RateLimiter {
        RateLimiter {
            counts: Mutex::new(WindowCounts::new(MAX_BOOKING_RATE_ENTRIES)),
        }
    }
}

impl RateLimiter {
    /// Counts one use of `key` in the window of `window_s` seconds containing `now_s`;
    /// false (and not counted) when `limit` uses were already counted in it.
    pub fn allow(&self, key: &str, now_s: u64, window_s: u64, limit: u32) -> bool {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .allow(key, now_s, window_s, limit)
    }
}
