//! Each rule of the work list as one walk of the index that narrows it, with its count
//! taken from the same index, so the cost follows the lines of the day, not the number
//! of clients: tasks by owner, status and day (`tasks_owner_due`); complaints by branch
//! and deadline (`feedback_branch_pending`); maturities by day (`holdings_maturity`);
//! birthdays by owner and month-day (`clients_owner_birthday`); risk assessments by
//! owner and date (`clients_owner_risk_on`); contact due by owner, tier and last contact
//! (`clients_owner_cadence`), one walk per tier merged longest-waiting first.
use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::params;
use rusqlite::types::Value;

use super::{
    birthday_on, client_item, parse_day, risk_expiry_near, WorkItem, WorkKind, WorkRef, COUNT_CAP,
};
use crate::domain::client::Tier;
use crate::store::{ts, Actor, Result, Role, Store};

/// A client rule's row: client id, name, and the date column the rule reads.
type ClientRow = (i64, String, String);

fn lim(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Store {
    /// The first `limit` lines of rule `kind` for `actor` and how many there are.
    pub(super) fn rule(
        &self,
        actor: &Actor,
        today: NaiveDate,
        kind: WorkKind,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        match kind {
            WorkKind::OverdueTask | WorkKind::TaskToday => {
                self.rule_tasks(actor, today, kind, limit)
            }
            WorkKind::Complaint => self.rule_complaints(actor, today, limit),
            WorkKind::Maturity => self.rule_maturities(actor, today, limit),
            WorkKind::Birthday => self.rule_birthdays(actor, today, limit),
            WorkKind::RiskReview => self.rule_risk(actor, today, limit),
            WorkKind::ContactDue => self.rule_contact(actor, today, limit),
        }
    }

    /// The lines of a rule whose query reads (id, client id, client name, detail, date):
    /// one line of `kind` each, Enter going to `target(client id, id)`.
    fn client_lines(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
        kind: WorkKind,
        target: fn(i64, i64) -> WorkRef,
    ) -> Result<Vec<WorkItem>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, client_id, name, detail, day) = row?;
            let Some(date) = parse_day(&day) else {
                continue;
            };
            out.push(client_item(
                kind,
                date,
                name,
                Some(detail),
                target(client_id, id),
            ));
        }
        Ok(out)
    }

    fn rule_tasks(
        &self,
        actor: &Actor,
        today: NaiveDate,
        kind: WorkKind,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        // Overdue: due before today, the longest overdue first; today: by time, untimed
        // last, high priority first (`sort_items` orders what is read).
        let (range, order) = if kind == WorkKind::OverdueTask {
            ("t.due_date < ?2", "t.due_date, t.id")
        } else {
            (
                "t.due_date = ?2",
                "t.due_time IS NULL, t.due_time, CASE t.priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, t.id",
            )
        };
        let where_ = format!("t.owner_id = ?1 AND t.status = 'open' AND {range}");
        let day = today.to_string();
        let n: i64 = self
            .conn()
            .prepare_cached(&format!("SELECT count(*) FROM tasks t WHERE {where_}"))?
            .query_row(params![actor.user_id, day], |r| r.get(0))?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT t.id, t.title, t.due_date, t.due_time, t.priority, c.name,
                    (SELECT g.display_name FROM users g WHERE g.id = t.assigned_by)
             FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE {where_} ORDER BY {order} LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![actor.user_id, day, lim(limit)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, due, time, priority, client, given_by) = row?;
            let Some(date) = parse_day(&due) else {
                continue;
            };
            out.push(WorkItem {
                kind,
                date,
                subject: title,
                detail: client,
                time,
                priority: priority.parse().ok(),
                tier: None,
                never_contacted: false,
                given_by,
                target: WorkRef::Task { id, date },
            });
        }
        Ok((out, count(n)))
    }

    /// The complaints at or past their deadline, nearest their deadline (longest
    /// overdue first), from the branch's pending feedback by deadline.
    fn rule_complaints(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let soon = today.checked_add_days(Days::new(2)).unwrap_or(today);
        let (sql, count_sql) = complaints_sql(actor);
        let branch = actor.branch_id.unwrap_or(-1);
        let total: i64 = self
            .conn()
            .prepare_cached(&count_sql)?
            .query_row(params![soon.to_string(), branch, actor.user_id], |r| {
                r.get(0)
            })?;
        let out = self.client_lines(
            &sql,
            params![soon.to_string(), branch, actor.user_id, lim(limit)],
            WorkKind::Complaint,
            |client_id, id| WorkRef::Feedback { client_id, id },
        )?;
        Ok((out, count(total)))
    }

    fn rule_maturities(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let end = today.checked_add_days(Days::new(7)).unwrap_or(today);
        // Holdings first (the partial maturity index), so the cost follows the maturities
        // of the week, not the number of clients.
        let from = "FROM holdings h CROSS JOIN clients c ON c.id = h.client_id JOIN products p ON p.id = h.product_id
             WHERE h.status = 'open' AND h.maturity_date BETWEEN ?1 AND ?2 AND c.owner_id = ?3";
        let args = params![today.to_string(), end.to_string(), actor.user_id];
        let n: i64 = self
            .conn()
            .prepare_cached(&format!("SELECT count(*) {from}"))?
            .query_row(args, |r| r.get(0))?;
        let out = self.client_lines(
            &format!(
                "SELECT h.id, h.client_id, c.name, p.name, h.maturity_date {from}
                 ORDER BY h.maturity_date, h.id LIMIT ?4"
            ),
            params![
                today.to_string(),
                end.to_string(),
                actor.user_id,
                lim(limit)
            ],
            WorkKind::Maturity,
            |client_id, id| WorkRef::Holding { client_id, id },
        )?;
        Ok((out, count(n)))
    }

    /// The count and rows of a client rule built by [`birthday_sql`] or [`risk_sql`]: the
    /// count takes the first three arguments, the rows (client id, name, the date
    /// column) all of them.
    fn owner_client_rows(
        &self,
        (sql, count_sql, args): (String, String, Vec<Value>),
    ) -> Result<(i64, Vec<ClientRow>)> {
        let n: i64 = self
            .conn()
            .prepare_cached(&count_sql)?
            .query_row(rusqlite::params_from_iter(&args[..3]), |r| r.get(0))?;
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(&args), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((n, rows))
    }

    /// A client rule built by [`birthday_sql`] or [`risk_sql`]: a line of `kind` for
    /// each row whose date column `due` makes the line's date of, and how many rows
    /// there are.
    fn owner_client_rule(
        &self,
        query: (String, String, Vec<Value>),
        kind: WorkKind,
        due: impl Fn(&str) -> Option<NaiveDate>,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let (n, rows) = self.owner_client_rows(query)?;
        let mut out = Vec::new();
        for (id, name, date) in rows {
            if let Some(date) = due(&date) {
                out.push(client_item(kind, date, name, None, WorkRef::Client(id)));
            }
        }
        Ok((out, count(n)))
    }

    fn rule_birthdays(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let query = birthday_sql(actor.user_id, today, limit);
        // 29 February is kept on the 28th only in a common year.
        self.owner_client_rule(query, WorkKind::Birthday, |birth| {
            birthday_on(birth, today).then_some(today)
        })
    }

    fn rule_risk(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let query = risk_sql(actor.user_id, today, limit);
        self.owner_client_rule(query, WorkKind::RiskReview, |assessed| {
            risk_expiry_near(assessed, today)
        })
    }

    fn rule_contact(
        &self,
        actor: &Actor,
        today: NaiveDate,
        limit: usize,
    ) -> Result<(Vec<WorkItem>, usize)> {
        let zone = self.zone();
        let (sql, count_sql) = contact_sql();
        let mut due: Vec<(String, i64, String, Tier, bool)> = Vec::new();
        let mut total = 0usize;
        for (tier, key, default) in [
            (Tier::Core, "cadence.core_days", 30),
            (Tier::Key, "cadence.key_days", 90),
            (Tier::General, "cadence.general_days", 180),
        ] {
            let days = u64::try_from(self.setting_i64(key)?).unwrap_or(default);
            let cutoff =
                ts(zone.day_start(today.checked_sub_days(Days::new(days)).unwrap_or(today)));
            let code = tier.code().to_string();
            let n: i64 = self
                .conn()
                .prepare_cached(count_sql)?
                .query_row(params![actor.user_id, code, cutoff, lim(COUNT_CAP)], |r| {
                    r.get(0)
                })?;
            total = (total + count(n)).min(COUNT_CAP);
            let mut stmt = self.conn().prepare_cached(sql)?;
            let rows = stmt.query_map(params![actor.user_id, code, cutoff, lim(limit)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })?;
            for row in rows {
                let (since, id, name, never) = row?;
                due.push((since, id, name, tier, never));
            }
        }
        due.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut out = Vec::new();
        for (since, id, name, tier, never) in due.into_iter().take(limit) {
            let Some(date) = crate::store::parse_ts(&since).map(|t| zone.date(t)) else {
                continue;
            };
            let mut item = client_item(WorkKind::ContactDue, date, name, None, WorkRef::Client(id));
            item.tier = Some(tier);
            item.never_contacted = never;
            out.push(item);
        }
        Ok((out, total))
    }
}

/// The home list's complaint lines and their count (parameters: the last deadline, the
/// branch, the user): a walk of the branch's pending feedback by deadline
/// (`feedback_branch_pending`) for a manager; an RM walks their own pending complaints
/// (`complaints_pending_owner`).
pub fn complaints_sql(actor: &Actor) -> (String, String) {
    if actor.role != Role::Manager {
        // An RM's own, by deadline (`complaints_pending_owner`, migration 13): the count
        // reads the index alone, the lines one feedback and one client row each.
        return (
            "SELECT f.id, f.client_id, c.name, f.description, f.deadline
             FROM complaints_pending p CROSS JOIN feedback f ON f.id = p.feedback_id
             CROSS JOIN clients c ON c.id = p.client_id
             WHERE p.owner_id = ?3 AND p.deadline <= ?1 AND f.branch_id = ?2
             ORDER BY p.deadline, p.feedback_id LIMIT ?4"
                .to_string(),
            "SELECT count(*) FROM complaints_pending p
             WHERE p.owner_id = ?3 AND p.deadline <= ?1 AND ?2 = ?2"
                .to_string(),
        );
    }
    let from = "FROM feedback f CROSS JOIN clients c ON c.id = f.client_id
         WHERE f.branch_id = ?2 AND f.status IN ('open', 'in_progress') AND f.deadline <= ?1
           AND f.kind = 'complaint' AND ?3 = ?3";
    (
        format!(
            "SELECT f.id, f.client_id, c.name, f.description, f.deadline {from}
             ORDER BY f.deadline, f.id LIMIT ?4"
        ),
        // Counted on the index alone: the branch, deadline and kind are its columns.
        "SELECT count(*) FROM feedback f
         WHERE f.branch_id = ?2 AND f.status IN ('open', 'in_progress') AND f.deadline <= ?1
           AND f.kind = 'complaint' AND ?3 = ?3"
            .to_string(),
    )
}

/// Birthday lines, their count and the arguments (owner, two month-days, limit): a
/// walk of `clients_owner_birthday` at today's month-day (and, on 28 February of a
/// common year, the 29th's).
pub fn birthday_sql(owner: i64, today: NaiveDate, limit: usize) -> (String, String, Vec<Value>) {
    let md = today.format("%m-%d").to_string();
    let leap_kept = today.month() == 2 && today.day() == 28 && today.with_day(29).is_none();
    let feb29 = if leap_kept { "02-29" } else { "" };
    let from = "FROM clients c
         WHERE c.owner_id = ?1 AND substr(c.birth_date, 6, 5) IN (?2, ?3)
           AND c.kind = 'individual' AND c.status <> 'closed'";
    (
        format!("SELECT c.id, c.name, c.birth_date {from} ORDER BY c.name, c.id LIMIT ?4"),
        format!("SELECT count(*) {from}"),
        vec![
            Value::Integer(owner),
            Value::Text(md),
            Value::Text(feb29.to_string()),
            Value::Integer(lim(limit)),
        ],
    )
}

/// Risk-review lines (assessed 12 months before a day within 30 days of today either
/// way), their count and the arguments (owner, first and last assessment day, limit): a
/// walk of `clients_owner_risk_on`, the soonest expiry first.
pub fn risk_sql(owner: i64, today: NaiveDate, limit: usize) -> (String, String, Vec<Value>) {
    let window = |d: Option<NaiveDate>| {
        d.and_then(|d| d.checked_sub_months(Months::new(12)))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let from = "FROM clients c
         WHERE c.owner_id = ?1 AND c.risk_assessed_on BETWEEN ?2 AND ?3 AND c.status <> 'closed'";
    (
        format!(
            "SELECT c.id, c.name, c.risk_assessed_on {from} ORDER BY c.risk_assessed_on, c.id LIMIT ?4"
        ),
        format!("SELECT count(*) {from}"),
        vec![
            Value::Integer(owner),
            Value::Text(window(today.checked_sub_days(Days::new(30)))),
            Value::Text(window(today.checked_add_days(Days::new(30)))),
            Value::Integer(lim(limit)),
        ],
    )
}

/// Contact-due lines of one tier and their count (parameters: owner, tier, the instant
/// before which a last contact is too old, limit): a walk of `clients_owner_cadence`,
/// the longest-waiting first; a client never contacted counts from when it was added.
/// The count stops at [`COUNT_CAP`](super::COUNT_CAP): SQLite reads each row of an index
/// on expressions, and a portfolio of 300,000 clients is then 300,000 reads.
pub fn contact_sql() -> (&'static str, &'static str) {
    (
        "SELECT coalesce(c.last_contact_at, c.created_at), c.id, c.name, c.last_contact_at IS NULL
         FROM clients c
         WHERE c.owner_id = ?1 AND coalesce(c.tier_override, c.tier) = ?2
           AND coalesce(c.last_contact_at, c.created_at) < ?3 AND c.status <> 'closed'
         ORDER BY coalesce(c.last_contact_at, c.created_at), c.id LIMIT ?4",
        "SELECT count(*) FROM (SELECT 1 FROM clients c
         WHERE c.owner_id = ?1 AND coalesce(c.tier_override, c.tier) = ?2
           AND coalesce(c.last_contact_at, c.created_at) < ?3 AND c.status <> 'closed'
         LIMIT ?4)",
    )
}
