//! Visits and feedback in the store, on real temporary files: the visit and its follow-up
//! task land together or not at all, scoping, return calls, and the feedback life cycle.
mod common;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::visit::{FeedbackStatus, VisitInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::{Actor, Store, StoreError};

fn client(store: &mut Store, rm: &Actor) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: "林黛玉".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..ClientInput::default()
    };
    match store.create_client(rm, &input, true).expect("client") {
        SaveOutcome::Saved(id) => id,
        other => panic!("{other:?}"),
    }
}

fn visit(next_on: &str) -> VisitInput {
    VisitInput {
        visited_at: "2026-11-22 10:00".into(),
        channel: "client_site".into(),
        purpose: "年度回顾".into(),
        summary: "客户关注稳健型理财。\nAsked about deposits.".into(),
        next_step: "送产品说明书".into(),
        next_step_on: next_on.into(),
        ..VisitInput::default()
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn a_visit_with_a_next_step_date_makes_its_follow_up_task_and_moves_last_contact() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let id = client(&mut store, &rm1);
    let rec = store
        .record_visit(&rm1, id, &visit("2026-12-01"))
        .expect("visit");
    let task = rec.task_id.expect("a follow-up task");
    let log = store.visit_log(&rm1, id, 10).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].task_id, Some(task), "the visit shows its task");
    assert!(log[0].summary.contains('\n'));
    assert!(store
        .client(&rm1, id)
        .expect("client")
        .last_contact_at
        .is_some());
    // without a date: a visit, no task
    let mut plain = visit("");
    plain.next_step.clear();
    assert_eq!(
        store.record_visit(&rm1, id, &plain).expect("visit").task_id,
        None
    );
    let created = store
        .audit_recent(&admin, Some("task.create"), 10)
        .expect("audit");
    assert_eq!(created.len(), 1);
    assert!(created[0]
        .after
        .as_deref()
        .unwrap_or("")
        .contains(&format!("visit_id={}", rec.visit_id)));
    // the RM's own list over a date range
    let mine = store
        .my_visits(&rm1, date("2026-11-01"), date("2026-11-30"), 50)
        .expect("mine");
    assert_eq!(mine.len(), 2);
    assert!(store
        .my_visits(&rm1, date("2026-10-01"), date("2026-10-31"), 50)
        .expect("mine")
        .is_empty());
}

#[test]
fn when_the_task_cannot_be_written_the_visit_is_not_written_either() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let id = client(&mut store, &rm1);
    drop(store);
    // Make the task insert fail: a trigger refuses follow-up tasks.
    rusqlite::Connection::open(&path)
        .expect("raw")
        .execute_batch("CREATE TRIGGER no_tasks BEFORE INSERT ON tasks BEGIN SELECT RAISE(ABORT, 'no tasks today'); END;")
        .expect("trigger");
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    assert!(store.record_visit(&rm1, id, &visit("2026-12-01")).is_err());
    assert!(
        store.visit_log(&rm1, id, 10).expect("log").is_empty(),
        "neither visit nor task"
    );
    assert!(store
        .client(&rm1, id)
        .expect("client")
        .last_contact_at
        .is_none());
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn visits_are_scoped_through_their_client() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let mgr2 = store.login("mgr2", PASSWORD).expect("mgr2");
    let id = client(&mut store, &rm1);
    let rec = store.record_visit(&rm1, id, &visit("")).expect("visit");
    assert!(matches!(
        store.visit_log(&rm2, id, 10),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.record_visit(&rm2, id, &visit("")),
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.visit_log(&mgr1, id, 10).expect("manager").len(), 1);
    // return calls: the branch's manager only
    assert!(matches!(
        store.record_return_call(&rm1, rec.visit_id, "satisfied", ""),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.record_return_call(&mgr2, rec.visit_id, "satisfied", ""),
        Err(StoreError::NotFound)
    ));
    store
        .record_return_call(&mgr1, rec.visit_id, "客户满意", "确认已走访")
        .expect("return call");
    assert!(
        store.visit_log(&rm1, id, 10).expect("log")[0]
            .return_checked_at
            .is_some(),
        "the RM sees it was checked"
    );
}

#[test]
fn bad_visits_are_refused_with_every_field() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let id = client(&mut store, &rm1);
    let bad = VisitInput {
        visited_at: "tomorrow".into(),
        channel: "fax".into(),
        ..VisitInput::default()
    };
    match store.record_visit(&rm1, id, &bad) {
        Err(StoreError::Fields(e)) => {
            let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
            assert_eq!(fields, ["visited_at", "channel", "purpose", "summary"]);
        }
        other => panic!("{other:?}"),
    }
    let future = VisitInput {
        visited_at: "2026-11-24 09:00".into(),
        ..visit("")
    };
    assert!(
        matches!(
            store.record_visit(&rm1, id, &future),
            Err(StoreError::Fields(_))
        ),
        "not in the future"
    );
}

#[test]
fn feedback_gets_its_deadline_and_moves_forward_only() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let id = client(&mut store, &rm1);
    let fb = store
        .file_feedback(
            &rm1,
            id,
            "complaint",
            date("2026-11-20"),
            "phone",
            "理财到期未提醒",
        )
        .expect("file");
    assert!(matches!(
        store.file_feedback(&rm1, id, "rant", date("2026-11-20"), "phone", "x"),
        Err(StoreError::Fields(_))
    ));
    assert!(
        matches!(
            store.file_feedback(&rm1, id, "praise", date("2026-11-24"), "phone", "x"),
            Err(StoreError::Fields(_))
        ),
        "not received in the future"
    );
    // closing needs a resolution; resolving needs one too; no step back
    let refused = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Fields(_)));
    assert!(refused(store.set_feedback_status(
        &rm1,
        fb,
        FeedbackStatus::Closed,
        None
    )));
    store
        .set_feedback_status(&rm1, fb, FeedbackStatus::InProgress, None)
        .expect("in progress");
    assert!(
        refused(store.set_feedback_status(&rm1, fb, FeedbackStatus::Open, None)),
        "no going back"
    );
    assert!(refused(store.set_feedback_status(
        &rm1,
        fb,
        FeedbackStatus::Resolved,
        Some("  ")
    )));
    store
        .set_feedback_status(
            &rm1,
            fb,
            FeedbackStatus::Resolved,
            Some("已致电解释并补发提醒"),
        )
        .expect("resolved");
    store
        .set_feedback_status(&rm1, fb, FeedbackStatus::Closed, None)
        .expect("closed");
    assert!(refused(store.set_feedback_status(
        &rm1,
        fb,
        FeedbackStatus::Resolved,
        Some("again")
    )));
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    assert!(matches!(
        store.set_feedback_status(&rm2, fb, FeedbackStatus::Closed, None),
        Err(StoreError::NotFound)
    ));
    let steps = store
        .audit_recent(&admin, Some("feedback.status"), 10)
        .expect("audit");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0].after.as_deref(), Some("status=closed"));
    // deadline = received + 15 days (settings)
    let raw = rusqlite::Connection::open(&path).expect("raw");
    let deadline: String = raw
        .query_row("SELECT deadline FROM feedback WHERE id = ?1", [fb], |r| {
            r.get(0)
        })
        .expect("row");
    assert_eq!(deadline, "2026-12-05");
}
