//! The manager's desk on screen (TestBackend + insta, English and Chinese at 80×24): the
//! Team screen, the approvals list and a decision, the hand-over dialog and its result,
//! the ledger; the client picker of the visit form's client field.
mod common;

use common::desk::{desk, open};
use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::Tier;
use rmdesk::domain::desk::HandoverReason;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::{FixedClock, Store};
use rmdesk::tui::i18n::Lang;

/// Branch 0101: mgr1, rm1 (王伟, 王伟洋, 李娜), rm3 (赵强); a tier request of rm1 pending,
/// a task given to rm1 overdue, one earlier hand-over from rm3 to rm1.
fn world(path: &std::path::Path) {
    let mut d = desk(path);
    let (rm1, rm3) = (d.rm1.clone(), d.rm3.clone());
    let wang = d.client(&rm1, "王伟", 1, "active");
    d.client(&rm1, "王伟洋", 2, "active");
    d.client(&rm1, "李娜", 3, "active");
    d.client(&rm3, "赵强", 4, "active");
    d.request_and_task(wang);
    d.hand_over_rm3();
}

/// The Team screen (F9) of mgr1 on the database at `path`.
fn team_screen(path: &std::path::Path, lang: Lang) -> rmdesk::tui::App {
    let mut app = open(path, lang, "mgr1");
    app.on_key(key(KeyCode::F(9)));
    app
}

#[test]
fn the_team_screen_the_approvals_and_the_ledger() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        world(&path);
        let l = lang_name(lang);
        let mut app = team_screen(&path, lang);
        let team = render(&app, 80, 24);
        insta::assert_snapshot!(format!("desk_team_{l}"), team);
        app.on_key(key(KeyCode::Tab));
        let approvals = render(&app, 80, 24);
        insta::assert_snapshot!(format!("desk_approvals_{l}"), approvals);
        // Enter decides: approve, with a note.
        app.on_key(key(KeyCode::Enter));
        app.on_key(key(KeyCode::Tab));
        type_text(&mut app, "ok");
        insta::assert_snapshot!(format!("desk_decide_{l}"), render(&app, 80, 24));
        app.on_key(ctrl('s'));
        let after = render(&app, 80, 24);
        assert!(
            !after.contains("Family office") || !after.contains("Pending"),
            "{after}"
        );
        app.on_key(key(KeyCode::Tab));
        insta::assert_snapshot!(format!("desk_ledger_{l}"), render(&app, 80, 24));
    }
    // The approval applied the tier.
    let (_dir, path) = temp_db();
    world(&path);
    let mut app = team_screen(&path, Lang::En);
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Enter));
    app.on_key(ctrl('s'));
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let wang = store.client_id_by_no(&rm1, "C000000001").expect("read");
    let wang = wang.expect("王伟 is C000000001");
    assert_eq!(store.client(&rm1, wang).expect("c").tier, Tier::Core);
}

#[test]
fn the_hand_over_dialog_asks_and_shows_what_moved() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        world(&path);
        let l = lang_name(lang);
        let mut app = team_screen(&path, lang);
        // RMs first, then managers: rm1 is selected.
        let team = render(&app, 80, 24);
        let rows: Vec<&str> = team.lines().collect();
        let at = |name: &str| rows.iter().position(|r| r.contains(name));
        assert!(at("▶ rm1") < at("rm3") && at("rm3") < at("mgr1"), "{team}");
        app.on_key(key(KeyCode::Char('h')));
        insta::assert_snapshot!(format!("desk_handover_dialog_{l}"), render(&app, 80, 24));
        // A receiver of another branch is refused at its field; nothing moves.
        type_text(&mut app, "rm2");
        app.on_key(ctrl('s'));
        let refused = wait_idle(&mut app);
        insta::assert_snapshot!(format!("desk_handover_refused_{l}"), refused);
        // rm3 receives them all.
        for _ in 0..3 {
            app.on_key(key(KeyCode::Backspace));
        }
        type_text(&mut app, "rm3");
        app.on_key(ctrl('s'));
        let done = wait_idle(&mut app);
        insta::assert_snapshot!(format!("desk_handover_done_{l}"), done);
    }
}

/// Ticks the app until no background work runs; the screen then.
fn wait_idle(app: &mut rmdesk::tui::App) -> String {
    settle(app);
    render(app, 80, 24)
}

#[test]
fn the_client_picker_lists_every_match_and_takes_none_by_itself() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        world(&path);
        let l = lang_name(lang);
        let mut app = open(&path, lang, "rm1");
        // F4, n: a visit for any client; typing in the client field opens the picker.
        app.on_key(key(KeyCode::F(4)));
        app.on_key(key(KeyCode::Char('n')));
        type_text(&mut app, "王伟");
        let picker = render(&app, 80, 24);
        insta::assert_snapshot!(format!("desk_picker_{l}"), picker);
        assert!(picker.contains("王伟洋"), "{picker}");
        // ↓ and Enter choose 王伟洋: its number is written into the field.
        app.on_key(key(KeyCode::Down));
        app.on_key(key(KeyCode::Enter));
        let chosen = render(&app, 80, 24);
        assert!(chosen.contains("C000000002"), "{chosen}");
    }
}

/// Opens a form with `open` keys, moves to its client field with `tabs` Tabs, types
/// `typed`, and chooses the picker's second match with ↓ Enter; the screen before and
/// after choosing.
fn pick_in(app: &mut rmdesk::tui::App, open: &[KeyCode], tabs: usize) -> (String, String) {
    for k in open {
        app.on_key(key(*k));
    }
    for _ in 0..tabs {
        app.on_key(key(KeyCode::Tab));
    }
    type_text(app, "王伟");
    let picking = render(app, 80, 24);
    app.on_key(key(KeyCode::Down));
    app.on_key(key(KeyCode::Enter));
    (picking, render(app, 80, 24))
}

#[test]
fn every_form_naming_a_client_opens_the_picker() {
    let (_dir, path) = temp_db();
    world(&path);
    // rm1: feedback for any client (F4, Tab to feedback, n), a task (F6, n: the client
    // field is the sixth), a take-over is by number (another RM's clients are not
    // searchable by an RM).
    let forms: [(&str, &[KeyCode], usize); 4] = [
        ("rm1", &[KeyCode::F(4), KeyCode::Tab, KeyCode::Char('n')], 0),
        ("rm1", &[KeyCode::F(6), KeyCode::Char('n')], 5),
        // mgr1 on F9: a task for rm1 (the client field is the fourth), and the hand-over
        // of rm1's clients narrowed to some (the second field).
        ("mgr1", &[KeyCode::F(9), KeyCode::Char('t')], 3),
        ("mgr1", &[KeyCode::F(9), KeyCode::Char('h')], 1),
    ];
    for (user, keys, tabs) in forms {
        let mut app = open(&path, Lang::En, user);
        let (picking, chosen) = pick_in(&mut app, keys, tabs);
        assert!(
            picking.contains("Choose a client")
                && picking.contains("C000000001")
                && picking.contains("王伟洋"),
            "{keys:?}: {picking}"
        );
        assert!(
            !chosen.contains("Choose a client") && chosen.contains("C000000002"),
            "{keys:?}: {chosen}"
        );
    }
    // The hand-over's clients field adds each client chosen.
    let mut app = open(&path, Lang::En, "mgr1");
    pick_in(&mut app, &[KeyCode::F(9), KeyCode::Char('h')], 1);
    type_text(&mut app, "王");
    app.on_key(key(KeyCode::Enter));
    let both = render(&app, 80, 24);
    assert!(both.contains("C000000002, C000000001"), "{both}");
}

#[test]
fn an_rm_asks_to_take_over_a_client_of_another_rm_from_the_client_list() {
    let (_dir, path) = temp_db();
    world(&path);
    // 赵强 (C000000004) goes back to rm3.
    {
        let mut store = Store::open(&path).expect("open");
        store.set_clock(Box::new(FixedClock(noon())));
        let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
        let spec = HandoverSpec {
            from: "rm1".into(),
            to: vec!["rm3".into()],
            which: Which::Numbers(vec!["C000000004".into()]),
            reason: HandoverReason::Rebalancing,
            reason_text: String::new(),
        };
        store.hand_over(&mgr1, &spec, &mut |_, _| {}).expect("back");
    }
    let mut app = open(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Char('R')));
    let form = render(&app, 80, 24);
    assert!(form.contains("Take over"), "{form}");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "C000000004");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "I know the family");
    app.on_key(ctrl('s'));
    let filed = render(&app, 80, 24);
    assert!(filed.contains("Request #2 filed"), "{filed}");
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let pending = store.requests(&mgr1, true).expect("pending");
    let asked = pending.iter().find(|r| r.id == 2).expect("request 2");
    assert_eq!(
        (
            asked.client_no.as_str(),
            asked.owner.as_str(),
            asked.reason.as_str()
        ),
        ("C000000004", "rm3", "I know the family")
    );
}

#[test]
fn a_task_given_by_the_manager_says_from_whom_in_the_rms_calendar() {
    let (_dir, path) = temp_db();
    world(&path);
    let mut app = open(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(6)));
    for _ in 0..3 {
        app.on_key(key(KeyCode::Left)); // Friday the 20th, when it was due
    }
    let day = render(&app, 100, 30);
    assert!(
        day.contains("Quarterly review") && day.contains("from MGR1"),
        "{day}"
    );
    app.on_key(key(KeyCode::Enter));
    let form = render(&app, 100, 30);
    assert!(
        form.contains("Task 1") && form.contains("Made by: manual · from MGR1"),
        "{form}"
    );
}
