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
mod common;

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

/// Runs `sql` with `args` on the plain connection and reads every column of every row.
fn run_plain(conn: &Connection, sql: &str, args: &[Value]) {
    let mut stmt = conn.prepare_cached(sql).expect("plain sql");
    let n = stmt.column_count();
    let mut rows = stmt.query(params_from_iter(args)).expect("query");
    while let Some(r) = rows.next().expect("row") {
        for i in 0..n {
            std::hint::black_box(r.get::<_, Value>(i).expect("value"));
        }
    }
}

fn plain_runs(conn: &Connection, queries: &[(String, Vec<Value>)]) -> Vec<Duration> {
    sample(RUNS, || {
        for (sql, args) in queries {
            run_plain(conn, sql, args);
        }
    })
}

fn screens(store: &mut Store, plain: &Connection, who: &str, actor: &Actor) {
    let today = store.today();
    let zone: Zone = store.zone();
    // F2 home: the work list's rules, the desk's kinds and the churn warnings, as the
    // screen loads them (`tui::screens::home::sections`).
    let home = sample(RUNS, || {
        std::hint::black_box(store.work_list(actor).expect("home"));
    });
    let manager = actor.role == rmdesk::store::Role::Manager;
    let desk = sample(RUNS, || {
        if manager {
            std::hint::black_box(store.requests(actor, true).expect("pending"));
            std::hint::black_box(store.home_overdue_by_rm(actor).expect("team"));
            std::hint::black_box(store.home_visits_to_check(actor, 5).expect("to check"));
        } else {
            std::hint::black_box(store.requests(actor, false).expect("requests"));
            std::hint::black_box(store.home_new_to_you(actor, 5).expect("new to you"));
        }
    });
    let churn = sample(RUNS, || {
        std::hint::black_box(store.churn_among_largest(actor, 1_000).expect("churn"));
    });
    let soon = today
        .checked_add_days(Days::new(2))
        .unwrap_or(today)
        .to_string();
    let (lines, counted) = complaints_sql(actor);
    let b = Value::Integer(actor.branch_id.unwrap_or(-1));
    let me = Value::Integer(actor.user_id);
    let mut home_sql = vec![
        (
            counted,
            vec![Value::Text(soon.clone()), b.clone(), me.clone()],
        ),
        (
            lines,
            vec![Value::Text(soon), b.clone(), me.clone(), Value::Integer(50)],
        ),
        (
            "SELECT t.id, t.title, t.due_date, t.due_time, t.priority, c.name
             FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date < ?2
             ORDER BY t.due_date, t.id LIMIT 50"
                .to_string(),
            vec![me.clone(), Value::Text(today.to_string())],
        ),
        (
            "SELECT count(*) FROM tasks t WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date < ?2"
                .to_string(),
            vec![me.clone(), Value::Text(today.to_string())],
        ),
    ];
    for (lines, count, args) in [
        birthday_sql(actor.user_id, today, 50),
        risk_sql(actor.user_id, today, 50),
    ] {
        home_sql.push((count, args[..args.len() - 1].to_vec()));
        home_sql.push((lines, args));
    }
    let (lines, count) = contact_sql();
    for tier in ["core", "key", "general"] {
        let args = vec![
            me.clone(),
            Value::Text(tier.into()),
            Value::Text(rmdesk::store::ts(
                zone.day_start(today.checked_sub_days(Days::new(90)).unwrap_or(today)),
            )),
            Value::Integer(50),
        ];
        home_sql.push((lines.to_string(), args.clone()));
        let mut capped = args;
        capped[3] = Value::Integer(10_000);
        home_sql.push((count.to_string(), capped));
    }
    row(
        "F2 home: work list (7 rules, counts per kind)",
        who,
        &home,
        Some(&plain_runs(plain, &home_sql)),
    );
    row("F2 home: desk kinds", who, &desk, None);
    row("F2 home: churn among the 1,000 largest", who, &churn, None);

    // F3 clients: the first page and the count of the title.
    let spec = ListSpec::default();
    let first = sample(RUNS, || {
        std::hint::black_box(
            store
                .client_page(actor, &spec, &PageFrom::Start, 50)
                .expect("page"),
        );
    });
    let page_sql = vec![client_page_sql(actor, &spec, &PageFrom::Start, 50)];
    row(
        "F3 clients, first page by name",
        who,
        &first,
        Some(&plain_runs(plain, &page_sql)),
    );
    let end = sample(RUNS, || {
        std::hint::black_box(
            store
                .client_page(actor, &spec, &PageFrom::End, 50)
                .expect("page"),
        );
    });
    let end_sql = vec![client_page_sql(actor, &spec, &PageFrom::End, 50)];
    row(
        "F3 clients, End (last page by name)",
        who,
        &end,
        Some(&plain_runs(plain, &end_sql)),
    );
    let counted = sample(RUNS, || {
        std::hint::black_box(store.client_count(actor, &spec).expect("count"));
    });
    let scope_arg = if who == "manager" {
        b.clone()
    } else {
        me.clone()
    };
    let count_sql = vec![rmdesk::store::clients::client_count_sql(actor, &spec)];
    row(
        "F3 clients, count (title)",
        who,
        &counted,
        Some(&plain_runs(plain, &count_sql)),
    );

    // F3 `/`: each keystroke of a name in pinyin, of a Chinese name, of digits.
    for typed in [
        "w", "wa", "wan", "wang", "wangw", "wang w", "王", "王伟", "1", "13", "138", "1380",
        "13800",
    ] {
        let t = sample(RUNS, || {
            std::hint::black_box(store.search_clients(actor, typed, SEARCH).expect("search"));
        });
        let anchor = search_anchor(typed, who, &scope_arg);
        row(
            &format!("F3 search, typed {typed:?}"),
            who,
            &t,
            anchor.as_ref().map(|q| plain_runs(plain, q)).as_deref(),
        );
    }

    // F4 visits: opening, each keystroke of `/`, Esc.
    let visits = |store: &Store, f: &VisitFilter| -> Vec<Duration> {
        sample(RUNS, || {
            std::hint::black_box(store.visit_list(actor, f, LIST).expect("visits"));
        })
    };
    let all = VisitFilter::default();
    let open = visits(store, &all);
    let open_sql = vec![visit_list_sql(actor, &all, zone, LIST)];
    row(
        "F4 visits, opening (newest 500)",
        who,
        &open,
        Some(&plain_runs(plain, &open_sql)),
    );
    let year = VisitFilter {
        from: today.checked_sub_days(Days::new(365)),
        to: Some(today),
        ..VisitFilter::default()
    };
    let t = visits(store, &year);
    row(
        "F4 visits, last 12 months",
        who,
        &t,
        Some(&plain_runs(
            plain,
            &[visit_list_sql(actor, &year, zone, LIST)],
        )),
    );
    let unchecked = VisitFilter {
        unchecked_only: true,
        channel: Some("video".into()),
        ..VisitFilter::default()
    };
    let t = visits(store, &unchecked);
    row(
        "F4 visits, video and not yet checked",
        who,
        &t,
        Some(&plain_runs(
            plain,
            &[visit_list_sql(actor, &unchecked, zone, LIST)],
        )),
    );
    for typed in [
        "理",
        "理财",
        "理财产",
        "理财产品",
        "m",
        "ma",
        "mat",
        "matu",
        "大额存单",
        "定投 基金",
        "无此词语",
        "zzzz",
    ] {
        let f = VisitFilter {
            text: typed.into(),
            ..VisitFilter::default()
        };
        let t = visits(store, &f);
        row(
            &format!("F4 `/` typed {typed:?}"),
            who,
            &t,
            Some(&plain_runs(plain, &[visit_list_sql(actor, &f, zone, LIST)])),
        );
    }
    let f = VisitFilter {
        text: "理财".into(),
        ..year.clone()
    };
    let t = visits(store, &f);
    row(
        "F4 `/` \"理财\" within 12 months",
        who,
        &t,
        Some(&plain_runs(plain, &[visit_list_sql(actor, &f, zone, LIST)])),
    );

    // F4 feedback tab: pending by deadline, then the rest.
    let ff = FeedbackFilter::default();
    let t = sample(RUNS, || {
        std::hint::black_box(store.feedback_list(actor, &ff, LIST).expect("feedback"));
    });
    let fsql = vec![
        feedback_list_sql(actor, &ff, true, LIST),
        feedback_list_sql(actor, &ff, false, LIST),
    ];
    row(
        "F4 feedback tab (500)",
        who,
        &t,
        Some(&plain_runs(plain, &fsql)),
    );

    // F6 calendar: the month grid of rm1's calendar (the manager reads it).
    let owners = store.calendar_owners(actor).expect("owners");
    let rm1 = owners
        .iter()
        .find(|o| o.username == "rm1")
        .map_or(actor.user_id, |o| o.id);
    let from = today.checked_sub_days(Days::new(14)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(28)).unwrap_or(today);
    let t = sample(RUNS, || {
        std::hint::black_box(store.tasks_between(actor, rm1, from, to).expect("month"));
    });
    row("F6 calendar, six weeks of rm1", who, &t, None);

    // The 360 view of a client of rm1.
    let client: i64 = plain
        .query_row(
            "SELECT c.id FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE u.username = 'rm1' ORDER BY c.id LIMIT 1 OFFSET 777",
            [],
            |r| r.get(0),
        )
        .expect("a client");
    let t = sample(RUNS, || {
        std::hint::black_box(store.client(actor, client).expect("client"));
        std::hint::black_box(store.client_holdings(actor, client).expect("holdings"));
        std::hint::black_box(store.client_visits(actor, client, 20).expect("visits"));
        std::hint::black_box(store.client_feedback(actor, client, 20).expect("feedback"));
        std::hint::black_box(store.client_open_tasks(actor, client, 20).expect("tasks"));
    });
    row("360 view of a client", who, &t, None);
}

/// The plain SQL of the search's first run for `typed` (the full-text or the phone index,
/// scoped), or none when the search does several runs that plain SQL would not merge.
fn search_anchor(typed: &str, who: &str, scope_arg: &Value) -> Option<Vec<(String, Vec<Value>)>> {
    let q = search_terms::query(typed)?;
    let scope = if who == "manager" {
        "c.branch_id = ?"
    } else {
        "c.owner_id = ?"
    };
    let limit = Value::Integer(SEARCH as i64);
    if let Some(d) = q.digits.first() {
        return Some(vec![(
            format!(
                "SELECT c.id, c.client_no, c.name FROM client_phone p CROSS JOIN clients c ON c.id = p.rowid
                 WHERE client_phone MATCH ? AND {scope} LIMIT ?"
            ),
            vec![
                Value::Text(search_terms::phone_match(&d.digits)),
                scope_arg.clone(),
                limit,
            ],
        )]);
    }
    let text = q.text?;
    Some(vec![(
        format!(
            "SELECT c.id, c.client_no, c.name FROM client_search s CROSS JOIN clients c ON c.id = s.rowid
             WHERE client_search MATCH ? AND {scope} LIMIT ?"
        ),
        vec![Value::Text(text), scope_arg.clone(), limit],
    )])
}

/// The last 4 characters of 200 random clients' ID numbers: each must find its client
/// within the search's 200 rows, first among those with that tail.
fn id_tails(store: &Store, plain: &Connection, manager: &Actor, rm: &Actor) {
    let mut stmt = plain
        .prepare(
            "SELECT c.id, c.id_number, u.username FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE c.id IN (SELECT abs(random()) % (SELECT max(id) FROM clients) + 1 FROM generate_series(1, 400))",
        )
        .or_else(|_| {
            plain.prepare(
                "SELECT c.id, c.id_number, u.username FROM clients c JOIN users u ON u.id = c.owner_id
                 ORDER BY random() LIMIT 400",
            )
        })
        .expect("sample");
    let picks: Vec<(i64, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .expect("rows")
        .filter_map(Result::ok)
        .filter(|(_, id, _)| id.len() == 18 && !id.ends_with('X'))
        .take(200)
        .collect();
    for (who, actor) in [("manager", manager), ("RM", rm)] {
        let mut found = 0;
        let mut asked = 0;
        let mut times = Vec::new();
        for (id, number, owner) in &picks {
            if who == "RM" && owner != &rm.username {
                continue;
            }
            asked += 1;
            let tail = &number[14..];
            let t = Instant::now();
            let rows = store.search_clients(actor, tail, SEARCH).expect("search");
            times.push(t.elapsed());
            if rows.iter().any(|c| c.id == *id) {
                found += 1;
            }
        }
        times.sort();
        row(
            &format!("F3 search by ID tail: {found} of {asked} found"),
            who,
            &times,
            None,
        );
    }
}

/// The demo's users and catalogue and `clients` demo people, imported by the manager.
fn build(db: &Path, clients: usize) {
    use rmdesk::domain::csv_import::{csv_header, csv_row, parse_csv};
    let t = Instant::now();
    let mut store = Store::open(db).expect("open");
    store.seed_demo().expect("demo users");
    let manager = store.login("manager", PASSWORD).expect("manager");
    let today = store.today();
    let mut rng = StdRng::seed_from_u64(7);
    let mut done = 0usize;
    // One import: the list indexes are then built once, at the end (a second import into
    // the table this size keeps them and inserts into each at random).
    while done < clients {
        let n = clients - done;
        let mut text = csv_header();
        for i in done..done + n {
            let mut p = rmdesk::cli::demo_people::person(&mut rng, i as u64, today);
            p.owner = ["rm1", "rm2", "rm3"][i % 3].to_string();
            text.push_str(&csv_row(&p));
        }
        let file = parse_csv(text.as_bytes()).expect("parse");
        let report = store
            .import_clients(&manager, &file, true, &mut |_, _| {})
            .expect("import");
        done += n;
        println!(
            "built: {done} rows ({} imported, {} refused), {:.1} s",
            report.imported,
            report.rejected.len(),
            t.elapsed().as_secs_f64()
        );
    }
}

/// Visits, feedback and tasks up to 2, 0.1 and 0.2 per client, once (a setting marks a
/// topped-up file).
fn top_up(db: &Path) {
    let mut conn = common::raw(db).expect("open");
    let done: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'bench.topped_up')",
            [],
            |r| r.get(0),
        )
        .expect("setting");
    if done {
        return;
    }
    let t = Instant::now();
    let owners: Vec<(i64, i64, i64)> = conn
        .prepare("SELECT id, owner_id, branch_id FROM clients ORDER BY id")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("clients");
    let n = owners.len();
    let count = |c: &Connection, t: &str| -> usize {
        c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .map_or(0, |v| usize::try_from(v).unwrap_or(0))
    };
    let (visits, feedback, tasks) = (
        count(&conn, "visits"),
        count(&conn, "feedback"),
        count(&conn, "tasks"),
    );
    let mut rng = StdRng::seed_from_u64(7);
    let today = Local::now().date_naive();
    let now = Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let tx = conn.transaction().expect("tx");
    {
        let mut visit = tx
            .prepare(
                "INSERT INTO visits (client_id, rm_id, branch_id, visited_at, channel, purpose, summary, outcome,
                                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )
            .expect("sql");
        let mut words = tx
            .prepare("INSERT INTO visit_text (rowid, words) VALUES (?1, ?2)")
            .expect("sql");
        for _ in visits..2 * n {
            let (client, owner, branch) = owners[rng.gen_range(0..n)];
            let days = rng.gen_range(1..=730u64);
            let at = format!(
                "{}T{:02}:{:02}:00Z",
                today.checked_sub_days(Days::new(days)).unwrap_or(today),
                rng.gen_range(1..=10),
                rng.gen_range(0..60)
            );
            let purpose = PURPOSES[rng.gen_range(0..PURPOSES.len())];
            let summary = format!(
                "{} {}",
                SUMMARIES[rng.gen_range(0..SUMMARIES.len())],
                TOPICS[rng.gen_range(0..TOPICS.len())]
            );
            let outcome = OUTCOMES[rng.gen_range(0..OUTCOMES.len())];
            let channel =
                ["branch", "client_site", "phone", "video", "message"][rng.gen_range(0..5)];
            visit
                .execute(params![
                    client, owner, branch, at, channel, purpose, summary, outcome, now
                ])
                .expect("visit");
            let id = tx.last_insert_rowid();
            words
                .execute(params![
                    visit_key(&at, id),
                    search_terms::visit_terms(&[purpose, &summary, outcome])
                ])
                .expect("words");
        }
        let mut fb = tx
            .prepare(
                "INSERT INTO feedback (client_id, rm_id, branch_id, kind, received_on, channel, description, status,
                                       deadline, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'phone', ?6, ?7, ?8, ?9, ?9)",
            )
            .expect("sql");
        for _ in feedback..n / 10 {
            let (client, owner, branch) = owners[rng.gen_range(0..n)];
            let received = today
                .checked_sub_days(Days::new(rng.gen_range(0..=365)))
                .unwrap_or(today);
            let deadline = received.checked_add_days(Days::new(15)).unwrap_or(received);
            let kind = ["complaint", "complaint", "suggestion", "praise"][rng.gen_range(0..4)];
            // Older items mostly handled; a tenth of the year's still open.
            let status = if (today - received).num_days() > 30 && rng.gen_bool(0.9) {
                "closed"
            } else {
                ["open", "in_progress", "resolved"][rng.gen_range(0..3)]
            };
            fb.execute(params![
                client,
                owner,
                branch,
                kind,
                received.to_string(),
                "理财到期未收到提醒。No reminder before maturity.",
                status,
                deadline.to_string(),
                now
            ])
            .expect("feedback");
        }
        let mut task = tx
            .prepare(
                "INSERT INTO tasks (owner_id, client_id, title, due_date, priority, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )
            .expect("sql");
        for _ in tasks..n / 5 {
            let (client, owner, _) = owners[rng.gen_range(0..n)];
            let offset = rng.gen_range(-365i64..=365);
            let due = today
                .checked_add_signed(chrono::Duration::days(offset))
                .unwrap_or(today);
            let status = if offset < 0 && !rng.gen_ratio(1, 50) {
                "done"
            } else {
                "open"
            };
            let priority = ["low", "normal", "high"][rng.gen_range(0..3)];
            task.execute(params![
                owner,
                client,
                "电话回访 Call back",
                due.to_string(),
                priority,
                status,
                now
            ])
            .expect("task");
        }
    }
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ('bench.topped_up', '1')",
        [],
    )
    .expect("mark");
    tx.commit().expect("commit");
    println!(
        "topped up to {} visits, {} feedback, {} tasks: {:.1} s",
        2 * n,
        n / 10,
        n / 5,
        t.elapsed().as_secs_f64()
    );
}

const PURPOSES: [&str; 8] = [
    "年度资产检视 Annual review",
    "理财产品到期沟通 Maturity follow-up",
    "风险测评更新 Risk assessment",
    "新产品推荐 New product",
    "生日问候 Birthday call",
    "贷款需求了解 Loan enquiry",
    "投诉回访 Complaint follow-up",
    "开户资料补充 Account documents",
];

const SUMMARIES: [&str; 6] = [
    "客户关注稳健型理财，希望收益高于定期存款。Prefers low-risk products above deposit rates.",
    "客户近期有购房计划，资金需保持流动性。Buying a flat soon; keeps funds liquid.",
    "讨论了基金定投，客户需要时间考虑。Discussed a monthly fund plan; client will think it over.",
    "客户对上月服务表示满意。Satisfied with last month's service.",
    "更新了联系方式与风险测评。Updated contact details and the risk assessment.",
    "客户询问大额存单利率。Asked about large-denomination CD rates.",
];

/// Topics that make the words of visits differ from one another, some rare.
const TOPICS: [&str; 24] = [
    "子女教育金",
    "养老规划",
    "外汇汇率",
    "黄金积存",
    "保险保障",
    "信用卡额度",
    "房贷提前还款",
    "跨境汇款",
    "企业结算",
    "代发工资",
    "私人银行",
    "家族信托",
    "债券基金",
    "货币基金",
    "指数基金",
    "个人养老金",
    "社保卡",
    "手机银行",
    "网点预约",
    "理财经理变更",
    "税务咨询",
    "留学贷款",
    "车贷",
    "消费贷",
];

const OUTCOMES: [&str; 5] = [
    "已预约下次面谈。Next meeting booked.",
    "客户暂不考虑。Not now.",
    "已购买产品。Bought.",
    "需要准备方案。Proposal to prepare.",
    "",
];
