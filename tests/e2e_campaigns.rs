//! End to end in a real terminal: the manager creates and launches a campaign, rm1 sees
//! its task on home, records a holding of the campaign's product and the outcome "sold"
//! with it, and the campaign's results show the sale — the real binary in tmux.
mod common;

use common::marketing::{world, World};
use common::tmux::Tmux;
use common::PASSWORD;

#[test]
fn a_campaign_from_launch_to_a_sale_in_a_real_terminal() {
    let World {
        _dir: dir, store, ..
    } = world();
    let db = store.path().to_path_buf();
    drop(store);

    let t = Tmux::start(dir.path(), "e2e-campaigns", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("mgr1", PASSWORD, "Welcome, MGR1");
    t.keys(&["F10"]);
    t.wait_for("Campaigns (0)");
    t.keys(&["n"]);
    t.wait_for("New campaign");
    t.type_text("Year-end wealth");
    // Ends on: today, so the targets' tasks are due today.
    t.keys(&["Tab", "Tab", "Tab"]);
    for _ in 0..10 {
        t.keys(&["BSpace"]);
    }
    t.type_text("2026-11-23");
    t.keys(&["Tab", "Right"]);
    t.wait_for("Matching 7: 2 without consent, 2 unsuitable — 3 targets");
    t.keys(&["C-s"]);
    t.wait_for("Campaign saved.");
    t.keys(&["l"]);
    t.wait_for("3 targets are frozen");
    t.keys(&["y"]);
    t.wait_for("Campaign launched: 3 targets.");
    t.keys(&["C-q"]);
    t.wait_for_prompt();

    t.launch(dir.path(), &db);
    t.sign_in("rm1", PASSWORD, "Welcome, RM1");
    let home = t.wait_for("Year-end wealth");
    assert!(
        home.contains("Client A"),
        "the task for the target is on home:\n{home}"
    );
    // The sale: a holding of WM3 for Client A from the product screen.
    t.keys(&["F5"]);
    t.wait_for("Products (1)");
    t.keys(&["Enter"]);
    t.wait_for("Your clients it suits (3");
    t.keys(&["a"]);
    t.wait_for("New holding · C000000001 Client A");
    t.type_text("88,000");
    t.keys(&["C-s"]);
    t.wait_for("AUM and tier updated");
    // The outcome: sold, with that holding.
    t.keys(&["F10"]);
    t.wait_for("Campaigns (1)");
    t.keys(&["Enter"]);
    t.wait_for("Targets (1)");
    t.keys(&["o"]);
    t.wait_for("Outcome: C000000001 Client A");
    t.keys(&["Right", "Right", "Right", "C-s"]);
    t.wait_for("Sold needs an open holding");
    t.keys(&["Right", "C-s"]);
    let done = t.wait_for("Outcome recorded.");
    assert!(done.contains("¥88,000.00"), "{done}");
    t.keys(&["C-q"]);
    t.wait_for_prompt();

    t.launch(dir.path(), &db);
    t.sign_in("mgr1", PASSWORD, "Welcome, MGR1");
    t.keys(&["F10"]);
    t.wait_for("Campaigns (1)");
    t.keys(&["Enter"]);
    let results = t.wait_for("Results per RM");
    assert!(
        results.contains("conversion 33%") && results.contains("sold ¥88,000.00"),
        "{results}"
    );
    assert!(
        results.contains("1 (100%)"),
        "rm1 sold to their one target:\n{results}"
    );
    t.keys(&["C-q"]);
    t.wait_for_prompt();
}
