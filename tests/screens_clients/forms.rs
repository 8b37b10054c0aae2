//! The new and edit forms: errors at their fields, the possible-matches dialog, saving,
//! locking and quitting with a form open, scrolling to the focused field.
use super::*;

/// How many clients the signed-in user has.
fn client_count(app: &App) -> u64 {
    let actor = app.actor().expect("signed in");
    app.store()
        .client_count(actor, &Default::default())
        .expect("count")
}

#[test]
fn individual_form_shows_errors_at_the_fields_and_keeps_the_values() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app) = clients_app(lang, "rm1");
        fill_bad_individual(&mut app);
        app.on_key(ctrl('s'));
        let s = screen(&app);
        insta::assert_snapshot!(
            format!("client_form_individual_errors_{}", lang_name(lang)),
            s
        );
        for typed in ["王五", "1990-02-30", "12345", "wang@"] {
            assert!(s.contains(typed), "{typed} kept: {s}");
        }
        assert_eq!(client_count(&app), 5, "nothing saved");
    }
}

#[test]
fn corporate_form_shows_its_own_fields_and_errors() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app) = clients_app(lang, "mgr1");
        app.on_key(key(KeyCode::Char('n')));
        app.on_key(key(KeyCode::Tab));
        type_text(&mut app, "星河贸易");
        // Switching the kind keeps the name and swaps the kind's fields.
        app.on_key(key(KeyCode::BackTab));
        app.on_key(key(KeyCode::Right));
        let s = screen(&app);
        assert!(s.contains("星河贸易"), "{s}");
        if lang == Lang::En {
            assert!(
                s.contains("Contact person") && s.contains("Industry"),
                "{s}"
            );
            assert!(!s.contains("Gender") && !s.contains("Birth date"), "{s}");
            assert!(s.contains("Unified social credit code") && s.contains("Owner (RM)"));
        }
        app.on_key(key(KeyCode::Tab)); // name
        app.on_key(key(KeyCode::Tab)); // contact person
        app.on_key(key(KeyCode::Tab)); // registered capital
        type_text(&mut app, "12.345");
        app.on_key(key(KeyCode::Tab)); // ID type: USCC only
        app.on_key(key(KeyCode::Tab));
        type_text(&mut app, "91110108000000000");
        app.on_key(key(KeyCode::Tab));
        type_text(&mut app, "010-1234");
        app.on_key(ctrl('s'));
        let s = screen(&app);
        insta::assert_snapshot!(
            format!("client_form_corporate_errors_{}", lang_name(lang)),
            s
        );
        assert!(s.contains("12.345") && s.contains("91110108000000000"));
        assert_eq!(client_count(&app), 6, "nothing saved");
    }
}

#[test]
fn possible_matches_open_one_or_save_anyway() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let store = with_clients(&path);
        let mut app = on_clients(store, lang, "rm1");
        fill_zhang_again(&mut app);
        app.on_key(ctrl('s'));
        let s = screen(&app);
        insta::assert_snapshot!(format!("client_possible_matches_{}", lang_name(lang)), s);
        assert!(selected_line(&s).contains("C000000001"), "{s}");
        assert_eq!(client_count(&app), 5, "not saved yet");
        // Esc returns to the form with everything typed.
        app.on_key(key(KeyCode::Esc));
        let s = screen(&app);
        assert!(s.contains("E99999999") && s.contains("13812345678"));
        // Saving asks again; Ctrl-S in the dialog saves anyway and shows the new client.
        app.on_key(ctrl('s'));
        app.on_key(ctrl('s'));
        let s = screen(&app);
        assert_eq!(client_count(&app), 6);
        assert!(
            s.contains("C000000008 · 张三") && s.contains("E9*****99"),
            "{s}"
        );
    }
    // Enter on a match opens that client instead.
    let (_dir, mut app) = clients_app(Lang::En, "rm1");
    fill_zhang_again(&mut app);
    app.on_key(ctrl('s'));
    app.on_key(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("C000000001 · 张三 · Individual"), "{s}");
    assert_eq!(client_count(&app), 5);
}

#[test]
fn a_refused_save_keeps_the_values_then_new_and_edit_save() {
    let (_dir, mut app) = clients_app(Lang::En, "rm1");
    app.on_key(key(KeyCode::Char('n')));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "孙悟空");
    for _ in 0..4 {
        app.on_key(key(KeyCode::Tab));
    }
    let id = rid("44030519850601001");
    type_text(&mut app, &id);
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "1391234");
    app.on_key(key(KeyCode::Tab));
    // Leaving a field checks it at once.
    assert!(screen(&app).contains("Not a mobile number"));
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(
        s.contains("孙悟空") && s.contains(&id) && s.contains("1391234"),
        "{s}"
    );
    assert!(s.contains("Not a mobile number"));
    assert!(app.actor().is_some() && !app.should_quit());
    // Focus is on the refused field: fix it and save.
    app.on_key(ctrl('u'));
    type_text(&mut app, "13912345678");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Client C000000008 saved."), "{s}");
    assert!(
        s.contains("C000000008 · 孙悟空") && s.contains("139****5678"),
        "{s}"
    );
    assert!(
        s.contains("1985-06-01") && s.contains("Male"),
        "from the ID: {s}"
    );

    // e edits the open client: the mobile, six fields down.
    app.on_key(key(KeyCode::Char('e')));
    assert!(screen(&app).contains("Edit client C000000008"));
    for _ in 0..6 {
        app.on_key(key(KeyCode::Tab));
    }
    app.on_key(ctrl('u'));
    type_text(&mut app, "13700009999");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("Changes to client C000000008 saved."), "{s}");
    assert!(
        s.contains("137****9999") && !s.contains("13700009999"),
        "{s}"
    );
}

#[test]
fn lock_and_quit_work_while_a_form_is_open() {
    let (_dir, mut app) = clients_app(Lang::En, "rm1");
    app.on_key(key(KeyCode::Char('n')));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "周八");
    let before = screen(&app);
    app.on_key(ctrl('l'));
    assert!(app.is_locked());
    assert!(!screen(&app).contains("周八"));
    type_text(&mut app, PASSWORD);
    app.on_key(key(KeyCode::Enter));
    assert_eq!(screen(&app), before, "back in the form as it was");
    app.on_key(ctrl('q'));
    assert!(!app.should_quit(), "unsaved changes: asks first");
    assert!(screen(&app).contains("unsaved changes"));
    app.on_key(key(KeyCode::Char('n')));
    app.on_key(key(KeyCode::Esc));
    assert!(screen(&app).contains("Discard what you typed"));
    app.on_key(key(KeyCode::Char('y')));
    let s = screen(&app);
    assert!(s.contains("Clients (5)") && !s.contains("周八"));
    app.on_key(ctrl('q'));
    assert!(app.should_quit(), "nothing unsaved: quits at once");
}

#[test]
fn a_long_form_scrolls_to_the_focused_field() {
    let (_dir, mut app) = clients_app(Lang::En, "mgr1");
    app.on_key(key(KeyCode::Char('n')));
    let s = render(&app, 80, 14);
    assert!(
        s.contains("Kind") && !s.contains("Notes") && s.contains('▼'),
        "{s}"
    );
    for _ in 0..16 {
        app.on_key(key(KeyCode::Tab));
    }
    let s = render(&app, 80, 14);
    assert!(
        s.contains("Notes") && !s.contains("Kind") && s.contains('▲'),
        "{s}"
    );
    app.on_key(key(KeyCode::Tab));
    let s = render(&app, 80, 14);
    assert!(s.contains("Kind"), "Tab wraps to the first field: {s}");
}
