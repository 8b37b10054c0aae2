//! `rmdesk hq push`: the branch's changes after head office's high-water mark, in
//! batches, each loaded exactly once (see [`super::apply`]).
use anyhow::Context;

use super::apply::{apply_batch, Applied};
use super::schema;
use crate::store::changelog::{row_checksum_line, TableShape, TableSum};
use crate::store::{Actor, Store};

/// Changes per batch (one PostgreSQL transaction each).
pub const DEFAULT_BATCH: usize = 20_000;

/// Where a push stands, for its progress lines.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// The first load copied `rows` rows of `table`, the `done`th of `tables`.
    Copied {
        table: &'a str,
        rows: u64,
        done: usize,
        tables: usize,
    },
    /// `sent` of the `total` changes after the mark are loaded.
    Changes { sent: u64, total: u64 },
}

/// How a push loads a branch head office holds nothing of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum First {
    /// Its tables copied whole ([`super::bulk`]), then the changes after.
    Bulk,
    /// Its whole change log, batch by batch, like any later push.
    Changes,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushSummary {
    pub branch: String,
    /// Changes loaded at head office by this push.
    pub changes: u64,
    pub batches: u64,
    /// Rows copied by a first load (`None`: no first load).
    pub copied: Option<u64>,
    /// Head office's high-water mark after the push.
    pub hwm: i64,
}

/// Prepares head office for the branch: the schema (created if missing, checked for the
/// branch's schema version) and the branch's partitions. Returns the captured tables.
pub fn prepare(
    store: &Store,
    client: &mut postgres::Client,
    branch: &str,
) -> anyhow::Result<Vec<TableShape>> {
    let shapes = store.hq_table_shapes()?;
    schema::ensure(client, &shapes, store.schema_version()?)?;
    schema::ensure_branch(client, &shapes, branch)?;
    Ok(shapes)
}

/// Sends every change after head office's mark for `branch`, `batch` at a time, calling
/// `progress` after each batch; a branch head office holds nothing of is first copied
/// whole ([`First::Bulk`]). Killed at any moment, or run again, it loads each change
/// exactly once: the first load and each batch move the mark in their own transaction.
pub fn push(
    store: &mut Store,
    actor: &Actor,
    client: &mut postgres::Client,
    branch: &str,
    batch: usize,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<PushSummary> {
    push_with(store, actor, client, branch, batch, First::Bulk, progress)
}

/// [`push`], saying how a first push loads the branch.
pub fn push_with(
    store: &mut Store,
    actor: &Actor,
    client: &mut postgres::Client,
    branch: &str,
    batch: usize,
    first: First,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<PushSummary> {
    let shapes = prepare(store, client, branch)?;
    let mut hwm = schema::high_water_mark(client, branch)?;
    let mut summary = PushSummary {
        branch: branch.to_string(),
        changes: 0,
        batches: 0,
        copied: None,
        hwm,
    };
    if hwm == 0 && first == First::Bulk {
        let tables = shapes.len();
        let mut done = 0;
        let loaded =
            super::bulk::first_load(store, actor, client, &shapes, branch, &mut |t, rows| {
                done += 1;
                progress(Progress::Copied {
                    table: t,
                    rows,
                    done,
                    tables,
                });
            })
            .context("the first load of the branch")?;
        if let Some(l) = loaded {
            summary.changes = u64::try_from(l.hwm).unwrap_or(0);
            summary.batches = 1;
            summary.copied = Some(l.rows);
            store
                .record_hq_sync(actor, "push", 1, l.hwm, branch)
                .context("recording the push in the branch")?;
        }
        hwm = schema::high_water_mark(client, branch)?;
    }
    let total = u64::try_from(store.changes_count_after(hwm)?).unwrap_or(0);
    let mut sent = 0u64;
    loop {
        let changes = store.changes_after(actor, hwm, batch.max(1))?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            break;
        };
        let first = changes.first().map(|c| c.seq).unwrap_or(last);
        match apply_batch(client, &shapes, branch, hwm, &changes, "push")? {
            Applied::Loaded {
                changes: n,
                hwm: new,
            } => {
                summary.changes += n;
                summary.batches += 1;
                sent += n;
                hwm = new;
                store
                    .record_hq_sync(actor, "push", first, last, branch)
                    .context("recording the push in the branch")?;
            }
            // Another push of the same branch got there first: carry on after it.
            Applied::AlreadyHeld { hwm: held } => hwm = held,
        }
        progress(Progress::Changes { sent, total });
        test_pause();
    }
    summary.hwm = hwm;
    Ok(summary)
}

/// A pause after each batch, in the test suite's builds only (`RMDESK_TEST_BATCH_PAUSE_MS`),
/// so that the kill trials stop a push between batches however fast the machine is.
pub(crate) fn test_pause() {
    #[cfg(feature = "test-clock")]
    if let Some(ms) = std::env::var("RMDESK_TEST_BATCH_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Rows and checksum of one table of `branch` at head office, computed like
/// [`Store::table_checksum`] so that equal values give equal sums.
pub fn hq_table_checksum(
    client: &mut postgres::Client,
    shape: &TableShape,
    branch: &str,
) -> anyhow::Result<TableSum> {
    use sha2::{Digest, Sha256};
    let cols: Vec<String> = shape
        .columns
        .iter()
        .map(|c| format!("t.{}::text", schema::ident(&c.name)))
        .collect();
    // Qualified, so the order is the key's own and not its text.
    let key: Vec<String> = shape
        .key
        .iter()
        .map(|k| format!("t.{}", schema::ident(k)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {} t WHERE t.branch_code = $1 ORDER BY {}",
        cols.join(", "),
        schema::table(shape.table),
        key.join(", ")
    );
    let mut hash = Sha256::new();
    let mut rows = 0u64;
    for row in client.query(&sql, &[&branch])? {
        let values: Vec<Option<String>> = (0..shape.columns.len())
            .map(|i| row.try_get(i))
            .collect::<Result<_, _>>()?;
        hash.update(row_checksum_line(&values).as_bytes());
        rows += 1;
    }
    Ok(TableSum {
        rows,
        sha256: format!("{:x}", hash.finalize()),
    })
}
