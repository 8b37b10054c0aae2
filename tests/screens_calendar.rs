//! Home (F2) and calendar (F6) screens: the work list with its reasons and Enter to what
//! a line is about; the month, week and day views, a new weekly task, marking an
//! occurrence done, plan notes, and a manager's read-only view of an RM's calendar.
//! Driven key by key on `TestBackend`; snapshots in English and Chinese at 80×24 and
//! 120×32. The clock is fixed at local noon, 2026-11-23 (a Monday).
mod common;

use common::*;
use crossterm::event::KeyCode;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::task::{TaskInput, TaskStatus};
use rmdesk::domain::visit::VisitInput;
use rmdesk::store::plans::PlanPeriod;
use rmdesk::store::{Actor, Store};
use rmdesk::tui::i18n::Lang;
use rmdesk::tui::App;

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn client(store: &mut Store, rm: &Actor, name: &str, passport: &str, extra: ClientInput) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: passport.into(),
        status: "active".into(),
        ..extra
    };
    create_confirmed(store, rm, &input)
}

fn task(store: &mut Store, rm: &Actor, title: &str, due: &str, time: &str, rec: &str) -> i64 {
    let input = TaskInput {
        title: title.into(),
        due_date: due.into(),
        due_time: time.into(),
        recurrence: rec.into(),
        priority: if title.contains('!') {
            "high"
        } else {
            "normal"
        }
        .into(),
        ..TaskInput::default()
    };
    store.create_task(rm, &input).expect("task")
}

/// rm1's desk on 2026-11-23: a visit follow-up due today, an overdue task, a weekly
/// meeting, a month-end series on the 31st, a done task, a birthday, a complaint near its
/// deadline, plan notes for November and this week.
fn desk(path: &std::path::Path) -> Store {
    let (mut store, _admin) = seeded(path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let lin = client(
        &mut store,
        &rm1,
        "林黛玉",
        "E00000001",
        ClientInput::default(),
    );
    client(
        &mut store,
        &rm1,
        "Alexander Hamilton",
        "E00000002",
        ClientInput {
            birth_date: "1985-11-23".into(),
            ..ClientInput::default()
        },
    );
    let visit = VisitInput {
        visited_at: "2026-11-20 10:00".into(),
        channel: "branch".into(),
        purpose: "季度回访".into(),
        summary: "客户关心存款利率".into(),
        next_step: "寄送理财产品说明书".into(),
        next_step_on: "2026-11-23".into(),
        ..VisitInput::default()
    };
    store.record_visit(&rm1, lin, &visit).expect("visit");
    store
        .file_feedback(
            &rm1,
            lin,
            &rmdesk::domain::visit::FeedbackInput {
                kind: "complaint".into(),
                received_on: "2026-11-09".into(),
                channel: "phone".into(),
                description: "网点排队时间过长".into(),
                severity: "normal".into(),
            },
        )
        .expect("complaint");
    task(
        &mut store,
        &rm1,
        "补充开户资料 Documents!",
        "2026-11-19",
        "",
        "none",
    );
    task(
        &mut store,
        &rm1,
        "周例会 Team meeting",
        "2026-11-23",
        "09:00",
        "weekly",
    );
    task(
        &mut store,
        &rm1,
        "月末报表 Month-end report",
        "2026-10-31",
        "",
        "monthly",
    );
    let done = task(
        &mut store,
        &rm1,
        "电话回访 Call back",
        "2026-11-18",
        "",
        "none",
    );
    store.complete_task(&rm1, done).expect("done");
    task(
        &mut store,
        &rm1,
        "面谈 Meeting at 14:00",
        "2026-11-25",
        "14:00",
        "none",
    );
    store
        .save_plan_note(
            &rm1,
            PlanPeriod::Month(date("2026-11-01")),
            "新增有效客户 10 户，到期资金留存 80%。",
        )
        .expect("note");
    store
        .save_plan_note(
            &rm1,
            PlanPeriod::Week(date("2026-11-23")),
            "回访核心客户 5 户。",
        )
        .expect("note");
    store
}

fn signed_in(path: &std::path::Path, lang: Lang, user: &str) -> App {
    let mut app = app(desk(path), lang);
    sign_in(&mut app, user);
    app
}

#[test]
fn home_lists_todays_work_with_reasons_and_enter_opens_the_line() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut app = signed_in(&path, lang, "rm1");
        let home = render(&app, 80, 24);
        insta::assert_snapshot!(format!("home_{}", lang_name(lang)), home);
        insta::assert_snapshot!(
            format!("home_{}_120x32", lang_name(lang)),
            render(&app, 120, 32)
        );
        if lang == Lang::En {
            let lines: Vec<&str> = home.lines().collect();
            let at = |needle: &str| {
                lines
                    .iter()
                    .position(|l| l.contains(needle))
                    .unwrap_or_else(|| panic!("{needle} missing:\n{home}"))
            };
            // Overdue first, then today's tasks, the complaint, the birthday.
            assert!(at("Overdue since 2026-11-19") < at("Due today 09:00"));
            assert!(at("Due today 09:00") < at("寄送理财产品说明书"));
            assert!(at("寄送理财产品说明书") < at("Complaint due 2026-11-24"));
            assert!(at("Complaint due 2026-11-24") < at("Birthday today"));
            // Each kind's title comes before its lines.
            assert!(at("Overdue tasks: 2") < at("Overdue since 2026-10-31"));
            assert!(at("Due today: 2") < at("Due today 09:00"));
            assert!(at("Complaints at or near their deadline: 1") < at("Complaint due"));
            // The visit's follow-up is the sixth line (the overdue kind's title and two
            // tasks, today's title, the 09:00 meeting); Enter opens it in the calendar.
            for _ in 0..5 {
                app.on_key(key(KeyCode::Down));
            }
            app.on_key(key(KeyCode::Enter));
            let opened = render(&app, 80, 24);
            assert!(opened.contains("rmdesk · Calendar"), "{opened}");
            assert!(
                opened.contains("寄送理财产品说明书") && opened.contains("visit follow-up"),
                "{opened}"
            );
            app.on_key(key(KeyCode::Esc));
            // Back home; the complaint line opens it on the feedback tab of F4.
            app.on_key(key(KeyCode::F(2)));
            app.on_key(key(KeyCode::Down));
            app.on_key(key(KeyCode::Down));
            app.on_key(key(KeyCode::Enter));
            let complaint = render(&app, 80, 24);
            assert!(
                complaint.contains("rmdesk · Visits & feedback")
                    && complaint.contains("林黛玉")
                    && complaint.contains("网点排队时间过长"),
                "{complaint}"
            );
            // The complaints' title opens the feedback list of pending complaints.
            app.on_key(key(KeyCode::Esc));
            app.on_key(key(KeyCode::F(2)));
            app.on_key(key(KeyCode::Up));
            app.on_key(key(KeyCode::Enter));
            let list = render(&app, 80, 24);
            assert!(
                list.contains("rmdesk · Visits & feedback")
                    && list.contains("open and in progress · Complaint")
                    && list.contains("林黛玉"),
                "{list}"
            );
            insta::assert_snapshot!("home_complaints_list_en", list);
            // The overdue tasks' title opens their own list on home; Esc comes back.
            app.on_key(key(KeyCode::F(2)));
            app.on_key(key(KeyCode::Home));
            app.on_key(key(KeyCode::Enter));
            let own = render(&app, 80, 24);
            insta::assert_snapshot!("home_overdue_list_en", own);
            assert!(
                own.contains("Overdue tasks: 2") && !own.contains("Due today 09:00"),
                "{own}"
            );
            app.on_key(key(KeyCode::Esc));
            assert!(render(&app, 80, 24).contains("Due today 09:00"));
        }
    }
}

#[test]
fn month_week_and_day_views_at_80x24_and_larger() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut app = signed_in(&path, lang, "rm1");
        app.on_key(key(KeyCode::F(6)));
        let l = lang_name(lang);
        insta::assert_snapshot!(format!("calendar_month_{l}"), render(&app, 80, 24));
        insta::assert_snapshot!(format!("calendar_month_{l}_120x32"), render(&app, 120, 32));
        app.on_key(key(KeyCode::Char('v')));
        insta::assert_snapshot!(format!("calendar_week_{l}"), render(&app, 80, 24));
        insta::assert_snapshot!(format!("calendar_week_{l}_120x32"), render(&app, 120, 32));
        app.on_key(key(KeyCode::Char('v')));
        insta::assert_snapshot!(format!("calendar_day_{l}"), render(&app, 80, 24));
        insta::assert_snapshot!(format!("calendar_day_{l}_120x32"), render(&app, 120, 32));
    }
}

#[test]
fn moving_creating_a_weekly_task_and_completing_an_occurrence() {
    let (_dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(6)));
    assert!(render(&app, 80, 24).contains("November 2026"));
    app.on_key(key(KeyCode::PageDown));
    let december = render(&app, 80, 24);
    assert!(december.contains("December 2026"), "{december}");
    // The month-end series shows on the 31st of December, projected.
    assert!(december.contains("31"));
    app.on_key(key(KeyCode::PageUp));
    app.on_key(key(KeyCode::Right)); // Tuesday the 24th
    app.on_key(key(KeyCode::Char('n')));
    assert!(render(&app, 80, 24).contains("New task · 2026-11-24"));
    type_text(&mut app, "客户沙龙 Client salon");
    for _ in 0..4 {
        app.on_key(key(KeyCode::Tab)); // due date, time, priority, repeats
    }
    app.on_key(key(KeyCode::Right)); // does not repeat → daily
    app.on_key(key(KeyCode::Right)); // → weekly
    app.on_key(ctrl('s'));
    let saved = render(&app, 80, 24);
    assert!(saved.contains("Task added on 2026-11-24."), "{saved}");
    assert!(saved.contains("↻  客户沙龙 Client salon"), "{saved}");
    // Next week shows the occurrence too.
    app.on_key(key(KeyCode::Down));
    assert!(render(&app, 80, 24).contains("客户沙龙 Client salon"));
    // A later occurrence cannot be done before the pending one.
    app.on_key(key(KeyCode::Char('d')));
    assert!(render(&app, 80, 24).contains("mark the one due 2026-11-24 done first"));
    app.on_key(key(KeyCode::Up));
    app.on_key(key(KeyCode::Char('d')));
    let done = render(&app, 80, 24);
    assert!(
        done.contains("Done; the next one is on 2026-12-01."),
        "{done}"
    );
    insta::assert_snapshot!("calendar_done_next_en", done);
    let actor = app.actor().expect("signed in").clone();
    let next = app
        .store()
        .tasks_between(
            &actor,
            actor.user_id,
            date("2026-12-01"),
            date("2026-12-01"),
        )
        .expect("tasks");
    assert!(next.iter().any(|o| o.task.title == "客户沙龙 Client salon"
        && !o.projected
        && o.task.status == TaskStatus::Open));
    // t goes back to today; w edits the week's goal.
    app.on_key(key(KeyCode::Char('t')));
    app.on_key(key(KeyCode::Char('w')));
    type_text(&mut app, " 再约 2 户。");
    app.on_key(ctrl('s'));
    let noted = render(&app, 80, 24);
    assert!(noted.contains("Plan note saved."), "{noted}");
    assert!(noted.contains("再约"), "{noted}");
    assert_eq!(
        app.store()
            .plan_note(&actor, actor.user_id, PlanPeriod::Week(date("2026-11-23")))
            .expect("note"),
        "回访核心客户 5 户。 再约 2 户。"
    );
}

#[test]
fn a_manager_reads_an_rms_calendar_read_only() {
    for lang in [Lang::En, Lang::ZhCn] {
        let (_dir, path) = temp_db();
        let mut app = signed_in(&path, lang, "mgr1");
        app.on_key(key(KeyCode::F(6)));
        app.on_key(key(KeyCode::Char('o')));
        let theirs = render(&app, 80, 24);
        insta::assert_snapshot!(
            format!("calendar_manager_reads_rm1_{}", lang_name(lang)),
            theirs
        );
        app.on_key(key(KeyCode::Char('n')));
        let refused = render(&app, 80, 24);
        assert!(
            refused.contains("you can read it, not change it") || refused.contains("只能查看"),
            "{refused}"
        );
        app.on_key(key(KeyCode::Enter));
        let view = render(&app, 80, 24);
        assert!(
            view.contains("read-only") || view.contains("只读"),
            "{view}"
        );
    }
}

#[test]
fn export_from_the_calendar_screen_writes_the_ics_file() {
    let (dir, path) = temp_db();
    let mut app = signed_in(&path, Lang::En, "rm1");
    app.on_key(key(KeyCode::F(6)));
    app.on_key(key(KeyCode::Char('x')));
    let popup = render(&app, 80, 24);
    assert!(
        popup.contains("Export calendar (.ics)") && popup.contains("rmdesk-rm1.ics"),
        "{popup}"
    );
    let file = dir.path().join("mine.ics");
    app.on_key(ctrl('u'));
    type_text(&mut app, file.to_str().expect("utf-8"));
    app.on_key(key(KeyCode::Enter));
    let done = render(&app, 80, 24);
    assert!(done.contains("6 tasks exported to"), "{done}");
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\n") && text.contains("SUMMARY:周例会 Team meeting\r\n")
    );
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO\r\n"));
}
