//! Helpers for the end-to-end suite: the real `antrean` binary as a child process on
//! 127.0.0.1:0, driven over real WebSockets.
#![allow(dead_code)]

pub mod browser;
pub mod central;
pub mod pg;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use antrean_client::Client;
use antrean_protocol::*;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

/// The sample catalog's services.
pub const SERVICES: [&str; 18] = [
    "ktp-el-baru",
    "ktp-el-ganti",
    "kk-baru",
    "kk-perubahan",
    "akta-kelahiran",
    "akta-kematian",
    "kia",
    "pindah",
    "paspor-baru",
    "paspor-ganti",
    "stnk-tahunan",
    "stnk-5-tahunan",
    "skck",
    "bpjs-daftar",
    "nib",
    "pbb-pembetulan",
    "roya",
    "nikah",
];

pub const ADMIN_PASSWORD: &str = "rahasia-uji-123";

/// The antrean binary built by cargo for this test run.
/// Runs `command` at wall-clock `utc` ("2026-12-07 00:40:00") and on from there
/// (libfaketime preloaded into the process itself: the `faketime` wrapper runs it as a
/// child that outlives the wrapper when a test kills it). The monotonic clock, which
/// timers use, stays real.
pub fn faketime_at(command: &mut Command, utc: &str) {
    let library = std::fs::read_dir("/usr/lib")
        .unwrap()
        .filter_map(Result::ok)
        .map(|d| d.path().join("faketime/libfaketime.so.1"))
        .find(|p| p.exists())
        .expect("libfaketime: install the Debian package `faketime` (.ci/install-deps)");
    command
        .env("LD_PRELOAD", library)
        .env("FAKETIME", format!("@{utc}"))
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
}

pub fn antrean_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_antrean"))
}

/// A coordinator process.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub data: PathBuf,
    stderr_log: PathBuf,
}

impl Server {
    /// Starts `antrean serve` on a free port with the sample catalog, always open.
    pub fn start(data: &Path) -> Server {
        Server::start_with(data, &["--always-open"])
    }

    /// Starts on a given address (to restart a server where clients expect it).
    pub fn start_on(data: &Path, addr: SocketAddr) -> Server {
        Server::spawn(data, &["--always-open"], &addr.to_string())
    }

    pub fn start_with(data: &Path, extra: &[&str]) -> Server {
        Server::spawn(data, extra, "127.0.0.1:0")
    }

    /// Starts with a limit on the size of every file it writes (RLIMIT_FSIZE, in 512-byte
    /// blocks): writes past it fail with EFBIG, as on a full or failing disk. SIGXFSZ is
    /// ignored so the write fails instead of the signal killing the process.
    pub fn start_with_file_size_limit(data: &Path, blocks: u32) -> Server {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
            ))
            .arg(antrean_bin());
        // Small log segments, so that each segment file fits under the limit and the
        // limit is met by the files that grow.
        Server::spawn_command(
            command,
            data,
            &["--always-open", "--wal-segment-kib", "16"],
            "127.0.0.1:0",
        )
    }

    /// Starts with the sample catalog's real hours, its wall clock set to `utc`
    /// ("2026-12-07 00:40:00") and running on from there (libfaketime; the monotonic
    /// clock, which timers use, stays real).
    pub fn start_at(data: &Path, utc: &str, extra: &[&str]) -> Server {
        let mut command = Command::new(antrean_bin());
        faketime_at(&mut command, utc);
        Server::spawn_command(command, data, extra, "127.0.0.1:0")
    }

    fn spawn(data: &Path, extra: &[&str], listen: &str) -> Server {
        Server::spawn_command(Command::new(antrean_bin()), data, extra, listen)
    }

    /// Starts with its standard error going to `stderr_log` (not next to the data: a test
    /// that fills the data's disk still reads what the server said).
    pub fn start_logging_to(data: &Path, extra: &[&str], stderr_log: &Path) -> Server {
        Server::spawn_logged(
            Command::new(antrean_bin()),
            data,
            extra,
            "127.0.0.1:0",
            stderr_log.to_owned(),
        )
    }

    fn spawn_command(command: Command, data: &Path, extra: &[&str], listen: &str) -> Server {
        Server::spawn_logged(
            command,
            data,
            extra,
            listen,
            data.with_extension("stderr.log"),
        )
    }

    fn spawn_logged(
        mut command: Command,
        data: &Path,
        extra: &[&str],
        listen: &str,
        stderr_log: PathBuf,
    ) -> Server {
        let stderr = std::fs::File::create(&stderr_log).unwrap();
        let mut child = command
            .args(["serve", "--data"])
            .arg(data)
            .args(["--listen", listen, "--admin-password", ADMIN_PASSWORD])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start antrean serve");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| {
                    panic!(
                        "server exited before listening; stderr: {}",
                        std::fs::read_to_string(&stderr_log).unwrap_or_default()
                    )
                })
                .unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            addr,
            data: data.to_owned(),
            stderr_log,
        }
    }

    /// Waits for the server to exit by itself (a disk failure); None if it is still
    /// running after `limit` (a deadline that only ends the wait).
    pub async fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, async {
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    return status;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .ok()
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// SIGKILL: no chance to flush or say goodbye.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM and wait; returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        // Up to 20 s (1,000 polls): a deadline that only ends the wait.
        for _ in 0..1_000 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server did not stop after SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn manager(server: &Server) -> Client {
    Client::connect(
        &server.url(),
        Auth::Manager {
            username: "admin".into(),
            password: ADMIN_PASSWORD.into(),
        },
    )
    .await
    .expect("manager login")
}

/// Issues one `ktp-el-baru` ticket (prefix A) and checks its number comes after every
/// acknowledged A number: a restart never hands out a number a visitor already holds.
pub async fn assert_numbering_continues<'a>(
    client: &mut Client,
    acknowledged: impl IntoIterator<Item = &'a String>,
) {
    let highest_a = acknowledged
        .into_iter()
        .filter_map(|n| n.strip_prefix("A-"))
        .filter_map(|n| n.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let next = ticket_of(&client.request(issue("ktp-el-baru")).await.unwrap())
        .number
        .clone();
    let next_seq: u32 = next.trim_start_matches("A-").parse().unwrap();
    assert!(
        next_seq > highest_a,
        "{next} after acknowledged A-{highest_a:03}"
    );
}

/// The snapshot a session starts with (a manager's holds every ticket of today).
pub async fn first_snapshot(client: &mut Client) -> StateDto {
    client
        .wait_for(Duration::from_secs(10), |msg| match msg {
            ServerMessage::Snapshot { state, .. } => Some((**state).clone()),
            _ => None,
        })
        .await
        .unwrap()
}

/// Enrolls a device and returns its token.
pub async fn enroll(server: &Server, kind: DeviceKind, name: &str) -> String {
    let mut m = manager(server).await;
    match m
        .request(Request::EnrollDevice {
            kind,
            name: name.into(),
            counter: None,
        })
        .await
        .unwrap()
    {
        ResultDto::Enrolled { token, .. } => token,
        other => panic!("unexpected {other:?}"),
    }
}

pub async fn set_officer(server: &Server, officer: &str, pin: &str) {
    let mut m = manager(server).await;
    m.request(Request::SetOfficer {
        officer: officer.into(),
        name: officer.into(),
        pin: pin.into(),
    })
    .await
    .unwrap();
}

pub async fn kiosk(server: &Server, token: &str) -> Client {
    Client::connect(
        &server.url(),
        Auth::Kiosk {
            token: token.into(),
        },
    )
    .await
    .expect("kiosk login")
}

pub async fn officer(server: &Server, officer: &str, pin: &str, counter: &str) -> Client {
    Client::connect(
        &server.url(),
        Auth::Officer {
            officer: officer.into(),
            pin: pin.into(),
            counter: counter.into(),
        },
    )
    .await
    .expect("officer login")
}

/// Takes a ticket at a kiosk (a fresh connection with its token) as a visitor would: the
/// visible number and the digital-ticket token of its QR code.
pub async fn take(
    server: &Server,
    kiosk_token: &str,
    service: &str,
    priority: Option<&str>,
) -> (String, String) {
    let mut kiosk = kiosk(server, kiosk_token).await;
    let result = kiosk
        .request(Request::IssueTicket {
            service: service.into(),
            priority: priority.map(str::to_owned),
        })
        .await
        .unwrap();
    match result {
        ResultDto::Ticket {
            ticket,
            public_token: Some(token),
            ..
        } => (ticket.number, token),
        other => panic!("expected a ticket with a digital-ticket token, got {other:?}"),
    }
}

pub fn ticket_of(result: &ResultDto) -> &TicketView {
    match result {
        ResultDto::Ticket { ticket, .. } => ticket,
        other => panic!("expected a ticket, got {other:?}"),
    }
}

pub fn issue(service: &str) -> Request {
    Request::IssueTicket {
        service: service.into(),
        priority: None,
    }
}

/// The worked example of docs/domain.md §3: five respondents (U1..U9), R4 left U9 blank.
/// IKM 80,42 with the exact 1/9 weight, 80,34 with 0,111; both B (Baik).
#[allow(dead_code)]
pub const WORKED: [[Option<u8>; 9]; 5] = {
    const fn row(a: [u8; 9]) -> [Option<u8>; 9] {
        let mut out = [None; 9];
        let mut i = 0;
        while i < 9 {
            if a[i] > 0 {
                out[i] = Some(a[i]);
            }
            i += 1;
        }
        out
    }
    [
        row([4, 3, 3, 2, 4, 3, 4, 3, 2]),
        row([3, 3, 2, 4, 4, 3, 3, 3, 3]),
        row([4, 4, 3, 4, 3, 4, 4, 2, 3]),
        row([2, 3, 3, 4, 3, 3, 4, 3, 0]),
        row([3, 2, 4, 4, 4, 3, 3, 4, 3]),
    ]
};

/// Enrolls a rating screen for `counter` and returns its token.
#[allow(dead_code)]
pub async fn enroll_rating(server: &Server, name: &str, counter: &str) -> String {
    let mut m = manager(server).await;
    match m
        .request(Request::EnrollDevice {
            kind: DeviceKind::Rating,
            name: name.into(),
            counter: Some(counter.into()),
        })
        .await
        .unwrap()
    {
        ResultDto::Enrolled { token, .. } => token,
        other => panic!("unexpected {other:?}"),
    }
}

/// One raw HTTP/1.1 GET, exactly as written (no client-side path normalisation): status,
/// the head in lower case, the body. `extra` is more header lines, each ending in `\r\n`.
pub fn raw_get(addr: SocketAddr, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: antrean\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..split]).to_lowercase();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, answer[split + 4..].to_vec())
}

/// The close code the server ends a raw WebSocket with (None: no close frame).
pub async fn close_code(
    ws: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Option<u16> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => return None,
        }
    }
}

/// The next text message of a raw WebSocket, decoded.
pub async fn read_message(
    ws: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> ServerMessage {
    loop {
        match ws.next().await {
            Some(Ok(Message::Text(text))) => return serde_json::from_str(text.as_str()).unwrap(),
            Some(Ok(_)) => continue,
            other => panic!("connection ended: {other:?}"),
        }
    }
}

/// One HTTP/1.1 request over a plain TCP socket: `head_lines` are extra header lines, each
/// ending in CRLF. Returns the status, the head as sent (header names keep the server's
/// case; cookies are case-sensitive) and the body.
pub fn raw_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    head_lines: &str,
    body: &str,
) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{head_lines}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (
        status,
        head,
        String::from_utf8_lossy(&answer[split + 4..]).into_owned(),
    )
}

/// Every file under `dir`, read as bytes (privacy checks search a data directory).
pub fn all_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap_or_default());
        }
    }
    out
}
