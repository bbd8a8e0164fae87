//! Crash consistency of the whole store, as a property: random streams of real engine
//! commands in group commits, crashes at random points (during a commit, the last write
//! torn or its sectors reordered; sled either keeping what it was given or falling back to
//! its last durable checkpoint), and after every restart:
//! - the recovered log is a prefix of what was written and holds every acknowledged record;
//! - no ticket number that was acknowledged is ever given to another ticket;
//! - the store opens (no error) and the engine rebuilds from it.
//!
//! `PROPTEST_CASES` sets the number of runs (CI: the default below, with a fixed seed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use antrean_core::{Channel, Command, Engine, Timestamp};
use antrean_protocol::{LogRecord, event_from_dto, event_to_dto};
use antrean_store::wal::sim::{Fate, SimFs};
use antrean_store::{SLED_DIR, Store, WalOptions, Writer};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// A group commit of up to four commands (service index or a call at counter 1).
    Commit(Vec<Option<usize>>),
    /// sled made durable now.
    Checkpoint,
    /// A crash during the next commit: its write pending, each pending write lost, kept,
    /// or torn (at `cut` bytes, from the front or the back), in shuffled order; and sled
    /// keeping everything or going back to its last checkpoint.
    Crash {
        fates: Vec<(u8, u16)>,
        shuffle: u64,
        sled_back_to_checkpoint: bool,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => prop::collection::vec(prop::option::weighted(0.8, 0usize..6), 1..5).prop_map(Op::Commit),
        1 => Just(Op::Checkpoint),
        2 => (prop::collection::vec((0u8..4, any::<u16>()), 1..4), any::<u64>(), any::<bool>())
            .prop_map(|(fates, shuffle, sled_back_to_checkpoint)| Op::Crash { fates, shuffle, sled_back_to_checkpoint }),
    ]
}

fn options() -> WalOptions {
    WalOptions {
        // Small segments: rotation and reuse happen every few commits.
        segment_bytes: 4096,
        max_spare_segments: 2,
        background_checkpoints: false,
    }
}

struct Site {
    data: PathBuf,
    checkpoint_copy: PathBuf,
    fs: SimFs,
    engine: Engine,
    open: Option<(Store, Writer<SimFs>)>,
    /// Everything written so far: the log as recovered plus what was committed since.
    log: Vec<LogRecord>,
    /// Records whose commit returned Ok (a prefix of `log`).
    acknowledged: usize,
    /// (day, number) → ticket id, for every acknowledged issue.
    numbers: HashMap<(String, String), u64>,
    clock_ms: i64,
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn engine_from(store: &Store) -> (Engine, Vec<LogRecord>) {
    let mut engine = Engine::new(antrean_catalog::always_open(antrean_catalog::sample()));
    let mut log = Vec::new();
    for record in store.read_log() {
        let record = record.expect("the recovered log reads back");
        let event = event_from_dto(&record.event).unwrap();
        engine.replay(&event, Timestamp(record.at_ms));
        log.push(record);
    }
    (engine, log)
}

impl Site {
    fn new(root: &Path) -> Site {
        let data = root.join("data");
        let fs = SimFs::new();
        let (store, writer) = Store::open_with(&data, fs.clone(), options(), || [5; 32]).unwrap();
        let checkpoint_copy = root.join("sled-at-checkpoint");
        copy_dir(&data.join(SLED_DIR), &checkpoint_copy);
        let (engine, log) = engine_from(&store);
        Site {
            data,
            checkpoint_copy,
            fs,
            engine,
            open: Some((store, writer)),
            log,
            acknowledged: 0,
            numbers: HashMap::new(),
            // 2026-12-03 09:00 in Jakarta.
            clock_ms: 1_796_263_200_000,
        }
    }

    fn writer(&mut self) -> &mut Writer<SimFs> {
        &mut self.open.as_mut().expect("open").1
    }

    fn commit(&mut self, commands: &[Option<usize>]) -> bool {
        let services: Vec<String> = self
            .engine
            .catalog()
            .services
            .iter()
            .map(|s| s.code.clone())
            .collect();
        self.clock_ms += 1_000;
        let now = Timestamp(self.clock_ms);
        let mut records = Vec::new();
        let mut issued = Vec::new();
        let first_seq = self.log.len() as u64 + 1;
        let push = |records: &mut Vec<LogRecord>, events: &[antrean_core::Event], at: Timestamp| {
            for event in events {
                records.push(LogRecord {
                    seq: first_seq + records.len() as u64,
                    at_ms: at.0,
                    event: event_to_dto(event),
                    request: None,
                    request_digest: None,
                });
            }
        };
        let tick = self.engine.tick(now);
        push(&mut records, &tick.events, tick.at);
        // Counter 1 must be open for calls; opening it is just another command.
        let open = Command::OpenCounter {
            counter: "1".into(),
            officer: "siti".into(),
        };
        if let Ok(outcome) = self.engine.handle(&open, now) {
            push(&mut records, &outcome.events, outcome.at);
        }
        for command in commands {
            let command = match command {
                Some(i) => Command::IssueTicket {
                    service: services[i % services.len()].clone(),
                    priority: None,
                    channel: Channel::Kiosk,
                },
                None => Command::CallNext {
                    counter: "1".into(),
                },
            };
            if let Ok(outcome) = self.engine.handle(&command, now) {
                push(&mut records, &outcome.events, outcome.at);
                if let (Command::IssueTicket { .. }, Some(ticket)) = (&command, outcome.ticket) {
                    let t = self.engine.state().ticket(ticket).unwrap();
                    issued.push((t.day.to_string(), t.number.to_string(), ticket.0));
                }
            }
        }
        self.log.extend(records.iter().cloned());
        if self.writer().commit(&records, &[]).is_err() {
            return false;
        }
        self.acknowledged = self.log.len();
        for (day, number, id) in issued {
            let previous = self.numbers.insert((day.clone(), number.clone()), id);
            assert!(
                previous.is_none(),
                "number {number} acknowledged twice on {day}"
            );
        }
        self.writer().apply_committed().unwrap();
        true
    }

    /// Opens again; sled's worker threads may hold its file lock for a moment after the
    /// last handle is dropped (a new process would not share them), so a held lock is
    /// retried, never any other error.
    fn reopen(&self) -> (Store, Writer<SimFs>) {
        for _ in 0..200 {
            match Store::open_with(&self.data, self.fs.clone(), options(), || [5; 32]) {
                Ok(opened) => return opened,
                Err(err) if err.to_string().contains("could not acquire lock") => {
                    std::thread::sleep(std::time::Duration::from_millis(25))
                }
                Err(err) => panic!("the store did not open after a crash: {err}"),
            }
        }
        panic!("sled's lock was never released");
    }

    fn checkpoint(&mut self) {
        self.writer().checkpoint().unwrap();
        copy_dir(&self.data.join(SLED_DIR), &self.checkpoint_copy);
    }

    fn crash_and_restart(&mut self, fates: &[(u8, u16)], shuffle: u64, sled_back: bool) {
        // The next commit's fdatasync never returns: the process dies with it pending.
        self.fs.set_sync_fails(true);
        assert!(
            !self.commit(&[Some(0), None, Some(1)]),
            "a commit without its sync is not acknowledged"
        );
        let mut pick = 0usize;
        let mut rng = shuffle | 1;
        let crashed = self.fs.crash(
            |_, _, len| {
                let (kind, cut) = fates[pick % fates.len()];
                pick += 1;
                let cut = cut as usize % (len + 1);
                match kind {
                    0 => Fate::Dropped,
                    1 => Fate::Kept,
                    2 => Fate::TornAt(cut),
                    _ => Fate::TornFrom(cut),
                }
            },
            |_, n| {
                let mut order: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    order.swap(i, (rng % (i as u64 + 1)) as usize);
                }
                order
            },
        );
        drop(self.open.take());
        if sled_back {
            copy_dir(&self.checkpoint_copy, &self.data.join(SLED_DIR));
        }
        self.fs = crashed;
        let (store, writer) = self.reopen();
        let (engine, recovered) = engine_from(&store);
        assert!(
            recovered.len() >= self.acknowledged,
            "acknowledged records lost: {} recovered, {} acknowledged",
            recovered.len(),
            self.acknowledged
        );
        assert_eq!(
            recovered[..],
            self.log[..recovered.len()],
            "the recovered log is not a prefix of what was written"
        );
        assert_eq!(writer.last_seq(), recovered.len() as u64);
        if let Some(torn) = &writer.recovery().torn_tail {
            assert!(torn.lsn > 0);
        }
        // Every acknowledged number still belongs to its ticket.
        for ((day, number), id) in &self.numbers {
            let t = engine
                .state()
                .ticket(antrean_core::TicketId(*id))
                .unwrap_or_else(|| panic!("acknowledged ticket {number} lost"));
            assert_eq!((&t.day.to_string(), &t.number.to_string()), (day, number));
        }
        // Opening made sled durable: that is its checkpoint now.
        copy_dir(&self.data.join(SLED_DIR), &self.checkpoint_copy);
        self.log = recovered;
        self.acknowledged = self.log.len();
        self.engine = engine;
        self.open = Some((store, writer));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn crashes_keep_every_acknowledged_record_and_number(ops in prop::collection::vec(op(), 1..40)) {
        let root = tempfile::tempdir().unwrap();
        let mut site = Site::new(root.path());
        for op in ops {
            match op {
                Op::Commit(commands) => prop_assert!(site.commit(&commands)),
                Op::Checkpoint => site.checkpoint(),
                Op::Crash { fates, shuffle, sled_back_to_checkpoint } => {
                    site.crash_and_restart(&fates, shuffle, sled_back_to_checkpoint)
                }
            }
        }
        // Numbers never repeat over the whole history, across every crash.
        let mut seen = HashMap::new();
        for (id, t) in &site.engine.state().tickets {
            let key = (t.day.to_string(), t.number.to_string());
            prop_assert!(seen.insert(key.clone(), *id).is_none(), "{key:?} given twice");
        }
    }
}
