//! Restore: replaces the database with a backup, or refuses and changes nothing.
//!
//! Every check is made before the current file is touched, so a refusal leaves it
//! byte-identical: the candidate must be an rmdesk database of this schema or an older
//! one, pass SQLite's integrity check, the foreign keys, the audit chain with its
//! triggers, and agree with its manifest and anchors when it has them; no other rmdesk
//! may have the database open; the administrator must sign in to the candidate. Then the
//! candidate is copied beside the database, migrated if older, given a `restore` audit
//! entry, flushed, and renamed over the database (the folder flushed after). The current
//! file is kept as `NAME.before-restore-TIME` (after its WAL was checkpointed into it, so
//! it is whole) with its anchors; restoring that file undoes the restore. The old `-wal`
//! and `-shm` are removed before the rename, so they can never be applied to the new
//! file.
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::anchor::{self, Head, Kind};
use super::backup::Phase;
use super::keys::{key_path, DataKey, KeyFile, RecoveryKey};
mod error;
mod examine;

pub use error::RestoreError;
use examine::examine_with;
pub use examine::{examine, preflight};

use super::{audit, cipher, files, instances, Actor, FixedClock, Role, Store, StoreError};

/// Who opens an encrypted backup: an administrator of the backup with their password of
/// that time, or the recovery key of that time.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// An administrator's name and password.
    Admin {
        /// The username.
        username: &'a str,
        /// Their password when the backup was taken.
        password: &'a str,
    },
    /// The recovery key printed when the database was made (or last rekeyed).
    Recovery(&'a RecoveryKey),
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the replaced database was kept (`None` when there was none).
    pub kept: Option<PathBuf>,
    /// The restored file's schema before it was migrated.
    pub schema_from: i64,
    /// The audit chain's head after the restore entry.
    pub head: Head,
}

/// `NAME.before-restore-TIME` beside `db` (`-2`, `-3`… after it when that is taken).
pub fn kept_path(db: &Path, now: DateTime<Utc>) -> PathBuf {
    let base = format!(".before-restore-{}", now.format("%Y%m%dT%H%M%SZ"));
    let mut path = files::with_suffix(db, &base);
    let mut n = 2;
    while path.exists() || anchor::anchor_path(&path).exists() {
        path = files::with_suffix(db, &format!("{base}-{n}"));
        n += 1;
    }
    path
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RestoreError + '_ {
    move |source| RestoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Restores `file` over `db`, signed in to `file` as the administrator `username`.
pub fn restore(
    db: &Path,
    file: &Path,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Restored, RestoreError> {
    restore_with(db, file, Credential::Admin { username, password }, now)
}

/// The data key of the encrypted backup `file` (`None`: a plain backup), unwrapped from
/// the key file that came with it.
fn backup_key(file: &Path, who: Credential<'_>) -> Result<Option<DataKey>, RestoreError> {
    let Some(keys) = KeyFile::load(&key_path(file)).map_err(|e| RestoreError::Open(e.into()))?
    else {
        return Ok(None);
    };
    match who {
        Credential::Admin { username, password } => keys
            .unwrap_user(username.trim(), password)
            .map(|(k, _)| Some(k))
            .ok_or_else(|| RestoreError::SignIn {
                path: file.to_path_buf(),
                user: username.to_string(),
            }),
        Credential::Recovery(r) => keys
            .unwrap_recovery(r)
            .map(Some)
            .ok_or_else(|| RestoreError::WrongRecoveryKey(file.to_path_buf())),
    }
}

/// Restores `file` over `db`: an administrator of the backup signs in to it, or the
/// recovery key opens it. An encrypted backup brings its key file: afterwards the
/// users' passwords of that time (and that recovery key) open the database.
pub fn restore_with(
    db: &Path,
    file: &Path,
    who: Credential<'_>,
    now: DateTime<Utc>,
) -> Result<Restored, RestoreError> {
    restore_with_progress(db, file, who, now, &mut |_| {})
}

/// [`restore_with`], saying where it is: the checks of the file ([`Phase::Check`]), its
/// copy beside the database (bytes done of total), then migrating, auditing and
/// replacing ([`Phase::Finish`]).
pub fn restore_with_progress(
    db: &Path,
    file: &Path,
    who: Credential<'_>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Phase),
) -> Result<Restored, RestoreError> {
    progress(Phase::Check);
    if !file.exists() {
        return Err(RestoreError::Missing(file.to_path_buf()));
    }
    let key = backup_key(file, who)?;
    if key.is_none() {
        if let Err(e) = super::keys_store::existing_key(file) {
            return Err(RestoreError::Open(e));
        }
    }
    let schema_from = examine_with(file, key.as_ref())?;
    let Some(lock) = instances::try_exclusive(db).map_err(io(db))? else {
        return Err(RestoreError::InUse(db.to_path_buf()));
    };
    let staged = files::with_suffix(db, ".restoring");
    let result = stage(
        file,
        &staged,
        (who, key.as_ref()),
        now,
        (db, schema_from),
        progress,
    );
    cipher::forget(&staged);
    let (kept_name, head) = match result {
        Ok(v) => v,
        Err(e) => {
            remove_with_sidecars(&staged);
            let _ = std::fs::remove_file(key_path(&staged));
            return Err(e);
        }
    };
    let kept = if db.exists() {
        Some(set_aside(db, &kept_name).map_err(io(db))?)
    } else {
        None
    };
    // The database first, then its key file: a restore stopped between the two leaves
    // the staged key file (`NAME.restoring.keys`) without its staged database, and the
    // next open finishes the rename (`convert::finish_interrupted`). Stopped before,
    // both staged files are still there: the restore never happened, and the next open
    // removes them.
    super::keys_store::crash_point("restore.database");
    files::rename_durable(&staged, db).map_err(io(db))?;
    super::keys_store::crash_point("restore.key_file");
    match &key {
        Some(k) => {
            files::rename_durable(&key_path(&staged), &key_path(db)).map_err(io(db))?;
            cipher::remember(db, k);
        }
        None => {
            let _ = std::fs::remove_file(key_path(db));
            cipher::forget(db);
        }
    }
    // The damage mark belonged to the file set aside: it goes with it.
    if super::damage::is_marked(db) {
        if let Some(k) = &kept {
            let _ = std::fs::rename(
                super::damage::marker_path(db),
                super::damage::marker_path(k),
            );
        }
        super::damage::clear(db).map_err(io(db))?;
    }
    let _ = std::fs::remove_file(anchor::anchor_path(db));
    let a = anchor::new_anchor(now, Kind::Restore, head.clone());
    anchor::append(db, &a).map_err(io(&anchor::anchor_path(db)))?;
    drop(lock);
    tracing::info!(file = %file.display(), db = %db.display(), "database restored");
    Ok(Restored {
        kept,
        schema_from,
        head,
    })
}

/// Copies the candidate beside the database, migrates it, signs in and audits the
/// restore in it, and leaves it closed with no WAL beside it.
fn stage(
    file: &Path,
    staged: &Path,
    (who, key): (Credential<'_>, Option<&DataKey>),
    now: DateTime<Utc>,
    (db, schema_from): (&Path, i64),
    progress: &mut dyn FnMut(Phase),
) -> Result<(PathBuf, Head), RestoreError> {
    remove_with_sidecars(staged);
    {
        let mut out = files::create_private_new(staged).map_err(io(staged))?;
        let mut input = std::fs::File::open(file).map_err(io(file))?;
        copy_counting(&mut input, &mut out, progress).map_err(io(staged))?;
        out.sync_all().map_err(io(staged))?;
    }
    if let Some(k) = key {
        let text = std::fs::read(key_path(file)).map_err(io(file))?;
        files::write_private_bytes(&key_path(staged), &text).map_err(io(staged))?;
        cipher::remember(staged, k);
    }
    progress(Phase::Finish);
    let mut store = Store::open_with(staged, false).map_err(RestoreError::Open)?;
    store.set_clock(Box::new(FixedClock(now)));
    let signed_in = match who {
        Credential::Admin { username, password } => match store.login(username, password) {
            Ok(a) if a.role == Role::Admin => Some(a),
            _ => {
                return Err(RestoreError::SignIn {
                    path: file.to_path_buf(),
                    user: username.to_string(),
                })
            }
        },
        Credential::Recovery(_) => None,
    };
    let kept = kept_path(db, now);
    let after = format!(
        "from={} kept={} schema_from={schema_from}",
        file.display(),
        kept.display(),
    );
    let by_recovery = audit::Who {
        user_id: None,
        username: "recovery-key",
    };
    store.write(|tx, now| {
        audit::append(
            tx,
            now,
            signed_in.as_ref().map_or(by_recovery, |a| a.into()),
            audit::Entry {
                action: "restore",
                entity: "database",
                entity_id: None,
                before: None,
                after: Some(&after),
            },
        )
    })?;
    let head = store.chain_head()?;
    // Leave one self-contained file: everything checkpointed, no WAL beside it.
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(store);
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(files::with_suffix(staged, side));
    }
    files::sync_file(staged).map_err(io(staged))?;
    Ok((kept, head))
}

/// Keeps the current database as `kept`: its WAL checkpointed into it first (so the
/// kept file is whole), then linked (or copied) to the new name with its anchors; the
/// old `-wal` and `-shm` are taken away so they cannot meet the restored file.
fn set_aside(db: &Path, kept: &Path) -> std::io::Result<PathBuf> {
    if let Ok(c) = cipher::connect(db) {
        let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = c.close();
    }
    if std::fs::hard_link(db, kept).is_err() {
        std::fs::copy(db, kept)?;
        files::set_mode(kept, files::FILE_MODE)?;
        files::sync_file(kept)?;
    }
    let wal = files::with_suffix(db, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        // Not checkpointed (the old file is damaged?): it stays with the kept file.
        std::fs::rename(&wal, files::with_suffix(kept, "-wal"))?;
    }
    let _ = std::fs::remove_file(&wal);
    let _ = std::fs::remove_file(files::with_suffix(db, "-shm"));
    let anchors = anchor::anchor_path(db);
    if anchors.exists() {
        std::fs::rename(&anchors, anchor::anchor_path(kept))?;
    }
    // Its key file goes with it (a copy: the current one is replaced by the backup's).
    let keys = key_path(db);
    if keys.exists() {
        files::write_private_bytes(&key_path(kept), &std::fs::read(&keys)?)?;
    }
    files::sync_dir(files::folder_of(db))?;
    Ok(kept.to_path_buf())
}

/// Copies `input` to `out` a megabyte at a time, reporting bytes done of the total.
fn copy_counting(
    input: &mut std::fs::File,
    out: &mut std::fs::File,
    progress: &mut dyn FnMut(Phase),
) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let total = input.metadata()?.len();
    let mut buf = vec![0u8; 1 << 20];
    let mut done = 0u64;
    progress(Phase::Copy { done, total });
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n])?;
        done += n as u64;
        progress(Phase::Copy { done, total });
    }
}

fn remove_with_sidecars(path: &Path) {
    for side in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(files::with_suffix(path, side));
    }
}

/// A restore of a store's own database on another thread: made by
/// [`Store::release_for_restore`], run by [`Restoring::run`] wherever, followed by
/// [`Store::reattach`].
#[derive(Debug)]
pub struct Restoring {
    db: PathBuf,
    username: String,
    now: DateTime<Utc>,
}

impl Restoring {
    /// Restores `file` (signed in to it with `password`), saying where it is.
    pub fn run(
        self,
        file: &Path,
        password: &str,
        progress: &mut dyn FnMut(Phase),
    ) -> Result<Restored, RestoreError> {
        let who = Credential::Admin {
            username: self.username.as_str(),
            password,
        };
        restore_with_progress(&self.db, file, who, self.now, progress)
    }
}

impl Store {
    /// Restores `file` over this store's own database (the administration screen): this
    /// connection and its instance lock are let go for the restore, then the database —
    /// restored, or as it was after a refusal — is opened again in their place.
    pub fn restore_here(
        &mut self,
        actor: &Actor,
        file: &Path,
        password: &str,
    ) -> Result<Restored, RestoreError> {
        let restoring = self.release_for_restore(actor)?;
        let result = restoring.run(file, password, &mut |_| {});
        self.reattach()?;
        result
    }

    /// Lets go of the database for a restore: the exit anchor is written, the
    /// connection closed and the instance lock given up. Until [`Store::reattach`] this
    /// store reads and writes nothing of the database (its connection is an empty one
    /// in memory).
    pub fn release_for_restore(&mut self, actor: &Actor) -> Result<Restoring, RestoreError> {
        if actor.role != Role::Admin {
            return Err(RestoreError::Store(StoreError::Forbidden));
        }
        self.background.settle();
        let now = self.now();
        self.anchor_at_exit();
        let closed = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        let _ = closed.close();
        self.lock = None;
        Ok(Restoring {
            db: self.path.clone(),
            username: actor.username.clone(),
            now,
        })
    }

    /// Opens the database again after [`Store::release_for_restore`]: restored, or as it
    /// was after a refusal.
    pub fn reattach(&mut self) -> Result<(), RestoreError> {
        let mut fresh = Store::open_with(&self.path, true).map_err(RestoreError::Open)?;
        std::mem::swap(&mut self.conn, &mut fresh.conn);
        std::mem::swap(&mut self.lock, &mut fresh.lock);
        std::mem::swap(&mut self.key, &mut fresh.key);
        fresh.anchored = false;
        Ok(())
    }
}
