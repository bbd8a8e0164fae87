//! The HTTP side: routes, and serving them over TLS (or plain HTTP behind a proxy).

use std::sync::Arc;

use antrean_protocol::SHIP_PATH;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::limits::TLS_HANDSHAKE_TIMEOUT;
use crate::{Central, login, pages, ship};

/// Every route.
pub fn router(central: Arc<Central>) -> Router {
    Router::new()
        .route(SHIP_PATH, get(ship::upgrade))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/", get(|| async { Redirect::to("/central/report") }))
        .route("/central/login", get(login::form).post(login::submit))
        .route("/central/logout", post(login::logout))
        .route("/central/report", get(pages::report_page))
        .route("/central/report.csv", get(pages::report_csv))
        .route("/central/report.xlsx", get(pages::report_xlsx))
        .route("/assets/{name}", get(pages::asset))
        .merge(crate::booking::api::routes())
        .merge(crate::booking::visitor::routes())
        .with_state(central)
}

async fn health(State(central): State<Arc<Central>>) -> Response {
    match central.db.get().await {
        Ok(conn) if conn.simple_query("SELECT 1").await.is_ok() => "ok\n".into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

async fn metrics(State(central): State<Arc<Central>>) -> Response {
    match central.db.sites().await {
        Ok(sites) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            central.metrics.render(&sites, ship::now_ms()),
        )
            .into_response(),
        Err(err) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database unavailable: {err:#}\n"),
        )
            .into_response(),
    }
}

/// Serves `app` until `stop` turns true.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let Some(tls) = tls else {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await?;
        return Ok(());
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(err) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!("accept failed: {err}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopped(&mut stop) => break,
        };
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        // The peer for handlers that limit by address (what `axum::serve` gives the
        // plain-HTTP path).
        let app = app
            .clone()
            .layer(axum::Extension(axum::extract::ConnectInfo(peer)));
        connections.spawn(async move {
            let stream =
                match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                    Ok(Ok(stream)) => stream,
                    Ok(Err(err)) => {
                        tracing::debug!(%peer, "TLS handshake failed: {err}");
                        return;
                    }
                    Err(_) => return,
                };
            let service = hyper_util::service::TowerToHyperService::new(app);
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .with_upgrades()
                .await;
            if let Err(err) = served {
                tracing::debug!(%peer, "connection ended: {err}");
            }
        });
        // Reap finished connections so the set does not grow with every one ever made.
        while connections.try_join_next().is_some() {}
    }
    connections.abort_all();
    Ok(())
}

/// Resolves once `stop` turns true (the borrow it waits on is not held across awaits).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
