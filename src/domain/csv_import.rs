//! The client CSV format (product.md, "Client CSV format"): reading a file into rows
//! with the line each starts on, checking the rows, and writing the same format.
//!
//! UTF-8 with an optional byte-order mark, RFC 4180 quoting (quoted fields may hold
//! commas, quotes and line breaks), LF or CRLF, and a header naming the
//! [`CSV_COLUMNS`] in any order. Checks that need the database (the ID number already
//! belongs to a client, the owner exists and may be assigned) are the store's.
use std::collections::HashMap;

use chrono::NaiveDate;

use super::client::{ClientInput, ValidClient};

/// The columns of the client CSV format, in the order export writes them.
pub const CSV_COLUMNS: [&str; 16] = [
    "client_no",
    "kind",
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "mobile",
    "email",
    "address",
    "occupation",
    "risk_level",
    "risk_assessed_on",
    "status",
    "owner",
    "notes",
];

/// Reason given for an ID number that an earlier row of the same file already has.
pub const DUPLICATE_IN_FILE: &str = "id_number: duplicate within file";

/// Why a whole file was refused: nothing of it can be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvFileError {
    /// Bytes that are not UTF-8 (for instance a file saved as GBK).
    #[error("line {line}: the file is not UTF-8 text (save it as \"CSV UTF-8\")")]
    NotUtf8 {
        /// Line of the first byte that is not UTF-8.
        line: u64,
    },
    /// No header row.
    #[error("the file is empty; it needs at least the header row")]
    Empty,
    /// The header row does not name exactly the columns of the format.
    #[error("{}", header_message(unknown, missing, repeated))]
    Header {
        /// Names that are not columns of the format.
        unknown: Vec<String>,
        /// Columns of the format that the header does not name.
        missing: Vec<String>,
        /// Columns named more than once.
        repeated: Vec<String>,
    },
    /// The CSV reader gave up (should not happen with valid UTF-8).
    #[error("line {line}: {message}")]
    Syntax {
        /// Line where reading stopped.
        line: u64,
        /// What the reader said.
        message: String,
    },
}

impl CsvFileError {
    /// Catalogue key of the message shown to the user.
    pub fn key(&self) -> &'static str {
        match self {
            CsvFileError::NotUtf8 { .. } => "err.csv.utf8",
            CsvFileError::Empty => "err.csv.empty",
            CsvFileError::Header { .. } => "err.csv.header",
            CsvFileError::Syntax { .. } => "err.csv.syntax",
        }
    }
}

/// The message of [`CsvFileError::Header`].
fn header_message(unknown: &[String], missing: &[String], repeated: &[String]) -> String {
    let mut parts = Vec::new();
    for (what, names) in [
        ("unknown column", unknown),
        ("missing column", missing),
        ("repeated column", repeated),
    ] {
        if !names.is_empty() {
            let plural = if names.len() > 1 { "s" } else { "" };
            parts.push(format!("{what}{plural}: {}", names.join(", ")));
        }
    }
    format!(
        "line 1: the header row does not match the client format ({})",
        parts.join("; ")
    )
}

/// One data row of a file, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    /// Line of the file where the row starts; the header is line 1.
    pub line: u64,
    /// The row's fields; fields the format does not have stay empty.
    pub input: ClientInput,
}

/// A refused row: its line and every reason, e.g. `email: invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line of the file where the row starts; the header is line 1.
    pub line: u64,
    /// Short English reasons, one per problem.
    pub reasons: Vec<String>,
    /// The same problems as (field, catalogue key), for screens in the user's language.
    pub keys: Vec<(&'static str, &'static str)>,
    /// For a repeated ID number: the line of the row that had it first.
    pub duplicate_of: Option<u64>,
}

/// A file read into rows. Rows that could not even be split into the columns (wrong
/// number of fields) are in `errors`; the others are in `rows`, not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    /// Rows with the right number of fields, in file order.
    pub rows: Vec<ParsedRow>,
    /// Rows with the wrong number of fields.
    pub errors: Vec<RowError>,
}

/// Line (from 1) of byte offset `at` of `data`.
fn line_of(data: &[u8], at: usize) -> u64 {
    let newlines = data.iter().take(at).filter(|&&b| b == b'\n').count();
    u64::try_from(newlines).map_or(u64::MAX, |n| n + 1)
}

/// Finds the line where each record starts, going forward through the text. The CSV
/// reader's own line count is one short after a CRLF (it places the record at the `\n`
/// ending the line before), so lines are counted here from the record's byte offset.
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        Lines {
            text,
            at: 0,
            line: 1,
        }
    }

    /// Line of the record whose reported start is byte `start` (never before the last).
    fn of_record(&mut self, start: u64) -> u64 {
        let mut start = usize::try_from(start)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // Skip what is left of the previous line end, and blank lines.
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.at {
            let newlines = self.text[self.at..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += u64::try_from(newlines).unwrap_or(u64::MAX);
            self.at = start;
        }
        self.line
    }
}

/// Reads a client CSV file. Fails as a whole when the file is not UTF-8, has no header
/// or its header does not name exactly the format's columns; a row with the wrong number
/// of fields is a row error, and the file is read on.
pub fn parse_csv(data: &[u8]) -> Result<ParsedFile, CsvFileError> {
    if let Err(e) = std::str::from_utf8(data) {
        return Err(CsvFileError::NotUtf8 {
            line: line_of(data, e.valid_up_to()),
        });
    }
    // The BOM is not part of the text. Dropping it keeps line numbers: it has no newline.
    let text = data.strip_prefix("\u{feff}".as_bytes()).unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut records = reader.records();
    let syntax = |e: csv::Error| CsvFileError::Syntax {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };

    let header = match records.next() {
        None => return Err(CsvFileError::Empty),
        Some(r) => r.map_err(syntax)?,
    };
    let columns = header_columns(&header)?;

    let mut lines = Lines::new(text);
    let mut file = ParsedFile::default();
    for record in records {
        let record = record.map_err(syntax)?;
        let line = lines.of_record(record.position().map_or(0, |p| p.byte()));
        if record.len() != columns.len() {
            file.errors.push(RowError {
                line,
                reasons: vec![format!(
                    "row: {} fields, the header has {}",
                    record.len(),
                    columns.len()
                )],
                keys: vec![("row", "err.csv.fields")],
                duplicate_of: None,
            });
            continue;
        }
        let mut input = ClientInput::default();
        for (column, value) in columns.iter().zip(record.iter()) {
            if let Some(field) = input.field_mut(column) {
                value.clone_into(field);
            }
        }
        file.rows.push(ParsedRow { line, input });
    }
    Ok(file)
}

/// The column of each header field, or the header error.
fn header_columns(header: &csv::StringRecord) -> Result<Vec<&'static str>, CsvFileError> {
    let mut columns = Vec::with_capacity(header.len());
    let (mut unknown, mut repeated) = (Vec::new(), Vec::new());
    for name in header.iter() {
        let wanted = name.trim();
        match CSV_COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(wanted)) {
            Some(&c) if columns.contains(&c) => {
                if !repeated.iter().any(|r: &String| r == c) {
                    repeated.push(c.to_string());
                }
            }
            Some(&c) => columns.push(c),
            None => unknown.push(if wanted.is_empty() {
                "(empty)".to_string()
            } else {
                wanted.to_string()
            }),
        }
    }
    let missing: Vec<String> = CSV_COLUMNS
        .iter()
        .filter(|c| !columns.contains(c))
        .map(|c| c.to_string())
        .collect();
    if unknown.is_empty() && missing.is_empty() && repeated.is_empty() {
        Ok(columns)
    } else {
        Err(CsvFileError::Header {
            unknown,
            missing,
            repeated,
        })
    }
}

/// Checks rows as [`ClientInput::validate`] does and refuses an ID number that an
/// earlier row of the file already has (compared trimmed and upper-cased, whatever the
/// ID type, as the database's unique index does). Returns the valid rows with their
/// lines, and the refused ones with every reason.
pub fn check_rows(
    rows: &[ParsedRow],
    today: NaiveDate,
) -> (Vec<(u64, ValidClient)>, Vec<RowError>) {
    let mut valid = Vec::new();
    let mut refused = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for row in rows {
        let result = row.input.validate(today);
        let key = row.input.id_number.trim().to_ascii_uppercase();
        let duplicate_of = if key.is_empty() {
            None
        } else {
            match first_line.get(&key) {
                Some(&line) => Some(line),
                None => {
                    first_line.insert(key, row.line);
                    None
                }
            }
        };
        match (result, duplicate_of) {
            (Ok(client), None) => valid.push((row.line, client)),
            (result, duplicate_of) => {
                let errors = result.err().unwrap_or_default();
                let mut keys: Vec<(&'static str, &'static str)> =
                    errors.iter().map(|e| (e.field, e.key)).collect();
                let mut reasons: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                if duplicate_of.is_some() {
                    reasons.push(DUPLICATE_IN_FILE.to_string());
                    keys.push(("id_number", "err.id.duplicate_in_file"));
                }
                refused.push(RowError {
                    line: row.line,
                    reasons,
                    keys,
                    duplicate_of,
                });
            }
        }
    }
    (valid, refused)
}

/// Writes rows in the client CSV format: the header with [`CSV_COLUMNS`] in their
/// order, one row per client, CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break. No byte-order mark: the caller adds one for spreadsheet
/// programs that need it. Values are written as given, so the caller masks them first
/// when the user may not see them in full.
pub fn write_csv<'a, I>(rows: I) -> String
where
    I: IntoIterator<Item = &'a ClientInput>,
{
    let mut out = String::new();
    write_record(&mut out, CSV_COLUMNS.iter().copied());
    for row in rows {
        write_record(
            &mut out,
            CSV_COLUMNS.iter().map(|c| row.field(c).unwrap_or("")),
        );
    }
    out
}

/// The header line of the format, for writers that stream rows one at a time.
pub fn csv_header() -> String {
    let mut out = String::new();
    write_record(&mut out, CSV_COLUMNS.iter().copied());
    out
}

/// One client as a line of the format (with its CRLF), in the order of [`csv_header`].
pub fn csv_row(row: &ClientInput) -> String {
    let mut out = String::new();
    write_record(
        &mut out,
        CSV_COLUMNS.iter().map(|c| row.field(c).unwrap_or("")),
    );
    out
}

/// Appends one record and its line end.
fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../../../shared/data/clients-sample.csv");
    const SAMPLE_REJECTS: &str = include_str!("../../../shared/data/clients-sample.rejects");
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
        assert!(written.starts_with(&format!("{HEADER}\r\n")));
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
        assert_eq!(write_csv([]), format!("{HEADER}\r\n"));
    }
}
