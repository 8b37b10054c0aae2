//! Suitability at scale (docs/BENCHMARKS.md): the clients a product suits, over
//! `RMDESK_BENCH_CLIENTS` clients (default 1,000,000) spread over three RMs.
//!
//! `cargo bench --bench products` builds (once, then reuses) target/bench-data/
//! products-N.db: the store's users and a catalogue of R1–R5 products, then the clients
//! written straight into the table (the query reads `clients`, `users` and `products`
//! only), at random with the demo's spread of risk levels (C1 10 %, C2 25 %, C3 35 %,
//! C4 20 %, C5 10 %) and assessment dates (one in six expired), over three RMs. The clock is fixed at local noon
//! 2026-11-23. It measures, after a warm-up, `Store::suitable_clients` for each product:
//! the first page of 200 by name and a page deep in the list, for an RM (a third of the
//! clients) and the manager (all of them).
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::TimeZone;
use rmdesk::domain::product::ProductInput;
use rmdesk::store::products::{ProductFilter, SUITABLE_PAGE};
use rmdesk::store::users::NewUser;
use rmdesk::store::{Actor, FixedClock, Role, Store};

mod common;
use common::{report, sample};

const PASSWORD: &str = "bench-password-1";

fn noon() -> chrono::DateTime<chrono::Utc> {
    chrono::Local
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .earliest()
        .expect("noon")
        .with_timezone(&chrono::Utc)
}

fn main() {
    let clients: i64 = std::env::var("RMDESK_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    let db = data.join(format!("products-{clients}.db"));
    if !db.exists() {
        let t = Instant::now();
        seed(&db, clients);
        println!(
            "seeded {clients} clients in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    // Read the file once, as the operating system's cache holds it on a desk in use.
    let _ = std::fs::read(&db);
    let mut store = Store::open(&db).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let rm = store.login("rm1", PASSWORD).expect("rm1");
    let manager = store.login("manager", PASSWORD).expect("manager");
    let products = store
        .products(&rm, &ProductFilter::default())
        .expect("catalogue");
    for (who, actor) in [("RM (own third)", &rm), ("manager (all)", &manager)] {
        for p in &products {
            let first = store
                .suitable_clients(actor, p.id, None, SUITABLE_PAGE)
                .expect("suitable");
            let times = sample(30, || {
                std::hint::black_box(
                    store
                        .suitable_clients(actor, p.id, None, SUITABLE_PAGE)
                        .expect("suitable"),
                );
            });
            report(
                &format!(
                    "suitable clients, first {SUITABLE_PAGE}, {} ({}), {who}",
                    p.code, p.risk
                ),
                &times,
            );
            // 25 pages in: the keyset page costs what it reads, not what it skips.
            let mut after = first.last().map(|c| (c.name.clone(), c.id));
            for _ in 0..24 {
                let Some((name, id)) = after.clone() else {
                    break;
                };
                let page = store
                    .suitable_clients(actor, p.id, Some((&name, id)), SUITABLE_PAGE)
                    .expect("page");
                after = page.last().map(|c| (c.name.clone(), c.id));
            }
            if let Some((name, id)) = after {
                let deep = sample(30, || {
                    std::hint::black_box(
                        store
                            .suitable_clients(actor, p.id, Some((&name, id)), SUITABLE_PAGE)
                            .expect("page"),
                    );
                });
                report(&format!("  page 26, {}", p.code), &deep);
            }
        }
    }
    let client_id = first_client(&store, &rm);
    let times = sample(100, || {
        std::hint::black_box(store.suitable_products(&rm, client_id).expect("products"));
    });
    report("suitable products of one client", &times);
}

fn first_client(store: &Store, rm: &Actor) -> i64 {
    let p = store
        .products(rm, &ProductFilter::default())
        .expect("catalogue");
    store
        .suitable_clients(rm, p[0].id, None, 1)
        .expect("one")
        .first()
        .map(|c| c.id)
        .expect("a client")
}

fn seed(path: &Path, clients: i64) {
    let mut store = Store::open(path).expect("create");
    store.set_clock(Box::new(FixedClock(noon())));
    let admin = store
        .create_first_admin("admin", "Admin", PASSWORD)
        .expect("admin");
    let branch = store
        .create_branch(&admin, "0101", "Bench")
        .expect("branch");
    let mut rms = Vec::new();
    for (name, role) in [
        ("rm1", Role::Rm),
        ("rm2", Role::Rm),
        ("rm3", Role::Rm),
        ("manager", Role::Manager),
    ] {
        let u = NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            branch_id: Some(branch),
            password: PASSWORD.into(),
        };
        let id = store.create_user(&admin, &u).expect("user");
        if role == Role::Rm {
            rms.push(id);
        }
    }
    for n in 1..=5 {
        let p = ProductInput {
            code: format!("WM-R{n}"),
            name: format!("Wealth R{n}"),
            category: "wealth".into(),
            risk_level: format!("R{n}"),
            min_amount: "10000".into(),
            ..ProductInput::default()
        };
        store.create_product(&admin, &p).expect("product");
    }
    drop(store);
    let conn = common::raw(path).expect("raw");
    // Random names (a family name, a given name and a digit: ~4,000 distinct), random
    // owners, levels and assessment dates in the demo's proportions. MATERIALIZED draws
    // each random number once: a flattened CTE would draw `d` again in every WHEN.
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
         r(i, a, b, c, d, e, f) AS MATERIALIZED (
           SELECT i, abs(random()) % 20, abs(random()) % 20, abs(random()) % 10,
                  abs(random()) % 100, abs(random()) % 6, abs(random()) % 3 FROM n)
         INSERT INTO clients (client_no, kind, name, id_type, id_number, risk_level, risk_assessed_on,
                              status, owner_id, branch_id, aum_minor, created_at, updated_at)
         SELECT printf('C%09d', i), 'individual',
                substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗', a + 1, 1)
                  || substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平', b + 1, 1)
                  || substr('一二三四五六七八九十', c + 1, 1),
                'passport', printf('P%010d', i),
                CASE WHEN d < 10 THEN 'C1' WHEN d < 35 THEN 'C2' WHEN d < 70 THEN 'C3'
                     WHEN d < 90 THEN 'C4' ELSE 'C5' END,
                date('2026-11-23', '-' || CASE WHEN e = 0 THEN 366 + abs(random()) % 700
                                               ELSE abs(random()) % 361 END || ' days'),
                'active', CASE f WHEN 0 THEN ?2 WHEN 1 THEN ?3 ELSE ?4 END, ?5,
                abs(random()) % 200000000, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
         FROM r",
        rusqlite::params![clients, rms[0], rms[1], rms[2], branch],
    )
    .expect("fill clients");
}
