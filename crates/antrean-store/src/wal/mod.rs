//! The write-ahead log: the one place where "acknowledged" is decided.
//!
//! The committer hands over a group commit as one payload; [`Wal::append`] frames it (length,
//! CRC32C, lsn), writes it with one positioned write into a zero-filled segment, and calls
//! `fdatasync` once. When it returns, the frame survives a killed process, a kernel crash
//! and a power cut (on a disk that honours cache flushes) — sled's own `flush()` does not
//! give that (it uses `sync_file_range`; docs/storage.md). sled is updated from the frames
//! after that and made durable now and then by a checkpoint; segments the checkpoint covers
//! are recycled.
//!
//! Recovery ([`Wal::open`]) reads every segment in order and returns the frames after the
//! checkpoint. Only the last frame can be incomplete (it was never acknowledged): it is cut
//! off and reported. A bad frame with a good one after it is damage, not a crash, and is an
//! error naming the file and the offset.

pub mod frame;
pub mod fs;
pub mod sim;

use frame::{FRAME_HEADER_BYTES, FrameHeader, HEADER_BYTES, SegmentHeader};
use fs::{TEMPORARY_SUFFIX, WalFile, WalFs};

/// Sizes of the log.
#[derive(Clone, Copy, Debug)]
pub struct WalOptions {
    /// Bytes of a new segment (zero-filled when made). 16 MiB holds ~40,000 events: days of
    /// a busy site, and a restart replays at most about one segment into sled.
    pub segment_bytes: u64,
    /// Spare segments kept for reuse; more are deleted (a checkpoint that lagged far behind
    /// can leave many).
    pub max_spare_segments: usize,
    /// Checkpoint sled in the background when due (a segment waits, or many events since
    /// the last one). Crash tests turn it off and call [`crate::Writer::checkpoint`]
    /// themselves, to know exactly what sled holds durably.
    pub background_checkpoints: bool,
}

impl Default for WalOptions {
    fn default() -> WalOptions {
        WalOptions {
            segment_bytes: 16 << 20,
            max_spare_segments: 4,
            background_checkpoints: true,
        }
    }
}

/// A log failure, with the file and offset where it applies.
#[derive(Debug, thiserror::Error)]
pub enum WalError {
    /// An I/O error (disk full, read-only file system, EIO).
    #[error("write-ahead log {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Damage that a crash cannot explain.
    #[error("write-ahead log {file} at byte {offset}: {detail}")]
    Corrupt {
        /// The file.
        file: String,
        /// Byte offset in it.
        offset: u64,
        /// What is wrong.
        detail: String,
    },
}

fn io_err(file: &str) -> impl FnOnce(std::io::Error) -> WalError + '_ {
    move |source| WalError::Io {
        file: file.to_owned(),
        source,
    }
}

/// An incomplete last frame that recovery cut off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// The segment file.
    pub file: String,
    /// Where the incomplete frame began.
    pub offset: u64,
    /// The lsn it would have had: never acknowledged, since its `fdatasync` had not returned.
    pub lsn: u64,
}

/// What recovery found.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Frames after the checkpoint, in order: (lsn, payload).
    pub frames: Vec<(u64, Vec<u8>)>,
    /// An incomplete last frame, cut off.
    pub torn_tail: Option<TornTail>,
}

struct Segment<F> {
    name: String,
    file: F,
    header: SegmentHeader,
    /// Where the next frame goes.
    end: u64,
    /// The segment's last frame (first_lsn - 1 when empty).
    last_lsn: u64,
}

/// The log: an open current segment, older ones not yet covered by a checkpoint, spares.
pub struct Wal<F: WalFs> {
    fs: F,
    options: WalOptions,
    current: Option<Segment<F::File>>,
    sealed: Vec<Segment<F::File>>,
    spare: Vec<(String, F::File)>,
    next_lsn: u64,
    next_segment_no: u64,
    buf: Vec<u8>,
}

impl<F: WalFs> std::fmt::Debug for Wal<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wal")
            .field("next_lsn", &self.next_lsn)
            .field("segments_in_use", &self.segments_in_use())
            .finish_non_exhaustive()
    }
}

const SEGMENT_PREFIX: &str = "segment-";
const SEGMENT_SUFFIX: &str = ".wal";

impl<F: WalFs> Wal<F> {
    /// Opens the log and recovers it. `checkpoint_lsn` is the last frame sled holds: frames
    /// up to it are skipped, and the log must reach it.
    pub fn open(
        fs: F,
        options: WalOptions,
        checkpoint_lsn: u64,
    ) -> Result<(Wal<F>, Recovered), WalError> {
        let (valid, spare) = segments_on_disk(&fs, checkpoint_lsn)?;

        let mut recovered = Recovered::default();
        let mut segments: Vec<Segment<F::File>> = Vec::new();
        let count = valid.len();
        for (index, (name, mut file, header)) in valid.into_iter().enumerate() {
            if let Some(previous) = segments.last()
                && header.first_lsn != previous.last_lsn + 1
            {
                return Err(WalError::Corrupt {
                    file: previous.name.clone(),
                    offset: previous.end,
                    detail: format!(
                        "the log stops at lsn {} but the next segment {name} starts at lsn {}: \
                         frames are missing or damaged",
                        previous.last_lsn, header.first_lsn
                    ),
                });
            }
            let last = index + 1 == count;
            let scan = scan_segment(&mut file, &name, header, checkpoint_lsn, last)?;
            recovered.frames.extend(scan.frames);
            if scan.torn_tail.is_some() {
                recovered.torn_tail = scan.torn_tail;
            }
            segments.push(Segment {
                name,
                file,
                header,
                end: scan.end,
                last_lsn: scan.last_lsn,
            });
        }

        let log_end = segments.last().map_or(0, |s| s.last_lsn);
        check_log_covers(&segments, log_end, checkpoint_lsn)?;
        let next_segment_no = segments.last().map_or(1, |s| s.header.segment_no + 1);
        let current = segments.pop();
        let mut wal = Wal {
            fs,
            options,
            current,
            sealed: segments,
            spare,
            next_lsn: log_end.max(checkpoint_lsn) + 1,
            next_segment_no,
            buf: Vec::new(),
        };
        wal.retire_through(checkpoint_lsn)?;
        Ok((wal, recovered))
    }

    /// The sizes it was opened with.
    pub fn options(&self) -> WalOptions {
        self.options
    }

    /// The lsn the next frame gets.
    pub fn next_lsn(&self) -> u64 {
        self.next_lsn
    }

    /// Appends one frame and makes it durable: one positioned write, one `fdatasync`
    /// (plus, when the segment is full, the next segment's header and its sync). Returns
    /// the frame's lsn. After an error the log must not be used again: what reached the
    /// disk is unknown until the next recovery.
    pub fn append(&mut self, payload: &[u8]) -> Result<u64, WalError> {
        let lsn = self.next_lsn;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        frame::encode_frame(lsn, payload, &mut buf);
        // An end marker (a zero frame header) in the same write: whatever a reused segment
        // held after this frame can never be read as part of the log, and recovery can
        // tell a clean end from a write that did not finish.
        buf.extend_from_slice(&[0u8; FRAME_HEADER_BYTES]);
        let result = self.write_frame(lsn, &buf);
        self.buf = buf;
        result?;
        self.next_lsn += 1;
        Ok(lsn)
    }

    fn write_frame(&mut self, lsn: u64, bytes: &[u8]) -> Result<(), WalError> {
        let fits = self.current.as_ref().is_some_and(|segment| {
            let len = segment.file.len_bytes().unwrap_or(0);
            segment.end + bytes.len() as u64 <= len
                // An empty segment takes any frame, growing past its size if it must.
                || segment.last_lsn < segment.header.first_lsn
        });
        if !fits {
            self.start_segment(lsn)?;
        }
        let segment = self.current.as_mut().expect("a current segment");
        segment
            .file
            .write_at(segment.end, bytes)
            .map_err(io_err(&segment.name))?;
        segment.file.sync_data().map_err(io_err(&segment.name))?;
        segment.end += (bytes.len() - FRAME_HEADER_BYTES) as u64;
        segment.last_lsn = lsn;
        Ok(())
    }

    /// Starts the next segment at `first_lsn`, reusing a spare slot when there is one.
    fn start_segment(&mut self, first_lsn: u64) -> Result<(), WalError> {
        let header = SegmentHeader {
            segment_no: self.next_segment_no,
            first_lsn,
        };
        let (name, mut file) = match self.spare.pop() {
            Some(slot) => slot,
            None => {
                let name = self.free_name()?;
                let file = self
                    .fs
                    .create_zeroed(&name, self.options.segment_bytes)
                    .map_err(io_err(&name))?;
                (name, file)
            }
        };
        let mut first = header.encode().to_vec();
        first.extend_from_slice(&[0u8; FRAME_HEADER_BYTES]);
        file.write_at(0, &first).map_err(io_err(&name))?;
        // The header is durable before any frame goes in: a frame in a segment whose
        // header was lost could not be found again.
        file.sync_data().map_err(io_err(&name))?;
        self.next_segment_no += 1;
        if let Some(old) = self.current.take() {
            self.sealed.push(old);
        }
        self.current = Some(Segment {
            name,
            file,
            header,
            end: HEADER_BYTES,
            last_lsn: first_lsn - 1,
        });
        Ok(())
    }

    fn free_name(&self) -> Result<String, WalError> {
        let taken = self.fs.list().map_err(io_err("(directory)"))?;
        Ok((1u64..)
            .map(|i| format!("{SEGMENT_PREFIX}{i:06}{SEGMENT_SUFFIX}"))
            .find(|name| !taken.contains(name))
            .expect("finitely many files leave a free name"))
    }

    /// Sealed segments whose every frame sled holds durably (`lsn` is a checkpoint) become
    /// spares. Their bytes stay until reused: recovery skips them by their lsns.
    pub fn retire_through(&mut self, lsn: u64) -> Result<(), WalError> {
        let (retired, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.sealed)
            .into_iter()
            .partition(|segment| segment.last_lsn <= lsn);
        self.sealed = kept;
        // Oldest last, so `pop` reuses the oldest first and the valid segments on disk
        // stay one contiguous run.
        for segment in retired.into_iter().rev() {
            self.spare.insert(0, (segment.name, segment.file));
        }
        while self.spare.len() > self.options.max_spare_segments {
            let (name, _) = self.spare.remove(0);
            self.fs.remove(&name).map_err(io_err(&name))?;
        }
        Ok(())
    }

    /// Segment files in use (current and sealed), for tests and diagnostics.
    pub fn segments_in_use(&self) -> usize {
        self.sealed.len() + usize::from(self.current.is_some())
    }
}

struct Scan {
    frames: Vec<(u64, Vec<u8>)>,
    end: u64,
    last_lsn: u64,
    torn_tail: Option<TornTail>,
}

/// Reads one segment's frames. In the last segment an incomplete frame at the end is cut
/// off (zeroed, synced) and reported; anywhere else, or with a good frame after it, it is
/// damage.
fn scan_segment<W: WalFile>(
    file: &mut W,
    name: &str,
    header: SegmentHeader,
    checkpoint_lsn: u64,
    last: bool,
) -> Result<Scan, WalError> {
    let len = file.len_bytes().map_err(io_err(name))?;
    let mut bytes = vec![0u8; len as usize];
    let n = file.read_at(0, &mut bytes).map_err(io_err(name))?;
    bytes.truncate(n);
    let mut offset = HEADER_BYTES as usize;
    let mut expected = header.first_lsn;
    let mut frames = Vec::new();
    while let Some(frame) = frame_at(&bytes, offset)
        && frame.lsn == expected
    {
        let payload = &bytes[offset + FRAME_HEADER_BYTES..offset + FRAME_HEADER_BYTES + frame.len];
        if frame.lsn > checkpoint_lsn {
            frames.push((frame.lsn, payload.to_vec()));
        }
        offset += FRAME_HEADER_BYTES + frame.len;
        expected += 1;
    }
    let rest = bytes.get(offset..).unwrap_or(&[]);
    let clean_end = rest.len() < FRAME_HEADER_BYTES
        || rest[..FRAME_HEADER_BYTES].iter().all(|&b| b == 0)
        // A frame from the slot's earlier use: a lower lsn, written before the header.
        || frame_at(&bytes, offset).is_some_and(|f| f.lsn < header.first_lsn);
    let mut torn_tail = None;
    if !clean_end && !last {
        // Every sealed segment ends with the end marker its last write carried.
        return Err(WalError::Corrupt {
            file: name.to_owned(),
            offset: offset as u64,
            detail: format!("frame lsn {expected} is damaged and the log goes on after it"),
        });
    }
    if !clean_end {
        // A frame at this offset with a higher lsn, or any later intact frame that
        // continues the log, proves the frames before it were synced: damage.
        if let Some(later) = (offset..bytes.len()).find(|&at| {
            frame_at(&bytes, at).is_some_and(|f| f.lsn >= expected && f.lsn < expected + (1 << 32))
        }) {
            return Err(WalError::Corrupt {
                file: name.to_owned(),
                offset: offset as u64,
                detail: format!(
                    "frame lsn {expected} is damaged but a later frame at byte {later} is \
                     intact: this is damage on the disk, not an interrupted write"
                ),
            });
        }
        torn_tail = Some(TornTail {
            file: name.to_owned(),
            offset: offset as u64,
            lsn: expected,
        });
    }
    if last && !clean_end {
        // Zero what follows the last good frame, so nothing of a cut-off frame or of the
        // slot's earlier use can ever line up with a frame written there later.
        let zeros = vec![0u8; rest.len()];
        file.write_at(offset as u64, &zeros).map_err(io_err(name))?;
        file.sync_data().map_err(io_err(name))?;
    }
    Ok(Scan {
        frames,
        end: offset as u64,
        last_lsn: expected - 1,
        torn_tail,
    })
}

/// The frame starting at `offset` if it is whole and its CRC matches.
fn frame_at(bytes: &[u8], offset: usize) -> Option<FrameHeader> {
    let head: &[u8; FRAME_HEADER_BYTES] = bytes
        .get(offset..offset + FRAME_HEADER_BYTES)?
        .try_into()
        .ok()?;
    let frame = FrameHeader::decode(head)?;
    let payload =
        bytes.get(offset + FRAME_HEADER_BYTES..offset + FRAME_HEADER_BYTES + frame.len)?;
    frame.matches(payload).then_some(frame)
}
/// A segment on disk with its decoded header, and a slot that holds nothing needed.
type Found<File> = (String, File, SegmentHeader);
type Spare<File> = (String, File);
/// The segments in order, and the spare slots.
type Listing<File> = (Vec<Found<File>>, Vec<Spare<File>>);

/// The log's segments in order and the spare slots: temporary files are removed, a torn
/// header makes a spare, and segments wholly before the checkpoint are spares too.
fn segments_on_disk<F: WalFs>(fs: &F, checkpoint_lsn: u64) -> Result<Listing<F::File>, WalError> {
    let mut names = fs.list().map_err(io_err("(directory)"))?;
    names.sort();
    let mut valid = Vec::new();
    let mut spare = Vec::new();
    for name in names {
        if name.ends_with(TEMPORARY_SUFFIX) {
            // A segment being made when the process stopped: it held nothing.
            fs.remove(&name).map_err(io_err(&name))?;
            continue;
        }
        if !(name.starts_with(SEGMENT_PREFIX) && name.ends_with(SEGMENT_SUFFIX)) {
            continue;
        }
        let file = fs.open(&name).map_err(io_err(&name))?;
        let mut bytes = [0u8; HEADER_BYTES as usize];
        let n = file.read_at(0, &mut bytes).map_err(io_err(&name))?;
        match SegmentHeader::decode(&bytes[..n]) {
            Some(header) => valid.push((name, file, header)),
            // A header torn while the slot was being reused: nothing was in it yet.
            None => spare.push((name, file)),
        }
    }
    valid.sort_by_key(|(_, _, header)| header.segment_no);
    // Segments wholly before the checkpoint are not read: the next segment starts at or
    // before the checkpoint's next frame, so sled holds all of theirs. They are spares,
    // whatever a crash while reusing one left in them (an old header over a first frame
    // the new header's write already zeroed, say).
    if let Some(first_needed) = valid
        .iter()
        .rposition(|(_, _, header)| header.first_lsn <= checkpoint_lsn + 1)
    {
        for (name, file, _) in valid.drain(..first_needed) {
            spare.push((name, file));
        }
    }
    Ok((valid, spare))
}

/// The log must reach the checkpoint and start no later than the frame after it.
fn check_log_covers<File>(
    segments: &[Segment<File>],
    log_end: u64,
    checkpoint_lsn: u64,
) -> Result<(), WalError> {
    if let Some(first) = segments.first()
        && log_end > checkpoint_lsn
        && first.header.first_lsn > checkpoint_lsn + 1
    {
        return Err(WalError::Corrupt {
            file: first.name.clone(),
            offset: 0,
            detail: format!(
                "the database holds frames up to lsn {checkpoint_lsn} but the log starts at lsn {}",
                first.header.first_lsn
            ),
        });
    }
    if !segments.is_empty() && log_end < checkpoint_lsn {
        let last = segments.last().expect("not empty");
        return Err(WalError::Corrupt {
            file: last.name.clone(),
            offset: last.end,
            detail: format!(
                "the log ends at lsn {log_end} but the database already holds lsn \
                 {checkpoint_lsn}: synced frames are missing"
            ),
        });
    }
    Ok(())
}
