//! A WebSocket client for the Antrean coordinator: connect with a role, send requests,
//! read events. Used by the `antrean` CLI, the end-to-end tests, benchmarks and the kiosk.
#![deny(missing_docs)]

use std::collections::VecDeque;
use std::time::Duration;

use antrean_protocol::*;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a request may wait for its answer. A group commit takes milliseconds; this
/// only trips when the coordinator is gone or stuck.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// First reconnect delay; doubles up to [`RECONNECT_DELAY_MAX`].
pub const RECONNECT_DELAY_MIN: Duration = Duration::from_millis(250);
/// Longest reconnect delay: a client must be live again within 2 s of a restarted
/// coordinator (RELIABILITY.md) — a kiosk that waits longer looks broken to the visitor in
/// front of it — and one attempt a second costs the coordinator nothing on a LAN.
pub const RECONNECT_DELAY_MAX: Duration = Duration::from_secs(1);

/// Reconnect delays: doubling from [`RECONNECT_DELAY_MIN`] up to [`RECONNECT_DELAY_MAX`],
/// back to the start after a connection succeeds. One policy for every client (the kiosk,
/// `antrean watch --reconnect`).
#[derive(Clone, Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            next: RECONNECT_DELAY_MIN,
        }
    }
}

impl Backoff {
    /// The wait before the next attempt (each call doubles the following one, up to the cap).
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(RECONNECT_DELAY_MAX);
        delay
    }

    /// A connection succeeded: the next loss starts from the shortest wait again.
    pub fn reset(&mut self) {
        self.next = RECONNECT_DELAY_MIN;
    }
}

/// Messages read past while waiting for an answer are kept for [`Client::next_message`];
/// beyond this many the oldest are dropped (a client that never reads events).
const INBOX_LIMIT: usize = 10_000;

/// Client failures.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Could not connect.
    #[error("cannot connect to {url}: {detail}")]
    Connect {
        /// URL.
        url: String,
        /// Cause.
        detail: String,
    },
    /// The connection ended.
    #[error("connection closed: {0}")]
    Closed(String),
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The coordinator refused the request.
    #[error("{code}: {message}")]
    Rejected {
        /// Stable code.
        code: String,
        /// Indonesian message.
        message: String,
        /// English message.
        message_en: String,
    },
    /// The coordinator sent something unexpected.
    #[error("protocol error: {0}")]
    Protocol(String),
}

impl ClientError {
    /// The rejection code, if the coordinator refused.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Rejected { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Facts from `welcome`.
#[derive(Clone, Debug)]
pub struct Welcome {
    /// Role.
    pub role: String,
    /// Principal name.
    pub principal: String,
    /// Officer's counter.
    pub counter: Option<String>,
    /// The site catalog.
    pub catalog: CatalogDto,
}

/// A connected, authenticated client.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    id_prefix: String,
    next_id: u64,
    inbox: VecDeque<ServerMessage>,
    /// What the coordinator said in `welcome`.
    pub welcome: Welcome,
}

impl Client {
    /// Connects to `url` (e.g. `ws://127.0.0.1:8600/ws`) and authenticates.
    pub async fn connect(url: &str, auth: Auth) -> Result<Client, ClientError> {
        Client::connect_with(url, auth, true).await
    }

    /// Like [`Client::connect`]; with `subscribe == false` the coordinator sends no snapshot
    /// and no events, only answers (for scripts that only send commands).
    pub async fn connect_with(
        url: &str,
        auth: Auth,
        subscribe: bool,
    ) -> Result<Client, ClientError> {
        let mut config = WebSocketConfig::default();
        config.read_buffer_size = 16 * 1024;
        config.max_message_size = Some(64 << 20);
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
            .await
            .map_err(|e| ClientError::Connect {
                url: url.to_owned(),
                detail: e.to_string(),
            })?;
        let mut client = Client {
            ws,
            id_prefix: unique_prefix(),
            next_id: 1,
            inbox: VecDeque::new(),
            welcome: Welcome {
                role: String::new(),
                principal: String::new(),
                counter: None,
                catalog: empty_catalog(),
            },
        };
        let hello = Request::Hello {
            protocol: PROTOCOL_VERSION,
            auth,
            subscribe,
        };
        client
            .send(&ClientMessage {
                id: Some("hello".into()),
                request: hello,
            })
            .await?;
        match client.read().await? {
            ServerMessage::Welcome {
                role,
                principal,
                counter,
                catalog,
                ..
            } => {
                client.welcome = Welcome {
                    role,
                    principal,
                    counter,
                    catalog: *catalog,
                };
                Ok(client)
            }
            ServerMessage::Error {
                code,
                message,
                message_en,
                ..
            } => Err(ClientError::Rejected {
                code,
                message,
                message_en,
            }),
            other => Err(ClientError::Protocol(format!(
                "expected welcome, got {other:?}"
            ))),
        }
    }

    async fn send(&mut self, message: &ClientMessage) -> Result<(), ClientError> {
        let text = serde_json::to_string(message).expect("client messages serialize");
        self.send_raw(&text).await
    }

    /// Sends raw text (tests use it to send malformed frames).
    pub async fn send_raw(&mut self, text: &str) -> Result<(), ClientError> {
        self.ws
            .send(Message::text(text))
            .await
            .map_err(|e| ClientError::Closed(e.to_string()))
    }

    /// Reads one message, waiting at most [`REQUEST_TIMEOUT`].
    async fn read(&mut self) -> Result<ServerMessage, ClientError> {
        tokio::time::timeout(REQUEST_TIMEOUT, self.read_untimed())
            .await
            .map_err(|_| ClientError::Timeout(REQUEST_TIMEOUT))?
    }

    async fn read_untimed(&mut self) -> Result<ServerMessage, ClientError> {
        loop {
            match self.ws.next().await {
                None => return Err(ClientError::Closed("end of stream".into())),
                Some(Err(e)) => return Err(ClientError::Closed(e.to_string())),
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(text.as_str())
                        .map_err(|e| ClientError::Protocol(format!("{e}: {text}")));
                }
                Some(Ok(Message::Close(frame))) => {
                    let reason = frame
                        .map(|f| format!("{} {}", u16::from(f.code), f.reason))
                        .unwrap_or_default();
                    return Err(ClientError::Closed(reason));
                }
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Sends a request with a fresh id and waits for its answer; events that arrive
    /// meanwhile are kept for [`Client::next_message`].
    pub async fn request(&mut self, request: Request) -> Result<ResultDto, ClientError> {
        // Ids are idempotency keys on the coordinator: unique across connections and runs,
        // not just within this one.
        let id = format!("{}-{}", self.id_prefix, self.next_id);
        self.next_id += 1;
        self.request_with_id(&id, request).await
    }

    /// Like [`Client::request`] with a caller-chosen id (for idempotent retries).
    pub async fn request_with_id(
        &mut self,
        id: &str,
        request: Request,
    ) -> Result<ResultDto, ClientError> {
        self.send(&ClientMessage {
            id: Some(id.to_owned()),
            request,
        })
        .await?;
        loop {
            let message = self.read().await?;
            match message {
                ServerMessage::Ok {
                    id: Some(got),
                    result,
                } if got == id => return Ok(*result),
                ServerMessage::Error {
                    id: Some(got),
                    code,
                    message,
                    message_en,
                } if got == id => {
                    return Err(ClientError::Rejected {
                        code,
                        message,
                        message_en,
                    });
                }
                other => self.stash(other),
            }
        }
    }

    /// Sends a request without waiting (pipelining); answers come from [`Client::next_message`].
    pub async fn send_request(&mut self, id: &str, request: Request) -> Result<(), ClientError> {
        self.send(&ClientMessage {
            id: Some(id.to_owned()),
            request,
        })
        .await
    }

    fn stash(&mut self, message: ServerMessage) {
        if self.inbox.len() >= INBOX_LIMIT {
            self.inbox.pop_front();
        }
        self.inbox.push_back(message);
    }

    /// The next message: stashed ones first, then from the socket (no timeout: events may
    /// be minutes apart).
    pub async fn next_message(&mut self) -> Result<ServerMessage, ClientError> {
        match self.inbox.pop_front() {
            Some(message) => Ok(message),
            None => self.read_untimed().await,
        }
    }

    /// Reads messages until `pick` returns Some, or the timeout passes.
    pub async fn wait_for<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(&ServerMessage) -> Option<T>,
    ) -> Result<T, ClientError> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let message = tokio::time::timeout_at(deadline, self.next_message())
                .await
                .map_err(|_| ClientError::Timeout(within))??;
            if let Some(found) = pick(&message) {
                return Ok(found);
            }
        }
    }

    /// Closes the connection politely.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// A prefix no other client shares: clock nanoseconds, process id and a process counter.
fn unique_prefix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CONNECTIONS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = CONNECTIONS.fetch_add(1, Ordering::Relaxed);
    format!("{:x}{:x}{n:x}", nanos as u64, std::process::id())
}

fn empty_catalog() -> CatalogDto {
    CatalogDto {
        site: SiteDto {
            name: String::new(),
            address: String::new(),
            time_zone: String::new(),
            utc_offset_min: 0,
            maklumat: String::new(),
        },
        priority_classes: Vec::new(),
        agencies: Vec::new(),
        services: Vec::new(),
        counters: Vec::new(),
        booked_ratio: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_delays_double_to_the_cap_and_start_over_after_a_success() {
        let mut backoff = Backoff::default();
        let delays: Vec<u128> = (0..5).map(|_| backoff.next_delay().as_millis()).collect();
        assert_eq!(delays, [250, 500, 1000, 1000, 1000]);
        backoff.reset();
        assert_eq!(backoff.next_delay(), RECONNECT_DELAY_MIN);
    }
}
