//! Head office's current AUM (`hq.aum_current`) against the real PostgreSQL of
//! `scripts/with-pg`: after a first load, after pushes of new history (also history dated
//! before a client's current row), it equals each client's last history row computed
//! afresh; and the performance report that reads it gives, for one branch and periods
//! before, around and after the changes, the branch manager's own numbers.
mod common;

use std::path::Path;
use std::process::Command;

use chrono::{FixedOffset, NaiveDate};
use common::pg;
use rmdesk::hq;
use rmdesk::store::reports::Period;
use rmdesk::store::{FixedClock, Store};

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("branch.db");
    let out = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "--clients", "120"])
        .env_remove("RMDESK_DB")
        .env("RMDESK_PASSWORD", "demo-password")
        .envs(common::clock_env())
        .output()
        .expect("demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn store(db: &Path) -> Store {
    let mut store = Store::open(db).expect("open");
    store.set_clock(Box::new(FixedClock(common::noon())));
    store
}

/// A client's current AUM row: client, at, history id, AUM (fen), tier.
type Current = (i64, String, i64, i64, String);

/// `hq.aum_current` of branch 0101, and each client's last history row computed afresh.
fn current_and_recomputed(url: &str) -> (Vec<Current>, usize) {
    let mut client = pg::connect(url);
    let read = |client: &mut postgres::Client, sql: &str| -> Vec<Current> {
        client
            .query(sql, &[])
            .expect("read")
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
            .collect()
    };
    let kept = read(
        &mut client,
        "SELECT client_id, at, hist_id, aum_minor, tier FROM hq.aum_current
         WHERE branch_code = '0101' ORDER BY client_id",
    );
    let fresh = read(
        &mut client,
        "SELECT DISTINCT ON (client_id) client_id, at, id, aum_minor, tier FROM hq.aum_history
         WHERE branch_code = '0101' ORDER BY client_id, at DESC, id DESC",
    );
    assert_eq!(
        kept, fresh,
        "hq.aum_current (left) against the history (right)"
    );
    let n = kept.len();
    (kept, n)
}

fn periods() -> Vec<Period> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    vec![
        Period {
            from: d(2026, 11, 1),
            to: d(2026, 11, 30),
        },
        Period {
            from: d(2026, 11, 20),
            to: d(2026, 11, 20),
        },
        Period {
            from: d(2026, 11, 23),
            to: d(2026, 11, 23),
        },
        Period {
            from: d(2026, 1, 1),
            to: d(2026, 6, 30),
        },
        Period {
            from: d(2025, 7, 1),
            to: d(2026, 11, 19),
        },
    ]
}

/// For each period: the branch manager's report and head office's for the branch.
fn assert_reports_equal(db: &Path, url: &str) {
    let mut store = store(db);
    let manager = store.login("manager", "demo-password").expect("manager");
    let mut client = pg::connect(url);
    let cst = FixedOffset::east_opt(8 * 3600).expect("offset");
    for p in periods() {
        let mine = store
            .performance_report(&manager, p, None)
            .expect("branch report");
        let theirs = hq::report::performance(&mut client, p, cst, Some("0101")).expect("hq report");
        assert_eq!(mine.rows, theirs.rows, "{p:?}");
        assert_eq!(mine.total, theirs.total, "{p:?}");
        // The same read from the history, across branches as for one.
        let history = hq::report::performance_from(
            &mut client,
            p,
            cst,
            Some("0101"),
            hq::report::AumFrom::History,
        )
        .expect("hq report from the history");
        assert_eq!(history.rows, theirs.rows, "{p:?}");
        let all = |from| {
            hq::report::performance_from(&mut pg::connect(url), p, cst, None, from)
                .expect("hq report")
                .rows
        };
        assert_eq!(
            all(hq::report::AumFrom::History),
            all(hq::report::AumFrom::Slots),
            "{p:?}"
        );
    }
    pg::assert_derived_rebuilt(url, "0101");
}

/// The branch manager's churn warnings today, and head office's for the branch.
fn assert_churn_equal(db: &Path, url: &str) -> usize {
    let mut store = store(db);
    let manager = store.login("manager", "demo-password").expect("manager");
    let mine = store.churn_report(&manager, None).expect("branch churn");
    let cst = FixedOffset::east_opt(8 * 3600).expect("offset");
    let theirs = hq::churn::churn(&mut pg::connect(url), Some("0101"), common::today(), cst)
        .expect("hq churn");
    assert_eq!(
        mine, theirs,
        "the branch's churn (left) and head office's (right)"
    );
    let kinds: std::collections::BTreeSet<&str> = mine
        .iter()
        .flat_map(|c| c.reasons.iter().map(|r| r.key()))
        .collect();
    kinds.len()
}

#[test]
fn churn_at_head_office_is_the_branch_managers_churn() {
    let url = pg::fresh_database("churn");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    // Before any push: one sentence.
    let out = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["hq", "report", "churn"])
        .env("RMDESK_PG", &url)
        .envs(common::clock_env())
        .output()
        .expect("hq report churn");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "rmdesk: head office holds no branch yet: a first `rmdesk hq push` or `rmdesk hq load` makes its tables"
    );
    let mut branch = store(&db);
    let admin = branch.login("admin", "demo-password").expect("admin");
    let mut client = pg::connect(&url);
    hq::push::push(&mut branch, &admin, &mut client, "0101", 500, &mut |_| {}).expect("first push");
    assert_churn_equal(&db, &url);
    // AUM falls for every seventh client, a setting changes: pushed as changes.
    common::raw(&db)
        .expect("open")
        .execute_batch(
            "UPDATE clients SET aum_minor = aum_minor / 5 WHERE id % 7 = 0;
             UPDATE settings SET value = '40' WHERE key = 'churn.aum_drop_pct';",
        )
        .expect("changes");
    hq::push::push(&mut branch, &admin, &mut client, "0101", 500, &mut |_| {}).expect("push");
    let kinds = assert_churn_equal(&db, &url);
    assert!(
        kinds >= 3,
        "only {kinds} kinds of reason: the comparison is too thin"
    );
    // The command: one line per client at risk and the count, numbers as CODE/number.
    let out = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["hq", "report", "churn"])
        .env("RMDESK_PG", &url)
        .envs(common::clock_env())
        .output()
        .expect("hq report churn");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with("0101/C")),
        "{text}"
    );
    assert!(text.trim_end().ends_with("clients at risk"), "{text}");
}

#[test]
fn current_aum_is_kept_by_every_load_and_the_report_reads_it_right() {
    let url = pg::fresh_database("current_aum");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let mut branch = store(&db);
    let admin = branch.login("admin", "demo-password").expect("admin");
    let mut client = pg::connect(&url);
    let first = hq::push::push(&mut branch, &admin, &mut client, "0101", 500, &mut |_| {})
        .expect("first push");
    assert!(first.copied.is_some(), "{first:?}");
    let (_, n) = current_and_recomputed(&url);
    assert_eq!(n, 120, "every client has a current AUM");
    assert_reports_equal(&db, &url);

    // New history: 30 clients move an hour after the demo; client 31 gets a row dated
    // before its current one (it must not become current); client 32 twice in one batch.
    common::raw(&db)
        .expect("open")
        .execute_batch(
            "INSERT INTO aum_history (client_id, at, aum_minor, tier)
               SELECT id, '2026-11-23T05:00:00Z', aum_minor + 100000000, 'core' FROM clients WHERE id <= 30;
             INSERT INTO aum_history (client_id, at, aum_minor, tier)
               VALUES (31, '2020-01-01T00:00:00.000Z', 1, 'general');
             INSERT INTO aum_history (client_id, at, aum_minor, tier)
               VALUES (32, '2026-11-23T06:00:00Z', 5, 'general'),
                      (32, '2026-11-23T07:00:00Z', 7, 'key');",
        )
        .expect("history");
    let before = current_and_recomputed(&url).0;
    let sent =
        hq::push::push(&mut branch, &admin, &mut client, "0101", 7, &mut |_| {}).expect("push");
    assert!(sent.batches > 1, "{sent:?}");
    let (after, _) = current_and_recomputed(&url);
    let of = |rows: &[Current], id: i64| rows.iter().find(|r| r.0 == id).cloned().expect("client");
    assert_eq!(of(&after, 1).1, "2026-11-23T05:00:00Z");
    assert_eq!(
        of(&after, 31),
        of(&before, 31),
        "an older row became current"
    );
    assert_eq!((of(&after, 32).3, of(&after, 32).4.as_str()), (7, "key"));
    assert_reports_equal(&db, &url);

    // Clients change owner (their whole history moves with them), one of them with new
    // history in the same push.
    let conn = common::raw(&db).expect("open");
    let owners: Vec<i64> = conn
        .prepare("SELECT DISTINCT owner_id FROM clients ORDER BY owner_id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("owners");
    assert!(owners.len() >= 2, "{owners:?}");
    conn.execute(
        "UPDATE clients SET owner_id = ?1 WHERE id BETWEEN 40 AND 60 AND owner_id <> ?1",
        [owners[0]],
    )
    .expect("hand-over");
    conn.execute(
        "UPDATE clients SET owner_id = ?1 WHERE id IN (1, 2)",
        [owners[1]],
    )
    .expect("hand-over");
    conn.execute_batch(
        "INSERT INTO aum_history (client_id, at, aum_minor, tier)
           VALUES (2, '2026-11-23T08:00:00Z', 9, 'general');",
    )
    .expect("history");
    drop(conn);
    hq::push::push(&mut branch, &admin, &mut client, "0101", 5, &mut |_| {}).expect("push");
    current_and_recomputed(&url);
    assert_reports_equal(&db, &url);

    // A head office made before the slots: the next push makes them from the history.
    client
        .batch_execute("DROP TABLE hq.aum_owner_slots, hq.aum_tier_moves")
        .expect("drop");
    hq::push::push(&mut branch, &admin, &mut client, "0101", 5, &mut |_| {}).expect("push");
    assert_reports_equal(&db, &url);
}
