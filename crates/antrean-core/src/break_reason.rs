//! Why a counter is on a break. Officers leave their counter for a rest, for prayer (sholat
//! times are fixed by the day, and a site plans around them) or for a meeting; the reason is
//! logged with the pause so the report can show where counter time went, and the board can
//! tell waiting visitors the counter is away for a while rather than closed.

/// A break's reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BreakReason {
    /// A rest (istirahat).
    Istirahat,
    /// Prayer (sholat).
    Sholat,
    /// A meeting or briefing (rapat/koordinasi).
    Rapat,
    /// Anything else (lainnya).
    Lainnya,
}

impl BreakReason {
    /// Every reason, in the order officers see them.
    pub const ALL: [BreakReason; 4] = [
        BreakReason::Istirahat,
        BreakReason::Sholat,
        BreakReason::Rapat,
        BreakReason::Lainnya,
    ];

    /// Stable key, as logged and sent ("sholat").
    pub fn key(self) -> &'static str {
        ["istirahat", "sholat", "rapat", "lainnya"][self as usize]
    }

    /// Parses a key.
    pub fn parse(key: &str) -> Option<BreakReason> {
        BreakReason::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Indonesian label ("Sholat").
    pub fn label_id(self) -> &'static str {
        ["Istirahat", "Sholat", "Rapat/koordinasi", "Lainnya"][self as usize]
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        ["Rest", "Prayer", "Meeting", "Other"][self as usize]
    }

    /// The reason a break's label names ("Istirahat salat Jumat" → sholat, "Rapat
    /// koordinasi" → rapat), for schedules that give breaks a label; a rest otherwise.
    pub fn from_label(label: &str) -> BreakReason {
        let label = label.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| label.contains(w));
        if has(&["sholat", "salat", "shalat"]) {
            BreakReason::Sholat
        } else if has(&["rapat", "koordinasi", "apel", "briefing"]) {
            BreakReason::Rapat
        } else {
            BreakReason::Istirahat
        }
    }

    /// Column in per-reason tallies: 0 is "no reason given" (logs from before reasons,
    /// or a client that sent none), then the reasons in [`BreakReason::ALL`] order.
    pub fn column(reason: Option<BreakReason>) -> usize {
        reason.map_or(0, |r| r as usize + 1)
    }

    /// The reason of a tally column (None for column 0).
    pub fn of_column(column: usize) -> Option<BreakReason> {
        column
            .checked_sub(1)
            .and_then(|i| BreakReason::ALL.get(i).copied())
    }
}

/// Columns of a per-reason tally: "no reason" and each reason.
pub const BREAK_COLUMNS: usize = BreakReason::ALL.len() + 1;

/// Breaks counted and timed by reason column ([`BreakReason::column`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BreakTally {
    /// Breaks taken.
    pub count: [u32; BREAK_COLUMNS],
    /// Their time, ms.
    pub ms: [u64; BREAK_COLUMNS],
}

impl BreakTally {
    /// One break of `ms` in `column`.
    pub fn add(&mut self, column: usize, ms: u64) {
        self.count[column] += 1;
        self.ms[column] += ms;
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &BreakTally) {
        for c in 0..BREAK_COLUMNS {
            self.count[c] += other.count[c];
            self.ms[c] += other.ms[c];
        }
    }

    /// All breaks' time, ms.
    pub fn total_ms(&self) -> u64 {
        self.ms.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back_and_columns_round_trip() {
        for r in BreakReason::ALL {
            assert_eq!(BreakReason::parse(r.key()), Some(r));
            assert_eq!(
                BreakReason::of_column(BreakReason::column(Some(r))),
                Some(r)
            );
        }
        assert_eq!(BreakReason::column(None), 0);
        assert_eq!(BreakReason::of_column(0), None);
        assert_eq!(BreakReason::of_column(BREAK_COLUMNS), None);
        assert_eq!(BreakReason::parse("Sholat"), None, "keys are exact");
        assert_eq!(
            BreakReason::from_label("Istirahat salat Jumat"),
            BreakReason::Sholat
        );
        assert_eq!(
            BreakReason::from_label("Rapat koordinasi"),
            BreakReason::Rapat
        );
        assert_eq!(
            BreakReason::from_label("Makan siang"),
            BreakReason::Istirahat
        );
    }
}
