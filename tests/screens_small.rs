//! Small and narrow terminals: the client list, the calendar (month, week, day) and the home screen
//! at 40×12, 60×20 and 80×24 in English and Chinese. Nothing is drawn wrong: an amount is
//! whole or its column left out, day numbers and counts stay apart, the title never runs
//! into the user's name, and a bar with keys left out ends in `…`.
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::domain::task::TaskInput;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::Store;
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

const SIZES: [(u16, u16); 3] = [(40, 12), (60, 20), (80, 24)];

/// rm1's clients: 欧阳娜娜 holding ¥12,345,678.90 (core), Grace Hopper with none; two
/// tasks on the 23rd and one on the 24th.
fn world(path: &std::path::Path) -> Store {
    let (mut store, admin) = seeded(path);
    let product = ProductInput {
        code: "DEP-1Y".into(),
        name: "一年定期 1-year deposit".into(),
        category: "deposit".into(),
        risk_level: "R1".into(),
        min_amount: "50".into(),
        ..ProductInput::default()
    };
    let product = store.create_product(&admin, &product).expect("product");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mut client = |name: &str, passport: &str| -> i64 {
        let input = ClientInput {
            kind: "individual".into(),
            name: name.into(),
            id_type: "passport".into(),
            id_number: passport.into(),
            risk_level: "C3".into(),
            risk_assessed_on: "2026-06-01".into(),
            status: "active".into(),
            ..ClientInput::default()
        };
        match store.create_client(&rm1, &input, true).expect("client") {
            SaveOutcome::Saved(id) => id,
            SaveOutcome::PossibleMatches(_) => unreachable!("confirmed"),
        }
    };
    let rich = client("欧阳娜娜", "E10000001");
    client("Grace Hopper", "E10000002");
    let h = NewHolding {
        product_id: product,
        input: HoldingInput {
            amount: "12,345,678.90".into(),
            currency: String::new(),
            start_date: "2026-11-01".into(),
            maturity_date: String::new(),
        },
        override_reason: String::new(),
    };
    store.add_holding(&rm1, rich, &h).expect("holding");
    for (title, due) in [
        ("Call 欧阳娜娜 about the deposit", "2026-11-23"),
        ("Branch meeting", "2026-11-23"),
        ("Send the brochure", "2026-11-24"),
    ] {
        let t = TaskInput {
            title: title.into(),
            due_date: due.into(),
            due_time: "10:00".into(),
            priority: "normal".into(),
            recurrence: "none".into(),
            ..TaskInput::default()
        };
        store.create_task(&rm1, &t).expect("task");
    }
    store
}

fn signed_in(path: &std::path::Path, lang: Lang) -> App {
    let store = Store::open(path).expect("open");
    let mut store = store;
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));
    let mut app = app(store, lang);
    sign_in(&mut app, "rm1");
    app
}

#[test]
fn home_clients_and_calendar_at_small_sizes() {
    let (_dir, path) = temp_db();
    drop(world(&path));
    for lang in [Lang::En, Lang::ZhCn] {
        let mut app = signed_in(&path, lang);
        for (screen, key_code) in [
            ("home", KeyCode::F(2)),
            ("clients", KeyCode::F(3)),
            ("calendar", KeyCode::F(6)),
        ] {
            app.on_key(key(key_code));
            for (w, h) in SIZES {
                let shown = render(&app, w, h);
                let lines: Vec<&str> = shown.lines().collect();
                // The title line: the title first, the user's name (if any) after a gap.
                let top = lines.first().copied().unwrap_or_default();
                assert!(top.contains("rmdesk"), "{top}");
                if screen == "clients" {
                    // The core client's AUM is whole, or the column is not there.
                    let amount = "¥12,345,678.90";
                    let aum_shown = shown.contains(i18n_aum(lang));
                    assert_eq!(aum_shown, shown.contains(amount), "{shown}");
                    assert!(
                        !shown.contains("345,678.90") || shown.contains(amount),
                        "{shown}"
                    );
                }
                // A bar that had to leave keys out says so.
                let bar = lines.last().copied().unwrap_or_default();
                if !bar.contains("Ctrl-Q") {
                    assert!(bar.contains('…'), "{bar}");
                }
                insta::assert_snapshot!(
                    format!("small_{screen}_{}_{w}x{h}", lang_name(lang)),
                    shown
                );
            }
        }
    }
}

fn i18n_aum(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "AUM",
        Lang::ZhCn => "资产",
    }
}

/// The calendar's week and day views at 40×12 and 60×20, in both languages.
#[test]
fn calendar_week_and_day_at_small_sizes() {
    let (_dir, path) = temp_db();
    drop(world(&path));
    for lang in [Lang::En, Lang::ZhCn] {
        let mut app = signed_in(&path, lang);
        app.on_key(key(KeyCode::F(6)));
        for view in ["week", "day"] {
            app.on_key(key(KeyCode::Char('v')));
            for (w, h) in [(40, 12), (60, 20)] {
                let shown = render(&app, w, h);
                let top = shown.lines().next().unwrap_or_default();
                assert!(top.contains("rmdesk"), "{top}");
                // The day's tasks keep their time whole and their titles start whole
                // (a long title is cut on the right, with …).
                assert!(shown.contains("10:00    Branch meeting"), "{shown}");
                assert!(
                    shown.contains("10:00    Call 欧阳娜娜 about the d"),
                    "{shown}"
                );
                insta::assert_snapshot!(
                    format!("small_calendar_{view}_{}_{w}x{h}", lang_name(lang)),
                    shown
                );
            }
        }
    }
}
