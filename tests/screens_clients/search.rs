//! Search, sort and filters on the list.
use super::*;

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
