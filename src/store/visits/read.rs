//! One visit, its form for editing, and a client's visit log.

use rusqlite::{params, OptionalExtension};

use super::{Visit, VisitDetail, VisitRow};
use crate::domain::visit::VisitInput;
use crate::store::clients::scope;
use crate::store::{parse_ts, Actor, Result, Role, Store, StoreError, Zone};

impl Store {
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
}

pub(super) const ROW_COLUMNS: &str =
    "v.id, v.client_id, c.client_no, c.name, u.username, v.visited_at, v.channel,
     v.purpose, (SELECT t.due_date FROM tasks t WHERE t.visit_id = v.id ORDER BY t.id LIMIT 1),
     v.return_outcome";

pub(super) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
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
fn local_minute(zone: Zone, stored: &str) -> String {
    parse_ts(stored).map_or_else(
        || stored.to_string(),
        |t| zone.local(t).format("%Y-%m-%d %H:%M").to_string(),
    )
}
