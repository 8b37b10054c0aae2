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

/// The columns of the client CSV format, in the order export writes them: the client's
/// fields up to `notes` (source, contact person and registered capital are form-only).
pub const CSV_COLUMNS: &[&str] = ClientInput::FIELDS.as_slice().split_at(16).0;

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
    let mut out = csv_header();
    for row in rows {
        out.push_str(&csv_row(row));
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

/// Any record as a line of the same CSV (with its CRLF): the writer of every CSV export
/// (clients, reports).
pub fn csv_record<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    write_record(&mut out, fields.into_iter());
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
#[path = "csv_import_tests.rs"]
mod tests;
