//! TLS for the shipping WebSocket and the report pages (rustls with ring; no OpenSSL).
//!
//! A government LAN often has no public certificate authority in reach, so
//! `antrean central tls-init` makes a private CA and a server certificate signed by it;
//! each site is given the CA certificate (`--central-ca`) and trusts nothing else for
//! central.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config(cert_path: &Path, key_path: &Path) -> anyhow::Result<Arc<ServerConfig>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .with_context(|| format!("reading {}", cert_path.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{}: not a PEM certificate chain", cert_path.display()))?;
    if certs.is_empty() {
        bail!("{}: no certificate in it", cert_path.display());
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .with_context(|| format!("{}: not a PEM private key", key_path.display()))?;
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .context("the certificate does not match the key")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Files written by [`init`].
pub struct Generated {
    /// The CA certificate sites are given.
    pub ca_cert: std::path::PathBuf,
    /// The server certificate (chain: server, CA).
    pub server_cert: std::path::PathBuf,
    /// The server's private key (mode 0600).
    pub server_key: std::path::PathBuf,
}

/// Makes a private CA and a server certificate for `hosts` (DNS names or IP addresses)
/// in `dir`: `ca.pem`, `ca-key.pem` (keep offline), `server.pem`, `server-key.pem`.
pub fn init(dir: &Path, hosts: &[String]) -> anyhow::Result<Generated> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Antrean Pusat CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_after = rcgen::date_time_ymd(2045, 1, 1);
    let ca = ca_params.self_signed(&ca_key)?;
    let server_key = KeyPair::generate()?;
    let mut params = CertificateParams::new(hosts.to_vec())?;
    params.distinguished_name.push(
        DnType::CommonName,
        hosts.first().map_or("antrean-pusat", |h| h),
    );
    params.not_after = rcgen::date_time_ymd(2036, 1, 1);
    let server = params.signed_by(&server_key, &ca, &ca_key)?;
    let out = Generated {
        ca_cert: dir.join("ca.pem"),
        server_cert: dir.join("server.pem"),
        server_key: dir.join("server-key.pem"),
    };
    write(&out.ca_cert, &ca.pem(), false)?;
    write(&dir.join("ca-key.pem"), &ca_key.serialize_pem(), true)?;
    write(
        &out.server_cert,
        &format!("{}{}", server.pem(), ca.pem()),
        false,
    )?;
    write(&out.server_key, &server_key.serialize_pem(), true)?;
    Ok(out)
}

fn write(path: &Path, text: &str, private: bool) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    if private {
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .with_context(|| {
            format!(
                "writing {} (an existing file is never overwritten)",
                path.display()
            )
        })
}
