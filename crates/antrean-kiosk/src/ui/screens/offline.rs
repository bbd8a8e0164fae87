//! The coordinator is unreachable: no number without a commit. The screen leaves by itself
//! when the connection is back.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::ui::Screen;
use crate::ui::widgets::{centered_text, color, screen_frame};

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
            body.spawn(Node {
                flex_grow: 1.0,
                flex_direction: FlexDirection::Column,
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                row_gap: Val::Px(sizes.gap_px),
                ..default()
            })
            .with_children(|c| {
                c.spawn((
                    Node {
                        padding: UiRect::all(Val::Px(sizes.gap_px)),
                        ..default()
                    },
                    BackgroundColor(color(palette::WARNING)),
                ))
                .with_children(|band| {
                    centered_text(
                        band,
                        &frame,
                        strings.get("offline_title"),
                        sizes.title_px,
                        true,
                        palette::ON_DARK,
                    )
                });
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
        |_| {},
    );
}
