//! The coordinator under test, as a child process.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::Context;

pub const ADMIN_PASSWORD: &str = "bench-admin-password";

pub struct BenchServer {
    child: Child,
    addr: String,
}

impl BenchServer {
    /// Starts a server on `base/data-NAME`; with `bench_catalog` the 100-service benchmark
    /// catalog, otherwise the shipped sample MPP catalog.
    pub async fn start(
        bin: &Path,
        base: &Path,
        name: &str,
        bench_catalog: bool,
    ) -> anyhow::Result<BenchServer> {
        BenchServer::start_with(bin, base, name, bench_catalog, &[]).await
    }

    /// [`BenchServer::start`] with more `antrean serve` flags (e.g. shipping to central).
    pub async fn start_with(
        bin: &Path,
        base: &Path,
        name: &str,
        bench_catalog: bool,
        extra: &[String],
    ) -> anyhow::Result<BenchServer> {
        let data = base.join(format!("data-{name}"));
        let _ = std::fs::remove_dir_all(&data);
        let mut command = Command::new(bin);
        command.arg("serve").arg("--data").arg(&data);
        if bench_catalog {
            let catalog = base.join("bench-catalog.toml");
            std::fs::write(&catalog, crate::catalog::toml())?;
            command.arg("--catalog").arg(&catalog);
        }
        let mut child = command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--always-open",
                "--admin-password",
                ADMIN_PASSWORD,
            ])
            // The benchmark measures the coordinator, not the per-connection rate limit.
            .args(["--max-requests-per-second", "1000000"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines.next().context("server exited before listening")??;
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .context("address")?
                    .to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(BenchServer { child, addr })
    }

    pub fn url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Resident set size of the server process, KiB.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .context("VmRSS")?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .context("VmRSS value")?
            .parse()?)
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        self.child.wait()?;
        Ok(())
    }
}
