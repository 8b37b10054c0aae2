//! SQLCipher: keying a connection, telling a plain file from an encrypted one, and the
//! data keys this process has unlocked.
//!
//! Every connection to an encrypted database is given its key first ([`key_connection`]:
//! `PRAGMA key` with the raw key, so no derivation), with SQLCipher's own logging off
//! so nothing it says reaches the screen. A data key is unlocked by a sign-in (or the
//! recovery key) and then kept in this process's key ring ([`remember`]) so its
//! background jobs and later opens of the same file (a restore's reopen, a backup's
//! check) need no password again; it lives as long as the process.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use super::keys::{key_path, DataKey};

/// The first 16 bytes of every plain SQLite file; an encrypted one starts with random
/// bytes (its salt).
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is a plain (unencrypted) SQLite database: it starts with
/// SQLite's header. An empty or unreadable file is not.
pub fn is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == PLAIN_HEADER)
}

/// Whether the database at `path` is encrypted: its key file is beside it.
pub fn is_encrypted(path: &Path) -> bool {
    key_path(path).exists()
}

/// Gives `conn` its key (before anything else touches the file) and turns SQLCipher's
/// logging off. A wrong key is found only by the first read.
pub(crate) fn key_connection(conn: &Connection, key: &DataKey) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA key = \"{}\"; PRAGMA cipher_log_level = NONE;",
        key.pragma_value()
    ))
}

/// Gives a connection opened elsewhere (by a tool or a test) the key `key`.
pub fn key_raw(conn: &Connection, key: &DataKey) -> rusqlite::Result<()> {
    key_connection(conn, key)
}

/// Opens `path` as a plain SQLite connection (as `Connection::open` would), keyed for
/// this database when its key is unlocked in this process. For tools and tests that
/// must look beneath the store; the store itself never needs it.
pub fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = recall(path) {
        key_connection(&conn, &key)?;
    }
    Ok(conn)
}

/// Unlocks the database at `db` in this process with `username`'s password (its key
/// file's wrap); whether it opened. Nothing is counted or written: for tools and tests.
pub fn unlock(db: &Path, username: &str, password: &str) -> bool {
    let Ok(Some(file)) = super::keys::KeyFile::load(&key_path(db)) else {
        return false;
    };
    match file.unwrap_user(username, password) {
        Some((key, _)) => {
            remember(db, &key);
            true
        }
        None => false,
    }
}

fn ring() -> &'static Mutex<Vec<(PathBuf, DataKey)>> {
    static RING: Mutex<Vec<(PathBuf, DataKey)>> = Mutex::new(Vec::new());
    &RING
}

/// The name a database is known by in the ring: its absolute path, with the folder's
/// links resolved when it exists.
fn ring_name(db: &Path) -> PathBuf {
    let absolute = std::path::absolute(db).unwrap_or_else(|_| db.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)).unwrap_or(absolute),
        _ => absolute,
    }
}

/// Keeps `key` as the unlocked key of the database at `db` for this process.
pub fn remember(db: &Path, key: &DataKey) {
    let name = ring_name(db);
    let mut ring = ring().lock().unwrap_or_else(|e| e.into_inner());
    ring.retain(|(p, _)| *p != name);
    ring.push((name, key.clone()));
}

/// The unlocked key of the database at `db`, if this process has one.
pub fn recall(db: &Path) -> Option<DataKey> {
    let name = ring_name(db);
    let ring = ring().lock().unwrap_or_else(|e| e.into_inner());
    ring.iter()
        .find(|(p, _)| *p == name)
        .map(|(_, k)| k.clone())
}

/// Drops the unlocked key of the database at `db` (it must be unlocked again).
pub fn forget(db: &Path) {
    let name = ring_name(db);
    let mut ring = ring().lock().unwrap_or_else(|e| e.into_inner());
    ring.retain(|(p, _)| *p != name);
}
