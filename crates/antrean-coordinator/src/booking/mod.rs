//! Online booking on the site (docs/booking.md): the HTTP booking API the booking page and
//! partner apps use ([`api`]), booking codes and private links ([`codes`]), and the sealed
//! personal data with its retention ([`vault`]). The rules themselves are the core's
//! (`antrean_core::booking`); bookings are events in the one log, written by the committer.

pub mod api;
pub mod codes;
pub mod vault;

pub use codes::BookingCodes;
pub use vault::{Personal, Vault};

/// How often the retention purge runs. Keys expire by whole days, so an hour late at
/// most is well inside "no longer than needed".
const PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes expired personal-data keys at start and then every hour until
/// `stop` turns true.
pub async fn purge_task(
    side: std::sync::Arc<api::BookingSide>,
    catalog: std::sync::Arc<antrean_core::Catalog>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut clock = tokio::time::interval(PURGE_INTERVAL);
    loop {
        tokio::select! {
            _ = clock.tick() => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let today = catalog.site.time_zone.local(crate::committer::now()).date;
        let (side, catalog) = (side.clone(), catalog.clone());
        match tokio::task::spawn_blocking(move || side.vault.purge(&catalog, today)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => {
                tracing::info!(keys = n, "booking personal data past its retention deleted")
            }
            Ok(Err(e)) => tracing::error!(error = %e, "cannot delete expired booking keys"),
            Err(_) => return,
        }
    }
}
