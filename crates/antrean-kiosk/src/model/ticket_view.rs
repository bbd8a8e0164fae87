//! The result screen and the paper ticket, built from the coordinator's committed answer.
//! Nothing here runs before that answer exists: a number is only ever shown or printed after
//! the coordinator's durable commit (ARCHITECTURE.md invariant).

use antrean_core::time::{TimeZone, Timestamp};
use antrean_printer::{Fee, IssuedAt, TicketPrint, TimeZoneLabel, WaitBand};
use antrean_protocol::{CatalogDto, CounterDto, FeeDto, ResultDto};

use super::{Language, Strings};

/// A committed ticket as the kiosk received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    /// "A-012".
    pub number: String,
    /// Service code.
    pub service: String,
    /// Priority class code, if any.
    pub priority: Option<String>,
    /// People ahead in this service when it was issued.
    pub people_ahead: u32,
    /// Counter ids that serve the service.
    pub counters: Vec<String>,
    /// Token for the digital ticket (`/t/{token}`).
    pub public_token: Option<String>,
    /// Issue time, Unix ms.
    pub issued_at_ms: i64,
    /// The coordinator's wait band, minutes (`antrean_core::eta` through the protocol).
    pub estimate_band_min: Option<(u32, u32)>,
    /// The coordinator expects the ticket not to be called before closing time.
    pub after_closing: bool,
    /// What the coordinator's estimate rests on: calls before this ticket and whether a
    /// counter is free for it now (None without an estimate).
    pub estimate_basis: Option<(u32, bool)>,
    /// For a booked visitor: the slot's start, Unix ms (called before walk-ins from then).
    pub booked_slot_at_ms: Option<i64>,
    /// The ticket answers a booking check-in (set by the kiosk, which sent it). A check-in
    /// answered with an unbooked ticket came too late and was served as a walk-in.
    pub checked_in: bool,
}

impl IssuedTicket {
    /// From the coordinator's answer; `None` for any other kind of answer.
    pub fn from_result(result: &ResultDto) -> Option<IssuedTicket> {
        match result {
            ResultDto::Ticket {
                ticket,
                people_ahead,
                counters,
                public_token,
                estimate,
                ..
            } => Some(IssuedTicket {
                number: ticket.number.clone(),
                service: ticket.service.clone(),
                priority: ticket.priority.clone(),
                people_ahead: *people_ahead,
                counters: counters.clone(),
                public_token: public_token.clone(),
                issued_at_ms: ticket.issued_at_ms,
                estimate_band_min: estimate.as_ref().map(|e| (e.band_min_lo, e.band_min_hi)),
                after_closing: estimate.as_ref().is_some_and(|e| e.after_closing),
                estimate_basis: estimate.as_ref().map(|e| (e.calls_ahead, e.counter_free)),
                booked_slot_at_ms: ticket.booked_slot_at_ms,
                checked_in: false,
            }),
            _ => None,
        }
    }

    /// The band to show: the coordinator's estimate, else the rough fallback from the
    /// published processing time.
    pub fn wait_band(&self, service_min: Option<u32>) -> Option<WaitBand> {
        match self.estimate_band_min {
            Some((lo_min, hi_min)) => Some(WaitBand { lo_min, hi_min }),
            None => estimate_wait_band(self.people_ahead, service_min, self.counters.len()),
        }
    }

    /// The digital-ticket URL for the QR: `{base}/t/{token}`.
    pub fn qr_url(&self, public_base_url: &str) -> Option<String> {
        let token = self.public_token.as_ref()?;
        Some(format!(
            "{}/t/{token}",
            public_base_url.trim_end_matches('/')
        ))
    }
}

/// What the result screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultView {
    /// Big number.
    pub number: String,
    /// Service name.
    pub service_name: String,
    /// "PRIORITAS – Lanjut usia", if any.
    pub priority_label: Option<String>,
    /// "4 orang di depan Anda".
    pub people_ahead: String,
    /// "Perkiraan waktu tunggu 10–20 menit", when it can be estimated.
    pub wait_band: Option<String>,
    /// A warning that the ticket may not be called before closing time.
    pub closing_warning: Option<String>,
    /// Counters with their locations: "Loket 2 — Lantai 1, Zona A".
    pub counters: Vec<String>,
    /// Digital-ticket URL, if the coordinator gave a token.
    pub qr_url: Option<String>,
    /// A booked visitor's slot ("Booking pukul 09.00", "Anda dipanggil mulai pukul 09.00."),
    /// or why a check-in became a walk-in ticket.
    pub booking_lines: Vec<String>,
}

/// A rough wait band from the people ahead, the service's published processing time and the
/// number of counters serving it: ±50 % around the mean. `None` when the standard has no
/// minutes or the estimate would exceed a working day (a published time of "3 hari kerja" is
/// the time to the product, not at the counter).
pub fn estimate_wait_band(
    people_ahead: u32,
    service_min: Option<u32>,
    counters: usize,
) -> Option<WaitBand> {
    let service_min = service_min.filter(|m| *m > 0 && *m <= 120)?;
    let mean_min = people_ahead * service_min / counters.max(1) as u32;
    if mean_min > 8 * 60 {
        return None;
    }
    Some(WaitBand {
        lo_min: mean_min / 2,
        hi_min: mean_min + mean_min / 2 + service_min / 2,
    })
}

/// Builds the result screen.
pub fn result_view(
    ticket: &IssuedTicket,
    catalog: &CatalogDto,
    strings: &Strings,
    public_base_url: &str,
) -> ResultView {
    let language = strings.language();
    let service = catalog.services.iter().find(|s| s.code == ticket.service);
    let service_name = service
        .map(|s| language.pick(&s.name_id, &s.name_en).to_owned())
        .unwrap_or_default();
    let priority_label = ticket.priority.as_ref().map(|code| {
        let name = catalog
            .priority_classes
            .iter()
            .find(|p| &p.code == code)
            .map(|p| language.pick(&p.name_id, &p.name_en).to_owned())
            .unwrap_or_else(|| code.clone());
        strings.fill("priority_label", &[("class", &name)])
    });
    // Nobody ahead but a wait: say why (every counter is busy), and what the wait is.
    let next_in_line =
        ticket.people_ahead == 0 && ticket.estimate_basis.is_some_and(|(calls, _)| calls == 0);
    let counter_free = ticket.estimate_basis.is_some_and(|(_, free)| free);
    let people_ahead = match ticket.people_ahead {
        0 if next_in_line && !counter_free => strings.get("people_ahead_none_busy"),
        0 => strings.get("people_ahead_none"),
        n => strings.count("people_ahead", n.into()),
    };
    let service_min = service
        .and_then(|s| s.standard.as_ref())
        .and_then(|s| s.processing_time_min);
    let wait_band = ticket
        .wait_band(service_min)
        .filter(|band| band.hi_min > 0)
        .map(|band| {
            if next_in_line && counter_free {
                strings.get("wait_now")
            } else if next_in_line {
                strings.fill("wait_next", &[("hi", &band.hi_min.to_string())])
            } else {
                strings.fill(
                    "wait_band",
                    &[
                        ("lo", &band.lo_min.to_string()),
                        ("hi", &band.hi_min.to_string()),
                    ],
                )
            }
        });
    ResultView {
        number: ticket.number.clone(),
        service_name,
        priority_label,
        people_ahead,
        wait_band,
        closing_warning: ticket.after_closing.then(|| strings.get("after_closing")),
        counters: counter_lines(ticket, catalog, strings.language()),
        qr_url: ticket.qr_url(public_base_url),
        booking_lines: booking_lines(ticket, catalog, strings),
    }
}

/// The booking lines of the result screen.
fn booking_lines(ticket: &IssuedTicket, catalog: &CatalogDto, strings: &Strings) -> Vec<String> {
    let zone = TimeZone::parse(&catalog.site.time_zone).unwrap_or(TimeZone::Wib);
    match ticket.booked_slot_at_ms {
        Some(slot_ms) => {
            let time = zone.local(Timestamp(slot_ms)).time.format_id();
            let mut lines = vec![strings.fill("booking_slot", &[("time", &time)])];
            if ticket.issued_at_ms < slot_ms {
                lines.push(strings.fill("booking_wait_slot", &[("time", &time)]));
            }
            lines
        }
        None if ticket.checked_in => vec![strings.get("booking_late")],
        None => Vec::new(),
    }
}

/// A counter's location in the visitor's language (the Indonesian one where the catalog
/// gives no English).
fn location_in(counter: &CounterDto, language: Language) -> &str {
    language.pick(&counter.location, &counter.location_en)
}

fn counter_lines(ticket: &IssuedTicket, catalog: &CatalogDto, language: Language) -> Vec<String> {
    ticket
        .counters
        .iter()
        .map(|id| match catalog.counters.iter().find(|c| &c.id == id) {
            Some(counter) if counter.location.is_empty() => counter.name.clone(),
            Some(counter) => format!("{} — {}", counter.name, location_in(counter, language)),
            None => id.clone(),
        })
        .collect()
}

/// The paper ticket for the printer crate. `None` when the ticket cannot be printed as such
/// (no QR token, or an issue time outside the printer's calendar) — the screen then shows it.
pub fn ticket_print(
    ticket: &IssuedTicket,
    catalog: &CatalogDto,
    strings: &Strings,
    public_base_url: &str,
) -> Option<TicketPrint> {
    let language = strings.language();
    let view = result_view(ticket, catalog, strings, public_base_url);
    let service = catalog.services.iter().find(|s| s.code == ticket.service)?;
    let agency_name = catalog
        .agencies
        .iter()
        .find(|a| a.code == service.agency)
        .map(|a| language.pick(&a.name_id, &a.name_en).to_owned())
        .unwrap_or_default();
    let zone = TimeZone::parse(&catalog.site.time_zone).unwrap_or(TimeZone::Wib);
    let local = zone.local(Timestamp(ticket.issued_at_ms));
    let label = match zone {
        TimeZone::Wib => TimeZoneLabel::Wib,
        TimeZone::Wita => TimeZoneLabel::Wita,
        TimeZone::Wit => TimeZoneLabel::Wit,
    };
    let minutes = local.time.minutes();
    let issued_at = IssuedAt::new(
        u16::try_from(local.date.year).ok()?,
        local.date.month,
        local.date.day,
        (minutes / 60) as u8,
        (minutes % 60) as u8,
        label,
    )
    .ok()?;
    let standard = service.standard.as_ref();
    let fee = standard.map_or(Fee::SeeDetails, |s| paper_fee(&s.fee));
    let counters = service_location(ticket, catalog, language);
    let print = TicketPrint {
        site_name: catalog.site.name.clone(),
        agency_name,
        service_name: view.service_name,
        ticket_number: ticket.number.clone(),
        priority_label: view.priority_label,
        issued_at,
        people_ahead: ticket.people_ahead,
        wait_band: ticket.wait_band(standard.and_then(|s| s.processing_time_min)),
        counter_location: counters,
        requirements: standard.map(|s| s.requirements.clone()).unwrap_or_default(),
        fee,
        qr_url: view.qr_url?,
        rating_invitation: strings.get("scan_qr"),
        language: language.for_printer(),
    };
    print.validate().ok()?;
    Some(print)
}

/// "Loket 1, 2 (Lantai 1, Zona A); Loket 7 (Lantai 2, Zona C)": the counters grouped by
/// where they are, so no counter is sent to another's location.
fn service_location(ticket: &IssuedTicket, catalog: &CatalogDto, language: Language) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for counter in ticket
        .counters
        .iter()
        .filter_map(|id| catalog.counters.iter().find(|c| &c.id == id))
    {
        let location = location_in(counter, language);
        match groups.iter_mut().find(|(l, _)| *l == location) {
            Some((_, ids)) => ids.push(&counter.id),
            None => groups.push((location, vec![&counter.id])),
        }
    }
    let word = match language {
        Language::Indonesian => "Loket",
        Language::English => "Counter",
    };
    groups
        .iter()
        .map(|(location, ids)| {
            let ids = ids.join(", ");
            if location.is_empty() {
                format!("{word} {ids}")
            } else {
                format!("{word} {ids} ({location})")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The fee line of the paper ticket. One line is its amount; several lines are
/// alternatives (passport kinds), printed as "mulai" and the lowest; a fee set case by
/// case sends the visitor to the QR page, which shows the whole standard. Only a service
/// whose standard says free prints "Gratis".
fn paper_fee(fee: &FeeDto) -> Fee {
    match fee {
        FeeDto::Free { .. } => Fee::Free,
        FeeDto::Tariff { lines, .. } => match lines.iter().map(|l| l.amount_idr).min() {
            Some(lowest) if lines.len() == 1 => Fee::Rupiah(lowest),
            Some(lowest) => Fee::From(lowest),
            None => Fee::SeeDetails,
        },
        FeeDto::Variable { .. } => Fee::SeeDetails,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;
    use crate::model::catalog_view::tests::catalog;

    fn ticket() -> IssuedTicket {
        IssuedTicket {
            number: "A-012".into(),
            service: "ktp-el-baru".into(),
            priority: Some("lansia".into()),
            people_ahead: 4,
            counters: vec!["1".into(), "2".into()],
            public_token: Some("AAAAAAAAAAiQjnBm3iGbEkmxHbqZ3Fpq".into()),
            // 2026-11-29 08:05 WIB = 01:05 UTC.
            issued_at_ms: 1_795_914_300_000,
            estimate_band_min: None,
            after_closing: false,
            estimate_basis: None,
            booked_slot_at_ms: None,
            checked_in: false,
        }
    }

    #[test]
    fn a_booked_ticket_says_its_slot_and_a_late_check_in_says_why_it_is_a_walk_in() {
        let strings = Strings::for_language(Language::Indonesian);
        let mut t = ticket();
        // 08:05 issue, 09:00 WIB slot (02:00 UTC).
        t.booked_slot_at_ms = Some(1_795_917_600_000);
        t.checked_in = true;
        let view = result_view(&t, &catalog(), &strings, "http://x/");
        assert_eq!(
            view.booking_lines,
            vec![
                "Booking pukul 09.00".to_owned(),
                "Anda dipanggil mulai pukul 09.00.".to_owned()
            ]
        );
        t.booked_slot_at_ms = None;
        let view = result_view(&t, &catalog(), &strings, "http://x/");
        assert_eq!(view.booking_lines, vec![strings.get("booking_late")]);
        t.checked_in = false;
        assert!(
            result_view(&t, &catalog(), &strings, "http://x/")
                .booking_lines
                .is_empty()
        );
    }

    #[test]
    fn the_coordinators_estimate_wins_over_the_fallback_and_warns_before_closing() {
        let strings = Strings::for_language(Language::Indonesian);
        let mut t = ticket();
        t.estimate_band_min = Some((15, 25));
        let view = result_view(&t, &catalog(), &strings, "http://x/");
        assert_eq!(
            view.wait_band.as_deref(),
            Some("Perkiraan waktu tunggu 15–25 menit")
        );
        assert_eq!(view.closing_warning, None);
        t.after_closing = true;
        let view = result_view(&t, &catalog(), &strings, "http://x/");
        assert!(view.closing_warning.unwrap().contains("jam tutup"));
        let print = ticket_print(&t, &catalog(), &strings, "http://x/").unwrap();
        assert_eq!(
            print.wait_band,
            Some(WaitBand {
                lo_min: 15,
                hi_min: 25
            })
        );
    }

    #[test]
    fn result_view_in_indonesian() {
        let strings = Strings::for_language(Language::Indonesian);
        let view = result_view(&ticket(), &catalog(), &strings, "http://10.0.0.2:8600/");
        assert_eq!(view.number, "A-012");
        assert_eq!(view.people_ahead, "4 orang di depan Anda");
        assert_eq!(
            view.priority_label.as_deref(),
            Some("PRIORITAS – Lanjut usia")
        );
        assert_eq!(
            view.counters,
            [
                "Loket 1 – Layanan Prioritas — Lantai 1, Zona A",
                "Loket 2 — Lantai 1, Zona A"
            ]
        );
        assert_eq!(
            view.qr_url.as_deref(),
            Some("http://10.0.0.2:8600/t/AAAAAAAAAAiQjnBm3iGbEkmxHbqZ3Fpq")
        );
        // 4 ahead × 20 min / 2 counters = 40 min mean.
        assert_eq!(
            view.wait_band.as_deref(),
            Some("Perkiraan waktu tunggu 20–70 menit")
        );
    }

    #[test]
    fn nobody_ahead_reads_naturally() {
        let strings = Strings::for_language(Language::Indonesian);
        let mut first = ticket();
        first.people_ahead = 0;
        let view = result_view(&first, &catalog(), &strings, "http://x");
        assert_eq!(view.people_ahead, "Tidak ada antrean di depan Anda");
    }

    #[test]
    fn wait_band_needs_minutes_and_a_same_day_estimate() {
        assert_eq!(estimate_wait_band(3, None, 1), None);
        assert_eq!(estimate_wait_band(3, Some(0), 1), None);
        assert_eq!(estimate_wait_band(100, Some(60), 1), None);
        assert_eq!(
            estimate_wait_band(2, Some(10), 1),
            Some(WaitBand {
                lo_min: 10,
                hi_min: 35
            })
        );
    }

    #[test]
    fn the_paper_fee_never_says_gratis_for_a_service_that_may_cost_money() {
        let line = |amount_idr: u64| antrean_protocol::FeeLineDto {
            label: "x".into(),
            amount_idr,
            text: String::new(),
        };
        let basis = String::from("PP");
        let free = FeeDto::Free {
            basis: basis.clone(),
        };
        assert_eq!(paper_fee(&free), Fee::Free);
        let skck = FeeDto::Tariff {
            lines: vec![line(30_000)],
            basis: basis.clone(),
        };
        assert_eq!(paper_fee(&skck), Fee::Rupiah(30_000));
        let passport = FeeDto::Tariff {
            lines: vec![line(650_000), line(350_000), line(1_000_000)],
            basis: basis.clone(),
        };
        assert_eq!(paper_fee(&passport), Fee::From(350_000));
        let vehicle_tax = FeeDto::Variable {
            description: "sesuai SKPD".into(),
            basis,
        };
        assert_eq!(paper_fee(&vehicle_tax), Fee::SeeDetails);
    }

    #[test]
    fn nobody_ahead_with_busy_counters_says_why_and_how_long_at_most() {
        let strings = Strings::for_language(Language::Indonesian);
        let mut t = ticket();
        t.people_ahead = 0;
        t.estimate_band_min = Some((0, 25));
        t.estimate_basis = Some((0, false));
        let view = result_view(&t, &catalog(), &strings, "http://10.0.0.2:8600");
        assert_eq!(
            view.people_ahead,
            "Tidak ada antrean di depan Anda; loket sedang melayani pengunjung lain"
        );
        assert_eq!(
            view.wait_band.as_deref(),
            Some("Anda dipanggil begitu loket selesai melayani (paling lama sekitar 25 menit)")
        );
        // A free counter: called shortly, no band.
        t.estimate_band_min = Some((0, 5));
        t.estimate_basis = Some((0, true));
        let view = result_view(&t, &catalog(), &strings, "http://10.0.0.2:8600");
        assert_eq!(view.people_ahead, "Tidak ada antrean di depan Anda");
        assert_eq!(
            view.wait_band.as_deref(),
            Some("Anda akan segera dipanggil")
        );
        // Someone ahead: the band as it is.
        t.people_ahead = 3;
        t.estimate_band_min = Some((15, 30));
        t.estimate_basis = Some((3, false));
        let view = result_view(&t, &catalog(), &strings, "http://10.0.0.2:8600");
        assert_eq!(
            view.wait_band.as_deref(),
            Some("Perkiraan waktu tunggu 15–30 menit")
        );
    }

    #[test]
    fn counters_in_different_places_keep_their_own_location_in_the_visitors_language() {
        let mut t = ticket();
        t.counters = vec!["1".into(), "2".into(), "7".into()];
        let mut catalog = catalog();
        let indonesian = service_location(&t, &catalog, Language::Indonesian);
        assert_eq!(
            indonesian,
            "Loket 1, 2 (Lantai 1, Zona A); Loket 7 (Lantai 2, Zona C)"
        );
        // English where the catalog gives it, Indonesian where it does not.
        for c in &mut catalog.counters {
            if c.id != "7" {
                c.location_en = "Floor 1, Zone A".into();
            }
        }
        assert_eq!(
            service_location(&t, &catalog, Language::English),
            "Counter 1, 2 (Floor 1, Zone A); Counter 7 (Lantai 2, Zona C)"
        );
        let english = Strings::for_language(Language::English);
        let view = result_view(&t, &catalog, &english, "http://10.0.0.2:8600");
        assert_eq!(
            view.counters[0],
            "Loket 1 – Layanan Prioritas — Floor 1, Zone A"
        );
    }

    #[test]
    fn paper_ticket_matches_the_screen() {
        let strings = Strings::for_language(Language::Indonesian);
        let print = ticket_print(&ticket(), &catalog(), &strings, "http://10.0.0.2:8600")
            .expect("printable");
        assert_eq!(print.ticket_number, "A-012");
        assert_eq!(print.agency_name, "Disdukcapil");
        assert_eq!(print.counter_location, "Loket 1, 2 (Lantai 1, Zona A)");
        assert_eq!(print.fee, Fee::Free);
        assert_eq!(
            print
                .issued_at
                .format(antrean_printer::Language::Indonesian),
            "29 November 2026, 08.05 WIB"
        );
        antrean_printer::encode_ticket(&print, &antrean_printer::Profile::generic_80mm())
            .expect("encodes");
    }

    #[test]
    fn a_ticket_without_token_is_not_printed() {
        let strings = Strings::for_language(Language::Indonesian);
        let mut no_token = ticket();
        no_token.public_token = None;
        assert!(ticket_print(&no_token, &catalog(), &strings, "http://x").is_none());
    }
}
