//! Next best product: never a product that does not suit the client or that they hold;
//! each suggestion's reason (campaign, reinvest, idle deposit, peers) from real data.
mod common;

use common::marketing::{campaign, world};
use rmdesk::domain::campaign::SegmentInput;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::next_best::Reason;

fn product(code: &str, category: &str, risk: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: format!("Product {code}"),
        category: category.into(),
        risk_level: risk.into(),
        ..ProductInput::default()
    }
}

fn holding(product_id: i64, amount: &str, maturity: &str) -> NewHolding {
    NewHolding {
        product_id,
        input: HoldingInput {
            amount: amount.into(),
            maturity_date: maturity.into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    }
}

#[test]
fn suggestions_suit_the_client_are_not_held_and_say_why() {
    let mut w = world();
    let admin = w.store.login("admin", common::PASSWORD).expect("admin");
    for p in [
        product("DEP1", "deposit", "R1"),
        product("DEP2", "deposit", "R1"),
        product("FND5", "fund", "R5"),
        product("BND2", "bond", "R2"),
    ] {
        w.store.create_product(&admin, &p).expect("product");
    }
    let products = w
        .store
        .products(&w.rm1, &Default::default())
        .expect("products");
    let id = |code: &str| products.iter().find(|p| p.code == code).expect(code).id;
    // A (C4, rm1): a deposit of 300,000 maturing in 10 days.
    let a = w.clients[0].0;
    w.store
        .add_holding(&w.rm1, a, &holding(id("DEP1"), "300000", "2026-12-03"))
        .expect("deposit");
    let s = w.store.next_best_products(&w.rm1, a).expect("suggest");
    let got: Vec<(&str, &Reason)> = s
        .iter()
        .map(|s| (s.product.code.as_str(), &s.reason))
        .collect();
    // DEP1 is held; FND5 (R5) does not suit a C4 client. Reinvest in a deposit first,
    // then the idle deposit into a bond or wealth product.
    assert_eq!(got.len(), 2, "no peer of A's level holds anything: {got:?}");
    assert_eq!(
        got[0],
        (
            "DEP2",
            &Reason::Reinvest {
                product: "DEP1".into(),
                on: chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date")
            }
        )
    );
    assert!(matches!(got[1].1, Reason::IdleDeposit { .. }), "{got:?}");
    assert_eq!(got[1].0, "BND2", "by risk, then code: the bond before WM3");
    for s in &s {
        assert_ne!(s.product.code, "DEP1", "never held");
        assert_ne!(s.product.code, "FND5", "never unsuitable");
    }

    // B (C1): only R1 products suit; G has no assessment: nothing at all.
    let b = w.clients[1].0;
    let codes: Vec<String> = w
        .store
        .next_best_products(&w.rm1, b)
        .expect("B")
        .into_iter()
        .map(|s| s.product.code)
        .collect();
    assert!(codes.iter().all(|c| c.starts_with("DEP")), "{codes:?}");
    assert!(w
        .store
        .next_best_products(&w.rm3, w.clients[6].0)
        .expect("G")
        .is_empty());
    // Another RM's client is not theirs to ask about.
    assert!(w.store.next_best_products(&w.rm3, a).is_err());
}

#[test]
fn a_campaigns_product_comes_first_and_peers_holdings_give_a_share() {
    let mut w = world();
    let mid = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
        .expect("save");
    w.store.launch_campaign(&w.mgr, mid).expect("launch");
    let admin = w.store.login("admin", common::PASSWORD).expect("admin");
    w.store
        .create_product(&admin, &product("BND2", "bond", "R2"))
        .expect("bond");
    let products = w
        .store
        .products(&w.rm1, &Default::default())
        .expect("products");
    let bond = products.iter().find(|p| p.code == "BND2").expect("bond").id;
    // F (rm3, C5) holds the bond; H (rm3, C3) is F's peer? No: tiers agree (general)
    // but levels differ. A (C4) has no peer of its level holding anything.
    w.store
        .add_holding(&w.rm3, w.clients[5].0, &holding(bond, "10000", ""))
        .expect("F holds the bond");
    let f = w
        .store
        .next_best_products(&w.rm3, w.clients[7].0)
        .expect("H");
    assert_eq!(f[0].product.code, "WM3");
    assert_eq!(
        f[0].reason,
        Reason::Campaign {
            name: "Year-end wealth".into()
        }
    );
    assert!(
        f.iter().all(|s| !matches!(s.reason, Reason::Peers { .. })),
        "{f:?}"
    );

    // C (C5, rm1) is F's peer: general tier, C5, same branch; F is the only other C5.
    let c = w.clients[2].0;
    let s = w.store.next_best_products(&w.rm1, c).expect("C");
    assert!(
        s.iter()
            .any(|s| s.product.code == "BND2" && s.reason == Reason::Peers { pct: 100 }),
        "{s:?}"
    );
    // C is not a target (no consent): no campaign reason for C.
    assert!(s
        .iter()
        .all(|s| !matches!(s.reason, Reason::Campaign { .. })));
    // A page (the product screen's list) gives each client what the 360 view gives,
    // the peers of a group read once for the page; a client of another RM is refused.
    let page: Vec<i64> = w.clients.iter().take(4).map(|c| c.0).collect();
    let got = w.store.next_best_page(&w.rm1, &page).expect("page");
    assert_eq!(got.len(), 4);
    for (id, suggestions) in &got {
        assert_eq!(
            suggestions,
            &w.store.next_best_products(&w.rm1, *id).expect("one"),
            "client {id}"
        );
    }
    assert!(got
        .iter()
        .any(|(id, s)| *id == c && s.iter().any(|s| s.product.code == "BND2")));
    assert!(w.store.next_best_page(&w.rm1, &[w.clients[5].0]).is_err());
}
