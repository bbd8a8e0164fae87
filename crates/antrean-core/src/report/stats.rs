//! Summary statistics of durations.

/// Mean, median and 90th percentile of a set of durations.
///
/// Definitions (so an independent computation can check them): the median of an even count
/// is the mean of the two middle values; p90 is the nearest-rank percentile, the
/// ⌈0,9·n⌉-th smallest value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DurationStats {
    /// Samples.
    pub count: u32,
    /// Mean, seconds.
    pub mean_s: f64,
    /// Median, seconds.
    pub median_s: f64,
    /// 90th percentile, seconds.
    pub p90_s: f64,
    /// Longest, seconds.
    pub max_s: f64,
}

impl DurationStats {
    /// Stats of `samples_ms` (reordered in place: selection, not a full sort, so a million
    /// samples cost linear time).
    pub fn of(samples_ms: &mut [u32]) -> DurationStats {
        let n = samples_ms.len();
        if n == 0 {
            return DurationStats::default();
        }
        let sum_ms: u64 = samples_ms.iter().map(|&v| u64::from(v)).sum();
        let max_ms = samples_ms.iter().copied().max().unwrap_or(0);
        let p90_rank = (n * 9).div_ceil(10).max(1);
        let p90_ms = *samples_ms.select_nth_unstable(p90_rank - 1).1;
        let upper_mid = *samples_ms.select_nth_unstable(n / 2).1;
        let median_ms = if n % 2 == 1 {
            f64::from(upper_mid)
        } else {
            // After the selection above, everything left of n/2 is ≤ upper_mid: the lower
            // middle is the largest of them.
            let lower_mid = samples_ms[..n / 2]
                .iter()
                .copied()
                .max()
                .unwrap_or(upper_mid);
            (f64::from(lower_mid) + f64::from(upper_mid)) / 2.0
        };
        DurationStats {
            count: n as u32,
            mean_s: sum_ms as f64 / n as f64 / 1000.0,
            median_s: median_ms / 1000.0,
            p90_s: f64::from(p90_ms) / 1000.0,
            max_s: f64::from(max_ms) / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_nearest_rank_p90() {
        let mut odd = [5000, 1000, 3000];
        let s = DurationStats::of(&mut odd);
        assert_eq!((s.count, s.mean_s, s.median_s, s.p90_s), (3, 3.0, 3.0, 5.0));
        let mut even: Vec<u32> = (1..=10).rev().map(|v| v * 1000).collect();
        let s = DurationStats::of(&mut even);
        assert_eq!((s.median_s, s.p90_s, s.max_s), (5.5, 9.0, 10.0));
        let mut eleven: Vec<u32> = (1..=11).map(|v| v * 1000).collect();
        // ⌈0,9 × 11⌉ = 10 → the 10th smallest.
        assert_eq!(DurationStats::of(&mut eleven).p90_s, 10.0);
        assert_eq!(DurationStats::of(&mut []), DurationStats::default());
    }
}
