//! Headless Chromium for the web-page tests, driven through Debian's chromedriver over the
//! W3C WebDriver protocol (JSON over HTTP/1.1 on loopback). The client is a few plain
//! functions over `std::net`: the protocol needs nothing more, and the test build stays
//! free of an HTTP client stack.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// Where Debian installs them (packages `chromium` and `chromium-driver`).
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Starting Chromium on a loaded 2-core machine can take several seconds.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(30);
/// Any single WebDriver command; generous for a busy CI machine.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// The key WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser test at a time: Chromium on a 2-core machine next to the coordinator
/// would otherwise starve the "board shows the call within 1 s" check of another test.
static ONE_BROWSER_TEST_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A chromedriver process on a free loopback port.
pub struct Driver {
    child: Child,
    port: u16,
    _turn: MutexGuard<'static, ()>,
}

/// How a browser window starts.
#[derive(Clone, Copy)]
pub struct Window {
    pub width: u32,
    pub height: u32,
    /// False reproduces a desktop browser that blocks sound until someone taps the page.
    pub autoplay: bool,
}

/// One Chromium with its own fresh profile.
pub struct Browser {
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

fn require(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: the browser tests need Debian's `{package}` package \
         (run `bash .ci/install-deps` as root, or `apt-get install chromium chromium-driver`)"
    );
}

impl Driver {
    pub fn start() -> Driver {
        require(CHROMIUM, "chromium");
        require(CHROMEDRIVER, "chromium-driver");
        // A test that failed while holding the turn poisons the lock; the next may still run.
        let turn = ONE_BROWSER_TEST_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            port,
            _turn: turn,
        };
        let started = Instant::now();
        loop {
            if let Ok(status) = http(port, "GET", "/status", None)
                && status["value"]["ready"] == json!(true)
            {
                return driver;
            }
            assert!(
                started.elapsed() < DRIVER_START_TIMEOUT,
                "chromedriver did not become ready on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn open(&self, window: Window) -> Browser {
        self.open_with_flags(window, &[])
    }

    /// [`Driver::open`] with more Chromium flags after the test's own (a later flag wins).
    pub fn open_with_flags(&self, window: Window, flags: &[String]) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let autoplay = if window.autoplay {
            "--autoplay-policy=no-user-gesture-required"
        } else {
            // Desktop Chromium's default: sound only after the person interacts.
            "--autoplay-policy=document-user-activation-required"
        };
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--hide-scrollbars".to_owned(),
            "--lang=id-ID".to_owned(),
            // Headless Chromium ignores --lang for navigator.languages (it says en-US); the
            // digital ticket follows navigator.languages until the visitor picks a language.
            "--accept-lang=id-ID,id".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={},{}", window.width, window.height),
            autoplay.to_owned(),
        ];
        args.extend(flags.iter().cloned());
        // Antrean Pusat in the tests serves HTTPS with a throwaway CA; everything is on
        // loopback, so the browser need not be taught to trust it.
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let answer = http(self.port, "POST", "/session", Some(capabilities))
            .unwrap_or_else(|e| panic!("new browser session: {e}"));
        let session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_owned();
        let browser = Browser {
            port: self.port,
            session,
            _profile: profile,
        };
        browser.fit_viewport(window.width, window.height);
        browser
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let answer = http(self.port, method, &path, body)
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        answer["value"].clone()
    }

    /// Headless Chromium counts its (invisible) window frame in `--window-size`; grow the
    /// window so the page itself gets exactly `width`×`height`, like a TV in kiosk mode.
    fn fit_viewport(&self, width: u32, height: u32) {
        let inner = self.js("return [window.innerWidth, window.innerHeight];");
        let (inner_width, inner_height) = (inner[0].as_u64().unwrap(), inner[1].as_u64().unwrap());
        let frame_width = u64::from(width).saturating_sub(inner_width);
        let frame_height = u64::from(height).saturating_sub(inner_height);
        self.command(
            "POST",
            "/window/rect",
            Some(json!({
                "width": u64::from(width) + frame_width,
                "height": u64::from(height) + frame_height,
            })),
        );
    }

    /// Opens a new tab in this browser (same profile and cookies) and returns its handle;
    /// the current tab stays current.
    pub fn new_tab(&self) -> String {
        let opened = self.command("POST", "/window/new", Some(json!({"type": "tab"})));
        opened["handle"].as_str().expect("a tab handle").to_owned()
    }

    /// The current tab's handle.
    pub fn tab(&self) -> String {
        self.command("GET", "/window", None)
            .as_str()
            .expect("a tab handle")
            .to_owned()
    }

    /// Makes the tab `handle` the one commands go to.
    pub fn switch_to_tab(&self, handle: &str) {
        self.command("POST", "/window", Some(json!({ "handle": handle })));
    }

    /// Every cookie the browser keeps for the page, HttpOnly ones included (WebDriver sees
    /// what scripts cannot).
    pub fn cookies(&self) -> Vec<Value> {
        self.command("GET", "/cookie", None)
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The officer console's waiting list as the page shows it, top to bottom.
    pub fn waiting_numbers(&self) -> Vec<String> {
        let rows = self.js(
            "return Array.from(document.querySelectorAll('#waiting tbody tr')).map(r => r.dataset.number);",
        );
        serde_json::from_value(rows).unwrap()
    }

    /// Fills the officer console's login form (the page is loaded) like an officer, and
    /// waits for the desk with the counter open.
    pub fn log_in_to_console(&self, officer: &str, pin: &str, counter: &str, patience: Duration) {
        self.wait_for("the counter list", patience, |b| {
            (b.js("return document.querySelectorAll('#counter option').length") != json!(0))
                .then_some(())
        });
        self.js("document.getElementById('officer').value = '';");
        self.click("#officer");
        self.keys(officer);
        self.click("#pin");
        self.keys(pin);
        self.js(&format!(
            "document.getElementById('counter').value = {};",
            json!(counter)
        ));
        self.click("#login-button");
        self.wait_for("the officer desk", patience, |b| {
            (b.visible("#desk") && b.text("#who").contains("buka")).then_some(())
        });
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub fn js(&self, script: &str) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// The trimmed text of the first element matching `selector`, or "" when absent.
    pub fn text(&self, selector: &str) -> String {
        let script = format!(
            "var e = document.querySelector({}); return e ? e.textContent.trim() : '';",
            json!(selector)
        );
        self.js(&script).as_str().unwrap_or_default().to_owned()
    }

    pub fn visible(&self, selector: &str) -> bool {
        let script = format!(
            "var e = document.querySelector({}); return !!e && e.getClientRects().length > 0;",
            json!(selector)
        );
        self.js(&script) == json!(true)
    }

    pub fn click(&self, selector: &str) {
        let found = self.command(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": selector})),
        );
        let id = found[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}: {found}"))
            .to_owned();
        self.command("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types `text` as real key presses to whatever has focus ("\u{E007}" is Enter).
    pub fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.command(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Polls `check` until it gives a value or `timeout` passes; panics saying `what`.
    pub fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Browser) -> Option<T>,
    ) -> T {
        let started = Instant::now();
        loop {
            if let Some(value) = check(self) {
                return value;
            }
            assert!(
                started.elapsed() < timeout,
                "timed out after {timeout:?} waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until the element's text contains `needle` (case-insensitive).
    pub fn wait_text(&self, selector: &str, needle: &str, timeout: Duration) -> String {
        let what = format!("{selector} to contain {needle:?}");
        self.wait_for(&what, timeout, |b| {
            let text = b.text(selector);
            text.to_lowercase()
                .contains(&needle.to_lowercase())
                .then_some(text)
        })
    }

    /// Saves a PNG of the window into the screenshot folder and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.command("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().expect("base64 screenshot"))
            .expect("valid base64");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

/// `target/web-screenshots/` of this build (honours `CARGO_TARGET_DIR`).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // target/debug/antrean → target
            let bin = PathBuf::from(env!("CARGO_BIN_EXE_antrean"));
            bin.parent().and_then(Path::parent).unwrap().to_owned()
        });
    target.join("web-screenshots")
}

/// One HTTP/1.1 exchange with `Connection: close`; the JSON body of the answer. A WebDriver
/// error (status ≥ 400) is an `Err` with the driver's message.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let (status, body) = raw_http(port, method, path, body.map(|b| b.to_string()))?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| format!("{e}"))?;
    if status >= 400 {
        return Err(format!("HTTP {status}: {value}"));
    }
    Ok(value)
}

fn raw_http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<String>,
) -> Result<(u16, Vec<u8>), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(COMMAND_TIMEOUT)).unwrap();
    let body = body.unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    // Read the head, then exactly the body: chromedriver may keep the connection open.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let split = loop {
        if let Some(split) = complete(&answer) {
            break split;
        }
        let read = stream.read(&mut buffer).map_err(|e| e.to_string())?;
        if read == 0 {
            return Err("connection closed before the answer was complete".into());
        }
        answer.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&answer[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no HTTP status")?;
    let mut body = answer[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok((status, body))
}

/// Where the head ends, once the whole answer (head and body) has arrived.
fn complete(answer: &[u8]) -> Option<usize> {
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..split]).to_lowercase();
    let body = &answer[split + 4..];
    if head.contains("transfer-encoding: chunked") {
        return body.ends_with(b"0\r\n\r\n").then_some(split);
    }
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (body.len() >= length).then_some(split)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..end]);
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}
