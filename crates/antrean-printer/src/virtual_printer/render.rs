//! PNG rendering of a decoded ticket: 1 pixel = 1 printer dot, font A cells of 12×24 dots,
//! and the QR code built from the stored data exactly as the printer builds it (model 2,
//! error correction from the stream), so a phone can scan the preview.

use std::path::Path;

use font8x8::{BASIC_FONTS, BLOCK_FONTS, BOX_FONTS, GREEK_FONTS, LATIN_FONTS, UnicodeFonts};
use image::{GrayImage, Luma};
use qrcode::{EcLevel, QrCode};
use thiserror::Error;

use super::{Document, Element};
use crate::escpos::Align;

/// Font A cell in dots (Epson: 12×24).
const CELL_W: u32 = 12;
const CELL_H: u32 = 24;
/// Default line spacing in dots (1/6 inch at 180 dpi: 30 dots; 24 glyph + 6 gap).
const LINE_GAP: u32 = 6;
/// White paper margin left and right of the printable area.
const MARGIN: u32 = 16;
const INK: Luma<u8> = Luma([0]);
const PAPER: Luma<u8> = Luma([255]);
/// Tallest preview we render; a longer document is a bug, not a ticket.
const HEIGHT_MAX: u32 = 20_000;

/// A document that cannot be rendered.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The QR data does not fit a QR code.
    #[error("QR data cannot be encoded: {0}")]
    Qr(String),
    /// The document is implausibly long.
    #[error("document is {0} dots long")]
    TooTall(u32),
    /// Writing the PNG failed.
    #[error("cannot write PNG: {0}")]
    Image(#[from] image::ImageError),
}

/// Preview size of an NV logo (a typical logo is stored ~200×80 dots).
const NV_LOGO_PREVIEW_W: u32 = 200;
const NV_LOGO_PREVIEW_H: u32 = 80;

/// Renders `doc` to a grayscale image.
pub fn render_png(doc: &Document) -> Result<GrayImage, RenderError> {
    let width = u32::from(doc.print_width_dots) + 2 * MARGIN;
    let mut height = MARGIN * 2;
    let mut qr_codes = Vec::new();
    for element in &doc.elements {
        height += match element {
            Element::Line { style, .. } => CELL_H * u32::from(style.height) + LINE_GAP,
            Element::Qr {
                data,
                error_correction,
                module_size_dots,
                ..
            } => {
                let code = QrCode::with_error_correction_level(data, ec_level(*error_correction))
                    .map_err(|err| RenderError::Qr(err.to_string()))?;
                let side = code.width() as u32 * u32::from(*module_size_dots);
                qr_codes.push(code);
                side + LINE_GAP
            }
            Element::NvLogo { .. } => NV_LOGO_PREVIEW_H + LINE_GAP,
            Element::Feed(lines) => u32::from(*lines) * (CELL_H + LINE_GAP),
            Element::Cut { .. } => LINE_GAP * 2,
        };
    }
    if height > HEIGHT_MAX {
        return Err(RenderError::TooTall(height));
    }
    let mut image = GrayImage::from_pixel(width, height, PAPER);
    let mut y = MARGIN;
    let mut qr_codes = qr_codes.into_iter();
    for element in &doc.elements {
        match element {
            Element::Line { text, style } => {
                let (w, h) = (u32::from(style.width), u32::from(style.height));
                let text_width = text.chars().count() as u32 * CELL_W * w;
                let mut x = MARGIN + offset(style.align, text_width, doc.print_width_dots);
                for c in text.chars() {
                    draw_glyph(&mut image, c, x, y, w, h, style.bold);
                    x += CELL_W * w;
                }
                y += CELL_H * h + LINE_GAP;
            }
            Element::Qr {
                module_size_dots,
                align,
                ..
            } => {
                let code = qr_codes.next().expect("one code per QR element");
                let side = draw_qr(&mut image, &code, *module_size_dots, *align, y, doc);
                y += side + LINE_GAP;
            }
            Element::NvLogo { align, .. } => {
                draw_logo_box(&mut image, *align, y, doc);
                y += NV_LOGO_PREVIEW_H + LINE_GAP;
            }
            Element::Feed(lines) => y += u32::from(*lines) * (CELL_H + LINE_GAP),
            Element::Cut { partial } => {
                // Dashed line: a hinge is left in the middle of a partial cut.
                for x in (0..width).step_by(8) {
                    let hinge = *partial && x > width / 2 - 20 && x < width / 2 + 20;
                    if !hinge {
                        fill(&mut image, x, y + LINE_GAP, 4, 1);
                    }
                }
                y += LINE_GAP * 2;
            }
        }
    }
    Ok(image)
}

/// Draws a QR code's dark modules at `y`; returns its side in pixels.
fn draw_qr(
    image: &mut GrayImage,
    code: &QrCode,
    module_size_dots: u8,
    align: Align,
    y: u32,
    doc: &Document,
) -> u32 {
    let module = u32::from(module_size_dots);
    let modules = code.width() as u32;
    let x0 = MARGIN + offset(align, modules * module, doc.print_width_dots);
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (mx, my) = (index as u32 % modules, index as u32 / modules);
            fill(image, x0 + mx * module, y + my * module, module, module);
        }
    }
    modules * module
}

/// The logo's pixels are in the printer: its place is previewed as a framed "LOGO" box.
fn draw_logo_box(image: &mut GrayImage, align: Align, y: u32, doc: &Document) {
    let w = NV_LOGO_PREVIEW_W.min(u32::from(doc.print_width_dots));
    let x = MARGIN + offset(align, w, doc.print_width_dots);
    fill(image, x, y, w, 2);
    fill(image, x, y + NV_LOGO_PREVIEW_H - 2, w, 2);
    fill(image, x, y, 2, NV_LOGO_PREVIEW_H);
    fill(image, x + w - 2, y, 2, NV_LOGO_PREVIEW_H);
    let label = "LOGO";
    let label_x = x + (w - label.len() as u32 * CELL_W) / 2;
    for (k, c) in label.chars().enumerate() {
        let glyph_y = y + (NV_LOGO_PREVIEW_H - CELL_H) / 2;
        draw_glyph(image, c, label_x + k as u32 * CELL_W, glyph_y, 1, 1, true);
    }
}

/// Renders `doc` and writes it as PNG.
pub fn render_png_file(doc: &Document, path: &Path) -> Result<(), RenderError> {
    render_png(doc)?.save_with_format(path, image::ImageFormat::Png)?;
    Ok(())
}

fn ec_level(byte: u8) -> EcLevel {
    match byte {
        0x30 => EcLevel::L,
        0x32 => EcLevel::Q,
        0x33 => EcLevel::H,
        _ => EcLevel::M,
    }
}

fn offset(align: Align, content: u32, print_width_dots: u16) -> u32 {
    let free = u32::from(print_width_dots).saturating_sub(content);
    match align {
        Align::Left => 0,
        Align::Center => free / 2,
        Align::Right => free,
    }
}

fn fill(image: &mut GrayImage, x: u32, y: u32, w: u32, h: u32) {
    for yy in y..(y + h).min(image.height()) {
        for xx in x..(x + w).min(image.width()) {
            image.put_pixel(xx, yy, INK);
        }
    }
}

fn glyph(c: char) -> [u8; 8] {
    BASIC_FONTS
        .get(c)
        .or_else(|| LATIN_FONTS.get(c))
        .or_else(|| BOX_FONTS.get(c))
        .or_else(|| BLOCK_FONTS.get(c))
        .or_else(|| GREEK_FONTS.get(c))
        .or_else(|| match c {
            '–' | '—' => BASIC_FONTS.get('-'),
            '‘' | '’' | '‚' => BASIC_FONTS.get('\''),
            '“' | '”' | '„' => BASIC_FONTS.get('"'),
            _ => None,
        })
        .or_else(|| BASIC_FONTS.get('?'))
        .unwrap_or([0; 8])
}

/// Draws an 8×8 glyph stretched into a (12·w)×(24·h) cell: 1.5× wide and 2× tall at normal
/// size, leaving 4·h dots above and below like font A's ascender and descender room.
fn draw_glyph(image: &mut GrayImage, c: char, x: u32, y: u32, w: u32, h: u32, bold: bool) {
    let rows = glyph(c);
    let (cell_w, glyph_h, top) = (CELL_W * w, 16 * h, 4 * h);
    for dy in 0..glyph_h {
        let row = rows[(dy * 8 / glyph_h) as usize];
        for dx in 0..cell_w {
            let col = dx * 8 / cell_w;
            if row & (1 << col) != 0 {
                fill(image, x + dx, y + top + dy, if bold { 2 } else { 1 }, 1);
            }
        }
    }
}
