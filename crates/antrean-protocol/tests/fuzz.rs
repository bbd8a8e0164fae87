//! Fuzzing the protocol decoder (proptest-driven). Every input — random bytes, random JSON,
//! and valid messages with mutated bytes — must decode to a message or to an error, never
//! panic, and a decoded message must encode again.
//!
//! `ANTREAN_FUZZ_CASES` sets the number of cases per property (default 20,000; the
//! reliability run uses 1,000,000 — see RELIABILITY.md).

use antrean_protocol::{ClientMessage, ServerMessage};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("ANTREAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Valid client messages from docs/protocol.md, the seeds for mutation.
fn seeds() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap();
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```json client" {
            out.push(
                lines
                    .by_ref()
                    .take_while(|l| l.trim() != "```")
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
    }
    assert!(out.len() > 20);
    out
}

fn decode(bytes: &[u8]) {
    if let Ok(message) = serde_json::from_slice::<ClientMessage>(bytes) {
        let again = serde_json::to_string(&message).expect("a decoded message encodes");
        let back: ClientMessage = serde_json::from_str(&again).expect("and decodes again");
        assert_eq!(back, message);
    }
    // The client side decodes server messages with the same machinery.
    let _ = serde_json::from_slice::<ServerMessage>(bytes);
}

fn run(strategy: impl Strategy<Value = Vec<u8>>) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |bytes| {
            decode(&bytes);
            Ok(())
        })
        .unwrap();
}

#[test]
fn random_bytes_never_panic_the_decoder() {
    run(prop::collection::vec(any::<u8>(), 0..512));
}

#[test]
fn mutated_valid_messages_never_panic_the_decoder() {
    let seeds = seeds();
    let strategy = (
        0..seeds.len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..8),
    )
        .prop_map(move |(seed, edits)| {
            let mut bytes = seeds[seed].clone().into_bytes();
            for (at, byte, kind) in edits {
                let len = bytes.len();
                let i = at.index(len.max(1));
                match kind {
                    0 if len > 0 => bytes[i.min(len - 1)] = byte,
                    1 => bytes.insert(i.min(len), byte),
                    2 if len > 0 => {
                        bytes.remove(i.min(len - 1));
                    }
                    _ => bytes.truncate(i),
                }
            }
            bytes
        });
    run(strategy);
}

#[test]
fn structured_json_with_wrong_types_never_panics() {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[a-z_]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("hello"),
            Just("issue_ticket"),
            Just("call_ticket"),
            Just("kiosk"),
            Just("officer"),
            Just("public")
        ]
        .prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::hash_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("id".to_string()),
                    Just("auth".to_string()),
                    Just("role".to_string()),
                    Just("ticket".to_string()),
                    Just("service".to_string()),
                    "[a-z]{1,6}".prop_map(String::from)
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    run(value.prop_map(|v| serde_json::to_vec(&v).unwrap()));
}

#[test]
fn deeply_nested_input_is_an_error_not_a_stack_overflow() {
    for depth in [100, 1_000, 100_000] {
        let text = "[".repeat(depth) + &"]".repeat(depth);
        assert!(serde_json::from_str::<ClientMessage>(&text).is_err());
        let text = r#"{"type":"hello","auth":"#.repeat(depth.min(10_000));
        assert!(serde_json::from_str::<ClientMessage>(&text).is_err());
    }
}
