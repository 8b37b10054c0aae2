//! Every client screen at every small size, without a panic.
use super::*;

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
