//! Clients at scale (docs/BENCHMARKS.md): search, paging, import.
//!
//! `cargo bench --bench clients` builds (once, then reuses) a demo database of
//! `RMDESK_BENCH_CLIENTS` clients (default 1,000,000) under target/bench-data with the
//! same code as `rmdesk demo --clients N`, then measures in-process:
//! - search by name prefix, phone fragment and ID tail (values taken from the data),
//!   for an RM (a third of the clients) and the manager (all of them);
//! - a page of the client list after a given row, and the jump to the end;
//! - the real binary's `rmdesk search --stats` for a sample of the same queries;
//! - importing a generated file of `RMDESK_BENCH_IMPORT` rows (default 200,000) with full
//!   validation, beside the same rows, search terms and indexes written by plain SQL in
//!   one transaction (the engine's pace, in the same run), and sqlite3's own `.import` of
//!   the file into a bare table.
//!
//! `RMDESK_BENCH_ONLY=import` runs the import alone (no database of clients is built).
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::csv_import::{csv_header, csv_row, parse_csv};
use rmdesk::store::clients::{ListSpec, PageFrom};
use rmdesk::store::{Actor, Store};

mod common;
use common::{report, sample};

const PASSWORD: &str = "demo-password";

fn main() {
    let clients = common::env_usize("RMDESK_BENCH_CLIENTS", 1_000_000);
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    if std::env::var("RMDESK_BENCH_ONLY").is_ok_and(|v| v == "import") {
        import(&data, common::env_usize("RMDESK_BENCH_IMPORT", 200_000));
        return;
    }
    let db = data.join(format!("clients-{clients}.db"));
    common::demo_db_at(&db, &data, clients as u64);
    // Read the file once, as the operating system's cache holds it on a desk in use; a
    // cold cache (first search after a reboot) is slower, see docs/BENCHMARKS.md.
    if std::env::var_os("RMDESK_BENCH_COLD").is_none() {
        let _ = std::fs::read(&db);
    }
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("database: {clients} clients, {:.0} MB", size as f64 / 1e6);

    let mut store = Store::open(&db).expect("open");
    let rm = store.login("rm1", PASSWORD).expect("rm1");
    let manager = store.login("manager", PASSWORD).expect("manager");
    let queries = queries(&db, clients, 300);

    for (who, actor) in [("RM (own third)", &rm), ("manager (all)", &manager)] {
        for (kind, list) in &queries {
            let mut timed: Vec<(Duration, &str)> = list
                .iter()
                .map(|q| {
                    let t = Instant::now();
                    std::hint::black_box(store.search_clients(actor, q, 50).expect("search"));
                    (t.elapsed(), q.as_str())
                })
                .collect();
            timed.sort();
            let times: Vec<Duration> = timed.iter().map(|(d, _)| *d).collect();
            report(&format!("search {kind}, {who}"), &times);
            let slowest: Vec<String> = timed
                .iter()
                .rev()
                .take(3)
                .map(|(d, q)| format!("{q:?} {:.1} ms", d.as_secs_f64() * 1e3))
                .collect();
            println!("  slowest: {}", slowest.join(", "));
        }
        paging(&store, who, actor);
    }
    search_stats(&db, &data, &queries);
    memory(&db, &data);
    import(&data, common::env_usize("RMDESK_BENCH_IMPORT", 200_000));
}

/// Peak memory of the real application on this database: signed in as the manager (who
/// sees every client), through the client list to its end and back, and a search.
fn memory(db: &Path, data: &Path) {
    let socket = format!("rmdesk-mem-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
    };
    let started = tmux(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "mem",
        "-x",
        "120",
        "-y",
        "40",
        "env",
        &format!("RMDESK_DATA_DIR={}", data.display()),
        env!("CARGO_BIN_EXE_rmdesk"),
        "--db",
        db.to_str().expect("utf-8"),
        "--lang",
        "en",
    ]);
    if !started.is_ok_and(|o| o.status.success()) {
        println!("memory: tmux not available, not measured");
        return;
    }
    let screen = || {
        tmux(&["capture-pane", "-p", "-t", "mem"])
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let wait = |text: &str| {
        let t = Instant::now();
        while !screen().contains(text) && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let keys = |k: &[&str]| {
        for key in k {
            let _ = tmux(&["send-keys", "-t", "mem", key]);
            std::thread::sleep(Duration::from_millis(150));
        }
    };
    wait("Sign in");
    let _ = tmux(&["send-keys", "-t", "mem", "-l", "manager"]);
    keys(&["Tab"]);
    let _ = tmux(&["send-keys", "-t", "mem", "-l", PASSWORD]);
    keys(&["Enter"]);
    wait("Welcome");
    keys(&[
        "F3", "End", "PageUp", "PageUp", "Home", "PageDown", "PageDown", "/", "王", "Escape", "End",
    ]);
    std::thread::sleep(Duration::from_millis(500));
    let pid = tmux(&["list-panes", "-t", "mem", "-F", "#{pane_pid}"])
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_default()
    };
    println!(
        "memory of the running application (manager, whole list walked): peak RSS {}, now {}",
        field("VmHWM:"),
        field("VmRSS:")
    );
    let _ = tmux(&["kill-server"]);
}

/// Name prefixes, phone fragments and ID tails drawn from the clients themselves: read
/// straight from the file (the store would mask them), spread over the whole table.
fn queries(db: &Path, clients: usize, n: usize) -> Vec<(&'static str, Vec<String>)> {
    let conn = common::raw(db).expect("raw read");
    let [names, phones, tails] = common::search_texts(&conn, clients as i64, n);
    vec![
        ("by name prefix", names),
        ("by phone fragment (4 digits)", phones),
        ("by ID tail (last 4)", tails),
    ]
}

fn paging(store: &Store, who: &str, actor: &Actor) {
    let spec = ListSpec::default();
    let first = store
        .client_page(actor, &spec, &PageFrom::Start, 40)
        .expect("page");
    let mut key = first.keys.last().cloned().expect("rows");
    let times = sample(200, || {
        let page = store
            .client_page(actor, &spec, &PageFrom::After(key.clone()), 40)
            .expect("page");
        if let Some(k) = page.keys.last() {
            key = k.clone();
        }
    });
    report(&format!("next page of 40 rows, {who}"), &times);
    let times = sample(50, || {
        std::hint::black_box(
            store
                .client_page(actor, &spec, &PageFrom::End, 40)
                .expect("page"),
        );
    });
    report(&format!("jump to the end (last 40 rows), {who}"), &times);
    let times = sample(20, || {
        std::hint::black_box(store.client_count(actor, &spec).expect("count"));
    });
    report(&format!("count of the list, {who}"), &times);
}

/// The real binary: `rmdesk search TEXT --stats` reports the query's own time.
fn search_stats(db: &Path, data: &Path, queries: &[(&'static str, Vec<String>)]) {
    for (kind, list) in queries {
        let mut times = Vec::new();
        for q in list.iter().take(20) {
            let out = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
                .args([
                    "--db",
                    db.to_str().expect("utf-8"),
                    "--user",
                    "rm1",
                    "search",
                    q,
                    "--stats",
                ])
                .env("RMDESK_DATA_DIR", data)
                .env("RMDESK_PASSWORD", PASSWORD)
                .output()
                .expect("rmdesk search runs");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let ms = stdout
                .lines()
                .last()
                .and_then(|l| l.split(" in ").nth(1))
                .and_then(|t| t.trim_end_matches(" ms").parse::<f64>().ok());
            if let Some(ms) = ms {
                times.push(Duration::from_secs_f64(ms / 1e3));
            }
        }
        times.sort();
        report(&format!("`rmdesk search --stats` {kind}, RM"), &times);
    }
}

/// Generates a valid client file; then, `RMDESK_BENCH_RUNS` times (3 unless set), imports
/// it into a new demo database as the manager and writes the same as plain SQL into
/// another, back to back, so each pair of runs shares the machine's load of the moment;
/// prints each pair and the median ratio. Last, times sqlite3's `.import` of the same file
/// into a plain table.
fn import(data: &Path, rows: usize) {
    let csv = data.join(format!("import-{rows}.csv"));
    if !csv.exists() {
        let today = chrono::Local::now().date_naive();
        let mut rng = StdRng::seed_from_u64(99);
        let mut text = csv_header();
        for i in 0..rows as u64 {
            // Indexes far above the demo database's, so the numbers do not collide.
            let mut p: ClientInput =
                rmdesk::cli::demo_people::person(&mut rng, 500_000_000 + i, today);
            p.owner = ["rm1", "rm2", "rm3"][(i % 3) as usize].to_string();
            text.push_str(&csv_row(&p));
        }
        std::fs::write(&csv, text).expect("write csv");
    }
    let runs = common::env_usize("RMDESK_BENCH_RUNS", 3).max(1);
    let mut ratios = Vec::with_capacity(runs);
    for run in 1..=runs {
        let (secs, cpu) = import_once(data, &csv, rows);
        let target = data.join("import-target.db");
        let (anchor, anchor_cpu) = plain_writes(data, &target);
        same_writes(&target, &data.join("plain-target.db"));
        println!(
            "run {run}: import {rows} rows (read, parse, validate, check, write, index, audit) {secs:.2} s = {:.0} rows/s, CPU {cpu:.2} s; \
             the same rows, terms and indexes by plain SQL in one transaction {anchor:.2} s = {:.0} rows/s, CPU {anchor_cpu:.2} s; \
             import / plain: wall {:.2}, CPU {:.2}",
            rows as f64 / secs,
            rows as f64 / anchor,
            secs / anchor,
            cpu / anchor_cpu
        );
        ratios.push((secs / anchor, cpu / anchor_cpu));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "import / plain over {runs} runs: wall median {:.2} (best {:.2}), CPU median {:.2}",
        median(ratios.iter().map(|r| r.0).collect()),
        ratios.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
        median(ratios.iter().map(|r| r.1).collect())
    );

    let plain = data.join("sqlite3-import.db");
    let _ = std::fs::remove_file(&plain);
    let create = "CREATE TABLE t (client_no, kind, name, gender, birth_date, id_type, id_number, mobile, email, \
                  address, occupation, risk_level, risk_assessed_on, status, owner, notes)";
    let import = format!(".import --csv --skip 1 {} t", csv.display());
    let t = Instant::now();
    let out = Command::new("sqlite3")
        .arg(&plain)
        .arg(create)
        .arg(&import)
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let secs = t.elapsed().as_secs_f64();
            println!("sqlite3 .import of the same file (no checks, no indexes): {secs:.2} s = {:.0} rows/s", rows as f64 / secs);
        }
        Ok(o) => println!(
            "sqlite3 .import failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => println!("sqlite3 not installed: the comparison was not run"),
    }
}

/// Imports `csv` (`rows` valid rows) into a new demo database, `import-target.db`, as the
/// manager: from reading the file to the commit. Returns the seconds it took, wall and CPU.
fn import_once(data: &Path, csv: &Path, rows: usize) -> (f64, f64) {
    let target = data.join("import-target.db");
    for suffix in ["", "-wal", "-shm", ".keys", ".anchors"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    let mut store = Store::open(&target).expect("open");
    store.seed_demo().expect("demo users");
    let manager = store.login("manager", PASSWORD).expect("manager");
    let cpu0 = cpu_secs();
    let t = Instant::now();
    let bytes = std::fs::read(csv).expect("read csv");
    let file = parse_csv(&bytes).expect("parse");
    let report = store
        .import_clients(&manager, &file, false, &mut |_, _| {})
        .expect("import");
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    assert_eq!(report.imported, rows, "{:?}", report.rejected.first());
    (secs, cpu)
}

/// Writes what the import wrote into `imported` — its clients, their search terms and
/// phone digits, and its audit entries — into a new demo database as plain SQL in one
/// transaction, as the import's statements do: the list indexes left out and made again
/// at the end, then per batch of 1,000 clients the clients 50 rows to a statement, their
/// search and phone rows 500 to a statement, and the batch's audit entry; foreign keys
/// on, `synchronous=FULL`, the same triggers (the change log for head office captures
/// every client and audit row on both sides). Every value is worked out beforehand.
/// Returns the seconds the transaction took, wall and CPU.
fn plain_writes(data: &Path, imported: &Path) -> (f64, f64) {
    use rmdesk::domain::search_terms;
    use rusqlite::types::Value;
    let src = common::raw(imported).expect("imported file");
    let columns_of = |table: &str| -> Vec<String> {
        src.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .expect("sql")
            .query_map([], |r| r.get(0))
            .expect("columns")
            .collect::<rusqlite::Result<_>>()
            .expect("columns")
    };
    let columns = columns_of("clients");
    let at = |name: &str| columns.iter().position(|c| c == name).expect("column");
    let (name, no, id_number, mobile) =
        (at("name"), at("client_no"), at("id_number"), at("mobile"));
    // Per batch of the import: its clients' rows, search rows and phone rows.
    let mut batches: Vec<(Vec<Value>, Vec<Value>, Vec<Value>)> = Vec::new();
    {
        let mut stmt = src
            .prepare("SELECT * FROM clients ORDER BY id")
            .expect("sql");
        let mut rows = stmt.query([]).expect("rows");
        let mut n = 0usize;
        while let Some(r) = rows.next().expect("row") {
            if n % 1000 == 0 {
                batches.push(Default::default());
            }
            n += 1;
            let (clients, terms, phones) = batches.last_mut().expect("a batch");
            let row: Vec<Value> = (0..columns.len())
                .map(|i| r.get(i).expect("value"))
                .collect();
            let text = |i: usize| match &row[i] {
                Value::Text(t) => t.clone(),
                _ => String::new(),
            };
            let id = row[0].clone();
            terms.push(id.clone());
            terms.push(Value::Text(search_terms::terms(
                &text(name),
                &text(no),
                &text(id_number),
            )));
            let digits = search_terms::phone_digits(&text(mobile));
            if !digits.is_empty() {
                phones.push(id);
                phones.push(Value::Text(digits));
            }
            clients.extend(row);
        }
    }
    // The import's audit entries, one per batch (all columns but the id).
    let audit_columns: Vec<String> = columns_of("audit_log")
        .into_iter()
        .filter(|c| c != "id")
        .collect();
    let audits: Vec<Vec<Value>> = src
        .prepare(&format!(
            "SELECT {} FROM audit_log WHERE action = 'client.import' ORDER BY id",
            audit_columns.join(", ")
        ))
        .expect("sql")
        .query_map([], |r| {
            (0..audit_columns.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<Value>>>()
        })
        .expect("audit")
        .collect::<rusqlite::Result<_>>()
        .expect("audit");
    assert_eq!(audits.len(), batches.len(), "one audit entry per batch");
    drop(src);
    let target = data.join("plain-target.db");
    for suffix in ["", "-wal", "-shm", ".keys", ".anchors"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    let mut store = Store::open(&target).expect("open");
    store.seed_demo().expect("demo users");
    drop(store);
    let mut conn = common::raw(&target).expect("plain");
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;",
    )
    .expect("pragmas");
    let insert =
        |tx: &rusqlite::Connection, head: &str, width: usize, per: usize, values: &[Value]| {
            let row = format!("({})", vec!["?"; width].join(", "));
            for chunk in values.chunks(width * per) {
                let rows = vec![row.as_str(); chunk.len() / width].join(", ");
                tx.prepare_cached(&format!("{head} VALUES {rows}"))
                    .expect("sql")
                    .execute(rusqlite::params_from_iter(chunk))
                    .expect("insert");
            }
        };
    let clients_head = format!("INSERT INTO clients ({})", columns.join(", "));
    let audit_head = format!("INSERT INTO audit_log ({})", audit_columns.join(", "));
    let cpu0 = cpu_secs();
    let t = Instant::now();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("tx");
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'clients'
               AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        )
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("indexes")
        .collect::<rusqlite::Result<_>>()
        .expect("indexes");
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))
            .expect("drop");
    }
    for ((clients, terms, phones), audit) in batches.iter().zip(&audits) {
        insert(&tx, &clients_head, columns.len(), 50, clients);
        insert(
            &tx,
            "INSERT INTO client_search (rowid, terms)",
            2,
            500,
            terms,
        );
        insert(
            &tx,
            "INSERT INTO client_phone (rowid, digits)",
            2,
            500,
            phones,
        );
        insert(&tx, &audit_head, audit_columns.len(), 1, audit);
    }
    for (_, sql) in &indexes {
        tx.execute_batch(sql).expect("index");
    }
    tx.commit().expect("commit");
    (t.elapsed().as_secs_f64(), cpu_secs() - cpu0)
}

/// Checks that the plain-SQL side wrote what the import wrote: the same clients, search
/// and phone rows, import audit entries and change-log rows, and files of the same size
/// within a few pages.
fn same_writes(imported: &Path, plain: &Path) {
    let counts = |path: &Path| -> Vec<i64> {
        let conn = common::raw(path).expect("open");
        [
            "SELECT count(*) FROM clients",
            "SELECT count(*) FROM client_search",
            "SELECT count(*) FROM client_phone",
            "SELECT count(*) FROM audit_log WHERE action = 'client.import'",
            "SELECT count(*) FROM change_log WHERE tbl = 'clients'
               OR (tbl = 'audit_log' AND row LIKE '%client.import%')",
        ]
        .iter()
        .map(|sql| conn.query_row(sql, [], |r| r.get(0)).expect("count"))
        .collect()
    };
    let (a, b) = (counts(imported), counts(plain));
    assert_eq!(a, b, "clients, search, phone, audit and change-log rows");
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    println!(
        "same writes on both sides: {a:?} rows (clients, search, phone, audit, change log); files {} and {} bytes",
        size(imported),
        size(plain)
    );
}

/// CPU time (user + system) of this process so far, from /proc (0 where there is none).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5): 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}
