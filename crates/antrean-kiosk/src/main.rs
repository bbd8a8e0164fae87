//! `antrean-kiosk --config firmware-config/kiosk/lobby-portrait.toml`
//!
//! Opens the kiosk window (fullscreen unless the config or `--windowed` says otherwise),
//! connects to the coordinator and serves visitors until stopped.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antrean_kiosk::config::KioskConfig;
use antrean_kiosk::ui::{KioskPlugin, KioskSettings, NetLink, PrintLink, WakeSchedule};
use antrean_kiosk::{net, print};
use bevy::prelude::*;
use bevy::window::{WindowMode, WindowResolution};
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};
use clap::Parser;

/// The touchscreen kiosk.
#[derive(Parser)]
struct Args {
    /// Kiosk file (firmware-config/kiosk/*.toml).
    #[arg(long)]
    config: PathBuf,
    /// Open a normal window even if the config says fullscreen.
    #[arg(long)]
    windowed: bool,
    /// Print the time to the first rendered frame and exit (cold-start benchmark).
    #[arg(long)]
    exit_after_first_frame: bool,
}

/// The screen only changes on touch, network news, the clock's minute or a screen timeout;
/// the last two are scheduled exactly (`WakeSchedule`). This is only a backstop in case that
/// thread is gone; each wake draws a frame, so it is rare.
const IDLE_WAKE_INTERVAL: Duration = Duration::from_secs(300);

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let args = Args::parse();
    let config = KioskConfig::load(&args.config)?;
    let screen = config.screen;
    let fullscreen = config.fullscreen && !args.windowed;

    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: format!("Antrean — {}", config.name),
                resolution: WindowResolution::new(screen.width_px, screen.height_px)
                    .with_scale_factor_override(1.0),
                mode: if fullscreen {
                    WindowMode::BorderlessFullscreen(MonitorSelection::Primary)
                } else {
                    WindowMode::Windowed
                },
                ..default()
            }),
            ..default()
        }),
    )
    .insert_resource(if args.exit_after_first_frame {
        // The benchmark counts frames as fast as they come, not as the kiosk wakes.
        WinitSettings::continuous()
    } else {
        WinitSettings {
            focused_mode: UpdateMode::reactive_low_power(IDLE_WAKE_INTERVAL),
            unfocused_mode: UpdateMode::reactive_low_power(IDLE_WAKE_INTERVAL),
        }
    })
    .insert_resource(antrean_kiosk::ui::recover_from_render_errors())
    .add_plugins(KioskPlugin {
        settings: settings(&config),
    })
    .add_systems(Startup, |mut commands: Commands| {
        commands.spawn(Camera2d);
    });
    // Said once on stdout: the IT person's (and the demo test's) sign that the panel is drawn.
    let exit_after_first_frame = args.exit_after_first_frame;
    app.add_systems(
        Last,
        move |frames: Res<bevy::diagnostic::FrameCount>, mut exit: MessageWriter<AppExit>| {
            if frames.0 == 2 {
                println!("first frame after {} ms", started.elapsed().as_millis());
                if exit_after_first_frame {
                    exit.write(AppExit::Success);
                }
            }
        },
    );

    let waker = event_loop_waker(&app);
    let net = net::spawn(
        config.coordinator_url.clone(),
        config.token.clone(),
        waker.clone(),
    );
    let printer = config.printer.as_ref().map(|p| print::PrinterSetup {
        target: p.target.clone(),
        profile: antrean_printer::Profile::load(&p.profile_path).map_err(|e| e.to_string()),
    });
    let print = print::spawn(printer, waker.clone());
    app.insert_resource(WakeSchedule::spawn(waker))
        .insert_resource(NetLink::new(net))
        .insert_resource(PrintLink::new(print));
    app.run();
    Ok(())
}

fn settings(config: &KioskConfig) -> KioskSettings {
    KioskSettings {
        name: config.name.clone(),
        screen: config.screen,
        idle_timeout: Duration::from_secs(config.idle_timeout_s.into()),
        result_timeout: Duration::from_secs(config.result_timeout_s.into()),
        default_language: config.default_language,
        offer: config.offer.clone(),
        public_base_url: config.public_base_url.clone(),
    }
}

/// Wakes the sleeping winit loop when the network or printer thread has news.
fn event_loop_waker(app: &App) -> net::Waker {
    match app.world().get_resource::<EventLoopProxyWrapper>() {
        Some(wrapper) => {
            let proxy = Mutex::new((**wrapper).clone());
            Arc::new(move || {
                if let Ok(proxy) = proxy.lock() {
                    let _ = proxy.send_event(WinitUserEvent::WakeUp);
                }
            })
        }
        None => Arc::new(|| {}),
    }
}
