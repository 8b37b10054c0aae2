//! Set-up and the user commands, check, bad files and usage errors with their exit codes.
use super::*;

#[test]
fn init_then_user_commands_then_check() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let db = db.to_str().expect("utf-8 path");
    init(dir.path(), db);

    let again = rmdesk(
        dir.path(),
        &["--db", db, "init", "--admin", "other"],
        &format!("{PASSWORD}\n"),
        &[],
    );
    assert_refused(&again, "already has users");

    // admin password from the environment, the new user's from standard input
    let add = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm1", "--role", "rm", "--branch", "0101",
        ],
        "initial-pass-for-one\n",
        &[("RMDESK_PASSWORD", PASSWORD)],
    );
    assert!(add.status.success(), "{:?}", text(&add));
    // or both from standard input, one line each
    let add2 = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm2", "--branch", "0101",
        ],
        &format!("{PASSWORD}\ninitial-pass-for-two\n"),
        &[],
    );
    assert!(add2.status.success(), "{:?}", text(&add2));

    let weak = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm3", "--branch", "0101",
        ],
        &format!("{PASSWORD}\nshort\n"),
        &[],
    );
    assert_eq!(weak.status.code(), Some(1));
    assert_eq!(
        text(&weak).1.trim(),
        "rmdesk: password: the password must have at least 12 characters"
    );

    let no_branch = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm4", "--branch", "9999",
        ],
        &format!("{PASSWORD}\nlong-enough-pass\n"),
        &[],
    );
    assert_refused(&no_branch, "no branch with the code 9999");

    let wrong = rmdesk(
        dir.path(),
        &["--db", db, "--user", "chief", "user", "unlock", "rm1"],
        "not-the-password\n",
        &[],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        text(&wrong).1.trim(),
        "rmdesk: invalid username or password"
    );

    // A new account must choose its own password before anything else.
    let must_change = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "user", "disable", "rm2"],
        "initial-pass-for-one\n",
        &[],
    );
    assert_eq!(must_change.status.code(), Some(1));
    assert!(text(&must_change)
        .1
        .contains("rm1 must choose a new password"));
    let changed = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "passwd"],
        "initial-pass-for-one\nquiet-river-morning\n",
        &[],
    );
    assert!(changed.status.success(), "{:?}", text(&changed));
    assert_eq!(text(&changed).0, "the password of rm1 is changed\n");
    let not_admin = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "user", "disable", "rm2"],
        "quiet-river-morning\n",
        &[],
    );
    assert_refused(&not_admin, "only an administrator");

    for cmd in [
        vec!["user", "passwd", "rm2"],
        vec!["user", "unlock", "rm2"],
        vec!["user", "disable", "rm2"],
    ] {
        let mut args = vec!["--db", db, "--user", "chief"];
        args.extend(cmd.iter().copied());
        let o = rmdesk(
            dir.path(),
            &args,
            &format!("{PASSWORD}\nfresh-password-two\n"),
            &[],
        );
        assert!(o.status.success(), "{cmd:?}: {:?}", text(&o));
    }

    let check = rmdesk(dir.path(), &["--db", db, "check"], "", &[]);
    assert!(check.status.success(), "{:?}", text(&check));
    assert!(text(&check).0.contains("audit chain ok"));
}

#[test]
fn check_names_a_tampered_audit_entry_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    init(dir.path(), db.to_str().expect("utf-8"));
    let conn = common::raw(&db).expect("raw");
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after = 'code=9999' WHERE id = 2;",
    )
    .expect("tamper");
    drop(conn);
    let o = rmdesk(
        dir.path(),
        &["--db", db.to_str().expect("utf-8"), "check"],
        "",
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let (out, err) = text(&o);
    assert!(
        out.contains("audit log entry 2: its content was changed after it was written"),
        "{out}"
    );
    // Dropping the trigger is seen too, in its own sentence.
    assert!(
        out.contains(
            "the trigger audit_log_no_update that forbids changing audit entries is missing"
        ),
        "{out}"
    );
    assert!(err.contains("2 problem(s)"), "{err}");
}

#[test]
fn bad_files_get_one_clear_sentence_and_stay_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("photo.db");
    std::fs::write(&bad, vec![0xAB; 8192]).expect("write");
    for args in [vec!["check"], vec!["init", "--admin", "chief"]] {
        let mut all = vec!["--db", bad.to_str().expect("utf-8")];
        all.extend(args.iter().copied());
        let o = rmdesk(dir.path(), &all, &format!("{PASSWORD}\n"), &[]);
        assert_eq!(o.status.code(), Some(1));
        let err = text(&o).1;
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("is not an rmdesk database"), "{err}");
        assert_eq!(std::fs::read(&bad).expect("read"), vec![0xAB; 8192]);
    }
    // The application itself refuses before touching the terminal.
    let o = rmdesk(dir.path(), &["--db", bad.to_str().expect("utf-8")], "", &[]);
    assert_refused(&o, "is not an rmdesk database");
    let missing = rmdesk(
        dir.path(),
        &[
            "--db",
            dir.path().join("none.db").to_str().expect("utf-8"),
            "check",
        ],
        "",
        &[],
    );
    assert_refused(&missing, "does not exist");
}

#[test]
fn usage_errors_exit_two_and_help_exits_zero() {
    let dir = tempfile::tempdir().expect("dir");
    let o = rmdesk(dir.path(), &["frobnicate"], "", &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = rmdesk(
        dir.path(),
        &["user", "add", "x", "--role", "teller"],
        "",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["user", "add", "--help"],
        vec!["check", "--help"],
        vec!["demo", "--help"],
    ] {
        let o = rmdesk(dir.path(), &args, "", &[]);
        assert!(o.status.success(), "{args:?}");
        assert!(text(&o).0.contains("Usage"), "{args:?}");
    }
}
