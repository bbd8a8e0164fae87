//! The web sessions file: which browsers are logged in (officer console, manager report).
//!
//! Kept apart from the event log on purpose. A session is not something the site promised
//! anyone: losing one costs a login, never a ticket. What the file must not do is leak the
//! cookies themselves, so it holds each cookie's SHA-256, never the cookie, and it is not
//! part of backups (a restored site asks everyone to log in again). It is rewritten whole
//! (temporary file, `fsync`, rename, directory `fsync`) on every change: a few hundred
//! short lines at most (the coordinator bounds the count), and changes are logins, logouts
//! and revocations — rare. Surviving a restart is the point: an officer's console
//! reconnects to a restarted coordinator without asking for the PIN again.

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{PrincipalKind, StoreError};

/// The file's name inside the data directory.
pub const WEB_SESSIONS_FILE: &str = "web-sessions.jsonl";

/// One logged-in browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebSessionRecord {
    /// SHA-256 of the cookie value, hex.
    pub token_sha256: String,
    /// Officer or manager.
    pub kind: PrincipalKind,
    /// Officer id or manager user name.
    pub name: String,
    /// The counter an officer's session sits at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    /// Login time, ms since the Unix epoch.
    pub created_ms: i64,
    /// End of validity, ms since the Unix epoch.
    pub expires_ms: i64,
    /// Fingerprint of the stored credential at login: a changed PIN or password (or a
    /// removed person) no longer matches, even if this file missed the change.
    pub credential: String,
}

/// Reads the sessions file; an absent file is no sessions. Lines that do not parse are
/// errors (the caller decides whether to start without sessions).
pub fn load_web_sessions(dir: &Path) -> Result<Vec<WebSessionRecord>, StoreError> {
    let path = dir.join(WEB_SESSIONS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err.into()),
    };
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|err| {
                StoreError::corrupt(
                    dir,
                    format!("{WEB_SESSIONS_FILE} line {}: {err}", index + 1),
                )
            })
        })
        .collect()
}

/// Replaces the sessions file with `records`, durably.
pub fn save_web_sessions(dir: &Path, records: &[WebSessionRecord]) -> Result<(), StoreError> {
    let mut text = String::new();
    for record in records {
        text.push_str(&serde_json::to_string(record).expect("a session record serializes"));
        text.push('\n');
    }
    let temporary = dir.join(format!("{WEB_SESSIONS_FILE}.tmp"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_data()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(WEB_SESSIONS_FILE))?;
    crate::wal::fs::sync_dir(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str) -> WebSessionRecord {
        WebSessionRecord {
            token_sha256: format!("{name:0>64}"),
            kind: PrincipalKind::Officer,
            name: name.into(),
            counter: Some("1".into()),
            created_ms: 1_000,
            expires_ms: 2_000,
            credential: "abcd".into(),
        }
    }

    #[test]
    fn saved_sessions_load_back_and_an_absent_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_web_sessions(dir.path()).unwrap().is_empty());
        let records = vec![record("siti"), record("budi")];
        save_web_sessions(dir.path(), &records).unwrap();
        assert_eq!(load_web_sessions(dir.path()).unwrap(), records);
        save_web_sessions(dir.path(), &records[1..]).unwrap();
        assert_eq!(load_web_sessions(dir.path()).unwrap(), &records[1..]);
        assert!(!dir.path().join(format!("{WEB_SESSIONS_FILE}.tmp")).exists());
    }

    #[test]
    fn a_damaged_line_is_an_error_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        save_web_sessions(dir.path(), &[record("siti")]).unwrap();
        let path = dir.path().join(WEB_SESSIONS_FILE);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"token_sha256\":\n");
        std::fs::write(&path, text).unwrap();
        let err = load_web_sessions(dir.path()).unwrap_err().to_string();
        assert!(err.contains("web-sessions.jsonl line 2"), "{err}");
    }
}
