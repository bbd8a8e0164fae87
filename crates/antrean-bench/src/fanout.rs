//! Fan-out: one call event delivered to many subscribed display boards.
//!
//! For each subscriber count a fresh server (sample MPP catalog) gets that many boards
//! connected and subscribed; then, `ROUNDS` times, a kiosk issues a ticket and an officer
//! calls it. Latency = from just before the officer sends `call_next` (so it includes the
//! group commit) to each board receiving the `ticket_called` event. Clients live in this
//! process, the server in its own.

use std::path::Path;
use std::time::{Duration, Instant};

use antrean_client::Client;
use antrean_protocol::{Auth, DeviceKind, EventDto, Request, ResultDto, ServerMessage};
use tokio::sync::mpsc;

use crate::server::{ADMIN_PASSWORD, BenchServer};
use crate::stats::Summary;

/// Calls per subscriber count: enough deliveries (rounds × subscribers) for a stable p99.
const ROUNDS: usize = 20;

/// Result for one subscriber count.
pub struct FanoutFigure {
    pub subscribers: usize,
    pub latency: Summary,
    pub max: Duration,
    pub deliveries: usize,
    pub rss_per_subscriber_kib: f64,
}

pub async fn measure(bin: &Path, base: &Path, subscribers: usize) -> anyhow::Result<FanoutFigure> {
    let server = BenchServer::start(bin, base, &format!("fanout-{subscribers}"), false).await?;
    let url = server.url();
    let mut manager = Client::connect_with(
        &url,
        Auth::Manager {
            username: "admin".into(),
            password: ADMIN_PASSWORD.into(),
        },
        false,
    )
    .await?;
    let token = |result: ResultDto| match result {
        ResultDto::Enrolled { token, .. } => Ok(token),
        other => Err(anyhow::anyhow!("unexpected {other:?}")),
    };
    let board = token(
        manager
            .request(Request::EnrollDevice {
                kind: DeviceKind::Display,
                name: "board".into(),
                counter: None,
            })
            .await?,
    )?;
    let kiosk_token = token(
        manager
            .request(Request::EnrollDevice {
                kind: DeviceKind::Kiosk,
                name: "kiosk".into(),
                counter: None,
            })
            .await?,
    )?;
    manager
        .request(Request::SetOfficer {
            officer: "siti".into(),
            name: "Siti".into(),
            pin: "1234".into(),
        })
        .await?;
    manager.close().await;

    let rss_before = server.rss_kib()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let mut tasks = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut client = Client::connect(
            &url,
            Auth::Display {
                token: board.clone(),
            },
        )
        .await?;
        client
            .wait_for(Duration::from_secs(60), |m| {
                matches!(m, ServerMessage::Snapshot { .. }).then_some(())
            })
            .await?;
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            while let Ok(message) = client.next_message().await {
                if let ServerMessage::Event {
                    event: EventDto::TicketCalled { ticket, .. },
                    ..
                } = message
                    && tx.send((ticket, Instant::now())).is_err()
                {
                    break;
                }
            }
        }));
    }
    drop(tx);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_after = server.rss_kib()?;

    let mut kiosk = Client::connect_with(&url, Auth::Kiosk { token: kiosk_token }, false).await?;
    let mut officer = Client::connect_with(
        &url,
        Auth::Officer {
            officer: "siti".into(),
            pin: "1234".into(),
            counter: "1".into(),
        },
        false,
    )
    .await?;
    let mut samples = Vec::with_capacity(ROUNDS * subscribers);
    for _ in 0..ROUNDS {
        let issued = kiosk
            .request(Request::IssueTicket {
                service: "ktp-el-baru".into(),
                priority: None,
            })
            .await?;
        let ResultDto::Ticket { ticket, .. } = issued else {
            anyhow::bail!("no ticket")
        };
        let sent = Instant::now();
        officer.request(Request::CallNext { counter: None }).await?;
        let mut received = 0;
        while received < subscribers {
            let (id, at) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await
                .map_err(|_| {
                    anyhow::anyhow!("only {received} of {subscribers} boards got the call")
                })?
                .ok_or_else(|| anyhow::anyhow!("subscribers gone"))?;
            if id == ticket.id {
                samples.push(at.saturating_duration_since(sent));
                received += 1;
            }
        }
        officer.request(Request::Start { counter: None }).await?;
        officer.request(Request::Finish { counter: None }).await?;
    }
    for task in tasks {
        task.abort();
    }
    server.stop().await?;
    let max = samples.iter().copied().max().unwrap_or_default();
    let deliveries = samples.len();
    Ok(FanoutFigure {
        subscribers,
        latency: Summary::of(samples),
        max,
        deliveries,
        rss_per_subscriber_kib: rss_after.saturating_sub(rss_before) as f64 / subscribers as f64,
    })
}
