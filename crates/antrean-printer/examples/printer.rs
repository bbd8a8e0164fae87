//! Runs the `antrean printer …` subcommands standalone, until the `antrean` binary wires them:
//! `cargo run -p antrean-printer --example printer -- preview --out /tmp/ticket.png --text`.

use antrean_printer::cli::{PrinterCommand, run};
use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: PrinterCommand,
}

fn main() -> anyhow::Result<()> {
    run(Cli::parse().command)
}
