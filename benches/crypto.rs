//! Encryption's cost (docs/BENCHMARKS.md): the same measures on a plain and an encrypted
//! database of the same clients, in the same run.
//!
//! `cargo bench --bench crypto` builds (once, then reuses) two demo databases of
//! `RMDESK_BENCH_CLIENTS` clients (default 100,000) under target/bench-data — one
//! plain (`Store::create_plain`), one encrypted (`Store::open`, as every new database) —
//! with the demo's bulk writer, timing it (the write rate), then measures on each:
//! file size; open + the sign-in screen drawn (in-process, a new process's first open:
//! the key not yet unlocked); sign-in (for the encrypted file: Argon2id to unwrap the
//! data key, then the database's own Argon2id check); search by name prefix, phone
//! fragment and ID tail as the manager (all clients); the next page of 40 rows; a backup.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rmdesk::cli::demo_people;
use rmdesk::store::clients::{ListSpec, PageFrom};
use rmdesk::store::{cipher, Store};
use rust_decimal::Decimal;

mod common;
use common::{quantile, report, sample, search_texts};

const PASSWORD: &str = "demo-password";

fn build(path: &Path, encrypted: bool, clients: u64) {
    let t = Instant::now();
    let mut store = if encrypted {
        Store::open(path).expect("create")
    } else {
        Store::create_plain(path).expect("create plain")
    };
    store.seed_demo().expect("demo users");
    let today = store.today();
    let mut rng = StdRng::seed_from_u64(1);
    let mut people = (0..clients).map(move |i| {
        let p = demo_people::person(&mut rng, i, today);
        let amount = Decimal::new(rng.gen_range(100_000..100_000_000i64), 2);
        (p, amount)
    });
    let n = store
        .seed_demo_clients(&mut people, today, &mut |_| {})
        .expect("clients");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{}: {n} clients written in {secs:.1} s ({:.0} clients/s)",
        label(encrypted),
        n as f64 / secs
    );
}

fn label(encrypted: bool) -> &'static str {
    if encrypted {
        "encrypted"
    } else {
        "plain"
    }
}

fn size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| {
            let mut p = path.as_os_str().to_owned();
            p.push(s);
            std::fs::metadata(PathBuf::from(p)).map_or(0, |m| m.len())
        })
        .sum()
}

fn main() {
    let clients: u64 = std::env::var("RMDESK_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    for encrypted in [false, true] {
        let db = data.join(format!("crypto-{}-{clients}.db", label(encrypted)));
        if !db.exists() {
            build(&db, encrypted, clients);
        }
        measure(&db, encrypted, &data);
    }
}

fn measure(db: &Path, encrypted: bool, data: &Path) {
    let name = label(encrypted);
    let _ = std::fs::read(db); // a warm cache, as on a desk in use
    println!("{name}: file {:.1} MB", size(db) as f64 / 1e6);
    let times = sample(10, || {
        cipher::forget(db);
        let store = Store::open(db).expect("open");
        let app = rmdesk::tui::App::new(
            store,
            rmdesk::tui::keymap::Keymap::default(),
            rmdesk::tui::i18n::I18n::new(rmdesk::tui::i18n::Lang::En),
            rmdesk::tui::theme::Theme::new("default", false),
        )
        .expect("app");
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| app.draw(f)).expect("draw");
    });
    report(&format!("{name}: open + sign-in screen drawn"), &times);
    let times = sample(10, || {
        cipher::forget(db);
        let mut store = Store::open(db).expect("open");
        store.login("manager", PASSWORD).expect("sign in");
    });
    report(
        &format!("{name}: sign-in (open, unwrap, check, audit)"),
        &times,
    );
    // Refusals (rm1 is locked out after five: the rest are refusals of a locked account,
    // the same work).
    for (what, user, password) in [
        ("a wrong password", "rm1", "not-the-password-1"),
        ("an unknown user", "nobody", PASSWORD),
    ] {
        let times = sample(10, || {
            cipher::forget(db);
            let mut store = Store::open(db).expect("open");
            assert!(store.login(user, password).is_err());
        });
        report(&format!("{name}: sign-in refused, {what}"), &times);
    }

    let mut store = Store::open(db).expect("open");
    let manager = store.login("manager", PASSWORD).expect("manager");
    for (kind, list) in queries(&store, 200) {
        let times: Vec<Duration> = {
            let mut t: Vec<Duration> = list
                .iter()
                .map(|q| {
                    let t = Instant::now();
                    std::hint::black_box(store.search_clients(&manager, q, 50).expect("search"));
                    t.elapsed()
                })
                .collect();
            t.sort();
            t
        };
        report(&format!("{name}: search {kind}, manager"), &times);
        println!("  p99 {:.2} ms", quantile(&times, 0.99).as_secs_f64() * 1e3);
    }
    let spec = ListSpec::default();
    let first = store
        .client_page(&manager, &spec, &PageFrom::Start, 40)
        .expect("page");
    let mut key = first.keys.last().cloned().expect("rows");
    let times = sample(200, || {
        let page = store
            .client_page(&manager, &spec, &PageFrom::After(key.clone()), 40)
            .expect("page");
        if let Some(k) = page.keys.last() {
            key = k.clone();
        }
    });
    report(&format!("{name}: next page of 40 rows, manager"), &times);
    let admin = store.login("admin", PASSWORD).expect("admin");
    let target = data.join(format!("crypto-{name}-backup.db"));
    let _ = std::fs::remove_file(&target);
    let _ = std::fs::remove_file(rmdesk::store::backup::manifest_path(&target));
    let _ = std::fs::remove_file(rmdesk::store::keys::key_path(&target));
    let t = Instant::now();
    store
        .backup_to(&admin, &target, &mut |_| {})
        .expect("backup");
    println!(
        "{name}: backup {:.2} s ({:.1} MB)",
        t.elapsed().as_secs_f64(),
        size(&target) as f64 / 1e6
    );
}

/// Search texts taken from the data: name starts, 4-digit phone fragments, ID tails.
fn queries(store: &Store, n: usize) -> Vec<(&'static str, Vec<String>)> {
    let conn = cipher::connect(store.path()).expect("raw read");
    let max: i64 = conn
        .query_row("SELECT max(id) FROM clients", [], |r| r.get(0))
        .expect("max");
    let [names, phones, tails] = search_texts(&conn, max, n);
    vec![
        ("by name prefix", names),
        ("by phone fragment", phones),
        ("by ID tail", tails),
    ]
}
