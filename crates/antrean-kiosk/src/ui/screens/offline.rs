//! The coordinator is unreachable: no number without a commit. The screen leaves by itself
//! when the connection is back.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::ui::Screen;
use crate::ui::widgets::{centered_column, centered_text, home_button, screen_frame, status_band};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Offline), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    screen_frame(
        &mut commands,
        Screen::Offline,
        &frame,
        false,
        |body| {
            centered_column(body, sizes.gap_px, |c| {
                status_band(
                    c,
                    &frame,
                    palette::WARNING,
                    strings.get("offline_title"),
                    sizes.title_px,
                );
                centered_text(
                    c,
                    &frame,
                    strings.get("offline_body"),
                    sizes.heading_px,
                    false,
                    palette::TEXT,
                );
                centered_text(
                    c,
                    &frame,
                    strings.get("reconnecting"),
                    sizes.body_px,
                    false,
                    palette::TEXT_MUTED,
                );
            });
        },
        // A way back: the attract screen says the kiosk is offline too and leaves the
        // visitor free to wait there (or go to a counter) rather than on an error.
        |footer| home_button(footer, &frame),
    );
}
