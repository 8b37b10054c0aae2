//! Tests of csv_import. Compiled only for tests: declared under #[cfg(test)].
use super::*;

const SAMPLE: &str = include_str!("../../tests/data/clients-sample.csv");
const SAMPLE_REJECTS: &str = include_str!("../../tests/data/clients-sample.rejects");
const HEADER: &str = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,\
                      address,occupation,risk_level,risk_assessed_on,status,owner,notes";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A valid row of [`HEADER`]'s columns with the given ID number and notes field.
fn row(id_number: &str, notes: &str) -> String {
    format!(",individual,罗华娜,,,resident_id,{id_number},17555979711,,,,,,active,rm2,{notes}")
}

#[test]
fn sample_file_rejects_exactly_the_listed_lines() {
    let expected: Vec<(u64, &str)> = SAMPLE_REJECTS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (line, reason) = l.split_once('\t').unwrap();
            (line.trim().parse().unwrap(), reason.trim())
        })
        .collect();
    assert_eq!(expected.len(), 31);

    let file = parse_csv(SAMPLE.as_bytes()).unwrap();
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.rows.len(), 300);
    assert_eq!(file.rows[0].line, 2);
    assert_eq!(file.rows[299].line, 301);

    let (valid, refused) = check_rows(&file.rows, today());
    let refused_lines: Vec<u64> = refused.iter().map(|r| r.line).collect();
    let expected_lines: Vec<u64> = expected.iter().map(|&(l, _)| l).collect();
    assert_eq!(refused_lines, expected_lines);
    assert_eq!(valid.len(), 300 - 31);
    // The reason listed is among the reasons given.
    for (error, (line, reason)) in refused.iter().zip(&expected) {
        assert!(
            error.reasons.iter().any(|r| r == reason),
            "line {line}: expected {reason:?} among {:?}",
            error.reasons
        );
    }
    let dup = refused.iter().find(|r| r.line == 36).unwrap();
    assert_eq!(dup.duplicate_of, Some(2));
    // Accepted rows keep their line numbers.
    assert_eq!(valid[0].0, 2);
    assert!(valid.iter().all(|(line, _)| !expected_lines.contains(line)));
}

#[test]
fn crlf_bom_and_quoted_fields() {
    let text = format!(
        "\u{feff}{HEADER}\r\n{}\r\n{}\r\n{}\r\n{}\r\n",
        row("110105197009087822", "\"plain, with a comma\""),
        row(
            "320102197508038793",
            "\"two\r\nlines and \"\"quotes\"\"\r\nand a third\""
        ),
        row("33010619841217854x", ""),
        row("32010219800821197X", "\"\"\"\"")
    );
    let file = parse_csv(text.as_bytes()).unwrap();
    let lines: Vec<u64> = file.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 6, 7]);
    assert_eq!(file.rows[0].input.client_no, "");
    assert_eq!(file.rows[0].input.notes, "plain, with a comma");
    assert_eq!(
        file.rows[1].input.notes,
        "two\r\nlines and \"quotes\"\r\nand a third"
    );
    assert_eq!(file.rows[3].input.notes, "\"");
    let (valid, refused) = check_rows(&file.rows, today());
    assert_eq!(refused, []);
    assert_eq!(valid[2].1.id_number, "33010619841217854X");
}

#[test]
fn blank_lines_are_skipped_and_counted() {
    let text = format!(
        "{HEADER}\r\n\r\n{}\r\n\r\n\r\n{}\n\n",
        row("110105197009087822", "\"\r\nstarts with a line break\""),
        row("320102197508038793", ""),
    );
    let file = parse_csv(text.as_bytes()).unwrap();
    let lines: Vec<u64> = file.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 7]);
    assert_eq!(file.rows[0].input.notes, "\r\nstarts with a line break");
}

#[test]
fn lf_and_header_in_another_order() {
    let text = "notes,owner,status,risk_assessed_on,risk_level,occupation,address,email,\
                mobile,id_number,id_type,birth_date,gender,name,kind,client_no\n\
                \"a\nb\",rm1,active,2026-01-05,C2,教师,\"上海市, 徐汇区\",a@b.cn,\
                13812345678,110105197009087822,resident_id,1970-09-08,F,罗华娜,individual,C001\n\
                ,rm1,,,,,,,,91440106R3WQ4NLM86,uscc,,,某公司,corporate,";
    let file = parse_csv(text.as_bytes()).unwrap();
    assert_eq!(file.rows.len(), 2);
    assert_eq!(file.rows[0].line, 2);
    assert_eq!(file.rows[1].line, 4);
    let first = &file.rows[0].input;
    assert_eq!(first.client_no, "C001");
    assert_eq!(first.notes, "a\nb");
    assert_eq!(first.address, "上海市, 徐汇区");
    assert_eq!(first.name, "罗华娜");
    let (valid, refused) = check_rows(&file.rows, today());
    assert_eq!((valid.len(), refused.len()), (2, 0));
}

#[test]
fn header_errors_name_the_columns() {
    let text = HEADER.replace("email", "e-mail").replace(",notes", "") + ",mobile\n";
    let err = parse_csv(text.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        CsvFileError::Header {
            unknown: vec!["e-mail".into()],
            missing: vec!["email".into(), "notes".into()],
            repeated: vec!["mobile".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "line 1: the header row does not match the client format (unknown column: e-mail; \
         missing columns: email, notes; repeated column: mobile)"
    );
    assert_eq!(err.key(), "err.csv.header");
    // Spaces and case in names are forgiven.
    let text = HEADER.replace("name,", " Name ,") + "\n";
    assert!(parse_csv(text.as_bytes()).is_ok());
}

#[test]
fn file_level_errors() {
    assert_eq!(parse_csv(b""), Err(CsvFileError::Empty));
    assert_eq!(parse_csv("\u{feff}".as_bytes()), Err(CsvFileError::Empty));
    // "张" in GBK on line 2.
    let mut gbk = format!("{HEADER}\n").into_bytes();
    gbk.extend_from_slice(&[b',', 0xd5, 0xc5]);
    let err = parse_csv(&gbk).unwrap_err();
    assert_eq!(err, CsvFileError::NotUtf8 { line: 2 });
    assert_eq!(err.key(), "err.csv.utf8");
    // Header only: no rows, no errors.
    let file = parse_csv(format!("{HEADER}\r\n").as_bytes()).unwrap();
    assert_eq!(file, ParsedFile::default());
}

#[test]
fn rows_with_the_wrong_number_of_fields() {
    let text = format!(
        "{HEADER}\n{}\n,individual,x\n{}\n",
        row("110105197009087822", ""),
        row("320102197508038793", "x,y")
    );
    let file = parse_csv(text.as_bytes()).unwrap();
    assert_eq!(file.rows.len(), 1);
    assert_eq!(
        file.errors,
        [
            RowError {
                line: 3,
                reasons: vec!["row: 3 fields, the header has 16".into()],
                keys: vec![("row", "err.csv.fields")],
                duplicate_of: None,
            },
            RowError {
                line: 4,
                reasons: vec!["row: 17 fields, the header has 16".into()],
                keys: vec![("row", "err.csv.fields")],
                duplicate_of: None,
            },
        ]
    );
}

#[test]
fn duplicates_within_the_file() {
    // The second row differs only in the case of x; the third also has a bad mobile.
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("33010619841217854X", ""),
        row("33010619841217854x", ""),
        row(" 33010619841217854X", "").replace("17555979711", "12345"),
    );
    let file = parse_csv(text.as_bytes()).unwrap();
    let (valid, refused) = check_rows(&file.rows, today());
    assert_eq!(valid.len(), 1);
    assert_eq!(
        refused,
        [
            RowError {
                line: 3,
                reasons: vec![DUPLICATE_IN_FILE.into()],
                keys: vec![("id_number", "err.id.duplicate_in_file")],
                duplicate_of: Some(2),
            },
            RowError {
                line: 4,
                reasons: vec![
                    "mobile: not a mobile number".into(),
                    DUPLICATE_IN_FILE.into()
                ],
                keys: vec![
                    ("mobile", "err.mobile"),
                    ("id_number", "err.id.duplicate_in_file")
                ],
                duplicate_of: Some(2),
            },
        ]
    );
}

#[test]
fn export_writes_what_import_reads() {
    let file = parse_csv(SAMPLE.as_bytes()).unwrap();
    let inputs: Vec<ClientInput> = file.rows.iter().map(|r| r.input.clone()).collect();
    let written = write_csv(&inputs);
    assert!(written.starts_with(&format!("{HEADER},marketing_consent\r\n")));
    let again = parse_csv(written.as_bytes()).unwrap();
    let back: Vec<ClientInput> = again.rows.into_iter().map(|r| r.input).collect();
    assert_eq!(back, inputs);

    let tricky = ClientInput {
        name: "O'Brien, \"Jack\"".into(),
        notes: "line 1\nline 2".into(),
        address: "  spaced  ".into(),
        ..ClientInput::default()
    };
    let written = write_csv([&tricky, &tricky]);
    assert!(written.contains("\"O'Brien, \"\"Jack\"\"\""));
    let again = parse_csv(written.as_bytes()).unwrap();
    assert_eq!(again.rows.len(), 2);
    assert_eq!(again.rows[0].input.name, tricky.name);
    assert_eq!(again.rows[0].input.notes, tricky.notes);
    assert_eq!(again.rows[0].input.address, tricky.address);
    assert_eq!(again.rows[1].line, 4);
    assert_eq!(write_csv([]), format!("{HEADER},marketing_consent\r\n"));
}
