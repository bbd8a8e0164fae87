//! `antrean`: run the coordinator or the demo, and script every role from the shell.
//!
//! A thin binary: everything it does is a call into the library crates. Errors map to exit
//! codes: 0 success, 1 failure, 2 the coordinator refused the request.

mod cmd;

use clap::{Parser, Subcommand};

/// Antrean — kiosk and queue system for Indonesian public-service counters.
#[derive(Parser)]
#[command(name = "antrean", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the site coordinator (WebSocket + HTTP on one port).
    Serve(cmd::serve::ServeArgs),
    /// Run a fresh demo site with enrolled demo devices and officers; prints URLs and credentials.
    Demo(cmd::serve::DemoArgs),
    /// Tickets: take, show, cancel, return from parking, reinstate.
    #[command(subcommand)]
    Ticket(cmd::client::TicketCommand),
    /// Counter actions of an officer (or a manager naming --counter).
    #[command(subcommand)]
    Counter(cmd::client::CounterCommand),
    /// Queue figures per service.
    Status(cmd::client::StatusArgs),
    /// Print events as they happen.
    Watch(cmd::client::WatchArgs),
    /// Manage kiosks and display boards (manager).
    #[command(subcommand)]
    Device(cmd::client::DeviceCommand),
    /// Manage officers (manager).
    #[command(subcommand)]
    Officer(cmd::client::OfficerCommand),
    /// List devices, officers and managers (manager).
    Principals(cmd::client::StatusArgs),
    /// Write the event log of a (stopped) data directory as JSON Lines.
    Export(cmd::data::ExportArgs),
    /// Copy the event log while the server runs (a consistent copy up to one seq).
    Backup(cmd::data::BackupArgs),
    /// Restore an exported event log into a new data directory.
    Import(cmd::data::ImportArgs),
    /// Catalog tools.
    #[command(subcommand)]
    Catalog(cmd::data::CatalogCommand),
    /// Thermal printer tools: preview, test print, status.
    #[command(subcommand)]
    Printer(antrean_printer::cli::PrinterCommand),
    /// Satisfaction survey (SKM): the IKM of a questionnaire file; import paper surveys.
    #[command(subcommand)]
    Skm(cmd::skm::SkmCommand),
    /// Managers' reports: waiting times and the IKM of a period (table, CSV, XLSX, JSON).
    #[command(subcommand)]
    Report(cmd::report::ReportCommand),
    /// Simulate a day on the real engine: event log and wait-estimate accuracy.
    Simulate(cmd::simulate::SimulateArgs),
    /// Antrean Pusat: the central service on PostgreSQL that sites ship their logs to.
    #[cfg(feature = "central")]
    #[command(subcommand)]
    Central(cmd::central::CentralCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        Command::Printer(command) => antrean_printer::cli::run(command),
        Command::Skm(cmd::skm::SkmCommand::Import(args)) => {
            runtime().and_then(|rt| rt.block_on(cmd::skm::import(args)))
        }
        Command::Skm(command) => cmd::skm::run(command),
        Command::Export(args) => cmd::data::export(args),
        Command::Backup(args) => cmd::data::backup(args),
        Command::Import(args) => cmd::data::import(args),
        Command::Catalog(command) => cmd::data::catalog(command),
        Command::Simulate(args) => cmd::simulate::simulate(args),
        other => runtime().and_then(|rt| rt.block_on(run_async(other))),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            match err.downcast_ref::<antrean_client::ClientError>() {
                Some(antrean_client::ClientError::Rejected { .. }) => {
                    std::process::ExitCode::from(2)
                }
                _ => std::process::ExitCode::FAILURE,
            }
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn run_async(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => cmd::serve::serve(args).await,
        Command::Demo(args) => cmd::serve::demo(args).await,
        Command::Ticket(c) => cmd::client::ticket(c).await,
        Command::Counter(c) => cmd::client::counter(c).await,
        Command::Status(args) => cmd::client::status(args).await,
        Command::Watch(args) => cmd::client::watch(args).await,
        Command::Device(c) => cmd::client::device(c).await,
        Command::Officer(c) => cmd::client::officer(c).await,
        Command::Principals(args) => cmd::client::principals(args).await,
        Command::Report(c) => cmd::report::run(c).await,
        #[cfg(feature = "central")]
        Command::Central(c) => cmd::central::run(c).await,
        Command::Printer(_)
        | Command::Skm(_)
        | Command::Export(_)
        | Command::Backup(_)
        | Command::Import(_)
        | Command::Catalog(_)
        | Command::Simulate(_) => {
            unreachable!("handled without a runtime")
        }
    }
}
