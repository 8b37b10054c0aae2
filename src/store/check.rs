//! `rmdesk check`: SQLite's own integrity check, foreign keys, and the audit chain.
use super::{Result, Store};

impl Store {
    /// Everything wrong with the database, one sentence each; empty when all is well.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn().prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        for row in rows {
            let line = row?;
            if line != "ok" {
                problems.push(format!("integrity: {line}"));
            }
        }
        let mut stmt = self.conn().prepare("PRAGMA foreign_key_check")?;
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
        for fault in self.verify_audit_chain()? {
            problems.push(format!("audit log entry {}: {}", fault.id, fault.problem));
        }
        Ok(problems)
    }
}
