//! Logged-in browsers: the session table behind the `antrean_session` cookie.
//!
//! A page that logs in (officer console, manager report) sends the PIN or password once, to
//! `POST /api/session` (see [`crate::web_login`]); the answer sets an HttpOnly cookie holding
//! 32 random bytes. The page never keeps the secret, and its WebSocket says
//! `{"role":"session"}` in `hello`: the server finds the person from the cookie sent with
//! the upgrade. This table maps the cookie's SHA-256 to who logged in, until when, and a
//! fingerprint of their credential then.
//!
//! A session ends at logout, at its expiry, when its person's credential changes or is
//! removed, and — for an officer — when their counter is closed (by them or by a manager):
//! the committer cuts by principal and counter key ([`crate::revocation::Sessions::cut`]),
//! and that cut removes the web sessions under the same key, so a reload cannot log back
//! in. The table is written through to the data directory
//! ([`antrean_store::save_web_sessions`]) so a coordinator restart keeps everyone logged in.

use std::path::PathBuf;
use std::sync::Mutex;

use antrean_store::{PrincipalKind, WebSessionRecord};

use crate::auth::Principal;
use crate::limits::{
    MANAGER_WEB_SESSION, MAX_WEB_SESSIONS, MAX_WEB_SESSIONS_PER_PERSON, OFFICER_WEB_SESSION,
};
use crate::revocation::{counter_key, key};
use crate::secrets::{fingerprint, hex, random_secret};

/// The cookie's name.
pub const COOKIE_NAME: &str = "antrean_session";

/// Random bytes in a cookie (256 bits: unguessable, like a device token).
const COOKIE_BYTES: usize = 32;

/// Why a session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum WebSessionError {
    /// [`MAX_WEB_SESSIONS`] live sessions exist.
    #[error("too many logged-in browsers")]
    Full,
    /// Only officers and managers log in from a browser.
    #[error("this role does not log in with a web session")]
    NotAPerson,
}

/// The session table (see the module docs); the default keeps it in memory only.
#[derive(Default)]
pub struct WebSessions {
    /// Where the table is written through; `None` keeps it in memory (unit tests).
    dir: Option<PathBuf>,
    records: Mutex<Vec<WebSessionRecord>>,
}

/// A new session: the cookie value (shown once, to the browser) and its record.
pub struct Created {
    /// The cookie value.
    pub cookie: String,
    /// What the table keeps.
    pub record: WebSessionRecord,
}

impl WebSessions {
    /// The table of the data directory `dir`. A damaged file costs a login, not the
    /// start: it is reported and replaced.
    pub fn load(dir: PathBuf) -> WebSessions {
        let records = antrean_store::load_web_sessions(&dir).unwrap_or_else(|err| {
            tracing::warn!(%err, "web sessions unreadable: every browser logs in again");
            Vec::new()
        });
        WebSessions {
            dir: Some(dir),
            records: Mutex::new(records),
        }
    }

    /// Logs `principal` in: a new session valid for its role's lifetime from `now_ms`.
    /// `credential` is the person's credential fingerprint now.
    pub fn create(
        &self,
        principal: &Principal,
        credential: String,
        now_ms: i64,
    ) -> Result<Created, WebSessionError> {
        let (kind, name, counter, lifetime) = match principal {
            Principal::Officer { officer, counter } => (
                PrincipalKind::Officer,
                officer,
                Some(counter.clone()),
                OFFICER_WEB_SESSION,
            ),
            Principal::Manager { username } => {
                (PrincipalKind::Manager, username, None, MANAGER_WEB_SESSION)
            }
            _ => return Err(WebSessionError::NotAPerson),
        };
        let cookie = random_secret(COOKIE_BYTES);
        let record = WebSessionRecord {
            token_sha256: hex(&fingerprint(&cookie)),
            kind,
            name: name.clone(),
            counter,
            created_ms: now_ms,
            expires_ms: now_ms + lifetime.as_millis() as i64,
            credential,
        };
        let mut records = self.records.lock().expect("web sessions lock");
        records.retain(|r| r.expires_ms > now_ms);
        let mine: Vec<usize> = (0..records.len())
            .filter(|&i| records[i].kind == kind && &records[i].name == name)
            .collect();
        if mine.len() >= MAX_WEB_SESSIONS_PER_PERSON {
            // Oldest first: the table keeps creation order.
            records.remove(mine[0]);
        } else if records.len() >= MAX_WEB_SESSIONS {
            return Err(WebSessionError::Full);
        }
        records.push(record.clone());
        self.save(&records);
        Ok(Created { cookie, record })
    }

    /// The live session of a cookie value at `now_ms`.
    pub fn find(&self, cookie: &str, now_ms: i64) -> Option<WebSessionRecord> {
        let hash = hex(&fingerprint(cookie));
        self.records
            .lock()
            .expect("web sessions lock")
            .iter()
            .find(|r| r.token_sha256 == hash && r.expires_ms > now_ms)
            .cloned()
    }

    /// Ends the session of a cookie value (logout); returns it if it existed.
    pub fn end(&self, cookie: &str) -> Option<WebSessionRecord> {
        let hash = hex(&fingerprint(cookie));
        let mut records = self.records.lock().expect("web sessions lock");
        let index = records.iter().position(|r| r.token_sha256 == hash)?;
        let record = records.remove(index);
        self.save(&records);
        Some(record)
    }

    /// Ends every session under a revocation key (a person's, or a counter's); returns
    /// how many. Called on the committer's thread: it writes the file only when something
    /// ended, which is rare (a credential change or a counter closed from a browser).
    pub fn end_key(&self, revocation_key: &str) -> usize {
        let mut records = self.records.lock().expect("web sessions lock");
        let before = records.len();
        records.retain(|r| !record_keys(r).iter().any(|k| k == revocation_key));
        let ended = before - records.len();
        if ended > 0 {
            self.save(&records);
        }
        ended
    }

    /// Live sessions (for /metrics and tests).
    pub fn len(&self) -> usize {
        self.records.lock().expect("web sessions lock").len()
    }

    /// True when nobody is logged in from a browser.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn save(&self, records: &[WebSessionRecord]) {
        let Some(dir) = &self.dir else { return };
        // The table in memory stays the truth while the process runs; a file that could
        // not be written only matters after a restart, where the credential fingerprint
        // still refuses sessions of changed or removed people.
        if let Err(err) = antrean_store::save_web_sessions(dir, records) {
            tracing::error!(%err, "cannot write the web sessions file");
        }
    }
}

/// The revocation keys a web session ends under.
fn record_keys(record: &WebSessionRecord) -> Vec<String> {
    let mut keys = vec![
        key(record.kind, &record.name),
        web_key(&record.token_sha256),
    ];
    if let Some(counter) = &record.counter {
        keys.push(counter_key(counter));
    }
    keys
}

/// The revocation key of the sockets opened with one web session (logout cuts them).
pub fn web_key(token_sha256: &str) -> String {
    format!("web:{token_sha256}")
}

/// The principal a web session stands for.
pub fn principal_of(record: &WebSessionRecord) -> Option<Principal> {
    match (record.kind, &record.counter) {
        (PrincipalKind::Officer, Some(counter)) => Some(Principal::Officer {
            officer: record.name.clone(),
            counter: counter.clone(),
        }),
        (PrincipalKind::Manager, None) => Some(Principal::Manager {
            username: record.name.clone(),
        }),
        _ => None,
    }
}

/// The value of our cookie in a `Cookie` request header, if present.
pub fn cookie_value(header: &str) -> Option<&str> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE_NAME && !value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(name: &str, counter: &str) -> Principal {
        Principal::Officer {
            officer: name.into(),
            counter: counter.into(),
        }
    }

    #[test]
    fn a_cookie_finds_its_session_until_it_expires_or_ends() {
        let table = WebSessions::default();
        let manager = Principal::Manager {
            username: "admin".into(),
        };
        let created = table.create(&manager, "f1".into(), 1_000).unwrap();
        let found = table.find(&created.cookie, 2_000).unwrap();
        assert_eq!(principal_of(&found), Some(manager));
        assert_ne!(
            found.token_sha256, created.cookie,
            "the table never keeps the cookie"
        );
        let end = 1_000 + MANAGER_WEB_SESSION.as_millis() as i64;
        assert!(table.find(&created.cookie, end - 1).is_some());
        assert!(table.find(&created.cookie, end).is_none());
        assert!(table.find("not-a-cookie", 2_000).is_none());
        assert!(table.end(&created.cookie).is_some());
        assert!(table.find(&created.cookie, 2_000).is_none());
        assert!(table.end(&created.cookie).is_none());
    }

    #[test]
    fn revocation_keys_end_a_persons_or_a_counters_sessions_only() {
        let table = WebSessions::default();
        let siti = table.create(&officer("siti", "1"), "f".into(), 0).unwrap();
        let budi = table.create(&officer("budi", "2"), "f".into(), 0).unwrap();
        assert_eq!(table.end_key("counter:1"), 1);
        assert!(table.find(&siti.cookie, 1).is_none());
        assert!(table.find(&budi.cookie, 1).is_some());
        assert_eq!(table.end_key("officer:nobody"), 0);
        assert_eq!(table.end_key("officer:budi"), 1);
        assert!(table.is_empty());
        let again = table.create(&officer("budi", "2"), "f".into(), 0).unwrap();
        assert_eq!(table.end_key(&web_key(&again.record.token_sha256)), 1);
    }

    #[test]
    fn a_person_keeps_at_most_the_newest_sessions_and_the_table_is_bounded() {
        let table = WebSessions::default();
        let first = table.create(&officer("siti", "1"), "f".into(), 0).unwrap();
        for _ in 1..MAX_WEB_SESSIONS_PER_PERSON {
            table.create(&officer("siti", "1"), "f".into(), 0).unwrap();
        }
        assert!(table.find(&first.cookie, 1).is_some());
        table.create(&officer("siti", "1"), "f".into(), 0).unwrap();
        assert!(
            table.find(&first.cookie, 1).is_none(),
            "the oldest one ended"
        );
        assert_eq!(table.len(), MAX_WEB_SESSIONS_PER_PERSON);

        let table = WebSessions::default();
        for i in 0..MAX_WEB_SESSIONS {
            table
                .create(&officer(&format!("o{i}"), "1"), "f".into(), 0)
                .unwrap();
        }
        assert!(matches!(
            table.create(&officer("late", "1"), "f".into(), 0),
            Err(WebSessionError::Full)
        ));
        // Expired sessions make room.
        let later = OFFICER_WEB_SESSION.as_millis() as i64;
        assert!(
            table
                .create(&officer("late", "1"), "f".into(), later)
                .is_ok()
        );
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn devices_and_visitors_have_no_web_session() {
        let table = WebSessions::default();
        let kiosk = Principal::Kiosk {
            name: "lobby".into(),
        };
        assert!(matches!(
            table.create(&kiosk, "f".into(), 0),
            Err(WebSessionError::NotAPerson)
        ));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(cookie_value("antrean_session=abc"), Some("abc"));
        assert_eq!(cookie_value("a=1; antrean_session=xyz; b=2"), Some("xyz"));
        assert_eq!(cookie_value("xantrean_session=1"), None);
        assert_eq!(cookie_value("antrean_session="), None);
        assert_eq!(cookie_value(""), None);
    }

    #[test]
    fn the_table_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let created = {
            let table = WebSessions::load(dir.path().to_owned());
            table.create(&officer("siti", "1"), "f".into(), 0).unwrap()
        };
        let table = WebSessions::load(dir.path().to_owned());
        assert_eq!(table.find(&created.cookie, 1), Some(created.record));
        let file =
            std::fs::read_to_string(dir.path().join(antrean_store::WEB_SESSIONS_FILE)).unwrap();
        assert!(
            !file.contains(&created.cookie),
            "the file never holds a cookie"
        );
    }
}
