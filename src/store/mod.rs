//! The repository layer: the only code that speaks SQL.
//!
//! [`Store`] owns one SQLite connection opened by [`Store::open`] with the product's
//! pragmas (WAL, `synchronous=FULL`, foreign keys, busy timeout). Schema changes come from
//! the numbered migrations in `schema.sql`. Every function that touches business data takes
//! the acting user ([`Actor`]) and scopes what it reads or writes by that user's role;
//! every change appends to the hash-chained audit log in the same transaction.
pub mod audit;
pub mod auth;
mod check;
pub mod client360;
pub mod clients;
pub mod clients_io;
mod clients_write;
pub mod clock;
pub mod demo;
mod error;
pub mod feedback;
pub mod holdings;
pub mod home;
mod migrate;
pub mod plans;
pub mod products;
pub mod reports;
pub mod reports_table;
pub mod settings;
pub mod tasks;
pub mod users;
pub mod visits;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use crate::domain::user::{Actor, Role};
pub use clock::{Clock, FixedClock, SystemClock, Zone, ZonedClock};
pub use error::{OpenError, StoreError};
pub use migrate::LATEST_VERSION;

/// `PRAGMA application_id` of an rmdesk database ("rmdk").
pub const APPLICATION_ID: i32 = 0x726d_646b;

/// How long a writer waits for another instance's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Result of store calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open rmdesk database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Box<dyn Clock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the database at `path`, creating a new one if no file is there, and brings
    /// its schema up to date. A file that is not an rmdesk database, is damaged, or was
    /// written by a newer rmdesk is reported and left untouched.
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        let exists = path.exists();
        if exists {
            preflight(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::CreateDir {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| OpenError::classify(path, e))?;
        configure(&conn).map_err(|e| OpenError::classify(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            clock: clock::default_clock(),
        };
        migrate::apply(&mut store.conn).map_err(|e| match e {
            StoreError::Sqlite(e) => OpenError::classify(path, e),
            other => OpenError::Migration {
                path: path.to_path_buf(),
                reason: other.to_string(),
            },
        })?;
        Ok(store)
    }

    /// Opens an existing database only; a missing file is an error, not a new database.
    pub fn open_existing(path: &Path) -> Result<Store, OpenError> {
        if !path.exists() {
            return Err(OpenError::Missing(path.to_path_buf()));
        }
        Store::open(path)
    }

    /// What opens this database again on another connection with the same clock (a
    /// background job's, on its own thread).
    pub fn reopener(&self) -> Reopen {
        Reopen {
            path: self.path.clone(),
            clock: self.clock.boxed(),
        }
    }

    /// Replaces the clock (tests move time with it).
    pub fn set_clock(&mut self, clock: Box<dyn Clock>) {
        self.clock = clock;
    }

    /// The file this store works on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The current instant by the store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The time zone of the store's clock: dates and times are shown and typed in it.
    pub fn zone(&self) -> Zone {
        self.clock.zone()
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction, committed when `f` returns `Ok`.
    /// Immediate mode takes the write lock up front, so a second instance waits on the
    /// busy timeout instead of failing half-way.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let now = self.clock.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx, now)?;
        tx.commit()?;
        Ok(value)
    }

    /// Read access for the store's own modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether the database has any user yet (first run shows the set-up form).
    pub fn has_users(&self) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        Ok(n > 0)
    }
}

/// A database to open again with the clock of the store it came from
/// ([`Store::reopener`]); it may move to another thread.
pub struct Reopen {
    path: PathBuf,
    clock: Box<dyn Clock>,
}

impl std::fmt::Debug for Reopen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reopen").field("path", &self.path).finish()
    }
}

impl Reopen {
    /// Opens the database (as [`Store::open_existing`]) on the clock it came with.
    pub fn open(self) -> Result<Store, OpenError> {
        let mut store = Store::open_existing(&self.path)?;
        store.clock = self.clock;
        Ok(store)
    }
}

/// Formats an instant the way the database stores it.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Parses an instant stored by [`ts`].
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Looks at an existing file before SQLite may write to it (enabling WAL writes the
/// header): it must be an SQLite file that is empty, or an rmdesk database no newer than
/// this build.
fn preflight(path: &Path) -> Result<(), OpenError> {
    let meta = std::fs::metadata(path).map_err(|e| OpenError::Unreadable {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.is_dir() {
        return Err(OpenError::NotADatabase(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| OpenError::classify(path, e))?;
    let probe = || -> rusqlite::Result<(i32, i64, i64)> {
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app, version, objects))
    };
    let (app, version, objects) = probe().map_err(|e| OpenError::classify(path, e))?;
    if app != APPLICATION_ID {
        if app == 0 && version == 0 && objects == 0 {
            return Ok(()); // an empty SQLite file: ours to set up
        }
        return Err(OpenError::NotRmdesk(path.to_path_buf()));
    }
    if version > i64::from(LATEST_VERSION) {
        return Err(OpenError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    Ok(())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // journal_mode answers with a row, so it is queried rather than executed.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // A 32 MiB page cache (the default is 2 MiB): large imports stop spilling pages
    // half-way through their transaction, and a big portfolio's pages stay warm.
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA trusted_schema = OFF;
         PRAGMA cache_size = -32768;",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        let t = parse_ts("2026-11-23T09:30:00Z").expect("valid");
        assert_eq!(ts(t), "2026-11-23T09:30:00Z");
        assert!(parse_ts("yesterday").is_none());
    }
}
