//! "Sudah booking?": the booking code typed on an on-screen keypad of the code's alphabet
//! (32 keys, big enough for a finger), shown in groups as it grows. A USB scanner's scan
//! checks in from any screen (`glue::scan_codes`); this screen is for typing.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::booking_code::{CODE_LEN, KEYS, display};
use crate::model::contrast::palette;
use crate::ui::widgets::{ButtonKind, back_button, button, centered_text, screen_frame, text};
use crate::ui::{Screen, TapAction};

/// Keys per keypad row: 8 rows of 4 would not fit a landscape panel, 4 rows of 8 do, and
/// in portrait the keys still exceed the touch target.
const KEYS_PER_ROW: u16 = 8;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::BookingCode), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let typed = inputs.session.booking_code.clone();
    screen_frame(
        &mut commands,
        Screen::BookingCode,
        &frame,
        true,
        |body| {
            text(
                body,
                &frame,
                strings.get("booking_title"),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            text(
                body,
                &frame,
                strings.get("booking_hint"),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
            centered_text(
                body,
                &frame,
                display(&typed),
                sizes.number_px * 0.42,
                true,
                palette::TEXT,
            );
            body.spawn(Node {
                display: Display::Grid,
                grid_template_columns: RepeatedGridTrack::flex(KEYS_PER_ROW, 1.0),
                column_gap: Val::Px(sizes.gap_px * 0.5),
                row_gap: Val::Px(sizes.gap_px * 0.5),
                width: Val::Percent(100.0),
                ..default()
            })
            .with_children(|pad| {
                for key in KEYS.chars() {
                    button(
                        pad,
                        &frame,
                        key.to_string(),
                        TapAction::CodeKey(key),
                        ButtonKind::Tile,
                        false,
                    );
                }
            });
            body.spawn(Node {
                column_gap: Val::Px(sizes.gap_px),
                width: Val::Percent(100.0),
                ..default()
            })
            .with_children(|row| {
                button(
                    row,
                    &frame,
                    strings.get("booking_delete"),
                    TapAction::CodeDelete,
                    ButtonKind::Secondary,
                    false,
                );
                button(
                    row,
                    &frame,
                    strings.get("booking_check_in"),
                    TapAction::CheckIn,
                    ButtonKind::Primary,
                    true,
                );
            });
            if typed.len() < CODE_LEN {
                text(
                    body,
                    &frame,
                    strings.get("booking_incomplete"),
                    sizes.body_px,
                    false,
                    palette::TEXT_MUTED,
                );
            }
        },
        |footer| back_button(footer, &frame),
    );
}
