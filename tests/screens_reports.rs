//! Reports (F7): the performance, value and churn tabs with their charts and tables,
//! in English and Chinese at 80×24 and 120×40; the period and ranking keys; Enter on a
//! client opens it; the help carries the definitions. The clock is fixed at local noon,
//! 2026-11-23.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::task::TaskInput;
use rmdesk::domain::visit::VisitInput;
use rmdesk::store::{Actor, FixedClock, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

fn client(store: &mut Store, rm: &Actor, name: &str, n: u32, status: &str) -> i64 {
    let input = ClientInput {
        risk_level: "C5".into(),
        risk_assessed_on: "2026-07-01".into(),
        ..passport_input(name, n, status)
    };
    create_confirmed(store, rm, &input)
}

fn hold(store: &mut Store, rm: &Actor, client: i64, product: i64, amount: &str) -> i64 {
    holding(store, rm, client, product, amount, "")
}

/// rm1's book: 林黛玉 (core, visited), 贾宝玉 (down by half in November), Wang Xifeng
/// (a fund), 薛宝钗 (dormant); a task done on time, one late.
fn desk(path: &std::path::Path) -> Store {
    let (mut store, admin) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    clock_at(&mut store, "2026-08-01 10:00");
    let (dep, fnd) = dep_and_fnd(&mut store, &admin, "1.5", "1.2");
    let a = client(&mut store, &rm1, "林黛玉", 1, "active");
    hold(&mut store, &rm1, a, dep, "2000000");
    let b = client(&mut store, &rm1, "贾宝玉", 2, "active");
    let b1 = hold(&mut store, &rm1, b, dep, "300000");
    let c = client(&mut store, &rm1, "Wang Xifeng", 3, "active");
    hold(&mut store, &rm1, c, fnd, "50000");
    client(&mut store, &rm1, "薛宝钗", 4, "dormant");
    let mut tasks = Vec::new();
    for due in ["2026-11-12", "2026-11-16"] {
        let t = TaskInput {
            title: format!("call {due}"),
            due_date: due.into(),
            ..TaskInput::default()
        };
        tasks.push(store.create_task(&rm1, &t).expect("task"));
    }
    clock_at(&mut store, "2026-11-05 10:00");
    store
        .change_holding(&rm1, b1, "150000", "")
        .expect("change");
    clock_at(&mut store, "2026-11-12 18:00");
    store.complete_task(&rm1, tasks[0]).expect("done");
    clock_at(&mut store, "2026-11-23 12:00");
    for (client, when) in [
        (a, "2026-11-10 10:00"),
        (b, "2026-11-20 15:30"),
        (a, "2026-11-22 09:00"),
    ] {
        let v = VisitInput {
            visited_at: when.into(),
            channel: "branch".into(),
            purpose: "review".into(),
            summary: "portfolio review".into(),
            ..VisitInput::default()
        };
        store.record_visit(&rm1, client, &v).expect("visit");
    }
    store.set_clock(Box::new(FixedClock(noon())));
    store
}

fn signed_in(path: &std::path::Path, lang: Lang, user: &str) -> App {
    let mut app = app(desk(path), lang);
    sign_in(&mut app, user);
    app.on_key(key(KeyCode::F(7)));
    app
}

#[test]
fn each_report_with_its_chart_in_both_languages_and_sizes() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut app = signed_in(&path, lang, "mgr1");
        let l = lang_name(lang);
        for tab in ["performance", "value", "churn"] {
            insta::assert_snapshot!(format!("reports_{tab}_{l}_80x24"), render(&app, 80, 24));
            insta::assert_snapshot!(format!("reports_{tab}_{l}_120x40"), render(&app, 120, 40));
            app.on_key(key(KeyCode::Tab));
        }
    }
}

#[test]
fn an_rm_sees_their_own_line_and_the_keys_change_period_and_ranking() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "rm1");
    let month = render(&app, 120, 40);
    assert!(month.contains("Month 2026-11-01 – 2026-11-30"), "{month}");
    // The header names the RM's own scope, not every RM.
    assert!(month.contains("· RM1 (rm1)"), "{month}");
    assert!(!month.contains("all RMs"), "{month}");
    insta::assert_snapshot!("reports_performance_rm_en_80x24", render(&app, 80, 24));
    assert!(!month.contains("Branch"), "an RM has no branch total");
    // The visits: 3 in November; the tasks: one of two on time.
    let line = month
        .lines()
        .find(|l| l.contains("rm1 ") && l.contains("50.0"))
        .unwrap_or_else(|| panic!("rm1's line: {month}"));
    assert!(line.contains(" 3 "), "{line}");
    app.on_key(key(KeyCode::Left));
    let october = render(&app, 120, 40);
    assert!(october.contains("2026-10-01 – 2026-10-31"), "{october}");
    app.on_key(key(KeyCode::Char('v')));
    let quarter = render(&app, 120, 40);
    assert!(
        quarter.contains("Quarter 2026-10-01 – 2026-12-31"),
        "{quarter}"
    );
    app.on_key(key(KeyCode::Tab));
    let by_contribution = render(&app, 120, 40);
    assert!(by_contribution.contains("hold"), "{by_contribution}");
    app.on_key(key(KeyCode::Char('s')));
    let by_aum = render(&app, 120, 40);
    assert!(by_aum.contains("by AUM"), "{by_aum}");
    // The fund's 50,000 × 1.2% = 600.00; the deposits 1.5%.
    assert!(
        by_aum.contains("30000.00") && by_aum.contains("600.00"),
        "{by_aum}"
    );
}

#[test]
fn enter_on_a_client_at_risk_opens_it_and_help_defines_the_measures() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(1)));
    let help = render(&app, 120, 40);
    assert!(
        help.contains("On time%: done on or") && help.contains("before the due date."),
        "{help}"
    );
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    let churn = render(&app, 120, 40);
    assert!(churn.contains("AUM down 50%"), "{churn}");
    assert!(churn.contains("dormant"), "{churn}");
    app.on_key(key(KeyCode::Enter));
    let opened = render(&app, 120, 40);
    assert!(
        opened.contains("贾宝玉") && opened.contains("Clients"),
        "{opened}"
    );
}

fn clear_field(app: &mut App) {
    for _ in 0..80 {
        app.on_key(key(KeyCode::Backspace));
    }
}

#[test]
fn x_asks_for_the_file_shows_a_refusal_in_place_and_writes_it_private() {
    let (dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "mgr1");
    app.on_key(key(KeyCode::Char('x')));
    let asked = render(&app, 80, 24);
    insta::assert_snapshot!("reports_export_popup_en_80x24", asked);
    assert!(
        asked.contains("rmdesk-performance-2026-11-01_2026-11-30.csv"),
        "{asked}"
    );
    // A folder that does not exist: the popup stays, the reason at the field.
    clear_field(&mut app);
    let missing = dir.path().join("no-such-folder").join("r.csv");
    type_text(&mut app, missing.to_str().expect("utf-8"));
    app.on_key(key(KeyCode::Enter));
    let refused = render(&app, 120, 40);
    assert!(refused.contains("Export to CSV"), "still open: {refused}");
    assert!(!missing.exists());
    clear_field(&mut app);
    let file = dir.path().join("team.csv");
    type_text(&mut app, file.to_str().expect("utf-8"));
    app.on_key(key(KeyCode::Enter));
    let done = render(&app, 120, 40);
    assert!(!done.contains("Export to CSV"), "closed: {done}");
    assert!(done.contains("rows exported to"), "{done}");
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.starts_with("\u{feff}rm,visits,"), "{text}");
    assert!(text.contains("*branch*"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn f_takes_a_from_to_period_and_refuses_a_wrong_one_in_place() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::Char('f')));
    let asked = render(&app, 80, 24);
    insta::assert_snapshot!("reports_period_popup_en_80x24", asked);
    // Move to "To", type a day before "From".
    app.on_key(key(KeyCode::Tab));
    clear_field(&mut app);
    type_text(&mut app, "2026-10-15");
    app.on_key(key(KeyCode::Enter));
    let refused = render(&app, 120, 40);
    assert!(
        refused.contains("The period ends before it starts."),
        "{refused}"
    );
    clear_field(&mut app);
    type_text(&mut app, "2026-11-31");
    app.on_key(key(KeyCode::Enter));
    let not_a_date = render(&app, 120, 40);
    assert!(not_a_date.contains("Not a date"), "{not_a_date}");
    clear_field(&mut app);
    type_text(&mut app, "2026-11-20");
    app.on_key(key(KeyCode::Enter));
    let shown = render(&app, 120, 40);
    assert!(shown.contains("From–to 2026-11-01 – 2026-11-20"), "{shown}");
    // The visits of 11-10 and 11-20 (15:30) are in; 11-22 is not.
    let line = shown
        .lines()
        .find(|l| l.contains("rm1 ") && l.contains("50.0"))
        .unwrap_or_else(|| panic!("rm1's line: {shown}"));
    assert!(line.contains(" 2 "), "{line}");
    // Left moves the range by its own length (20 days).
    app.on_key(key(KeyCode::Left));
    let before = render(&app, 120, 40);
    assert!(before.contains("2026-10-12 – 2026-10-31"), "{before}");
    // v goes back to the spans: the month.
    app.on_key(key(KeyCode::Char('v')));
    let month = render(&app, 120, 40);
    assert!(month.contains("Month 2026-10-01 – 2026-10-31"), "{month}");
}
