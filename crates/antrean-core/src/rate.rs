//! Fixed-window use counters for the booking APIs: per client address and per identity, so
//! neither a script hammering the opening minute nor a calo cycling seats through one
//! phone number gets more than a person would (docs/booking.md, "Rush"). The shells keep
//! one behind a lock, in memory only: a restart forgets the counts, which at worst gives
//! everyone a fresh window.

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
    fn never_keeps_more_keys_than_its_bound() {
        let mut counts = WindowCounts::new(3);
        for i in 0..10 {
            assert!(counts.allow(&format!("k{i}"), 5, 60, 1));
            assert!(counts.len() <= 3, "{} keys", counts.len());
        }
    }
}
