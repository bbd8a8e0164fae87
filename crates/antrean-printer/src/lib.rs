//! Thermal ticket printing for Antrean kiosks (issue 3).
//!
//! **Design: sans-IO.** Like quinn-proto, the core of this crate contains no I/O and reads no
//! clock: [`layout`] turns a [`TicketPrint`] view model into lines for a [`Profile`],
//! [`encode`] turns those lines into ESC/POS bytes, and [`status`] parses `DLE EOT` answers into
//! a [`PrinterHealth`]. All of it is deterministic and tested byte for byte. The I/O lives in
//! thin shells around that core: [`driver`] (serial, raw TCP, USB printer class, file,
//! stdout), [`print_job`] (status before and after, bounded retries, an outcome the kiosk can
//! act on), the [`virtual_printer`] (decodes our own stream back and renders a PNG preview),
//! the [`emulator`] (a fake printer on a pty or a TCP port for tests) and [`cli`].
//!
//! We encode text ourselves ([`codepage`]) rather than through the `escpos` crate (0.20.1):
//! its PC850/PC858 tables map '-' to 0xF0, characters a page lacks go out as raw UTF-8, and
//! its serial read always waits 5 s (docs/dependencies.md §2). Where the two overlap (QR,
//! size, bold, justification) our bytes equal the crate's: `tests/escpos_crate.rs`.

#![deny(missing_docs)]

pub mod cli;
pub mod codepage;
pub mod driver;
pub mod emulator;
pub mod encode;
pub mod escpos;
pub mod fit;
pub mod layout;
pub mod print_job;
pub mod profile;
pub mod status;
pub mod templates;
pub mod ticket;
pub mod ticket_file;
pub mod virtual_printer;
mod wrap;

pub use codepage::CodePage;
pub use driver::{LinkTimeouts, PortTarget, PrinterPort};
pub use encode::encode_layout;
pub use fit::{encode_ticket, layout_ticket};
pub use layout::TicketLayout;
pub use print_job::{
    Delivery, NotStartedReason, PrintOutcome, PrintPolicy, print_ticket, query_health,
};
pub use profile::{CutKind, InterfaceKind, Profile, ProfileError};
pub use status::{PrinterFault, PrinterHealth, StatusQuery, StatusReport};
pub use ticket::{Fee, IssuedAt, Language, TicketError, TicketPrint, TimeZoneLabel, WaitBand};
