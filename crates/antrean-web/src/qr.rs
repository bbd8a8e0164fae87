//! The booking code as a QR code in SVG, drawn here so the booking page loads nothing from
//! outside and needs no QR script. A USB scanner at the kiosk reads it and types the code.

use qrcode::{Color, EcLevel, QrCode};

/// Quiet zone around the code, in modules (ISO/IEC 18004 asks for 4).
const QUIET_MODULES: usize = 4;

/// An SVG of `text` as a QR code (error correction M: survives a scratched phone screen),
/// one unit per module, black on white, with a title for screen readers.
pub fn svg(text: &str, title: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let side = width + 2 * QUIET_MODULES;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + QUIET_MODULES, i / width + QUIET_MODULES);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\" role=\"img\"><title>{}</title>\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>",
        escape(title)
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_square_with_dark_modules_and_an_escaped_title() {
        let svg = super::svg("K7QM-2XD4-9RTA", "Kode <booking>").unwrap();
        assert!(svg.starts_with("<svg "));
        // Version 1 (21 modules) plus the quiet zone on both sides.
        assert!(svg.contains("viewBox=\"0 0 29 29\""), "{svg}");
        assert!(svg.contains("Kode &lt;booking&gt;"));
        assert!(svg.matches("h1v1h-1z").count() > 100);
    }
}
