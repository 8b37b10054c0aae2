//! Finding clients: search, keyset pages in every sort, filters, and the search index
//! after an import and after the search migration.
use super::*;

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
        drop_migrations_11_to_16(&conn);
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
        let schema = include_str!("../../schema.sql");
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
