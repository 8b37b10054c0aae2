//! Snapshots of the administrator's tools on F8 (en and zh-CN): the audit log viewer with
//! a filter, an entry's detail, the settings list with a refused value, and the backup
//! and restore dialogs.
mod common;

use common::{app, ctrl, key, render, seeded, settle, sign_in, type_text};
use crossterm::event::KeyCode;
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

/// Signed in as the administrator on F8, Tab pressed `tabs` times.
fn admin_at(path: &std::path::Path, lang: Lang, tabs: usize) -> App {
    let (store, _admin) = seeded(path);
    let mut a = app(store, lang);
    sign_in(&mut a, "admin");
    a.on_key(key(KeyCode::F(8)));
    for _ in 0..tabs {
        a.on_key(key(KeyCode::Tab));
    }
    a
}

fn tag(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    }
}

/// The screen with the temporary folder's path written as `[DIR]`.
fn shown(a: &App, dir: &std::path::Path, w: u16, h: u16) -> String {
    render(a, w, h).replace(&dir.display().to_string(), "[DIR]")
}

#[test]
fn audit_viewer_filtered_by_user_and_an_entrys_detail() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bank.db");
        let mut a = admin_at(&path, lang, 1);
        let all = render(&a, 100, 30);
        assert!(all.contains("#"), "{all}");
        insta::assert_snapshot!(format!("audit_all_{}", tag(lang)), all);

        a.on_key(key(KeyCode::Char('f')));
        type_text(&mut a, "rm1");
        insta::assert_snapshot!(
            format!("audit_filter_form_{}", tag(lang)),
            render(&a, 100, 30)
        );
        a.on_key(ctrl('s'));
        let filtered = render(&a, 100, 30);
        // Only rm1's entries: its creation by admin is not among them.
        assert!(!filtered.contains("user.create"), "{filtered}");
        insta::assert_snapshot!(format!("audit_filtered_{}", tag(lang)), filtered);

        a.on_key(key(KeyCode::Enter));
        insta::assert_snapshot!(format!("audit_detail_{}", tag(lang)), render(&a, 100, 30));
        a.on_key(key(KeyCode::Esc));

        // A date that is not one is refused at its field.
        a.on_key(key(KeyCode::Char('f')));
        for _ in 0..4 {
            a.on_key(key(KeyCode::Tab));
        }
        type_text(&mut a, "23/11/2026");
        a.on_key(ctrl('s'));
        let refused = render(&a, 100, 30);
        assert!(
            refused.contains("YYYY-MM-DD"),
            "the date is refused at its field: {refused}"
        );
    }
}

#[test]
fn settings_list_and_a_value_refused_at_its_field_with_the_bounds() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bank.db");
        let mut a = admin_at(&path, lang, 2);
        insta::assert_snapshot!(format!("settings_list_{}", tag(lang)), render(&a, 100, 24));
        // idle_lock.minutes is the ninth setting.
        for _ in 0..8 {
            a.on_key(key(KeyCode::Down));
        }
        a.on_key(key(KeyCode::Enter));
        a.on_key(key(KeyCode::Backspace));
        a.on_key(key(KeyCode::Backspace));
        type_text(&mut a, "600");
        a.on_key(ctrl('s'));
        let screen = render(&a, 100, 24);
        assert!(screen.contains("60"), "{screen}");
        insta::assert_snapshot!(format!("settings_refused_{}", tag(lang)), screen);
        assert_eq!(
            a.store().setting_i64("idle_lock.minutes").expect("read"),
            15
        );
        // A value inside the bounds is saved.
        a.on_key(key(KeyCode::Backspace));
        a.on_key(key(KeyCode::Backspace));
        a.on_key(key(KeyCode::Backspace));
        type_text(&mut a, "20");
        a.on_key(ctrl('s'));
        assert_eq!(
            a.store().setting_i64("idle_lock.minutes").expect("read"),
            20
        );
    }
}

#[test]
fn backup_and_restore_dialogs() {
    for lang in [Lang::En, Lang::ZhCn] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bank.db");
        let mut a = admin_at(&path, lang, 3);
        insta::assert_snapshot!(
            format!("backup_empty_{}", tag(lang)),
            shown(&a, dir.path(), 100, 24)
        );

        a.on_key(key(KeyCode::Char('n')));
        // The proposed name is in backups/ beside the database; type another.
        let form = shown(&a, dir.path(), 100, 24);
        assert!(form.contains("[DIR]/backups/bank-manual-"), "{form}");
        for _ in 0..120 {
            a.on_key(key(KeyCode::Backspace));
        }
        let target = dir.path().join("backups").join("monday.db");
        type_text(&mut a, &target.display().to_string());
        insta::assert_snapshot!(
            format!("backup_form_{}", tag(lang)),
            shown(&a, dir.path(), 100, 24)
        );
        a.on_key(ctrl('s'));
        settle(&mut a);
        let done = shown(&a, dir.path(), 100, 24);
        assert!(target.exists(), "{done}");
        insta::assert_snapshot!(format!("backup_done_{}", tag(lang)), done);
        a.on_key(key(KeyCode::Esc));
        let listed = shown(&a, dir.path(), 100, 24);
        assert!(listed.contains("monday.db"), "{listed}");

        // A restore of something that is not a database is refused at the file field.
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "not a database\n".repeat(100)).expect("write");
        a.on_key(key(KeyCode::Char('r')));
        for _ in 0..120 {
            a.on_key(key(KeyCode::Backspace));
        }
        type_text(&mut a, &notes.display().to_string());
        a.on_key(key(KeyCode::Tab));
        type_text(&mut a, common::PASSWORD);
        a.on_key(ctrl('s'));
        insta::assert_snapshot!(
            format!("restore_refused_{}", tag(lang)),
            shown(&a, dir.path(), 100, 24)
        );
        a.on_key(key(KeyCode::Esc));
        a.on_key(key(KeyCode::Char('y'))); // the discard question: leave the form

        // A backup whose audit chain lost a trigger passes the header check and is
        // refused by the restore's own checks, in its own sentence; nothing is replaced.
        let broken = dir.path().join("broken.db");
        std::fs::copy(&target, &broken).expect("copy");
        let keys = rmdesk::store::keys::key_path;
        if keys(&target).exists() {
            std::fs::copy(keys(&target), keys(&broken)).expect("key file");
        }
        common::raw(&broken)
            .expect("raw")
            .execute_batch("DROP TRIGGER audit_log_no_delete")
            .expect("drop");
        a.on_key(key(KeyCode::Char('r')));
        for _ in 0..120 {
            a.on_key(key(KeyCode::Backspace));
        }
        type_text(&mut a, &broken.display().to_string());
        a.on_key(key(KeyCode::Tab));
        type_text(&mut a, common::PASSWORD);
        a.on_key(ctrl('s'));
        a.on_key(key(KeyCode::Char('y')));
        settle(&mut a);
        let refused = shown(&a, dir.path(), 100, 24);
        assert!(refused.contains("broken.db"), "{refused}");
        insta::assert_snapshot!(format!("restore_refused_chain_{}", tag(lang)), refused);
        let kept = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
            .count();
        assert_eq!(kept, 0, "nothing was set aside");
        a.on_key(key(KeyCode::Esc));
        // The database is open again, as it was.
        let listed = shown(&a, dir.path(), 100, 24);
        assert!(listed.contains("monday.db"), "{listed}");
        assert!(a.store().setting_i64("backup.keep").is_ok());

        // The backup: the question says what will happen; yes restores it in place.
        a.on_key(key(KeyCode::Char('r')));
        a.on_key(key(KeyCode::Tab));
        type_text(&mut a, common::PASSWORD);
        a.on_key(ctrl('s'));
        insta::assert_snapshot!(
            format!("restore_confirm_{}", tag(lang)),
            shown(&a, dir.path(), 100, 24)
        );
        a.on_key(key(KeyCode::Char('y')));
        // The restore runs on its own thread: the screen draws its progress meanwhile.
        assert!(a.busy(), "the restore is a background job");
        let running = shown(&a, dir.path(), 100, 24);
        let checking = match lang {
            Lang::En => "Checking [DIR]/backups/monday.db",
            Lang::ZhCn => "正在检查 [DIR]/backups/monday.db",
        };
        assert!(running.contains(checking), "{running}");
        insta::assert_snapshot!(format!("restore_running_{}", tag(lang)), running);
        a.on_key(key(KeyCode::Esc));
        assert!(a.busy(), "Esc does not leave a running restore");
        settle(&mut a);
        let after = shown(&a, dir.path(), 100, 24);
        assert!(after.contains("before-restore"), "{after}");
        insta::assert_snapshot!(format!("restore_done_{}", tag(lang)), after);
        a.on_key(key(KeyCode::Esc));
        let restores: i64 = common::raw(&path)
            .expect("raw")
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'restore'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(restores, 1);
        // The application goes on working on the restored file.
        a.on_key(key(KeyCode::Tab));
        let users = render(&a, 100, 24);
        assert!(users.contains("rm1"), "{users}");
    }
}
