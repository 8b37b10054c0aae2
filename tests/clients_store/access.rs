//! Scoping by the acting user, and personal data masked until revealed (the reveal
//! audited).
use super::*;

#[test]
fn an_rm_cannot_read_change_find_or_export_another_rms_client() {
    let (_dir, mut store, admin, rm1, rm2, mgr1) = setup();
    let id = save(
        &mut store,
        &rm1,
        &person("张三丰", &resident_id("19800101", 123), "13812345678"),
    );
    assert!(store.client(&rm1, id).is_ok());
    assert!(
        matches!(store.client(&rm2, id), Err(StoreError::NotFound)),
        "even by id"
    );
    assert!(matches!(
        store.reveal_client(&rm2, id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.client_for_edit(&rm2, id),
        Err(StoreError::NotFound)
    ));
    let edit = person("张三丰", &resident_id("19800101", 123), "13900000000");
    assert!(matches!(
        store.update_client(&rm2, id, &edit, true),
        Err(StoreError::NotFound)
    ));
    assert!(store
        .search_clients(&rm2, "张", 10)
        .expect("search")
        .is_empty());
    let page = store
        .client_page(&rm2, &ListSpec::default(), &PageFrom::Start, 50)
        .expect("page");
    assert!(page.rows.is_empty());
    let mut exported = 0;
    store
        .export_clients(&rm2, &ClientFilter::default(), false, &mut |_| {
            exported += 1;
            Ok(())
        })
        .expect("export");
    assert_eq!(exported, 0);
    // the manager of rm1's branch sees it; the other branch's manager does not; admin never
    assert!(store.client(&mgr1, id).is_ok());
    let mgr2 = store.login("mgr2", PASSWORD).expect("mgr2");
    assert!(matches!(store.client(&mgr2, id), Err(StoreError::NotFound)));
    assert!(matches!(
        store.client(&admin, id),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.create_client(&admin, &person("A", &resident_id("19800101", 1), ""), true),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn personal_data_is_masked_until_revealed_and_the_reveal_is_audited() {
    let (_dir, mut store, admin, rm1, _, _) = setup();
    let id_number = resident_id("19700908", 782);
    let id = save(
        &mut store,
        &rm1,
        &person("罗华娜", &id_number, "17555979711"),
    );
    let c = store.client(&rm1, id).expect("client");
    assert_eq!(
        c.fields.id_number,
        format!("1101**********{}", &id_number[14..])
    );
    assert_eq!(c.fields.mobile, "175****9711");
    assert!(!c.revealed);
    let full = store.reveal_client(&rm1, id).expect("reveal");
    assert_eq!(full.id_number, id_number);
    assert_eq!(full.mobile, "17555979711");
    let audit = store
        .audit_recent(&admin, Some("client.reveal"), 10)
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].username, "rm1");
    assert_eq!(audit[0].entity_id.as_deref(), Some(id.to_string().as_str()));
    // the create entry in the log is masked too
    let created = store
        .audit_recent(&admin, Some("client.create"), 10)
        .expect("audit");
    let after = created[0].after.clone().unwrap_or_default();
    assert!(
        !after.contains(&id_number) && !after.contains("17555979711"),
        "{after}"
    );
}
