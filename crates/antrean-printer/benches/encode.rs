//! Encode time and size per ticket: `cargo bench -p antrean-printer --bench encode`.
//!
//! A plain timing loop (no criterion) keeps the dependency tree small; the figures go into
//! BENCH_RESULTS.md. Budget from issue 3: ≤ 1,024 bytes per ticket including the QR, i.e.
//! ≤ 1.1 s on a 9600-baud serial line.

use std::hint::black_box;
use std::time::Instant;

use antrean_printer::{Language, Profile, TicketPrint, encode_ticket};

/// Iterations per case: enough for a stable mean on a shared 2-core box in about a second.
const ITERATIONS: u32 = 20_000;

fn main() {
    let epson = Profile::from_toml_str(
        include_str!("../../../firmware-config/printers/epson-tm-t82.toml"),
        "epson-tm-t82.toml",
    )
    .expect("shipped profile");
    let mut english = TicketPrint::sample();
    english.language = Language::English;
    let cases = [
        (
            "58 mm PC437, id",
            Profile::generic_58mm(),
            TicketPrint::sample(),
        ),
        (
            "80 mm PC437, id",
            Profile::generic_80mm(),
            TicketPrint::sample(),
        ),
        ("80 mm WPC1252 (TM-T82), en", epson, english),
    ];
    println!("| case | bytes/ticket | encode µs/ticket (mean of {ITERATIONS}) | 9600 baud s |");
    println!("|---|---:|---:|---:|");
    for (name, profile, ticket) in cases {
        let bytes = encode_ticket(&ticket, &profile)
            .expect("sample encodes")
            .len();
        // Warm-up so the first allocation and cache misses are not measured.
        for _ in 0..1_000 {
            black_box(encode_ticket(black_box(&ticket), &profile).expect("encodes"));
        }
        let start = Instant::now();
        for _ in 0..ITERATIONS {
            black_box(encode_ticket(black_box(&ticket), &profile).expect("encodes"));
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(ITERATIONS);
        let wire_s = bytes as f64 * 10.0 / 9600.0;
        println!("| {name} | {bytes} | {micros:.2} | {wire_s:.2} |");
    }
}
