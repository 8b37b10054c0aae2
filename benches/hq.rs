//! Head office (docs/BENCHMARKS.md): the first push of a demo branch, the push of a day's
//! changes (10,000 rows), and head office's performance report over 20 branches, with its
//! query plan.
//!
//! Needs PostgreSQL: `scripts/with-pg cargo bench --bench hq` (a throwaway cluster).
//! `RMDESK_BENCH_HQ_CLIENTS` (default 1,000,000) sizes the demo branch, made with
//! `rmdesk demo` into a temporary folder (not timed); the 20 branches of the report are
//! that branch copied at head office under 20 codes straight in PostgreSQL
//! (`RMDESK_BENCH_HQ_BRANCHES` for another number).
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
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    let t = Instant::now();
    let made = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(&db)
        .args(["demo", "--clients", &clients.to_string(), "--seed", "7"])
        .output()
        .expect("demo");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    println!(
        "demo branch of {clients} clients made in {:.1} s (not timed below)",
        t.elapsed().as_secs_f64()
    );

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

    // The branches at head office: the branch copied under more codes.
    let shapes = store.hq_table_shapes().expect("shapes");
    let t = Instant::now();
    for b in 2..=branches {
        let code = format!("{b:04}");
        hq::schema::ensure_branch(&mut client, &shapes, &code).expect("partitions");
        for s in &shapes {
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
        client
            .batch_execute(&format!(
                "INSERT INTO hq.aum_current (branch_code, client_id, at, hist_id, aum_minor, tier)
                 SELECT '{code}', client_id, at, hist_id, aum_minor, tier FROM hq.aum_current WHERE branch_code = '0101'"
            ))
            .expect("copy");
    }
    client.batch_execute("ANALYZE").expect("analyze");
    println!(
        "{branches} branches generated at head office in {:.1} s",
        t.elapsed().as_secs_f64()
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
    // The plan of its heaviest query: AUM at last month's start per RM (the clients
    // that changed since have their history read).
    let start = rmdesk::store::ts(last_month.instants(rmdesk::store::Zone::Fixed(offset)).0);
    let plan = client
        .query(
            &format!(
                "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
                 WITH s AS ({})
                 SELECT c.branch_code, c.owner_id, sum(s.aum_minor) FROM hq.clients c
                 LEFT JOIN s ON s.branch_code = c.branch_code AND s.client_id = c.id
                 GROUP BY c.branch_code, c.owner_id",
                hq::current::at_sql(&format!("'{}'::text", start), "")
            ),
            &[],
        )
        .expect("plan");
    // The plan repeats its scan per partition (21 of them): the first lines and the
    // totals say what it does.
    let lines: Vec<String> = plan.iter().map(|r| r.get::<_, String>(0)).collect();
    println!(
        "plan of the AUM query ({} lines; the first 14 and the last 2):",
        lines.len()
    );
    for l in lines
        .iter()
        .take(14)
        .chain(lines.iter().skip(lines.len().saturating_sub(2)))
    {
        println!("    {l}");
    }
}
