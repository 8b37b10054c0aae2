//! Client screens (F3): the list, search, filters and sort, the 360 view with its reveal
//! key, the new and edit forms with errors at their fields and the possible-matches
//! dialog; driven key by key on `TestBackend`, snapshots in English and Chinese at 80×24.
mod client_360;
#[path = "../common/mod.rs"]
mod common;
mod forms;
mod list;
mod search;
mod small_sizes;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::ids::{resident_id_check_char, uscc_check_char};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::{Actor, Role, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::screens::clients::WINDOW_MAX;
use rmdesk::tui::App;

/// A valid resident ID from its first 17 digits.
fn rid(first17: &str) -> String {
    let check = resident_id_check_char(first17).expect("17 digits");
    format!("{first17}{check}")
}

/// A valid unified social credit code from its first 17 characters.
fn uscc(first17: &str) -> String {
    let check = uscc_check_char(first17).expect("17 characters");
    format!("{first17}{check}")
}

/// 张三's resident ID (born 1990-03-07, male).
fn zhang_id() -> String {
    rid("11010119900307123")
}

fn individual(name: &str, id_type: &str, id_number: &str, mobile: &str) -> ClientInput {
    ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: id_type.into(),
        id_number: id_number.into(),
        mobile: mobile.into(),
        ..ClientInput::default()
    }
}

fn create(store: &mut Store, actor: &Actor, input: &ClientInput) -> i64 {
    match store.create_client(actor, input, true).expect("create") {
        SaveOutcome::Saved(id) => id,
        SaveOutcome::PossibleMatches(m) => panic!("saved with confirmed: {m:?}"),
    }
}

/// A third user, `rm3`, an RM of branch 0101 beside rm1.
fn add_rm3(store: &mut Store, admin: &Actor) -> Actor {
    let branch = store
        .branch_by_code("0101")
        .expect("branches")
        .expect("0101")
        .id;
    add_user(store, admin, "rm3", "RM3", Role::Rm, Some(branch)).1
}

/// The seeded database with clients: five of rm1 (Chinese names of 2, 3 and 4
/// characters, a long English name, a corporate), one of rm3 (same branch) and one of
/// rm2 (the other branch).
fn with_clients(path: &std::path::Path) -> Store {
    let (mut store, admin) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let rm3 = add_rm3(&mut store, &admin);
    let zhang = ClientInput {
        email: "zhang.san@example.cn".into(),
        address: "北京市东城区东直门南大街 1 号".into(),
        occupation: "教师".into(),
        risk_level: "C3".into(),
        risk_assessed_on: "2026-03-01".into(),
        status: "active".into(),
        source: "转介绍".into(),
        notes: "喜欢稳健型产品".into(),
        ..individual("张三", "resident_id", &zhang_id(), "13812345678")
    };
    create(&mut store, &rm1, &zhang);
    create(
        &mut store,
        &rm1,
        &individual(
            "欧阳娜娜",
            "resident_id",
            &rid("31010419851112002"),
            "13912340001",
        ),
    );
    create(
        &mut store,
        &rm1,
        &individual("李小龙", "passport", "E12345678", "13700001111"),
    );
    create(
        &mut store,
        &rm1,
        &individual(
            "Alexander Hamilton-Smith",
            "passport",
            "P98765432",
            "+4479460001",
        ),
    );
    let corp = ClientInput {
        kind: "corporate".into(),
        name: "北京星河科技有限公司".into(),
        id_type: "uscc".into(),
        id_number: uscc("91110108000000001"),
        mobile: "13600002222".into(),
        occupation: "软件".into(),
        contact_person: "王经理".into(),
        registered_capital: "5000000".into(),
        status: "active".into(),
        ..ClientInput::default()
    };
    create(&mut store, &rm1, &corp);
    create(
        &mut store,
        &rm3,
        &individual("钱七", "passport", "G11112222", "13500003333"),
    );
    create(
        &mut store,
        &rm2,
        &individual("赵六", "passport", "G33334444", "13500004444"),
    );
    store
}

/// Signed in as `user`, on the clients screen.
fn on_clients(store: Store, lang: Lang, user: &str) -> App {
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app.on_key(key(KeyCode::F(3)));
    app
}

/// The client list, signed in as `user`, on a database made by [`with_clients`] in a
/// temporary folder.
fn clients_app(lang: Lang, user: &str) -> (tempfile::TempDir, App) {
    let (dir, path) = temp_db();
    let store = with_clients(&path);
    (dir, on_clients(store, lang, user))
}

fn screen(app: &App) -> String {
    render(app, 80, 24)
}

/// The line of the list or a dialog that has the selection mark.
fn selected_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or("")
        .to_string()
}

/// Opens the new-client form and fills an individual with several mistakes.
fn fill_bad_individual(app: &mut App) {
    app.on_key(key(KeyCode::Char('n')));
    app.on_key(key(KeyCode::Tab));
    type_text(app, "王五");
    app.on_key(key(KeyCode::Tab)); // gender
    app.on_key(key(KeyCode::Tab)); // birth date
    type_text(app, "1990-02-30");
    app.on_key(key(KeyCode::Tab)); // ID type: resident ID
    app.on_key(key(KeyCode::Tab));
    let mut bad = rid("11010119900101123");
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    type_text(app, &bad);
    app.on_key(key(KeyCode::Tab));
    type_text(app, "12345");
    app.on_key(key(KeyCode::Tab));
    type_text(app, "wang@");
}

/// Opens the new-client form with 张三 and 张三's mobile, as a possible duplicate.
fn fill_zhang_again(app: &mut App) {
    app.on_key(key(KeyCode::Char('n')));
    app.on_key(key(KeyCode::Tab));
    type_text(app, "张三");
    app.on_key(key(KeyCode::Tab)); // gender
    app.on_key(key(KeyCode::Tab)); // birth date
    app.on_key(key(KeyCode::Tab)); // ID type
    app.on_key(key(KeyCode::Right)); // passport
    app.on_key(key(KeyCode::Tab));
    type_text(app, "E99999999");
    app.on_key(key(KeyCode::Tab));
    type_text(app, "13812345678");
}
