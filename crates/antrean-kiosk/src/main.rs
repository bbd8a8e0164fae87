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
    /// Write a line to this file for every frame: time, frame, screen, printing progress,
    /// online, ticket, window size and where each button is (for diagnosing a kiosk on site, and for the
    /// real-window tests). The kiosk draws only when something happens, so a line a frame
    /// is a few lines a minute.
    #[arg(long)]
    status_file: Option<PathBuf>,
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

    if let Some(path) = &args.status_file {
        status::add(&mut app, path, started)?;
    }

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

/// `--status-file`: what each frame drew, one line per change.
mod status {
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::path::Path;
    use std::sync::Mutex;
    use std::time::Instant;

    use antrean_kiosk::ui::{Screen, Session, SiteData, TapAction};
    use bevy::prelude::*;
    use bevy::ui::UiGlobalTransform;

    #[derive(Resource)]
    struct StatusFile {
        file: Mutex<std::fs::File>,
        started: Instant,
    }

    /// Opens (truncates) `path` and writes a line after every update.
    pub fn add(app: &mut App, path: &Path, started: Instant) -> anyhow::Result<()> {
        let file = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", path.display()))?;
        app.insert_resource(StatusFile {
            file: Mutex::new(file),
            started,
        })
        .add_systems(Last, write_status);
        Ok(())
    }

    /// `ms=… frame=… screen=… print=… online=… ticket=… window=W×H buttons=Action@x,y;…` (button
    /// centres in window pixels, only those a finger can reach: inside the window and not
    /// clipped by a scroll area).
    fn write_status(
        status: Res<StatusFile>,
        frames: Res<bevy::diagnostic::FrameCount>,
        screen: Res<State<Screen>>,
        session: Res<Session>,
        site: Res<SiteData>,
        windows: Query<&Window>,
        buttons: Query<(
            &TapAction,
            &ComputedNode,
            &UiGlobalTransform,
            &InheritedVisibility,
            Option<&CalculatedClip>,
        )>,
    ) {
        let size = windows
            .iter()
            .next()
            .map_or(Vec2::ZERO, |w| Vec2::new(w.width(), w.height()));
        let mut line = format!(
            "screen={:?} print={:?} online={} ticket={} window={}x{}",
            screen.get(),
            session.print,
            site.online,
            session.ticket.as_ref().map_or("-", |t| t.number.as_str()),
            size.x,
            size.y
        );
        line.push_str(" buttons=");
        for (action, node, transform, visible, clip) in &buttons {
            // A button scrolled under the header or footer is clipped: not tappable there.
            let unclipped = clip.is_none_or(|clip| clip.clip.contains(transform.translation));
            let at = transform.translation * node.inverse_scale_factor;
            let inside = at.cmpge(Vec2::ZERO).all() && at.cmplt(size).all();
            if visible.get() && node.size.x > 0.0 && inside && unclipped {
                let _ = write!(line, "{action:?}@{},{};", at.x.round(), at.y.round());
            }
        }
        let stamped = format!(
            "ms={} frame={} {line}\n",
            status.started.elapsed().as_millis(),
            frames.0
        );
        if let Ok(mut file) = status.file.lock() {
            let _ = file.write_all(stamped.as_bytes());
        }
    }
}
