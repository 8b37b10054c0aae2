//! The home screen's work list for today: what needs the user, each line with its
//! reason, most urgent first.
//!
//! The rules, in the order of the list: open tasks past their day; tasks due today;
//! complaints open or in progress whose deadline is within two days or past; open
//! holdings maturing in the next 7 days; clients whose birthday is today (29 February
//! birthdays on 28 February in common years); risk assessments (valid 12 months) that
//! expire within 30 days or expired in the last 30; clients not contacted within their
//! tier's cadence (settings `cadence.*_days`), the longest-waiting first, at most
//! [`CONTACT_LIMIT`] of them. Within a rule, the earliest date comes first.
//!
//! Tasks are the user's own. Client lines are the clients the user owns; a manager's
//! complaint lines cover the branch. An administrator has no work list (`Forbidden`).
use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::params;

use super::{ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::Tier;
use crate::domain::task::Priority;

/// Most contact-due clients on the list (the longest-waiting).
pub const CONTACT_LIMIT: usize = 50;

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

fn local_day(zone: super::Zone, instant: &str) -> Option<NaiveDate> {
    super::parse_ts(instant).map(|t| zone.date(t))
}

impl Store {
    /// Today's work list of `actor`, most urgent first.
    pub fn work_list(&self, actor: &Actor) -> Result<Vec<WorkItem>> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let mut items = Vec::new();
        self.work_tasks(actor, today, &mut items)?;
        self.work_complaints(actor, today, &mut items)?;
        self.work_maturities(actor, today, &mut items)?;
        self.work_clients(actor, today, &mut items)?;
        sort_items(&mut items);
        Ok(items)
    }

    fn work_tasks(&self, actor: &Actor, today: NaiveDate, out: &mut Vec<WorkItem>) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.id, t.title, t.due_date, t.due_time, t.priority, c.name
             FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date <= ?2",
        )?;
        let rows = stmt.query_map(params![actor.user_id, today.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for row in rows {
            let (id, title, due, time, priority, client) = row?;
            let Some(date) = parse_day(&due) else {
                continue;
            };
            out.push(WorkItem {
                kind: if date < today {
                    WorkKind::OverdueTask
                } else {
                    WorkKind::TaskToday
                },
                date,
                subject: title,
                detail: client,
                time,
                priority: priority.parse().ok(),
                tier: None,
                never_contacted: false,
                target: WorkRef::Task { id, date },
            });
        }
        Ok(())
    }

    fn work_complaints(
        &self,
        actor: &Actor,
        today: NaiveDate,
        out: &mut Vec<WorkItem>,
    ) -> Result<()> {
        let soon = today.checked_add_days(Days::new(2)).unwrap_or(today);
        let (scope_sql, scope_arg) = match actor.role {
            Role::Manager => ("c.branch_id = ?2", actor.branch_id.unwrap_or(-1)),
            _ => ("c.owner_id = ?2", actor.user_id),
        };
        let sql = format!(
            "SELECT f.id, f.client_id, c.name, f.description, f.deadline
             FROM feedback f JOIN clients c ON c.id = f.client_id
             WHERE f.kind = 'complaint' AND f.status IN ('open', 'in_progress')
               AND f.deadline <= ?1 AND {scope_sql}"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![soon.to_string(), scope_arg], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, client_id, name, description, deadline) = row?;
            let Some(date) = parse_day(&deadline) else {
                continue;
            };
            out.push(client_item(
                WorkKind::Complaint,
                date,
                name,
                Some(description),
                WorkRef::Feedback { client_id, id },
            ));
        }
        Ok(())
    }

    fn work_maturities(
        &self,
        actor: &Actor,
        today: NaiveDate,
        out: &mut Vec<WorkItem>,
    ) -> Result<()> {
        let end = today.checked_add_days(Days::new(7)).unwrap_or(today);
        // Holdings first (the partial maturity index), so the cost follows the maturities
        // of the week, not the number of clients.
        let mut stmt = self.conn().prepare_cached(
            "SELECT h.id, h.client_id, c.name, p.name, h.maturity_date
             FROM holdings h CROSS JOIN clients c ON c.id = h.client_id JOIN products p ON p.id = h.product_id
             WHERE h.status = 'open' AND h.maturity_date BETWEEN ?1 AND ?2 AND c.owner_id = ?3",
        )?;
        let rows = stmt.query_map(
            params![today.to_string(), end.to_string(), actor.user_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )?;
        for row in rows {
            let (id, client_id, name, product, maturity) = row?;
            let Some(date) = parse_day(&maturity) else {
                continue;
            };
            out.push(client_item(
                WorkKind::Maturity,
                date,
                name,
                Some(product),
                WorkRef::Holding { client_id, id },
            ));
        }
        Ok(())
    }

    /// Birthdays, risk assessments and contact cadence in one pass over the user's
    /// clients (each rule alone would read every client row again).
    fn work_clients(&self, actor: &Actor, today: NaiveDate, out: &mut Vec<WorkItem>) -> Result<()> {
        let cutoff = |key: &str, default: u64| -> Result<String> {
            let days = u64::try_from(self.setting_i64(key)?).unwrap_or(default);
            Ok(ts(self.zone().day_start(
                today.checked_sub_days(Days::new(days)).unwrap_or(today),
            )))
        };
        let cutoffs = [
            cutoff("cadence.core_days", 30)?,
            cutoff("cadence.key_days", 90)?,
            cutoff("cadence.general_days", 180)?,
        ];
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.name, c.kind, c.birth_date, c.risk_assessed_on,
                    coalesce(c.tier_override, c.tier), c.last_contact_at, c.created_at
             FROM clients c WHERE c.owner_id = ?1 AND c.status <> 'closed'",
        )?;
        let mut rows = stmt.query([actor.user_id])?;
        // Cheap text comparisons first; dates are parsed only for the rows that match.
        let birthday = today.format("-%m-%d").to_string();
        let window = |d: Option<NaiveDate>| {
            d.and_then(|d| d.checked_sub_months(Months::new(12)))
                .map(|d| d.to_string())
                .unwrap_or_default()
        };
        let risk_from = window(today.checked_sub_days(Days::new(30)));
        let risk_to = window(today.checked_add_days(Days::new(30)));
        let mut due: Vec<(String, i64, String, Tier, bool)> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            let kind: String = r.get(2)?;
            let birth: Option<String> = r.get(3)?;
            let assessed: Option<String> = r.get(4)?;
            let tier: Tier = r.get::<_, String>(5)?.parse().unwrap_or(Tier::General);
            let last: Option<String> = r.get(6)?;
            let created: String = r.get(7)?;
            if kind == "individual"
                && birth.as_deref().is_some_and(|b| {
                    b.get(4..) == Some(birthday.as_str())
                        || (b.ends_with("-02-29") && birthday_on(b, today))
                })
            {
                out.push(client_item(
                    WorkKind::Birthday,
                    today,
                    name.clone(),
                    None,
                    WorkRef::Client(id),
                ));
            }
            if let Some(a) = assessed
                .as_deref()
                .filter(|a| (risk_from.as_str()..=risk_to.as_str()).contains(a))
            {
                if let Some(expiry) = risk_expiry_near(a, today) {
                    out.push(client_item(
                        WorkKind::RiskReview,
                        expiry,
                        name.clone(),
                        None,
                        WorkRef::Client(id),
                    ));
                }
            }
            let limit = match tier {
                Tier::Core => &cutoffs[0],
                Tier::Key => &cutoffs[1],
                Tier::General => &cutoffs[2],
            };
            let never = last.is_none();
            let since = last.unwrap_or(created);
            if since.as_str() < limit.as_str() {
                due.push((since, id, name, tier, never));
            }
        }
        due.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        for (since, id, name, tier, never) in due.into_iter().take(CONTACT_LIMIT) {
            let Some(date) = local_day(self.zone(), &since) else {
                continue;
            };
            let mut item = client_item(WorkKind::ContactDue, date, name, None, WorkRef::Client(id));
            item.tier = Some(tier);
            item.never_contacted = never;
            out.push(item);
        }
        Ok(())
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
