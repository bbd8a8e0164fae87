//! The kiosk's printer thread checks an idle printer's status over a real TCP link (the
//! printer emulator answering DLE EOT) and reports only changes: officers learn of an empty
//! roll before the next visitor does, without a report every minute.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use antrean_kiosk::print::{self, PrintResult, PrinterSetup};
use antrean_printer::emulator::{EmulatedStatus, PrinterEmulator};
use antrean_printer::{PortTarget, Profile};
use antrean_protocol::PrinterHealth;

fn next_result(handle: &print::PrintHandle, within: Duration) -> Option<PrintResult> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(result) = handle.results.try_recv() {
            return Some(result);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

#[test]
fn an_idle_printer_is_checked_and_only_changes_are_reported() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::PaperOut).expect("emulator");
    let profile = Profile::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../firmware-config/printers/generic-80mm.toml"),
    )
    .map_err(|e| e.to_string());
    let setup = PrinterSetup {
        target: PortTarget::Tcp {
            address: emulator.tcp_address().expect("tcp").to_string(),
        },
        profile,
    };
    let handle =
        print::spawn_checking_every(Some(setup), Arc::new(|| {}), Duration::from_millis(100));

    // At start-up: the roll is empty.
    let first = next_result(&handle, Duration::from_secs(5)).expect("a start-up check");
    assert_eq!(
        (
            first.ticket_number.as_deref(),
            first.health,
            first.health_code.as_str()
        ),
        (None, PrinterHealth::PaperEnd, "paper_end")
    );
    // Still empty: several checks, no new report.
    assert_eq!(next_result(&handle, Duration::from_millis(500)), None);
    // Refilled: reported once.
    emulator.set_status(EmulatedStatus::Ready);
    let refilled = next_result(&handle, Duration::from_secs(5)).expect("the refill is reported");
    assert_eq!(refilled.health, PrinterHealth::Ready);
    assert_eq!(next_result(&handle, Duration::from_millis(500)), None);
    assert!(
        emulator.printed().is_empty(),
        "a status check prints nothing"
    );
}

#[test]
fn a_kiosk_without_a_printer_checks_nothing() {
    let handle = print::spawn_checking_every(None, Arc::new(|| {}), Duration::from_millis(50));
    assert_eq!(next_result(&handle, Duration::from_millis(400)), None);
}
