//! Client import and export in the CSV format of product.md.
//!
//! An import checks every row first (the domain's field rules, repeats within the file,
//! then what needs the database: an ID number that already belongs to a client, a
//! client number in use, an owner the importing user may not assign). A file with any
//! refused row writes nothing unless `skip_invalid`; then the good rows are written in
//! one transaction, each with its audit entry.
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rusqlite::params;

use super::clients_write::{describe, id_owner, insert_row, resolve_owner};
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::ClientInput;
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::csv_import::{
    check_rows, csv_header, csv_row, parse_csv, CsvFileError, ParsedFile, RowError,
};

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
    /// `unmasked`). The file is written beside the target and renamed at the end, so a
    /// failed export leaves no half-written file. Returns the number of clients.
    pub fn export_clients_to_file(
        &mut self,
        actor: &Actor,
        path: &Path,
        unmasked: bool,
    ) -> Result<usize> {
        let io = |e: std::io::Error| {
            StoreError::Conflict(format!("{} cannot be written: {e}", path.display()))
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        let file = std::fs::File::create(&partial).map_err(io)?;
        let mut out = std::io::BufWriter::new(file);
        out.write_all(csv_header().as_bytes()).map_err(io)?;
        let written = self.export_clients(actor, unmasked, &mut |row| {
            out.write_all(csv_row(row).as_bytes())
        });
        let finished = written.and_then(|n| {
            out.flush().map_err(io)?;
            drop(out);
            std::fs::rename(&partial, path).map_err(io)?;
            Ok(n)
        });
        if finished.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        finished
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
            // Second pass: write, each client with its audit entry.
            let stamp = ts(now);
            for (i, (client, owner)) in ready.iter().enumerate() {
                let id = insert_row(tx, client, *owner, thresholds, &stamp)?;
                let after = describe(&client.to_input());
                let mut e = audit::Entry::new("client.import", "client", Some(id));
                e.after = Some(&after);
                audit::append(tx, now, actor.into(), e)?;
                if i % 1000 == 999 {
                    progress(i + 1, ready.len());
                }
            }
            progress(ready.len(), ready.len());
            Ok(ImportReport {
                imported: ready.len(),
                rejected,
                total,
            })
        })?;
        Ok(report)
    }

    /// Every client `actor` may see, by client number, as rows of the CSV format, handed
    /// one at a time to `each` (a million rows never sit in memory). ID number, mobile
    /// and email are masked unless `unmasked`. The export is audited.
    pub fn export_clients(
        &mut self,
        actor: &Actor,
        unmasked: bool,
        each: &mut dyn FnMut(&ClientInput) -> std::io::Result<()>,
    ) -> Result<usize> {
        let (scope_sql, scope_arg) = super::clients::scope(actor);
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let sql = format!(
            "SELECT c.client_no, c.kind, c.name, c.gender, c.birth_date, c.id_type, c.id_number, c.mobile,
                    c.email, c.address, c.occupation, c.risk_level, c.risk_assessed_on, c.status,
                    u.username, c.notes
             FROM clients c JOIN users u ON u.id = c.owner_id WHERE {scope_sql} ORDER BY c.client_no"
        );
        let mut count = 0usize;
        {
            let mut stmt = self.conn().prepare(&sql)?;
            let mut rows = stmt.query(params![scope_arg])?;
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
                each(&row).map_err(|e| {
                    StoreError::Conflict(format!("the export file cannot be written: {e}"))
                })?;
                count += 1;
            }
        }
        let after = format!("rows={count} masked={}", !unmasked);
        self.write(|tx, now| {
            let mut e = audit::Entry::new("client.export", "client", None);
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)
        })?;
        Ok(count)
    }
}
