//! Products and holdings in the store, on real temporary files: admin-only catalogue
//! edits, exact decimals, the minimum and sale-window rules, the suitability matrix and
//! the assessment's expiry day, overrides, tiers following holdings, maturities.
mod catalogue;
#[path = "../common/mod.rs"]
mod common;
mod holdings;
mod suitability;

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
