//! Protocol-level error codes (not queue rules: those are the core's `Rejection`s) with
//! their messages in Indonesian and English.
//!
//! The messages are one exhaustive `match` per language: a new code without its messages
//! does not compile. The wire carries the code as a string (`ServerMessage::Error::code`),
//! so a client built against an older list still reads a newer server's errors.

use crate::ServerMessage;

/// A protocol-level error (docs/protocol.md, "Error codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Malformed JSON, an unknown type, a missing field, an id too long; the message says
    /// which (see [`bad_request`]).
    BadRequest,
    /// A request before `hello`.
    HelloRequired,
    /// `hello` with a protocol version this server does not speak.
    UnsupportedProtocol,
    /// Wrong token, PIN or password.
    Unauthorized,
    /// Too many failed logins from this address for this name.
    LockedOut,
    /// A second `hello`.
    AlreadyAuthenticated,
    /// The role may not do this (or not at this counter).
    Forbidden,
    /// A manager's counter action without a counter; a rating screen enrolled without one.
    CounterRequired,
    /// Over the per-connection request rate.
    RateLimited,
    /// A device or officer name outside `[a-z0-9_-]{1,32}`.
    InvalidName,
    /// A PIN that is not 4 to 8 digits.
    InvalidPin,
    /// The device or officer does not exist.
    NotFound,
    /// The server is stopping.
    ShuttingDown,
    /// An idempotency key sent again with a different request.
    IdReused,
    /// The connection's credentials were revoked or changed.
    Revoked,
    /// No live web session behind the browser's cookie.
    SessionExpired,
    /// The site's limit of logged-in browsers is reached.
    TooManySessions,
    /// A request from a page of another site.
    CrossSite,
    /// A failure on the server's side (logged there).
    Internal,
}

impl ErrorCode {
    /// Every code, for tables and tests.
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::BadRequest,
        ErrorCode::HelloRequired,
        ErrorCode::UnsupportedProtocol,
        ErrorCode::Unauthorized,
        ErrorCode::LockedOut,
        ErrorCode::AlreadyAuthenticated,
        ErrorCode::Forbidden,
        ErrorCode::CounterRequired,
        ErrorCode::RateLimited,
        ErrorCode::InvalidName,
        ErrorCode::InvalidPin,
        ErrorCode::NotFound,
        ErrorCode::ShuttingDown,
        ErrorCode::IdReused,
        ErrorCode::Revoked,
        ErrorCode::SessionExpired,
        ErrorCode::TooManySessions,
        ErrorCode::CrossSite,
        ErrorCode::Internal,
    ];

    /// The code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::HelloRequired => "hello_required",
            ErrorCode::UnsupportedProtocol => "unsupported_protocol",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::LockedOut => "locked_out",
            ErrorCode::AlreadyAuthenticated => "already_authenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CounterRequired => "counter_required",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InvalidName => "invalid_name",
            ErrorCode::InvalidPin => "invalid_pin",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ShuttingDown => "shutting_down",
            ErrorCode::IdReused => "id_reused",
            ErrorCode::Revoked => "revoked",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::TooManySessions => "too_many_sessions",
            ErrorCode::CrossSite => "cross_site",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code of a wire string, if it is a protocol-level one.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The message in Bahasa Indonesia.
    pub fn message_id(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Permintaan tidak valid.",
            ErrorCode::HelloRequired => "Kirim pesan hello terlebih dahulu.",
            ErrorCode::UnsupportedProtocol => "Versi protokol tidak didukung.",
            ErrorCode::Unauthorized => "Kredensial tidak valid.",
            ErrorCode::LockedOut => {
                "Terlalu banyak percobaan gagal dari perangkat ini. Coba lagi nanti."
            }
            ErrorCode::AlreadyAuthenticated => "Sudah masuk.",
            ErrorCode::Forbidden => "Anda tidak berwenang melakukan tindakan ini.",
            ErrorCode::CounterRequired => "Sebutkan loketnya.",
            ErrorCode::RateLimited => "Terlalu banyak permintaan. Tunggu sebentar.",
            ErrorCode::InvalidName => {
                "Nama hanya boleh huruf kecil, angka, '-' atau '_' (maksimal 32)."
            }
            ErrorCode::InvalidPin => "PIN harus 4 sampai 8 angka.",
            ErrorCode::NotFound => "Tidak ditemukan.",
            ErrorCode::ShuttingDown => "Server sedang berhenti.",
            ErrorCode::IdReused => {
                "Id permintaan ini sudah dipakai untuk permintaan lain; buat id baru."
            }
            ErrorCode::Revoked => "Akses perangkat atau petugas ini telah dicabut atau diubah.",
            ErrorCode::SessionExpired => "Sesi masuk sudah berakhir. Silakan masuk lagi.",
            ErrorCode::TooManySessions => {
                "Terlalu banyak sesi masuk di server ini. Coba lagi nanti."
            }
            ErrorCode::CrossSite => "Permintaan dari situs lain ditolak.",
            ErrorCode::Internal => "Terjadi kesalahan internal.",
        }
    }

    /// The message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Bad request.",
            ErrorCode::HelloRequired => "Send hello first.",
            ErrorCode::UnsupportedProtocol => "Unsupported protocol version.",
            ErrorCode::Unauthorized => "Invalid credentials.",
            ErrorCode::LockedOut => "Too many failed attempts from this device. Try again later.",
            ErrorCode::AlreadyAuthenticated => "Already authenticated.",
            ErrorCode::Forbidden => "You are not allowed to do this.",
            ErrorCode::CounterRequired => "Name the counter.",
            ErrorCode::RateLimited => "Too many requests. Slow down.",
            ErrorCode::InvalidName => "Names use a-z, 0-9, '-' or '_' (32 at most).",
            ErrorCode::InvalidPin => "The PIN must be 4 to 8 digits.",
            ErrorCode::NotFound => "Not found.",
            ErrorCode::ShuttingDown => "The server is shutting down.",
            ErrorCode::IdReused => {
                "This request id was already used for a different request; use a new id."
            }
            ErrorCode::Revoked => "This device's or officer's access was revoked or changed.",
            ErrorCode::SessionExpired => "Your login session has ended. Please log in again.",
            ErrorCode::TooManySessions => {
                "Too many logged-in browsers on this server. Try again later."
            }
            ErrorCode::CrossSite => "Cross-site request refused.",
            ErrorCode::Internal => "Internal error.",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error answer for `code`, echoing the request's `id`.
pub fn protocol_error(id: Option<String>, code: ErrorCode) -> ServerMessage {
    ServerMessage::Error {
        id,
        code: code.as_str().to_owned(),
        message: code.message_id().to_owned(),
        message_en: code.message_en().to_owned(),
    }
}

/// A `bad_request` answer saying what was wrong. `detail` may quote what the client sent,
/// so it is made printable (see [`crate::printable`]).
pub fn bad_request(id: Option<String>, detail: &str) -> ServerMessage {
    ServerMessage::Error {
        id,
        code: ErrorCode::BadRequest.as_str().to_owned(),
        message: crate::printable(&format!("Permintaan tidak valid: {detail}")),
        message_en: crate::printable(&format!("Bad request: {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_has_distinct_messages_in_both_languages() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(code.message_id().ends_with('.'), "{code}");
            assert!(code.message_en().ends_with('.'), "{code}");
            assert_ne!(code.message_id(), code.message_en(), "{code}");
        }
        assert_eq!(
            ErrorCode::parse("queue_empty"),
            None,
            "queue rules are the core's"
        );
    }

    #[test]
    fn answers_carry_the_code_the_id_and_both_messages() {
        let answer = protocol_error(Some("r1".into()), ErrorCode::IdReused);
        let ServerMessage::Error {
            id,
            code,
            message,
            message_en,
        } = answer
        else {
            panic!("not an error");
        };
        assert_eq!((id.as_deref(), code.as_str()), (Some("r1"), "id_reused"));
        assert!(message.starts_with("Id permintaan") && message_en.starts_with("This request id"));
        let ServerMessage::Error { message, .. } = bad_request(None, "x\u{202e}y") else {
            panic!("not an error");
        };
        assert_eq!(message, "Permintaan tidak valid: x\u{fffd}y");
    }
}
