//! `rmdesk check`: SQLite's own integrity check, foreign keys, the audit chain, the
//! triggers that keep the log append-only, and the chain against its anchors.
use rusqlite::{Connection, OptionalExtension};

use super::{audit, Result, Store};

/// The triggers that refuse UPDATE and DELETE on the audit log, with what they forbid.
const TRIGGERS: &[(&str, &str)] = &[
    ("audit_log_no_update", "changing"),
    ("audit_log_no_delete", "deleting"),
];

/// A trigger's SQL as `schema.sql` writes it, whitespace collapsed.
fn expected_trigger_sql(name: &str) -> Option<String> {
    let schema = super::migrate::schema_text();
    let start = schema.find(&format!("CREATE TRIGGER {name} "))?;
    let rest = &schema[start..];
    let end = rest.find("END;")? + "END".len();
    Some(squash(&rest[..end]))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sentences for the audit log's triggers that are missing or not as written.
fn trigger_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (name, what) in TRIGGERS {
        let sql: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'audit_log'",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        match sql {
            None => out.push(format!(
                "the trigger {name} that forbids {what} audit entries is missing"
            )),
            Some(sql) if Some(squash(&sql)) != expected_trigger_sql(name) => out.push(format!(
                "the trigger {name} that forbids {what} audit entries was altered"
            )),
            Some(_) => {}
        }
    }
    Ok(out)
}

/// Everything wrong inside the database on `conn`, one sentence each.
pub(crate) fn problems_on(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        let line = row?;
        if line != "ok" {
            problems.push(format!("integrity: {line}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (table, rowid, parent) = row?;
        let at = rowid.map(|r| format!(" row {r}")).unwrap_or_default();
        problems.push(format!(
            "foreign key: {table}{at} points at a missing {parent} row"
        ));
    }
    problems.extend(trigger_problems(conn)?);
    for fault in audit::verify_chain(conn)? {
        problems.push(format!("audit log entry {}: {}", fault.id, fault.problem));
    }
    Ok(problems)
}

impl Store {
    /// Everything wrong with the database, one sentence each; empty when all is well.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = problems_on(self.conn())?;
        problems.extend(self.anchor_problems()?);
        Ok(problems)
    }

    /// Whether both triggers that keep the log append-only are present and as written.
    pub fn audit_triggers_intact(&self) -> Result<bool> {
        Ok(trigger_problems(self.conn())?.is_empty())
    }
}
