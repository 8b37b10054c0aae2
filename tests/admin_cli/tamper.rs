//! The audit chain: deleted, forged, edited and re-chained entries and a missing trigger
//! are detected by check.
use super::*;

/// The hash of an audit entry as rmdesk computes it (so a forger can too).
fn entry_hash(prev: &str, f: &[Option<String>; 9]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update([0x1f]);
    for (i, part) in f.iter().enumerate() {
        let v = match (i, part) {
            (_, Some(v)) => v.clone(),
            (2, None) => String::new(), // user_id
            (_, None) => "\u{0}".into(),
        };
        h.update(v.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes every hash from entry `from` on, as a careful attacker would.
fn rechain(c: &Connection, from: i64) {
    let rows: Vec<(i64, [Option<String>; 9])> = {
        let mut st = c
            .prepare("SELECT id, at, user_id, username, action, entity, entity_id, before, after FROM audit_log WHERE id >= ?1 ORDER BY id")
            .expect("prep");
        let it = st
            .query_map([from], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    [
                        Some(r.get::<_, i64>(0)?.to_string()),
                        r.get(1)?,
                        r.get::<_, Option<i64>>(2)?.map(|v| v.to_string()),
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ],
                ))
            })
            .expect("q");
        it.collect::<Result<_, _>>().expect("rows")
    };
    let mut prev: String = c
        .query_row(
            "SELECT coalesce((SELECT hash FROM audit_log WHERE id = ?1 - 1), '0000000000000000000000000000000000000000000000000000000000000000')",
            [from],
            |r| r.get(0),
        )
        .expect("prev");
    for (id, f) in rows {
        let hash = entry_hash(&prev, &f);
        c.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![prev, hash, id],
        )
        .expect("rechain");
        prev = hash;
    }
}

const RESTORE_TRIGGERS: &str = "
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;";

/// A demo database whose head was anchored (its processes ended), tampered with by
/// `tamper` with the triggers dropped and then put back as they were.
fn tampered(tamper: impl FnOnce(&Connection)) -> (tempfile::TempDir, PathBuf, String) {
    let (dir, db) = demo(10);
    // Sign-ins and a sign-out add entries and an anchor.
    ok(&run(
        dir.path(),
        &db,
        &["audit", "--limit", "1"],
        Some("admin"),
    ));
    assert!(ok(&run(dir.path(), &db, &["check"], Some("admin"))).contains("anchors ok"));
    let c = common::raw(&db).expect("raw");
    c.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .expect("drop");
    tamper(&c);
    c.execute_batch(RESTORE_TRIGGERS).expect("triggers back");
    drop(c);
    let out = run(dir.path(), &db, &["check"], Some("admin"));
    let err = failed(&out);
    assert!(err.contains("problem(s)"), "{err}");
    let stdout = text(&out).0;
    (dir, db, stdout)
}

#[test]
fn deleting_the_last_entry_is_detected() {
    let (_d, _db, out) = tampered(|c| {
        c.execute_batch("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
            .expect("delete");
    });
    assert!(
        out.contains("entries are missing at the end of the audit log"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn deleting_the_last_five_entries_is_detected() {
    let (_d, _db, out) = tampered(|c| {
        c.execute_batch("DELETE FROM audit_log WHERE id > (SELECT max(id) - 5 FROM audit_log)")
            .expect("delete");
    });
    assert!(
        out.contains("entries are missing at the end of the audit log"),
        "{out}"
    );
}

#[test]
fn deleting_every_entry_is_detected() {
    let (_d, _db, out) = tampered(|c| {
        c.execute_batch("DELETE FROM audit_log").expect("delete");
    });
    assert!(
        out.contains("the audit log is empty, but the anchor"),
        "{out}"
    );
    assert!(out.contains("every entry was deleted"), "{out}");
}

#[test]
fn appending_a_forged_entry_is_detected() {
    let (_d, _db, out) = tampered(|c| {
        let (id, prev): (i64, String) = c
            .query_row(
                "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("head");
        let f: [Option<String>; 9] = [
            Some((id + 1).to_string()),
            Some("2026-11-30T10:00:00Z".into()),
            Some("1".into()),
            Some("admin".into()),
            Some("user.disable".into()),
            Some("user".into()),
            Some("3".into()),
            None,
            None,
        ];
        let hash = entry_hash(&prev, &f);
        c.execute(
            "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, prev_hash, hash)
             VALUES (?1, '2026-11-30T10:00:00Z', 1, 'admin', 'user.disable', 'user', '3', ?2, ?3)",
            rusqlite::params![id + 1, prev, hash],
        )
        .expect("forge");
    });
    assert!(
        out.contains("were added while no rmdesk had the database open"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "the chain itself is intact: {out}");
}

#[test]
fn editing_an_entry_and_recomputing_the_chain_is_detected() {
    let (_d, _db, out) = tampered(|c| {
        c.execute("UPDATE audit_log SET username = 'someone' WHERE id = 2", [])
            .expect("edit");
        rechain(c, 2);
    });
    assert!(
        out.contains("the audit log was rewritten since the anchor"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "the chain itself is intact: {out}");
}

#[test]
fn a_missing_trigger_is_reported_in_its_own_sentence() {
    let (dir, db) = demo(5);
    common::raw(&db)
        .expect("raw")
        .execute_batch("DROP TRIGGER audit_log_no_delete")
        .expect("drop");
    let out = run(dir.path(), &db, &["check"], Some("admin"));
    failed(&out);
    let stdout = text(&out).0;
    assert_eq!(
        stdout.trim(),
        "the trigger audit_log_no_delete that forbids deleting audit entries is missing"
    );
}
