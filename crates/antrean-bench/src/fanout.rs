//! Fan-out: one call event delivered to many subscribed display boards.
//!
//! For each subscriber count a fresh server (sample MPP catalog) gets that many boards
//! connected and subscribed; then, `ROUNDS` times, a kiosk issues a ticket, an officer calls
//! it, starts and finishes. Latency = from just before the officer sends `call_next` (so it
//! includes the group commit) to each board receiving the `ticket_called` event. Clients
//! live in this process, the server in its own.
//!
//! Two figures per count. **Alone**: before the call every board has received the issue,
//! and before the next round every board has the finish, so the call is the only event in
//! flight — the fan-out of one call event. **Right after an issue**: the officer calls as
//! soon as the kiosk has its ticket, while the issue event is still being fanned out to the
//! same boards, so the call queues behind it (and behind the previous round's start and
//! finish) — a busy moment at a site.
//!
//! The boards are lean on purpose: a real board is a TV with its own CPU, but here all
//! boards share the server's two cores, so a board that parsed every message into a
//! `ServerMessage` (several µs × 4 events a round × 5,000 boards) would measure the bench
//! more than the server. Each board reads raw frames and only looks for the
//! `"event":{"type":KIND,"ticket":N` prefix the coordinator writes (field order is fixed by
//! the serializer; a test in this crate pins it).

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
    /// The call alone in flight.
    pub latency: Summary,
    pub max: Duration,
    /// The call right after an issue (queued behind its fan-out).
    pub busy_latency: Summary,
    pub busy_max: Duration,
    /// Deliveries measured in each of the two modes.
    pub deliveries: usize,
    pub rss_per_subscriber_kib: f64,
}

pub async fn measure(bin: &Path, base: &Path, subscribers: usize) -> anyhow::Result<FanoutFigure> {
    measure_with(bin, base, subscribers, &[]).await
}

/// [`measure`] on a server started with more flags.
pub async fn measure_with(
    bin: &Path,
    base: &Path,
    subscribers: usize,
    extra: &[String],
) -> anyhow::Result<FanoutFigure> {
    let name = format!("fanout-{subscribers}-{}", extra.len());
    let server = BenchServer::start_with(bin, base, &name, false, extra).await?;
    let url = server.url();
    let (board, kiosk_token) = enroll_site(&url).await?;

    let rss_before = server.rss_kib()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Seen>();
    let mut tasks = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut board = LeanBoard::connect(&url, &board).await?;
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            while let Some((kind, ticket)) = board.next_ticket_event().await {
                if tx.send((kind, ticket, Instant::now())).is_err() {
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
    let mut alone = Vec::with_capacity(ROUNDS * subscribers);
    let mut busy = Vec::with_capacity(ROUNDS * subscribers);
    for quiet in [true, false] {
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
            if quiet {
                all_boards_see(&mut rx, subscribers, "ticket_issued", ticket.id, None).await?;
            }
            let sent = Instant::now();
            officer.request(Request::CallNext { counter: None }).await?;
            let samples = if quiet { &mut alone } else { &mut busy };
            samples.extend(
                all_boards_see(&mut rx, subscribers, "ticket_called", ticket.id, Some(sent))
                    .await?,
            );
            officer.request(Request::Start { counter: None }).await?;
            officer.request(Request::Finish { counter: None }).await?;
            if quiet {
                all_boards_see(&mut rx, subscribers, "service_finished", ticket.id, None).await?;
            }
        }
    }
    for task in tasks {
        task.abort();
    }
    server.stop().await?;
    let max = alone.iter().copied().max().unwrap_or_default();
    let busy_max = busy.iter().copied().max().unwrap_or_default();
    let deliveries = alone.len();
    Ok(FanoutFigure {
        subscribers,
        latency: Summary::of(alone),
        max,
        busy_latency: Summary::of(busy),
        busy_max,
        deliveries,
        rss_per_subscriber_kib: rss_after.saturating_sub(rss_before) as f64 / subscribers as f64,
    })
}

/// Enrolls a board and a kiosk and sets the officer: the board's and the kiosk's tokens.
async fn enroll_site(url: &str) -> anyhow::Result<(String, String)> {
    let mut manager = Client::connect_with(
        url,
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

    Ok((board, kiosk_token))
}

/// What a board saw: event kind, ticket id, when.
type Seen = (String, u64, Instant);

/// Waits until `subscribers` boards report `kind` for `ticket` (other reports are dropped);
/// with `since`, returns each board's delay from it.
async fn all_boards_see(
    rx: &mut mpsc::UnboundedReceiver<Seen>,
    subscribers: usize,
    kind: &str,
    ticket: u64,
    since: Option<Instant>,
) -> anyhow::Result<Vec<Duration>> {
    let mut delays = Vec::with_capacity(if since.is_some() { subscribers } else { 0 });
    let mut received = 0;
    while received < subscribers {
        let (seen_kind, id, at) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .map_err(|_| anyhow::anyhow!("only {received} of {subscribers} boards got {kind}"))?
            .ok_or_else(|| anyhow::anyhow!("subscribers gone"))?;
        if id == ticket && seen_kind == kind {
            received += 1;
            if let Some(since) = since {
                delays.push(at.saturating_duration_since(since));
            }
        }
    }
    Ok(delays)
}

/// A display board that reads frames without decoding them (see the module docs).
struct LeanBoard {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the coordinator writes before the kind of an event.
const EVENT: &str = "\"event\":{\"type\":\"";

impl LeanBoard {
    /// Connects, says hello as a display board and waits for the snapshot.
    async fn connect(url: &str, token: &str) -> anyhow::Result<LeanBoard> {
        let mut config = WebSocketConfig::default();
        // tungstenite zero-fills its read buffer up to this size before every read: 16 KiB
        // of memset per ~300-byte event was 9 % of the boards' CPU, on the server's cores.
        config.read_buffer_size = 2 * 1024;
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

    /// Kind and ticket id of the next ticket event (None when the connection ends).
    async fn next_ticket_event(&mut self) -> Option<(String, u64)> {
        while let Some(Ok(frame)) = self.ws.next().await {
            if let Message::Text(text) = frame
                && let Some((kind, id)) = ticket_event(text.as_str())
            {
                return Some((kind.to_owned(), id));
            }
        }
        None
    }
}

/// `("ticket_called", 4711)` from `…"event":{"type":"ticket_called","ticket":4711,…`.
fn ticket_event(text: &str) -> Option<(&str, u64)> {
    let rest = &text[text.find(EVENT)? + EVENT.len()..];
    let (kind, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(",\"ticket\":")?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    Some((kind, rest[..end].parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use antrean_protocol::{EventDto, ServerMessage};

    #[test]
    fn the_lean_board_reads_kind_and_ticket_as_the_coordinator_writes_them() {
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
            waiting: None,
        };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(ticket_event(&text), Some(("ticket_called", 4711)));
        let other = ServerMessage::Event {
            seq: 10,
            at_ms: 1,
            event: EventDto::ServiceStarted {
                ticket: 4711,
                counter: "3".into(),
            },
            ticket: None,
            announce: None,
            waiting: None,
        };
        assert_eq!(
            ticket_event(&serde_json::to_string(&other).unwrap()),
            Some(("service_started", 4711))
        );
        let day = ServerMessage::Event {
            seq: 11,
            at_ms: 1,
            event: EventDto::DayStarted {
                day: "2026-11-30".into(),
            },
            ticket: None,
            announce: None,
            waiting: None,
        };
        assert_eq!(ticket_event(&serde_json::to_string(&day).unwrap()), None);
    }
}
