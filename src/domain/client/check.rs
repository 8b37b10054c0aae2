//! The checks of one client's fields while it is validated ([`super::ClientInput::validate`]):
//! every problem is collected, not only the first.
use std::str::FromStr;

use chrono::NaiveDate;

use super::codes::parse_date;
use super::input::FieldError;

/// The trimmed text, or `None` when it is empty.
fn nonempty(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// The errors found so far while validating one client.
pub(super) struct Check {
    pub(super) errors: Vec<FieldError>,
    pub(super) today: NaiveDate,
}

impl Check {
    /// Records a problem.
    pub(super) fn fail(&mut self, field: &'static str, key: &'static str, what: &str) {
        self.errors.push(FieldError::new(field, key, what));
    }

    /// A free-text field: trimmed, `None` when empty, at most `max` characters, no
    /// control characters (line breaks and tabs allowed when `multiline`). Control
    /// characters are refused because they could move the cursor or change colours on
    /// the terminal that shows them.
    pub(super) fn text(
        &mut self,
        field: &'static str,
        raw: &str,
        max: usize,
        multiline: bool,
    ) -> Option<String> {
        // NFC, without direction controls or invisible characters (domain::text).
        let cleaned = crate::domain::text::clean_free_text(raw);
        let t = nonempty(&cleaned)?;
        let mut ok = true;
        if t.chars().count() > max {
            self.fail(
                field,
                "err.too_long",
                &format!("longer than {max} characters"),
            );
            ok = false;
        }
        if t.chars()
            .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            let what = if multiline {
                "control character"
            } else {
                "line break or control character"
            };
            self.fail(field, "err.control_chars", what);
            ok = false;
        }
        ok.then(|| t.to_string())
    }

    /// A code; `required` when it may not be left empty. An unknown code is reported
    /// with `key` and `what`.
    pub(super) fn code<T: FromStr>(
        &mut self,
        field: &'static str,
        raw: &str,
        required: bool,
        (key, what): (&'static str, &str),
    ) -> Option<T> {
        let Some(t) = nonempty(raw) else {
            if required {
                self.fail(field, "err.required", "empty");
            }
            return None;
        };
        let parsed = t.parse().ok();
        if parsed.is_none() {
            self.fail(field, key, what);
        }
        parsed
    }

    /// An optional `YYYY-MM-DD` date that may not lie after today.
    pub(super) fn date(&mut self, field: &'static str, raw: &str) -> Option<NaiveDate> {
        let t = nonempty(raw)?;
        match parse_date(t) {
            None => self.fail(field, "err.date", "not a date"),
            Some(d) if d > self.today => self.fail(field, "err.date.future", "in the future"),
            Some(d) => return Some(d),
        }
        None
    }

    /// An optional field checked by `check`; `reason` gives the key and the short reason
    /// of its error.
    pub(super) fn parse<T, E>(
        &mut self,
        field: &'static str,
        raw: &str,
        check: impl FnOnce(&str) -> Result<T, E>,
        reason: impl FnOnce(E) -> (&'static str, &'static str),
    ) -> Option<T> {
        match check(nonempty(raw)?) {
            Ok(v) => Some(v),
            Err(e) => {
                let (key, what) = reason(e);
                self.fail(field, key, what);
                None
            }
        }
    }

    /// A field that a resident ID also tells: taken from the ID when left empty, an
    /// error (`key`) when given and different.
    pub(super) fn agree<T: PartialEq>(
        &mut self,
        field: &'static str,
        given: Option<T>,
        raw: &str,
        from_id: T,
        key: &'static str,
    ) -> Option<T> {
        match given {
            None if raw.trim().is_empty() => Some(from_id),
            Some(g) if g != from_id => {
                self.fail(field, key, "does not match the ID number");
                Some(g)
            }
            other => other,
        }
    }
}
