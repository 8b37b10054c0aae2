//! Push by file and head office's reports, against a real PostgreSQL (scripts/with-pg):
//! bundles encrypted to head office's key load exactly once (twice, out of order, damaged
//! or for another key: refused or nothing changed, each with its sentence), and an HQ
//! report for one branch equals that branch manager's own `rmdesk report`.
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::pg;
use rmdesk::hq;
use rmdesk::store::{Actor, Role, Store};

use common::pg::rmdesk;

fn out(o: &Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(o: &Output) -> String {
    let (code, stdout, stderr) = out(o);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    stdout
}

fn demo(dir: &Path, name: &str, clients: u32, code: &str) -> PathBuf {
    let db = dir.join(format!("{name}.db"));
    ok(&rmdesk(&db, &["demo", "--clients", &clients.to_string()])
        .output()
        .expect("demo"));
    if code != "0101" {
        common::raw(&db)
            .expect("open")
            .execute("UPDATE branches SET code = ?1 WHERE code = '0101'", [code])
            .expect("recode");
    }
    db
}

/// The administrator of a demo file, without signing in (which would write to it).
fn reader(db: &Path) -> (Store, Actor) {
    let store = Store::open(db).expect("open");
    let admin = Actor {
        user_id: 1,
        username: "admin".into(),
        display_name: "admin".into(),
        role: Role::Admin,
        branch_id: None,
        must_change_password: false,
    };
    (store, admin)
}

fn assert_equal(db: &Path, url: &str, branch: &str) {
    let (store, admin) = reader(db);
    let mut client = pg::connect(url);
    for shape in store.hq_table_shapes().expect("shapes") {
        let here = store
            .table_checksum(&admin, shape.table)
            .expect("branch sum");
        let there = hq::push::hq_table_checksum(&mut client, &shape, branch).expect("hq sum");
        assert_eq!(here, there, "table {} of branch {branch}", shape.table);
    }
}

/// A new head-office key: (key file, public key).
fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let text = ok(&Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["hq", "keygen"])
        .arg(&key)
        .output()
        .expect("keygen"));
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("public key for the branches' bundles: "))
        .expect("the public key is printed")
        .to_string();
    assert!(public.starts_with("age1"), "{public}");
    (key, public)
}

fn bundle(db: &Path, file: &Path, public: &str) -> String {
    ok(&rmdesk(
        db,
        &[
            "--user",
            "admin",
            "hq",
            "bundle",
            file.to_str().expect("utf-8"),
            "--to",
            public,
        ],
    )
    .output()
    .expect("bundle"))
}

fn load(file: &Path, key: &Path, url: &str) -> (Option<i32>, String, String) {
    out(&Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["hq", "load"])
        .arg(file)
        .arg("--key")
        .arg(key)
        .env("RMDESK_PG", url)
        .output()
        .expect("load"))
}

#[test]
fn bundles_load_once_in_order_and_refuse_damage() {
    let url = pg::fresh_database("bundles");
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let db = demo(d, "branch", 80, "0101");
    let (key, public) = keygen(d, "hq.key");
    let mode = std::fs::metadata(&key).expect("key").permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );

    let b1 = d.join("b1.age");
    let said = bundle(&db, &b1, &public);
    assert!(
        said.starts_with(&format!(
            "bundle written: {} (branch 0101, changes #1 to #",
            b1.display()
        )),
        "{said}"
    );
    // Nothing of the branch can be read in the file without the key.
    let raw = std::fs::read(&b1).expect("bundle");
    let client_no = "C000000001";
    assert!(!raw
        .windows(client_no.len())
        .any(|w| w == client_no.as_bytes()));
    assert!(raw.starts_with(b"age-encryption.org/v1"));

    let conn = common::raw(&db).expect("open");
    conn.execute(
        "UPDATE clients SET notes = 'second bundle' WHERE id <= 5",
        [],
    )
    .expect("work");
    let b2 = d.join("b2.age");
    bundle(&db, &b2, &public);
    conn.execute(
        "UPDATE clients SET notes = 'third bundle' WHERE id <= 3",
        [],
    )
    .expect("work");
    let b3 = d.join("b3.age");
    bundle(&db, &b3, &public);

    // Out of order: refused, nothing loaded.
    let (code, _, err) = load(&b2, &key, &url);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(
            "head office holds changes of branch 0101 up to 0, and this batch starts after"
        ),
        "{err}"
    );
    assert!(err.contains("must be loaded first"), "{err}");
    let (code, said, err) = load(&b1, &key, &url);
    assert_eq!(code, Some(0), "{err}");
    assert!(said.contains("branch 0101 loaded"), "{said}");
    // Twice: nothing changed.
    let (code, said, _) = load(&b1, &key, &url);
    assert_eq!(code, Some(0));
    assert!(
        said.contains("head office already holds changes #1 to #"),
        "{said}"
    );
    assert!(said.ends_with("nothing changed\n"), "{said}");
    // Damaged: one byte changed in the middle.
    let mut bytes = std::fs::read(&b2).expect("read");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let bad = d.join("b2-damaged.age");
    std::fs::write(&bad, &bytes).expect("write");
    let (code, _, err) = load(&bad, &key, &url);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("is damaged") && err.contains("nothing loaded"),
        "{err}"
    );
    // Another head office's key.
    let (other, _) = keygen(d, "other.key");
    let (code, _, err) = load(&b2, &other, &url);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("was not encrypted to this head office's key: nothing loaded"),
        "{err}"
    );

    assert_eq!(load(&b2, &key, &url).0, Some(0));
    assert_eq!(load(&b3, &key, &url).0, Some(0));
    assert_eq!(
        load(&b2, &key, &url).0,
        Some(0),
        "an old bundle again changes nothing"
    );
    assert_equal(&db, &url, "0101");
    let mut client = pg::connect(&url);
    let notes: i64 = client
        .query_one(
            "SELECT count(*) FROM hq.clients WHERE branch_code = '0101' AND notes = 'third bundle'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(notes, 3);
    // A bundle and a push mix: the push goes on after the bundles.
    let said = ok(&rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push"));
    assert!(said.contains("branch 0101:"), "{said}");
    assert_equal(&db, &url, "0101");
    // A bundle is never written over a file.
    let again = rmdesk(
        &db,
        &[
            "--user",
            "admin",
            "hq",
            "bundle",
            b1.to_str().expect("utf-8"),
            "--to",
            &public,
        ],
    )
    .output()
    .expect("bundle");
    assert_eq!(out(&again).0, Some(1));
}

/// A CSV file's text, without its byte-order mark.
fn csv(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("csv");
    text.trim_start_matches('\u{feff}').to_string()
}

#[test]
fn head_office_reports_equal_the_branch_reports() {
    let url = pg::fresh_database("reports");
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let east = demo(d, "east", 150, "0101");
    let west = demo(d, "west", 40, "0202");
    for db in [&east, &west] {
        ok(&rmdesk(db, &["--user", "admin", "hq", "push"])
            .env("RMDESK_PG", &url)
            .output()
            .expect("push"));
    }
    let period = ["--from", "2026-10-01", "--to", "2026-11-30"];
    for (report, extra) in [
        ("performance", &period[..]),
        ("value", &[][..]),
        ("value", &["--by", "aum"][..]),
    ] {
        let mine = d.join(format!("branch-{report}-{}.csv", extra.len()));
        let theirs = d.join(format!("hq-{report}-{}.csv", extra.len()));
        let mut args = vec!["--user", "manager", "report", report];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--csv", mine.to_str().expect("utf-8")]);
        ok(&rmdesk(&east, &args).output().expect("report"));
        let mut args = vec!["hq", "report", report, "--branch", "0101"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--csv", theirs.to_str().expect("utf-8")]);
        ok(&rmdesk(&east, &args)
            .env("RMDESK_PG", &url)
            .output()
            .expect("hq report"));
        let (a, b) = (csv(&mine), csv(&theirs));
        assert!(a.lines().count() > 3, "{report}: {a}");
        assert_eq!(
            a, b,
            "{report} {extra:?}: the branch's (left) and head office's (right)"
        );
    }
    // Something happened in the period (the comparison is not of empty tables).
    let perf = csv(&d.join("branch-performance-4.csv"));
    let total = perf.lines().last().expect("total");
    assert!(total.starts_with("*branch*,"), "{total}");
    assert!(total.split(',').nth(2).is_some_and(|v| v != "0"), "{perf}");
    // Across branches: every RM of both, named by branch, and a total of all.
    let text = ok(&rmdesk(
        &east,
        &[
            "hq",
            "report",
            "performance",
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-30",
        ],
    )
    .env("RMDESK_PG", &url)
    .output()
    .expect("hq report"));
    assert!(
        text.contains("0101/rm1\t") && text.contains("0202/rm1\t"),
        "{text}"
    );
    assert!(text.contains("period 2026-10-01 to 2026-11-30"), "{text}");
    let value = ok(&rmdesk(&east, &["hq", "report", "value"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("value"));
    assert!(
        value.contains("\t0101/C0") && value.contains("\t0202/C0"),
        "{value}"
    );
    assert!(value.contains(" clients hold "), "{value}");
}
