//! Fan-out: one call event delivered to many subscribed display boards.
//!
//! For each subscriber count a fresh server (sample MPP catalog) gets that many boards
//! connected and subscribed; then, `ROUNDS` times, a kiosk issues a ticket and an officer
//! calls it. Latency = from just before the officer sends `call_next` (so it includes the
//! group commit) to each board receiving the `ticket_called` event. Clients live in this
//! process, the server in its own.
//!
//! The boards are lean on purpose: a real board is a TV with its own CPU, but here all
//! boards share the server's two cores, so a board that parsed every message into a
//! `ServerMessage` (several µs × 4 events a round × 5,000 boards) would measure the bench
//! more than the server. Each board reads raw frames and only looks for the
//! `"type":"ticket_called","ticket":N` prefix the coordinator writes (field order is fixed
//! by the serializer; a test in this crate pins it).

use std::path::Path;
use std::time::{Duration, Instant};

use antrean_client::Client;
use antrean_protocol::{Auth, ClientMessage, DeviceKind, PROTOCOL_VERSION, Request, ResultDto};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

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
        let mut board = LeanBoard::connect(&url, &board).await?;
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(ticket) = board.next_call().await {
                if tx.send((ticket, Instant::now())).is_err() {
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

/// A display board that reads frames without decoding them (see the module docs).
struct LeanBoard {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the coordinator writes before the ticket id of a call event.
const CALLED: &str = "\"type\":\"ticket_called\",\"ticket\":";

impl LeanBoard {
    /// Connects, says hello as a display board and waits for the snapshot.
    async fn connect(url: &str, token: &str) -> anyhow::Result<LeanBoard> {
        let mut config = WebSocketConfig::default();
        config.read_buffer_size = 16 * 1024;
        let (mut ws, _) =
            tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
        let hello = ClientMessage {
            id: Some("hello".into()),
            request: Request::Hello {
                protocol: PROTOCOL_VERSION,
                auth: Auth::Display {
                    token: token.to_owned(),
                },
                subscribe: true,
            },
        };
        ws.send(Message::text(serde_json::to_string(&hello)?))
            .await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let frame = tokio::time::timeout_at(deadline, ws.next())
                .await
                .map_err(|_| anyhow::anyhow!("no snapshot within 60 s"))?
                .ok_or_else(|| anyhow::anyhow!("closed before the snapshot"))??;
            if let Message::Text(text) = frame {
                anyhow::ensure!(
                    !text.as_str().starts_with("{\"type\":\"error\""),
                    "refused: {text}"
                );
                if text.as_str().starts_with("{\"type\":\"snapshot\"") {
                    return Ok(LeanBoard { ws });
                }
            }
        }
    }

    /// The ticket id of the next call event (None when the connection ends).
    async fn next_call(&mut self) -> Option<u64> {
        while let Some(Ok(frame)) = self.ws.next().await {
            if let Message::Text(text) = frame
                && let Some(id) = called_ticket(text.as_str())
            {
                return Some(id);
            }
        }
        None
    }
}

fn called_ticket(text: &str) -> Option<u64> {
    let rest = &text[text.find(CALLED)? + CALLED.len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_protocol::{EventDto, ServerMessage};

    #[test]
    fn the_lean_board_reads_the_ticket_of_a_call_as_the_coordinator_writes_it() {
        let message = ServerMessage::Event {
            seq: 9,
            at_ms: 1,
            event: EventDto::TicketCalled {
                ticket: 4711,
                counter: "3".into(),
                officer: Some("siti".into()),
                out_of_order: false,
            },
            ticket: None,
            announce: Some(vec!["chime".into()]),
        };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(called_ticket(&text), Some(4711));
        let other = ServerMessage::Event {
            seq: 10,
            at_ms: 1,
            event: EventDto::ServiceStarted {
                ticket: 4711,
                counter: "3".into(),
            },
            ticket: None,
            announce: None,
        };
        assert_eq!(called_ticket(&serde_json::to_string(&other).unwrap()), None);
    }
}
