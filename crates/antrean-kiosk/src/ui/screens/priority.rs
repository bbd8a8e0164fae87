//! The priority question (UU 25/2009 Pasal 29): the classes this service accepts, and the
//! regular queue. Staff verify at the counter; the kiosk only asks.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::service_detail;
use crate::ui::widgets::{ButtonKind, back_button, button, choice_column, screen_frame, text};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Priority), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let service = inputs.session.service.clone().unwrap_or_default();
    let classes = if inputs.session.check_in_priority {
        // A booking's check-in: its service is known only to the coordinator, which
        // refuses a class the service does not take, in words.
        inputs
            .site
            .catalog
            .as_ref()
            .map(|c| {
                c.priority_classes
                    .iter()
                    .map(|p| {
                        let name = strings.language().pick(&p.name_id, &p.name_en);
                        (p.code.clone(), name.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    } else {
        inputs
            .site
            .catalog
            .as_ref()
            .and_then(|c| service_detail(c, &service, strings))
            .map(|d| d.priority_classes)
            .unwrap_or_default()
    };
    screen_frame(
        &mut commands,
        Screen::Priority,
        &frame,
        true,
        |body| {
            text(
                body,
                &frame,
                strings.get("priority_question"),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            text(
                body,
                &frame,
                strings.get("priority_note"),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
            choice_column(body, &frame, |choices| {
                for (code, name) in &classes {
                    button(
                        choices,
                        &frame,
                        name.clone(),
                        TapAction::ChoosePriority(Some(code.clone())),
                        ButtonKind::Tile,
                        false,
                    );
                }
                button(
                    choices,
                    &frame,
                    strings.get("priority_none"),
                    TapAction::ChoosePriority(None),
                    ButtonKind::Primary,
                    false,
                );
            });
        },
        |footer| back_button(footer, &frame),
    );
}
