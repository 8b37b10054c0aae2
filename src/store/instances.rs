//! Which rmdesk processes have a database open: each holds a shared lock on `NAME.lock`
//! beside it for as long as its [`Store`](super::Store) lives. A restore needs the lock
//! alone; `rmdesk check` asks whether it is alone before calling entries after the last
//! anchor forged.
use std::fs::File;
use std::path::{Path, PathBuf};

use super::files;

/// `NAME.lock` beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    files::with_suffix(db, ".lock")
}

fn open_lock(db: &Path) -> std::io::Result<File> {
    let path = lock_path(db);
    let file = files::open_private_append(&path)?;
    Ok(file)
}

/// How a lock is asked for.
#[derive(Clone, Copy)]
enum Mode {
    Shared,
    Exclusive,
}

/// `flock(2)` on `file`: `wait` blocks, else `Ok(false)` when another holds it.
#[cfg(unix)]
fn flock(file: &File, mode: Mode, wait: bool) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    let mut op = match mode {
        Mode::Shared => libc::LOCK_SH,
        Mode::Exclusive => libc::LOCK_EX,
    };
    if !wait {
        op |= libc::LOCK_NB;
    }
    // SAFETY: flock on a file descriptor this File owns and keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Without `flock`, every instance counts as alone and nothing waits.
#[cfg(not(unix))]
fn flock(_file: &File, _mode: Mode, _wait: bool) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(unix)]
fn unlock(file: &File) {
    use std::os::unix::io::AsRawFd;
    // SAFETY: as in `flock`.
    unsafe {
        libc::flock(file.as_raw_fd(), libc::LOCK_UN);
    }
}

#[cfg(not(unix))]
fn unlock(_file: &File) {}

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
    let alone = match flock(&file, Mode::Exclusive, false) {
        Ok(true) => {
            unlock(&file);
            true
        }
        _ => false,
    };
    // A shared lock waits only for a restore holding it exclusively, which is short.
    let lock = flock(&file, Mode::Shared, true)
        .ok()
        .filter(|held| *held)
        .map(|_| InstanceLock { _file: file });
    Joined { lock, alone }
}

/// The lock alone (no other rmdesk has `db` open), or `None` when another one does.
pub fn try_exclusive(db: &Path) -> std::io::Result<Option<InstanceLock>> {
    let file = open_lock(db)?;
    Ok(flock(&file, Mode::Exclusive, false)?.then_some(InstanceLock { _file: file }))
}
