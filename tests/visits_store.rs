//! Visits and feedback in the store, on real temporary files: the visit and its follow-up
//! task land together or not at all, scoping, return calls, and the feedback life cycle.
mod common;

use chrono::NaiveDate;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::visit::{FeedbackInput, FeedbackStatus, FeedbackUpdate, VisitInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::feedback::FeedbackFilter;
use rmdesk::store::visits::VisitFilter;
use rmdesk::store::{Actor, Store, StoreError};

fn client(store: &mut Store, rm: &Actor) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: "林黛玉".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..ClientInput::default()
    };
    create_confirmed(store, rm, &input)
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

fn complaint(received: &str, text: &str) -> FeedbackInput {
    FeedbackInput {
        kind: "complaint".into(),
        received_on: received.into(),
        channel: "phone".into(),
        description: text.into(),
        severity: "normal".into(),
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
    let range = |from: &str, to: &str| VisitFilter {
        from: Some(date(from)),
        to: Some(date(to)),
        ..VisitFilter::default()
    };
    let mine = store
        .visit_list(&rm1, &range("2026-11-01", "2026-11-30"), 50)
        .expect("mine");
    assert_eq!(mine.len(), 2);
    assert!(store
        .visit_list(&rm1, &range("2026-10-01", "2026-10-31"), 50)
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
    common::raw(&path)
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
    let (rm1, rm2, mgr1, mgr2) = staff(&mut store);
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
        store.record_return_call(&rm1, rec.visit_id, "confirmed", ""),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store.record_return_call(&mgr2, rec.visit_id, "confirmed", ""),
        Err(StoreError::NotFound)
    ));
    store
        .record_return_call(&mgr1, rec.visit_id, "confirmed", "确认已走访")
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
        .file_feedback(&rm1, id, &complaint("2026-11-20", "理财到期未提醒"))
        .expect("file");
    let rant = FeedbackInput {
        kind: "rant".into(),
        ..complaint("2026-11-20", "x")
    };
    assert!(matches!(
        store.file_feedback(&rm1, id, &rant),
        Err(StoreError::Fields(_))
    ));
    assert!(
        matches!(
            store.file_feedback(&rm1, id, &complaint("2026-11-24", "x")),
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
    assert!(steps[0]
        .after
        .as_deref()
        .is_some_and(|a| a.starts_with("status=closed")));
    assert!(steps[0]
        .before
        .as_deref()
        .is_some_and(|b| b.starts_with("status=resolved")));
    // deadline = received + 15 days (settings)
    let raw = common::raw(&path).expect("raw");
    let deadline: String = raw
        .query_row("SELECT deadline FROM feedback WHERE id = ?1", [fb], |r| {
            r.get(0)
        })
        .expect("row");
    assert_eq!(deadline, "2026-12-05");
}

#[test]
fn the_visit_list_filters_by_date_channel_client_and_text_and_is_scoped() {
    let (_dir, path) = temp_db();
    let (mut store, _) = seeded(&path);
    let (rm1, rm2, mgr1, mgr2) = staff(&mut store);
    let a = client(&mut store, &rm1);
    let b = {
        let input = ClientInput {
            kind: "individual".into(),
            name: "Grace Hopper".into(),
            id_type: "passport".into(),
            id_number: "E87654321".into(),
            ..ClientInput::default()
        };
        match store.create_client(&rm1, &input, true).expect("client") {
            SaveOutcome::Saved(id) => id,
            other => panic!("{other:?}"),
        }
    };
    let at = |when: &str, channel: &str, summary: &str| VisitInput {
        visited_at: when.into(),
        channel: channel.into(),
        summary: summary.into(),
        ..visit("")
    };
    store
        .record_visit(
            &rm1,
            a,
            &at("2026-10-02 09:00", "phone", "Asked about BONDS"),
        )
        .expect("v");
    store
        .record_visit(&rm1, a, &at("2026-11-20 15:00", "branch", "想了解定期存款"))
        .expect("v");
    store
        .record_visit(&rm1, b, &at("2026-11-22 10:00", "phone", "Birthday call"))
        .expect("v");
    let all = VisitFilter::default();
    let list = store.visit_list(&rm1, &all, 50).expect("list");
    assert_eq!(list.len(), 3);
    assert!(
        list.windows(2).all(|w| w[0].visited_at >= w[1].visited_at),
        "newest first"
    );
    let count = |f: VisitFilter| store.visit_list(&rm1, &f, 50).expect("list").len();
    assert_eq!(
        count(VisitFilter {
            from: Some(date("2026-11-01")),
            to: Some(date("2026-11-20")),
            ..all.clone()
        }),
        1,
        "inclusive range"
    );
    assert_eq!(
        count(VisitFilter {
            channel: Some("phone".into()),
            ..all.clone()
        }),
        2
    );
    assert_eq!(
        count(VisitFilter {
            client_id: Some(b),
            ..all.clone()
        }),
        1
    );
    assert_eq!(
        count(VisitFilter {
            text: "bonds".into(),
            ..all.clone()
        }),
        1,
        "case does not matter"
    );
    assert_eq!(
        count(VisitFilter {
            text: "定期".into(),
            ..all.clone()
        }),
        1
    );
    assert!(
        store.visit_list(&rm2, &all, 50).expect("rm2").is_empty(),
        "another RM sees none"
    );
    assert!(
        store.visit_list(&mgr2, &all, 50).expect("mgr2").is_empty(),
        "another branch sees none"
    );
    let branch = store.visit_list(&mgr1, &all, 50).expect("mgr1");
    assert_eq!(branch.len(), 3);
    let one = branch[0].id;
    assert!(matches!(store.visit(&rm2, one), Err(StoreError::NotFound)));
    store
        .record_return_call(&mgr1, one, "confirmed", "客户确认")
        .expect("checked");
    let unchecked = VisitFilter {
        unchecked_only: true,
        ..all.clone()
    };
    assert_eq!(
        store
            .visit_list(&mgr1, &unchecked, 50)
            .expect("unchecked")
            .len(),
        2
    );
    let d = store.visit(&rm1, one).expect("detail");
    assert_eq!(d.row.return_outcome.as_deref(), Some("confirmed"));
    assert_eq!(
        d.return_call.as_ref().map(|r| r.1.as_str()),
        Some("mgr1"),
        "the RM sees who checked"
    );
    assert!(matches!(
        store.record_return_call(&mgr1, one, "great", ""),
        Err(StoreError::Fields(_))
    ));
}

#[test]
fn editing_a_visit_keeps_the_original_in_the_audit_log_and_moves_its_task() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let id = client(&mut store, &rm1);
    let rec = store
        .record_visit(&rm1, id, &visit("2026-12-01"))
        .expect("visit");
    let mut input = store.visit_for_edit(&rm1, rec.visit_id).expect("for edit");
    assert_eq!(input.visited_at, "2026-11-22 10:00", "local time, as typed");
    input.summary = "改正后的纪要".into();
    input.next_step_on = "2026-12-03".into();
    assert!(
        matches!(
            store.update_visit(&mgr1, rec.visit_id, &input),
            Err(StoreError::Forbidden)
        ),
        "only the RM who recorded it"
    );
    store
        .update_visit(&rm1, rec.visit_id, &input)
        .expect("edit");
    let d = store.visit(&rm1, rec.visit_id).expect("detail");
    assert_eq!(d.summary, "改正后的纪要");
    let task = d.task.expect("task");
    assert_eq!(
        (task.0, task.1.as_str()),
        (rec.task_id.expect("task"), "2026-12-03"),
        "the task moved"
    );
    let edits = store
        .audit_recent(&admin, Some("visit.update"), 10)
        .expect("audit");
    assert_eq!(edits.len(), 1);
    let before = edits[0].before.as_deref().unwrap_or_default();
    assert!(
        before.contains("客户关注稳健型理财"),
        "the original summary is kept: {before}"
    );
    assert!(edits[0]
        .after
        .as_deref()
        .unwrap_or_default()
        .contains("改正后的纪要"));
    let bad = VisitInput {
        summary: " ".into(),
        ..input
    };
    assert!(matches!(
        store.update_visit(&rm1, rec.visit_id, &bad),
        Err(StoreError::Fields(_))
    ));
    assert_eq!(
        store.visit(&rm1, rec.visit_id).expect("d").summary,
        "改正后的纪要",
        "a refused edit changes nothing"
    );
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn feedback_lists_pending_first_and_records_handler_resolution_and_satisfaction() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let id = client(&mut store, &rm1);
    let late = store
        .file_feedback(&rm1, id, &complaint("2026-11-01", "逾期的投诉"))
        .expect("f");
    let soon = store
        .file_feedback(&rm1, id, &complaint("2026-11-20", "新的投诉"))
        .expect("f");
    let praise = FeedbackInput {
        kind: "praise".into(),
        ..complaint("2026-11-22", "服务很好")
    };
    let kind = store.file_feedback(&rm1, id, &praise).expect("f");
    store
        .set_feedback_status(&rm1, kind, FeedbackStatus::Resolved, Some("已感谢"))
        .expect("r");
    let list = store
        .feedback_list(&rm1, &FeedbackFilter::default(), 50)
        .expect("list");
    let ids: Vec<i64> = list.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        [late, soon, kind],
        "pending first, soonest deadline first"
    );
    assert_eq!(list[0].deadline, "2026-11-16");
    let pending = FeedbackFilter {
        pending_only: true,
        ..FeedbackFilter::default()
    };
    assert_eq!(
        store
            .feedback_list(&rm1, &pending, 50)
            .expect("pending")
            .len(),
        2
    );
    assert!(store
        .feedback_list(&rm2, &FeedbackFilter::default(), 50)
        .expect("rm2")
        .is_empty());
    assert_eq!(
        store
            .feedback_list(&mgr1, &FeedbackFilter::default(), 50)
            .expect("mgr")
            .len(),
        3
    );
    let handlers = store.feedback_handlers(&rm1).expect("handlers");
    let mgr_id = handlers
        .iter()
        .find(|h| h.1 == "mgr1")
        .expect("mgr1 handles")
        .0;
    assert!(handlers.iter().all(|h| h.1 != "mgr2"), "only the branch");
    let mut upd = FeedbackUpdate {
        status: "in_progress".into(),
        handler_id: Some(mgr_id),
        resolution: String::new(),
        satisfaction: "9".into(),
    };
    match store.update_feedback(&rm1, late, &upd) {
        Err(StoreError::Fields(e)) => assert_eq!(e[0].field, "satisfaction"),
        other => panic!("{other:?}"),
    }
    upd.satisfaction = "4".into();
    store
        .update_feedback(&rm1, late, &upd)
        .expect("in progress");
    let item = store.feedback_item(&rm1, late).expect("item");
    assert_eq!(item.handler.as_ref().map(|h| h.1.as_str()), Some("mgr1"));
    assert_eq!(
        (item.status.as_str(), item.satisfaction),
        ("in_progress", Some(4))
    );
    upd.status = "closed".into();
    assert!(
        matches!(
            store.update_feedback(&rm1, late, &upd),
            Err(StoreError::Fields(_))
        ),
        "no skipping to closed"
    );
    upd.status = "resolved".into();
    upd.resolution = "已退还手续费".into();
    store
        .update_feedback(&mgr1, late, &upd)
        .expect("resolved by the manager");
    let item = store.feedback_item(&rm1, late).expect("item");
    assert!(item.resolved_at.is_some());
    upd.status = "closed".into();
    upd.resolution.clear();
    store
        .update_feedback(&rm1, late, &upd)
        .expect("closed with the resolution on record");
    assert!(
        matches!(
            store.update_feedback(&rm1, late, &upd),
            Err(StoreError::Fields(_))
        ),
        "closed is final"
    );
    let entries = store
        .audit_recent(&admin, Some("feedback.status"), 10)
        .expect("audit");
    assert!(entries.len() >= 4);
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn products_discussed_must_suit_the_client_unless_a_manager_overrides() {
    use rmdesk::domain::product::ProductInput;
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    for (code, risk) in [("WM-R2", "R2"), ("WM-R4", "R4")] {
        let p = ProductInput {
            code: code.into(),
            name: format!("理财 {risk}"),
            category: "wealth".into(),
            risk_level: risk.into(),
            min_amount: "10000".into(),
            ..ProductInput::default()
        };
        store.create_product(&admin, &p).expect("product");
    }
    // A C3 client assessed this year: R2 suits, R4 does not.
    let input = ClientInput {
        kind: "individual".into(),
        name: "王小明".into(),
        id_type: "passport".into(),
        id_number: "E55555555".into(),
        risk_level: "C3".into(),
        risk_assessed_on: "2026-03-01".into(),
        ..ClientInput::default()
    };
    let id = match store.create_client(&rm1, &input, true).expect("client") {
        SaveOutcome::Saved(id) => id,
        other => panic!("{other:?}"),
    };
    let with = |products: &str, reason: &str| VisitInput {
        products: products.into(),
        override_reason: reason.into(),
        ..visit("")
    };
    let rec = store
        .record_visit(&rm1, id, &with("wm-r2", ""))
        .expect("a suitable product, any case");
    let d = store.visit(&rm1, rec.visit_id).expect("detail");
    assert_eq!(d.products, [("WM-R2".to_string(), "理财 R2".to_string())]);
    let before = store
        .visit_list(&rm1, &VisitFilter::default(), 50)
        .expect("l")
        .len();
    match store.record_visit(&rm1, id, &with("WM-R2, WM-R4", "")) {
        Err(StoreError::Invalid { field, key, .. }) => {
            assert_eq!((field, key), ("products", "err.suit.risk"));
        }
        other => panic!("{other:?}"),
    }
    match store.record_visit(&rm1, id, &with("WM-R4", "客户坚持")) {
        Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "override_reason"),
        other => panic!("an RM may not override: {other:?}"),
    }
    match store.record_visit(&rm1, id, &with("NOPE", "")) {
        Err(StoreError::Invalid { field, key, .. }) => {
            assert_eq!((field, key), ("products", "err.visit.product_unknown"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        store
            .visit_list(&rm1, &VisitFilter::default(), 50)
            .expect("l")
            .len(),
        before,
        "a refused visit writes nothing"
    );
    let rec = store
        .record_visit(&mgr1, id, &with("WM-R4", "客户有相关投资经验，书面确认"))
        .expect("a manager's override");
    assert_eq!(
        store.visit(&mgr1, rec.visit_id).expect("d").products.len(),
        1
    );
    let overrides = store
        .audit_recent(&admin, Some("suitability.override"), 10)
        .expect("audit");
    assert_eq!(overrides.len(), 1);
    assert!(overrides[0]
        .after
        .as_deref()
        .is_some_and(|a| a.contains(&format!("visit {}", rec.visit_id))));
    assert!(store.integrity_problems().expect("check").is_empty());
}
