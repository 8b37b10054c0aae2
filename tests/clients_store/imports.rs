//! All-or-nothing import of client files, the demo's clients, and the list indexes a
//! large import builds again.
use super::*;

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
