//! Network printers speaking raw ESC/POS on TCP (port 9100).

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{LinkTimeouts, PortError, PrinterPort, WriteError, write_counting};

/// A connected network printer.
pub struct TcpPort {
    stream: TcpStream,
    description: String,
}

impl TcpPort {
    /// Connects to `address` (`host:port`), trying each resolved address within the connect
    /// timeout.
    pub fn connect(address: &str, timeouts: LinkTimeouts) -> Result<Self, PortError> {
        let description = format!("tcp {address}");
        let open_error = |source| PortError::Open {
            target: description.clone(),
            source,
        };
        let addrs: Vec<_> = address.to_socket_addrs().map_err(open_error)?.collect();
        let mut last_error = io::Error::new(io::ErrorKind::NotFound, "address resolved to nothing");
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(timeouts.connect_ms)) {
                Ok(stream) => {
                    // Tickets are small and latency matters more than packet count.
                    stream.set_nodelay(true).map_err(open_error)?;
                    stream
                        .set_write_timeout(Some(Duration::from_millis(timeouts.write_ms)))
                        .map_err(open_error)?;
                    return Ok(TcpPort {
                        stream,
                        description,
                    });
                }
                Err(err) => last_error = err,
            }
        }
        Err(open_error(last_error))
    }

    fn io_error(&self, source: io::Error) -> PortError {
        PortError::Io {
            target: self.description.clone(),
            source,
        }
    }
}

impl PrinterPort for TcpPort {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let stream = &mut self.stream;
        write_counting(bytes, &self.description, |chunk| stream.write(chunk))
    }

    fn read_some(&mut self, buf: &mut [u8], timeout_ms: u64) -> Result<usize, PortError> {
        self.stream
            .set_read_timeout(Some(Duration::from_millis(timeout_ms.max(1))))
            .map_err(|err| self.io_error(err))?;
        match self.stream.read(buf) {
            Ok(0) => Err(PortError::Closed {
                target: self.description.clone(),
            }),
            Ok(n) => Ok(n),
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(0)
            }
            Err(err) => Err(self.io_error(err)),
        }
    }

    fn discard_input(&mut self) -> Result<(), PortError> {
        self.stream
            .set_nonblocking(true)
            .map_err(|err| self.io_error(err))?;
        let mut scratch = [0u8; 256];
        let result = loop {
            match self.stream.read(&mut scratch) {
                Ok(0) => {
                    break Err(PortError::Closed {
                        target: self.description.clone(),
                    });
                }
                Ok(_) => continue,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(err) => break Err(self.io_error(err)),
            }
        };
        self.stream
            .set_nonblocking(false)
            .map_err(|err| self.io_error(err))?;
        result
    }

    fn can_read_status(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

impl Drop for TcpPort {
    fn drop(&mut self) {
        // Printers accept one connection at a time: release it promptly.
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}
