//! Antrean Pusat in the end-to-end suite: `antrean central serve` as a child process on a
//! throwaway PostgreSQL cluster, with a CA and certificate made by `antrean central
//! tls-init`, and an HTTPS client that trusts only that CA.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use super::pg::PgCluster;
use super::{Server, antrean_bin, faketime_at};

/// `antrean central …` with the cluster's address; panics with its stderr on failure.
pub fn central_cmd(pg: &PgCluster, args: &[&str], stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(antrean_bin())
        .arg("central")
        .args(args)
        .env("ANTREAN_CENTRAL_DATABASE", pg.url())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "antrean central {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A private CA and a server certificate for 127.0.0.1 in `dir`.
pub fn tls_init(dir: &Path) {
    let out = Command::new(antrean_bin())
        .args(["central", "tls-init"])
        .arg(dir)
        .args(["--host", "127.0.0.1", "--host", "localhost"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Enrols a site; its key goes to `dir/ID.key`.
pub fn add_site(pg: &PgCluster, dir: &Path, id: &str, name: &str, region: &str) -> PathBuf {
    let key = dir.join(format!("{id}.key"));
    let key_arg = key.display().to_string();
    central_cmd(
        pg,
        &[
            "site",
            "add",
            id,
            "--name",
            name,
            "--region",
            region,
            "--key-file",
            &key_arg,
        ],
        "",
    );
    key
}

/// A central process.
pub struct CentralServer {
    pub child: Child,
    pub addr: SocketAddr,
    pub tls: PathBuf,
}

impl CentralServer {
    /// Starts on `listen` (e.g. "127.0.0.1:0") with the certificate in `tls`.
    pub fn start(pg: &PgCluster, tls: &Path, listen: &str) -> CentralServer {
        CentralServer::start_with(Command::new(antrean_bin()), pg, tls, listen)
    }

    /// [`CentralServer::start`] with its wall clock at `utc` and running on ([`faketime_at`]).
    pub fn start_at(pg: &PgCluster, tls: &Path, listen: &str, utc: &str) -> CentralServer {
        let mut command = Command::new(antrean_bin());
        faketime_at(&mut command, utc);
        CentralServer::start_with(command, pg, tls, listen)
    }

    fn start_with(mut command: Command, pg: &PgCluster, tls: &Path, listen: &str) -> CentralServer {
        let log = tls.join(format!("central-{}.log", std::process::id()));
        let mut child = command
            .args(["central", "serve", "--listen", listen, "--tls-cert"])
            .arg(tls.join("server.pem"))
            .arg("--tls-key")
            .arg(tls.join("server-key.pem"))
            .env("ANTREAN_CENTRAL_DATABASE", pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| {
                    panic!(
                        "central exited before listening: {}",
                        std::fs::read_to_string(&log).unwrap_or_default()
                    )
                })
                .unwrap();
            if let Some(rest) = line.split("listening on https://").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        CentralServer {
            child,
            addr,
            tls: tls.to_owned(),
        }
    }

    /// Starts serving plain HTTP (as behind a TLS proxy) on a free port.
    pub fn start_plain(pg: &PgCluster, dir: &Path) -> CentralServer {
        let mut child = Command::new(antrean_bin())
            .args(["central", "serve", "--listen", "127.0.0.1:0"])
            .env("ANTREAN_CENTRAL_DATABASE", pg.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("central listening").unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        CentralServer {
            child,
            addr,
            tls: dir.to_owned(),
        }
    }

    /// SIGKILL.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// The site flags that ship to this central as `site`.
    pub fn site_flags(&self, site: &str) -> Vec<String> {
        site_flags(self.addr, &self.tls, site)
    }

    /// `GET path` over HTTPS (trusting only the test CA): status and body.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (u16, String) {
        https_request(self.addr, &self.tls, "GET", path, cookie, "").await
    }
}

impl Drop for CentralServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `antrean serve` flags that ship to central at `addr`.
pub fn site_flags(addr: SocketAddr, tls: &Path, site: &str) -> Vec<String> {
    vec![
        "--central-url".into(),
        format!("wss://{addr}"),
        "--central-site".into(),
        site.into(),
        "--central-key-file".into(),
        tls.join(format!("{site}.key")).display().to_string(),
        "--central-ca".into(),
        tls.join("ca.pem").display().to_string(),
    ]
}

/// A rustls client config trusting only the test CA.
pub fn client_tls(tls: &Path) -> Arc<rustls::ClientConfig> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(tls.join("ca.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth(),
    )
}

/// One HTTPS request (HTTP/1.1, connection closed after): status and body.
pub async fn https_request(
    addr: SocketAddr,
    tls: &Path,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_tls(tls));
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut stream = connector.connect(name, tcp).await.unwrap();
    let cookie = cookie.map_or(String::new(), |c| format!("Cookie: {c}\r\n"));
    let body = if form.is_empty() {
        String::new()
    } else {
        format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        )
    };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{cookie}{body}\r\n{form}"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, text)
}

/// A JSON request over HTTPS with a bearer key (trusting only the test CA): status and
/// body.
pub async fn https_json(
    addr: SocketAddr,
    tls: &Path,
    method: &str,
    path: &str,
    bearer: &str,
    json: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_tls(tls));
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut stream = connector.connect(name, tcp).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Authorization: Bearer {bearer}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{json}",
        json.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// A free local address (bound and released), for a server started later.
pub fn free_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A Prometheus sample's value (the first line starting with `series `).
pub fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// The site's `/metrics`.
pub fn site_metrics(server: &Server) -> String {
    let (_, _, body) = super::raw_get(server.addr, "/metrics", "");
    String::from_utf8(body).unwrap()
}

/// Polls `check` every 100 ms until it holds; panics with `what` after `limit` (a deadline
/// that only ends the wait).
pub async fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
