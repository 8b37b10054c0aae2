//! Marketing consent: kept with the date it was given or withdrawn, read back by the
//! edit form, imported from the optional `marketing_consent` column and exported.
mod common;

use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::csv_import::{csv_header, parse_csv};
use rmdesk::store::clients::{ClientFilter, SaveOutcome};
use rmdesk::store::{FixedClock, Store};

fn person(name: &str, passport: &str, consent: &str) -> ClientInput {
    ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: passport.into(),
        marketing_consent: consent.into(),
        ..ClientInput::default()
    }
}

fn consent_row(store: &Store, id: i64) -> (String, Option<String>) {
    common::raw(store.path())
        .expect("open")
        .query_row(
            "SELECT marketing_consent, consent_at FROM clients WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row")
}

#[test]
fn consent_keeps_the_instant_it_was_given_and_changes_it_only_when_it_changes() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let Ok(SaveOutcome::Saved(yes)) =
        store.create_client(&rm1, &person("林黛玉", "E12345678", "yes"), false)
    else {
        panic!("saved");
    };
    let Ok(SaveOutcome::Saved(unknown)) =
        store.create_client(&rm1, &person("贾宝玉", "E12345679", ""), false)
    else {
        panic!("saved");
    };
    let stamp = rmdesk::store::ts(noon());
    assert_eq!(
        consent_row(&store, yes),
        ("yes".into(), Some(stamp.clone()))
    );
    assert_eq!(consent_row(&store, unknown), ("unknown".into(), None));

    // An edit a day later that leaves consent alone keeps its date; withdrawing moves it.
    let later = noon() + chrono::Duration::days(1);
    store.set_clock(Box::new(FixedClock(later)));
    let mut fields = store.client_for_edit(&rm1, yes).expect("edit");
    assert_eq!(fields.marketing_consent, "yes");
    fields.notes = "met at the branch".into();
    store
        .update_client(&rm1, yes, &fields, true)
        .expect("update");
    assert_eq!(consent_row(&store, yes).1, Some(stamp));
    fields.marketing_consent = "no".into();
    store
        .update_client(&rm1, yes, &fields, true)
        .expect("withdraw");
    assert_eq!(
        consent_row(&store, yes),
        ("no".into(), Some(rmdesk::store::ts(later)))
    );
    let client = store.client(&rm1, yes).expect("client");
    assert_eq!(client.fields.marketing_consent, "no");
    assert_eq!(client.consent_at, Some(rmdesk::store::ts(later)));
    // The change is in the audit entry's before and after.
    let conn = common::raw(store.path()).expect("open");
    let (before, after): (String, String) = conn
        .query_row(
            "SELECT before, after FROM audit_log WHERE action = 'client.update' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audit");
    assert!(
        before.contains("consent=yes") && after.contains("consent=no"),
        "{before} / {after}"
    );
}

#[test]
fn a_value_other_than_yes_no_or_unknown_is_refused_at_its_field() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    match store.create_client(&rm1, &person("林黛玉", "E12345678", "maybe"), false) {
        Err(rmdesk::store::StoreError::Fields(errs)) => {
            assert_eq!(errs.len(), 1);
            assert_eq!(
                (errs[0].field, errs[0].key),
                ("marketing_consent", "consent.invalid")
            );
        }
        other => panic!("refused expected, got {other:?}"),
    }
}

#[test]
fn import_reads_the_optional_column_and_export_writes_it() {
    let (dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let with = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,\
                occupation,risk_level,risk_assessed_on,status,owner,notes,marketing_consent\n\
                ,individual,林黛玉,,,passport,E12345678,,,,,,,active,,,yes\n\
                ,individual,贾宝玉,,,passport,E12345679,,,,,,,active,,,NO\n";
    let without = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,\
                   occupation,risk_level,risk_assessed_on,status,owner,notes\n\
                   ,individual,薛宝钗,,,passport,E12345680,,,,,,,active,,\n";
    for file in [with, without] {
        let parsed = parse_csv(file.as_bytes()).expect("parse");
        let report = store
            .import_clients(&rm1, &parsed, false, &mut |_, _| {})
            .expect("import");
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    }
    let out = dir.path().join("out.csv");
    store
        .export_clients_to_file(&rm1, &ClientFilter::default(), &out, false)
        .expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some(csv_header().trim_end()));
    assert!(csv_header()
        .trim_end()
        .ends_with(",notes,marketing_consent"));
    let consent: Vec<(String, String)> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[2].to_string(), cells[16].to_string())
        })
        .collect();
    assert!(
        consent.contains(&("林黛玉".into(), "yes".into())),
        "{consent:?}"
    );
    assert!(
        consent.contains(&("贾宝玉".into(), "no".into())),
        "{consent:?}"
    );
    assert!(
        consent.contains(&("薛宝钗".into(), "unknown".into())),
        "{consent:?}"
    );
}
