//! Restore: each bad file refused in its own sentence, the old file kept and audited,
//! an older file migrated.
use super::*;

/// Runs a restore of `file` over `db` and checks it was refused with `expected`, the
/// current file byte-identical.
fn refused(dir: &Path, db: &Path, file: &Path, expected: &str) {
    let before = std::fs::read(db).expect("read");
    let err = failed(&run(
        dir,
        db,
        &["restore", file.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(err.contains(expected), "expected «{expected}» in {err}");
    assert!(err.contains("nothing was restored"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(
        std::fs::read(db).expect("read"),
        before,
        "current file changed"
    );
    let kept = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains("before-restore"));
    assert!(!kept, "a refused restore keeps no file");
}

#[test]
fn restore_refuses_each_bad_file_with_its_own_sentence_and_leaves_the_database_as_it_was() {
    let (dir, db) = demo(20);
    let d = dir.path();
    let good = d.join("good.db");
    ok(&run(
        d,
        &db,
        &["backup", good.to_str().expect("utf-8")],
        Some("admin"),
    ));

    let txt = d.join("notes.txt");
    std::fs::write(
        &txt,
        "these are not the clients you are looking for\n".repeat(200),
    )
    .expect("w");
    refused(
        d,
        &db,
        &txt,
        "is not an rmdesk database (it is not an SQLite file)",
    );

    let empty = d.join("empty.db");
    std::fs::write(&empty, b"").expect("w");
    refused(
        d,
        &db,
        &empty,
        "is not an rmdesk database (it is not an SQLite file)",
    );

    let other = d.join("other.db");
    common::raw(&other)
        .expect("other")
        .execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos VALUES (1, 'cat');")
        .expect("other");
    refused(d, &db, &other, "is an SQLite database of another program");

    // Copies of the (encrypted) backup carry its key file.
    let copy = |to: &Path| {
        std::fs::copy(&good, to).expect("copy");
        std::fs::copy(
            rmdesk::store::keys::key_path(&good),
            rmdesk::store::keys::key_path(to),
        )
        .expect("copy the key file");
    };
    let newer = d.join("newer.db");
    copy(&newer);
    common::raw(&newer)
        .expect("newer")
        .execute_batch("PRAGMA user_version = 99")
        .expect("newer");
    refused(d, &db, &newer, "was written by a newer rmdesk (schema 99");

    // A damaged page: the clients table's root page scribbled over.
    let damaged = d.join("damaged.db");
    copy(&damaged);
    let (root, page_size): (i64, i64) = {
        let c = common::raw(&damaged).expect("open");
        (
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'clients'",
                [],
                |r| r.get(0),
            )
            .expect("root"),
            // SQLCipher answers as text on an encrypted file.
            c.query_row("PRAGMA page_size", [], |r| r.get::<_, String>(0))
                .expect("size")
                .parse()
                .expect("a number"),
        )
    };
    let mut bytes = std::fs::read(&damaged).expect("read");
    let at = usize::try_from((root - 1) * page_size).expect("offset");
    for b in &mut bytes[at..at + 64] {
        *b = 0xEE;
    }
    std::fs::write(&damaged, bytes).expect("w");
    refused(d, &db, &damaged, "is damaged");

    let broken = d.join("broken.db");
    copy(&broken);
    std::fs::remove_file(d.join("good.db.manifest")).ok();
    common::raw(&broken)
        .expect("open")
        .execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET username = 'nobody' WHERE id = 3;",
        )
        .expect("tamper");
    refused(d, &db, &broken, "has a broken audit chain");

    // Refused while another rmdesk has the database open (signed in: an encrypted
    // database is open only then).
    common::unlock(&db);
    let other_instance = rmdesk::store::Store::open(&db).expect("open");
    let err = failed(&run(
        d,
        &db,
        &["restore", good.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(err.contains("another rmdesk has"), "{err}");
    drop(other_instance);
}

#[test]
fn a_restore_keeps_the_old_file_is_audited_and_can_be_undone() {
    let (dir, db) = demo(20);
    let d = dir.path();
    let backup = d.join("monday.db");
    ok(&run(
        d,
        &db,
        &["backup", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    // A change after the backup: a new branch.
    {
        let mut store = rmdesk::store::Store::open(&db).expect("open");
        store.set_clock(Box::new(rmdesk::store::FixedClock(common::noon())));
        let admin = store.login("admin", DEMO_PASSWORD).expect("admin");
        store
            .create_branch(&admin, "0999", "After")
            .expect("branch");
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM branches WHERE code = '0999'"),
        1
    );

    let out = ok(&run(
        d,
        &db,
        &["restore", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(out.contains("restored from"), "{out}");
    let kept_line = out
        .lines()
        .find(|l| l.contains("kept as"))
        .expect("names the kept file");
    let kept: PathBuf = kept_line
        .split("kept as ")
        .nth(1)
        .and_then(|s| s.split("; ").next())
        .expect("path")
        .into();
    assert!(kept.exists(), "{}", kept.display());
    assert!(
        !d.join("bank.db-wal").exists()
            || std::fs::metadata(d.join("bank.db-wal")).expect("m").len() == 0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM branches WHERE code = '0999'"),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_log WHERE action = 'restore'"
        ),
        1
    );
    assert_eq!(
        count(&kept, "SELECT count(*) FROM branches WHERE code = '0999'"),
        1
    );
    let out = ok(&run(d, &db, &["check"], Some("admin")));
    assert!(out.contains("anchors ok"), "{out}");

    // Undo: restore the kept file.
    let out = ok(&run(
        d,
        &db,
        &["restore", kept.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(out.contains("restored from"), "{out}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM branches WHERE code = '0999'"),
        1
    );
    assert!(ok(&run(d, &db, &["check"], Some("admin"))).contains("anchors ok"));
}

#[test]
fn restore_migrates_an_older_file() {
    let (dir, db) = demo(5);
    let d = dir.path();
    let old = d.join("old.db");
    ok(&run(
        d,
        &db,
        &["backup", old.to_str().expect("utf-8")],
        Some("admin"),
    ));
    std::fs::remove_file(d.join("old.db.manifest")).expect("rm");
    // As a version-4 file: without the objects of migrations 5 and later.
    let conn = common::raw(&old).expect("open");
    common::drop_change_capture(&conn);
    common::drop_migrations_11_to_16(&conn);
    conn.execute_batch(
        "DROP INDEX audit_log_user; DROP INDEX audit_log_action;
             DELETE FROM settings WHERE key = 'backup.keep';
             DROP TABLE handover_clients; DROP TABLE handovers; DROP TABLE requests;
             ALTER TABLE tasks DROP COLUMN assigned_by;
             ALTER TABLE clients DROP COLUMN closed_on;
             ALTER TABLE clients DROP COLUMN closed_reason;
             DROP TABLE aum_history; ALTER TABLE products DROP COLUMN margin;
             DELETE FROM settings WHERE key LIKE 'churn.%';
             DROP TABLE campaign_targets; DROP TABLE campaigns;
             ALTER TABLE clients DROP COLUMN marketing_consent;
             ALTER TABLE clients DROP COLUMN consent_at;
             DELETE FROM settings WHERE key = 'care.birthday_days';
             PRAGMA user_version = 4;",
    )
    .expect("downgrade");
    let out = ok(&run(
        d,
        &db,
        &["restore", old.to_str().expect("utf-8")],
        Some("admin"),
    ));
    let latest = rmdesk::store::LATEST_VERSION;
    assert!(
        out.contains(&format!("schema 4 was brought up to {latest}")),
        "{out}"
    );
    assert_eq!(count(&db, "PRAGMA user_version"), i64::from(latest));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM settings WHERE key = 'backup.keep'"
        ),
        1
    );
}
