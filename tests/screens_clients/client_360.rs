//! The list and the 360 view: masked until the reveal key, the reveal audited, and
//! the sections showing what the tables hold.
use super::*;

fn reveal_entries(path: &std::path::Path) -> usize {
    let mut reader = Store::open(path).expect("second connection");
    let admin = reader.login("admin", PASSWORD).expect("admin");
    reader
        .audit_recent(&admin, Some("client.reveal"), 100)
        .expect("audit")
        .len()
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
