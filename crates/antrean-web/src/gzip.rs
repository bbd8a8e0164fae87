//! Gzip-compressed copies of the embedded text assets, made once on first request and kept
//! for the life of the process. Bounded: one copy per embedded file (a few dozen, some
//! hundred kilobytes in all); audio and images are already compressed and are sent as they
//! are.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use crate::embedded::Asset;

/// The compressed copy of `asset`, or None for a type not worth compressing.
pub fn compressed(asset: Asset) -> Option<&'static [u8]> {
    let text = asset.content_type.starts_with("text/") || asset.content_type == "image/svg+xml";
    if !text {
        return None;
    }
    static COPIES: OnceLock<Mutex<HashMap<usize, &'static [u8]>>> = OnceLock::new();
    let copies = COPIES.get_or_init(Mutex::default);
    // The embedded bytes are 'static: their address names the file.
    let key = asset.bytes.as_ptr() as usize;
    let mut copies = copies.lock().expect("gzip copies lock");
    Some(
        *copies
            .entry(key)
            .or_insert_with(|| Box::leak(gzip(asset.bytes).into_boxed_slice())),
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::embedded::asset;

    #[test]
    fn text_assets_round_trip_and_audio_is_left_alone() {
        let script = asset("ticket.js").unwrap();
        let packed = compressed(script).expect("text is compressed");
        assert!(packed.len() < script.bytes.len() / 2);
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(packed)
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, script.bytes);
        // The same copy every time (made once).
        assert_eq!(compressed(script).unwrap().as_ptr(), packed.as_ptr());
        let wav = Asset {
            bytes: b"RIFF....WAVE",
            content_type: "audio/wav",
        };
        assert!(compressed(wav).is_none());
    }
}
