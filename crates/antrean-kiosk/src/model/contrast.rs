//! The kiosk palette and its WCAG 2.x contrast check: every text colour on every background
//! it is drawn on must reach 4.5:1 (normal text, level AA; PP 42/2020 asks for accessible
//! information systems, and WCAG is the measurable form of that).

/// An sRGB colour, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Minimum contrast for body text (WCAG 2.x AA).
pub const CONTRAST_MIN: f32 = 4.5;

/// The colours the screens use.
pub mod palette {
    use super::Rgb;
    /// Screen background: near-white, easy under bright lobby lights.
    pub const BACKGROUND: Rgb = Rgb(0xF7, 0xF8, 0xFA);
    /// Body text.
    pub const TEXT: Rgb = Rgb(0x1A, 0x1F, 0x2B);
    /// Secondary text (hints).
    pub const TEXT_MUTED: Rgb = Rgb(0x4A, 0x52, 0x60);
    /// Header band.
    pub const HEADER: Rgb = Rgb(0x0B, 0x4F, 0x8A);
    /// Text on the header band and on primary buttons.
    pub const ON_DARK: Rgb = Rgb(0xFF, 0xFF, 0xFF);
    /// Primary action ("Ambil Nomor Antrean").
    pub const PRIMARY: Rgb = Rgb(0x0B, 0x6E, 0x3B);
    /// Tiles and cards.
    pub const TILE: Rgb = Rgb(0xFF, 0xFF, 0xFF);
    /// Tile border.
    pub const TILE_BORDER: Rgb = Rgb(0x8A, 0x93, 0xA3);
    /// Secondary buttons (back, language, larger text).
    pub const SECONDARY: Rgb = Rgb(0xE3, 0xE8, 0xEF);
    /// Warnings (closed, offline, printer problem) band.
    pub const WARNING: Rgb = Rgb(0x9A, 0x1C, 0x1C);
    /// Prefix badge.
    pub const BADGE: Rgb = Rgb(0x0B, 0x4F, 0x8A);
}

/// Every (text, background) pair the screens draw.
pub const TEXT_PAIRS: [(Rgb, Rgb); 9] = [
    (palette::TEXT, palette::BACKGROUND),
    (palette::TEXT_MUTED, palette::BACKGROUND),
    (palette::TEXT, palette::TILE),
    (palette::TEXT_MUTED, palette::TILE),
    (palette::ON_DARK, palette::HEADER),
    (palette::ON_DARK, palette::PRIMARY),
    (palette::TEXT, palette::SECONDARY),
    (palette::ON_DARK, palette::WARNING),
    (palette::ON_DARK, palette::BADGE),
];

/// WCAG relative luminance.
pub fn relative_luminance(color: Rgb) -> f32 {
    let channel = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(color.0) + 0.7152 * channel(color.1) + 0.0722 * channel(color.2)
}

/// WCAG contrast ratio, 1..=21.
pub fn contrast_ratio(a: Rgb, b: Rgb) -> f32 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn black_on_white_is_21() {
        assert!((contrast_ratio(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 0.01);
    }

    #[test]
    fn every_text_pair_reaches_aa() {
        for (text, background) in TEXT_PAIRS {
            let ratio = contrast_ratio(text, background);
            assert!(
                ratio >= CONTRAST_MIN,
                "{text:?} on {background:?}: {ratio:.2}"
            );
        }
    }

    #[test]
    fn a_light_grey_on_white_fails() {
        assert!(contrast_ratio(Rgb(0xAA, 0xAA, 0xAA), palette::TILE) < CONTRAST_MIN);
    }
}
