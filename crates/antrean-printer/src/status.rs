//! Real-time status (`DLE EOT n`): requests and a pure parser of the answers.
//!
//! Each request is answered by one byte whose bits 0 and 7 are 0 and bits 1 and 4 are 1
//! (pattern `0xx1xx10`); anything else is not a status byte. Bit meanings per Epson's ESC/POS
//! reference, `DLE EOT`:
//! - n=1 printer: bit 3 offline.
//! - n=2 offline cause: bit 2 cover open, bit 3 paper fed by button, bit 5 printing stopped by
//!   paper end, bit 6 error.
//! - n=3 error cause: bit 2 recoverable (mechanical) error, bit 3 autocutter error, bit 5
//!   unrecoverable error, bit 6 automatically recoverable error (e.g. head too hot).
//! - n=4 roll paper sensor: bits 2–3 near end, bits 5–6 paper end.

use std::fmt;

use crate::escpos;

/// Which `DLE EOT` query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusQuery {
    /// n=1: printer status.
    Printer = 1,
    /// n=2: offline cause.
    OfflineCause = 2,
    /// n=3: error cause.
    ErrorCause = 3,
    /// n=4: roll paper sensor.
    PaperSensor = 4,
}

impl StatusQuery {
    /// All queries, in the order the driver sends them.
    pub const ALL: [StatusQuery; 4] = [
        StatusQuery::Printer,
        StatusQuery::OfflineCause,
        StatusQuery::ErrorCause,
        StatusQuery::PaperSensor,
    ];

    /// The three request bytes.
    pub fn request(self) -> [u8; 3] {
        escpos::status_request(self as u8)
    }

    /// The query for `DLE EOT n`, if n is one we know.
    pub fn from_n(n: u8) -> Option<StatusQuery> {
        StatusQuery::ALL.into_iter().find(|q| *q as u8 == n)
    }
}

/// Whether `byte` has the fixed bits of a status answer.
pub fn is_status_byte(byte: u8) -> bool {
    byte & 0b1001_0011 == 0b0001_0010
}

/// The status byte in a read, ignoring anything that cannot be one (line noise, a stale
/// automatic status block). The last valid byte wins: it is the freshest.
pub fn find_status_byte(read: &[u8]) -> Option<u8> {
    read.iter().rev().copied().find(|&b| is_status_byte(b))
}

/// Answers collected for one status check; `None` means the printer did not answer in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusReport {
    /// Answer to n=1.
    pub printer: Option<u8>,
    /// Answer to n=2.
    pub offline_cause: Option<u8>,
    /// Answer to n=3.
    pub error_cause: Option<u8>,
    /// Answer to n=4.
    pub paper_sensor: Option<u8>,
}

impl StatusReport {
    /// Records the answer (or its absence) to `query`.
    pub fn record(&mut self, query: StatusQuery, answer: Option<u8>) {
        let slot = match query {
            StatusQuery::Printer => &mut self.printer,
            StatusQuery::OfflineCause => &mut self.offline_cause,
            StatusQuery::ErrorCause => &mut self.error_cause,
            StatusQuery::PaperSensor => &mut self.paper_sensor,
        };
        *slot = answer;
    }

    /// Classifies the answers, most urgent condition first: no answer, garbage, cover open,
    /// paper end, errors, offline, paper near end, ready.
    pub fn classify(&self) -> PrinterHealth {
        let answers = [
            self.printer,
            self.offline_cause,
            self.error_cause,
            self.paper_sensor,
        ];
        if answers.iter().all(Option::is_none) {
            return PrinterHealth::NoAnswer;
        }
        if let Some(bad) = answers.iter().flatten().find(|&&b| !is_status_byte(b)) {
            return PrinterHealth::Error(PrinterFault::InvalidAnswer(*bad));
        }
        let bit = |answer: Option<u8>, mask: u8| answer.is_some_and(|b| b & mask != 0);
        let all_bits = |answer: Option<u8>, mask: u8| answer.is_some_and(|b| b & mask == mask);
        if bit(self.offline_cause, 0x04) {
            return PrinterHealth::CoverOpen;
        }
        if bit(self.offline_cause, 0x20) || all_bits(self.paper_sensor, 0x60) {
            return PrinterHealth::PaperEnd;
        }
        if bit(self.error_cause, 0x20) {
            return PrinterHealth::Error(PrinterFault::Unrecoverable);
        }
        if bit(self.error_cause, 0x08) {
            return PrinterHealth::Error(PrinterFault::Autocutter);
        }
        if bit(self.error_cause, 0x40) {
            return PrinterHealth::Error(PrinterFault::AutoRecoverable);
        }
        if bit(self.error_cause, 0x04) || bit(self.offline_cause, 0x40) {
            return PrinterHealth::Error(PrinterFault::Recoverable);
        }
        if bit(self.printer, 0x08) {
            return PrinterHealth::Offline;
        }
        if all_bits(self.paper_sensor, 0x0C) {
            return PrinterHealth::PaperNearEnd;
        }
        PrinterHealth::Ready
    }
}

/// What the kiosk and the coordinator are told about a printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrinterHealth {
    /// Online, paper present.
    Ready,
    /// Printing works but the roll is nearly empty: tell an officer now.
    PaperNearEnd,
    /// Out of paper.
    PaperEnd,
    /// Cover open.
    CoverOpen,
    /// Offline for another reason (e.g. paper being fed by the button).
    Offline,
    /// No answer to a status request within the timeout: unplugged, powered off, or busy.
    NoAnswer,
    /// The printer reports an error.
    Error(PrinterFault),
    /// The profile or the link cannot report status (file, stdout, write-only printer).
    NotSupported,
}

/// Error conditions reported by `DLE EOT 3` (or an answer that is not a status byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterFault {
    /// Recoverable error (mechanical, e.g. paper jam) — clears after the cause is removed.
    Recoverable,
    /// Autocutter error.
    Autocutter,
    /// Unrecoverable error: needs service.
    Unrecoverable,
    /// Clears by itself (e.g. head temperature).
    AutoRecoverable,
    /// The printer answered with a byte that is not a status byte.
    InvalidAnswer(u8),
}

impl PrinterHealth {
    /// Whether a ticket can be printed now.
    pub fn can_print(self) -> bool {
        matches!(self, PrinterHealth::Ready | PrinterHealth::PaperNearEnd)
    }

    /// Whether an officer should act (refill, close the cover, check the cable).
    pub fn needs_attention(self) -> bool {
        !matches!(self, PrinterHealth::Ready | PrinterHealth::NotSupported)
    }

    /// Stable machine code for the kiosk → coordinator health report.
    pub fn code(self) -> &'static str {
        match self {
            PrinterHealth::Ready => "ready",
            PrinterHealth::PaperNearEnd => "paper_near_end",
            PrinterHealth::PaperEnd => "paper_end",
            PrinterHealth::CoverOpen => "cover_open",
            PrinterHealth::Offline => "offline",
            PrinterHealth::NoAnswer => "no_answer",
            PrinterHealth::Error(PrinterFault::Recoverable) => "error_recoverable",
            PrinterHealth::Error(PrinterFault::Autocutter) => "error_autocutter",
            PrinterHealth::Error(PrinterFault::Unrecoverable) => "error_unrecoverable",
            PrinterHealth::Error(PrinterFault::AutoRecoverable) => "error_auto_recoverable",
            PrinterHealth::Error(PrinterFault::InvalidAnswer(_)) => "error_invalid_answer",
            PrinterHealth::NotSupported => "not_supported",
        }
    }

    /// Indonesian text for officers' screens.
    pub fn label_id(self) -> &'static str {
        match self {
            PrinterHealth::Ready => "Siap",
            PrinterHealth::PaperNearEnd => "Kertas hampir habis",
            PrinterHealth::PaperEnd => "Kertas habis",
            PrinterHealth::CoverOpen => "Penutup printer terbuka",
            PrinterHealth::Offline => "Printer offline",
            PrinterHealth::NoAnswer => "Printer tidak menjawab",
            PrinterHealth::Error(PrinterFault::Autocutter) => "Pemotong kertas bermasalah",
            PrinterHealth::Error(_) => "Printer bermasalah",
            PrinterHealth::NotSupported => "Status tidak tersedia",
        }
    }
}

impl fmt::Display for PrinterHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(printer: u8, offline: u8, error: u8, paper: u8) -> StatusReport {
        StatusReport {
            printer: Some(printer),
            offline_cause: Some(offline),
            error_cause: Some(error),
            paper_sensor: Some(paper),
        }
    }

    #[test]
    fn classifies_epson_answers() {
        assert_eq!(
            report(0x12, 0x12, 0x12, 0x12).classify(),
            PrinterHealth::Ready
        );
        assert_eq!(
            report(0x12, 0x12, 0x12, 0x1E).classify(),
            PrinterHealth::PaperNearEnd
        );
        // Out of paper: offline, stopped by paper end, near-end and end sensors set.
        assert_eq!(
            report(0x1A, 0x32, 0x12, 0x7E).classify(),
            PrinterHealth::PaperEnd
        );
        assert_eq!(
            report(0x1A, 0x16, 0x12, 0x12).classify(),
            PrinterHealth::CoverOpen
        );
        assert_eq!(
            report(0x1A, 0x52, 0x1A, 0x12).classify(),
            PrinterHealth::Error(PrinterFault::Autocutter)
        );
        assert_eq!(
            report(0x1A, 0x12, 0x12, 0x12).classify(),
            PrinterHealth::Offline
        );
        assert_eq!(StatusReport::default().classify(), PrinterHealth::NoAnswer);
        assert_eq!(
            report(0x12, 0x12, 0x12, 0x00).classify(),
            PrinterHealth::Error(PrinterFault::InvalidAnswer(0))
        );
    }

    #[test]
    fn partial_answers_still_classify() {
        let mut partial = StatusReport::default();
        partial.record(StatusQuery::PaperSensor, Some(0x72));
        assert_eq!(partial.classify(), PrinterHealth::PaperEnd);
    }

    #[test]
    fn finds_the_status_byte_among_noise() {
        assert_eq!(find_status_byte(&[0x00, 0x12, 0xFF]), Some(0x12));
        assert_eq!(find_status_byte(&[0x00, 0xFF]), None);
        assert_eq!(StatusQuery::PaperSensor.request(), [0x10, 0x04, 0x04]);
    }
}
