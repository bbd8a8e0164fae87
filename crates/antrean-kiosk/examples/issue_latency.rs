//! Kiosk tap → committed ticket latency over loopback, without a screen: the kiosk's own
//! network thread (`net::spawn`) against the real coordinator started in-process on
//! 127.0.0.1:0 with the sample MPP catalog. The UI adds at most one frame on top (it is
//! woken by the network thread, see `main.rs`).
//!
//! `cargo run -p antrean-kiosk --release --example issue_latency -- 500`

use std::sync::Arc;
use std::time::Duration;

use antrean_kiosk::net::{self, NetCommand, NetEvent};

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let data = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let config = antrean_coordinator::Config {
        data_dir: data.path().to_owned(),
        wal: antrean_coordinator::WalOptions::default(),
        listen: "127.0.0.1:0".parse().expect("addr"),
        catalog: antrean_catalog::always_open(antrean_catalog::sample()),
        initial_admin_password: Some("bench-admin".into()),
        requests_per_second: antrean_coordinator::limits::REQUESTS_PER_SECOND,
        pages: axum::Router::new(),
        central: None,
        booking_trusted_proxy: None,
    };
    let running = runtime.block_on(async {
        let prepared = antrean_coordinator::prepare(&config).expect("store");
        antrean_coordinator::start(config, prepared)
            .await
            .expect("start")
    });
    let token = runtime
        .block_on(running.auth.enroll_device(
            antrean_protocol::DeviceKind::Kiosk,
            "kiosk-bench",
            None,
        ))
        .expect("enroll");
    let handle = net::spawn(format!("ws://{}/ws", running.addr), token, Arc::new(|| {}));
    loop {
        match handle
            .events
            .recv_timeout(Duration::from_secs(10))
            .expect("connects")
        {
            NetEvent::Connected { .. } => break,
            _ => continue,
        }
    }
    let mut latencies_us = Vec::with_capacity(count);
    let services = ["ktp-el-baru", "kk-baru", "akta-kelahiran", "kia"];
    for i in 0..count {
        let request_id = format!("bench-{i}");
        let command = NetCommand::IssueTicket {
            request_id: request_id.clone(),
            service: services[i % services.len()].into(),
            priority: None,
        };
        handle
            .commands
            .blocking_send(command)
            .expect("net thread alive");
        loop {
            match handle
                .events
                .recv_timeout(Duration::from_secs(10))
                .expect("answer")
            {
                NetEvent::TicketIssued {
                    request_id: id,
                    latency,
                    ..
                } if id == request_id => {
                    latencies_us.push(latency.as_micros() as u64);
                    break;
                }
                NetEvent::TicketRejected { rejection, .. } => panic!("rejected: {rejection:?}"),
                NetEvent::TicketFailed { reason, .. } => panic!("failed: {reason}"),
                _ => continue,
            }
        }
    }
    latencies_us.sort_unstable();
    let at = |q: f64| {
        latencies_us[((latencies_us.len() as f64 - 1.0) * q).round() as usize] as f64 / 1000.0
    };
    println!(
        "{count} tickets: tap→committed p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    running.stop();
    runtime.block_on(running.wait()).expect("stops");
}
