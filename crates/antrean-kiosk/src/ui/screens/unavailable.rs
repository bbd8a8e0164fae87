//! Closed today, holiday, break, not yet open, past cut-off, quota reached — with the
//! coordinator's own explanation (it knows the hours).

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::unavailable_view;
use crate::ui::widgets::{
    ButtonKind, button, centered_column, centered_text, screen_frame, status_band,
};
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
            centered_column(body, sizes.gap_px, |c| {
                centered_text(
                    c,
                    &frame,
                    view.title.clone(),
                    sizes.title_px,
                    true,
                    palette::TEXT,
                );
                status_band(
                    c,
                    &frame,
                    palette::WARNING,
                    view.reason.clone(),
                    sizes.title_px,
                );
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
