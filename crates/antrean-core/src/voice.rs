//! The spoken call: which audio clips a display board plays, in order, for one call.
//!
//! "Nomor antrean A-012, silakan menuju loket 3" is spoken (docs/domain.md §8) as
//! chime · "nomor antrean" · "a" · "dua" · "belas" · "silakan menuju loket" · "tiga".
//! Boards assemble the sentence from short recorded clips instead of a speech engine, so the
//! call works offline and a site can swap in a human voice by replacing files with the same
//! names (`kiosk-assets/voice/id/{clip}.wav`). Number words are split into their parts
//! ("dua" + "belas", "tiga" + "ratus"), which keeps the set of clips small ([`ALL_CLIPS`]):
//! every number 0..=999 is made of 16 word clips.

use crate::ticket::TicketNumber;

/// The attention chime that opens every call.
pub const CHIME: &str = "chime";
/// "nomor antrean".
pub const NOMOR_ANTREAN: &str = "nomor-antrean";
/// "silakan menuju loket".
pub const SILAKAN_MENUJU_LOKET: &str = "silakan-menuju-loket";

/// Letter names per PUEBI (A "a", B "be", … Z "zet"); the clip is named by the letter.
const LETTERS: [&str; 26] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z",
];

/// Digit words 0..=9.
const DIGITS: [&str; 10] = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];

/// Every clip a call can need: the file set a voice must provide.
pub const ALL_CLIPS: [&str; 45] = [
    CHIME,
    NOMOR_ANTREAN,
    SILAKAN_MENUJU_LOKET,
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "belas",
    "puluh",
    "ratus",
    "seratus",
];

/// Largest number spoken as words; a longer counter number is read digit by digit.
pub const MAX_NUMBER_WORDS: u16 = 999;

/// What display boards say for `event`, decided once when it is logged so every board
/// says the same words: the call clips for a call or a recall, nothing for anything else.
/// `state` is the state the event was applied to (it knows the ticket's number).
pub fn announcement(event: &crate::Event, state: &crate::State) -> Option<Vec<String>> {
    let (ticket, counter) = match event {
        crate::Event::TicketCalled {
            ticket, counter, ..
        }
        | crate::Event::TicketRecalled {
            ticket, counter, ..
        } => (*ticket, counter),
        _ => return None,
    };
    Some(call_clips(&state.ticket(ticket)?.number, counter))
}

/// The clips of one call of `number` to the counter `counter_id`.
///
/// A numeric counter id up to 999 is spoken as a number ("12" → "dua belas"); any other
/// id is spelled character by character (letters by their PUEBI names, digits as digit
/// words), and characters that cannot be spoken (spaces, dashes) are skipped.
pub fn call_clips(number: &TicketNumber, counter_id: &str) -> Vec<String> {
    let mut clips = vec![CHIME, NOMOR_ANTREAN];
    clips.extend(spell(&number.prefix));
    clips.extend(number_words(number.sequence));
    clips.push(SILAKAN_MENUJU_LOKET);
    clips.extend(counter_words(counter_id));
    clips.into_iter().map(str::to_owned).collect()
}

/// Number words of 0..=999 as clips ("dua", "ratus", "lima", "puluh").
///
/// # Panics
/// If `n` is above [`MAX_NUMBER_WORDS`] (callers spell longer numbers digit by digit).
pub fn number_words(n: u16) -> Vec<&'static str> {
    assert!(
        n <= MAX_NUMBER_WORDS,
        "number_words covers 0..=999, got {n}"
    );
    if n == 0 {
        return vec![DIGITS[0]];
    }
    let mut words = Vec::new();
    let hundreds = usize::from(n / 100);
    match hundreds {
        0 => {}
        1 => words.push("seratus"),
        h => words.extend([DIGITS[h], "ratus"]),
    }
    let rest = n % 100;
    let (tens, units) = (usize::from(rest / 10), usize::from(rest % 10));
    match (tens, units) {
        (0, 0) => {}
        (0, u) => words.push(DIGITS[u]),
        (1, 0) => words.push("sepuluh"),
        (1, 1) => words.push("sebelas"),
        (1, u) => words.extend([DIGITS[u], "belas"]),
        (t, 0) => words.extend([DIGITS[t], "puluh"]),
        (t, u) => words.extend([DIGITS[t], "puluh", DIGITS[u]]),
    }
    words
}

/// The clip of a letter's PUEBI name, for A..Z in either case.
pub fn letter_clip(letter: char) -> Option<&'static str> {
    letter
        .is_ascii_alphabetic()
        .then(|| LETTERS[usize::from(letter.to_ascii_lowercase() as u8 - b'a')])
}

fn counter_words(counter_id: &str) -> Vec<&'static str> {
    let numeric = !counter_id.is_empty() && counter_id.bytes().all(|b| b.is_ascii_digit());
    match counter_id.parse::<u16>() {
        Ok(n) if numeric && n <= MAX_NUMBER_WORDS => number_words(n),
        _ => spell(counter_id),
    }
}

/// Spells letters by name and digits as digit words; skips everything else.
fn spell(text: &str) -> Vec<&'static str> {
    text.chars()
        .filter_map(|c| match c.to_digit(10) {
            Some(d) => Some(DIGITS[d as usize]),
            None => letter_clip(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(prefix: &str, sequence: u16) -> TicketNumber {
        TicketNumber {
            prefix: prefix.into(),
            sequence,
        }
    }

    fn words(n: u16) -> String {
        number_words(n).join(" ")
    }

    #[test]
    fn the_call_from_the_issue() {
        assert_eq!(
            call_clips(&number("A", 12), "3"),
            [
                "chime",
                "nomor-antrean",
                "a",
                "dua",
                "belas",
                "silakan-menuju-loket",
                "tiga"
            ]
        );
    }

    #[test]
    fn number_words_follow_domain_examples() {
        // docs/domain.md §8.
        let cases = [
            (0, "nol"),
            (1, "satu"),
            (9, "sembilan"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (115, "seratus lima belas"),
            (200, "dua ratus"),
            (250, "dua ratus lima puluh"),
            (999, "sembilan ratus sembilan puluh sembilan"),
        ];
        for (n, expected) in cases {
            assert_eq!(words(n), expected, "{n}");
        }
    }

    /// Reads the words back into a number with the grammar of §5, independently of the
    /// generator, so every number 0..=999 is checked, not just the examples.
    fn parse_words(words: &[&str]) -> u16 {
        let digit = |w: &str| DIGITS.iter().position(|d| *d == w).map(|d| d as u16);
        let mut total = 0;
        let mut pending: Option<u16> = None;
        for w in words {
            match *w {
                "seratus" => total += 100,
                "sepuluh" => total += 10,
                "sebelas" => total += 11,
                "ratus" => total += 100 * pending.take().expect("digit before ratus"),
                "puluh" => total += 10 * pending.take().expect("digit before puluh"),
                "belas" => total += 10 + pending.take().expect("digit before belas"),
                w => {
                    assert!(pending.is_none(), "two digits in a row: {words:?}");
                    pending = Some(digit(w).unwrap_or_else(|| panic!("unknown word {w}")));
                }
            }
        }
        total + pending.unwrap_or(0)
    }

    #[test]
    fn every_number_up_to_999_reads_back_and_uses_known_clips() {
        for n in 0..=MAX_NUMBER_WORDS {
            let clips = number_words(n);
            assert_eq!(parse_words(&clips), n, "{n}: {clips:?}");
            assert!(clips.len() <= 5, "{n}: {clips:?}");
            for clip in &clips {
                assert!(ALL_CLIPS.contains(clip), "{n}: {clip} is not a clip");
            }
            // "satu" never precedes "ratus", "puluh" or "belas": those are "se-" words.
            for pair in clips.windows(2) {
                assert!(
                    !(pair[0] == "satu" && ["ratus", "puluh", "belas"].contains(&pair[1])),
                    "{n}: {clips:?}"
                );
            }
            assert!(n == 0 || !clips.contains(&"nol"), "{n}: {clips:?}");
        }
    }

    #[test]
    fn every_letter_prefix_is_spoken_by_its_puebi_name() {
        for (i, letter) in ('A'..='Z').enumerate() {
            let clips = call_clips(&number(&letter.to_string(), 7), "1");
            assert_eq!(clips[..2], ["chime", "nomor-antrean"]);
            assert_eq!(clips[2], LETTERS[i]);
            assert_eq!(clips[3..], ["tujuh", "silakan-menuju-loket", "satu"]);
        }
        let two_letters = call_clips(&number("QX", 300), "12");
        assert_eq!(
            two_letters,
            [
                "chime",
                "nomor-antrean",
                "q",
                "x",
                "tiga",
                "ratus",
                "silakan-menuju-loket",
                "dua",
                "belas"
            ]
        );
    }

    #[test]
    fn non_numeric_counters_are_spelled() {
        let tail = |counter: &str| {
            let clips = call_clips(&number("B", 1), counter);
            let at = clips
                .iter()
                .position(|c| c == SILAKAN_MENUJU_LOKET)
                .unwrap();
            clips[at + 1..].join(" ")
        };
        assert_eq!(tail("10"), "sepuluh");
        assert_eq!(tail("A2"), "a dua");
        assert_eq!(tail("vip-1"), "v i p satu");
        assert_eq!(tail("1000"), "satu nol nol nol");
        assert_eq!(tail("007"), "tujuh");
    }

    #[test]
    fn every_clip_is_named_once() {
        let mut names = ALL_CLIPS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL_CLIPS.len());
        for letter in LETTERS.iter().chain(DIGITS.iter()) {
            assert!(ALL_CLIPS.contains(letter), "{letter}");
        }
    }
}
