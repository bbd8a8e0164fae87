//! The ticket is committed but not on paper: the number and its QR stay on screen, the
//! visitor is told, and the coordinator has been sent the printer's health (glue.rs).

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::printer_problem_reason;
use crate::ui::widgets::{ButtonKind, button, centered_text, qr_node, screen_frame, status_band};
use crate::ui::{PrintState, Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::PrinterProblem), spawn);
}

fn spawn(mut commands: Commands, mut inputs: ScreenInputs) {
    let Some((view, qr)) = inputs.ticket_view() else {
        return;
    };
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let reason = match &inputs.session.print {
        PrintState::Failed { health_code } => printer_problem_reason(health_code, strings),
        _ => strings.get("printer_error"),
    };
    screen_frame(
        &mut commands,
        Screen::PrinterProblem,
        &frame,
        true,
        |body| {
            status_band(
                body,
                &frame,
                palette::WARNING,
                format!("{} — {reason}", strings.get("printer_problem_title")),
                sizes.heading_px,
            );
            body.spawn(Node {
                flex_grow: 1.0,
                flex_direction: FlexDirection::Column,
                align_items: AlignItems::Center,
                justify_content: JustifyContent::SpaceEvenly,
                ..default()
            })
            .with_children(|c| {
                centered_text(
                    c,
                    &frame,
                    strings.get("your_number"),
                    sizes.heading_px,
                    false,
                    palette::TEXT,
                );
                centered_text(
                    c,
                    &frame,
                    view.number.clone(),
                    sizes.number_px,
                    true,
                    palette::TEXT,
                );
                centered_text(
                    c,
                    &frame,
                    view.people_ahead.clone(),
                    sizes.heading_px,
                    false,
                    palette::TEXT,
                );
                if let Some(qr) = &qr {
                    qr_node(c, &frame, qr);
                }
                centered_text(
                    c,
                    &frame,
                    strings.get("printer_problem_body"),
                    sizes.body_px,
                    false,
                    palette::TEXT,
                );
            });
        },
        |footer| {
            button(
                footer,
                &frame,
                strings.get("done"),
                TapAction::Home,
                ButtonKind::Primary,
                true,
            )
        },
    );
}
