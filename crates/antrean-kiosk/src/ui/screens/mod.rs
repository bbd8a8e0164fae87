//! One plugin per screen. Each spawns its tree on `OnEnter` with `DespawnOnExit`, from the
//! view models; re-entering a screen (language, "Perbesar teks", fresh data) rebuilds it.

mod agency;
mod booking;
mod detail;
mod idle;
mod issuing;
mod language;
mod offline;
mod printer_problem;
mod priority;
mod result;
mod service;
mod unavailable;

pub use result::QrBelowCue;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::widgets::Frame;
use crate::model::{ResultView, result_view};

/// Screen pixels per QR module on the result screens: scannable from a phone held at arm's
/// length in front of the kiosk.
const QR_MODULE_PX: u32 = 8;
use super::{KioskSettings, Session, SiteData, Sizes, Texts, UiFonts};

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((
        idle::plugin,
        language::plugin,
        agency::plugin,
        service::plugin,
        detail::plugin,
        priority::plugin,
        issuing::plugin,
        result::plugin,
        unavailable::plugin,
        offline::plugin,
        printer_problem::plugin,
        booking::plugin,
    ));
}

/// What every screen reads to draw itself.
#[derive(SystemParam)]
pub(crate) struct ScreenInputs<'w> {
    texts: Res<'w, Texts>,
    sizes: Res<'w, Sizes>,
    fonts: Res<'w, UiFonts>,
    site: Res<'w, SiteData>,
    session: Res<'w, Session>,
    settings: Res<'w, KioskSettings>,
    images: Option<ResMut<'w, Assets<Image>>>,
}

impl ScreenInputs<'_> {
    /// The committed ticket's view and its digital-ticket QR (the result and printer-problem
    /// screens); `None` before a ticket or a catalog exists.
    fn ticket_view(&mut self) -> Option<(ResultView, Option<Handle<Image>>)> {
        let ticket = self.session.ticket.as_ref()?;
        let catalog = self.site.catalog.as_ref()?;
        let view = result_view(
            ticket,
            catalog,
            &self.texts.0,
            &self.settings.public_base_url,
        );
        let qr = view
            .qr_url
            .as_deref()
            .and_then(|url| qr_image(&mut self.images, url, QR_MODULE_PX));
        Some((view, qr))
    }

    fn frame(&self) -> Frame<'_> {
        Frame {
            texts: &self.texts,
            sizes: &self.sizes,
            fonts: &self.fonts,
            site_name: self
                .site
                .catalog
                .as_ref()
                .map_or("Antrean", |c| c.site.name.as_str()),
            large_text: self.session.large_text,
            portrait: self.settings.screen.is_portrait(),
        }
    }
}

/// The QR for `url` as a UI image (none without an image store, e.g. in logic-only apps).
fn qr_image(
    images: &mut Option<ResMut<Assets<Image>>>,
    url: &str,
    module_px: u32,
) -> Option<Handle<Image>> {
    use bevy::asset::RenderAssetUsages;
    use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
    let qr = crate::model::qr::qr_image(url, module_px)?;
    let image = Image::new(
        Extent3d {
            width: qr.size_px,
            height: qr.size_px,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        qr.rgba,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    Some(images.as_mut()?.add(image))
}
