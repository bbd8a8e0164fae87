//! The kiosk as deployed, for tests: the `antrean-kiosk` binary in a real X window (Xvfb,
//! rendering through Mesa lavapipe) with bevy_winit's real reactive event loop, tapped with
//! real X input events (`xdotool`, through the XTEST extension: the same path a touch panel's
//! events take into winit), watched through two things it cannot fake:
//!
//! - the screen itself: Xvfb keeps its framebuffer in a file (`-fbdir`, XWD format), read
//!   here pixel by pixel;
//! - the kiosk's `--status-file`: one line per frame it ran (screen, printing progress,
//!   online, ticket, button positions), so a test knows where to tap and what the frame
//!   was meant to show.
//!
//! A frame "follows" an event when the screen drawn *without any input* already equals the
//! screen drawn after an input forces a fresh frame ([`Window::settled_without_input`]).
#![allow(dead_code)] // each test file uses its part

use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Upper bound for anything a test waits for: lavapipe on a loaded 2-core machine is slow.
pub const WAIT_LIMIT: Duration = Duration::from_secs(90);
/// The framebuffer and the kiosk's frame count unchanged this long: the last frame is on
/// screen (the kiosk renders only when something happens, so nothing else will come).
const SETTLE: Duration = Duration::from_millis(1500);

/// Tests in one binary run one at a time: two software-rendered kiosks on two cores would
/// only make each other slow.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A real X server on a free display, its framebuffer in a file.
pub struct Xvfb {
    child: Child,
    /// `:N`.
    pub display: String,
    framebuffer: PathBuf,
    _dir: tempfile::TempDir,
}

impl Xvfb {
    /// `width`×`height`, 24-bit colour.
    pub fn start(width: u32, height: u32) -> Xvfb {
        for tool in ["Xvfb", "xdotool"] {
            assert!(
                Command::new("sh")
                    .args(["-c", &format!("command -v {tool}")])
                    .stdout(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success()),
                "{tool} is missing (Debian packages xvfb and xdotool; .ci/install-deps installs them)"
            );
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .args(["-nolisten", "tcp", "-fbdir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut number = String::new();
        std::io::BufReader::new(child.stdout.take().expect("Xvfb stdout"))
            .read_line(&mut number)
            .expect("Xvfb display number");
        assert!(!number.trim().is_empty(), "Xvfb gave no display number");
        Xvfb {
            child,
            display: format!(":{}", number.trim()),
            framebuffer: dir.path().join("Xvfb_screen0"),
            _dir: dir,
        }
    }

    /// What the screen shows now (Xvfb's XWD framebuffer: a big-endian header, a colour
    /// map, then 32-bit little-endian BGRX pixels at 24-bit depth).
    pub fn screen(&self) -> image::RgbaImage {
        let mut bytes = Vec::new();
        std::fs::File::open(&self.framebuffer)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .expect("read the Xvfb framebuffer");
        let field = |i: usize| {
            u32::from_be_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4 bytes")) as usize
        };
        let (header, width, height, bits_per_pixel, bytes_per_line, colours) = (
            field(0),
            field(4),
            field(5),
            field(11),
            field(12),
            field(19),
        );
        assert_eq!(
            bits_per_pixel, 32,
            "XWD with {bits_per_pixel} bits per pixel"
        );
        let start = header + colours * 12;
        assert!(bytes.len() >= start + height * bytes_per_line);
        image::RgbaImage::from_fn(width as u32, height as u32, |x, y| {
            let i = start + y as usize * bytes_per_line + x as usize * 4;
            image::Rgba([bytes[i + 2], bytes[i + 1], bytes[i], 255])
        })
    }

    /// Runs `xdotool` with `args` on this display.
    pub fn xdotool(&self, args: &[&str]) {
        let status = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .status()
            .expect("run xdotool");
        assert!(status.success(), "xdotool {args:?} failed");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One line of the kiosk's `--status-file`: what one frame showed.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Milliseconds since the kiosk started.
    pub ms: u64,
    /// Bevy's frame count.
    pub frame: u64,
    /// `Screen` as `{:?}`.
    pub screen: String,
    /// `PrintState` as `{:?}`.
    pub print: String,
    /// Connected.
    pub online: bool,
    /// The ticket number on screen, or "-".
    pub ticket: String,
    /// The window's size in logical pixels (the kiosk runs at scale factor 1).
    pub window: (u32, u32),
    /// `TapAction` as `{:?}` and the button's centre, window pixels.
    pub buttons: Vec<(String, i32, i32)>,
}

impl Frame {
    fn parse(line: &str) -> Option<Frame> {
        let (head, buttons) = line.split_once(" buttons=")?;
        let value = |key: &str, until: &str| -> Option<String> {
            let start = head.find(key)? + key.len();
            let rest = &head[start..];
            let end = if until.is_empty() {
                rest.len()
            } else {
                rest.find(until)?
            };
            Some(rest[..end].to_owned())
        };
        let buttons = buttons
            .split(';')
            .filter_map(|b| {
                let (action, at) = b.rsplit_once('@')?;
                let (x, y) = at.split_once(',')?;
                Some((action.to_owned(), x.parse().ok()?, y.parse().ok()?))
            })
            .collect();
        Some(Frame {
            ms: value("ms=", " ")?.parse().ok()?,
            frame: value("frame=", " ")?.parse().ok()?,
            screen: value("screen=", " print=")?,
            print: value("print=", " online=")?,
            online: value("online=", " ticket=")? == "true",
            ticket: value("ticket=", " window=")?,
            window: value("window=", "").and_then(|size| {
                let (w, h) = size.split_once('x')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            })?,
            buttons,
        })
    }

    /// Where the button doing `action` (`{:?}` of a `TapAction`) is, if a finger can reach it.
    pub fn button(&self, action: &str) -> Option<(i32, i32)> {
        self.buttons
            .iter()
            .find(|(a, _, _)| a == action)
            .map(|(_, x, y)| (*x, *y))
    }
}

/// The kiosk binary running in an [`Xvfb`].
pub struct Kiosk {
    child: Child,
    status: PathBuf,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A kiosk file for a 1280×800 landscape panel (the smallest shipped size keeps software
/// rendering quick) in a window, against `coordinator`, printing to `printer` over TCP.
pub fn kiosk_config(
    coordinator: SocketAddr,
    token: &str,
    printer: SocketAddr,
    result_timeout_s: u32,
) -> String {
    kiosk_config_with(coordinator, token, printer, result_timeout_s, false)
}

/// [`kiosk_config`], `fullscreen` as a kiosk PC runs it.
pub fn kiosk_config_with(
    coordinator: SocketAddr,
    token: &str,
    printer: SocketAddr,
    result_timeout_s: u32,
    fullscreen: bool,
) -> String {
    let profile = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../firmware-config/printers/generic-80mm.toml");
    format!(
        r#"[kiosk]
name = "kiosk-window"
idle_timeout_s = 90
result_timeout_s = {result_timeout_s}

[coordinator]
url = "ws://{coordinator}/ws"
token = "{token}"

[screen]
orientation = "landscape"
width_px = 1280
height_px = 800
diagonal_in = 15.6
fullscreen = {fullscreen}

[printer]
profile = "{}"
interface = "tcp"
address = "{printer}"
"#,
        profile.display()
    )
}

impl Kiosk {
    /// Starts the kiosk with `config` on `x` and waits until its attract screen is drawn
    /// and connected.
    pub fn start(x: &Xvfb, config: &str) -> Kiosk {
        let dir = tempfile::tempdir().expect("tempdir");
        let config_path = dir.path().join("kiosk.toml");
        std::fs::write(&config_path, config).expect("write kiosk.toml");
        let status = dir.path().join("status.txt");
        let log = dir.path().join("kiosk.log");
        let child = Command::new(env!("CARGO_BIN_EXE_antrean-kiosk"))
            .arg("--config")
            .arg(&config_path)
            .arg("--status-file")
            .arg(&status)
            .env("DISPLAY", &x.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("kiosk log"))
            .spawn()
            .expect("start antrean-kiosk");
        let mut kiosk = Kiosk {
            child,
            status,
            log,
            _dir: dir,
        };
        kiosk.wait_for("the connected attract screen", |f| {
            f.screen == "Idle" && f.online && f.button("Start").is_some()
        });
        let deadline = Instant::now() + WAIT_LIMIT;
        while !is_attract(&x.screen()) {
            kiosk.check_alive();
            assert!(Instant::now() < deadline, "the attract screen is not drawn");
            std::thread::sleep(Duration::from_millis(100));
        }
        kiosk
    }

    /// Every frame so far.
    pub fn frames(&self) -> Vec<Frame> {
        std::fs::read_to_string(&self.status)
            .unwrap_or_default()
            .lines()
            .filter_map(Frame::parse)
            .collect()
    }

    /// The last frame.
    pub fn last(&self) -> Frame {
        self.frames().pop().unwrap_or_default()
    }

    /// The kiosk's log (stderr).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn check_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("the kiosk exited ({status}); its log:\n{}", self.log());
        }
    }

    /// The first frame from now on (the last one included) that `pick` accepts.
    pub fn wait_for(&mut self, what: &str, pick: impl Fn(&Frame) -> bool) -> Frame {
        self.wait_for_within(what, WAIT_LIMIT, pick)
    }

    /// [`Kiosk::wait_for`] with a bound of its own.
    pub fn wait_for_within(
        &mut self,
        what: &str,
        limit: Duration,
        pick: impl Fn(&Frame) -> bool,
    ) -> Frame {
        let from = self.frames().len().saturating_sub(1);
        let deadline = Instant::now() + limit;
        loop {
            if let Some(found) = self.frames().into_iter().skip(from).find(|f| pick(f)) {
                return found;
            }
            self.check_alive();
            assert!(
                Instant::now() < deadline,
                "no frame with {what} within {limit:?}; last frame: {:?}",
                self.last()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Taps `action` like a finger that rests a moment: onto the button, a frame, press,
    /// 80 ms, release.
    pub fn tap(&mut self, x: &Xvfb, action: &str) {
        let (bx, by) = self.reachable(action);
        x.xdotool(&["mousemove", &bx.to_string(), &by.to_string()]);
        std::thread::sleep(Duration::from_millis(300));
        x.xdotool(&["mousedown", "1"]);
        std::thread::sleep(Duration::from_millis(80));
        x.xdotool(&["mouseup", "1"]);
    }

    /// Taps `action` in one instant: the pointer jumps onto the button and is pressed and
    /// released by one `xdotool` call (microseconds apart, so winit delivers all three in
    /// the same frame — as a quick touch on a sleeping kiosk does).
    pub fn quick_tap(&mut self, x: &Xvfb, action: &str) {
        let (bx, by) = self.reachable(action);
        // Away from every button first, and let that move be drawn.
        x.xdotool(&["mousemove", "2", "2"]);
        std::thread::sleep(Duration::from_millis(300));
        x.xdotool(&[
            "mousemove",
            &bx.to_string(),
            &by.to_string(),
            "mousedown",
            "1",
            "mouseup",
            "1",
        ]);
    }

    /// From the attract screen to the priority question of KTP-el baru, tapping as a
    /// visitor does (`quick`: each tap in one instant).
    pub fn walk_to_priority(&mut self, x: &Xvfb, quick: bool) {
        let steps = [
            ("Start", "Language"),
            ("ChooseLanguage(Indonesian)", "Agency"),
            ("ChooseAgency(\"dukcapil\")", "Service"),
            ("ChooseService(\"ktp-el-baru\")", "Detail"),
            ("TakeNumber", "Priority"),
        ];
        for (action, screen) in steps {
            if quick {
                self.quick_tap(x, action);
            } else {
                self.tap(x, action);
            }
            self.wait_for_within(
                &format!("{screen} after a tap on {action}"),
                Duration::from_secs(30),
                |f| f.screen == screen,
            );
        }
    }

    fn reachable(&mut self, action: &str) -> (i32, i32) {
        let frame = self.wait_for(&format!("a button {action}"), |f| {
            f.button(action).is_some()
        });
        frame.button(action).expect("found above")
    }

    /// The screen once drawing has stopped, checked to be what the kiosk draws: after it
    /// settled with no input at all, the pointer moves (a frame is forced) and the screen
    /// settles again; both must be the same picture. A screen change that an event asked
    /// for but no frame drew shows up as a difference.
    pub fn settled_without_input(&mut self, x: &Xvfb) -> image::RgbaImage {
        let before = self.settled(x);
        let frame = self.last().frame;
        // One pixel right and back: the pointer ends where it was (Xvfb draws it too).
        x.xdotool(&["mousemove_relative", "1", "0"]);
        x.xdotool(&["mousemove_relative", "--", "-1", "0"]);
        self.wait_for("a frame forced by the pointer", |f| f.frame > frame);
        let after = self.settled(x);
        if before != after {
            let dir = std::env::temp_dir();
            let _ = before.save(dir.join("kiosk-window-before.png"));
            let _ = after.save(dir.join("kiosk-window-after.png"));
            panic!(
                "the screen drawn without input differs from the one a forced frame draws \
                 (an event's frame was missed; see {}/kiosk-window-{{before,after}}.png); \
                 frames: {:?}",
                dir.display(),
                self.frames().iter().rev().take(5).collect::<Vec<_>>()
            );
        }
        after
    }

    /// The screen once neither it nor the kiosk's frame count changed for [`SETTLE`].
    pub fn settled(&mut self, x: &Xvfb) -> image::RgbaImage {
        let deadline = Instant::now() + WAIT_LIMIT;
        let mut seen = (x.screen(), self.last().frame);
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let now = (x.screen(), self.last().frame);
            if now != seen {
                seen = now;
                since = Instant::now();
            } else if since.elapsed() >= SETTLE {
                return seen.0;
            }
            self.check_alive();
            assert!(Instant::now() < deadline, "the screen never settled");
        }
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn luminance(p: &image::Rgba<u8>) -> u32 {
    (u32::from(p.0[0]) * 2126 + u32::from(p.0[1]) * 7152 + u32::from(p.0[2]) * 722) / 10_000
}

/// The attract screen: mostly the dark site colour (every other screen is light), with
/// light text.
pub fn is_attract(image: &image::RgbaImage) -> bool {
    let (mut dark, mut light) = (0usize, 0usize);
    for p in image.pixels() {
        match luminance(p) {
            0..=110 => dark += 1,
            200.. => light += 1,
            _ => {}
        }
    }
    let all = image.pixels().len();
    dark * 2 > all && light * 200 > all
}

/// A screen of the visit (not the attract screen): a dark header band over a light body
/// with dark text.
pub fn is_visit_screen(image: &image::RgbaImage) -> bool {
    let h = image.height();
    let (mut header_dark, mut body_light, mut body_dark, mut body) = (0usize, 0usize, 0, 0);
    for (_, y, p) in image.enumerate_pixels() {
        let l = luminance(p);
        if y < h * 5 / 100 {
            header_dark += usize::from(l <= 110);
        } else {
            body += 1;
            body_light += usize::from(l >= 200);
            body_dark += usize::from(l <= 90);
        }
    }
    header_dark > 0 && body_light * 2 > body && body_dark * 500 > body
}

/// A printer on TCP that answers each status query `delay` late: the ticket takes a while
/// on paper, as on a real printer (0.3 s in the field), so the result screen is drawn with
/// "Mencetak tiket…" first and the printer's news must bring a frame of its own. Forwards to
/// `upstream` (the printer emulator).
pub fn slow_printer(upstream: SocketAddr, delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(printer) = TcpStream::connect(upstream) else {
                continue;
            };
            let (mut to_printer, mut from_client) = (
                printer.try_clone().expect("clone"),
                client.try_clone().expect("clone"),
            );
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from_client, &mut to_printer);
                let _ = to_printer.shutdown(std::net::Shutdown::Write);
            });
            let (mut from_printer, mut to_client) = (printer, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 256];
                while let Ok(n @ 1..) = from_printer.read(&mut buf) {
                    std::thread::sleep(delay);
                    if to_client.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
                let _ = to_client.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    addr
}

/// How many times `needle` occurs in `bytes`.
pub fn count(bytes: &[u8], needle: &str) -> usize {
    bytes
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}
