//! Serial printers (RS-232 or USB-serial adapters).
//!
//! We use `serialport` directly instead of the `escpos` crate's driver, whose read always waits
//! 5 s whatever timeout it is given: with four status queries before and after each ticket that
//! would be 40 s for an unplugged printer.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

use serialport::{ClearBuffer, DataBits, FlowControl, Parity, StopBits};

use super::{LinkTimeouts, PortError, PrinterPort, WriteError, write_counting};

/// An open serial port (8N1, no flow control: a ticket is far smaller than printer buffers).
pub struct SerialPort {
    port: Box<dyn serialport::SerialPort>,
    description: String,
    baud_bps: u32,
    write_timeout_ms: u64,
}

impl SerialPort {
    /// Opens `path` at `baud_bps`.
    pub fn open(path: &Path, baud_bps: u32, timeouts: LinkTimeouts) -> Result<Self, PortError> {
        let description = format!("serial {} @ {baud_bps} bps", path.display());
        let port = serialport::new(path.to_string_lossy(), baud_bps)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(Duration::from_millis(timeouts.write_ms))
            .open()
            .map_err(|err| PortError::Open {
                target: description.clone(),
                source: io::Error::from(err),
            })?;
        Ok(SerialPort {
            port,
            description,
            baud_bps,
            write_timeout_ms: timeouts.write_ms,
        })
    }

    fn io_error(&self, source: impl Into<io::Error>) -> PortError {
        PortError::Io {
            target: self.description.clone(),
            source: source.into(),
        }
    }
}

impl PrinterPort for SerialPort {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let timeout = Duration::from_millis(self.write_timeout_ms);
        if let Err(err) = self.port.set_timeout(timeout) {
            return Err(WriteError {
                bytes_written: 0,
                source: self.io_error(err),
            });
        }
        let description = self.description.clone();
        let port = &mut self.port;
        write_counting(bytes, &description, |chunk| port.write(chunk))
    }

    fn read_some(&mut self, buf: &mut [u8], timeout_ms: u64) -> Result<usize, PortError> {
        self.port
            .set_timeout(Duration::from_millis(timeout_ms.max(1)))
            .map_err(|err| self.io_error(err))?;
        match self.port.read(buf) {
            Ok(n) => Ok(n),
            Err(err) if err.kind() == io::ErrorKind::TimedOut => Ok(0),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(0),
            Err(err) => Err(self.io_error(err)),
        }
    }

    fn discard_input(&mut self) -> Result<(), PortError> {
        self.port
            .clear(ClearBuffer::Input)
            .map_err(|err| self.io_error(err))
    }

    fn can_read_status(&self) -> bool {
        true
    }

    fn transmit_time_ms(&self, bytes_len: usize) -> u64 {
        // 10 bits per byte on the wire (start, 8 data, stop).
        (bytes_len as u64 * 10 * 1000).div_ceil(u64::from(self.baud_bps.max(1)))
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}
