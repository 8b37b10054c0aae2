//! Recording visits: the follow-up task in the same transaction, scoping through the
//! client, every field error, edits kept in the audit log, products discussed.
use super::*;

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
