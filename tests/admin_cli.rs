//! The real binary: backup, restore (each refusal, undo), check against anchors (each
//! tamper), audit log and settings.
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

const DEMO_PASSWORD: &str = "demo-password";

fn cmd(dir: &Path, db: &Path, args: &[&str], user: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    c.arg("--db").arg(db);
    if let Some(u) = user {
        c.args(["--user", u]).env("RMDESK_PASSWORD", DEMO_PASSWORD);
    } else {
        c.env_remove("RMDESK_PASSWORD");
    }
    c.args(args)
        .envs(common::clock_env())
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env_remove("RMDESK_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(dir: &Path, db: &Path, args: &[&str], user: Option<&str>) -> Output {
    cmd(dir, db, args, user).output().expect("rmdesk runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{:?}", text(o));
    text(o).0
}

fn failed(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{:?}", text(o));
    text(o).1
}

/// A demo database of `clients` clients in a fresh folder.
fn demo(clients: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    ok(&run(
        dir.path(),
        &db,
        &["demo", "--clients", &clients.to_string()],
        None,
    ));
    (dir, db)
}

fn import_file(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("import.csv");
    let mut f = std::fs::File::create(&path).expect("csv");
    writeln!(f, "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes").expect("w");
    for i in 0..n {
        writeln!(
            f,
            ",individual,Imported {i},,,other,IMP{i:07},,,,,C3,2026-01-05,active,rm1,"
        )
        .expect("w");
    }
    path
}

fn count(db: &Path, sql: &str) -> i64 {
    let c = common::raw(db).expect("open");
    c.query_row(sql, [], |r| r.get(0)).expect("count")
}

#[test]
fn a_backup_taken_while_another_process_imports_is_consistent_and_passes_check() {
    let (dir, db) = demo(50);
    let csv = import_file(dir.path(), 20_000);
    let mut import = cmd(
        dir.path(),
        &db,
        &["import", "clients", csv.to_str().expect("utf-8")],
        Some("manager"),
    )
    .spawn()
    .expect("import runs");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = dir.path().join("during.db");
    let out = ok(&run(
        dir.path(),
        &db,
        &["backup", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(out.contains("backup written"), "{out}");
    let import = import.wait().expect("import ends");
    assert!(import.success());
    // The import is one transaction: the copy has all of it or none of it.
    let clients = count(&backup, "SELECT count(*) FROM clients");
    assert!(clients == 50 || clients == 20_050, "{clients} clients");
    assert_eq!(count(&db, "SELECT count(*) FROM clients"), 20_050);
    let manifest =
        std::fs::read_to_string(dir.path().join("during.db.manifest")).expect("manifest");
    assert!(
        manifest.contains(&format!("clients = {clients}")),
        "{manifest}"
    );
    assert!(manifest.contains("user = \"admin\""), "{manifest}");
    assert!(
        manifest.contains(&format!(
            "schema_version = {}",
            rmdesk::store::LATEST_VERSION
        )),
        "{manifest}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(!dir.path().join("during.db.partial").exists());
    let out = ok(&run(dir.path(), &backup, &["check"], Some("admin")));
    assert!(out.contains("audit chain ok"), "{out}");
    assert!(ok(&run(dir.path(), &db, &["check"], Some("admin"))).contains("anchors ok"));
    // A backup never overwrites.
    let again = failed(&run(
        dir.path(),
        &db,
        &["backup", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(again.contains("already exists"), "{again}");
}

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
    common::drop_migrations_11_to_15(&conn);
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

#[test]
fn audit_lists_newest_first_filters_and_exports_masked_csv() {
    let (dir, db) = demo(20);
    let d = dir.path();
    // A manager reads the log too; their sign-in is in it.
    ok(&run(d, &db, &["audit", "--limit", "1"], Some("manager")));
    let out = ok(&run(
        d,
        &db,
        &["audit", "--by", "manager", "--limit", "3"],
        Some("admin"),
    ));
    assert!(out.contains(" manager login "), "{out}");
    assert!(out.lines().all(|l| l.contains(" manager ")), "{out}");
    let ids: Vec<i64> = ok(&run(d, &db, &["audit", "--limit", "10"], Some("admin")))
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split(' ').next()?.parse().ok())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let none = ok(&run(
        d,
        &db,
        &["audit", "--action", "no.such"],
        Some("admin"),
    ));
    assert_eq!(none.trim(), "no audit entries match");
    let csv = d.join("audit.csv");
    let out = ok(&run(
        d,
        &db,
        &[
            "audit",
            "--action",
            "login",
            "--csv",
            csv.to_str().expect("utf-8"),
        ],
        Some("admin"),
    ));
    assert!(out.contains("audit entries written"), "{out}");
    let body = std::fs::read_to_string(&csv).expect("csv");
    assert!(body.starts_with("\u{feff}id,at,user,action"), "{body}");
    assert!(
        body.lines().skip(1).all(|l| l.contains(",login,")),
        "{body}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_log WHERE action = 'audit.export'"
        ),
        1
    );
    let rm = failed(&run(d, &db, &["audit"], Some("rm1")));
    assert!(rm.contains("not allowed"), "{rm}");
    let bad = failed(&run(
        d,
        &db,
        &["audit", "--from", "30/11/2026"],
        Some("admin"),
    ));
    assert!(bad.contains("YYYY-MM-DD"), "{bad}");
}

#[test]
fn settings_show_meaning_and_bounds_refuse_out_of_bounds_and_audit_changes() {
    let (dir, db) = demo(5);
    let d = dir.path();
    let all = ok(&run(d, &db, &["settings"], Some("admin")));
    assert!(all.contains("backup.keep = 14 backups"), "{all}");
    assert!(all.contains("lockout.max_attempts = 5 attempts"), "{all}");
    assert_eq!(all.lines().count(), 14, "{all}");
    let one = ok(&run(
        d,
        &db,
        &["settings", "get", "idle_lock.minutes"],
        Some("admin"),
    ));
    assert!(one.contains("bounds: from 1 to 60 minutes"), "{one}");
    let err = failed(&run(
        d,
        &db,
        &["settings", "set", "idle_lock.minutes", "600"],
        Some("admin"),
    ));
    assert!(
        err.contains("must be from 1 to 60 minutes; 600 is out of bounds"),
        "{err}"
    );
    let err = failed(&run(
        d,
        &db,
        &["settings", "set", "tier.core_min_aum", "50000"],
        Some("admin"),
    ));
    assert!(
        err.contains("must be from 100000 to 1000000000 yuan"),
        "{err}"
    );
    let out = ok(&run(
        d,
        &db,
        &["settings", "set", "backup.keep", "7"],
        Some("admin"),
    ));
    assert_eq!(out.trim(), "backup.keep: 14 → 7");
    let c = common::raw(&db).expect("raw");
    let (before, after): (String, String) = c
        .query_row(
            "SELECT before, after FROM audit_log WHERE action = 'setting.change' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audited");
    assert_eq!((before.as_str(), after.as_str()), ("14", "7"));
    let rm = failed(&run(
        d,
        &db,
        &["settings", "set", "backup.keep", "9"],
        Some("rm1"),
    ));
    assert!(rm.contains("only an administrator"), "{rm}");
}
