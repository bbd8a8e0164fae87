//! Turning an estimate and its uncertainty into the band visitors see ("15–25 menit").
//!
//! Visitors read a band as a promise, so it is rounded outward to steps that do not
//! pretend precision: 5 minutes up to an hour, 15 minutes up to three hours, 30 beyond.

/// A band shown to visitors, whole minutes, `lo_min < hi_min`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitBand {
    /// Lower end, minutes.
    pub lo_min: u32,
    /// Upper end, minutes.
    pub hi_min: u32,
}

/// Below this upper end the band says "less than 5 minutes".
const SHORT_WAIT_MIN: u32 = 5;

impl WaitBand {
    /// The band around `[lo_s, hi_s]` seconds, rounded outward to a sensible step.
    pub fn around(lo_s: f64, hi_s: f64) -> WaitBand {
        let lo_min = (lo_s.max(0.0) / 60.0).max(0.0);
        let hi_min = (hi_s.max(lo_s).max(0.0) / 60.0).max(0.0);
        if hi_min <= SHORT_WAIT_MIN as f64 {
            return WaitBand {
                lo_min: 0,
                hi_min: SHORT_WAIT_MIN,
            };
        }
        let step = step_min(hi_min);
        let lo = (lo_min / step as f64).floor() as u32 * step;
        let mut hi = (hi_min / step as f64).ceil() as u32 * step;
        if hi <= lo {
            hi = lo + step;
        }
        WaitBand {
            lo_min: lo,
            hi_min: hi,
        }
    }

    /// Whether `wait_s` falls inside the band.
    pub fn contains_s(&self, wait_s: f64) -> bool {
        let min = wait_s / 60.0;
        f64::from(self.lo_min) <= min && min <= f64::from(self.hi_min)
    }

    /// Indonesian text for tickets and screens: "kurang dari 5 menit", "15–25 menit",
    /// "1–2,5 jam".
    pub fn text_id(&self) -> String {
        if self.lo_min == 0 && self.hi_min <= SHORT_WAIT_MIN {
            return format!("kurang dari {SHORT_WAIT_MIN} menit");
        }
        if self.hi_min <= 90 {
            return format!("{}–{} menit", self.lo_min, self.hi_min);
        }
        // Outward again: the lower end down, the upper end up, to the half hour.
        format!(
            "{}–{} jam",
            half_hours_id(self.lo_min / 30),
            half_hours_id(self.hi_min.div_ceil(30))
        )
    }
}

impl WaitBand {
    /// English text: "less than 5 minutes", "15–25 minutes", "1–2.5 hours".
    pub fn text_en(&self) -> String {
        if self.lo_min == 0 && self.hi_min <= SHORT_WAIT_MIN {
            return format!("less than {SHORT_WAIT_MIN} minutes");
        }
        if self.hi_min <= 90 {
            return format!("{}–{} minutes", self.lo_min, self.hi_min);
        }
        format!(
            "{}–{} hours",
            half_hours_id(self.lo_min / 30).replace(',', "."),
            half_hours_id(self.hi_min.div_ceil(30)).replace(',', ".")
        )
    }
}

fn step_min(hi_min: f64) -> u32 {
    if hi_min <= 60.0 {
        5
    } else if hi_min <= 180.0 {
        15
    } else {
        30
    }
}

/// Half hours as hours with an Indonesian decimal comma ("1,5"), never "1,25".
fn half_hours_id(halves: u32) -> String {
    if halves.is_multiple_of(2) {
        format!("{}", halves / 2)
    } else {
        format!("{},5", halves / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(lo_min: f64, hi_min: f64) -> WaitBand {
        WaitBand::around(lo_min * 60.0, hi_min * 60.0)
    }

    #[test]
    fn bands_round_outward_to_steps() {
        assert_eq!(band(0.0, 3.0).text_id(), "kurang dari 5 menit");
        assert_eq!(band(16.2, 23.9).text_id(), "15–25 menit");
        assert_eq!(band(20.0, 20.0).text_id(), "20–25 menit");
        assert_eq!(band(50.0, 70.0).text_id(), "45–75 menit");
        assert_eq!(band(80.0, 140.0).text_id(), "1–2,5 jam");
        assert_eq!(band(200.0, 260.0).text_id(), "3–4,5 jam");
        assert_eq!(band(0.0, 3.0).text_en(), "less than 5 minutes");
        assert_eq!(band(16.2, 23.9).text_en(), "15–25 minutes");
        assert_eq!(band(80.0, 140.0).text_en(), "1–2.5 hours");
    }

    #[test]
    fn band_contains_its_inputs() {
        for (lo, hi) in [
            (0.0, 1.0),
            (7.3, 12.1),
            (33.0, 58.0),
            (61.0, 119.0),
            (190.0, 400.0),
        ] {
            let b = band(lo, hi);
            assert!(b.lo_min < b.hi_min);
            assert!(b.contains_s(lo * 60.0) && b.contains_s(hi * 60.0), "{b:?}");
        }
    }
}
