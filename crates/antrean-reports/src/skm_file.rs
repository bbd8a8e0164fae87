//! Reads SKM questionnaire files collected on paper or in other tools.
//!
//! Format: one row per respondent, one column per unsur — named by key (`persyaratan`,
//! `prosedur`, … `sarpras`) or by U-number in the regulation's scope order (`U1`…`U9`) —
//! holding 1..4 (a..d), or blank when not answered; optional profile columns
//! (`jenis_kelamin` L/P, `usia`, `pendidikan`, `pekerjaan`, `disabilitas` ya/tidak, `saran`).
//! Any other column is an error (a misspelt unsur would otherwise be silently dropped).
//!
//! **Nothing is half-imported:** every problem is collected with its row and column, and
//! the file is accepted only when it has none.
use std::path::Path;

use antrean_core::skm::{Response, Unsur};

/// Rows a file may hold: a year of quarterly surveys at a large MPP is a few thousand; this
/// bounds memory for a file that is not what it claims to be.
pub const MAX_ROWS: usize = 1_000_000;

/// Problems reported at most, so a wrong file gives a readable message.
const MAX_PROBLEMS: usize = 50;

/// One respondent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Respondent {
    /// Answers.
    pub response: Response,
    /// L or P.
    pub gender: Option<String>,
    /// Age in years.
    pub age_years: Option<u8>,
    /// SD, SMP, SMA, D3, S1, S2, S3, LAINNYA.
    pub education: Option<String>,
    /// PNS, TNI, POLRI, SWASTA, WIRAUSAHA, LAINNYA.
    pub occupation: Option<String>,
    /// Disability (ya/tidak).
    pub disability: Option<bool>,
    /// Saran/masukan.
    pub suggestion: Option<String>,
}

/// One problem in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based row as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Column name (or letter position when the header is missing).
    pub column: String,
    /// What is wrong, in Indonesian.
    pub message: String,
}

/// Why a file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or parsed at all.
    #[error("{0}")]
    File(String),
    /// Rows with bad values.
    #[error("{} masalah; tidak ada yang diimpor:\n{}", .0.len(), .0.iter().map(|p| format!("  baris {}, kolom {}: {}", p.row, p.column, p.message)).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<Problem>),
}

/// Reads a `.csv` or `.xlsx` file.
pub fn read_file(path: &Path) -> Result<Vec<Respondent>, ReadError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rows = match extension.as_str() {
        "csv" => csv_rows(path)?,
        "xlsx" | "xlsm" | "xls" | "ods" => sheet_rows(path)?,
        _ => {
            return Err(ReadError::File(format!(
                "{}: use a .csv or .xlsx file",
                path.display()
            )));
        }
    };
    parse_rows(rows)
}

fn csv_rows(path: &Path) -> Result<Vec<Vec<String>>, ReadError> {
    let text =
        std::fs::read(path).map_err(|e| ReadError::File(format!("{}: {e}", path.display())))?;
    // Excel in Indonesian locales saves CSV with ';' (the comma is the decimal separator).
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let delimiter = if first_line.iter().filter(|b| **b == b';').count()
        > first_line.iter().filter(|b| **b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_slice());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::File(format!("{}: {e}", path.display())))?;
        rows.push(
            record
                .iter()
                .map(|f| f.trim_start_matches('\u{feff}').trim().to_owned())
                .collect(),
        );
        if rows.len() > MAX_ROWS + 1 {
            return Err(ReadError::File(format!(
                "{}: more than {MAX_ROWS} rows",
                path.display()
            )));
        }
    }
    Ok(rows)
}

fn sheet_rows(path: &Path) -> Result<Vec<Vec<String>>, ReadError> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut workbook = open_workbook_auto(path)
        .map_err(|e| ReadError::File(format!("{}: {e}", path.display())))?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::File(format!("{}: no worksheet", path.display())))?
        .map_err(|e| ReadError::File(format!("{}: {e}", path.display())))?;
    if sheet.height() > MAX_ROWS + 1 {
        return Err(ReadError::File(format!(
            "{}: more than {MAX_ROWS} rows",
            path.display()
        )));
    }
    Ok(sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string().trim().to_owned(),
                })
                .collect()
        })
        .collect())
}

enum Column {
    Unsur(Unsur),
    Gender,
    Age,
    Education,
    Occupation,
    Disability,
    Suggestion,
}

fn column_of(name: &str) -> Option<Column> {
    if let Some(u) = Unsur::parse(name) {
        return Some(Column::Unsur(u));
    }
    match name
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
        .as_str()
    {
        "jenis_kelamin" | "gender" => Some(Column::Gender),
        "usia" | "umur" => Some(Column::Age),
        "pendidikan" => Some(Column::Education),
        "pekerjaan" => Some(Column::Occupation),
        "disabilitas" => Some(Column::Disability),
        "saran" | "saran_masukan" | "masukan" => Some(Column::Suggestion),
        _ => None,
    }
}

/// Parses rows (the first is the header).
pub fn parse_rows(rows: Vec<Vec<String>>) -> Result<Vec<Respondent>, ReadError> {
    let mut rows = rows.into_iter();
    let header = rows
        .next()
        .ok_or_else(|| ReadError::File("the file is empty".into()))?;
    let header_len = header.len();
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (i, name) in header.iter().enumerate() {
        match column_of(name) {
            Some(c) => columns.push((name.clone(), c)),
            None if name.is_empty() => columns.push((format!("#{}", i + 1), Column::Suggestion)),
            None => problems.push(Problem {
                row: 1,
                column: name.clone(),
                message: "kolom tidak dikenal (gunakan kunci unsur seperti \"waktu\" atau U1..U9, dan kolom profil)".into(),
            }),
        }
    }
    for u in Unsur::ALL {
        if !columns
            .iter()
            .any(|(_, c)| matches!(c, Column::Unsur(x) if *x == u))
        {
            problems.push(Problem {
                row: 1,
                column: u.key().into(),
                message: format!("kolom unsur U{} ({}) tidak ada", u.number(), u.key()),
            });
        }
    }
    let mut out = Vec::new();
    for (index, row) in rows.enumerate() {
        let row_number = index + 2;
        if row.iter().all(String::is_empty) {
            continue;
        }
        // Cells past the header's last column have no meaning: an error, not dropped.
        if let Some(extra) = row.iter().skip(header_len).position(|c| !c.is_empty()) {
            problems.push(Problem {
                row: row_number,
                column: format!("#{}", header_len + extra + 1),
                message: "sel di luar kolom judul (baris ini punya lebih banyak sel daripada \
                          judul kolom)"
                    .into(),
            });
            continue;
        }
        let mut respondent = Respondent::default();
        for ((name, column), value) in columns
            .iter()
            .zip(row.iter().map(String::as_str).chain(std::iter::repeat("")))
        {
            let mut bad = |message: String| {
                problems.push(Problem {
                    row: row_number,
                    column: name.clone(),
                    message,
                })
            };
            if value.is_empty() {
                continue;
            }
            match column {
                Column::Unsur(u) => match value.parse::<u8>() {
                    Ok(v @ 1..=4) => respondent.response.answers[*u as usize] = Some(v),
                    _ => bad(format!(
                        "nilai \"{value}\" harus 1, 2, 3 atau 4 (kosong bila tidak dijawab)"
                    )),
                },
                Column::Gender => match value.to_ascii_uppercase().as_str() {
                    "L" | "P" => respondent.gender = Some(value.to_ascii_uppercase()),
                    _ => bad(format!("\"{value}\" harus L atau P")),
                },
                Column::Age => match value.parse::<u8>() {
                    Ok(age) if (10..=120).contains(&age) => respondent.age_years = Some(age),
                    _ => bad(format!("usia \"{value}\" tidak valid")),
                },
                Column::Education => respondent.education = Some(value.to_ascii_uppercase()),
                Column::Occupation => respondent.occupation = Some(value.to_ascii_uppercase()),
                Column::Disability => match value.to_ascii_lowercase().as_str() {
                    "ya" | "y" | "1" => respondent.disability = Some(true),
                    "tidak" | "t" | "0" => respondent.disability = Some(false),
                    _ => bad(format!("\"{value}\" harus ya atau tidak")),
                },
                Column::Suggestion => respondent.suggestion = Some(value.to_owned()),
            }
        }
        // A row with a profile or a suggestion but no answer is not a respondent: the IKM
        // counts questionnaires (docs/domain.md §1).
        if respondent.response.answers.iter().all(Option::is_none) {
            problems.push(Problem {
                row: row_number,
                column: "U1..U9".into(),
                message: "tidak ada satu pun unsur yang dijawab: bukan responden".into(),
            });
            continue;
        }
        out.push(respondent);
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(ReadError::Problems(problems))
    }
}
