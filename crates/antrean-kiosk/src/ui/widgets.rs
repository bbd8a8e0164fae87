//! Building blocks every screen uses: the screen frame (header with the site name, the
//! language and "Perbesar teks" buttons; body; footer), text, buttons and tiles.

use bevy::ecs::relationship::RelatedSpawnerCommands;
use bevy::prelude::*;
use bevy::text::{FontSize, Justify, LineBreak, TextLayout};

use super::{Screen, Sizes, Texts, UiFonts, glue::TapAction};
use crate::model::contrast::{Rgb, palette};

/// A parent to spawn children into.
pub type Parent<'a> = RelatedSpawnerCommands<'a, ChildOf>;

/// bevy colour from a palette entry.
pub fn color(rgb: Rgb) -> Color {
    Color::srgb_u8(rgb.0, rgb.1, rgb.2)
}

/// Marks the scrollable body of a screen (drag-to-scroll).
#[derive(Component)]
pub struct ScrollArea {
    start_px: Vec2,
}

/// What the frame needs to draw.
pub struct Frame<'a> {
    /// Texts.
    pub texts: &'a Texts,
    /// Sizes.
    pub sizes: &'a Sizes,
    /// Fonts.
    pub fonts: &'a UiFonts,
    /// Site name for the header.
    pub site_name: &'a str,
    /// "Perbesar teks" is on (the toggle then offers "Teks normal").
    pub large_text: bool,
    /// The panel is mounted portrait: choices go to the lower part of the screen, within
    /// reach of a visitor in a wheelchair (the top of a tall panel is not).
    pub portrait: bool,
}

/// Where choices sit in the body: on a portrait panel, pushed to the bottom (an automatic
/// top margin takes the free space; when the body scrolls there is none and nothing moves).
fn choices_margin(frame: &Frame) -> UiRect {
    if frame.portrait {
        UiRect::top(Val::Auto)
    } else {
        UiRect::ZERO
    }
}

/// A column of choice buttons (the priority question), low on a portrait panel.
pub fn choice_column(parent: &mut Parent, frame: &Frame, content: impl FnOnce(&mut Parent)) {
    parent
        .spawn(Node {
            flex_direction: FlexDirection::Column,
            row_gap: Val::Px(frame.sizes.0.gap_px),
            margin: choices_margin(frame),
            flex_shrink: 0.0,
            ..default()
        })
        .with_children(content);
}

/// Text style.
pub fn font(handle: &Handle<Font>, size_px: f32) -> TextFont {
    TextFont {
        font: handle.clone().into(),
        font_size: FontSize::Px(size_px),
        ..default()
    }
}

/// A line (or paragraph) of text.
pub fn text(
    parent: &mut Parent,
    frame: &Frame,
    content: impl Into<String>,
    size_px: f32,
    bold: bool,
    rgb: Rgb,
) {
    aligned_text(
        parent,
        frame,
        content.into(),
        size_px,
        bold,
        rgb,
        Justify::Left,
    );
}

/// Centred text.
pub fn centered_text(
    parent: &mut Parent,
    frame: &Frame,
    content: impl Into<String>,
    size_px: f32,
    bold: bool,
    rgb: Rgb,
) {
    aligned_text(
        parent,
        frame,
        content.into(),
        size_px,
        bold,
        rgb,
        Justify::Center,
    );
}

fn aligned_text(
    parent: &mut Parent,
    frame: &Frame,
    content: String,
    size_px: f32,
    bold: bool,
    rgb: Rgb,
    justify: Justify,
) {
    let handle = if bold {
        &frame.fonts.bold
    } else {
        &frame.fonts.regular
    };
    parent.spawn((
        Text::new(content),
        font(handle, size_px),
        TextColor(color(rgb)),
        TextLayout::new(justify, LineBreak::WordBoundary),
        Pickable::IGNORE,
    ));
}

/// Button looks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ButtonKind {
    /// The main action (green, white text).
    Primary,
    /// Back, language, larger text.
    Secondary,
    /// A tile in a picker (white card with border).
    Tile,
}

/// A button at least one touch target high, carrying its [`TapAction`].
pub fn button(
    parent: &mut Parent,
    frame: &Frame,
    label: impl Into<String>,
    action: TapAction,
    kind: ButtonKind,
    grow: bool,
) {
    let sizes = frame.sizes.0;
    let (background, text_rgb) = match kind {
        ButtonKind::Primary => (palette::PRIMARY, palette::ON_DARK),
        ButtonKind::Secondary => (palette::SECONDARY, palette::TEXT),
        ButtonKind::Tile => (palette::TILE, palette::TEXT),
    };
    let label = label.into();
    parent
        .spawn((
            Button,
            action,
            Node {
                min_height: Val::Px(sizes.touch_target_px),
                min_width: Val::Px(sizes.touch_target_px),
                padding: UiRect::axes(Val::Px(sizes.gap_px), Val::Px(sizes.gap_px * 0.5)),
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                flex_grow: if grow { 1.0 } else { 0.0 },
                border: UiRect::all(Val::Px(2.0)),
                border_radius: BorderRadius::all(Val::Px(sizes.gap_px * 0.6)),
                ..default()
            },
            BackgroundColor(color(background)),
            BorderColor::all(color(palette::TILE_BORDER)),
        ))
        .with_children(|b| {
            let size = if kind == ButtonKind::Primary {
                sizes.heading_px
            } else {
                sizes.body_px
            };
            centered_text(b, frame, label, size, true, text_rgb);
        });
}

/// The footer's "Kembali" button (one step back in the flow), then "Beranda" (back to the
/// start from any depth: a visitor who went astray or changed their mind).
pub fn back_button(footer: &mut Parent, frame: &Frame) {
    button(
        footer,
        frame,
        frame.texts.0.get("back"),
        TapAction::Back,
        ButtonKind::Secondary,
        false,
    );
    home_button(footer, frame);
}

/// "Beranda": back to the attract screen, the visit's choices forgotten.
pub fn home_button(footer: &mut Parent, frame: &Frame) {
    button(
        footer,
        frame,
        frame.texts.0.get("home"),
        TapAction::Home,
        ButtonKind::Secondary,
        false,
    );
}

/// Marks the digital ticket's QR on screen.
#[derive(Component)]
pub struct DigitalTicketQr;

/// The digital ticket's QR at the size a phone scans from arm's length.
pub fn qr_node(parent: &mut Parent, frame: &Frame, qr: &Handle<Image>) {
    let side = Val::Px(frame.sizes.0.touch_target_px * 3.5);
    parent.spawn((
        DigitalTicketQr,
        ImageNode::new(qr.clone()),
        Node {
            width: side,
            height: side,
            ..default()
        },
    ));
}

/// A column in the middle of a screen's body, its children centred with the layout gap
/// between them (the message screens: issuing, offline, unavailable).
pub fn centered_column(parent: &mut Parent, gap_px: f32, content: impl FnOnce(&mut Parent)) {
    parent
        .spawn(Node {
            flex_grow: 1.0,
            flex_direction: FlexDirection::Column,
            justify_content: JustifyContent::Center,
            align_items: AlignItems::Center,
            row_gap: Val::Px(gap_px),
            ..default()
        })
        .with_children(content);
}

/// A coloured band with one bold line of light text: the printing progress on the result
/// screen, the printer problem, "offline" and "unavailable" titles.
pub fn status_band(
    parent: &mut Parent,
    frame: &Frame,
    background: Rgb,
    content: impl Into<String>,
    size_px: f32,
) {
    let sizes = frame.sizes.0;
    parent
        .spawn((
            Node {
                padding: UiRect::all(Val::Px(sizes.gap_px)),
                justify_content: JustifyContent::Center,
                ..default()
            },
            BackgroundColor(color(background)),
        ))
        .with_children(|band| centered_text(band, frame, content, size_px, true, palette::ON_DARK));
}

/// The screen frame. Returns nothing; `body` fills the middle, `footer` the bottom bar.
pub fn screen_frame(
    commands: &mut Commands,
    screen: Screen,
    frame: &Frame,
    scrollable: bool,
    body: impl FnOnce(&mut Parent),
    footer: impl FnOnce(&mut Parent),
) {
    let sizes = frame.sizes.0;
    let gap = Val::Px(sizes.gap_px);
    commands
        .spawn((
            DespawnOnExit(screen),
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                flex_direction: FlexDirection::Column,
                ..default()
            },
            BackgroundColor(color(palette::BACKGROUND)),
        ))
        .with_children(|root| {
            header_bar(root, frame);
            // Body.
            // `min_height: 0` lets the body shrink below its content (which then scrolls or
            // is clipped) instead of pushing the footer off the screen.
            let mut body_node = root.spawn(Node {
                flex_grow: 1.0,
                min_height: Val::Px(0.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(gap),
                row_gap: gap,
                overflow: if scrollable {
                    Overflow::scroll_y()
                } else {
                    Overflow::clip()
                },
                ..default()
            });
            if scrollable {
                body_node
                    .insert((
                        ScrollPosition::default(),
                        ScrollArea {
                            start_px: Vec2::ZERO,
                        },
                    ))
                    .observe(drag_start)
                    .observe(drag_scroll);
            }
            body_node.with_children(body);
            // Footer.
            root.spawn((
                Node {
                    width: Val::Percent(100.0),
                    padding: UiRect::all(gap),
                    column_gap: gap,
                    ..default()
                },
                BackgroundColor(color(palette::SECONDARY)),
            ))
            .with_children(footer);
        });
}

/// The header every screen shares: the site name, and "Perbesar teks" always within reach.
fn header_bar(root: &mut Parent, frame: &Frame) {
    let sizes = frame.sizes.0;
    root.spawn((
        Node {
            width: Val::Percent(100.0),
            padding: UiRect::all(Val::Px(sizes.gap_px)),
            column_gap: Val::Px(sizes.gap_px),
            align_items: AlignItems::Center,
            justify_content: JustifyContent::SpaceBetween,
            ..default()
        },
        BackgroundColor(color(palette::HEADER)),
    ))
    .with_children(|header| {
        header
            .spawn(Node {
                flex_shrink: 1.0,
                flex_grow: 1.0,
                ..default()
            })
            .with_children(|name| {
                text(
                    name,
                    frame,
                    frame.site_name,
                    sizes.heading_px,
                    true,
                    palette::ON_DARK,
                );
            });
        let toggle = if frame.large_text {
            "normal_text"
        } else {
            "larger_text"
        };
        button(
            header,
            frame,
            frame.texts.0.get(toggle),
            TapAction::ToggleLargeText,
            ButtonKind::Secondary,
            false,
        );
    });
}

fn drag_start(start: On<Pointer<DragStart>>, mut areas: Query<(&ComputedNode, &mut ScrollArea)>) {
    if let Ok((node, mut area)) = areas.get_mut(start.entity) {
        area.start_px = node.scroll_position * node.inverse_scale_factor;
    }
}

fn drag_scroll(drag: On<Pointer<Drag>>, mut areas: Query<(&mut ScrollPosition, &ScrollArea)>) {
    if let Ok((mut position, area)) = areas.get_mut(drag.entity) {
        position.0 = (area.start_px - drag.distance).max(Vec2::ZERO);
    }
}

/// A grid of tiles, `columns` wide.
pub fn tile_grid(parent: &mut Parent, frame: &Frame, tiles: impl FnOnce(&mut Parent)) {
    let sizes = frame.sizes.0;
    parent
        .spawn(Node {
            display: Display::Grid,
            grid_template_columns: RepeatedGridTrack::flex(sizes.tile_columns, 1.0),
            column_gap: Val::Px(sizes.gap_px),
            row_gap: Val::Px(sizes.gap_px),
            width: Val::Percent(100.0),
            margin: choices_margin(frame),
            flex_shrink: 0.0,
            ..default()
        })
        .with_children(tiles);
}

/// A card: white box with a border, column of children.
pub fn card(parent: &mut Parent, frame: &Frame, children: impl FnOnce(&mut Parent)) {
    let sizes = frame.sizes.0;
    parent
        .spawn((
            Node {
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(sizes.gap_px)),
                row_gap: Val::Px(sizes.gap_px * 0.4),
                border: UiRect::all(Val::Px(2.0)),
                border_radius: BorderRadius::all(Val::Px(sizes.gap_px * 0.6)),
                flex_shrink: 0.0,
                ..default()
            },
            BackgroundColor(color(palette::TILE)),
            BorderColor::all(color(palette::TILE_BORDER)),
        ))
        .with_children(children);
}
