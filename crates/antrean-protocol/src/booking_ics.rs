//! The booking as an iCalendar event (RFC 5545), for the visitor's phone calendar.

use crate::BookingDto;
use antrean_core::{LocalDate, LocalTime, TimeZone, Timestamp};

/// The event of a booking as its visitor sees it: from the slot's start to its end, on its
/// date in the site's time zone. None when the view's date or slot does not parse.
pub fn booking_event(view: &BookingDto, tz: TimeZone, now: Timestamp) -> Option<String> {
    let date = LocalDate::parse(&view.date)?;
    let start = tz.at(date, LocalTime::parse(&view.slot)?);
    let end = LocalTime::parse(&view.slot_end).map_or(start, |end| tz.at(date, end));
    Some(event(view, start, end, now))
}

/// One VEVENT in a VCALENDAR, CRLF line ends, long lines folded.
pub fn event(view: &BookingDto, start: Timestamp, end: Timestamp, now: Timestamp) -> String {
    let mut description = format!(
        "Kode booking: {}\nDatang pukul {}–{} {} (paling lambat {}); tunjukkan kode atau QR di kios antrean.\nPersyaratan:",
        view.code, view.arrive_from, view.slot, view.time_zone, view.arrive_until
    );
    for r in &view.requirements {
        description.push_str("\n- ");
        description.push_str(r);
    }
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Antrean//Booking//ID".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@antrean", view.code),
        format!("DTSTAMP:{}", utc(now)),
        format!("DTSTART:{}", utc(start)),
        format!("DTEND:{}", utc(end)),
        format!(
            "SUMMARY:{}",
            escape(&format!("{} — {}", view.service_name_id, view.site_name))
        ),
        format!("LOCATION:{}", escape(&view.site_address)),
        format!("DESCRIPTION:{}", escape(&description)),
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        format!("DESCRIPTION:{}", escape(&format!("Booking {}", view.code))),
        "TRIGGER:-PT60M".to_owned(),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

/// "20261201T023000Z".
fn utc(at: Timestamp) -> String {
    let secs = at.0.div_euclid(1000);
    let date = LocalDate::from_days_since_epoch(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        date.year,
        date.month,
        date.day,
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// TEXT escaping (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Lines of at most 75 octets, continued with CRLF + space, never splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_escapes_and_folding() {
        // 2026-12-01 09:30 WIB = 02:30 UTC.
        let at = antrean_core::TimeZone::Wib.at(
            LocalDate::parse("2026-12-01").unwrap(),
            antrean_core::LocalTime::parse("09:30").unwrap(),
        );
        assert_eq!(utc(at), "20261201T023000Z");
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("DESCRIPTION:{}", "é".repeat(60));
        let folded = fold(&long);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), long);
    }
}
