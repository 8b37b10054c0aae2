//! Hand-over (docs/BENCHMARKS.md): all clients of an RM handed to two RMs, balanced by
//! AUM, for 10,000 and 100,000 clients, each with a share of open tasks, pending
//! complaints and holdings maturing within 30 days; and the receiving RM's "new to you"
//! lines afterwards.
//!
//! `cargo bench --bench handover` builds each database once in a temporary folder (rows
//! written straight into the tables: only the hand-over is measured), then times the
//! store's own call on fresh copies of it. `RMDESK_BENCH_HANDOVER=10000` runs one size.
use std::time::{Duration, Instant};

use rmdesk::domain::desk::HandoverReason;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::Store;

mod common;
use common::report;

const RUNS: usize = 3;

fn build(path: &std::path::Path, n: usize) {
    let mut store = Store::open(path).expect("open");
    store.seed_demo().expect("demo users");
    drop(store);
    let conn = common::raw(path).expect("raw");
    conn.execute_batch(
        "BEGIN;
         INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
         VALUES ('BENCH-1', 'Bench deposit', 'deposit', 'R1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
    )
    .expect("product");
    let today = chrono::Local::now().date_naive();
    let soon = (today + chrono::Duration::days(12)).to_string();
    let stamp = "2026-01-01T00:00:00Z";
    {
        let mut client = conn
            .prepare(
                "INSERT INTO clients (id, client_no, kind, name, id_type, id_number, status, owner_id, branch_id,
                                      tier, aum_minor, created_at, updated_at)
                 VALUES (?1, printf('C%09d', ?1), 'individual', printf('客户%06d', ?1), 'passport',
                         printf('E%08d', ?1), 'active', (SELECT id FROM users WHERE username = 'rm1'),
                         (SELECT branch_id FROM users WHERE username = 'rm1'), 'general', ?2, ?3, ?3)",
            )
            .expect("sql");
        let mut task = conn
            .prepare(
                "INSERT INTO tasks (owner_id, client_id, title, due_date, created_at, updated_at)
                 VALUES ((SELECT id FROM users WHERE username = 'rm1'), ?1, '跟进', ?2, ?3, ?3)",
            )
            .expect("sql");
        let mut complaint = conn
            .prepare(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, deadline, created_at, updated_at)
                 VALUES (?1, (SELECT id FROM users WHERE username = 'rm1'), 'complaint', ?2, 'phone', '投诉', ?2, ?3, ?3)",
            )
            .expect("sql");
        let mut holding = conn
            .prepare(
                "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date, created_by, created_at, updated_at)
                 VALUES (?1, (SELECT id FROM products WHERE code = 'BENCH-1'), '50000', 'CNY', '2026-01-01', ?2,
                         (SELECT id FROM users WHERE username = 'rm1'), ?3, ?3)",
            )
            .expect("sql");
        for i in 1..=n as i64 {
            // AUM from 0 to about 5 million, uneven, in fen.
            let aum = (i * 7_919 % 50_000) * 10_000;
            client
                .execute(rusqlite::params![i, aum, stamp])
                .expect("client");
            if i % 5 == 0 {
                task.execute(rusqlite::params![i, soon, stamp])
                    .expect("task");
            }
            if i % 20 == 0 {
                complaint
                    .execute(rusqlite::params![i, soon, stamp])
                    .expect("complaint");
            }
            if i % 10 == 0 {
                holding
                    .execute(rusqlite::params![i, soon, stamp])
                    .expect("holding");
            }
        }
    }
    conn.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("commit");
}

fn main() {
    let sizes: Vec<usize> = match std::env::var("RMDESK_BENCH_HANDOVER") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => vec![10_000, 100_000],
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for n in sizes {
        let source = dir.path().join(format!("handover-{n}.db"));
        let t = Instant::now();
        build(&source, n);
        println!("{n} clients built in {:.1} s", t.elapsed().as_secs_f64());
        let mut times: Vec<Duration> = Vec::new();
        let mut desk: Vec<Duration> = Vec::new();
        for run in 0..RUNS {
            let copy = dir.path().join(format!("run-{n}-{run}.db"));
            std::fs::copy(&source, &copy).expect("copy");
            let mut store = Store::open(&copy).expect("open");
            let manager = store.login("manager", "demo-password").expect("manager");
            let spec = HandoverSpec {
                from: "rm1".into(),
                to: vec!["rm2".into(), "rm3".into()],
                which: Which::All,
                reason: HandoverReason::Rotation,
                reason_text: String::new(),
            };
            let mut reports = 0usize;
            let t = Instant::now();
            let done = store
                .hand_over(&manager, &spec, &mut |_, _| reports += 1)
                .expect("hand-over");
            times.push(t.elapsed());
            assert_eq!(done.clients, n);
            assert!(reports >= n / 1000, "progress reported");
            let rm2 = store.login("rm2", "demo-password").expect("rm2");
            let t = Instant::now();
            let lines = store.rm_desk(&rm2).expect("desk");
            desk.push(t.elapsed());
            assert_eq!(lines.new_to_you.len(), 50);
            if run == 0 {
                println!(
                    "  moved {} clients, {} tasks, {} complaints: {:?}",
                    done.clients, done.tasks, done.complaints, done.per_receiver
                );
            }
        }
        times.sort();
        desk.sort();
        report(&format!("hand-over of {n} clients to 2 RMs"), &times);
        report(&format!("receiving RM's desk lines after {n}"), &desk);
    }
}
