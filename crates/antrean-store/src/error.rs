//! Store errors, each with what the operator should do.

use std::path::PathBuf;

/// Where to read about recovery; printed with every damage error.
pub const RECOVERY_DOC: &str = "docs/operations.md#recovering-a-damaged-data-directory";

/// A storage failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The directory could not be opened.
    #[error(
        "cannot open the data directory {dir}: {detail}. The data was NOT reset. If the files \
         are damaged, restore from the latest export (`antrean import`), see {RECOVERY_DOC}",
        dir = dir.display()
    )]
    Open {
        /// Directory.
        dir: PathBuf,
        /// Cause.
        detail: String,
    },
    /// The contents are inconsistent.
    #[error(
        "the data directory {dir} is damaged: {detail}. The data was NOT reset. Export what is \
         readable (`antrean export --data {dir} --out backup.jsonl`) and restore into a new \
         directory (`antrean import`), see {RECOVERY_DOC}",
        dir = dir.display()
    )]
    Corrupt {
        /// Directory.
        dir: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// Written by an incompatible version.
    #[error("the data directory {dir} has format version {found}; this antrean reads {expected}", dir = dir.display())]
    Format {
        /// Directory.
        dir: PathBuf,
        /// Found version.
        found: u32,
        /// Supported version.
        expected: u32,
    },
    /// sled failed during operation (disk full, I/O error).
    #[error("storage failure: {0}")]
    Sled(#[from] sled::Error),
    /// The write-ahead log failed: an I/O error (disk full, read-only, EIO) while writing,
    /// or damage found while reading it.
    #[error("storage failure: {0}. Nothing acknowledged before this was lost; see {RECOVERY_DOC}")]
    Wal(#[from] crate::wal::WalError),
    /// Bringing sled or the mirror up to date with the log failed (disk full or an I/O
    /// error): the log still holds every acknowledged change.
    #[error(
        "storage failure: {0}. Nothing acknowledged was lost (it is in the write-ahead log); see {RECOVERY_DOC}"
    )]
    Behind(String),
    /// An export/import file problem.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A bad line in an import file.
    #[error("import line {line}: {detail}")]
    Import {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        detail: String,
    },
}

impl StoreError {
    pub(crate) fn corrupt(dir: &std::path::Path, detail: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            dir: dir.to_owned(),
            detail: detail.into(),
        }
    }
}
