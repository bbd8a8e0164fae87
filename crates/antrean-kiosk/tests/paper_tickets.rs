//! Every ticket the shipped catalog can produce, on every shipped printer profile, in both
//! languages: at most 1,024 bytes (≤ 1.1 s at 9600 baud, issue "thermal printer"), and a fee
//! line that says "Gratis" only where the service's standard says free.
//!
//! The ticket is the worst case the kiosk can build: priority label, the longest number,
//! people ahead in the hundreds, a wait band, every counter of the service and a digital
//! ticket URL with a LAN address and a full token.

use std::path::Path;

use antrean_kiosk::model::{IssuedTicket, Language, Strings, ticket_print};
use antrean_printer::{Fee, Profile, encode_ticket};
use antrean_protocol::{FeeDto, catalog_view};

/// ≤ 1.1 s on the wire at 9600 baud.
const TICKET_BYTES_MAX: usize = 1024;

fn shipped_profiles() -> Vec<(String, Profile)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../firmware-config/printers");
    let mut profiles: Vec<(String, Profile)> = std::fs::read_dir(&dir)
        .expect("printer profiles")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .map(|path| {
            let profile = Profile::load(&path).expect("shipped profile loads");
            (path.display().to_string(), profile)
        })
        .collect();
    profiles.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(profiles.len() >= 5, "generic 58/80, Epson and Xprinter");
    // 80 mm printers set to "42 column mode" (a 13-dot font; see the profiles' comments).
    let columns_42: Vec<(String, Profile)> = profiles
        .iter()
        .filter(|(_, p)| p.columns == 48)
        .map(|(name, p)| {
            let profile = Profile {
                columns: 42,
                ..p.clone()
            };
            (format!("{name} at 42 columns"), profile)
        })
        .collect();
    profiles.extend(columns_42);
    profiles
}

fn worst_ticket(service: &str, counters: Vec<String>) -> IssuedTicket {
    IssuedTicket {
        number: "A-999".into(),
        service: service.into(),
        priority: Some("disabilitas".into()),
        people_ahead: 998,
        counters,
        public_token: Some("AAAAAAAAAAiQjnBm3iGbEkmxHbqZ3FpqAAAAAAAA".into()),
        // 2026-11-29 15:55 WIB.
        issued_at_ms: 1_795_942_500_000,
        estimate_band_min: Some((175, 240)),
        after_closing: true,
        estimate_basis: Some((997, false)),
        booked_slot_at_ms: None,
        checked_in: false,
    }
}

#[test]
fn every_service_fits_in_a_kilobyte_on_every_profile_and_never_prints_a_false_gratis() {
    let catalog = catalog_view(&antrean_catalog::sample());
    let profiles = shipped_profiles();
    let mut largest = (0usize, String::new());
    let mut checked = 0;
    let mut too_large = Vec::new();
    for service in &catalog.services {
        let counters: Vec<String> = catalog
            .counters
            .iter()
            .filter(|c| c.services.contains(&service.code))
            .map(|c| c.id.clone())
            .collect();
        let ticket = worst_ticket(&service.code, counters);
        for language in [Language::Indonesian, Language::English] {
            let strings = Strings::for_language(language);
            let print = ticket_print(&ticket, &catalog, &strings, "http://192.168.100.200:8600")
                .unwrap_or_else(|| panic!("{} is printable", service.code));
            let free = matches!(
                service.standard.as_ref().map(|s| &s.fee),
                Some(FeeDto::Free { .. })
            );
            assert_eq!(
                print.fee == Fee::Free,
                free,
                "{}: paper fee {:?}",
                service.code,
                print.fee
            );
            for (name, profile) in &profiles {
                let bytes = encode_ticket(&print, profile)
                    .unwrap_or_else(|e| panic!("{} on {name}: {e}", service.code));
                if bytes.len() > TICKET_BYTES_MAX {
                    too_large.push(format!(
                        "{} ({language:?}) on {name}: {} bytes",
                        service.code,
                        bytes.len()
                    ));
                }
                if bytes.len() > largest.0 {
                    largest = (bytes.len(), format!("{} on {name}", service.code));
                }
                checked += 1;
            }
        }
    }
    eprintln!("largest ticket: {} bytes ({})", largest.0, largest.1);
    assert!(
        too_large.is_empty(),
        "over {TICKET_BYTES_MAX} B:\n{}",
        too_large.join("\n")
    );
    assert_eq!(checked, catalog.services.len() * 2 * profiles.len());
}
