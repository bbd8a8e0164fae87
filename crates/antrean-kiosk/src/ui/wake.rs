//! When the sleeping kiosk wakes up by itself.
//!
//! The app renders only when woken (`UpdateMode::reactive_low_power`): by a touch, by news
//! from the network or printer thread, or by this schedule. Every wake renders a whole frame,
//! which on a software renderer costs a large share of a core, so the schedule wakes only
//! when the screen can change on its own: the clock's next minute, or the moment the current
//! screen times out back to the attract screen. A kiosk nobody touches then draws about one
//! frame a minute.
//!
//! A thread sleeps until the next moment and pokes the event loop. Changing `WinitSettings`
//! per frame instead would not do: bevy_winit treats every change as a reason for another
//! immediate frame.
//!
//! One wake runs exactly one update (bevy_winit runs it on the `RedrawRequested` that the
//! wake asks for), so a frame must finish what it started: the glue reads news before
//! bevy's `StateTransition` (`glue.rs`), and a screen change still pending when a frame
//! ends (chosen by a system that runs after the transition) gets the next frame at once
//! instead of waiting for the next touch.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bevy::prelude::*;

use super::glue::screen_deadline;
use super::{KioskSettings, Screen, Session, SiteData};
use crate::net::Waker;

/// Shortest sleep, so a deadline that stays in the past cannot spin the loop.
const MIN_WAKE_GAP: Duration = Duration::from_millis(100);

/// Slack after a minute boundary so the clock reads the new minute when it wakes.
const AFTER_MINUTE_MS: u64 = 20;

/// Wakes the event loop at the moments `next_wake` computes. Inserted by the binary; the
/// tests pump the app themselves and run without it.
#[derive(Resource)]
pub struct WakeSchedule {
    deadlines: Sender<Instant>,
}

impl WakeSchedule {
    /// Starts the thread that calls `waker` at each scheduled moment.
    pub fn spawn(waker: Waker) -> WakeSchedule {
        let (deadlines, rx) = mpsc::channel::<Instant>();
        std::thread::Builder::new()
            .name("kiosk-wake".into())
            .spawn(move || {
                let mut next: Option<Instant> = None;
                loop {
                    let received = match next {
                        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
                    };
                    match received {
                        Ok(at) => next = Some(at),
                        Err(RecvTimeoutError::Timeout) => {
                            next = None;
                            waker();
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .expect("spawn the kiosk-wake thread");
        WakeSchedule { deadlines }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Last, schedule_next_wake);
}

fn schedule_next_wake(
    schedule: Option<Res<WakeSchedule>>,
    session: Res<Session>,
    settings: Res<KioskSettings>,
    site: Res<SiteData>,
    screen: Res<State<Screen>>,
    next: Res<NextState<Screen>>,
) {
    let Some(schedule) = schedule else {
        return;
    };
    let now = Instant::now();
    if !matches!(*next, NextState::Unchanged) {
        // This frame chose a screen it did not draw: draw it now.
        let _ = schedule.deadlines.send(now);
        return;
    }
    let deadline = screen_deadline(*screen.get(), &session, &settings, site.online);
    // Every frame replaces the previous moment (cheap: the thread only stores it). A passed
    // deadline wakes once more shortly, for the screen change it caused to be drawn.
    let at = next_wake(now, unix_ms(), deadline).max(now + MIN_WAKE_GAP);
    let _ = schedule.deadlines.send(at);
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The next moment the screen can change without a touch or network news: the clock's next
/// minute (`now_unix_ms` is wall time) or the screen's `deadline`, whichever is first.
pub fn next_wake(now: Instant, now_unix_ms: u64, deadline: Option<Instant>) -> Instant {
    let to_next_minute_ms = 60_000 - now_unix_ms % 60_000 + AFTER_MINUTE_MS;
    let minute = now + Duration::from_millis(to_next_minute_ms);
    deadline.map_or(minute, |at| at.min(minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wakes_just_after_the_next_minute_when_nothing_times_out() {
        let now = Instant::now();
        // 14.30.15,500 → the clock changes 44,5 s later.
        let unix_ms = 1_764_400_000_000 / 60_000 * 60_000 + 15_500;
        assert_eq!(
            next_wake(now, unix_ms, None),
            now + Duration::from_millis(44_500 + AFTER_MINUTE_MS)
        );
    }

    #[test]
    fn an_earlier_screen_timeout_comes_first_and_a_later_one_waits_for_the_clock() {
        let now = Instant::now();
        let unix_ms = 1_764_400_000_000 / 60_000 * 60_000; // on the minute
        let soon = now + Duration::from_secs(7);
        assert_eq!(next_wake(now, unix_ms, Some(soon)), soon);
        let later = now + Duration::from_secs(90);
        assert_eq!(
            next_wake(now, unix_ms, Some(later)),
            now + Duration::from_millis(60_000 + AFTER_MINUTE_MS)
        );
    }

    #[test]
    fn the_thread_pokes_the_loop_once_at_the_scheduled_moment() {
        let (tx, rx) = mpsc::channel();
        let schedule = WakeSchedule::spawn(std::sync::Arc::new(move || {
            let _ = tx.send(Instant::now());
        }));
        let start = Instant::now();
        // A later deadline replaced by an earlier one: only the earlier one fires.
        schedule
            .deadlines
            .send(start + Duration::from_secs(30))
            .unwrap();
        schedule
            .deadlines
            .send(start + Duration::from_millis(150))
            .unwrap();
        let woke = rx.recv_timeout(Duration::from_secs(5)).expect("woken");
        assert!(woke >= start + Duration::from_millis(150));
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "woken twice"
        );
    }

    /// A frame that chose a screen it did not draw asks for the next frame at once (the
    /// kiosk used to wait for the next touch).
    #[test]
    fn a_pending_screen_change_wakes_the_loop_at_once() {
        use crate::model::Language;
        use crate::model::catalog_view::Offer;
        use crate::model::sizing::ScreenGeometry;
        let (tx, rx) = mpsc::channel();
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin));
        app.init_state::<Screen>();
        app.insert_resource(Session::new(Language::Indonesian));
        app.init_resource::<SiteData>();
        app.insert_resource(KioskSettings {
            name: "kiosk-uji".into(),
            screen: ScreenGeometry {
                width_px: 1080,
                height_px: 1920,
                diagonal_in: 32.0,
            },
            idle_timeout: Duration::from_secs(600),
            result_timeout: Duration::from_secs(600),
            default_language: Language::Indonesian,
            offer: Offer::default(),
            public_base_url: "http://127.0.0.1:8600".into(),
        });
        app.insert_resource(WakeSchedule::spawn(std::sync::Arc::new(move || {
            let _ = tx.send(Instant::now());
        })));
        app.add_systems(Update, |mut next: ResMut<NextState<Screen>>| {
            next.set(Screen::Result);
        });
        plugin(&mut app);
        let before = Instant::now();
        app.update();
        let woke = rx.recv_timeout(Duration::from_secs(5)).expect("woken");
        assert!(
            woke.duration_since(before) < Duration::from_secs(5),
            "not the clock's minute"
        );
    }
}
