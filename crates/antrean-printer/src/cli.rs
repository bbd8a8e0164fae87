//! `antrean printer …` subcommands, wired into the `antrean` binary by the caller:
//! `PrinterCommand` is a `clap::Subcommand`, [`run`] executes one.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::driver::PortTarget;
use crate::fit::encode_ticket;
use crate::print_job::{PrintPolicy, print_bytes, query_health};
use crate::profile::Profile;
use crate::status::PrinterHealth;
use crate::ticket::TicketPrint;
use crate::virtual_printer::{decode, render_png_file, to_text};

/// Printer commands.
#[derive(Debug, Clone, Subcommand)]
pub enum PrinterCommand {
    /// Render a ticket (the sample, or `--ticket FILE`) to a PNG exactly as the virtual
    /// printer decodes our bytes.
    Preview {
        /// A ticket as TOML; its fields replace the sample's (see docs/printers.md).
        #[arg(long, value_name = "FILE")]
        ticket: Option<PathBuf>,
        /// Where to write the PNG.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Printer profile TOML (default: the built-in generic 58 mm profile).
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// Also print the ticket as text on standard output.
        #[arg(long)]
        text: bool,
    },
    /// Print a test ticket (the sample, or `--ticket FILE`) and report the outcome and
    /// printer health. Exits non-zero unless the whole ticket was printed.
    Test {
        /// A ticket as TOML; its fields replace the sample's (see docs/printers.md).
        #[arg(long, value_name = "FILE")]
        ticket: Option<PathBuf>,
        /// Printer profile TOML.
        #[arg(long, value_name = "FILE")]
        profile: PathBuf,
        /// Where the printer is.
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Ask the printer for its status (DLE EOT) and print the classified health.
    Status {
        /// Printer profile TOML.
        #[arg(long, value_name = "FILE")]
        profile: PathBuf,
        /// Where the printer is.
        #[command(flatten)]
        target: TargetArgs,
    },
}

/// Exactly one printer link.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false)]
pub struct TargetArgs {
    /// Serial device, e.g. /dev/ttyUSB0 (speed from the profile's interface.baud_bps).
    #[arg(long, value_name = "PATH")]
    pub port: Option<PathBuf>,
    /// Network printer HOST:PORT (raw printing, usually port 9100).
    #[arg(long, value_name = "HOST:PORT")]
    pub host: Option<String>,
    /// USB printer-class device, e.g. /dev/usb/lp0.
    #[arg(long, value_name = "PATH")]
    pub usb: Option<PathBuf>,
    /// Append the bytes to a file instead of printing (no status).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Write the bytes to standard output (no status).
    #[arg(long)]
    pub stdout: bool,
}

impl TargetArgs {
    fn to_target(&self, profile: &Profile) -> anyhow::Result<PortTarget> {
        Ok(if let Some(path) = &self.port {
            let baud_bps = profile.interface.baud_bps.unwrap_or(9600);
            PortTarget::Serial {
                path: path.clone(),
                baud_bps,
            }
        } else if let Some(address) = &self.host {
            PortTarget::Tcp {
                address: address.clone(),
            }
        } else if let Some(path) = &self.usb {
            PortTarget::UsbLp { path: path.clone() }
        } else if let Some(path) = &self.file {
            PortTarget::File { path: path.clone() }
        } else if self.stdout {
            PortTarget::Stdout
        } else {
            bail!("choose a printer: --port, --host, --usb, --file or --stdout")
        })
    }
}

/// Runs one printer command.
pub fn run(cmd: PrinterCommand) -> anyhow::Result<()> {
    match cmd {
        PrinterCommand::Preview {
            ticket,
            out,
            profile,
            text,
        } => {
            let profile = match profile {
                Some(path) => load_profile(&path)?,
                None => Profile::generic_58mm(),
            };
            let bytes = encode_ticket(&given_or_sample(ticket.as_deref())?, &profile)?;
            let doc = decode(&bytes, &profile).context("decoding our own ticket bytes")?;
            render_png_file(&doc, &out)
                .with_context(|| format!("writing preview {}", out.display()))?;
            if text {
                print!("{}", to_text(&doc));
            }
            eprintln!(
                "preview written to {} ({} bytes of ESC/POS for {})",
                out.display(),
                bytes.len(),
                profile.name
            );
            Ok(())
        }
        PrinterCommand::Test {
            ticket,
            profile,
            target,
        } => {
            let profile = load_profile(&profile)?;
            let target = target.to_target(&profile)?;
            let bytes = encode_ticket(&given_or_sample(ticket.as_deref())?, &profile)?;
            let outcome = print_bytes(&target, &profile, &bytes, &PrintPolicy::default());
            // stdout may carry the ticket bytes themselves: report on stderr.
            eprintln!(
                "{}: {:?}, health {} ({}), {}/{} bytes",
                target.describe(),
                outcome.delivery,
                outcome.health,
                outcome.health.label_id(),
                outcome.bytes_written,
                outcome.bytes_total
            );
            // A ticket cut short, or one after which the printer reported a problem, is a
            // failed test: the person at the printer should look before the site opens.
            if !outcome.printed() {
                bail!(
                    "test ticket not printed completely: {:?}, {}",
                    outcome.delivery,
                    outcome.health.label_id()
                );
            }
            Ok(())
        }
        PrinterCommand::Status { profile, target } => {
            let profile = load_profile(&profile)?;
            let target = target.to_target(&profile)?;
            let health = query_health(&target, &profile, &PrintPolicy::default());
            println!("{} {} ({})", target.describe(), health, health.label_id());
            // Non-zero exit when a ticket could not be printed now, for monitoring scripts.
            if !health.can_print() && health != PrinterHealth::NotSupported {
                bail!("printer cannot print: {}", health.label_id());
            }
            Ok(())
        }
    }
}

fn load_profile(path: &Path) -> anyhow::Result<Profile> {
    Ok(Profile::load(path)?)
}

fn given_or_sample(path: Option<&std::path::Path>) -> anyhow::Result<TicketPrint> {
    path.map_or_else(
        || Ok(TicketPrint::sample()),
        crate::ticket_file::load_ticket,
    )
}
