//! The head-office schema in PostgreSQL, made from the branch's captured tables: schema
//! `hq`, each table with `branch_code` first in its key and partitioned by list of branch
//! codes (one partition per branch, made at its first push), plus the branches' high-water
//! marks and the batches loaded.
use anyhow::{bail, Context};
use postgres::GenericClient;

use crate::store::changelog::TableShape;

/// Quotes a PostgreSQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a PostgreSQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `hq."table"`.
pub fn table(name: &str) -> String {
    format!("hq.{}", ident(name))
}

/// The PostgreSQL type of a column of SQLite type `sql_type`. Text compares byte by byte
/// (`COLLATE "C"`), as SQLite does, so dates and instants order and compare the same.
fn pg_type(sql_type: &str) -> &'static str {
    match sql_type {
        "INTEGER" | "INT" => "bigint",
        "REAL" => "double precision",
        _ => "text COLLATE \"C\"",
    }
}

/// The `CREATE TABLE` of one captured table at head office.
pub fn create_table_sql(shape: &TableShape) -> String {
    let mut cols = vec!["branch_code text COLLATE \"C\" NOT NULL".to_string()];
    for c in &shape.columns {
        let not_null = if shape.key.contains(&c.name.as_str()) {
            " NOT NULL"
        } else {
            ""
        };
        cols.push(format!(
            "{} {}{not_null}",
            ident(&c.name),
            pg_type(&c.sql_type)
        ));
    }
    let key: Vec<String> = std::iter::once("branch_code".to_string())
        .chain(shape.key.iter().map(|k| ident(k)))
        .collect();
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    {},\n    PRIMARY KEY ({})\n) PARTITION BY LIST (branch_code)",
        table(shape.table),
        cols.join(",\n    "),
        key.join(", ")
    )
}

const BOOKKEEPING: &str = "
CREATE SCHEMA IF NOT EXISTS hq;
CREATE TABLE IF NOT EXISTS hq.meta (
    id              int PRIMARY KEY CHECK (id = 1),
    schema_version  int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS hq.branch_state (
    branch_code  text COLLATE \"C\" PRIMARY KEY,
    hwm          bigint NOT NULL DEFAULT 0,
    changes      bigint NOT NULL DEFAULT 0,
    first_at     timestamptz NOT NULL DEFAULT now(),
    last_at      timestamptz
);
CREATE TABLE IF NOT EXISTS hq.batches (
    branch_code  text COLLATE \"C\" NOT NULL,
    first_seq    bigint NOT NULL,
    last_seq     bigint NOT NULL,
    changes      bigint NOT NULL,
    via          text NOT NULL CHECK (via IN ('push', 'bundle')),
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (branch_code, first_seq)
);
";

/// Longest branch code head office takes (partition names must stay within 63 bytes).
const MAX_CODE_BYTES: usize = 40;

/// Creates what is missing of the head-office schema (under an advisory lock, so two
/// branches pushing at once do not race) and checks that it holds `version`.
pub fn ensure(
    client: &mut postgres::Client,
    shapes: &[TableShape],
    version: u32,
) -> anyhow::Result<()> {
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('rmdesk hq schema'))",
        &[],
    )?;
    tx.batch_execute(BOOKKEEPING)
        .context("creating the head-office schema")?;
    for shape in shapes {
        tx.batch_execute(&create_table_sql(shape))
            .with_context(|| format!("creating hq.{}", shape.table))?;
    }
    // The reports read each client's last AUM before an instant: walk it by index.
    tx.batch_execute(
        "CREATE INDEX IF NOT EXISTS aum_history_client_at ON hq.aum_history (branch_code, client_id, at, id)",
    )?;
    // The churn report reads each client's holdings and complaints: by client.
    tx.batch_execute(
        "CREATE INDEX IF NOT EXISTS holdings_client ON hq.holdings (branch_code, client_id);
         CREATE INDEX IF NOT EXISTS feedback_client ON hq.feedback (branch_code, client_id)",
    )?;
    // Each client's current AUM; filled from the history for a head office made before it.
    let had_current: bool = tx
        .query_one("SELECT to_regclass('hq.aum_current') IS NOT NULL", &[])?
        .get(0);
    tx.batch_execute(super::current::CREATE)?;
    // The owners' AUM slots and tier moves; made from the history likewise.
    let had_derived: bool = tx
        .query_one("SELECT to_regclass('hq.aum_owner_slots') IS NOT NULL", &[])?
        .get(0);
    tx.batch_execute(super::derived::CREATE)?;
    // A head office made before them: each branch's figures made from its history.
    if !had_derived || !had_current {
        let codes: Vec<String> = tx
            .query("SELECT branch_code FROM hq.branch_state", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for code in codes {
            if !had_derived {
                super::derived::rebuild_branch(&mut tx, &code)?;
            }
            if !had_current {
                super::current::refresh_branch(&mut tx, &code)?;
            }
        }
    }
    let version = i32::try_from(version)?;
    tx.execute(
        "INSERT INTO hq.meta (id, schema_version) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        &[&version],
    )?;
    let held: i32 = tx
        .query_one("SELECT schema_version FROM hq.meta WHERE id = 1", &[])?
        .get(0);
    // Branches upgrade one at a time: head office takes every version's columns (a
    // migration adds columns, never drops or retypes one) and records the newest.
    fit_columns(&mut tx, shapes)?;
    if version > held {
        tx.execute(
            "UPDATE hq.meta SET schema_version = $1 WHERE id = 1",
            &[&version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Adds to head office's tables any column of `shapes` they lack (a branch whose newer
/// rmdesk captures a column head office has not seen); a key column head office lacks is
/// refused, as rows could not be matched by it.
fn fit_columns(tx: &mut postgres::Transaction<'_>, shapes: &[TableShape]) -> anyhow::Result<()> {
    for shape in shapes {
        let held: Vec<String> = tx
            .query(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = 'hq' AND table_name = $1",
                &[&shape.table],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for c in shape.columns.iter().filter(|c| !held.contains(&c.name)) {
            if shape.key.contains(&c.name.as_str()) {
                bail!(
                    "head office's {} has no key column {}: this branch's rmdesk and head office's tables do not match",
                    shape.table,
                    c.name
                );
            }
            tx.batch_execute(&format!(
                "ALTER TABLE {} ADD COLUMN {} {}",
                table(shape.table),
                ident(&c.name),
                pg_type(&c.sql_type)
            ))
            .with_context(|| format!("adding {} to hq.{}", c.name, shape.table))?;
        }
    }
    Ok(())
}

/// Creates the branch's partitions and its high-water mark (0) if missing.
pub fn ensure_branch(
    client: &mut postgres::Client,
    shapes: &[TableShape],
    code: &str,
) -> anyhow::Result<()> {
    if code.is_empty() || code.len() > MAX_CODE_BYTES {
        bail!(
            "a branch code for head office has 1 to {MAX_CODE_BYTES} bytes; {code:?} has {}",
            code.len()
        );
    }
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('rmdesk hq schema'))",
        &[],
    )?;
    for shape in shapes {
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS hq.{} PARTITION OF {} FOR VALUES IN ({})",
            ident(&format!("{}@{code}", shape.table)),
            table(shape.table),
            literal(code)
        ))?;
    }
    tx.execute(
        "INSERT INTO hq.branch_state (branch_code) VALUES ($1) ON CONFLICT (branch_code) DO NOTHING",
        &[&code],
    )?;
    tx.commit()?;
    Ok(())
}

/// The branch's high-water mark: the last sequence number head office holds (0: none).
pub fn high_water_mark(client: &mut impl GenericClient, code: &str) -> anyhow::Result<i64> {
    let row = client.query_opt(
        "SELECT hwm FROM hq.branch_state WHERE branch_code = $1",
        &[&code],
    )?;
    Ok(row.map(|r| r.get(0)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::changelog::Column;

    #[test]
    fn tables_are_keyed_and_partitioned_by_branch() {
        let shape = TableShape {
            table: "visit_products",
            key: &["visit_id", "product_id"],
            columns: vec![
                Column {
                    name: "visit_id".into(),
                    sql_type: "INTEGER".into(),
                },
                Column {
                    name: "product_id".into(),
                    sql_type: "INTEGER".into(),
                },
                Column {
                    name: "override_reason".into(),
                    sql_type: "TEXT".into(),
                },
            ],
        };
        let sql = create_table_sql(&shape);
        assert!(
            sql.contains("PRIMARY KEY (branch_code, \"visit_id\", \"product_id\")"),
            "{sql}"
        );
        assert!(sql.contains("PARTITION BY LIST (branch_code)"), "{sql}");
        assert!(
            sql.contains("\"override_reason\" text COLLATE \"C\","),
            "{sql}"
        );
        assert!(sql.contains("\"visit_id\" bigint NOT NULL"), "{sql}");
    }

    #[test]
    fn quoting_doubles_quotes() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("O'Neil"), "'O''Neil'");
    }
}
