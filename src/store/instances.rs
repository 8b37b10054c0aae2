//! Which rmdesk processes have a database open: each holds a shared lock on `NAME.lock`
//! beside it for as long as its [`Store`](super::Store) lives. A restore needs the lock
//! alone; `rmdesk check` asks whether it is alone before calling entries after the last
//! anchor forged.
use std::fs::File;
use std::path::{Path, PathBuf};

use super::fsio;

/// `NAME.lock` beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    fsio::with_suffix(db, ".lock")
}

fn open_lock(db: &Path) -> std::io::Result<File> {
    let path = lock_path(db);
    let file = fsio::open_private_append(&path)?;
    Ok(file)
}

/// A held lock on the database's lock file; released when dropped.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Outcome of opening as an instance.
#[derive(Debug)]
pub struct Joined {
    /// The shared lock, held while the store is open (None when the folder is read-only).
    pub lock: Option<InstanceLock>,
    /// Whether no other rmdesk had the database open at that moment.
    pub alone: bool,
}

/// Joins the processes that have `db` open: learns whether it is the only one, then
/// keeps a shared lock.
pub fn join(db: &Path) -> Joined {
    let Ok(file) = open_lock(db) else {
        return Joined {
            lock: None,
            alone: false,
        };
    };
    let alone = match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            true
        }
        Err(_) => false,
    };
    // A shared lock waits only for a restore holding it exclusively, which is short.
    let lock = file.lock_shared().ok().map(|()| InstanceLock { _file: file });
    Joined { lock, alone }
}

/// The lock alone (no other rmdesk has `db` open), or `None` when another one does.
pub fn try_exclusive(db: &Path) -> std::io::Result<Option<InstanceLock>> {
    let file = open_lock(db)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(InstanceLock { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}
