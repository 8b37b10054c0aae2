//! Client import and export in the CSV format of product.md.
//!
//! An import checks every row first (the domain's field rules, repeats within the file,
//! then what needs the database: an ID number that already belongs to a client, a
//! client number in use, an owner the importing user may not assign). A file with any
//! refused row writes nothing unless `skip_invalid`; then the good rows are written in
//! one transaction, in batches of [`IMPORT_BATCH`] clients, each batch with one audit
//! entry naming its clients.
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use rusqlite::{params_from_iter, TransactionBehavior};

use super::clients::ClientFilter;
use super::{audit, files, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{ClientInput, Tier};
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::csv_import::{
    csv_header, csv_row, parse_csv, CsvFileError, ParsedFile, RowChecker, RowError,
};
use crate::domain::csv_text;
use rust_decimal::Decimal;

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

mod write;

use write::{write_import, Checked, CheckedBatch};

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
        let total = file.rows.len() + file.errors.len();
        let thresholds = self.thresholds()?;
        let named: HashSet<String> = file
            .rows
            .iter()
            .map(|r| r.input.client_no.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let tier = Tier::from_aum(Decimal::ZERO, thresholds.key(), thresholds.core());
        if self.damaged {
            return Err(StoreError::Damaged);
        }
        let now = self.clock.now();
        let stamp = super::ts(now);
        // The transaction runs on a thread of its own while this one checks the rows and
        // makes their values and search terms, a batch ahead. The writing thread's memory
        // is then SQLite's alone: with temporary data in memory (SQLCipher keeps it off
        // the disk), building an index sorts records allocated one by one, and among the
        // parsed file's strings they were scattered and the sort several times slower.
        // A refused file rolls the transaction back whole: nothing of it is written.
        let (send, batches) = std::sync::mpsc::sync_channel::<CheckedBatch>(4);
        let (tell, told) = std::sync::mpsc::channel::<(usize, usize)>();
        let conn = &mut self.conn;
        let result = std::thread::scope(|s| {
            let writer = s.spawn(move || -> Result<ImportReport> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut tell_progress = |done: usize, total: usize| {
                    let _ = tell.send((done, total));
                };
                let (report, keep) = write_import(
                    &tx,
                    now,
                    actor,
                    file,
                    batches,
                    named,
                    skip_invalid,
                    &mut tell_progress,
                )?;
                if keep {
                    tx.commit()?;
                } else {
                    tx.rollback()?;
                }
                Ok(report)
            });
            let mut checker = RowChecker::new(today);
            for rows in file.rows.chunks(IMPORT_BATCH) {
                let mut batch = CheckedBatch::default();
                for row in rows {
                    match checker.check(row) {
                        Ok(client) => batch
                            .rows
                            .push(Checked::new(row.line, client, &stamp, tier)),
                        Err(e) => batch.refused.push(e),
                    }
                }
                if send.send(batch).is_err() {
                    break; // the writing side stopped on an error, which join returns
                }
                while let Ok((done, total)) = told.try_recv() {
                    progress(done, total);
                }
            }
            drop(send);
            // Until the writing thread ends (and drops its sender).
            for (done, total) in told.iter() {
                progress(done, total);
            }
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        if let Err(e) = &result {
            self.note_error(e);
        }
        result.map(|mut report| {
            report.total = total;
            report
        })
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
                    u.username, c.notes, c.marketing_consent
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
                    marketing_consent: text(16)?,
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
