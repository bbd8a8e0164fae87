//! The ticket is committed but not on paper: the number and its QR stay on screen, the
//! visitor is told, and the coordinator has been sent the printer's health (glue.rs).

use bevy::prelude::*;

use super::{ScreenInputs, qr_image};
use crate::model::contrast::palette;
use crate::model::{printer_problem_reason, result_view};
use crate::ui::widgets::{ButtonKind, button, centered_text, color, screen_frame};
use crate::ui::{PrintState, Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::PrinterProblem), spawn);
}

fn spawn(mut commands: Commands, mut inputs: ScreenInputs) {
    let (Some(ticket), Some(catalog)) =
        (inputs.session.ticket.clone(), inputs.site.catalog.clone())
    else {
        return;
    };
    let view = result_view(
        &ticket,
        &catalog,
        &inputs.texts.0,
        &inputs.settings.public_base_url,
    );
    let qr = view
        .qr_url
        .as_deref()
        .and_then(|url| qr_image(&mut inputs.images, url, 8));
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
            body.spawn((
                Node {
                    padding: UiRect::all(Val::Px(sizes.gap_px)),
                    justify_content: JustifyContent::Center,
                    ..default()
                },
                BackgroundColor(color(palette::WARNING)),
            ))
            .with_children(|band| {
                centered_text(
                    band,
                    &frame,
                    format!("{} — {reason}", strings.get("printer_problem_title")),
                    sizes.heading_px,
                    true,
                    palette::ON_DARK,
                )
            });
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
                    c.spawn((
                        ImageNode::new(qr.clone()),
                        Node {
                            width: Val::Px(sizes.touch_target_px * 3.5),
                            height: Val::Px(sizes.touch_target_px * 3.5),
                            ..default()
                        },
                    ));
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
