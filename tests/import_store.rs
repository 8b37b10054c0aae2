//! Client import with the checking thread handing rows over to the writing one: a row
//! refused by the database after whole batches were written still leaves nothing behind
//! (no client, search entry, audit entry or change-log row), every refusal names its own
//! line, and with refusals skipped the rows around a refused one are written with their
//! own ids, numbers and search terms.
mod common;

use common::*;
use rmdesk::domain::csv_import::parse_csv;
use rmdesk::store::clients::ListSpec;
use rmdesk::store::{Actor, Store};

const HEADER: &str = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes";

fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));
    store.seed_demo().expect("demo");
    (dir, store)
}

/// `n` clients with passports `P{first+i}`, owned by `owner(i)`, no client number.
fn file(first: usize, n: usize, owner: impl Fn(usize) -> String) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        let k = first + i;
        csv.push_str(&format!(
            ",individual,Client {k},,,passport,P{k:08},139{k:08},,,,,,active,{},\n",
            owner(i)
        ));
    }
    csv
}

/// Clients, audit entries and change-log rows in the file: what a refused import must
/// leave as it found them.
fn written(store: &Store, manager: &Actor, admin: &Actor) -> (u64, usize, i64) {
    let clients = store
        .client_count(manager, &ListSpec::default())
        .expect("count");
    let audits = store
        .audit_recent(admin, Some("client.import"), 1000)
        .expect("audit")
        .len();
    let changes = store.changes_count_after(0).expect("changes");
    (clients, audits, changes)
}

fn import(
    store: &mut Store,
    who: &Actor,
    csv: &str,
    skip: bool,
) -> rmdesk::store::clients_io::ImportReport {
    store
        .import_clients(
            who,
            &parse_csv(csv.as_bytes()).expect("parses"),
            skip,
            &mut |_, _| {},
        )
        .expect("a report")
}

#[test]
fn a_row_the_database_refuses_after_written_batches_leaves_nothing() {
    let (_dir, mut store) = demo_store();
    let manager = store.login("manager", "demo-password").expect("manager");
    let admin = store.login("admin", "demo-password").expect("admin");
    // A client already there, whose passport the file repeats on its 2,501st row (line
    // 2,502): two batches of 1,000 are written before the database refuses it.
    let first = import(
        &mut store,
        &manager,
        &file(9_000, 1, |_| "rm1".into()),
        false,
    );
    assert_eq!(first.imported, 1);
    let before = written(&store, &manager, &admin);

    let csv = file(0, 3_000, |i| {
        if i == 2_900 { "nobody" } else { "rm1" }.into()
    })
    .replacen("P00002500", "P00009000", 1);
    let report = import(&mut store, &manager, &csv, false);
    assert_eq!(report.imported, 0);
    let lines: Vec<(u64, Vec<(&str, &str)>)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.keys.clone()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (2_502, vec![("id_number", "err.id.exists")]),
            (2_902, vec![("owner", "err.owner.unknown")]),
        ]
    );
    assert_eq!(
        written(&store, &manager, &admin),
        before,
        "no client, audit entry or change-log row is left of the refused file"
    );
    assert!(store
        .search_clients(&manager, "Client 10", 10)
        .expect("search")
        .is_empty());
    assert!(store.integrity_problems().expect("check").is_empty());

    // With refusals skipped, the same file writes every other row: the database's refusal
    // in the middle of a 50-row statement, then the rows around it one by one.
    let report = import(&mut store, &manager, &csv, true);
    assert_eq!(report.imported, 2_998);
    assert_eq!(
        report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2_502, 2_902]
    );
    let (clients, audits, _) = written(&store, &manager, &admin);
    assert_eq!(clients, 2_999);
    assert_eq!(audits, 4, "one entry for the first client, one per batch");
    // The rows beside the refused one have numbers of their own, found by search.
    let mut numbers = std::collections::HashSet::new();
    for k in [2_499usize, 2_501, 2_549, 2_550] {
        let found = store
            .search_clients(&manager, &format!("139{k:08}"), 10)
            .expect("search");
        assert_eq!(found.len(), 1, "139{k:08}");
        let no = found[0].client_no.clone();
        let by_no = store.search_clients(&manager, &no, 10).expect("search");
        assert!(by_no.iter().any(|c| c.id == found[0].id), "{no}");
        assert!(numbers.insert(no), "numbers are not reused");
    }
    assert!(store.verify_audit_chain().expect("chain").is_empty());
    assert!(store.integrity_problems().expect("check").is_empty());
}
