//! The manager's desk in the store, on real temporary files: hand-overs (one transaction,
//! refused as a whole, the ledger), requests and their decisions, team tasks, closing a
//! client, and the desk lines of home.
mod closing;
#[path = "../common/mod.rs"]
mod common;
mod handover;
mod home;
mod requests;
mod tasks;

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
