//! The ticket: the big number, people ahead, wait band, counters, the digital-ticket QR and
//! printing progress. Shown only for a committed ticket.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::ResultView;
use crate::model::contrast::palette;
use crate::ui::widgets::{
    ButtonKind, Frame, Parent, button, card, centered_text, qr_node, screen_frame, status_band,
    text,
};
use crate::ui::{PrintState, Screen, TapAction};

/// The hint that the QR is further down (large text).
#[derive(Component)]
pub struct QrBelowCue;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Result), spawn);
}

fn spawn(mut commands: Commands, mut inputs: ScreenInputs) {
    let Some((view, qr)) = inputs.ticket_view() else {
        return;
    };
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let progress = match &inputs.session.print {
        PrintState::Printed => strings.get("printed"),
        PrintState::DigitalOnly => strings.get("digital_only"),
        _ => strings.get("printing"),
    };
    // Side by side only in landscape at normal size: large text needs the full width.
    let portrait = inputs.settings.screen.is_portrait() || inputs.session.large_text;
    screen_frame(
        &mut commands,
        Screen::Result,
        &frame,
        true,
        |body| {
            // Printing progress first: it stays in view when large text makes the body scroll.
            status_band(body, &frame, palette::PRIMARY, progress, sizes.heading_px);
            // Large text stacks everything, and the QR ends up below the screen's edge: say
            // where it is and how to reach it.
            if inputs.session.large_text && qr.is_some() {
                body.spawn((
                    QrBelowCue,
                    Node {
                        flex_shrink: 0.0,
                        ..default()
                    },
                ))
                .with_children(|cue| {
                    centered_text(
                        cue,
                        &frame,
                        strings.get("qr_below"),
                        sizes.body_px,
                        true,
                        palette::PRIMARY,
                    );
                });
            }
            body.spawn(Node {
                flex_grow: 1.0,
                flex_direction: if portrait {
                    FlexDirection::Column
                } else {
                    FlexDirection::Row
                },
                align_items: AlignItems::Center,
                justify_content: JustifyContent::SpaceEvenly,
                column_gap: Val::Px(sizes.gap_px * 2.0),
                row_gap: Val::Px(sizes.gap_px),
                ..default()
            })
            .with_children(|main| {
                main.spawn(Node {
                    flex_direction: FlexDirection::Column,
                    align_items: AlignItems::Center,
                    row_gap: Val::Px(sizes.gap_px * 0.5),
                    ..default()
                })
                .with_children(|left| ticket_lines(left, &frame, &view));
                main.spawn(Node {
                    flex_direction: FlexDirection::Column,
                    row_gap: Val::Px(sizes.gap_px * 0.5),
                    align_items: AlignItems::Center,
                    ..default()
                })
                .with_children(|right| where_to_go(right, &frame, &view, qr.as_ref()));
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

/// The number and what the visitor needs to know about it.
fn ticket_lines(left: &mut Parent, frame: &Frame, view: &ResultView) {
    let sizes = frame.sizes.0;
    let strings = &frame.texts.0;
    centered_text(
        left,
        frame,
        strings.get("your_number"),
        sizes.heading_px,
        false,
        palette::TEXT,
    );
    centered_text(
        left,
        frame,
        view.number.clone(),
        sizes.number_px,
        true,
        palette::TEXT,
    );
    centered_text(
        left,
        frame,
        view.service_name.clone(),
        sizes.heading_px,
        true,
        palette::TEXT,
    );
    if let Some(label) = &view.priority_label {
        centered_text(
            left,
            frame,
            label.clone(),
            sizes.body_px,
            true,
            palette::TEXT,
        );
    }
    centered_text(
        left,
        frame,
        view.people_ahead.clone(),
        sizes.heading_px,
        false,
        palette::TEXT,
    );
    if let Some(band) = &view.wait_band {
        centered_text(
            left,
            frame,
            band.clone(),
            sizes.body_px,
            false,
            palette::TEXT_MUTED,
        );
    }
    for line in &view.booking_lines {
        centered_text(
            left,
            frame,
            line.clone(),
            sizes.body_px,
            true,
            palette::TEXT,
        );
    }
    if let Some(warning) = &view.closing_warning {
        centered_text(
            left,
            frame,
            warning.clone(),
            sizes.body_px,
            true,
            palette::WARNING,
        );
    }
}

/// Where to go, and the digital ticket's QR.
fn where_to_go(right: &mut Parent, frame: &Frame, view: &ResultView, qr: Option<&Handle<Image>>) {
    let sizes = frame.sizes.0;
    let strings = &frame.texts.0;
    card(right, frame, |c| {
        text(
            c,
            frame,
            strings.get("go_to"),
            sizes.body_px,
            true,
            palette::TEXT,
        );
        for line in &view.counters {
            text(c, frame, line.clone(), sizes.body_px, false, palette::TEXT);
        }
    });
    if let Some(qr) = qr {
        qr_node(right, frame, qr);
    }
    centered_text(
        right,
        frame,
        strings.get("scan_qr"),
        sizes.body_px,
        false,
        palette::TEXT_MUTED,
    );
}
