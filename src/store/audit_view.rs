//! Reading the audit log: filtered, newest first, paged by keyset over millions of
//! entries; personal data masked in whatever is shown or exported.
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::OptionalExtension;

use super::audit::{self, Record};
use super::{files, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::contact::mask_in_text;
use crate::domain::csv_text;

/// What to show. Every field narrows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Acting username (the per-user view for the audit on leaving a post).
    pub username: Option<String>,
    /// Verb, e.g. `client.update`.
    pub action: Option<String>,
    /// Kind of thing, e.g. `client`.
    pub entity: Option<String>,
    /// A client's number: its entries (the store finds its id).
    pub client_no: Option<String>,
    /// From this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    /// The filter as one line (the export's audit entry).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={v}"));
            }
        };
        add("user", self.username.clone());
        add("action", self.action.clone());
        add("entity", self.entity.clone());
        add("client_no", self.client_no.clone());
        add("from", self.from.map(ts));
        add("to", self.to.map(ts));
        parts.join(" ")
    }
}

/// `record` with personal data masked in its before and after.
pub fn masked(mut record: Record) -> Record {
    record.before = record.before.map(|b| mask_in_text(&b));
    record.after = record.after.map(|a| mask_in_text(&a));
    record
}

const COLUMNS: &str =
    "id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash";

impl Store {
    fn may_read_audit(actor: &Actor) -> Result<()> {
        match actor.role {
            Role::Admin | Role::Manager => Ok(()),
            Role::Rm => Err(StoreError::Forbidden),
        }
    }

    /// One page of entries matching `filter`, newest first, older than `before_id` when
    /// given (the last id of the page before). Personal data masked.
    pub fn audit_page(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        before_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<Record>> {
        Self::may_read_audit(actor)?;
        let mut sql = format!("SELECT {COLUMNS} FROM audit_log WHERE 1");
        let mut args: Vec<Value> = Vec::new();
        let mut push = |cond: &str, v: Value, sql: &mut String| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ?{}", args.len()));
        };
        if let Some(u) = &filter.username {
            push("username =", Value::Text(u.clone()), &mut sql);
        }
        if let Some(a) = &filter.action {
            push("action =", Value::Text(a.clone()), &mut sql);
        }
        if let Some(e) = &filter.entity {
            push("entity =", Value::Text(e.clone()), &mut sql);
        }
        if let Some(no) = &filter.client_no {
            let id: Option<i64> = self
                .conn()
                .query_row("SELECT id FROM clients WHERE client_no = ?1", [no], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(id) = id else { return Ok(Vec::new()) };
            push(
                "entity = 'client' AND entity_id =",
                Value::Text(id.to_string()),
                &mut sql,
            );
        }
        // Dates become an id range first (entries are written in time order), so the
        // walk stays on the primary key; the instants are still checked on each row.
        if let Some(from) = filter.from {
            let first: Option<i64> = self
                .conn()
                .query_row(
                    "SELECT id FROM audit_log WHERE at >= ?1 ORDER BY at, id LIMIT 1",
                    [ts(from)],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(first) = first else {
                return Ok(Vec::new());
            };
            push("id >=", Value::Integer(first), &mut sql);
            push("+at >=", Value::Text(ts(from)), &mut sql);
        }
        if let Some(to) = filter.to {
            let last: Option<i64> = self
                .conn()
                .query_row(
                    "SELECT id FROM audit_log WHERE at < ?1 ORDER BY at DESC, id DESC LIMIT 1",
                    [ts(to)],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(last) = last else {
                return Ok(Vec::new());
            };
            push("id <=", Value::Integer(last), &mut sql);
            push("+at <", Value::Text(ts(to)), &mut sql);
        }
        if let Some(b) = before_id {
            push("id <", Value::Integer(b), &mut sql);
        }
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        sql.push_str(&format!(" ORDER BY id DESC LIMIT ?{}", args.len()));
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), audit::read_record)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(masked(r?));
        }
        Ok(out)
    }

    /// One entry by id, masked.
    pub fn audit_entry(&self, actor: &Actor, id: i64) -> Result<Record> {
        Self::may_read_audit(actor)?;
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE id = ?1"),
                [id],
                audit::read_record,
            )
            .optional()?
            .map(masked)
            .ok_or(StoreError::NotFound)
    }

    /// Writes every entry matching `filter` (newest first, masked) to a CSV file —
    /// private, complete or not there at all — and audits the export. Returns the count.
    pub fn export_audit_csv(
        &mut self,
        actor: &Actor,
        filter: &AuditFilter,
        path: &Path,
    ) -> Result<usize> {
        Self::may_read_audit(actor)?;
        let mut text = String::from(csv_text::BOM);
        let header = [
            "id",
            "at",
            "user",
            "action",
            "entity",
            "entity_id",
            "before",
            "after",
            "hash",
        ];
        csv_text::write_record(&mut text, header);
        let mut count = 0;
        let mut before = None;
        loop {
            let page = self.audit_page(actor, filter, before, 5000)?;
            let Some(last) = page.last() else { break };
            before = Some(last.id);
            for r in &page {
                let id = r.id.to_string();
                let cells = [
                    id.as_str(),
                    &r.at,
                    &r.username,
                    &r.action,
                    &r.entity,
                    r.entity_id.as_deref().unwrap_or(""),
                    r.before.as_deref().unwrap_or(""),
                    r.after.as_deref().unwrap_or(""),
                    &r.hash,
                ];
                csv_text::write_record(&mut text, cells.iter().copied());
                count += 1;
            }
        }
        files::write_private_bytes(path, text.as_bytes()).map_err(|e| {
            StoreError::invalid(
                "file",
                "err.audit.export",
                format!("{}: {e}", path.display()),
            )
        })?;
        let after = format!("file={} rows={count} {}", path.display(), filter.describe());
        self.write(|tx, now| {
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "audit.export",
                    entity: "audit_log",
                    entity_id: None,
                    before: None,
                    after: Some(after.trim_end()),
                },
            )
        })?;
        Ok(count)
    }
}
