//! `antrean skm`: the IKM of a questionnaire file, without a server — for offices checking
//! the numbers of their existing spreadsheets.

use std::path::PathBuf;

use antrean_core::money::format_decimal_id;
use antrean_core::skm::{Weight, ikm, krejcie_morgan_sample};
use anyhow::Context;
use clap::{Subcommand, ValueEnum};

#[derive(Subcommand)]
pub enum SkmCommand {
    /// Compute the IKM of a CSV or XLSX file (one row per respondent, one column per unsur).
    Ikm {
        /// The questionnaire file (.csv or .xlsx).
        file: PathBuf,
        /// NRR weight: exact 1/9 (default) or the rounded 0,111 of legacy spreadsheets.
        #[arg(long, value_enum, default_value_t = WeightArg::Exact)]
        weight: WeightArg,
        /// Service users in the period, to compare with the Krejcie–Morgan target sample.
        #[arg(long)]
        population: Option<u64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import a CSV or XLSX questionnaire file into the coordinator (manager); all rows or
    /// none — problems are listed by row and column and nothing is sent.
    Import(Box<ImportArgs>),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The questionnaire file (.csv or .xlsx).
    file: PathBuf,
    /// The service the survey was about (default: the whole site).
    #[arg(long)]
    service: Option<String>,
    /// The day the answers count for in period reports, YYYY-MM-DD.
    #[arg(long)]
    day: String,
    #[command(flatten)]
    conn: crate::cmd::client::Connection,
}

/// `antrean skm import`.
pub async fn import(args: Box<ImportArgs>) -> anyhow::Result<()> {
    let rows = antrean_reports::skm_file::read_file(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let respondents = rows
        .into_iter()
        .map(|r| antrean_protocol::ImportedResponseDto {
            answers: r.response.answers,
            profile: antrean_protocol::ProfileDto {
                gender: r.gender,
                age_years: r.age_years,
                education: r.education,
                occupation: r.occupation,
                disability: r.disability,
            },
            suggestion: r.suggestion,
        })
        .collect();
    let label = args
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    args.conn
        .run(
            antrean_protocol::Request::ImportSkm {
                service: args.service,
                day: args.day,
                label,
                respondents,
            },
            None,
        )
        .await
}

#[derive(Clone, Copy, ValueEnum)]
pub enum WeightArg {
    /// 1/9 exactly.
    Exact,
    /// 0,111.
    Legacy,
}

impl WeightArg {
    /// Wire name.
    pub fn key(self) -> &'static str {
        match self {
            WeightArg::Exact => "exact",
            WeightArg::Legacy => "legacy",
        }
    }
}

pub fn run(command: SkmCommand) -> anyhow::Result<()> {
    let SkmCommand::Ikm {
        file,
        weight,
        population,
        json,
    } = command
    else {
        unreachable!("`skm import` runs on the async runtime (main.rs)")
    };
    let weight = match weight {
        WeightArg::Exact => Weight::Exact,
        WeightArg::Legacy => Weight::Legacy,
    };
    let rows = antrean_reports::skm_file::read_file(&file)
        .with_context(|| format!("reading {}", file.display()))?;
    let responses: Vec<_> = rows.into_iter().map(|r| r.response).collect();
    let result = ikm(&responses, weight).map_err(|e| anyhow::anyhow!("{e}"))?;
    let target = population.map(krejcie_morgan_sample);
    if json {
        let unsur: Vec<_> = result
            .unsur
            .iter()
            .map(|u| {
                serde_json::json!({
                    "key": u.unsur.key(), "number": u.unsur.number(), "name": u.unsur.name_id(),
                    "answered": u.answered, "nrr": u.nrr, "nrr_weighted": u.nrr_weighted,
                    "score": u.score, "mutu": u.mutu.to_string(),
                })
            })
            .collect();
        let out = serde_json::json!({
            "respondents": result.respondents,
            "weight": match weight { Weight::Exact => "exact", Weight::Legacy => "legacy" },
            "ikm": result.ikm, "ikm_exact": result.ikm_exact,
            "mutu": result.mutu.to_string(), "kinerja": result.mutu.kinerja(),
            "unsur": unsur,
            "population": population, "target_sample": target,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "Survei Kepuasan Masyarakat — {} responden, {}",
        result.respondents,
        weight.label_id()
    );
    for u in &result.unsur {
        println!(
            "U{} {:<42} NRR {}  nilai {:>6}  {}  ({} menjawab)",
            u.unsur.number(),
            u.unsur.name_id(),
            format_decimal_id(u.nrr, 2),
            format_decimal_id(u.score, 2),
            u.mutu,
            u.answered
        );
    }
    println!(
        "NILAI IKM {} — mutu {} ({})",
        format_decimal_id(result.ikm, 2),
        result.mutu,
        result.mutu.kinerja()
    );
    if let (Some(n), Some(s)) = (population, target) {
        println!(
            "Target sampel (Krejcie–Morgan) untuk {n} pengguna layanan: {s}; responden terkumpul: {}",
            result.respondents
        );
    }
    Ok(())
}
