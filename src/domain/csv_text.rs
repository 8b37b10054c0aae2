//! CSV text as rmdesk writes and reads it, for every CSV file (clients, reports,
//! ledgers, audit): RFC 4180, read strictly, and safe to open in a spreadsheet.
//!
//! **Writing.** A file begins with a UTF-8 byte-order mark ([`BOM`]): spreadsheet
//! programs on Chinese Windows otherwise read it as GBK. A field holding a comma, a quote
//! or a line break is quoted, its quotes doubled. A cell a spreadsheet would run as a
//! formula — beginning with `=`, `+`, `-`, `@`, a tab or a carriage return — is
//! neutralised as OWASP recommends, with a leading `'` ([`neutralise`]); so that import
//! can undo exactly that, a cell of `'`s followed by one of those characters gets one
//! more `'` too. A plain number (`-12.50`, `-3`: an optional `-`, digits, optionally a
//! point and digits) is no formula and is written as it is, so a negative amount stays a
//! number in the spreadsheet.
//!
//! **Reading.** [`read_records`] splits text into records, each with the line it starts
//! on. A quoted field followed by anything but a comma or a line end, a quote inside an
//! unquoted field, or a quoted field never closed is an error of that record (with its
//! line), not a guess. [`restore`] undoes [`neutralise`].
use std::borrow::Cow;

/// The UTF-8 byte-order mark every CSV export begins with.
pub const BOM: &str = "\u{feff}";

/// Whether `c` makes a spreadsheet read a cell as a formula when it comes first.
fn is_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Whether `cell` is `'`s (`quotes` or more) followed by a formula trigger.
fn quoted_trigger(cell: &str, quotes: usize) -> bool {
    let rest = cell.trim_start_matches('\'');
    cell.len() - rest.len() >= quotes && rest.chars().next().is_some_and(is_trigger)
}

/// Whether `cell` is a plain number: an optional `-`, ASCII digits, and optionally a
/// point followed by ASCII digits (`-3`, `-12.50`, `0.5`).
pub fn is_plain_number(cell: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = cell.strip_prefix('-').unwrap_or(cell);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(unsigned),
    }
}

/// `cell` as written to a CSV file: with a leading `'` when it begins with a formula
/// trigger (`=`, `+`, `-`, `@`, tab, carriage return), or with `'`s before one; a plain
/// number ([`is_plain_number`]) is written as it is.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if quoted_trigger(cell, 0) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`neutralise`]: drops one leading `'` from a cell of `'`s followed by a
/// formula trigger. Any other cell, including one simply beginning with `'` and a plain
/// number such as `-3` (never neutralised), is kept. A `'-3` written before plain numbers
/// were exempt reads back as `-3`, as it was meant.
pub fn restore(cell: &str) -> Cow<'_, str> {
    if quoted_trigger(cell, 1) {
        Cow::Borrowed(&cell[1..])
    } else {
        Cow::Borrowed(cell)
    }
}

/// Appends one record and its CRLF: each field neutralised, then quoted when it holds a
/// comma, a quote or a line break.
pub fn write_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = neutralise(field);
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// One record of a file as read: its first line, and its fields or why it is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Line (from 1) where the record starts.
    pub line: u64,
    /// The fields, unquoted (not yet [`restore`]d), or the reason the record is malformed.
    pub fields: Result<Vec<String>, String>,
}

/// Splits CSV `text` (without its byte-order mark) into records. Blank lines are skipped.
/// A malformed record is reported and reading goes on at the next line.
pub fn read_records(text: &str) -> Vec<Record> {
    Records::new(text).collect()
}

/// The records of a CSV text one at a time, as [`read_records`] reads them.
///
/// Every character that delimits (comma, quote, CR, LF) is ASCII, so the text is walked
/// as bytes and a field that needs no unquoting is copied as one slice: an import's file
/// of 100,000 clients is read in a small fraction of the time its rows take to write.
pub struct Records<'a> {
    text: &'a str,
    at: usize,
    line: u64,
}

impl<'a> Records<'a> {
    /// The records of `text` (without its byte-order mark).
    pub fn new(text: &'a str) -> Self {
        Records {
            text,
            at: 0,
            line: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Reads a field that opens with a quote (at the quote); `Err` when it is never
    /// closed. Line breaks inside it are counted.
    fn quoted(&mut self, number: usize, start: u64) -> Result<String, String> {
        let bytes = self.text.as_bytes();
        self.at += 1;
        let mut field = String::new();
        loop {
            let Some(len) = bytes[self.at..].iter().position(|&b| b == b'"') else {
                self.at = self.text.len();
                return Err(format!(
                    "field {number} opens a quote at line {start} that is never closed"
                ));
            };
            let piece = &self.text[self.at..self.at + len];
            self.line += piece.bytes().filter(|&b| b == b'\n').count() as u64;
            field.push_str(piece);
            self.at += len + 1;
            if self.peek() == Some(b'"') {
                field.push('"');
                self.at += 1;
            } else {
                return Ok(field);
            }
        }
    }

    /// Skips what is left of the line after a malformed field, its line break included.
    fn skip_line(&mut self) {
        match self.text.as_bytes()[self.at..]
            .iter()
            .position(|&b| b == b'\n')
        {
            Some(len) => {
                self.at += len + 1;
                self.line += 1;
            }
            None => self.at = self.text.len(),
        }
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let bytes = self.text.as_bytes();
        // Blank lines between records.
        loop {
            match self.peek()? {
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                }
                b'\r' => {
                    self.at += 1;
                    if self.peek() == Some(b'\n') {
                        self.at += 1;
                        self.line += 1;
                    }
                }
                _ => break,
            }
        }
        let start = self.line;
        let mut fields = Vec::new();
        let error = loop {
            let number = fields.len() + 1;
            let field = if self.peek() == Some(b'"') {
                match self.quoted(number, start) {
                    Ok(field) => field,
                    Err(e) => break Some(e),
                }
            } else {
                let rest = &bytes[self.at..];
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                    .unwrap_or(rest.len());
                let field = self.text[self.at..self.at + len].to_string();
                self.at += len;
                if self.peek() == Some(b'"') {
                    self.skip_line();
                    break Some(format!(
                        "field {number}: a quote inside a field that is not quoted (quote the field and write the quote twice)"
                    ));
                }
                field
            };
            fields.push(field);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'\r') => {
                    self.at += 1;
                    if self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    self.line += 1;
                    break None;
                }
                Some(b'\n') => {
                    self.at += 1;
                    self.line += 1;
                    break None;
                }
                None => break None,
                Some(_) => {
                    // Only a quoted field can be followed by anything else.
                    self.skip_line();
                    break Some(format!(
                        "field {number}: text after its closing quote (a quote inside a quoted field is written twice: \"\")"
                    ));
                }
            }
        };
        Some(Record {
            line: start,
            fields: match error {
                Some(e) => Err(e),
                None => Ok(fields),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader as it was first written, a character at a time: the reference the
    /// faster [`Records`] is held to.
    fn read_records_char_by_char(text: &str) -> Vec<Record> {
        let mut records = Vec::new();
        let mut chars = text.chars().peekable();
        let mut line: u64 = 1;
        while chars.peek().is_some() {
            // Blank lines between records.
            match chars.peek() {
                Some('\n') => {
                    chars.next();
                    line += 1;
                    continue;
                }
                Some('\r') => {
                    chars.next();
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                        line += 1;
                    }
                    continue;
                }
                _ => {}
            }
            let start = line;
            let mut fields = Vec::new();
            let mut error = None;
            'record: loop {
                let mut field = String::new();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    loop {
                        match chars.next() {
                            None => {
                                error = Some(format!(
                                    "field {} opens a quote at line {start} that is never closed",
                                    fields.len() + 1
                                ));
                                break 'record;
                            }
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => {
                                if c == '\n' {
                                    line += 1;
                                }
                                field.push(c);
                            }
                        }
                    }
                    // After the closing quote: a comma, a line end, or the end of the text.
                    match chars.peek() {
                        None | Some('\n') | Some('\r') | Some(',') => {}
                        Some(_) => {
                            error = Some(format!(
                                "field {}: text after its closing quote (a quote inside a quoted field is written twice: \"\")",
                                fields.len() + 1
                            ));
                        }
                    }
                } else {
                    while let Some(&c) = chars.peek() {
                        if matches!(c, ',' | '\n' | '\r') {
                            break;
                        }
                        if c == '"' && error.is_none() {
                            error = Some(format!(
                                "field {}: a quote inside a field that is not quoted (quote the field and write the quote twice)",
                                fields.len() + 1
                            ));
                        }
                        field.push(c);
                        chars.next();
                    }
                }
                if error.is_some() {
                    // Skip what is left of this line.
                    for c in chars.by_ref() {
                        if c == '\n' {
                            line += 1;
                            break;
                        }
                    }
                    break 'record;
                }
                fields.push(field);
                match chars.next() {
                    Some(',') => continue,
                    Some('\r') => {
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                        line += 1;
                        break;
                    }
                    Some('\n') => {
                        line += 1;
                        break;
                    }
                    // Nothing else ends a field (see above).
                    _ => break,
                }
            }
            records.push(Record {
                line: start,
                fields: match error {
                    Some(e) => Err(e),
                    None => Ok(fields),
                },
            });
        }
        records
    }

    #[test]
    fn formula_cells_are_neutralised_and_restored_exactly() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+86 139", "'+86 139"),
            ("-5", "-5"),
            ("-12.50", "-12.50"),
            ("'-5", "''-5"),
            ("-5 ", "'-5 "),
            ("-1e5", "'-1e5"),
            ("-.5", "'-.5"),
            ("-5.", "'-5."),
            ("--5", "'--5"),
            ("-", "'-"),
            ("+5", "'+5"),
            ("-3+cmd|' /C calc'!A0", "'-3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''@", "'''@"),
            ("'s-Hertogenbosch", "'s-Hertogenbosch"),
            ("客户", "客户"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    #[test]
    fn plain_numbers_are_written_as_they_are() {
        for cell in ["-3", "-12.50", "0", "12", "0.5", "-0.00"] {
            assert!(is_plain_number(cell), "{cell:?}");
        }
        for cell in [
            "", "-", "+3", "3.", ".5", "-.5", "1e5", "1,000", "-3 ", " -3", "-٣",
        ] {
            assert!(!is_plain_number(cell), "{cell:?}");
        }
        // Written before the exemption: still read back as the number.
        assert_eq!(restore("'-12.50"), "-12.50");
    }

    proptest::proptest! {
        /// Whatever the cell, reading back what was written gives it again, and what is
        /// written never begins with a formula trigger unless it is a plain number.
        #[test]
        fn neutralise_then_restore_is_the_cell(cell in "['=+@\\-]{0,3}[-0-9.a-z=+@ \t]{0,6}") {
            let written = neutralise(&cell);
            proptest::prop_assert_eq!(restore(&written), cell.as_str());
            let first = written.chars().next();
            proptest::prop_assert!(
                !first.is_some_and(is_trigger) || is_plain_number(&written),
                "{:?} written as {:?}", cell, written
            );
        }

        /// The byte-wise reader reads every text exactly as the reference reader does:
        /// the same records, fields, lines and errors.
        #[test]
        fn records_read_as_the_reference_reads_them(text in "[a,\"\r\n客x]{0,40}") {
            proptest::prop_assert_eq!(read_records(&text), read_records_char_by_char(&text));
        }

        /// Any plain number is written unchanged.
        #[test]
        fn plain_numbers_pass_through(n in proptest::num::i64::ANY, frac in proptest::option::of("[0-9]{1,4}")) {
            let cell = match frac { Some(f) => format!("{n}.{f}"), None => n.to_string() };
            proptest::prop_assert_eq!(neutralise(&cell), cell.as_str());
        }
    }

    #[test]
    fn records_keep_their_lines_and_malformed_ones_are_errors() {
        let text =
            "a,b\r\n\"x\ny\",2\r\n\r\n\"客户2\"x\",3\nok,\"q\"\"q\"\nab\"c,4\n\"open,5\nnext";
        let r = read_records(text);
        assert_eq!(
            r[0],
            Record {
                line: 1,
                fields: Ok(vec!["a".into(), "b".into()])
            }
        );
        assert_eq!(
            r[1],
            Record {
                line: 2,
                fields: Ok(vec!["x\ny".into(), "2".into()])
            }
        );
        assert_eq!(r[2].line, 5);
        assert!(r[2]
            .fields
            .as_ref()
            .is_err_and(|e| e.contains("after its closing quote")));
        assert_eq!(
            r[3],
            Record {
                line: 6,
                fields: Ok(vec!["ok".into(), "q\"q".into()])
            }
        );
        assert_eq!(r[4].line, 7);
        assert!(r[4].fields.is_err());
        assert_eq!(r[5].line, 8);
        assert!(r[5]
            .fields
            .as_ref()
            .is_err_and(|e| e.contains("never closed")));
        assert_eq!(r.len(), 6);
    }

    #[test]
    fn written_records_read_back() {
        let fields = [
            "=1+1",
            "a,b",
            "say \"hi\"",
            "two\r\nlines",
            "",
            "-",
            "'@x",
            "-12.50",
            "'-3",
        ];
        let mut out = String::new();
        write_record(&mut out, fields);
        write_record(&mut out, ["end"]);
        let r = read_records(&out);
        assert_eq!(r.len(), 2);
        let back: Vec<String> = r[0]
            .fields
            .clone()
            .expect("well formed")
            .iter()
            .map(|f| restore(f).into_owned())
            .collect();
        assert_eq!(back, fields);
        assert_eq!(r[1].line, 3);
    }
}
