//! A day simulator for Antrean: a discrete-event simulation with a virtual clock that
//! drives the **real** [`antrean_core::Engine`] — every ticket is issued, called, started,
//! finished and marked no-show through the same commands the coordinator runs — and
//! measures how good the wait estimates of [`antrean_core::eta`] were.
//!
//! **Key design decision:** the simulator models only the people (visitors arriving as a
//! Poisson process with an hour-of-day profile, service times, no-shows, officers who call
//! as soon as they are free and take their breaks); the queue rules are the engine's. So
//! its event history is a real log — `antrean import` restores it and the reports read it —
//! and an estimator that is accurate here is accurate against the code that runs on site.
//! Seeded: a seed reproduces a run exactly.
#![deny(missing_docs)]

pub mod accuracy;
pub mod config;
mod day;
pub mod random;
pub mod scenarios;

pub use accuracy::{Accuracy, PredictorError, TicketOutcome};
pub use config::SimConfig;
pub use day::{SimResult, simulate};

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The configuration is invalid.
    #[error("simulation config: {0}")]
    Config(String),
    /// The engine refused a command the simulator expected to succeed (a simulator bug).
    #[error("engine refused a simulated command: {0}")]
    Engine(&'static str),
}

/// The example configuration shipped in `docs/simulate-example.toml`: a Friday at a small
/// MPP with a morning peak, the Friday-prayer break and a counter leaving early.
pub const EXAMPLE_CONFIG: &str = include_str!("../../../docs/simulate-example.toml");
