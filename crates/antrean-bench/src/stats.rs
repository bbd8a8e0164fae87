//! Percentiles and the raw fsync probe.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// p50/p99 of a sample.
pub struct Summary {
    pub p50: Duration,
    pub p99: Duration,
}

impl Summary {
    pub fn of(mut samples: Vec<Duration>) -> Summary {
        samples.sort();
        let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
        Summary {
            p50: at(0.50),
            p99: at(0.99),
        }
    }
}

/// Appends 256 bytes and fsyncs: what one durable write costs on this disk.
/// The reference for a durable answer: append 256 B to a file and `fdatasync` it, on the
/// same file system as the server's data — the same guarantee the write-ahead log gives.
pub struct FdatasyncProbe {
    file: std::fs::File,
}

impl FdatasyncProbe {
    pub fn open(path: &Path) -> std::io::Result<FdatasyncProbe> {
        Ok(FdatasyncProbe {
            file: std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?,
        })
    }

    pub fn sample(&mut self) -> std::io::Result<Duration> {
        let started = Instant::now();
        self.file.write_all(&[0x5au8; 256])?;
        self.file.sync_data()?;
        Ok(started.elapsed())
    }
}
