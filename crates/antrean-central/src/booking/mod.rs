//! Bookings taken at central for the services a site's catalog marks `booked_at =
//! "central"` (docs/booking.md, "Booked at central").
//!
//! Central owns those seats: every booking of a site takes the site's `booking_sites` row
//! lock, counts the day's seats in PostgreSQL and applies the core's rules
//! ([`antrean_core::booking::seat_views`], the same the site's engine uses), so no slot is
//! ever sold twice however many partners book at once. Each change gets the site's next
//! change number; the site pulls changes over its shipping link ([`Db::booking_changes`])
//! and, while that link is down, honours a booking from its signed code
//! ([`antrean_protocol::booking_code::CentralCodes`]). What the site did with a booking
//! (checked in, expired) comes back in its events ([`Db::apply_site_booking_events`]).

pub mod api;
mod group;
pub use group::SiteQueues;
pub mod partners;
pub mod seat_cache;
pub mod visitor;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use antrean_core::booking::{
    BookedAt, BookingId, BookingProblem, BookingRules, DayCount, NikRule, SlotView, contact, nik,
};
use antrean_core::catalog::Service;
use antrean_core::time::LocalDateTime;
use antrean_core::{Catalog, LocalDate, LocalTime, Timestamp};
use antrean_protocol::booking_code::{CentralBooking, CentralCodes};
use antrean_protocol::{CentralBookingDto, EventDto, MAX_SYNCED_BOOKINGS, ShippedEvent};
use anyhow::Context;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::db::Db;
use crate::limits::{MAX_BOOKING_SITES_KEPT, MAX_CACHED_CATALOGS, SEAT_CACHE_FRESH};

/// Why a booking request was not done.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The rules refused it (an answer for the visitor).
    #[error("{}", .0.message_en())]
    Refused(BookingProblem),
    /// No such site, service or booking.
    #[error("{0}")]
    NotFound(String),
    /// The site has not sent its catalog yet, so its services are not known here.
    #[error("site {0} has not sent its catalog yet")]
    SiteNotReady(String),
    /// The database failed; nothing was stored.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

impl From<tokio_postgres::Error> for BookError {
    fn from(err: tokio_postgres::Error) -> BookError {
        BookError::Database(err.into())
    }
}

/// A booking as central keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct CentralRow {
    /// Central's number at its site.
    pub number: u64,
    /// Service code.
    pub service: String,
    /// Date of the visit.
    pub date: LocalDate,
    /// Slot start.
    pub slot: LocalTime,
    /// "active", "cancelled", "checked_in" or "expired".
    pub state: String,
    /// Name (None once purged).
    pub name: Option<String>,
    /// Phone (None once purged).
    pub phone: Option<String>,
    /// The NIK, masked, when the service asked for it.
    pub nik_masked: Option<String>,
}

/// What a visitor (through a partner app) gives to book.
pub struct BookRequest<'a> {
    /// Service code.
    pub service: &'a str,
    /// Date.
    pub date: LocalDate,
    /// Slot start.
    pub slot: LocalTime,
    /// Name as typed.
    pub name: &'a str,
    /// Phone as typed.
    pub phone: &'a str,
    /// NIK as typed, if any.
    pub nik: Option<&'a str>,
    /// Who books.
    pub by: Booker<'a>,
}

/// Who makes a booking at central.
#[derive(Clone, Copy)]
pub enum Booker<'a> {
    /// A partner app, by its id.
    Partner(&'a str),
    /// The visitor on central's booking page, who gets a private link; central keeps only
    /// the SHA-256 of its token ([`manage_sha256`]).
    Visitor {
        /// SHA-256 of the private link's token.
        manage_sha256: [u8; 32],
    },
}

/// A fresh private-link token (32 random bytes, URL-safe base64) and its SHA-256.
pub fn new_manage_token() -> (String, [u8; 32]) {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let sha = manage_sha256(&token);
    (token, sha)
}

/// What central keeps of a private link's token.
pub fn manage_sha256(token: &str) -> [u8; 32] {
    use sha2::Digest as _;
    Sha256::digest(token.as_bytes()).into()
}

/// Parsed site catalogs by digest (sites share few versions), and which one each site had
/// when last asked: a site's catalog is looked up once per [`SEAT_CACHE_FRESH`] at most
/// (a newly published catalog is used that much later). When it is due, the first request
/// looks it up and the others go on with the one they had, so a rush does not queue on
/// thousands of identical lookups.
#[derive(Clone, Default)]
pub struct Catalogs(
    Arc<Mutex<HashMap<String, Arc<Catalog>>>>,
    Arc<Mutex<HashMap<String, SeenCatalog>>>,
);

/// A site's catalog, when it was looked up, and whether a lookup is running.
type SeenCatalog = (std::time::Instant, Arc<Catalog>, bool);

impl Catalogs {
    fn recent(&self, site: &str) -> Option<Arc<Catalog>> {
        let mut by_site = self.1.lock().expect("catalogs lock");
        let (at, catalog, looking) = by_site.get_mut(site)?;
        let age = at.elapsed();
        if age < SEAT_CACHE_FRESH || (*looking && age < 10 * SEAT_CACHE_FRESH) {
            return Some(catalog.clone());
        }
        // This request looks it up ([`Catalogs::seen`] ends the lookup).
        *looking = true;
        None
    }

    fn seen(&self, site: &str, catalog: &Arc<Catalog>) {
        let mut by_site = self.1.lock().expect("catalogs lock");
        if by_site.len() >= MAX_BOOKING_SITES_KEPT {
            by_site.clear();
        }
        by_site.insert(
            site.to_owned(),
            (std::time::Instant::now(), catalog.clone(), false),
        );
    }
}

/// Sites' booking-code keys by site: a key is made once and never changes, so every
/// booking after the first reads it from memory.
#[derive(Clone, Default)]
pub struct CodeKeys(Arc<Mutex<HashMap<String, [u8; 32]>>>);

fn refused(problem: BookingProblem) -> BookError {
    BookError::Refused(problem)
}

impl Db {
    /// The catalog the site last sent.
    pub async fn site_catalog(&self, site: &str) -> Result<Arc<Catalog>, BookError> {
        if let Some(catalog) = self.catalogs.recent(site) {
            return Ok(catalog);
        }
        let conn = self.get().await?;
        // The digest first: the catalog's text only travels when it is not parsed yet.
        let row = conn
            .query_opt("SELECT catalog_sha256 FROM sites WHERE id = $1", &[&site])
            .await?
            .ok_or_else(|| BookError::NotFound(format!("no site {site}")))?;
        let Some(sha): Option<String> = row.get(0) else {
            return Err(BookError::SiteNotReady(site.to_owned()));
        };
        if let Some(catalog) = self.catalogs.0.lock().expect("catalogs lock").get(&sha) {
            self.catalogs.seen(site, catalog);
            return Ok(catalog.clone());
        }
        let row = conn
            .query_one(
                "SELECT catalog_sha256, catalog_toml FROM sites WHERE id = $1",
                &[&site],
            )
            .await?;
        let (Some(sha), Some(toml)): (Option<String>, Option<String>) = (row.get(0), row.get(1))
        else {
            return Err(BookError::SiteNotReady(site.to_owned()));
        };
        let catalog = Arc::new(
            antrean_catalog::parse("catalog.toml", &toml)
                .map_err(|_| BookError::SiteNotReady(site.to_owned()))?,
        );
        let mut cache = self.catalogs.0.lock().expect("catalogs lock");
        if cache.len() >= MAX_CACHED_CATALOGS {
            cache.clear();
        }
        cache.insert(sha, catalog.clone());
        drop(cache);
        self.catalogs.seen(site, &catalog);
        Ok(catalog)
    }

    /// Every site that sent its catalog, with its region and the parsed catalog (catalog
    /// texts are read only for versions not parsed yet), ordered by region and id.
    pub async fn sites_with_catalogs(
        &self,
    ) -> Result<Vec<(String, String, Arc<Catalog>)>, BookError> {
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT id, region, catalog_sha256 FROM sites
                 WHERE catalog_sha256 IS NOT NULL ORDER BY region, id",
                &[],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (id, region, sha): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let cached = self
                .catalogs
                .0
                .lock()
                .expect("catalogs lock")
                .get(&sha)
                .cloned();
            let catalog = match cached {
                Some(catalog) => catalog,
                // A site whose catalog does not parse here is left out, not an error for all.
                None => match self.site_catalog(&id).await {
                    Ok(catalog) => catalog,
                    Err(BookError::Database(err)) => return Err(BookError::Database(err)),
                    Err(_) => continue,
                },
            };
            out.push((id, region, catalog));
        }
        Ok(out)
    }

    /// The key of the site's central codes, made on first use.
    pub async fn site_code_key(&self, site: &str) -> anyhow::Result<[u8; 32]> {
        if let Some(key) = self.code_keys.0.lock().expect("keys lock").get(site) {
            return Ok(*key);
        }
        let conn = self.get().await?;
        let mut fresh = [0u8; 32];
        rand::rng().fill_bytes(&mut fresh);
        conn.execute(
            "INSERT INTO booking_sites (site_id, code_key) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            &[&site, &fresh.as_slice()],
        )
        .await
        .context("making the site's booking key")?;
        let key: Vec<u8> = conn
            .query_one(
                "SELECT code_key FROM booking_sites WHERE site_id = $1",
                &[&site],
            )
            .await?
            .get(0);
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| anyhow::anyhow!("booking key of {site} is not 32 bytes"))?;
        let mut keys = self.code_keys.0.lock().expect("keys lock");
        if keys.len() >= MAX_BOOKING_SITES_KEPT {
            keys.clear();
        }
        keys.insert(site.to_owned(), key);
        Ok(key)
    }

    /// A "Kuota penuh" refusal with the next date that has seats; other refusals as they are.
    async fn with_next_date(
        &self,
        site: &str,
        catalog: &Catalog,
        service: &str,
        local: LocalDateTime,
        problem: BookingProblem,
    ) -> Result<BookingProblem, BookError> {
        Ok(match problem {
            BookingProblem::DayFull {
                service_name, date, ..
            } => BookingProblem::DayFull {
                service_name,
                date,
                next_date: self
                    .next_date_with_seats(site, catalog, service, date, local)
                    .await?,
            },
            other => other,
        })
    }

    async fn next_date_with_seats(
        &self,
        site: &str,
        catalog: &Catalog,
        service: &str,
        after: LocalDate,
        local: LocalDateTime,
    ) -> Result<Option<LocalDate>, BookError> {
        let (cfg, rules) = central_service(catalog, service)?;
        let last = local.date.days_since_epoch() + i64::from(rules.days_ahead);
        for days in after.days_since_epoch() + 1..=last {
            let date = LocalDate::from_days_since_epoch(days);
            // Advisory (the visitor still books that date through the lock): recent counts do.
            let day = self.recent_day_count(site, &cfg.code, date).await?;
            if let Ok(views) = views(catalog, cfg, rules, &day, date, local)
                && views.iter().any(|v| v.left > 0)
            {
                return Ok(Some(date));
            }
        }
        Ok(None)
    }

    /// The day's count, from the seat cache when read recently (for refusals only; a
    /// connection is taken only when it is not).
    async fn recent_day_count(
        &self,
        site: &str,
        service: &str,
        date: LocalDate,
    ) -> Result<DayCount, BookError> {
        if let Some(day) = self.seats.get(site, service, date) {
            return Ok(day);
        }
        if let Some((day, true)) = self.seats.stale(site, service, date) {
            return Ok(day);
        }
        let read = self.seats.reading(site, service, date);
        let day = read
            .get_or_try_init(|| async {
                let day = day_count(&self.get().await?, site, service, date).await?;
                self.seats.put(site, service, date, day.clone());
                Ok::<_, BookError>(day)
            })
            .await?
            .clone();
        self.seats.read_done(site, service, date, &read);
        Ok(day)
    }

    /// The slots of `service` on `date` with seats left at `now`.
    pub async fn central_slots(
        &self,
        site: &str,
        catalog: &Catalog,
        service: &str,
        date: LocalDate,
        now: Timestamp,
    ) -> Result<Vec<SlotView>, BookError> {
        let (cfg, rules) = central_service(catalog, service)?;
        // A page's view: a second-old count will do (every booking is counted again under
        // the lock), and in a rush thousands of pages ask at once.
        let day = self.recent_day_count(site, service, date).await?;
        let local = catalog.site.time_zone.local(now);
        views(catalog, cfg, rules, &day, date, local)
    }

    /// The next date after `date` within the horizon with a seat left, for "Kuota penuh".
    pub async fn central_next_date(
        &self,
        site: &str,
        catalog: &Catalog,
        service: &str,
        date: LocalDate,
        now: Timestamp,
    ) -> Result<Option<LocalDate>, BookError> {
        let local = catalog.site.time_zone.local(now);
        self.next_date_with_seats(site, catalog, service, date, local)
            .await
    }

    /// Every date from today to the horizon with the seats a booking could still take
    /// (None: the site is closed that day), and whether the booking window is open now.
    pub async fn central_days(
        &self,
        site: &str,
        catalog: &Catalog,
        service: &str,
        now: Timestamp,
    ) -> Result<(bool, Vec<(LocalDate, Option<u32>)>), BookError> {
        let (cfg, rules) = central_service(catalog, service)?;
        let local = catalog.site.time_zone.local(now);
        let first = local.date.days_since_epoch();
        let last = first + i64::from(rules.days_ahead);
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT day::text, slot_min, count(*) FROM bookings
                 WHERE site_id = $1 AND service = $2 AND state IN ('active', 'checked_in')
                   AND day BETWEEN $3::text::date AND $4::text::date
                 GROUP BY day, slot_min",
                &[
                    &site,
                    &service,
                    &pg_date(local.date),
                    &pg_date(LocalDate::from_days_since_epoch(last)),
                ],
            )
            .await?;
        let mut days: BTreeMap<LocalDate, DayCount> = BTreeMap::new();
        for r in rows {
            let (held, slot): (i64, i32) = (r.get(2), r.get(1));
            let day = days.entry(local_date(r.get(0))).or_default();
            day.claimed += held as u32;
            day.per_slot
                .insert(LocalTime::from_minutes(slot as u16), held as u32);
        }
        let empty = DayCount::default();
        let list = (first..=last)
            .map(LocalDate::from_days_since_epoch)
            .map(|date| {
                let left = rules.slots(&catalog.site.schedule, date).ok().map(|slots| {
                    antrean_core::booking::day_seats_left(
                        rules,
                        &slots,
                        cfg.daily_quota,
                        days.get(&date).unwrap_or(&empty),
                        date,
                        local,
                    )
                });
                (date, left)
            })
            .collect();
        Ok((rules.window_open(local.time), list))
    }

    /// Books a seat, or says why not. Durable when it returns (PostgreSQL's commit).
    pub async fn central_book(
        &self,
        site: &str,
        catalog: &Arc<Catalog>,
        req: &BookRequest<'_>,
        now: Timestamp,
    ) -> Result<(CentralRow, String), BookError> {
        let (cfg, rules) = central_service(catalog, req.service)?;
        let local = catalog.site.time_zone.local(now);
        check_window_and_date(rules, local, req.date)?;
        let name = contact::check_name(req.name).map_err(refused)?;
        let phone = contact::check_phone(req.phone).map_err(refused)?;
        // Data minimisation: a NIK the service does not ask for is not kept.
        let nik = match (rules.nik, req.nik.map(str::trim)) {
            (NikRule::NotAsked, _) | (_, None | Some("")) => None,
            (_, Some(text)) => Some(
                nik::check(text, local.date).map_err(|p| refused(BookingProblem::InvalidNik(p)))?,
            ),
        };
        if rules.nik == NikRule::Required && nik.is_none() {
            return Err(refused(BookingProblem::NikRequired));
        }
        // A look without the lock first: in a rush at opening most attempts are for a slot
        // already taken, and they are answered here instead of queueing for the site's
        // row. Seats only come back by a cancel or an expiry, so a refusal here is the
        // answer the visitor would have had a moment earlier; a free seat is checked
        // again under the lock.
        {
            let day = self.recent_day_count(site, req.service, req.date).await?;
            let views = views(catalog, cfg, rules, &day, req.date, local)?;
            if let Err(problem) = antrean_core::booking::check_seat(
                &views,
                &cfg.name_id,
                req.date,
                req.slot,
                local,
                || None,
            ) {
                return Err(refused(
                    self.with_next_date(site, catalog, req.service, local, problem)
                        .await?,
                ));
            }
        }
        let key = self.site_code_key(site).await?;
        let identity_keys = identity_keys(&key, &phone, nik.as_deref());
        let (partner, manage_sha256) = match req.by {
            Booker::Partner(id) => (Some(id.to_owned()), None),
            Booker::Visitor { manage_sha256 } => (None, Some(manage_sha256.to_vec())),
        };
        let row = self
            .book_in_group(
                site,
                catalog,
                group::Queued {
                    service: req.service.to_owned(),
                    date: req.date,
                    slot: req.slot,
                    identity_keys,
                    name,
                    phone,
                    nik_masked: nik.as_deref().map(nik::mask),
                    retention: retention_until(rules, req.date),
                    partner,
                    manage_sha256,
                    local,
                },
            )
            .await?;
        let code = code_of(&key, site, &row)?;
        Ok((row, code))
    }

    /// The booking a code names, if genuine.
    pub async fn central_booking(
        &self,
        site: &str,
        code: &str,
    ) -> Result<(CentralRow, String), BookError> {
        let key = self.site_code_key(site).await?;
        let codes = CentralCodes::new(key, site);
        let unknown = || {
            refused(BookingProblem::Unknown {
                booking: BookingId(0),
            })
        };
        let number = codes.number(code).ok_or_else(unknown)?;
        let conn = self.get().await?;
        let row = conn
            .query_opt(
                "SELECT number, service, day::text, slot_min, state, name, phone, nik_masked
                 FROM bookings WHERE site_id = $1 AND number = $2",
                &[&site, &(number as i64)],
            )
            .await?
            .map(row_of)
            .ok_or_else(unknown)?;
        if !codes.matches(code, &claim(&row)) {
            return Err(unknown());
        }
        let code = code_of(&key, site, &row)?;
        Ok((row, code))
    }

    /// The booking a private link names (its token's SHA-256), with its code.
    pub async fn central_booking_by_link(
        &self,
        site: &str,
        manage_sha256: &[u8; 32],
    ) -> Result<(CentralRow, String), BookError> {
        let conn = self.get().await?;
        let row = conn
            .query_opt(
                "SELECT number, service, day::text, slot_min, state, name, phone, nik_masked
                 FROM bookings WHERE site_id = $1 AND manage_sha256 = $2",
                &[&site, &manage_sha256.as_slice()],
            )
            .await?
            .map(row_of)
            .ok_or_else(|| {
                refused(BookingProblem::Unknown {
                    booking: BookingId(0),
                })
            })?;
        let key = self.site_code_key(site).await?;
        let code = code_of(&key, site, &row)?;
        Ok((row, code))
    }

    /// Cancels an active booking (its seat is free at once; the site hears at its next
    /// sync). A booking already checked in, cancelled or expired is refused.
    pub async fn central_cancel(
        &self,
        site: &str,
        code: &str,
    ) -> Result<(CentralRow, String), BookError> {
        let (row, code) = self.central_booking(site, code).await?;
        self.cancel_row(site, row, code).await
    }

    /// [`Db::central_cancel`] of the booking a private link names.
    pub async fn central_cancel_by_link(
        &self,
        site: &str,
        manage_sha256: &[u8; 32],
    ) -> Result<(CentralRow, String), BookError> {
        let (row, code) = self.central_booking_by_link(site, manage_sha256).await?;
        self.cancel_row(site, row, code).await
    }

    async fn cancel_row(
        &self,
        site: &str,
        row: CentralRow,
        code: String,
    ) -> Result<(CentralRow, String), BookError> {
        // After the site's queued bookings (group.rs), before a connection is taken.
        let _turn = self.site_turn(site).await;
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        let change = lock_next_change(&tx, site).await?;
        let n = tx
            .execute(
                "UPDATE bookings SET state = 'cancelled', change_seq = $3
                 WHERE site_id = $1 AND number = $2 AND state = 'active'",
                &[&site, &(row.number as i64), &change],
            )
            .await?;
        if n == 0 {
            return Err(not_active(&row.state));
        }
        used_change(&tx, site).await?;
        tx.commit().await?;
        self.seats.forget(site, &row.service, row.date);
        Ok((
            CentralRow {
                state: "cancelled".into(),
                ..row
            },
            code,
        ))
    }

    /// Moves the active booking a private link names to another date and slot, with the
    /// site engine's rules: the window is open, the new seat is free counting this
    /// booking's own seat as already given back, one live booking per identity and day.
    /// The booking keeps its number, so the site's sync moves it; its code changes (the
    /// code is signed over the slot), and the answer carries the new one.
    pub async fn central_reschedule(
        &self,
        site: &str,
        catalog: &Catalog,
        manage_sha256: &[u8; 32],
        date: LocalDate,
        slot: LocalTime,
        now: Timestamp,
    ) -> Result<(CentralRow, String), BookError> {
        let (current, _) = self.central_booking_by_link(site, manage_sha256).await?;
        let (cfg, rules) = central_service(catalog, &current.service)?;
        let local = catalog.site.time_zone.local(now);
        check_window_and_date(rules, local, date)?;
        // After the site's queued bookings (group.rs), before a connection is taken.
        let _turn = self.site_turn(site).await;
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        let change = lock_next_change(&tx, site).await?;
        // Read again under the site's lock: a check-in or cancel may have come meanwhile.
        let found = tx
            .query_one(
                "SELECT number, service, day::text, slot_min, state, name, phone, nik_masked,
                        identity_keys
                 FROM bookings WHERE site_id = $1 AND number = $2",
                &[&site, &(current.number as i64)],
            )
            .await?;
        let identities: Vec<String> = found.get(8);
        let row = row_of(found);
        if row.state != "active" {
            return Err(not_active(&row.state));
        }
        if row.date == date && row.slot == slot {
            return Err(refused(BookingProblem::SlotNotOffered { slot }));
        }
        if date != row.date {
            let other = tx
                .query_opt(
                    "SELECT number FROM bookings WHERE site_id = $1 AND service = $2
                       AND day = $3::text::date AND state IN ('active', 'checked_in')
                       AND identity_keys && $4 AND number <> $5 LIMIT 1",
                    &[
                        &site,
                        &row.service,
                        &pg_date(date),
                        &identities,
                        &(row.number as i64),
                    ],
                )
                .await?;
            if other.is_some() {
                return Err(refused(BookingProblem::AlreadyBooked { date }));
            }
        }
        let mut day = day_count(&tx, site, &row.service, date).await?;
        if date == row.date {
            // This booking's own seat is given back by the move itself.
            day.claimed = day.claimed.saturating_sub(1);
            day.active = day.active.saturating_sub(1);
            if let Some(held) = day.per_slot.get_mut(&row.slot) {
                *held = held.saturating_sub(1);
            }
        }
        let views = views(catalog, cfg, rules, &day, date, local)?;
        if let Err(problem) =
            antrean_core::booking::check_seat(&views, &cfg.name_id, date, slot, local, || None)
        {
            return Err(refused(
                self.with_next_date(site, catalog, &row.service, local, problem)
                    .await?,
            ));
        }
        tx.execute(
            "UPDATE bookings SET day = $3::text::date, slot_min = $4, change_seq = $5,
                                 retention_until = $6::text::date
             WHERE site_id = $1 AND number = $2",
            &[
                &site,
                &(row.number as i64),
                &pg_date(date),
                &i32::from(slot.minutes()),
                &change,
                &pg_date(retention_until(rules, date)),
            ],
        )
        .await?;
        used_change(&tx, site).await?;
        tx.commit().await?;
        self.seats.forget(site, &row.service, row.date);
        self.seats.forget(site, &row.service, date);
        let moved = CentralRow { date, slot, ..row };
        let key = self.site_code_key(site).await?;
        let code = code_of(&key, site, &moved)?;
        Ok((moved, code))
    }

    /// The site's booking changes after `after`, dated `from` or later: at most
    /// [`MAX_SYNCED_BOOKINGS`], with the last change number included and whether more
    /// follow.
    pub async fn booking_changes(
        &self,
        site: &str,
        after: u64,
        from: LocalDate,
    ) -> anyhow::Result<(Vec<CentralBookingDto>, u64, bool)> {
        let conn = self.get().await?;
        let rows = conn
            .query(
                "SELECT number, service, day::text, slot_min, state, change_seq FROM bookings
                 WHERE site_id = $1 AND change_seq > $2 AND day >= $3::text::date
                 ORDER BY change_seq LIMIT $4",
                &[
                    &site,
                    &(after as i64),
                    &pg_date(from),
                    &(MAX_SYNCED_BOOKINGS as i64 + 1),
                ],
            )
            .await?;
        let more = rows.len() > MAX_SYNCED_BOOKINGS;
        let mut through = after;
        let bookings = rows
            .iter()
            .take(MAX_SYNCED_BOOKINGS)
            .map(|r| {
                let change: i64 = r.get(5);
                through = through.max(change as u64);
                let state: String = r.get(4);
                CentralBookingDto {
                    number: r.get::<_, i64>(0) as u64,
                    service: r.get(1),
                    date: local_date(r.get(2)).to_string(),
                    slot: LocalTime::from_minutes(r.get::<_, i32>(3) as u16).to_string(),
                    cancelled: state == "cancelled",
                }
            })
            .collect();
        if !more {
            // Changes dated before `from` are not news for the site; skip past them.
            let last: Option<i64> = conn
                .query_one(
                    "SELECT next_change - 1 FROM booking_sites WHERE site_id = $1",
                    &[&site],
                )
                .await
                .ok()
                .map(|r| r.get(0));
            through = through.max(last.unwrap_or(0).max(0) as u64);
        }
        Ok((bookings, through, more))
    }

    /// What the site did with central's bookings, from its shipped events: checked in
    /// (the site's fact wins over a cancellation it had not heard of), expired, or
    /// cancelled by staff there. Idempotent.
    pub async fn apply_site_booking_events(
        &self,
        site: &str,
        events: &[ShippedEvent],
    ) -> anyhow::Result<()> {
        let updates: Vec<(i64, &str, &str)> = events
            .iter()
            .filter_map(|e| match &e.event {
                EventDto::BookingCheckedIn { booking, .. } => {
                    Some((*booking, "checked_in", "state <> 'checked_in'"))
                }
                EventDto::BookingExpired { booking } => {
                    Some((*booking, "expired", "state = 'active'"))
                }
                EventDto::BookingCancelled { booking } => {
                    Some((*booking, "cancelled", "state = 'active'"))
                }
                _ => None,
            })
            .filter_map(|(id, state, guard)| {
                BookingId(id)
                    .central_number()
                    .map(|n| (n as i64, state, guard))
            })
            .collect();
        if updates.is_empty() {
            return Ok(());
        }
        self.seats.forget_site(site);
        let conn = self.get().await?;
        for (number, state, guard) in updates {
            conn.execute(
                &format!(
                    "UPDATE bookings SET state = $3 WHERE site_id = $1 AND number = $2 AND {guard}"
                ),
                &[&site, &number, &state],
            )
            .await?;
        }
        Ok(())
    }

    /// Clears the personal data of bookings past their retention date (UU 27/2022):
    /// name, phone, masked NIK and identity hashes. Returns how many were cleared.
    pub async fn purge_booking_personal_data(&self, today: LocalDate) -> anyhow::Result<u64> {
        let conn = self.get().await?;
        Ok(conn
            .execute(
                "UPDATE bookings SET name = NULL, phone = NULL, nik_masked = NULL,
                                     identity_keys = '{}'
                 WHERE retention_until < $1::text::date AND (name IS NOT NULL OR phone IS NOT NULL
                                                 OR cardinality(identity_keys) > 0)",
                &[&pg_date(today)],
            )
            .await?)
    }
}

/// A service of `catalog` booked at central, with its rules.
pub fn central_service<'a>(
    catalog: &'a Catalog,
    service: &str,
) -> Result<(&'a Service, &'a BookingRules), BookError> {
    let cfg = catalog
        .service(service)
        .ok_or_else(|| BookError::NotFound(format!("no service {service}")))?;
    match &cfg.booking {
        Some(rules) if rules.booked_at == BookedAt::Central => Ok((cfg, rules)),
        _ => Err(refused(BookingProblem::NotOffered {
            service_name: cfg.name_id.clone(),
        })),
    }
}

/// A booking or a change of one is taken only while the booking window is open, and only
/// for a date from today to the horizon (the site engine's rules).
fn check_window_and_date(
    rules: &BookingRules,
    local: LocalDateTime,
    date: LocalDate,
) -> Result<(), BookError> {
    if !rules.window_open(local.time) {
        let hours = rules
            .window
            .iter()
            .map(|h| format!("{}–{}", h.start.format_id(), h.end.format_id()))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(refused(BookingProblem::WindowClosed { hours }));
    }
    let horizon = local.date.days_since_epoch() + i64::from(rules.days_ahead);
    if date < local.date || date.days_since_epoch() > horizon {
        return Err(refused(BookingProblem::DateOutOfRange {
            days_ahead: rules.days_ahead,
        }));
    }
    Ok(())
}

/// The last day a booking for `date` keeps its personal data.
fn retention_until(rules: &BookingRules, date: LocalDate) -> LocalDate {
    LocalDate::from_days_since_epoch(date.days_since_epoch() + i64::from(rules.retention_days))
}

fn views(
    catalog: &Catalog,
    cfg: &Service,
    rules: &BookingRules,
    day: &DayCount,
    date: LocalDate,
    local: LocalDateTime,
) -> Result<Vec<SlotView>, BookError> {
    let slots = rules
        .slots(&catalog.site.schedule, date)
        .map_err(|_| refused(BookingProblem::DayClosed { date }))?;
    Ok(antrean_core::booking::seat_views(
        rules,
        slots,
        cfg.daily_quota,
        day,
        date,
        local,
    ))
}

async fn day_count(
    conn: &impl deadpool_postgres::GenericClient,
    site: &str,
    service: &str,
    date: LocalDate,
) -> Result<DayCount, BookError> {
    let rows = conn
        .query(
            "SELECT slot_min, count(*), count(*) FILTER (WHERE state = 'active')
             FROM bookings WHERE site_id = $1 AND service = $2 AND day = $3::text::date
               AND state IN ('active', 'checked_in')
             GROUP BY slot_min",
            &[&site, &service, &pg_date(date)],
        )
        .await?;
    let mut day = DayCount {
        per_slot: BTreeMap::new(),
        ..DayCount::default()
    };
    for r in rows {
        let (slot, held, active): (i32, i64, i64) = (r.get(0), r.get(1), r.get(2));
        day.claimed += held as u32;
        day.active += active as u32;
        day.per_slot
            .insert(LocalTime::from_minutes(slot as u16), held as u32);
    }
    Ok(day)
}

/// Keyed hashes of the phone and NIK under the site's code key (never the plain values).
pub(super) fn identity_keys(key: &[u8; 32], phone: &str, nik: Option<&str>) -> Vec<String> {
    let hash = |kind: &str, value: &str| {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
        mac.update(b"antrean-central-identity:");
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(value.as_bytes());
        mac.finalize().into_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut keys = vec![hash("phone", phone)];
    if let Some(nik) = nik {
        keys.push(hash("nik", nik));
    }
    keys
}

/// The site's next change number, its row locked until the transaction ends (the order of
/// every change of the site's bookings).
async fn lock_next_change(
    tx: &deadpool_postgres::Transaction<'_>,
    site: &str,
) -> Result<i64, BookError> {
    Ok(tx
        .query_one(
            "SELECT next_change FROM booking_sites WHERE site_id = $1 FOR UPDATE",
            &[&site],
        )
        .await?
        .get(0))
}

/// The change number from [`lock_next_change`] was used.
async fn used_change(tx: &deadpool_postgres::Transaction<'_>, site: &str) -> Result<(), BookError> {
    tx.execute(
        "UPDATE booking_sites SET next_change = next_change + 1 WHERE site_id = $1",
        &[&site],
    )
    .await?;
    Ok(())
}

/// The refusal for a change of a booking no longer active.
fn not_active(state: &str) -> BookError {
    let state = match state {
        "checked_in" => antrean_core::booking::BookingState::CheckedIn {
            ticket: antrean_core::TicketId(0),
        },
        "expired" => antrean_core::booking::BookingState::Expired,
        _ => antrean_core::booking::BookingState::Cancelled,
    };
    refused(BookingProblem::NotActive { state })
}

fn claim(row: &CentralRow) -> CentralBooking {
    CentralBooking {
        number: row.number,
        service: row.service.clone(),
        date: row.date,
        slot: row.slot,
    }
}

fn code_of(key: &[u8; 32], site: &str, row: &CentralRow) -> Result<String, BookError> {
    CentralCodes::new(*key, site)
        .code(&claim(row))
        .ok_or_else(|| BookError::Database(anyhow::anyhow!("booking number past the code range")))
}

fn row_of(r: tokio_postgres::Row) -> CentralRow {
    CentralRow {
        number: r.get::<_, i64>(0) as u64,
        service: r.get(1),
        date: local_date(r.get(2)),
        slot: LocalTime::from_minutes(r.get::<_, i32>(3) as u16),
        state: r.get(4),
        name: r.get(5),
        phone: r.get(6),
        nik_masked: r.get(7),
    }
}

/// Dates travel as text ("YYYY-MM-DD", cast in SQL): no date crate in the PostgreSQL
/// client for one column type.
fn pg_date(date: LocalDate) -> String {
    date.to_string()
}

fn local_date(text: String) -> LocalDate {
    LocalDate::parse(&text).expect("PostgreSQL dates read as YYYY-MM-DD")
}
