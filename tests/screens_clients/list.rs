//! The list: Chinese names lined up, each role's share of clients, paging through
//! hundreds.
use super::*;

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
