//! Starting: a database error is shown, not taken for a first run; the first run says
//! where the database is.
use super::*;

#[test]
fn a_database_error_at_start_is_shown_not_taken_for_a_first_run() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let db_text = db.to_str().expect("utf-8 path");
    // A plain database: an encrypted one is read only once someone signs in, so its
    // tables cannot fail before the sign-in screen.
    let mut store = rmdesk::store::Store::create_plain(&db).expect("plain database");
    store
        .create_first_admin("chief", "Chief", PASSWORD)
        .expect("admin");
    drop(store);
    // The users table is gone: asking whether there are users fails.
    let conn = common::raw(&db).expect("open");
    conn.execute_batch("ALTER TABLE users RENAME TO users_gone")
        .expect("rename");
    drop(conn);
    let o = rmdesk(dir.path(), &["--db", db_text], "", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out} {err}");
    assert!(
        err.contains("cannot be read") && err.contains("no such table: users"),
        "the database error is told before the terminal is taken: {err}"
    );
}

#[test]
fn the_first_run_says_where_the_database_is() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("new.db");
    // No terminal here: the screens cannot start, but the path is told before they try.
    let o = rmdesk(dir.path(), &["--db", db.to_str().expect("utf-8")], "", &[]);
    let (out, _) = text(&o);
    assert!(
        out.contains(&format!(
            "first run — creating the database {}",
            db.display()
        )),
        "{out}"
    );
    // The default database: in the data folder.
    let o = rmdesk(dir.path(), &[], "", &[]);
    let default = dir.path().join("data").join("rmdesk.db");
    assert!(
        text(&o)
            .0
            .contains(&format!("creating the database {}", default.display())),
        "{:?}",
        text(&o)
    );
    // The screens show the recovery key on a screen of their own; when they cannot start
    // (no terminal here) it is printed instead, never lost.
    assert!(
        text(&o)
            .0
            .contains("Its recovery key, shown only this once"),
        "{:?}",
        text(&o)
    );
    // Not on later runs.
    let o = rmdesk(dir.path(), &["--db", db.to_str().expect("utf-8")], "", &[]);
    assert!(!text(&o).0.contains("first run"), "{:?}", text(&o));
    // The demo's first opening says where it was made.
    let o = rmdesk(dir.path(), &["--demo"], "", &[]);
    let demo = dir.path().join("data").join("demo.db");
    assert!(
        text(&o).0.contains(&format!(
            "first run — created the demo database {} (password for every user: demo-password)",
            demo.display()
        )),
        "{:?}",
        text(&o)
    );
    assert!(
        text(&o)
            .0
            .contains("Its recovery key, shown only this once"),
        "{:?}",
        text(&o)
    );
}
