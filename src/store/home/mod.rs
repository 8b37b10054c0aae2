//! The home screen's work list for today: what needs the user, each line with its
//! reason, most urgent first.
//!
//! The rules, in the order of the list: open tasks past their day; tasks due today;
//! complaints open or in progress whose deadline is within two days or past; open
//! holdings maturing in the next 7 days; clients whose birthday is today (29 February
//! birthdays on 28 February in common years); risk assessments (valid 12 months) that
//! expire within 30 days or expired in the last 30; clients not contacted within their
//! tier's cadence (settings `cadence.*_days`), the longest-waiting first. Within a
//! rule, the earliest date comes first. Each rule is one walk of an index with its count
//! (`rules.rs`), so home costs the same at a million clients as at a hundred.
//!
//! Tasks are the user's own. Client lines are the clients the user owns; a manager's
//! complaint lines cover the branch. An administrator has no work list (`Forbidden`).
use chrono::{Datelike, Months, NaiveDate};

use super::{Actor, Result, Role, Store, StoreError};
use crate::domain::client::Tier;
use crate::domain::task::Priority;

/// Most lines of one kind on the list (the most urgent); the count of each kind is
/// given in full beside them, so a branch's thousands of lines are a number and a page.
pub const KIND_LINES: usize = 50;

/// A kind's count stops here (contact due: its count reads each client row); the
/// screen shows it as "10000+".
pub const COUNT_CAP: usize = 10_000;

/// The work list: the most urgent lines of each kind, and how many there are of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkList {
    /// At most [`KIND_LINES`] lines of each kind, in the order of the list.
    pub items: Vec<WorkItem>,
    /// How many lines each kind has in all (kinds with none are left out), in the order
    /// of the list.
    pub counts: Vec<(WorkKind, usize)>,
}

/// Why a line is on the list, in the order of urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkKind {
    /// An open task past its day.
    OverdueTask,
    /// A task due today.
    TaskToday,
    /// A complaint at or near its deadline.
    Complaint,
    /// A holding maturing within 7 days.
    Maturity,
    /// A client's birthday today.
    Birthday,
    /// A risk assessment expiring (or just expired).
    RiskReview,
    /// A client overdue for contact under the tier's cadence.
    ContactDue,
}

impl WorkKind {
    /// Every kind, in the order of the list.
    pub const ALL: [WorkKind; 7] = [
        WorkKind::OverdueTask,
        WorkKind::TaskToday,
        WorkKind::Complaint,
        WorkKind::Maturity,
        WorkKind::Birthday,
        WorkKind::RiskReview,
        WorkKind::ContactDue,
    ];
}

/// What a line is about (where Enter goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkRef {
    /// A task, on the day it shows.
    Task {
        /// Task id.
        id: i64,
        /// Its due date.
        date: NaiveDate,
    },
    /// A client.
    Client(i64),
    /// A feedback item of a client.
    Feedback {
        /// The client.
        client_id: i64,
        /// The feedback.
        id: i64,
    },
    /// A holding of a client.
    Holding {
        /// The client.
        client_id: i64,
        /// The holding.
        id: i64,
    },
}

/// One line of the work list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    /// The rule that put it here.
    pub kind: WorkKind,
    /// The date the reason is about: due date, deadline, maturity, birthday (today),
    /// assessment expiry, last contact (or, never contacted, when the client was added).
    pub date: NaiveDate,
    /// Task title or client name.
    pub subject: String,
    /// Second text: the task's client, the product maturing, the complaint's words.
    pub detail: Option<String>,
    /// Due time of a task.
    pub time: Option<String>,
    /// Priority of a task.
    pub priority: Option<Priority>,
    /// The client's tier (contact due).
    pub tier: Option<Tier>,
    /// Whether the client was never contacted (contact due).
    pub never_contacted: bool,
    /// The manager who gave the task (a team task), by display name.
    pub given_by: Option<String>,
    /// Where Enter goes.
    pub target: WorkRef,
}

/// Puts lines in the order of the list: by rule, then date, then (tasks) time with
/// untimed last and priority high first, then subject.
pub fn sort_items(items: &mut [WorkItem]) {
    items.sort_by(|a, b| {
        let key = |w: &WorkItem| {
            (
                w.kind,
                w.date,
                w.time.is_none(),
                w.time.clone(),
                std::cmp::Reverse(w.priority),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.subject.cmp(&b.subject))
    });
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok()
}

mod desk;
mod rules;

pub use desk::{new_to_you_sql, to_check_sql, RmOverdue};
pub use rules::{birthday_sql, complaints_sql, contact_sql, risk_sql};

impl Store {
    /// Today's work list of `actor`, most urgent first: at most [`KIND_LINES`] lines
    /// of each kind, with each kind's full count.
    pub fn work_list(&self, actor: &Actor) -> Result<WorkList> {
        self.work(actor, &WorkKind::ALL, KIND_LINES)
    }

    /// The lines of one kind (the list Enter on a kind opens), most urgent first, at
    /// most `limit` of them, with how many there are in all.
    pub fn work_kind(&self, actor: &Actor, kind: WorkKind, limit: usize) -> Result<WorkList> {
        self.work(actor, &[kind], limit)
    }

    fn work(&self, actor: &Actor, kinds: &[WorkKind], limit: usize) -> Result<WorkList> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let mut list = WorkList::default();
        for &kind in kinds {
            let (mut lines, n) = self.rule(actor, today, kind, limit)?;
            if n > 0 {
                list.counts.push((kind, n));
            }
            lines.truncate(limit);
            list.items.append(&mut lines);
        }
        sort_items(&mut list.items);
        Ok(list)
    }
}
/// Whether someone born on `birth` (`YYYY-MM-DD`) has their birthday on `today`; a
/// 29 February birthday is kept on 28 February in common years.
pub fn birthday_on(birth: &str, today: NaiveDate) -> bool {
    let Some(b) = parse_day(birth) else {
        return false;
    };
    if b.month() == today.month() && b.day() == today.day() {
        return true;
    }
    b.month() == 2
        && b.day() == 29
        && today.month() == 2
        && today.day() == 28
        && today.with_day(29).is_none()
}

/// The expiry (assessment + 12 months) of a risk assessment made on `assessed`, when it
/// falls within 30 days of `today` either way.
pub fn risk_expiry_near(assessed: &str, today: NaiveDate) -> Option<NaiveDate> {
    let expiry = parse_day(assessed)?.checked_add_months(Months::new(12))?;
    let days = (expiry - today).num_days();
    (-30..=30).contains(&days).then_some(expiry)
}

fn client_item(
    kind: WorkKind,
    date: NaiveDate,
    name: String,
    detail: Option<String>,
    target: WorkRef,
) -> WorkItem {
    WorkItem {
        kind,
        date,
        subject: name,
        detail,
        time: None,
        priority: None,
        tier: None,
        never_contacted: false,
        given_by: None,
        target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        kind: WorkKind,
        day: u32,
        time: Option<&str>,
        p: Option<Priority>,
        s: &str,
    ) -> WorkItem {
        WorkItem {
            kind,
            date: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
            subject: s.into(),
            detail: None,
            time: time.map(Into::into),
            priority: p,
            tier: None,
            never_contacted: false,
            given_by: None,
            target: WorkRef::Client(1),
        }
    }

    #[test]
    fn birthdays_and_risk_windows() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert!(birthday_on("1980-11-23", d("2026-11-23")));
        assert!(!birthday_on("1980-11-24", d("2026-11-23")));
        assert!(
            birthday_on("2000-02-29", d("2027-02-28")),
            "common year: the 28th"
        );
        assert!(
            !birthday_on("2000-02-29", d("2028-02-28")),
            "leap year: the 29th"
        );
        assert!(birthday_on("2000-02-29", d("2028-02-29")));
        assert!(!birthday_on("not a date", d("2028-02-29")));
        assert_eq!(
            risk_expiry_near("2025-12-23", d("2026-11-23")),
            Some(d("2026-12-23"))
        );
        assert_eq!(
            risk_expiry_near("2025-12-24", d("2026-11-23")),
            None,
            "31 days ahead"
        );
        assert_eq!(
            risk_expiry_near("2025-10-24", d("2026-11-23")),
            Some(d("2026-10-24")),
            "expired 30 days ago"
        );
        assert_eq!(risk_expiry_near("2025-10-23", d("2026-11-23")), None);
        assert_eq!(
            risk_expiry_near("2024-02-29", d("2025-03-01")),
            Some(d("2025-02-28"))
        );
    }

    #[test]
    fn rules_first_then_dates_then_time_and_priority() {
        let mut items = vec![
            item(WorkKind::ContactDue, 1, None, None, "contact"),
            item(
                WorkKind::TaskToday,
                23,
                None,
                Some(Priority::High),
                "today untimed high",
            ),
            item(WorkKind::Birthday, 23, None, None, "birthday"),
            item(
                WorkKind::TaskToday,
                23,
                Some("14:00"),
                Some(Priority::Low),
                "today 14:00",
            ),
            item(WorkKind::OverdueTask, 20, None, None, "overdue 20th"),
            item(
                WorkKind::TaskToday,
                23,
                Some("09:00"),
                Some(Priority::Low),
                "today 09:00",
            ),
            item(WorkKind::OverdueTask, 2, None, None, "overdue 2nd"),
            item(WorkKind::Complaint, 24, None, None, "complaint"),
            item(WorkKind::RiskReview, 30, None, None, "risk"),
            item(WorkKind::Maturity, 25, None, None, "maturity"),
            item(
                WorkKind::TaskToday,
                23,
                None,
                Some(Priority::Low),
                "today untimed low",
            ),
        ];
        sort_items(&mut items);
        let order: Vec<_> = items.iter().map(|i| i.subject.as_str()).collect();
        assert_eq!(
            order,
            vec![
                "overdue 2nd",
                "overdue 20th",
                "today 09:00",
                "today 14:00",
                "today untimed high",
                "today untimed low",
                "complaint",
                "maturity",
                "birthday",
                "risk",
                "contact"
            ]
        );
    }
}
