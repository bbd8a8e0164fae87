//! The real kernel: a loop-mounted ext4 file system crashed under a running server, and a
//! full disk. Needs root (loop devices, mount), as CI runs; see RELIABILITY.md.
//!
//! The crash is `EXT4_IOC_SHUTDOWN` with `EXT4_GOING_FLAGS_NOLOGFLUSH`: the file system
//! stops at once and its running journal transaction is dropped, as in a kernel crash
//! (xfstests' `godown`). What `fdatasync` made durable survives; what only reached the page
//! cache does not. Before the write-ahead log, this lost over half of 1,800 acknowledged
//! tickets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use antrean_client::Client;
use antrean_protocol::*;

/// A loop-mounted ext4 image, unmounted and detached on drop.
struct Ext4 {
    image: PathBuf,
    mount: PathBuf,
    device: String,
    mounted: bool,
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn require_root() {
    let uid = run("id", &["-u"]);
    assert_eq!(
        uid, "0",
        "this test mounts a loop device and needs root (CI runs as root): run the suite as \
         root, as `.ci/run` does"
    );
}

impl Ext4 {
    fn new(dir: &Path, size: &str) -> Ext4 {
        require_root();
        let image = dir.join("disk.img");
        let mount = dir.join("mnt");
        std::fs::create_dir_all(&mount).unwrap();
        run("truncate", &["-s", size, image.to_str().unwrap()]);
        run("mkfs.ext4", &["-q", "-F", image.to_str().unwrap()]);
        let device = run("losetup", &["-f", "--show", image.to_str().unwrap()]);
        let mut disk = Ext4 {
            image,
            mount,
            device,
            mounted: false,
        };
        disk.mount();
        disk
    }

    fn mount(&mut self) {
        run("mount", &[&self.device, self.mount.to_str().unwrap()]);
        self.mounted = true;
    }

    fn unmount(&mut self) {
        run("umount", &[self.mount.to_str().unwrap()]);
        self.mounted = false;
    }

    /// The crash: shut the file system down without flushing its journal.
    fn shut_down_without_log_flush(&self) {
        // EXT4_IOC_SHUTDOWN = _IOR('X', 125, __u32); EXT4_GOING_FLAGS_NOLOGFLUSH = 2.
        let script = "import fcntl, os, struct, sys\n\
                      fd = os.open(sys.argv[1], os.O_RDONLY)\n\
                      fcntl.ioctl(fd, 0x8004587D, struct.pack('I', 2))\n";
        run("python3", &["-c", script, self.mount.to_str().unwrap()]);
    }
}

impl Drop for Ext4 {
    fn drop(&mut self) {
        if self.mounted {
            let _ = Command::new("umount").arg(&self.mount).status();
        }
        let _ = Command::new("losetup").args(["-d", &self.device]).status();
        let _ = std::fs::remove_file(&self.image);
    }
}

/// Kiosks issuing at full speed until `stop`; every acknowledged ticket is recorded.
fn issue_at_full_speed(
    url: &str,
    tokens: &[String],
    acked: &Arc<Mutex<HashMap<u64, String>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = Vec::new();
    for (k, token) in tokens.iter().enumerate() {
        for lane in 0..4 {
            let (url, token, acked) = (url.to_owned(), token.clone(), acked.clone());
            tasks.push(tokio::spawn(async move {
                let Ok(mut client) = Client::connect(&url, Auth::Kiosk { token }).await else {
                    return;
                };
                for i in (k * 4 + lane).. {
                    match client.request(issue(SERVICES[i % SERVICES.len()])).await {
                        Ok(result) => {
                            let t = ticket_of(&result);
                            acked.lock().unwrap().insert(t.id, t.number.clone());
                        }
                        Err(antrean_client::ClientError::Rejected { .. }) => continue,
                        Err(_) => return,
                    }
                }
            }));
        }
    }
    tasks
}

/// Every acknowledged ticket is in the restarted server's snapshot with its number, no
/// number is given twice, and the next ticket continues after the acknowledged ones.
async fn check_every_acknowledged_ticket(server: &Server, acked: &HashMap<u64, String>) {
    let mut m = manager(server).await;
    let snapshot = first_snapshot(&mut m).await;
    let recovered: HashMap<u64, &TicketView> = snapshot.tickets.iter().map(|t| (t.id, t)).collect();
    let lost: Vec<_> = acked
        .iter()
        .filter(|(id, number)| recovered.get(id).map(|t| &t.number) != Some(number))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged tickets lost, e.g. {:?}",
        lost.len(),
        acked.len(),
        lost.iter().take(5).collect::<Vec<_>>()
    );
    let mut numbers = HashMap::new();
    for t in &snapshot.tickets {
        assert!(
            numbers.insert(t.number.clone(), t.id).is_none(),
            "number {} given twice",
            t.number
        );
    }
    assert_numbering_continues(&mut m, acked.values()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kernel_crash_on_ext4_loses_no_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut disk = Ext4::new(dir.path(), "512M");
    let data = disk.mount.join("data");
    let server =
        Server::start_logging_to(&data, &["--always-open"], &dir.path().join("server.log"));
    let mut tokens = Vec::new();
    for k in 0..4 {
        tokens.push(enroll(&server, DeviceKind::Kiosk, &format!("kiosk-{k}")).await);
    }
    let acked = Arc::new(Mutex::new(HashMap::new()));
    let tasks = issue_at_full_speed(&server.url(), &tokens, &acked);
    // Crash once enough tickets are in the last seconds' journal transaction.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 1_800 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    disk.shut_down_without_log_flush();
    server.kill();
    for task in tasks {
        task.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    eprintln!(
        "power cut: {} tickets acknowledged before the crash",
        acked.len()
    );
    assert!(
        acked.len() >= 1_800,
        "only {} tickets before the deadline",
        acked.len()
    );

    // Reboot: the journal is replayed at mount; the server recovers its log.
    disk.unmount();
    disk.mount();
    let server =
        Server::start_logging_to(&data, &["--always-open"], &dir.path().join("restart.log"));
    check_every_acknowledged_ticket(&server, &acked).await;
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_stops_the_server_with_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let disk = Ext4::new(dir.path(), "64M");
    let data = disk.mount.join("data");
    let mut server = Server::start_logging_to(
        &data,
        &["--always-open", "--wal-segment-kib", "1024"],
        &dir.path().join("server.stderr.log"),
    );
    let tokens = vec![enroll(&server, DeviceKind::Kiosk, "kiosk-full").await];
    // Fill the disk: nothing is left for sled, the mirror or a new log segment.
    let filler = disk.mount.join("filler");
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=1M", "status=none"])
        .arg(format!("of={}", filler.display()))
        .status()
        .unwrap();
    let acked = Arc::new(Mutex::new(HashMap::new()));
    let tasks = issue_at_full_speed(&server.url(), &tokens, &acked);
    let status = server
        .exited_within(Duration::from_secs(120))
        .await
        .expect("the server kept acknowledging on a full disk");
    for task in tasks {
        task.await.unwrap();
    }
    assert!(!status.success(), "a full disk must exit non-zero");
    let stderr = server.stderr();
    assert!(
        stderr.contains("storage failure") && stderr.contains("No space left on device"),
        "{stderr}"
    );
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    eprintln!(
        "full disk: {} tickets acknowledged before the server stopped",
        acked.len()
    );
    assert!(!acked.is_empty());
    drop(server);

    // Space freed (the operator's fix); the restart has every acknowledged ticket.
    std::fs::remove_file(&filler).unwrap();
    let server =
        Server::start_logging_to(&data, &["--always-open"], &dir.path().join("restart.log"));
    check_every_acknowledged_ticket(&server, &acked).await;
    server.kill();
}
