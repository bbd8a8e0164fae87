//! `antrean report waiting|ikm`: managers' reports from a running coordinator.

use std::path::PathBuf;

use antrean_protocol::{ReportQueryDto, Request, ResultDto};
use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};

use crate::cmd::client::Connection;
use crate::cmd::skm::WeightArg;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Waiting, walk, service and idle times; by day and hour; compliance; officers.
    Waiting(ReportArgs),
    /// SKM: NRR per unsur, IKM and mutu, respondents vs target sample, suggestions, follow-ups.
    Ikm(ReportArgs),
}

#[derive(Args)]
pub struct ReportArgs {
    /// First day, YYYY-MM-DD (default: first day of this quarter).
    #[arg(long)]
    from: Option<String>,
    /// Last day, inclusive (default: today).
    #[arg(long)]
    to: Option<String>,
    /// Only this agency (code).
    #[arg(long)]
    agency: Option<String>,
    /// Only this service (code).
    #[arg(long)]
    service: Option<String>,
    /// Only this officer (id). The counter filter is the global --counter.
    #[arg(long)]
    officer_filter: Option<String>,
    /// NRR weight.
    #[arg(long, value_enum, default_value_t = WeightArg::Exact)]
    weight: WeightArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (required for xlsx).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Report on an event history file instead of a running coordinator: JSON Lines as
    /// written by `antrean export` or `antrean simulate --out`. The period defaults to
    /// the history's first and last day.
    #[arg(long)]
    log: Option<PathBuf>,
    /// With --log: the simulation config that produced the history (its site and services).
    #[arg(long, requires = "log", conflicts_with = "catalog")]
    sim_config: Option<PathBuf>,
    /// With --log: the site catalog (default: the sample catalog).
    #[arg(long, requires = "log")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    conn: Connection,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// Aligned text.
    Table,
    /// CSV for Excel (semicolons, decimal comma, UTF-8 BOM).
    Csv,
    /// Excel workbook, one sheet per table.
    Xlsx,
    /// The report as JSON.
    Json,
}

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    let (kind, args) = match command {
        ReportCommand::Waiting(args) => ("waiting", args),
        ReportCommand::Ikm(args) => ("ikm", args),
    };
    let query = ReportQueryDto {
        from: args.from.clone(),
        to: args.to.clone(),
        agency: args.agency.clone(),
        service: args.service.clone(),
        counter: args.conn.counter_for_request(),
        officer: args.officer_filter.clone(),
        weight: Some(args.weight.key().to_owned()),
    };
    if let Some(log) = &args.log {
        return offline(kind, &args, log, query);
    }
    let mut client = args.conn.connect_quiet().await?;
    let request = match args.format {
        Format::Table | Format::Json => Request::Report { query },
        Format::Csv | Format::Xlsx => Request::ExportReport {
            query,
            kind: kind.to_owned(),
            format: if matches!(args.format, Format::Csv) {
                "csv"
            } else {
                "xlsx"
            }
            .to_owned(),
        },
    };
    let result = client.request(request).await;
    client.close().await;
    match result? {
        ResultDto::Report { report } => {
            let text = match args.format {
                Format::Json => serde_json::to_string_pretty(&report)?,
                _ if kind == "waiting" => antrean_reports::export::to_text(
                    &antrean_reports::export::waiting_tables(&report),
                ),
                _ => {
                    antrean_reports::export::to_text(&antrean_reports::export::ikm_tables(&report))
                }
            };
            write_out(args.out.as_ref(), text.as_bytes())
        }
        ResultDto::File {
            name, data_base64, ..
        } => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data_base64)
                .context("the coordinator sent a damaged file")?;
            if matches!(args.format, Format::Xlsx) && args.out.is_none() {
                bail!("--format xlsx needs --out FILE (suggested name: {name})");
            }
            write_out(args.out.as_ref(), &bytes)
        }
        other => bail!("unexpected answer: {other:?}"),
    }
}

fn write_out(out: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("ditulis: {} ({} byte)", path.display(), bytes.len());
            Ok(())
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(bytes)?;
            Ok(())
        }
    }
}

/// A report computed here from a history file, with the coordinator's own code path.
fn offline(
    kind: &str,
    args: &ReportArgs,
    log: &std::path::Path,
    query: ReportQueryDto,
) -> anyhow::Result<()> {
    let catalog = match (&args.sim_config, &args.catalog) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            antrean_sim::SimConfig::from_toml(&text)
                .with_context(|| format!("in {}", path.display()))?
                .catalog()?
        }
        (None, Some(path)) => antrean_catalog::load_file(path)?,
        (None, None) => antrean_catalog::sample(),
    };
    let events = antrean_reports::history::read_history(log)?;
    let report = antrean_reports::history::report_from_history(&catalog, events, query)?;
    match args.format {
        Format::Json => write_out(
            args.out.as_ref(),
            serde_json::to_string_pretty(&report)?.as_bytes(),
        ),
        Format::Table => {
            let tables = if kind == "waiting" {
                antrean_reports::export::waiting_tables(&report)
            } else {
                antrean_reports::export::ikm_tables(&report)
            };
            write_out(
                args.out.as_ref(),
                antrean_reports::export::to_text(&tables).as_bytes(),
            )
        }
        Format::Csv | Format::Xlsx => {
            let format = if matches!(args.format, Format::Csv) {
                "csv"
            } else {
                "xlsx"
            };
            let (name, _, bytes) = antrean_reports::export_file(&report, kind, format)?;
            if matches!(args.format, Format::Xlsx) && args.out.is_none() {
                bail!("--format xlsx needs --out FILE (suggested name: {name})");
            }
            write_out(args.out.as_ref(), &bytes)
        }
    }
}
