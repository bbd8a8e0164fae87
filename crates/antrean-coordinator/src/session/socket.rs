//! The socket side of a session: reading frames, writing with a deadline, close codes,
//! the connection slots and the per-connection rate limit.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::task::Poll;
use std::time::Instant;

use axum::extract::ws::{Message, WebSocket};
use tokio::time::timeout;

use crate::limits::*;

/// Runs a socket write. Nearly every write completes at once (the socket has room), and
/// arming a timer per write costs more than the write itself when one event goes to
/// thousands of boards: only a write that has to wait gets the [`SEND_TIMEOUT`] deadline.
/// A client whose writes stay stuck that long is a slow consumer: it is counted
/// (`antrean_slow_consumers_total`) and its session ends; nobody else waits for it.
pub async fn within_send_timeout(
    metrics: &crate::metrics::Metrics,
    write: impl std::future::Future<Output = Result<(), axum::Error>>,
) -> bool {
    let mut write = std::pin::pin!(write);
    match std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await {
        Poll::Ready(result) => result.is_ok(),
        Poll::Pending => match timeout(SEND_TIMEOUT, write).await {
            Ok(result) => result.is_ok(),
            Err(_) => {
                metrics.slow_consumers.fetch_add(1, Relaxed);
                false
            }
        },
    }
}

/// WebSocket close codes (RFC 6455).
pub mod close {
    #![allow(missing_docs)]
    pub const GOING_AWAY: u16 = 1001;
    pub const UNSUPPORTED_DATA: u16 = 1003;
    pub const INVALID_DATA: u16 = 1007;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub use crate::revocation::CLOSE_REVOKED as REVOKED;
}

/// One of the [`crate::limits::MAX_CONNECTIONS`] connection slots, held from before the
/// upgrade to the end of the session (or given back if the upgrade never completes).
pub struct ConnectionSlot(Arc<crate::metrics::Metrics>);

impl ConnectionSlot {
    /// Takes a slot, or `None` when `max` are taken.
    pub fn take(metrics: &Arc<crate::metrics::Metrics>, max: usize) -> Option<ConnectionSlot> {
        let before = metrics.connections.fetch_add(1, Relaxed);
        if before as usize >= max {
            metrics.connections.fetch_sub(1, Relaxed);
            return None;
        }
        Some(ConnectionSlot(metrics.clone()))
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Relaxed);
    }
}

/// What one read from the socket gave.
pub enum Inbound {
    /// A text frame.
    Text(String),
    /// A ping or pong.
    Other,
    /// The peer closed or the connection ended.
    Closed,
    /// A frame we refuse: close with this code and reason.
    Failed(u16, &'static str),
}

/// Reads one frame (a free function so `select!` can borrow the socket alone).
pub async fn recv(socket: &mut WebSocket, last_seen: &mut Instant) -> Inbound {
    match socket.recv().await {
        None => Inbound::Closed,
        Some(Ok(Message::Text(text))) => {
            *last_seen = Instant::now();
            Inbound::Text(text.to_string())
        }
        Some(Ok(Message::Close(_))) => Inbound::Closed,
        // The protocol is JSON text; a binary frame is refused, not silently ignored.
        Some(Ok(Message::Binary(_))) => {
            Inbound::Failed(close::UNSUPPORTED_DATA, "binary frames are not supported")
        }
        Some(Ok(_)) => {
            *last_seen = Instant::now();
            Inbound::Other
        }
        Some(Err(err)) => {
            // tungstenite reports oversized and invalid frames as errors without sending
            // a close frame itself; we send the right one.
            let text = err.to_string();
            if text.contains("too long")
                || text.contains("too big")
                || text.contains("Space limit")
                || text.contains("capacity")
            {
                Inbound::Failed(close::TOO_BIG, "message too big")
            } else if text.to_lowercase().contains("utf") {
                Inbound::Failed(close::INVALID_DATA, "invalid UTF-8")
            } else {
                Inbound::Closed
            }
        }
    }
}

/// Per-connection token bucket.
pub struct TokenBucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket refilling at `rate` requests per second.
    pub fn new(rate: f64) -> TokenBucket {
        // The burst keeps the default ratio to the sustained rate.
        let burst = rate * (REQUEST_BURST / REQUESTS_PER_SECOND);
        TokenBucket {
            tokens: burst,
            rate,
            burst,
            last: Instant::now(),
        }
    }

    /// Takes one request's token; false = over the rate.
    pub fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
