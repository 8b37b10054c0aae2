//! Feedback and complaints: deadlines, forward-only status, the pending-first list.
use super::*;

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
