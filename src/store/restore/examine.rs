//! The checks of a candidate file before anything is touched: its header at once
//! ([`preflight`]), then everything ([`examine`]).
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::io;
use super::RestoreError;
use crate::store::anchor::{self, Kind};
use crate::store::keys::{key_path, DataKey, KeyFile};
use crate::store::{cipher, OpenError};

/// The refusals that read only the file's header, at once whatever its size: missing,
/// not SQLite, another program's, a newer schema. [`examine`] makes every check.
///
/// An encrypted backup (its key file beside it) whose key is not unlocked yet is checked
/// as far as can be without it: it must not be empty and its key file must be readable.
pub fn preflight(file: &Path) -> Result<(), RestoreError> {
    if !file.exists() {
        return Err(RestoreError::Missing(file.to_path_buf()));
    }
    match unlock(file)? {
        Some(Unlocked::Sealed) => {
            if std::fs::metadata(file).map_err(io(file))?.len() == 0 {
                return Err(RestoreError::NotADatabase(file.to_path_buf()));
            }
            Ok(())
        }
        Some(Unlocked::Key(k)) => preflight_with(file, Some(&k)),
        None => preflight_with(file, None),
    }
}

/// What opens an existing backup: its key (unlocked or still sealed), or `None` when it
/// is a plain file.
enum Unlocked {
    Key(DataKey),
    Sealed,
}

fn unlock(file: &Path) -> Result<Option<Unlocked>, RestoreError> {
    match crate::store::keys_store::existing_key(file) {
        Ok(crate::store::keys_store::Unlock::Sealed) => {
            KeyFile::load(&key_path(file)).map_err(|e| RestoreError::Open(e.into()))?;
            Ok(Some(Unlocked::Sealed))
        }
        Ok(crate::store::keys_store::Unlock::Key(k)) => Ok(Some(Unlocked::Key(k))),
        Ok(crate::store::keys_store::Unlock::Plain) => Ok(None),
        Err(e) if file.exists() => Err(RestoreError::Open(e)),
        Err(_) => Ok(None),
    }
}

/// [`preflight`] with the backup's data key (`None`: a plain file).
fn preflight_with(file: &Path, key: Option<&DataKey>) -> Result<(), RestoreError> {
    if !file.exists() {
        return Err(RestoreError::Missing(file.to_path_buf()));
    }
    crate::store::preflight(file, key).map_err(|e| match e {
        OpenError::NotADatabase(p) | OpenError::Empty(p) => RestoreError::NotADatabase(p),
        OpenError::NotRmdesk(p) => RestoreError::NotRmdesk(p),
        OpenError::TooNew {
            path,
            found,
            supported,
        } => RestoreError::TooNew {
            path,
            found,
            supported,
        },
        OpenError::Damaged { path, detail } => RestoreError::Damaged { path, detail },
        other => RestoreError::Open(other),
    })
}

/// Whether a restore may go ahead: sentences are the refusals of [`RestoreError`].
///
/// An encrypted backup whose key is not unlocked yet is checked as far as can be
/// without it ([`preflight`]), and fully by [`restore_with`] once the credential has
/// unwrapped its key.
pub fn examine(file: &Path) -> Result<i64, RestoreError> {
    let key = match unlock(file)? {
        Some(Unlocked::Sealed) => {
            preflight(file)?;
            return Ok(crate::store::backup::read_manifest(file).map_or(0, |m| m.schema_version));
        }
        Some(Unlocked::Key(k)) => Some(k),
        None => None,
    };
    examine_with(file, key.as_ref())
}

/// [`examine`] with the backup's data key (`None`: a plain file).
pub(super) fn examine_with(file: &Path, key: Option<&DataKey>) -> Result<i64, RestoreError> {
    preflight_with(file, key)?;
    let damaged = |detail: String| RestoreError::Damaged {
        path: file.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| damaged(e.to_string()))?;
    if let Some(k) = key {
        cipher::key_connection(&conn, k).map_err(|e| damaged(e.to_string()))?;
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    if version == 0 {
        return Err(RestoreError::NotRmdesk(file.to_path_buf()));
    }
    let problems = crate::store::check::problems_on(&conn).map_err(|e| damaged(e.to_string()))?;
    let first = |prefixes: &[&str]| -> Option<String> {
        let hits: Vec<&String> = problems
            .iter()
            .filter(|p| prefixes.iter().any(|x| p.starts_with(x)))
            .take(3)
            .collect();
        (!hits.is_empty()).then(|| {
            hits.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    if let Some(detail) = first(&["integrity:"]) {
        return Err(damaged(detail));
    }
    if let Some(detail) = first(&["foreign key:"]) {
        return Err(RestoreError::ForeignKeys {
            path: file.to_path_buf(),
            detail,
        });
    }
    if let Some(detail) = first(&["audit log entry", "the trigger"]) {
        return Err(RestoreError::Chain {
            path: file.to_path_buf(),
            detail,
        });
    }
    let mut anchors = anchor::read_anchors(file);
    if let Some(m) = crate::store::backup::read_manifest(file) {
        anchors.push(anchor::Anchor {
            at: m.created_at.clone(),
            kind: Kind::Backup,
            head: m.audit_head.head(),
            from_id: None,
            source: "manifest".into(),
        });
    }
    let disagreements = anchor::compare(&conn, &anchors)?;
    if !disagreements.is_empty() {
        return Err(RestoreError::Manifest {
            path: file.to_path_buf(),
            detail: disagreements.join("; "),
        });
    }
    Ok(version)
}
