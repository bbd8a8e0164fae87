//! The `antrean printer` subcommands as the binary will parse and run them.

use antrean_printer::cli::{PrinterCommand, run};
use antrean_printer::emulator::{EmulatedStatus, PrinterEmulator};
use antrean_printer::{Profile, TicketPrint, encode_ticket};
use clap::Parser;

/// Stand-in for the `antrean printer` level of the real binary.
#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: PrinterCommand,
}

fn parse(args: &[&str]) -> PrinterCommand {
    Cli::try_parse_from(std::iter::once("printer").chain(args.iter().copied()))
        .unwrap_or_else(|err| panic!("{err}"))
        .command
}

fn profile_path(name: &str) -> String {
    format!(
        "{}/../../firmware-config/printers/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn preview_writes_a_png() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ticket.png");
    let out_arg = out.to_str().unwrap();
    let profile = profile_path("generic-80mm.toml");
    run(parse(&[
        "preview",
        "--out",
        out_arg,
        "--profile",
        &profile,
        "--text",
    ]))
    .unwrap();
    let image = image::open(&out).unwrap();
    assert_eq!(image.width(), 576 + 32);
}

#[test]
fn test_prints_the_sample_ticket_over_tcp() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).unwrap();
    let host = emulator.tcp_address().unwrap().to_string();
    let profile = profile_path("generic-80mm.toml");
    run(parse(&["test", "--profile", &profile, "--host", &host])).unwrap();
    let expected = encode_ticket(&TicketPrint::sample(), &Profile::generic_80mm()).unwrap();
    assert!(emulator.wait_for_printed(5_000, |p| p.len() >= expected.len()));
    assert_eq!(emulator.printed(), expected);
}

#[test]
fn status_fails_when_the_printer_cannot_print() {
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::CoverOpen).unwrap();
    let host = emulator.tcp_address().unwrap().to_string();
    let profile = profile_path("generic-80mm.toml");
    let err = run(parse(&["status", "--profile", &profile, "--host", &host])).unwrap_err();
    assert!(err.to_string().contains("Penutup printer terbuka"), "{err}");
    emulator.set_status(EmulatedStatus::Ready);
    run(parse(&["status", "--profile", &profile, "--host", &host])).unwrap();
}

#[test]
fn exactly_one_target_is_required() {
    let profile = profile_path("generic-58mm.toml");
    assert!(Cli::try_parse_from(["printer", "test", "--profile", &profile]).is_err());
    assert!(
        Cli::try_parse_from([
            "printer",
            "test",
            "--profile",
            &profile,
            "--port",
            "/dev/x",
            "--host",
            "h:9100"
        ])
        .is_err()
    );
}

#[test]
fn bad_profile_error_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        antrean_printer::profile::GENERIC_58MM_TOML.replace("columns = 32", "columns = 7"),
    )
    .unwrap();
    let err = run(parse(&[
        "status",
        "--profile",
        path.to_str().unwrap(),
        "--stdout",
    ]))
    .unwrap_err();
    assert!(format!("{err:#}").contains("`columns`"), "{err:#}");
}

/// `--ticket FILE`: a real service's ticket (English, a paid fee, no priority) replaces the
/// sample's fields; the preview decodes to exactly those lines, and a bad field is named.
#[test]
fn a_given_ticket_file_is_previewed_and_test_printed() {
    let dir = tempfile::tempdir().unwrap();
    let ticket_path = dir.path().join("skck.toml");
    std::fs::write(
        &ticket_path,
        r#"
service_name = "Penerbitan SKCK"
ticket_number = "N-104"
priority_label = ""
fee_idr = 30000
wait_min = [15, 30]
requirements = ["KTP-el asli", "Pas foto 4x6 latar merah (6 lembar)"]
language = "en"
"#,
    )
    .unwrap();
    let ticket = antrean_printer::ticket_file::load_ticket(&ticket_path).unwrap();
    let profile = Profile::generic_58mm();
    let bytes = encode_ticket(&ticket, &profile).unwrap();
    let text = antrean_printer::virtual_printer::to_text(
        &antrean_printer::virtual_printer::decode(&bytes, &profile).unwrap(),
    );
    // The number is printed 4× wide; the text form spaces its characters out.
    assert!(text.replace(' ', "").contains("N-104"), "{text}");
    for expected in [
        "Penerbitan SKCK",
        "Fee: Rp30.000",
        "Estimated wait: 15-30 min",
        "- KTP-el asli",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    assert!(!text.contains("PRIORITAS"), "{text}");

    let out = dir.path().join("skck.png");
    let ticket_arg = ticket_path.to_str().unwrap();
    run(parse(&[
        "preview",
        "--ticket",
        ticket_arg,
        "--out",
        out.to_str().unwrap(),
    ]))
    .unwrap();
    assert!(image::open(&out).is_ok());

    // The test print sends exactly that ticket; a printer out of paper fails the test.
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).unwrap();
    let host = emulator.tcp_address().unwrap().to_string();
    let profile_58 = profile_path("generic-58mm.toml");
    let test_print = [
        "test",
        "--ticket",
        ticket_arg,
        "--profile",
        &profile_58,
        "--host",
        &host,
    ];
    run(parse(&test_print)).unwrap();
    assert!(emulator.wait_for_printed(5_000, |p| p.len() >= bytes.len()));
    assert_eq!(emulator.printed(), bytes);
    emulator.set_status(EmulatedStatus::PaperOut);
    let err = run(parse(&test_print)).unwrap_err();
    assert!(err.to_string().contains("not printed completely"), "{err}");

    std::fs::write(&ticket_path, "fee = 5000\n").unwrap();
    let err = antrean_printer::ticket_file::load_ticket(&ticket_path).unwrap_err();
    assert!(
        format!("{err:#}").contains("unknown field `fee`"),
        "{err:#}"
    );
}
