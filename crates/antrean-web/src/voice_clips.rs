//! The Indonesian voice clips (`kiosk-assets/voice/id/`, made by `generate.sh` there).
//! A site may replace any file with a recorded human voice under the same name.

macro_rules! clips {
    ($($name:literal),* $(,)?) => {
        /// Every clip by name, in the order of `antrean_core::voice::ALL_CLIPS`.
        pub const VOICE_CLIPS: &[(&str, &[u8])] = &[$(
            ($name, include_bytes!(concat!("../../../kiosk-assets/voice/id/", $name, ".wav"))),
        )*];
    };
}

clips! {
    "chime", "nomor-antrean", "silakan-menuju-loket",
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
    "s", "t", "u", "v", "w", "x", "y", "z",
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas", "belas", "puluh", "ratus", "seratus",
}

/// The WAV bytes of the clip called `name` (without `.wav`).
pub fn voice_clip(name: &str) -> Option<&'static [u8]> {
    VOICE_CLIPS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, bytes)| *bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clip_the_core_can_ask_for_is_embedded() {
        let names: Vec<&str> = VOICE_CLIPS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, antrean_core::voice::ALL_CLIPS);
    }

    #[test]
    fn clips_are_16_khz_mono_wav() {
        for (name, bytes) in VOICE_CLIPS {
            assert_eq!(&bytes[0..4], b"RIFF", "{name}");
            assert_eq!(&bytes[8..12], b"WAVE", "{name}");
            let channels = u16::from_le_bytes([bytes[22], bytes[23]]);
            let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
            assert_eq!((channels, rate), (1, 16_000), "{name}");
        }
        let total: usize = VOICE_CLIPS.iter().map(|(_, b)| b.len()).sum();
        // Embedded in the binary: keep the voice a small part of it.
        assert!(total < 3 * 1024 * 1024, "voice clips take {total} bytes");
    }

    #[test]
    fn unknown_names_are_refused() {
        assert!(voice_clip("chime").is_some());
        for name in ["../chime", "chime.wav", "", "../../Cargo.toml"] {
            assert!(voice_clip(name).is_none(), "{name}");
        }
    }
}
