//! Tasks, plan notes and the home work list in the store, on real temporary files:
//! recurring series written one occurrence at a time and shown on every day they occur,
//! who may read and write whose calendar, and the rules and order of the work list.
mod common;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::task::{TaskInput, TaskStatus};
use rmdesk::store::home::{WorkKind, WorkRef};
use rmdesk::store::plans::PlanPeriod;
use rmdesk::store::{Actor, Store, StoreError};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn task(title: &str, due: &str, recurrence: &str) -> TaskInput {
    TaskInput {
        title: title.into(),
        due_date: due.into(),
        recurrence: recurrence.into(),
        ..TaskInput::default()
    }
}

fn client(store: &mut Store, rm: &Actor, name: &str, passport: &str, extra: ClientInput) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: passport.into(),
        ..extra
    };
    create_confirmed(store, rm, &input)
}

fn sql(path: &std::path::Path, statements: &str) {
    let conn = common::raw(path).expect("raw");
    conn.execute_batch(statements).expect("sql");
}

#[test]
fn a_monthly_series_on_the_31st_shows_on_every_month_and_completing_writes_the_next() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let id = store
        .create_task(
            &rm1,
            &task("月末报表 Month-end report", "2026-10-31", "monthly"),
        )
        .expect("create");
    let t = store.task(&rm1, id).expect("task");
    assert_eq!(t.anchor_date, Some(date("2026-10-31")));

    // Shown on the last day of each month, February included, from the pending one on.
    let days: Vec<_> = store
        .tasks_between(&rm1, rm1.user_id, date("2026-10-01"), date("2027-03-31"))
        .expect("range")
        .into_iter()
        .map(|o| (o.date.to_string(), o.projected))
        .collect();
    assert_eq!(
        days,
        vec![
            ("2026-10-31".to_string(), false),
            ("2026-11-30".to_string(), true),
            ("2026-12-31".to_string(), true),
            ("2027-01-31".to_string(), true),
            ("2027-02-28".to_string(), true),
            ("2027-03-31".to_string(), true),
        ]
    );

    // Completing October's writes November's 30th; completing that, December's 31st.
    let done = store.complete_task(&rm1, id).expect("done");
    let (next, due) = done.next.expect("a next occurrence");
    assert_eq!(due, date("2026-11-30"));
    let done = store.complete_task(&rm1, next).expect("done");
    assert_eq!(done.next.map(|n| n.1), Some(date("2026-12-31")));
    assert!(matches!(
        store.complete_task(&rm1, id),
        Err(StoreError::Invalid {
            key: "err.task.not_open",
            ..
        })
    ));
    let nov = store
        .tasks_between(&rm1, rm1.user_id, date("2026-11-01"), date("2026-12-31"))
        .expect("range");
    let shown: Vec<_> = nov
        .iter()
        .map(|o| (o.date.to_string(), o.task.status, o.projected))
        .collect();
    assert_eq!(
        shown,
        vec![
            ("2026-11-30".to_string(), TaskStatus::Done, false),
            ("2026-12-31".to_string(), TaskStatus::Open, false),
        ],
        "a done occurrence stays on its day; the pending one is a stored task"
    );

    // A one-off task has no next; a weekly one keeps its weekday.
    let once = store
        .create_task(&rm1, &task("Once", "2026-11-23", "none"))
        .expect("once");
    assert_eq!(store.complete_task(&rm1, once).expect("done").next, None);
    let weekly = store
        .create_task(&rm1, &task("周例会", "2026-11-23", "weekly"))
        .expect("weekly");
    let mut edit = store.task(&rm1, weekly).expect("task").input();
    edit.status = "done".into();
    let via_form = store.update_task(&rm1, weekly, &edit).expect("update");
    assert_eq!(via_form.next.map(|n| n.1), Some(date("2026-11-30")));
    edit.status = "open".into();
    assert!(
        matches!(
            store.update_task(&rm1, weekly, &edit),
            Err(StoreError::Invalid {
                key: "err.task.reopen_series",
                ..
            })
        ),
        "the next occurrence exists: no reopening"
    );
}

#[test]
fn tasks_are_checked_and_clients_must_be_visible() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let theirs = client(
        &mut store,
        &rm2,
        "王五",
        "E00000002",
        ClientInput::default(),
    );
    let no = store.client(&rm2, theirs).expect("c").fields.client_no;
    let err = store
        .create_task(
            &rm1,
            &TaskInput {
                client_no: no.clone(),
                ..task("", "2026-13-01", "none")
            },
        )
        .expect_err("invalid");
    let StoreError::Fields(errors) = err else {
        panic!("{err:?}")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["title", "due_date"]);
    let err = store
        .create_task(
            &rm1,
            &TaskInput {
                client_no: no.clone(),
                ..task("Call", "2026-11-30", "none")
            },
        )
        .expect_err("another RM's client");
    assert!(
        matches!(&err, StoreError::Fields(e) if e[0].key == "err.task.client"),
        "{err:?}"
    );
    let id = store
        .create_task(
            &rm2,
            &TaskInput {
                client_no: no.to_lowercase(),
                ..task("Call", "2026-11-30", "none")
            },
        )
        .expect("own client");
    let t = store.task(&rm2, id).expect("task");
    assert_eq!(t.client_name.as_deref(), Some("王五"));
}

#[test]
fn managers_read_the_branch_calendars_and_write_only_their_own() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let (rm1, rm2, mgr1, mgr2) = staff(&mut store);
    let id = store
        .create_task(&rm1, &task("拜访客户", "2026-11-24", "none"))
        .expect("task");
    let month = PlanPeriod::Month(date("2026-11-01"));
    store
        .save_plan_note(&rm1, month, "本月目标：新增10户\nTen new clients")
        .expect("note");
    store
        .save_plan_note(&rm1, month, "本月目标：新增12户")
        .expect("replaced");

    // The branch's manager reads rm1's calendar and plan, read-only.
    let seen = store
        .tasks_between(&mgr1, rm1.user_id, date("2026-11-01"), date("2026-11-30"))
        .expect("manager reads");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        store.plan_note(&mgr1, rm1.user_id, month).expect("note"),
        "本月目标：新增12户"
    );
    assert!(matches!(
        store.complete_task(&mgr1, id),
        Err(StoreError::Forbidden)
    ));
    let owners: Vec<_> = store
        .calendar_owners(&mgr1)
        .expect("owners")
        .into_iter()
        .map(|o| o.username)
        .collect();
    assert_eq!(owners, vec!["mgr1", "rm1"], "own first, then the branch");
    assert_eq!(store.calendar_owners(&rm1).expect("own").len(), 1);

    // Another branch's manager, another RM and the administrator get nothing.
    for outsider in [&mgr2, &rm2] {
        assert!(matches!(
            store.tasks_between(
                outsider,
                rm1.user_id,
                date("2026-11-01"),
                date("2026-11-30")
            ),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.task(outsider, id),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.complete_task(outsider, id),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.plan_note(outsider, rm1.user_id, month),
            Err(StoreError::NotFound)
        ));
    }
    assert!(matches!(
        store.tasks_between(&admin, rm1.user_id, date("2026-11-01"), date("2026-11-30")),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.work_list(&admin),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.create_task(&admin, &task("x", "2026-11-24", "none")),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn the_work_list_has_every_rule_in_order_of_urgency() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    // Today is 2026-11-23 (the fixed clock).
    let birthday = client(
        &mut store,
        &rm1,
        "寿星 Birthday",
        "E00000001",
        ClientInput {
            birth_date: "1980-11-23".into(),
            ..ClientInput::default()
        },
    );
    let risky = client(
        &mut store,
        &rm1,
        "测评 Risk",
        "E00000003",
        ClientInput {
            risk_level: "C3".into(),
            risk_assessed_on: "2025-12-10".into(),
            ..ClientInput::default()
        },
    );
    let stale = client(
        &mut store,
        &rm1,
        "久未联系 Stale",
        "E00000004",
        ClientInput::default(),
    );
    let fresh = client(
        &mut store,
        &rm1,
        "刚联系 Fresh",
        "E00000005",
        ClientInput::default(),
    );
    let complainer = client(
        &mut store,
        &rm1,
        "投诉 Complaint",
        "E00000006",
        ClientInput::default(),
    );
    let maturing = client(
        &mut store,
        &rm1,
        "到期 Maturity",
        "E00000007",
        ClientInput::default(),
    );
    // Deadline 2026-11-24 (near) and 2026-12-05 (not yet).
    let near = store
        .file_feedback(
            &rm1,
            complainer,
            &rmdesk::domain::visit::FeedbackInput {
                kind: "complaint".into(),
                received_on: "2026-11-09".into(),
                channel: "phone".into(),
                description: "排队太久".into(),
                severity: "normal".into(),
            },
        )
        .expect("complaint");
    store
        .file_feedback(
            &rm1,
            complainer,
            &rmdesk::domain::visit::FeedbackInput {
                kind: "complaint".into(),
                received_on: "2026-11-20".into(),
                channel: "phone".into(),
                description: "later".into(),
                severity: "normal".into(),
            },
        )
        .expect("complaint");
    store
        .file_feedback(
            &rm1,
            complainer,
            &rmdesk::domain::visit::FeedbackInput {
                kind: "suggestion".into(),
                received_on: "2026-11-01".into(),
                channel: "phone".into(),
                description: "a suggestion".into(),
                severity: "normal".into(),
            },
        )
        .expect("suggestion");
    let overdue = store
        .create_task(&rm1, &task("逾期任务 Overdue", "2026-11-20", "none"))
        .expect("task");
    let today_task = store
        .create_task(
            &rm1,
            &TaskInput {
                due_time: "10:30".into(),
                ..task("今日任务 Today", "2026-11-23", "weekly")
            },
        )
        .expect("task");
    store
        .create_task(&rm1, &task("Later", "2026-11-24", "none"))
        .expect("task");
    let done = store
        .create_task(&rm1, &task("Done already", "2026-11-22", "none"))
        .expect("task");
    store.complete_task(&rm1, done).expect("done");
    drop(store);
    // Noon of 5 January in the fixed clock's zone (UTC+8).
    let stale_at = "2026-01-05T04:00:00Z";
    sql(
        &path,
        &format!(
            "UPDATE clients SET last_contact_at = '{stale_at}' WHERE id = {stale};
             UPDATE clients SET last_contact_at = '2026-11-01T02:00:00Z' WHERE id IN ({fresh}, {birthday}, {risky}, {complainer}, {maturing});
             INSERT INTO products (code, name, category, risk_level, created_at, updated_at)
                 VALUES ('TD', '三个月定期 3-month deposit', 'deposit', 'R1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
             INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date, status, created_by, created_at, updated_at)
                 VALUES ({maturing}, 1, '50000', 'CNY', '2026-08-26', '2026-11-26', 'open', 1, '2026-08-26T00:00:00Z', '2026-08-26T00:00:00Z'),
                        ({maturing}, 1, '1', 'CNY', '2026-08-26', '2026-12-26', 'open', 1, '2026-08-26T00:00:00Z', '2026-08-26T00:00:00Z'),
                        ({maturing}, 1, '2', 'CNY', '2026-08-26', '2026-11-25', 'closed', 1, '2026-08-26T00:00:00Z', '2026-08-26T00:00:00Z');"
        ),
    );
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));

    let list = store.work_list(&rm1).expect("work list").items;
    let lines: Vec<_> = list
        .iter()
        .map(|w| (w.kind, w.date.to_string(), w.subject.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                WorkKind::OverdueTask,
                "2026-11-20".into(),
                "逾期任务 Overdue"
            ),
            (WorkKind::TaskToday, "2026-11-23".into(), "今日任务 Today"),
            (WorkKind::Complaint, "2026-11-24".into(), "投诉 Complaint"),
            (WorkKind::Maturity, "2026-11-26".into(), "到期 Maturity"),
            (WorkKind::Birthday, "2026-11-23".into(), "寿星 Birthday"),
            (WorkKind::RiskReview, "2026-12-10".into(), "测评 Risk"),
            (WorkKind::ContactDue, "2026-01-05".into(), "久未联系 Stale"),
        ]
    );
    assert_eq!(
        list[0].target,
        WorkRef::Task {
            id: overdue,
            date: date("2026-11-20")
        }
    );
    assert_eq!(list[1].time.as_deref(), Some("10:30"));
    assert_eq!(
        list[1].target,
        WorkRef::Task {
            id: today_task,
            date: date("2026-11-23")
        }
    );
    assert_eq!(
        list[2].target,
        WorkRef::Feedback {
            client_id: complainer,
            id: near
        }
    );
    assert_eq!(
        list[3].detail.as_deref(),
        Some("三个月定期 3-month deposit")
    );
    assert_eq!(list[4].target, WorkRef::Client(birthday));
    assert_eq!(list[6].tier, Some(rmdesk::domain::client::Tier::General));

    // The manager sees the branch's near complaint, none of rm1's tasks or clients.
    let theirs = store.work_list(&mgr1).expect("manager").items;
    let kinds: Vec<_> = theirs.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, vec![WorkKind::Complaint]);

    // The core cadence (30 days) makes a client contacted 40 days ago due.
    drop(store);
    sql(
        &path,
        &format!(
            "UPDATE clients SET tier = 'core', last_contact_at = '2026-10-14T02:00:00Z' WHERE id = {fresh};"
        ),
    );
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));
    let list = store.work_list(&rm1).expect("work list").items;
    let due: Vec<_> = list
        .iter()
        .filter(|w| w.kind == WorkKind::ContactDue)
        .map(|w| w.subject.as_str())
        .collect();
    assert_eq!(
        due,
        vec!["久未联系 Stale", "刚联系 Fresh"],
        "longest-waiting first"
    );
}
