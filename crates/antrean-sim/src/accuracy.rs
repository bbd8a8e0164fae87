//! How good were the estimates? Per ticket: what we said at issue time against the wait
//! that followed, for our estimator and two baselines.

use serde::Serialize;

/// One ticket of a simulated day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketOutcome {
    /// Ticket id.
    pub ticket: u64,
    /// Service.
    pub service: String,
    /// Claimed priority.
    pub priority: bool,
    /// Issue time, Unix ms.
    pub issued_at_ms: i64,
    /// Our point estimate at issue time, seconds (None: no estimate was possible).
    pub estimate_s: Option<f64>,
    /// Our band at issue time, minutes.
    pub band_min: Option<(u32, u32)>,
    /// We said it would likely not be served before closing.
    pub flagged_after_closing: bool,
    /// Naive baseline: people ahead × true mean counter time / open counters.
    pub naive_s: f64,
    /// Last-to-enter-service baseline: the wait of the last visitor of the service called.
    pub les_s: f64,
    /// Whitt's queue-length predictor with the *true* mean: 0 when a counter is free, else
    /// (people ahead + 1) × mean / open counters. The best any predictor can do in an
    /// M/M/s queue knowing only the queue length; a yardstick, not deployable.
    pub oracle_s: f64,
    /// The wait until the first call, seconds (None: never called that day).
    pub actual_wait_s: Option<f64>,
}

/// Error of one predictor over the called tickets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PredictorError {
    /// Root mean squared error, minutes.
    pub rmse_min: f64,
    /// Mean absolute error, minutes.
    pub mae_min: f64,
    /// Mean of (prediction − actual), minutes: positive = pessimistic.
    pub bias_min: f64,
    /// RMSE / mean actual wait, among visitors who waited (Whitt's relative error).
    pub relative_rmse_waited: f64,
}

/// Accuracy of a set of tickets.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Accuracy {
    /// Tickets considered.
    pub tickets: usize,
    /// Of them, called (an actual wait exists).
    pub called: usize,
    /// Of the called, those who waited at all.
    pub waited: usize,
    /// Mean actual wait of the called, minutes.
    pub mean_wait_min: f64,
    /// Our estimator.
    pub ours: PredictorError,
    /// Naive queue-length baseline.
    pub naive: PredictorError,
    /// Last-to-enter-service baseline.
    pub les: PredictorError,
    /// Queue-length predictor with the true mean service time.
    pub oracle: PredictorError,
    /// Fraction of called tickets whose wait fell inside the band they were shown.
    pub band_coverage: f64,
    /// Tickets never called that day.
    pub unserved: usize,
    /// Of the unserved, those we flagged at issue time.
    pub unserved_flagged: usize,
    /// Tickets flagged at issue time.
    pub flagged: usize,
    /// Of the flagged, those that were in fact called.
    pub flagged_but_called: usize,
}

impl Accuracy {
    /// Measures `tickets`.
    pub fn of<'a>(tickets: impl IntoIterator<Item = &'a TicketOutcome>) -> Accuracy {
        let tickets: Vec<&TicketOutcome> = tickets.into_iter().collect();
        let called: Vec<&TicketOutcome> = tickets
            .iter()
            .copied()
            .filter(|t| t.actual_wait_s.is_some())
            .collect();
        let actual = |t: &TicketOutcome| t.actual_wait_s.unwrap_or(0.0);
        let waited: Vec<&TicketOutcome> =
            called.iter().copied().filter(|t| actual(t) > 0.0).collect();
        let error = |predict: &dyn Fn(&TicketOutcome) -> f64| {
            let n = called.len().max(1) as f64;
            let diffs = called.iter().map(|t| predict(t) - actual(t));
            let mse = diffs.clone().map(|d| d * d).sum::<f64>() / n;
            let mae = diffs.clone().map(f64::abs).sum::<f64>() / n;
            let bias = diffs.sum::<f64>() / n;
            let w = waited.len().max(1) as f64;
            let mse_waited = waited
                .iter()
                .map(|t| (predict(t) - actual(t)).powi(2))
                .sum::<f64>()
                / w;
            let mean_waited = waited.iter().map(|t| actual(t)).sum::<f64>() / w;
            PredictorError {
                rmse_min: mse.sqrt() / 60.0,
                mae_min: mae / 60.0,
                bias_min: bias / 60.0,
                relative_rmse_waited: if mean_waited > 0.0 {
                    mse_waited.sqrt() / mean_waited
                } else {
                    0.0
                },
            }
        };
        let covered = called
            .iter()
            .filter(|t| {
                t.band_min.is_some_and(|(lo, hi)| {
                    let min = actual(t) / 60.0;
                    f64::from(lo) <= min && min <= f64::from(hi)
                })
            })
            .count();
        let unserved: Vec<_> = tickets
            .iter()
            .filter(|t| t.actual_wait_s.is_none())
            .collect();
        let flagged: Vec<_> = tickets.iter().filter(|t| t.flagged_after_closing).collect();
        Accuracy {
            tickets: tickets.len(),
            called: called.len(),
            waited: waited.len(),
            mean_wait_min: called.iter().map(|t| actual(t)).sum::<f64>()
                / called.len().max(1) as f64
                / 60.0,
            ours: error(&|t| t.estimate_s.unwrap_or(0.0)),
            naive: error(&|t| t.naive_s),
            les: error(&|t| t.les_s),
            oracle: error(&|t| t.oracle_s),
            band_coverage: covered as f64 / called.len().max(1) as f64,
            unserved: unserved.len(),
            unserved_flagged: unserved.iter().filter(|t| t.flagged_after_closing).count(),
            flagged: flagged.len(),
            flagged_but_called: flagged.iter().filter(|t| t.actual_wait_s.is_some()).count(),
        }
    }
}
