//! Waiting for the committed ticket (milliseconds normally; the network thread gives up
//! after `net::ISSUE_DEADLINE` and the kiosk shows the offline screen).

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::ui::Screen;
use crate::ui::widgets::{centered_column, centered_text, screen_frame};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Issuing), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    screen_frame(
        &mut commands,
        Screen::Issuing,
        &frame,
        false,
        |body| {
            centered_column(body, sizes.gap_px, |c| {
                centered_text(
                    c,
                    &frame,
                    strings.get("issuing"),
                    sizes.title_px,
                    true,
                    palette::TEXT,
                );
                centered_text(
                    c,
                    &frame,
                    strings.get("please_wait"),
                    sizes.heading_px,
                    false,
                    palette::TEXT_MUTED,
                );
            });
        },
        |_| {},
    );
}
