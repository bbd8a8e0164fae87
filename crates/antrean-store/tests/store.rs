use antrean_protocol::{EventDto, LogRecord};
use antrean_store::{PrincipalKind, PrincipalRecord, PrincipalWrite, Store, StoreError};

fn record(seq: u64) -> LogRecord {
    LogRecord {
        seq,
        at_ms: 1_000 * seq as i64,
        event: EventDto::TicketIssued {
            ticket: seq,
            number: format!("A-{seq:03}"),
            day: "2026-11-30".into(),
            service: "ktp".into(),
            priority: None,
            channel: "kiosk".into(),
        },
        request: Some(format!("kiosk-1:{seq}")),
        request_digest: Some(format!("{seq:032x}")),
    }
}

#[test]
fn appended_and_flushed_records_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (_store, mut writer) = Store::open(dir.path(), || [7; 32]).unwrap();
        // A batch, single records, nothing, and a batch again.
        writer
            .append(&(1..=3).map(record).collect::<Vec<_>>())
            .unwrap();
        for seq in 4..=5 {
            writer.append(&[record(seq)]).unwrap();
        }
        writer.append(&[]).unwrap();
        writer.append(&[record(6), record(7)]).unwrap();
        writer.close().unwrap();
    }
    let (store, _writer) = Store::open(dir.path(), || [9; 32]).unwrap();
    assert_eq!(store.last_seq().unwrap(), 7);
    let log: Vec<_> = store.read_log().collect::<Result<_, _>>().unwrap();
    assert_eq!(log, (1..=7).map(record).collect::<Vec<_>>());
    // The mirror holds the same seven lines, in order.
    let mirror = std::fs::read_to_string(store.mirror_path()).unwrap();
    let mirrored: Vec<LogRecord> = mirror
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(mirrored, log);
    // The secret is made once and kept.
    assert_eq!(store.site_secret().unwrap(), [7; 32]);
}

/// sled keeps its file lock a moment after the last handle is dropped (background
/// threads): a reopen in the same process waits for it — it failed at once now and then
/// ("could not acquire lock", WouldBlock). A lock that stays held (another process on the
/// same directory) gives a clear error instead of waiting forever.
#[test]
fn a_reopen_waits_for_the_lock_of_a_store_being_closed_and_a_held_lock_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    writer.append(&[record(1)]).unwrap();
    // Closed by another thread 100 ms from now, while this one is already reopening.
    let closing = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        writer.close().unwrap();
        drop(store);
    });
    let (reopened, writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    closing.join().unwrap();
    assert_eq!(reopened.last_seq().unwrap(), 1);

    // Still held by `reopened`: refused after the wait, with the reason.
    let Err(err) = Store::open(dir.path(), || [1; 32]) else {
        panic!("opened a store another handle holds");
    };
    let text = err.to_string();
    assert!(
        text.contains("could not acquire lock") && text.contains("another process"),
        "{text}"
    );
    drop((reopened, writer));
}

#[test]
fn a_gap_is_refused_and_garbage_is_reported_with_its_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    let err = writer.append(&[record(1), record(3)]).unwrap_err();
    assert!(err.to_string().contains("refused to write seq 3"), "{err}");
    assert_eq!(
        store.last_seq().unwrap(),
        0,
        "nothing of a refused commit is written"
    );
    writer.append(&[record(1)]).unwrap();

    let dir2 = tempfile::tempdir().unwrap();
    let (store2, mut writer2) = Store::open(dir2.path(), || [1; 32]).unwrap();
    let mut bad = record(1);
    bad.event = EventDto::DayStarted {
        day: "2026-02-31".into(),
    };
    writer2.append(&[bad]).unwrap();
    let err = store2.read_log().find_map(Result::err).unwrap();
    assert!(matches!(err, StoreError::Corrupt { .. }));
    assert!(err.to_string().contains("event seq 1"), "{err}");
}

#[test]
fn export_then_import_reproduces_the_log_and_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    writer
        .append(&(1..=50).map(record).collect::<Vec<_>>())
        .unwrap();
    let mut out = Vec::new();
    let (count, problem) = store.export(&mut out).unwrap();
    assert_eq!((count, problem.is_none()), (50, true));

    let target = tempfile::tempdir().unwrap();
    let (restored, mut restorer) = Store::open(target.path(), || [2; 32]).unwrap();
    assert_eq!(restorer.import(&mut out.as_slice()).unwrap().imported, 50);
    let a: Vec<_> = store.read_log().collect::<Result<_, _>>().unwrap();
    let b: Vec<_> = restored.read_log().collect::<Result<_, _>>().unwrap();
    assert_eq!(a, b);

    // A file with a bad line 3 writes nothing.
    let mut lines: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    lines[2] = "{not json".into();
    let empty = tempfile::tempdir().unwrap();
    let (fresh, mut fresh_writer) = Store::open(empty.path(), || [3; 32]).unwrap();
    let err = fresh_writer
        .import(&mut lines.join("\n").as_bytes())
        .unwrap_err();
    assert!(matches!(err, StoreError::Import { line: 3, .. }), "{err}");
    assert_eq!(fresh.last_seq().unwrap(), 0);
}

#[test]
fn principals_round_trip_and_devices_share_a_namespace() {
    let dir = tempfile::tempdir().unwrap();
    let (store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    let kiosk = PrincipalRecord {
        kind: PrincipalKind::Kiosk,
        name: "lobby".into(),
        display_name: None,
        secret_hash: "$argon2id$x".into(),
        revoked: false,
        counter: None,
    };
    assert_eq!(
        writer
            .commit(&[], &[PrincipalWrite::Put(kiosk.clone())])
            .unwrap(),
        [false]
    );
    assert_eq!(
        store.principal(PrincipalKind::Display, "lobby").unwrap(),
        Some(kiosk.clone())
    );
    assert_eq!(
        store.principal(PrincipalKind::Officer, "lobby").unwrap(),
        None
    );
    let remove = PrincipalWrite::Remove {
        kind: PrincipalKind::Kiosk,
        name: "lobby".into(),
    };
    assert_eq!(
        writer.commit(&[], std::slice::from_ref(&remove)).unwrap(),
        [true]
    );
    assert_eq!(writer.commit(&[], &[remove]).unwrap(), [false]);
    assert!(store.principals().unwrap().is_empty());
    // Durable through the log alone: after a restart without a clean stop, still gone,
    // and a principal put just before the stop is there.
    writer
        .commit(
            &[],
            &[PrincipalWrite::Put(PrincipalRecord {
                name: "lobby-2".into(),
                ..kiosk
            })],
        )
        .unwrap();
    drop((store, writer));
    let (store, _writer) = Store::open(dir.path(), || [1; 32]).unwrap();
    let names: Vec<_> = store
        .principals()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["lobby-2"]);
}

#[test]
fn garbage_files_give_an_error_not_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (_store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
        writer.append(&[record(1)]).unwrap();
        writer.close().unwrap();
    }
    // Overwrite every file in the directory with garbage.
    for entry in walk(dir.path()) {
        std::fs::write(&entry, b"this is not a sled database").unwrap();
    }
    match Store::open(dir.path(), || [1; 32]) {
        Err(err) => assert!(err.to_string().contains("NOT reset"), "{err}"),
        Ok((store, _writer)) => {
            // If sled opens at all, the log must not silently appear empty and valid.
            let seq = store.last_seq();
            assert!(seq.is_err() || seq.unwrap() == 0 && store.read_log().count() == 0);
            panic!("damaged directory opened without an error");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

mod mirror {
    use super::*;
    use antrean_store::MIRROR_FILE;

    fn mirror_lines(dir: &std::path::Path) -> Vec<String> {
        std::fs::read_to_string(dir.join(MIRROR_FILE))
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn committed_events_are_mirrored_as_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let (_store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
        writer
            .commit(&(1..=3).map(record).collect::<Vec<_>>(), &[])
            .unwrap();
        assert!(
            mirror_lines(dir.path()).is_empty(),
            "mirrored once applied, after the answers"
        );
        writer.apply_committed().unwrap();
        let lines = mirror_lines(dir.path());
        assert_eq!(lines.len(), 3);
        let back: LogRecord = serde_json::from_str(&lines[2]).unwrap();
        assert_eq!(back, record(3));
    }

    #[test]
    fn a_missing_or_torn_mirror_is_completed_from_the_database() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (_store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
            writer
                .append(&(1..=5).map(record).collect::<Vec<_>>())
                .unwrap();
            writer.close().unwrap();
        }
        // Tear the last line, as a power cut during the write would.
        let text = std::fs::read_to_string(dir.path().join(MIRROR_FILE)).unwrap();
        std::fs::write(dir.path().join(MIRROR_FILE), &text[..text.len() - 10]).unwrap();
        drop(Store::open(dir.path(), || [1; 32]).unwrap());
        assert_eq!(
            mirror_lines(dir.path()),
            text.lines().map(str::to_owned).collect::<Vec<_>>()
        );
        // Deleted entirely: rebuilt.
        std::fs::remove_file(dir.path().join(MIRROR_FILE)).unwrap();
        drop(Store::open(dir.path(), || [1; 32]).unwrap());
        assert_eq!(mirror_lines(dir.path()).len(), 5);
    }

    #[test]
    fn a_database_behind_its_mirror_refuses_to_open_and_points_to_the_mirror() {
        let full = tempfile::tempdir().unwrap();
        {
            let (_store, mut writer) = Store::open(full.path(), || [1; 32]).unwrap();
            writer
                .append(&(1..=4).map(record).collect::<Vec<_>>())
                .unwrap();
            writer.close().unwrap();
        }
        // A database that lost its last events (e.g. sled damage) next to the full mirror.
        let damaged = tempfile::tempdir().unwrap();
        {
            let (_store, mut writer) = Store::open(damaged.path(), || [1; 32]).unwrap();
            writer
                .append(&(1..=2).map(record).collect::<Vec<_>>())
                .unwrap();
            writer.close().unwrap();
        }
        std::fs::copy(
            full.path().join(MIRROR_FILE),
            damaged.path().join(MIRROR_FILE),
        )
        .unwrap();
        let err = Store::open(damaged.path(), || [1; 32])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("up to seq 4")
                && err.contains("only up to 2")
                && err.contains("antrean import"),
            "{err}"
        );

        // The mirror restores everything, and a torn last line is left out, not fatal.
        let mut copy = std::fs::read(full.path().join(MIRROR_FILE)).unwrap();
        copy.extend_from_slice(br#"{"seq":5,"at_ms":1,"ev"#);
        let target = tempfile::tempdir().unwrap();
        let (restored, mut writer) = Store::open(target.path(), || [2; 32]).unwrap();
        let report = writer.import(&mut copy.as_slice()).unwrap();
        assert_eq!((report.imported, report.torn_last_line), (4, true));
        assert_eq!(restored.last_seq().unwrap(), 4);
    }

    #[test]
    fn a_long_mirror_is_read_from_its_end_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (_store, mut writer) = Store::open(dir.path(), || [1; 32]).unwrap();
            for chunk in (1..=1_000u64).collect::<Vec<_>>().chunks(100) {
                writer
                    .append(&chunk.iter().copied().map(record).collect::<Vec<_>>())
                    .unwrap();
            }
            writer.close().unwrap();
        }
        let path = dir.path().join(MIRROR_FILE);
        let full = std::fs::read(&path).unwrap();
        // Torn in the middle of the last line; or followed by 100 KiB of zeros with no
        // newline (what a crash can leave after an unsynced append), so the last complete
        // line is found only two 64 KiB steps back from the end.
        let mut zeros = full.clone();
        zeros.extend_from_slice(&[0u8; 100 * 1024]);
        for damaged in [full[..full.len() - 30].to_vec(), zeros] {
            std::fs::write(&path, &damaged).unwrap();
            drop(Store::open(dir.path(), || [1; 32]).unwrap());
            assert_eq!(std::fs::read(&path).unwrap(), full);
        }
    }
}
