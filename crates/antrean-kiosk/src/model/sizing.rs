//! Physical sizes on the configured screen. Touch targets are specified in millimetres
//! (≥ 20 mm, a fingertip of an elderly visitor or a wheelchair user reaching across — the
//! accessibility rules of UU 8/2016 / PP 42/2020) and converted with the panel's real DPI.

/// Smallest touch target edge, millimetres.
pub const TOUCH_TARGET_MM_MIN: f32 = 20.0;
/// Smallest body text (em size), millimetres: ~ 5 mm reads from 60 cm for most older eyes.
pub const BODY_TEXT_MM_MIN: f32 = 5.0;
/// The "Perbesar teks" factor.
pub const LARGE_TEXT_FACTOR: f32 = 1.35;

/// The panel: resolution and diagonal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenGeometry {
    /// Width in pixels (as mounted: portrait panels are narrower than high).
    pub width_px: u32,
    /// Height in pixels.
    pub height_px: u32,
    /// Diagonal in inches, from the panel's data sheet.
    pub diagonal_in: f32,
}

impl ScreenGeometry {
    /// Pixels per inch.
    pub fn dpi(&self) -> f32 {
        let diagonal_px = ((self.width_px as f32).powi(2) + (self.height_px as f32).powi(2)).sqrt();
        diagonal_px / self.diagonal_in
    }

    /// Millimetres to pixels on this panel.
    pub fn mm_to_px(&self, mm: f32) -> f32 {
        mm * self.dpi() / 25.4
    }

    /// Whether the panel is mounted portrait.
    pub fn is_portrait(&self) -> bool {
        self.height_px > self.width_px
    }
}

/// Sizes every screen uses, in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typography {
    /// Body text.
    pub body_px: f32,
    /// Section headings.
    pub heading_px: f32,
    /// Screen titles.
    pub title_px: f32,
    /// The ticket number on the result screen.
    pub number_px: f32,
    /// Minimum height (and width) of anything tappable.
    pub touch_target_px: f32,
    /// Outer margin and gaps.
    pub gap_px: f32,
    /// Tile columns in the pickers.
    pub tile_columns: u16,
}

impl Typography {
    /// Sizes for `screen`, optionally with "Perbesar teks".
    pub fn for_screen(screen: &ScreenGeometry, large_text: bool) -> Typography {
        let factor = if large_text { LARGE_TEXT_FACTOR } else { 1.0 };
        // Design size: 32 px body on a 1080-px-wide portrait panel; never below the
        // physical minimum on a dense small panel.
        let short_edge_px = screen.width_px.min(screen.height_px) as f32;
        let design_body_px = 32.0 * short_edge_px / 1080.0;
        let body_px = design_body_px.max(screen.mm_to_px(BODY_TEXT_MM_MIN)) * factor;
        let touch_target_px = screen
            .mm_to_px(TOUCH_TARGET_MM_MIN)
            .max(body_px * 2.4)
            .ceil();
        Typography {
            body_px: body_px.round(),
            heading_px: (body_px * 1.25).round(),
            title_px: (body_px * 1.6).round(),
            number_px: (body_px * 6.0).round(),
            touch_target_px,
            gap_px: (body_px * 0.75).round(),
            tile_columns: match (screen.is_portrait(), large_text) {
                (true, true) => 1,
                (true, false) | (false, true) => 2,
                (false, false) => 3,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTRAIT_32_IN: ScreenGeometry = ScreenGeometry {
        width_px: 1080,
        height_px: 1920,
        diagonal_in: 32.0,
    };
    const LANDSCAPE_21_IN: ScreenGeometry = ScreenGeometry {
        width_px: 1920,
        height_px: 1080,
        diagonal_in: 21.5,
    };
    const SMALL_DENSE: ScreenGeometry = ScreenGeometry {
        width_px: 1280,
        height_px: 800,
        diagonal_in: 10.1,
    };

    #[test]
    fn dpi_of_common_panels() {
        assert!((PORTRAIT_32_IN.dpi() - 68.8).abs() < 0.5);
        assert!((LANDSCAPE_21_IN.dpi() - 102.5).abs() < 0.5);
    }

    #[test]
    fn touch_targets_are_at_least_20_mm_everywhere() {
        for screen in [PORTRAIT_32_IN, LANDSCAPE_21_IN, SMALL_DENSE] {
            for large in [false, true] {
                let t = Typography::for_screen(&screen, large);
                let mm = t.touch_target_px * 25.4 / screen.dpi();
                assert!(
                    mm >= TOUCH_TARGET_MM_MIN,
                    "{screen:?} large={large}: {mm} mm"
                );
            }
        }
    }

    #[test]
    fn body_text_respects_the_physical_minimum() {
        for screen in [PORTRAIT_32_IN, LANDSCAPE_21_IN, SMALL_DENSE] {
            let t = Typography::for_screen(&screen, false);
            let mm = t.body_px * 25.4 / screen.dpi();
            assert!(mm >= BODY_TEXT_MM_MIN - 0.1, "{screen:?}: {mm} mm");
        }
    }

    #[test]
    fn larger_text_is_larger_and_uses_fewer_columns() {
        let normal = Typography::for_screen(&PORTRAIT_32_IN, false);
        let large = Typography::for_screen(&PORTRAIT_32_IN, true);
        assert!(large.body_px > normal.body_px * 1.3);
        assert!(large.tile_columns < normal.tile_columns);
        assert_eq!(
            Typography::for_screen(&LANDSCAPE_21_IN, false).tile_columns,
            3
        );
    }
}
