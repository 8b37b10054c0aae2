//! Reports in the store on a hand-made branch where every figure is known in advance:
//! performance at the period's boundaries (first and last instant, a visit at 23:59
//! local time, a task done on its due date), AUM and tier at past dates after several
//! holding changes, contribution to the cent, the 80/20 share, each churn reason, and
//! who sees what.
mod common;

use std::str::FromStr;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::{ClientInput, Tier};
use rmdesk::domain::task::TaskInput;
use rmdesk::domain::visit::{FeedbackInput, FeedbackUpdate, VisitInput};
use rmdesk::store::reports::{cents, ChurnReason, Period, ValueBy};
use rmdesk::store::{Actor, Role, Store, StoreError};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn client(store: &mut Store, rm: &Actor, name: &str, n: u32, status: &str) -> i64 {
    let input = ClientInput {
        risk_level: "C5".into(),
        risk_assessed_on: "2026-08-01".into(),
        ..passport_input(name, n, status)
    };
    create_confirmed(store, rm, &input)
}

fn visit(store: &mut Store, rm: &Actor, client: i64, when: &str) -> i64 {
    let v = VisitInput {
        visited_at: when.into(),
        channel: "branch".into(),
        purpose: "review".into(),
        summary: "reviewed the portfolio".into(),
        ..VisitInput::default()
    };
    store.record_visit(rm, client, &v).expect("visit").visit_id
}

fn task(store: &mut Store, rm: &Actor, due: &str) -> i64 {
    let t = TaskInput {
        title: format!("call back {due}"),
        due_date: due.into(),
        ..TaskInput::default()
    };
    store.create_task(rm, &t).expect("task")
}

fn complaint(store: &mut Store, rm: &Actor, client: i64, received: &str) -> i64 {
    let f = FeedbackInput {
        kind: "complaint".into(),
        received_on: received.into(),
        channel: "phone".into(),
        description: "slow service".into(),
        severity: "normal".into(),
    };
    store.file_feedback(rm, client, &f).expect("feedback")
}

fn resolve(store: &mut Store, rm: &Actor, id: i64, satisfaction: &str) {
    let u = FeedbackUpdate {
        status: "resolved".into(),
        handler_id: None,
        resolution: "apologised and fixed".into(),
        satisfaction: satisfaction.into(),
    };
    store.update_feedback(rm, id, &u).expect("resolve");
}

struct Branch {
    _dir: tempfile::TempDir,
    store: Store,
    admin: Actor,
    rm1: Actor,
    rm3: Actor,
    mgr1: Actor,
    rm2: Actor,
    c: Clients,
}

#[derive(Default)]
struct Clients {
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    g: i64,
    h: i64,
    i: i64,
    k: i64,
    e: i64,
}

/// The hand-made branch 0101: rm1 and rm3 under mgr1 (rm2 is in branch 0202).
///
/// Products: DEP (deposit, margin 1.5%) and FND (fund, margin 1.25%).
/// rm1's clients, with every holding change (local dates, China Standard Time):
/// - G 09-01 DEP 200,000 (key); 11-20 changed to 100,000 (key): down 50%.
/// - H 09-01 DEP 20,000 maturing 11-15, nothing new after: maturity lapsed.
/// - I 09-01 DEP 20,000 maturing 11-15; 11-20 DEP 20,000 more: renewed in time.
/// - K 09-01 DEP 1,000,000 (core), never contacted: no contact for 2 × 30 days.
/// - A 10-15 DEP 100,000 (key); 11-10 changed to 1,200,000 (core); 11-20 FND 300,000;
///   12-02 DEP 10,000.
/// - B 10-15 FND 150,000 (key); 11-10 closed (general). Complaint received 11-10 left
///   open: past its deadline (11-25).
/// - C created at 11-01 00:00 (new in November); 12-03 FND 333.33.
/// - D created 12-01 00:00, dormant.
///
/// rm3's client E: 10-15 DEP 50,000, visited 11-11.
fn branch() -> Branch {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let (_, rm3) = add_user(&mut store, &admin, "rm3", "RM3", Role::Rm, mgr1.branch_id);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    clock_at(&mut store, "2026-08-15 09:00");
    let (dep, fnd) = dep_and_fnd(&mut store, &admin, "1.5", "1.25");
    let mut c = Clients::default();

    clock_at(&mut store, "2026-09-01 10:00");
    c.g = client(&mut store, &rm1, "G", 7, "active");
    let g1 = holding(&mut store, &rm1, c.g, dep, "200000", "");
    c.h = client(&mut store, &rm1, "H", 8, "active");
    holding(&mut store, &rm1, c.h, dep, "20000", "2026-11-15");
    c.i = client(&mut store, &rm1, "I", 9, "active");
    holding(&mut store, &rm1, c.i, dep, "20000", "2026-11-15");
    c.k = client(&mut store, &rm1, "K", 11, "active");
    holding(&mut store, &rm1, c.k, dep, "1000000", "");

    clock_at(&mut store, "2026-10-15 10:00");
    c.a = client(&mut store, &rm1, "A", 1, "active");
    let a1 = holding(&mut store, &rm1, c.a, dep, "100000", "");
    c.b = client(&mut store, &rm1, "B", 2, "active");
    let b1 = holding(&mut store, &rm1, c.b, fnd, "150000", "");
    c.e = client(&mut store, &rm3, "E", 5, "active");
    holding(&mut store, &rm3, c.e, dep, "50000", "");

    // Task 1 due on the period's first day, done at 23:59 that day: on time.
    let t1 = task(&mut store, &rm1, "2026-11-01");
    // Task 2 due on its last day, done a minute after it ends: late.
    let t2 = task(&mut store, &rm1, "2026-11-30");
    // Task 3 due mid-period, never done; task 4 due the day before the period.
    task(&mut store, &rm1, "2026-11-15");
    task(&mut store, &rm1, "2026-10-31");

    clock_at(&mut store, "2026-10-31 12:00");
    let f3 = complaint(&mut store, &rm1, c.a, "2026-10-31");

    clock_at(&mut store, "2026-11-01 00:00");
    c.c = client(&mut store, &rm1, "C", 3, "active");
    let f1 = complaint(&mut store, &rm1, c.a, "2026-11-01");

    clock_at(&mut store, "2026-11-01 23:59");
    store.complete_task(&rm1, t1).expect("done");

    clock_at(&mut store, "2026-11-05 10:00");
    resolve(&mut store, &rm1, f3, "2");

    clock_at(&mut store, "2026-11-10 10:00");
    store
        .change_holding(&rm1, a1, "1200000", "")
        .expect("change");
    store.close_holding(&rm1, b1).expect("close");
    complaint(&mut store, &rm1, c.b, "2026-11-10");

    clock_at(&mut store, "2026-11-16 23:00");
    resolve(&mut store, &rm1, f1, "4");

    clock_at(&mut store, "2026-11-20 10:00");
    holding(&mut store, &rm1, c.a, fnd, "300000", "");
    holding(&mut store, &rm1, c.i, dep, "20000", "");
    store
        .change_holding(&rm1, g1, "100000", "")
        .expect("change");

    clock_at(&mut store, "2026-11-30 12:00");
    complaint(&mut store, &rm1, c.b, "2026-11-30");

    clock_at(&mut store, "2026-12-01 00:00");
    store.complete_task(&rm1, t2).expect("done");
    c.d = client(&mut store, &rm1, "D", 4, "dormant");

    clock_at(&mut store, "2026-12-02 10:00");
    holding(&mut store, &rm1, c.a, dep, "10000", "");
    clock_at(&mut store, "2026-12-03 10:00");
    holding(&mut store, &rm1, c.c, fnd, "333.33", "");

    clock_at(&mut store, "2026-12-05 12:00");
    visit(&mut store, &rm1, c.a, "2026-10-31 23:59"); // before the period
    visit(&mut store, &rm1, c.a, "2026-11-01 00:00"); // its first instant
    visit(&mut store, &rm1, c.a, "2026-11-15 10:00");
    let last = visit(&mut store, &rm1, c.b, "2026-11-30 23:59"); // its last minute
    visit(&mut store, &rm1, c.a, "2026-12-01 00:00"); // after it
    visit(&mut store, &rm3, c.e, "2026-11-11 09:00");
    store
        .record_return_call(&mgr1, last, "confirmed", "")
        .expect("return call");
    Branch {
        _dir: dir,
        store,
        admin,
        rm1,
        rm3,
        mgr1,
        rm2,
        c,
    }
}

fn november() -> Period {
    Period {
        from: date("2026-11-01"),
        to: date("2026-11-30"),
    }
}

/// Yuan to fen.
fn fen(yuan: i64) -> i64 {
    yuan * 100
}

#[test]
fn an_rm_s_month_counts_every_measure_at_the_period_s_boundaries() {
    let b = branch();
    let r = b
        .store
        .performance_report(&b.rm1, november(), None)
        .expect("report");
    assert!(r.total.is_none(), "an RM gets no branch total");
    assert_eq!(r.rows.len(), 1, "an RM sees themselves only");
    let p = &r.rows[0];
    assert_eq!(p.rm, "rm1");
    assert_eq!(
        p.visits, 3,
        "00:00 on the first day and 23:59 on the last are in"
    );
    assert_eq!(p.clients_visited, 2, "A and B");
    assert_eq!(p.visits_checked, 1);
    assert_eq!(p.visits_checked_pct(), Some(dec("33.3")));
    assert_eq!(
        p.new_clients, 1,
        "C, created at the first instant; D the day after"
    );
    assert_eq!(p.tasks_due, 3);
    assert_eq!(
        p.tasks_on_time, 1,
        "done at 23:59 on its due date is on time"
    );
    assert_eq!(p.tasks_on_time_pct(), Some(dec("33.3")));
    assert_eq!(p.complaints, 3, "received 11-01, 11-10 and 11-30");
    assert_eq!(p.complaints_on_time, 1);
    assert_eq!(p.satisfaction, (6, 2), "resolved 11-05 (2) and 11-16 (4)");
    assert_eq!(p.satisfaction_avg(), Some(dec("3")));
    // Before 11-01: A 100,000, B 150,000, G 200,000, H 20,000, I 20,000, K 1,000,000.
    assert_eq!(p.aum_start, fen(1_490_000));
    // End of 11-30: general H 20,000 + I 40,000 + B 0; key G 100,000; core A
    // 1,500,000 + K 1,000,000 (A's 12-02 holding is after the period).
    assert_eq!(p.aum_end, [fen(60_000), fen(100_000), fen(2_500_000)]);
    assert_eq!(
        (p.tier_up, p.tier_down),
        (1, 1),
        "A key→core, B key→general"
    );
    // Week ends (Sunday 11-01 first): A and B change on 11-10, A and G on 11-20.
    let weeks = [1, 8, 15, 22, 29, 30].map(|d| date(&format!("2026-11-{d:02}")));
    let aum = [1_490, 1_490, 2_440, 2_660, 2_660, 2_660].map(|k| fen(k * 1000));
    assert_eq!(r.weekly_aum, weeks.into_iter().zip(aum).collect::<Vec<_>>());
}

#[test]
fn aum_and_tier_at_a_past_date_follow_every_holding_change() {
    let b = branch();
    let day = |d: &str| Period {
        from: date(d),
        to: date(d),
    };
    let at_end = |d: &str| {
        let r = b
            .store
            .performance_report(&b.rm1, day(d), None)
            .expect("report");
        r.rows[0].aum_end
    };
    // A: 100,000 key from 10-15; 1,200,000 core on 11-10; +300,000 on 11-20; +10,000 12-02.
    // B: 150,000 key from 10-15, 0 on 11-10. G 200,000 → 100,000 on 11-20.
    let others = [fen(40_000), fen(200_000), fen(1_000_000)]; // H + I, G, K before 11-20
    assert_eq!(
        at_end("2026-11-09"),
        [others[0], fen(250_000) + others[1], others[2]]
    );
    assert_eq!(
        at_end("2026-11-10"),
        [others[0], others[1], fen(1_200_000) + others[2]]
    );
    assert_eq!(
        at_end("2026-12-05"),
        [
            fen(60_000) + 33_333, // H 20,000, I 40,000, C 333.33
            fen(100_000),
            fen(1_510_000) + fen(1_000_000)
        ]
    );
    let r = b
        .store
        .performance_report(&b.rm1, day("2026-11-10"), None)
        .expect("report");
    assert_eq!(r.rows[0].aum_start, fen(250_000) + fen(1_240_000));
    assert_eq!((r.rows[0].tier_up, r.rows[0].tier_down), (1, 1));
}

#[test]
fn a_manager_sees_every_rm_of_the_branch_and_a_total_others_see_nothing_more() {
    let b = branch();
    let r = b
        .store
        .performance_report(&b.mgr1, november(), None)
        .expect("report");
    let names: Vec<&str> = r.rows.iter().map(|p| p.rm.as_str()).collect();
    assert_eq!(names, ["rm1", "rm3"], "not rm2 of the other branch");
    let total = r.total.expect("a branch total");
    assert_eq!(total.visits, 4);
    assert_eq!(total.aum_start, fen(1_490_000) + fen(50_000));
    let one = b
        .store
        .performance_report(&b.mgr1, november(), Some("rm3"))
        .expect("report");
    assert_eq!(one.rows.len(), 1);
    assert_eq!(one.rows[0].visits, 1);
    // An RM naming another RM gets nothing; an administrator is refused.
    let other = b
        .store
        .performance_report(&b.rm1, november(), Some("rm3"))
        .expect("report");
    assert!(other.rows.is_empty() && other.total.is_none());
    let rm2 = b
        .store
        .performance_report(&b.rm2, november(), None)
        .expect("report");
    assert_eq!(rm2.rows[0].visits, 0);
    assert!(matches!(
        b.store.performance_report(&b.admin, november(), None),
        Err(StoreError::Forbidden)
    ));
    assert!(b
        .store
        .value_report(&b.rm1, Some("rm3"), ValueBy::Aum)
        .expect("value")
        .rows
        .is_empty());
    assert!(b
        .store
        .churn_report(&b.rm1, Some("rm3"))
        .expect("churn")
        .is_empty());
    let bad = Period {
        from: date("2026-11-30"),
        to: date("2026-11-01"),
    };
    assert!(b.store.performance_report(&b.rm1, bad, None).is_err());
}

#[test]
fn contribution_is_exact_and_the_top_fifth_s_share_is_known() {
    let b = branch();
    let v = b
        .store
        .value_report(&b.rm1, None, ValueBy::Contribution)
        .expect("value");
    // Contribution = Σ open holdings amount × margin / 100.
    let expect = [
        (b.c.a, dec("18000") + dec("3750") + dec("150")), // DEP 1.2m, FND 300k, DEP 10k
        (b.c.k, dec("15000")),
        (b.c.g, dec("1500")),
        (b.c.i, dec("600")),
        (b.c.h, dec("300")),
        (b.c.c, dec("4.166625")), // 333.33 × 1.25%
        (b.c.b, Decimal::ZERO),
        (b.c.d, Decimal::ZERO),
    ];
    let got: Vec<(i64, Decimal)> = v
        .rows
        .iter()
        .map(|r| (r.client_id, r.contribution))
        .collect();
    assert_eq!(got, expect);
    assert_eq!(cents(v.rows[5].contribution), dec("4.17"));
    assert_eq!(
        v.rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    let total: Decimal = expect.iter().map(|e| e.1).sum();
    assert_eq!(v.total_contribution, total);
    assert_eq!(v.top_count, 2, "20% of 8 clients, rounded up");
    let top = (dec("36900") * dec("100") / total).round_dp(1);
    assert_eq!(v.top_share, Some(top));
    assert_eq!(top, dec("93.9"));
    assert_eq!(v.deciles[1], top, "the second decile is the top 2");
    assert_eq!(v.deciles[9], dec("100.0"));
    assert_eq!(v.tiers[2].tier, Tier::Core);
    assert_eq!(v.tiers[2].clients, 2);
    assert_eq!(v.tiers[2].contribution, dec("36900"));
    assert_eq!(v.tiers[0].clients, 5, "H, I, B, C, D");
    assert_eq!(v.tiers[1].clients, 1, "G");

    let by_aum = b
        .store
        .value_report(&b.rm1, None, ValueBy::Aum)
        .expect("value");
    let order: Vec<i64> = by_aum.rows.iter().map(|r| r.client_id).collect();
    assert_eq!(order[..6], [b.c.a, b.c.k, b.c.g, b.c.i, b.c.h, b.c.c]);
    assert_eq!(by_aum.total_aum, dec("2670333.33"));
    let share = (dec("2510000") * dec("100") / dec("2670333.33")).round_dp(1);
    assert_eq!(by_aum.top_share, Some(share));
    assert_eq!(share, dec("94.0"));

    // The manager's branch adds rm3's E: 50,000 × 1.5% = 750.
    let branch = b
        .store
        .value_report(&b.mgr1, None, ValueBy::Contribution)
        .expect("value");
    assert_eq!(branch.rows.len(), 9);
    assert_eq!(branch.total_contribution, total + dec("750"));
    assert!(matches!(
        b.store.value_report(&b.admin, None, ValueBy::Aum),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn each_churn_reason_is_found_and_the_list_is_sorted_by_aum_at_risk() {
    let b = branch();
    let list = b.store.churn_report(&b.rm1, None).expect("churn");
    let got: Vec<(i64, Vec<ChurnReason>)> = list
        .iter()
        .map(|r| (r.client_id, r.reasons.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (b.c.k, vec![ChurnReason::NoContact(None)]),
            (b.c.g, vec![ChurnReason::AumDrop(50)]),
            (b.c.h, vec![ChurnReason::MaturityLapsed(date("2026-11-15"))]),
            (b.c.d, vec![ChurnReason::Dormant]), // AUM 0 as B's: the later first
            (b.c.b, vec![ChurnReason::OverdueComplaint]),
        ]
    );
    assert_eq!(list[0].aum, dec("1000000"));
    assert_eq!(b.store.churn_report(&b.rm3, None).expect("churn"), []);
    let branch = b.store.churn_report(&b.mgr1, None).expect("churn");
    assert_eq!(branch.len(), 5, "rm3's E is not at risk");
}

#[test]
fn the_thresholds_are_settings_within_bounds() {
    let mut b = branch();
    // A drop of 50% is not "at least 60%".
    b.store
        .set_setting(&b.admin, "churn.aum_drop_pct", 60)
        .expect("setting");
    let list = b.store.churn_report(&b.rm1, None).expect("churn");
    assert!(list.iter().all(|r| r.client_id != b.c.g));
    assert!(b
        .store
        .set_setting(&b.admin, "churn.aum_drop_pct", 101)
        .is_err());
    // Margins: administrators only, 0 to 100 percent.
    assert!(matches!(
        b.store.set_product_margin(&b.rm1, "DEP", dec("1")),
        Err(StoreError::Forbidden)
    ));
    assert!(b
        .store
        .set_product_margin(&b.admin, "DEP", dec("-1"))
        .is_err());
    let _ = &b.rm3;
}

#[test]
fn migrating_an_older_database_seeds_each_client_s_history_with_today_s_values() {
    let (_dir, path) = temp_db();
    let schema = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql"))
        .expect("schema");
    let before = schema
        .split("\n-- migration: 7")
        .next()
        .expect("the migrations before 7");
    let last = before
        .lines()
        .filter_map(|l| l.strip_prefix("-- migration: "))
        .filter_map(|n| n.trim().parse::<u32>().ok())
        .max()
        .expect("a migration");
    {
        let conn = common::raw(&path).expect("open");
        conn.execute_batch(before).expect("older schema");
        conn.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = {last};
             INSERT INTO branches (id, code, name, created_at) VALUES (1, '0101', 'East', '2026-01-01T00:00:00Z');
             INSERT INTO users (id, username, display_name, role, branch_id, password_hash, created_at, updated_at)
                 VALUES (1, 'rm1', 'RM1', 'rm', 1, 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO clients (id, client_no, kind, name, id_type, id_number, tier, status, owner_id, branch_id,
                                  aum_minor, created_at, updated_at)
                 VALUES (1, 'C1', 'individual', 'A', 'passport', 'E1', 'key', 'active', 1, 1, 25000000,
                         '2026-03-04T05:06:07Z', '2026-11-01T00:00:00Z');
             INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
                 VALUES ('P', 'P', 'deposit', 'R1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');",
            rmdesk::store::APPLICATION_ID
        ))
        .expect("older data");
    }
    let store = Store::open(&path).expect("migrated");
    drop(store);
    let conn = common::raw(&path).expect("open");
    let row: (i64, String, i64, String) = conn
        .query_row(
            "SELECT client_id, at, aum_minor, tier FROM aum_history",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("one seeded row");
    assert_eq!(
        row,
        (1, "2026-03-04T05:06:07Z".into(), 25_000_000, "key".into())
    );
    let margin: String = conn
        .query_row("SELECT margin FROM products", [], |r| r.get(0))
        .expect("margin");
    assert_eq!(margin, "0");
}
