//! Errors of the store, written for the person who reads them.
use std::path::PathBuf;

use rusqlite::ErrorCode;

/// Why a database file could not be opened. Each message is one sentence a branch
/// employee can act on; the file is never modified when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No file at the path (for commands that need an existing database).
    #[error("{0} does not exist; create it with `rmdesk init --admin NAME` or open it once with `rmdesk`")]
    Missing(PathBuf),
    /// The file is not an SQLite database at all.
    #[error("{0} is not an rmdesk database (it is not an SQLite file), or it is an encrypted one whose key file (the same name ending in .keys) is missing; it was left untouched")]
    NotADatabase(PathBuf),
    /// An SQLite database of some other program.
    #[error("{0} is an SQLite database of another program, not rmdesk; it was left untouched")]
    NotRmdesk(PathBuf),
    /// SQLite reports corruption (its words, `detail`, go to the log, not the sentence).
    #[error("{path} is damaged; it was left untouched and nothing will be written to it — restore it from a backup")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// Written by a newer rmdesk whose schema this build does not know.
    #[error("{path} was written by a newer rmdesk (schema {found}, this build knows up to {supported}); it was left untouched — update rmdesk")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: u32,
    },
    /// An empty file: only a path where nothing exists becomes a new database.
    #[error("{0} is an empty file, not a database; it was left untouched — give the path of the database, or of a file that does not exist yet to create one")]
    Empty(PathBuf),
    /// The file carries a damage marker (`NAME.damaged` beside it): SQLite reported
    /// corruption, or `check` or a backup's check failed. Nothing writes to it until it
    /// is restored or checked clean.
    #[error("{0} is damaged and nothing will be written to it; restore it from a backup, or run `rmdesk check` once it has been repaired")]
    MarkedDamaged(PathBuf),
    /// The disk holding the file is full.
    #[error("{0}: the disk is full; nothing was saved — free some space and try again")]
    DiskFull(PathBuf),
    /// The operating system refused to read the file.
    #[error("{path} cannot be read: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The folder for a new database could not be made.
    #[error("the folder {path} for the database cannot be created: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Another program holds the database locked for longer than the busy timeout.
    #[error("{0} is locked by another program; try again in a moment")]
    Busy(PathBuf),
    /// Any other SQLite failure while opening.
    #[error("{path} cannot be opened: {detail}")]
    Other {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The key given does not open the file (a key file of another database or copy).
    #[error("{0} cannot be opened with the key in its key file: the key file belongs to another database or another copy of it; put the key file that came with this database beside it, or use the recovery key")]
    WrongKey(PathBuf),
    /// An encrypted database without its key file.
    #[error("{0} is encrypted and its key file (the same name ending in .keys) is missing; put the key file from its backup beside it")]
    KeyFileMissing(PathBuf),
    /// A key file with no database beside it: a new database would replace its key.
    #[error("{0} does not exist but its key file does; move the key file away (it may be the only key of a database that was moved) before creating a new database there")]
    OrphanKeyFile(PathBuf),
    /// The database is encrypted and nobody has signed in yet.
    #[error("{0} is encrypted: sign in with --user NAME (password from RMDESK_PASSWORD or standard input), or give the recovery key")]
    Sealed(PathBuf),
    /// The key file could not be read or written.
    #[error(transparent)]
    Key(#[from] super::keys::KeyError),
    /// A schema migration failed; the transaction was rolled back.
    #[error("{path} could not be brought up to date ({reason}); nothing was changed")]
    Migration {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

impl OpenError {
    /// Maps an SQLite error met while opening `path` to the sentence for it.
    pub(crate) fn classify(path: &std::path::Path, e: rusqlite::Error) -> OpenError {
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => OpenError::NotADatabase(path),
            Some(ErrorCode::DatabaseCorrupt) => OpenError::Damaged {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DiskFull) => OpenError::DiskFull(path),
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                OpenError::Busy(path)
            }
            Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
                OpenError::Unreadable {
                    path,
                    source: std::io::Error::other(e.to_string()),
                }
            }
            _ => OpenError::Other {
                path,
                detail: e.to_string(),
            },
        }
    }
}

/// Errors of store operations after the database is open.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist, or the acting user may not see it (the two
    /// are deliberately indistinguishable).
    #[error("not found")]
    NotFound,
    /// The acting user's role may not do this.
    #[error("not allowed for your role")]
    Forbidden,
    /// Input broke a rule; `field` names the form field, `key` the catalogue message.
    #[error("{field}: {message}")]
    Invalid {
        /// Field the message belongs to.
        field: &'static str,
        /// Catalogue key of the message.
        key: &'static str,
        /// English message for logs and the command line.
        message: String,
    },
    /// The request contradicts what the database holds (a username already taken, a demo
    /// into a database with users). `key` is the catalogue message, `params` its values
    /// (`{name}` in the message), `message` the English sentence for logs and the command
    /// line.
    #[error("{message}")]
    Conflict {
        /// Catalogue key of the message.
        key: &'static str,
        /// Values for the message's `{name}` placeholders.
        params: Vec<(&'static str, String)>,
        /// English message for logs and the command line.
        message: String,
    },
    /// A file the store reads or writes (an export, an import) could not be used.
    #[error("{} cannot be {}: {source}", path.display(), if *.writing { "written" } else { "read" })]
    Io {
        /// The file.
        path: PathBuf,
        /// Writing (else reading).
        writing: bool,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Several fields of a record broke their rules; each error names its field.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::domain::client::FieldError>),
    /// The ID number already belongs to a client (named by its client number, which the
    /// user may give a colleague; nothing else of that client is told).
    #[error("id_number: this ID number already belongs to client {client_no}")]
    DuplicateId {
        /// The existing client's number.
        client_no: String,
    },
    /// Login refused. One message whatever the reason, so it tells an attacker nothing.
    #[error("invalid username or password")]
    InvalidCredentials,
    /// SQLite failed. Damage, a full disk and a lock held too long each have their own
    /// sentence ([`DbCause`]); SQLite's own text is then only in the log.
    #[error("{}", sqlite_sentence(.0))]
    Sqlite(rusqlite::Error),
    /// The database is damaged (marked, or SQLite just reported corruption); nothing was
    /// written.
    #[error("the database is damaged; nothing was written — restore it from a backup")]
    Damaged,
    /// The database or its key file could not be opened or written (one sentence).
    #[error(transparent)]
    Open(OpenError),
    /// The recovery key given is not this database's; nothing was opened or written.
    #[error("this is not the recovery key of this database; nothing was opened or changed")]
    WrongRecoveryKey,
    /// Password hashing failed (not a wrong password: the hasher itself).
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl StoreError {
    /// Whether the query was interrupted ([`super::Interrupter`]): a newer search took
    /// its place.
    pub fn is_interrupted(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::OperationInterrupted
        )
    }

    /// A [`StoreError::Conflict`] with catalogue `key` and English `message`, no values.
    pub fn conflict(key: &'static str, message: impl Into<String>) -> Self {
        StoreError::Conflict {
            key,
            params: Vec::new(),
            message: message.into(),
        }
    }

    /// A [`StoreError::Io`]: `path` could not be written.
    pub fn write_failed(path: &std::path::Path, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.to_path_buf(),
            writing: true,
            source,
        }
    }

    /// An [`StoreError::Invalid`] for `field` with catalogue `key` and English `message`.
    pub fn invalid(field: &'static str, key: &'static str, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            key,
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// What an SQLite failure means for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbCause {
    /// The file is damaged (it is marked, see `store::damage`).
    Damaged,
    /// The disk is full: nothing was saved.
    DiskFull,
    /// Another program held the database locked past the busy timeout.
    Busy,
    /// Anything else (details in the log).
    Other,
}

impl DbCause {
    /// The cause of `e`.
    pub fn of(e: &rusqlite::Error) -> DbCause {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => DbCause::Damaged,
            Some(ErrorCode::DiskFull) => DbCause::DiskFull,
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => DbCause::Busy,
            _ => DbCause::Other,
        }
    }

    /// Catalogue key of the sentence shown on screen.
    pub fn key(self) -> &'static str {
        match self {
            DbCause::Damaged => "err.db.damaged",
            DbCause::DiskFull => "err.db.full",
            DbCause::Busy => "err.db.busy",
            DbCause::Other => "err.database",
        }
    }
}

/// The English sentence of an SQLite failure: one per cause, SQLite's words only for
/// causes without one.
fn sqlite_sentence(e: &rusqlite::Error) -> String {
    match DbCause::of(e) {
        DbCause::Damaged => "the database is damaged; nothing was saved and nothing will be written to it — restore it from a backup".into(),
        DbCause::DiskFull => "the disk is full; nothing was saved — free some space and try again".into(),
        DbCause::Busy => "the database is busy: another rmdesk kept it locked for more than 10 seconds; nothing was saved — try again in a moment".into(),
        DbCause::Other => format!("database error: {e}"),
    }
}
