//! Client import and export in the CSV format of product.md.
//!
//! An import checks every row first (the domain's field rules, repeats within the file,
//! then what needs the database: an ID number that already belongs to a client, a
//! client number in use, an owner the importing user may not assign). A file with any
//! refused row writes nothing unless `skip_invalid`; then the good rows are written in
//! one transaction, in batches of [`IMPORT_BATCH`] clients, each batch with one audit
//! entry naming its clients.
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};
use rust_decimal::Decimal;

use super::clients::{ClientFilter, Thresholds};
use super::clients_write::{
    client_values, id_owner, placeholders, resolve_owner, CLIENT_COLUMNS, CLIENT_WIDTH,
};
use super::{audit, files, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{ClientInput, Tier, ValidClient};
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::csv_import::{
    check_rows, csv_header, csv_row, parse_csv, CsvFileError, ParsedFile, RowError,
};
use crate::domain::csv_text;
use crate::domain::search_terms;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows written.
    pub imported: usize,
    /// Rows refused, by line, each with every reason.
    pub rejected: Vec<RowError>,
    /// Rows in the file.
    pub total: usize,
}

impl ImportReport {
    /// Whether the file was written (all rows good, or `skip_invalid`).
    pub fn written(&self) -> bool {
        self.imported > 0 || self.rejected.is_empty()
    }
}

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

/// Clients written (and named in one audit entry) at a time by an import.
pub const IMPORT_BATCH: usize = 1000;

/// The audit text of an import batch: how many clients, and each one's id and client
/// number (`rows=2 clients=41:C000000041 42:KH-7`), so that every imported client is
/// found in the audit log. Their fields are the client rows' own, and any later change
/// is audited with its before and after.
pub(crate) fn import_entry(batch: &[(i64, String)]) -> String {
    let mut out = format!("rows={} clients=", batch.len());
    for (i, (id, no)) in batch.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{id}:{no}"));
    }
    out
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

/// Writes the clients of an import with their search entries, many rows to a statement.
/// Ids are given, from the table's next one up (the import holds the write lock, so
/// nothing else takes one); generated client numbers follow them, skipping any number
/// in use or named by a row of the file.
struct BulkWriter<'a> {
    tx: &'a Connection,
    next_id: i64,
    next_no: i64,
    named: HashSet<&'a str>,
    tier: Tier,
}

impl<'a> BulkWriter<'a> {
    fn new(tx: &'a Connection, ready: &'a [Ready<'_>], t: Thresholds) -> Result<Self> {
        let next_id: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM clients", [], |r| {
                r.get(0)
            })?;
        Ok(BulkWriter {
            tx,
            next_id,
            next_no: next_id,
            named: ready
                .iter()
                .filter_map(|(c, _)| c.client_no.as_deref())
                .collect(),
            tier: Tier::from_aum(Decimal::ZERO, t.key(), t.core()),
        })
    }

    /// A generated client number (`C` and nine digits), never below the row's id.
    fn client_no(&mut self, id: i64) -> Result<String> {
        self.next_no = self.next_no.max(id);
        loop {
            let no = format!("C{:09}", self.next_no);
            self.next_no += 1;
            let taken: bool = self
                .tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE client_no = ?1)")?
                .query_row([&no], |r| r.get(0))?;
            if !taken && !self.named.contains(no.as_str()) {
                return Ok(no);
            }
        }
    }

    /// Writes `batch`; returns each client's id and number.
    fn write(&mut self, batch: &[Ready<'_>], now: &str) -> Result<Vec<(i64, String)>> {
        let mut rows = Vec::with_capacity(batch.len() * CLIENT_WIDTH);
        let mut terms = Vec::with_capacity(batch.len() * 2);
        let mut phones = Vec::with_capacity(batch.len() * 2);
        let mut named = Vec::with_capacity(batch.len());
        for (client, owner) in batch {
            let id = self.next_id;
            self.next_id += 1;
            let no = match &client.client_no {
                Some(no) => no.clone(),
                None => self.client_no(id)?,
            };
            rows.extend(client_values(Some(id), &no, client, *owner, self.tier, now));
            terms.push(Value::Integer(id));
            terms.push(Value::Text(search_terms::terms(
                &client.name,
                &no,
                &client.id_number,
            )));
            let digits = search_terms::phone_digits(client.mobile.as_deref().unwrap_or(""));
            if !digits.is_empty() {
                phones.push(Value::Integer(id));
                phones.push(Value::Text(digits));
            }
            named.push((id, no));
        }
        let head = format!("INSERT INTO clients ({CLIENT_COLUMNS})");
        insert_many(self.tx, &head, CLIENT_WIDTH, CLIENTS_PER_INSERT, &rows)?;
        let search = "INSERT INTO client_search (rowid, terms)";
        insert_many(self.tx, search, 2, ENTRIES_PER_INSERT, &terms)?;
        let phone = "INSERT INTO client_phone (rowid, digits)";
        insert_many(self.tx, phone, 2, ENTRIES_PER_INSERT, &phones)?;
        Ok(named)
    }
}

/// A checked row of an import and its owner (user id, branch id).
type Ready<'a> = (&'a ValidClient, (i64, i64));

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

/// Why a client file could not be read at all (before any row is looked at).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The operating system refused.
    #[error("{path} cannot be read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The reason.
        source: std::io::Error,
    },
    /// Not the client format.
    #[error("{path}: {source}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        source: CsvFileError,
    },
}

/// What stops an export file: the file system, or the store.
#[derive(Debug)]
enum ExportError {
    Io(std::io::Error),
    Store(StoreError),
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io(e)
    }
}

/// Reads and splits a client file into rows (not yet checked).
pub fn read_client_file(path: &Path) -> std::result::Result<ParsedFile, FileError> {
    let shown = path.display().to_string();
    let data = std::fs::read(path).map_err(|source| FileError::Io {
        path: shown.clone(),
        source,
    })?;
    parse_csv(&data).map_err(|source| FileError::Format {
        path: shown,
        source,
    })
}

impl Store {
    /// Writes the clients `actor` sees to `path` in the CSV format (masked unless
    /// `unmasked`), through [`files::write_private_atomic`]: mode `0600`, written beside
    /// the target, flushed to disk and renamed, so a failed export or a power loss leaves
    /// no half-written file. The export is audited once the file is safely on disk.
    /// Returns the number of clients.
    pub fn export_clients_to_file(
        &mut self,
        actor: &Actor,
        filter: &ClientFilter,
        path: &Path,
        unmasked: bool,
    ) -> Result<usize> {
        let n = files::write_private_atomic(path, |out| {
            out.write_all(csv_text::BOM.as_bytes())?;
            out.write_all(csv_header().as_bytes())?;
            self.export_rows(actor, filter, unmasked, &mut |row| {
                out.write_all(csv_row(row).as_bytes())
            })
            .map_err(ExportError::Store)
        })
        .map_err(|e| match e {
            ExportError::Io(e) => StoreError::write_failed(path, e),
            ExportError::Store(StoreError::Io { source, .. }) => {
                StoreError::write_failed(path, source)
            }
            ExportError::Store(e) => e,
        })?;
        self.audit_export(actor, n, unmasked)?;
        Ok(n)
    }

    /// Imports the rows of a parsed client file as `actor`. `progress(done, total)` is
    /// called as rows are written.
    pub fn import_clients(
        &mut self,
        actor: &Actor,
        file: &ParsedFile,
        skip_invalid: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let (valid, mut rejected) = check_rows(&file.rows, today);
        rejected.extend(file.errors.iter().cloned());
        let total = file.rows.len() + file.errors.len();
        let thresholds = self.thresholds()?;
        let report = self.write(|tx, now| {
            // First pass: what needs the database. Nothing is written yet.
            let mut owners: HashMap<String, std::result::Result<(i64, i64), OwnerRefusal>> =
                HashMap::new();
            let mut ready = Vec::with_capacity(valid.len());
            for (line, client) in &valid {
                let key = client.owner.clone().unwrap_or_default().to_lowercase();
                let owner = owners
                    .entry(key)
                    .or_insert_with(|| {
                        resolve_owner(tx, actor, client.owner.as_deref()).map_err(|e| match e {
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
                    })
                    .clone();
                let owner = match owner {
                    Ok(o) => o,
                    Err((reason, keys)) => {
                        reject(&mut rejected, *line, reason, keys);
                        continue;
                    }
                };
                if let Some((_, no)) = id_owner(tx, &client.id_number)? {
                    reject(
                        &mut rejected,
                        *line,
                        format!("id_number: already belongs to client {no}"),
                        vec![("id_number", "err.id.exists")],
                    );
                    continue;
                }
                if let Some(no) = &client.client_no {
                    let taken: bool = tx
                        .prepare_cached(
                            "SELECT EXISTS (SELECT 1 FROM clients WHERE client_no = ?1)",
                        )?
                        .query_row([no], |r| r.get(0))?;
                    if taken {
                        reject(
                            &mut rejected,
                            *line,
                            "client_no: already used".into(),
                            vec![("client_no", "err.client_no.taken")],
                        );
                        continue;
                    }
                }
                ready.push((client, owner));
            }
            rejected.sort_by_key(|r| r.line);
            if !rejected.is_empty() && !skip_invalid {
                return Ok(ImportReport {
                    imported: 0,
                    rejected,
                    total,
                });
            }
            // Second pass: write, a batch at a time, each batch with one audit entry
            // naming its clients. A large import into a small table leaves the list
            // indexes out while it writes and builds them again at the end, in this
            // same transaction: sorting once is cheaper than a random insert per row
            // into each.
            let deferred = if defer_indexes(tx, ready.len())? {
                drop_list_indexes(tx)?
            } else {
                Vec::new()
            };
            let stamp = ts(now);
            let mut writer = BulkWriter::new(tx, &ready, thresholds)?;
            let mut done = 0;
            for batch in ready.chunks(IMPORT_BATCH) {
                let named = writer.write(batch, &stamp)?;
                let after = import_entry(&named);
                let mut e = audit::Entry::new("client.import", "client", None);
                e.after = Some(&after);
                audit::append(tx, now, actor.into(), e)?;
                done += batch.len();
                progress(done, ready.len());
            }
            for sql in &deferred {
                tx.execute_batch(sql)?;
            }
            Ok(ImportReport {
                imported: ready.len(),
                rejected,
                total,
            })
        })?;
        Ok(report)
    }

    /// Every client `actor` may see that `filter` keeps (the list's filter: what the screen
    /// shows is what is written), by client number, as rows of the CSV format, handed
    /// one at a time to `each` (a million rows never sit in memory). ID number, mobile
    /// and email are masked unless `unmasked`. The export is audited. An error of `each`
    /// comes back as [`StoreError::Io`] with an empty path (the caller knows the file).
    pub fn export_clients(
        &mut self,
        actor: &Actor,
        filter: &ClientFilter,
        unmasked: bool,
        each: &mut dyn FnMut(&ClientInput) -> std::io::Result<()>,
    ) -> Result<usize> {
        let count = self.export_rows(actor, filter, unmasked, each)?;
        self.audit_export(actor, count, unmasked)?;
        Ok(count)
    }

    /// The `client.export` audit entry of an export of `count` rows.
    fn audit_export(&mut self, actor: &Actor, count: usize, unmasked: bool) -> Result<()> {
        let after = format!("rows={count} masked={}", !unmasked);
        self.write(|tx, now| {
            let mut e = audit::Entry::new("client.export", "client", None);
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })
    }

    /// The rows of [`Store::export_clients`], without its audit entry.
    fn export_rows(
        &self,
        actor: &Actor,
        filter: &ClientFilter,
        unmasked: bool,
        each: &mut dyn FnMut(&ClientInput) -> std::io::Result<()>,
    ) -> Result<usize> {
        let (scope_sql, scope_arg) = super::clients::scope(actor);
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let mut sql = format!(
            "SELECT c.client_no, c.kind, c.name, c.gender, c.birth_date, c.id_type, c.id_number, c.mobile,
                    c.email, c.address, c.occupation, c.risk_level, c.risk_assessed_on, c.status,
                    u.username, c.notes
             FROM clients c JOIN users u ON u.id = c.owner_id WHERE {scope_sql}"
        );
        // The same filter as the list's, so a file holds what the screen shows.
        let mut args = vec![scope_arg];
        super::clients::filter_sql(filter, &mut sql, &mut args);
        sql.push_str(" ORDER BY c.client_no");
        let mut count = 0usize;
        {
            let mut stmt = self.conn().prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                let text = |i: usize| -> rusqlite::Result<String> {
                    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
                };
                let mut row = ClientInput {
                    client_no: text(0)?,
                    kind: text(1)?,
                    name: text(2)?,
                    gender: text(3)?,
                    birth_date: text(4)?,
                    id_type: text(5)?,
                    id_number: text(6)?,
                    mobile: text(7)?,
                    email: text(8)?,
                    address: text(9)?,
                    occupation: text(10)?,
                    risk_level: text(11)?,
                    risk_assessed_on: text(12)?,
                    status: text(13)?,
                    owner: text(14)?,
                    notes: text(15)?,
                    ..ClientInput::default()
                };
                if !unmasked {
                    row.id_number = mask_id_number(&row.id_number);
                    if !row.mobile.is_empty() {
                        row.mobile = mask_mobile(&row.mobile);
                    }
                    if !row.email.is_empty() {
                        row.email = mask_email(&row.email);
                    }
                }
                each(&row).map_err(|e| StoreError::write_failed(Path::new(""), e))?;
                count += 1;
            }
        }
        Ok(count)
    }
}
