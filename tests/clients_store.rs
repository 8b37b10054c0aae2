//! Client repository tests on real temporary files: scoping, validation, duplicates,
//! masking and the reveal audit, keyset pages, search, and all-or-nothing import.
mod common;

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

#[test]
fn search_finds_by_name_part_initials_phone_fragment_id_tail_and_client_no() {
    let (_dir, mut store, _, rm1, _, _) = setup();
    let id_number = resident_id("19800101", 123);
    let id = save(
        &mut store,
        &rm1,
        &person("欧阳娜娜", &id_number, "13812345678"),
    );
    save(
        &mut store,
        &rm1,
        &ClientInput {
            id_type: "passport".into(),
            ..person("John Smith", "E12345678", "13900001111")
        },
    );
    let no = store.client(&rm1, id).expect("client").fields.client_no;
    let tail = &id_number[14..];
    for query in [
        "欧阳",
        "娜娜",
        "oynn",
        "nn",
        "1381234",
        "5678",
        tail,
        &no.to_lowercase(),
        &no,
    ] {
        let found = store.search_clients(&rm1, query, 10).expect("search");
        assert!(
            found.iter().any(|c| c.id == id),
            "{query:?} should find it: {found:?}"
        );
    }
    let found = store.search_clients(&rm1, "smi", 10).expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "John Smith");
    assert!(store
        .search_clients(&rm1, "\"*) OR (", 10)
        .expect("hostile text is harmless")
        .is_empty());
}

#[test]
fn keyset_pages_walk_the_whole_list_both_ways_in_every_sort() {
    let (_dir, mut store, _, rm1, _, _) = setup();
    for i in 0..57u32 {
        let name = format!("客户{:02}", (i * 37) % 57);
        save(
            &mut store,
            &rm1,
            &person(&name, &resident_id("19800101", i), ""),
        );
    }
    for sort in SortKey::ALL {
        for descending in [false, true] {
            let spec = ListSpec {
                sort,
                descending,
                ..ListSpec::default()
            };
            let mut seen = Vec::new();
            let mut page = store
                .client_page(&rm1, &spec, &PageFrom::Start, 10)
                .expect("page");
            while !page.rows.is_empty() {
                seen.extend(page.rows.iter().map(|c| c.id));
                let last = page.keys.last().cloned().expect("key");
                page = store
                    .client_page(&rm1, &spec, &PageFrom::After(last), 10)
                    .expect("page");
            }
            assert_eq!(seen.len(), 57, "{sort:?}");
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 57, "no row twice ({sort:?})");
            // and backwards from the end gives the same order
            let mut back = Vec::new();
            let mut page = store
                .client_page(&rm1, &spec, &PageFrom::End, 10)
                .expect("page");
            while !page.rows.is_empty() {
                back.splice(0..0, page.rows.iter().map(|c| c.id));
                let first = page.keys.first().cloned().expect("key");
                page = store
                    .client_page(&rm1, &spec, &PageFrom::Before(first), 10)
                    .expect("page");
            }
            assert_eq!(back, seen, "{sort:?} descending={descending}");
        }
    }
    let names: Vec<String> = store
        .client_page(&rm1, &ListSpec::default(), &PageFrom::Start, 3)
        .expect("page")
        .rows
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["客户00", "客户01", "客户02"]);
}

#[test]
fn filters_narrow_the_list_and_the_count() {
    let (_dir, mut store, _, rm1, _, mgr1) = setup();
    save(
        &mut store,
        &rm1,
        &person("甲", &resident_id("19800101", 1), ""),
    );
    let corp = ClientInput {
        kind: "corporate".into(),
        name: "上海乙贸易有限公司".into(),
        id_type: "uscc".into(),
        id_number: "91310000MA1FL0000X".into(),
        ..ClientInput::default()
    };
    // compute a valid USCC for the corporate
    let first17 = &corp.id_number[..17];
    let check = rmdesk::domain::ids::uscc_check_char(first17).expect("uscc");
    let corp = ClientInput {
        id_number: format!("{first17}{check}"),
        ..corp
    };
    save(&mut store, &rm1, &corp);
    let mut spec = ListSpec::default();
    assert_eq!(store.client_count(&rm1, &spec).expect("count"), 2);
    spec.filter.kind = Some(rmdesk::domain::client::ClientKind::Corporate);
    assert_eq!(store.client_count(&rm1, &spec).expect("count"), 1);
    let rows = store
        .client_page(&mgr1, &spec, &PageFrom::Start, 10)
        .expect("page")
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].tier, Tier::General);
    spec.filter.tier = Some(Tier::Core);
    assert_eq!(store.client_count(&rm1, &spec).expect("count"), 0);
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

#[test]
fn the_sample_file_imported_by_the_manager_rejects_exactly_the_listed_lines() {
    let (_dir, mut store) = demo_store();
    let manager = store.login("manager", "demo-password").expect("manager");
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/clients-sample.csv"
    ))
    .expect("sample file in tests/data");
    let expected: Vec<u64> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/clients-sample.rejects"
    ))
    .expect("rejects file")
    .lines()
    .filter_map(|l| l.split('\t').next()?.trim().parse().ok())
    .collect();
    let file = parse_csv(&data).expect("parses");
    let report = store
        .import_clients(&manager, &file, false, &mut |_, _| {})
        .expect("import");
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, expected);
    assert_eq!(report.imported, 0);
    assert_eq!(
        store
            .client_count(&manager, &ListSpec::default())
            .expect("count"),
        0,
        "a file with errors writes nothing"
    );
    let report = store
        .import_clients(&manager, &file, true, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, 300 - expected.len());
    assert_eq!(
        store
            .client_count(&manager, &ListSpec::default())
            .expect("count"),
        report.imported as u64
    );
    // importing again: every good row is now a duplicate of a client
    let again = store
        .import_clients(&manager, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(again.rejected.len(), 300);
    assert!(again.rejected.iter().any(|r| r
        .reasons
        .iter()
        .any(|s| s.starts_with("id_number: already belongs to client C"))));
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn import_reads_crlf_bom_quoted_commas_and_line_breaks() {
    let (_dir, mut store) = demo_store();
    let rm1 = store.login("rm1", "demo-password").expect("rm1");
    let header = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes";
    let a = resident_id("19800101", 11);
    let b = resident_id("19800101", 13);
    let csv = format!(
        "\u{feff}{header}\r\n,individual,\"王, 小明\",,,resident_id,{a},,,\"北京市, 朝阳区\",,,,active,,\"he said \"\"hi\"\"\r\nand left\"\r\n,individual,李雷,,,resident_id,{b},,bad-email,,,,,active,,\r\n"
    );
    let file = parse_csv(csv.as_bytes()).expect("parses");
    let report = store
        .import_clients(&rm1, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert_eq!(
        report.rejected[0].line, 4,
        "the row after a two-line field starts on line 4"
    );
    let report = store
        .import_clients(&rm1, &file, true, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, 1);
    let found = store.search_clients(&rm1, "王", 10).expect("search");
    let c = store.client_for_edit(&rm1, found[0].id).expect("client");
    assert_eq!(c.name, "王, 小明");
    assert_eq!(c.address, "北京市, 朝阳区");
    assert_eq!(c.notes, "he said \"hi\"\r\nand left");
    // an RM may not import rows for someone else
    let other = format!(
        "{header}\n,individual,韩梅梅,,,resident_id,{},,,,,,,active,rm2,\n",
        resident_id("19800101", 15)
    );
    let report = import(&mut store, &rm1, &other);
    assert_eq!(report.rejected.len(), 1);
    assert!(
        report.rejected[0].reasons[0].starts_with("owner:"),
        "{:?}",
        report.rejected
    );
}

#[test]
fn demo_clients_have_real_aum_and_spread_over_rms_and_tiers() {
    let (_dir, mut store) = demo_store();
    let today = store.today();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
    let mut people = (0..300u64).map(|i| {
        let p = rmdesk::cli::demo_people::person(&mut rng, i, today);
        let amount = rust_decimal::Decimal::new(i64::try_from(i).unwrap_or(0) * 1_000_000 + 1, 2);
        (p, amount)
    });
    assert_eq!(
        store
            .seed_demo_clients(&mut people, today, &mut |_| {})
            .expect("seed"),
        300
    );
    let manager = store.login("manager", "demo-password").expect("manager");
    let all = ListSpec::default();
    // The list hides closed clients unless filtered for them: both together are all.
    let closed = ListSpec {
        filter: rmdesk::store::clients::ClientFilter {
            status: Some(rmdesk::domain::client::ClientStatus::Closed),
            ..Default::default()
        },
        ..ListSpec::default()
    };
    let count = |store: &Store, who: &rmdesk::store::Actor| {
        store.client_count(who, &all).expect("count")
            + store.client_count(who, &closed).expect("count")
    };
    assert_eq!(count(&store, &manager), 300);
    for rm in ["rm1", "rm2", "rm3"] {
        let actor = store.login(rm, "demo-password").expect("rm");
        assert_eq!(count(&store, &actor), 100);
    }
    for tier in [Tier::General, Tier::Key, Tier::Core] {
        let spec = ListSpec {
            filter: rmdesk::store::clients::ClientFilter {
                tier: Some(tier),
                ..Default::default()
            },
            ..ListSpec::default()
        };
        assert!(
            store.client_count(&manager, &spec).expect("count") > 0,
            "{tier:?}"
        );
    }
    assert!(store.integrity_problems().expect("check").is_empty());
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

#[test]
fn search_finds_by_phone_fragment_after_an_import_and_after_the_mobile_changes() {
    let (_dir, mut store) = demo_store();
    let manager = store.login("manager", "demo-password").expect("manager");
    let csv = format!(
        "{HEADER}\n,individual,欧阳娜娜,,,passport,E1234567,13812345678,,,,,,active,rm1,\n\
         ,individual,John Smith,,,passport,E7654321,+85290001111,,,,,,active,rm2,\n"
    );
    let report = import(&mut store, &manager, &csv);
    assert_eq!(report.imported, 2);
    let nana = store.search_clients(&manager, "欧阳", 10).expect("search")[0].id;
    let john = store.search_clients(&manager, "smith", 10).expect("search")[0].id;
    for (typed, expected) in [
        ("138", vec![nana]),
        ("2345", vec![nana]),
        ("13812345678", vec![nana]),
        ("138-1234-5678", vec![nana]),
        ("852", vec![john]),
        ("90001111", vec![john]),
        ("000", vec![john]),
        ("234", vec![nana]),
        ("欧阳 5678", vec![nana]),
        ("oynn 123", vec![nana]),
        ("5678 欧阳", vec![nana]),
        ("john 0001", vec![john]),
        ("1234 5678", vec![nana]),
        ("1111 852", vec![john]),
    ] {
        let mut found = ids(&store.search_clients(&manager, typed, 10).expect("search"));
        found.sort_unstable();
        assert_eq!(found, expected, "{typed:?}");
    }
    for typed in ["欧阳 852", "john 5678", "1234 852", "1381234567899", "139"] {
        assert!(
            store
                .search_clients(&manager, typed, 10)
                .expect("search")
                .is_empty(),
            "{typed:?}"
        );
    }
    // The RM sees only their own client, whatever is typed.
    let rm1 = store.login("rm1", "demo-password").expect("rm1");
    assert_eq!(
        ids(&store.search_clients(&rm1, "234", 10).expect("search")),
        [nana]
    );

    let mut edit = store.client_for_edit(&manager, nana).expect("edit");
    edit.mobile = "13998765432".into();
    store
        .update_client(&manager, nana, &edit, true)
        .expect("update");
    assert!(store
        .search_clients(&manager, "2345", 10)
        .expect("search")
        .is_empty());
    assert_eq!(
        ids(&store.search_clients(&manager, "98765", 10).expect("search")),
        [nana]
    );
    assert_eq!(
        ids(&store
            .search_clients(&manager, "欧阳 987", 10)
            .expect("search")),
        [nana]
    );
    // A mobile taken away leaves nothing to find by it.
    edit.mobile = String::new();
    store
        .update_client(&manager, nana, &edit, true)
        .expect("update");
    assert!(store
        .search_clients(&manager, "98765", 10)
        .expect("search")
        .is_empty());
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn an_import_names_every_client_in_its_audit_entries() {
    let (_dir, mut store) = demo_store();
    let manager = store.login("manager", "demo-password").expect("manager");
    let n = 2_500;
    let csv = passport_file(n, "rm1", |_| String::new());
    let report = import(&mut store, &manager, &csv);
    assert_eq!(report.imported, n);
    let admin = store.login("admin", "demo-password").expect("admin");
    let entries = store
        .audit_recent(&admin, Some("client.import"), 10)
        .expect("audit");
    assert_eq!(entries.len(), 3, "1,000 clients an entry");
    let mut named: Vec<String> = Vec::new();
    for e in &entries {
        assert_eq!(e.username, "manager");
        let after = e.after.as_deref().unwrap_or("");
        let list = after.split(" clients=").nth(1).expect("clients listed");
        named.extend(list.split(' ').map(str::to_string));
    }
    named.sort();
    let mut stored: Vec<String> = Vec::new();
    let mut from = rmdesk::store::clients::PageFrom::Start;
    let spec = ListSpec {
        sort: SortKey::ClientNo,
        ..ListSpec::default()
    };
    loop {
        let page = store
            .client_page(&manager, &spec, &from, 500)
            .expect("page");
        let Some(last) = page.keys.last().cloned() else {
            break;
        };
        stored.extend(
            page.rows
                .iter()
                .map(|c| format!("{}:{}", c.id, c.client_no)),
        );
        from = PageFrom::After(last);
    }
    stored.sort();
    assert_eq!(named, stored, "every imported client, by id and number");
    assert!(store.verify_audit_chain().expect("chain").is_empty());
}

/// The names of the indexes on `clients`, read from the file.
fn client_indexes(path: &std::path::Path) -> Vec<String> {
    let conn = common::raw(path).expect("raw");
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'clients' ORDER BY name")
        .expect("sql");
    let names = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<Vec<String>>>()
        .expect("names");
    names
}

#[test]
fn a_large_import_builds_the_list_indexes_again_and_a_failed_one_keeps_them() {
    let (_dir, mut store) = demo_store();
    let path = store.path().to_path_buf();
    let before = client_indexes(&path);
    assert!(before.len() >= 9, "{before:?}");
    let manager = store.login("manager", "demo-password").expect("manager");
    let n = 10_000;

    // A client number given twice: the second row is refused after thousands of rows were
    // written without the list indexes; nothing of it stays, the indexes are all there.
    let csv = passport_file(n, "rm1", |i| {
        if i == n - 1 {
            "K000001".to_string()
        } else {
            format!("K{i:06}")
        }
    });
    let failed = store.import_clients(
        &manager,
        &parse_csv(csv.as_bytes()).expect("parses"),
        false,
        &mut |_, _| {},
    );
    let failed = failed.expect("a report");
    assert_eq!(failed.imported, 0);
    let lines: Vec<_> = failed
        .rejected
        .iter()
        .map(|r| (r.line, r.keys.clone()))
        .collect();
    assert_eq!(
        lines,
        vec![(n as u64 + 1, vec![("client_no", "err.client_no.taken")])],
        "the repeated client number, on the file's last line"
    );
    assert_eq!(client_indexes(&path), before);
    assert_eq!(
        store
            .client_count(&manager, &ListSpec::default())
            .expect("count"),
        0
    );

    let mut progress = Vec::new();
    let csv = passport_file(n, "rm1", |_| String::new());
    let report = store
        .import_clients(
            &manager,
            &parse_csv(csv.as_bytes()).expect("parses"),
            false,
            &mut |done, total| progress.push((done, total)),
        )
        .expect("import");
    assert_eq!(report.imported, n);
    assert_eq!(progress.len(), 10, "{progress:?}");
    assert_eq!(progress.last(), Some(&(n, n)));
    assert_eq!(client_indexes(&path), before);
    // The indexes hold every row: lists sorted by name use them.
    let spec = ListSpec::default();
    assert_eq!(
        store.client_count(&manager, &spec).expect("count"),
        n as u64
    );
    let first = store
        .client_page(&manager, &spec, &PageFrom::Start, 3)
        .expect("page");
    let names: Vec<&str> = first.rows.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Client 0", "Client 1", "Client 10"]);
    let rm1 = store.login("rm1", "demo-password").expect("rm1");
    assert_eq!(
        store
            .search_clients(&rm1, "13900009999", 10)
            .expect("search")
            .len(),
        1
    );
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn a_database_of_migration_1_is_searched_as_before_after_the_search_migration() {
    let (_dir, path) = temp_db();
    let (nana, john, nana_no) = {
        let (mut store, _admin) = seeded(&path);
        let rm1 = store.login("rm1", PASSWORD).expect("rm1");
        let nana = save(
            &mut store,
            &rm1,
            &person("欧阳娜娜", &resident_id("19800101", 123), "13812345678"),
        );
        let john = save(
            &mut store,
            &rm1,
            &ClientInput {
                id_type: "passport".into(),
                ..person("John Smith", "E7654321", "+85290001111")
            },
        );
        let no = store.client(&rm1, nana).expect("client").fields.client_no;
        (nana, john, no)
    };
    // Put the file back to what migration 1 left: its full-text table, holding every
    // suffix of each mobile behind a marker, no phone table, no indexes, columns,
    // triggers or tables of the later migrations (nor migration 7's history, margin and
    // churn settings, nor migration 8's consent and campaigns, nor migration 12's care
    // and peer indexes).
    {
        let conn = common::raw(&path).expect("raw");
        drop_change_capture(&conn);
        drop_migrations_11_to_15(&conn);
        conn.execute_batch(
            "DROP TABLE client_phone; DROP TABLE client_search;
             DROP INDEX clients_owner_risk_name; DROP INDEX clients_branch_risk_name;
             DROP TABLE aum_history; ALTER TABLE products DROP COLUMN margin;
             DELETE FROM settings WHERE key LIKE 'churn.%';
             DROP TABLE campaign_targets; DROP TABLE campaigns;
             ALTER TABLE clients DROP COLUMN marketing_consent;
             ALTER TABLE clients DROP COLUMN consent_at;
             DELETE FROM settings WHERE key = 'care.birthday_days';
             DROP TABLE handover_clients; DROP TABLE handovers; DROP TABLE requests;
             ALTER TABLE tasks DROP COLUMN assigned_by;
             ALTER TABLE clients DROP COLUMN closed_on;
             ALTER TABLE clients DROP COLUMN closed_reason;
             DROP TRIGGER visits_branch; DROP TRIGGER feedback_branch;
             DROP TRIGGER clients_branch_moved; DROP TABLE visit_text;
             DROP INDEX clients_owner_name; DROP INDEX clients_branch_name;
             ALTER TABLE clients DROP COLUMN name_key;
             CREATE INDEX clients_owner_name ON clients (owner_id, name, id);
             CREATE INDEX clients_branch_name ON clients (branch_id, name, id);
             DROP TABLE visits; DROP TABLE feedback;",
        )
        .expect("migration 1 tables");
        // Visits and feedback as migration 1 made them (no branch column).
        let schema = include_str!("../schema.sql");
        let migration_1 = &schema[..schema.find("-- migration: 2").expect("migration 2")];
        for table in ["visits", "feedback"] {
            let start = migration_1
                .find(&format!("CREATE TABLE {table} ("))
                .expect("table");
            let end = start + migration_1[start..].find(") STRICT;").expect("end") + 9;
            conn.execute_batch(&migration_1[start..end]).expect(table);
        }
        conn.execute_batch(
            "CREATE INDEX visits_client ON visits (client_id, visited_at);
             CREATE INDEX visits_rm ON visits (rm_id, visited_at);
             CREATE INDEX feedback_client ON feedback (client_id, received_on);
             CREATE INDEX feedback_rm_status ON feedback (rm_id, status, deadline);
             CREATE VIRTUAL TABLE client_search USING fts5 (terms, content = '',
                 contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2',
                 prefix = '1 2 3');",
        )
        .expect("migration 1 tables");
        let rows: Vec<(i64, String, String, String, String)> = conn
            .prepare("SELECT id, name, client_no, coalesce(mobile, ''), id_number FROM clients")
            .expect("sql")
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        for (id, name, no, mobile, id_number) in rows {
            let mut terms = rmdesk::domain::search_terms::terms(&name, &no, &id_number);
            let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
            for i in 0..digits.len() {
                terms.push_str(&format!(" 0t{}", &digits[i..]));
            }
            conn.execute(
                "INSERT INTO client_search (rowid, terms) VALUES (?1, ?2)",
                rusqlite::params![id, terms],
            )
            .expect("old terms");
        }
        conn.execute_batch("PRAGMA user_version = 1")
            .expect("version 1");
    }

    let mut store = Store::open(&path).expect("open migrates");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let tail = &resident_id("19800101", 123)[14..];
    for (typed, expected) in [
        ("欧阳", nana),
        ("oynn", nana),
        ("5678", nana),
        ("欧阳 1381", nana),
        (tail, nana),
        (nana_no.as_str(), nana),
        ("smi", john),
        ("852", john),
        ("90001111", john),
    ] {
        assert_eq!(
            ids(&store.search_clients(&rm1, typed, 10).expect("search")),
            [expected],
            "{typed:?}"
        );
    }
    let conn = common::raw(&path).expect("raw");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, i64::from(rmdesk::store::LATEST_VERSION));
    let old_tokens: i64 = conn
        .query_row(
            "SELECT count(*) FROM client_search WHERE client_search MATCH '\"0t\"*'",
            [],
            |r| r.get(0),
        )
        .expect("old tokens");
    assert_eq!(old_tokens, 0, "the phone suffixes left the full-text index");
    let phones: i64 = conn
        .query_row("SELECT count(*) FROM client_phone_docsize", [], |r| {
            r.get(0)
        })
        .expect("phones");
    assert_eq!(phones, 2);
    assert!(store.integrity_problems().expect("check").is_empty());
}

#[test]
fn a_generated_client_number_skips_one_named_later_in_the_file() {
    let (_dir, mut store) = demo_store();
    let manager = store.login("manager", "demo-password").expect("manager");
    // The first row would get C000000001, which the second row names.
    let csv = passport_file(2, "rm1", |i| {
        if i == 1 {
            "C000000001".into()
        } else {
            String::new()
        }
    });
    let report = import(&mut store, &manager, &csv);
    assert_eq!(report.imported, 2);
    let mut numbers: Vec<String> = store
        .search_clients(&manager, "client", 10)
        .expect("search")
        .into_iter()
        .map(|c| c.client_no)
        .collect();
    numbers.sort();
    assert_eq!(numbers, ["C000000001", "C000000002"]);
}
