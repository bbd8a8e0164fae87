//! Opening hours, breaks, holidays and the issuing cut-off: when may a ticket be issued?

use crate::time::{LocalDate, LocalDateTime, LocalTime};

/// A site's weekly schedule and holidays.
#[derive(Clone, Debug, Default)]
pub struct Schedule {
    /// Hours per weekday, Monday first; `None` = closed all day.
    pub weekly: [Option<DayHours>; 7],
    /// Closed dates (national holidays, cuti bersama, local events).
    pub holidays: Vec<Holiday>,
}

/// One day's hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayHours {
    /// Service starts.
    pub open: LocalTime,
    /// Service ends.
    pub close: LocalTime,
    /// No new tickets from this time (lets counters finish the queue before closing).
    pub issue_cutoff: LocalTime,
    /// Site-wide breaks (e.g. Friday prayer 11.30–13.00).
    pub breaks: Vec<Break>,
}

/// A break in service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// Start (inclusive).
    pub start: LocalTime,
    /// End (exclusive).
    pub end: LocalTime,
    /// Shown to visitors, e.g. "Istirahat salat Jumat".
    pub label: String,
}

/// A closed date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holiday {
    /// The date.
    pub date: LocalDate,
    /// Name shown on the kiosk, e.g. "Hari Natal".
    pub name: String,
}

/// Why tickets cannot be issued right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closure {
    /// A holiday.
    Holiday {
        /// Its name.
        name: String,
    },
    /// The site does not open on this weekday.
    ClosedToday,
    /// Before opening time.
    NotYetOpen {
        /// Opening time today.
        opens: LocalTime,
    },
    /// Inside a break.
    OnBreak {
        /// Break label.
        label: String,
        /// When service resumes.
        until: LocalTime,
    },
    /// Past the issuing cut-off (or closing time).
    PastCutoff {
        /// The cut-off time.
        cutoff: LocalTime,
    },
}

impl Schedule {
    /// The hours for `date`, unless it is a holiday or a closed weekday.
    pub fn hours_on(&self, date: LocalDate) -> Result<&DayHours, Closure> {
        if let Some(holiday) = self.holidays.iter().find(|h| h.date == date) {
            return Err(Closure::Holiday {
                name: holiday.name.clone(),
            });
        }
        self.weekly[date.weekday().index()]
            .as_ref()
            .ok_or(Closure::ClosedToday)
    }

    /// Whether `now` is before the day's service: before opening time, or a day the site
    /// does not open (holiday, closed weekday). A new catalog may take effect only then.
    pub fn before_service(&self, now: LocalDateTime) -> bool {
        match self.hours_on(now.date) {
            Ok(hours) => now.time < hours.open,
            Err(_) => true,
        }
    }

    /// Whether a ticket may be issued at `now`, and if not, why.
    pub fn issuing_at(&self, now: LocalDateTime) -> Result<(), Closure> {
        let hours = self.hours_on(now.date)?;
        let t = now.time;
        if t < hours.open {
            return Err(Closure::NotYetOpen { opens: hours.open });
        }
        let cutoff = hours.issue_cutoff.min(hours.close);
        if t >= cutoff {
            return Err(Closure::PastCutoff { cutoff });
        }
        if let Some(b) = hours.breaks.iter().find(|b| b.start <= t && t < b.end) {
            return Err(Closure::OnBreak {
                label: b.label.clone(),
                until: b.end,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TimeZone;

    fn t(text: &str) -> LocalTime {
        LocalTime::parse(text).unwrap()
    }

    fn weekday_schedule() -> Schedule {
        let normal = DayHours {
            open: t("08:00"),
            close: t("16:00"),
            issue_cutoff: t("15:00"),
            breaks: vec![Break {
                start: t("12:00"),
                end: t("13:00"),
                label: "Istirahat".into(),
            }],
        };
        let friday = DayHours {
            breaks: vec![Break {
                start: t("11:30"),
                end: t("13:00"),
                label: "Istirahat salat Jumat".into(),
            }],
            ..normal.clone()
        };
        Schedule {
            weekly: [
                Some(normal.clone()),
                Some(normal.clone()),
                Some(normal.clone()),
                Some(normal),
                Some(friday),
                None,
                None,
            ],
            holidays: vec![Holiday {
                date: LocalDate::parse("2026-12-25").unwrap(),
                name: "Hari Raya Natal".into(),
            }],
        }
    }

    fn at(date: &str, time: &str) -> LocalDateTime {
        let date = LocalDate::parse(date).unwrap();
        TimeZone::Wib.local(TimeZone::Wib.at(date, t(time)))
    }

    /// A new catalog may take effect before opening and on closed days, never once the
    /// day's service began (not even after closing: the next opening is the moment).
    #[test]
    fn before_service_is_before_opening_or_a_closed_day() {
        let s = weekday_schedule();
        assert!(s.before_service(at("2026-11-30", "07:59")));
        assert!(!s.before_service(at("2026-11-30", "08:00")));
        assert!(
            !s.before_service(at("2026-11-30", "12:30")),
            "a break is mid-day"
        );
        assert!(!s.before_service(at("2026-11-30", "17:00")));
        assert!(
            s.before_service(at("2026-11-29", "10:00")),
            "Sunday, closed"
        );
        assert!(s.before_service(at("2026-12-25", "10:00")), "a holiday");
    }

    #[test]
    fn each_closure_reason() {
        let s = weekday_schedule();
        assert_eq!(s.issuing_at(at("2026-11-30", "09:00")), Ok(()));
        assert_eq!(
            s.issuing_at(at("2026-11-30", "07:59")),
            Err(Closure::NotYetOpen { opens: t("08:00") })
        );
        assert!(matches!(
            s.issuing_at(at("2026-11-30", "12:30")),
            Err(Closure::OnBreak { .. })
        ));
        assert_eq!(s.issuing_at(at("2026-11-30", "13:00")), Ok(()));
        assert_eq!(
            s.issuing_at(at("2026-11-30", "15:00")),
            Err(Closure::PastCutoff { cutoff: t("15:00") })
        );
        assert_eq!(
            s.issuing_at(at("2026-11-29", "09:00")),
            Err(Closure::ClosedToday)
        );
        assert_eq!(
            s.issuing_at(at("2026-12-25", "09:00")),
            Err(Closure::Holiday {
                name: "Hari Raya Natal".into()
            })
        );
        // Friday prayer break starts earlier than the weekday lunch break.
        match s.issuing_at(at("2026-12-04", "11:45")) {
            Err(Closure::OnBreak { label, until }) => {
                assert_eq!(label, "Istirahat salat Jumat");
                assert_eq!(until, t("13:00"));
            }
            other => panic!("expected Friday break, got {other:?}"),
        }
        assert_eq!(s.issuing_at(at("2026-11-30", "11:45")), Ok(()));
    }
}
