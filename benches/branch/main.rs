//! Branch scale: every screen's first load and its keystrokes, as the manager (the whole
//! branch) and as an RM, on 1,000,000 clients with 2,000,000 visits, 100,000 feedback
//! items and 200,000 tasks; beside each, the same SQL run as plain SQL on a second
//! connection of the same bundled SQLite (no store code around it: building rows,
//! scoping, Rust-side merging), the floor the engine sets.
//!
//! ```sh
//! cargo bench --bench branch                   # builds target/bench-data/branch-1000000.db once
//! RMDESK_BENCH_CLIENTS=20000 cargo bench --bench branch   # quick
//! RMDESK_BENCH_DB=/path/to/demo.db cargo bench --bench branch  # an existing demo database
//! ```
//!
//! The database is the demo's users and catalogue (`Store::seed_demo`) and N demo people
//! (`demo_people::person`, seed 7) imported by the manager through the store's import,
//! spread over rm1–rm3 (much quicker to build than `rmdesk demo`, which also opens a
//! deposit for each); then topped up in one transaction (written straight into the
//! tables, the visit words through the store's own functions) to 2N visits over two
//! years, N/10 feedback items and N/5 tasks. `RMDESK_BENCH_DB` measures another file, e.g.
//! one made by `rmdesk demo --clients N`, topped up the same way.
#[path = "../common/mod.rs"]
mod common;
mod dataset;
mod id_tails;
mod screens;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{Days, Local, Utc};
use common::{quantile, sample};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use rmdesk::domain::search_terms;
use rmdesk::store::clients::{client_page_sql, ListSpec, PageFrom};
use rmdesk::store::feedback::{feedback_list_sql, FeedbackFilter};
use rmdesk::store::home::{birthday_sql, complaints_sql, contact_sql, risk_sql};
use rmdesk::store::visits::{visit_key, visit_list_sql, VisitFilter};
use rmdesk::store::{Actor, Store, Zone};

use dataset::{build, top_up};
use id_tails::id_tails;
use screens::screens;

const PASSWORD: &str = "demo-password";

/// What the screens ask for: F4's list, the client search.
const LIST: usize = 500;

const SEARCH: usize = 200;

const RUNS: usize = 30;

fn main() {
    let clients = common::env_usize("RMDESK_BENCH_CLIENTS", 1_000_000);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    let db = std::env::var_os("RMDESK_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| data.join(format!("branch-{clients}.db")));
    if !db.exists() {
        build(&db, clients);
    }
    // Opening applies this build's migrations (once, for an older file).
    let t = Instant::now();
    drop(Store::open(&db).expect("open"));
    println!(
        "open (and migrate, if needed): {:.1} s",
        t.elapsed().as_secs_f64()
    );
    top_up(&db);
    if std::env::var_os("RMDESK_BENCH_COLD").is_none() {
        let _ = std::fs::read(&db);
    }
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let plain = common::raw(&db).expect("plain connection");
    // The store's page cache (32 MiB): on an encrypted file every page SQLite does not
    // hold is decrypted again, so a smaller cache would make the anchor pay for that.
    plain
        .execute_batch("PRAGMA cache_size = -32768;")
        .expect("cache size");
    let count = |t: &str| -> i64 {
        plain
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap_or(0)
    };
    println!(
        "database: {} clients, {} visits, {} feedback, {} tasks, {:.0} MB",
        count("clients"),
        count("visits"),
        count("feedback"),
        count("tasks"),
        size as f64 / 1e6
    );

    let mut store = Store::open(&db).expect("open");
    let t = Instant::now();
    let manager = store.login("manager", PASSWORD).expect("manager");
    let login = t.elapsed();
    let rm = store.login("rm1", PASSWORD).expect("rm1");
    println!(
        "sign-in (Argon2id and its audit entry): {:.1} ms",
        ms(login)
    );

    println!();
    println!("| measure | who | store median / p99 | plain SQL median / p99 |");
    println!("|---|---|---|---|");
    for (who, actor) in [("manager", &manager), ("RM", &rm)] {
        screens(&mut store, &plain, who, actor);
    }
    id_tails(&store, &plain, &manager, &rm);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn row(what: &str, who: &str, store: &[Duration], plain: Option<&[Duration]>) {
    let fmt = |s: &[Duration]| {
        format!(
            "{:.2} / {:.2} ms",
            ms(quantile(s, 0.5)),
            ms(quantile(s, 0.99))
        )
    };
    println!(
        "| {what} | {who} | {} | {} |",
        fmt(store),
        plain.map_or_else(|| "—".to_string(), fmt)
    );
}
