//! `antrean demo` as a newcomer runs it: the coordinator with the sample catalog answers at
//! once; where a display exists the kiosk window opens against it (here a real X server,
//! Xvfb, rendering through Mesa lavapipe), and Ctrl-C stops both.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{antrean_bin, raw_get};

/// A running demo whose stdout lines arrive on a channel.
struct Demo {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Demo {
    fn start(data: &Path, display: Option<&str>) -> Demo {
        let mut command = Command::new(antrean_bin());
        command
            .args(["demo", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .env("RUST_LOG", "warn")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        match display {
            Some(display) => command.env("DISPLAY", display),
            None => command.env_remove("DISPLAY"),
        };
        let mut child = command.spawn().expect("start antrean demo");
        let lines = forward_lines(child.stdout.take().unwrap());
        Demo {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a stdout line containing `needle`.
    fn wait_for(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?}; demo said:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The coordinator's address from the banner.
    fn addr(&mut self) -> SocketAddr {
        let line = self.wait_for("Coordinator:", Duration::from_secs(30));
        let rest = line.split("http://").nth(1).unwrap();
        rest.split_whitespace().next().unwrap().parse().unwrap()
    }

    /// Ctrl-C, as a person stops it.
    fn interrupt(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "demo did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn forward_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn open_connections(addr: SocketAddr) -> u64 {
    let (_, _, body) = raw_get(addr, "/metrics", "");
    String::from_utf8_lossy(&body)
        .lines()
        .find_map(|l| l.strip_prefix("antrean_connections "))
        .and_then(|v| v.trim().parse().ok())
        .expect("antrean_connections in /metrics")
}

fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

#[test]
fn without_a_display_the_demo_serves_and_says_why_no_kiosk_window_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut demo = Demo::start(&dir.path().join("data"), None);
    let addr = demo.addr();
    demo.wait_for("no display here", Duration::from_secs(10));
    demo.wait_for("Press Ctrl-C to stop.", Duration::from_secs(10));
    let (status, _, body) = raw_get(addr, "/health", "");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ok\""), "{body}");
    // The booking page it names answers, and offers the sample's bookable services.
    assert!(
        demo.seen
            .iter()
            .any(|l| l.contains("booking page") && l.contains(&format!("http://{addr}/booking"))),
        "{:?}",
        demo.seen
    );
    let (status, _, _) = raw_get(addr, "/booking", "");
    assert_eq!(status, 200);
    let (_, _, slots) = raw_get(addr, "/api/booking/days?service=paspor-baru", "");
    assert!(
        String::from_utf8_lossy(&slots).contains("\"date\""),
        "{}",
        String::from_utf8_lossy(&slots)
    );
    assert!(!dir.path().join("data/kiosk.log").exists());
    assert!(demo.interrupt().success());

    // A second run wipes its own earlier data, but never a directory it did not make.
    let mut again = Demo::start(&dir.path().join("data"), None);
    again.wait_for("Press Ctrl-C to stop.", Duration::from_secs(10));
    assert!(again.interrupt().success());
    let site = dir.path().join("site-data");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("events.jsonl"), "{}\n").unwrap();
    let refused = Command::new(antrean_bin())
        .args([
            "demo",
            "--kiosk",
            "off",
            "--listen",
            "127.0.0.1:0",
            "--data",
        ])
        .arg(&site)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("was not made by `antrean demo`"),
        "{stderr}"
    );
    assert!(
        site.join("events.jsonl").exists(),
        "the demo deleted a directory it did not make"
    );
}

/// Xvfb on a free display number (it writes the number it took to `-displayfd`).
struct Xvfb(Child, String);

impl Xvfb {
    fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (Debian package xvfb; .ci/install-deps installs it)");
        let mut number = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        assert!(!number.trim().is_empty(), "Xvfb gave no display number");
        Xvfb(child, format!(":{}", number.trim()))
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The kiosk binary cargo built next to `antrean` (`cargo test --workspace` builds both).
fn kiosk_bin() -> PathBuf {
    let bin = antrean_bin().with_file_name("antrean-kiosk");
    assert!(
        bin.is_file(),
        "{} missing: run the workspace's tests (cargo test --workspace) so the kiosk is built",
        bin.display()
    );
    bin
}

#[test]
fn with_a_display_the_demo_opens_the_kiosk_window_which_connects_and_draws() {
    kiosk_bin();
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut demo = Demo::start(&data, Some(&x.1));
    let addr = demo.addr();
    demo.wait_for("Kiosk window: opening", Duration::from_secs(10));
    let opened = demo.wait_for("Kiosk window opened (pid", Duration::from_secs(30));
    let pid: u32 = opened
        .split("pid ")
        .nth(1)
        .and_then(|rest| rest.trim_end_matches(')').parse().ok())
        .expect("kiosk pid");

    // The kiosk draws its first frame (software Vulkan) and connects with the demo token.
    let log = data.join("kiosk.log");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("first frame after") && open_connections(addr) >= 1 {
            break;
        }
        assert!(process_alive(pid), "the kiosk exited; its log:\n{text}");
        assert!(
            Instant::now() < deadline,
            "no first frame and connection within 2 minutes; kiosk log:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let config = std::fs::read_to_string(data.join("kiosk-demo.toml")).unwrap();
    assert!(config.contains(&format!("ws://{addr}/ws")), "{config}");
    assert!(
        !config.contains("token ="),
        "the token stays out of the file"
    );

    // Ctrl-C stops the demo and closes the kiosk window with it.
    assert!(demo.interrupt().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while process_alive(pid) {
        assert!(Instant::now() < deadline, "kiosk {pid} outlived the demo");
        std::thread::sleep(Duration::from_millis(50));
    }
}
