//! Feedback (客户反馈): complaints, suggestions and praise, scoped through their client —
//! whoever may not see the client gets "not found" for its feedback too.
//!
//! The life cycle only moves forward (open → in progress → resolved → closed); resolving
//! and closing need a resolution; closed feedback is final. Every change is audited with
//! the values before and after.
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::clients::scope;
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::FieldError;
use crate::domain::visit::{
    feedback_deadline, parse_satisfaction, FeedbackInput, FeedbackStatus, FeedbackUpdate,
};

/// One feedback item as lists and its detail show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackItem {
    /// Row id.
    pub id: i64,
    /// The client.
    pub client_id: i64,
    /// The client's number.
    pub client_no: String,
    /// The client's name.
    pub client_name: String,
    /// Username of the RM who filed it.
    pub rm: String,
    /// Kind code.
    pub kind: String,
    /// Received on (`YYYY-MM-DD`).
    pub received_on: String,
    /// Channel code.
    pub channel: String,
    /// Description.
    pub description: String,
    /// Severity code.
    pub severity: String,
    /// Status code.
    pub status: String,
    /// The handler's id and username.
    pub handler: Option<(i64, String)>,
    /// Deadline (`YYYY-MM-DD`).
    pub deadline: String,
    /// Resolution, once recorded.
    pub resolution: Option<String>,
    /// When it was resolved (ISO-8601 instant).
    pub resolved_at: Option<String>,
    /// The client's satisfaction, 1–5.
    pub satisfaction: Option<u8>,
}

/// Which feedback a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    /// Only open and in-progress items.
    pub pending_only: bool,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this client's.
    pub client_id: Option<i64>,
}

const ITEM_COLUMNS: &str =
    "f.id, f.client_id, c.client_no, c.name, u.username, f.kind, f.received_on, f.channel,
     f.description, f.severity, f.status, f.handler_id, h.username, f.deadline, f.resolution,
     f.resolved_at, f.satisfaction";

const ITEM_FROM: &str = "feedback f CROSS JOIN clients c ON c.id = f.client_id
     CROSS JOIN users u ON u.id = f.rm_id LEFT JOIN users h ON h.id = f.handler_id";

fn read_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedbackItem> {
    let handler_id: Option<i64> = r.get(11)?;
    let handler_name: Option<String> = r.get(12)?;
    let satisfaction: Option<i64> = r.get(16)?;
    Ok(FeedbackItem {
        id: r.get(0)?,
        client_id: r.get(1)?,
        client_no: r.get(2)?,
        client_name: r.get(3)?,
        rm: r.get(4)?,
        kind: r.get(5)?,
        received_on: r.get(6)?,
        channel: r.get(7)?,
        description: r.get(8)?,
        severity: r.get(9)?,
        status: r.get(10)?,
        handler: handler_id.zip(handler_name),
        deadline: r.get(13)?,
        resolution: r.get(14)?,
        resolved_at: r.get(15)?,
        satisfaction: satisfaction.and_then(|s| u8::try_from(s).ok()),
    })
}

/// The SQL of one of [`Store::feedback_list`]'s two walks (pending or handled items) and
/// its arguments (apart, so that tests can read its query plan and benchmarks run it as plain SQL).
pub fn feedback_list_sql(
    actor: &Actor,
    filter: &FeedbackFilter,
    pending: bool,
    limit: usize,
) -> (String, Vec<Value>) {
    let (scope_sql, scope_arg) = scope(actor);
    // The branch column leads the indexes; for one client's items, `+` leaves it to
    // the client's index.
    let branch = if filter.client_id.is_some() {
        "+f.branch_id"
    } else {
        "f.branch_id"
    };
    let (status, order) = if pending {
        (
            "f.status IN ('open', 'in_progress')",
            "f.deadline, f.received_on DESC, f.id DESC",
        )
    } else {
        (
            "f.status IN ('resolved', 'closed')",
            "f.received_on DESC, f.id DESC",
        )
    };
    let mut sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE {branch} = ? AND {status} AND {scope_sql}"
    );
    let mut args = vec![Value::Integer(actor.branch_id.unwrap_or(-1)), scope_arg];
    if let Some(kind) = &filter.kind {
        sql.push_str(" AND f.kind = ?");
        args.push(Value::Text(kind.clone()));
    }
    if let Some(id) = filter.client_id {
        sql.push_str(" AND f.client_id = ?");
        args.push(Value::Integer(id));
    }
    sql.push_str(&format!(" ORDER BY {order} LIMIT ?"));
    args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    (sql, args)
}

fn refuse(field: &'static str, key: &'static str, detail: &str) -> StoreError {
    StoreError::Fields(vec![FieldError::new(field, key, detail)])
}

impl Store {
    /// Files a complaint, suggestion or praise about a client `actor` may see; its
    /// deadline is the day received plus the configured days (settings, 15 by default).
    pub fn file_feedback(
        &mut self,
        actor: &Actor,
        client_id: i64,
        input: &FeedbackInput,
    ) -> Result<i64> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        self.client_raw(actor, client_id)?;
        let v = input.validate(self.today()).map_err(StoreError::Fields)?;
        let days = u32::try_from(self.setting_i64("feedback.deadline_days")?).unwrap_or(15);
        let deadline = feedback_deadline(v.received_on, days);
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, severity,
                                       deadline, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    client_id,
                    actor.user_id,
                    v.kind,
                    v.received_on.to_string(),
                    v.channel,
                    v.description,
                    v.severity,
                    deadline.to_string(),
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!(
                "client_id={client_id} kind={} severity={} deadline={deadline}",
                v.kind, v.severity
            );
            let mut e = audit::Entry::new("feedback.create", "feedback", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// The feedback `actor` may see (an RM: their clients'; a manager: the branch's),
    /// items still being handled first, soonest deadline first, then the rest newest first.
    ///
    /// Two walks of the branch's partial indexes, each in the list's order and stopping at
    /// `limit`: the pending items by deadline (`feedback_branch_pending`), then the handled
    /// ones newest first (`feedback_branch_done`); one client's items by `feedback_client`.
    pub fn feedback_list(
        &self,
        actor: &Actor,
        filter: &FeedbackFilter,
        limit: usize,
    ) -> Result<Vec<FeedbackItem>> {
        let mut out = Vec::new();
        for pending in [true, false] {
            if !pending && filter.pending_only {
                break;
            }
            let left = limit.saturating_sub(out.len());
            if left == 0 {
                break;
            }
            let (sql, args) = feedback_list_sql(actor, filter, pending, left);
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), read_item)?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// One feedback item `actor` may see.
    pub fn feedback_item(&self, actor: &Actor, id: i64) -> Result<FeedbackItem> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE f.id = ? AND {scope_sql}");
        self.conn()
            .prepare_cached(&sql)?
            .query_row(params![id, scope_arg], read_item)
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// Who may handle feedback of `actor`'s branch: its active RMs and managers, by name.
    pub fn feedback_handlers(&self, actor: &Actor) -> Result<Vec<(i64, String)>> {
        let branch = actor.branch_id.ok_or(StoreError::Forbidden)?;
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, username FROM users
             WHERE branch_id = ?1 AND disabled = 0 AND role IN ('rm', 'manager')
             ORDER BY username",
        )?;
        let rows = stmt.query_map([branch], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Moves feedback along its life cycle and records who handles it, the resolution and
    /// the client's satisfaction. Staying at the same status changes only those details;
    /// resolving and closing need a resolution (typed now or on record); nothing moves
    /// back, and closed feedback is final.
    pub fn update_feedback(&mut self, actor: &Actor, id: i64, upd: &FeedbackUpdate) -> Result<()> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let cur = self.feedback_item(actor, id)?;
        self.apply_feedback_update(actor, &cur, upd)
    }

    /// [`update_feedback`](Self::update_feedback) of `cur`, already read with the actor's
    /// scope.
    fn apply_feedback_update(
        &mut self,
        actor: &Actor,
        cur: &FeedbackItem,
        upd: &FeedbackUpdate,
    ) -> Result<()> {
        let id = cur.id;
        let from: FeedbackStatus = cur
            .status
            .parse()
            .map_err(|e| StoreError::Fields(vec![e]))?;
        let to: FeedbackStatus = upd
            .status
            .parse()
            .map_err(|e| StoreError::Fields(vec![e]))?;
        if from == FeedbackStatus::Closed {
            return Err(refuse(
                "status",
                "err.feedback.closed",
                "closed feedback is final",
            ));
        }
        if from != to && !from.may_become(to) {
            return Err(refuse(
                "status",
                "err.feedback.step",
                "not allowed from the current status",
            ));
        }
        let mut errors = Vec::new();
        let typed = Some(upd.resolution.trim()).filter(|r| !r.is_empty());
        let resolution = typed.or(cur
            .resolution
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty()));
        if matches!(to, FeedbackStatus::Resolved | FeedbackStatus::Closed) && resolution.is_none() {
            errors.push(FieldError::new(
                "resolution",
                "err.feedback.resolution",
                "required to resolve or close",
            ));
        }
        let satisfaction = parse_satisfaction(&upd.satisfaction)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if let Some(h) = upd.handler_id {
            if !self
                .feedback_handlers(actor)?
                .iter()
                .any(|(id, _)| *id == h)
            {
                errors.push(FieldError::new(
                    "handler",
                    "err.feedback.handler",
                    "not a user of the branch",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let describe =
            |status: FeedbackStatus, handler: Option<i64>, sat: Option<u8>, res: Option<&str>| {
                format!(
                    "status={status} handler={} satisfaction={} resolution={}",
                    handler.map_or("-".to_string(), |h| h.to_string()),
                    sat.map_or("-".to_string(), |s| s.to_string()),
                    res.unwrap_or("-")
                )
            };
        let before = describe(
            from,
            cur.handler.as_ref().map(|h| h.0),
            cur.satisfaction,
            cur.resolution.as_deref(),
        );
        let after = describe(to, upd.handler_id, satisfaction, resolution);
        if before == after {
            return Ok(());
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE feedback SET status = ?1, handler_id = ?2, resolution = ?3, satisfaction = ?4,
                        resolved_at = CASE WHEN ?1 = 'resolved' AND status <> 'resolved' THEN ?5 ELSE resolved_at END,
                        updated_at = ?5
                 WHERE id = ?6",
                params![to.code(), upd.handler_id, resolution, satisfaction, ts(now), id],
            )?;
            audit::append(tx, now, actor.into(), audit::Entry {
                action: if from == to { "feedback.update" } else { "feedback.status" },
                entity: "feedback",
                entity_id: Some(id.to_string()),
                before: Some(&before),
                after: Some(&after),
            })
        })
    }

    /// Moves feedback to status `to`, with a resolution when one is typed; handler and
    /// satisfaction stay as they are (see [`update_feedback`](Self::update_feedback)).
    pub fn set_feedback_status(
        &mut self,
        actor: &Actor,
        id: i64,
        to: FeedbackStatus,
        resolution: Option<&str>,
    ) -> Result<()> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let cur = self.feedback_item(actor, id)?;
        self.apply_feedback_update(
            actor,
            &cur,
            &FeedbackUpdate {
                status: to.code().to_string(),
                handler_id: cur.handler.as_ref().map(|h| h.0),
                resolution: resolution.unwrap_or_default().to_string(),
                satisfaction: cur.satisfaction.map(|s| s.to_string()).unwrap_or_default(),
            },
        )
    }
}
