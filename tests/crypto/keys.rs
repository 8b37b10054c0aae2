//! Keys: every user's password opens the database, old ones stop, the recovery key, lockout
//! before the database opens, rekey.
use super::*;

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
