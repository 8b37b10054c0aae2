//! The visit list: filters by date, channel, client and text, scoped.
use super::*;

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
