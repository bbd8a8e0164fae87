//! The Antrean touchscreen kiosk: a visitor reads a service's Standar Pelayanan and takes a
//! queue number, on paper and as a QR code.
//!
//! **Key design decision:** the kiosk never shows or prints a number the coordinator has not
//! committed. Everything a screen shows comes from a pure view model ([`model`]); the bevy
//! screens (`ui`, behind the `ui` feature) only draw those and turn taps into `ui::TapAction`s. The network
//! ([`net`]) and the printer ([`mod@print`]) run on their own threads and talk to bevy through
//! bounded channels, so a slow coordinator or a stuck printer never freezes the screen.
//!
//! The bevy part sits behind the `ui` feature. This is the only crate of the workspace that depends on bevy (`.ci/check-boundaries`).

pub mod config;
pub mod model;
pub mod net;
pub mod print;
#[cfg(feature = "ui")]
pub mod ui;
