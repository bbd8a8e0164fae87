//! Service detail: the six published Standar Pelayanan components and the maklumat, then
//! "Ambil Nomor Antrean". Portrait stacks the components; landscape puts them in two columns.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::{ServiceDetail, service_detail};
use crate::ui::widgets::{
    ButtonKind, Frame, Parent, back_button, button, card, screen_frame, text,
};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Detail), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let service = inputs.session.service.clone().unwrap_or_default();
    let detail = inputs
        .site
        .catalog
        .as_ref()
        .and_then(|c| service_detail(c, &service, strings));
    let columns = if inputs.settings.screen.is_portrait() || inputs.session.large_text {
        1
    } else {
        2
    };
    screen_frame(
        &mut commands,
        Screen::Detail,
        &frame,
        true,
        |body| {
            let Some(detail) = &detail else { return };
            text(
                body,
                &frame,
                detail.agency.clone(),
                sizes.heading_px,
                true,
                palette::TEXT_MUTED,
            );
            text(
                body,
                &frame,
                detail.name.clone(),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            body.spawn(Node {
                display: Display::Grid,
                grid_template_columns: RepeatedGridTrack::flex(columns, 1.0),
                column_gap: Val::Px(sizes.gap_px),
                row_gap: Val::Px(sizes.gap_px),
                flex_shrink: 0.0,
                ..default()
            })
            .with_children(|grid| {
                for section in &detail.sections {
                    card(grid, &frame, |c| {
                        text(
                            c,
                            &frame,
                            section.heading.clone(),
                            sizes.heading_px,
                            true,
                            palette::TEXT,
                        );
                        if section.in_indonesian {
                            text(
                                c,
                                &frame,
                                strings.get("in_indonesian"),
                                sizes.body_px,
                                false,
                                palette::TEXT_MUTED,
                            );
                        }
                        for line in &section.lines {
                            text(c, &frame, line.clone(), sizes.body_px, false, palette::TEXT);
                        }
                    });
                }
            });
            maklumat_card(body, &frame, detail);
        },
        |footer| {
            back_button(footer, &frame);
            if detail.is_some() {
                button(
                    footer,
                    &frame,
                    strings.get("take_number"),
                    TapAction::TakeNumber,
                    ButtonKind::Primary,
                    true,
                );
            }
        },
    );
}

/// The maklumat pelayanan (the agency's public service pledge) and the decree behind the
/// standard.
fn maklumat_card(body: &mut Parent, frame: &Frame, detail: &ServiceDetail) {
    let sizes = frame.sizes.0;
    card(body, frame, |c| {
        text(
            c,
            frame,
            detail.maklumat.heading.clone(),
            sizes.heading_px,
            true,
            palette::TEXT,
        );
        if detail.maklumat.in_indonesian {
            text(
                c,
                frame,
                frame.texts.0.get("in_indonesian"),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
        }
        for line in &detail.maklumat.lines {
            text(
                c,
                frame,
                line.clone(),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
        }
        if let Some(decree) = &detail.decree {
            text(
                c,
                frame,
                decree.clone(),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
        }
    });
}
