//! Care on home (TestBackend + insta, English and Chinese, 80×24 and 120×40): the coming
//! birthdays and client anniversaries as kinds with their lines; a festival as one title
//! with the count of consenting clients, its list opening with Enter; on a care line,
//! `t` asks and makes a task due today for the client's RM, `m` asks and records the
//! greeting as a message contact.
mod common;

use chrono::{TimeZone, Utc};
use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::{FixedClock, Store};
use rmdesk::tui::i18n::Lang;

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh",
    }
}

/// rm1 (0101): 林黛玉 born 11-26 (consents), 贾宝玉 born 11-30 (consents), Wang Fang born
/// 12-01 (8 days: not listed; no consent), 薛宝钗 added two years ago on 25 November
/// (Beijing), born 02-03 (consents); rm2 (0202): Other, consents.
fn world(path: &std::path::Path) -> Vec<i64> {
    let (mut store, _admin) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let mut ids = Vec::new();
    for (n, (owner, name, birth, consent)) in [
        (&rm1, "林黛玉", "1990-11-26", "yes"),
        (&rm1, "贾宝玉", "1991-11-30", "yes"),
        (&rm1, "Wang Fang", "1985-12-01", "no"),
        (&rm1, "薛宝钗", "1988-02-03", "yes"),
        (&rm2, "Other", "1980-11-25", "yes"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = ClientInput {
            kind: "individual".into(),
            name: name.into(),
            id_type: "passport".into(),
            id_number: format!("E5555{n:04}"),
            birth_date: birth.into(),
            marketing_consent: consent.into(),
            ..ClientInput::default()
        };
        match store.create_client(owner, &input, true).expect("client") {
            SaveOutcome::Saved(id) => ids.push(id),
            SaveOutcome::PossibleMatches(_) => unreachable!(),
        }
    }
    raw(path)
        .expect("raw")
        .execute(
            "UPDATE clients SET created_at = '2024-11-24T18:30:00Z' WHERE id = ?1",
            [ids[3]],
        )
        .expect("added");
    ids
}

fn open(path: &std::path::Path, lang: Lang, user: &str, day: (i32, u32, u32)) -> rmdesk::tui::App {
    let mut store = Store::open(path).expect("open");
    let noon = Utc
        .with_ymd_and_hms(day.0, day.1, day.2, 4, 0, 0)
        .single()
        .expect("instant");
    store.set_clock(Box::new(FixedClock(noon)));
    let mut app = app(store, lang);
    sign_in(&mut app, user);
    app
}

/// Moves down until the selected line (marked `›` at the start) holds `needle`.
fn select(app: &mut rmdesk::tui::App, needle: &str) {
    for _ in 0..80 {
        let screen = render(app, 120, 40);
        if screen
            .lines()
            .any(|l| l.contains("│›") && l.contains(needle))
        {
            return;
        }
        app.on_key(key(KeyCode::Down));
    }
    panic!("{needle} never selected:\n{}", render(app, 120, 40));
}

#[test]
fn coming_birthdays_and_anniversaries_are_kinds_of_home() {
    let (_dir, path) = temp_db();
    world(&path);
    for lang in [Lang::En, Lang::ZhCn] {
        let app = open(&path, lang, "rm1", (2026, 11, 23));
        for (w, h) in [(80, 24), (120, 40)] {
            let home = render(&app, w, h);
            insta::assert_snapshot!(format!("home_care_rm_{}_{w}x{h}", lang_name(lang)), home);
        }
        if lang != Lang::En {
            continue;
        }
        let home = render(&app, 120, 40);
        assert!(home.contains("Birthdays in the next 7 days: 2"), "{home}");
        assert!(home.contains("Birthday 2026-11-26 (in 3 d)"), "{home}");
        assert!(home.contains("Birthday 2026-11-30 (in 7 d)"), "{home}");
        assert!(!home.contains("Wang Fang"), "8 days ahead: {home}");
        assert!(!home.contains("Other"), "another branch's client: {home}");
        assert!(
            home.contains("Client anniversaries in the next 7 days: 1"),
            "{home}"
        );
        assert!(
            home.contains("2-year client anniversary 2026-11-25 (in 2 d)"),
            "18:30 UTC on the 24th is the 25th in Beijing: {home}"
        );
        assert!(!home.contains("Spring Festival"), "{home}");
    }
}

#[test]
fn a_festival_is_one_count_on_home_and_its_list_opens_with_enter() {
    let (_dir, path) = temp_db();
    world(&path);
    for lang in [Lang::En, Lang::ZhCn] {
        let mut app = open(&path, lang, "mgr1", (2027, 2, 1));
        for (w, h) in [(80, 24), (120, 40)] {
            let home = render(&app, w, h);
            insta::assert_snapshot!(
                format!("home_care_festival_{}_{w}x{h}", lang_name(lang)),
                home
            );
        }
        if lang != Lang::En {
            continue;
        }
        let home = render(&app, 120, 40);
        // The branch's three consenting clients, one title; no line per client.
        assert!(
            home.contains("Spring Festival on 2027-02-06, consenting clients to greet: 3 ›"),
            "{home}"
        );
        assert!(!home.contains("贾宝玉"), "{home}");
        assert!(home.contains("Birthday 2027-02-03 (in 2 d)"), "{home}");
        select(&mut app, "Spring Festival on 2027-02-06");
        app.on_key(key(KeyCode::Enter));
        let list = render(&app, 120, 40);
        insta::assert_snapshot!("home_care_festival_list_en_120x40", list);
        for name in ["林黛玉", "贾宝玉", "薛宝钗"] {
            assert!(list.contains(name), "{name}: {list}");
        }
        assert!(
            !list.contains("Wang Fang") && !list.contains("Other"),
            "{list}"
        );
        app.on_key(key(KeyCode::Esc));
        assert!(render(&app, 120, 40).contains("Birthdays in the next 7 days"));
    }
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    raw(path)
        .expect("raw")
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

#[test]
fn t_makes_a_task_for_today_and_m_records_the_greeting_after_a_question() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let ids = world(&path);
        let mut app = open(&path, lang, "rm1", (2026, 11, 23));
        let line = if lang == Lang::En {
            "Birthday 2026-11-26 ("
        } else {
            "生日 2026-11-26（"
        };
        select(&mut app, line);
        let bar = render(&app, 120, 40);
        let words = if lang == Lang::En {
            ["t Task", "m Greeted"]
        } else {
            ["t 生成任务", "m 已问候"]
        };
        for w in words {
            assert!(bar.contains(w), "the command bar shows {w}: {bar}");
        }
        app.on_key(key(KeyCode::Char('t')));
        insta::assert_snapshot!(
            format!("home_care_task_question_{}_80x24", lang_name(lang)),
            render(&app, 80, 24)
        );
        app.on_key(key(KeyCode::Char('y')));
        if lang == Lang::En {
            let done = render(&app, 120, 40);
            assert!(
                done.contains("Task made, due today: Birthday: 林黛玉 (2026-11-26)"),
                "{done}"
            );
            // The new task is on home now, due today.
            assert!(done.contains("Due today: 1"), "{done}");
        }
        // The list has a new kind above: the care line is found again.
        select(&mut app, line);
        app.on_key(key(KeyCode::Char('m')));
        app.on_key(key(KeyCode::Esc));
        app.on_key(key(KeyCode::Char('m')));
        app.on_key(key(KeyCode::Char('y')));
        // One task and one greeting; Esc asked and did nothing.
        let tasks = count(
            &path,
            &format!(
                "SELECT count(*) FROM tasks WHERE client_id = {} AND due_date = '2026-11-23' AND status = 'open'",
                ids[0]
            ),
        );
        assert_eq!(tasks, 1);
        let greetings = count(
            &path,
            &format!(
                "SELECT count(*) FROM visits WHERE client_id = {} AND channel = 'message'",
                ids[0]
            ),
        );
        assert_eq!(greetings, 1);
        assert_eq!(
            count(
                &path,
                "SELECT count(*) FROM audit_log WHERE action = 'visit.create'"
            ),
            1
        );
    }
}
