//! Administration at scale (docs/BENCHMARKS.md).
//!
//! `cargo bench --bench admin` measures:
//! - a backup of the 1,000,000-client database (target/bench-data/clients-1000000.db,
//!   built once by `rmdesk demo` and shared with the clients benchmark), and the latency
//!   of another connection's sign-ins and writes while it runs (can others work?);
//! - the audit viewer's first page over 5,000,000 entries (target/bench-data/
//!   audit-5000000.db, built once), unfiltered and by user, action, date range and
//!   client, and a page 100 pages deep.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use rmdesk::store::audit_view::AuditFilter;
use rmdesk::store::backup::Phase;
use rmdesk::store::Store;

mod common;
use common::{demo_db_at, env_u64, quantile, report, sample};

fn main() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    if std::env::var("RMDESK_BENCH_ONLY").map_or(true, |v| v == "backup") {
        backup(&data, env_u64("RMDESK_BENCH_CLIENTS", 1_000_000));
    }
    if std::env::var("RMDESK_BENCH_ONLY").map_or(true, |v| v == "audit") {
        audit(&data, env_u64("RMDESK_BENCH_AUDIT", 5_000_000));
    }
}

fn demo_db(data: &Path, clients: u64) -> PathBuf {
    let db = data.join(format!("clients-{clients}.db"));
    demo_db_at(&db, data, clients);
    db
}

fn backup(data: &Path, clients: u64) {
    let db = demo_db(data, clients);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("database: {clients} clients, {:.0} MB", size as f64 / 1e6);
    let out_dir = tempfile::tempdir_in(data).expect("temp");
    let dest = out_dir.path().join("backup.db");
    let mut store = Store::open(&db).expect("open");
    let admin = store.login("admin", "demo-password").expect("admin");

    // Another connection signs in and writes (a branch rename is a small audited write)
    // in a loop while the backup runs; its latencies say whether others can work.
    let running = Arc::new(AtomicBool::new(true));
    let other = {
        let running = running.clone();
        let db = db.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&db).expect("open");
            let mut reads = Vec::new();
            let mut writes = Vec::new();
            while running.load(Ordering::Relaxed) {
                let t = Instant::now();
                let rm = s.login("rm1", "demo-password").expect("rm1");
                reads.push(t.elapsed());
                let t = Instant::now();
                s.record_logout(&rm).expect("logout");
                writes.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(50));
            }
            (reads, writes)
        })
    };
    let mut copy_done = None;
    let t = Instant::now();
    let manifest = store
        .backup_to(&admin, &dest, &mut |p| {
            if p == Phase::Check && copy_done.is_none() {
                copy_done = Some(t.elapsed());
            }
        })
        .expect("backup");
    let total = t.elapsed();
    running.store(false, Ordering::Relaxed);
    let (mut logins, mut writes) = other.join().expect("other thread");
    logins.sort();
    writes.sort();
    println!(
        "backup of {clients} clients ({:.0} MB): {:.1} s in all, copy {:.1} s, checks {:.1} s",
        manifest.bytes as f64 / 1e6,
        total.as_secs_f64(),
        copy_done.unwrap_or_default().as_secs_f64(),
        (total - copy_done.unwrap_or_default()).as_secs_f64()
    );
    report("meanwhile, another connection: sign-in (Argon2id)", &logins);
    report(
        "meanwhile, another connection: audited write (sign-out)",
        &writes,
    );
    println!(
        "longest write wait during the backup: {:.1} ms",
        quantile(&writes, 1.0).as_secs_f64() * 1e3
    );
}

/// A database with `n` audit entries by 50 users over about a year (entries are
/// written straight into the table: the viewer reads, it does not verify).
fn audit_db(data: &Path, n: u64) -> PathBuf {
    let db = data.join(format!("audit-{n}.db"));
    if db.exists() {
        return db;
    }
    let t = Instant::now();
    let partial = data.join(format!("audit-{n}.db.partial"));
    let _ = std::fs::remove_file(&partial);
    {
        let mut store = Store::open(&partial).expect("open");
        store
            .create_first_admin("admin", "Admin", "bench-password-1")
            .expect("admin");
    }
    let mut c = common::raw(&partial).expect("raw");
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
        .expect("pragmas");
    let tx = c.transaction().expect("tx");
    let start: i64 = tx
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .expect("max");
    let t0 = Utc
        .with_ymd_and_hms(2025, 11, 1, 0, 0, 0)
        .single()
        .expect("t0");
    let actions = [
        "login",
        "logout",
        "client.update",
        "client.reveal",
        "visit.create",
        "task.done",
        "client.create",
        "holding.open",
        "feedback.update",
        "client.export",
    ];
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .expect("prep");
        for i in 0..n as i64 {
            let id = start + 1 + i;
            // About 6 seconds apart: 5,000,000 entries span about a year.
            let at = rmdesk::store::ts(t0 + chrono::Duration::seconds(i * 6));
            let user = i % 50;
            let action = actions[(i % 10) as usize];
            let (entity, before, after) = match action {
                "client.update" => (
                    "client",
                    Some("mobile=138****5678 risk=C2"),
                    Some("mobile=139****1234 risk=C3"),
                ),
                "login" | "logout" => ("session", None, None),
                _ => ("client", None, Some("name=Zhang")),
            };
            ins.execute(rusqlite::params![
                id,
                at,
                user + 2,
                format!("rm{user}"),
                action,
                entity,
                (i % 1_000_000).to_string(),
                before,
                after,
                "0".repeat(64),
                format!("{id:064x}"),
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
    drop(c);
    std::fs::rename(&partial, &db).expect("rename");
    for side in ["-wal", "-shm", ".anchors", ".lock"] {
        let mut from = partial.as_os_str().to_owned();
        from.push(side);
        let _ = std::fs::remove_file(from);
    }
    println!(
        "built {n} audit entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    db
}

fn audit(data: &Path, n: u64) {
    let db = audit_db(data, n);
    let _ = std::fs::read(&db); // warm, as on a desk in use
    let mut store = Store::open(&db).expect("open");
    let admin = store.login("admin", "bench-password-1").expect("admin");
    let t_mid = Utc
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("mid");
    let cases: Vec<(&str, AuditFilter)> = vec![
        ("no filter", AuditFilter::default()),
        (
            "one user (rm7, 1 in 50)",
            AuditFilter {
                username: Some("rm7".into()),
                ..Default::default()
            },
        ),
        (
            "one action (client.update)",
            AuditFilter {
                action: Some("client.update".into()),
                ..Default::default()
            },
        ),
        (
            "one user and one action",
            AuditFilter {
                username: Some("rm7".into()),
                action: Some("client.update".into()),
                ..Default::default()
            },
        ),
        (
            "one user over one month (离岗审计)",
            AuditFilter {
                username: Some("rm7".into()),
                from: Some(t_mid),
                to: Some(t_mid + chrono::Duration::days(30)),
                ..Default::default()
            },
        ),
        (
            "a user with no entries",
            AuditFilter {
                username: Some("nobody".into()),
                ..Default::default()
            },
        ),
    ];
    for (what, f) in &cases {
        let s = sample(30, || {
            let page = store.audit_page(&admin, f, None, 50).expect("page");
            std::hint::black_box(page);
        });
        report(&format!("audit first page of 50, {what}"), &s);
    }
    // 100 pages deep by keyset.
    let f = AuditFilter {
        username: Some("rm7".into()),
        ..Default::default()
    };
    let mut before = None;
    for _ in 0..100 {
        before = store
            .audit_page(&admin, &f, before, 50)
            .expect("page")
            .last()
            .map(|r| r.id);
    }
    let s = sample(30, || {
        std::hint::black_box(store.audit_page(&admin, &f, before, 50).expect("page"));
    });
    report("audit page 101 of one user (keyset)", &s);
}
