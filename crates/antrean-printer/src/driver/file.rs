//! Write-only sinks: a file and standard output.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use super::{PortError, PrinterPort, WriteError, write_counting};

/// Appends tickets to a file (appending, so a spool never loses an earlier ticket).
pub struct FilePort {
    file: File,
    description: String,
}

impl FilePort {
    /// Opens (creating if needed) `path` for appending.
    pub fn open(path: &Path) -> Result<Self, PortError> {
        let description = format!("file {}", path.display());
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| PortError::Open {
                target: description.clone(),
                source,
            })?;
        Ok(FilePort { file, description })
    }
}

impl PrinterPort for FilePort {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let file = &mut self.file;
        write_counting(bytes, &self.description, |chunk| file.write(chunk))?;
        self.file.flush().map_err(|source| WriteError {
            bytes_written: bytes.len(),
            source: PortError::Io {
                target: self.description.clone(),
                source,
            },
        })
    }

    fn read_some(&mut self, _buf: &mut [u8], _timeout_ms: u64) -> Result<usize, PortError> {
        Ok(0)
    }

    fn can_read_status(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Writes tickets to standard output (e.g. `antrean printer test --stdout | nc printer 9100`).
pub struct StdoutPort;

impl PrinterPort for StdoutPort {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let mut out = io::stdout().lock();
        write_counting(bytes, "stdout", |chunk| out.write(chunk))?;
        out.flush().map_err(|source| WriteError {
            bytes_written: bytes.len(),
            source: PortError::Io {
                target: "stdout".into(),
                source,
            },
        })
    }

    fn read_some(&mut self, _buf: &mut [u8], _timeout_ms: u64) -> Result<usize, PortError> {
        Ok(0)
    }

    fn can_read_status(&self) -> bool {
        false
    }

    fn describe(&self) -> String {
        "stdout".into()
    }
}
