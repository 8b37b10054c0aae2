//! Home work list and calendar month (docs/BENCHMARKS.md): an RM with 5,000 clients and
//! 20,000 tasks (two years around today: done, open, overdue, recurring), holdings
//! maturing, birthdays, risk assessments and last contacts spread over the clients,
//! complaints near their deadlines.
//!
//! `cargo bench --bench calendar` builds the data in a temporary folder (clients through
//! the store, the rest written straight into the tables: only reading is measured) and
//! times what the screens load: `Store::work_list` for home, and for the month view the
//! grid's six weeks of occurrences (`Store::tasks_between`) and the two plan notes.
use chrono::{Days, Local, Months};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::task::{month_start, week_start};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::plans::PlanPeriod;
use rmdesk::store::Store;

mod common;
use common::{report, sample};

const CLIENTS: u32 = 5_000;
const TASKS: i64 = 20_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("calendar.db");
    let mut store = Store::open(&path).expect("open");
    store.seed_demo().expect("demo users");
    let rm = store.login("rm1", "demo-password").expect("rm1");
    let started = std::time::Instant::now();
    let mut ids = Vec::new();
    for i in 0..CLIENTS {
        let c = ClientInput {
            kind: "individual".into(),
            name: format!("客户{i:04}"),
            id_type: "passport".into(),
            id_number: format!("E{i:08}"),
            status: "active".into(),
            ..ClientInput::default()
        };
        match store.create_client(&rm, &c, true).expect("client") {
            SaveOutcome::Saved(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    drop(store);
    let today = Local::now().date_naive();
    let day = |n: i64| {
        today
            .checked_add_signed(chrono::Duration::days(n))
            .unwrap_or(today)
            .to_string()
    };
    let mut rng = StdRng::seed_from_u64(7);
    let conn = common::raw(&path).expect("raw");
    conn.execute_batch("BEGIN").expect("begin");
    {
        let rm_id = rm.user_id;
        let mut client = conn
            .prepare(
                "UPDATE clients SET birth_date = ?1, risk_level = 'C3', risk_assessed_on = ?2,
                        last_contact_at = ?3 || 'T02:00:00Z', tier = ?4 WHERE id = ?5",
            )
            .expect("sql");
        for (n, id) in ids.iter().enumerate() {
            let birth = format!(
                "19{:02}-{:02}-{:02}",
                rng.gen_range(40..99),
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            );
            let tier = ["general", "key", "core"][n % 3];
            client
                .execute(rusqlite::params![
                    birth,
                    day(-rng.gen_range(0..700)),
                    day(-rng.gen_range(0..400)),
                    tier,
                    id
                ])
                .expect("client");
        }
        conn.execute(
            "INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
             VALUES ('TD3M', '三个月定期', 'deposit', 'R1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [],
        )
        .expect("product");
        let product = conn.last_insert_rowid();
        let mut holding = conn
            .prepare(
                "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date, status,
                                       created_by, created_at, updated_at)
                 VALUES (?1, ?2, '50000', 'CNY', ?3, ?4, 'open', ?5, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            )
            .expect("sql");
        for id in &ids {
            holding
                .execute(rusqlite::params![
                    id,
                    product,
                    day(-90),
                    day(rng.gen_range(-30..365)),
                    rm_id
                ])
                .expect("holding");
        }
        let mut feedback = conn
            .prepare(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, status, deadline,
                                       created_at, updated_at)
                 VALUES (?1, ?2, 'complaint', ?3, 'phone', '排队太久', ?4, ?5, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            )
            .expect("sql");
        for id in ids.iter().step_by(10) {
            let received = rng.gen_range(0..120);
            let status = if received > 20 { "closed" } else { "open" };
            feedback
                .execute(rusqlite::params![
                    id,
                    rm_id,
                    day(-received),
                    status,
                    day(15 - received)
                ])
                .expect("feedback");
        }
        let mut task = conn
            .prepare(
                "INSERT INTO tasks (owner_id, client_id, title, due_date, due_time, priority, status, recurrence,
                                    anchor_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            )
            .expect("sql");
        for i in 0..TASKS {
            let offset = rng.gen_range(-365..=365i64);
            // Past tasks are mostly done; one in fifty is still open (overdue).
            let status = if offset < 0 && rng.gen_range(0..50) > 0 {
                "done"
            } else {
                "open"
            };
            // One in a hundred open tasks is a series.
            let recurrence = if status == "open" && i % 100 == 0 {
                ["daily", "weekly", "monthly", "yearly"][(i / 100 % 4) as usize]
            } else {
                "none"
            };
            let anchor = (recurrence != "none").then(|| day(offset.min(0)));
            let due = if recurrence == "none" {
                day(offset)
            } else {
                day(offset.max(0))
            };
            let time = (i % 3 == 0).then(|| format!("{:02}:{:02}", 8 + i % 10, (i % 4) * 15));
            task.execute(rusqlite::params![
                rm_id,
                ids[(i as usize) % ids.len()],
                format!("跟进任务 {i}"),
                due,
                time,
                ["low", "normal", "high"][(i % 3) as usize],
                status,
                recurrence,
                anchor
            ])
            .expect("task");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    drop(conn);
    println!(
        "built {CLIENTS} clients and {TASKS} tasks in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut store = Store::open(&path).expect("open");
    let rm = store.login("rm1", "demo-password").expect("rm1");
    store
        .save_plan_note(&rm, PlanPeriod::Month(month_start(today)), "本月规划")
        .expect("note");
    let items = store.work_list(&rm).expect("work list").items;
    println!("home work list: {} lines", items.len());
    let times = sample(200, || {
        std::hint::black_box(store.work_list(&rm).expect("work list"));
    });
    report("home work list (5,000 clients, 20,000 tasks)", &times);

    let month_view = |store: &Store, anchor: chrono::NaiveDate| {
        let from = week_start(month_start(anchor));
        let to = from.checked_add_days(Days::new(41)).expect("date");
        let items = store
            .tasks_between(&rm, rm.user_id, from, to)
            .expect("month");
        let m = store
            .plan_note(&rm, rm.user_id, PlanPeriod::Month(month_start(anchor)))
            .expect("note");
        let w = store
            .plan_note(&rm, rm.user_id, PlanPeriod::Week(week_start(anchor)))
            .expect("note");
        (items, m, w)
    };
    println!(
        "month view: {} occurrences in six weeks",
        month_view(&store, today).0.len()
    );
    let times = sample(200, || {
        std::hint::black_box(month_view(&store, today));
    });
    report(
        "month view, this month (six weeks of occurrences + notes)",
        &times,
    );
    let mut k = 0u32;
    let times = sample(200, || {
        k = (k + 1) % 24;
        let anchor = today
            .checked_sub_months(Months::new(12))
            .and_then(|d| d.checked_add_months(Months::new(k)))
            .unwrap_or(today);
        std::hint::black_box(month_view(&store, anchor));
    });
    report(
        "month view, paging over two years (PageUp/PageDown)",
        &times,
    );
}
