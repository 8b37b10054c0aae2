//! End to end in a real terminal: an RM opens a client (F3, Enter), presses `v`, records
//! a visit with a two-line Chinese summary and a follow-up next Tuesday, and sees the
//! follow-up among the client's open tasks in the 360 view; then files a complaint about
//! the client (`c`), sees it open on the feedback tab of F4, resolves it and closes it.
//! The real binary in tmux.
mod common;

use chrono::{Datelike, Days, Weekday};
use common::tmux::Tmux;
use common::{seeded, PASSWORD};
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::ids::resident_id_check_char;

#[test]
fn an_rm_records_a_visit_with_a_follow_up_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    {
        let (mut store, _admin) = seeded(&db);
        // The binary runs on the same fixed clock (common::clock_env).
        let rm1 = store.login("rm1", PASSWORD).expect("rm1");
        let first17 = "32010619880215002";
        let input = ClientInput {
            kind: "individual".into(),
            name: "林黛玉".into(),
            id_type: "resident_id".into(),
            id_number: format!(
                "{first17}{}",
                resident_id_check_char(first17).expect("17 digits")
            ),
            mobile: "13912345678".into(),
            status: "active".into(),
            ..ClientInput::default()
        };
        store.create_client(&rm1, &input, true).expect("client");
    }
    // Next Tuesday (a week on when today is a Tuesday).
    let today = common::today();
    let ahead =
        (7 + Weekday::Tue.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
    let ahead = if ahead == 0 { 7 } else { ahead };
    let tuesday = today
        .checked_add_days(Days::new(u64::from(ahead)))
        .expect("a date")
        .to_string();

    let t = Tmux::start(dir.path(), "e2e-visits", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("rm1", PASSWORD, "Welcome, RM1");

    t.keys(&["F3"]);
    t.wait_for("Clients (1)");
    t.keys(&["Enter"]);
    let view = t.wait_for("C000000001 · 林黛玉");
    assert!(view.contains("No open tasks."), "{view}");

    t.keys(&["v"]);
    t.wait_for("Record visit · C000000001 林黛玉");
    t.keys(&["Tab", "Tab"]); // channel, purpose
    t.type_text("季度回访");
    t.keys(&["Tab"]);
    t.type_text("客户关心存款利率");
    t.keys(&["Enter"]);
    t.type_text("计划下周介绍理财产品");
    t.keys(&["Tab", "Tab"]); // outcome, next step
    t.type_text("介绍理财产品");
    t.keys(&["Tab"]);
    t.type_text(&tuesday);
    let form = t.wait_for(&tuesday);
    assert!(
        form.contains("客户关心存款利率") && form.contains("计划下周介绍理财产品"),
        "the two summary lines:\n{form}"
    );
    t.keys(&["C-s"]);
    let saved = t.wait_for("Visit to C000000001 recorded");
    let task = format!("{tuesday} 介绍理财产品");
    assert!(
        saved.contains(&task),
        "the follow-up among the open tasks:\n{saved}"
    );
    assert!(saved.contains("季度回访"), "the visit:\n{saved}");

    // A complaint about the same client, filed from the 360 view.
    t.keys(&["c"]);
    t.wait_for("Feedback · C000000001 林黛玉");
    t.keys(&["Tab", "Tab", "Tab"]); // received, channel, description
    t.type_text("理财到期资金未按时到账");
    t.keys(&["C-s"]);
    let filed = t.wait_for("Feedback filed.");
    assert!(
        filed.contains("Complaint · Open ·") && filed.contains("理财到期资金未按时到账"),
        "the complaint in the 360 view:\n{filed}"
    );

    // On the feedback tab of F4 it is open; resolve it, then close it.
    t.keys(&["F4"]);
    t.wait_for("Visits (1)");
    t.keys(&["Tab"]);
    let list = t.wait_for("Feedback (1)");
    assert!(list.contains("Open"), "{list}");
    t.keys(&["e"]);
    t.wait_for("Handle feedback · C000000001 林黛玉");
    t.keys(&["Right", "Right", "Tab", "Tab"]); // resolved; the resolution
    t.type_text("已核实并补发资金，致电客户说明");
    t.keys(&["C-s"]);
    let resolved = t.wait_for("Feedback updated.");
    assert!(resolved.contains("Resolved"), "{resolved}");
    t.keys(&["e"]);
    t.wait_for("Handle feedback");
    t.keys(&["Right", "C-s"]); // closed
    t.wait_for("Closed");
    t.keys(&["Enter"]);
    let detail = t.wait_for("已核实并补发资金");
    assert!(detail.contains("Closed"), "{detail}");
    t.keys(&["Escape"]);

    t.keys(&["C-q"]);
    t.wait_for_prompt();
}
