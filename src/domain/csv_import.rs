//! The client CSV format (product.md, "Client CSV format"): reading a file into rows
//! with the line each starts on, checking the rows, and writing the same format.
//!
//! UTF-8 with an optional byte-order mark, RFC 4180 quoting (quoted fields may hold
//! commas, quotes and line breaks), LF or CRLF, and a header naming the
//! [`CSV_COLUMNS`] in any order. Checks that need the database (the ID number already
//! belongs to a client, the owner exists and may be assigned) are the store's.
use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::client::{ClientInput, ValidClient};
use super::csv_text;

/// The columns of the client CSV format, in the order export writes them: the client's
/// fields up to `marketing_consent` (source, contact person and registered capital are
/// form-only).
pub const CSV_COLUMNS: &[&str] = ClientInput::FIELDS.as_slice().split_at(17).0;

/// Columns an imported file may leave out (added after the format was first published):
/// a file without `marketing_consent` imports every client as "unknown".
pub const OPTIONAL_COLUMNS: &[&str] = &["marketing_consent"];

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

/// Reads a client CSV file. Fails as a whole when the file is not UTF-8, has no header
/// or its header does not name exactly the format's columns; a row with the wrong number
/// of fields is a row error, and the file is read on.
pub fn parse_csv(data: &[u8]) -> Result<ParsedFile, CsvFileError> {
    let text = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => {
            return Err(CsvFileError::NotUtf8 {
                line: line_of(data, e.valid_up_to()),
            })
        }
    };
    // The BOM is not part of the text. Dropping it keeps line numbers: it has no newline.
    let text = text.strip_prefix(csv_text::BOM).unwrap_or(text);
    let mut records = csv_text::Records::new(text);
    let header = match records.next() {
        None => return Err(CsvFileError::Empty),
        Some(r) => r.fields.map_err(|message| CsvFileError::Syntax {
            line: r.line,
            message,
        })?,
    };
    let columns = header_columns(&header)?;

    let mut file = ParsedFile::default();
    for record in records {
        let line = record.line;
        let fields = match record.fields {
            Ok(f) => f,
            Err(reason) => {
                file.errors.push(RowError {
                    line,
                    reasons: vec![format!("row: {reason}")],
                    keys: vec![("row", "err.csv.quote")],
                    duplicate_of: None,
                });
                continue;
            }
        };
        if fields.len() != columns.len() {
            file.errors.push(RowError {
                line,
                reasons: vec![format!(
                    "row: {} fields, the header has {}",
                    fields.len(),
                    columns.len()
                )],
                keys: vec![("row", "err.csv.fields")],
                duplicate_of: None,
            });
            continue;
        }
        let mut input = ClientInput::default();
        for (column, value) in columns.iter().zip(fields) {
            if let Some(field) = input.field_mut(column) {
                *field = match csv_text::restore(&value) {
                    Cow::Borrowed(v) if v.len() == value.len() => value,
                    restored => restored.into_owned(),
                };
            }
        }
        file.rows.push(ParsedRow { line, input });
    }
    Ok(file)
}

/// The column of each header field, or the header error.
fn header_columns(header: &[String]) -> Result<Vec<&'static str>, CsvFileError> {
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
        .filter(|c| !columns.contains(c) && !OPTIONAL_COLUMNS.contains(c))
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
    let mut checker = RowChecker::new(today);
    let mut valid = Vec::new();
    let mut refused = Vec::new();
    for row in rows {
        match checker.check(row) {
            Ok(client) => valid.push((row.line, client)),
            Err(e) => refused.push(e),
        }
    }
    (valid, refused)
}

/// [`check_rows`] one row at a time, in the file's order (an import checks rows on one
/// thread while it writes those already checked on another): a row repeating an
/// earlier row's ID number is refused, the first one kept.
#[derive(Debug)]
pub struct RowChecker {
    today: NaiveDate,
    first_line: HashMap<String, u64>,
}

impl RowChecker {
    /// A checker for a file read `today`.
    pub fn new(today: NaiveDate) -> Self {
        RowChecker {
            today,
            first_line: HashMap::new(),
        }
    }

    /// The row's client, or why it is refused.
    pub fn check(&mut self, row: &ParsedRow) -> Result<ValidClient, RowError> {
        let result = row.input.validate(self.today);
        let key = row.input.id_number.trim().to_ascii_uppercase();
        let duplicate_of = if key.is_empty() {
            None
        } else {
            match self.first_line.get(&key) {
                Some(&line) => Some(line),
                None => {
                    self.first_line.insert(key, row.line);
                    None
                }
            }
        };
        match (result, duplicate_of) {
            (Ok(client), None) => Ok(client),
            (result, duplicate_of) => {
                let errors = result.err().unwrap_or_default();
                let mut keys: Vec<(&'static str, &'static str)> =
                    errors.iter().map(|e| (e.field, e.key)).collect();
                let mut reasons: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                if duplicate_of.is_some() {
                    reasons.push(DUPLICATE_IN_FILE.to_string());
                    keys.push(("id_number", "err.id.duplicate_in_file"));
                }
                Err(RowError {
                    line: row.line,
                    reasons,
                    keys,
                    duplicate_of,
                })
            }
        }
    }
}

/// Writes rows in the client CSV format: the header with [`CSV_COLUMNS`] in their
/// order, one row per client, CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break, formula cells neutralised ([`csv_text::neutralise`]). No
/// byte-order mark: the caller adds [`csv_text::BOM`] at the start of a file. Values are written as given, so the caller masks them first
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
/// (clients, reports), formula cells neutralised.
pub fn csv_record<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    write_record(&mut out, fields.into_iter());
    out
}

/// Appends one record and its line end (see [`csv_text::write_record`]: formula cells
/// neutralised, quoted where needed).
fn write_record<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    csv_text::write_record(out, fields);
}

#[cfg(test)]
#[path = "csv_import_tests.rs"]
mod tests;
