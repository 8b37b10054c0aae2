//! The recovery key of a new database on its own screen, before set-up or sign-in: the key
//! in numbered groups, what it is for, and the confirmation (its last group typed back),
//! at 80×24 and 120×40 in English and Chinese.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::store::keys::RecoveryKey;
use rmdesk::store::Store;
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

/// A fixed key, so the snapshots do not change from run to run.
const KEY: &str = "3f9a0c1e-77b2d4a8-0e5c6b19-a2f48d30-c7e1905b-4d2a6f83-9b0e17c5-e6d3a24f";

/// A new database's application showing [`KEY`]; the store made a key of its own, which
/// the screens would have shown.
fn first_run(lang: Lang) -> (tempfile::TempDir, App) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    assert!(
        store.take_new_recovery_key().is_some(),
        "a new database has a recovery key to show"
    );
    let mut app = app(store, lang);
    app.show_recovery_key(RecoveryKey::parse(KEY).expect("key"));
    (dir, app)
}

#[test]
fn the_key_in_numbered_groups_with_its_confirmation() {
    for lang in [Lang::En, Lang::ZhCn] {
        for (w, h) in [(80, 24), (120, 40)] {
            let (_dir, app) = first_run(lang);
            assert!(app.showing_recovery_key());
            let screen = render(&app, w, h);
            assert!(
                screen.contains("1 3f9a0c1e   2 77b2d4a8   3 0e5c6b19   4 a2f48d30"),
                "{screen}"
            );
            assert!(
                screen.contains("5 c7e1905b   6 4d2a6f83   7 9b0e17c5   8 e6d3a24f"),
                "{screen}"
            );
            assert!(screen.contains("Enter"), "the bar names the key: {screen}");
            insta::assert_snapshot!(format!("recovery_{}_{w}x{h}", lang_name(lang)), screen);
        }
    }
}

#[test]
fn a_wrong_group_is_refused_and_the_last_one_goes_on_to_set_up() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app) = first_run(lang);
        // The first group is not the last.
        type_text(&mut app, "3f9a0c1e");
        app.on_key(key(KeyCode::Enter));
        assert!(app.showing_recovery_key());
        insta::assert_snapshot!(
            format!("recovery_wrong_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        // The last group, in capitals, goes on to the set-up form.
        type_text(&mut app, "E6D3A24F");
        app.on_key(key(KeyCode::Enter));
        assert!(!app.showing_recovery_key());
        let setup = render(&app, 80, 24);
        assert!(!setup.contains("e6d3a24f"), "the key is gone: {setup}");
        let title = match lang {
            Lang::En => "Welcome to rmdesk",
            Lang::ZhCn => "欢迎使用 rmdesk",
        };
        assert!(setup.contains(title), "{setup}");
    }
    // And set-up goes on as before.
    let (_dir, mut app) = first_run(Lang::En);
    type_text(&mut app, "e6d3a24f");
    app.on_key(key(KeyCode::Enter));
    type_text(&mut app, "chief");
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, PASSWORD);
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, PASSWORD);
    app.on_key(key(KeyCode::Enter));
    assert_eq!(app.actor().expect("signed in").username, "chief");
}

#[test]
fn an_existing_database_signs_in_after_the_key() {
    // The demo opened from the screens: users already there, so sign-in follows the key.
    let (_dir, path) = temp_db();
    let (store, _) = seeded(&path);
    let mut app = app(store, Lang::En);
    app.show_recovery_key(RecoveryKey::parse(KEY).expect("key"));
    assert!(render(&app, 80, 24).contains("Recovery key"));
    type_text(&mut app, "e6d3a24f");
    app.on_key(key(KeyCode::Enter));
    sign_in(&mut app, "rm1");
}

#[test]
fn quitting_before_the_confirmation_asks_first() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, mut app) = first_run(lang);
        app.on_key(ctrl('q'));
        assert!(!app.should_quit(), "asked, not quit");
        insta::assert_snapshot!(
            format!("recovery_quit_{}", lang_name(lang)),
            render(&app, 80, 24)
        );
        app.on_key(key(KeyCode::Char('n')));
        assert!(!app.should_quit());
        assert!(app.showing_recovery_key(), "back to the key");
        app.on_key(ctrl('q'));
        app.on_key(key(KeyCode::Char('y')));
        assert!(app.should_quit());
    }
}
