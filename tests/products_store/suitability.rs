//! Suitability: the matrix through the store and the lists, the assessment's expiry,
//! the manager's audited override.
use super::*;

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
