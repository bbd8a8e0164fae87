//! The Antrean wire protocol: JSON messages over one WebSocket, versioned by
//! [`PROTOCOL_VERSION`]. Every message is documented with an example in `docs/protocol.md`.
//!
//! **Key design decision:** only this crate knows the wire format. The core's types are not
//! `Serialize`; here are explicit DTOs and conversions, so a change in the core cannot
//! silently change what devices (or the on-disk log, which stores [`EventDto`]) see.
#![deny(missing_docs)]

pub mod booking_code;
mod booking_dto;
pub mod booking_ics;
mod catalog_dto;
mod client;
mod convert;
mod error_code;
mod event_convert;
mod event_dto;
mod rating_dto;
mod report_dto;
mod server;
mod ship;
mod untrusted;

pub use booking_dto::*;
pub use catalog_dto::*;
pub use client::*;
pub use convert::*;
pub use error_code::{ErrorCode, bad_request, protocol_error};
pub use event_convert::*;
pub use event_dto::*;
pub use rating_dto::*;
pub use report_dto::*;
pub use server::*;
pub use ship::*;
pub use untrusted::printable;

/// Version of this protocol. A client sends it in `hello`; a mismatch is refused.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest message a client may send, in bytes. Most requests are a few hundred bytes; the
/// largest is an SKM import of up to `antrean_core::rating::MAX_IMPORT_RESPONDENTS`
/// compact rows (about 100 bytes each plus short suggestions). Buffers grow only as a
/// message arrives, so idle connections do not pay for this bound.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 512 * 1024;
