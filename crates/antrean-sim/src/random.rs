//! The few distributions the simulator needs, drawn from a seeded generator (so a seed
//! reproduces a day exactly). Written out rather than pulled from `rand_distr`: three
//! formulas do not justify a dependency.

use rand::Rng;
use rand::rngs::StdRng;
use serde::Deserialize;

/// A service-time distribution.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServiceTime {
    /// Exponential with mean `mean_min` (the M in M/M/s).
    Exponential {
        /// Mean, minutes.
        mean_min: f64,
    },
    /// Lognormal with mean `mean_min` and coefficient of variation `cv` (typical of
    /// counter work: most visits short, a long tail of complicated cases).
    Lognormal {
        /// Mean, minutes.
        mean_min: f64,
        /// Standard deviation / mean.
        cv: f64,
    },
    /// Always exactly `mean_min`.
    Constant {
        /// Minutes.
        mean_min: f64,
    },
}

impl ServiceTime {
    /// The mean, seconds.
    pub fn mean_s(&self) -> f64 {
        match *self {
            ServiceTime::Exponential { mean_min }
            | ServiceTime::Lognormal { mean_min, .. }
            | ServiceTime::Constant { mean_min } => mean_min * 60.0,
        }
    }

    /// One draw, seconds.
    pub fn sample_s(&self, rng: &mut StdRng) -> f64 {
        match *self {
            ServiceTime::Exponential { mean_min } => exponential(rng, mean_min * 60.0),
            ServiceTime::Lognormal { mean_min, cv } => {
                // For X = exp(μ + σZ): E[X] = exp(μ + σ²/2), CV² = exp(σ²) − 1.
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = (mean_min * 60.0).ln() - sigma2 / 2.0;
                (mu + sigma2.sqrt() * standard_normal(rng)).exp()
            }
            ServiceTime::Constant { mean_min } => mean_min * 60.0,
        }
    }
}

/// Exponential draw with the given mean.
pub fn exponential(rng: &mut StdRng, mean: f64) -> f64 {
    // 1 − U is in (0, 1]: never ln(0).
    -mean * (1.0 - rng.random::<f64>()).ln()
}

/// Standard normal draw (Box–Muller).
pub fn standard_normal(rng: &mut StdRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// True with probability `p`.
pub fn chance(rng: &mut StdRng, p: f64) -> bool {
    p > 0.0 && rng.random::<f64>() < p
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn moments(dist: ServiceTime) -> (f64, f64) {
        let mut rng = StdRng::seed_from_u64(1);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| dist.sample_s(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn draws_have_the_configured_mean_and_variability() {
        let (mean, cv) = moments(ServiceTime::Exponential { mean_min: 6.0 });
        assert!((mean / 360.0 - 1.0).abs() < 0.01 && (cv - 1.0).abs() < 0.02);
        let (mean, cv) = moments(ServiceTime::Lognormal {
            mean_min: 8.0,
            cv: 0.6,
        });
        assert!(
            (mean / 480.0 - 1.0).abs() < 0.01 && (cv - 0.6).abs() < 0.02,
            "{mean} {cv}"
        );
    }
}
