//! Antrean's pure core: the queue rules of a public-service site.
//!
//! **Key design decision:** this crate does no I/O and never reads a clock. Every input —
//! including the current time — is passed in, and every output is a value (events,
//! rejections, views). That makes the rules deterministic, testable with property tests and
//! replayable from the event log; the coordinator, kiosk and simulator are thin shells
//! around it. It knows nothing of JSON, sockets, disks or screens.
//!
//! The pieces: [`catalog`] (what the site offers), [`schedule`] (when it is open),
//! [`engine`] (commands → events), [`state`] (the projection of events), [`policy`] (who
//! is called next), [`eta`] (wait estimates), [`booking`] (online booking: slots, seats, the ledger), [`money`] (PUEBI formatting), [`voice`] (the clips of a spoken call).
#![deny(missing_docs)]

pub mod booking;
pub mod break_reason;
pub mod catalog;
pub mod command;
pub mod engine;
pub mod eta;
pub mod event;
pub mod money;
pub mod policy;
pub mod rate;
pub mod rating;
pub mod rejection;
pub mod report;
pub mod schedule;
pub mod service_stats;
pub mod skm;
pub mod state;
pub mod ticket;
pub mod time;
pub mod voice;

pub use break_reason::BreakReason;
pub use catalog::Catalog;
pub use command::Command;
pub use engine::{Engine, Outcome};
pub use event::Event;
pub use rejection::Rejection;
pub use state::State;
pub use ticket::{Channel, Ticket, TicketId, TicketNumber, TicketState};
pub use time::{LocalDate, LocalTime, TimeZone, Timestamp};
