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

/// Appends 256 bytes and fsyncs, `samples` times: what one durable write costs on this disk.
pub fn fsync_probe(path: &Path, samples: usize) -> std::io::Result<Summary> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let block = [0x5au8; 256];
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let started = Instant::now();
        file.write_all(&block)?;
        file.sync_all()?;
        out.push(started.elapsed());
    }
    Ok(Summary::of(out))
}
