//! Password changes and restores killed at every step, and backups opened with a
//! password of their time or the recovery key.
use super::*;

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
