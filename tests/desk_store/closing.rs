//! Closing a client: archived, hidden from the list, with the reason.
use super::*;

#[test]
fn a_closed_client_is_archived_hidden_from_the_list_and_says_why() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    assert_eq!(
        invalid(w.store.close_client(&rm1, a, "")),
        ("reason".into(), "err.reason.required".into())
    );
    assert!(matches!(
        w.store.close_client(&w.rm3, a, "not mine"),
        Err(StoreError::NotFound)
    ));
    w.store
        .close_client(&rm1, a, "Moved abroad")
        .expect("close");
    let names = |s: &Store, filter: ClientFilter| -> Vec<String> {
        let spec = ListSpec {
            filter,
            ..ListSpec::default()
        };
        s.client_page(&rm1, &spec, &PageFrom::Start, 50)
            .expect("page")
            .rows
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    assert!(!names(&w.store, ClientFilter::default()).contains(&"王伟".to_string()));
    assert_eq!(
        names(
            &w.store,
            ClientFilter {
                status: Some(ClientStatus::Closed),
                ..ClientFilter::default()
            }
        ),
        vec!["王伟".to_string()]
    );
    let closure = w
        .store
        .client_closure(&rm1, a)
        .expect("read")
        .expect("closed");
    assert_eq!(
        (closure.on.to_string(), closure.reason.as_str()),
        ("2026-11-23".into(), "Moved abroad")
    );
    // Still there, not deleted, and audited.
    assert_eq!(
        w.store.client(&rm1, a).expect("kept").fields.status,
        "closed"
    );
    assert_eq!(
        count(&w.path, &format!("SELECT count(*) FROM audit_log WHERE action = 'client.close' AND entity_id = '{a}'")),
        1
    );
    assert_eq!(
        invalid(w.store.close_client(&rm1, a, "again")),
        ("status".into(), "err.client.closed".into())
    );
}
