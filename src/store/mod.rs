//! The repository layer: the only code that speaks SQL.
//!
//! [`Store`] owns one SQLite connection opened by [`Store::open`] with the product's
//! pragmas (WAL, `synchronous=FULL`, foreign keys, busy timeout). Schema changes come from
//! the numbered migrations in `schema.sql`. Every function that touches business data takes
//! the acting user ([`Actor`]) and scopes what it reads or writes by that user's role;
//! every change appends to the hash-chained audit log in the same transaction.
pub mod anchor;
pub mod approvals;
pub mod audit;
pub mod audit_view;
pub mod auth;
pub mod backup;
pub mod campaign_launch;
pub mod campaign_results;
pub mod campaign_segment;
pub mod campaigns;
pub mod care;
mod care_write;
pub mod changelog;
mod check;
mod checkpoint;
pub mod cipher;
pub mod client360;
mod client_search;
pub mod clients;
pub mod clients_io;
mod clients_write;
pub mod clock;
pub mod convert;
pub mod damage;
pub mod demo;
pub mod demo_marketing;
mod error;
pub mod feedback;
pub mod files;
pub mod handover;
pub mod holdings;
pub mod home;
pub mod instances;
#[cfg(test)]
mod interrupt_tests;
pub mod keys;
mod keys_store;
mod migrate;
pub mod next_best;
pub mod plans;
pub mod products;
#[cfg(test)]
mod query_plans;
pub mod reports;
pub mod reports_table;
pub mod restore;
pub mod settings;
pub mod tasks;
pub mod team;
pub mod users;
pub mod visits;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use crate::domain::user::{Actor, Role};
pub use clock::{Clock, FixedClock, SystemClock, Zone, ZonedClock};
pub use error::{DbCause, OpenError, StoreError};
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
    /// Opened read-only because the file is marked damaged: every write is refused.
    damaged: bool,
    /// Shared lock on `NAME.lock` while open (see [`instances`]); `None` for a file
    /// opened only to be examined (a restore's candidate), which writes no anchors.
    lock: Option<instances::InstanceLock>,
    anchored: bool,
    /// The data key of an encrypted database (`None`: a plain file, or sealed).
    key: Option<keys::DataKey>,
    /// Encrypted and not yet unlocked: nothing is open until a sign-in unwraps the key
    /// (`Some(anchored)`: how to finish the open then).
    sealed: Option<bool>,
    /// The recovery key of a database this store just created, to be shown once.
    new_recovery: Option<keys::RecoveryKey>,
    /// The checkpoint a large write left running (see [`checkpoint`]).
    background: checkpoint::Background,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.background.settle();
        if self.anchored {
            self.anchor_at_exit();
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the database at `path`, creating a new one (mode `0600`, its folder `0700`)
    /// if nothing is there, and brings its schema up to date. A file that is empty, not an
    /// rmdesk database, damaged (or marked damaged, see [`damage`]), or written by a newer
    /// rmdesk is reported and left untouched.
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        Store::open_with(path, true)
    }

    /// Opens like [`Store::open`]; `anchored` joins the instances that have the file
    /// open and keeps the audit chain's anchors beside it (false for a file only being
    /// examined or prepared, such as a restore's candidate).
    pub(crate) fn open_with(path: &Path, anchored: bool) -> Result<Store, OpenError> {
        Store::open_inner(path, anchored, true)
    }

    /// Creates a new, plain (unencrypted) database at `path`, as rmdesk made before
    /// encryption: for measuring encryption's cost beside it and for testing the plain
    /// files still in use. Opens an existing file like [`Store::open`].
    pub fn create_plain(path: &Path) -> Result<Store, OpenError> {
        Store::open_inner(path, true, false)
    }

    fn open_inner(path: &Path, anchored: bool, encrypt_new: bool) -> Result<Store, OpenError> {
        let existed = path.exists();
        let (key, recovery) = if existed {
            let key = match keys_store::existing_key(path)? {
                keys_store::Unlock::Plain => None,
                keys_store::Unlock::Key(k) => Some(k),
                keys_store::Unlock::Sealed => {
                    if damage::is_marked(path) {
                        return Err(OpenError::MarkedDamaged(path.to_path_buf()));
                    }
                    return Store::sealed(path, anchored);
                }
            };
            preflight(path, key.as_ref())?;
            if damage::is_marked(path) {
                return Err(OpenError::MarkedDamaged(path.to_path_buf()));
            }
            (key, None)
        } else if encrypt_new {
            let (key, recovery) = create_new_file(path, true)?;
            (key, recovery)
        } else {
            create_new_file(path, false)?;
            (None, None)
        };
        let created = !existed;
        let opened = Store::open_configured(path, false, key.clone()).and_then(|mut store| {
            migrate::apply(&mut store.conn).map_err(|e| match e {
                StoreError::Sqlite(e) => OpenError::classify(path, e),
                other => OpenError::Migration {
                    path: path.to_path_buf(),
                    reason: other.to_string(),
                },
            })?;
            Ok(store)
        });
        match opened {
            Ok(mut store) => {
                store.narrow_modes();
                if anchored {
                    let joined = instances::join(path);
                    store.lock = joined.lock;
                    store.anchored = true;
                    store.anchor_on_open(joined.alone);
                }
                if let Some(k) = &key {
                    cipher::remember(path, k);
                }
                store.new_recovery = recovery;
                Ok(store)
            }
            Err(e) => {
                if created {
                    // Ours and never finished: leave nothing behind.
                    let _ = std::fs::remove_file(path);
                    let _ = std::fs::remove_file(keys::key_path(path));
                } else if let OpenError::Damaged { detail, .. } = &e {
                    damage::mark(path, detail);
                }
                Err(e)
            }
        }
    }

    /// An encrypted database whose key this process does not have yet: nothing is open
    /// until [`Store::login`] (or the recovery key) unwraps it.
    fn sealed(path: &Path, anchored: bool) -> Result<Store, OpenError> {
        Ok(Store {
            // Never used while sealed; every query on it finds no table.
            conn: Connection::open_in_memory().map_err(|e| OpenError::classify(path, e))?,
            path: path.to_path_buf(),
            clock: clock::default_clock(),
            damaged: false,
            lock: None,
            anchored: false,
            key: None,
            sealed: Some(anchored),
            new_recovery: None,
            background: checkpoint::Background::default(),
        })
    }

    /// Whether the database is encrypted and not unlocked yet (sign in first).
    pub fn is_sealed(&self) -> bool {
        self.sealed.is_some()
    }

    /// Whether the database is encrypted (false: a plain file, which `rmdesk encrypt`
    /// converts).
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some() || self.sealed.is_some()
    }

    /// The recovery key of the database this store has just created, once: the caller
    /// shows it for the bank's safe; it is stored nowhere.
    pub fn take_new_recovery_key(&mut self) -> Option<keys::RecoveryKey> {
        self.new_recovery.take()
    }

    /// Opens a sealed store with `key`: checks it against the file, then finishes the
    /// open as [`Store::open`] would have. The clock is kept.
    pub(crate) fn unseal(&mut self, key: keys::DataKey) -> Result<(), OpenError> {
        let Some(anchored) = self.sealed else {
            return Ok(());
        };
        cipher::remember(&self.path, &key);
        let mut opened = match Store::open_with(&self.path, anchored) {
            Ok(s) => s,
            Err(e) => {
                cipher::forget(&self.path);
                return Err(e);
            }
        };
        opened.clock = self.clock.boxed();
        *self = opened;
        Ok(())
    }

    /// Closes an unsealed store again (its key forgotten by this process).
    pub(crate) fn seal_again(&mut self) {
        self.background.settle();
        cipher::forget(&self.path);
        if let Ok(mut sealed) = Store::sealed(&self.path, self.anchored || self.lock.is_some()) {
            sealed.clock = self.clock.boxed();
            *self = sealed;
        }
    }

    /// Opens an existing database only; a missing file is an error, not a new database.
    pub fn open_existing(path: &Path) -> Result<Store, OpenError> {
        if !path.exists() {
            return Err(OpenError::Missing(path.to_path_buf()));
        }
        Store::open(path)
    }

    /// Opens an existing database without writing anything to it, not even its schema:
    /// for `rmdesk check` and for the TUI showing a file marked damaged. Every write
    /// through the returned store is refused with [`StoreError::Damaged`] when the file
    /// is marked damaged, and by SQLite otherwise.
    pub fn open_read_only(path: &Path) -> Result<Store, OpenError> {
        if !path.exists() {
            return Err(OpenError::Missing(path.to_path_buf()));
        }
        let key = match keys_store::existing_key(path)? {
            keys_store::Unlock::Plain => None,
            keys_store::Unlock::Key(k) => Some(k),
            keys_store::Unlock::Sealed => return Err(OpenError::Sealed(path.to_path_buf())),
        };
        preflight(path, key.as_ref())?;
        Store::open_configured(path, true, key)
    }

    fn open_configured(
        path: &Path,
        read_only: bool,
        key: Option<keys::DataKey>,
    ) -> Result<Store, OpenError> {
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| OpenError::classify(path, e))?;
        if let Some(k) = &key {
            cipher::key_connection(&conn, k).map_err(|e| OpenError::classify(path, e))?;
        }
        configure(&conn, read_only).map_err(|e| OpenError::classify(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            clock: clock::default_clock(),
            damaged: read_only && damage::is_marked(path),
            lock: None,
            anchored: false,
            key,
            sealed: None,
            new_recovery: None,
            background: checkpoint::Background::default(),
        })
    }

    /// Whether the file is marked damaged (opened read-only; every write refused).
    pub fn is_damaged(&self) -> bool {
        self.damaged
    }

    /// Marks the file damaged when `e` is SQLite reporting corruption, so nothing writes
    /// to it again. Callers pass every store error they show (reads included).
    pub fn note_error(&mut self, e: &StoreError) {
        if let StoreError::Sqlite(e) = e {
            if damage::is_corruption(e) {
                damage::mark(&self.path, &e.to_string());
                self.damaged = true;
            }
        }
    }

    /// Narrows the database and its `-wal`/`-shm` to `0600` (files of an older rmdesk, or
    /// made under a wide umask). Best effort: a file owned by someone else stays as it is.
    fn narrow_modes(&self) {
        let _ = files::set_mode(&self.path, files::FILE_MODE);
        for suffix in ["-wal", "-shm"] {
            let mut p = self.path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            if p.exists() {
                let _ = files::set_mode(&p, files::FILE_MODE);
            }
        }
    }

    /// What interrupts this connection's running query from another thread (a search
    /// superseded by a newer keystroke).
    pub fn interrupter(&self) -> Interrupter {
        Interrupter(self.conn.get_interrupt_handle())
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
        self.may_write()?;
        let now = self.clock.now();
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx, now)?;
            tx.commit()?;
            Ok(value)
        })();
        if let Err(e) = &result {
            self.note_error(e);
        }
        result
    }

    /// Read access for the store's own modules.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Whether the database has any user yet (first run shows the set-up form).
    pub fn has_users(&self) -> Result<bool> {
        if self.is_sealed() {
            return Ok(true); // an encrypted database is made with its first user
        }
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

/// Stops the query running on a store's connection (it fails with an error for which
/// [`StoreError::is_interrupted`] holds); nothing when none runs.
pub struct Interrupter(rusqlite::InterruptHandle);

impl Interrupter {
    /// Interrupts the running query.
    pub fn interrupt(&self) {
        self.0.interrupt();
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
pub(crate) fn preflight(path: &Path, key: Option<&keys::DataKey>) -> Result<(), OpenError> {
    let meta = std::fs::metadata(path).map_err(|e| OpenError::Unreadable {
        path: path.to_path_buf(),
        source: e,
    })?;
    if meta.is_dir() {
        return Err(OpenError::NotADatabase(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Err(OpenError::Empty(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| OpenError::classify(path, e))?;
    if let Some(k) = key {
        cipher::key_connection(&conn, k).map_err(|e| OpenError::classify(path, e))?;
    }
    let probe = || -> rusqlite::Result<(i32, i64, i64)> {
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app, version, objects))
    };
    let (app, version, objects) = probe().map_err(|e| match (key, e.sqlite_error_code()) {
        (Some(_), Some(rusqlite::ErrorCode::NotADatabase)) => {
            OpenError::WrongKey(path.to_path_buf())
        }
        _ => OpenError::classify(path, e),
    })?;
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

/// Creates the empty file of a new database, mode `0600`, in a folder made `0700` if
/// missing (SQLite gives its `-wal` and `-shm` the same mode), and its key file first: a
/// new data key, wrapped under a new recovery key, which it returns.
#[allow(clippy::type_complexity)]
fn create_new_file(
    path: &Path,
    encrypted: bool,
) -> Result<(Option<keys::DataKey>, Option<keys::RecoveryKey>), OpenError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            files::create_private_dir(dir).map_err(|e| OpenError::CreateDir {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
    }
    let key_file = keys::key_path(path);
    if key_file.exists() {
        return Err(OpenError::OrphanKeyFile(path.to_path_buf()));
    }
    let made = if encrypted {
        let key = keys::DataKey::generate();
        let (mut file, recovery) = keys::KeyFile::new(&key);
        file.begin_setup(&key);
        file.save(&key_file)?;
        (Some(key), Some(recovery))
    } else {
        (None, None)
    };
    files::create_private_new(path).map(drop).map_err(|e| {
        let _ = std::fs::remove_file(&key_file);
        OpenError::Unreadable {
            path: path.to_path_buf(),
            source: e,
        }
    })?;
    Ok(made)
}

fn configure(conn: &Connection, read_only: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if read_only {
        conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;")?;
        return Ok(());
    }
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
