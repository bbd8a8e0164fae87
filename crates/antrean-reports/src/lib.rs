//! Managers' reports and the office files around them — one concern, used by the
//! coordinator (live reports over the socket), the CLI (reports on history files, SKM
//! imports) and the benchmarks, and next by the central service.
//!
//! - [`ReportFacts`] and [`run_with_facts`]/[`run`]: a report from the facts kept in memory
//!   when they cover the period, else from the log on disk.
//! - [`export`]: reports as CSV, XLSX and text tables with Indonesian headers.
//! - [`skm_file`]: SKM questionnaires collected on paper or in other tools, read from CSV or
//!   XLSX with every problem named by row and column.
//! - [`history`]: a JSON Lines history file (an export of the log) read back into events.
#![deny(missing_docs)]

pub mod export;
pub mod history;
mod run;
pub mod skm_file;

pub use run::{ReportError, ReportFacts, export_file, resolve, run, run_with_facts};

/// Longest report period, in days: a year and a bit (a yearly SKM over a leap year plus
/// slack). Bounds one report's reading to about a year of the log; the coordinator keeps
/// this many days of report facts in memory, and older periods are read from the log.
pub const MAX_REPORT_DAYS: u32 = 400;
