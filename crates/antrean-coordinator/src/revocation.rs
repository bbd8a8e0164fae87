//! Live sessions by principal, so that a credential change takes effect at once.
//!
//! A revoked device, a removed officer, an officer whose PIN changed or a device enrolled
//! again under its name must not keep acting through a socket it opened before; nor may an
//! officer keep acting at a counter a manager closed. Every
//! session registers under its principal's key after `hello`. When the committer writes a
//! credential change it cuts every session under that key *before* it runs the next job:
//! requests already on their way from those sessions are refused (`revoked`), and each
//! session closes its socket with [`CLOSE_REVOKED`]. The manager's answer waits (a bounded
//! time) until those sessions are gone.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use antrean_store::PrincipalKind;
use tokio::sync::{Notify, watch};

use crate::auth::Principal;
use crate::web_sessions::WebSessions;

/// The close code a session gets when its credentials are revoked or changed (an
/// application code, RFC 6455 §7.4.2; docs/protocol.md).
pub const CLOSE_REVOKED: u16 = 4001;

pub use crate::limits::CLOSE_WAIT;

/// The flag and the signal one session watches.
#[derive(Debug)]
pub struct Cut {
    revoked: AtomicBool,
    signal: watch::Sender<bool>,
}

impl Cut {
    /// True once the session's credentials were revoked or changed.
    pub fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::Acquire)
    }

    /// Resolves when the session is cut.
    pub fn watch(&self) -> watch::Receiver<bool> {
        self.signal.subscribe()
    }
}

/// The sessions of one principal: (session id, its flag).
type Registered = Vec<(u64, Arc<Cut>)>;

/// Every live session, by principal key.
#[derive(Default)]
pub struct Sessions {
    by_key: Mutex<HashMap<String, Registered>>,
    next_id: AtomicU64,
    ended: Notify,
    /// Logged-in browsers: a cut ends the ones under the same key too, so a page cannot
    /// come back with its cookie.
    pub web: WebSessions,
}

/// A session's place in [`Sessions`]; leaving it (drop) deregisters the session.
pub struct Registration {
    sessions: Arc<Sessions>,
    keys: Vec<String>,
    id: u64,
    /// The session's flag and signal.
    pub cut: Arc<Cut>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut by_key = self.sessions.by_key.lock().expect("sessions lock");
        for key in &self.keys {
            if let Some(list) = by_key.get_mut(key) {
                list.retain(|(id, _)| *id != self.id);
                if list.is_empty() {
                    by_key.remove(key);
                }
            }
        }
        drop(by_key);
        self.sessions.ended.notify_waiters();
    }
}

/// The key of a stored principal (devices share one namespace, as in the store).
pub fn key(kind: PrincipalKind, name: &str) -> String {
    let namespace = match kind {
        PrincipalKind::Kiosk | PrincipalKind::Display | PrincipalKind::Rating => "device",
        PrincipalKind::Officer => "officer",
        PrincipalKind::Manager => "manager",
    };
    format!("{namespace}:{name}")
}

/// The key of the officer sessions sitting at a counter.
pub fn counter_key(counter: &str) -> String {
    format!("counter:{counter}")
}

/// The keys a logged-in principal is cut by: its credential, and for an officer the counter
/// it holds. Empty for a visitor's phone (no stored credential).
pub fn principal_keys(principal: &Principal) -> Vec<String> {
    match principal {
        Principal::Kiosk { name }
        | Principal::Display { name }
        | Principal::Rating { name, .. } => vec![key(PrincipalKind::Kiosk, name)],
        Principal::Officer { officer, counter } => {
            vec![key(PrincipalKind::Officer, officer), counter_key(counter)]
        }
        Principal::Manager { username } => vec![key(PrincipalKind::Manager, username)],
        Principal::Public { .. } => Vec::new(),
    }
}

impl Sessions {
    /// The registry with the browsers' session table `web`.
    pub fn with_web(web: WebSessions) -> Sessions {
        Sessions {
            web,
            ..Sessions::default()
        }
    }

    /// Registers a session under each of `keys` (one flag for all of them).
    pub fn register(self: &Arc<Sessions>, keys: Vec<String>) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cut = Arc::new(Cut {
            revoked: AtomicBool::new(false),
            signal: watch::channel(false).0,
        });
        let mut by_key = self.by_key.lock().expect("sessions lock");
        for key in &keys {
            by_key
                .entry(key.clone())
                .or_default()
                .push((id, cut.clone()));
        }
        drop(by_key);
        Registration {
            sessions: self.clone(),
            keys,
            id,
            cut,
        }
    }

    /// Cuts every session under `key` (never blocks); returns how many.
    pub fn cut(&self, key: &str) -> usize {
        self.cut_except(key, None)
    }

    /// Cuts every session under `key` but `except` (the session that asked); returns how
    /// many. The web sessions under `key` end in every case: an officer who closes their
    /// own counter keeps the socket that asked (to read the answer) but not the login.
    pub fn cut_except(&self, key: &str, except: Option<&Arc<Cut>>) -> usize {
        let mut count = 0;
        if let Some(list) = self.by_key.lock().expect("sessions lock").get(key) {
            for (_, cut) in list {
                if except.is_some_and(|except| Arc::ptr_eq(except, cut)) {
                    continue;
                }
                cut.revoked.store(true, Ordering::Release);
                cut.signal.send_replace(true);
                count += 1;
            }
        }
        self.web.end_key(key);
        count
    }

    /// Waits until no session is registered under `key`, at most `limit`; true if none is.
    pub async fn wait_gone(&self, key: &str, limit: Duration) -> bool {
        let gone = async {
            loop {
                let ended = self.ended.notified();
                if !self.by_key.lock().expect("sessions lock").contains_key(key) {
                    return;
                }
                ended.await;
            }
        };
        tokio::time::timeout(limit, gone).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cut_flags_and_signals_every_session_of_the_key_and_only_those() {
        let sessions = Arc::new(Sessions::default());
        let a1 = sessions.register(vec!["device:lobby".into()]);
        let a2 = sessions.register(vec!["device:lobby".into()]);
        let b = sessions.register(vec!["officer:siti".into(), "counter:1".into()]);
        let mut signal = a1.cut.watch();
        assert_eq!(sessions.cut("device:lobby"), 2);
        signal.changed().await.unwrap();
        assert!(a1.cut.is_revoked() && a2.cut.is_revoked() && !b.cut.is_revoked());
        assert!(
            !sessions
                .wait_gone("device:lobby", Duration::from_millis(10))
                .await
        );
        drop((a1, a2));
        assert!(
            sessions
                .wait_gone("device:lobby", Duration::from_secs(1))
                .await
        );
        assert_eq!(sessions.cut("device:nobody"), 0);
        // The officer closing their own counter is not cut; anyone else at it would be.
        assert_eq!(sessions.cut_except("counter:1", Some(&b.cut)), 0);
        assert!(!b.cut.is_revoked());
        assert_eq!(sessions.cut_except("counter:1", None), 1);
        assert!(b.cut.is_revoked());
    }
}
