//! `rmdesk hq push` against a real PostgreSQL (scripts/with-pg): the first push copies
//! every captured table (rows and a checksum of the values equal on both sides), a second
//! push sends nothing, changes made between pushes arrive once, pushes killed at random
//! points and resumed leave head office equal to the branch, and two branches share head
//! office without touching each other's rows.
mod common;

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use common::pg;
use rand::{Rng, SeedableRng};
use rmdesk::hq;
use rmdesk::store::{Actor, FixedClock, Store};

use common::pg::rmdesk;

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A demo branch of `clients` clients; its branch code changed to `code`.
fn demo(dir: &Path, name: &str, clients: u32, code: &str) -> std::path::PathBuf {
    let db = dir.join(format!("{name}.db"));
    let n = clients.to_string();
    ok(&rmdesk(&db, &["demo", "--clients", &n])
        .output()
        .expect("demo"));
    if code != "0101" {
        let conn = common::raw(&db).expect("open");
        conn.execute("UPDATE branches SET code = ?1 WHERE code = '0101'", [code])
            .expect("recode");
    }
    db
}

fn admin(db: &Path) -> (Store, Actor) {
    let mut store = Store::open(db).expect("open");
    store.set_clock(Box::new(FixedClock(common::noon())));
    let admin = store
        .login("admin", "demo-password")
        .expect("admin signs in");
    (store, admin)
}

fn push(
    store: &mut Store,
    admin: &Actor,
    url: &str,
    branch: &str,
    batch: usize,
) -> hq::push::PushSummary {
    let mut client = pg::connect(url);
    hq::push::push(store, admin, &mut client, branch, batch, &mut |_| {}).expect("push")
}

/// Every captured table: rows and checksum equal in the branch and at head office.
fn assert_equal(store: &Store, admin: &Actor, url: &str, branch: &str) {
    let mut client = pg::connect(url);
    for shape in store.hq_table_shapes().expect("shapes") {
        let here = store
            .table_checksum(admin, shape.table)
            .expect("branch sum");
        let there = hq::push::hq_table_checksum(&mut client, &shape, branch).expect("hq sum");
        assert_eq!(here, there, "table {} of branch {branch}", shape.table);
    }
}

/// Head office's record of the branch: every change applied once, batches back to back.
fn assert_exactly_once(url: &str, branch: &str, last_seq: i64) {
    let mut client = pg::connect(url);
    let row = client
        .query_one(
            "SELECT hwm, changes, (SELECT coalesce(sum(changes), 0)::bigint FROM hq.batches WHERE branch_code = $1)
             FROM hq.branch_state WHERE branch_code = $1",
            &[&branch],
        )
        .expect("state");
    let (hwm, changes, batched): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(hwm, last_seq, "high-water mark");
    assert_eq!(
        changes, last_seq,
        "each change of 1..={last_seq} counted once"
    );
    assert_eq!(batched, last_seq);
    let ranges: Vec<(i64, i64)> = client
        .query(
            "SELECT first_seq, last_seq FROM hq.batches WHERE branch_code = $1 ORDER BY first_seq",
            &[&branch],
        )
        .expect("batches")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for w in ranges.windows(2) {
        assert_eq!(w[1].0, w[0].1 + 1, "batches back to back: {ranges:?}");
    }
}

/// A first push, loading the branch as `first` says: every table arrives whole.
fn first_push_copies_everything(name: &str, first: hq::push::First) {
    let url = pg::fresh_database(name);
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 200, "0101");
    let (mut store, admin) = admin(&db);
    let mut client = pg::connect(&url);
    let done = hq::push::push_with(
        &mut store,
        &admin,
        &mut client,
        "0101",
        500,
        first,
        &mut |_| {},
    )
    .expect("push");
    let last = store.last_change_seq().expect("seq");
    assert_eq!(done.changes, u64::try_from(last).expect("seq"));
    match first {
        // One transaction for the tables, and nothing after it.
        hq::push::First::Bulk => {
            assert_eq!(done.batches, 1, "{done:?}");
            let rows: u64 = store
                .hq_table_shapes()
                .expect("shapes")
                .iter()
                .map(|s| store.table_checksum(&admin, s.table).expect("sum").rows)
                .sum();
            assert_eq!(done.copied, Some(rows), "{done:?}");
        }
        hq::push::First::Changes => {
            assert!(done.batches > 1, "{done:?}");
            assert_eq!(done.copied, None);
        }
    }
    assert_equal(&store, &admin, &url, "0101");
    // Every captured table has rows at head office (a real check, not empty = empty).
    let mut client = pg::connect(&url);
    for t in [
        "clients",
        "holdings",
        "visits",
        "feedback",
        "tasks",
        "audit_log",
        "users",
        "aum_history",
    ] {
        let n: i64 = client
            .query_one(
                &format!("SELECT count(*) FROM hq.{t} WHERE branch_code = '0101'"),
                &[],
            )
            .expect("count")
            .get(0);
        assert!(n > 0, "{t} is empty at head office");
    }
    // Partitioned by branch, keyed by branch.
    let parts: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = 'clients@0101'",
            &[],
        )
        .expect("partition")
        .get(0);
    assert_eq!(parts, 1);
    let second = push(&mut store, &admin, &url, "0101", 500);
    assert_eq!((second.changes, second.batches), (0, 0));
    assert_exactly_once(&url, "0101", last);
    // Password hashes stay in the branch.
    let leaked: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'hq' AND column_name = 'password_hash'",
            &[],
        )
        .expect("columns")
        .get(0);
    assert_eq!(leaked, 0);
}

#[test]
fn a_first_push_copies_the_tables_whole_and_a_second_sends_nothing() {
    first_push_copies_everything("first_bulk", hq::push::First::Bulk);
}

#[test]
fn a_first_push_by_the_change_log_copies_everything_and_a_second_sends_nothing() {
    first_push_copies_everything("first_changes", hq::push::First::Changes);
}

#[test]
fn a_first_load_killed_midway_leaves_nothing_and_is_loaded_again_whole() {
    let url = pg::fresh_database("killed_bulk");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 100, "0101");
    // A pause after each table copied: about 3.6 s for the 18 tables.
    let mut child = rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", &url)
        .env("RMDESK_TEST_BATCH_PAUSE_MS", "200")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("push starts");
    // Wait until clients (the fifth table) is copied, then kill.
    let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut err, &mut line).expect("read");
        assert!(n > 0, "the push ended before copying clients");
        if line.starts_with("first load: clients copied") {
            break;
        }
    }
    child.kill().expect("kill");
    child.wait().expect("ended");
    let mut client = pg::connect(&url);
    let (hwm, clients): (i64, i64) = {
        let r = client
            .query_one(
                "SELECT (SELECT hwm FROM hq.branch_state WHERE branch_code = '0101'),
                        (SELECT count(*) FROM hq.clients WHERE branch_code = '0101')",
                &[],
            )
            .expect("state");
        (r.get(0), r.get(1))
    };
    assert_eq!((hwm, clients), (0, 0), "a killed first load left something");
    let said = ok(&rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push"));
    assert!(said.contains("first load"), "{said}");
    let (mut store, admin) = admin(&db);
    push(&mut store, &admin, &url, "0101", 1000);
    assert_equal(&store, &admin, &url, "0101");
    assert_exactly_once(&url, "0101", store.last_change_seq().expect("seq"));
}

#[test]
fn changes_between_pushes_arrive_once() {
    let url = pg::fresh_database("between");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 50, "0101");
    let (mut store, admin) = admin(&db);
    push(&mut store, &admin, &url, "0101", 10_000);
    let before = store.last_change_seq().expect("seq");
    // Changes through the store and straight in SQL: a branch, a setting, ten clients
    // twice (only their last state may stay), one visit.
    store
        .create_branch(&admin, "0909", "Harbour")
        .expect("branch");
    let conn = common::raw(&db).expect("open");
    conn.execute_batch(
        "UPDATE clients SET notes = 'first' WHERE id <= 10;
         UPDATE clients SET notes = 'second', occupation = NULL WHERE id <= 10;
         UPDATE settings SET value = '20' WHERE key = 'lockout.minutes';
         UPDATE visits SET summary = summary || ' (checked)' WHERE id = 1;",
    )
    .expect("changes");
    let after = store.last_change_seq().expect("seq");
    assert!(after > before + 20);
    let sent = push(&mut store, &admin, &url, "0101", 7);
    assert_eq!(sent.changes, u64::try_from(after - before).expect("n"));
    assert_equal(&store, &admin, &url, "0101");
    let mut client = pg::connect(&url);
    let notes: Vec<Option<String>> = client
        .query(
            "SELECT notes FROM hq.clients WHERE branch_code = '0101' AND id <= 10",
            &[],
        )
        .expect("notes")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(notes, vec![Some("second".to_string()); 10]);
    assert_exactly_once(&url, "0101", after);
    assert_eq!(push(&mut store, &admin, &url, "0101", 7).changes, 0);
}

#[test]
fn pushes_killed_at_random_points_and_resumed_load_every_change_once() {
    let url = pg::fresh_database("killed");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 400, "0101");
    let conn = common::raw(&db).expect("open");
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let owners: Vec<i64> = conn
        .prepare("SELECT DISTINCT owner_id FROM clients ORDER BY owner_id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("owners");
    let mut killed = 0;
    for trial in 0..20 {
        // Work in the branch between attempts: every client changes, so each push has
        // at least 16 batches to send; some get new AUM (a tier move every other
        // trial) and some a new owner, which head office's slots must follow.
        conn.execute(
            "UPDATE clients SET notes = ?1",
            rusqlite::params![format!("trial {trial}")],
        )
        .expect("work");
        conn.execute(
            "INSERT INTO aum_history (client_id, at, aum_minor, tier)
             SELECT id, ?1, aum_minor + ?2, CASE WHEN ?2 % 2 = 0 THEN 'key' ELSE 'general' END
             FROM clients WHERE id % 20 = ?2",
            rusqlite::params![format!("2026-11-{:02}T03:00:00Z", trial + 1), trial],
        )
        .expect("history");
        conn.execute(
            "UPDATE clients SET owner_id = ?1 WHERE id % 37 = ?2",
            rusqlite::params![owners[trial as usize % owners.len()], trial],
        )
        .expect("new owners");
        // Small batches with a pause after each (a test build's hook), so that a push
        // lasts long enough to be killed in the middle however fast the machine is.
        let mut child = rmdesk(&db, &["--user", "admin", "hq", "push", "--batch", "25"])
            .env("RMDESK_PG", &url)
            .env("RMDESK_TEST_BATCH_PAUSE_MS", "60")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("push starts");
        std::thread::sleep(Duration::from_millis(rng.gen_range(20..900)));
        if child.try_wait().expect("wait").is_none() {
            killed += 1;
        }
        child.kill().ok();
        child.wait().expect("ended");
    }
    assert!(
        killed >= 10,
        "only {killed} of 20 pushes were killed while running"
    );
    let out = ok(
        &rmdesk(&db, &["--user", "admin", "hq", "push", "--batch", "150"])
            .env("RMDESK_PG", &url)
            .output()
            .expect("push"),
    );
    assert!(out.contains("branch 0101:"), "{out}");
    let (store, admin) = admin(&db);
    // The last push's own sign-in came after it read the log: push once more in-process.
    let mut store = store;
    push(&mut store, &admin, &url, "0101", 1000);
    assert_equal(&store, &admin, &url, "0101");
    assert_exactly_once(&url, "0101", store.last_change_seq().expect("seq"));
    pg::assert_derived_rebuilt(&url, "0101");
}

#[test]
fn two_branches_share_head_office_without_touching_each_other() {
    let url = pg::fresh_database("two");
    let dir = tempfile::tempdir().expect("dir");
    let east = demo(dir.path(), "east", 60, "0101");
    let west = demo(dir.path(), "west", 80, "0202");
    let (mut e, ea) = admin(&east);
    let (mut w, wa) = admin(&west);
    push(&mut e, &ea, &url, "0101", 300);
    push(&mut w, &wa, &url, "0202", 300);
    assert_equal(&e, &ea, &url, "0101");
    assert_equal(&w, &wa, &url, "0202");
    // Same ids on both sides, kept apart by the branch code.
    let mut client = pg::connect(&url);
    let both: i64 = client
        .query_one(
            "SELECT count(*) FROM hq.clients a JOIN hq.clients b ON a.id = b.id
             WHERE a.branch_code = '0101' AND b.branch_code = '0202'",
            &[],
        )
        .expect("join")
        .get(0);
    assert_eq!(both, 60);
    // East changes and pushes again; west at head office is as it was.
    common::raw(&east)
        .expect("open")
        .execute("UPDATE clients SET notes = 'east only'", [])
        .expect("update");
    push(&mut e, &ea, &url, "0101", 300);
    assert_equal(&e, &ea, &url, "0101");
    assert_equal(&w, &wa, &url, "0202");
    let west_notes: i64 = client
        .query_one(
            "SELECT count(*) FROM hq.clients WHERE branch_code = '0202' AND notes = 'east only'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(west_notes, 0);
    assert_exactly_once(&url, "0101", e.last_change_seq().expect("seq"));
    assert_exactly_once(&url, "0202", w.last_change_seq().expect("seq"));
}

#[test]
fn only_an_administrator_pushes_and_the_password_is_never_printed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 5, "0101");
    let out = rmdesk(
        &db,
        &["--user", "rm1", "hq", "push", "--pg", "host=/nowhere"],
    )
    .output()
    .expect("push");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("only an administrator"), "{err}");
    let out = rmdesk(
        &db,
        &[
            "--user",
            "admin",
            "hq",
            "push",
            "--pg",
            "postgresql://hq:TopSecret99@127.0.0.1:1/hq",
        ],
    )
    .env("XDG_DATA_HOME", dir.path())
    .output()
    .expect("push");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hq@127.0.0.1/hq"), "{err}");
    assert!(!err.contains("TopSecret99"), "{err}");
    let log =
        std::fs::read_to_string(dir.path().join("rmdesk").join("rmdesk.log")).expect("the log");
    assert!(log.contains("hq@127.0.0.1/hq"), "{log}");
    assert!(!log.contains("TopSecret99"), "{log}");
    // No connection string at all: one sentence.
    let out = rmdesk(&db, &["--user", "admin", "hq", "push"])
        .output()
        .expect("push");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("give --pg URL, --pg-file FILE or set RMDESK_PG"));
}

#[test]
fn a_push_of_several_batches_shows_its_progress() {
    let url = pg::fresh_database("progress");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 20, "0101");
    // The first push copies the tables: a line per table.
    let out = rmdesk(&db, &["--user", "admin", "hq", "push", "--batch", "100"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push");
    let said = ok(&out);
    assert!(said.contains("first load, "), "{said}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("first load: branches copied, 1 row(s) (1 of "),
        "{err}"
    );
    assert!(
        err.contains("first load: clients copied, 20 row(s)"),
        "{err}"
    );
    // Then changes: every client, in batches of 5.
    common::raw(&db)
        .expect("open")
        .execute("UPDATE clients SET notes = 'progress'", [])
        .expect("update");
    let out = rmdesk(&db, &["--user", "admin", "hq", "push", "--batch", "5"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push");
    let said = ok(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("pushed 5 of "), "{err}");
    assert!(err.trim_end().ends_with("(100 %)"), "{err}");
    let batches = said
        .split(" in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .expect("batches said");
    assert!(batches > 1, "{said}");
    // One line per tenth at most, however many batches.
    assert!(err.lines().count() <= 11, "{err}");
    // A push of one batch says nothing on standard error.
    let quiet = rmdesk(&db, &["--user", "admin", "hq", "push", "--batch", "100"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push");
    ok(&quiet);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn branches_upgraded_one_at_a_time_still_push_and_head_office_takes_new_columns() {
    let url = pg::fresh_database("upgrade");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path(), "branch", 20, "0101");
    let (mut store, admin) = admin(&db);
    push(&mut store, &admin, &url, "0101", 10_000);
    let version = i32::try_from(store.schema_version().expect("version")).expect("i32");
    // Head office as an older rmdesk made it: one column fewer, an older version.
    let mut client = pg::connect(&url);
    client
        .batch_execute(
            "ALTER TABLE hq.clients DROP COLUMN marketing_consent;
             UPDATE hq.meta SET schema_version = schema_version - 1;",
        )
        .expect("older head office");
    let conn = common::raw(&db).expect("open");
    conn.execute_batch(
        "UPDATE clients SET marketing_consent = 'yes', notes = 'upgraded' WHERE id <= 5",
    )
    .expect("changes");
    assert!(push(&mut store, &admin, &url, "0101", 10_000).changes >= 5);
    let held: i32 = client
        .query_one("SELECT schema_version FROM hq.meta", &[])
        .expect("meta")
        .get(0);
    assert_eq!(held, version, "head office records the newer version");
    let consents: Vec<Option<String>> = client
        .query(
            "SELECT marketing_consent FROM hq.clients WHERE branch_code = '0101' AND id <= 5 ORDER BY id",
            &[],
        )
        .expect("consents")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(consents, vec![Some("yes".to_string()); 5]);
    // A branch still on an older rmdesk than head office's pushes too; the newest stays.
    client
        .execute("UPDATE hq.meta SET schema_version = $1", &[&(version + 1)])
        .expect("newer head office");
    conn.execute_batch("UPDATE clients SET notes = 'older branch' WHERE id = 6")
        .expect("change");
    assert_eq!(push(&mut store, &admin, &url, "0101", 10_000).changes, 1);
    let held: i32 = client
        .query_one("SELECT schema_version FROM hq.meta", &[])
        .expect("meta")
        .get(0);
    assert_eq!(held, version + 1);
}
