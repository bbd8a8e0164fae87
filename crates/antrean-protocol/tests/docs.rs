//! Every example in docs/protocol.md parses as the message type it claims to be, and
//! serializes back to the same JSON value (so no field in the docs is silently ignored).

use antrean_protocol::{ClientMessage, ServerMessage};

#[test]
fn every_documented_example_is_a_valid_message() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/protocol.md"
    ))
    .unwrap();
    let mut counts = (0, 0);
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let kind = match line.trim() {
            "```json client" => "client",
            "```json server" => "server",
            _ => continue,
        };
        let block: String = lines
            .by_ref()
            .take_while(|l| l.trim() != "```")
            .collect::<Vec<_>>()
            .join("\n");
        let value: serde_json::Value =
            serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
        let back = if kind == "client" {
            counts.0 += 1;
            let message: ClientMessage =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
            serde_json::to_value(&message).unwrap()
        } else {
            counts.1 += 1;
            let message: ServerMessage =
                serde_json::from_str(&block).unwrap_or_else(|e| panic!("{e}: {block}"));
            serde_json::to_value(&message).unwrap()
        };
        assert_eq!(back, value, "round trip changed the example");
    }
    assert!(
        counts.0 >= 25 && counts.1 >= 10,
        "examples found: {counts:?}"
    );
}
