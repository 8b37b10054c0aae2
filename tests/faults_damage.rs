//! Fault suite, damage: a damaged page, a truncated file, an empty file, a text file,
//! another program's database and a newer schema each get one sentence and stay
//! byte-for-byte unchanged; a damaged file is marked (`NAME.damaged`) and nothing writes
//! to it until it is restored or checked clean.
mod faults;

use std::path::Path;

use faults::*;
use rmdesk::store::{damage, OpenError, Store, StoreError};

/// Runs every command that could write, as a manager, and asserts each fails with one
/// line containing `sentence` and leaves the file as it was.
fn refused_untouched(dir: &Path, db: &Path, sentence: &str) {
    let before = disk_image(db);
    let file = dir.join("more.csv");
    client_file(&file, 900, 3, "rm1");
    let export = dir.join("out.csv");
    let file_arg = file.to_str().expect("utf-8");
    let export_arg = export.to_str().expect("utf-8");
    for args in [
        vec!["import", "clients", file_arg],
        vec!["search", "客户"],
        vec!["export", "clients", export_arg],
    ] {
        let o = run_as(dir, db, "manager", &args);
        let (out, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {out} {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one sentence: {err}");
        assert!(err.contains(sentence), "{args:?}: {err}");
        assert_eq!(disk_image(db), before, "{args:?} changed the file");
        assert!(!export.exists(), "no export of a damaged file");
    }
}

#[test]
fn a_damaged_page_marks_the_file_and_nothing_writes_until_it_is_checked_clean() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "bank.db", 300);
    let good = std::fs::read(&db).expect("good copy");
    let (page, size) = root_page(&db, "clients");
    overwrite_page(&db, page, size);
    let damaged = disk_image(&db);

    let o = run(dir.path(), &db, &["check"], "");
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert!(text(&o).1.contains("is damaged"), "{:?}", text(&o));
    assert!(damage::is_marked(&db), "check failing marks the file");
    assert_eq!(disk_image(&db), damaged, "check writes nothing");

    refused_untouched(
        dir.path(),
        &db,
        "is damaged and nothing will be written to it",
    );

    // The application opens it read-only: sign-in works and writes nothing; every
    // write is refused with the damage sentence.
    assert!(matches!(Store::open(&db), Err(OpenError::MarkedDamaged(_))));
    let mut store = Store::open_read_only(&db).expect("read-only");
    assert!(store.is_damaged());
    let mut actor = store.login("manager", DEMO_PASSWORD).expect("sign in");
    assert!(matches!(
        store.change_own_password(&mut actor, DEMO_PASSWORD, "a-much-better-passphrase"),
        Err(StoreError::Damaged)
    ));
    drop(store);
    assert_eq!(disk_image(&db), damaged, "the read-only application wrote");

    // Restored (here: the good bytes back), a clean check removes the mark.
    std::fs::write(&db, &good).expect("restore");
    let o = run(dir.path(), &db, &["check"], "");
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(!damage::is_marked(&db));
    let o = run_as(dir.path(), &db, "manager", &["search", "客户"]);
    assert!(o.status.success(), "{:?}", text(&o));
}

#[test]
fn corruption_met_by_any_command_marks_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "bank.db", 300);
    let (page, size) = root_page(&db, "clients");
    overwrite_page(&db, page, size);
    // No check first: the export reads the damaged page.
    let out = dir.path().join("first.csv");
    let o = run_as(
        dir.path(),
        &db,
        "manager",
        &["export", "clients", out.to_str().expect("utf-8")],
    );
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert!(
        damage::is_marked(&db),
        "corruption reported by SQLite marks the file"
    );
    assert!(!out.exists());
    refused_untouched(
        dir.path(),
        &db,
        "is damaged and nothing will be written to it",
    );
}

#[test]
fn bad_files_each_get_their_sentence_and_stay_unchanged() {
    let dir = tempfile::tempdir().expect("dir");
    let good = demo_db(dir.path(), "good.db", 50);
    let good_bytes = std::fs::read(&good).expect("read");

    // Copies of the (encrypted) database carry its key file.
    let keys = rmdesk::store::keys::key_path;
    let truncated = dir.path().join("truncated.db");
    std::fs::write(&truncated, &good_bytes[..good_bytes.len() / 2]).expect("write");
    std::fs::copy(keys(&good), keys(&truncated)).expect("key file");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("write");
    let text_file = dir.path().join("notes.db");
    std::fs::write(&text_file, "客户名单\nthis is not a database\n".repeat(200)).expect("write");
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).expect("other");
    conn.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
        .expect("other program");
    drop(conn);
    let newer = dir.path().join("newer.db");
    std::fs::write(&newer, &good_bytes).expect("copy");
    std::fs::copy(keys(&good), keys(&newer)).expect("key file");
    unlock(&good);
    let key = rmdesk::store::cipher::recall(&good).expect("the key of good.db");
    let conn = rusqlite::Connection::open(&newer).expect("newer");
    rmdesk::store::cipher::key_raw(&conn, &key).expect("key");
    conn.execute_batch("PRAGMA user_version = 9999;")
        .expect("newer schema");
    drop(conn);

    for (db, sentence) in [
        (&truncated, "is damaged"),
        (&empty, "is an empty file, not a database"),
        (&text_file, "is not an rmdesk database"),
        (&other, "is an SQLite database of another program"),
        (&newer, "was written by a newer rmdesk"),
    ] {
        let before = disk_image(db);
        let o = run(dir.path(), db, &["check"], "");
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{db:?}: {err}");
        assert!(err.contains(sentence), "{db:?}: {err}");
        assert_eq!(disk_image(db), before, "check changed {db:?}");
        refused_untouched(dir.path(), db, sentence);
        // Never initialised as a new database, nor opened by the application.
        let o = run(
            dir.path(),
            db,
            &["init", "--admin", "chief"],
            "long-enough-pass-x\n",
        );
        assert_eq!(o.status.code(), Some(1), "init over {db:?}");
        assert_eq!(disk_image(db), before, "init changed {db:?}");
        let o = run(dir.path(), db, &[], "");
        assert_eq!(o.status.code(), Some(1), "the application on {db:?}");
        assert_eq!(disk_image(db), before, "the application changed {db:?}");
    }
}
