//! The demo: its users once, its visits, follow-ups and feedback from a seed, and its path.
use super::*;

#[test]
fn demo_creates_the_demo_users_once() {
    let dir = tempfile::tempdir().expect("dir");
    let o = rmdesk(dir.path(), &["demo"], "", &[]);
    assert!(o.status.success(), "{:?}", text(&o));
    let out = text(&o).0;
    assert!(
        out.contains("admin, manager, rm1, rm2, rm3") && out.contains("demo-password"),
        "{out}"
    );
    let db = dir.path().join("data").join("demo.db");
    assert!(db.exists());
    assert!(out.contains("open it with: rmdesk --demo\n"), "{out}");
    let again = rmdesk(dir.path(), &["demo"], "", &[]);
    assert!(text(&again).0.contains("already exists"));
    let mut store = rmdesk::store::Store::open(&db).expect("open");
    for user in ["admin", "manager", "rm1", "rm2", "rm3"] {
        let actor = store.login(user, "demo-password").expect(user);
        assert!(!actor.must_change_password);
    }
    let check = rmdesk(
        dir.path(),
        &["--db", db.to_str().expect("utf-8"), "check"],
        "",
        &[],
    );
    assert!(check.status.success());
}

#[test]
fn the_demo_has_visits_follow_ups_and_feedback_and_the_same_seed_gives_the_same_data() {
    let dir = tempfile::tempdir().expect("dir");
    let dump = |name: &str| {
        let db = dir.path().join(name);
        let o = rmdesk(
            dir.path(),
            &[
                "--db",
                db.to_str().expect("utf-8"),
                "demo",
                "--clients",
                "400",
                "--seed",
                "11",
            ],
            "",
            &[],
        );
        assert!(o.status.success(), "{:?}", text(&o));
        let conn = common::raw(&db).expect("raw");
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).expect("sql");
            let out = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .expect("query")
                .collect::<Result<Vec<_>, _>>()
                .expect("rows");
            out
        };
        let visits = rows("SELECT client_id || ' ' || channel || ' ' || purpose || ' ' || visited_at FROM visits ORDER BY id");
        let tasks = rows("SELECT due_date FROM tasks WHERE source = 'visit' ORDER BY id");
        let open_complaints = rows("SELECT deadline FROM feedback WHERE kind = 'complaint' AND status = 'open' ORDER BY id");
        let early = rows(
            "SELECT t.due_date FROM tasks t JOIN visits v ON v.id = t.visit_id
             WHERE t.due_date < substr(v.visited_at, 1, 10) AND t.due_date < date(v.visited_at, '+8 hours')",
        );
        assert!(
            early.is_empty(),
            "follow-ups due before their visit: {early:?}"
        );
        // The calendar (the binary runs on the fixed clock: 2026-11-23, UTC+8): each demo RM
        // has manual tasks around today, every recurrence,
        // overdue and done ones, and this month's plan and this week's goal.
        let calendar = rows(
            "SELECT u.username || ' ' || count(*) || ' ' || count(DISTINCT t.recurrence) || ' '
                    || sum(t.status = 'open' AND t.due_date < '2026-11-23') || ' '
                    || sum(t.status = 'done') || ' '
                    || (SELECT count(*) FROM plan_notes p WHERE p.owner_id = u.id)
             FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE t.source = 'manual'
               AND t.id NOT IN (SELECT task_id FROM campaign_targets WHERE task_id IS NOT NULL)
             GROUP BY u.id ORDER BY u.username",
        );
        assert_eq!(
            calendar,
            vec!["rm1 12 5 2 2 2", "rm2 12 5 2 2 2", "rm3 12 5 2 2 2"],
            "tasks, recurrences, overdue, done, plan notes"
        );
        // Marketing: about half consent; a running campaign whose targets all consent,
        // with outcomes recorded and every sale linked to an open holding of its product.
        let marketing = rows(
            "SELECT (SELECT 100 * sum(marketing_consent = 'yes') / count(*) FROM clients) || ' '
                    || (SELECT count(*) FROM campaigns WHERE status = 'running') || ' '
                    || (SELECT count(*) FROM campaign_targets t JOIN clients c ON c.id = t.client_id
                        WHERE c.marketing_consent <> 'yes') || ' '
                    || (SELECT count(*) > 0 FROM campaign_targets WHERE outcome = 'sold') || ' '
                    || (SELECT count(*) FROM campaign_targets t JOIN holdings h ON h.id = t.holding_id
                        JOIN campaigns k ON k.id = t.campaign_id
                        WHERE t.outcome = 'sold' AND (h.status <> 'open' OR h.product_id <> k.product_id))",
        );
        assert_eq!(
            marketing,
            vec!["50 1 0 1 0"],
            "consent %, running, non-consenting targets, sales, bad links"
        );
        let check = rmdesk(
            dir.path(),
            &["--db", db.to_str().expect("utf-8"), "check"],
            "",
            &[],
        );
        assert!(check.status.success(), "{:?}", text(&check));
        (visits, tasks, open_complaints)
    };
    let (visits, tasks, complaints) = dump("a.db");
    assert!(visits.len() > 100, "{}", visits.len());
    assert!(!tasks.is_empty() && !complaints.is_empty());
    let today = common::today().to_string();
    assert!(
        tasks.iter().any(|d| *d < today) && tasks.iter().any(|d| *d >= today),
        "some follow-ups overdue, some ahead"
    );
    assert_eq!(
        dump("b.db"),
        (visits, tasks, complaints),
        "the same seed gives the same activity"
    );
}

#[test]
fn demo_with_a_path_says_the_command_that_opens_that_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("my demo.db");
    let o = rmdesk(
        dir.path(),
        &[
            "--db",
            db.to_str().expect("utf-8"),
            "demo",
            "--clients",
            "20",
        ],
        "",
        &[],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out} {err}");
    let expected = format!("open it with: rmdesk --db '{}'\n", db.display());
    assert!(out.contains(&expected), "{out}");
    assert!(db.exists());
}
