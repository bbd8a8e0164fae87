//! The digital-ticket QR as RGBA pixels, for the screen (the printer draws its own natively).

use qrcode::{Color, EcLevel, QrCode};

/// Quiet zone around the code, in modules (the QR spec asks for 4).
const QUIET_ZONE_MODULES: u32 = 4;

/// A square RGBA8 image of the QR for `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrImage {
    /// Edge in pixels.
    pub size_px: u32,
    /// RGBA8 pixels, row-major.
    pub rgba: Vec<u8>,
}

/// Builds the QR for `url` with each module `module_px` pixels wide (level M, like the printer).
pub fn qr_image(url: &str, module_px: u32) -> Option<QrImage> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let size_px = (modules + 2 * QUIET_ZONE_MODULES) * module_px;
    let mut rgba = vec![0xFF; (size_px * size_px * 4) as usize];
    for (index, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (index as u32 % modules, index as u32 / modules);
        for dy in 0..module_px {
            for dx in 0..module_px {
                let x = (mx + QUIET_ZONE_MODULES) * module_px + dx;
                let y = (my + QUIET_ZONE_MODULES) * module_px + dy;
                let at = ((y * size_px + x) * 4) as usize;
                rgba[at..at + 3].copy_from_slice(&[0, 0, 0]);
            }
        }
    }
    Some(QrImage { size_px, rgba })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_has_quiet_zone_and_dark_modules() {
        let image = qr_image(
            "http://127.0.0.1:8600/t/AAAAAAAAAAiQjnBm3iGbEkmxHbqZ3Fpq",
            8,
        )
        .expect("fits");
        assert_eq!(
            image.rgba.len(),
            (image.size_px * image.size_px * 4) as usize
        );
        // Top-left pixel is quiet zone (white); the finder pattern starts 4 modules in.
        assert_eq!(&image.rgba[0..4], &[0xFF, 0xFF, 0xFF, 0xFF]);
        let at = ((4 * 8 * image.size_px + 4 * 8) * 4) as usize;
        assert_eq!(&image.rgba[at..at + 3], &[0, 0, 0]);
    }
}
