//! Civil time without a clock: timestamps are passed in by the shells.
//!
//! Indonesian sites use fixed offsets (WIB UTC+7, WITA UTC+8, WIT UTC+9) with no daylight
//! saving, so local time is `utc + offset` and no tz database is needed.

use std::fmt;

/// Milliseconds since the Unix epoch (UTC). The only notion of "now" the core knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn as_ms(self) -> i64 {
        self.0
    }

    /// Whole seconds elapsed from `earlier` to `self` (0 when `earlier` is later).
    pub fn secs_since(self, earlier: Timestamp) -> u64 {
        (self.0.saturating_sub(earlier.0)).max(0) as u64 / 1000
    }

    /// This instant moved by `ms` milliseconds.
    pub fn plus_ms(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }
}

/// The three Indonesian time zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeZone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl TimeZone {
    /// Offset from UTC in minutes.
    pub fn offset_min(self) -> i64 {
        match self {
            TimeZone::Wib => 7 * 60,
            TimeZone::Wita => 8 * 60,
            TimeZone::Wit => 9 * 60,
        }
    }

    /// The label printed after times ("08.00 WIB").
    pub fn label(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// Parses "WIB", "WITA" or "WIT" (case-insensitive).
    pub fn parse(text: &str) -> Option<TimeZone> {
        match text.to_ascii_uppercase().as_str() {
            "WIB" => Some(TimeZone::Wib),
            "WITA" => Some(TimeZone::Wita),
            "WIT" => Some(TimeZone::Wit),
            _ => None,
        }
    }

    /// The local date and time of `at` in this zone.
    pub fn local(self, at: Timestamp) -> LocalDateTime {
        let local_ms = at.0 + self.offset_min() * 60_000;
        let days = local_ms.div_euclid(86_400_000);
        let ms_of_day = local_ms.rem_euclid(86_400_000);
        LocalDateTime {
            date: LocalDate::from_days_since_epoch(days),
            time: LocalTime::from_minutes((ms_of_day / 60_000) as u16),
            second: ((ms_of_day / 1000) % 60) as u8,
        }
    }

    /// The UTC instant of local midnight starting `date` in this zone.
    pub fn midnight(self, date: LocalDate) -> Timestamp {
        Timestamp((date.days_since_epoch() * 1440 - self.offset_min()) * 60_000)
    }

    /// The UTC instant of `time` on `date` in this zone.
    pub fn at(self, date: LocalDate, time: LocalTime) -> Timestamp {
        self.midnight(date)
            .plus_ms(i64::from(time.minutes()) * 60_000)
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    /// Year, e.g. 2026.
    pub year: i32,
    /// Month 1..=12.
    pub month: u8,
    /// Day of month 1..=31.
    pub day: u8,
}

/// Day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// Senin.
    Monday,
    /// Selasa.
    Tuesday,
    /// Rabu.
    Wednesday,
    /// Kamis.
    Thursday,
    /// Jumat.
    Friday,
    /// Sabtu.
    Saturday,
    /// Minggu.
    Sunday,
}

impl Weekday {
    /// All days, Monday first (the order used in catalogs).
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 for Monday .. 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Indonesian name ("Senin").
    pub fn name_id(self) -> &'static str {
        [
            "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
        ][self.index()]
    }

    /// Parses English or Indonesian day names, case-insensitive ("monday", "senin", "jumat").
    pub fn parse(text: &str) -> Option<Weekday> {
        let lower = text.to_ascii_lowercase();
        let idx = match lower.as_str() {
            "monday" | "mon" | "senin" => 0,
            "tuesday" | "tue" | "selasa" => 1,
            "wednesday" | "wed" | "rabu" => 2,
            "thursday" | "thu" | "kamis" => 3,
            "friday" | "fri" | "jumat" | "jum'at" => 4,
            "saturday" | "sat" | "sabtu" => 5,
            "sunday" | "sun" | "minggu" => 6,
            _ => return None,
        };
        Some(Weekday::ALL[idx])
    }
}

/// Month names in Indonesian, January first.
pub const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

impl LocalDate {
    /// A date, if it exists in the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<LocalDate> {
        let date = LocalDate { year, month, day };
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(date)
    }

    /// Parses "YYYY-MM-DD".
    pub fn parse(text: &str) -> Option<LocalDate> {
        let mut parts = text.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        LocalDate::new(year, month, day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (`civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> LocalDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        LocalDate { year, month, day }
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday (index 3).
        Weekday::ALL[(self.days_since_epoch() + 3).rem_euclid(7) as usize]
    }

    /// The next calendar day.
    pub fn succ(self) -> LocalDate {
        LocalDate::from_days_since_epoch(self.days_since_epoch() + 1)
    }

    /// Formal Indonesian form: "29 November 2026".
    pub fn format_id(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS_ID[usize::from(self.month) - 1],
            self.year
        )
    }

    /// With the day of the week: "Jumat, 4 Desember 2026".
    pub fn format_id_with_weekday(self) -> String {
        format!("{}, {}", self.weekday().name_id(), self.format_id())
    }
}

impl fmt::Display for LocalDate {
    /// ISO 8601: "2026-11-29".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A wall-clock time of day with minute resolution (schedules never need seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    /// Minutes after midnight, clamped to 24:00 (used as "end of day").
    pub fn from_minutes(minutes: u16) -> LocalTime {
        LocalTime(minutes.min(24 * 60))
    }

    /// "HH:MM" or "HH.MM" (the formal Indonesian separator); "24:00" is allowed as end of day.
    pub fn parse(text: &str) -> Option<LocalTime> {
        let (h, m) = text.split_once([':', '.'])?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        let hours: u16 = h.parse().ok()?;
        let minutes: u16 = m.parse().ok()?;
        let valid = (hours < 24 && minutes < 60) || (hours == 24 && minutes == 0);
        valid.then_some(LocalTime(hours * 60 + minutes))
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Formal Indonesian form: "08.00".
    pub fn format_id(self) -> String {
        format!("{:02}.{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A local date and wall-clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    /// The date.
    pub date: LocalDate,
    /// Hours and minutes.
    pub time: LocalTime,
    /// Seconds within the minute.
    pub second: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_many_years() {
        for days in -800_000..800_000 {
            if days % 97 != 0 {
                continue;
            }
            let date = LocalDate::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
            assert!(LocalDate::new(date.year, date.month, date.day).is_some());
        }
    }

    #[test]
    fn local_midnight_in_each_zone() {
        // 2026-11-28T17:00:00Z is exactly midnight of 29 November in WIB.
        let at = Timestamp(1_795_885_200_000);
        let wib = TimeZone::Wib.local(at);
        assert_eq!(wib.date, LocalDate::new(2026, 11, 29).unwrap());
        assert_eq!(wib.time.minutes(), 0);
        assert_eq!(TimeZone::Wita.local(at).time.format_id(), "01.00");
        assert_eq!(TimeZone::Wit.local(at).time.format_id(), "02.00");
        assert_eq!(TimeZone::Wib.midnight(wib.date), at);
        assert_eq!(TimeZone::Wib.local(at.plus_ms(-1)).date.day, 28);
    }

    #[test]
    fn weekday_and_formatting() {
        let date = LocalDate::parse("2026-11-29").unwrap();
        assert_eq!(date.weekday(), Weekday::Sunday);
        assert_eq!(date.format_id(), "29 November 2026");
        assert_eq!(date.format_id_with_weekday(), "Minggu, 29 November 2026");
        assert_eq!(
            LocalDate::parse("2026-11-27").unwrap().weekday(),
            Weekday::Friday
        );
        assert_eq!(
            LocalDate::parse("2024-02-29").unwrap().succ().to_string(),
            "2024-03-01"
        );
        assert!(LocalDate::parse("2026-02-29").is_none());
        assert!(LocalDate::parse("2026-13-01").is_none());
    }

    #[test]
    fn time_parsing_accepts_both_separators_and_rejects_garbage() {
        assert_eq!(LocalTime::parse("08:00").unwrap().minutes(), 480);
        assert_eq!(LocalTime::parse("11.30").unwrap().format_id(), "11.30");
        assert_eq!(LocalTime::parse("24:00").unwrap().minutes(), 1440);
        for bad in ["8:00", "24:01", "12:60", "ab:cd", "1200", ""] {
            assert!(LocalTime::parse(bad).is_none(), "{bad}");
        }
    }
}
