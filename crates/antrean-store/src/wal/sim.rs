//! A file system in memory that forgets, for crash tests.
//!
//! Every write is kept twice: in the *volatile* view that reads see, and as a pending write
//! on top of the *durable* bytes. `sync_data` makes a file's pending writes durable. A
//! [`SimFs::crash`] builds the file system a restarted process would find: the durable
//! bytes plus any subset of the pending writes, in any order, each possibly torn at any
//! byte — what a power cut may leave on a disk with a volatile cache. Nothing in the
//! server uses it; the store's crash-consistency tests do.

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

use super::fs::{WalFile, WalFs};

#[derive(Clone, Debug, Default)]
struct SimFile {
    durable: Vec<u8>,
    volatile: Vec<u8>,
    pending: Vec<(u64, Vec<u8>)>,
}

#[derive(Debug, Default)]
struct SimState {
    files: BTreeMap<String, SimFile>,
    /// Writes fail with "no space left on device" while set.
    full: bool,
    /// `sync_data` fails (EIO) without making anything durable while set: the moment
    /// before a crash, with the last write still pending.
    sync_fails: bool,
}

/// The in-memory file system (cheap to clone: clones share the files).
#[derive(Clone, Debug, Default)]
pub struct SimFs {
    state: Arc<Mutex<SimState>>,
}

/// What a crash does to one pending write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Lost.
    Dropped,
    /// On the disk whole.
    Kept,
    /// Only its first `n` bytes reached the disk.
    TornAt(usize),
    /// Only its bytes from `n` on reached the disk (the sectors were written out of order).
    TornFrom(usize),
}

impl SimFs {
    /// An empty file system.
    pub fn new() -> SimFs {
        SimFs::default()
    }

    /// Makes writes fail with ENOSPC (`true`) or succeed again.
    pub fn set_full(&self, full: bool) {
        self.lock().full = full;
    }

    /// Makes `sync_data` fail (`true`), leaving writes pending, or work again.
    pub fn set_sync_fails(&self, fails: bool) {
        self.lock().sync_fails = fails;
    }

    /// Pending (unsynced) writes of every file, in order: (file, offset, length).
    pub fn pending_writes(&self) -> Vec<(String, u64, usize)> {
        let state = self.lock();
        state
            .files
            .iter()
            .flat_map(|(name, file)| {
                file.pending
                    .iter()
                    .map(move |(offset, data)| (name.clone(), *offset, data.len()))
            })
            .collect()
    }

    /// The file system after a crash. `fate` decides each pending write (by file name and
    /// its index among that file's pending writes); `order` decides the order the kept
    /// ones land in (indices into the file's pending writes), so overlapping writes can
    /// land in either order.
    pub fn crash(
        &self,
        mut fate: impl FnMut(&str, usize, usize) -> Fate,
        mut order: impl FnMut(&str, usize) -> Vec<usize>,
    ) -> SimFs {
        let state = self.lock();
        let mut files = BTreeMap::new();
        for (name, file) in &state.files {
            let mut bytes = file.durable.clone();
            for index in order(name, file.pending.len()) {
                let (offset, data) = &file.pending[index];
                let (skip, keep) = match fate(name, index, data.len()) {
                    Fate::Dropped => continue,
                    Fate::Kept => (0, data.len()),
                    Fate::TornAt(n) => (0, n.min(data.len())),
                    Fate::TornFrom(n) => (n.min(data.len()), data.len()),
                };
                put(&mut bytes, offset + skip as u64, &data[skip..keep]);
            }
            files.insert(
                name.clone(),
                SimFile {
                    durable: bytes.clone(),
                    volatile: bytes,
                    pending: Vec::new(),
                },
            );
        }
        SimFs {
            state: Arc::new(Mutex::new(SimState {
                files,
                ..SimState::default()
            })),
        }
    }

    /// The file system after a crash that lost every unsynced write.
    pub fn crash_losing_unsynced(&self) -> SimFs {
        self.crash(|_, _, _| Fate::Dropped, |_, n| (0..n).collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SimState> {
        self.state.lock().expect("sim fs lock")
    }
}

fn put(bytes: &mut Vec<u8>, offset: u64, data: &[u8]) {
    let end = offset as usize + data.len();
    if bytes.len() < end {
        bytes.resize(end, 0);
    }
    bytes[offset as usize..end].copy_from_slice(data);
}

fn not_found(name: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{name}: no such file"))
}

impl WalFs for SimFs {
    type File = SimHandle;

    fn list(&self) -> io::Result<Vec<String>> {
        Ok(self.lock().files.keys().cloned().collect())
    }

    fn open(&self, name: &str) -> io::Result<SimHandle> {
        if !self.lock().files.contains_key(name) {
            return Err(not_found(name));
        }
        Ok(SimHandle {
            fs: self.clone(),
            name: name.to_owned(),
        })
    }

    fn create_zeroed(&self, name: &str, len_bytes: u64) -> io::Result<SimHandle> {
        let mut state = self.lock();
        if state.full {
            return Err(io::Error::from_raw_os_error(28));
        }
        let zeros = vec![0u8; len_bytes as usize];
        // Made like the real one: synced, renamed and the directory synced before use.
        state.files.insert(
            name.to_owned(),
            SimFile {
                durable: zeros.clone(),
                volatile: zeros,
                pending: Vec::new(),
            },
        );
        drop(state);
        self.open(name)
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        self.lock()
            .files
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| not_found(name))
    }
}

/// An open file of a [`SimFs`].
#[derive(Debug)]
pub struct SimHandle {
    fs: SimFs,
    name: String,
}

impl WalFile for SimHandle {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let state = self.fs.lock();
        let file = state
            .files
            .get(&self.name)
            .ok_or_else(|| not_found(&self.name))?;
        let start = (offset as usize).min(file.volatile.len());
        let n = (file.volatile.len() - start).min(buf.len());
        buf[..n].copy_from_slice(&file.volatile[start..start + n]);
        Ok(n)
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut state = self.fs.lock();
        if state.full {
            return Err(io::Error::from_raw_os_error(28));
        }
        let file = state
            .files
            .get_mut(&self.name)
            .ok_or_else(|| not_found(&self.name))?;
        put(&mut file.volatile, offset, data);
        file.pending.push((offset, data.to_vec()));
        Ok(())
    }

    fn sync_data(&mut self) -> io::Result<()> {
        let mut state = self.fs.lock();
        if state.sync_fails {
            return Err(io::Error::from_raw_os_error(5));
        }
        let file = state
            .files
            .get_mut(&self.name)
            .ok_or_else(|| not_found(&self.name))?;
        file.durable = file.volatile.clone();
        file.pending.clear();
        Ok(())
    }

    fn len_bytes(&self) -> io::Result<u64> {
        let state = self.fs.lock();
        let file = state
            .files
            .get(&self.name)
            .ok_or_else(|| not_found(&self.name))?;
        Ok(file.volatile.len() as u64)
    }
}
