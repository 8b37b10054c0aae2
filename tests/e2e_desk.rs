//! End to end in a real terminal, the manager's desk: rm1 asks for a tier override from a
//! client's 360 view (`R`); mgr1 sees it pending on the Team screen (F9, approvals) and
//! approves it; rm1 sees the new tier and its reason in the 360 view; mgr1 hands all of
//! rm1's clients to rm3 and rm4 with a reason (`h`), each receiver gets one; rm3 sees
//! "Handed over from RM1" in the client's 360 view. The real binary in tmux, on the
//! tests' fixed clock.
mod common;

use common::tmux::Tmux;
use common::{add_branch_rms, seeded, PASSWORD};
use rmdesk::domain::client::ClientInput;

/// Branch 0101: mgr1, rm1 (李娜 C000000001, 王伟 C000000002), rm3 and rm4 (no clients).
fn setup(db: &std::path::Path) {
    let (mut store, admin) = seeded(db);
    add_branch_rms(&mut store, &admin, &["rm3", "rm4"]);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    for (i, name) in ["李娜", "王伟"].iter().enumerate() {
        let input = ClientInput {
            kind: "individual".into(),
            name: (*name).into(),
            id_type: "passport".into(),
            id_number: format!("E{i:08}"),
            status: "active".into(),
            ..ClientInput::default()
        };
        store.create_client(&rm1, &input, true).expect("client");
    }
}

#[test]
fn a_tier_request_approved_then_a_hand_over_seen_by_the_receiver() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    setup(&db);
    let t = Tmux::start(dir.path(), "e2e-desk", 100, 30);

    // rm1 asks for 李娜 to be a core client.
    t.start_as(dir.path(), &db, "rm1");
    t.keys(&["F3"]);
    t.wait_for("Clients (2)");
    t.keys(&["Enter"]);
    let view = t.wait_for("C000000001 · 李娜");
    assert!(view.contains("Tier General"), "{view}");
    t.keys(&["R"]);
    t.wait_for("Request for C000000001 李娜");
    // Kind: tier (first); tier wanted: core (the default); product; reason.
    t.keys(&["Tab", "Tab", "Tab"]);
    t.type_text("家族资产转入");
    t.keys(&["C-s"]);
    t.wait_for("Request #1 filed");
    t.keys(&["C-q"]);

    // mgr1 sees it pending on home, then with the client beside, and approves it.
    t.start_as(dir.path(), &db, "mgr1");
    let home = t.wait_for("Approvals pending: 1");
    assert!(home.contains("C000000001"), "{home}");
    t.keys(&["F9"]);
    t.wait_for("rm1");
    t.keys(&["Tab"]);
    let pending = t.wait_for("Approvals (1)");
    assert!(
        pending.contains("C000000001") && pending.contains("家族资产转入"),
        "{pending}"
    );
    t.keys(&["Enter"]);
    t.wait_for("Request #1");
    t.keys(&["C-s"]); // approve (the default)
    t.wait_for("Request #1 approved and applied.");
    t.keys(&["C-q"]);

    // rm1 sees the outcome on home, then the new tier and why.
    t.start_as(dir.path(), &db, "rm1");
    let home = t.wait_for("Your requests (pending, and decided in the last 14 days): 1");
    assert!(
        home.contains("Approved") && home.contains("#1") && home.contains("C000000001"),
        "{home}"
    );
    t.keys(&["F3"]);
    t.wait_for("Clients (2)");
    t.keys(&["Enter"]);
    let view = t.wait_for("C000000001 · 李娜");
    assert!(
        view.contains("Tier Core") && view.contains("家族资产转入"),
        "{view}"
    );
    t.keys(&["C-q"]);

    // mgr1 hands all of rm1's clients to rm3 and rm4: rotation, with its text.
    t.start_as(dir.path(), &db, "mgr1");
    t.keys(&["F9"]);
    let team = t.wait_for("rm3");
    assert!(team.contains("▶ rm1"), "rm1 is selected first:\n{team}");
    t.keys(&["h"]);
    t.wait_for("Hand over 2 client(s) of rm1");
    t.type_text("rm3,rm4");
    t.keys(&["Tab", "Tab", "Tab"]); // clients (empty: all), reason (rotation), its text
    t.type_text("三年轮岗");
    t.keys(&["C-s"]);
    let done = t.wait_for("2 client(s) of rm1 handed over");
    assert!(
        done.contains("to rm3: 1 client(s)") && done.contains("to rm4: 1 client(s)"),
        "{done}"
    );
    t.keys(&["Escape", "Tab", "Tab"]); // the ledger
    let ledger = t.wait_for("Rotation");
    assert!(
        ledger.contains("rm3,rm4") || ledger.contains("rm4,rm3"),
        "{ledger}"
    );
    t.keys(&["C-q"]);

    // rm3 opens the client received and sees where it came from.
    t.start_as(dir.path(), &db, "rm3");
    t.keys(&["F3"]);
    t.wait_for("Clients (1)");
    t.keys(&["Enter"]);
    t.wait_for("Handed over from RM1 on 2026-11-23");
    t.keys(&["C-q"]);
    t.wait_for_prompt();
}
