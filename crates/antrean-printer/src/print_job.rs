//! One print: status before, write, status after — with bounded retries and an outcome the
//! kiosk can act on.
//!
//! The rule that shapes everything here: **a ticket is never printed twice and never lost.**
//! Retrying is safe only while no byte has reached the printer. Once part of a ticket was
//! written we stop and report; the ticket stays valid in the queue, the kiosk shows the number
//! and QR on screen, and the coordinator hears about the printer's health.

use std::thread::sleep;
use std::time::Duration;

use crate::driver::{LinkTimeouts, PortError, PortTarget, PrinterPort};
use crate::fit::encode_ticket;
use crate::profile::{Profile, StatusSupport};
use crate::status::{PrinterHealth, StatusQuery, StatusReport, find_status_byte};
use crate::ticket::{TicketError, TicketPrint};

/// Limits of one print job. Worst case for an unplugged serial printer with the defaults:
/// 2 × 300 ms status before printing, then give up — under a second in front of the visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintPolicy {
    /// Wait for each status answer. Printers answer `DLE EOT` within a few ms; 300 ms allows a
    /// USB-serial adapter's latency timer (16 ms) many times over.
    pub status_timeout_ms: u64,
    /// Tries of the first status query. One retry absorbs a printer waking from power save;
    /// more would only keep the visitor waiting.
    pub status_attempts: u8,
    /// Tries to open or connect, and to write when nothing was written yet. Two covers a
    /// printer that dropped an idle TCP connection.
    pub write_attempts: u8,
    /// Pause between attempts: long enough for a printer to accept a new connection.
    pub retry_delay_ms: u64,
    /// Link timeouts.
    pub link: LinkTimeouts,
}

impl Default for PrintPolicy {
    fn default() -> Self {
        PrintPolicy {
            status_timeout_ms: 300,
            status_attempts: 2,
            write_attempts: 2,
            retry_delay_ms: 200,
            link: LinkTimeouts::default(),
        }
    }
}

/// What happened to a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintOutcome {
    /// Whether the ticket is on paper.
    pub delivery: Delivery,
    /// Latest known printer health, for the health report to the coordinator.
    pub health: PrinterHealth,
    /// Bytes accepted by the link.
    pub bytes_written: usize,
    /// Bytes of the ticket.
    pub bytes_total: usize,
}

/// Whether the ticket reached the paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Written, and the printer was healthy afterwards.
    Confirmed,
    /// Written to a link that cannot report status (file, stdout, write-only printer).
    Unconfirmed,
    /// Written, but the printer reported a problem afterwards (paper ran out, cover opened,
    /// stopped answering): the ticket may be incomplete.
    Suspect,
    /// Nothing was written.
    NotStarted(NotStartedReason),
    /// Part of the ticket was written before the link failed; not reprinted automatically.
    Interrupted {
        /// The link error.
        error: String,
    },
}

/// Why nothing was printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStartedReason {
    /// The link could not be opened or connected.
    Unreachable {
        /// The last error.
        error: String,
    },
    /// The printer reported a condition that prevents printing (see `health`).
    NotReady,
    /// The printer did not answer the status request.
    NoStatusAnswer,
    /// Writing failed before any byte was accepted, on every attempt.
    WriteFailed {
        /// The last error.
        error: String,
    },
}

impl PrintOutcome {
    /// Whether the visitor holds a complete paper ticket (as far as we can know).
    pub fn printed(&self) -> bool {
        matches!(self.delivery, Delivery::Confirmed | Delivery::Unconfirmed)
    }

    /// Whether the kiosk should show the number and QR on screen instead.
    pub fn show_on_screen(&self) -> bool {
        !self.printed()
    }
}

/// Encodes and prints `ticket`.
pub fn print_ticket(
    target: &PortTarget,
    profile: &Profile,
    ticket: &TicketPrint,
    policy: &PrintPolicy,
) -> Result<PrintOutcome, TicketError> {
    let bytes = encode_ticket(ticket, profile)?;
    Ok(print_bytes(target, profile, &bytes, policy))
}

/// Prints already-encoded bytes following the never-twice rule.
pub fn print_bytes(
    target: &PortTarget,
    profile: &Profile,
    bytes: &[u8],
    policy: &PrintPolicy,
) -> PrintOutcome {
    print_bytes_with(&mut || target.open(policy.link), profile, bytes, policy)
}

/// [`print_bytes`] over any link: `open` is called for the first attempt and again for each
/// retry (a fresh link is the only useful retry after a failed connect or write).
pub fn print_bytes_with(
    open: &mut dyn FnMut() -> Result<Box<dyn PrinterPort>, PortError>,
    profile: &Profile,
    bytes: &[u8],
    policy: &PrintPolicy,
) -> PrintOutcome {
    let not_started = |reason, health| PrintOutcome {
        delivery: Delivery::NotStarted(reason),
        health,
        bytes_written: 0,
        bytes_total: bytes.len(),
    };
    let attempts = policy.write_attempts.max(1);
    let mut port = match open_with_retry(open, attempts, policy.retry_delay_ms) {
        Ok(port) => port,
        Err(error) => {
            return not_started(
                NotStartedReason::Unreachable { error },
                PrinterHealth::NoAnswer,
            );
        }
    };
    let status_supported = profile.status == StatusSupport::DleEot && port.can_read_status();

    if status_supported {
        let before = check_health(port.as_mut(), policy, 0);
        match before {
            PrinterHealth::NoAnswer => {
                return not_started(NotStartedReason::NoStatusAnswer, before);
            }
            health if !health.can_print() => {
                return not_started(NotStartedReason::NotReady, health);
            }
            _ => {}
        }
    }

    let mut last_error = String::new();
    for attempt in 0..attempts {
        if attempt > 0 {
            sleep(Duration::from_millis(policy.retry_delay_ms));
            match open() {
                Ok(fresh) => port = fresh,
                Err(err) => {
                    last_error = err.to_string();
                    continue;
                }
            }
        }
        match port.write_all(bytes) {
            Ok(()) => {
                return finish(port.as_mut(), status_supported, policy, bytes.len());
            }
            Err(err) if err.bytes_written == 0 => last_error = err.to_string(),
            Err(err) => {
                // Part of the ticket is on paper: reprinting could hand out a second copy.
                let health = if status_supported {
                    check_health(port.as_mut(), policy, 0)
                } else {
                    PrinterHealth::NotSupported
                };
                return PrintOutcome {
                    delivery: Delivery::Interrupted {
                        error: err.to_string(),
                    },
                    health,
                    bytes_written: err.bytes_written,
                    bytes_total: bytes.len(),
                };
            }
        }
    }
    let health = if status_supported {
        PrinterHealth::NoAnswer
    } else {
        PrinterHealth::NotSupported
    };
    not_started(NotStartedReason::WriteFailed { error: last_error }, health)
}

fn finish(
    port: &mut dyn PrinterPort,
    status_supported: bool,
    policy: &PrintPolicy,
    bytes_len: usize,
) -> PrintOutcome {
    let (delivery, health) = if status_supported {
        // The status request queues behind the ticket on a slow line: wait for both.
        let transmit_ms = port.transmit_time_ms(bytes_len);
        let health = check_health(port, policy, transmit_ms);
        let delivery = if health.can_print() {
            Delivery::Confirmed
        } else {
            Delivery::Suspect
        };
        (delivery, health)
    } else {
        (Delivery::Unconfirmed, PrinterHealth::NotSupported)
    };
    PrintOutcome {
        delivery,
        health,
        bytes_written: bytes_len,
        bytes_total: bytes_len,
    }
}

/// Opens the link, retrying (nothing was written yet, so retrying is always safe).
fn open_with_retry(
    open: &mut dyn FnMut() -> Result<Box<dyn PrinterPort>, PortError>,
    attempts: u8,
    retry_delay_ms: u64,
) -> Result<Box<dyn PrinterPort>, String> {
    let mut last_error = String::new();
    for attempt in 0..attempts {
        if attempt > 0 {
            sleep(Duration::from_millis(retry_delay_ms));
        }
        match open() {
            Ok(port) => return Ok(port),
            Err(err) => last_error = err.to_string(),
        }
    }
    Err(last_error)
}

/// Opens `target` and checks its health (for `antrean printer status` and periodic health
/// reports).
pub fn query_health(target: &PortTarget, profile: &Profile, policy: &PrintPolicy) -> PrinterHealth {
    match target.open(policy.link) {
        Ok(mut port) if profile.status == StatusSupport::DleEot && port.can_read_status() => {
            check_health(port.as_mut(), policy, 0)
        }
        Ok(_) => PrinterHealth::NotSupported,
        Err(_) => PrinterHealth::NoAnswer,
    }
}

/// Sends the four `DLE EOT` queries and classifies the answers.
///
/// The first query is retried (`status_attempts`) and, if it stays silent, the others are
/// skipped: a printer that ignores n=1 ignores them all, and each would cost another timeout.
/// `extra_wait_ms` extends the first wait (the request may queue behind a ticket).
pub fn check_health(
    port: &mut dyn PrinterPort,
    policy: &PrintPolicy,
    extra_wait_ms: u64,
) -> PrinterHealth {
    let mut report = StatusReport::default();
    for query in StatusQuery::ALL {
        let attempts = if query == StatusQuery::Printer {
            policy.status_attempts.max(1)
        } else {
            1
        };
        let mut answer = None;
        for attempt in 0..attempts {
            let wait_ms = policy.status_timeout_ms
                + if query == StatusQuery::Printer && attempt == 0 {
                    extra_wait_ms
                } else {
                    0
                };
            match ask(port, query, wait_ms) {
                Ok(Some(byte)) => {
                    answer = Some(byte);
                    break;
                }
                Ok(None) => {}
                // The link itself failed (closed, unplugged): nobody can answer.
                Err(_) => return PrinterHealth::NoAnswer,
            }
        }
        if query == StatusQuery::Printer && answer.is_none() {
            return PrinterHealth::NoAnswer;
        }
        report.record(query, answer);
    }
    report.classify()
}

/// Longest status read we accept: a printer answers one byte; anything more is noise.
const STATUS_READ_BUF_LEN: usize = 16;

/// One request/answer exchange; `Ok(None)` when the printer stayed silent.
fn ask(
    port: &mut dyn PrinterPort,
    query: StatusQuery,
    wait_ms: u64,
) -> Result<Option<u8>, PortError> {
    port.discard_input()?;
    port.write_all(&query.request()).map_err(|err| err.source)?;
    let mut buf = [0u8; STATUS_READ_BUF_LEN];
    let n = port.read_some(&mut buf, wait_ms)?;
    if n == 0 {
        return Ok(None);
    }
    // An invalid byte is still an answer: `classify` reports it as a fault.
    Ok(find_status_byte(&buf[..n]).or(Some(buf[n - 1])))
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::driver::WriteError;

    /// A scripted link: accepts up to `accept_bytes` of each write, answers "ready".
    struct FakePort {
        accept_bytes: usize,
        log: Arc<Mutex<Vec<u8>>>,
        answers: Vec<u8>,
    }

    impl PrinterPort for FakePort {
        fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
            if bytes.len() == 3 && bytes[..2] == [0x10, 0x04] {
                self.answers.push(0x12);
                return Ok(());
            }
            let accepted = bytes.len().min(self.accept_bytes);
            self.log
                .lock()
                .unwrap()
                .extend_from_slice(&bytes[..accepted]);
            if accepted < bytes.len() {
                return Err(WriteError {
                    bytes_written: accepted,
                    source: PortError::Io {
                        target: "fake".into(),
                        source: io::Error::from(io::ErrorKind::BrokenPipe),
                    },
                });
            }
            Ok(())
        }

        fn read_some(&mut self, buf: &mut [u8], _timeout_ms: u64) -> Result<usize, PortError> {
            let n = self.answers.len().min(buf.len());
            buf[..n].copy_from_slice(&self.answers[..n]);
            self.answers.drain(..n);
            Ok(n)
        }

        fn can_read_status(&self) -> bool {
            true
        }

        fn describe(&self) -> String {
            "fake".into()
        }
    }

    fn run(accept_per_open: &[usize]) -> (PrintOutcome, Vec<u8>, usize) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut opens = 0;
        let script = accept_per_open.to_vec();
        let mut open = || -> Result<Box<dyn PrinterPort>, PortError> {
            let accept_bytes = script[opens.min(script.len() - 1)];
            opens += 1;
            Ok(Box::new(FakePort {
                accept_bytes,
                log: log.clone(),
                answers: Vec::new(),
            }))
        };
        let policy = PrintPolicy {
            retry_delay_ms: 0,
            ..PrintPolicy::default()
        };
        let outcome = print_bytes_with(&mut open, &Profile::generic_58mm(), b"TICKET", &policy);
        let written = log.lock().unwrap().clone();
        (outcome, written, opens)
    }

    #[test]
    fn failure_before_any_byte_is_retried_on_a_fresh_link() {
        let (outcome, written, opens) = run(&[0, usize::MAX]);
        assert_eq!(outcome.delivery, Delivery::Confirmed);
        assert_eq!(written, b"TICKET");
        assert_eq!(opens, 2);
    }

    #[test]
    fn partial_write_is_reported_never_reprinted() {
        let (outcome, written, opens) = run(&[3, usize::MAX]);
        assert!(matches!(outcome.delivery, Delivery::Interrupted { .. }));
        assert_eq!((outcome.bytes_written, outcome.bytes_total), (3, 6));
        assert_eq!(written, b"TIC");
        assert_eq!(opens, 1);
        assert!(outcome.show_on_screen());
    }

    #[test]
    fn retries_are_bounded() {
        let (outcome, written, opens) = run(&[0]);
        assert!(matches!(
            outcome.delivery,
            Delivery::NotStarted(NotStartedReason::WriteFailed { .. })
        ));
        assert!(written.is_empty());
        assert_eq!(opens, usize::from(PrintPolicy::default().write_attempts));
    }
}
