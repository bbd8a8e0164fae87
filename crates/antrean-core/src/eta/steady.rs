//! Keeping the band a visitor already saw steady ("15–25 menit" must not read 5–35, then
//! 0–40, then 0–15 a minute apart).
//!
//! Each answer's estimate is fresh from the live queue, and small changes (a counter calls,
//! a service runs a little long) move its band by a step or two. A visitor reads every move
//! as the promise being broken, so the band shown last is kept, counted down by the time
//! that has passed, for as long as the fresh point estimate still falls inside it; only
//! when it falls outside (a counter closed or opened, the queue really moved) does the
//! fresh band replace it. The band therefore moves with the clock and with real news, not
//! with noise.

use super::WaitBand;
use crate::time::Timestamp;

/// The band a visitor was last shown for a ticket, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShownBand {
    /// The band.
    pub band: WaitBand,
    /// When it was shown.
    pub at: Timestamp,
}

/// The band to show now, and what to remember for the next answer: the band set last
/// (`shown`), counted down by the time since it was set, while the fresh point estimate
/// `wait_s` still falls inside it; otherwise the `fresh` band, set now. The countdown runs
/// from when a band was set, not from each answer, so a page asking every minute sees the
/// band fall with the clock.
pub fn steady_band(
    shown: Option<ShownBand>,
    fresh: WaitBand,
    wait_s: u32,
    now: Timestamp,
) -> (WaitBand, ShownBand) {
    let set_now = (
        fresh,
        ShownBand {
            band: fresh,
            at: now,
        },
    );
    let Some(shown) = shown else {
        return set_now;
    };
    let elapsed_s = ((now.0 - shown.at.0).max(0) / 1000) as f64;
    let aged = WaitBand::around(
        f64::from(shown.band.lo_min) * 60.0 - elapsed_s,
        f64::from(shown.band.hi_min) * 60.0 - elapsed_s,
    );
    if aged.contains_s(f64::from(wait_s)) {
        (aged, shown)
    } else {
        set_now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(lo_min: u32, hi_min: u32) -> WaitBand {
        WaitBand { lo_min, hi_min }
    }

    fn at_min(min: i64) -> Timestamp {
        Timestamp(1_800_000_000_000 + min * 60_000)
    }

    #[test]
    fn a_band_is_kept_and_counts_down_while_the_estimate_stays_inside() {
        let shown = ShownBand {
            band: band(15, 25),
            at: at_min(0),
        };
        // A minute later the fresh band wobbled to 10–30 around 19 minutes: keep 15–25
        // (rounded outward after the minute: 10–25).
        let (kept, remembered) = steady_band(Some(shown), band(10, 30), 19 * 60, at_min(1));
        assert_eq!(
            remembered, shown,
            "the countdown runs from when the band was set"
        );
        assert_eq!(kept, WaitBand::around(14.0 * 60.0, 24.0 * 60.0));
        assert!(kept.lo_min >= 10 && kept.hi_min <= 25, "{kept:?}");
        // Ten minutes later, 8 minutes left by the estimate: the band counted down to 5–15.
        let (later, _) = steady_band(Some(shown), band(0, 20), 8 * 60, at_min(10));
        assert_eq!(later, band(5, 15));
    }

    #[test]
    fn real_news_replaces_the_band() {
        let shown = ShownBand {
            band: band(15, 25),
            at: at_min(0),
        };
        // A counter closed: the estimate is now 50 minutes, outside the kept band.
        let (news, remembered) = steady_band(Some(shown), band(40, 60), 50 * 60, at_min(1));
        assert_eq!(news, band(40, 60));
        assert_eq!(
            remembered,
            ShownBand {
                band: news,
                at: at_min(1)
            }
        );
        // A second counter opened: 3 minutes, below it.
        assert_eq!(
            steady_band(Some(shown), band(0, 5), 3 * 60, at_min(1)).0,
            band(0, 5)
        );
        // Nothing shown yet: the fresh band.
        assert_eq!(
            steady_band(None, band(5, 10), 400, at_min(0)).0,
            band(5, 10)
        );
    }

    #[test]
    fn a_sequence_of_noisy_estimates_moves_the_band_only_with_the_clock() {
        // Asked every minute: point estimates around a wait that shortens with the clock,
        // with noise, and fresh bands that jump as visitors saw them (5–35, 0–40, 0–15…).
        let noisy = [
            (0, 20, (5, 35)),
            (1, 23, (0, 40)),
            (2, 15, (0, 15)),
            (3, 19, (5, 30)),
            (6, 12, (0, 25)),
            (11, 9, (0, 20)),
        ];
        let mut shown: Option<ShownBand> = None;
        let mut bands = Vec::new();
        for (min, wait_min, (lo, hi)) in noisy {
            let (b, keep) = steady_band(shown, band(lo, hi), wait_min * 60, at_min(min));
            shown = Some(keep);
            bands.push((b.lo_min, b.hi_min));
        }
        // One band, counted down from when it was set: the upper end never rises and
        // falls with the clock.
        assert_eq!(
            bands,
            [(5, 35), (0, 35), (0, 35), (0, 35), (0, 30), (0, 25)]
        );
    }
}
