//! Products and holdings in the store, on real temporary files: admin-only catalogue
//! edits, exact decimals, the minimum and sale-window rules, the suitability matrix and
//! the assessment's expiry day, overrides, tiers following holdings, maturities.
mod common;

use std::str::FromStr;

use common::*;
use rmdesk::domain::client::{ClientInput, Tier};
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::holdings::{NewHolding, Verdict};
use rmdesk::store::products::ProductFilter;
use rmdesk::store::{Actor, Store, StoreError};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn product(code: &str, risk: &str, min: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: format!("Product {code}"),
        category: "wealth".into(),
        risk_level: risk.into(),
        min_amount: min.into(),
        term_days: "90".into(),
        sale_start: "2026-01-01".into(),
        sale_end: "2026-12-31".into(),
        ..ProductInput::default()
    }
}

/// A client of `rm` at `level` assessed on `on` (empty: never assessed).
fn client(store: &mut Store, rm: &Actor, name: &str, n: u32, level: &str, on: &str) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: format!("E{n:08}"),
        risk_level: level.into(),
        risk_assessed_on: on.into(),
        status: "active".into(),
        ..ClientInput::default()
    };
    create_confirmed(store, rm, &input)
}

fn hold(product_id: i64, amount: &str) -> NewHolding {
    NewHolding {
        product_id,
        input: HoldingInput {
            amount: amount.into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    }
}

fn invalid_key(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid { key, .. }) => key.to_string(),
        Err(StoreError::Fields(f)) => f.iter().map(|e| e.key).collect::<Vec<_>>().join(","),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    admin: Actor,
    rm1: Actor,
    rm2: Actor,
    mgr1: Actor,
}

fn world() -> World {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    World {
        _dir: dir,
        store,
        admin,
        rm1,
        rm2,
        mgr1,
    }
}

#[test]
fn only_administrators_edit_the_catalogue_and_everyone_reads_it() {
    let mut w = world();
    let p = product("WM-1", "R2", "10000");
    for who in [&w.rm1, &w.mgr1] {
        assert!(matches!(
            w.store.create_product(who, &p),
            Err(StoreError::Forbidden)
        ));
    }
    let id = w.store.create_product(&w.admin, &p).expect("admin creates");
    for who in [&w.rm1, &w.mgr1] {
        assert!(matches!(
            w.store.update_product(who, id, &p),
            Err(StoreError::Forbidden)
        ));
        assert!(matches!(
            w.store.close_product(who, id),
            Err(StoreError::Forbidden)
        ));
        assert_eq!(w.store.product(who, id).expect("reads").code, "WM-1");
    }
    assert_eq!(
        invalid_key(w.store.create_product(&w.admin, &product("wm-1", "R1", ""))),
        "err.product.code.taken",
        "codes are unique, whatever the case typed"
    );
    let changed = ProductInput {
        name: "稳健理财 Steady".into(),
        yield_min: "2.1".into(),
        yield_max: "3.25".into(),
        ..p.clone()
    };
    w.store
        .update_product(&w.admin, id, &changed)
        .expect("admin edits");
    let got = w.store.product(&w.rm1, id).expect("product");
    assert_eq!(got.name, "稳健理财 Steady");
    assert_eq!(
        (got.yield_min, got.yield_max),
        (Some(dec("2.1")), Some(dec("3.25")))
    );
    w.store.close_product(&w.admin, id).expect("admin closes");
    let closed = ProductFilter {
        on_sale: Some(false),
        ..ProductFilter::default()
    };
    assert_eq!(w.store.products(&w.rm1, &closed).expect("list").len(), 1);
    let log = w.store.audit_recent(&w.admin, None, 10).expect("audit");
    let actions: Vec<&str> = log.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        &actions[..3],
        ["product.close", "product.update", "product.create"]
    );
}

#[test]
fn catalogue_filters_and_search() {
    let mut w = world();
    for (code, cat, risk) in [
        ("DEP-1", "deposit", "R1"),
        ("FUND-A", "fund", "R4"),
        ("WM-3", "wealth", "R3"),
    ] {
        let p = ProductInput {
            category: cat.into(),
            ..product(code, risk, "")
        };
        w.store.create_product(&w.admin, &p).expect("create");
    }
    let list = |f: ProductFilter| -> Vec<String> {
        w.store
            .products(&w.rm1, &f)
            .expect("list")
            .into_iter()
            .map(|p| p.code)
            .collect()
    };
    assert_eq!(list(ProductFilter::default()), ["DEP-1", "FUND-A", "WM-3"]);
    assert_eq!(
        list(ProductFilter {
            category: Some("fund".parse().expect("code")),
            ..ProductFilter::default()
        }),
        ["FUND-A"]
    );
    assert_eq!(
        list(ProductFilter {
            risk: Some("R3".parse().expect("code")),
            ..ProductFilter::default()
        }),
        ["WM-3"]
    );
    assert_eq!(
        list(ProductFilter {
            text: "fund".into(),
            ..ProductFilter::default()
        }),
        ["FUND-A"],
        "search by code, any case"
    );
    assert_eq!(
        list(ProductFilter {
            text: "product wm".into(),
            ..ProductFilter::default()
        }),
        ["WM-3"],
        "search by name"
    );
    assert!(list(ProductFilter {
        text: "%".into(),
        ..ProductFilter::default()
    })
    .is_empty());
}

#[test]
fn many_holdings_sum_exactly_and_amounts_round_trip() {
    let mut w = world();
    let pid = w
        .store
        .create_product(&w.admin, &product("DEP", "R1", "0.01"))
        .expect("product");
    let c = client(&mut w.store, &w.rm1, "张三", 1, "C3", "2026-06-01");
    w.store
        .add_holding(&w.rm1, c, &hold(pid, "0.10"))
        .expect("a");
    w.store
        .add_holding(&w.rm1, c, &hold(pid, "0.20"))
        .expect("b");
    assert_eq!(
        w.store.client(&w.rm1, c).expect("client").aum,
        dec("0.30"),
        "0.10 + 0.20 is 0.30 to the cent"
    );
    // A thousand cents and amounts with 0, 1 and 2 decimals.
    for _ in 0..1000 {
        w.store
            .add_holding(&w.rm1, c, &hold(pid, "0.01"))
            .expect("cent");
    }
    let amounts = ["123,456,789,012.34", "0.99", "99999.9", "7"];
    for a in amounts {
        w.store
            .add_holding(&w.rm1, c, &hold(pid, a))
            .expect("amount");
    }
    let held = w.store.client_holdings(&w.rm1, c).expect("holdings");
    for text in ["7", "99999.9", "0.99", "123456789012.34"] {
        assert!(
            held.iter().any(|h| h.amount.to_string() == text),
            "{text} stored and read back exactly"
        );
    }
    assert_eq!(
        w.store.client(&w.rm1, c).expect("client").aum,
        dec("123456889030.53"),
        "0.30 + 10.00 + 123456789012.34 + 0.99 + 99999.9 + 7"
    );
}

/// No floating point in the money paths: the code that reads, sums and writes amounts.
#[test]
fn no_float_in_money_paths() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in [
        "domain/money.rs",
        "domain/product.rs",
        "store/products.rs",
        "store/holdings.rs",
        "store/clients_write.rs",
        "store/client360.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("source");
        // The money module's own test shows f64 failing; only its code counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for bad in ["f64", "f32", "as_f", "REAL", "sum(", "SUM(", "total("] {
            assert!(!code.contains(bad), "{file} uses {bad}");
        }
    }
}

#[test]
fn minimum_window_and_currency_are_enforced_by_the_store() {
    let mut w = world();
    let p = ProductInput {
        sale_end: "2026-11-22".into(),
        ..product("LATE", "R1", "")
    };
    let late = w.store.create_product(&w.admin, &p).expect("late");
    let pid = w
        .store
        .create_product(&w.admin, &product("MIN", "R1", "50,000"))
        .expect("product");
    let c = client(&mut w.store, &w.rm1, "李四", 2, "C1", "2026-06-01");
    assert_eq!(
        invalid_key(w.store.add_holding(&w.rm1, c, &hold(pid, "49,999.99"))),
        "err.holding.minimum"
    );
    assert_eq!(
        invalid_key(w.store.add_holding(&w.rm1, c, &hold(late, "100"))),
        "err.holding.window",
        "today (2026-11-23) is after the last day of sale"
    );
    let usd = NewHolding {
        input: HoldingInput {
            currency: "USD".into(),
            ..hold(pid, "60000").input
        },
        ..hold(pid, "60000")
    };
    assert_eq!(
        invalid_key(w.store.add_holding(&w.rm1, c, &usd)),
        "err.holding.currency"
    );
    let h = w
        .store
        .add_holding(&w.rm1, c, &hold(pid, "50,000"))
        .expect("at the minimum");
    assert_eq!(
        invalid_key(w.store.change_holding(&w.rm1, h, "1000", "")),
        "err.holding.minimum",
        "a change keeps the minimum"
    );
    let held = w.store.client_holdings(&w.rm1, c).expect("holdings");
    assert_eq!(
        held[0].maturity_date.as_deref(),
        Some("2027-02-21"),
        "+90 days"
    );
    w.store.close_product(&w.admin, pid).expect("close");
    assert_eq!(
        invalid_key(w.store.add_holding(&w.rm1, c, &hold(pid, "60000"))),
        "err.holding.closed"
    );
    assert_eq!(
        invalid_key(w.store.update_product(
            &w.admin,
            pid,
            &ProductInput {
                currency: "USD".into(),
                ..product("MIN", "R1", "50,000")
            }
        )),
        "err.product.currency_held"
    );
}

#[test]
fn suitability_matrix_through_the_store_and_the_lists() {
    let mut w = world();
    let products: Vec<i64> = (1..=5)
        .map(|n| {
            w.store
                .create_product(&w.admin, &product(&format!("P-R{n}"), &format!("R{n}"), ""))
                .expect("product")
        })
        .collect();
    let clients: Vec<i64> = (1..=5)
        .map(|n| {
            client(
                &mut w.store,
                &w.rm1,
                &format!("Client C{n}"),
                n,
                &format!("C{n}"),
                "2026-01-15",
            )
        })
        .collect();
    for (pi, &p) in products.iter().enumerate() {
        for (ci, &c) in clients.iter().enumerate() {
            let r = w.store.check_suitability(&w.rm1, c, p, None);
            if ci >= pi {
                assert_eq!(r.expect("suits"), Verdict::Suits, "R{} C{}", pi + 1, ci + 1);
            } else {
                assert_eq!(invalid_key(r), "err.suit.risk", "R{} C{}", pi + 1, ci + 1);
            }
        }
        let listed: Vec<String> = w
            .store
            .suitable_clients(&w.rm1, p, None, 50)
            .expect("list")
            .into_iter()
            .map(|c| c.name)
            .collect();
        let expected: Vec<String> = (pi + 1..=5).map(|n| format!("Client C{n}")).collect();
        assert_eq!(listed, expected, "R{}", pi + 1);
    }
    // The other branch's RM sees none of them; the product exists for everyone.
    assert!(w
        .store
        .suitable_clients(&w.rm2, products[0], None, 50)
        .expect("list")
        .is_empty());
    assert!(matches!(
        w.store.suitable_clients(&w.admin, products[0], None, 50),
        Err(StoreError::Forbidden)
    ));
    // Paging by (name, id).
    let first = w
        .store
        .suitable_clients(&w.mgr1, products[0], None, 2)
        .expect("page");
    let next = w
        .store
        .suitable_clients(
            &w.mgr1,
            products[0],
            Some((&first[1].name, first[1].id)),
            10,
        )
        .expect("page");
    assert_eq!((first.len(), next.len()), (2, 3));
    assert_eq!(next[0].name, "Client C3");
    // A client's list: the on-sale products at or below its level.
    let codes: Vec<String> = w
        .store
        .suitable_products(&w.rm1, clients[2])
        .expect("products")
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(codes, ["P-R1", "P-R2", "P-R3"]);
    assert_eq!(
        invalid_key(
            w.store
                .add_holding(&w.rm1, clients[1], &hold(products[3], "100"))
        ),
        "err.suit.risk",
        "recording an unsuitable holding is refused with the reason"
    );
}

#[test]
fn the_assessment_expires_on_the_exact_day() {
    let mut w = world();
    let p = w
        .store
        .create_product(&w.admin, &product("P1", "R1", ""))
        .expect("product");
    // Today is 2026-11-23: assessed a year ago to the day has expired; a day later not.
    let expired = client(&mut w.store, &w.rm1, "Expired", 1, "C5", "2025-11-23");
    let current = client(&mut w.store, &w.rm1, "Current", 2, "C5", "2025-11-24");
    let never = client(&mut w.store, &w.rm1, "Never", 3, "", "");
    assert_eq!(
        invalid_key(w.store.check_suitability(&w.rm1, expired, p, None)),
        "err.suit.expired"
    );
    assert_eq!(
        w.store
            .check_suitability(&w.rm1, current, p, None)
            .expect("ok"),
        Verdict::Suits
    );
    assert_eq!(
        invalid_key(w.store.check_suitability(&w.rm1, never, p, None)),
        "err.suit.none"
    );
    let names: Vec<String> = w
        .store
        .suitable_clients(&w.rm1, p, None, 10)
        .expect("list")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Current"]);
    assert!(w
        .store
        .suitable_products(&w.rm1, expired)
        .expect("list")
        .is_empty());
}

#[test]
fn only_a_manager_overrides_with_a_reason_and_it_is_audited() {
    let mut w = world();
    let p = w
        .store
        .create_product(&w.admin, &product("R5", "R5", ""))
        .expect("product");
    let c = client(&mut w.store, &w.rm1, "Cautious", 1, "C2", "2026-06-01");
    let with_reason = NewHolding {
        override_reason: "Client insists in writing; risk disclosure signed".into(),
        ..hold(p, "1000")
    };
    assert_eq!(
        invalid_key(w.store.add_holding(&w.rm1, c, &with_reason)),
        "err.suit.override_manager"
    );
    assert_eq!(
        invalid_key(w.store.add_holding(&w.mgr1, c, &hold(p, "1000"))),
        "err.suit.risk",
        "a manager without a reason is refused too"
    );
    let blank = NewHolding {
        override_reason: "   ".into(),
        ..hold(p, "1000")
    };
    assert_eq!(
        invalid_key(w.store.add_holding(&w.mgr1, c, &blank)),
        "err.suit.risk"
    );
    assert!(matches!(
        w.store
            .check_suitability(&w.mgr1, c, p, Some("signed disclosure"))
            .expect("override"),
        Verdict::Overridden(_)
    ));
    let h = w
        .store
        .add_holding(&w.mgr1, c, &with_reason)
        .expect("manager overrides");
    // Topping up is a purchase: refused (with the reason) while the product does not
    // suit; lowering the amount is not.
    assert_eq!(
        invalid_key(w.store.change_holding(&w.rm1, h, "2000", "")),
        "err.suit.risk"
    );
    w.store
        .change_holding(&w.rm1, h, "500", "")
        .expect("a smaller amount");
    let log = w
        .store
        .audit_recent(&w.mgr1, Some("suitability.override"), 5)
        .expect("audit");
    assert_eq!(log.len(), 1);
    let after = log[0].after.as_deref().unwrap_or("");
    assert!(
        after.contains(&format!("holding {h}")) && after.contains("risk disclosure signed"),
        "{after}"
    );
    assert_eq!(log[0].username, "mgr1");
    assert!(w.store.verify_audit_chain().expect("chain").is_empty());
}

#[test]
fn the_tier_follows_holdings_in_the_same_transaction() {
    let mut w = world();
    let p = w
        .store
        .create_product(&w.admin, &product("DEP", "R1", ""))
        .expect("product");
    let c = client(&mut w.store, &w.rm1, "王五", 1, "C1", "2026-06-01");
    let tier = |s: &Store| s.client(&w.rm1, c).expect("client");
    assert_eq!(tier(&w.store).tier, Tier::General);
    let h = w
        .store
        .add_holding(&w.rm1, c, &hold(p, "100,000.00"))
        .expect("add");
    let t = tier(&w.store);
    assert_eq!((t.tier, t.aum), (Tier::Key, dec("100000")));
    w.store
        .change_holding(&w.rm1, h, "1,000,000", "")
        .expect("change");
    assert_eq!(tier(&w.store).tier, Tier::Core);
    w.store
        .change_holding(&w.rm1, h, "999,999.99", "2027-01-01")
        .expect("change");
    assert_eq!(tier(&w.store).tier, Tier::Key, "a cent below core");
    w.store.close_holding(&w.rm1, h).expect("close");
    let t = tier(&w.store);
    assert_eq!((t.tier, t.aum), (Tier::General, Decimal::ZERO));
    assert!(w.store.client_holdings(&w.rm1, c).expect("h").is_empty());
    assert!(matches!(
        w.store.close_holding(&w.rm1, h),
        Err(StoreError::NotFound)
    ));
    // Another RM can neither add to nor change this client's holdings.
    assert!(matches!(
        w.store.add_holding(&w.rm2, c, &hold(p, "1")),
        Err(StoreError::NotFound)
    ));
    let h2 = w.store.add_holding(&w.rm1, c, &hold(p, "5")).expect("add");
    assert!(matches!(
        w.store.change_holding(&w.rm2, h2, "6", ""),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.add_holding(&w.admin, c, &hold(p, "1")),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn maturities_in_the_next_seven_days_and_their_follow_up_task() {
    let mut w = world();
    let p = w
        .store
        .create_product(&w.admin, &product("DEP", "R1", ""))
        .expect("product");
    let c = client(&mut w.store, &w.rm1, "赵六", 1, "C1", "2026-06-01");
    let other = client(&mut w.store, &w.rm2, "钱七", 2, "C1", "2026-06-01");
    let mut add = |who: &Actor, client: i64, maturity: &str| {
        let h = NewHolding {
            input: HoldingInput {
                amount: "1000".into(),
                maturity_date: maturity.into(),
                ..HoldingInput::default()
            },
            ..hold(p, "1000")
        };
        w.store.add_holding(who, client, &h).expect("holding")
    };
    let rm1 = w.rm1.clone();
    let rm2 = w.rm2.clone();
    let today_h = add(&rm1, c, "2026-11-23");
    let last_day = add(&rm1, c, "2026-11-30");
    add(&rm1, c, "2026-12-01");
    add(&rm2, other, "2026-11-25");
    let today = rmdesk::domain::client::parse_date("2026-11-23").expect("date");
    let list = w.store.maturing_holdings(&w.rm1, today, 7).expect("list");
    let ids: Vec<i64> = list.iter().map(|m| m.holding_id).collect();
    assert_eq!(
        ids,
        [today_h, last_day],
        "today to today + 7, own clients only"
    );
    assert_eq!(list[0].client_name, "赵六");
    assert_eq!(list[0].amount, dec("1000"));
    let task = w
        .store
        .create_maturity_task(&w.rm1, last_day, "Maturity: call 赵六")
        .expect("task");
    assert!(matches!(
        w.store.create_maturity_task(&w.rm1, last_day, "again"),
        Err(StoreError::Conflict {
            key: "err.conflict.maturity_task",
            ..
        })
    ));
    assert!(matches!(
        w.store.create_maturity_task(&w.rm2, today_h, "not mine"),
        Err(StoreError::NotFound)
    ));
    let list = w.store.maturing_holdings(&w.rm1, today, 7).expect("list");
    assert_eq!(list[1].task_id, Some(task));
    let tasks = w.store.client_open_tasks(&w.rm1, c, 10).expect("tasks");
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        (tasks[0].title.as_str(), tasks[0].due_date.as_str()),
        ("Maturity: call 赵六", "2026-11-30")
    );
    assert!(w
        .store
        .maturing_holdings(&w.admin, today, 7)
        .expect("admin")
        .is_empty());
}
