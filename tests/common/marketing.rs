//! A small branch for the campaign tests: two RMs, eight clients of known consent and
//! risk level, one R3 product.
use super::*;
use rmdesk::domain::campaign::{CampaignInput, SegmentInput};
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::ProductInput;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::users::NewUser;
use rmdesk::store::{Actor, Role, Store};

pub struct World {
    pub _dir: tempfile::TempDir,
    pub store: Store,
    pub mgr: Actor,
    pub rm1: Actor,
    pub rm3: Actor,
    pub mgr2: Actor,
    /// (id, name) of every client made, in order.
    pub clients: Vec<(i64, String)>,
}

/// Branch 0101 with rm1 and rm3. Clients (owner, consent, risk level):
/// rm1: A yes C4, B yes C1, C no C5, D unknown C4, E yes C3 (closed later: never a target)
/// rm3: F yes C5, G yes (no assessment), H yes C3
pub fn world() -> World {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mgr = store.login("mgr1", PASSWORD).expect("mgr1");
    let b1 = mgr.branch_id.expect("branch");
    let u = NewUser {
        username: "rm3".into(),
        display_name: "RM3".into(),
        role: Role::Rm,
        branch_id: Some(b1),
        password: "initial-password-x".into(),
    };
    store.create_user(&admin, &u).expect("rm3");
    let mut rm3 = store.login("rm3", "initial-password-x").expect("login");
    store
        .change_own_password(&mut rm3, "initial-password-x", PASSWORD)
        .expect("password");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr2 = store.login("mgr2", PASSWORD).expect("mgr2");
    let mut clients = Vec::new();
    let rows = [
        ("A", &rm1, "yes", "C4"),
        ("B", &rm1, "yes", "C1"),
        ("C", &rm1, "no", "C5"),
        ("D", &rm1, "unknown", "C4"),
        ("E", &rm1, "yes", "C3"),
        ("F", &rm3, "yes", "C5"),
        ("G", &rm3, "yes", ""),
        ("H", &rm3, "yes", "C3"),
    ];
    for (i, (name, owner, consent, risk)) in rows.iter().enumerate() {
        let input = ClientInput {
            kind: "individual".into(),
            name: format!("Client {name}"),
            id_type: "passport".into(),
            id_number: format!("E1234567{i}"),
            mobile: format!("1381234567{i}"),
            marketing_consent: (*consent).into(),
            risk_level: (*risk).into(),
            risk_assessed_on: if risk.is_empty() {
                String::new()
            } else {
                "2026-06-01".into()
            },
            status: "active".into(),
            ..ClientInput::default()
        };
        let Ok(SaveOutcome::Saved(id)) = store.create_client(owner, &input, true) else {
            panic!("client {name}");
        };
        clients.push((id, format!("Client {name}")));
    }
    let mut closed = store.client_for_edit(&rm1, clients[4].0).expect("edit");
    closed.status = "closed".into();
    store
        .update_client(&rm1, clients[4].0, &closed, true)
        .expect("close E");
    let product = ProductInput {
        code: "WM3".into(),
        name: "Balanced wealth".into(),
        category: "wealth".into(),
        risk_level: "R3".into(),
        ..ProductInput::default()
    };
    store.create_product(&admin, &product).expect("product");
    World {
        _dir: dir,
        store,
        mgr,
        rm1,
        rm3,
        mgr2,
        clients,
    }
}

pub fn campaign(product: &str, segment: SegmentInput) -> CampaignInput {
    CampaignInput {
        name: "Year-end wealth".into(),
        goal: "Move idle deposits".into(),
        starts_on: "2026-11-23".into(),
        ends_on: "2026-12-31".into(),
        product: product.into(),
        segment,
    }
}
