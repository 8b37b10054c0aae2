//! Head office (docs/BENCHMARKS.md): the first push of a demo branch, the push of a day's
//! changes (10,000 rows), and head office's performance report over 20 branches, with its
//! query plan.
//!
//! Needs PostgreSQL: `scripts/with-pg cargo bench --bench hq` (a throwaway cluster).
//! `RMDESK_BENCH_HQ_CLIENTS` (default 1,000,000) sizes the demo branch, made once with
//! `rmdesk demo` into target/bench-data/hq-demo-N.db (not timed; kept for the next run,
//! which pushes it again into a new head office); the 20 branches of the report are
//! that branch copied at head office under 20 codes straight in PostgreSQL
//! (`RMDESK_BENCH_HQ_BRANCHES` for another number). When whole copies would take more
//! than `RMDESK_BENCH_HQ_COPY_GB` (default 20) of disk, the copies hold only the tables
//! the performance report reads; copying stops when less than 9 GB of the disk is free.
//! `RMDESK_BENCH_HQ_SCALE=K` makes the pushed branch K times larger at head office first
//! (its clients, visits, tasks, feedback and AUM history repeated under new ids), so
//! 20 branches of 1,000,000 clients are made from a 100,000-client demo branch:
//!
//! ```sh
//! RMDESK_BENCH_HQ_CLIENTS=100000 RMDESK_BENCH_HQ_SCALE=10 scripts/with-pg cargo bench --bench hq
//! ```
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::FixedOffset;
use rmdesk::hq;
use rmdesk::store::reports::Period;
use rmdesk::store::Store;

fn main() {
    let Ok(server) = std::env::var("RMDESK_TEST_PG") else {
        eprintln!("hq bench: run it as `scripts/with-pg cargo bench --bench hq`");
        return;
    };
    let clients: u32 = std::env::var("RMDESK_BENCH_HQ_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // `RMDESK_BENCH_HQ_BRANCHES` (default 20): how many branches the report reads.
    let branches: usize = std::env::var("RMDESK_BENCH_HQ_BRANCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    let db = data.join(format!("hq-demo-{clients}.db"));
    demo_branch(&db, clients);
    let copy_gb: f64 = std::env::var("RMDESK_BENCH_HQ_COPY_GB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);

    let mut admin_db = postgres::Client::connect(&server, postgres::NoTls).expect("connect");
    admin_db
        .batch_execute("DROP DATABASE IF EXISTS hq_bench WITH (FORCE)")
        .expect("drop");
    admin_db
        .batch_execute("CREATE DATABASE hq_bench")
        .expect("create");
    let url = format!("{server} dbname=hq_bench");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");

    let mut store = Store::open(&db).expect("open");
    let admin = store.login("admin", "demo-password").expect("admin");
    let changes = store.last_change_seq().expect("seq");
    let t = Instant::now();
    let first = hq::push::push(
        &mut store,
        &admin,
        &mut client,
        "0101",
        hq::push::DEFAULT_BATCH,
        &mut |_| {},
    )
    .expect("first push");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "first push: {} rows copied, {} changes covered ({changes} in the log) in {} batches, {secs:.1} s",
        first.copied.unwrap_or(0),
        first.changes,
        first.batches,
    );

    // A day's changes: 10,000 client rows changed.
    let conn = rmdesk::store::cipher::connect(&db).expect("raw"); // keyed: admin signed in
    conn.execute(
        "UPDATE clients SET notes = 'reviewed today' WHERE id <= 10000",
        [],
    )
    .expect("day");
    let t = Instant::now();
    let day = hq::push::push(
        &mut store,
        &admin,
        &mut client,
        "0101",
        hq::push::DEFAULT_BATCH,
        &mut |_| {},
    )
    .expect("day push");
    println!(
        "a day's changes: {} changes in {:.2} s",
        day.changes,
        t.elapsed().as_secs_f64()
    );

    // `RMDESK_BENCH_HQ_SCALE` (default 1): the branch made SCALE times larger at head
    // office, its clients with their visits, tasks, feedback and AUM history repeated
    // under new ids (the other tables as pushed); then its current AUM, slots and tier
    // moves made afresh, as a first load makes them.
    let scale: i64 = std::env::var("RMDESK_BENCH_HQ_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let shapes = store.hq_table_shapes().expect("shapes");
    if scale > 1 {
        let t = Instant::now();
        let shifted = ["id", "client_id", "visit_id", "holding_id"];
        for s in shapes.iter().filter(|s| {
            ["clients", "visits", "tasks", "feedback", "aum_history"].contains(&s.table)
        }) {
            let cols: Vec<String> = s
                .columns
                .iter()
                .map(|c| hq::schema::ident(&c.name))
                .collect();
            let picked: Vec<String> = s
                .columns
                .iter()
                .map(|c| {
                    let name = hq::schema::ident(&c.name);
                    if shifted.contains(&c.name.as_str()) {
                        format!("{name} + k::bigint * 1000000000")
                    } else {
                        name
                    }
                })
                .collect();
            client
                .batch_execute(&format!(
                    "INSERT INTO {t} (branch_code, {c}) SELECT branch_code, {p}
                     FROM {t}, generate_series(1, {n}) k WHERE branch_code = '0101'",
                    t = hq::schema::table(s.table),
                    c = cols.join(", "),
                    p = picked.join(", "),
                    n = scale - 1
                ))
                .expect("scale");
        }
        let mut tx = client.transaction().expect("tx");
        hq::current::refresh_branch(&mut tx, "0101").expect("current");
        hq::derived::rebuild_branch(&mut tx, "0101").expect("slots");
        tx.commit().expect("commit");
        client.batch_execute("ANALYZE").expect("analyze");
        let n: i64 = client
            .query_one("SELECT count(*) FROM hq.clients", &[])
            .expect("n")
            .get(0);
        println!(
            "the branch made {scale} times larger at head office: {n} clients, in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }

    // The branches at head office: the branch copied under more codes, whole when the
    // copies fit in `copy_gb`, else the tables the performance report reads.
    let size = |client: &mut postgres::Client| -> f64 {
        let bytes: i64 = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .expect("size")
            .get(0);
        bytes as f64 / 1e9
    };
    let one = size(&mut client);
    let read = [
        "users", "clients", "visits", "tasks", "feedback", "settings",
    ];
    let whole = one * (branches.saturating_sub(1)) as f64 <= copy_gb;
    println!(
        "head office with one branch: {one:.2} GB; the {} copies hold {}",
        branches.saturating_sub(1),
        if whole {
            "every table".to_string()
        } else {
            format!(
                "what the report reads ({}, the owners' AUM slots and tier moves)",
                read.join(", ")
            )
        }
    );
    let t = Instant::now();
    let mut made = 1;
    for b in 2..=branches {
        // The disk is shared: stop copying with less than 9 GB free.
        let free = free_gb();
        if free < 9.0 {
            println!("only {made} branches made: {free:.1} GB left on the disk");
            break;
        }
        made = b;
        let code = format!("{b:04}");
        hq::schema::ensure_branch(&mut client, &shapes, &code).expect("partitions");
        for s in shapes.iter().filter(|s| whole || read.contains(&s.table)) {
            let cols: Vec<String> = s
                .columns
                .iter()
                .map(|c| hq::schema::ident(&c.name))
                .collect();
            client
                .batch_execute(&format!(
                    "INSERT INTO {t} (branch_code, {c}) SELECT '{code}', {c} FROM {t} WHERE branch_code = '0101'",
                    t = hq::schema::table(s.table),
                    c = cols.join(", ")
                ))
                .expect("copy");
        }
        for (t, c) in [
            ("aum_current", "client_id, at, hist_id, aum_minor, tier"),
            ("aum_owner_slots", "owner_id, slot, tier, aum_minor"),
            (
                "aum_tier_moves",
                "history_id, client_id, owner_id, at, from_tier, to_tier",
            ),
        ] {
            if t == "aum_current" && !whole {
                continue;
            }
            client
                .batch_execute(&format!(
                    "INSERT INTO hq.{t} (branch_code, {c}) SELECT '{code}', {c} FROM hq.{t} WHERE branch_code = '0101'"
                ))
                .expect("copy");
        }
        client
            .batch_execute(&format!(
                "UPDATE hq.branch_state SET hwm = s.hwm FROM hq.branch_state s
                 WHERE s.branch_code = '0101' AND hq.branch_state.branch_code = '{code}'"
            ))
            .expect("mark");
    }
    client.batch_execute("ANALYZE").expect("analyze");
    let branches = made;
    println!(
        "{branches} branches generated at head office in {:.1} s: {:.2} GB",
        t.elapsed().as_secs_f64(),
        size(&mut client)
    );
    let total: i64 = client
        .query_one("SELECT count(*) FROM hq.clients", &[])
        .expect("n")
        .get(0);

    // This month (the demo's clients changed today, so the end of the period reads
    // each client's current row) and last month (every client changed since: its
    // history is read), as the demo's clock, the wall clock, tells them in +08:00.
    let offset = FixedOffset::east_opt(8 * 3600).expect("offset");
    let today = chrono::Utc::now().with_timezone(&offset).date_naive();
    let this_month = Period::month_of(today);
    let last_month = Period::month_of(this_month.from.pred_opt().expect("date"));
    for (what, period) in [("this month", this_month), ("last month", last_month)] {
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let r = hq::report::performance(&mut client, period, offset, None).expect("report");
            times.push(t.elapsed().as_secs_f64());
            assert!(r.rows.len() >= branches);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "hq performance report, {what} ({} to {}), {branches} branches, {total} clients: median {:.2} s (runs {:?})",
            period.from, period.to, times[1], times
        );
    }
    // The plans of its AUM queries: the owners' slots before the period's bounds, and
    // the period's tier moves.
    let (start, end) = last_month.instants(rmdesk::store::Zone::Fixed(offset));
    let (start, end) = (rmdesk::store::ts(start), rmdesk::store::ts(end));
    let (from, to) = (last_month.from.to_string(), last_month.to.to_string());
    let secs = 8.0 * 3600.0f64;
    for (what, sql) in [
        ("the owners' AUM slots", hq::derived::aum_sql("")),
        ("the tier moves", hq::derived::tier_moves_sql("")),
    ] {
        let plan = client
            .query(
                &format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}"),
                &[&start, &end, &from, &to, &secs],
            )
            .expect("plan");
        println!("plan of the report's query of {what}, last month:");
        for r in &plan {
            println!("    {}", r.get::<_, String>(0));
        }
    }

    // Churn warnings (today) of the first branch, whole at head office (not made larger:
    // its holdings are as pushed).
    if scale > 1 {
        return;
    }
    let t = Instant::now();
    let churn = hq::churn::churn(&mut client, Some("0101"), today, offset).expect("churn");
    println!(
        "hq churn warnings of one branch ({clients} clients): {} lines in {:.2} s",
        churn.len(),
        t.elapsed().as_secs_f64()
    );
}

/// Free space (GB) of the disk holding the temporary folder (and the throwaway
/// cluster of `scripts/with-pg`); infinite when `df` cannot tell.
fn free_gb() -> f64 {
    Command::new("df")
        .args(["-Pk"])
        .arg(std::env::temp_dir())
        .output()
        .ok()
        .and_then(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let kb: f64 = text
                .lines()
                .nth(1)?
                .split_whitespace()
                .nth(3)?
                .parse()
                .ok()?;
            Some(kb / 1e6)
        })
        .unwrap_or(f64::INFINITY)
}

/// Makes the demo branch of `clients` clients at `db` unless a finished one is there
/// (`db.done` beside it, written once `rmdesk demo` succeeded).
fn demo_branch(db: &Path, clients: u32) {
    let done = db.with_extension("db.done");
    if done.exists() && db.exists() {
        println!(
            "demo branch of {clients} clients: {} (made before)",
            db.display()
        );
        return;
    }
    for ext in ["db", "db-wal", "db-shm", "db.keys", "db.anchors", "db.lock"] {
        let _ = std::fs::remove_file(db.with_extension(ext));
    }
    let t = Instant::now();
    let made = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(db)
        .args(["demo", "--clients", &clients.to_string(), "--seed", "7"])
        .output()
        .expect("demo");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let secs = t.elapsed().as_secs_f64();
    std::fs::write(&done, format!("{secs:.0}\n")).expect("done");
    println!("demo branch of {clients} clients made in {secs:.1} s (not timed below)");
}
