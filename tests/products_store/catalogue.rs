//! The product catalogue: edited by administrators only, read by all, filtered and searched.
use super::*;

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
