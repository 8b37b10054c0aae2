//! Encryption at rest: what is on disk reads as nothing without a key, and who can open
//! it (issue 17's "How it is checked").
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::Duration;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::ids::resident_id_check_char;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::keys::{key_path, RecoveryKey};
use rmdesk::store::{cipher, convert, FixedClock, Store, StoreError};

/// What the test writes and then looks for on disk.
const NAME: &str = "Quillfeather Oakhaven";
const MOBILE: &str = "13912345678";

fn id_number() -> String {
    let first = "11010119800101123";
    format!(
        "{first}{}",
        resident_id_check_char(first).expect("17 digits")
    )
}

/// A seeded, encrypted database with one client of known name, ID number and mobile;
/// the store is left open (its WAL holding the latest pages) with its recovery key.
fn with_client() -> (tempfile::TempDir, PathBuf, Store, RecoveryKey) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("create");
    let recovery = store
        .take_new_recovery_key()
        .expect("a new database's recovery key");
    drop(store);
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let input = ClientInput {
        kind: "individual".into(),
        name: NAME.into(),
        id_type: "resident_id".into(),
        id_number: id_number(),
        mobile: MOBILE.into(),
        ..ClientInput::default()
    };
    match store.create_client(&rm1, &input, true).expect("save") {
        SaveOutcome::Saved(_) => {}
        other => panic!("expected a save, got {other:?}"),
    }
    (dir, path, store, recovery)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The client's name, ID number and mobile are in none of `files` (nor any part of
/// them: the given name, the ID's last digits).
fn assert_unreadable(files: &[PathBuf]) {
    let id = id_number();
    for f in files {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(!bytes.is_empty(), "{} is empty", f.display());
        for needle in [
            "Quillfeather",
            "Oakhaven",
            &id,
            &id[10..],
            MOBILE,
            "CREATE TABLE",
        ] {
            assert!(!contains(&bytes, needle), "{} shows {needle}", f.display());
        }
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

#[test]
fn the_database_its_wal_and_a_backup_show_no_client_data() {
    let (dir, path, mut store, _) = with_client();
    let wal = sidecar(&path, "-wal");
    assert!(
        std::fs::metadata(&wal).expect("wal").len() > 0,
        "the WAL holds pages"
    );
    let admin = store.login("admin", PASSWORD).expect("admin");
    let backup = dir.path().join("copy.db");
    store
        .backup_to(&admin, &backup, &mut |_| {})
        .expect("backup");
    assert!(
        key_path(&backup).exists(),
        "the backup carries its key file"
    );
    assert_unreadable(&[path.clone(), wal, backup.clone()]);
    // The same check as `strings`, where the tool is there.
    if let Ok(o) = Command::new("strings").arg(&path).output() {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.contains("Oakhaven") && !text.contains(MOBILE));
    }
    // And the plain SQLite tool reads nothing.
    if let Ok(o) = Command::new("sqlite3")
        .arg(&backup)
        .arg("SELECT count(*) FROM clients;")
        .output()
    {
        assert!(!o.status.success(), "sqlite3 read the backup");
        assert!(String::from_utf8_lossy(&o.stderr).contains("not a database"));
    }
}

#[test]
fn a_new_database_is_encrypted_and_its_key_file_private() {
    let (_dir, path, store, recovery) = with_client();
    assert!(store.is_encrypted());
    assert!(!cipher::is_plain(&path));
    let text = std::fs::read_to_string(key_path(&path)).expect("key file");
    assert!(!text.contains(&recovery.display().replace('-', "")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_path(&path))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// The store as a new process sees it: nothing unlocked yet.
fn fresh(path: &Path) -> Store {
    cipher::forget(path);
    let mut store = Store::open(path).expect("open");
    assert!(store.is_sealed());
    store.set_clock(Box::new(FixedClock(noon())));
    store
}

#[test]
fn every_users_password_opens_it_and_a_wrong_one_opens_and_writes_nothing() {
    let (_dir, path, store, recovery) = with_client();
    drop(store);
    for user in ["admin", "mgr1", "mgr2", "rm1", "rm2"] {
        let mut s = fresh(&path);
        let actor = s
            .login(user, PASSWORD)
            .unwrap_or_else(|e| panic!("{user}: {e}"));
        assert_eq!(actor.username, user);
        assert!(!s.is_sealed());
    }
    let before = std::fs::read(&path).expect("db");
    let keys_before = std::fs::read(key_path(&path)).expect("keys");
    let mut s = fresh(&path);
    for (user, password) in [("rm1", "wrong-password-1"), ("nobody", PASSWORD)] {
        assert!(matches!(
            s.login(user, password),
            Err(StoreError::InvalidCredentials)
        ));
        assert!(s.is_sealed(), "nothing opened");
    }
    let other = RecoveryKey::parse(&"ab".repeat(32)).expect("a key");
    assert!(matches!(
        s.unlock_with_recovery(&other),
        Err(StoreError::WrongRecoveryKey)
    ));
    assert!(s.is_sealed());
    drop(s);
    assert_eq!(
        std::fs::read(&path).expect("db"),
        before,
        "the database is untouched"
    );
    // Only the failure count moved in the key file; the wrong recovery key wrote nothing.
    assert_ne!(std::fs::read(key_path(&path)).expect("keys"), keys_before);
    let mut s = fresh(&path);
    s.unlock_with_recovery(&recovery)
        .expect("the recovery key opens it");
    assert!(!s.is_sealed());
}

#[test]
fn after_a_change_or_a_disable_the_old_password_opens_nothing() {
    let (_dir, path, mut store, _) = with_client();
    let admin = store.login("admin", PASSWORD).expect("admin");
    let mut rm1 = store.login("rm1", PASSWORD).expect("rm1");
    store
        .change_own_password(&mut rm1, PASSWORD, "a-brand-new-secret-9")
        .expect("change");
    let rm2 = store.user_id_by_name(&admin, "rm2").expect("rm2");
    let mgr2 = store.user_id_by_name(&admin, "mgr2").expect("mgr2");
    store.set_user_disabled(&admin, rm2, true).ok();
    store
        .set_user_disabled(&admin, mgr2, true)
        .expect("disable mgr2");
    store
        .reset_password(
            &admin,
            store.user_id_by_name(&admin, "mgr1").expect("mgr1"),
            "temporary-pass-77",
        )
        .expect("reset");
    drop(store);
    let mut s = fresh(&path);
    assert!(s.login("rm1", PASSWORD).is_err(), "old password");
    assert!(s.is_sealed());
    s.login("rm1", "a-brand-new-secret-9")
        .expect("new password");
    let mut s = fresh(&path);
    assert!(s.login("mgr2", PASSWORD).is_err(), "disabled");
    assert!(s.is_sealed(), "a disabled user's password unwraps nothing");
    assert!(
        s.login("mgr1", PASSWORD).is_err(),
        "the password before the reset"
    );
    let mgr1 = s
        .login("mgr1", "temporary-pass-77")
        .expect("the temporary password");
    assert!(mgr1.must_change_password);
}

#[test]
fn the_recovery_key_opens_it_when_every_password_is_lost() {
    let (_dir, path, store, recovery) = with_client();
    drop(store);
    let mut s = fresh(&path);
    for user in ["admin", "rm1"] {
        assert!(s.login(user, "forgotten-password").is_err());
    }
    s.unlock_with_recovery(&recovery).expect("recovery");
    assert!(s.integrity_problems().expect("check").is_empty());
    // The command line too: a plain copy with the recovery key alone, audited as such.
    let copy = path.with_file_name("recovered.db");
    let o = rmdesk(
        &path,
        &["--recovery-key", "decrypt", copy.to_str().expect("utf-8")],
        &format!("{}\n", recovery.display()),
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(cipher::is_plain(&copy));
    let by: String = common::raw(&copy)
        .expect("raw")
        .query_row(
            "SELECT username FROM audit_log WHERE action = 'database.decrypt'",
            [],
            |r| r.get(0),
        )
        .expect("the decrypt entry");
    assert_eq!(by, "recovery-key");
    let wrong = rmdesk(
        &path,
        &[
            "--recovery-key",
            "decrypt",
            path.with_file_name("no.db").to_str().expect("utf-8"),
        ],
        &format!("{}\n", "0".repeat(64)),
        &[],
    );
    assert!(!wrong.status.success());
    assert!(!path.with_file_name("no.db").exists());
    let typed = recovery.display().to_uppercase().replace('-', " ");
    let mut s = fresh(&path);
    s.unlock_with_recovery(&RecoveryKey::parse(&typed).expect("as typed"))
        .expect("typed in capitals with spaces");
}

#[test]
fn lockout_counts_and_locks_before_the_database_opens() {
    let (_dir, path, store, _) = with_client();
    drop(store);
    let mut s = fresh(&path);
    for _ in 0..5 {
        assert!(s.login("rm1", "wrong-password-1").is_err());
    }
    assert!(
        s.login("rm1", PASSWORD).is_err(),
        "locked: the right password is refused"
    );
    assert!(s.is_sealed());
    // Others are not locked.
    s.login("rm2", PASSWORD).expect("rm2");
    let mut s = fresh(&path);
    s.set_clock(Box::new(FixedClock(noon() + Duration::minutes(16))));
    s.login("rm1", PASSWORD).expect("the lockout has passed");
}

#[test]
fn rekey_keeps_every_row_and_the_chain_and_only_the_new_keys_open_it() {
    let (_dir, path, store, old_recovery) = with_client();
    let counts = |s: &Store| -> Vec<i64> {
        ["clients", "audit_log", "users", "client_search"]
            .iter()
            .map(|t| {
                common::raw(s.path())
                    .expect("raw")
                    .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .expect("count")
            })
            .collect()
    };
    let before = counts(&store);
    drop(store);
    let done = convert::rekey(&path, "admin", PASSWORD).expect("rekey");
    let new_recovery = done.recovery.expect("a new recovery key");
    assert_eq!(done.users_to_reset, ["mgr1", "mgr2", "rm1", "rm2"]);
    let mut s = fresh(&path);
    assert!(
        s.unlock_with_recovery(&old_recovery).is_err(),
        "old recovery key"
    );
    assert!(s.login("rm1", PASSWORD).is_err(), "rm1 waits for a reset");
    s.login("admin", PASSWORD)
        .expect("the administrator who rekeyed");
    assert!(
        s.integrity_problems().expect("check").is_empty(),
        "chain intact"
    );
    let after = counts(&s);
    assert_eq!(after[0], before[0]);
    assert_eq!(
        after[1],
        before[1] + 1 + 2,
        "the rekey entry and two sign-ins"
    );
    assert_eq!(after[2..], before[2..]);
    let mut s = fresh(&path);
    s.unlock_with_recovery(&new_recovery)
        .expect("the new recovery key");
}

/// Runs the binary on `db` with `args`, `stdin` and extra environment.
fn rmdesk(db: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let dir = db.parent().expect("folder");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env_remove("RMDESK_DB")
        .env_remove("RMDESK_PASSWORD")
        .env_remove("RMDESK_RECOVERY_KEY")
        .envs(clock_env())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("rmdesk runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("rmdesk finishes")
}

/// `rmdesk ARGS` signed in as the administrator `admin`.
fn as_admin(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--user", "admin"];
    all.extend_from_slice(args);
    rmdesk(db, &all, "", &[("RMDESK_PASSWORD", PASSWORD)])
}

/// `rmdesk check` as the administrator passes on `db` (after the fault named `step`).
fn assert_checks(db: &Path, step: &str) {
    let check = rmdesk(
        db,
        &["--user", "admin", "check"],
        "",
        &[("RMDESK_PASSWORD", PASSWORD)],
    );
    assert!(
        check.status.success(),
        "{step}: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}

fn signs_in(db: &Path, user: &str, password: &str) -> bool {
    rmdesk(
        db,
        &["--user", user, "search", "x"],
        "",
        &[("RMDESK_PASSWORD", password)],
    )
    .status
    .success()
}

#[test]
fn a_password_change_killed_at_every_step_leaves_one_password_that_opens_it() {
    let steps = [
        "wrap.added",
        "password.stored",
        "wrap.before_commit",
        "wrap.committed",
    ];
    for step in steps {
        let (_dir, path, store, _) = with_client();
        drop(store);
        let new = "changed-at-a-crash-1";
        let o = rmdesk(
            &path,
            &["--user", "rm1", "passwd"],
            &format!("{PASSWORD}\n{new}\n"),
            &[("RMDESK_TEST_CRASH_AT", step)],
        );
        assert!(!o.status.success(), "{step}: the change was stopped");
        let old_opens = signs_in(&path, "rm1", PASSWORD);
        let new_opens = signs_in(&path, "rm1", new);
        assert!(
            old_opens != new_opens,
            "{step}: old opens {old_opens}, new opens {new_opens}"
        );
        // The database itself is whole, and the others still sign in.
        assert_checks(&path, step);
        assert!(signs_in(&path, "rm2", PASSWORD), "{step}: rm2");
    }
}

#[test]
fn a_wrong_key_file_is_one_sentence_and_sqlcipher_says_nothing() {
    let (dir, path, store, _) = with_client();
    drop(store);
    // Another database's key file beside this one.
    let other = dir.path().join("other.db");
    let (s, _) = seeded(&other);
    drop(s);
    std::fs::copy(key_path(&other), key_path(&path)).expect("swap key files");
    let o = as_admin(&path, &["search", "x"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(
        err.contains("key file belongs to another database"),
        "{err}"
    );
    // Without its key file, the database says so.
    std::fs::remove_file(key_path(&path)).expect("remove");
    let o = as_admin(&path, &["search", "x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("encrypted one whose key file") && err.contains("is missing"),
        "{err}"
    );
}

#[test]
fn encrypt_and_decrypt_convert_a_database_and_keep_its_rows_and_chain() {
    let (dir, path, store, _) = with_client();
    drop(store);
    let plain = dir.path().join("plain.db");
    let o = as_admin(&path, &["decrypt"]);
    assert!(!o.status.success(), "decrypt needs a file");
    let o = as_admin(&path, &["decrypt", plain.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not erase it"));
    assert!(cipher::is_plain(&plain));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&plain)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let bytes = std::fs::read(&plain).expect("plain");
    assert!(contains(&bytes, "Oakhaven"), "the plain copy is plain");
    // Opening the plain copy says it is not encrypted and how to encrypt it.
    let o = as_admin(&plain, &["search", "x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is not encrypted") && err.contains("encrypt"),
        "{err}"
    );
    // Encrypt it back.
    let o = as_admin(&plain, &["encrypt"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("recovery key"), "{out}");
    assert!(out.contains("mgr1, mgr2, rm1, rm2"), "{out}");
    assert!(!cipher::is_plain(&plain));
    assert_unreadable(std::slice::from_ref(&plain));
    let check = as_admin(&plain, &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The audit log has both conversions.
    common::unlock(&plain);
    let actions: Vec<String> = common::raw(&plain)
        .expect("raw")
        .prepare("SELECT action FROM audit_log WHERE entity = 'database' ORDER BY id")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("actions");
    assert_eq!(actions, ["database.decrypt", "database.encrypt"]);
}

#[test]
fn a_backup_restores_with_a_password_of_its_time_or_the_recovery_key() {
    let (dir, path, mut store, recovery) = with_client();
    let admin = store.login("admin", PASSWORD).expect("admin");
    let backup = dir.path().join("copy.db");
    store
        .backup_to(&admin, &backup, &mut |_| {})
        .expect("backup");
    drop(store);
    let wrong = rmdesk(
        &path,
        &[
            "--user",
            "admin",
            "restore",
            backup.to_str().expect("utf-8"),
        ],
        "",
        &[("RMDESK_PASSWORD", "not-the-password")],
    );
    assert!(!wrong.status.success());
    let o = rmdesk(
        &path,
        &["--recovery-key", "restore", backup.to_str().expect("utf-8")],
        "",
        &[("RMDESK_RECOVERY_KEY", &recovery.display())],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = rmdesk(
        &path,
        &[
            "--user",
            "admin",
            "restore",
            backup.to_str().expect("utf-8"),
        ],
        "",
        &[("RMDESK_PASSWORD", PASSWORD)],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(signs_in(&path, "rm1", PASSWORD));
    let check = rmdesk(
        &path,
        &["--recovery-key", "check"],
        &format!("{}\n", recovery.display()),
        &[],
    );
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_restore_killed_between_its_renames_is_finished_or_undone_at_the_next_open() {
    for step in ["restore.database", "restore.key_file"] {
        let (dir, path, mut store, _) = with_client();
        let admin = store.login("admin", PASSWORD).expect("admin");
        let backup = dir.path().join("copy.db");
        store
            .backup_to(&admin, &backup, &mut |_| {})
            .expect("backup");
        drop(store);
        // A new data key for the database, so the backup's key file and the current one
        // open different files: a database beside the wrong key file opens nothing.
        convert::rekey(&path, "admin", PASSWORD).expect("rekey");
        cipher::forget(&path);
        let o = rmdesk(
            &path,
            &[
                "--user",
                "admin",
                "restore",
                backup.to_str().expect("utf-8"),
            ],
            "",
            &[
                ("RMDESK_PASSWORD", PASSWORD),
                ("RMDESK_TEST_CRASH_AT", step),
            ],
        );
        assert!(!o.status.success(), "{step}: the restore was stopped");
        assert_checks(&path, step);
        let staged = dir.path().join("test.db.restoring");
        assert!(
            !staged.exists() && !key_path(&staged).exists(),
            "{step}: the staged files are gone"
        );
        // Stopped before the database moved, nothing was restored (rm1's password does
        // not open the rekeyed file); stopped after, the restore is finished (the
        // backup's key file, with rm1's wrap, is beside it).
        let restored = step == "restore.key_file";
        assert_eq!(signs_in(&path, "rm1", PASSWORD), restored, "{step}");
    }
}
