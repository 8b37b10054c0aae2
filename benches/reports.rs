//! Reports (docs/BENCHMARKS.md, docs/REPORTS.md): on N clients (1,000,000 by default)
//! owned by 10 RMs with a year of AUM history and visits, the month's performance report
//! for the branch (manager) and for one RM, the 80/20 value analysis of the branch, and
//! the first page of the branch's churn warnings, each through the store's own call.
//!
//! ```sh
//! cargo bench --bench reports                              # builds target/bench-data/reports-1000000.db once
//! RMDESK_BENCH_CLIENTS=20000 cargo bench --bench reports   # quick
//! ```
//!
//! The database is the demo's users and catalogue (`Store::seed_demo`) plus rm4–rm10, then
//! rows written straight into the tables in one transaction: clients spread over the 10
//! RMs (AUM up to about 5 million, one in 50 dormant), four AUM history rows each over the
//! past year (the last one the client's AUM now), one open holding each (its margin set
//! by category; one in 10 maturing in the past 90 days), one visit per client in the year,
//! a task for one in 5, a complaint for one in 20, and a hand-over of 1,000 clients and
//! 200 requests in the month.
mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Datelike, Days, Local, NaiveDate, TimeZone};
use common::{report, sample};
use rusqlite::params;

use rmdesk::store::reports::{Period, ValueBy};
use rmdesk::store::Store;

const PASSWORD: &str = "demo-password";
const RMS: i64 = 10;

/// An instant `days` days before `today` at `second` seconds past local midnight, as the
/// store writes instants (UTC, RFC 3339 with Z).
fn stamp(today: NaiveDate, days: i64, second: i64) -> String {
    let day = today - Days::new(u64::try_from(days).unwrap_or(0));
    let local = day.and_hms_opt(0, 0, 0).expect("midnight") + chrono::Duration::seconds(second);
    Local
        .from_local_datetime(&local)
        .earliest()
        .expect("local time")
        .with_timezone(&chrono::Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn tier(aum: i64) -> &'static str {
    match aum {
        a if a >= 600_000_000 => "core",
        a if a >= 50_000_000 => "key",
        _ => "general",
    }
}

fn build(path: &Path, n: i64) {
    // A plain file, as before encryption: the figures stay comparable, and the bulk
    // writes below go through a raw connection.
    let mut store = Store::create_plain(path).expect("open");
    store.seed_demo().expect("demo users");
    drop(store);
    let conn = rusqlite::Connection::open(path).expect("raw");
    conn.execute_batch("PRAGMA synchronous = OFF; BEGIN;")
        .expect("begin");
    for k in 4..=RMS {
        conn.execute(
            "INSERT INTO users (username, display_name, role, branch_id, password_hash,
                                must_change_password, created_at, updated_at)
             SELECT ?1, ?1, role, branch_id, password_hash, 0, created_at, updated_at
             FROM users WHERE username = 'rm1'",
            [format!("rm{k}")],
        )
        .expect("rm");
    }
    conn.execute_batch(
        "UPDATE products SET margin = CASE category WHEN 'deposit' THEN '1.5' WHEN 'loan' THEN '2.2'
             WHEN 'wealth' THEN '0.6' WHEN 'fund' THEN '1.2' WHEN 'insurance' THEN '2.5' ELSE '0.5' END;",
    )
    .expect("margins");
    let rms: Vec<i64> = {
        let mut s = conn
            .prepare("SELECT id FROM users WHERE role = 'rm' ORDER BY id")
            .expect("sql");
        let ids = s.query_map([], |r| r.get(0)).expect("rms");
        ids.collect::<rusqlite::Result<_>>().expect("rms")
    };
    let branch: i64 = conn
        .query_row(
            "SELECT branch_id FROM users WHERE username = 'rm1'",
            [],
            |r| r.get(0),
        )
        .expect("branch");
    let products: Vec<i64> = {
        let mut s = conn
            .prepare("SELECT id FROM products ORDER BY id")
            .expect("sql");
        let ids = s.query_map([], |r| r.get(0)).expect("products");
        ids.collect::<rusqlite::Result<_>>().expect("products")
    };
    let today = Local::now().date_naive();
    {
        let mut client = conn
            .prepare(
                "INSERT INTO clients (id, client_no, kind, name, id_type, id_number, status, owner_id, branch_id,
                                      tier, aum_minor, last_contact_at, created_at, updated_at)
                 VALUES (?1, printf('C%09d', ?1), 'individual', printf('客户%07d', ?1), 'passport',
                         printf('E%08d', ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            )
            .expect("sql");
        let mut history = conn
            .prepare(
                "INSERT INTO aum_history (client_id, at, aum_minor, tier) VALUES (?1, ?2, ?3, ?4)",
            )
            .expect("sql");
        let mut holding = conn
            .prepare(
                "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date,
                                       created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'CNY', ?4, ?5, ?6, ?7, ?7)",
            )
            .expect("sql");
        let mut visit = conn
            .prepare(
                "INSERT INTO visits (client_id, rm_id, branch_id, visited_at, channel, purpose, summary,
                                     return_checked_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'phone', '回访', '电话沟通', ?5, ?4, ?4)",
            )
            .expect("sql");
        let mut task = conn
            .prepare(
                "INSERT INTO tasks (owner_id, client_id, title, due_date, status, done_at, created_at, updated_at)
                 VALUES (?1, ?2, '跟进', ?3, ?4, ?5, ?6, ?6)",
            )
            .expect("sql");
        let mut complaint = conn
            .prepare(
                "INSERT INTO feedback (client_id, rm_id, branch_id, kind, received_on, channel, description,
                                       deadline, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'complaint', ?4, 'phone', '投诉', ?5, ?6, ?6)",
            )
            .expect("sql");
        for i in 1..=n {
            let rm = rms[usize::try_from(i % RMS).unwrap_or(0)];
            // AUM from 0 to about 5 million, uneven, in fen.
            let aum = (i * 7_919 % 50_000) * 10_000;
            let created = 30 + i % 700;
            let created_at = stamp(today, created, 3600 * 10);
            let contact = stamp(today, i % 400, 3600 * 15);
            let status = if i % 50 == 0 { "dormant" } else { "active" };
            client
                .execute(params![
                    i,
                    status,
                    rm,
                    branch,
                    tier(aum),
                    aum,
                    contact,
                    created_at
                ])
                .expect("client");
            // A year of history: four values, the last the AUM now.
            for (q, days) in [(0, 360), (1, 270), (2, 120), (3, 20 + i % 40)] {
                let value = match q {
                    3 => aum,
                    q => aum + (i * 31 + q * 977) % 20_000 * 10_000 - 100_000_000,
                }
                .max(0);
                history
                    .execute(params![
                        i,
                        stamp(today, days, 3600 * 11),
                        value,
                        tier(value)
                    ])
                    .expect("history");
            }
            let product = products[usize::try_from(i).unwrap_or(0) % products.len()];
            let matures =
                (i % 10 == 0).then(|| (today - Days::new(20 + (i % 60) as u64)).to_string());
            let start = (today - Days::new(400)).to_string();
            holding
                .execute(params![
                    i,
                    product,
                    format!("{}.{:02}", aum / 100, aum % 100),
                    start,
                    matures,
                    rm,
                    created_at
                ])
                .expect("holding");
            let at = stamp(today, i % 365, 3600 * 9 + i % 30_000);
            let checked = (i % 7 == 0).then(|| at.clone());
            visit
                .execute(params![i, rm, branch, at, checked])
                .expect("visit");
            // Blocks of ten consecutive clients: every RM gets its share.
            if (i / 10) % 5 == 0 {
                let due = today - Days::new((i % 90) as u64);
                let done = (i % 10 == 0).then(|| stamp(today, i % 90, 3600 * 12));
                let st = if done.is_some() { "done" } else { "open" };
                task.execute(params![rm, i, due.to_string(), st, done, created_at])
                    .expect("task");
            }
            if (i / 10) % 20 == 0 {
                let received = today - Days::new((i % 60) as u64);
                complaint
                    .execute(params![
                        i,
                        rm,
                        branch,
                        received.to_string(),
                        (received + Days::new(7)).to_string(),
                        created_at
                    ])
                    .expect("complaint");
            }
        }
    }
    // A hand-over this month of 1,000 of rm1's clients to rm2, and 200 requests.
    let month_start = today.with_day(1).unwrap_or(today);
    let at = stamp(today, (today - month_start).num_days(), 3600 * 14);
    conn.execute(
        "INSERT INTO handovers (at, branch_id, from_id, reason, by_id)
         VALUES (?1, ?2, ?3, 'rotation', (SELECT id FROM users WHERE username = 'manager'))",
        params![at, branch, rms[0]],
    )
    .expect("handover");
    conn.execute(
        "INSERT INTO handover_clients (handover_id, client_id, to_id, client_no, name, tier, aum_minor,
                                       open_tasks, pending_complaints, maturities_30d)
         SELECT last_insert_rowid(), id, ?2, client_no, name, tier, aum_minor, 0, 0, 0
         FROM clients WHERE owner_id = ?1 ORDER BY id LIMIT 1000",
        params![rms[0], rms[1]],
    )
    .expect("handover clients");
    conn.execute(
        "INSERT INTO requests (kind, requester_id, branch_id, client_id, tier, reason, status, created_at)
         SELECT 'tier', owner_id, branch_id, id, 'key', '提升', CASE WHEN id % 3 = 0 THEN 'approved' ELSE 'pending' END, ?1
         FROM clients ORDER BY id LIMIT 200",
        [at],
    )
    .expect("requests");
    // Each client's contribution, as the store keeps it (the AUM history's figures were
    // kept by the schema's triggers as the rows went in).
    rmdesk::store::reports::rebuild_contributions(&conn).expect("contributions");
    conn.execute_batch("COMMIT; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("commit");
}

fn main() {
    let clients = common::env_usize("RMDESK_BENCH_CLIENTS", 1_000_000);
    let runs = common::env_usize("RMDESK_BENCH_RUNS", 5);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    let db = data.join(format!("reports-{clients}.db"));
    if !db.exists() {
        let t = Instant::now();
        let partial = db.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        build(&partial, i64::try_from(clients).unwrap_or(0));
        std::fs::rename(&partial, &db).expect("rename");
        println!(
            "{clients} clients built in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::read(&db); // warm: the file in the page cache
    let mut store = Store::open(&db).expect("open");
    let count = |t: &str| -> i64 {
        rusqlite::Connection::open(&db)
            .and_then(|c| c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)))
            .unwrap_or(0)
    };
    println!(
        "{} clients, {} AUM history rows, {} holdings, {} visits, {} tasks, {} feedback",
        count("clients"),
        count("aum_history"),
        count("holdings"),
        count("visits"),
        count("tasks"),
        count("feedback")
    );
    let manager = store.login("manager", PASSWORD).expect("manager");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let month = Period::month_of(store.today());

    let r = store
        .performance_report(&manager, month, None)
        .expect("report");
    println!(
        "  branch month: {} RMs, {} visits, {} weeks",
        r.rows.len(),
        r.total.as_ref().map_or(0, |t| t.visits),
        r.weekly_aum.len()
    );
    report(
        "performance, month, branch (manager, 10 RMs)",
        &sample(runs, || {
            store
                .performance_report(&manager, month, None)
                .expect("report");
        }),
    );
    report(
        "performance, month, one RM (the RM)",
        &sample(runs, || {
            store.performance_report(&rm1, month, None).expect("report");
        }),
    );
    // The last whole month: every day of it has visits, tasks, complaints and AUM moves
    // (this month may have only begun).
    let last = Period::month_of(month.from.pred_opt().unwrap_or(month.from));
    let r = store
        .performance_report(&manager, last, None)
        .expect("report");
    println!(
        "  last month: {} visits, {} tasks due, {} complaints, {} tier moves up, {} down",
        r.total.as_ref().map_or(0, |t| t.visits),
        r.total.as_ref().map_or(0, |t| t.tasks_due),
        r.total.as_ref().map_or(0, |t| t.complaints),
        r.total.as_ref().map_or(0, |t| t.tier_up),
        r.total.as_ref().map_or(0, |t| t.tier_down)
    );
    report(
        "performance, last whole month, branch (manager, 10 RMs)",
        &sample(runs, || {
            store
                .performance_report(&manager, last, None)
                .expect("report");
        }),
    );
    report(
        "performance, last whole month, one RM (the RM)",
        &sample(runs, || {
            store.performance_report(&rm1, last, None).expect("report");
        }),
    );
    let v = store
        .value_report(&manager, None, ValueBy::Contribution)
        .expect("value");
    println!(
        "  80/20: top {} of {} hold {:?}%",
        v.top_count,
        v.rows.len(),
        v.top_share
    );
    report(
        "value (80/20), branch, by contribution",
        &sample(runs, || {
            store
                .value_report(&manager, None, ValueBy::Contribution)
                .expect("value");
        }),
    );
    report(
        "value (80/20), branch, by AUM",
        &sample(runs, || {
            store
                .value_report(&manager, None, ValueBy::Aum)
                .expect("value");
        }),
    );
    let page = store.churn_page(&manager, None, None, 200).expect("churn");
    println!("  churn first page: {} lines", page.len());
    report(
        "churn warnings, branch, first page (200)",
        &sample(runs, || {
            store.churn_page(&manager, None, None, 200).expect("churn");
        }),
    );
    report(
        "churn warnings, one RM, first page (200)",
        &sample(runs, || {
            store.churn_page(&rm1, None, None, 200).expect("churn");
        }),
    );
    report(
        "home: 5 most urgent churn warnings, branch",
        &sample(runs, || {
            store.churn_warnings(&manager, 5).expect("churn");
        }),
    );
}
