//! Language choice: Bahasa Indonesia first.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::Language;
use crate::model::contrast::palette;
use crate::ui::widgets::{ButtonKind, button, centered_text, screen_frame};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Language), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    screen_frame(
        &mut commands,
        Screen::Language,
        &frame,
        false,
        |body| {
            centered_text(
                body,
                &frame,
                format!("{} / Choose a language", strings.get("choose_language")),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            body.spawn(Node {
                flex_direction: FlexDirection::Column,
                row_gap: Val::Px(sizes.gap_px),
                flex_grow: 1.0,
                // Low on a portrait panel, within reach from a wheelchair.
                justify_content: if frame.portrait {
                    JustifyContent::FlexEnd
                } else {
                    JustifyContent::Center
                },
                ..default()
            })
            .with_children(|choices| {
                button(
                    choices,
                    &frame,
                    strings.get("language_id"),
                    TapAction::ChooseLanguage(Language::Indonesian),
                    ButtonKind::Primary,
                    false,
                );
                button(
                    choices,
                    &frame,
                    strings.get("language_en"),
                    TapAction::ChooseLanguage(Language::English),
                    ButtonKind::Primary,
                    false,
                );
            });
        },
        |footer| {
            button(
                footer,
                &frame,
                strings.get("home"),
                TapAction::Home,
                ButtonKind::Secondary,
                false,
            )
        },
    );
}
