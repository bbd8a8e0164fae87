//! A private PostgreSQL cluster for the demo, the benchmarks and the tests: Debian's
//! `initdb` + `pg_ctl` in a temporary directory on a free port, stopped when dropped.
//! PostgreSQL refuses to run as root, so under root it runs as the `postgres` user that
//! Debian's package creates (through `runuser`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// A running throwaway cluster with a database `pusat` owned by `antrean` (trust auth on
/// 127.0.0.1 only).
pub struct LocalCluster {
    dir: PathBuf,
    /// Its TCP port on 127.0.0.1.
    pub port: u16,
    bin: PathBuf,
    root: bool,
    remove_on_drop: bool,
}

/// The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin).
pub fn pg_bin() -> anyhow::Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (Debian: apt-get install postgresql)")?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .context("no initdb under /usr/lib/postgresql/*/bin")
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl LocalCluster {
    /// Makes and starts a cluster in `dir` (created; removed on drop when `remove_on_drop`).
    pub fn start_in(dir: &Path, remove_on_drop: bool) -> anyhow::Result<LocalCluster> {
        std::fs::create_dir_all(dir)?;
        let root = running_as_root();
        if root {
            // The postgres user must reach the directory.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777))?;
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let cluster = LocalCluster {
            dir: dir.to_owned(),
            port,
            bin: pg_bin()?,
            root,
            remove_on_drop,
        };
        let data = cluster.data().display().to_string();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "antrean",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        cluster.up()?;
        cluster.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "antrean",
                "pusat",
            ],
        )?;
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// A PostgreSQL tool, as `postgres` under root.
    pub fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        let mut command = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"])
                .arg(program)
                .current_dir("/");
            c
        } else {
            Command::new(program)
        };
        command.stdout(Stdio::null());
        command
    }

    fn run(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let out = self
            .command(tool)
            .args(args)
            .stderr(Stdio::piped())
            .output()
            .with_context(|| format!("running {tool}"))?;
        if !out.status.success() {
            bail!(
                "{tool} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }

    /// Starts (or restarts) the server; returns when it accepts connections. Durability
    /// settings are PostgreSQL's defaults (`fsync`, `synchronous_commit = on`).
    pub fn up(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{}' \
             -c fsync=on -c synchronous_commit=on -c max_connections=200",
            self.port,
            self.dir.display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-o",
                &options,
                "-l",
                &self.dir.join("postgresql.log").display().to_string(),
                "-w",
                "start",
            ],
        )
    }

    /// Stops at once, like a crash: no checkpoint, clients cut off.
    pub fn crash(&self) -> anyhow::Result<()> {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        )
    }

    /// `postgres://antrean@127.0.0.1:PORT/pusat`.
    pub fn url(&self) -> String {
        format!("postgres://antrean@127.0.0.1:{}/pusat", self.port)
    }

    /// The first column of the first row of `sql`, as psql prints it.
    pub fn query(&self, sql: &str) -> anyhow::Result<String> {
        let out = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "antrean",
                "-d",
                "pusat",
            ])
            .args(["-tAc", sql])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()?;
        if !out.status.success() {
            bail!(
                "psql {sql}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        let _ = self.crash();
        if self.remove_on_drop {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
