//! Tasks of the calendar (工作计划): their coded values, the checks of a task as typed,
//! and recurrence.
//!
//! A recurring task is one row per occurrence that was acted on: the open row is the
//! series' next pending occurrence, and completing it writes the following one. The
//! series' rule is its [`Recurrence`] and its anchor date (the first due date). Monthly
//! and yearly series count from the anchor, so a series started on the 31st falls back
//! to the last day of shorter months and comes back to the 31st after them, and a yearly
//! series of 29 February falls on the 28th in common years.
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};

use super::client::FieldError;

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident, $field:literal, $key:literal, { $($(#[$vm:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $variant),+
        }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }
        }

        impl FromStr for $name {
            type Err = FieldError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let s = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or_else(|| FieldError::new($field, $key, "not a known value"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded!(
    /// How often a task comes back.
    Recurrence, "recurrence", "err.task.recurrence", {
        /// Once.
        None => "none",
        /// Every day.
        Daily => "daily",
        /// Every week on the same weekday.
        Weekly => "weekly",
        /// Every month on the anchor's day (the month's last day when it is shorter).
        Monthly => "monthly",
        /// Every year on the anchor's month and day (28 February for 29 February in
        /// common years).
        Yearly => "yearly",
    }
);

coded!(
    /// How urgent a task is.
    Priority, "priority", "err.task.priority", {
        /// Low.
        Low => "low",
        /// Normal.
        Normal => "normal",
        /// High.
        High => "high",
    }
);

coded!(
    /// Where a task stands.
    TaskStatus, "status", "err.task.status", {
        /// To do.
        Open => "open",
        /// Done.
        Done => "done",
        /// Dropped.
        Cancelled => "cancelled",
    }
);

coded!(
    /// What made the task.
    TaskSource, "source", "err.task.source", {
        /// Typed in by the user.
        Manual => "manual",
        /// The next step of a visit.
        Visit => "visit",
        /// A product maturity.
        Maturity => "maturity",
        /// A client's birthday.
        Birthday => "birthday",
        /// A risk assessment to renew.
        RiskReview => "risk_review",
    }
);

/// The `k`-th occurrence (0 = the anchor itself) of a series anchored on `anchor`;
/// `None` for a one-off task past its only date, or beyond the calendar's range.
pub fn nth_occurrence(rule: Recurrence, anchor: NaiveDate, k: u32) -> Option<NaiveDate> {
    match rule {
        Recurrence::None => (k == 0).then_some(anchor),
        Recurrence::Daily => anchor.checked_add_days(Days::new(u64::from(k))),
        Recurrence::Weekly => anchor.checked_add_days(Days::new(u64::from(k) * 7)),
        // chrono clamps to the month's last day, counted from the anchor every time, so
        // the 31st survives February.
        Recurrence::Monthly => anchor.checked_add_months(Months::new(k)),
        Recurrence::Yearly => anchor.checked_add_months(Months::new(k.checked_mul(12)?)),
    }
}

/// Index of the first occurrence on or after `date` (an estimate corrected by stepping,
/// so the walk from it is short whatever the distance from the anchor).
fn first_index_from(rule: Recurrence, anchor: NaiveDate, date: NaiveDate) -> u32 {
    if date <= anchor {
        return 0;
    }
    let days = (date - anchor).num_days();
    let months = (date.year() - anchor.year()) * 12 + date.month0() as i32 - anchor.month0() as i32;
    let guess = match rule {
        Recurrence::None => return 1,
        Recurrence::Daily => days,
        Recurrence::Weekly => days / 7,
        Recurrence::Monthly => i64::from(months) - 1,
        Recurrence::Yearly => i64::from(date.year() - anchor.year()) - 1,
    };
    let mut k = u32::try_from(guess.max(0)).unwrap_or(u32::MAX);
    while let Some(d) = nth_occurrence(rule, anchor, k) {
        if d >= date {
            break;
        }
        k = k.saturating_add(1);
        if k == u32::MAX {
            break;
        }
    }
    k
}

/// The occurrence that follows `due` in the series (the date the next open task gets
/// when the one due on `due` is completed); `None` for a one-off task.
pub fn next_occurrence(rule: Recurrence, anchor: NaiveDate, due: NaiveDate) -> Option<NaiveDate> {
    if rule == Recurrence::None {
        return None;
    }
    let after = due.succ_opt()?;
    let k = first_index_from(rule, anchor, after);
    nth_occurrence(rule, anchor, k)
}

/// Every occurrence of the series from `pending` (its open occurrence) on, between
/// `from` and `to` inclusive, in order. A one-off task occurs on `pending` only.
pub fn occurrences(
    rule: Recurrence,
    anchor: NaiveDate,
    pending: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if rule == Recurrence::None {
        if (from..=to).contains(&pending) {
            out.push(pending);
        }
        return out;
    }
    // The pending date itself always counts (it may sit off the rule when the user moved
    // it); the rule's dates follow it.
    let start = from.max(pending);
    if (from..=to).contains(&pending) {
        out.push(pending);
    }
    let mut k = first_index_from(rule, anchor, start);
    while let Some(d) = nth_occurrence(rule, anchor, k) {
        if d > to {
            break;
        }
        if d > pending && d >= from {
            out.push(d);
        }
        k = match k.checked_add(1) {
            Some(k) => k,
            None => break,
        };
    }
    out
}

/// A task as typed in the form: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskInput {
    /// Title (required).
    pub title: String,
    /// Notes (optional, several lines).
    pub notes: String,
    /// Due date `YYYY-MM-DD` (required).
    pub due_date: String,
    /// Due time `HH:MM` (optional).
    pub due_time: String,
    /// Priority code.
    pub priority: String,
    /// Recurrence code.
    pub recurrence: String,
    /// Status code (empty: open).
    pub status: String,
    /// Client number of the client the task is about (optional).
    pub client_no: String,
}

/// A task that passed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTask {
    /// Title, trimmed.
    pub title: String,
    /// Notes, trimmed; `None` when empty.
    pub notes: Option<String>,
    /// Due date.
    pub due_date: NaiveDate,
    /// Due time, `HH:MM`.
    pub due_time: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Recurrence.
    pub recurrence: Recurrence,
    /// Status.
    pub status: TaskStatus,
    /// Client number, trimmed; `None` when empty.
    pub client_no: Option<String>,
}

/// Longest title accepted (characters).
pub const TITLE_MAX: usize = 200;

impl TaskInput {
    /// Checks every field; all errors at once, each at its field.
    pub fn validate(&self) -> Result<ValidTask, Vec<FieldError>> {
        let mut errors = Vec::new();
        // Free text: NFC, without direction controls or invisible characters.
        let title = super::text::clean_free_text(self.title.trim())
            .trim()
            .to_string();
        if title.is_empty() {
            errors.push(FieldError::new("title", "err.required", "empty"));
        } else if title.chars().count() > TITLE_MAX {
            errors.push(FieldError::new("title", "err.task.title_long", "too long"));
        }
        let due_date = match NaiveDate::parse_from_str(self.due_date.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let key = if self.due_date.trim().is_empty() {
                    "err.required"
                } else {
                    "err.date"
                };
                errors.push(FieldError::new("due_date", key, "not a date"));
                None
            }
        };
        let t = self.due_time.trim();
        let due_time = if t.is_empty() {
            None
        } else {
            match NaiveTime::parse_from_str(t, "%H:%M") {
                Ok(time) => Some(time.format("%H:%M").to_string()),
                Err(_) => {
                    errors.push(FieldError::new("due_time", "err.task.time", "not HH:MM"));
                    None
                }
            }
        };
        let or_default = |s: &str, d: &str| {
            if s.trim().is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        let priority = or_default(&self.priority, "normal").parse::<Priority>();
        let recurrence = or_default(&self.recurrence, "none").parse::<Recurrence>();
        let status = or_default(&self.status, "open").parse::<TaskStatus>();
        if let Err(e) = &priority {
            errors.push(e.clone());
        }
        if let Err(e) = &recurrence {
            errors.push(e.clone());
        }
        if let Err(e) = &status {
            errors.push(e.clone());
        }
        let notes = Some(
            super::text::clean_free_text(self.notes.trim())
                .trim()
                .to_string(),
        )
        .filter(|n| !n.is_empty());
        let client_no = Some(self.client_no.trim().to_string()).filter(|n| !n.is_empty());
        match (due_date, priority, recurrence, status) {
            (Some(due_date), Ok(priority), Ok(recurrence), Ok(status)) if errors.is_empty() => {
                Ok(ValidTask {
                    title,
                    notes,
                    due_date,
                    due_time,
                    priority,
                    recurrence,
                    status,
                    client_no,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The Monday of the week of `day` (weeks start on Monday, as in China).
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
        .unwrap_or(day)
}

/// The first day of the month of `day`.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The last day of the month of `day`.
pub fn month_end(day: NaiveDate) -> NaiveDate {
    month_start(day)
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

#[cfg(test)]
#[path = "task_tests.rs"]
mod tests;
