//! Home's kinds on screen (TestBackend + insta, English and Chinese at 80×24): the
//! manager's pending approvals, RMs with overdue work, visits to check by return call and
//! the branch's clients at risk of leaving; the RM's request outcomes, clients new to them
//! and their clients at risk; each kind's title opening its full list.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::{ClientInput, Tier};
use rmdesk::domain::desk::HandoverReason;
use rmdesk::domain::task::TaskInput;
use rmdesk::domain::visit::VisitInput;
use rmdesk::store::approvals::Ask;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::users::NewUser;
use rmdesk::store::{FixedClock, Role, Store};
use rmdesk::tui::i18n::Lang;

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    }
}

/// Branch 0101: mgr1, rm1 (王伟, 李娜 dormant), rm3 (赵强, handed over to rm1); a tier
/// request of rm1 pending, a task given to rm1 overdue, a visit of rm1 yesterday.
fn world(path: &std::path::Path) {
    let (mut store, admin) = seeded(path);
    let b1 = store.branch_by_code("0101").expect("b").expect("0101").id;
    let u = NewUser {
        username: "rm3".into(),
        display_name: "赵三 Zhao".into(),
        role: Role::Rm,
        branch_id: Some(b1),
        password: "initial-password-x".into(),
    };
    store.create_user(&admin, &u).expect("rm3");
    let mut a = store.login("rm3", "initial-password-x").expect("login");
    store
        .change_own_password(&mut a, "initial-password-x", PASSWORD)
        .expect("change");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm3 = store.login("rm3", PASSWORD).expect("rm3");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let add = |store: &mut Store, who: &rmdesk::store::Actor, name: &str, n: u32, status: &str| {
        let input = ClientInput {
            kind: "individual".into(),
            name: name.into(),
            id_type: "passport".into(),
            id_number: format!("E{n:08}"),
            status: status.into(),
            ..ClientInput::default()
        };
        match store.create_client(who, &input, true).expect("client") {
            SaveOutcome::Saved(id) => id,
            SaveOutcome::PossibleMatches(_) => unreachable!(),
        }
    };
    let wang = add(&mut store, &rm1, "王伟", 1, "active");
    add(&mut store, &rm1, "李娜", 3, "dormant");
    add(&mut store, &rm3, "赵强", 4, "active");
    store
        .file_request(
            &rm1,
            &Ask::Tier {
                client_id: wang,
                tier: Tier::Core,
            },
            "Family office moving assets in",
        )
        .expect("request");
    store
        .give_task(
            &mgr1,
            "rm1",
            &TaskInput {
                title: "Quarterly review".into(),
                due_date: "2026-11-20".into(),
                ..TaskInput::default()
            },
        )
        .expect("task");
    store
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
    store
        .hand_over(
            &mgr1,
            &HandoverSpec {
                from: "rm3".into(),
                to: vec!["rm1".into()],
                which: Which::All,
                reason: HandoverReason::Leave,
                reason_text: "maternity leave".into(),
            },
            &mut |_, _| {},
        )
        .expect("hand-over");
}

fn open(path: &std::path::Path, lang: Lang, user: &str) -> rmdesk::tui::App {
    let mut store = Store::open(path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app
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
