//! Change capture for head office: every insert or update of a captured table appends a
//! row to `change_log` in the same transaction, through triggers generated here from one
//! list, [`CAPTURED`]. A table added later is captured by adding it to the list (and a
//! migration that calls [`install`] again); a test fails while a table of the database is
//! in neither [`CAPTURED`] nor [`EXCLUDED`].
//!
//! Each change holds the whole row as it stood after the write (a JSON object of its
//! columns), so applying the changes of a row in sequence order, each replacing the row,
//! leaves the row as it is in the branch. Nothing is ever deleted, so inserts and updates
//! are all there is.
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Actor, Result, Role, Store, StoreError};

/// A table whose writes are captured: its name, its key columns (unique per branch), and
/// the columns head office never receives.
#[derive(Debug, Clone, Copy)]
pub struct Captured {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub omit: &'static [&'static str],
}

const fn cap(table: &'static str, key: &'static [&'static str]) -> Captured {
    Captured {
        table,
        key,
        omit: &[],
    }
}

/// Every captured table, parents before children (the order of the first load).
pub const CAPTURED: &[Captured] = &[
    cap("branches", &["id"]),
    // A password hash never leaves the branch.
    Captured {
        table: "users",
        key: &["id"],
        omit: &["password_hash"],
    },
    cap("settings", &["key"]),
    cap("products", &["id"]),
    cap("clients", &["id"]),
    cap("holdings", &["id"]),
    cap("visits", &["id"]),
    cap("visit_products", &["visit_id", "product_id"]),
    cap("feedback", &["id"]),
    cap("tasks", &["id"]),
    cap("plan_notes", &["id"]),
    cap("handovers", &["id"]),
    cap("handover_clients", &["handover_id", "client_id"]),
    cap("requests", &["id"]),
    cap("campaigns", &["id"]),
    cap("campaign_targets", &["campaign_id", "client_id"]),
    cap("aum_history", &["id"]),
    cap("audit_log", &["id"]),
];

/// Tables of the database that are deliberately not captured, with the reason.
pub const EXCLUDED: &[(&str, &str)] = &[
    (
        "client_search",
        "full-text index, written again from clients",
    ),
    (
        "client_phone",
        "full-text index, written again from clients",
    ),
    ("visit_text", "full-text index, written again from visits"),
    ("change_log", "the change log itself"),
    (
        "aum_owner_slots",
        "reports' AUM by owner and slot, kept from aum_history and clients",
    ),
    (
        "aum_tier_moves",
        "reports' tier moves, kept from aum_history and clients",
    ),
    (
        "client_value",
        "reports' contributions, written again from holdings and products",
    ),
    (
        "client_counts",
        "the client list's counts, kept from clients",
    ),
    (
        "complaints_pending",
        "home's pending complaints by owner, kept from feedback and clients",
    ),
    (
        "hq_sync",
        "the branch's record of what it sent to head office",
    ),
];

/// The statement that reads every row of the captured table `table` as head office
/// receives it: each column as text, rows in key order.
fn table_text_sql(conn: &Connection, table: &str) -> Result<String> {
    let c = captured(table).ok_or(StoreError::NotFound)?;
    let select: Vec<String> = columns(conn, c)?
        .iter()
        .map(|c| format!("CAST(t.{} AS TEXT)", quote(&c.name)))
        .collect();
    let order: Vec<String> = c.key.iter().map(|k| format!("t.{}", quote(k))).collect();
    Ok(format!(
        "SELECT {} FROM {} t ORDER BY {}",
        select.join(", "),
        quote(c.table),
        order.join(", ")
    ))
}

/// The captured table named `table`.
pub fn captured(table: &str) -> Option<&'static Captured> {
    CAPTURED.iter().find(|c| c.table == table)
}

/// A column of a captured table as head office receives it: name and SQLite type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub sql_type: String,
}

/// The columns of `table` head office receives, in the table's order.
pub(crate) fn columns(conn: &Connection, c: &Captured) -> Result<Vec<Column>> {
    let mut stmt = conn.prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")?;
    let cols = stmt
        .query_map([c.table], |r| {
            Ok(Column {
                name: r.get(0)?,
                sql_type: r.get::<_, String>(1)?.to_uppercase(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols
        .into_iter()
        .filter(|col| !c.omit.contains(&col.name.as_str()))
        .collect())
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `json_object('a', P.a, …)` of the columns, `P` being `NEW` or a table alias.
fn row_json(cols: &[Column], prefix: &str) -> String {
    let parts: Vec<String> = cols
        .iter()
        .map(|c| {
            format!(
                "'{}', {prefix}.{}",
                c.name.replace('\'', "''"),
                quote(&c.name)
            )
        })
        .collect();
    format!("json_object({})", parts.join(", "))
}

/// The row key as text: the key columns joined by `:`.
fn key_expr(c: &Captured, prefix: &str) -> String {
    let parts: Vec<String> = c
        .key
        .iter()
        .map(|k| format!("CAST({prefix}.{} AS TEXT)", quote(k)))
        .collect();
    parts.join(" || ':' || ")
}

/// The instant of a change, as SQLite's clock gives it inside the writing transaction.
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

fn trigger_name(table: &str, op: &str) -> String {
    format!("change_log_{table}_{op}")
}

/// The SQL of the trigger that captures `op` (`insert` or `update`) on `c`.
fn trigger_sql(c: &Captured, cols: &[Column], op: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER {event} ON {table}\nBEGIN\n    INSERT INTO change_log (at, tbl, row_key, op, row)\n    VALUES ({NOW}, '{table}', {key}, '{op}', {row});\nEND",
        name = trigger_name(c.table, op),
        event = op.to_uppercase(),
        table = c.table,
        key = key_expr(c, "NEW"),
        row = row_json(cols, "NEW"),
    )
}

/// Creates (again) the capture triggers of every captured table from its current columns.
/// A migration that changes a captured table's columns calls it after its SQL.
pub(crate) fn install_triggers(conn: &Connection) -> Result<()> {
    for c in CAPTURED {
        let cols = columns(conn, c)?;
        for op in ["insert", "update"] {
            conn.execute_batch(&format!(
                "DROP TRIGGER IF EXISTS {};\n{};",
                trigger_name(c.table, op),
                trigger_sql(c, &cols, op)
            ))?;
        }
    }
    Ok(())
}

/// Migration 9's step: the triggers, then every row already there as an insert, table by
/// table in [`CAPTURED`] order, so the change log alone rebuilds the branch.
pub(crate) fn install(conn: &Connection) -> Result<()> {
    install_triggers(conn)?;
    for c in CAPTURED {
        let cols = columns(conn, c)?;
        let order: Vec<String> = c.key.iter().map(|k| quote(k)).collect();
        conn.execute(
            &format!(
                "INSERT INTO change_log (at, tbl, row_key, op, row) SELECT {NOW}, '{table}', {key}, 'insert', {row} FROM {table} t ORDER BY {order}",
                table = c.table,
                key = key_expr(c, "t"),
                row = row_json(&cols, "t"),
                order = order.join(", "),
            ),
            [],
        )?;
    }
    Ok(())
}

/// Sentences for capture triggers that are missing or no longer match their table's
/// columns (a migration changed the table without calling [`install_triggers`]).
pub(crate) fn trigger_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for c in CAPTURED {
        let cols = columns(conn, c)?;
        for op in ["insert", "update"] {
            let name = trigger_name(c.table, op);
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                    [&name],
                    |r| r.get(0),
                )
                .optional()?;
            match sql {
                None => out.push(format!("the change capture trigger {name} is missing")),
                Some(sql) if sql != trigger_sql(c, &cols, op) => out.push(format!(
                    "the change capture trigger {name} does not match the columns of {}",
                    c.table
                )),
                Some(_) => {}
            }
        }
    }
    Ok(out)
}

/// One captured change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub at: String,
    pub table: String,
    pub row_key: String,
    pub op: String,
    /// The row after the write: a JSON object of its columns.
    pub row: String,
}

/// A captured table's columns, as head office creates them.
#[derive(Debug, Clone)]
pub struct TableShape {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub columns: Vec<Column>,
}

/// Row count and checksum of a table's values (see [`row_checksum_line`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    pub rows: u64,
    pub sha256: String,
}

/// One value as the checksum reads it: `\N` for NULL, else its text (integers in decimal).
pub fn checksum_value(v: Option<&str>) -> String {
    match v {
        None => "\\N".to_string(),
        Some(s) => s
            .replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n"),
    }
}

/// One row's line of a table checksum: its values joined by tabs, then a newline.
pub fn row_checksum_line(values: &[Option<String>]) -> String {
    let line: Vec<String> = values
        .iter()
        .map(|v| checksum_value(v.as_deref()))
        .collect();
    line.join("\t") + "\n"
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// One consistent read of the branch for head office's first load: every captured
/// table as it stood when the change log ended at [`HqSnapshot::last_seq`], all read in
/// one SQLite read transaction (writes made meanwhile are not seen, and are in the log
/// after that sequence number).
pub struct HqSnapshot<'a> {
    tx: rusqlite::Transaction<'a>,
    last_seq: i64,
}

impl HqSnapshot<'_> {
    /// The last change the tables of this read include (0: the log is empty).
    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Calls `each` with every row of captured table `table`, its values as text (NULL
    /// as `None`) in the order of [`Store::hq_table_shapes`], rows in key order, until
    /// `each` breaks. Returns the rows read.
    pub fn rows(
        &self,
        table: &str,
        each: &mut dyn FnMut(&[Option<&str>]) -> std::ops::ControlFlow<()>,
    ) -> Result<u64> {
        let sql = table_text_sql(&self.tx, table)?;
        let mut stmt = self.tx.prepare(&sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            let mut values: Vec<Option<&str>> = Vec::with_capacity(width);
            for i in 0..width {
                values.push(row.get_ref(i)?.as_str_or_null().map_err(|e| {
                    StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    ))
                })?);
            }
            n += 1;
            if each(&values).is_break() {
                break;
            }
        }
        Ok(n)
    }
}

impl Store {
    /// The branch code this file pushes under: `code` if it names a branch of the file,
    /// else the file's only branch. `None` when the file has several and none was named,
    /// or none.
    pub fn hq_branch_code(&self, actor: &Actor, code: Option<&str>) -> Result<Option<String>> {
        require_admin(actor)?;
        let codes: Vec<String> = self
            .conn()
            .prepare("SELECT code FROM branches ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(match code {
            Some(c) => codes.iter().find(|x| x.as_str() == c).cloned(),
            None if codes.len() == 1 => codes.into_iter().next(),
            None => None,
        })
    }

    /// Sentences for capture triggers missing or out of step with their tables.
    pub fn change_capture_problems(&self) -> Result<Vec<String>> {
        trigger_problems(self.conn())
    }

    /// The schema version of the file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The shapes of every captured table, in [`CAPTURED`] order.
    pub fn hq_table_shapes(&self) -> Result<Vec<TableShape>> {
        CAPTURED
            .iter()
            .map(|c| {
                Ok(TableShape {
                    table: c.table,
                    key: c.key,
                    columns: columns(self.conn(), c)?,
                })
            })
            .collect()
    }

    /// A consistent read of every captured table and the change log's end, for head
    /// office's first load (administrators).
    pub fn hq_snapshot(&self, actor: &Actor) -> Result<HqSnapshot<'_>> {
        require_admin(actor)?;
        let tx = self.conn().unchecked_transaction()?;
        // The first read fixes what the whole transaction sees.
        let last_seq = tx.query_row("SELECT coalesce(max(seq), 0) FROM change_log", [], |r| {
            r.get(0)
        })?;
        Ok(HqSnapshot { tx, last_seq })
    }

    /// The last change's sequence number (0 when there is none).
    pub fn last_change_seq(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(seq), 0) FROM change_log", [], |r| {
                r.get(0)
            })?)
    }

    /// The changes after `after`, in order, at most `limit` (administrators).
    pub fn changes_after(&self, actor: &Actor, after: i64, limit: usize) -> Result<Vec<Change>> {
        require_admin(actor)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, at, tbl, row_key, op, row FROM change_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![after, limit], |r| {
                Ok(Change {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    table: r.get(2)?,
                    row_key: r.get(3)?,
                    op: r.get(4)?,
                    row: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many changes there are after `after`.
    pub fn changes_count_after(&self, after: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM change_log WHERE seq > ?1",
            [after],
            |r| r.get(0),
        )?)
    }

    /// Rows and checksum of a captured table's values as head office receives them, rows
    /// in key order (administrators).
    pub fn table_checksum(&self, actor: &Actor, table: &str) -> Result<TableSum> {
        require_admin(actor)?;
        let sql = table_text_sql(self.conn(), table)?;
        let mut stmt = self.conn().prepare(&sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut hash = Sha256::new();
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            let values: Vec<Option<String>> = (0..width)
                .map(|i| row.get(i))
                .collect::<rusqlite::Result<_>>()?;
            hash.update(row_checksum_line(&values).as_bytes());
            n += 1;
        }
        Ok(TableSum {
            rows: n,
            sha256: format!("{:x}", hash.finalize()),
        })
    }

    /// The last sequence number sent to head office, by a push or in a bundle (0: none).
    pub fn hq_last_sent(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(last_seq), 0) FROM hq_sync", [], |r| {
                r.get(0)
            })?)
    }

    /// Records that changes `first..=last` went to head office (`push` or `bundle`).
    pub fn record_hq_sync(
        &mut self,
        actor: &Actor,
        kind: &str,
        first: i64,
        last: i64,
        detail: &str,
    ) -> Result<()> {
        require_admin(actor)?;
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO hq_sync (kind, first_seq, last_seq, at, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![kind, first, last, super::ts(now), detail],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_lines_escape_separators_and_nulls() {
        let line = row_checksum_line(&[Some("a\tb".into()), None, Some("1".into())]);
        assert_eq!(line, "a\\tb\t\\N\t1\n");
    }

    #[test]
    fn every_captured_table_is_listed_once_and_never_excluded() {
        for (i, c) in CAPTURED.iter().enumerate() {
            assert!(!c.key.is_empty(), "{} has no key", c.table);
            assert!(
                CAPTURED[..i].iter().all(|d| d.table != c.table),
                "{} twice",
                c.table
            );
            assert!(
                EXCLUDED.iter().all(|(t, _)| *t != c.table),
                "{} both",
                c.table
            );
        }
    }
}
