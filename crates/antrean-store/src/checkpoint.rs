//! The checkpointer: makes sled's copy durable in the background, so that log segments
//! it covers can be reused.
//!
//! sled's `flush()` writes its buffers but syncs with `sync_file_range`, which does not
//! make new blocks or a new file size durable. A checkpoint therefore is `flush()` followed
//! by `fsync` of every file in sled's directory and of the directory itself. It runs on a
//! thread of its own because it can take tens of milliseconds, and nothing waits for it:
//! acknowledgements come from the write-ahead log.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Default)]
struct Request {
    /// The lsn sled holds (in memory) that a checkpoint should make durable.
    target_lsn: u64,
    stop: bool,
}

struct Shared {
    request: Mutex<Request>,
    wake: Condvar,
    durable_lsn: AtomicU64,
    failure: Mutex<Option<String>>,
}

/// The background checkpoint thread.
pub(crate) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread; `durable_lsn` is what sled already holds durably.
    pub(crate) fn start(db: sled::Db, sled_dir: PathBuf, durable_lsn: u64) -> Checkpointer {
        let shared = Arc::new(Shared {
            request: Mutex::new(Request {
                target_lsn: durable_lsn,
                stop: false,
            }),
            wake: Condvar::new(),
            durable_lsn: AtomicU64::new(durable_lsn),
            failure: Mutex::new(None),
        });
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("antrean-checkpoint".into())
            .spawn(move || run(&thread_shared, &db, &sled_dir))
            .expect("cannot start the checkpoint thread");
        Checkpointer {
            shared,
            thread: Some(thread),
        }
    }

    /// Asks for a checkpoint of everything applied to sled up to `lsn` (returns at once).
    pub(crate) fn request(&self, lsn: u64) {
        let mut request = self.shared.request.lock().expect("checkpoint lock");
        if lsn > request.target_lsn {
            request.target_lsn = lsn;
            self.shared.wake.notify_one();
        }
    }

    /// The last lsn sled holds durably.
    pub(crate) fn durable_lsn(&self) -> u64 {
        self.shared.durable_lsn.load(Ordering::Acquire)
    }

    /// Records a checkpoint made by the caller itself.
    pub(crate) fn set_durable(&self, lsn: u64) {
        self.shared.durable_lsn.fetch_max(lsn, Ordering::AcqRel);
    }

    /// Why the last checkpoint failed, if it did (the thread stops then).
    pub(crate) fn failure(&self) -> Option<String> {
        self.shared.failure.lock().expect("checkpoint lock").clone()
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.request.lock().expect("checkpoint lock").stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(shared: &Shared, db: &sled::Db, sled_dir: &Path) {
    loop {
        let target = {
            let mut request = shared.request.lock().expect("checkpoint lock");
            while !request.stop && request.target_lsn <= shared.durable_lsn.load(Ordering::Acquire)
            {
                request = shared.wake.wait(request).expect("checkpoint lock");
            }
            if request.stop {
                return;
            }
            request.target_lsn
        };
        match make_durable(db, sled_dir) {
            Ok(()) => {
                shared.durable_lsn.fetch_max(target, Ordering::AcqRel);
            }
            Err(err) => {
                *shared.failure.lock().expect("checkpoint lock") = Some(err.to_string());
                return;
            }
        }
    }
}

/// sled's flush, then `fsync` of every file sled keeps and of its directories.
pub(crate) fn make_durable(db: &sled::Db, sled_dir: &Path) -> Result<(), crate::StoreError> {
    db.flush()?;
    sync_tree(sled_dir)
        .map_err(|e| crate::StoreError::Behind(format!("making the database durable (fsync): {e}")))
}

fn sync_tree(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            sync_tree(&entry.path())?;
        } else if kind.is_file() {
            // fsync works on the inode: a read-only handle flushes what sled wrote. sled
            // may have just deleted an old snapshot: a file gone is nothing to sync.
            match std::fs::File::open(entry.path()) {
                Ok(file) => file.sync_all()?,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(err),
            }
        }
    }
    crate::wal::fs::sync_dir(dir)
}
