//! Closed today, holiday, break, not yet open, past cut-off, quota reached — with the
//! coordinator's own explanation (it knows the hours).

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::unavailable_view;
use crate::ui::widgets::{ButtonKind, button, centered_text, color, screen_frame};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Unavailable), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let Some(rejection) = inputs.session.rejection.clone() else {
        return;
    };
    let view = unavailable_view(&rejection, strings);
    screen_frame(
        &mut commands,
        Screen::Unavailable,
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
                centered_text(
                    c,
                    &frame,
                    view.title.clone(),
                    sizes.title_px,
                    true,
                    palette::TEXT,
                );
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
                        view.reason.clone(),
                        sizes.title_px,
                        true,
                        palette::ON_DARK,
                    )
                });
                centered_text(
                    c,
                    &frame,
                    view.detail.clone(),
                    sizes.heading_px,
                    false,
                    palette::TEXT,
                );
            });
        },
        |footer| {
            button(
                footer,
                &frame,
                strings.get("home"),
                TapAction::Home,
                ButtonKind::Primary,
                true,
            )
        },
    );
}
