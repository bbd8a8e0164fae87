//! Recent day counts, to answer "full" without PostgreSQL in a rush at opening.
//!
//! Only refusals are answered from here: a booking that may take a seat is counted again
//! under the site's row lock, so this cache can make an answer late by its freshness but
//! never sells a seat twice. A change committed here (book, move, cancel) drops the day's
//! entry and what a site did (an expiry frees a seat) drops the site's, so the next
//! request reads PostgreSQL again; an entry older than [`SEAT_CACHE_FRESH`] is read again
//! too. A count read while a cancel commits may miss that one seat for that long: the
//! answer the visitor would have had a moment earlier.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use antrean_core::LocalDate;
use antrean_core::booking::DayCount;

use crate::limits::{MAX_CACHED_DAY_COUNTS, SEAT_CACHE_FRESH};

type Key = (String, String, LocalDate);

/// Day counts by site, service and date, with when they were read; and the read in
/// flight per day, so the thousands of attempts of a rush's first second (or of the
/// second a count goes stale) make one query, and all wake together when it is back.
#[derive(Clone, Default)]
pub struct SeatCache(
    Arc<Mutex<HashMap<Key, (Instant, DayCount)>>>,
    Arc<Mutex<HashMap<Key, Arc<Reading>>>>,
);

/// One read of a day's count, shared by everyone who asked while it ran.
pub type Reading = tokio::sync::OnceCell<DayCount>;

fn key(site: &str, service: &str, date: LocalDate) -> Key {
    (site.to_owned(), service.to_owned(), date)
}

impl SeatCache {
    /// The day's count if read recently.
    pub fn get(&self, site: &str, service: &str, date: LocalDate) -> Option<DayCount> {
        let entries = self.0.lock().expect("seat cache lock");
        entries
            .get(&key(site, service, date))
            .filter(|(at, _)| at.elapsed() < SEAT_CACHE_FRESH)
            .map(|(_, day)| day.clone())
    }

    /// A count older than [`SEAT_CACHE_FRESH`] but less than twice that, and whether a
    /// read of it is already running. The first to find it stale reads it again; the
    /// others answer from it meanwhile instead of all waiting for that read and all
    /// answering in the same instant.
    pub fn stale(&self, site: &str, service: &str, date: LocalDate) -> Option<(DayCount, bool)> {
        let key = key(site, service, date);
        let day = {
            let entries = self.0.lock().expect("seat cache lock");
            let (at, day) = entries.get(&key)?;
            (at.elapsed() < 2 * SEAT_CACHE_FRESH).then(|| day.clone())?
        };
        let running = self.1.lock().expect("seat cache lock").contains_key(&key);
        Some((day, running))
    }

    /// The read of the day's count to join (or to run, for the first to ask).
    pub fn reading(&self, site: &str, service: &str, date: LocalDate) -> Arc<Reading> {
        let mut reads = self.1.lock().expect("seat cache lock");
        if reads.len() >= MAX_CACHED_DAY_COUNTS {
            reads.clear();
        }
        reads.entry(key(site, service, date)).or_default().clone()
    }

    /// The read is done (its count is kept by [`SeatCache::put`]): the next stale count
    /// starts a new one.
    pub fn read_done(&self, site: &str, service: &str, date: LocalDate, read: &Arc<Reading>) {
        let mut reads = self.1.lock().expect("seat cache lock");
        let key = key(site, service, date);
        if reads.get(&key).is_some_and(|r| Arc::ptr_eq(r, read)) {
            reads.remove(&key);
        }
    }

    /// Keeps a count just read from PostgreSQL.
    pub fn put(&self, site: &str, service: &str, date: LocalDate, day: DayCount) {
        let mut entries = self.0.lock().expect("seat cache lock");
        if entries.len() >= MAX_CACHED_DAY_COUNTS {
            entries.clear();
        }
        entries.insert(key(site, service, date), (Instant::now(), day));
    }

    /// Drops the day's count (a change committed here).
    pub fn forget(&self, site: &str, service: &str, date: LocalDate) {
        self.0
            .lock()
            .expect("seat cache lock")
            .remove(&key(site, service, date));
    }

    /// Drops every count of `site` (its own events changed seats).
    pub fn forget_site(&self, site: &str) {
        self.0
            .lock()
            .expect("seat cache lock")
            .retain(|(s, _, _), _| s != site);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_count_until_a_change_or_the_sites_events() {
        let cache = SeatCache::default();
        let date = LocalDate::parse("2026-12-07").unwrap();
        assert!(cache.get("a", "paspor", date).is_none());
        let day = DayCount {
            claimed: 3,
            ..DayCount::default()
        };
        cache.put("a", "paspor", date, day.clone());
        cache.put("a", "umum", date, day.clone());
        assert_eq!(cache.get("a", "paspor", date), Some(day.clone()));
        cache.forget("a", "paspor", date);
        assert!(cache.get("a", "paspor", date).is_none());
        assert!(
            cache.get("a", "umum", date).is_some(),
            "another service kept"
        );
        cache.forget_site("a");
        assert!(cache.get("a", "umum", date).is_none());
    }
}
