//! A coordinator that is frozen (SIGSTOP) and thawed (SIGCONT), not only stopped and
//! restarted (issue 16): its sockets stay open and its kernel still accepts connections,
//! but nothing answers. The kiosk must notice, say it is offline, and come back by itself
//! when the coordinator runs again — with the ticket a visitor asked for while it was
//! frozen committed once and printed once, and the next tap issuing the next number.
//!
//! The coordinator runs in a process of its own (this test binary started again in
//! "coordinator mode", see [`coordinator_process`]) so that it can be frozen.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use antrean_kiosk::net::{self, NetCommand, NetEvent};
use antrean_printer::emulator::{EmulatedStatus, PrinterEmulator};

mod common;
mod window;

use window::{Kiosk, Xvfb, count, is_visit_screen, kiosk_config};

/// Set (to a data directory) in the environment of the coordinator process.
const COORDINATOR_DATA_ENV: &str = "ANTREAN_KIOSK_TEST_COORDINATOR_DATA";

/// This binary has its own `main` (`harness = false` in Cargo.toml): started with
/// [`COORDINATOR_DATA_ENV`] it is the coordinator process to freeze; otherwise it runs the
/// two tests, one after the other (a name given on the command line runs only the tests
/// whose name contains it, as libtest's filter does).
fn main() {
    if let Some(data) = std::env::var_os(COORDINATOR_DATA_ENV) {
        serve_coordinator(Path::new(&data));
    }
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let tests: [(&str, fn()); 2] = [
        (
            "a_frozen_coordinator_is_noticed_and_the_late_ticket_arrives_once_after_the_thaw",
            a_frozen_coordinator_is_noticed_and_the_late_ticket_arrives_once_after_the_thaw,
        ),
        (
            "the_kiosk_leaves_the_offline_screen_by_itself_when_a_frozen_coordinator_thaws",
            the_kiosk_leaves_the_offline_screen_by_itself_when_a_frozen_coordinator_thaws,
        ),
    ];
    let chosen: Vec<_> = tests
        .iter()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f)))
        .collect();
    for (name, test) in &chosen {
        println!("test {name} ...");
        test();
        println!("test {name} ... ok");
    }
    println!("test result: ok. {} passed", chosen.len());
}

/// The coordinator process: starts the coordinator (the library `antrean serve` runs),
/// enrolls a kiosk, prints `COORDINATOR <addr> <token>` and serves until killed.
fn serve_coordinator(data: &Path) -> ! {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let catalog = antrean_catalog::always_open(antrean_catalog::sample());
    let running = runtime.block_on(common::start_coordinator(
        data,
        "127.0.0.1:0".parse().expect("addr"),
        catalog,
    ));
    let token = runtime
        .block_on(running.auth.enroll_device(
            antrean_protocol::DeviceKind::Kiosk,
            "kiosk-freeze",
            None,
        ))
        .expect("enroll");
    println!("COORDINATOR {} {token}", running.addr);
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

/// The coordinator in its own process, to freeze and thaw.
struct Coordinator {
    child: Child,
    addr: SocketAddr,
    token: String,
    _data: tempfile::TempDir,
}

impl Coordinator {
    fn start() -> Coordinator {
        let data = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .env(COORDINATOR_DATA_ENV, data.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the coordinator process");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let (addr, token) = loop {
            let line = lines
                .next()
                .expect("the coordinator process said where it listens")
                .expect("read");
            if let Some(rest) = line.strip_prefix("COORDINATOR ") {
                let (addr, token) = rest.split_once(' ').expect("addr and token");
                break (addr.parse().expect("addr"), token.to_owned());
            }
        };
        // Keep reading its stdout so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Coordinator {
            child,
            addr,
            token,
            _data: data,
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal}");
    }

    /// SIGSTOP: the process stops; its sockets stay open.
    fn freeze(&self) {
        self.signal("-STOP");
    }

    /// SIGCONT.
    fn thaw(&self) {
        self.signal("-CONT");
    }

    /// Tickets issued today for KTP-el baru, as a manager reads them.
    fn issued_ktp(&self, runtime: &tokio::runtime::Runtime) -> u32 {
        runtime.block_on(async {
            let mut manager = antrean_client::Client::connect_with(
                &format!("ws://{}/ws", self.addr),
                antrean_protocol::Auth::Manager {
                    username: "admin".into(),
                    password: common::ADMIN_PASSWORD.into(),
                },
                false,
            )
            .await
            .expect("manager login");
            let status = manager
                .request(antrean_protocol::Request::QueueStatus)
                .await
                .expect("queue status");
            manager.close().await;
            match status {
                antrean_protocol::ResultDto::QueueStatus { services, .. } => services
                    .iter()
                    .find(|s| s.service == "ktp-el-baru")
                    .map_or(0, |s| s.issued_today),
                other => panic!("unexpected answer {other:?}"),
            }
        })
    }
}

impl Drop for Coordinator {
    fn drop(&mut self) {
        self.thaw();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Generous: the kiosk notices a silent coordinator within `PROBE_AFTER` +
/// `ANSWER_TIMEOUT` (10 s) and reconnects within about `CONNECT_TIMEOUT` of a thaw.
const LIMIT: Duration = Duration::from_secs(60);

/// Events until `pick` accepts one (every event seen is kept in `seen`).
fn wait_for<T>(
    events: &Receiver<NetEvent>,
    seen: &mut Vec<NetEvent>,
    what: &str,
    mut pick: impl FnMut(&NetEvent) -> Option<T>,
) -> T {
    let deadline = Instant::now() + LIMIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {what} within {LIMIT:?}; events: {seen:?}"));
        seen.push(event.clone());
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

fn issue(id: &str) -> NetCommand {
    NetCommand::IssueTicket {
        request_id: id.into(),
        service: "ktp-el-baru".into(),
        priority: None,
    }
}

fn issued(id: &str) -> impl FnMut(&NetEvent) -> Option<String> + '_ {
    move |event| match event {
        NetEvent::TicketIssued {
            request_id, ticket, ..
        } if request_id == id => Some(ticket.number.clone()),
        NetEvent::TicketIssued { request_id, .. } => {
            panic!("a ticket for {request_id} while waiting for {id}")
        }
        _ => None,
    }
}

fn is(kind: fn(&NetEvent) -> bool) -> impl FnMut(&NetEvent) -> Option<()> {
    move |event| kind(event).then_some(())
}

/// The network thread alone: a frozen coordinator is noticed when idle and during a ticket
/// request, the request's late answer arrives once after the thaw (same request id, no
/// second number), and a request the visitor abandoned is not sent again.
fn a_frozen_coordinator_is_noticed_and_the_late_ticket_arrives_once_after_the_thaw() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let coordinator = Coordinator::start();
    let handle = net::spawn(
        format!("ws://{}/ws", coordinator.addr),
        coordinator.token.clone(),
        Arc::new(|| {}),
    );
    let events = &handle.events;
    let mut seen = Vec::new();
    let connected = |e: &NetEvent| matches!(e, NetEvent::Connected { .. });
    let disconnected = |e: &NetEvent| matches!(e, NetEvent::Disconnected { .. });
    wait_for(events, &mut seen, "connection", is(connected));
    handle.commands.blocking_send(issue("first")).unwrap();
    let first = wait_for(events, &mut seen, "the first ticket", issued("first"));
    assert_eq!(first, "A-001");

    // Frozen while nobody taps: the kiosk notices by itself (its probe gets no answer).
    coordinator.freeze();
    let frozen = Instant::now();
    wait_for(events, &mut seen, "offline while idle", is(disconnected));
    println!("idle kiosk noticed the freeze after {:?}", frozen.elapsed());
    coordinator.thaw();
    let thawed = Instant::now();
    wait_for(events, &mut seen, "reconnection", is(connected));
    println!("back {:?} after the thaw", thawed.elapsed());

    // Frozen during a ticket request: offline, the visitor told; no number meanwhile.
    coordinator.freeze();
    handle.commands.blocking_send(issue("frozen")).unwrap();
    let failed = wait_for(events, &mut seen, "the visitor told", |e| match e {
        NetEvent::TicketFailed { request_id, .. } => Some(request_id.clone()),
        NetEvent::TicketIssued { .. } => panic!("a ticket from a frozen coordinator"),
        _ => None,
    });
    assert_eq!(failed, "frozen");
    assert!(
        seen.iter().rev().take(3).any(disconnected),
        "offline said before the failure: {seen:?}"
    );
    std::thread::sleep(Duration::from_secs(3));
    coordinator.thaw();
    // The late answer: the same request, one number, before the kiosk says it is back.
    let late = wait_for(events, &mut seen, "the late ticket", |e| {
        assert!(!connected(e), "connected before the late answer");
        issued("frozen")(e)
    });
    assert_eq!(late, "A-002");
    wait_for(events, &mut seen, "reconnection", is(connected));
    handle.commands.blocking_send(issue("after")).unwrap();
    let after = wait_for(events, &mut seen, "the next ticket", issued("after"));
    assert_eq!(after, "A-003", "no number was taken twice");
    assert_eq!(coordinator.issued_ktp(&runtime), 3);

    // The visitor gives up (the offline screen's "Beranda"): the request is not sent again.
    coordinator.freeze();
    handle.commands.blocking_send(issue("abandoned")).unwrap();
    wait_for(events, &mut seen, "the visitor told", |e| match e {
        NetEvent::TicketFailed { request_id, .. } if request_id == "abandoned" => Some(()),
        _ => None,
    });
    handle
        .commands
        .blocking_send(NetCommand::Abandon {
            request_id: "abandoned".into(),
        })
        .unwrap();
    coordinator.thaw();
    wait_for(events, &mut seen, "reconnection", |e| match e {
        NetEvent::TicketIssued { request_id, .. } => {
            panic!("a ticket for {request_id} nobody waits for")
        }
        e => connected(e).then_some(()),
    });
    handle.commands.blocking_send(issue("last")).unwrap();
    let last = wait_for(events, &mut seen, "the last ticket", issued("last"));
    // The frozen coordinator may have carried out the abandoned request from its socket
    // buffer when it ran again (the kiosk cannot take that back); it never reached the
    // kiosk, and nothing was issued twice.
    assert!(last == "A-004" || last == "A-005", "{last}");
}

/// The kiosk as deployed (real window, real event loop, printer on TCP): frozen during a
/// take-ticket tap it draws the offline screen; thawed, it leaves the offline screen by
/// itself with the visitor's ticket (printed once), and the next visitor's tap issues the
/// next number.
fn the_kiosk_leaves_the_offline_screen_by_itself_when_a_frozen_coordinator_thaws() {
    let _serial = window::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let coordinator = Coordinator::start();
    let emulator = PrinterEmulator::listen_tcp(EmulatedStatus::Ready).expect("emulator");
    let printer = emulator.tcp_address().expect("tcp");
    let x = Xvfb::start(1280, 800);
    let mut kiosk = Kiosk::start(
        &x,
        &kiosk_config(coordinator.addr, &coordinator.token, printer, 60),
    );

    kiosk.walk_to_priority(&x, false);
    coordinator.freeze();
    kiosk.tap(&x, "ChoosePriority(Some(\"lansia\"))");
    kiosk.wait_for("the waiting screen", |f| f.screen == "Issuing");
    let offline = kiosk.wait_for("the offline screen", |f| f.screen == "Offline" && !f.online);
    let shown = kiosk.settled_without_input(&x);
    assert!(is_visit_screen(&shown), "the offline screen is drawn");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(kiosk.last().screen, "Offline", "offline while frozen");
    assert!(
        emulator.printed().is_empty(),
        "nothing printed while frozen"
    );

    coordinator.thaw();
    let thawed = Instant::now();
    let result = kiosk.wait_for("the late ticket on the result screen", |f| {
        f.screen == "Result" && f.online
    });
    println!(
        "offline screen left {:?} after the thaw ({} ms after it appeared)",
        thawed.elapsed(),
        result.ms - offline.ms
    );
    assert_eq!(result.ticket, "A-001");
    assert!(
        emulator.wait_for_printed(30_000, |bytes| count(bytes, "A-001") == 1),
        "the late ticket is printed"
    );
    kiosk.wait_for("printing finished", |f| f.print == "Printed");
    let shown = kiosk.settled_without_input(&x);
    assert!(is_visit_screen(&shown), "the result screen is drawn");

    // The next visitor.
    kiosk.tap(&x, "Home");
    kiosk.wait_for("the attract screen", |f| f.screen == "Idle" && f.online);
    kiosk.walk_to_priority(&x, false);
    kiosk.tap(&x, "ChoosePriority(Some(\"lansia\"))");
    let next = kiosk.wait_for("the next ticket", |f| f.screen == "Result");
    assert_eq!(next.ticket, "A-002");
    assert!(emulator.wait_for_printed(30_000, |bytes| count(bytes, "A-002") == 1));
    let printed = emulator.printed();
    assert_eq!(count(&printed, "A-001"), 1, "the late ticket printed once");
    assert_eq!(coordinator.issued_ktp(&runtime), 2, "no ticket taken twice");
}
