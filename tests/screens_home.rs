//! Home's kinds on screen (TestBackend + insta, English and Chinese at 80×24): the
//! manager's pending approvals, RMs with overdue work, visits to check by return call and
//! the branch's clients at risk of leaving; the RM's request outcomes, clients new to them
//! and their clients at risk; each kind's title opening its full list.
mod common;

use common::desk::{desk, open};
use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::visit::VisitInput;
use rmdesk::tui::i18n::Lang;

/// Branch 0101: mgr1, rm1 (王伟, 李娜 dormant), rm3 (赵强, handed over to rm1); a tier
/// request of rm1 pending, a task given to rm1 overdue, a visit of rm1 yesterday.
fn world(path: &std::path::Path) {
    let mut d = desk(path);
    let (rm1, rm3) = (d.rm1.clone(), d.rm3.clone());
    let wang = d.client(&rm1, "王伟", 1, "active");
    d.client(&rm1, "李娜", 3, "dormant");
    d.client(&rm3, "赵强", 4, "active");
    d.request_and_task(wang);
    d.store
        .record_visit(
            &rm1,
            wang,
            &VisitInput {
                visited_at: "2026-11-22 10:00".into(),
                channel: "branch".into(),
                purpose: "Annual review".into(),
                summary: "Reviewed the portfolio".into(),
                ..VisitInput::default()
            },
        )
        .expect("visit");
    d.hand_over_rm3();
}

/// The line holding `needle` (its index on screen).
fn line_of(screen: &str, needle: &str) -> usize {
    screen
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} missing:\n{screen}"))
}

#[test]
fn the_managers_home_has_the_desks_kinds_and_each_opens_its_list() {
    let (_dir, path) = temp_db();
    world(&path);
    for lang in [Lang::En, Lang::ZhCn] {
        let mut app = open(&path, lang, "mgr1");
        let home = render(&app, 80, 24);
        insta::assert_snapshot!(format!("home_manager_{}", lang_name(lang)), home);
        if lang != Lang::En {
            continue;
        }
        // Approvals first; then the RMs with overdue work; the visits to check; churn.
        let approvals = line_of(&home, "Approvals pending: 1");
        let team = line_of(&home, "RMs with overdue work: 1");
        let check = line_of(
            &home,
            "Visits of the last 7 days to check by return call: 1",
        );
        let churn = line_of(&home, "At risk of leaving, among the branch's 1000 largest");
        assert!(approvals < team && team < check && check < churn, "{home}");
        assert!(home.contains("1 overdue task(s)"), "{home}");
        assert!(home.contains("李娜"), "the dormant client: {home}");
        // Enter on the approvals' title opens the Team screen's approvals.
        app.on_key(key(KeyCode::Enter));
        let opened = render(&app, 80, 24);
        assert!(
            opened.contains("rmdesk · Team") && opened.contains("Pending"),
            "{opened}"
        );
        // The visits to check open F4 filtered to the unchecked visits of 7 days.
        app.on_key(key(KeyCode::F(2)));
        let lines = check - approvals;
        app.on_key(key(KeyCode::Home));
        for _ in 0..lines {
            app.on_key(key(KeyCode::Down));
        }
        app.on_key(key(KeyCode::Enter));
        let visits = render(&app, 80, 24);
        assert!(
            visits.contains("rmdesk · Visits & feedback")
                && visits.contains("2026-11-16")
                && visits.contains("王伟"),
            "{visits}"
        );
        // Churn opens F7's churn warnings.
        app.on_key(key(KeyCode::F(2)));
        app.on_key(key(KeyCode::End));
        app.on_key(key(KeyCode::Up));
        app.on_key(key(KeyCode::Enter));
        let report = render(&app, 80, 24);
        assert!(
            report.contains("rmdesk · Reports") && report.contains("李娜"),
            "{report}"
        );
    }
}

#[test]
fn the_rms_home_has_their_outcomes_new_clients_and_those_at_risk() {
    let (_dir, path) = temp_db();
    world(&path);
    for lang in [Lang::En, Lang::ZhCn] {
        let mut app = open(&path, lang, "rm1");
        let home = render(&app, 80, 24);
        insta::assert_snapshot!(format!("home_rm_{}", lang_name(lang)), home);
        if lang != Lang::En {
            continue;
        }
        let overdue = line_of(&home, "Overdue tasks: 1");
        let outcomes = line_of(&home, "Your requests");
        let new = line_of(&home, "New to you, until first contact: 1");
        let churn = line_of(&home, "At risk of leaving, among your 1000 largest");
        assert!(
            overdue < outcomes && outcomes < new && new < churn,
            "{home}"
        );
        assert!(home.contains("From 赵三 Zhao on 2026-11-23"), "{home}");
        // "New to you" opens its own list on home; its line opens the client.
        app.on_key(key(KeyCode::Home));
        for _ in 0..new {
            app.on_key(key(KeyCode::Down));
        }
        // The title is `new` lines below the first line of the list, which starts 3
        // lines down the screen.
        for _ in 0..3 {
            app.on_key(key(KeyCode::Up));
        }
        app.on_key(key(KeyCode::Enter));
        let own = render(&app, 80, 24);
        assert!(
            own.contains("New to you, until first contact: 1") && !own.contains("Overdue tasks"),
            "{own}"
        );
        app.on_key(key(KeyCode::Enter));
        let client = render(&app, 80, 24);
        assert!(client.contains("赵强"), "{client}");
    }
}
