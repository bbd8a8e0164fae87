use antrean_core::skm::{Weight, ikm};
use antrean_reports::skm_file::{ReadError, read_file};

const WORKED_EXAMPLE_CSV: &str = "\
U1,U2,U3,U4,U5,U6,U7,U8,U9,jenis_kelamin,usia
4,3,3,2,4,3,4,3,2,L,34
3,3,2,4,4,3,3,3,3,P,51
4,4,3,4,3,4,4,2,3,P,
2,3,3,4,3,3,4,3,,L,67
3,2,4,4,4,3,3,4,3,,
";

fn responses(rows: &[antrean_reports::skm_file::Respondent]) -> Vec<antrean_core::skm::Response> {
    rows.iter().map(|r| r.response.clone()).collect()
}

#[test]
fn csv_with_u_numbers_gives_the_regulation_example() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skm.csv");
    std::fs::write(&path, WORKED_EXAMPLE_CSV).unwrap();
    let rows = read_file(&path).unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[3].age_years, Some(67));
    assert_eq!(rows[3].response.answers[8], None, "blank stays blank");
    assert_eq!(ikm(&responses(&rows), Weight::Exact).unwrap().ikm, 80.42);
    assert_eq!(ikm(&responses(&rows), Weight::Legacy).unwrap().ikm, 80.34);
}

#[test]
fn semicolon_csv_with_keys_in_questionnaire_order() {
    // Excel in an Indonesian locale; columns named by key, sarpras before pengaduan.
    let csv = "persyaratan;prosedur;waktu;biaya;produk;kompetensi;perilaku;sarpras;pengaduan\n4;3;3;2;4;3;4;2;3\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skm.csv");
    std::fs::write(&path, csv).unwrap();
    let rows = read_file(&path).unwrap();
    // Stored by key: U8 pengaduan = 3, U9 sarpras = 2.
    assert_eq!(rows[0].response.answers[7], Some(3));
    assert_eq!(rows[0].response.answers[8], Some(2));
}

#[test]
fn bad_values_are_reported_by_row_and_column_and_nothing_is_imported() {
    let csv =
        "U1,U2,U3,U4,U5,U6,U7,U8,U9,jenis_kelamin\n4,3,3,2,4,3,4,3,2,L\n4,5,3,2,4,3,4,3,2,X\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skm.csv");
    std::fs::write(&path, csv).unwrap();
    match read_file(&path) {
        Err(ReadError::Problems(problems)) => {
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert_eq!((problems[0].row, problems[0].column.as_str()), (3, "U2"));
            assert_eq!(
                (problems[1].row, problems[1].column.as_str()),
                (3, "jenis_kelamin")
            );
        }
        other => panic!("expected problems, got {other:?}"),
    }
    std::fs::write(&path, "U1,U2,U3,U4,U5,U6,U7,U8,waktux\n").unwrap();
    let err = read_file(&path).unwrap_err().to_string();
    assert!(err.contains("waktux") && err.contains("U9"), "{err}");
}

/// A row longer than the header is an error (its extra cells meant something to whoever
/// typed them); a row that answers no unsur is not a respondent. Either way nothing is
/// imported, and the problem names the row.
#[test]
fn extra_cells_and_rows_without_answers_are_refused_by_row() {
    let header = "U1,U2,U3,U4,U5,U6,U7,U8,U9,jenis_kelamin\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skm.csv");
    std::fs::write(
        &path,
        format!("{header}4,3,3,2,4,3,4,3,2,L\n4,4,4,4,4,4,4,4,4,P,4\n"),
    )
    .unwrap();
    match read_file(&path) {
        Err(ReadError::Problems(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!((problems[0].row, problems[0].column.as_str()), (3, "#11"));
        }
        other => panic!("expected problems, got {other:?}"),
    }
    std::fs::write(&path, format!("{header}4,3,3,2,4,3,4,3,2,L\n,,,,,,,,,P\n")).unwrap();
    match read_file(&path) {
        Err(ReadError::Problems(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].row, 3);
            assert!(
                problems[0].message.contains("bukan responden"),
                "{problems:?}"
            );
        }
        other => panic!("expected problems, got {other:?}"),
    }
    // Trailing empty cells and wholly empty rows are still fine.
    std::fs::write(&path, format!("{header}4,3,3,2,4,3,4,3,2,L,,\n,,,,\n")).unwrap();
    assert_eq!(read_file(&path).unwrap().len(), 1);
}

#[test]
fn xlsx_files_read_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("skm.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let lines: Vec<Vec<&str>> = WORKED_EXAMPLE_CSV
        .lines()
        .map(|l| l.split(',').collect())
        .collect();
    for (r, line) in lines.iter().enumerate() {
        for (c, cell) in line.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    book.save(&path).unwrap();
    let rows = read_file(&path).unwrap();
    assert_eq!(ikm(&responses(&rows), Weight::Exact).unwrap().ikm, 80.42);
}
