//! The damage marker: a file `NAME.damaged` beside the database `NAME` (for
//! `rmdesk.db`, `rmdesk.db.damaged`).
//!
//! It is written as soon as SQLite reports corruption anywhere (opening, reading or
//! writing), or `rmdesk check` or a backup's check finds a problem. While it is there,
//! [`Store::open`](super::Store::open) refuses the file with one sentence, the TUI opens it
//! read-only with a banner ([`Store::open_read_only`](super::Store::open_read_only)),
//! and [`Store::write`](super::Store::write) refuses every write: a damaged file is never
//! written to again. It is removed by a restore from a backup, or by `rmdesk check`
//! finding the file clean. The marker lives outside the database because a damaged
//! database cannot be trusted to keep a flag of its own.
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::files;

/// The marker file of the database at `db`: `db` with `.damaged` appended.
pub fn marker_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".damaged");
    PathBuf::from(p)
}

/// Whether the database at `db` is marked damaged.
pub fn is_marked(db: &Path) -> bool {
    marker_path(db).exists()
}

/// Marks the database at `db` damaged, saying why (kept in the marker for whoever
/// restores it). A marker that cannot be written is logged; the caller's error is what
/// the user sees either way.
pub fn mark(db: &Path, reason: &str) {
    let text = format!(
        "rmdesk found this database damaged; nothing will write to it until it is restored from a backup or `rmdesk check` finds it clean.\nreason: {reason}\n"
    );
    match files::write_private_bytes(&marker_path(db), text.as_bytes()) {
        Ok(()) => tracing::error!("{} marked damaged: {reason}", db.display()),
        Err(e) => tracing::error!(
            "{} is damaged ({reason}) but cannot be marked: {e}",
            db.display()
        ),
    }
}

/// Removes the marker of `db` (after a clean check or a restore).
pub fn clear(db: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(marker_path(db)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => {
            if let Some(dir) = db.parent() {
                let _ = files::sync_dir(dir);
            }
            Ok(())
        }
    }
}

/// Whether SQLite's error says the file is damaged.
pub fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase)
    )
}
