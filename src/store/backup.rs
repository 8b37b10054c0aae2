//! Backups: a consistent copy taken while others keep working, checked before it is
//! given its name, with a manifest beside it; automatic daily backups kept N deep.
//!
//! The copy is SQLite's online backup API run inside one read transaction on the
//! source: in WAL mode other instances keep writing meanwhile (their commits go to the
//! WAL, past the snapshot being copied), and the copy is that snapshot exactly. It is
//! written to `FILE.partial` (mode 0600), switched to a single-file journal, checked
//! (integrity, foreign keys, audit chain and its triggers), flushed, and only then renamed
//! to `FILE`; the manifest (`FILE.manifest`) records who took it, when, the schema
//! version, row counts and the chain's head, which is also anchored beside the database.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::anchor::{self, Anchor, Head, Kind};
use super::{audit, files, Actor, Result, Role, Store, StoreError};

/// Pages copied per step: small enough for frequent progress, large enough to be fast.
const PAGES_PER_STEP: i32 = 2048;

/// Tables counted in a manifest.
const COUNTED: &[&str] = &[
    "users",
    "branches",
    "clients",
    "products",
    "holdings",
    "visits",
    "feedback",
    "tasks",
    "audit_log",
];

/// Where a backup is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Copying pages: done of total.
    Copy {
        /// Pages copied.
        done: u64,
        /// Pages in all.
        total: u64,
    },
    /// Checking the copy (integrity, foreign keys, chain).
    Check,
    /// Flushing and renaming into place.
    Finish,
}

/// Why a backup failed; the target name is never left holding a partial copy.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Only administrators take backups.
    #[error("only an administrator takes backups")]
    Forbidden,
    /// Refuses to overwrite.
    #[error("{0} already exists; choose another name (a backup never overwrites a file)")]
    Exists(PathBuf),
    /// The copy failed its checks; it was deleted.
    #[error("the copy failed its checks and was deleted: {}", .0.join("; "))]
    Check(Vec<String>),
    /// The file system refused.
    #[error("{path} cannot be written: {source}")]
    Io {
        /// Which file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        BackupError::Store(StoreError::Sqlite(e))
    }
}

/// What a manifest records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// When the backup was taken (ISO-8601 UTC).
    pub created_at: String,
    /// Who took it (`system` for automatic backups).
    pub user: String,
    /// File name of the database it copies.
    pub database: String,
    /// Schema version of the copy.
    pub schema_version: i64,
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// Rows per table.
    pub rows: BTreeMap<String, i64>,
    /// The audit chain's head in the copy.
    pub audit_head: ManifestHead,
}

/// The chain's head as a manifest writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestHead {
    /// Number of entries.
    pub entries: i64,
    /// Last entry's id.
    pub last_id: i64,
    /// Last entry's hash.
    pub last_hash: String,
}

impl From<&Head> for ManifestHead {
    fn from(h: &Head) -> Self {
        ManifestHead {
            entries: h.count,
            last_id: h.last_id,
            last_hash: h.last_hash.clone(),
        }
    }
}

impl ManifestHead {
    /// As an anchor head.
    pub fn head(&self) -> Head {
        Head {
            count: self.entries,
            last_id: self.last_id,
            last_hash: self.last_hash.clone(),
        }
    }
}

/// `FILE.manifest` beside a backup.
pub fn manifest_path(backup: &Path) -> PathBuf {
    files::with_suffix(backup, ".manifest")
}

/// Reads a backup's manifest, if it has a readable one.
pub fn read_manifest(backup: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(manifest_path(backup)).ok()?;
    toml::from_str(&text).ok()
}

/// The `backups/` folder beside the database.
pub fn backups_dir(db: &Path) -> PathBuf {
    files::folder_of(db).join("backups")
}

fn db_stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rmdesk".into())
}

fn db_name(db: &Path) -> String {
    db.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The automatic backups of `db`, oldest first (their names sort by date).
pub fn auto_backups(db: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-", db_stem(db));
    let Ok(entries) = std::fs::read_dir(backups_dir(db)) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".db"))
        })
        .collect();
    out.sort();
    out
}

/// The heads recorded in the manifests of `db`'s automatic backups, as anchors.
pub fn manifest_anchors(db: &Path) -> Vec<Anchor> {
    let name = db_name(db);
    auto_backups(db)
        .into_iter()
        .filter_map(|p| {
            let m = read_manifest(&p)?;
            (m.database == name).then(|| Anchor {
                at: m.created_at.clone(),
                kind: Kind::Backup,
                head: m.audit_head.head(),
                from_id: None,
                source: manifest_path(&p)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Everything that makes a file unfit to keep or restore: integrity, foreign keys, the
/// audit chain and its triggers. One sentence each.
pub fn file_problems(conn: &Connection) -> Result<Vec<String>> {
    super::check::problems_on(conn)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn row_counts(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut rows = BTreeMap::new();
    for table in COUNTED {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        rows.insert((*table).to_string(), n);
    }
    Ok(rows)
}

impl Store {
    /// Takes a backup to `dest` as `actor` (administrators only), reporting progress.
    /// Audited in this database and anchored beside it.
    pub fn backup_to(
        &mut self,
        actor: &Actor,
        dest: &Path,
        progress: &mut dyn FnMut(Phase),
    ) -> Result<Manifest, BackupError> {
        if actor.role != Role::Admin {
            return Err(BackupError::Forbidden);
        }
        self.backup_as(audit::Who::from(actor), dest, progress)
    }

    fn backup_as(
        &mut self,
        who: audit::Who<'_>,
        dest: &Path,
        progress: &mut dyn FnMut(Phase),
    ) -> Result<Manifest, BackupError> {
        if dest.exists() {
            return Err(BackupError::Exists(dest.to_path_buf()));
        }
        let partial = files::with_suffix(dest, ".partial");
        let _ = std::fs::remove_file(&partial);
        let result = self.copy_checked(who, dest, &partial, progress);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
            let _ = std::fs::remove_file(files::with_suffix(&partial, "-journal"));
        }
        let manifest = result?;
        let after = format!(
            "file={} entries={} last_id={} last_hash={}",
            dest.display(),
            manifest.audit_head.entries,
            manifest.audit_head.last_id,
            manifest.audit_head.last_hash
        );
        self.write(|tx, now| {
            audit::append(
                tx,
                now,
                who,
                audit::Entry {
                    action: "backup",
                    entity: "database",
                    entity_id: None,
                    before: None,
                    after: Some(&after),
                },
            )
        })?;
        Ok(manifest)
    }

    fn copy_checked(
        &mut self,
        who: audit::Who<'_>,
        dest: &Path,
        partial: &Path,
        progress: &mut dyn FnMut(Phase),
    ) -> Result<Manifest, BackupError> {
        drop(files::create_private_new(partial).map_err(io_err(partial))?);
        let mut dst = Connection::open(partial)?;
        // An encrypted database's backup is encrypted with the same data key.
        if let Some(key) = &self.key {
            super::cipher::key_connection(&dst, key)?;
        }
        // One read transaction over the whole copy: every step sees the same snapshot,
        // and writers elsewhere carry on into the WAL.
        self.conn().execute_batch("BEGIN DEFERRED")?;
        let copied = (|| -> Result<(), BackupError> {
            self.conn()
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                    r.get::<_, i64>(0)
                })?;
            let b = Backup::new(self.conn(), &mut dst)?;
            loop {
                let step = b.step(PAGES_PER_STEP)?;
                let p = b.progress();
                let total = u64::try_from(p.pagecount).unwrap_or(0);
                let left = u64::try_from(p.remaining).unwrap_or(0);
                progress(Phase::Copy {
                    done: total.saturating_sub(left),
                    total,
                });
                match step {
                    StepResult::Done => break,
                    StepResult::More => {}
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
            Ok(())
        })();
        let _ = self.conn().execute_batch("COMMIT");
        copied?;
        progress(Phase::Check);
        // A backup is one self-contained file: no WAL beside it.
        let _mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        let problems = file_problems(&dst)?;
        if !problems.is_empty() {
            // The copy is a page-for-page snapshot: what is wrong with it is wrong with the
            // database, which is marked damaged so that nothing writes to it again.
            super::damage::mark(self.path(), &problems.join("; "));
            return Err(BackupError::Check(problems));
        }
        let head = anchor::head(&dst)?;
        let rows = row_counts(&dst)?;
        let schema_version: i64 = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        dst.close().map_err(|(_, e)| e)?;
        progress(Phase::Finish);
        files::set_mode(partial, files::FILE_MODE).map_err(io_err(partial))?;
        if self.key.is_some() {
            // The backup carries a copy of the key file (written first, so a backup
            // never stands without its key): its users' passwords of today, or the
            // recovery key, open it.
            let keys = super::keys::key_path(self.path());
            let text = std::fs::read(&keys).map_err(io_err(&keys))?;
            let copy = super::keys::key_path(dest);
            files::write_private_bytes(&copy, &text).map_err(io_err(&copy))?;
        }
        files::rename_durable(partial, dest).map_err(io_err(dest))?;
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        let manifest = Manifest {
            created_at: super::ts(self.now()),
            user: who.username.to_string(),
            database: db_name(self.path()),
            schema_version,
            bytes,
            rows,
            audit_head: ManifestHead::from(&head),
        };
        let text = toml::to_string(&manifest).unwrap_or_default();
        let mpath = manifest_path(dest);
        files::write_private_bytes(&mpath, text.as_bytes()).map_err(io_err(&mpath))?;
        let a = anchor::new_anchor(self.now(), Kind::Backup, head);
        anchor::append(self.path(), &a).map_err(io_err(&anchor::anchor_path(self.path())))?;
        Ok(manifest)
    }

    /// The automatic backup of `today` (a local date) into `backups/` beside the
    /// database, unless one exists; then only the newest `backup.keep` are kept. A
    /// failure is logged and audited (`backup.auto_failed`), and returned for the screen.
    pub fn auto_backup_if_due(&mut self, today: NaiveDate) -> Result<Option<PathBuf>, BackupError> {
        let dir = backups_dir(self.path());
        let dest = dir.join(format!("{}-{today}.db", db_stem(self.path())));
        if dest.exists() {
            return Ok(None);
        }
        let result = files::create_private_dir(&dir)
            .map_err(io_err(&dir))
            .and_then(|()| self.backup_as(audit::SYSTEM, &dest, &mut |_| {}));
        match result {
            Ok(_) => {
                let keep = self.setting_i64("backup.keep")?.max(1);
                self.rotate_auto_backups(usize::try_from(keep).unwrap_or(1));
                tracing::info!(file = %dest.display(), "automatic backup taken");
                Ok(Some(dest))
            }
            Err(e) => {
                tracing::error!(error = %e, "automatic backup failed");
                let reason = e.to_string();
                let _ = self.write(|tx, now| {
                    audit::append(
                        tx,
                        now,
                        audit::SYSTEM,
                        audit::Entry {
                            action: "backup.auto_failed",
                            entity: "database",
                            entity_id: None,
                            before: None,
                            after: Some(&reason),
                        },
                    )
                });
                Err(e)
            }
        }
    }

    /// Deletes the oldest automatic backups (and their manifests) beyond the newest `keep`.
    pub fn rotate_auto_backups(&self, keep: usize) {
        let all = auto_backups(self.path());
        let excess = all.len().saturating_sub(keep);
        for old in &all[..excess] {
            if let Err(e) = std::fs::remove_file(old) {
                tracing::error!(file = %old.display(), error = %e, "old backup not removed");
            }
            let _ = std::fs::remove_file(manifest_path(old));
            let _ = std::fs::remove_file(super::keys::key_path(old));
        }
    }

    /// The newest `backup.auto_failed` entry after the newest automatic backup, if any:
    /// shown to the administrator until a backup succeeds.
    pub fn last_auto_backup_failure(&self) -> Result<Option<(String, String)>> {
        let row = self.conn().query_row(
            "SELECT at, coalesce(after, '') FROM audit_log
             WHERE action IN ('backup.auto_failed', 'backup') AND username = 'system'
             ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        );
        match row {
            Ok((at, reason)) if !reason.starts_with("file=") => Ok(Some((at, reason))),
            Ok(_) | Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
