//! Agency tiles (drag to scroll when there are many).

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::agency_tiles;
use crate::model::contrast::palette;
use crate::ui::widgets::{ButtonKind, back_button, button, screen_frame, text, tile_grid};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Agency), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let tiles = inputs
        .site
        .catalog
        .as_ref()
        .map(|c| agency_tiles(c, &inputs.settings.offer, inputs.session.language))
        .unwrap_or_default();
    screen_frame(
        &mut commands,
        Screen::Agency,
        &frame,
        true,
        |body| {
            text(
                body,
                &frame,
                strings.get("choose_agency"),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            text(
                body,
                &frame,
                strings.get("drag_hint"),
                sizes.body_px,
                false,
                palette::TEXT_MUTED,
            );
            tile_grid(body, &frame, |grid| {
                for tile in &tiles {
                    let count = strings.count("services_count", tile.service_count as u64);
                    button(
                        grid,
                        &frame,
                        format!("{}\n{count}", tile.name),
                        TapAction::ChooseAgency(tile.code.clone()),
                        ButtonKind::Tile,
                        false,
                    );
                }
            });
        },
        |footer| back_button(footer, &frame),
    );
}
