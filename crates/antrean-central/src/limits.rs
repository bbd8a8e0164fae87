//! Every bound of the central service, with its reason.

use std::time::Duration;

/// Events accepted in one batch. The site sends at most its own bound
/// (`antrean_coordinator::limits::SHIP_BATCH_EVENTS`); this leaves room for an older or
/// differently configured site, and caps one transaction's work.
pub const MAX_BATCH_EVENTS: usize = 5_000;

/// Pooled PostgreSQL connections. Every batch is one short transaction; 300 sites shipping
/// a few events a second need a handful, and each PostgreSQL backend costs ~10 MiB there.
pub const MAX_DB_CONNECTIONS: usize = 16;

/// Connected sites at once (each holds one WebSocket and a little memory); a province's
/// hundreds of sites fit with room, and a flood of fake connections stops here.
pub const MAX_SITE_CONNECTIONS: usize = 2_000;

/// Events the projector reads per round for one site: bounds its memory and keeps one
/// site's backlog from starving the others (the next round continues).
pub const PROJECTOR_CHUNK_EVENTS: i64 = 20_000;

/// Sites whose open visits the projector keeps in memory (today's tickets): beyond it the
/// least recently used is dropped and rebuilt from the day's raw events when needed.
pub const MAX_PROJECTED_SITES: usize = 5_000;

/// How far before a day's start a restarted projector looks for booking events: a
/// booking still active then was made at most `days_ahead` (≤ 90, the catalog's bound)
/// before its day, and settles within a day of it.
pub const PROJECTOR_BOOKING_LOOKBACK_MS: i64 = 92 * 24 * 3600 * 1000;

/// How often the projector looks for new events when no batch woke it.
pub const PROJECTOR_IDLE_POLL: Duration = Duration::from_secs(5);

/// How long to wait for PostgreSQL at start (it may be starting with us under systemd).
pub const DATABASE_START_WAIT: Duration = Duration::from_secs(60);

/// A TLS handshake must finish within this, or the connection is dropped (a slowloris
/// holding sockets open stops here).
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Browser sessions of central managers.
pub const WEB_SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

/// Report periods are at most this many days (a year and a bit: a quarter-on-quarter or
/// yearly comparison fits; a decade-long scan does not tie up the database).
pub const MAX_REPORT_DAYS: i64 = 400;

/// PostgreSQL `work_mem` for one report query: a quarter across 300 sites groups ~100,000
/// rollup rows into ~5,000 groups of 41 sums (~30 MB); with the default 4 MB it sorts on
/// disk and takes twice as long. Reports run at most [`MAX_CONCURRENT_REPORTS`] at once,
/// three queries each, so this bounds what reports take from the database's memory.
pub const REPORT_WORK_MEM: &str = "64MB";

/// Reports computed at once; more wait their turn (a manager's click is not worth the
/// database's memory for everyone else).
pub const MAX_CONCURRENT_REPORTS: usize = 4;

/// Parsed site catalogs kept for booking (by digest; sites share few versions). Past it the
/// cache starts over: parsing one takes about a millisecond.
pub const MAX_CACHED_CATALOGS: usize = 256;

/// Sites whose booking state is kept in memory: their code keys, the catalog each last had
/// and their booking queues (a few hundred bytes each; a province has hundreds of sites,
/// the country thousands). Past it each map starts over (keys and catalogs are one query
/// away; only idle queues are dropped).
pub const MAX_BOOKING_SITES_KEPT: usize = 20_000;

/// How long a day's seat count read from PostgreSQL answers "full" before it is read
/// again (booking/seat_cache.rs); while that read runs, others answer from the count for
/// up to this long again. In a rush at opening one read serves the thousands of attempts
/// of a second; a seat freed by a site's expiry shows here at most twice this late.
pub const SEAT_CACHE_FRESH: Duration = Duration::from_secs(1);

/// Day counts cached for that (site × service × date, ~100 bytes each): a national
/// catalog's sites, booked services and days ahead fit; past it the cache starts over.
pub const MAX_CACHED_DAY_COUNTS: usize = 100_000;

/// Partners whose request counts are kept for their per-minute limit; past it the counts
/// start over (a partner is a regional or national app: a handful, never thousands).
pub const MAX_RATED_PARTNERS: usize = 1_000;

/// How often the retention purge of bookings' personal data runs. Retention is counted in
/// whole days, so an hour late at most is well inside "no longer than needed".
pub const BOOKING_PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// Largest booking API request body, bytes (a booking is a few hundred).
pub const MAX_BOOKING_BODY_BYTES: usize = 4 * 1024;

/// Requests per minute per client address to the visitors' booking API (sites, slots,
/// book, view, change). Twice the site's figure: a visitor at central browses several
/// sites' days before choosing. A script retrying at the opening of the window is cut here
/// (docs/booking.md, "Rush").
pub const VISITOR_REQUESTS_PER_MINUTE_PER_ADDRESS: u32 = 120;

/// Bookings, cancellations and reschedules per hour per client address: many honest
/// visitors share one address (an office's Wi-Fi, a carrier's CGNAT).
pub const VISITOR_CHANGES_PER_HOUR_PER_ADDRESS: u32 = 60;

/// Bookings, cancellations and reschedules per hour per identity (phone or NIK, per
/// site): a visitor changes their mind a few times; a calo cycling seats does it often.
pub const VISITOR_CHANGES_PER_HOUR_PER_IDENTITY: u32 = 10;

/// Addresses and identities tracked by the visitors' rate limits (~64 bytes each): a
/// national campaign's rush reaches a few hundred thousand addresses. Past it the stalest
/// counts are dropped (they restart).
pub const MAX_VISITOR_RATE_ENTRIES: usize = 500_000;
