//! A fullscreen kiosk covers its whole panel, also where no window manager runs.
//!
//! winit asks for fullscreen through a window-manager hint (`_NET_WM_STATE_FULLSCREEN` on
//! X11), and bevy requests no window size for a fullscreen window. A kiosk PC started as a
//! bare X session (`xinit antrean-kiosk`, no window manager) has nobody to honour the hint:
//! the window came up at winit's default 800×600 in a corner of the panel while bevy laid
//! out for the panel's size, so the screen was cropped. Under a compositor that does
//! fullscreen (cage, the unit in firmware-config/kiosk) the window already has the panel's
//! size and this does nothing.

use bevy::ecs::system::NonSendMarker;
use bevy::prelude::*;
use bevy::window::{Monitor, PrimaryMonitor, PrimaryWindow, WindowMode};
use bevy::winit::WINIT_WINDOWS;
use winit::dpi::{PhysicalPosition, PhysicalSize};

/// Resize requests before giving up: a window manager that refuses the size would otherwise
/// be asked again on every frame.
const MAX_RESIZE_REQUESTS: u8 = 3;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, cover_the_monitor);
}

/// A fullscreen window whose real (winit) size is not its monitor's is moved to the
/// monitor's corner and given its size. bevy's own `Window` cannot be trusted here: it still
/// holds the size asked for, which no window event corrected.
fn cover_the_monitor(
    windows: Query<(Entity, &Window), With<PrimaryWindow>>,
    monitors: Query<&Monitor, With<PrimaryMonitor>>,
    mut requests: Local<u8>,
    _main_thread: NonSendMarker,
) {
    let (Ok((entity, window)), Ok(monitor)) = (windows.single(), monitors.single()) else {
        return;
    };
    if !matches!(window.mode, WindowMode::BorderlessFullscreen(_))
        || *requests >= MAX_RESIZE_REQUESTS
    {
        return;
    }
    let target = PhysicalSize::new(monitor.physical_width, monitor.physical_height);
    if target.width == 0 || target.height == 0 {
        return;
    }
    WINIT_WINDOWS.with_borrow(|winit_windows| {
        let Some(winit_window) = winit_windows.get_window(entity) else {
            return;
        };
        let size = winit_window.inner_size();
        if size == target {
            return;
        }
        *requests += 1;
        tracing::info!(
            "fullscreen window is {}×{}, its monitor {}×{}: resizing it (no window manager?)",
            size.width,
            size.height,
            target.width,
            target.height
        );
        let corner = monitor.physical_position;
        winit_window.set_outer_position(PhysicalPosition::new(corner.x, corner.y));
        // `None`: the size arrives as a resize event, which bevy applies to its `Window`.
        let _ = winit_window.request_inner_size(target);
    });
}
