//! Repository tests on real temporary database files: opening and migrations, refusing
//! foreign or damaged files, sign-in and lockout, password policy, role scoping, the
//! audit log and its chain, and two instances on one file.
mod common;

use std::time::{Duration, Instant};

use chrono::Duration as Minutes;
use common::*;
use rmdesk::store::users::NewUser;
use rmdesk::store::{FixedClock, OpenError, Role, Store, StoreError, LATEST_VERSION};

fn sqlite(path: &std::path::Path) -> rusqlite::Connection {
    common::raw(path).expect("raw connection")
}

fn actions(store: &mut Store) -> Vec<String> {
    let admin = store.login("admin", PASSWORD).expect("admin");
    let mut all: Vec<String> = store
        .audit_recent(&admin, None, 1000)
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    all.reverse();
    all.pop(); // the admin's own login just now
    all
}

#[test]
fn a_new_file_gets_the_whole_schema_and_reopens_unchanged() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("create");
        assert!(!store.has_users().expect("query"));
    }
    let conn = sqlite(&path);
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, LATEST_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    for table in [
        "users",
        "branches",
        "clients",
        "products",
        "holdings",
        "visits",
        "feedback",
        "tasks",
        "plan_notes",
        "settings",
        "audit_log",
        "client_search",
        "client_phone",
    ] {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .expect("schema");
        assert_eq!(n, 1, "table {table}");
    }
    let strict: i64 = conn
        .query_row("SELECT count(*) FROM pragma_table_list WHERE strict = 0 AND schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'client_search%' AND name NOT LIKE 'client_phone%'", [], |r| r.get(0))
        .expect("strict");
    assert_eq!(strict, 0, "every table is STRICT");
    drop(conn);
    let store = Store::open(&path).expect("reopen");
    assert!(!store.has_users().expect("query"));
}

#[test]
fn foreign_damaged_and_newer_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");

    let garbage = dir.path().join("notes.db");
    std::fs::write(
        &garbage,
        b"these are my notes, not a database at all; 0123456789 ".repeat(100),
    )
    .expect("write");
    let before = std::fs::read(&garbage).expect("read");
    let err = Store::open(&garbage).expect_err("refused");
    assert!(matches!(err, OpenError::NotADatabase(_)), "{err:?}");
    assert!(
        err.to_string().contains("is not an rmdesk database"),
        "{err}"
    );
    assert_eq!(std::fs::read(&garbage).expect("read"), before);

    let other = dir.path().join("other.db");
    sqlite(&other)
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .expect("other db");
    let before = std::fs::read(&other).expect("read");
    let err = Store::open(&other).expect_err("refused");
    assert!(matches!(err, OpenError::NotRmdesk(_)), "{err:?}");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(std::fs::read(&other).expect("read"), before);

    let newer = dir.path().join("newer.db");
    drop(Store::open(&newer).expect("create"));
    sqlite(&newer)
        .execute_batch("PRAGMA user_version = 999;")
        .expect("bump");
    let before = std::fs::read(&newer).expect("read");
    let err = Store::open(&newer).expect_err("refused");
    assert!(
        matches!(err, OpenError::TooNew { found: 999, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer rmdesk"), "{err}");
    assert_eq!(std::fs::read(&newer).expect("read"), before);

    let err = Store::open(dir.path()).expect_err("a folder");
    assert!(matches!(err, OpenError::NotADatabase(_)), "{err:?}");
    let err = Store::open_existing(&dir.path().join("missing.db")).expect_err("missing");
    assert!(matches!(err, OpenError::Missing(_)), "{err:?}");
}

#[test]
fn sign_in_gives_one_message_whatever_was_wrong() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    assert_eq!(store.login("rm1", PASSWORD).expect("ok").role, Role::Rm);
    for (user, pass) in [("rm1", "wrong-password!"), ("nobody", PASSWORD), ("", "")] {
        let err = store.login(user, pass).expect_err("refused");
        assert!(matches!(err, StoreError::InvalidCredentials));
        assert_eq!(err.to_string(), "invalid username or password");
    }
    let id = store.user_id_by_name(&admin, "rm2").expect("rm2");
    store.set_user_disabled(&admin, id, true).expect("disable");
    assert!(matches!(
        store.login("rm2", PASSWORD),
        Err(StoreError::InvalidCredentials)
    ));
}

#[test]
fn an_unknown_user_costs_the_same_hashing_time() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let time = |store: &mut Store, user: &str| {
        let mut runs: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let _ = store.login(user, "wrong-password!");
                t.elapsed()
            })
            .collect();
        runs.sort();
        runs[2]
    };
    let known = time(&mut store, "mgr1");
    let unknown = time(&mut store, "nobody-at-all");
    // Both run Argon2 once; allow generous noise but not the 10× of skipping the hash.
    assert!(
        unknown * 3 > known && known * 3 > unknown,
        "known {known:?}, unknown {unknown:?}"
    );
}

#[test]
fn five_failures_lock_the_account_for_fifteen_minutes() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    for _ in 0..5 {
        assert!(store.login("rm1", "wrong-password!").is_err());
    }
    assert!(
        matches!(
            store.login("rm1", PASSWORD),
            Err(StoreError::InvalidCredentials)
        ),
        "locked: even the right password is refused"
    );
    store.set_clock(Box::new(FixedClock(noon() + Minutes::minutes(14))));
    assert!(
        store.login("rm1", PASSWORD).is_err(),
        "still locked after 14 minutes"
    );
    store.set_clock(Box::new(FixedClock(
        noon() + Minutes::minutes(15) + Minutes::seconds(1),
    )));
    assert!(
        store.login("rm1", PASSWORD).is_ok(),
        "open again after 15 minutes"
    );
    let log = actions(&mut store);
    let tail: Vec<&str> = log.iter().rev().take(9).rev().map(String::as_str).collect();
    assert_eq!(
        tail,
        [
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "login_failed",
            "lockout",
            "login_refused_locked",
            "login_refused_locked",
            "login"
        ]
    );
}

#[test]
fn absurd_lockout_settings_in_the_file_are_held_to_their_bounds() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    sqlite(&path)
        .execute_batch(
            "UPDATE settings SET value = '9223372036854775807' WHERE key = 'lockout.minutes';
             UPDATE settings SET value = '-3' WHERE key = 'lockout.max_attempts';",
        )
        .expect("absurd settings");
    assert_eq!(store.setting_i64("lockout.minutes").expect("read"), 24 * 60);
    // The fewest attempts a setting may give (settings::SPECS) is 3.
    assert_eq!(store.setting_i64("lockout.max_attempts").expect("read"), 3);
    // Three failures lock, for a day at most: no overflow.
    for _ in 0..3 {
        assert!(store.login("rm1", "wrong-password!").is_err());
    }
    store.set_clock(Box::new(FixedClock(noon() + Minutes::minutes(24 * 60 - 1))));
    assert!(store.login("rm1", PASSWORD).is_err(), "locked for the day");
    store.set_clock(Box::new(FixedClock(noon() + Minutes::minutes(24 * 60 + 1))));
    assert!(
        store.login("rm1", PASSWORD).is_ok(),
        "open again after the bound"
    );
}

#[test]
fn an_administrator_unlocks_at_once_and_a_success_resets_the_count() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    for _ in 0..4 {
        assert!(store.login("rm1", "wrong-password!").is_err());
    }
    assert!(
        store.login("rm1", PASSWORD).is_ok(),
        "four failures do not lock"
    );
    for _ in 0..4 {
        assert!(store.login("rm1", "wrong-password!").is_err());
    }
    assert!(
        store.login("rm1", PASSWORD).is_ok(),
        "the count started again after the success"
    );
    for _ in 0..5 {
        let _ = store.login("rm1", "wrong-password!");
    }
    let id = store.user_id_by_name(&admin, "rm1").expect("id");
    assert!(store.user(&admin, id).expect("user").locked_until.is_some());
    store.unlock_user(&admin, id).expect("unlock");
    assert!(store.login("rm1", PASSWORD).is_ok());
}

#[test]
fn the_password_policy_refuses_with_the_field_and_reason() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let branch = store
        .branch_by_code("0101")
        .expect("query")
        .expect("branch")
        .id;
    let attempt = |store: &mut Store, username: &str, password: &str| {
        let u = NewUser {
            username: username.into(),
            display_name: "X".into(),
            role: Role::Rm,
            branch_id: Some(branch),
            password: password.into(),
        };
        store.create_user(&admin, &u)
    };
    for (user, pass, key) in [
        ("rm7", "short-pass", "err.password.short"),
        ("rm7rm7rm7rm7", "rm7rm7rm7rm7", "err.password.username"),
        ("rm7", "password1234", "err.password.common"),
        ("r", "long-enough-pass", "err.username.short"),
        ("rm1", "long-enough-pass", "err.username.taken"),
    ] {
        match attempt(&mut store, user, pass) {
            Err(StoreError::Invalid { key: k, .. }) => assert_eq!(k, key, "{user}/{pass}"),
            other => panic!("{user}/{pass}: expected {key}, got {other:?}"),
        }
    }
    let u = NewUser {
        username: "rm7".into(),
        display_name: "X".into(),
        role: Role::Rm,
        branch_id: None,
        password: PASSWORD.into(),
    };
    assert!(matches!(
        store.create_user(&admin, &u),
        Err(StoreError::Invalid {
            field: "branch",
            ..
        })
    ));
    assert!(attempt(&mut store, "rm7", "a-fine-long-passphrase").is_ok());
}

#[test]
fn new_and_reset_accounts_must_change_their_password() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let branch = store.branch_by_code("0101").expect("query").map(|b| b.id);
    let u = NewUser {
        username: "rm8".into(),
        display_name: "R".into(),
        role: Role::Rm,
        branch_id: branch,
        password: "set-by-the-admin".into(),
    };
    let id = store.create_user(&admin, &u).expect("create");
    let mut actor = store.login("rm8", "set-by-the-admin").expect("login");
    assert!(actor.must_change_password);
    let same = store.change_own_password(&mut actor, "set-by-the-admin", "set-by-the-admin");
    assert!(matches!(
        same,
        Err(StoreError::Invalid {
            key: "err.password.same",
            ..
        })
    ));
    let wrong = store.change_own_password(&mut actor, "not-the-current", "my-own-choice-1");
    assert!(matches!(
        wrong,
        Err(StoreError::Invalid {
            field: "current",
            ..
        })
    ));
    store
        .change_own_password(&mut actor, "set-by-the-admin", "my-own-choice-1")
        .expect("change");
    assert!(
        !store
            .login("rm8", "my-own-choice-1")
            .expect("login")
            .must_change_password
    );
    store
        .reset_password(&admin, id, "reset-by-the-admin")
        .expect("reset");
    assert!(
        store
            .login("rm8", "reset-by-the-admin")
            .expect("login")
            .must_change_password
    );
}

#[test]
fn user_lists_and_changes_are_scoped_by_role() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm = store.login("rm1", PASSWORD).expect("rm");
    let mgr = store.login("mgr1", PASSWORD).expect("manager");
    assert!(matches!(store.list_users(&rm), Err(StoreError::Forbidden)));
    let seen: Vec<String> = store
        .list_users(&mgr)
        .expect("list")
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(seen, ["mgr1", "rm1"], "a manager sees the own branch only");
    assert_eq!(store.list_users(&admin).expect("list").len(), 5);
    let u = NewUser {
        username: "sneaky".into(),
        display_name: "S".into(),
        role: Role::Admin,
        branch_id: None,
        password: PASSWORD.into(),
    };
    assert!(matches!(
        store.create_user(&rm, &u),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.create_user(&mgr, &u),
        Err(StoreError::Forbidden)
    ));
    let rm2 = store.user_id_by_name(&admin, "rm2").expect("rm2");
    assert!(matches!(
        store.reset_password(&mgr, rm2, "a-fine-long-passphrase"),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.set_user_disabled(&rm, rm2, true),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.audit_recent(&rm, None, 10),
        Err(StoreError::Forbidden)
    ));
    // an administrator cannot lock themselves out of administration
    assert!(store
        .set_user_disabled(&admin, admin.user_id, true)
        .is_err());
}

#[test]
fn every_security_event_is_audited() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mut rm = store.login("rm1", PASSWORD).expect("login");
    let _ = store.login("rm1", "wrong-password!");
    let _ = store.login("ghost", "wrong-password!");
    store.record_screen_lock(&rm, false).expect("lock");
    let _ = store.unlock_screen(&rm, "wrong-password!");
    store.unlock_screen(&rm, PASSWORD).expect("unlock");
    store
        .change_own_password(&mut rm, PASSWORD, "another-long-secret")
        .expect("change");
    let id = store.user_id_by_name(&admin, "rm1").expect("id");
    store
        .reset_password(&admin, id, "reset-long-secret")
        .expect("reset");
    store.unlock_user(&admin, id).expect("unlock user");
    store.set_user_disabled(&admin, id, true).expect("disable");
    store.record_logout(&admin).expect("logout");
    let log = actions(&mut store);
    let tail: Vec<&str> = log
        .iter()
        .rev()
        .take(11)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "login",
            "login_failed",
            "login_failed",
            "lock",
            "unlock_failed",
            "unlock",
            "password_change",
            "user.reset_password",
            "user.unlock",
            "user.disable",
            "logout"
        ]
    );
    let reader = store.login("admin", PASSWORD).expect("admin");
    let failed = store
        .audit_recent(&reader, Some("login_failed"), 10)
        .expect("audit");
    assert!(
        failed
            .iter()
            .any(|r| r.username == "ghost" && r.user_id.is_none()),
        "an unknown name is recorded as typed"
    );
}

#[test]
fn the_audit_log_refuses_update_and_delete() {
    let (_dir, path) = temp_db();
    let (store, _) = seeded(&path);
    drop(store);
    let conn = sqlite(&path);
    let upd = conn
        .execute("UPDATE audit_log SET action = 'nothing' WHERE id = 1", [])
        .expect_err("update refused");
    assert!(upd.to_string().contains("append-only"), "{upd}");
    let del = conn
        .execute("DELETE FROM audit_log WHERE id = 1", [])
        .expect_err("delete refused");
    assert!(del.to_string().contains("append-only"), "{del}");
}

#[test]
fn a_row_changed_behind_the_programs_back_breaks_the_chain_at_that_entry() {
    let (_dir, path) = temp_db();
    let (store, _) = seeded(&path);
    assert!(store.integrity_problems().expect("check").is_empty());
    drop(store);
    let conn = sqlite(&path);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET username = 'someone-else' WHERE id = 3;",
    )
    .expect("tamper");
    drop(conn);
    let store = Store::open(&path).expect("open");
    let faults = store.verify_audit_chain().expect("verify");
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0].id, 3);
    let problems = store.integrity_problems().expect("check");
    assert!(
        problems.iter().any(|p| p.starts_with("audit log entry 3:")),
        "{problems:?}"
    );

    // a removed entry is found too
    drop(store);
    let conn = sqlite(&path);
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 5;")
        .expect("tamper");
    drop(conn);
    let store = Store::open(&path).expect("open");
    let faults = store.verify_audit_chain().expect("verify");
    assert!(
        faults
            .iter()
            .any(|f| f.id == 6 && f.problem.contains("missing")),
        "{faults:?}"
    );
}

#[test]
fn a_second_instance_waits_for_the_first_and_then_writes() {
    let (_dir, path) = temp_db();
    let (store, _) = seeded(&path);
    drop(store);
    let holder = sqlite(&path);
    holder
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('x.test', '1');")
        .expect("hold the write lock");
    let path2 = path.clone();
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&path2).expect("second instance opens");
        let admin = store.login("admin", PASSWORD);
        (admin.is_ok(), Instant::now())
    });
    std::thread::sleep(Duration::from_millis(400));
    let released = Instant::now();
    holder.execute_batch("COMMIT").expect("release");
    let (ok, finished) = writer.join().expect("thread");
    assert!(ok, "the waiting instance got through");
    assert!(
        finished >= released,
        "it waited for the lock instead of failing"
    );
}
