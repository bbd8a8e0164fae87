//! The bytes of the log: a segment header, then frames. docs/storage.md draws them.
//!
//! ```text
//! segment header (32 B): "ANTRWAL1" | segment_no u64 | first_lsn u64 | crc32c u32 | 0u32
//! frame:                 len u32 | crc32c u32 | lsn u64 | payload (len bytes)
//! payload:               entries, each kind u8 | len u32 | bytes
//! ```
//!
//! All integers little-endian. A frame's CRC covers its length, its lsn and its payload,
//! so a torn frame, a frame from an earlier use of a recycled segment (its lsn is lower
//! than expected) and the zeros after the last frame all stop a scan in the same way.

/// Bytes of a segment header.
pub const HEADER_BYTES: u64 = 32;
/// Bytes of a frame header.
pub const FRAME_HEADER_BYTES: usize = 16;
/// A frame longer than this is not a frame (a scan stops there). A group commit holds at
/// most a few thousand events of under 2 KiB each; 64 MiB is far above any real one and
/// keeps a damaged length from asking for gigabytes.
pub const MAX_PAYLOAD_BYTES: usize = 64 << 20;

const MAGIC: &[u8; 8] = b"ANTRWAL1";

/// What a segment header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentHeader {
    /// Segments are numbered in the order they were started.
    pub segment_no: u64,
    /// The lsn of the segment's first frame.
    pub first_lsn: u64,
}

impl SegmentHeader {
    /// The header's bytes.
    pub fn encode(&self) -> [u8; HEADER_BYTES as usize] {
        let mut out = [0u8; HEADER_BYTES as usize];
        out[..8].copy_from_slice(MAGIC);
        out[8..16].copy_from_slice(&self.segment_no.to_le_bytes());
        out[16..24].copy_from_slice(&self.first_lsn.to_le_bytes());
        let crc = crc32c::crc32c(&out[..24]);
        out[24..28].copy_from_slice(&crc.to_le_bytes());
        out
    }

    /// A header, or None when the bytes are not a whole valid one (a spare segment).
    pub fn decode(bytes: &[u8]) -> Option<SegmentHeader> {
        if bytes.len() < HEADER_BYTES as usize || &bytes[..8] != MAGIC {
            return None;
        }
        let crc = u32::from_le_bytes(bytes[24..28].try_into().ok()?);
        if crc32c::crc32c(&bytes[..24]) != crc {
            return None;
        }
        Some(SegmentHeader {
            segment_no: u64::from_le_bytes(bytes[8..16].try_into().ok()?),
            first_lsn: u64::from_le_bytes(bytes[16..24].try_into().ok()?),
        })
    }
}

/// Appends one frame holding `payload` to `out`.
pub fn encode_frame(lsn: u64, payload: &[u8], out: &mut Vec<u8>) {
    let len = u32::try_from(payload.len()).expect("a frame payload fits in u32");
    let crc = frame_crc(len, lsn, payload);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&lsn.to_le_bytes());
    out.extend_from_slice(payload);
}

fn frame_crc(len: u32, lsn: u64, payload: &[u8]) -> u32 {
    let crc = crc32c::crc32c(&len.to_le_bytes());
    let crc = crc32c::crc32c_append(crc, &lsn.to_le_bytes());
    crc32c::crc32c_append(crc, payload)
}

/// A frame header read from disk, not yet checked against its payload.
#[derive(Clone, Copy, Debug)]
pub struct FrameHeader {
    /// Payload bytes.
    pub len: usize,
    crc: u32,
    /// The frame's lsn.
    pub lsn: u64,
}

impl FrameHeader {
    /// Parses a frame header; None for a length of 0 or above the limit.
    pub fn decode(bytes: &[u8; FRAME_HEADER_BYTES]) -> Option<FrameHeader> {
        let len = u32::from_le_bytes(bytes[0..4].try_into().ok()?) as usize;
        if len == 0 || len > MAX_PAYLOAD_BYTES {
            return None;
        }
        Some(FrameHeader {
            len,
            crc: u32::from_le_bytes(bytes[4..8].try_into().ok()?),
            lsn: u64::from_le_bytes(bytes[8..16].try_into().ok()?),
        })
    }

    /// Whether `payload` is this frame's payload.
    pub fn matches(&self, payload: &[u8]) -> bool {
        payload.len() == self.len && frame_crc(self.len as u32, self.lsn, payload) == self.crc
    }
}

/// What one payload entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// One event record (`LogRecord` JSON, the same bytes sled and the mirror keep).
    Event = 1,
    /// A principal created or replaced (`PrincipalRecord` JSON).
    PutPrincipal = 2,
    /// A principal removed (its sled key).
    RemovePrincipal = 3,
}

/// Appends one entry to a payload.
pub fn encode_entry(kind: EntryKind, bytes: &[u8], out: &mut Vec<u8>) {
    out.push(kind as u8);
    out.extend_from_slice(
        &u32::try_from(bytes.len())
            .expect("an entry fits in u32")
            .to_le_bytes(),
    );
    out.extend_from_slice(bytes);
}

/// The entries of a payload whose CRC matched; an undecodable one is an error (a bug or
/// a frame written by a newer version), never skipped.
pub fn decode_entries(payload: &[u8]) -> Result<Vec<(EntryKind, &[u8])>, String> {
    let mut entries = Vec::new();
    let mut rest = payload;
    while !rest.is_empty() {
        if rest.len() < 5 {
            return Err("an entry header is cut short".into());
        }
        let kind = match rest[0] {
            1 => EntryKind::Event,
            2 => EntryKind::PutPrincipal,
            3 => EntryKind::RemovePrincipal,
            other => return Err(format!("unknown entry kind {other}")),
        };
        let len = u32::from_le_bytes(rest[1..5].try_into().expect("4 bytes")) as usize;
        if rest.len() - 5 < len {
            return Err("an entry is longer than its frame".into());
        }
        entries.push((kind, &rest[5..5 + len]));
        rest = &rest[5 + len..];
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_round_trips_and_any_changed_byte_is_caught() {
        let mut payload = Vec::new();
        encode_entry(EntryKind::Event, b"{\"seq\":1}", &mut payload);
        encode_entry(EntryKind::RemovePrincipal, b"officer:siti", &mut payload);
        let mut bytes = Vec::new();
        encode_frame(42, &payload, &mut bytes);
        let header = FrameHeader::decode(bytes[..16].try_into().unwrap()).unwrap();
        assert_eq!((header.len, header.lsn), (payload.len(), 42));
        assert!(header.matches(&bytes[16..]));
        let entries = decode_entries(&bytes[16..]).unwrap();
        assert_eq!(
            entries[1],
            (EntryKind::RemovePrincipal, &b"officer:siti"[..])
        );
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x01;
            let ok = FrameHeader::decode(damaged[..16].try_into().unwrap())
                .is_some_and(|h| h.lsn == 42 && h.matches(&damaged[16..]));
            assert!(!ok, "a flipped bit at byte {i} went unnoticed");
        }
    }

    #[test]
    fn zeros_and_a_damaged_header_are_not_a_frame_or_a_segment() {
        assert!(FrameHeader::decode(&[0; 16]).is_none());
        let header = SegmentHeader {
            segment_no: 3,
            first_lsn: 900,
        };
        let mut bytes = header.encode();
        assert_eq!(SegmentHeader::decode(&bytes), Some(header));
        bytes[17] ^= 0x80;
        assert_eq!(SegmentHeader::decode(&bytes), None);
        assert_eq!(SegmentHeader::decode(&[0; 32]), None);
    }
}
