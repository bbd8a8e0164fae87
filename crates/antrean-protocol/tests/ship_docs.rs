//! docs/central.md documents the shipping protocol; its examples are checked here: each
//! parses as the message it claims to be and serializes back to the same JSON, and every
//! message type has one.

use std::collections::BTreeSet;

use antrean_protocol::{CentralMessage, SiteMessage};
use serde_json::Value;

fn examples() -> Vec<(bool, String)> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/central.md"
    ))
    .unwrap();
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let from_site = match line.trim() {
            "```json site" => true,
            "```json central" => false,
            _ => continue,
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        out.push((from_site, block.join("\n")));
    }
    out
}

#[test]
fn every_shipping_example_is_a_valid_message_and_every_type_has_one() {
    let mut seen = BTreeSet::new();
    for (from_site, block) in examples() {
        let value: Value = serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
        let back = if from_site {
            let m: SiteMessage =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
            serde_json::to_value(m).unwrap()
        } else {
            let m: CentralMessage =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
            serde_json::to_value(m).unwrap()
        };
        assert_eq!(back, value, "round trip changed the example");
        seen.insert(value["type"].as_str().unwrap().to_owned());
    }
    let mut all = variant_tags::<SiteMessage>();
    all.extend(variant_tags::<CentralMessage>());
    assert_eq!(
        seen, all,
        "a message type without an example in docs/central.md"
    );
}

/// The `type` tags of every variant, as serde lists them when it rejects an unknown one
/// (the list follows the enum: a new message needs an example without editing this test).
fn variant_tags<T: serde::de::DeserializeOwned>() -> BTreeSet<String> {
    let err = match serde_json::from_value::<T>(serde_json::json!({ "type": "no such type" })) {
        Ok(_) => panic!("a probe parsed"),
        Err(err) => err.to_string(),
    };
    let (_, expected) = err.split_once("expected").unwrap();
    let tags: BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(tags.len() > 1, "{err}");
    tags
}
