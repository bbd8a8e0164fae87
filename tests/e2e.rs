//! The end-to-end suite, one test binary (one link step instead of thirteen on a 2-core
//! CI): the real `antrean` binary as a child process on 127.0.0.1:0, real WebSockets,
//! Chromium for the pages, a real ext4 for power cuts. One module per area; shared helpers
//! in `common`. Run one area with `cargo test -p antrean --test e2e crash::`.

#[path = "common/mod.rs"]
mod common;

#[path = "admin_page.rs"]
mod admin_page;

#[path = "booking.rs"]
mod booking;

#[path = "central.rs"]
mod central;

#[path = "central_booking.rs"]
mod central_booking;

#[path = "cli.rs"]
mod cli;

#[path = "crash.rs"]
mod crash;

#[path = "demo.rs"]
mod demo;

#[path = "flood.rs"]
mod flood;

#[path = "hostile.rs"]
mod hostile;

#[path = "power_cut.rs"]
mod power_cut;

#[path = "queue.rs"]
mod queue;

#[path = "roles.rs"]
mod roles;

#[path = "skm.rs"]
mod skm;

#[path = "web.rs"]
mod web;

#[path = "web_booking.rs"]
mod web_booking;

#[path = "web_console.rs"]
mod web_console;

#[path = "web_sessions.rs"]
mod web_sessions;

#[path = "web_skm.rs"]
mod web_skm;
