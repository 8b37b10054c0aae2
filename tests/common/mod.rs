//! Helpers shared by the integration tests: temporary databases with known users, a
//! fixed clock, and an application driven through ratatui's `TestBackend`.
#![allow(dead_code)] // each test file uses its own share of these

pub mod desk;
pub mod marketing;
pub mod pg;
pub mod tmux;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::users::NewUser;
use rmdesk::store::{Actor, FixedClock, Role, Store, Zone};
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
        add_user(
            &mut store,
            &admin,
            name,
            &name.to_uppercase(),
            role,
            Some(branch),
        );
    }
    (store, admin)
}

/// Adds RMs `names` (display names their upper case) to branch 0101 of a [`seeded`]
/// database; returns their ids in order.
pub fn add_branch_rms(store: &mut Store, admin: &Actor, names: &[&str]) -> Vec<i64> {
    let b1 = store.branch_by_code("0101").expect("b").expect("0101").id;
    names
        .iter()
        .map(|name| add_user(store, admin, name, &name.to_uppercase(), Role::Rm, Some(b1)).0)
        .collect()
}

/// rm1, rm2, mgr1 and mgr2 of a [`seeded`] database signed in, in that order.
pub fn staff(store: &mut Store) -> (Actor, Actor, Actor, Actor) {
    let mut login = |name: &str| store.login(name, PASSWORD).expect("login");
    (login("rm1"), login("rm2"), login("mgr1"), login("mgr2"))
}

/// Adds user `username` (`display` name, `role`, `branch`) as `admin`, and makes the
/// first sign-in's password change to [`PASSWORD`], so the user starts ready. Returns
/// the user's id and the user signed in.
pub fn add_user(
    store: &mut Store,
    admin: &Actor,
    username: &str,
    display: &str,
    role: Role,
    branch: Option<i64>,
) -> (i64, Actor) {
    let u = NewUser {
        username: username.into(),
        display_name: display.into(),
        role,
        branch_id: branch,
        password: "initial-password-x".into(),
    };
    let id = store.create_user(admin, &u).expect("user");
    // The first sign-in must change the password: do it, so tests start ready.
    let mut actor = store.login(username, "initial-password-x").expect("login");
    store
        .change_own_password(&mut actor, "initial-password-x", PASSWORD)
        .expect("change");
    (id, actor)
}

/// An individual client `name` with passport number `E` and `n` in 8 digits, in
/// `status`; other fields empty.
pub fn passport_input(name: &str, n: u32, status: &str) -> ClientInput {
    ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: format!("E{n:08}"),
        status: status.into(),
        ..ClientInput::default()
    }
}

/// Creates the client `input` as `rm`, confirming past any possible duplicates; its id.
pub fn create_confirmed(store: &mut Store, rm: &Actor, input: &ClientInput) -> i64 {
    match store.create_client(rm, input, true).expect("client") {
        SaveOutcome::Saved(id) => id,
        SaveOutcome::PossibleMatches(_) => unreachable!("confirmed"),
    }
}

/// The name snapshots use for a language.
pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    }
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

/// An application in `lang` on a [`seeded`] database at `path`, signed in as `user`.
pub fn seeded_app(path: &std::path::Path, lang: Lang, user: &str) -> App {
    let (store, _) = seeded(path);
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app
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

/// Runs the event loop's ticks until no background work runs (a job, a count, a
/// search as you type).
pub fn settle(app: &mut App) {
    let started = std::time::Instant::now();
    loop {
        app.tick();
        if !app.busy() {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the background work did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
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

/// Takes away what migrations 11 to 16 made (reports' figures, care's and the peers'
/// indexes, home's pending complaints and unchecked visits, care's branch indexes, the
/// client list's counts, the segment count's index), for a test that makes an older file.
pub fn drop_migrations_11_to_16(conn: &rusqlite::Connection) {
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
         DROP TRIGGER complaints_pending_owner_moved; DROP TABLE complaints_pending;
         DROP TRIGGER client_counts_added; DROP TRIGGER client_counts_changed;
         DROP TRIGGER client_counts_removed; DROP TABLE client_counts;
         DROP INDEX clients_segment;",
    )
    .expect("drop migrations 11 to 16");
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

/// Asserts that `rmdesk check` (as the administrator, data folder `dir/data`) finds the
/// database at `db` clean, audit chain included.
pub fn assert_checks_clean(dir: &std::path::Path, db: &std::path::Path) {
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["--db", db.to_str().expect("utf-8"), "check"])
        .args(admin_args(db))
        .envs(admin_env(db))
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .output()
        .expect("check runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// Moves the store's clock to local time `t` (`YYYY-MM-DD HH:MM`, China Standard Time,
/// the fixed clock's zone).
pub fn clock_at(store: &mut Store, t: &str) {
    let local = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").expect("time");
    store.set_clock(Box::new(FixedClock(Zone::china().to_utc(local))));
}

/// A product `code` of `category` at risk R1, on sale all 2026, from 0.
pub fn r1_product(code: &str, category: &str) -> ProductInput {
    ProductInput {
        code: code.into(),
        name: format!("Product {code}"),
        category: category.into(),
        risk_level: "R1".into(),
        min_amount: "0".into(),
        sale_start: "2026-01-01".into(),
        sale_end: "2026-12-31".into(),
        ..ProductInput::default()
    }
}

/// Makes the R1 products DEP (a deposit) and FND (a fund) as `admin`, with the margins
/// `dep_margin` and `fnd_margin` (percent a year); their ids.
pub fn dep_and_fnd(
    store: &mut Store,
    admin: &Actor,
    dep_margin: &str,
    fnd_margin: &str,
) -> (i64, i64) {
    let dep = store
        .create_product(admin, &r1_product("DEP", "deposit"))
        .expect("DEP");
    let fnd = store
        .create_product(admin, &r1_product("FND", "fund"))
        .expect("FND");
    for (code, margin) in [("DEP", dep_margin), ("FND", fnd_margin)] {
        let margin = margin.parse().expect("a margin");
        store
            .set_product_margin(admin, code, margin)
            .expect("margin");
    }
    (dep, fnd)
}

/// Records a holding of `amount` of `product` (maturing on `maturity`, or never when
/// empty) for `client`, as `rm`; its id.
pub fn holding(
    store: &mut Store,
    rm: &Actor,
    client: i64,
    product: i64,
    amount: &str,
    maturity: &str,
) -> i64 {
    let h = NewHolding {
        product_id: product,
        input: HoldingInput {
            amount: amount.into(),
            maturity_date: maturity.into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    };
    store.add_holding(rm, client, &h).expect("holding")
}
