//! Byte-level snapshots of the encoder for both paper widths, plus the virtual printer's text
//! form of the same bytes. Regenerate after an intended change with `UPDATE_EXPECT=1`.

use antrean_printer::virtual_printer::{decode, to_text};
use antrean_printer::{Fee, Language, Profile, TicketPrint, encode_ticket};
use expect_test::{ExpectFile, expect_file};

/// Hex dump, 16 bytes a line with printable ASCII on the right: reviewable in a diff.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = format!("{} bytes\n", bytes.len());
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:04x}  {:<47}  {ascii}\n",
            row * 16,
            hex.join(" ")
        ));
    }
    out
}

fn check(ticket: &TicketPrint, profile: &Profile, hex: ExpectFile, text: ExpectFile) {
    let bytes = encode_ticket(ticket, profile).unwrap();
    hex.assert_eq(&hex_dump(&bytes));
    text.assert_eq(&to_text(&decode(&bytes, profile).unwrap()));
}

#[test]
fn sample_ticket_58mm() {
    check(
        &TicketPrint::sample(),
        &Profile::generic_58mm(),
        expect_file!["snapshots/sample-58mm.hex"],
        expect_file!["snapshots/sample-58mm.txt"],
    );
}

#[test]
fn sample_ticket_80mm() {
    check(
        &TicketPrint::sample(),
        &Profile::generic_80mm(),
        expect_file!["snapshots/sample-80mm.hex"],
        expect_file!["snapshots/sample-80mm.txt"],
    );
}

#[test]
fn english_paid_ticket_on_epson_wpc1252() {
    let profile = Profile::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../firmware-config/printers/epson-tm-t82.toml"),
    )
    .unwrap();
    let mut ticket = TicketPrint::sample();
    ticket.language = Language::English;
    ticket.priority_label = None;
    ticket.fee = Fee::Rupiah(50_000);
    ticket.people_ahead = 0;
    ticket.service_name = "Pengesahan Dokumen — “Legalisir” Café".into();
    ticket.requirements = (1..=6).map(|i| format!("Dokumen {i}")).collect();
    ticket.rating_invitation = "After your visit, scan the QR to rate our service.".into();
    check(
        &ticket,
        &profile,
        expect_file!["snapshots/english-epson.hex"],
        expect_file!["snapshots/english-epson.txt"],
    );
}
