//! Every bound the coordinator enforces, with the reason for its value.

use std::time::Duration;

/// Concurrent WebSocket connections. A large MPP has ~20 kiosks, ~100 counters, ~10 boards
/// and a few hundred visitors following digital tickets; 10,000 leaves two orders of
/// magnitude of headroom while capping memory (~16 KiB per idle connection → ~160 MiB).
pub const MAX_CONNECTIONS: usize = 10_000;

/// Largest client message (see `antrean_protocol::MAX_CLIENT_MESSAGE_BYTES`).
pub const MAX_MESSAGE_BYTES: usize = antrean_protocol::MAX_CLIENT_MESSAGE_BYTES;

/// tungstenite's read buffer per connection. Its default (128 KiB) would cost ~1.3 GB for
/// 10,000 idle connections; our requests are a few hundred bytes (it grows for a larger
/// one, up to [`MAX_MESSAGE_BYTES`], read in chunks of this size). tungstenite also
/// zero-fills this much before every read, so smaller is cheaper per message as well.
pub const READ_BUFFER_BYTES: usize = 1024;

/// Write buffer before tungstenite flushes to the socket.
pub const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// Hard cap on one connection's unsent bytes. A snapshot of a very busy day (15 services ×
/// 999 tickets × ~250 B) is under 4 MiB; a client that cannot take it is disconnected.
pub const MAX_WRITE_BUFFER_BYTES: usize = 8 * 1024 * 1024;

/// Messages queued for one connection (replies and snapshots). A client that does not read
/// is disconnected rather than letting the coordinator wait for it or buffer without end.
pub const SESSION_QUEUE_MESSAGES: usize = 256;

/// Event broadcast ring. A client that falls further behind gets a fresh snapshot.
pub const BROADCAST_CAPACITY: usize = 4096;

/// Events buffered per session while it waits for a resync snapshot.
pub const RESYNC_BUFFER_EVENTS: usize = 4096;

/// Jobs waiting for the committer. When full, sessions wait (backpressure on the socket)
/// instead of the queue growing in memory.
pub const COMMITTER_QUEUE_JOBS: usize = 8192;

/// Commands in one group commit. Bounds the latency one batch adds to the next.
pub const MAX_BATCH_JOBS: usize = 1024;

/// Time to send `hello` after connecting; idle half-open connections are dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// We ping every client this often (tungstenite never pings on its own).
pub const PING_INTERVAL: Duration = Duration::from_secs(20);

/// A client that has sent nothing (not even a pong) for this long is dropped.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// One write to a client may take this long before the client counts as stuck.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Sustained requests per second per connection. A kiosk peaks near 1/s and an officer
/// far below; scripts and integrations may batch. 200/s lets one client use at most a few
/// percent of the committer's capacity.
pub const REQUESTS_PER_SECOND: f64 = 200.0;

/// Burst allowance on top of the sustained rate.
pub const REQUEST_BURST: f64 = 400.0;

/// Failed logins per (source address, officer/manager name) before a lockout: PINs are
/// short. Counted per source so that someone on the LAN guessing cannot lock the real
/// officer or manager out from their own desk.
pub const MAX_LOGIN_FAILURES: u32 = 5;

/// The first lockout after too many failed logins; each further lockout of the same source
/// and name doubles it (1, 2, 4 … minutes), so guessing a 4-digit PIN from one machine
/// takes days, not hours.
pub const LOGIN_LOCKOUT: Duration = Duration::from_secs(60);

/// The longest lockout the doubling reaches.
pub const MAX_LOGIN_LOCKOUT: Duration = Duration::from_secs(3600);

/// (source, name) pairs with failures remembered. Each is ~100 B; a flood of made-up names
/// from one machine must not grow memory without bound: past this, the entries whose
/// lockout is over are dropped first, then the oldest.
pub const MAX_LOGIN_FAILURE_ENTRIES: usize = 10_000;

/// Request ids remembered for idempotent retries. A retry arrives within seconds of the
/// original; 100,000 ids cover many busy days of traffic at ~100 B each (~10 MiB).
pub const REMEMBERED_REQUEST_IDS: usize = 100_000;

/// How long shutdown waits for sessions to say goodbye before exiting anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Longest report period, and the days of report facts kept in memory (the reasons are
/// with the constant).
pub use antrean_reports::MAX_REPORT_DAYS;

/// Reports running at once. Each reads part of the log on a blocking thread and takes a
/// CPU core; with two cores, two managers' reports must not starve the committer.
pub const MAX_CONCURRENT_REPORTS: usize = 1;

/// Logged-in browsers kept at once (officer consoles and manager reports). A site has tens
/// of counters and a few managers; the bound keeps a login loop with valid credentials from
/// growing memory and the sessions file without end.
pub const MAX_WEB_SESSIONS: usize = 512;

/// Logged-in browsers per person; a ninth login ends that person's oldest session (a
/// manager on a laptop, a phone and a desk PC stays far below it).
pub const MAX_WEB_SESSIONS_PER_PERSON: usize = 8;

/// How long an officer's browser stays logged in: a working day with overtime, so a
/// console opened in the morning never asks for the PIN mid-shift, and a forgotten one
/// is dead by the next morning.
pub const OFFICER_WEB_SESSION: Duration = Duration::from_secs(12 * 3600);

/// How long a manager's browser stays logged in: a working day. Managers hold the keys to
/// every credential, so their sessions are the shorter ones.
pub const MANAGER_WEB_SESSION: Duration = Duration::from_secs(8 * 3600);

/// Largest login body accepted on `POST /api/session` (an id, a PIN or password and a
/// counter: well under 1 KiB).
pub const MAX_LOGIN_BODY_BYTES: usize = 4 * 1024;

/// Requests one session may have waiting for answers; half the answer queue, so the
/// committer's `try_send` never finds it full.
pub const MAX_IN_FLIGHT: usize = SESSION_QUEUE_MESSAGES / 2;

/// Events written to one socket before a flush. A group commit fans out many events at
/// once; one write for all of them instead of one each is what keeps a burst cheap. Bounded
/// so one session's backlog does not hold its worker thread for long.
pub const MAX_EVENTS_PER_WRITE: usize = 64;

/// Longest printer detail a kiosk may report (characters); more is cut.
pub const MAX_PRINTER_DETAIL_CHARS: usize = 200;

/// Verified device tokens remembered (so a reconnecting kiosk or board skips argon2): a site
/// has tens of devices; this is far above that, and the cache is cleared when full.
pub const DEVICE_CACHE_ENTRIES: usize = 4096;

/// Logins waiting for the one argon2 thread; callers block (they run on blocking threads).
pub const QUEUED_HASH_JOBS: usize = 64;

/// How long a manager's answer waits for the cut sessions to close. A session closes as
/// soon as its task runs; only one stuck writing to a dead peer takes longer, and it can no
/// longer act anyway (its flag refuses its requests).
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Events in one batch to central. Large enough that a day's backlog of a busy site
/// (~10,000 events) ships in about ten round trips; small enough that one batch is one
/// short transaction at central and a few hundred KiB on a slow link.
pub const SHIP_BATCH_EVENTS: usize = 1_000;

/// Bytes of events in one batch to central (well under the shipping message bound).
pub const SHIP_BATCH_BYTES: usize = 512 * 1024;

/// With a backlog, the newest events (at most this many, not yet sent) ride along with
/// each batch, so central sees today's calls before last week's history.
pub const SHIP_LIVE_TAIL_EVENTS: usize = 200;

/// Connecting to central (TCP + TLS + upgrade) must finish within this.
pub const SHIP_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Central must answer a batch within this (one transaction; PostgreSQL under a backlog
/// of hundreds of sites may take seconds), else the link is taken as dead.
pub const SHIP_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// An idle link sends an empty batch this often: central's "last connected" stays fresh
/// and a dead link is noticed.
pub const SHIP_HEARTBEAT: Duration = Duration::from_secs(20);

/// Reconnect attempts double their wait up to this (a central down for hours is asked
/// once a minute, not hammered).
pub const SHIP_MAX_BACKOFF: Duration = Duration::from_secs(60);

/// After the log grows, the shipper waits this long for more events before sending: one
/// batch per moment of activity instead of one per event, so shipping costs the site (and
/// central) a round trip a second at most while the counters are busy. Central sees an
/// event at most this much later — nothing there needs it sooner.
pub const SHIP_LINGER: Duration = Duration::from_millis(1_000);

/// Booking keys (one per service and date) kept in memory. A site with 20 bookable
/// services, 14 days ahead and 90 days of retention has under 2,100 key files; past this
/// the cache is emptied and keys are read again from disk (32 bytes each).
pub const MAX_CACHED_BOOKING_KEYS: usize = 4096;

/// Booking API requests per minute per client address (slots, status, book, change).
/// A person booking clicks a few dozen times; a rush of scripted retries from one
/// address at the opening of the booking window is cut to this (docs/booking.md, "Rush").
pub const BOOKING_REQUESTS_PER_MINUTE_PER_ADDRESS: u32 = 60;

/// Bookings, cancellations and reschedules per hour per identity (phone or NIK): a
/// visitor changes their mind a few times; a calo grabbing and releasing seats for sale
/// does it many times.
pub const BOOKING_CHANGES_PER_HOUR: u32 = 10;

/// Bookings, cancellations and reschedules per hour per client address. Higher than per
/// identity: a family, an office's Wi-Fi or a mobile carrier's shared address (CGNAT)
/// puts many honest visitors behind one address.
pub const BOOKING_CHANGES_PER_HOUR_PER_ADDRESS: u32 = 60;

/// Addresses and identities tracked by the booking rate limiter. Each entry is ~64
/// bytes; a rush from a national campaign reaches a few hundred thousand addresses. Past
/// this, the stalest entries are dropped (their counts restart).
pub const MAX_BOOKING_RATE_ENTRIES: usize = 200_000;

/// Largest booking API request body: a booking is a few hundred bytes.
pub const MAX_BOOKING_BODY_BYTES: usize = 4 * 1024;

/// How often the shipper asks central for bookings it made for this site. A booking made
/// at central a moment before its visitor arrives is honoured from its signed code anyway;
/// this only keeps the site's seat counts and lists current.
pub const BOOKING_SYNC_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Wait bands remembered (one per waiting ticket a visitor was shown, so each stays steady)
/// before those of tickets no longer waiting are dropped: well above the waiting tickets of
/// a busy site's day, so pruning is rare and the map stays a few hundred kilobytes at most.
pub const MAX_SHOWN_BANDS: usize = 4096;
