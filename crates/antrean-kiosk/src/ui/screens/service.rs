//! Service tiles of the chosen agency, with the prefix letter and people waiting.

use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::service_tiles;
use crate::ui::widgets::{ButtonKind, back_button, button, screen_frame, text, tile_grid};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Service), spawn);
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let agency = inputs.session.agency.clone().unwrap_or_default();
    let language = inputs.session.language;
    let (agency_name, tiles) = inputs
        .site
        .catalog
        .as_ref()
        .map(|c| {
            let name = c
                .agencies
                .iter()
                .find(|a| a.code == agency)
                .map(|a| language.pick(&a.name_id, &a.name_en).to_owned());
            (
                name.unwrap_or_default(),
                service_tiles(
                    c,
                    &inputs.settings.offer,
                    &agency,
                    &inputs.site.queue,
                    strings,
                ),
            )
        })
        .unwrap_or_default();
    screen_frame(
        &mut commands,
        Screen::Service,
        &frame,
        true,
        |body| {
            text(
                body,
                &frame,
                agency_name,
                sizes.heading_px,
                true,
                palette::TEXT_MUTED,
            );
            text(
                body,
                &frame,
                strings.get("choose_service"),
                sizes.title_px,
                true,
                palette::TEXT,
            );
            tile_grid(body, &frame, |grid| {
                for tile in &tiles {
                    // Second line: what it costs, and how many wait.
                    let waiting = tile
                        .waiting
                        .map(|n| strings.fill("waiting_count", &[("count", &n.to_string())]));
                    let facts: Vec<String> = tile.fee.iter().cloned().chain(waiting).collect();
                    let facts = if facts.is_empty() {
                        String::new()
                    } else {
                        format!("\n{}", facts.join(" · "))
                    };
                    let label = format!("{} · {}{facts}", tile.prefix, tile.name);
                    button(
                        grid,
                        &frame,
                        label,
                        TapAction::ChooseService(tile.code.clone()),
                        ButtonKind::Tile,
                        false,
                    );
                }
            });
        },
        |footer| back_button(footer, &frame),
    );
}
