//! Why a restore was refused or failed.
use std::path::PathBuf;

use crate::store::{OpenError, StoreError};

/// Why a restore was refused (the current database unchanged) or failed.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// No such file.
    #[error("{0} does not exist; nothing was restored")]
    Missing(PathBuf),
    /// Not an SQLite file.
    #[error("{0} is not an rmdesk database (it is not an SQLite file); nothing was restored")]
    NotADatabase(PathBuf),
    /// Another program's database.
    #[error(
        "{0} is an SQLite database of another program, not an rmdesk backup; nothing was restored"
    )]
    NotRmdesk(PathBuf),
    /// Newer schema.
    #[error("{path} was written by a newer rmdesk (schema {found}, this build knows up to {supported}); nothing was restored — update rmdesk first")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema.
        found: i64,
        /// Ours.
        supported: u32,
    },
    /// SQLite's integrity check failed.
    #[error("{path} is damaged ({detail}); nothing was restored — choose another backup")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the check said.
        detail: String,
    },
    /// Rows point at missing rows.
    #[error("{path} has rows that point at missing rows ({detail}); nothing was restored")]
    ForeignKeys {
        /// The file.
        path: PathBuf,
        /// The first problems.
        detail: String,
    },
    /// The audit chain is broken or unprotected.
    #[error("{path} has a broken audit chain ({detail}); nothing was restored")]
    Chain {
        /// The file.
        path: PathBuf,
        /// The first problems.
        detail: String,
    },
    /// The chain disagrees with the backup's own manifest or anchors.
    #[error("{path} does not match its manifest or anchors ({detail}); nothing was restored")]
    Manifest {
        /// The file.
        path: PathBuf,
        /// The disagreement.
        detail: String,
    },
    /// Another rmdesk has the database open.
    #[error("another rmdesk has {0} open; close it everywhere, then restore again — nothing was restored")]
    InUse(PathBuf),
    /// The administrator could not sign in to the candidate.
    #[error("{user} cannot sign in to {path} as an administrator; nothing was restored")]
    SignIn {
        /// The backup.
        path: PathBuf,
        /// Who tried.
        user: String,
    },
    /// The recovery key given does not open the backup.
    #[error("this recovery key does not open {0}; nothing was restored")]
    WrongRecoveryKey(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}; the database was left as it was")]
    Io {
        /// Which file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The candidate could not be opened or migrated.
    #[error("{0}; nothing was restored")]
    Open(OpenError),
    /// The store failed.
    #[error("{0}; nothing was restored")]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for RestoreError {
    fn from(e: rusqlite::Error) -> Self {
        RestoreError::Store(StoreError::Sqlite(e))
    }
}
