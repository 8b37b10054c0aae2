//! Saving a client: every field error at once, duplicates refused with look-alikes
//! offered, updates audited before and after.
use super::*;

#[test]
fn every_field_error_comes_back_at_once_and_x_is_accepted() {
    let (_dir, mut store, _, rm1, _, _) = setup();
    let mut bad = person("", "110105198001011234", "12345");
    bad.email = "not-an-email".into();
    bad.birth_date = "1980-02-30".into();
    match store.create_client(&rm1, &bad, false) {
        Err(StoreError::Fields(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
            for f in ["name", "id_number", "mobile", "email", "birth_date"] {
                assert!(fields.contains(&f), "{f} missing in {fields:?}");
            }
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    // find a sequence whose check character is X, and type it lower case
    let id_x = (0..1000)
        .map(|seq| resident_id("19850505", seq))
        .find(|id| id.ends_with('X'))
        .expect("some sequence ends in X");
    let lower = id_x.to_lowercase();
    let id = save(&mut store, &rm1, &person("王五", &lower, ""));
    assert_eq!(
        store.reveal_client(&rm1, id).expect("reveal").id_number,
        id_x,
        "stored upper case"
    );
    let gender_wrong = ClientInput {
        gender: "F".into(),
        ..person("赵六", &resident_id("19850505", 1), "")
    };
    // sequence 001: odd → male
    assert!(
        matches!(store.create_client(&rm1, &gender_wrong, false), Err(StoreError::Fields(e)) if e.iter().any(|e| e.field == "gender"))
    );
}

#[test]
fn the_same_id_number_is_refused_naming_the_client_and_look_alikes_are_offered() {
    let (_dir, mut store, _, rm1, rm2, _) = setup();
    let id_number = resident_id("19800101", 123);
    let first = save(
        &mut store,
        &rm1,
        &person("张三丰", &id_number, "13812345678"),
    );
    let no = store.client(&rm1, first).expect("client").fields.client_no;
    // another RM, same ID: refused, and told which client has it
    match store.create_client(&rm2, &person("张三", &id_number, ""), false) {
        Err(StoreError::DuplicateId { client_no }) => assert_eq!(client_no, no),
        other => panic!("expected a duplicate, got {other:?}"),
    }
    // same name and mobile: possible matches, nothing saved until confirmed
    let twin = person("张三丰", &resident_id("19800101", 125), "13812345678");
    match store.create_client(&rm1, &twin, false).expect("checked") {
        SaveOutcome::PossibleMatches(m) => {
            assert_eq!(m.iter().map(|c| c.id).collect::<Vec<_>>(), [first])
        }
        other => panic!("expected matches, got {other:?}"),
    }
    assert_eq!(
        store
            .client_count(&rm1, &ListSpec::default())
            .expect("count"),
        1
    );
    assert!(matches!(
        store.create_client(&rm1, &twin, true),
        Ok(SaveOutcome::Saved(_))
    ));
    // same name and birth date (from the ID) matches too
    let born_same_day = person("张三丰", &resident_id("19800101", 127), "");
    assert!(matches!(
        store.create_client(&rm1, &born_same_day, false),
        Ok(SaveOutcome::PossibleMatches(_))
    ));
    // editing a client does not match it with itself
    let mut edit = store.client_for_edit(&rm1, first).expect("edit");
    edit.address = "北京市".into();
    match store
        .update_client(&rm1, first, &edit, false)
        .expect("update")
    {
        SaveOutcome::PossibleMatches(m) => assert!(!m.iter().any(|c| c.id == first), "{m:?}"),
        SaveOutcome::Saved(id) => assert_eq!(id, first),
    }
}

#[test]
fn an_update_is_audited_before_and_after_and_reindexed() {
    let (_dir, mut store, admin, rm1, _, _) = setup();
    let id = save(
        &mut store,
        &rm1,
        &person("李四", &resident_id("19900101", 201), "13812345678"),
    );
    assert_eq!(
        store
            .search_clients(&rm1, "2345", 10)
            .expect("search")
            .len(),
        1
    );
    let mut edit = store.client_for_edit(&rm1, id).expect("edit");
    edit.mobile = "13998765432".into();
    assert_eq!(
        store.update_client(&rm1, id, &edit, true).expect("update"),
        SaveOutcome::Saved(id)
    );
    assert!(
        store
            .search_clients(&rm1, "2345", 10)
            .expect("search")
            .is_empty(),
        "the old number is gone"
    );
    assert_eq!(
        store
            .search_clients(&rm1, "87654", 10)
            .expect("search")
            .len(),
        1
    );
    let entry = &store
        .audit_recent(&admin, Some("client.update"), 1)
        .expect("audit")[0];
    assert!(
        entry
            .before
            .as_deref()
            .unwrap_or("")
            .contains("mobile=138****5678"),
        "{entry:?}"
    );
    assert!(
        entry
            .after
            .as_deref()
            .unwrap_or("")
            .contains("mobile=139****5432"),
        "{entry:?}"
    );
}
