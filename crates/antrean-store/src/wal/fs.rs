//! The few file operations the write-ahead log needs, behind a trait so that a crash test
//! can swap in [`super::sim::SimFs`], a file system that forgets what was never synced.
//!
//! The operations are chosen so that each one has one durability rule, written on it; the
//! log never relies on anything else (no rename of a file holding acknowledged data, no
//! file-size change after a segment was made).

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// A directory of log segments.
pub trait WalFs: Send + 'static {
    /// An open segment.
    type File: WalFile;

    /// Names of the files in the directory (no order).
    fn list(&self) -> io::Result<Vec<String>>;

    /// Opens an existing file for reading and writing.
    fn open(&self, name: &str) -> io::Result<Self::File>;

    /// Makes a new file `name` of `len_bytes` zero bytes whose contents, size and directory
    /// entry are durable when this returns (written under a temporary name, synced,
    /// renamed, directory synced). Zero-filled, not sparse: later writes into it change no
    /// file-system metadata, so `fdatasync` after them flushes only the data.
    fn create_zeroed(&self, name: &str, len_bytes: u64) -> io::Result<Self::File>;

    /// Removes a file (a leftover temporary file). Not synced: it held nothing needed.
    fn remove(&self, name: &str) -> io::Result<()>;
}

/// One segment file.
pub trait WalFile: Send + 'static {
    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize>;

    /// Writes all of `data` at `offset`. Not durable until [`WalFile::sync_data`].
    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()>;

    /// `fdatasync`: every write so far is durable when this returns.
    fn sync_data(&mut self) -> io::Result<()>;

    /// The file's length in bytes.
    fn len_bytes(&self) -> io::Result<u64>;
}

/// The real file system: a directory on disk.
#[derive(Clone, Debug)]
pub struct OsFs {
    dir: PathBuf,
}

impl OsFs {
    /// Segments in `dir` (created when missing; its creation is made durable).
    pub fn new(dir: &Path) -> io::Result<OsFs> {
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            if let Some(parent) = dir.parent() {
                sync_dir(parent)?;
            }
        }
        Ok(OsFs {
            dir: dir.to_owned(),
        })
    }
}

/// Makes a directory's entries durable (new, renamed or removed files in it).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl WalFs for OsFs {
    type File = OsFile;

    fn list(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        Ok(names)
    }

    fn open(&self, name: &str) -> io::Result<OsFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(self.dir.join(name))?;
        Ok(OsFile { file })
    }

    fn create_zeroed(&self, name: &str, len_bytes: u64) -> io::Result<OsFile> {
        let temporary = self.dir.join(format!("{name}{TEMPORARY_SUFFIX}"));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temporary)?;
        // Real zeros, not `set_len` (sparse) or `fallocate` (unwritten extents): both
        // would make the first write to every block a metadata change that `fdatasync`
        // then has to commit through the journal.
        let zeros = vec![0u8; ZERO_CHUNK_BYTES];
        let mut written = 0u64;
        while written < len_bytes {
            let n = (len_bytes - written).min(zeros.len() as u64) as usize;
            io::Write::write_all(&mut file, &zeros[..n])?;
            written += n as u64;
        }
        file.sync_all()?;
        std::fs::rename(&temporary, self.dir.join(name))?;
        sync_dir(&self.dir)?;
        Ok(OsFile { file })
    }

    fn remove(&self, name: &str) -> io::Result<()> {
        std::fs::remove_file(self.dir.join(name))
    }
}

/// Suffix of a segment being made; a crash can leave one, which the next start removes.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// Zero-fill in chunks of this size: one write call per MiB, a bounded buffer.
const ZERO_CHUNK_BYTES: usize = 1 << 20;

/// A segment on disk.
#[derive(Debug)]
pub struct OsFile {
    file: File,
}

impl WalFile for OsFile {
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            match self.file.read_at(&mut buf[done..], offset + done as u64)? {
                0 => break,
                n => done += n,
            }
        }
        Ok(done)
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.file.write_all_at(data, offset)
    }

    fn sync_data(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    fn len_bytes(&self) -> io::Result<u64> {
        Ok(self.file.metadata()?.len())
    }
}
