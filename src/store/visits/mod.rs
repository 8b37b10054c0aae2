//! Visits (call reports) and feedback, scoped through their client: whoever may not see
//! the client gets "not found" for its visits and feedback too.
//!
//! A visit with a next-step date creates the follow-up task in the same transaction, so
//! both land or neither does; the task points at its visit (`tasks.visit_id`).
//!
//! `write` records and changes visits and return calls, `read` shows one visit and a
//! client's log, `search` lists them (with the full-text index of their words).

mod read;
mod search;
mod write;

pub(crate) use search::{index_visit, rebuild_visit_text};
pub use search::{visit_key, visit_list_sql};

use chrono::NaiveDate;

/// A visit as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Row id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// The RM who recorded it.
    pub rm_id: i64,
    /// When (ISO-8601 instant).
    pub visited_at: String,
    /// Channel code.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Summary.
    pub summary: String,
    /// Next step.
    pub next_step: Option<String>,
    /// The follow-up task, if one was made.
    pub task_id: Option<i64>,
    /// When a manager's return call checked it.
    pub return_checked_at: Option<String>,
}

/// What recording a visit made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The visit.
    pub visit_id: i64,
    /// Its follow-up task, when the visit had a next-step date.
    pub task_id: Option<i64>,
}

/// A row of the visit list (F4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// Row id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// The client's number.
    pub client_no: String,
    /// The client's name.
    pub client_name: String,
    /// Username of the RM who recorded it.
    pub rm: String,
    /// When (ISO-8601 instant).
    pub visited_at: String,
    /// Channel code.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Due date of the follow-up task, if one was made.
    pub follow_up: Option<String>,
    /// Outcome of the manager's return call, once checked.
    pub return_outcome: Option<String>,
}

/// Which visits the list shows. Dates are local days, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitFilter {
    /// From this day.
    pub from: Option<NaiveDate>,
    /// Up to this day.
    pub to: Option<NaiveDate>,
    /// Only this channel.
    pub channel: Option<String>,
    /// Only this client's.
    pub client_id: Option<i64>,
    /// Only this RM's (managers; an RM always sees their own).
    pub rm_id: Option<i64>,
    /// Only visits whose purpose, summary or outcome contain this text.
    pub text: String,
    /// Only visits no return call has checked yet.
    pub unchecked_only: bool,
}

/// Everything about one visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitDetail {
    /// The list's columns.
    pub row: VisitRow,
    /// The RM who recorded it.
    pub rm_id: i64,
    /// Summary (several lines).
    pub summary: String,
    /// Outcome.
    pub outcome: Option<String>,
    /// Next step.
    pub next_step: Option<String>,
    /// Date of the next step (`YYYY-MM-DD`).
    pub next_step_on: Option<String>,
    /// The follow-up task: due date and status.
    pub task: Option<(i64, String, String)>,
    /// The return call: when, by whom, the note.
    pub return_call: Option<(String, String, String)>,
    /// Products discussed: code and name.
    pub products: Vec<(String, String)>,
}
