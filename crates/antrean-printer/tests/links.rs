//! Drivers against the emulated printer over real links: a socat pty pair and TCP on
//! 127.0.0.1. Covers status classification before/after printing, the never-twice retry rule
//! and unreachable printers.

use std::net::TcpListener;

use antrean_printer::driver::{LinkTimeouts, PortTarget};
use antrean_printer::emulator::{EmulatedStatus, PrinterEmulator, SocatPtyPair};
use antrean_printer::print_job::{
    Delivery, NotStartedReason, PrintPolicy, print_bytes, print_ticket, query_health,
};
use antrean_printer::{PrinterHealth, Profile, StatusQuery, TicketPrint, encode_ticket};

/// Generous wait for the emulator to read what the driver wrote; only bounds a hang.
const DELIVERY_WAIT_MS: u64 = 5_000;

fn socat_pair() -> SocatPtyPair {
    SocatPtyPair::spawn()
        .unwrap_or_else(|err| panic!("serial tests need socat on PATH (CI installs it): {err}"))
}

fn serial_target(pair: &SocatPtyPair) -> PortTarget {
    PortTarget::Serial {
        path: pair.near().to_path_buf(),
        baud_bps: 9600,
    }
}

fn tcp_target(emulator: &PrinterEmulator) -> PortTarget {
    PortTarget::Tcp {
        address: emulator.tcp_address().unwrap().to_string(),
    }
}

#[test]
fn serial_ready_printer_receives_the_exact_ticket() {
    let pair = socat_pair();
    let emulator = PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::Ready).unwrap();
    let profile = Profile::generic_58mm();
    let ticket = TicketPrint::sample();
    let expected = encode_ticket(&ticket, &profile).unwrap();

    let outcome = print_ticket(
        &serial_target(&pair),
        &profile,
        &ticket,
        &PrintPolicy::default(),
    )
    .unwrap();

    assert_eq!(outcome.delivery, Delivery::Confirmed);
    assert_eq!(outcome.health, PrinterHealth::Ready);
    assert_eq!(outcome.bytes_written, expected.len());
    assert!(emulator.wait_for_printed(DELIVERY_WAIT_MS, |p| p.len() >= expected.len()));
    assert_eq!(emulator.printed(), expected);
    // Four queries before and four after.
    assert_eq!(emulator.status_requests().len(), 8);
    assert_eq!(emulator.status_requests()[..4], StatusQuery::ALL);
}

#[test]
fn serial_paper_out_prints_nothing_and_says_why() {
    let pair = socat_pair();
    let emulator = PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::PaperOut).unwrap();
    let profile = Profile::generic_58mm();
    let outcome = print_ticket(
        &serial_target(&pair),
        &profile,
        &TicketPrint::sample(),
        &PrintPolicy::default(),
    )
    .unwrap();
    assert_eq!(
        outcome.delivery,
        Delivery::NotStarted(NotStartedReason::NotReady)
    );
    assert_eq!(outcome.health, PrinterHealth::PaperEnd);
    assert!(outcome.show_on_screen());
    assert_eq!(outcome.bytes_written, 0);
    assert!(emulator.printed().is_empty());
}

#[test]
fn serial_cover_open_is_reported_by_status_query() {
    let pair = socat_pair();
    let _emulator = PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::CoverOpen).unwrap();
    let health = query_health(
        &serial_target(&pair),
        &Profile::generic_58mm(),
        &PrintPolicy::default(),
    );
    assert_eq!(health, PrinterHealth::CoverOpen);
}

#[test]
fn serial_silent_printer_is_no_answer_and_gets_no_ticket() {
    let pair = socat_pair();
    let emulator = PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::Silent).unwrap();
    let profile = Profile::generic_58mm();
    let outcome = print_ticket(
        &serial_target(&pair),
        &profile,
        &TicketPrint::sample(),
        &PrintPolicy::default(),
    )
    .unwrap();
    assert_eq!(
        outcome.delivery,
        Delivery::NotStarted(NotStartedReason::NoStatusAnswer)
    );
    assert_eq!(outcome.health, PrinterHealth::NoAnswer);
    // Only the first query, retried once; the other three are skipped.
    assert_eq!(
        emulator.status_requests(),
        [StatusQuery::Printer, StatusQuery::Printer]
    );
    assert!(emulator.printed().is_empty());
}

#[test]
fn serial_paper_near_end_still_prints() {
    let pair = socat_pair();
    let emulator =
        PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::PaperNearEnd).unwrap();
    let outcome = print_ticket(
        &serial_target(&pair),
        &Profile::generic_58mm(),
        &TicketPrint::sample(),
        &PrintPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome.delivery, Delivery::Confirmed);
    assert_eq!(outcome.health, PrinterHealth::PaperNearEnd);
    assert!(outcome.health.needs_attention());
    assert!(emulator.wait_for_printed(DELIVERY_WAIT_MS, |p| !p.is_empty()));
}

#[test]
fn tcp_ready_printer_receives_the_exact_ticket() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).unwrap();
    let profile = Profile::generic_80mm();
    let ticket = TicketPrint::sample();
    let expected = encode_ticket(&ticket, &profile).unwrap();
    let outcome = print_ticket(
        &tcp_target(&emulator),
        &profile,
        &ticket,
        &PrintPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome.delivery, Delivery::Confirmed);
    assert!(outcome.printed());
    assert!(emulator.wait_for_printed(DELIVERY_WAIT_MS, |p| p.len() >= expected.len()));
    assert_eq!(emulator.printed(), expected);
    assert_eq!(emulator.connections(), 1);
}

#[test]
fn tcp_paper_running_out_during_print_marks_ticket_suspect() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).unwrap();
    let profile = Profile::generic_80mm();
    let bytes = encode_ticket(&TicketPrint::sample(), &profile).unwrap();
    // Fine before printing; the roll ends while the ticket goes through.
    emulator.set_status_after_printed(bytes.len() / 2, EmulatedStatus::PaperOut);
    let outcome = print_bytes(
        &tcp_target(&emulator),
        &profile,
        &bytes,
        &PrintPolicy::default(),
    );
    assert_eq!(outcome.delivery, Delivery::Suspect);
    assert_eq!(outcome.health, PrinterHealth::PaperEnd);
    assert_eq!(outcome.bytes_written, bytes.len());
    assert!(outcome.show_on_screen());
}

#[test]
fn tcp_paper_out_between_tickets_blocks_the_next_one() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).unwrap();
    let profile = Profile::generic_80mm();
    let target = tcp_target(&emulator);
    assert_eq!(
        query_health(&target, &profile, &PrintPolicy::default()),
        PrinterHealth::Ready
    );
    emulator.set_status(EmulatedStatus::PaperOut);
    let bytes = encode_ticket(&TicketPrint::sample(), &profile).unwrap();
    let outcome = print_bytes(&target, &profile, &bytes, &PrintPolicy::default());
    assert_eq!(
        outcome.delivery,
        Delivery::NotStarted(NotStartedReason::NotReady)
    );
    assert_eq!(outcome.health, PrinterHealth::PaperEnd);
    assert!(emulator.printed().is_empty());
}

#[test]
fn tcp_refused_connection_is_unreachable_after_bounded_retries() {
    // Bind then drop: the port is free, so connecting is refused.
    let address = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let target = PortTarget::Tcp {
        address: address.to_string(),
    };
    let policy = PrintPolicy {
        retry_delay_ms: 10,
        ..PrintPolicy::default()
    };
    let outcome = print_ticket(
        &target,
        &Profile::generic_80mm(),
        &TicketPrint::sample(),
        &policy,
    )
    .unwrap();
    match &outcome.delivery {
        Delivery::NotStarted(NotStartedReason::Unreachable { error }) => {
            assert!(error.contains(&address.to_string()), "{error}");
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
    assert_eq!(outcome.health, PrinterHealth::NoAnswer);
    assert!(target.open(LinkTimeouts::default()).is_err());
}

#[test]
fn file_and_status_less_profiles_are_unconfirmed_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.bin");
    let profile = Profile::generic_58mm();
    let outcome = print_ticket(
        &PortTarget::File { path: path.clone() },
        &profile,
        &TicketPrint::sample(),
        &PrintPolicy::default(),
    )
    .unwrap();
    assert_eq!(outcome.delivery, Delivery::Unconfirmed);
    assert_eq!(outcome.health, PrinterHealth::NotSupported);
    let written = std::fs::read(&path).unwrap();
    assert_eq!(
        written,
        encode_ticket(&TicketPrint::sample(), &profile).unwrap()
    );
}

#[test]
fn usb_device_file_driver_writes_and_times_out_reads() {
    // A regular file stands in for /dev/usb/lp0: same open flags, same write path; reads find
    // no answer and end at the timeout instead of blocking.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let target = PortTarget::UsbLp { path: path.clone() };
    let mut port = target.open(LinkTimeouts::default()).unwrap();
    port.write_all(b"\x1b@hello\n").unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(port.read_some(&mut buf, 20).unwrap(), 0);
    assert_eq!(std::fs::read(&path).unwrap(), b"\x1b@hello\n");
}

#[test]
fn serial_cable_pulled_between_tickets_is_reported_and_the_ticket_goes_on_screen() {
    let pair = socat_pair();
    let target = serial_target(&pair);
    let emulator = PrinterEmulator::attach_serial(pair.far(), EmulatedStatus::Ready).unwrap();
    let profile = Profile::generic_58mm();
    let ticket = TicketPrint::sample();
    let first = print_ticket(&target, &profile, &ticket, &PrintPolicy::default()).unwrap();
    assert!(first.printed());
    // Unplug: the pty pair goes away (socat ends, both device nodes vanish).
    drop(emulator);
    drop(pair);
    let second = print_ticket(&target, &profile, &ticket, &PrintPolicy::default()).unwrap();
    assert!(
        matches!(
            second.delivery,
            Delivery::NotStarted(NotStartedReason::Unreachable { .. })
        ),
        "{second:?}"
    );
    assert_eq!(second.bytes_written, 0);
    assert!(
        second.show_on_screen(),
        "the kiosk must show the number and QR instead"
    );
}
