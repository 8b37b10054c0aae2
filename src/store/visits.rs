//! Visits (call reports) and feedback, scoped through their client: whoever may not see
//! the client gets "not found" for its visits and feedback too.
//!
//! A visit with a next-step date creates the follow-up task in the same transaction, so
//! both land or neither does; the task points at its visit (`tasks.visit_id`).
use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension};

use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::FieldError;
use crate::domain::visit::{feedback_deadline, FeedbackStatus, ValidVisit, VisitInput};

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

fn local_to_utc(t: NaiveDateTime) -> chrono::DateTime<Utc> {
    // An hour skipped or repeated by a clock change takes its first meaning.
    Local
        .from_local_datetime(&t)
        .earliest()
        .map_or_else(|| Utc.from_utc_datetime(&t), |l| l.with_timezone(&Utc))
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
        let now_local = self.now().with_timezone(&Local).naive_local();
        let v: ValidVisit = input.validate(now_local).map_err(StoreError::Fields)?;
        let at = ts(local_to_utc(v.visited_at));
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
            let task_id = match (v.next_step_on, &v.next_step) {
                (Some(due), Some(title)) => {
                    tx.execute(
                        "INSERT INTO tasks (owner_id, client_id, title, due_date, source, visit_id, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, 'visit', ?5, ?6, ?6)",
                        params![actor.user_id, client_id, title, due.to_string(), visit_id, stamp],
                    )?;
                    let task_id = tx.last_insert_rowid();
                    let after = format!("visit_id={visit_id} due={due}");
                    let mut e = audit::Entry::new("task.create", "task", Some(task_id));
                    e.after = Some(&after);
                    audit::append(tx, now, actor.into(), e)?;
                    Some(task_id)
                }
                _ => None,
            };
            Ok(Recorded { visit_id, task_id })
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

    /// The visits recorded by `actor` between two local dates (inclusive), newest first.
    pub fn my_visits(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Visit>> {
        let start = from
            .and_hms_opt(0, 0, 0)
            .map(|t| ts(local_to_utc(t)))
            .unwrap_or_default();
        let end = to
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| ts(local_to_utc(t)))
            .unwrap_or_default();
        self.visits_where(
            "v.rm_id = ?1 AND v.visited_at >= ?3 AND v.visited_at < ?4",
            params![
                actor.user_id,
                i64::try_from(limit).unwrap_or(i64::MAX),
                start,
                end
            ],
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
        if outcome.trim().is_empty() {
            return Err(StoreError::Fields(vec![FieldError::new(
                "outcome",
                "err.required",
                "empty",
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

    /// Files a complaint, suggestion or praise about a client `actor` may see, received
    /// on `received`; its deadline is `received` plus the configured days.
    pub fn file_feedback(
        &mut self,
        actor: &Actor,
        client_id: i64,
        kind: &str,
        received: NaiveDate,
        channel: &str,
        description: &str,
    ) -> Result<i64> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        self.client_raw(actor, client_id)?;
        let mut errors = Vec::new();
        if !matches!(kind, "complaint" | "suggestion" | "praise") {
            errors.push(FieldError::new(
                "kind",
                "err.feedback.kind",
                "not complaint, suggestion or praise",
            ));
        }
        if description.trim().is_empty() {
            errors.push(FieldError::new("description", "err.required", "empty"));
        }
        if received > self.today() {
            errors.push(FieldError::new(
                "received_on",
                "err.date.future",
                "in the future",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let days = u32::try_from(self.setting_i64("feedback.deadline_days")?).unwrap_or(15);
        let deadline = feedback_deadline(received, days);
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, deadline, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![client_id, actor.user_id, kind, received.to_string(), channel, description.trim(), deadline.to_string(), ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!("client_id={client_id} kind={kind} deadline={deadline}");
            let mut e = audit::Entry::new("feedback.create", "feedback", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// Moves feedback along its life cycle. Resolving needs the resolution; closing needs
    /// a resolution on record; nothing moves back.
    pub fn set_feedback_status(
        &mut self,
        actor: &Actor,
        id: i64,
        to: FeedbackStatus,
        resolution: Option<&str>,
    ) -> Result<()> {
        let (client_id, status, stored): (i64, String, Option<String>) = self
            .conn()
            .query_row(
                "SELECT client_id, status, resolution FROM feedback WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound)?;
        self.client_raw(actor, client_id)?;
        let from: FeedbackStatus = status.parse().map_err(|e| StoreError::Fields(vec![e]))?;
        if !from.may_become(to) {
            return Err(StoreError::Fields(vec![FieldError::new(
                "status",
                "err.feedback.step",
                "not allowed from the current status",
            )]));
        }
        let resolution = resolution.map(str::trim).filter(|r| !r.is_empty());
        if to == FeedbackStatus::Resolved && resolution.is_none() {
            return Err(StoreError::Fields(vec![FieldError::new(
                "resolution",
                "err.feedback.resolution",
                "required to resolve",
            )]));
        }
        if to == FeedbackStatus::Closed && stored.as_deref().unwrap_or("").trim().is_empty() {
            return Err(StoreError::Fields(vec![FieldError::new(
                "resolution",
                "err.feedback.resolution",
                "required to close",
            )]));
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE feedback SET status = ?1, resolution = coalesce(?2, resolution),
                        resolved_at = CASE WHEN ?1 = 'resolved' THEN ?3 ELSE resolved_at END, updated_at = ?3
                 WHERE id = ?4",
                params![to.code(), resolution, ts(now), id],
            )?;
            let (b, a) = (format!("status={from}"), format!("status={to}"));
            audit::append(tx, now, actor.into(), audit::Entry {
                action: "feedback.status",
                entity: "feedback",
                entity_id: Some(id.to_string()),
                before: Some(&b),
                after: Some(&a),
            })
        })
    }
}
