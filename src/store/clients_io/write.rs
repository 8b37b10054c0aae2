//! The writing side of a client import: the checked rows (their values made on the
//! checking thread) in batches, many rows to a statement, with their search entries and
//! one audit entry per batch; the unique indexes as the check against the database; the
//! list indexes left out of a large import into a small table and built again at its
//! end. No savepoint: a refused file rolls the whole transaction back, as a savepoint
//! open over the import made SQLite copy every page it changed into a statement journal.
use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::super::clients_write::{
    client_values, id_owner, placeholders, resolve_owner, CLIENT_COLUMNS, CLIENT_WIDTH,
};
use super::super::{audit, Actor, Result, StoreError};
use super::{import_entry, ImportReport};
use crate::domain::client::{Tier, ValidClient};
use crate::domain::csv_import::{ParsedFile, RowError};
use crate::domain::search_terms;

fn reject(
    rejected: &mut Vec<RowError>,
    line: u64,
    reason: String,
    keys: Vec<(&'static str, &'static str)>,
) {
    rejected.push(RowError {
        line,
        reasons: vec![reason],
        keys,
        duplicate_of: None,
    });
}

/// Clients written by one INSERT statement of an import.
const CLIENTS_PER_INSERT: usize = 50;

/// Search entries written by one INSERT statement of an import. Each statement inside a
/// transaction opens a statement savepoint, and at every savepoint FTS5 writes the terms
/// it holds in memory to a new segment of its index, to be merged later: written one row
/// to a statement, an index is flushed and merged once per client, which was most of
/// the cost of importing. Hundreds of rows to a statement make segments worth writing.
const ENTRIES_PER_INSERT: usize = 500;

/// Inserts `values` (rows of `width` values each) with `head` (`INSERT INTO t (a, b)`),
/// `per` rows to a statement.
fn insert_many(
    tx: &Connection,
    head: &str,
    width: usize,
    per: usize,
    values: &[Value],
) -> Result<()> {
    let row = format!("({})", placeholders(width));
    for chunk in values.chunks(width * per) {
        let rows = vec![row.as_str(); chunk.len() / width].join(", ");
        tx.prepare_cached(&format!("{head} VALUES {rows}"))?
            .execute(params_from_iter(chunk))?;
    }
    Ok(())
}

/// Inserts `rows` rows of `width` values each (`values`, in order) with one statement.
fn insert_rows<'v>(
    tx: &Connection,
    head: &str,
    width: usize,
    rows: usize,
    values: impl Iterator<Item = &'v Value>,
) -> Result<()> {
    let row = format!("({})", placeholders(width));
    let sql = format!("{head} VALUES {}", vec![row.as_str(); rows].join(", "));
    tx.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

/// The places in [`CLIENT_COLUMNS`] that the writing side fills in or reads.
const COL_ID: usize = 0;
const COL_NO: usize = 1;
const COL_ID_NUMBER: usize = 7;
const COL_OWNER: usize = 16;
const COL_BRANCH: usize = 17;

/// A row of an import as the checking thread hands it over: its line, its row's values
/// (all but the id, a generated client number and the owner, which only the writing side
/// knows), and what the search needs of it that costs (pinyin), worked out there too.
/// Everything a row needs is made on the checking thread, so the writing thread's work
/// (and its memory) is the database's alone.
pub(super) struct Checked {
    line: u64,
    values: Vec<Value>,
    /// Whether the file gives the client number (else the writing side makes one).
    own: bool,
    /// The owner as written in the file (`None`: the importing user).
    owner: Option<String>,
    /// `owner` in lower case: the key of the owners already looked up.
    owner_key: String,
    name_terms: String,
    phone: String,
}

impl Checked {
    /// The row of `client` at `line`, stamped `now`, tier `tier`.
    pub(super) fn new(line: u64, client: ValidClient, now: &str, tier: Tier) -> Self {
        let mut values: Vec<Value> = client_values(
            None,
            "",
            &client,
            (0, 0),
            tier,
            now,
            search_terms::name_sort_key(&client.name),
        )
        .into();
        values[COL_NO] = client.client_no.clone().map_or(Value::Null, Value::Text);
        // Room for the number terms the writing side adds.
        let mut name_terms = search_terms::name_terms(&client.name);
        name_terms.reserve(48);
        Checked {
            line,
            own: client.client_no.is_some(),
            owner_key: client.owner.as_deref().unwrap_or_default().to_lowercase(),
            owner: client.owner,
            name_terms,
            phone: search_terms::phone_digits(client.mobile.as_deref().unwrap_or("")),
            values,
        }
    }

    fn text(&self, col: usize) -> Option<&str> {
        match &self.values[col] {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The client number the file gives the row, if any.
    fn own_no(&self) -> Option<&str> {
        self.text(COL_NO).filter(|_| self.own)
    }

    fn id_number(&self) -> &str {
        self.text(COL_ID_NUMBER).unwrap_or_default()
    }
}

/// What the checking thread sends: a batch of checked rows and the rows it refused.
#[derive(Default)]
pub(super) struct CheckedBatch {
    pub(super) rows: Vec<Checked>,
    pub(super) refused: Vec<RowError>,
}

/// A checked row of an import, its owner (user id, branch id) filled in.
type Ready = Checked;

/// What a batch wrote (each client's id and number) and the rows the database refused.
type Written = (Vec<(i64, String)>, Vec<RowError>);

/// Why a row cannot be written although its fields are good: the ID number or the
/// client number is already in the database. `None` when it can be.
fn conflict(tx: &Connection, row: &Checked) -> Result<Option<RowError>> {
    if let Some((_, no)) = id_owner(tx, row.id_number())? {
        return Ok(Some(RowError {
            line: 0,
            reasons: vec![format!("id_number: already belongs to client {no}")],
            keys: vec![("id_number", "err.id.exists")],
            duplicate_of: None,
        }));
    }
    if let Some(no) = row.own_no() {
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE client_no = ?1)")?
            .query_row([no], |r| r.get(0))?;
        if taken {
            return Ok(Some(RowError {
                line: 0,
                reasons: vec!["client_no: already used".into()],
                keys: vec![("client_no", "err.client_no.taken")],
                duplicate_of: None,
            }));
        }
    }
    Ok(None)
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// Writes the clients of an import with their search entries, many rows to a statement.
/// Ids are given, from the table's next one up (the import holds the write lock, so
/// nothing else takes one); generated client numbers follow them, skipping any number
/// in use or named by a row of the file.
///
/// The unique indexes of `clients` (ID number, client number) are the check against the
/// database: a statement of 50 rows that one of them refuses is undone by SQLite alone,
/// and only then are its rows looked up one by one, the refused ones reported and the
/// others written. A file of new clients costs no look-up per row.
struct BulkWriter<'a> {
    tx: &'a Connection,
    next_id: i64,
    next_no: i64,
    /// Every generated number above this one is free in the database (as it was when
    /// the import started; the file's own numbers are in `named`).
    free_above: i64,
    named: HashSet<String>,
}

impl<'a> BulkWriter<'a> {
    fn new(tx: &'a Connection, named: HashSet<String>) -> Result<Self> {
        let next_id: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM clients", [], |r| {
                r.get(0)
            })?;
        let highest: Option<String> = tx.query_row(
            "SELECT max(client_no) FROM clients WHERE client_no GLOB 'C[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'",
            [],
            |r| r.get(0),
        )?;
        let free_above = highest
            .and_then(|h| h.get(1..).and_then(|d| d.parse::<i64>().ok()))
            .unwrap_or(0);
        Ok(BulkWriter {
            tx,
            next_id,
            next_no: next_id,
            free_above,
            named,
        })
    }

    /// A generated client number (`C` and nine digits), never below the row's id.
    fn client_no(&mut self, id: i64) -> Result<String> {
        self.next_no = self.next_no.max(id);
        loop {
            let n = self.next_no;
            let no = format!("C{n:09}");
            self.next_no += 1;
            if self.named.contains(&no) {
                continue;
            }
            let taken = n <= self.free_above
                && self
                    .tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE client_no = ?1)")?
                    .query_row([&no], |r| r.get::<_, bool>(0))?;
            if !taken {
                return Ok(no);
            }
        }
    }

    /// Gives `row` its id and, unless the file gave one, a client number.
    fn number(&mut self, row: &mut Ready) -> Result<(i64, String)> {
        let id = self.next_id;
        self.next_id += 1;
        let no = match row.own_no() {
            Some(no) => no.to_string(),
            None => {
                let no = self.client_no(id)?;
                row.values[COL_NO] = Value::Text(no.clone());
                no
            }
        };
        row.values[COL_ID] = Value::Integer(id);
        Ok((id, no))
    }

    /// Writes `batch`; returns each written client's id and number, and the rows the
    /// database refused (ID number or client number already there).
    fn write(&mut self, batch: &mut [Ready]) -> Result<Written> {
        let mut named = Vec::with_capacity(batch.len());
        let mut refused = Vec::new();
        let mut written: Vec<usize> = Vec::with_capacity(batch.len());
        let head = format!("INSERT INTO clients ({CLIENT_COLUMNS})");
        let mut at = 0;
        for chunk in batch.chunks_mut(CLIENTS_PER_INSERT) {
            let mut ids = Vec::with_capacity(chunk.len());
            for row in chunk.iter_mut() {
                ids.push(self.number(row)?);
            }
            let values = chunk.iter().flat_map(|r| r.values.iter());
            match insert_rows(self.tx, &head, CLIENT_WIDTH, chunk.len(), values) {
                Ok(()) => {
                    named.extend(ids);
                    written.extend(at..at + chunk.len());
                }
                Err(StoreError::Sqlite(e)) if is_constraint(&e) => {
                    // Undone by SQLite; now row by row, each looked up first.
                    for (i, row) in chunk.iter_mut().enumerate() {
                        if let Some(mut e) = conflict(self.tx, row)? {
                            e.line = row.line;
                            refused.push(e);
                            continue;
                        }
                        let id = self.number(row)?;
                        insert_rows(self.tx, &head, CLIENT_WIDTH, 1, row.values.iter())?;
                        named.push(id);
                        written.push(at + i);
                    }
                }
                Err(e) => return Err(e),
            }
            at += chunk.len();
        }
        let mut terms = Vec::with_capacity(written.len() * 2);
        let mut phones = Vec::with_capacity(written.len() * 2);
        for (i, (id, no)) in written.into_iter().zip(&named) {
            let c = &mut batch[i];
            let mut text = std::mem::take(&mut c.name_terms);
            search_terms::add_number_terms(&mut text, no, c.id_number());
            terms.push(Value::Integer(*id));
            terms.push(Value::Text(text));
            if !c.phone.is_empty() {
                phones.push(Value::Integer(*id));
                phones.push(Value::Text(std::mem::take(&mut c.phone)));
            }
        }
        let search = "INSERT INTO client_search (rowid, terms)";
        insert_many(self.tx, search, 2, ENTRIES_PER_INSERT, &terms)?;
        let phone = "INSERT INTO client_phone (rowid, digits)";
        insert_many(self.tx, phone, 2, ENTRIES_PER_INSERT, &phones)?;
        Ok((named, refused))
    }
}

/// The writing side of an import, in its transaction: the rows in batches (each with
/// one audit entry naming its clients) as the checking thread hands them over, each
/// row's owner looked up once per name. Once a row is refused and the file is not to be
/// written with refusals, the rest are only checked (to report every refused row); the
/// `bool` returned says whether to keep what was written (false: the caller rolls the
/// transaction back, so a refused file writes nothing).
#[allow(clippy::too_many_arguments)]
pub(super) fn write_import(
    tx: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    file: &ParsedFile,
    batches: std::sync::mpsc::Receiver<CheckedBatch>,
    named: HashSet<String>,
    skip_invalid: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(ImportReport, bool)> {
    let mut rejected: Vec<RowError> = file.errors.to_vec();
    let mut owners: HashMap<String, std::result::Result<(i64, i64), OwnerRefusal>> = HashMap::new();
    // A large import into a small table leaves the list indexes out while it writes and
    // builds them again at the end, in this same transaction: sorting once is cheaper
    // than a random insert per row into each.
    let deferred = if defer_indexes(tx, file.rows.len())? {
        drop_list_indexes(tx)?
    } else {
        Vec::new()
    };
    let mut writer = BulkWriter::new(tx, named)?;
    let (mut done, mut imported) = (0, 0);
    for batch in batches {
        done += batch.rows.len() + batch.refused.len();
        rejected.extend(batch.refused);
        let mut ready: Vec<Ready> = Vec::with_capacity(batch.rows.len());
        for mut checked in batch.rows {
            let owner = match owners.get(&checked.owner_key) {
                Some(o) => o.clone(),
                None => {
                    let o = owner_of(tx, actor, checked.owner.as_deref());
                    owners.insert(checked.owner_key.clone(), o.clone());
                    o
                }
            };
            match owner {
                Ok((user, branch)) => {
                    checked.values[COL_OWNER] = Value::Integer(user);
                    checked.values[COL_BRANCH] = Value::Integer(branch);
                    ready.push(checked);
                }
                Err((reason, keys)) => reject(&mut rejected, checked.line, reason, keys),
            }
        }
        if !rejected.is_empty() && !skip_invalid {
            // Nothing will be written: only look for the other refusals.
            for checked in &ready {
                if let Some(mut e) = conflict(tx, checked)? {
                    e.line = checked.line;
                    rejected.push(e);
                }
            }
            progress(done, file.rows.len());
            continue;
        }
        let (written, refused) = writer.write(&mut ready)?;
        rejected.extend(refused);
        if !written.is_empty() {
            let after = import_entry(&written);
            let mut e = audit::Entry::new("client.import", "client", None);
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
        }
        imported += written.len();
        progress(done, file.rows.len());
    }
    rejected.sort_by_key(|r| r.line);
    if !rejected.is_empty() && !skip_invalid {
        let report = ImportReport {
            imported: 0,
            rejected,
            total: 0,
        };
        return Ok((report, false));
    }
    for sql in &deferred {
        tx.execute_batch(sql)?;
    }
    let report = ImportReport {
        imported,
        rejected,
        total: 0,
    };
    Ok((report, true))
}

/// The owner (user id, branch id) `actor` may give a row that names `owner`, or why not.
fn owner_of(
    tx: &Connection,
    actor: &Actor,
    owner: Option<&str>,
) -> std::result::Result<(i64, i64), OwnerRefusal> {
    resolve_owner(tx, actor, owner).map_err(|e| match e {
        StoreError::Fields(f) => (
            f.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            f.iter().map(|e| (e.field, e.key)).collect(),
        ),
        other => (
            format!("owner: {other}"),
            vec![("owner", "err.owner.unknown")],
        ),
    })
}

/// Fewest rows for which an import may leave the list indexes out while it writes.
const DEFER_INDEXES_MIN: usize = 10_000;

/// Whether writing `rows` new clients is cheaper without the list indexes: when there are
/// many, and at least as many as the clients already stored (building an index sorts
/// every row of the table, old and new; keeping it costs a random insert per new row).
fn defer_indexes(tx: &Connection, rows: usize) -> Result<bool> {
    if rows < DEFER_INDEXES_MIN {
        return Ok(false);
    }
    let existing: i64 = tx.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
    Ok(usize::try_from(existing).is_ok_and(|n| n <= rows))
}

/// Drops the indexes of `clients` that serve lists and duplicate checks (every index
/// declared in the schema except the unique ones, which keep enforcing their rule during
/// the import) and returns the SQL that makes them again.
fn drop_list_indexes(tx: &Connection) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = 'clients' AND sql IS NOT NULL
               AND sql NOT LIKE 'CREATE UNIQUE%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut again = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        again.push(sql);
    }
    Ok(again)
}

/// Why an owner cannot be assigned: the English reason and its (field, key) pairs.
type OwnerRefusal = (String, Vec<(&'static str, &'static str)>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_places_filled_in_are_the_columns_named() {
        let columns: Vec<&str> = CLIENT_COLUMNS.split(',').map(str::trim).collect();
        assert_eq!(columns.len(), CLIENT_WIDTH);
        for (at, name) in [
            (COL_ID, "id"),
            (COL_NO, "client_no"),
            (COL_ID_NUMBER, "id_number"),
            (COL_OWNER, "owner_id"),
            (COL_BRANCH, "branch_id"),
        ] {
            assert_eq!(columns[at], name);
        }
    }
}
