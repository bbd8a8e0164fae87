//! docs/protocol.md is the protocol's reference, so its examples are checked here:
//! - every example parses as the message type it claims to be and serializes back to the
//!   same JSON value (so no field in the docs is silently ignored);
//! - every request, role, server message, result kind and event type has an example.

use std::collections::BTreeSet;

use antrean_protocol::{Auth, ClientMessage, EventDto, Request, ResultDto, ServerMessage};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Which side sends an example (the fence's info string: ```` ```json client ````).
#[derive(Clone, Copy)]
enum Side {
    Client,
    Server,
}

/// The examples of docs/protocol.md, in order.
fn examples() -> Vec<(Side, String)> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap();
    let mut examples = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let side = match line.trim() {
            "```json client" => Side::Client,
            "```json server" => Side::Server,
            _ => continue,
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        examples.push((side, block.join("\n")));
    }
    examples
}

/// The example as its real type, serialized back.
fn round_trip<T: serde::Serialize + DeserializeOwned>(block: &str) -> Value {
    let message: T = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
    serde_json::to_value(&message).unwrap()
}

#[test]
fn every_documented_example_is_a_valid_message() {
    let examples = examples();
    for (side, block) in &examples {
        let value: Value = serde_json::from_str(block).unwrap_or_else(|e| panic!("{e}: {block}"));
        let back = match side {
            Side::Client => round_trip::<ClientMessage>(block),
            Side::Server => round_trip::<ServerMessage>(block),
        };
        assert_eq!(back, value, "round trip changed the example");
    }
    // Guards against the fences changing so that nothing is checked at all.
    assert!(examples.len() > 50, "examples found: {}", examples.len());
}

/// The wire tags of every variant of `T` (an enum tagged by the field `tag`), as serde
/// itself lists them when it rejects an unknown one: the list follows the enum, so a new
/// variant needs an example without anyone updating this test.
fn variant_tags<T: DeserializeOwned>(tag: &str) -> BTreeSet<String> {
    let probe = serde_json::json!({ tag: "no such variant" });
    let error = match serde_json::from_value::<T>(probe) {
        Ok(_) => panic!("a probe with an unknown `{tag}` parsed"),
        Err(error) => error.to_string(),
    };
    // "unknown variant `no such variant`, expected one of `hello`, `issue_ticket`, ...":
    // the names are the backquoted words after "expected".
    let (_, expected) = error
        .split_once("expected")
        .unwrap_or_else(|| panic!("unexpected serde message: {error}"));
    let tags: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(tags.len() > 1, "no variants read from: {error}");
    tags
}

/// `value[field]` as a string, with the example in the panic message.
fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{field}` in {value}"))
}

#[test]
fn every_message_type_has_an_example() {
    // What the examples cover, per enum: (enum, tag).
    let mut documented: BTreeSet<(&str, String)> = BTreeSet::new();
    for (side, block) in examples() {
        let value: Value = serde_json::from_str(&block).unwrap();
        let kind = text(&value, "type");
        match side {
            Side::Client => {
                documented.insert(("Request", kind.to_owned()));
                if kind == "hello" {
                    documented.insert(("Auth", text(&value["auth"], "role").to_owned()));
                }
            }
            Side::Server => {
                documented.insert(("ServerMessage", kind.to_owned()));
                let inner = match kind {
                    "event" => Some(("EventDto", text(&value["event"], "type"))),
                    "ok" => Some(("ResultDto", text(&value["result"], "kind"))),
                    _ => None,
                };
                documented.extend(inner.map(|(name, tag)| (name, tag.to_owned())));
            }
        }
    }

    let required = [
        ("Request", variant_tags::<Request>("type")),
        ("Auth", variant_tags::<Auth>("role")),
        ("ServerMessage", variant_tags::<ServerMessage>("type")),
        ("EventDto", variant_tags::<EventDto>("type")),
        ("ResultDto", variant_tags::<ResultDto>("kind")),
    ];
    let missing: Vec<String> = required
        .iter()
        .flat_map(|(name, tags)| tags.iter().map(move |tag| (*name, tag)))
        .filter(|(name, tag)| !documented.contains(&(*name, (*tag).clone())))
        .map(|(name, tag)| format!("{name} `{tag}`"))
        .collect();
    assert!(
        missing.is_empty(),
        "no example in docs/protocol.md for: {}",
        missing.join(", ")
    );
}

/// Every protocol-level error code is listed under "Error codes" (a new code in
/// `ErrorCode` without a line in the reference fails here).
#[test]
fn every_protocol_error_code_is_documented() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap();
    let section = doc
        .split("## Error codes")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an \"Error codes\" section");
    for code in antrean_protocol::ErrorCode::ALL {
        assert!(
            section.contains(&format!("`{code}`")),
            "`{code}` is not listed under \"Error codes\" in docs/protocol.md"
        );
    }
}
