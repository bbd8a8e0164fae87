//! The virtual printer: decoding our own stream, and the PNG preview scanned back with a QR
//! reader.

use antrean_printer::layout::Block;
use antrean_printer::layout_ticket;
use antrean_printer::virtual_printer::{DecodeError, Element, decode, render_png};
use antrean_printer::{Profile, TicketPrint, encode_ticket};

fn scan_qr(image: &image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32)[0],
    );
    prepared
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("QR decodes").1)
        .collect()
}

#[test]
fn preview_png_carries_a_scannable_qr_with_the_ticket_url() {
    for profile in [Profile::generic_58mm(), Profile::generic_80mm()] {
        let ticket = TicketPrint::sample();
        let bytes = encode_ticket(&ticket, &profile).unwrap();
        let image = render_png(&decode(&bytes, &profile).unwrap()).unwrap();
        assert_eq!(image.width(), u32::from(profile.print_width_dots) + 32);
        assert_eq!(
            scan_qr(&image),
            std::slice::from_ref(&ticket.qr_url),
            "{}",
            profile.name
        );
    }
}

#[test]
fn png_file_is_written_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.png");
    let profile = Profile::generic_58mm();
    let bytes = encode_ticket(&TicketPrint::sample(), &profile).unwrap();
    antrean_printer::virtual_printer::render_png_file(&decode(&bytes, &profile).unwrap(), &path)
        .unwrap();
    let image = image::open(&path).unwrap().to_luma8();
    assert_eq!(scan_qr(&image), [TicketPrint::sample().qr_url]);
}

#[test]
fn decoding_reproduces_the_layout() {
    for profile in [Profile::generic_58mm(), Profile::generic_80mm()] {
        let layout = layout_ticket(&TicketPrint::sample(), &profile).unwrap();
        let doc = decode(&antrean_printer::encode_layout(&layout), &profile).unwrap();
        let expected: Vec<Element> = layout
            .blocks
            .iter()
            .map(|block| match block {
                Block::Text(line) => Element::Line {
                    text: line.text.clone(),
                    style: line.style,
                },
                Block::Qr(qr) => Element::Qr {
                    data: qr.data.as_bytes().to_vec(),
                    module_size_dots: qr.module_size_dots,
                    error_correction: 0x31,
                    align: qr.align,
                },
                Block::NvLogo(image) => Element::NvLogo {
                    image: *image,
                    align: antrean_printer::escpos::Align::Center,
                },
                Block::Feed(n) => Element::Feed(*n),
                Block::Cut(kind) => Element::Cut {
                    partial: *kind == antrean_printer::CutKind::Partial,
                },
            })
            .collect();
        assert_eq!(doc.elements, expected);
        assert!(doc.status_requests.is_empty());
    }
}

#[test]
fn unknown_commands_and_truncation_are_errors() {
    let profile = Profile::generic_58mm();
    assert!(matches!(
        decode(b"\x1b@\x1bZ", &profile),
        Err(DecodeError::Unsupported { offset: 2, .. })
    ));
    assert!(matches!(
        decode(b"\x1b@\x1d(k\x05", &profile),
        Err(DecodeError::Truncated { .. })
    ));
    assert!(matches!(
        decode(b"\x1bt\x10", &profile),
        Err(DecodeError::CodeTable { n: 16, .. })
    ));
    let doc = decode(b"\x10\x04\x01", &profile).unwrap();
    assert_eq!(doc.status_requests, [1]);
}

#[test]
fn an_nv_logo_costs_four_bytes_and_shows_in_the_preview() {
    let text = "logo_nv_image = 1\n".to_owned() + antrean_printer::profile::GENERIC_80MM_TOML;
    let with_logo = Profile::from_toml_str(&text, "logo.toml").unwrap();
    assert_eq!(with_logo.logo_nv_image, Some(1));
    let ticket = TicketPrint::sample();
    let plain = encode_ticket(&ticket, &Profile::generic_80mm()).unwrap();
    let bytes = encode_ticket(&ticket, &with_logo).unwrap();
    // FS p 1 0, centred, before anything printed.
    let at = bytes
        .windows(4)
        .position(|w| w == [0x1C, b'p', 1, 0])
        .expect("FS p in the stream");
    assert!(at < 12, "the logo comes first: {at}");
    assert!(
        bytes.len() <= plain.len() + 8,
        "a logo costs bytes, not kilobytes"
    );
    let doc = decode(&bytes, &with_logo).unwrap();
    assert!(
        matches!(doc.elements[0], Element::NvLogo { image: 1, .. }),
        "{:?}",
        doc.elements[0]
    );
    assert!(antrean_printer::virtual_printer::to_text(&doc).contains("[logo NV #1]"));
    let with = render_png(&doc).unwrap();
    let without = render_png(&decode(&plain, &Profile::generic_80mm()).unwrap()).unwrap();
    assert!(
        with.height() > without.height(),
        "the preview leaves room for the logo"
    );
    // The QR still scans.
    assert!(!scan_qr(&with).is_empty());

    let zero = "logo_nv_image = 0\n".to_owned() + antrean_printer::profile::GENERIC_80MM_TOML;
    let err = Profile::from_toml_str(&zero, "zero.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("logo_nv_image"), "{err}");
}
