//! Loading one batch of a branch's changes at head office, exactly once: in one
//! PostgreSQL transaction the branch's high-water mark is locked and read, the changes
//! after it are copied (`COPY`) into a staging table, each table's rows are upserted from
//! it (the last change of each row wins: every change carries the whole row), and the
//! mark moves to the batch's last sequence number. A batch whose changes head office
//! already holds changes nothing; one that would leave a gap is refused.
use std::io::Write;

use anyhow::{bail, Context};

use super::schema::{ident, table};
use crate::store::changelog::{Change, TableShape};

/// What loading a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Changes applied (those after the mark), and the new mark.
    Loaded { changes: u64, hwm: i64 },
    /// Head office already held every change of the batch.
    AlreadyHeld { hwm: i64 },
}

/// A batch does not follow what head office holds: changes between are missing.
#[derive(Debug, thiserror::Error)]
#[error("head office holds changes of branch {branch} up to {hwm}, and this batch starts after {after}: the changes between must be loaded first")]
pub struct Gap {
    pub branch: String,
    pub hwm: i64,
    pub after: i64,
}

/// Escapes a value for `COPY … FROM STDIN` text format.
pub(crate) fn copy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The upsert of one table from the staging table.
fn upsert_sql(shape: &TableShape) -> String {
    let cols: Vec<String> = shape.columns.iter().map(|c| ident(&c.name)).collect();
    let key: Vec<String> = shape.key.iter().map(|k| ident(k)).collect();
    let set: Vec<String> = shape
        .columns
        .iter()
        .filter(|c| !shape.key.contains(&c.name.as_str()))
        .map(|c| format!("{0} = EXCLUDED.{0}", ident(&c.name)))
        .collect();
    let action = if set.is_empty() {
        "DO NOTHING".to_string()
    } else {
        format!("DO UPDATE SET {}", set.join(", "))
    };
    let picked: Vec<String> = cols.iter().map(|c| format!("r.{c}")).collect();
    format!(
        "INSERT INTO {t} (branch_code, {cols})
         SELECT $1::text, {picked}
         FROM (SELECT DISTINCT ON (row_key) row FROM hq_stage WHERE tbl = {name}
               ORDER BY row_key, seq DESC) s,
              jsonb_populate_record(NULL::{t}, s.row) r
         ON CONFLICT (branch_code, {key}) {action}",
        t = table(shape.table),
        cols = cols.join(", "),
        picked = picked.join(", "),
        name = super::schema::literal(shape.table),
        key = key.join(", "),
    )
}

/// Locks the branch's row of `hq.branch_state` for the transaction (`FOR UPDATE`) and
/// reads its high-water mark: the last change head office holds.
pub(crate) fn lock_mark(tx: &mut postgres::Transaction<'_>, branch: &str) -> anyhow::Result<i64> {
    tx.query_opt(
        "SELECT hwm FROM hq.branch_state WHERE branch_code = $1 FOR UPDATE",
        &[&branch],
    )?
    .map(|r| r.get(0))
    .context("the branch has no high-water mark at head office")
}

/// Loads `changes` (in sequence order, following `after`: the last change before them)
/// for `branch`, in one transaction. `via` is `push` or `bundle`.
pub fn apply_batch(
    client: &mut postgres::Client,
    shapes: &[TableShape],
    branch: &str,
    after: i64,
    changes: &[Change],
    via: &str,
) -> anyhow::Result<Applied> {
    let Some(last) = changes.last().map(|c| c.seq) else {
        bail!("an empty batch");
    };
    let mut tx = client.transaction()?;
    let hwm = lock_mark(&mut tx, branch)?;
    if hwm >= last {
        return Ok(Applied::AlreadyHeld { hwm });
    }
    if after > hwm {
        return Err(Gap {
            branch: branch.to_string(),
            hwm,
            after,
        }
        .into());
    }
    let fresh: Vec<&Change> = changes.iter().filter(|c| c.seq > hwm).collect();
    tx.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS hq_stage (seq bigint, tbl text, row_key text, row jsonb) ON COMMIT DELETE ROWS",
    )?;
    {
        let mut w = tx.copy_in("COPY hq_stage (seq, tbl, row_key, row) FROM STDIN")?;
        let mut buf = Vec::with_capacity(fresh.len() * 256);
        for c in &fresh {
            writeln!(
                buf,
                "{}\t{}\t{}\t{}",
                c.seq,
                copy_text(&c.table),
                copy_text(&c.row_key),
                copy_text(&c.row)
            )?;
        }
        w.write_all(&buf)?;
        w.finish()?;
    }
    let touched = super::derived::before_batch(&mut tx, branch)
        .context("keeping the owners' AUM slots at head office")?;
    for shape in shapes {
        if fresh.iter().any(|c| c.table == shape.table) {
            tx.execute(&upsert_sql(shape), &[&branch])
                .with_context(|| format!("loading {} at head office", shape.table))?;
        }
    }
    if fresh.iter().any(|c| c.table == "aum_history") {
        super::current::refresh_staged(&mut tx, branch)
            .context("keeping the clients' current AUM at head office")?;
    }
    if touched > 0 {
        super::derived::after_batch(&mut tx, branch)
            .context("keeping the owners' AUM slots at head office")?;
    }
    if let Some(unknown) = fresh
        .iter()
        .find(|c| shapes.iter().all(|s| s.table != c.table))
    {
        bail!(
            "a change of table {} that head office does not hold",
            unknown.table
        );
    }
    let n = fresh.len() as i64;
    let first = fresh.first().map(|c| c.seq).unwrap_or(last);
    tx.execute(
        "UPDATE hq.branch_state SET hwm = $2, changes = changes + $3, last_at = now() WHERE branch_code = $1",
        &[&branch, &last, &n],
    )?;
    tx.execute(
        "INSERT INTO hq.batches (branch_code, first_seq, last_seq, changes, via) VALUES ($1, $2, $3, $4, $5)",
        &[&branch, &first, &last, &n, &via],
    )?;
    tx.commit()?;
    Ok(Applied::Loaded {
        changes: fresh.len() as u64,
        hwm: last,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_separators() {
        assert_eq!(copy_text("a\\b\tc\nd\re"), "a\\\\b\\tc\\nd\\re");
    }
}
