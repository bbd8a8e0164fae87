//! The demo's kiosk window. When a display exists, `antrean demo` opens the bevy kiosk
//! (`antrean-kiosk`) against itself, so a newcomer sees the whole visitor flow with one
//! command. The kiosk is a separate binary because bevy takes ~20 minutes to build here:
//! the coordinator starts at once, and under `cargo run` a missing kiosk is built in the
//! background and opened when ready.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::Context;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// Whether the demo opens the kiosk window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KioskMode {
    /// Open it when a display exists (`DISPLAY` or `WAYLAND_DISPLAY`).
    Auto,
    /// Never open it.
    Off,
}

/// The kiosk binary's file name, next to `antrean` in the same target folder.
const KIOSK_BIN: &str = "antrean-kiosk";

/// What the demo does about the kiosk, decided before anything starts.
pub enum Plan {
    /// No kiosk window; the reason is printed for the newcomer.
    Skip(&'static str),
    /// Run this binary.
    Run(PathBuf),
    /// Build the kiosk with this cargo first (no binary yet; we run under `cargo run`).
    Build { cargo: PathBuf, release: bool },
}

/// Decides from the display, the files next to our executable and cargo's environment.
pub fn plan(mode: KioskMode) -> Plan {
    if mode == KioskMode::Off {
        return Plan::Skip("kiosk window off (--kiosk off)");
    }
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    if !has_display {
        return Plan::Skip("no display here, so no kiosk window (the pages and CLI work)");
    }
    let Ok(exe) = std::env::current_exe() else {
        return Plan::Skip("cannot locate our own executable to find the kiosk");
    };
    let dir = exe.parent().unwrap_or(Path::new("."));
    let kiosk = dir.join(KIOSK_BIN);
    if kiosk.is_file() {
        return Plan::Run(kiosk);
    }
    // `cargo run` sets CARGO for the program it runs.
    match std::env::var_os("CARGO") {
        Some(cargo) => Plan::Build {
            cargo: cargo.into(),
            release: dir.ends_with("release"),
        },
        None => {
            Plan::Skip("no antrean-kiosk next to antrean (build it: cargo build -p antrean-kiosk)")
        }
    }
}

/// One line for the demo's banner.
pub fn describe(plan: &Plan, data: &Path) -> String {
    match plan {
        Plan::Skip(reason) => format!("Kiosk window: {reason}"),
        Plan::Run(bin) => format!(
            "Kiosk window: opening {} (log {})",
            bin.display(),
            data.join("kiosk.log").display()
        ),
        Plan::Build { .. } => format!(
            "Kiosk window: building antrean-kiosk in the background first (bevy: ~20 min the \
             first time; log {}); it opens when ready",
            data.join("kiosk-build.log").display()
        ),
    }
}

/// Starts the kiosk per `plan`. The returned task owns the child processes: aborting it (the
/// demo stopping) kills the build or the kiosk window.
pub fn start(plan: Plan, data: &Path, url: &str, token: &str) -> anyhow::Result<JoinHandle<()>> {
    let config = data.join("kiosk-demo.toml");
    std::fs::write(&config, demo_config(url))
        .with_context(|| format!("writing {}", config.display()))?;
    let data = data.to_owned();
    let token = token.to_owned();
    Ok(tokio::spawn(async move {
        let bin = match plan {
            Plan::Skip(_) => return,
            Plan::Run(bin) => bin,
            Plan::Build { cargo, release } => match build(&cargo, release, &data).await {
                Ok(bin) => bin,
                Err(err) => {
                    eprintln!("kiosk not started: {err:#}");
                    return;
                }
            },
        };
        match run(&bin, &config, &token, &data) {
            Ok(mut child) => {
                println!("Kiosk window opened (pid {})", child.id().unwrap_or(0));
                match child.wait().await {
                    Ok(status) => eprintln!(
                        "kiosk window closed ({status}); see {}",
                        data.join("kiosk.log").display()
                    ),
                    Err(err) => eprintln!("kiosk window: {err}"),
                }
            }
            Err(err) => eprintln!("kiosk not started: {err:#}"),
        }
    }))
}

/// The demo kiosk: a windowed 1280×800 landscape panel (a laptop screen) without a printer,
/// so tickets are on-screen and digital.
fn demo_config(url: &str) -> String {
    format!(
        "# Written by `antrean demo`; a real kiosk file is in firmware-config/kiosk/.\n\
         [kiosk]\nname = \"kiosk-demo\"\nidle_timeout_s = 90\nresult_timeout_s = 45\n\n\
         [coordinator]\nurl = \"{url}\"\n# token: from ANTREAN_KIOSK_TOKEN\n\n\
         [screen]\norientation = \"landscape\"\nwidth_px = 1280\nheight_px = 800\n\
         diagonal_in = 15.6\nfullscreen = false\n"
    )
}

fn run(bin: &Path, config: &Path, token: &str, data: &Path) -> anyhow::Result<Child> {
    let log = std::fs::File::create(data.join("kiosk.log"))?;
    Command::new(bin)
        .arg("--config")
        .arg(config)
        .env("ANTREAN_KIOSK_TOKEN", token)
        .stdout(log.try_clone()?)
        .stderr(log)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))
}

async fn build(cargo: &Path, release: bool, data: &Path) -> anyhow::Result<PathBuf> {
    let log = std::fs::File::create(data.join("kiosk-build.log"))?;
    let mut command = Command::new(cargo);
    command.args(["build", "-p", "antrean-kiosk", "--bin", KIOSK_BIN]);
    if release {
        command.arg("--release");
    }
    let status = command
        .stdout(log.try_clone()?)
        .stderr(log)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .status()
        .await
        .context("running cargo build -p antrean-kiosk")?;
    anyhow::ensure!(
        status.success(),
        "cargo build -p antrean-kiosk failed ({status}); see {}",
        data.join("kiosk-build.log").display()
    );
    let exe = std::env::current_exe()?;
    Ok(exe.with_file_name(KIOSK_BIN))
}
