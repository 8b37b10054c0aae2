//! Helpers shared by the integration tests: temporary databases with known users, a
//! fixed clock, and an application driven through ratatui's `TestBackend`.
#![allow(dead_code)] // each test file uses its own share of these

pub mod marketing;
pub mod pg;
pub mod tmux;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rmdesk::store::users::NewUser;
use rmdesk::store::{Actor, FixedClock, Role, Store};
use rmdesk::tui::i18n::{I18n, Lang};
use rmdesk::tui::keymap::Keymap;
use rmdesk::tui::theme::Theme;
use rmdesk::tui::App;

/// The password of every user made by [`seeded`].
pub const PASSWORD: &str = "long-enough-pass";

/// A fixed instant, so screens do not change: noon on 2026-11-23 in China Standard Time,
/// the zone of [`FixedClock`] and of the binary under [`clock_env`], whatever the
/// machine's zone.
pub fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 4, 0, 0)
        .single()
        .expect("a valid instant")
}

/// The date of [`noon`] on the fixed clock.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

/// The environment that runs the binary (a test build) on the fixed clock: [`noon`], in
/// China Standard Time.
pub fn clock_env() -> [(&'static str, String); 2] {
    [
        ("RMDESK_TEST_NOW", rmdesk::store::ts(noon())),
        ("RMDESK_TEST_TZ", "+08:00".to_string()),
    ]
}

/// A temporary folder and a database file path inside it.
pub fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    (dir, path)
}

/// A database with an administrator `admin`, branches 0101 and 0202, managers `mgr1`
/// (0101) and `mgr2` (0202), RMs `rm1` (0101) and `rm2` (0202). Nobody must change
/// their password. Returns the store (clock fixed at [`noon`]) and the admin.
pub fn seeded(path: &std::path::Path) -> (Store, Actor) {
    let mut store = Store::open(path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    let admin = store
        .create_first_admin("admin", "Ada Admin", PASSWORD)
        .expect("admin");
    let b1 = store.create_branch(&admin, "0101", "East").expect("branch");
    let b2 = store.create_branch(&admin, "0202", "West").expect("branch");
    for (name, role, branch) in [
        ("mgr1", Role::Manager, b1),
        ("mgr2", Role::Manager, b2),
        ("rm1", Role::Rm, b1),
        ("rm2", Role::Rm, b2),
    ] {
        let u = NewUser {
            username: name.into(),
            display_name: name.to_uppercase(),
            role,
            branch_id: Some(branch),
            password: "initial-password-x".into(),
        };
        store.create_user(&admin, &u).expect("user");
        // The first sign-in must change the password: do it, so tests start ready.
        let mut actor = store.login(name, "initial-password-x").expect("login");
        store
            .change_own_password(&mut actor, "initial-password-x", PASSWORD)
            .expect("change");
    }
    (store, admin)
}

/// An application on `store` in `lang`, with default keys and theme.
pub fn app(store: Store, lang: Lang) -> App {
    App::new(
        store,
        Keymap::default(),
        I18n::new(lang),
        Theme::new("default", false),
    )
    .expect("the test database opens")
}

/// A key press with no modifiers.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A Ctrl combination.
pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Types `text` key by key.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
}

/// The screen as text at `width` × `height`.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    term.draw(|f| app.draw(f)).expect("draw");
    term.backend().to_string()
}

/// Signs in as `user` with [`PASSWORD`].
pub fn sign_in(app: &mut App, user: &str) {
    type_text(app, user);
    app.on_key(key(KeyCode::Tab));
    type_text(app, PASSWORD);
    app.on_key(key(KeyCode::Enter));
    assert!(app.actor().is_some(), "signed in as {user}");
}

/// Unlocks the encrypted database at `path` in this process (made by the binary, say)
/// with the password of any of its users that the tests give: [`PASSWORD`], the demo's,
/// or the seeded users' first one. A plain database needs nothing.
pub fn unlock(path: &std::path::Path) {
    use rmdesk::store::{cipher, keys};
    if !cipher::is_encrypted(path) || cipher::recall(path).is_some() {
        return;
    }
    let file = keys::KeyFile::load(&keys::key_path(path))
        .expect("key file")
        .expect("a key file beside an encrypted database");
    for name in file.user_names() {
        for password in [
            PASSWORD,
            rmdesk::store::demo::DEMO_PASSWORD,
            "initial-password-x",
        ] {
            if cipher::unlock(path, name, password) {
                return;
            }
        }
    }
    panic!("no known password opens {}", path.display());
}

/// A raw SQLite connection to the database at `path` (keyed when it is encrypted), for
/// tests that look beneath the store.
pub fn raw(path: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    unlock(path);
    rmdesk::store::cipher::connect(path)
}

/// An administrator of the encrypted database at `path` and their password, as the
/// tests make them (`chief` of `init`, `admin` of `seeded` or of the demo), for commands
/// such as `check` that an encrypted database asks an administrator for; `None` for a
/// plain database.
pub fn admin_of(path: &std::path::Path) -> Option<(&'static str, &'static str)> {
    use rmdesk::store::keys;
    let file = keys::KeyFile::load(&keys::key_path(path)).ok()??;
    [
        ("chief", PASSWORD),
        ("admin", PASSWORD),
        ("admin", rmdesk::store::demo::DEMO_PASSWORD),
    ]
    .into_iter()
    .find(|(name, password)| file.unwrap_user(name, password).is_some())
}

/// `--user NAME` for a command on the encrypted database at `path` that needs an
/// administrator (`check`); nothing for a plain one. With [`admin_env`].
pub fn admin_args(path: &std::path::Path) -> Vec<&'static str> {
    admin_of(path).map_or(Vec::new(), |(name, _)| vec!["--user", name])
}

/// The password of [`admin_args`]'s administrator, as the environment gives it.
pub fn admin_env(path: &std::path::Path) -> Vec<(&'static str, &'static str)> {
    admin_of(path).map_or(Vec::new(), |(_, password)| {
        vec![("RMDESK_PASSWORD", password)]
    })
}

/// Takes away what migrations 11 to 14 made (reports' figures, care's and the peers'
/// indexes, home's pending complaints and unchecked visits, care's branch indexes), for
/// a test that makes an older file.
pub fn drop_migrations_11_to_14(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "DROP TRIGGER aum_history_derived; DROP TRIGGER clients_owner_derived;
         DROP TABLE client_value; DROP TABLE aum_tier_moves; DROP TABLE aum_owner_slots;
         DROP INDEX clients_owner_created; DROP INDEX feedback_complaint_received;
         DROP INDEX feedback_resolved_at;
         DROP INDEX clients_owner_joined; DROP INDEX clients_owner_consenting;
         DROP INDEX clients_branch_consenting; DROP INDEX clients_branch_risk_tier;
         DROP INDEX visits_branch_unchecked;
         DROP INDEX clients_branch_birthday; DROP INDEX clients_branch_joined;
         DROP TRIGGER complaints_pending_filed; DROP TRIGGER complaints_pending_changed;
         DROP TRIGGER complaints_pending_owner_moved; DROP TABLE complaints_pending;",
    )
    .expect("drop migrations 11 to 14");
}

/// Takes away migration 9's change capture (its triggers, the change log, the push
/// record), as a test that makes an older file needs before dropping older objects.
pub fn drop_change_capture(conn: &rusqlite::Connection) {
    let triggers: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'change_log_%'",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}"))
            .expect("drop trigger");
    }
    conn.execute_batch("DROP TABLE change_log; DROP TABLE hq_sync;")
        .expect("drop change log");
}
