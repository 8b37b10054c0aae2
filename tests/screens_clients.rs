//! Client screens (F3): the list, search, filters and sort, the 360 view with its reveal
//! key, the new and edit forms with errors at their fields and the possible-matches
//! dialog; driven key by key on `TestBackend`, snapshots in English and Chinese at 80×24.
mod common;

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

/// In the open filter dialog: down `field` fields, right `choice` choices, Enter.
fn choose_filter(app: &mut App, field: usize, choice: usize) {
    for _ in 0..field {
        app.on_key(key(KeyCode::Down));
    }
    for _ in 0..choice {
        app.on_key(key(KeyCode::Right));
    }
    app.on_key(key(KeyCode::Enter));
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

fn reveal_entries(path: &std::path::Path) -> usize {
    let mut reader = Store::open(path).expect("second connection");
    let admin = reader.login("admin", PASSWORD).expect("admin");
    reader
        .audit_recent(&admin, Some("client.reveal"), 100)
        .expect("audit")
        .len()
}

/// How many clients the signed-in user has.
fn client_count(app: &App) -> u64 {
    let actor = app.actor().expect("signed in");
    app.store()
        .client_count(actor, &Default::default())
        .expect("count")
}

#[test]
fn list_and_client_360_masked_and_revealed() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let store = with_clients(&path);
        let mut app = on_clients(store, lang, "rm1");
        let list = screen(&app);
        insta::assert_snapshot!(format!("clients_list_{}", lang_name(lang)), list);

        // By name, Chinese names by their pinyin: Alexander…, 北京星河… (beijing), 李小龙
        // (li), 欧阳娜娜 (ouyang), 张三 (zhang).
        for _ in 0..4 {
            app.on_key(key(KeyCode::Down));
        }
        assert!(selected_line(&screen(&app)).contains("张三"));
        app.on_key(key(KeyCode::Enter));
        let masked = screen(&app);
        let id = zhang_id();
        let masked_id = format!("1101**********{}", &id[14..]);
        assert!(masked.contains(&masked_id), "{masked}");
        assert!(masked.contains("138****5678") && !masked.contains(&id));
        assert!(!masked.contains("zhang.san@"), "email masked too");
        insta::assert_snapshot!(format!("client_360_masked_{}", lang_name(lang)), masked);
        assert_eq!(reveal_entries(&path), 0, "opening the view reveals nothing");

        app.on_key(key(KeyCode::Char('r')));
        let revealed = screen(&app);
        assert!(revealed.contains(&id) && revealed.contains("13812345678"));
        assert!(revealed.contains("zhang.san@example.cn"));
        insta::assert_snapshot!(format!("client_360_revealed_{}", lang_name(lang)), revealed);
        assert_eq!(reveal_entries(&path), 1, "the reveal is audited");

        // Back to the list at the same row; opening again is masked again.
        app.on_key(key(KeyCode::Esc));
        let back = screen(&app);
        assert!(selected_line(&back).contains("张三"), "{back}");
        app.on_key(key(KeyCode::Enter));
        let again = screen(&app);
        assert!(again.contains(&masked_id) && !again.contains(&id));
    }
}

#[test]
fn chinese_names_line_up_in_the_list() {
    let (_dir, app) = clients_app(Lang::ZhCn, "rm1");
    let buffer = {
        let mut term =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| app.draw(f)).expect("draw");
        term.backend().buffer().clone()
    };
    // The tier column starts in the same cell on every row, whatever the name's width.
    let mut tier_columns = Vec::new();
    for y in 4..9 {
        let mut x = 0;
        let mut found = None;
        while x < 80 {
            let cell = &buffer[(x, y)];
            if cell.symbol() == "普" {
                found = Some(x);
                break;
            }
            x += 1;
        }
        tier_columns.push(found.expect("a tier on each row"));
    }
    assert!(
        tier_columns.windows(2).all(|w| w[0] == w[1]),
        "tiers at {tier_columns:?}"
    );
    let list = render(&app, 80, 24);
    assert!(
        list.contains("北京星河科技…"),
        "cut by width with a mark:\n{list}"
    );
}

#[test]
fn an_rm_sees_their_clients_a_manager_the_branch_an_admin_none() {
    let (_dir, path) = temp_db();
    let store = with_clients(&path);
    let app1 = on_clients(store, Lang::En, "rm1");
    let s = screen(&app1);
    assert!(s.contains("Clients (5)") && s.contains("张三"), "{s}");
    assert!(!s.contains("钱七") && !s.contains("赵六"), "{s}");

    let store = Store::open(&path).expect("open");
    let mgr = on_clients(store, Lang::En, "mgr1");
    let s = screen(&mgr);
    assert!(s.contains("Clients (6)") && s.contains("钱七") && s.contains("张三"));
    assert!(!s.contains("赵六"), "another branch's client: {s}");

    let store = Store::open(&path).expect("open");
    let admin = on_clients(store, Lang::En, "admin");
    let s = screen(&admin);
    assert!(
        s.contains("Clients is not available to the Administrator role."),
        "{s}"
    );
    assert!(!s.contains("Clients ("), "{s}");
    assert!(!s.contains("F3"), "the bar shows only keys that work: {s}");
}

#[test]
fn search_by_name_initials_phone_fragment_and_id_tail() {
    let (_dir, mut app) = clients_app(Lang::En, "rm1");
    let id_tail = zhang_id()[14..].to_string();
    for (typed, name) in [
        ("小龙", "李小龙"),
        ("oyn", "欧阳娜娜"),
        ("23400", "欧阳娜娜"),
        (id_tail.as_str(), "张三"),
        ("hamil", "Alexander"),
        ("星河", "北京星河"),
    ] {
        app.on_key(key(KeyCode::Char('/')));
        type_text(&mut app, typed);
        let s = screen(&app);
        assert!(s.contains("Search: 1 found"), "{typed}: {s}");
        assert!(
            selected_line(&s).contains(name),
            "{typed} finds {name}: {s}"
        );
        app.on_key(key(KeyCode::Esc));
        assert!(
            screen(&app).contains("Clients (5)"),
            "Esc closes the search"
        );
    }
    // Another RM's client is not found; letters typed are text, not commands.
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "钱七");
    assert!(screen(&app).contains("No client matches."));
    app.on_key(ctrl('u'));
    type_text(&mut app, "ns");
    let s = screen(&app);
    assert!(s.contains("Search: ns") && !s.contains("New client"), "{s}");
    // Enter opens the selection; Esc goes back to the results, then to the list.
    app.on_key(ctrl('u'));
    type_text(&mut app, "zs");
    app.on_key(key(KeyCode::Enter));
    assert!(screen(&app).contains("C000000001 · 张三"));
    app.on_key(key(KeyCode::Esc));
    assert!(screen(&app).contains("Search: 1 found"));
    app.on_key(key(KeyCode::Esc));
    assert!(screen(&app).contains("Clients (5)"));
}

#[test]
fn end_and_home_page_through_hundreds_of_clients() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    const N: usize = 320;
    for n in 1..=N {
        let c = individual(&format!("客户{n:03}"), "passport", &format!("E{n:08}"), "");
        create(&mut store, &rm1, &c);
    }
    let mut app = on_clients(store, Lang::En, "rm1");
    let in_memory = |app: &App| app.client_rows_in_memory().expect("signed in");
    let s = screen(&app);
    assert!(
        s.contains("Clients (320) · 1/320") && s.contains("客户001"),
        "{s}"
    );
    assert!(in_memory(&app) <= WINDOW_MAX && in_memory(&app) < N);

    app.on_key(key(KeyCode::End));
    let s = screen(&app);
    assert!(selected_line(&s).contains("客户320"), "{s}");
    assert!(s.contains("320/320") && !s.contains("客户001"));
    assert!(
        in_memory(&app) < N,
        "End fetches the last page, not every row"
    );

    app.on_key(key(KeyCode::Home));
    let s = screen(&app);
    assert!(
        selected_line(&s).contains("客户001") && s.contains("1/320"),
        "{s}"
    );

    // Walking down a page at a time fetches pages and drops old ones.
    let mut most = 0;
    for _ in 0..40 {
        app.on_key(key(KeyCode::PageDown));
        screen(&app);
        most = most.max(in_memory(&app));
    }
    let s = screen(&app);
    assert!(selected_line(&s).contains("客户320"), "{s}");
    assert!(
        most <= WINDOW_MAX,
        "at most {WINDOW_MAX} rows held, saw {most}"
    );
    // And back up row by row across page boundaries, in order.
    for n in (1..N).rev() {
        app.on_key(key(KeyCode::Up));
        if n % 50 == 0 || n == 1 {
            let s = screen(&app);
            let want = format!("客户{n:03}");
            assert!(selected_line(&s).contains(&want), "{want}: {s}");
            assert!(s.contains(&format!("{n}/320")), "{s}");
            assert!(in_memory(&app) <= WINDOW_MAX);
        }
    }
}

#[test]
fn sort_and_filters() {
    let (_dir, path) = temp_db();
    let store = with_clients(&path);
    let mut app = on_clients(store, Lang::En, "rm1");
    assert!(screen(&app).contains("Name▲"));
    app.on_key(key(KeyCode::Char('s')));
    let s = screen(&app);
    assert!(s.contains("Tier▲") && !s.contains("Name▲"), "{s}");
    app.on_key(key(KeyCode::Char('S')));
    assert!(screen(&app).contains("Tier▼"));
    // Back to client numbers: C000000001 first, reversed C000000005 first.
    for _ in 0..5 {
        app.on_key(key(KeyCode::Char('s')));
    }
    let s = screen(&app);
    assert!(s.contains("Client no.▲") && selected_line(&s).contains("C000000001"));
    app.on_key(key(KeyCode::Char('S')));
    assert!(selected_line(&screen(&app)).contains("C000000005"));

    // Filter: kind corporate (an RM has tier, status, risk level and kind).
    app.on_key(key(KeyCode::Char('f')));
    assert!(screen(&app).contains("Filter clients"));
    choose_filter(&mut app, 3, 2);
    let s = screen(&app);
    assert!(
        s.contains("Filters: Corporate") && s.contains("Clients (1)"),
        "{s}"
    );
    assert!(s.contains("北京星河") && !s.contains("张三"));
    // Status active as well: the corporate is active.
    app.on_key(key(KeyCode::Char('f')));
    choose_filter(&mut app, 1, 2);
    let s = screen(&app);
    assert!(
        s.contains("Status Active · Corporate") && s.contains("Clients (1)"),
        "{s}"
    );
    // A manager also filters by owner.
    let store = Store::open(&path).expect("open");
    let mut mgr = on_clients(store, Lang::En, "mgr1");
    mgr.on_key(key(KeyCode::Char('f')));
    // Owner choices: All, mgr1, rm1, rm3.
    choose_filter(&mut mgr, 2, 3);
    let s = screen(&mgr);
    assert!(
        s.contains("Owner rm3") && s.contains("Clients (1)") && s.contains("钱七"),
        "{s}"
    );
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

#[test]
fn nothing_panics_at_any_small_size() {
    let (_dir, mut app) = clients_app(Lang::ZhCn, "mgr1");
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
    sweep(&app); // list
    app.on_key(key(KeyCode::Char('f')));
    sweep(&app); // filter dialog
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "zs");
    sweep(&app); // search
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Char('r')));
    sweep(&app); // 360 revealed
    app.on_key(key(KeyCode::Char('e')));
    sweep(&app); // edit form
    app.on_key(ctrl('s'));
    assert!(
        screen(&app).contains("C000000001 · 张三"),
        "saved, back in the 360 view"
    );
    app.on_key(key(KeyCode::Esc)); // to the search results
    app.on_key(key(KeyCode::Esc)); // to the list
    fill_bad_individual(&mut app);
    app.on_key(ctrl('s'));
    sweep(&app); // form with errors
    app.on_key(key(KeyCode::Esc));
    app.on_key(key(KeyCode::Char('y')));
    fill_zhang_again(&mut app);
    app.on_key(ctrl('s'));
    sweep(&app); // possible matches
}

#[test]
fn the_360_sections_show_what_the_tables_hold() {
    let (_dir, path) = temp_db();
    drop(with_clients(&path));
    // The tables have no writers in the application yet: write rows as they will.
    let conn = common::raw(&path).expect("sqlite");
    let now = "2026-11-20T02:00:00Z";
    conn.execute_batch(&format!(
        "INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
             VALUES ('D1', '三年定期存款', 'deposit', 'R1', '{now}', '{now}');
         INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date,
             status, created_by, created_at, updated_at)
             VALUES (1, 1, '50000.50', 'CNY', '2026-01-02', '2029-01-02', 'open', 4, '{now}', '{now}'),
                    (1, 1, '1200', 'USD', '2026-02-01', NULL, 'open', 4, '{now}', '{now}'),
                    (1, 1, '999', 'CNY', '2025-01-01', NULL, 'closed', 4, '{now}', '{now}');
         INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, created_at,
             updated_at)
             VALUES (1, 4, '{now}', 'phone', 'Annual review', 'Talked', '{now}', '{now}');
         INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, deadline,
             created_at, updated_at)
             VALUES (1, 4, 'complaint', '2026-11-01', 'phone', 'Slow transfer', '2026-11-16',
                     '{now}', '{now}');
         INSERT INTO tasks (owner_id, client_id, title, due_date, priority, status, created_at,
             updated_at)
             VALUES (4, 1, 'Call back about the deposit', '2026-12-01', 'high', 'open', '{now}',
                     '{now}'),
                    (4, 1, 'Done already', '2026-11-01', 'normal', 'done', '{now}', '{now}');"
    ))
    .expect("rows");
    drop(conn);
    let store = Store::open(&path).expect("open");
    let mut app = on_clients(store, Lang::En, "rm1");
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "zs");
    app.on_key(key(KeyCode::Enter));
    let s = render(&app, 160, 30);
    assert!(s.contains("Holdings (2)"), "open holdings only: {s}");
    assert!(
        s.contains("三年定期存款 · ¥50,000.50 · matures 2029-01-02"),
        "{s}"
    );
    assert!(
        s.contains("USD 1,200.00") && s.contains("Total USD 1,200.00"),
        "{s}"
    );
    assert!(s.contains("Phone · Annual review (rm1)"), "{s}");
    assert!(
        s.contains("Complaint · Open · Slow transfer · ⚠ overdue since 2026-11-16"),
        "a complaint past its deadline stands out: {s}"
    );
    assert!(
        s.contains("2026-12-01 Call back about the deposit (high, rm1)"),
        "{s}"
    );
    assert!(!s.contains("Done already") && !s.contains("No holdings recorded"));
}
