//! Product screens (F5) and holdings on the client 360 view, driven key by key on
//! `TestBackend`: the catalogue, a product with the clients it suits, a client's holdings
//! popup (snapshots in English and Chinese at 80×24); recording a holding from both
//! sides, the refusal of an unsuitable one with its reason, and the admin's form.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::{Actor, FixedClock, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

fn client(store: &mut Store, rm: &Actor, name: &str, passport: &str, level: &str, on: &str) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: passport.into(),
        risk_level: level.into(),
        risk_assessed_on: on.into(),
        status: "active".into(),
        ..ClientInput::default()
    };
    create_confirmed(store, rm, &input)
}

/// The seeded database with a catalogue of five products (one closed) and rm1's
/// clients 张三 (C5), 李四 (C2) and 王五 (C4, assessment expired), rm2's 赵六 (C5);
/// 张三 holds ¥50,000 of the one-year deposit.
fn world(path: &std::path::Path) -> Store {
    let (mut store, admin) = seeded(path);
    let products = [
        ProductInput {
            code: "DEP-1Y".into(),
            name: "一年定期 1-year deposit".into(),
            category: "deposit".into(),
            risk_level: "R1".into(),
            yield_min: "1.45".into(),
            yield_max: "1.45".into(),
            term_days: "365".into(),
            min_amount: "50".into(),
            description: "Fixed rate for one year.".into(),
            ..ProductInput::default()
        },
        ProductInput {
            code: "WM-R4-1Y".into(),
            name: "权益增强一年 Equity enhanced".into(),
            category: "wealth".into(),
            risk_level: "R4".into(),
            yield_min: "3.00".into(),
            yield_max: "6.50".into(),
            term_days: "365".into(),
            min_amount: "50,000".into(),
            sale_start: "2026-01-01".into(),
            sale_end: "2026-12-31".into(),
            description: "Mixed assets with up to 40% equities; for growth investors.".into(),
            ..ProductInput::default()
        },
        ProductInput {
            code: "FUND-BOND".into(),
            name: "中短债基金 Short bond fund".into(),
            category: "fund".into(),
            risk_level: "R2".into(),
            min_amount: "1".into(),
            ..ProductInput::default()
        },
        ProductInput {
            code: "FUND-QDII".into(),
            name: "全球科技QDII Global tech".into(),
            category: "fund".into(),
            risk_level: "R5".into(),
            currency: "USD".into(),
            min_amount: "1,000".into(),
            ..ProductInput::default()
        },
        ProductInput {
            code: "WM-NY2024".into(),
            name: "2024新春专享 New Year 2024".into(),
            category: "wealth".into(),
            risk_level: "R2".into(),
            min_amount: "50,000".into(),
            sale_start: "2024-01-15".into(),
            sale_end: "2024-02-29".into(),
            status: "closed".into(),
            ..ProductInput::default()
        },
    ];
    for p in &products {
        store.create_product(&admin, p).expect("product");
    }
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let zhang = client(&mut store, &rm1, "张三", "E00000001", "C5", "2026-03-01");
    client(&mut store, &rm1, "李四", "E00000002", "C2", "2026-05-10");
    client(&mut store, &rm1, "王五", "E00000003", "C4", "2025-10-01");
    client(&mut store, &rm2, "赵六", "E00000004", "C5", "2026-03-01");
    let h = NewHolding {
        product_id: 1,
        input: HoldingInput {
            amount: "50,000".into(),
            start_date: "2026-02-01".into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    };
    store.add_holding(&rm1, zhang, &h).expect("holding");
    store
}

/// The database again, on the fixed clock (sale windows and assessments are dated).
fn reopen(path: &std::path::Path) -> Store {
    let mut store = Store::open(path).expect("open");
    store.set_clock(Box::new(FixedClock(noon())));
    store
}

fn signed_in(store: Store, lang: Lang, user: &str) -> App {
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app
}

fn screen(app: &App) -> String {
    render(app, 80, 24)
}

/// Opens the product whose code is typed in the catalogue's search.
fn open_product(app: &mut App, code: &str) {
    app.on_key(key(KeyCode::F(5)));
    app.on_key(key(KeyCode::Char('/')));
    type_text(app, code);
    app.on_key(key(KeyCode::Enter));
}

#[test]
fn catalogue_product_and_holdings_snapshots() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut app = signed_in(world(&path), lang, "rm1");
        app.on_key(key(KeyCode::F(5)));
        let list = screen(&app);
        assert!(
            list.contains("DEP-1Y") && list.contains("WM-NY2024"),
            "{list}"
        );
        assert!(
            list.contains("¥50,000.00") && list.contains("USD 1,000.00"),
            "{list}"
        );
        assert!(list.contains("3.00–6.50%"), "{list}");
        insta::assert_snapshot!(format!("products_catalogue_{}", lang_name(lang)), list);

        // The R4 product lists 张三 (C5) only: 李四 is C2, 王五's assessment expired,
        // 赵六 is another RM's.
        open_product(&mut app, "WM-R4");
        let detail = screen(&app);
        assert!(detail.contains("张三"), "{detail}");
        for absent in ["李四", "王五", "赵六"] {
            assert!(!detail.contains(absent), "{absent}: {detail}");
        }
        insta::assert_snapshot!(format!("product_detail_{}", lang_name(lang)), detail);

        // The client's holdings popup from the 360 view.
        app.on_key(key(KeyCode::F(3)));
        app.on_key(key(KeyCode::Char('/')));
        type_text(&mut app, "张三");
        app.on_key(key(KeyCode::Enter));
        app.on_key(key(KeyCode::Char('h')));
        let holdings = screen(&app);
        assert!(holdings.contains("¥50,000.00"), "{holdings}");
        assert!(
            holdings.contains("WM-R4-1Y") && holdings.contains("FUND-QDII"),
            "{holdings}"
        );
        insta::assert_snapshot!(format!("client_holdings_{}", lang_name(lang)), holdings);
    }
}

#[test]
fn filters_narrow_the_catalogue() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(world(&path), Lang::En, "rm1");
    app.on_key(key(KeyCode::F(5)));
    assert!(screen(&app).contains("Products (5)"));
    app.on_key(key(KeyCode::Char('f')));
    app.on_key(key(KeyCode::Right)); // category: Deposit
    app.on_key(key(KeyCode::Right)); // Wealth
    app.on_key(key(KeyCode::Right)); // Fund
    app.on_key(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(
        s.contains("Products (2)") && s.contains("Filters: Fund"),
        "{s}"
    );
    assert!(!s.contains("DEP-1Y"), "{s}");
    app.on_key(key(KeyCode::Char('f')));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Right)); // risk R1
    app.on_key(key(KeyCode::Right)); // R2
    app.on_key(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("Products (1)") && s.contains("FUND-BOND"), "{s}");
    app.on_key(key(KeyCode::Char('f')));
    app.on_key(key(KeyCode::Left)); // category back to all
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Left)); // risk R1
    app.on_key(key(KeyCode::Left)); // all
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Right)); // on sale
    app.on_key(key(KeyCode::Right)); // closed
    app.on_key(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("Products (1)") && s.contains("WM-NY2024"), "{s}");
}

#[test]
fn an_rm_records_a_holding_from_the_product_and_the_tier_changes() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(world(&path), Lang::En, "rm1");
    open_product(&mut app, "WM-R4");
    app.on_key(key(KeyCode::Char('a')));
    let form = screen(&app);
    assert!(form.contains("New holding"), "{form}");
    type_text(&mut app, "49,999.99");
    app.on_key(ctrl('s'));
    let refused = screen(&app);
    assert!(
        refused.contains("below the product's minimum"),
        "the reason at the field: {refused}"
    );
    for _ in 0..9 {
        app.on_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "1,000,000");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("AUM and tier updated"), "{s}");
    assert!(s.contains("Core") && s.contains("¥1,050,000.00"), "{s}");
}

#[test]
fn an_unsuitable_holding_is_refused_with_the_reason_and_a_manager_overrides() {
    let (_dir, path) = temp_db();
    let store = world(&path);
    let mut app = signed_in(store, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "李四");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Char('h')));
    let panel = screen(&app);
    assert!(
        panel.contains("DEP-1Y") && !panel.contains("R4 WM-R4-1Y"),
        "{panel}"
    );
    app.on_key(key(KeyCode::Char('a')));
    // Products on sale by code: DEP-1Y, FUND-BOND, FUND-QDII, WM-R4-1Y.
    app.on_key(key(KeyCode::Left));
    let chose = screen(&app);
    assert!(chose.contains("WM-R4-1Y"), "{chose}");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "60000");
    app.on_key(ctrl('s'));
    let refused = screen(&app);
    assert!(
        refused.contains("Not suitable: the product's risk level is above the client's"),
        "{refused}"
    );
    assert!(!refused.contains("Override reason"), "RMs cannot override");

    // The manager sees the override reason field and records it with a reason.
    let store = reopen(&path);
    let mut app = signed_in(store, Lang::En, "mgr1");
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "李四");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Char('h')));
    app.on_key(key(KeyCode::Char('a')));
    app.on_key(key(KeyCode::Left));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "60000");
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "Signed risk disclosure on file");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(s.contains("AUM and tier updated"), "{s}");
    assert!(s.contains("WM-R4-1Y") && s.contains("¥60,000.00"), "{s}");
}

#[test]
fn holdings_change_and_close_from_the_360_view() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(world(&path), Lang::En, "rm1");
    app.on_key(key(KeyCode::F(3)));
    app.on_key(key(KeyCode::Char('/')));
    type_text(&mut app, "张三");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Char('h')));
    app.on_key(key(KeyCode::Char('e')));
    app.on_key(ctrl('u'));
    type_text(&mut app, "150000");
    app.on_key(ctrl('s'));
    assert!(screen(&app).contains("¥150,000.00"));
    app.on_key(key(KeyCode::Char('c')));
    assert!(screen(&app).contains("Close the holding of"));
    app.on_key(key(KeyCode::Char('y')));
    let s = screen(&app);
    assert!(
        s.contains("closed; AUM and tier updated") && s.contains("Open holdings (0)"),
        "{s}"
    );
    app.on_key(key(KeyCode::Esc));
    let s = screen(&app);
    assert!(s.contains("Holdings (0)") && s.contains("¥0.00"), "{s}");
}

#[test]
fn administrators_maintain_the_catalogue_and_rms_cannot() {
    let (_dir, path) = temp_db();
    let store = world(&path);
    let mut app = signed_in(store, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(5)));
    app.on_key(key(KeyCode::Char('n')));
    assert!(!screen(&app).contains("New product"), "no form for an RM");
    let store = reopen(&path);
    let mut app = signed_in(store, Lang::En, "admin");
    app.on_key(key(KeyCode::F(5)));
    app.on_key(key(KeyCode::Char('n')));
    assert!(screen(&app).contains("New product"));
    type_text(&mut app, "dep-3m");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "三个月定期");
    app.on_key(ctrl('s'));
    let s = screen(&app);
    assert!(
        s.contains("Product DEP-3M saved.") && s.contains("Products (6)"),
        "{s}"
    );
    // The admin sees the product but no clients.
    app.on_key(key(KeyCode::Enter));
    let s = screen(&app);
    assert!(s.contains("Administrators see no client data"), "{s}");
    app.on_key(key(KeyCode::Char('c')));
    // The question shows what it takes, and F2 does not leave it behind.
    let asked = screen(&app);
    let bar = asked.lines().last().unwrap_or_default().to_string();
    assert!(
        bar.contains("y Yes") && bar.contains("n No") && bar.contains("Esc Back"),
        "{bar}"
    );
    assert!(!bar.contains("F2"), "{bar}");
    app.on_key(key(KeyCode::F(2)));
    let s = screen(&app);
    assert!(s.contains("Close the open window first (Esc)."), "{s}");
    assert!(s.contains("rmdesk · Products"), "{s}");
    app.on_key(key(KeyCode::Char('y')));
    let s = screen(&app);
    assert!(s.contains("Product closed"), "{s}");
}

/// The R2 bond fund's clients, each with their next best product: 张三 (deposits of
/// ¥350,000: idle, the fund first among wealth, fund and bond: ★ it is this product),
/// 李四 (C2: 孙七, the only other general C2 client of the branch, holds the fund: 100%),
/// 孙七 (holds the fund; the one-year deposit suits but no reason holds: a dash).
#[test]
fn the_products_client_list_shows_each_clients_next_best_product() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut store = world(&path);
        let rm1 = store.login("rm1", PASSWORD).expect("rm1");
        let sun = client(&mut store, &rm1, "孙七", "E00000005", "C2", "2026-05-10");
        let zhang = 1;
        for (who, product, amount) in [(zhang, 1, "300,000"), (sun, 3, "10,000")] {
            let h = NewHolding {
                product_id: product,
                input: HoldingInput {
                    amount: amount.into(),
                    start_date: "2026-02-01".into(),
                    ..HoldingInput::default()
                },
                override_reason: String::new(),
            };
            store.add_holding(&rm1, who, &h).expect("holding");
        }
        let mut app = signed_in(store, lang, "rm1");
        open_product(&mut app, "FUND-BOND");
        for (w, h) in [(80, 24), (120, 40)] {
            let detail = render(&app, w, h);
            insta::assert_snapshot!(
                format!("product_next_best_{}_{w}x{h}", lang_name(lang)),
                detail
            );
        }
        if lang != Lang::En {
            continue;
        }
        let detail = render(&app, 120, 40);
        let row = |name: &str| {
            detail
                .lines()
                .find(|l| l.contains(name))
                .unwrap_or_else(|| panic!("{name}: {detail}"))
                .to_string()
        };
        assert!(
            row("张三").contains("★ FUND-BOND ¥350,000.00 in deposits could"),
            "{detail}"
        );
        assert!(
            row("李四").contains("★ FUND-BOND 100% of clients of the"),
            "{detail}"
        );
        assert!(row("孙七").contains("—"), "{detail}");
    }
}
