//! The first load of a branch at head office: instead of replaying its whole change log,
//! every captured table is copied as it stands (`COPY` straight into the branch's
//! partitions), read in one SQLite read transaction together with the log's last
//! sequence number S. In one PostgreSQL transaction the branch's mark is locked and
//! checked to be 0 (head office holds nothing of it), the tables are copied, and the mark
//! moves to S, so the push goes on with the changes after S. Killed at any moment, the
//! transaction leaves nothing and the next push loads it again; run twice at once, the
//! second finds the mark moved and loads nothing.
use std::io::Write;
use std::ops::ControlFlow;

use anyhow::Context;

use super::apply::copy_text;
use super::schema::ident;
use crate::store::changelog::TableShape;
use crate::store::{Actor, Store};

/// What the first load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstLoad {
    /// Rows copied, over every table.
    pub rows: u64,
    /// The change log's last sequence number the copied tables include: the new mark.
    pub hwm: i64,
}

/// Bytes gathered before each write into `COPY`.
const CHUNK: usize = 1 << 20;

/// Loads the branch whole if head office holds nothing of it (mark 0) and its log is not
/// empty. `table_done(table, rows)` is called after each table. `None`: nothing done
/// (head office already holds some of the branch, or there is nothing to load).
pub fn first_load(
    store: &Store,
    actor: &Actor,
    client: &mut postgres::Client,
    shapes: &[TableShape],
    branch: &str,
    table_done: &mut dyn FnMut(&str, u64),
) -> anyhow::Result<Option<FirstLoad>> {
    let snapshot = store.hq_snapshot(actor)?;
    let last = snapshot.last_seq();
    if last == 0 {
        return Ok(None);
    }
    let mut tx = client.transaction()?;
    let hwm = super::apply::lock_mark(&mut tx, branch)?;
    if hwm != 0 {
        return Ok(None);
    }
    let code = copy_text(branch);
    let mut total = 0u64;
    for shape in shapes {
        let cols: Vec<String> = shape.columns.iter().map(|c| ident(&c.name)).collect();
        let partition = format!("hq.{}", ident(&format!("{}@{branch}", shape.table)));
        let mut w = tx
            .copy_in(&format!(
                "COPY {partition} (branch_code, {}) FROM STDIN",
                cols.join(", ")
            ))
            .with_context(|| format!("copying {} to head office", shape.table))?;
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
        let mut failed: Option<std::io::Error> = None;
        let rows = snapshot.rows(shape.table, &mut |values| {
            buf.extend_from_slice(code.as_bytes());
            for v in values {
                buf.push(b'\t');
                match v {
                    None => buf.extend_from_slice(b"\\N"),
                    Some(s) => buf.extend_from_slice(copy_text(s).as_bytes()),
                }
            }
            buf.push(b'\n');
            if buf.len() >= CHUNK {
                if let Err(e) = w.write_all(&buf) {
                    failed = Some(e);
                    return ControlFlow::Break(());
                }
                buf.clear();
            }
            ControlFlow::Continue(())
        })?;
        if let Some(e) = failed {
            return Err(e).with_context(|| format!("copying {} to head office", shape.table));
        }
        w.write_all(&buf)?;
        w.finish()
            .with_context(|| format!("copying {} to head office", shape.table))?;
        total += rows;
        table_done(shape.table, rows);
        super::push::test_pause();
    }
    super::current::refresh_branch(&mut tx, branch)
        .context("the clients' current AUM at head office")?;
    super::derived::rebuild_branch(&mut tx, branch)
        .context("the owners' AUM slots at head office")?;
    let n = last;
    tx.execute(
        "UPDATE hq.branch_state SET hwm = $2, changes = changes + $3, last_at = now() WHERE branch_code = $1",
        &[&branch, &last, &n],
    )?;
    tx.execute(
        "INSERT INTO hq.batches (branch_code, first_seq, last_seq, changes, via) VALUES ($1, 1, $2, $3, 'push')",
        &[&branch, &last, &n],
    )?;
    tx.commit()?;
    Ok(Some(FirstLoad {
        rows: total,
        hwm: last,
    }))
}
