//! Import and export from the client list (F3): the file form, the background import
//! with its report, and the export file.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::store::clients::ListSpec;
use rmdesk::store::{FixedClock, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

fn demo_app(path: &std::path::Path) -> App {
    demo_app_in(path, Lang::En)
}

fn demo_app_in(path: &std::path::Path, lang: Lang) -> App {
    let mut store = Store::open(path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    store.seed_demo().expect("demo");
    let mut app = app(store, lang);
    type_text(&mut app, "manager");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "demo-password");
    app.on_key(key(KeyCode::Enter));
    assert!(app.actor().is_some());
    app.on_key(key(KeyCode::F(3)));
    app
}

/// Opens the import form (`i`), types the file's path, sets "skip invalid rows" when
/// `skip_invalid`, and starts the import (Ctrl-S).
fn start_import(app: &mut App, path: &str, skip_invalid: bool) {
    app.on_key(key(KeyCode::Char('i')));
    type_text(app, path);
    if skip_invalid {
        app.on_key(key(KeyCode::Tab));
        app.on_key(key(KeyCode::Right));
    }
    app.on_key(ctrl('s'));
}

fn sample() -> String {
    std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/clients-sample.csv"
    ))
    .canonicalize()
    .expect("sample file in tests/data")
    .display()
    .to_string()
}

#[test]
fn a_file_with_bad_rows_is_refused_whole_and_every_bad_line_is_listed() {
    let (_dir, path) = temp_db();
    let mut app = demo_app(&path);
    app.on_key(key(KeyCode::Char('i')));
    assert!(render(&app, 80, 24).contains("Import clients"));
    app.on_key(ctrl('s'));
    assert!(
        render(&app, 80, 24).contains("Enter the path of a file."),
        "an empty path is refused at the field"
    );
    type_text(&mut app, &sample());
    app.on_key(ctrl('s'));
    settle(&mut app);
    let report = render(&app, 80, 24);
    assert!(
        report.contains("31 of 300 rows are invalid; nothing was imported"),
        "{report}"
    );
    assert!(
        report.contains("line 6: Email: Not an email address."),
        "{report}"
    );
    let mut reader = Store::open(&path).expect("reader");
    let manager = reader.login("manager", "demo-password").expect("manager");
    assert_eq!(
        reader
            .client_count(&manager, &ListSpec::default())
            .expect("count"),
        0
    );
    // scrolling reaches the last refused line
    for _ in 0..40 {
        app.on_key(key(KeyCode::Down));
    }
    assert!(
        render(&app, 80, 24).contains("line 299: Mobile: Not a mobile number"),
        "{}",
        render(&app, 80, 24)
    );
    app.on_key(key(KeyCode::Esc));
    assert!(!render(&app, 80, 24).contains("Import report"));
}

#[test]
fn skipping_invalid_rows_imports_the_rest_and_the_list_shows_them() {
    let (_dir, path) = temp_db();
    let mut app = demo_app(&path);
    start_import(&mut app, &sample(), true);
    // Ctrl-L locks while the import runs; it goes on behind the lock screen.
    app.on_key(ctrl('l'));
    assert!(app.is_locked());
    settle(&mut app);
    type_text(&mut app, "demo-password");
    app.on_key(key(KeyCode::Enter));
    let report = render(&app, 80, 24);
    assert!(report.contains("Imported 269 of 300 rows"), "{report}");
    app.on_key(key(KeyCode::Esc));
    let list = render(&app, 80, 24);
    assert!(
        list.contains("(269)"),
        "the list reloaded with the new clients:\n{list}"
    ); // The import's own connection ran on the application's clock, not the wall clock.
    let stamps: Vec<String> = {
        let conn = common::raw(&path).expect("raw");
        let mut stmt = conn
            .prepare("SELECT DISTINCT created_at FROM clients")
            .expect("sql");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    assert_eq!(stamps, [rmdesk::store::ts(noon())]);
}

#[test]
fn export_writes_the_clients_masked() {
    let (dir, path) = temp_db();
    let mut app = demo_app(&path);
    start_import(&mut app, &sample(), true);
    settle(&mut app);
    app.on_key(key(KeyCode::Esc));
    let out = dir.path().join("branch.csv");
    app.on_key(key(KeyCode::Char('x')));
    type_text(&mut app, &out.display().to_string());
    app.on_key(ctrl('s'));
    assert!(
        render(&app, 80, 24).contains("Exported 269 clients"),
        "{}",
        render(&app, 80, 24)
    );
    let text = std::fs::read_to_string(&out).expect("export written");
    assert_eq!(text.lines().count(), 270);
    assert!(text.lines().skip(1).all(|l| l.contains("**")), "masked");
}

/// The export writes what the list shows: with a filter, only the clients it keeps. The
/// dialog says where relative names go, what is written and where the format is told.
#[test]
fn export_writes_what_the_filter_shows() {
    let (dir, path) = temp_db();
    let mut app = demo_app(&path);
    let count = |app: &App| -> usize {
        render(app, 100, 30)
            .lines()
            .find_map(|l| {
                let at = l.find("Clients (")? + "Clients (".len();
                l[at..].split(')').next()?.parse().ok()
            })
            .expect("the list's count")
    };
    start_import(&mut app, &sample(), true);
    settle(&mut app);
    app.on_key(key(KeyCode::Esc));
    let all = count(&app);
    // Kind filter (the last field): corporate clients only.
    app.on_key(key(KeyCode::Char('f')));
    app.on_key(key(KeyCode::BackTab));
    app.on_key(key(KeyCode::Right));
    app.on_key(key(KeyCode::Right));
    app.on_key(key(KeyCode::Enter));
    let shown = count(&app);
    app.on_key(key(KeyCode::Char('x')));
    let dialog = render(&app, 100, 30);
    assert!(dialog.contains("Folder: "), "{dialog}");
    assert!(
        dialog.contains("Only the clients the list shows now"),
        "{dialog}"
    );
    assert!(dialog.contains("section “Client CSV format”"), "{dialog}");
    let out = dir.path().join("filtered.csv");
    type_text(&mut app, &out.display().to_string());
    app.on_key(ctrl('s'));
    let done = render(&app, 200, 30);
    assert!(
        done.contains(&format!("Exported {shown} clients to {}", out.display())),
        "{done}"
    );
    let text = std::fs::read_to_string(&out).expect("export written");
    assert_eq!(text.lines().count(), shown + 1);
    assert!(
        shown > 0 && shown < all,
        "the filter keeps some: {shown} of {all}"
    );
}

#[test]
fn a_file_that_is_not_the_client_format_is_refused_in_the_users_language() {
    let (dir, path) = temp_db();
    let file = dir.path().join("wrong-header.csv");
    std::fs::write(&file, "name,colour\nAcme,red\n").expect("write the file");
    let mut app = demo_app_in(&path, Lang::ZhCn);
    start_import(&mut app, &file.display().to_string(), false);
    settle(&mut app);
    let report = render(&app, 100, 24);
    assert!(
        report.contains("导入失败：第1行：表头与客户文件格式不符"),
        "{report}"
    );
    assert!(
        report.contains("（未知的列：colour；缺少的列：clien"),
        "{report}"
    );
    assert!(!report.contains("header row"), "no English: {report}");
    insta::assert_snapshot!(report);

    // Not UTF-8 (a file saved as GBK): the line is named, in Chinese too.
    app.on_key(key(KeyCode::Esc));
    std::fs::write(&file, b"name\n\xd6\xd0\n").expect("write the file");
    start_import(&mut app, &file.display().to_string(), false);
    settle(&mut app);
    let report = render(&app, 100, 24);
    assert!(
        report.contains("导入失败：第2行：文件不是 UTF-8 文本（请另存为“CSV UTF-8”）。"),
        "{report}"
    );
}
