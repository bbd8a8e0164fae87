//! Manager reports as files: CSV and XLSX with Indonesian headers, and plain-text tables for
//! the terminal. One model, [`Table`], feeds all three so the figures cannot disagree.
//!
//! CSV is written the way Excel in an Indonesian locale opens it with a double-click:
//! UTF-8 with a byte-order mark, `;` between fields and a decimal comma ("80,42"). XLSX
//! cells hold real numbers (Excel formats them by locale).
mod tables;

pub use tables::{ikm_tables, waiting_tables};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number shown with `decimals` places.
    Number {
        /// Value.
        value: f64,
        /// Places.
        decimals: usize,
    },
}

impl Cell {
    /// Text cell.
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// Whole number.
    pub fn int(value: impl Into<f64>) -> Cell {
        Cell::Number {
            value: value.into(),
            decimals: 0,
        }
    }

    /// Number with decimals.
    pub fn dec(value: f64, decimals: usize) -> Cell {
        Cell::Number { value, decimals }
    }

    /// As Indonesian text ("80,42").
    pub fn display_id(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number { value, decimals } => {
                antrean_core::money::format_decimal_id(*value, *decimals)
            }
        }
    }
}

/// A titled table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Sheet name (≤ 31 characters, Excel's limit).
    pub sheet: &'static str,
    /// Title line.
    pub title: String,
    /// Column headers.
    pub header: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// XLSX writer failure.
    #[error("xlsx: {0}")]
    Xlsx(#[from] XlsxError),
    /// CSV writer failure.
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

/// The first table as CSV (Indonesian Excel conventions, see the crate docs).
pub fn to_csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record(&table.header)?;
        for row in &table.rows {
            w.write_record(row.iter().map(Cell::display_id))?;
        }
        w.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}

/// All tables as an XLSX workbook, one sheet each, title in the first row.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.sheet)?;
        sheet.write_string_with_format(0, 0, &table.title, &bold)?;
        for (col, name) in table.header.iter().enumerate() {
            sheet.write_string_with_format(2, col as u16, *name, &bold)?;
            sheet.set_column_width(col as u16, (name.chars().count() + 4).max(12) as f64)?;
        }
        for (r, row) in table.rows.iter().enumerate() {
            let r = 3 + r as u32;
            for (c, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sheet.write_string(r, c as u16, t)?,
                    Cell::Number { value, decimals } => {
                        let format = match decimals {
                            0 => Format::new().set_num_format("0"),
                            n => Format::new().set_num_format(format!("0.{}", "0".repeat(*n))),
                        };
                        sheet.write_number_with_format(r, c as u16, *value, &format)?
                    }
                };
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Tables as aligned text for a terminal.
pub fn to_text(tables: &[Table]) -> String {
    let mut out = String::new();
    for table in tables {
        out.push_str(&table.title);
        out.push('\n');
        let cells: Vec<Vec<String>> =
            std::iter::once(table.header.iter().map(|h| (*h).to_owned()).collect())
                .chain(
                    table
                        .rows
                        .iter()
                        .map(|r| r.iter().map(Cell::display_id).collect()),
                )
                .collect();
        let columns = table.header.len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                cells
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (i, row) in cells.iter().enumerate() {
            let line: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(s, w)| format!("{s:<w$}"))
                .collect();
            out.push_str("  ");
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
            if i == 0 {
                out.push_str("  ");
                out.push_str(
                    &"-".repeat(widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1)),
                );
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}
