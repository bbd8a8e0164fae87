//! USB printer-class device files (`/dev/usb/lp0`, Linux `usblp`).
//!
//! `usblp` blocks reads until the printer sends something, so the file is opened non-blocking
//! and reads and writes poll until their own deadline.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::{LinkTimeouts, PortError, PrinterPort, WriteError};

/// Poll interval while the device is busy; short next to a 300 ms status timeout.
const POLL_INTERVAL_MS: u64 = 5;

/// An open USB printer-class device.
pub struct UsbLpPort {
    file: File,
    description: String,
    write_timeout_ms: u64,
}

impl UsbLpPort {
    /// Opens the device file for reading and writing.
    pub fn open(path: &Path, timeouts: LinkTimeouts) -> Result<Self, PortError> {
        let description = format!("usb {}", path.display());
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(|source| PortError::Open {
                target: description.clone(),
                source,
            })?;
        Ok(UsbLpPort {
            file,
            description,
            write_timeout_ms: timeouts.write_ms,
        })
    }
}

impl PrinterPort for UsbLpPort {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let deadline = Instant::now() + Duration::from_millis(self.write_timeout_ms);
        let mut written = 0;
        while written < bytes.len() {
            let failure = match self.file.write(&bytes[written..]) {
                Ok(0) => Some(PortError::Closed {
                    target: self.description.clone(),
                }),
                Ok(n) => {
                    written += n;
                    None
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => None,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        Some(PortError::Io {
                            target: self.description.clone(),
                            source: io::Error::new(io::ErrorKind::TimedOut, "printer busy"),
                        })
                    } else {
                        sleep(Duration::from_millis(POLL_INTERVAL_MS));
                        None
                    }
                }
                Err(source) => Some(PortError::Io {
                    target: self.description.clone(),
                    source,
                }),
            };
            if let Some(source) = failure {
                return Err(WriteError {
                    bytes_written: written,
                    source,
                });
            }
        }
        Ok(())
    }

    fn read_some(&mut self, buf: &mut [u8], timeout_ms: u64) -> Result<usize, PortError> {
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            match self.file.read(buf) {
                Ok(n) if n > 0 => return Ok(n),
                // 0 (no data from the device) or EAGAIN: poll until the deadline.
                Ok(_) => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(source) => {
                    return Err(PortError::Io {
                        target: self.description.clone(),
                        source,
                    });
                }
            }
            if Instant::now() >= deadline {
                return Ok(0);
            }
            sleep(Duration::from_millis(POLL_INTERVAL_MS));
        }
    }

    fn can_read_status(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}
