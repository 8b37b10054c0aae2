//! The visits and feedback screen (F4) on `TestBackend`: the visit list and the feedback
//! list in English and Chinese at 80×24 (complaints near or past their deadline in the
//! warning style), a manager's return call, the feedback life cycle through the handling
//! form, the visit detail, filters and summary search, editing a visit, and feedback filed
//! from the client 360 view.
mod common;

use common::*;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::visit::{FeedbackInput, FeedbackStatus, VisitInput};
use rmdesk::store::{Actor, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::theme::Theme;
use rmdesk::tui::App;

fn client(store: &mut Store, rm: &Actor, name: &str, passport: &str) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: passport.into(),
        ..ClientInput::default()
    };
    create_confirmed(store, rm, &input)
}

fn visit(when: &str, channel: &str, purpose: &str, summary: &str) -> VisitInput {
    VisitInput {
        visited_at: when.into(),
        channel: channel.into(),
        purpose: purpose.into(),
        summary: summary.into(),
        ..VisitInput::default()
    }
}

fn feedback(kind: &str, received: &str, text: &str) -> FeedbackInput {
    FeedbackInput {
        kind: kind.into(),
        received_on: received.into(),
        channel: "phone".into(),
        description: text.into(),
        severity: "normal".into(),
    }
}

/// rm1's clients 张三 and Grace Hopper with three visits (one with a follow-up, one
/// checked by mgr1's return call) and four feedback items: a complaint past its deadline,
/// one within two days of it, a suggestion and a closed praise.
fn portfolio(path: &std::path::Path) -> Store {
    let (mut store, _) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let zhang = client(&mut store, &rm1, "张三", "E12345678");
    let grace = client(&mut store, &rm1, "Grace Hopper", "E87654321");
    let with_task = VisitInput {
        next_step: "送产品说明书".into(),
        next_step_on: "2026-11-24".into(),
        ..visit(
            "2026-11-20 15:00",
            "branch",
            "年度回顾",
            "客户关注稳健型理财，希望了解三年期定期存款的利率。\nPrefers low risk.",
        )
    };
    store.record_visit(&rm1, zhang, &with_task).expect("visit");
    let call = store
        .record_visit(
            &rm1,
            grace,
            &visit(
                "2026-11-22 10:00",
                "phone",
                "Birthday call",
                "Wished a happy birthday.",
            ),
        )
        .expect("visit");
    store
        .record_visit(
            &rm1,
            zhang,
            &visit(
                "2026-10-02 09:00",
                "phone",
                "Bond question",
                "Asked about BONDS.",
            ),
        )
        .expect("visit");
    store
        .record_return_call(&mgr1, call.visit_id, "confirmed", "客户确认")
        .expect("return call");
    store
        .file_feedback(
            &rm1,
            zhang,
            &feedback("complaint", "2026-11-01", "转账到账太慢"),
        )
        .expect("f");
    store
        .file_feedback(
            &rm1,
            grace,
            &feedback("complaint", "2026-11-09", "Card fee charged twice"),
        )
        .expect("f");
    store
        .file_feedback(
            &rm1,
            zhang,
            &feedback("suggestion", "2026-11-20", "希望增加周末营业"),
        )
        .expect("f");
    let praise = store
        .file_feedback(
            &rm1,
            grace,
            &feedback("praise", "2026-11-21", "Very helpful RM"),
        )
        .expect("f");
    store
        .set_feedback_status(&rm1, praise, FeedbackStatus::Resolved, Some("Thanked"))
        .expect("resolved");
    store
        .set_feedback_status(&rm1, praise, FeedbackStatus::Closed, None)
        .expect("closed");
    store
}

/// Signed in as `user`, on F4.
fn on_visits(lang: Lang, user: &str) -> (tempfile::TempDir, App) {
    let (dir, path) = temp_db();
    let store = portfolio(&path);
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app.on_key(key(KeyCode::F(4)));
    (dir, app)
}

fn screen(app: &App) -> String {
    render(app, 80, 24)
}

/// Whether a cell showing `mark` outside the selected row is drawn in the theme's
/// warning colour.
fn marked_in_warning_style(app: &App, mark: &str) -> bool {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|f| app.draw(f)).expect("draw");
    let warning = Theme::new("default", false).warning;
    let buf = term.backend().buffer();
    let cells: Vec<_> = buf
        .content()
        .iter()
        .filter(|c| c.symbol() == mark)
        .collect();
    cells.iter().any(|c| c.fg == warning.fg.unwrap_or_default())
}

#[test]
fn visit_and_feedback_lists_in_both_languages() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app) = on_visits(lang, "rm1");
        let visits = screen(&app);
        assert!(visits.contains("2026-11-22 10:00"), "{visits}");
        insta::assert_snapshot!(format!("visit_list_{}", lang_name(lang)), visits);
        app.on_key(key(KeyCode::Tab));
        let fb = screen(&app);
        insta::assert_snapshot!(format!("feedback_list_{}", lang_name(lang)), fb);
        assert_eq!(
            fb.matches('⚠').count(),
            2,
            "the two complaints at or past their deadline: {fb}"
        );
        assert!(marked_in_warning_style(&app, "⚠"), "in the warning style");
    }
}

#[test]
fn a_manager_sees_the_branch_and_records_a_return_call() {
    let (_dir, mut app) = on_visits(Lang::En, "mgr1");
    let s = screen(&app);
    assert!(s.contains("RM") && s.contains("rm1"), "the RM column: {s}");
    assert!(s.contains("✓ Confirmed"), "the checked visit: {s}");
    app.on_key(key(KeyCode::Down)); // 张三, 2026-11-20
    app.on_key(key(KeyCode::Char('c')));
    let form = screen(&app);
    assert!(form.contains("Return call · C000000001 张三"), "{form}");
    app.on_key(key(KeyCode::Right)); // not confirmed
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "客户说没有见过客户经理");
    insta::assert_snapshot!("return_call_form_en", screen(&app));
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Return call recorded."), "{s}");
    assert!(s.contains("✓ Not conf…"), "{s}");
    // Both visits are checked now (the RM's view of it: the store tests).
    let mgr1 = app.actor().cloned().expect("signed in");
    let all = rmdesk::store::visits::VisitFilter::default();
    let rows = app.store().visit_list(&mgr1, &all, 10).expect("the list");
    assert_eq!(
        rows.iter().filter(|r| r.return_outcome.is_some()).count(),
        2
    );
    // Only the RM who recorded a visit may edit it.
    app.on_key(key(KeyCode::Char('e')));
    assert!(screen(&app).contains("Only the RM who recorded a visit may change it."));
}

#[test]
fn a_complaint_is_resolved_then_closed_through_the_handling_form() {
    let (_dir, mut app) = on_visits(Lang::En, "rm1");
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Char('e'))); // the overdue complaint, listed first
    let form = screen(&app);
    assert!(form.contains("Handle feedback · C000000001 张三"), "{form}");
    app.on_key(key(KeyCode::Right));
    app.on_key(key(KeyCode::Right)); // resolved
    app.on_key(ctrl('s'));
    let refused = screen(&app);
    assert!(
        refused.contains("Record the resolution first."),
        "{refused}"
    );
    insta::assert_snapshot!("feedback_handle_errors_en", refused);
    // The refusal put the focus on the resolution.
    type_text(&mut app, "已加急处理并致电解释");
    app.on_key(key(KeyCode::Tab));
    for _ in 0..4 {
        app.on_key(key(KeyCode::Right)); // four stars
    }
    app.on_key(key(KeyCode::BackTab));
    app.on_key(key(KeyCode::BackTab));
    app.on_key(key(KeyCode::Right)); // handler: the first user of the branch
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Feedback updated."), "{s}");
    assert!(s.contains("Resolved"), "{s}");
    assert_eq!(
        s.matches('⚠').count(),
        1,
        "a resolved complaint no longer warns: {s}"
    );
    // Resolved items sort after pending ones; find it and close it.
    let row = s
        .lines()
        .position(|l| l.contains("Resolved"))
        .expect("the resolved row");
    let first = s
        .lines()
        .position(|l| l.contains("2026-11-"))
        .expect("first row");
    for _ in first..row {
        app.on_key(key(KeyCode::Down));
    }
    app.on_key(key(KeyCode::Enter));
    let detail = screen(&app);
    assert!(
        detail.contains("已加急处理并致电解释") && detail.contains("★★★★"),
        "{detail}"
    );
    app.on_key(key(KeyCode::Char('e')));
    app.on_key(key(KeyCode::Right)); // closed
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Closed"), "{s}");
    let rm1 = app.actor().cloned().expect("signed in");
    let all = app
        .store()
        .feedback_list(&rm1, &Default::default(), 10)
        .expect("list");
    assert!(all
        .iter()
        .any(|f| f.kind == "complaint" && f.status == "closed"));
}

#[test]
fn visit_detail_search_filters_and_edit() {
    let (_dir, mut app) = on_visits(Lang::En, "rm1");
    app.on_key(key(KeyCode::Down)); // 张三, 2026-11-20
    app.on_key(key(KeyCode::Enter));
    let detail = screen(&app);
    assert!(
        detail.contains("task due 2026-11-24 (open)"),
        "the visit shows its task: {detail}"
    );
    assert!(detail.contains("not checked"), "{detail}");
    insta::assert_snapshot!("visit_detail_en", detail);
    app.on_key(key(KeyCode::Esc));

    // `/` searches the summaries as you type; Esc clears the search.
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "bonds");
    // The keystrokes only asked: the search runs on its own thread, the newest wins.
    assert!(app.busy(), "an answer is awaited");
    for _ in 0..1000 {
        app.tick();
        if !app.busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let found = screen(&app);
    assert!(
        found.contains("Visits (1)") && found.contains("Bond question"),
        "{found}"
    );
    app.on_key(key(KeyCode::Esc));
    assert!(screen(&app).contains("Visits (3)"));

    // A bad date is refused at its field and the typed values stay.
    app.on_key(key(KeyCode::Char('f')));
    type_text(&mut app, "2026-11-01");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "2026-11-31");
    app.on_key(key(KeyCode::Enter)); // a filter applies with Enter
    let refused = screen(&app);
    assert!(
        refused.contains("Not a date") && refused.contains("2026-11-31"),
        "{refused}"
    );
    for _ in 0..2 {
        app.on_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "30");
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    // Typing in the client field opens the client picker: Enter takes its selected
    // match (by number), and a second Enter applies the filter.
    type_text(&mut app, "Grace Hopper");
    let picking = screen(&app);
    assert!(picking.contains("C000000002"), "{picking}");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Enter));
    let filtered = screen(&app);
    assert!(filtered.contains("Visits (1)"), "{filtered}");
    assert!(
        filtered.contains("2026-11-01 – 2026-11-30 · C000000002 Grace Hopper"),
        "{filtered}"
    );

    // Edit the visit: the list shows the change; the store keeps the original (tested in
    // the store tests).
    app.on_key(key(KeyCode::Char('e')));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    for _ in 0.."Birthday call".len() {
        app.on_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "生日问候");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(
        s.contains("Visit changed; the original stays in the audit log."),
        "{s}"
    );
    assert!(s.contains("生日问候"), "{s}");
}

#[test]
fn a_new_visit_and_feedback_from_the_visit_screen_and_the_360_view() {
    let (_dir, mut app) = on_visits(Lang::En, "rm1");
    app.on_key(key(KeyCode::Char('n')));
    type_text(&mut app, "Nobody");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("No client you may see matches this."), "{s}");
    for _ in 0.."Nobody".len() {
        app.on_key(key(KeyCode::Backspace));
    }
    // Typing in the client field opens the picker; Enter chooses its match.
    type_text(&mut app, "C000000002");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "Portfolio review");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "Reviewed the deposits.");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(
        s.contains("Visit recorded.") && s.contains("Visits (4)"),
        "{s}"
    );

    // Feedback from the client 360 view (`c`).
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Enter)); // the first client by name
    app.on_key(key(KeyCode::Char('c')));
    let form = screen(&app);
    assert!(form.contains("Feedback · C0000000"), "{form}");
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "ATM swallowed the card");
    app.on_key(ctrl('s'));
    let s = render(&app, 120, 40);
    assert!(s.contains("Feedback filed."), "{s}");
    assert!(
        s.contains("Complaint · Open · ATM swallowed the card"),
        "{s}"
    );
}

#[test]
fn nothing_panics_at_any_small_size_on_the_visit_screen() {
    let (_dir, mut app) = on_visits(Lang::ZhCn, "mgr1");
    for step in 0..4 {
        match step {
            1 => app.on_key(key(KeyCode::Enter)),
            2 => {
                app.on_key(key(KeyCode::Esc));
                app.on_key(key(KeyCode::Char('c')))
            }
            3 => {
                app.on_key(key(KeyCode::Esc));
                app.on_key(key(KeyCode::Tab));
                app.on_key(key(KeyCode::Char('e')))
            }
            _ => {}
        }
        for w in [1u16, 10, 20, 30, 45, 60, 80] {
            for h in [1u16, 3, 6, 10, 24] {
                let _ = render(&app, w, h);
            }
        }
    }
}
