//! Our encoder against a maintained implementation: the `escpos` crate (0.20) must produce
//! the same bytes for QR codes, character size, bold and justification. We keep our own
//! encoder for the reasons in docs/dependencies.md §2 (code pages, status, cut); where the
//! two overlap, a change of ours that drifts from the crate fails here.

use std::sync::{Arc, Mutex};

use antrean_printer::escpos::{self as ours, Align};
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

/// A driver that keeps what the printer was sent.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// The bytes the crate sends for what `build` asks of its printer.
fn theirs(
    build: impl FnOnce(&mut Printer<Capture>) -> escpos::errors::Result<&mut Printer<Capture>>,
) -> Vec<u8> {
    let capture = Capture::default();
    let mut printer = Printer::new(capture.clone(), Protocol::default(), None);
    build(&mut printer).unwrap().print().unwrap();
    capture.0.lock().unwrap().clone()
}

#[test]
fn qr_codes_are_byte_for_byte_the_crates() {
    // Model 2 and error correction M, as every ticket uses; the module sizes a profile can
    // choose (the crate stops at 15, the command allows 16).
    let urls = [
        "http://10.0.0.5:8080/t/AAAAAAAAAAFr2jzhne_egnboU3X8DcWn",
        "https://antrean.mpp.example.go.id/t/x",
        &"A".repeat(300),
    ];
    for data in urls {
        for size in 1..=15 {
            let option = QRCodeOption::new(QRCodeModel::Model2, size, QRCodeCorrectionLevel::M);
            let expected = theirs(|p| p.qrcode_option(data, option));
            let mut mine = Vec::new();
            ours::qr_code(data.as_bytes(), size, &mut mine);
            assert_eq!(mine, expected, "QR of {} bytes at size {size}", data.len());
        }
    }
}

#[test]
fn size_bold_and_justification_are_byte_for_byte_the_crates() {
    for width in 1..=8 {
        for height in 1..=8 {
            let expected = theirs(|p| p.size(width, height));
            assert_eq!(
                ours::char_size(width, height).to_vec(),
                expected,
                "{width}×{height}"
            );
        }
    }
    for on in [true, false] {
        assert_eq!(ours::bold(on).to_vec(), theirs(|p| p.bold(on)), "bold {on}");
    }
    for (align, mode) in [
        (Align::Left, JustifyMode::LEFT),
        (Align::Center, JustifyMode::CENTER),
        (Align::Right, JustifyMode::RIGHT),
    ] {
        assert_eq!(
            ours::justify(align).to_vec(),
            theirs(|p| p.justify(mode)),
            "{align:?}"
        );
    }
    assert_eq!(ours::INITIALIZE.to_vec(), theirs(|p| p.init()));
}
