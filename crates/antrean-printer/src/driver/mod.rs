//! Thin I/O shells: one [`PrinterPort`] per link type.
//!
//! Ports move bytes and nothing else; what the bytes mean is decided by the sans-IO core
//! (`encode`, `status`) and what to do about failures by `print_job`.

mod file;
mod serial;
mod tcp;
mod usb;

use std::io;
use std::path::PathBuf;

use thiserror::Error;

pub use file::{FilePort, StdoutPort};
pub use serial::SerialPort;
pub use tcp::TcpPort;
pub use usb::UsbLpPort;

/// A link to a printer.
pub trait PrinterPort: Send {
    /// Writes every byte or reports how many made it before the failure, so the caller can
    /// tell "nothing printed, safe to retry" from "half a ticket printed".
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError>;

    /// Reads what the printer sent within `timeout_ms`; `Ok(0)` means nothing arrived.
    fn read_some(&mut self, buf: &mut [u8], timeout_ms: u64) -> Result<usize, PortError>;

    /// Drops unread input (late answers to earlier requests) before a new status request.
    fn discard_input(&mut self) -> Result<(), PortError> {
        Ok(())
    }

    /// Whether the link carries answers back at all (not for files and stdout).
    fn can_read_status(&self) -> bool;

    /// Time the link needs to transmit `bytes_len` bytes already written, in milliseconds.
    /// A status request written after a ticket waits behind it on a slow serial line.
    fn transmit_time_ms(&self, bytes_len: usize) -> u64 {
        let _ = bytes_len;
        0
    }

    /// Human description for logs and errors ("serial /dev/ttyUSB0 @ 9600 bps").
    fn describe(&self) -> String;
}

/// Timeouts of a link. Each bounds one blocking call so a dead printer never freezes the
/// kiosk: the visitor is waiting in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTimeouts {
    /// TCP connect. Printers on the local network answer in milliseconds; 2 s covers a busy
    /// switch without leaving the visitor waiting long.
    pub connect_ms: u64,
    /// One write call. A 1 KB ticket takes 1.1 s at 9600 baud; 5 s allows for the printer
    /// pausing intake while it prints.
    pub write_ms: u64,
}

impl Default for LinkTimeouts {
    fn default() -> Self {
        LinkTimeouts {
            connect_ms: 2_000,
            write_ms: 5_000,
        }
    }
}

/// Where the printer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortTarget {
    /// Serial device and its speed.
    Serial {
        /// Device path (`/dev/ttyUSB0`).
        path: PathBuf,
        /// Line speed.
        baud_bps: u32,
    },
    /// Raw TCP printer, `host:port`.
    Tcp {
        /// `host:port`, e.g. `192.168.1.50:9100`.
        address: String,
    },
    /// USB printer-class device file (`/dev/usb/lp0`).
    UsbLp {
        /// Device path.
        path: PathBuf,
    },
    /// Append bytes to a file.
    File {
        /// File path.
        path: PathBuf,
    },
    /// Write bytes to standard output.
    Stdout,
}

impl PortTarget {
    /// Opens the link.
    pub fn open(&self, timeouts: LinkTimeouts) -> Result<Box<dyn PrinterPort>, PortError> {
        Ok(match self {
            PortTarget::Serial { path, baud_bps } => {
                Box::new(SerialPort::open(path, *baud_bps, timeouts)?)
            }
            PortTarget::Tcp { address } => Box::new(TcpPort::connect(address, timeouts)?),
            PortTarget::UsbLp { path } => Box::new(UsbLpPort::open(path, timeouts)?),
            PortTarget::File { path } => Box::new(FilePort::open(path)?),
            PortTarget::Stdout => Box::new(StdoutPort),
        })
    }

    /// Human description.
    pub fn describe(&self) -> String {
        match self {
            PortTarget::Serial { path, baud_bps } => {
                format!("serial {} @ {baud_bps} bps", path.display())
            }
            PortTarget::Tcp { address } => format!("tcp {address}"),
            PortTarget::UsbLp { path } => format!("usb {}", path.display()),
            PortTarget::File { path } => format!("file {}", path.display()),
            PortTarget::Stdout => "stdout".into(),
        }
    }
}

/// A link failure.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PortError {
    /// Opening or connecting failed.
    #[error("cannot open {target}: {source}")]
    Open {
        /// What we tried to open.
        target: String,
        /// Cause.
        source: io::Error,
    },
    /// Reading or writing failed.
    #[error("{target}: {source}")]
    Io {
        /// The link.
        target: String,
        /// Cause.
        source: io::Error,
    },
    /// The peer closed the connection.
    #[error("{target}: connection closed by the printer")]
    Closed {
        /// The link.
        target: String,
    },
}

/// A write that did not complete.
#[derive(Debug, Error)]
#[error("write failed after {bytes_written} bytes: {source}")]
pub struct WriteError {
    /// Bytes accepted by the link before the failure.
    pub bytes_written: usize,
    /// Cause.
    pub source: PortError,
}

/// Writes `bytes` through `write` (one system call's worth at a time), tracking progress.
pub(crate) fn write_counting(
    bytes: &[u8],
    target: &str,
    mut write: impl FnMut(&[u8]) -> io::Result<usize>,
) -> Result<(), WriteError> {
    let mut written = 0;
    while written < bytes.len() {
        match write(&bytes[written..]) {
            Ok(0) => {
                return Err(WriteError {
                    bytes_written: written,
                    source: PortError::Closed {
                        target: target.to_string(),
                    },
                });
            }
            Ok(n) => written += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(WriteError {
                    bytes_written: written,
                    source: PortError::Io {
                        target: target.to_string(),
                        source,
                    },
                });
            }
        }
    }
    Ok(())
}
