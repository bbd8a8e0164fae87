//! Subcommands.

#[cfg(feature = "central")]
pub mod central;
#[cfg(feature = "central")]
pub mod central_demo;
pub mod client;
pub mod data;
pub mod demo_kiosk;
pub mod output;
pub mod report;
pub mod serve;
pub mod simulate;
pub mod skm;
