//! What the kiosk's integration tests share: the real coordinator, in-process on loopback.

use std::net::SocketAddr;
use std::path::Path;

/// The manager password of the test coordinators.
pub const ADMIN_PASSWORD: &str = "kiosk-test-admin";

/// Starts the coordinator (the library `antrean serve` runs) on `listen` with `catalog`.
pub async fn start_coordinator(
    data: &Path,
    listen: SocketAddr,
    catalog: antrean_core::catalog::Catalog,
) -> antrean_coordinator::Running {
    let config = antrean_coordinator::Config {
        data_dir: data.to_owned(),
        wal: antrean_coordinator::WalOptions::default(),
        listen,
        catalog,
        initial_admin_password: Some(ADMIN_PASSWORD.into()),
        requests_per_second: antrean_coordinator::limits::REQUESTS_PER_SECOND,
        pages: axum::Router::new(),
        central: None,
        booking_trusted_proxy: None,
    };
    let prepared = antrean_coordinator::prepare(&config).expect("prepare store");
    antrean_coordinator::start(config, prepared)
        .await
        .expect("start coordinator")
}
