//! End to end in a real terminal: an RM opens an R4 product, sees their C5 client listed
//! and their C2 client not, records a holding for the C5 client, and the client's AUM
//! and tier change — the real binary in tmux (driven with `send-keys`, read with
//! `capture-pane`). Without tmux this test fails and says so.
mod common;

use common::tmux::Tmux;
use common::{seeded, PASSWORD};
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::ProductInput;
use rmdesk::store::clients::SaveOutcome;

#[test]
fn an_rm_records_a_holding_of_an_r4_product_for_a_c5_client_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    {
        let (mut store, admin) = seeded(&db);
        let r4 = ProductInput {
            code: "WM-R4-1Y".into(),
            name: "权益增强一年 Equity enhanced".into(),
            category: "wealth".into(),
            risk_level: "R4".into(),
            min_amount: "50,000".into(),
            term_days: "365".into(),
            ..ProductInput::default()
        };
        store.create_product(&admin, &r4).expect("product");
        let rm1 = store.login("rm1", PASSWORD).expect("rm1");
        // The day before the fixed clock's date, which the binary runs on too.
        let assessed = (common::today() - chrono::Days::new(1)).to_string();
        for (name, passport, level) in
            [("欧阳锋", "E10000001", "C5"), ("黄药师", "E10000002", "C2")]
        {
            let c = ClientInput {
                kind: "individual".into(),
                name: name.into(),
                id_type: "passport".into(),
                id_number: passport.into(),
                risk_level: level.into(),
                risk_assessed_on: assessed.clone(),
                status: "active".into(),
                ..ClientInput::default()
            };
            assert!(matches!(
                store.create_client(&rm1, &c, true).expect("client"),
                SaveOutcome::Saved(_)
            ));
        }
    }

    let t = Tmux::start(dir.path(), "e2e-products", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("rm1", PASSWORD, "Welcome, RM1");

    // F5: the catalogue; / finds the R4 product; Enter opens it.
    t.keys(&["F5"]);
    t.wait_for("Products (1)");
    t.keys(&["/"]);
    t.type_text("WM-R4");
    t.keys(&["Enter"]);
    let product = t.wait_for("Your clients it suits (1, C4–C5");
    assert!(
        product.contains("欧阳锋"),
        "the C5 client is listed:\n{product}"
    );
    assert!(
        !product.contains("黄药师"),
        "the C2 client is not:\n{product}"
    );
    assert!(
        product.contains("General") && product.contains("¥0.00"),
        "{product}"
    );

    // a: a holding of the product for the selected client.
    t.keys(&["a"]);
    t.wait_for("New holding · C000000001 欧阳锋");
    t.type_text("1,200,000.50");
    t.keys(&["C-s"]);
    let saved = t.wait_for("AUM and tier updated");
    assert!(
        saved.contains("Core") && saved.contains("¥1,200,000.50"),
        "the client's tier and AUM changed:\n{saved}"
    );

    // The client's 360 view shows the holding, the AUM and the tier.
    // By name in pinyin order: 黄药师 (huang), then 欧阳锋 (ouyang).
    t.keys(&["F3"]);
    t.wait_for("Clients (2)");
    t.keys(&["Down", "Enter"]);
    let c360 = t.wait_for("C000000001 · 欧阳锋");
    assert!(
        c360.contains("Core") && c360.contains("AUM ¥1,200,000.50"),
        "{c360}"
    );
    assert!(c360.contains("Holdings (1)"), "{c360}");

    t.keys(&["C-q"]);
    t.wait_for_prompt();

    common::assert_checks_clean(dir.path(), &db);
}
