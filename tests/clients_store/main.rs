//! Client repository tests on real temporary files: scoping, validation, duplicates,
//! masking and the reveal audit, keyset pages, search, and all-or-nothing import.
mod access;
#[path = "../common/mod.rs"]
mod common;
mod editing;
mod imports;
mod search;

use common::*;
use rmdesk::domain::client::{ClientInput, Tier};
use rmdesk::domain::csv_import::parse_csv;
use rmdesk::domain::ids::resident_id_check_char;
use rmdesk::store::clients::{ClientFilter, ListSpec, PageFrom, SaveOutcome, SortKey};
use rmdesk::store::clients_io::ImportReport;
use rmdesk::store::{Actor, Store, StoreError};

/// A valid resident ID born on `birth` (YYYYMMDD) with sequence `seq` (3 digits).
fn resident_id(birth: &str, seq: u32) -> String {
    let first17 = format!("110105{birth}{seq:03}");
    let check = resident_id_check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}

fn person(name: &str, id: &str, mobile: &str) -> ClientInput {
    ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "resident_id".into(),
        id_number: id.into(),
        mobile: mobile.into(),
        ..ClientInput::default()
    }
}

fn save(store: &mut Store, actor: &Actor, c: &ClientInput) -> i64 {
    match store.create_client(actor, c, false) {
        Ok(SaveOutcome::Saved(id)) => id,
        other => panic!("expected a save, got {other:?}"),
    }
}

fn setup() -> (tempfile::TempDir, Store, Actor, Actor, Actor, Actor) {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    (dir, store, admin, rm1, rm2, mgr1)
}

/// Imports the file `csv` as `actor`, stopping at the first invalid line; the report.
fn import(store: &mut Store, actor: &Actor, csv: &str) -> ImportReport {
    store
        .import_clients(
            actor,
            &parse_csv(csv.as_bytes()).expect("parses"),
            false,
            &mut |_, _| {},
        )
        .expect("import")
}

fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    store.set_clock(Box::new(rmdesk::store::FixedClock(noon())));
    store.seed_demo().expect("demo");
    (dir, store)
}

const HEADER: &str = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes";

/// A client file of `n` valid passport holders owned by `owner`, the i-th with mobile
/// `139` + i as 8 digits; `client_no(i)` gives an explicit client number or none.
fn passport_file(n: usize, owner: &str, client_no: impl Fn(usize) -> String) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{},individual,Client {i},,,passport,P{i:08},139{i:08},,,,,,active,{owner},\n",
            client_no(i)
        ));
    }
    csv
}

fn ids(found: &[rmdesk::store::clients::ClientSummary]) -> Vec<i64> {
    found.iter().map(|c| c.id).collect()
}
