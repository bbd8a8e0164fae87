//! A fake ESC/POS printer for tests: records what it receives and answers `DLE EOT` like a
//! real printer in a chosen condition (ready, paper out, cover open, or silent).
//!
//! The protocol part ([`EmulatorCore`]) is sans-IO; [`PrinterEmulator`] runs it on a thread,
//! either listening on `127.0.0.1:0` or attached to the far end of a pty pair
//! ([`SocatPtyPair`]), so the real drivers are tested over real file descriptors.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle, sleep};
use std::time::{Duration, Instant};

use crate::escpos::{DLE, EOT};
use crate::status::StatusQuery;

/// The condition the emulated printer reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmulatedStatus {
    /// Online, paper present.
    Ready,
    /// Roll nearly empty (near-end sensor), still printing.
    PaperNearEnd,
    /// Out of paper: offline, stopped by paper end, both paper sensors set.
    PaperOut,
    /// Cover open: offline, cover bit set.
    CoverOpen,
    /// Never answers (unplugged return line, printer without status support).
    Silent,
}

impl EmulatedStatus {
    /// The byte a real printer in this condition sends for `query` (Epson bit layout).
    pub fn answer(self, query: StatusQuery) -> Option<u8> {
        let [printer, offline, error, paper] = match self {
            EmulatedStatus::Ready => [0x12, 0x12, 0x12, 0x12],
            EmulatedStatus::PaperNearEnd => [0x12, 0x12, 0x12, 0x1E],
            EmulatedStatus::PaperOut => [0x1A, 0x32, 0x12, 0x7E],
            EmulatedStatus::CoverOpen => [0x1A, 0x16, 0x12, 0x12],
            EmulatedStatus::Silent => return None,
        };
        Some(match query {
            StatusQuery::Printer => printer,
            StatusQuery::OfflineCause => offline,
            StatusQuery::ErrorCause => error,
            StatusQuery::PaperSensor => paper,
        })
    }
}

/// Most bytes recorded; a runaway sender in a test must not exhaust memory.
const RECORDED_BYTES_MAX: usize = 1 << 20;

/// The emulator's protocol state: pure, fed with received bytes, returns answers.
#[derive(Debug, Default)]
pub struct EmulatorCore {
    received: Vec<u8>,
    status_requests: Vec<StatusQuery>,
    /// Bytes of a `DLE EOT` seen so far (0, 1 or 2), kept across reads.
    pending: usize,
}

impl EmulatorCore {
    /// Handles received bytes; returns the answers to send back. Like a printer, `DLE EOT n`
    /// is executed wherever it appears in the stream.
    pub fn handle_bytes(&mut self, bytes: &[u8], status: EmulatedStatus) -> Vec<u8> {
        let room = RECORDED_BYTES_MAX.saturating_sub(self.received.len());
        self.received
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        let mut answers = Vec::new();
        for &byte in bytes {
            self.pending = match (self.pending, byte) {
                (0, DLE) => 1,
                (1, EOT) => 2,
                (2, n) => {
                    if let Some(query) = StatusQuery::from_n(n) {
                        self.status_requests.push(query);
                        answers.extend(status.answer(query));
                    }
                    0
                }
                (_, DLE) => 1,
                _ => 0,
            };
        }
        answers
    }

    /// Every byte received, status requests included.
    pub fn received(&self) -> &[u8] {
        &self.received
    }

    /// Received bytes without the `DLE EOT n` requests: what would be printed.
    pub fn printed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.received.len());
        let mut i = 0;
        while i < self.received.len() {
            if self.received[i..].starts_with(&[DLE, EOT]) && i + 2 < self.received.len() {
                i += 3;
            } else {
                out.push(self.received[i]);
                i += 1;
            }
        }
        out
    }

    /// Status requests seen, in order.
    pub fn status_requests(&self) -> &[StatusQuery] {
        &self.status_requests
    }
}

struct Shared {
    core: EmulatorCore,
    status: EmulatedStatus,
    connections: usize,
    /// Switch to this status once this many printable bytes arrived (paper runs out mid-job).
    switch_after: Option<(usize, EmulatedStatus)>,
}

/// A running emulated printer; stops when dropped.
pub struct PrinterEmulator {
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    tcp_address: Option<SocketAddr>,
}

/// How often the emulator thread checks for a stop request while idle.
const POLL_INTERVAL_MS: u64 = 10;

impl PrinterEmulator {
    /// Listens on `127.0.0.1:0`; see [`PrinterEmulator::tcp_address`]. Serves one connection
    /// at a time, like a real port-9100 printer.
    pub fn listen_tcp(status: EmulatedStatus) -> io::Result<PrinterEmulator> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let mut emulator = PrinterEmulator::new(status);
        emulator.tcp_address = Some(address);
        let (shared, stop) = (emulator.shared.clone(), emulator.stop.clone());
        emulator.thread = Some(thread::spawn(move || serve_tcp(&listener, &shared, &stop)));
        Ok(emulator)
    }

    /// Attaches to a serial device (e.g. the far end of a [`SocatPtyPair`]).
    pub fn attach_serial(path: &Path, status: EmulatedStatus) -> io::Result<PrinterEmulator> {
        let mut port = serialport::new(path.to_string_lossy(), 9600)
            .timeout(Duration::from_millis(POLL_INTERVAL_MS))
            .open()
            .map_err(io::Error::from)?;
        let mut emulator = PrinterEmulator::new(status);
        let (shared, stop) = (emulator.shared.clone(), emulator.stop.clone());
        let thread = thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !stop.load(Ordering::Relaxed) {
                match port.read(&mut buf) {
                    Ok(0) => sleep(Duration::from_millis(POLL_INTERVAL_MS)),
                    Ok(n) => {
                        let answers = lock(&shared).handle(&buf[..n]);
                        if !answers.is_empty() && port.write_all(&answers).is_err() {
                            return;
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::TimedOut => {}
                    // The other side went away (socat exited): keep what was recorded.
                    Err(_) => return,
                }
            }
        });
        emulator.thread = Some(thread);
        Ok(emulator)
    }

    fn new(status: EmulatedStatus) -> PrinterEmulator {
        PrinterEmulator {
            shared: Arc::new(Mutex::new(Shared {
                core: EmulatorCore::default(),
                status,
                connections: 0,
                switch_after: None,
            })),
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
            tcp_address: None,
        }
    }

    /// The TCP address to connect to (`None` for a serial emulator).
    pub fn tcp_address(&self) -> Option<SocketAddr> {
        self.tcp_address
    }

    /// Changes the reported condition (e.g. paper runs out between two tickets).
    pub fn set_status(&self, status: EmulatedStatus) {
        lock(&self.shared).status = status;
    }

    /// Switches to `status` once `printed_bytes` printable bytes have arrived, e.g. the paper
    /// running out while a ticket prints.
    pub fn set_status_after_printed(&self, printed_bytes: usize, status: EmulatedStatus) {
        lock(&self.shared).switch_after = Some((printed_bytes, status));
    }

    /// Every byte received so far.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.shared).core.received().to_vec()
    }

    /// Received bytes without status requests.
    pub fn printed(&self) -> Vec<u8> {
        lock(&self.shared).core.printed()
    }

    /// Status requests seen so far.
    pub fn status_requests(&self) -> Vec<StatusQuery> {
        lock(&self.shared).core.status_requests().to_vec()
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.shared).connections
    }

    /// Waits until `condition` holds for the printed bytes, up to `timeout_ms`; returns
    /// whether it did. For tests: the sender may finish before the emulator has read it all.
    pub fn wait_for_printed(&self, timeout_ms: u64, condition: impl Fn(&[u8]) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            if condition(&self.printed()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            sleep(Duration::from_millis(POLL_INTERVAL_MS));
        }
    }
}

impl Shared {
    fn handle(&mut self, bytes: &[u8]) -> Vec<u8> {
        let answers = self.core.handle_bytes(bytes, self.status);
        if let Some((threshold, status)) = self.switch_after
            && self.core.printed().len() >= threshold
        {
            self.status = status;
            self.switch_after = None;
        }
        answers
    }
}

impl Drop for PrinterEmulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A panicking test thread must not hide the recorded bytes from the others.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn serve_tcp(listener: &TcpListener, shared: &Mutex<Shared>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                lock(shared).connections += 1;
                serve_connection(stream, shared, stop);
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                sleep(Duration::from_millis(POLL_INTERVAL_MS));
            }
            Err(_) => return,
        }
    }
}

fn serve_connection(mut stream: TcpStream, shared: &Mutex<Shared>, stop: &AtomicBool) {
    if stream.set_nonblocking(false).is_err()
        || stream
            .set_read_timeout(Some(Duration::from_millis(POLL_INTERVAL_MS)))
            .is_err()
    {
        return;
    }
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                let answers = lock(shared).handle(&buf[..n]);
                if !answers.is_empty() && stream.write_all(&answers).is_err() {
                    return;
                }
            }
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

/// A pty pair joined by `socat`, like a printer on a serial cable: the driver opens
/// [`SocatPtyPair::near`], the emulator [`SocatPtyPair::far`]. The socat process is ended
/// when this is dropped.
pub struct SocatPtyPair {
    child: Child,
    near: PathBuf,
    far: PathBuf,
    _dir: TempDir,
}

/// How long socat gets to create both pty links; it takes a few ms, 5 s covers a loaded CI box.
const SOCAT_START_TIMEOUT_MS: u64 = 5_000;

impl SocatPtyPair {
    /// Starts `socat -d -d pty,raw,echo=0,link=NEAR pty,raw,echo=0,link=FAR`.
    ///
    /// Fails with a message naming the fix when socat is not installed.
    pub fn spawn() -> io::Result<SocatPtyPair> {
        let dir = TempDir::new()?;
        let near = dir.path.join("near");
        let far = dir.path.join("far");
        let mut child = Command::new("socat")
            .arg("-d")
            .arg("-d")
            .arg(format!("pty,raw,echo=0,link={}", near.display()))
            .arg(format!("pty,raw,echo=0,link={}", far.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!(
                        "cannot start socat ({err}); the serial tests need it: \
                         apt-get install -y socat"
                    ),
                )
            })?;
        let deadline = Instant::now() + Duration::from_millis(SOCAT_START_TIMEOUT_MS);
        while !(near.exists() && far.exists()) {
            if let Some(status) = child.try_wait()? {
                return Err(io::Error::other(format!("socat exited early: {status}")));
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "socat created no ptys",
                ));
            }
            sleep(Duration::from_millis(POLL_INTERVAL_MS));
        }
        Ok(SocatPtyPair {
            child,
            near,
            far,
            _dir: dir,
        })
    }

    /// The end the driver under test opens.
    pub fn near(&self) -> &Path {
        &self.near
    }

    /// The end the emulator opens.
    pub fn far(&self) -> &Path {
        &self.far
    }
}

impl Drop for SocatPtyPair {
    fn drop(&mut self) {
        // Our own child, by handle: never a broad kill.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private temporary directory for the pty links, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> io::Result<TempDir> {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "antrean-printer-pty-{}-{unique}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_status_requests_split_across_reads() {
        let mut core = EmulatorCore::default();
        assert!(
            core.handle_bytes(b"AB\x10", EmulatedStatus::PaperOut)
                .is_empty()
        );
        assert_eq!(
            core.handle_bytes(b"\x04\x04CD", EmulatedStatus::PaperOut),
            [0x7E]
        );
        assert_eq!(core.printed(), b"ABCD");
        assert_eq!(core.status_requests(), [StatusQuery::PaperSensor]);
        assert!(
            core.handle_bytes(b"\x10\x04\x01", EmulatedStatus::Silent)
                .is_empty()
        );
    }
}
