//! Attract screen: site name, date and time in Indonesian, the numbers being served, the
//! quarter's published satisfaction index, and the invitation to touch. The whole screen is
//! one tap target.

use antrean_core::time::{TimeZone, Timestamp};
use antrean_protocol::TicketView;
use bevy::prelude::*;

use super::ScreenInputs;
use crate::model::contrast::palette;
use crate::model::ikm_line;
use crate::ui::widgets::{self, Frame, Parent, centered_text, color};
use crate::ui::{Screen, TapAction};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Idle), spawn)
        .add_systems(Update, tick_clock.run_if(in_state(Screen::Idle)));
}

#[derive(Component)]
struct ClockText;

/// "Minggu, 29 November 2026 · 08.05 WIB" for the site's zone.
fn clock_line(zone_label: &str) -> String {
    let zone = TimeZone::parse(zone_label).unwrap_or(TimeZone::Wib);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let local = zone.local(Timestamp(now_ms));
    format!(
        "{}, {} · {} {}",
        local.date.weekday().name_id(),
        local.date.format_id(),
        local.time.format_id(),
        zone.label()
    )
}

fn spawn(mut commands: Commands, inputs: ScreenInputs) {
    let frame = inputs.frame();
    let sizes = inputs.sizes.0;
    let strings = &inputs.texts.0;
    let zone = inputs
        .site
        .catalog
        .as_ref()
        .map_or("WIB", |c| c.site.time_zone.as_str())
        .to_owned();
    let address = inputs
        .site
        .catalog
        .as_ref()
        .map(|c| c.site.address.clone())
        .unwrap_or_default();
    commands
        .spawn((
            DespawnOnExit(Screen::Idle),
            TapAction::Start,
            Button,
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                flex_direction: FlexDirection::Column,
                align_items: AlignItems::Center,
                justify_content: JustifyContent::SpaceEvenly,
                padding: UiRect::all(Val::Px(sizes.gap_px * 2.0)),
                ..default()
            },
            BackgroundColor(color(palette::HEADER)),
        ))
        .with_children(|root| {
            centered_text(
                root,
                &frame,
                strings.get("app_name").to_uppercase(),
                sizes.title_px,
                true,
                palette::ON_DARK,
            );
            centered_text(
                root,
                &frame,
                frame.site_name,
                sizes.title_px * 1.3,
                true,
                palette::ON_DARK,
            );
            centered_text(
                root,
                &frame,
                address,
                sizes.body_px,
                false,
                palette::ON_DARK,
            );
            root.spawn((
                ClockText,
                Text::new(clock_line(&zone)),
                widgets::font(&frame.fonts.regular, sizes.heading_px),
                TextColor(color(palette::ON_DARK)),
                Pickable::IGNORE,
            ));
            // Now serving: a white card so the numbers read like the display board.
            root.spawn((
                Node {
                    flex_direction: FlexDirection::Column,
                    align_items: AlignItems::Center,
                    padding: UiRect::all(Val::Px(sizes.gap_px)),
                    row_gap: Val::Px(sizes.gap_px * 0.5),
                    min_width: Val::Percent(70.0),
                    border_radius: BorderRadius::all(Val::Px(sizes.gap_px)),
                    ..default()
                },
                BackgroundColor(color(palette::TILE)),
                Pickable::IGNORE,
            ))
            .with_children(|card| now_serving(card, &frame, &inputs.site.recent_calls));
            if let Some(ikm) = &inputs.site.ikm {
                centered_text(
                    root,
                    &frame,
                    ikm_line(strings, ikm),
                    sizes.body_px,
                    false,
                    palette::ON_DARK,
                );
            }
            // Offline: said on the attract screen too, before anyone touches it (a tap still
            // leads to the offline screen, which explains and offers the way back).
            if !inputs.site.online {
                widgets::status_band(
                    root,
                    &frame,
                    palette::WARNING,
                    strings.get("offline_title"),
                    sizes.heading_px,
                );
            } else {
                touch_to_start(root, &frame);
            }
            // Its own tap target inside the screen-wide one: booked visitors check in.
            widgets::button(
                root,
                &frame,
                strings.get("booking_entry"),
                TapAction::Booking,
                widgets::ButtonKind::Secondary,
                false,
            );
        });
}

/// The invitation to touch, as a big button-like band (the whole screen is the target).
fn touch_to_start(root: &mut Parent, frame: &Frame) {
    let sizes = frame.sizes.0;
    let strings = &frame.texts.0;
    root.spawn((
        Node {
            padding: UiRect::axes(Val::Px(sizes.gap_px * 2.0), Val::Px(sizes.gap_px)),
            min_height: Val::Px(sizes.touch_target_px),
            align_items: AlignItems::Center,
            border_radius: BorderRadius::all(Val::Px(sizes.gap_px)),
            ..default()
        },
        BackgroundColor(color(palette::PRIMARY)),
        Pickable::IGNORE,
    ))
    .with_children(|cta| {
        centered_text(
            cta,
            frame,
            strings.get("touch_to_start"),
            sizes.title_px,
            true,
            palette::ON_DARK,
        );
    });
}

/// The last numbers called, as the display board shows them.
fn now_serving(card: &mut Parent, frame: &Frame, recent_calls: &[TicketView]) {
    let sizes = frame.sizes.0;
    let strings = &frame.texts.0;
    centered_text(
        card,
        frame,
        strings.get("now_serving"),
        sizes.heading_px,
        true,
        palette::TEXT,
    );
    let calls: Vec<_> = recent_calls
        .iter()
        .filter(|t| t.counter.is_some())
        .take(4)
        .collect();
    if calls.is_empty() {
        centered_text(
            card,
            frame,
            strings.get("now_serving_none"),
            sizes.body_px,
            false,
            palette::TEXT_MUTED,
        );
    }
    for call in calls {
        let counter = strings.fill(
            "at_counter",
            &[("counter", call.counter.as_deref().unwrap_or("-"))],
        );
        centered_text(
            card,
            frame,
            format!("{}  →  {counter}", call.number),
            sizes.heading_px,
            true,
            palette::TEXT,
        );
    }
}

fn tick_clock(inputs: ScreenInputs, mut clocks: Query<&mut Text, With<ClockText>>) {
    let zone = inputs
        .site
        .catalog
        .as_ref()
        .map_or("WIB", |c| c.site.time_zone.as_str());
    for mut text in &mut clocks {
        let line = clock_line(zone);
        if text.0 != line {
            text.0 = line;
        }
    }
}
