//! The manager's desk in the store, on real temporary files: hand-overs (one transaction,
//! refused as a whole, the ledger), requests and their decisions, team tasks, closing a
//! client, and the desk lines of home.
mod common;

use std::str::FromStr;

use common::*;
use rmdesk::domain::client::{ClientInput, ClientStatus, Tier};
use rmdesk::domain::desk::{HandoverReason, RequestStatus};
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::domain::task::{TaskInput, TaskStatus};
use rmdesk::domain::visit::FeedbackInput;
use rmdesk::store::approvals::Ask;
use rmdesk::store::clients::{ClientFilter, ListSpec, PageFrom};
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::{Actor, Store, StoreError};
use rust_decimal::Decimal;

struct World {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    admin: Actor,
    mgr1: Actor,
    mgr2: Actor,
    rm1: Actor,
    rm3: Actor,
    rm4: Actor,
    product: i64,
    risky: i64,
}

/// Branch 0101 has mgr1, rm1, rm3 and rm4; 0202 has mgr2 and rm2. A product WM-1 (R2)
/// and a risky one RISKY (R5).
fn world() -> World {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    add_branch_rms(&mut store, &admin, &["rm3", "rm4"]);
    let product = store
        .create_product(&admin, &product_input("WM-1", "R2"))
        .expect("product");
    let risky = store
        .create_product(&admin, &product_input("RISKY", "R5"))
        .expect("product");
    let login = |s: &mut Store, n: &str| s.login(n, PASSWORD).expect("login");
    World {
        mgr1: login(&mut store, "mgr1"),
        mgr2: login(&mut store, "mgr2"),
        rm1: login(&mut store, "rm1"),
        rm3: login(&mut store, "rm3"),
        rm4: login(&mut store, "rm4"),
        _dir: dir,
        path,
        store,
        admin,
        product,
        risky,
    }
}

fn product_input(code: &str, risk: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: format!("Product {code}"),
        category: "wealth".into(),
        risk_level: risk.into(),
        min_amount: "1".into(),
        term_days: "90".into(),
        sale_start: "2026-01-01".into(),
        sale_end: "2026-12-31".into(),
        ..ProductInput::default()
    }
}

fn client(store: &mut Store, rm: &Actor, name: &str, n: u32) -> i64 {
    let input = ClientInput {
        risk_level: "C3".into(),
        risk_assessed_on: "2026-06-01".into(),
        ..passport_input(name, n, "active")
    };
    create_confirmed(store, rm, &input)
}

fn hold(store: &mut Store, rm: &Actor, client: i64, product: i64, amount: &str, maturity: &str) {
    holding(store, rm, client, product, amount, maturity);
}

fn no_of(store: &Store, actor: &Actor, id: i64) -> String {
    store.client(actor, id).expect("client").fields.client_no
}

fn owner_of(path: &std::path::Path, id: i64) -> String {
    let conn = common::raw(path).expect("raw");
    conn.query_row(
        "SELECT u.username FROM clients c JOIN users u ON u.id = c.owner_id WHERE c.id = ?1",
        [id],
        |r| r.get(0),
    )
    .expect("owner")
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = common::raw(path).expect("raw");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Invalid { field, key, .. }) => (field.to_string(), key.to_string()),
        Err(StoreError::Fields(f)) => (f[0].field.to_string(), f[0].key.to_string()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn task(title: &str, client_no: &str) -> TaskInput {
    TaskInput {
        title: title.into(),
        due_date: "2026-11-20".into(),
        client_no: client_no.into(),
        ..TaskInput::default()
    }
}

fn spec(from: &str, to: &[&str], which: Which) -> HandoverSpec {
    HandoverSpec {
        from: from.into(),
        to: to.iter().map(|s| s.to_string()).collect(),
        which,
        reason: HandoverReason::Rotation,
        reason_text: String::new(),
    }
}

/// A request that `client` be of `tier`.
fn tier_ask(client: i64, tier: Tier) -> Ask {
    Ask::Tier {
        client_id: client,
        tier,
    }
}

/// A request that `client` may hold `product` though it does not suit them.
fn suitability_ask(client: i64, product: i64) -> Ask {
    Ask::Suitability {
        client_id: client,
        product_id: product,
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// rm1's book: 王伟 (500,000 in WM-1, maturing in 17 days, an open task, a complaint),
/// 李娜 (300,000), 张敏 (250,000); and a personal task without a client.
fn book(w: &mut World) -> [i64; 3] {
    let rm1 = w.rm1.clone();
    let a = client(&mut w.store, &rm1, "王伟", 1);
    let b = client(&mut w.store, &rm1, "李娜", 2);
    let c = client(&mut w.store, &rm1, "张敏", 3);
    hold(&mut w.store, &rm1, a, w.product, "500000", "2026-12-10");
    hold(&mut w.store, &rm1, b, w.product, "300000", "");
    hold(&mut w.store, &rm1, c, w.product, "250000", "");
    let no_a = no_of(&w.store, &rm1, a);
    w.store
        .create_task(&rm1, &task("Call about maturity", &no_a))
        .expect("task");
    w.store
        .create_task(&rm1, &task("Personal training", ""))
        .expect("task");
    let complaint = FeedbackInput {
        kind: "complaint".into(),
        received_on: "2026-11-20".into(),
        channel: "phone".into(),
        description: "Fee charged twice".into(),
        severity: "normal".into(),
    };
    w.store
        .file_feedback(&rm1, a, &complaint)
        .expect("complaint");
    [a, b, c]
}

#[test]
fn a_hand_over_moves_owners_tasks_and_complaints_balanced_by_aum_and_keeps_a_ledger() {
    let mut w = world();
    let [a, b, c] = book(&mut w);
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    let mut seen = Vec::new();
    let done = w
        .store
        .hand_over(
            &w.mgr1,
            &spec("rm1", &["rm3", "rm4"], Which::All),
            &mut |n, t| seen.push((n, t)),
        )
        .expect("hand-over");
    assert_eq!(done.clients, 3);
    assert_eq!(seen.last(), Some(&(3, 3)));
    // Largest first to the lightest: 王伟 500k → rm3; 李娜 300k → rm4; 张敏 250k → rm4.
    assert_eq!(owner_of(&w.path, a), "rm3");
    assert_eq!(owner_of(&w.path, b), "rm4");
    assert_eq!(owner_of(&w.path, c), "rm4");
    assert_eq!(
        done.per_receiver,
        vec![
            ("rm3".to_string(), 1, dec("500000")),
            ("rm4".to_string(), 2, dec("550000"))
        ]
    );
    // The client's open task moved; the personal one stayed with rm1.
    assert_eq!(done.tasks, 1);
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE u.username = 'rm3' AND t.title = 'Call about maturity'"
        ),
        1
    );
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE u.username = 'rm1' AND t.client_id IS NULL"
        ),
        1
    );
    // The pending complaint is handled by the new RM.
    assert_eq!(done.complaints, 1);
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM feedback f JOIN users u ON u.id = f.handler_id WHERE u.username = 'rm3'"
        ),
        1
    );
    // Audited in its transaction: one entry naming every client moved (one per 1,000)
    // and one for the hand-over.
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        2
    );
    let a_no = no_of(&w.store, &w.rm3, a);
    assert_eq!(
        count(
            &w.path,
            &format!(
                "SELECT count(*) FROM audit_log WHERE action = 'client.handover' AND entity_id = '{}'
                 AND before = 'owner=rm1'
                 AND (after LIKE '%={a}:{a_no}>rm3:tasks=1:complaints=1 %'
                      OR after LIKE '% {a}:{a_no}>rm3:tasks=1:complaints=1 %')
                 AND after LIKE '%rows=3 %'",
                done.id
            )
        ),
        1
    );
    assert!(w.store.verify_audit_chain().expect("chain").is_empty());

    // The ledger lists exactly the moved clients with their AUM, tasks, complaints and
    // maturities in the next 30 days.
    let (h, lines) = w.store.handover_ledger(&w.mgr1, done.id).expect("ledger");
    assert_eq!(h.from, "rm1");
    assert_eq!(h.by, "mgr1");
    assert_eq!(h.reason, HandoverReason::Rotation);
    assert_eq!(h.to, vec!["rm3".to_string(), "rm4".to_string()]);
    assert_eq!(h.aum, dec("1050000"));
    let mut got: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.aum,
                l.tier,
                l.open_tasks,
                l.pending_complaints,
                l.maturities_30d,
                l.to.as_str(),
            )
        })
        .collect();
    got.sort_by_key(|l| l.0);
    let mut want = vec![
        ("王伟", dec("500000"), Tier::Key, 1, 1, 1, "rm3"),
        ("李娜", dec("300000"), Tier::Key, 0, 0, 0, "rm4"),
        ("张敏", dec("250000"), Tier::Key, 0, 0, 0, "rm4"),
    ];
    want.sort_by_key(|l| l.0);
    assert_eq!(got, want);
    let mut csv = Vec::new();
    assert_eq!(
        w.store
            .write_ledger_csv(&w.mgr1, done.id, &mut csv)
            .expect("csv"),
        3
    );
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.starts_with("\u{feff}handover,date,from,to,reason,"),
        "{csv}"
    );
    assert!(csv.contains(",王伟,key,500000.00,1,1,1\r\n"), "{csv}");

    // The receiver sees where the client came from, and it is new to them until contact.
    let from = w.store.handed_over_from(&w.rm3, a).expect("note");
    assert_eq!(
        from.map(|(n, d)| (n, d.to_string())),
        Some(("RM1".into(), "2026-11-23".into()))
    );
    let desk = w.store.rm_desk(&w.rm3).expect("desk");
    assert_eq!(
        desk.new_to_you
            .iter()
            .map(|n| n.client_id)
            .collect::<Vec<_>>(),
        vec![a]
    );
    // rm1 no longer sees them; another branch's manager sees no ledger.
    assert!(matches!(
        w.store.client(&w.rm1, a),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.handover_ledger(&w.mgr2, done.id),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_hand_over_with_any_wrong_part_is_refused_as_a_whole() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm3 = w.rm3.clone();
    let theirs = client(&mut w.store, &rm3, "赵强", 9);
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    // rm2 is of another branch; a receiver that does not exist; rm1 itself; the
    // branch's manager, active and of the branch but no RM (only an RM owns clients).
    for to in [
        &["rm3", "rm2"][..],
        &["nobody"],
        &["rm1"],
        &["rm3", "mgr1"],
        &["mgr1"],
        &[],
    ] {
        let r = w
            .store
            .hand_over(&w.mgr1, &spec("rm1", to, Which::All), &mut |_, _| {});
        assert_eq!(invalid(r).0, "to", "{to:?}");
    }
    // A disabled receiver.
    let rm4_id = w.rm4.user_id;
    w.store
        .set_user_disabled(&w.admin, rm4_id, true)
        .expect("disable rm4, who owns nothing");
    let r = w.store.hand_over(
        &w.mgr1,
        &spec("rm1", &["rm3", "rm4"], Which::All),
        &mut |_, _| {},
    );
    assert_eq!(invalid(r), ("to".into(), "err.handover.to".into()));
    // A client that is not the giver's, and an "other" reason without text.
    let theirs_no = no_of(&w.store, &rm3, theirs);
    let a_no = no_of(&w.store, &w.rm1, a);
    let r = w.store.hand_over(
        &w.mgr1,
        &spec(
            "rm1",
            &["rm3"],
            Which::Numbers(vec![a_no.clone(), theirs_no]),
        ),
        &mut |_, _| {},
    );
    assert_eq!(invalid(r), ("clients".into(), "err.handover.client".into()));
    let mut other = spec("rm1", &["rm3"], Which::Numbers(vec![a_no]));
    other.reason = HandoverReason::Other;
    assert_eq!(
        invalid(w.store.hand_over(&w.mgr1, &other, &mut |_, _| {})),
        ("reason".into(), "err.reason.required".into())
    );
    // Nothing was written by any of them but the disabling.
    assert_eq!(owner_of(&w.path, a), "rm1");
    assert_eq!(count(&w.path, "SELECT count(*) FROM handovers"), 0);
    assert_eq!(count(&w.path, "SELECT count(*) FROM handover_clients"), 0);
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        1
    );
    // Only a manager hands over.
    for actor in [&w.rm1, &w.admin] {
        let r = w
            .store
            .hand_over(actor, &spec("rm1", &["rm3"], Which::All), &mut |_, _| {});
        assert!(matches!(r, Err(StoreError::Forbidden)), "{r:?}");
    }
    // A manager of another branch does not find rm1.
    let r = w
        .store
        .hand_over(&w.mgr2, &spec("rm1", &["rm2"], Which::All), &mut |_, _| {});
    assert_eq!(invalid(r).0, "from");
}

#[test]
fn an_rm_who_owns_clients_cannot_be_disabled_until_they_are_handed_over() {
    let mut w = world();
    book(&mut w);
    let rm1_id = w.rm1.user_id;
    let r = w.store.set_user_disabled(&w.admin, rm1_id, true);
    assert_eq!(invalid(r), ("user".into(), "err.user.owns_clients".into()));
    w.store
        .hand_over(&w.mgr1, &spec("rm1", &["rm3"], Which::All), &mut |_, _| {})
        .expect("hand-over");
    w.store
        .set_user_disabled(&w.admin, rm1_id, true)
        .expect("now it may be disabled");
}

#[test]
fn approving_applies_exactly_what_was_asked_and_rejecting_changes_nothing() {
    let mut w = world();
    let [a, b, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    // A tier override up, with a reason; the same again while pending is refused.
    let up = w
        .store
        .file_request(
            &rm1,
            &tier_ask(a, Tier::Core),
            "Family office moving assets in",
        )
        .expect("request");
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm1, &tier_ask(a, Tier::Core), "again")
        ),
        ("client".into(), "err.request.pending".into())
    );
    assert_eq!(
        invalid(w.store.file_request(&rm1, &tier_ask(a, Tier::Key), "same")),
        ("tier".into(), "err.request.same_tier".into())
    );
    assert_eq!(
        invalid(w.store.file_request(&rm1, &tier_ask(b, Tier::General), " ")),
        ("reason".into(), "err.reason.required".into())
    );
    let down = w
        .store
        .file_request(&rm1, &tier_ask(b, Tier::General), "Assets leaving")
        .expect("request");
    // The manager sees both, oldest first, with the client's figures.
    let pending = w.store.requests(&w.mgr1, true).expect("pending");
    assert_eq!(
        pending.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![up, down]
    );
    assert_eq!(pending[0].client_aum, dec("500000"));
    assert_eq!(pending[0].client_tier, Tier::Key);
    // An RM and another branch's manager cannot decide.
    assert!(matches!(
        w.store.decide_request(&rm1, up, true, ""),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        w.store.decide_request(&w.mgr2, up, true, ""),
        Err(StoreError::NotFound)
    ));
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    w.store
        .decide_request(&w.mgr1, up, true, "ok")
        .expect("approve");
    w.store
        .decide_request(&w.mgr1, down, false, "keep it for now")
        .expect("reject");
    assert_eq!(w.store.client(&rm1, a).expect("a").tier, Tier::Core);
    assert_eq!(
        w.store
            .client(&rm1, a)
            .expect("a")
            .tier_override_reason
            .as_deref(),
        Some(format!("request #{up}: Family office moving assets in").as_str())
    );
    let b_now = w.store.client(&rm1, b).expect("b");
    assert_eq!((b_now.tier, b_now.tier_override_reason), (Tier::Key, None));
    // Decision and change audited together; the rejection alone.
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        3
    );
    assert_eq!(
        count(
            &w.path,
            &format!("SELECT count(*) FROM audit_log WHERE action = 'client.tier_override' AND entity_id = '{a}' AND after LIKE 'tier_override=core %'")
        ),
        1
    );
    // Decided once only; the requester sees the outcomes.
    assert_eq!(
        invalid(w.store.decide_request(&w.mgr1, up, false, "")),
        ("status".into(), "err.request.decided".into())
    );
    let mine = w.store.rm_desk(&rm1).expect("desk").requests;
    let outcomes: Vec<_> = mine
        .iter()
        .map(|r| (r.id, r.status, r.note.clone()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (
                down,
                RequestStatus::Rejected,
                Some("keep it for now".into())
            ),
            (up, RequestStatus::Approved, Some("ok".into()))
        ]
    );
    // Managers do not file requests, so nobody approves their own.
    assert!(matches!(
        w.store
            .file_request(&w.mgr1, &tier_ask(a, Tier::General), "x"),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn an_rm_cannot_request_for_a_client_they_cannot_see_but_may_ask_to_take_one_over() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm3 = w.rm3.clone();
    let a_no = no_of(&w.store, &w.rm1, a);
    // rm3 cannot ask a tier or a product for rm1's client.
    assert!(matches!(
        w.store.file_request(&rm3, &tier_ask(a, Tier::Core), "x"),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store
            .file_request(&rm3, &suitability_ask(a, w.product), "x"),
        Err(StoreError::NotFound)
    ));
    // rm2 (another branch) cannot even ask to take it over.
    let rm2 = w.store.login("rm2", PASSWORD).expect("rm2");
    assert!(matches!(
        w.store.file_request(
            &rm2,
            &Ask::TakeOver {
                client_no: a_no.clone()
            },
            "x"
        ),
        Err(StoreError::NotFound)
    ));
    // rm3 asks to take it over; approving hands it over with its task and complaint.
    let id = w
        .store
        .file_request(
            &rm3,
            &Ask::TakeOver {
                client_no: a_no.clone(),
            },
            "Client moved near my office",
        )
        .expect("take-over");
    w.store
        .decide_request(&w.mgr1, id, true, "")
        .expect("approve");
    assert_eq!(owner_of(&w.path, a), "rm3");
    let list = w.store.handovers(&w.mgr1).expect("ledger");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].clients, 1);
    assert_eq!(
        list[0].reason_text.as_deref(),
        Some(format!("request #{id}: Client moved near my office").as_str())
    );
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id WHERE u.username = 'rm3'"),
        1
    );
    // Now theirs, asking again is refused.
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm3, &Ask::TakeOver { client_no: a_no }, "x")
        ),
        ("client".into(), "err.request.own_client".into())
    );
}

#[test]
fn an_approved_product_request_lets_the_rm_record_the_product() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    let risky = w.risky;
    let attempt = |s: &mut Store| {
        s.add_holding(
            &rm1,
            a,
            &NewHolding {
                product_id: risky,
                input: HoldingInput {
                    amount: "1000".into(),
                    ..HoldingInput::default()
                },
                override_reason: String::new(),
            },
        )
    };
    assert_eq!(invalid(attempt(&mut w.store)).0, "product");
    // A product that suits needs no request.
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm1, &suitability_ask(a, w.product), "x")
        ),
        ("product".into(), "err.request.suits".into())
    );
    let id = w
        .store
        .file_request(
            &rm1,
            &suitability_ask(a, risky),
            "Client insists, signed the risk notice",
        )
        .expect("request");
    // Withdrawn, then asked again and rejected: still refused.
    w.store.withdraw_request(&rm1, id).expect("withdraw");
    let id = w
        .store
        .file_request(&rm1, &suitability_ask(a, risky), "Client insists")
        .expect("request");
    w.store
        .decide_request(&w.mgr1, id, false, "")
        .expect("reject");
    assert_eq!(invalid(attempt(&mut w.store)).0, "product");
    let id = w
        .store
        .file_request(&rm1, &suitability_ask(a, risky), "Client insists")
        .expect("request");
    w.store
        .decide_request(&w.mgr1, id, true, "")
        .expect("approve");
    let holding = attempt(&mut w.store).expect("now allowed");
    assert_eq!(
        count(
            &w.path,
            &format!("SELECT count(*) FROM holdings WHERE id = {holding} AND override_reason = 'request #{id}: Client insists'")
        ),
        1
    );
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log WHERE action IN ('suitability.grant', 'suitability.override')"),
        2
    );
}

#[test]
fn a_manager_gives_an_rm_a_task_and_sees_it_done() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let a_no = no_of(&w.store, &w.rm1, a);
    let mgr1 = w.mgr1.clone();
    let id = w
        .store
        .give_task(&mgr1, "rm1", &task("Prepare the quarterly review", &a_no))
        .expect("give");
    // Not to another branch's RM; not about a client the RM does not own.
    assert_eq!(
        invalid(w.store.give_task(&mgr1, "rm2", &task("x", ""))),
        ("rm".into(), "err.team.rm".into())
    );
    let rm3 = w.rm3.clone();
    let theirs = client(&mut w.store, &rm3, "赵强", 9);
    let theirs_no = no_of(&w.store, &rm3, theirs);
    assert_eq!(
        invalid(w.store.give_task(&mgr1, "rm1", &task("x", &theirs_no))),
        ("client_no".into(), "err.team.client".into())
    );
    assert!(matches!(
        w.store.give_task(&w.rm1, "rm3", &task("x", "")),
        Err(StoreError::Forbidden)
    ));
    let t = w.store.task(&w.rm1, id).expect("task");
    assert_eq!(t.assigned_by.as_deref(), Some("MGR1"));
    assert_eq!(
        w.store
            .rm_desk(&w.rm1)
            .expect("desk")
            .given
            .iter()
            .map(|g| (g.id, g.from.as_str()))
            .collect::<Vec<_>>(),
        vec![(id, "MGR1")]
    );
    // Home's task line says who gave it; the RM's own tasks say nothing.
    let home = w.store.work_list(&w.rm1).expect("home");
    let given: Vec<_> = home
        .items
        .iter()
        .filter(|i| i.subject == "Prepare the quarterly review")
        .map(|i| i.given_by.as_deref())
        .collect();
    assert_eq!(given, vec![Some("MGR1")]);
    assert!(home
        .items
        .iter()
        .filter(|i| i.subject != "Prepare the quarterly review")
        .all(|i| i.given_by.is_none()));
    let member = |s: &Store| {
        s.team(&mgr1)
            .expect("team")
            .into_iter()
            .find(|m| m.username == "rm1")
            .expect("rm1")
    };
    let before = member(&w.store);
    assert_eq!((before.given_open, before.given_done), (1, 0));
    assert_eq!(before.clients, 3);
    assert_eq!(before.aum, dec("1050000"));
    // Due 2026-11-20: overdue, as is the client task and the personal one.
    assert_eq!(before.overdue_tasks, 3);
    w.store.complete_task(&w.rm1, id).expect("done");
    let after = member(&w.store);
    assert_eq!((after.given_open, after.given_done), (0, 1));
    assert_eq!(
        w.store.task(&mgr1, id).expect("read").status,
        TaskStatus::Done
    );
    // The manager's home lists rm1 with overdue work.
    let desk = w.store.manager_desk(&mgr1).expect("desk");
    assert!(desk
        .team
        .iter()
        .any(|m| m.username == "rm1" && m.overdue_tasks == 2));
}

#[test]
fn a_closed_client_is_archived_hidden_from_the_list_and_says_why() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    assert_eq!(
        invalid(w.store.close_client(&rm1, a, "")),
        ("reason".into(), "err.reason.required".into())
    );
    assert!(matches!(
        w.store.close_client(&w.rm3, a, "not mine"),
        Err(StoreError::NotFound)
    ));
    w.store
        .close_client(&rm1, a, "Moved abroad")
        .expect("close");
    let names = |s: &Store, filter: ClientFilter| -> Vec<String> {
        let spec = ListSpec {
            filter,
            ..ListSpec::default()
        };
        s.client_page(&rm1, &spec, &PageFrom::Start, 50)
            .expect("page")
            .rows
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert!(!names(&w.store, ClientFilter::default()).contains(&"王伟".to_string()));
    assert_eq!(
        names(
            &w.store,
            ClientFilter {
                status: Some(ClientStatus::Closed),
                ..ClientFilter::default()
            }
        ),
        vec!["王伟".to_string()]
    );
    let closure = w
        .store
        .client_closure(&rm1, a)
        .expect("read")
        .expect("closed");
    assert_eq!(
        (closure.on.to_string(), closure.reason.as_str()),
        ("2026-11-23".into(), "Moved abroad")
    );
    // Still there, not deleted, and audited.
    assert_eq!(
        w.store.client(&rm1, a).expect("kept").fields.status,
        "closed"
    );
    assert_eq!(
        count(&w.path, &format!("SELECT count(*) FROM audit_log WHERE action = 'client.close' AND entity_id = '{a}'")),
        1
    );
    assert_eq!(
        invalid(w.store.close_client(&rm1, a, "again")),
        ("status".into(), "err.client.closed".into())
    );
}

/// How many pending complaints near their deadline `actor`'s home counts.
fn home_complaints(store: &Store, actor: &Actor) -> usize {
    store
        .work_kind(actor, rmdesk::store::home::WorkKind::Complaint, 50)
        .expect("complaints")
        .items
        .len()
}

#[test]
fn an_rms_home_complaints_follow_the_client_and_leave_when_resolved() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    let rm3 = w.rm3.clone();
    // Received three weeks ago: its deadline is past (the book's own complaint, received
    // 2026-11-20, is not near its deadline yet).
    let old = FeedbackInput {
        kind: "complaint".into(),
        received_on: "2026-11-01".into(),
        channel: "branch".into(),
        description: "Card retained by the machine".into(),
        severity: "high".into(),
    };
    w.store.file_feedback(&rm1, a, &old).expect("complaint");
    assert_eq!(home_complaints(&w.store, &rm1), 1);
    assert_eq!(home_complaints(&w.store, &rm3), 0);
    let a_no = no_of(&w.store, &rm1, a);
    w.store
        .hand_over(
            &w.mgr1,
            &spec("rm1", &["rm3"], Which::Numbers(vec![a_no])),
            &mut |_, _| {},
        )
        .expect("hand over");
    assert_eq!(home_complaints(&w.store, &rm1), 0, "gone with the client");
    assert_eq!(
        home_complaints(&w.store, &rm3),
        1,
        "arrived with the client"
    );
    let mgr1 = w.mgr1.clone();
    assert_eq!(
        home_complaints(&w.store, &mgr1),
        1,
        "the branch's, as before"
    );
    let id = w
        .store
        .work_kind(&rm3, rmdesk::store::home::WorkKind::Complaint, 5)
        .expect("lines")
        .items
        .first()
        .map(|l| match l.target {
            rmdesk::store::home::WorkRef::Feedback { id, .. } => id,
            ref other => panic!("a complaint line points at {other:?}"),
        })
        .expect("a line");
    w.store
        .update_feedback(
            &rm3,
            id,
            &rmdesk::domain::visit::FeedbackUpdate {
                status: "resolved".into(),
                handler_id: Some(rm3.user_id),
                resolution: "Refunded the second fee".into(),
                satisfaction: String::new(),
            },
        )
        .expect("resolve");
    assert_eq!(home_complaints(&w.store, &rm3), 0, "resolved");
    assert_eq!(home_complaints(&w.store, &mgr1), 0);
    // What the home walks is what a computation from the tables gives.
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM complaints_pending p JOIN feedback f ON f.id = p.feedback_id
             JOIN clients c ON c.id = f.client_id
             WHERE p.owner_id <> c.owner_id OR f.status NOT IN ('open', 'in_progress')"
        ),
        0
    );
}
