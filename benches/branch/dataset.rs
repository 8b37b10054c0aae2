//! The benchmark's database: the demo people imported by the manager, then topped up
//! with visits, feedback and tasks.
use super::*;

/// The demo's users and catalogue and `clients` demo people, imported by the manager.
pub(super) fn build(db: &Path, clients: usize) {
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
pub(super) fn top_up(db: &Path) {
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
