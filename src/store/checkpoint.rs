//! Large writes (a campaign's launch) commit without copying the WAL into the database
//! on the user's time: SQLite's automatic checkpoint is off for their transaction, and
//! once it has committed a second connection, on a thread of its own, copies the WAL
//! back (a passive checkpoint, which blocks no reader or writer).
//!
//! What a commit makes durable is in the WAL, synced (`synchronous = FULL`), so nothing
//! is at stake while the copy runs: a crash before it ends leaves a WAL that the next
//! open reads as usual. The store waits for the copy before its next write, before it
//! lets go of the file (a restore, signing out of an encrypted file) and when dropped, so
//! two checkpoints never race and a process never exits half-way through one.
use std::path::PathBuf;
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction};

use super::{cipher, keys, Result, Store, StoreError, BUSY_TIMEOUT};

/// SQLite's own default: a commit that leaves the WAL longer than this many pages copies
/// it into the database before returning.
const AUTO_CHECKPOINT_PAGES: i64 = 1000;

/// What a background checkpoint did: the WAL's length and how much of it was copied
/// into the database (all of it unless a reader held on to older pages), in pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Copied {
    pub(crate) wal_pages: i64,
    pub(crate) copied: i64,
}

/// The checkpoint running after a large write, if any.
#[derive(Default)]
pub(crate) struct Background {
    running: Option<JoinHandle<Option<Copied>>>,
    /// Tests hold the next checkpoint back until they send on this channel's sender.
    #[cfg(test)]
    hold: Option<std::sync::mpsc::Receiver<()>>,
}

impl Background {
    /// Waits for the running checkpoint, if any, to end; what it did, when it did.
    pub(crate) fn settle(&mut self) -> Option<Copied> {
        let handle = self.running.take()?;
        match handle.join() {
            Ok(copied) => copied,
            Err(_) => {
                tracing::error!("the background checkpoint panicked");
                None
            }
        }
    }

    /// Starts copying the WAL of `path` into the database on a connection of its own.
    fn start(&mut self, path: PathBuf, key: Option<keys::DataKey>) {
        self.settle();
        #[cfg(test)]
        let hold = self.hold.take();
        let spawned = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || {
                #[cfg(test)]
                if let Some(hold) = hold {
                    let _ = hold.recv();
                }
                match checkpoint(&path, key.as_ref()) {
                    Ok(copied) => Some(copied),
                    Err(e) => {
                        // The next commit's automatic checkpoint copies what this one left.
                        tracing::warn!(error = %e, "background checkpoint failed");
                        None
                    }
                }
            });
        match spawned {
            Ok(handle) => self.running = Some(handle),
            Err(e) => tracing::warn!(error = %e, "no thread for the background checkpoint"),
        }
    }
}

/// A passive checkpoint of the database at `path` on a new connection.
fn checkpoint(path: &std::path::Path, key: Option<&keys::DataKey>) -> rusqlite::Result<Copied> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(k) = key {
        cipher::key_connection(&conn, k)?;
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let t = std::time::Instant::now();
    let copied = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok(Copied {
            wal_pages: r.get(1)?,
            copied: r.get(2)?,
        })
    })?;
    tracing::info!(
        wal_pages = copied.wal_pages,
        copied = copied.copied,
        ms = t.elapsed().as_millis(),
        "background checkpoint"
    );
    Ok(copied)
}

fn set_auto_checkpoint(conn: &Connection, pages: i64) -> rusqlite::Result<()> {
    // The pragma answers with a row, so it is queried rather than executed.
    conn.query_row(&format!("PRAGMA wal_autocheckpoint = {pages}"), [], |_| {
        Ok(())
    })
}

impl Store {
    /// Refuses a write to a file marked damaged; otherwise waits for the checkpoint a
    /// large write left running, so a write never races it.
    pub(super) fn may_write(&mut self) -> Result<()> {
        if self.damaged {
            return Err(StoreError::Damaged);
        }
        self.background.settle();
        Ok(())
    }

    /// Waits for the checkpoint a large write left running, if any (the store also
    /// waits before its next write and when dropped).
    pub fn wait_for_checkpoint(&mut self) {
        self.background.settle();
    }

    /// Runs `f` as [`Store::write`] does, for a transaction that writes much (tens of
    /// thousands of rows): its commit leaves the WAL as it is, and the copy into the
    /// database runs after, in the background (see the module's note).
    pub(crate) fn write_large<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.may_write()?;
        set_auto_checkpoint(&self.conn, 0)?;
        let result = self.write(f);
        if let Err(e) = set_auto_checkpoint(&self.conn, AUTO_CHECKPOINT_PAGES) {
            tracing::warn!(error = %e, "automatic checkpoint not turned back on");
        }
        if result.is_ok() {
            self.background.start(self.path.clone(), self.key.clone());
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twenty thousand settings of 200 characters: some 2,500 pages of WAL with their
    /// change-log rows, past the 1,000 of an automatic checkpoint.
    const MANY_ROWS: &str = "INSERT INTO settings (key, value)
         WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000)
         SELECT 'test.' || x, printf('%0200d', x) FROM n";

    #[test]
    fn a_large_write_commits_first_and_is_copied_into_the_database_after() {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db).expect("open");
        let size = || std::fs::metadata(&db).expect("file").len();
        let before = size();
        let (go, hold) = std::sync::mpsc::channel();
        store.background.hold = Some(hold);
        store
            .write_large(|tx, _| Ok(tx.execute(MANY_ROWS, [])?))
            .expect("write");
        // Committed, and still in the WAL only: the commit copied nothing.
        assert_eq!(size(), before);
        go.send(()).expect("send");
        let auto: i64 = store
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(auto, AUTO_CHECKPOINT_PAGES, "back on for the next commits");
        let done = store.background.settle().expect("a checkpoint ran");
        assert!(done.wal_pages > AUTO_CHECKPOINT_PAGES, "{done:?}");
        assert_eq!(done.copied, done.wal_pages, "{done:?}");
        assert!(size() > before, "copied into the database");
        drop(store);
        let store = Store::open(&db).expect("open again");
        let n: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM settings WHERE key LIKE 'test.%'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(n, 20_000);
    }

    #[test]
    fn a_refused_large_write_starts_no_checkpoint_and_turns_the_automatic_one_back_on() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("open");
        let refused: Result<()> = store.write_large(|tx, _| {
            tx.execute(MANY_ROWS, [])?;
            Err(StoreError::NotFound)
        });
        assert!(refused.is_err());
        assert!(store.background.settle().is_none());
        let auto: i64 = store
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(auto, AUTO_CHECKPOINT_PAGES);
    }
}
