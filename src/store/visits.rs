//! Visits (call reports) and feedback, scoped through their client: whoever may not see
//! the client gets "not found" for its visits and feedback too.
//!
//! A visit with a next-step date creates the follow-up task in the same transaction, so
//! both land or neither does; the task points at its visit (`tasks.visit_id`).
use chrono::{NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Transaction};

use super::clients::scope;
use super::holdings::{audit_override, suitability_in, Verdict};
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::FieldError;
use crate::domain::visit::{ValidVisit, VisitInput, RETURN_OUTCOMES};

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

impl Store {
    /// Records a visit to a client `actor` may see; a next-step date also creates the
    /// follow-up task, in the same transaction. The client's last contact moves forward.
    pub fn record_visit(
        &mut self,
        actor: &Actor,
        client_id: i64,
        input: &VisitInput,
    ) -> Result<Recorded> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        self.client_raw(actor, client_id)?;
        let zone = self.zone();
        let v: ValidVisit = input
            .validate(zone.local(self.now()))
            .map_err(StoreError::Fields)?;
        let at = ts(zone.to_utc(v.visited_at));
        let products = self.product_ids(&v.products)?;
        let today = self.today();
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, outcome, next_step,
                                     next_step_on, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                params![
                    client_id,
                    actor.user_id,
                    at,
                    v.channel.code(),
                    v.purpose,
                    v.summary,
                    v.outcome,
                    v.next_step,
                    v.next_step_on.map(|d| d.to_string()),
                    stamp
                ],
            )?;
            let visit_id = tx.last_insert_rowid();
            tx.execute(
                "UPDATE clients SET last_contact_at = ?1 WHERE id = ?2 AND (last_contact_at IS NULL OR last_contact_at < ?1)",
                params![at, client_id],
            )?;
            let after = format!("client_id={client_id} channel={} at={at}", v.channel.code());
            let mut e = audit::Entry::new("visit.create", "visit", Some(visit_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            for &product_id in &products {
                discussed(tx, now, actor, client_id, visit_id, product_id, &v, today)?;
            }
            let task_id = match (v.next_step_on, &v.next_step) {
                (Some(due), Some(title)) => Some(follow_up(
                    tx,
                    now,
                    actor,
                    client_id,
                    visit_id,
                    title,
                    &due.to_string(),
                )?),
                _ => None,
            };
            Ok(Recorded { visit_id, task_id })
        })
    }

    /// The visits `actor` may see, newest first: an RM's own, a manager's branch, an
    /// administrator none. Dates, channel, client, RM, text and "not yet checked" narrow it.
    pub fn visit_list(
        &self,
        actor: &Actor,
        filter: &VisitFilter,
        limit: usize,
    ) -> Result<Vec<VisitRow>> {
        let (scope_sql, scope_arg) = scope(actor);
        let mut sql = format!(
            "SELECT {ROW_COLUMNS} FROM visits v JOIN clients c ON c.id = v.client_id
             JOIN users u ON u.id = v.rm_id WHERE {scope_sql}"
        );
        let mut args = vec![scope_arg];
        let rm = if actor.role == Role::Rm {
            Some(actor.user_id)
        } else {
            filter.rm_id
        };
        if let Some(rm) = rm {
            sql.push_str(" AND v.rm_id = ?");
            args.push(Value::Integer(rm));
        }
        if let Some(from) = filter.from.map(|d| ts(self.zone().day_start(d))) {
            sql.push_str(" AND v.visited_at >= ?");
            args.push(Value::Text(from));
        }
        if let Some(end) = filter
            .to
            .and_then(|d| d.succ_opt())
            .map(|d| ts(self.zone().day_start(d)))
        {
            sql.push_str(" AND v.visited_at < ?");
            args.push(Value::Text(end));
        }
        if let Some(ch) = &filter.channel {
            sql.push_str(" AND v.channel = ?");
            args.push(Value::Text(ch.clone()));
        }
        if let Some(id) = filter.client_id {
            sql.push_str(" AND v.client_id = ?");
            args.push(Value::Integer(id));
        }
        let text = filter.text.trim().to_lowercase();
        if !text.is_empty() {
            sql.push_str(
                " AND (instr(lower(v.summary), ?) > 0 OR instr(lower(v.purpose), ?) > 0
                       OR instr(lower(coalesce(v.outcome, '')), ?) > 0)",
            );
            for _ in 0..3 {
                args.push(Value::Text(text.clone()));
            }
        }
        if filter.unchecked_only {
            sql.push_str(" AND v.return_checked_at IS NULL");
        }
        sql.push_str(" ORDER BY v.visited_at DESC, v.id DESC LIMIT ?");
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One visit `actor` may see, with its follow-up task, return call and products.
    pub fn visit(&self, actor: &Actor, id: i64) -> Result<VisitDetail> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT {ROW_COLUMNS}, v.rm_id, v.summary, v.outcome, v.next_step, v.next_step_on,
                    v.return_checked_at, r.username, v.return_note
             FROM visits v JOIN clients c ON c.id = v.client_id JOIN users u ON u.id = v.rm_id
             LEFT JOIN users r ON r.id = v.return_checked_by
             WHERE v.id = ? AND {scope_sql}"
        );
        let conn = self.conn();
        let mut d = conn
            .prepare_cached(&sql)?
            .query_row(params![id, scope_arg], |r| {
                let checked: Option<String> = r.get(15)?;
                let by: Option<String> = r.get(16)?;
                let note: Option<String> = r.get(17)?;
                Ok(VisitDetail {
                    row: read_row(r)?,
                    rm_id: r.get(10)?,
                    summary: r.get(11)?,
                    outcome: r.get(12)?,
                    next_step: r.get(13)?,
                    next_step_on: r.get(14)?,
                    task: None,
                    return_call: checked
                        .map(|c| (c, by.unwrap_or_default(), note.unwrap_or_default())),
                    products: Vec::new(),
                })
            })
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if actor.role == Role::Rm && d.rm_id != actor.user_id {
            return Err(StoreError::NotFound);
        }
        d.task = conn
            .prepare_cached(
                "SELECT id, due_date, status FROM tasks WHERE visit_id = ?1 ORDER BY id LIMIT 1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let mut stmt = conn.prepare_cached(
            "SELECT p.code, p.name FROM visit_products vp JOIN products p ON p.id = vp.product_id
             WHERE vp.visit_id = ?1 ORDER BY p.code",
        )?;
        d.products = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(d)
    }

    /// The ids of the products with `codes` (any case); an unknown code is refused at the
    /// form's products field.
    fn product_ids(&self, codes: &[String]) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM products WHERE code = ?1 COLLATE NOCASE")?;
        let mut ids = Vec::new();
        for code in codes {
            match stmt.query_row([code], |r| r.get(0)).optional()? {
                Some(id) => ids.push(id),
                None => {
                    return Err(StoreError::invalid(
                        "products",
                        "err.visit.product_unknown",
                        format!("no product {code}"),
                    ))
                }
            }
        }
        Ok(ids)
    }

    /// The visit as its form shows it for editing (local time).
    pub fn visit_for_edit(&self, actor: &Actor, id: i64) -> Result<VisitInput> {
        let d = self.visit(actor, id)?;
        Ok(VisitInput {
            visited_at: local_minute(self.zone(), &d.row.visited_at),
            channel: d.row.channel,
            purpose: d.row.purpose,
            summary: d.summary,
            outcome: d.outcome.unwrap_or_default(),
            next_step: d.next_step.unwrap_or_default(),
            next_step_on: d.next_step_on.unwrap_or_default(),
            ..VisitInput::default()
        })
    }

    /// Changes a visit; only the RM who recorded it may. The audit entry keeps every
    /// value as it was, so the original report survives any later edit; visits are never
    /// deleted. A follow-up date moves the open follow-up task (or makes one).
    pub fn update_visit(&mut self, actor: &Actor, id: i64, input: &VisitInput) -> Result<()> {
        let old = self.visit(actor, id)?;
        if old.rm_id != actor.user_id {
            return Err(StoreError::Forbidden);
        }
        let zone = self.zone();
        let v: ValidVisit = input
            .validate(zone.local(self.now()))
            .map_err(StoreError::Fields)?;
        let at = ts(zone.to_utc(v.visited_at));
        let before = describe_visit(
            &old.row.visited_at,
            &old.row.channel,
            &old.row.purpose,
            &old.summary,
            old.outcome.as_deref(),
            old.next_step.as_deref(),
            old.next_step_on.as_deref(),
        );
        let next_on = v.next_step_on.map(|d| d.to_string());
        let after = describe_visit(
            &at,
            v.channel.code(),
            &v.purpose,
            &v.summary,
            v.outcome.as_deref(),
            v.next_step.as_deref(),
            next_on.as_deref(),
        );
        if before == after {
            return Ok(());
        }
        let client_id = old.row.client_id;
        self.write(|tx, now| {
            let stamp = ts(now);
            tx.execute(
                "UPDATE visits SET visited_at = ?1, channel = ?2, purpose = ?3, summary = ?4, outcome = ?5,
                        next_step = ?6, next_step_on = ?7, updated_at = ?8 WHERE id = ?9",
                params![at, v.channel.code(), v.purpose, v.summary, v.outcome, v.next_step, next_on, stamp, id],
            )?;
            audit::append(tx, now, actor.into(), audit::Entry {
                action: "visit.update",
                entity: "visit",
                entity_id: Some(id.to_string()),
                before: Some(&before),
                after: Some(&after),
            })?;
            if let (Some(due), Some(title)) = (&next_on, &v.next_step) {
                match &old.task {
                    Some((task_id, _, status)) if status == "open" => {
                        tx.execute(
                            "UPDATE tasks SET title = ?1, due_date = ?2, updated_at = ?3 WHERE id = ?4",
                            params![title, due, stamp, task_id],
                        )?;
                        let after = format!("visit_id={id} due={due}");
                        let mut e = audit::Entry::new("task.update", "task", Some(*task_id));
                        e.after = Some(&after);
                        audit::append(tx, now, actor.into(), e)?;
                    }
                    Some(_) => {}
                    None => {
                        follow_up(tx, now, actor, client_id, id, title, due)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// The visit log of a client `actor` may see, newest first, with summaries and
    /// follow-up tasks (the 360 view's short list is `client_visits`).
    pub fn visit_log(&self, actor: &Actor, client_id: i64, limit: usize) -> Result<Vec<Visit>> {
        self.client_raw(actor, client_id)?;
        self.visits_where(
            "v.client_id = ?1",
            params![client_id, i64::try_from(limit).unwrap_or(i64::MAX)],
        )
    }

    fn visits_where(&self, cond: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Visit>> {
        let sql = format!(
            "SELECT v.id, v.client_id, v.rm_id, v.visited_at, v.channel, v.purpose, v.summary, v.next_step,
                    (SELECT t.id FROM tasks t WHERE t.visit_id = v.id ORDER BY t.id LIMIT 1), v.return_checked_at
             FROM visits v WHERE {cond} ORDER BY v.visited_at DESC, v.id DESC LIMIT ?2"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(args, |r| {
            Ok(Visit {
                id: r.get(0)?,
                client_id: r.get(1)?,
                rm_id: r.get(2)?,
                visited_at: r.get(3)?,
                channel: r.get(4)?,
                purpose: r.get(5)?,
                summary: r.get(6)?,
                next_step: r.get(7)?,
                task_id: r.get(8)?,
                return_checked_at: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A manager records the outcome of a return call (回访) to the client of a visit of
    /// the branch.
    pub fn record_return_call(
        &mut self,
        actor: &Actor,
        visit_id: i64,
        outcome: &str,
        note: &str,
    ) -> Result<()> {
        if actor.role != Role::Manager {
            return Err(StoreError::Forbidden);
        }
        let client_id: i64 = self
            .conn()
            .query_row(
                "SELECT client_id FROM visits WHERE id = ?1",
                [visit_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        self.client_raw(actor, client_id)?;
        if !RETURN_OUTCOMES.contains(&outcome.trim()) {
            return Err(StoreError::Fields(vec![FieldError::new(
                "outcome",
                "err.visit.return_outcome",
                "not an outcome of a return call",
            )]));
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE visits SET return_checked_at = ?1, return_checked_by = ?2, return_outcome = ?3,
                        return_note = ?4, updated_at = ?1 WHERE id = ?5",
                params![ts(now), actor.user_id, outcome.trim(), note.trim(), visit_id],
            )?;
            let after = format!("outcome={}", outcome.trim());
            let mut e = audit::Entry::new("visit.return_call", "visit", Some(visit_id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })
    }
}

const ROW_COLUMNS: &str =
    "v.id, v.client_id, c.client_no, c.name, u.username, v.visited_at, v.channel,
     v.purpose, (SELECT t.due_date FROM tasks t WHERE t.visit_id = v.id ORDER BY t.id LIMIT 1),
     v.return_outcome";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    Ok(VisitRow {
        id: r.get(0)?,
        client_id: r.get(1)?,
        client_no: r.get(2)?,
        client_name: r.get(3)?,
        rm: r.get(4)?,
        visited_at: r.get(5)?,
        channel: r.get(6)?,
        purpose: r.get(7)?,
        follow_up: r.get(8)?,
        return_outcome: r.get(9)?,
    })
}

/// A stored instant as the form's local `YYYY-MM-DD HH:MM`.
fn local_minute(zone: super::Zone, stored: &str) -> String {
    super::parse_ts(stored).map_or_else(
        || stored.to_string(),
        |t| zone.local(t).format("%Y-%m-%d %H:%M").to_string(),
    )
}

fn describe_visit(
    at: &str,
    channel: &str,
    purpose: &str,
    summary: &str,
    outcome: Option<&str>,
    next_step: Option<&str>,
    next_step_on: Option<&str>,
) -> String {
    format!(
        "at={at} channel={channel} purpose={purpose:?} summary={summary:?} outcome={:?} next_step={:?} next_step_on={}",
        outcome.unwrap_or(""),
        next_step.unwrap_or(""),
        next_step_on.unwrap_or("-")
    )
}

/// Records that product `product_id` was discussed (recommended) at visit `visit_id`: only
/// when it suits the client, or a manager overrides with the visit's reason (audited).
/// A refusal names the products field of the visit form.
#[allow(clippy::too_many_arguments)]
fn discussed(
    tx: &Transaction<'_>,
    now: chrono::DateTime<Utc>,
    actor: &Actor,
    client_id: i64,
    visit_id: i64,
    product_id: i64,
    v: &ValidVisit,
    today: NaiveDate,
) -> Result<()> {
    let verdict = suitability_in(
        tx,
        actor,
        client_id,
        product_id,
        v.override_reason.as_deref(),
        today,
    )
    .map_err(|e| match e {
        StoreError::Invalid {
            field: "product",
            key,
            message,
        } => StoreError::Invalid {
            field: "products",
            key,
            message,
        },
        other => other,
    })?;
    let reason = match &verdict {
        Verdict::Suits => None,
        Verdict::Overridden(r) => Some(r.as_str()),
    };
    tx.execute(
        "INSERT INTO visit_products (visit_id, product_id, override_reason) VALUES (?1, ?2, ?3)",
        params![visit_id, product_id, reason],
    )?;
    if let Some(r) = reason {
        audit_override(
            tx,
            now,
            actor,
            client_id,
            product_id,
            r,
            &format!("visit {visit_id}"),
        )?;
    }
    Ok(())
}

/// Creates the follow-up task of visit `visit_id`, with its audit entry.
fn follow_up(
    tx: &Transaction<'_>,
    now: chrono::DateTime<Utc>,
    actor: &Actor,
    client_id: i64,
    visit_id: i64,
    title: &str,
    due: &str,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO tasks (owner_id, client_id, title, due_date, source, visit_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'visit', ?5, ?6, ?6)",
        params![actor.user_id, client_id, title, due, visit_id, ts(now)],
    )?;
    let task_id = tx.last_insert_rowid();
    let after = format!("visit_id={visit_id} due={due}");
    let mut e = audit::Entry::new("task.create", "task", Some(task_id));
    e.after = Some(&after);
    audit::append(tx, now, actor.into(), e)?;
    Ok(task_id)
}
