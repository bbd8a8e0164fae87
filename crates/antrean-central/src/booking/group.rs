//! Group commit of a site's bookings at central.
//!
//! Every booking of a site is decided under the site's row lock and made durable by a
//! PostgreSQL commit, whose WAL flush takes milliseconds. One commit per booking would
//! queue a rush at opening behind hundreds of flushes, one after another. Instead a
//! booking that passed its checks joins the site's queue; whoever holds the site's turn
//! takes everything queued and decides it in one transaction, in arrival order, with the
//! same rules as one booking alone ([`antrean_core::booking::check_seat`], one live
//! booking per identity), then commits once. Each booking is answered only after that
//! commit returned, so nothing acknowledged is lost; if the commit fails, every booking of
//! the group is told nothing was saved.
//!
//! The group runs in a task of its own: a visitor who closes the page while their request
//! leads a group does not cancel the others' bookings halfway.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use antrean_core::booking::{BookingProblem, DayCount};
use antrean_core::time::LocalDateTime;
use antrean_core::{Catalog, LocalDate, LocalTime};
use tokio::sync::oneshot;

use super::{BookError, CentralRow, central_service, day_count, pg_date, refused, views};
use crate::db::Db;
use crate::limits::MAX_BOOKING_SITES_KEPT;

/// A booking that passed its checks, waiting for its group.
pub(super) struct Queued {
    pub service: String,
    pub date: LocalDate,
    pub slot: LocalTime,
    pub identity_keys: Vec<String>,
    pub name: String,
    pub phone: String,
    pub nik_masked: Option<String>,
    pub retention: LocalDate,
    pub partner: Option<String>,
    pub manage_sha256: Option<Vec<u8>>,
    /// The site's local time when it was asked.
    pub local: LocalDateTime,
}

struct Waiting {
    booking: Queued,
    reply: oneshot::Sender<Result<CentralRow, BookError>>,
}

/// A site's queue of bookings and its turn (held by a group, a cancel or a reschedule).
#[derive(Default)]
pub struct SiteQueue {
    waiting: Mutex<Vec<Waiting>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

/// The queues by site.
#[derive(Clone, Default)]
pub struct SiteQueues(Arc<Mutex<HashMap<String, Arc<SiteQueue>>>>);

impl SiteQueues {
    fn of(&self, site: &str) -> Arc<SiteQueue> {
        let mut queues = self.0.lock().expect("queues lock");
        if queues.len() >= MAX_BOOKING_SITES_KEPT {
            // Only queues nobody holds, waits for or joins are dropped.
            queues.retain(|_, queue| Arc::strong_count(queue) > 1);
        }
        queues.entry(site.to_owned()).or_default().clone()
    }
}

impl Db {
    /// This process's turn to change `site`'s bookings (a cancel, a reschedule).
    pub(super) async fn site_turn(&self, site: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let queue = self.site_queues.of(site);
        queue.turn.clone().lock_owned().await
    }

    /// Books `booking` in the site's next group; answers once the group's commit returned.
    pub(super) async fn book_in_group(
        &self,
        site: &str,
        catalog: &Arc<Catalog>,
        booking: Queued,
    ) -> Result<CentralRow, BookError> {
        let queue = self.site_queues.of(site);
        let (reply, mut answer) = oneshot::channel();
        queue
            .waiting
            .lock()
            .expect("queue lock")
            .push(Waiting { booking, reply });
        loop {
            tokio::select! {
                answered = &mut answer => {
                    return answered.unwrap_or_else(|_| {
                        Err(BookError::Database(anyhow::anyhow!("the booking group stopped")))
                    });
                }
                turn = queue.turn.clone().lock_owned() => {
                    let group = std::mem::take(&mut *queue.waiting.lock().expect("queue lock"));
                    if group.is_empty() {
                        // Ours was in the group before; its answer is on the way.
                        drop(turn);
                        continue;
                    }
                    let db = self.clone();
                    let (site, catalog) = (site.to_owned(), catalog.clone());
                    let running = tokio::spawn(async move {
                        db.commit_group(&site, &catalog, group).await;
                        drop(turn);
                    });
                    let _ = running.await;
                }
            }
        }
    }

    async fn commit_group(&self, site: &str, catalog: &Catalog, group: Vec<Waiting>) {
        let (bookings, replies): (Vec<Queued>, Vec<_>) =
            group.into_iter().map(|w| (w.booking, w.reply)).unzip();
        match self.decide_group(site, catalog, &bookings).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }
            Err(err) => {
                tracing::error!("booking group of {site}: {err:#}");
                for reply in replies {
                    let _ = reply.send(Err(BookError::Database(anyhow::anyhow!("{err:#}"))));
                }
            }
        }
    }

    /// One transaction for the group: each booking decided in order, then one commit.
    async fn decide_group(
        &self,
        site: &str,
        catalog: &Catalog,
        bookings: &[Queued],
    ) -> anyhow::Result<Vec<Result<CentralRow, BookError>>> {
        let mut conn = self.get().await?;
        let tx = conn.transaction().await?;
        // The site's row is the lock across processes: numbers and changes stay gapless.
        let counters = tx
            .query_one(
                "SELECT next_number, next_change FROM booking_sites WHERE site_id = $1
                 FOR UPDATE",
                &[&site],
            )
            .await?;
        let (mut number, mut change): (i64, i64) = (counters.get(0), counters.get(1));
        let mut days: HashMap<(String, LocalDate), DayCount> = HashMap::new();
        let mut booked_now: HashSet<(String, LocalDate, String)> = HashSet::new();
        let mut outcomes = Vec::with_capacity(bookings.len());
        for b in bookings {
            let Ok((cfg, rules)) = central_service(catalog, &b.service) else {
                outcomes.push(Err(BookError::NotFound(format!(
                    "no service {}",
                    b.service
                ))));
                continue;
            };
            let day_key = (b.service.clone(), b.date);
            if !days.contains_key(&day_key) {
                let day = day_count(&tx, site, &b.service, b.date)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                days.insert(day_key.clone(), day);
            }
            let day = &days[&day_key];
            let views = match views(catalog, cfg, rules, day, b.date, b.local) {
                Ok(views) => views,
                Err(err) => {
                    outcomes.push(Err(err));
                    continue;
                }
            };
            if let Err(problem) = antrean_core::booking::check_seat(
                &views,
                &cfg.name_id,
                b.date,
                b.slot,
                b.local,
                || None,
            ) {
                let problem = self
                    .with_next_date(site, catalog, &b.service, b.local, problem)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                outcomes.push(Err(refused(problem)));
                continue;
            }
            let twice = b
                .identity_keys
                .iter()
                .any(|k| booked_now.contains(&(b.service.clone(), b.date, k.clone())));
            let live = twice
                || tx
                    .query_opt(
                        "SELECT day FROM bookings WHERE site_id = $1 AND service = $2
                           AND day = $3::text::date AND state IN ('active', 'checked_in')
                           AND identity_keys && $4 LIMIT 1",
                        &[&site, &b.service, &pg_date(b.date), &b.identity_keys],
                    )
                    .await?
                    .is_some();
            if live {
                outcomes.push(Err(refused(BookingProblem::AlreadyBooked { date: b.date })));
                continue;
            }
            tx.execute(
                "INSERT INTO bookings (site_id, number, service, day, slot_min, state, change_seq,
                                       partner, identity_keys, name, phone, nik_masked,
                                       retention_until, manage_sha256)
                 VALUES ($1, $2, $3, $4::text::date, $5, 'active', $6, $7, $8, $9, $10, $11,
                         $12::text::date, $13)",
                &[
                    &site,
                    &number,
                    &b.service,
                    &pg_date(b.date),
                    &i32::from(b.slot.minutes()),
                    &change,
                    &b.partner,
                    &b.identity_keys,
                    &b.name,
                    &b.phone,
                    &b.nik_masked,
                    &pg_date(b.retention),
                    &b.manage_sha256,
                ],
            )
            .await?;
            let day = days.get_mut(&day_key).expect("counted above");
            day.claimed += 1;
            day.active += 1;
            *day.per_slot.entry(b.slot).or_default() += 1;
            booked_now.extend(
                b.identity_keys
                    .iter()
                    .map(|k| (b.service.clone(), b.date, k.clone())),
            );
            outcomes.push(Ok(CentralRow {
                number: number as u64,
                service: b.service.clone(),
                date: b.date,
                slot: b.slot,
                state: "active".into(),
                name: Some(b.name.clone()),
                phone: Some(b.phone.clone()),
                nik_masked: b.nik_masked.clone(),
            }));
            number += 1;
            change += 1;
        }
        tx.execute(
            "UPDATE booking_sites SET next_number = $2, next_change = $3 WHERE site_id = $1",
            &[&site, &number, &change],
        )
        .await?;
        tx.commit().await?;
        // Exact now: counted under the lock, plus this group's bookings.
        for ((service, date), day) in days {
            self.seats.put(site, &service, date, day);
        }
        Ok(outcomes)
    }
}
