//! Converting a database between plain and encrypted, and changing its data key:
//! `rmdesk encrypt`, `rmdesk decrypt FILE` and `rmdesk rekey`.
//!
//! Each writes a complete new file beside its target with SQLCipher's `sqlcipher_export`
//! (every table, index, trigger and full-text table, rows as they are), checks it —
//! integrity, foreign keys, the audit chain, and every table's row count against the
//! source — and only then puts it in place. Encrypt and rekey run with no other rmdesk
//! on the file (the restore's exclusive lock); the new key file is staged as
//! `NAME.encrypting.keys` / `NAME.rekeying.keys` and put in place right after the new
//! database: an open that finds the staged key file without its staged database
//! finishes that last rename ([`finish_interrupted`]).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::keys::{key_path, DataKey, KeyFile, RecoveryKey};
use super::restore::Credential;
use super::{audit, cipher, files, instances, Actor, Role, Store, StoreError, APPLICATION_ID};

/// What a conversion did.
#[derive(Debug)]
pub struct Converted {
    /// The new recovery key (encrypt, rekey), to be shown once.
    pub recovery: Option<RecoveryKey>,
    /// Where the plain file was kept, when asked (encrypt).
    pub kept_plain: Option<PathBuf>,
    /// Users who can sign in again only after an administrator resets their password:
    /// their passwords do not open the new key.
    pub users_to_reset: Vec<String>,
}

/// The suffixes of a staged conversion, or of a restore's staged file.
const STAGES: [&str; 3] = [".encrypting", ".rekeying", ".restoring"];

/// Finishes a conversion interrupted between putting the new database in place and its
/// key file: the staged key file is moved beside the database. A staged key file whose
/// staged database is still there belonged to a conversion that never finished; both
/// are removed.
///
/// It acts only when no other rmdesk has the database open (the exclusive instance
/// lock): a conversion or restore still running elsewhere holds that lock, and its
/// staged files are left alone.
pub fn finish_interrupted(db: &Path) {
    let staged_any = STAGES
        .iter()
        .any(|stage| key_path(&files::with_suffix(db, stage)).exists());
    if !staged_any {
        return;
    }
    let Ok(Some(_lock)) = instances::try_exclusive(db) else {
        return;
    };
    for stage in STAGES {
        let staged = files::with_suffix(db, stage);
        let staged_keys = key_path(&staged);
        if !staged_keys.exists() {
            continue;
        }
        if staged.exists() {
            let _ = std::fs::remove_file(&staged);
            let _ = std::fs::remove_file(&staged_keys);
        } else if db.exists() {
            match files::rename_durable(&staged_keys, &key_path(db)) {
                Ok(()) => tracing::warn!(db = %db.display(), "an interrupted {stage} finished"),
                Err(e) => tracing::error!(error = %e, "an interrupted {stage} cannot be finished"),
            }
        }
    }
}

/// Every table's row count (the check of a converted copy).
fn table_counts(conn: &Connection) -> rusqlite::Result<BTreeMap<String, i64>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = BTreeMap::new();
    for name in names {
        let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
        counts.insert(name, conn.query_row(&sql, [], |r| r.get(0))?);
    }
    Ok(counts)
}

/// Writes the database of `conn` to the new file `target`, encrypted with `key` (plain
/// with `None`), with its schema version and application id.
fn export(conn: &Connection, target: &Path, key: Option<&DataKey>) -> rusqlite::Result<()> {
    let key_text = key.map_or(String::new(), DataKey::pragma_value);
    let target_text = target.to_string_lossy();
    conn.execute(
        "ATTACH DATABASE ?1 AS target KEY ?2",
        [target_text.as_ref(), key_text.as_str()],
    )?;
    let exported = (|| {
        conn.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.execute_batch(&format!(
            "PRAGMA target.user_version = {version}; PRAGMA target.application_id = {APPLICATION_ID};"
        ))
    })();
    let detached = conn.execute_batch("DETACH DATABASE target");
    exported.and(detached)
}

/// Opens the converted copy and checks it against the source's row counts.
fn verify(
    target: &Path,
    key: Option<&DataKey>,
    counts: &BTreeMap<String, i64>,
) -> Result<(), StoreError> {
    let conn = Connection::open(target)?;
    if let Some(k) = key {
        cipher::key_connection(&conn, k)?;
    }
    let problems = super::check::problems_on(&conn)?;
    if let Some(p) = problems.first() {
        return Err(StoreError::conflict(
            "err.convert.check",
            format!("the converted copy failed its check ({p}); the database was left as it was"),
        ));
    }
    let copied = table_counts(&conn)?;
    if &copied != counts {
        return Err(StoreError::conflict(
            "err.convert.check",
            "the converted copy does not hold the same rows; the database was left as it was",
        ));
    }
    Ok(())
}

/// The sentence for a database another rmdesk has open.
fn in_use(db: &Path) -> StoreError {
    StoreError::conflict(
        "err.convert.in_use",
        format!(
            "another rmdesk has {} open; close it everywhere and try again — nothing was changed",
            db.display()
        ),
    )
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::write_failed(path, e)
}

/// Signs `username` in to `store`, who must be an administrator.
fn admin_of(store: &mut Store, username: &str, password: &str) -> Result<Actor, StoreError> {
    let actor = store.login(username, password)?;
    if actor.role != Role::Admin {
        return Err(StoreError::Forbidden);
    }
    Ok(actor)
}

fn audit_entry(
    store: &mut Store,
    who: audit::Who<'_>,
    action: &'static str,
    after: &str,
) -> Result<(), StoreError> {
    store.write(|tx, now| {
        audit::append(
            tx,
            now,
            who,
            audit::Entry {
                action,
                entity: "database",
                entity_id: None,
                before: None,
                after: Some(after),
            },
        )
    })?;
    // Opened without joining the instances (the exclusive lock is held): the entries of
    // this process are anchored here, as its exit would.
    store.write_anchor(super::anchor::Kind::Exit)?;
    store
        .conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// A new key file for `key`: the acting administrator's wrap, the lockout policy of the
/// settings, and a new recovery key.
fn new_key_file(
    store: &Store,
    username: &str,
    password: &str,
    key: &DataKey,
) -> (KeyFile, RecoveryKey) {
    let (mut file, recovery) = KeyFile::new(key);
    file.add_wrap(username.trim(), password, key);
    if let (Ok(max), Ok(minutes)) = (
        store.setting_i64("lockout.max_attempts"),
        store.setting_i64("lockout.minutes"),
    ) {
        file.set_policy(max, minutes);
    }
    (file, recovery)
}

/// The active users other than `except` (who must have their passwords reset).
/// The database encrypted afresh beside `db` (at `db` + `suffix`) under a new data key,
/// checked row for row, with a new key file opened by `username`'s password and a new
/// recovery key. The store is closed either way; on failure nothing staged is left.
struct Staged {
    staged: PathBuf,
    key: DataKey,
    recovery: RecoveryKey,
    others: Vec<String>,
}

fn stage_encrypted(
    store: Store,
    db: &Path,
    suffix: &str,
    username: &str,
    password: &str,
) -> Result<Staged, StoreError> {
    let counts = table_counts(store.conn())?;
    let key = DataKey::generate();
    let staged = files::with_suffix(db, suffix);
    let _ = std::fs::remove_file(&staged);
    let done = (|| {
        drop(files::create_private_new(&staged).map_err(io(&staged))?);
        export(store.conn(), &staged, Some(&key))?;
        files::set_mode(&staged, files::FILE_MODE).map_err(io(&staged))?;
        verify(&staged, Some(&key), &counts)?;
        let (file, recovery) = new_key_file(&store, username, password, &key);
        file.save(&key_path(&staged))
            .map_err(|e| StoreError::Open(e.into()))?;
        let others = other_users(&store, username)?;
        Ok::<_, StoreError>((recovery, others))
    })();
    drop(store);
    match done {
        Ok((recovery, others)) => Ok(Staged {
            staged,
            key,
            recovery,
            others,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            let _ = std::fs::remove_file(key_path(&staged));
            Err(e)
        }
    }
}

fn other_users(store: &Store, except: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = store.conn().prepare(
        "SELECT username FROM users WHERE disabled = 0 AND username <> ?1 ORDER BY username",
    )?;
    let names = stmt
        .query_map([except.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// Replaces `db` with the staged file and its staged key file, in that order (see the
/// module's note), removing the old `-wal` and `-shm` first.
fn put_in_place(db: &Path, staged: &Path) -> Result<(), StoreError> {
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(files::with_suffix(db, side));
    }
    files::rename_durable(staged, db).map_err(io(db))?;
    files::rename_durable(&key_path(staged), &key_path(db)).map_err(io(db))
}

/// `rmdesk encrypt`: converts the plain database `db` into an encrypted one, signed in
/// as the administrator `username`. The plain file is kept as `NAME.plain` only when
/// `keep_plain`; otherwise it is unlinked (which does not erase it from every disk).
pub fn encrypt(
    db: &Path,
    username: &str,
    password: &str,
    keep_plain: bool,
) -> Result<Converted, StoreError> {
    finish_interrupted(db);
    if cipher::is_encrypted(db) {
        return Err(StoreError::conflict(
            "err.convert.encrypted",
            format!("{} is already encrypted", db.display()),
        ));
    }
    let Some(lock) = instances::try_exclusive(db).map_err(io(db))? else {
        return Err(in_use(db));
    };
    let mut store = Store::open_with(db, false).map_err(StoreError::Open)?;
    let actor = admin_of(&mut store, username, password)?;
    let kept = files::with_suffix(db, ".plain");
    if keep_plain && kept.exists() {
        return Err(StoreError::conflict(
            "err.convert.kept_exists",
            format!(
                "{} already exists; move it away first — nothing was changed",
                kept.display()
            ),
        ));
    }
    audit_entry(
        &mut store,
        (&actor).into(),
        "database.encrypt",
        &format!("keep_plain={keep_plain}"),
    )?;
    let Staged {
        staged,
        key,
        recovery,
        others,
    } = stage_encrypted(store, db, ".encrypting", username, password)?;
    if keep_plain {
        std::fs::hard_link(db, &kept)
            .or_else(|_| std::fs::copy(db, &kept).map(drop))
            .map_err(io(&kept))?;
        files::set_mode(&kept, files::FILE_MODE).map_err(io(&kept))?;
    }
    put_in_place(db, &staged)?;
    cipher::remember(db, &key);
    drop(lock);
    Ok(Converted {
        recovery: Some(recovery),
        kept_plain: keep_plain.then_some(kept),
        users_to_reset: others,
    })
}

/// `rmdesk rekey`: a new data key for the encrypted database `db` (the file encrypted
/// again with it) and a new recovery key, signed in as the administrator `username`.
/// Only that administrator's password opens the new key at first.
pub fn rekey(db: &Path, username: &str, password: &str) -> Result<Converted, StoreError> {
    finish_interrupted(db);
    let Some(lock) = instances::try_exclusive(db).map_err(io(db))? else {
        return Err(in_use(db));
    };
    let mut store = Store::open_with(db, false).map_err(StoreError::Open)?;
    if !store.is_encrypted() {
        return Err(StoreError::conflict(
            "err.convert.plain",
            format!(
                "{} is not encrypted; encrypt it with `rmdesk encrypt`",
                db.display()
            ),
        ));
    }
    let actor = admin_of(&mut store, username, password)?;
    audit_entry(&mut store, (&actor).into(), "database.rekey", "")?;
    let Staged {
        staged,
        key,
        recovery,
        others,
    } = stage_encrypted(store, db, ".rekeying", username, password)?;
    put_in_place(db, &staged)?;
    cipher::remember(db, &key);
    drop(lock);
    Ok(Converted {
        recovery: Some(recovery),
        kept_plain: None,
        users_to_reset: others,
    })
}

/// `rmdesk decrypt FILE`: writes a plain copy of the encrypted database `db` to `out`
/// (a new file, mode `0600`), opened by an administrator or the recovery key. The copy
/// is audited in the database first.
pub fn decrypt(db: &Path, who: Credential<'_>, out: &Path) -> Result<(), StoreError> {
    finish_interrupted(db);
    if out.exists() {
        return Err(StoreError::conflict(
            "err.convert.out_exists",
            format!(
                "{} already exists; give a new file — nothing was written",
                out.display()
            ),
        ));
    }
    let mut store = Store::open_existing(db).map_err(StoreError::Open)?;
    if !store.is_encrypted() {
        return Err(StoreError::conflict(
            "err.convert.plain",
            format!("{} is not encrypted; copy it as it is", db.display()),
        ));
    }
    let actor = match who {
        Credential::Admin { username, password } => Some(admin_of(&mut store, username, password)?),
        Credential::Recovery(r) => {
            store.unlock_with_recovery(r)?;
            None
        }
    };
    let by_recovery = audit::Who {
        user_id: None,
        username: "recovery-key",
    };
    let who = actor.as_ref().map_or(by_recovery, |a| a.into());
    audit_entry(
        &mut store,
        who,
        "database.decrypt",
        &format!("to={}", out.display()),
    )?;
    let counts = table_counts(store.conn())?;
    let partial = files::partial_path(out);
    let _ = std::fs::remove_file(&partial);
    let done = (|| {
        // Made empty and private first: the plain rows never sit in a wider file.
        drop(files::create_private_new(&partial).map_err(io(&partial))?);
        export(store.conn(), &partial, None)?;
        files::set_mode(&partial, files::FILE_MODE).map_err(io(&partial))?;
        verify(&partial, None, &counts)?;
        files::rename_durable(&partial, out).map_err(io(out))
    })();
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done
}
