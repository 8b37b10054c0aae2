//! Reports and the manager's desk: hand-overs and requests counted in the performance
//! report at the period's boundaries, and churn warnings read by pages (the screen's
//! pages and home's most urgent lines) giving exactly the whole list.
mod common;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::{ClientInput, Tier};
use rmdesk::domain::desk::HandoverReason;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::approvals::Ask;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::reports::Period;
use rmdesk::store::reports_table::performance_table;
use rmdesk::store::{Actor, Role, Store};
use rust_decimal::Decimal;

fn client(store: &mut Store, rm: &Actor, n: u32, status: &str) -> (i64, String) {
    let input = ClientInput {
        risk_level: "C5".into(),
        risk_assessed_on: "2026-08-01".into(),
        ..passport_input(&format!("Client {n}"), n, status)
    };
    let id = create_confirmed(store, rm, &input);
    let no = store.client(rm, id).expect("read").fields.client_no;
    (id, no)
}

/// The branch 0101 with rm1, rm3 and mgr1 (rm2 is in branch 0202).
fn branch() -> (tempfile::TempDir, Store, Actor, Actor, Actor, Actor) {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let (_, rm3) = add_user(&mut store, &admin, "rm3", "RM3", Role::Rm, mgr1.branch_id);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    (dir, store, admin, mgr1, rm1, rm3)
}

fn hand(store: &mut Store, mgr: &Actor, from: &str, to: &str, no: &str) {
    let spec = HandoverSpec {
        from: from.into(),
        to: vec![to.into()],
        which: Which::Numbers(vec![no.into()]),
        reason: HandoverReason::Rebalancing,
        reason_text: String::new(),
    };
    store
        .hand_over(mgr, &spec, &mut |_, _| {})
        .expect("hand-over");
}

fn november() -> Period {
    Period {
        from: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
    }
}

/// November, China Standard Time:
/// - 10-31 23:59 X1 handed rm1 → rm3 (the day before: not counted).
/// - 11-01 00:00 X2 handed rm1 → rm3 (the first instant: counted).
/// - 11-15 rm3 asks a tier for X1; rejected 11-16.
/// - 11-20 rm1 asks to take X2 over; approved 11-21: a hand-over rm3 → rm1.
/// - 11-30 23:59 rm1 asks a tier for X3 (the last minute); approved 12-01.
/// - 12-01 00:00 rm1 asks a tier for X4 (after the period: not counted).
#[test]
fn hand_overs_and_requests_are_counted_at_the_period_s_boundaries() {
    let (_dir, mut store, _admin, mgr1, rm1, rm3) = branch();
    clock_at(&mut store, "2026-10-20 10:00");
    let (x1, no1) = client(&mut store, &rm1, 1, "active");
    let (_x2, no2) = client(&mut store, &rm1, 2, "active");
    let (x3, _) = client(&mut store, &rm1, 3, "active");
    let (x4, _) = client(&mut store, &rm1, 4, "active");

    clock_at(&mut store, "2026-10-31 23:59");
    hand(&mut store, &mgr1, "rm1", "rm3", &no1);
    clock_at(&mut store, "2026-11-01 00:00");
    hand(&mut store, &mgr1, "rm1", "rm3", &no2);

    clock_at(&mut store, "2026-11-15 10:00");
    let tier = |client_id| Ask::Tier {
        client_id,
        tier: Tier::Key,
    };
    let r1 = store
        .file_request(&rm3, &tier(x1), "big saver")
        .expect("ask");
    clock_at(&mut store, "2026-11-16 10:00");
    store
        .decide_request(&mgr1, r1, false, "no")
        .expect("reject");

    clock_at(&mut store, "2026-11-20 10:00");
    let take = Ask::TakeOver {
        client_no: no2.clone(),
    };
    let r2 = store.file_request(&rm1, &take, "knows them").expect("ask");
    clock_at(&mut store, "2026-11-21 10:00");
    store.decide_request(&mgr1, r2, true, "").expect("approve");

    clock_at(&mut store, "2026-11-30 23:59");
    let r3 = store.file_request(&rm1, &tier(x3), "grew").expect("ask");
    clock_at(&mut store, "2026-12-01 00:00");
    store.file_request(&rm1, &tier(x4), "grew").expect("ask");
    clock_at(&mut store, "2026-12-01 10:00");
    store.decide_request(&mgr1, r3, true, "").expect("approve");

    let report = store
        .performance_report(&mgr1, november(), None)
        .expect("report");
    let line = |rm: &str| report.rows.iter().find(|p| p.rm == rm).cloned().expect(rm);
    let (one, three) = (line("rm1"), line("rm3"));
    assert_eq!(
        (
            one.handed_in,
            one.handed_out,
            one.requests,
            one.requests_approved
        ),
        (1, 1, 2, 2)
    );
    assert_eq!(
        (
            three.handed_in,
            three.handed_out,
            three.requests,
            three.requests_approved
        ),
        (1, 1, 1, 0)
    );
    assert_eq!(one.requests_approved_pct(), Some(Decimal::from(100)));
    assert_eq!(three.requests_approved_pct(), Some(Decimal::ZERO));
    let total = report.total.clone().expect("total");
    assert_eq!(
        (
            total.handed_in,
            total.handed_out,
            total.requests,
            total.requests_approved
        ),
        (2, 2, 3, 2)
    );
    // The table the screen shows and `rmdesk report` prints.
    let table = performance_table(&report);
    let col = |c: &str| table.columns.iter().position(|x| *x == c).expect(c);
    let last = table.rows.last().expect("total row");
    assert_eq!(last[col("handed_in")], "2");
    assert_eq!(last[col("requests")], "3");
    assert_eq!(last[col("requests_approved_pct")], "66.7");

    // October holds the first hand-over only; an RM sees only themselves.
    let october = Period {
        from: NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
        to: NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
    };
    let own = store
        .performance_report(&rm3, october, None)
        .expect("report");
    assert_eq!(own.rows.len(), 1);
    assert_eq!((own.rows[0].handed_in, own.rows[0].requests), (1, 0));
    let other = store
        .performance_report(&rm1, november(), Some("rm3"))
        .expect("report");
    assert!(other.rows.is_empty() && other.total.is_none());
}

/// Dormant clients (dormant their only churn reason) with AUM 300, 200, 200, 100, 0 and 0: walked
/// two at a time, the pages make exactly the whole list, ties by the later client first.
#[test]
fn churn_pages_and_home_s_most_urgent_lines_make_the_whole_list() {
    let (_dir, mut store, admin, mgr1, rm1, rm3) = branch();
    clock_at(&mut store, "2026-09-01 10:00");
    let product = ProductInput {
        code: "DEP".into(),
        name: "Deposit".into(),
        category: "deposit".into(),
        risk_level: "R1".into(),
        min_amount: "0".into(),
        sale_start: "2026-01-01".into(),
        sale_end: "2026-12-31".into(),
        ..ProductInput::default()
    };
    let dep = store.create_product(&admin, &product).expect("DEP");
    let mut ids = Vec::new();
    for (n, amount, rm) in [
        (1, "100", &rm1),
        (2, "200", &rm1),
        (3, "", &rm3),
        (4, "300", &rm1),
        (5, "200", &rm3),
        (6, "", &rm1),
    ] {
        let (id, _) = client(&mut store, rm, n, "dormant");
        if !amount.is_empty() {
            let h = NewHolding {
                product_id: dep,
                input: HoldingInput {
                    amount: amount.into(),
                    ..HoldingInput::default()
                },
                override_reason: String::new(),
            };
            store.add_holding(rm, id, &h).expect("holding");
        }
        ids.push(id);
    }
    clock_at(&mut store, "2026-11-20 10:00");
    let all = store.churn_report(&mgr1, None).expect("churn");
    let order: Vec<i64> = all.iter().map(|c| c.client_id).collect();
    // 300 (4); 200 twice, the later (5) first; 100 (1); 0 twice, the later (6) first.
    assert_eq!(
        order,
        [ids[3], ids[4], ids[1], ids[0], ids[5], ids[2]],
        "{all:?}"
    );
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store.churn_page(&mgr1, None, after, 2).expect("page");
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        after = page.last().map(|c| c.key());
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert_eq!(
        store.churn_warnings(&mgr1, 3).expect("home"),
        all[..3].to_vec()
    );
    // An RM's pages hold their own clients only.
    let own: Vec<i64> = store
        .churn_page(&rm3, None, None, 10)
        .expect("page")
        .iter()
        .map(|c| c.client_id)
        .collect();
    assert_eq!(own, [ids[4], ids[2]]);
}
