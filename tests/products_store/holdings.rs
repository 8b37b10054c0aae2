//! Holdings: exact sums, no float in money paths, minimums, windows and currency, the
//! tier in the same transaction, maturities and their follow-up task.
use super::*;

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
