//! The visit form over the client 360 view (`v`): snapshots in English and Chinese at
//! 80×24, empty and with errors at the fields; recording a visit with a two-line summary
//! and a follow-up date shows both in the 360 view; a refused save keeps the values.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::ids::resident_id_check_char;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::Store;
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

/// The seeded database with one client of rm1, 张三; returns it and the client's id.
fn with_client(path: &std::path::Path) -> (Store, i64) {
    let (mut store, _admin) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let first17 = "11010119900307123";
    let id_number = format!(
        "{first17}{}",
        resident_id_check_char(first17).expect("17 digits")
    );
    let input = ClientInput {
        kind: "individual".into(),
        name: "张三".into(),
        id_type: "resident_id".into(),
        id_number,
        mobile: "13812345678".into(),
        status: "active".into(),
        ..ClientInput::default()
    };
    let id = match store.create_client(&rm1, &input, true).expect("create") {
        SaveOutcome::Saved(id) => id,
        SaveOutcome::PossibleMatches(m) => panic!("saved with confirmed: {m:?}"),
    };
    (store, id)
}

/// Signed in as rm1, 张三's 360 view open, the visit form over it.
fn visit_form(lang: Lang) -> (tempfile::TempDir, App, i64) {
    let (dir, path) = temp_db();
    let (store, id) = with_client(&path);
    let mut app = app(store, lang);
    sign_in(&mut app, "rm1");
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Enter));
    assert!(
        screen(&app).contains("C000000001 · 张三"),
        "{}",
        screen(&app)
    );
    app.on_key(key(KeyCode::Char('v')));
    (dir, app, id)
}

fn screen(app: &App) -> String {
    render(app, 80, 24)
}

/// The form's default time: the fixed clock in its zone (UTC+8), whatever the machine's.
fn default_when() -> String {
    "2026-11-23 12:00".to_string()
}

/// The screen with the default time replaced by a placeholder of the same width, so the
/// snapshots are the same in every time zone.
fn screen_any_zone(app: &App) -> String {
    screen(app).replace(&default_when(), "YYYY-MM-DD hh:mm")
}

fn tab(app: &mut App, n: usize) {
    for _ in 0..n {
        app.on_key(key(KeyCode::Tab));
    }
}

#[test]
fn the_visit_form_empty_and_with_errors() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app, _) = visit_form(lang);
        let empty = screen(&app);
        assert!(empty.contains(&default_when()), "now by default: {empty}");
        let empty = screen_any_zone(&app);
        assert!(!app.has_unsaved(), "nothing typed yet");
        insta::assert_snapshot!(format!("visit_form_{}", lang_name(lang)), empty);

        // A follow-up date before the visit, without a next step; purpose and summary empty.
        tab(&mut app, 6);
        type_text(&mut app, "2026-11-01");
        assert!(app.has_unsaved());
        app.on_key(ctrl('s'));
        let errors = screen_any_zone(&app);
        assert!(errors.contains("2026-11-01"), "the value stays: {errors}");
        insta::assert_snapshot!(format!("visit_form_errors_{}", lang_name(lang)), errors);
    }
}

#[test]
fn a_visit_with_a_follow_up_shows_in_the_360_view() {
    let (_dir, mut app, id) = visit_form(Lang::En);
    tab(&mut app, 1);
    app.on_key(key(KeyCode::Right)); // at the client site
    tab(&mut app, 1);
    type_text(&mut app, "Annual review");
    tab(&mut app, 1);
    type_text(&mut app, "Discussed deposits");
    app.on_key(key(KeyCode::Enter)); // a line break in the summary
    type_text(&mut app, "客户很满意");
    tab(&mut app, 1);
    type_text(&mut app, "Positive");
    tab(&mut app, 1);
    type_text(&mut app, "Send fund brochure");
    tab(&mut app, 1);
    type_text(&mut app, "2026-12-01");
    let form = screen(&app);
    assert!(
        form.contains("Discussed deposits") && form.contains("客户很满意"),
        "{form}"
    );
    app.on_key(ctrl('s'));
    // Wide enough that the 360 view's lines do not wrap.
    let s = render(&app, 160, 40);
    assert!(!s.contains("Record visit"), "the popup closed: {s}");
    assert!(s.contains("Visit to C000000001 recorded"), "{s}");
    assert!(
        s.contains("At client site · Annual review"),
        "the visit: {s}"
    );
    assert!(
        s.contains("2026-12-01 Send fund brochure"),
        "the follow-up among the open tasks: {s}"
    );
    assert!(!app.has_unsaved());
    let actor = app.actor().expect("signed in").clone();
    let log = app.store().visit_log(&actor, id, 10).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].summary, "Discussed deposits\n客户很满意");
    assert!(log[0].task_id.is_some());
}

#[test]
fn a_refused_save_keeps_the_values_and_esc_asks_first() {
    let (_dir, mut app, id) = visit_form(Lang::ZhCn);
    tab(&mut app, 2);
    type_text(&mut app, "季度回访");
    tab(&mut app, 1);
    type_text(&mut app, "第一行");
    app.on_key(key(KeyCode::Enter));
    type_text(&mut app, "第二行");
    tab(&mut app, 3);
    type_text(&mut app, "2026-13-01");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("不是日期"), "the error at its field: {s}");
    for typed in ["季度回访", "第一行", "第二行", "2026-13-01"] {
        assert!(s.contains(typed), "{typed} kept: {s}");
    }
    let actor = app.actor().expect("signed in").clone();
    assert!(app
        .store()
        .visit_log(&actor, id, 10)
        .expect("log")
        .is_empty());

    // Lock and back: the form as it was.
    app.on_key(ctrl('l'));
    assert!(app.is_locked());
    type_text(&mut app, PASSWORD);
    app.on_key(key(KeyCode::Enter));
    assert_eq!(screen(&app), s);

    // Esc asks; no keeps the form, yes discards it.
    app.on_key(key(KeyCode::Esc));
    assert!(screen(&app).contains("放弃"), "{}", screen(&app));
    app.on_key(key(KeyCode::Char('n')));
    assert!(screen(&app).contains("第二行"));
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Char('y')));
    let back = screen(&app);
    assert!(back.contains("C000000001 · 张三") && !back.contains("第二行"));
    assert!(!app.has_unsaved());
}

#[test]
fn nothing_panics_at_any_small_size_with_the_visit_form() {
    let (_dir, mut app, _) = visit_form(Lang::ZhCn);
    let sweep = |app: &App| {
        for w in 1..=50 {
            for h in 1..=14 {
                render(app, w, h);
            }
        }
        for (w, h) in [(80, 6), (200, 8), (20, 60), (300, 100)] {
            render(app, w, h);
        }
    };
    sweep(&app);
    tab(&mut app, 3);
    type_text(
        &mut app,
        "很长的一段走访纪要，用来检查换行与光标位置是否正确",
    );
    for _ in 0..6 {
        app.on_key(key(KeyCode::Enter));
        type_text(&mut app, "再一行");
    }
    sweep(&app);
    app.on_key(ctrl('s'));
    sweep(&app); // with errors
    app.on_key(key(KeyCode::Esc));
    sweep(&app); // the discard question
}
