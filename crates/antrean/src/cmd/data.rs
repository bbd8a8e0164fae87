//! Offline data tools: export, import, catalog check.

use std::io::{BufReader, Write};
use std::path::PathBuf;

use antrean_store::Store;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};

#[derive(Args)]
pub struct ExportArgs {
    /// Data directory (the server must be stopped: sled locks it).
    #[arg(long)]
    data: PathBuf,
    /// Output file (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct BackupArgs {
    /// Data directory (the server may be running).
    #[arg(long, default_value = "./data", env = "ANTREAN_DATA")]
    data: PathBuf,
    /// Backup file to write (replaced whole, never left half written).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ImportArgs {
    /// JSON Lines file from `antrean export`.
    #[arg(long)]
    from: PathBuf,
    /// New data directory to create (must not hold events).
    #[arg(long)]
    data: PathBuf,
}

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalog file; prints a summary or the error with file, line and field.
    Check {
        /// The catalog TOML (default: the shipped sample).
        file: Option<PathBuf>,
    },
}

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    let (count, problem) = antrean_store::export_dir(&args.data, &mut out)?;
    out.flush()?;
    eprintln!("exported {count} events");
    if let Some(problem) = problem {
        bail!("stopped at the first damaged record after {count} good ones: {problem}");
    }
    Ok(())
}

pub fn backup(args: BackupArgs) -> anyhow::Result<()> {
    let report = antrean_store::backup(&args.data, &args.out)?;
    println!(
        "backed up events 1..={} to {} (restore with `antrean import --from {} --data NEW_DIR`)",
        report.last_seq,
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

pub fn import(args: ImportArgs) -> anyhow::Result<()> {
    let file = std::fs::File::open(&args.from)
        .with_context(|| format!("opening {}", args.from.display()))?;
    let (_, mut writer) = Store::open(&args.data, antrean_coordinator::secrets::random_key)?;
    let report = writer.import(&mut BufReader::new(file))?;
    writer.close()?;
    if report.torn_last_line {
        eprintln!(
            "note: the last line was incomplete (copied while being written) and was left out"
        );
    }
    println!(
        "imported {} events into {}",
        report.imported,
        args.data.display()
    );
    println!("devices, officers and managers are not part of the export: enroll them again");
    Ok(())
}

pub fn catalog(command: CatalogCommand) -> anyhow::Result<()> {
    let CatalogCommand::Check { file } = command;
    let catalog = match &file {
        Some(path) => antrean_catalog::load_file(path)?,
        None => antrean_catalog::sample(),
    };
    println!(
        "OK: {} — {} agencies, {} services, {} counters, {} priority classes",
        catalog.site.name,
        catalog.agencies.len(),
        catalog.services.len(),
        catalog.counters.len(),
        catalog.priority_classes.len()
    );
    Ok(())
}
