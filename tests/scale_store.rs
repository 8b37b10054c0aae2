//! Search and lists at branch scale, on real temporary files: the client meant is found
//! first among thousands sharing its digits, names are found by full pinyin and sorted
//! by it, and a visit's words are found through the full-text index, in order.
mod common;

use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::csv_import::parse_csv;
use rmdesk::domain::ids::resident_id_check_char;
use rmdesk::domain::visit::VisitInput;
use rmdesk::store::clients::{ListSpec, PageFrom, SaveOutcome};
use rmdesk::store::visits::VisitFilter;
use rmdesk::store::{Actor, Role, Store};

/// The columns of the client file (every one must be there).
const HEADER: &str = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,\
    address,occupation,risk_level,risk_assessed_on,status,owner,notes\n";

fn resident_id(birth: &str, seq: u32) -> String {
    let first17 = format!("110105{birth}{seq:03}");
    let check = resident_id_check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}

fn save(store: &mut Store, actor: &Actor, name: &str, id_number: &str, mobile: &str) -> i64 {
    let c = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "resident_id".into(),
        id_number: id_number.into(),
        mobile: mobile.into(),
        ..ClientInput::default()
    };
    match store.create_client(actor, &c, true) {
        Ok(SaveOutcome::Saved(id)) => id,
        other => panic!("expected a save, got {other:?}"),
    }
}

/// 3,000 clients of rm1 (imported), every one with `5678` at the end of the mobile and
/// a third of them with an ID number ending in `5678` too; client numbers K…
fn crowd(store: &mut Store, mgr: &Actor) -> usize {
    let mut csv = String::from(HEADER);
    let mut n = 0;
    let mut with_tail = 0;
    // ID numbers ending in 5678: sequence 567 and the dates and districts whose check
    // character is 8.
    let mut tails = (0..20_000u64)
        .flat_map(|d| (0..20u32).map(move |r| (d, r)))
        .filter_map(|(d, r)| {
            let day = chrono::NaiveDate::from_ymd_opt(1950, 1, 1)? + chrono::Days::new(d);
            let first17 = format!("{}{}567", 110_101 + r, day.format("%Y%m%d"));
            (resident_id_check_char(&first17)? == '8').then(|| format!("{first17}8"))
        });
    for seq in 0..3000u32 {
        let day = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).expect("day")
            + chrono::Days::new(u64::from(seq));
        let id = match tails.next().filter(|_| seq % 3 == 0) {
            Some(id) => id,
            None => resident_id(&day.format("%Y%m%d").to_string(), 1),
        };
        if id.ends_with("5678") {
            with_tail += 1;
        }
        csv.push_str(&format!(
            "K{seq:06},individual,王{} 某,,,resident_id,{id},139{:04}5678,,,,,,,rm1,\n",
            seq % 10,
            seq
        ));
        n += 1;
    }
    let file = parse_csv(csv.as_bytes()).expect("parses");
    let report = store
        .import_clients(mgr, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, n, "{:?}", report.rejected.first());
    with_tail
}

#[test]
fn the_client_meant_comes_first_among_thousands_sharing_the_digits() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let with_tail = crowd(&mut store, &mgr1);
    assert!(with_tail > 200, "more ID tails than a page: {with_tail}");
    // A client whose ID tail is typed while thousands of mobiles end in the same digits.
    let tail_id = (1..28)
        .map(|d| resident_id(&format!("199912{d:02}"), 999))
        .find(|id| !id.ends_with('X'))
        .expect("a tail of digits");
    let tail = tail_id[14..].to_string();
    let mut csv = String::from(HEADER);
    for seq in 0..2500u32 {
        csv.push_str(&format!(
            "M{seq:06},corporate,某{seq}公司,,,uscc,{},138{seq:04}{tail},,,,,,,rm1,\n",
            uscc(seq)
        ));
    }
    let file = parse_csv(csv.as_bytes()).expect("parses");
    let report = store
        .import_clients(&mgr1, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, 2500, "{:?}", report.rejected.first());
    let meant = save(&mut store, &rm1, "赵敏", &tail_id, "");
    let numbered = {
        // A client whose number is the same four digits.
        let c = ClientInput {
            client_no: tail.clone(),
            kind: "individual".into(),
            name: "周芷若".into(),
            id_type: "passport".into(),
            id_number: "E0000001".into(),
            ..ClientInput::default()
        };
        match store.create_client(&rm1, &c, true).expect("save") {
            SaveOutcome::Saved(id) => id,
            other => panic!("{other:?}"),
        }
    };
    for actor in [&rm1, &mgr1] {
        let found = store.search_clients(actor, &tail, 200).expect("search");
        assert_eq!(found.len(), 200);
        assert_eq!(found[0].id, numbered, "the client number typed comes first");
        assert_eq!(found[1].id, meant, "then the ID tail");
        // The phone fragment still finds the mobiles holding it.
        assert!(found[2..].iter().all(|c| c.client_no.starts_with('M')));
    }
    // A code's tail with a letter (its check character), typed as it reads: the clients
    // whose codes end so come first.
    let seq = (0..2500u32)
        .find(|&s| uscc(s).ends_with(|c: char| c.is_ascii_uppercase()))
        .expect("a code ending in a letter");
    let code_tail = uscc(seq)[14..].to_string();
    let sharing: std::collections::BTreeSet<String> = (0..2500u32)
        .filter(|&s| uscc(s).ends_with(&code_tail))
        .map(|s| format!("M{s:06}"))
        .collect();
    // 250 clients whose numbers start with the same four characters, and whose names
    // sort first: without the tail's own rank they would fill the page.
    let mut csv = String::from(HEADER);
    for i in 0..250u32 {
        csv.push_str(&format!(
            "{code_tail}{i:04},individual,安{i},,,passport,E{:07},,,,,,,,rm1,\n",
            7_000_000 + i
        ));
    }
    let file = parse_csv(csv.as_bytes()).expect("parses");
    let report = store
        .import_clients(&mgr1, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, 250, "{:?}", report.rejected.first());
    for typed in [code_tail.clone(), code_tail.to_lowercase()] {
        let found = store.search_clients(&mgr1, &typed, 200).expect("search");
        let first: std::collections::BTreeSet<String> = found
            .iter()
            .take(sharing.len())
            .map(|c| c.client_no.clone())
            .collect();
        assert_eq!(first, sharing, "{typed}: the codes ending so, first");
    }
    // Thousands sharing an ID tail: the one whose client number is typed is first, the
    // ID tails fill the page before any mobile.
    let found = store.search_clients(&mgr1, "5678", 200).expect("search");
    assert_eq!(found.len(), 200);
    let ids_first = found
        .iter()
        .take_while(|c| c.client_no.starts_with('K'))
        .count();
    assert_eq!(ids_first, 200, "ID tails before mobiles");
    // Digits typed with a name still find the ID tail.
    let found = store
        .search_clients(&mgr1, &format!("赵 {tail}"), 200)
        .expect("search");
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![meant]);
}

/// A valid unified social credit code (GB 32100) for `seq`.
fn uscc(seq: u32) -> String {
    let first17 = format!("91110000{seq:09}");
    let check = rmdesk::domain::ids::uscc_check_char(&first17).expect("17 characters");
    format!("{first17}{check}")
}

#[test]
fn names_are_found_by_full_pinyin_and_listed_in_pinyin_order() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mut ids = Vec::new();
    for (i, name) in [
        "刘备",
        "Zoe Li",
        "北京",
        "王伟",
        "冯远",
        "Wang Peter",
        "amy",
    ]
    .into_iter()
    .enumerate()
    {
        let id = resident_id("19800101", u32::try_from(i).expect("small") + 100);
        ids.push(save(&mut store, &rm1, name, &id, ""));
    }
    let wang_wei = ids[3];
    for typed in ["wangw", "wang wei", "wangwei", "ww", "王伟"] {
        let found = store.search_clients(&rm1, typed, 50).expect("search");
        assert!(found.iter().any(|c| c.id == wang_wei), "{typed}");
    }
    assert!(store
        .search_clients(&rm1, "wangwu", 50)
        .expect("search")
        .is_empty());
    let page = store
        .client_page(&rm1, &ListSpec::default(), &PageFrom::Start, 50)
        .expect("page");
    let names: Vec<_> = page.rows.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "amy",
            "北京",
            "冯远",
            "刘备",
            "Wang Peter",
            "王伟",
            "Zoe Li"
        ]
    );
    // Keyset paging follows the same order.
    let first = store
        .client_page(&rm1, &ListSpec::default(), &PageFrom::Start, 3)
        .expect("page");
    let next = store
        .client_page(
            &rm1,
            &ListSpec::default(),
            &PageFrom::After(first.keys[2].clone()),
            3,
        )
        .expect("page");
    let names: Vec<_> = next.rows.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["刘备", "Wang Peter", "王伟"]);
}

fn visit(at: &str, purpose: &str, summary: &str) -> VisitInput {
    VisitInput {
        visited_at: at.into(),
        channel: "phone".into(),
        purpose: purpose.into(),
        summary: summary.into(),
        ..VisitInput::default()
    }
}

#[test]
fn visit_words_are_found_by_any_chinese_fragment_newest_first_and_edits_are_followed() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let (rm1, rm2, mgr1, mgr2) = staff(&mut store);
    let a = save(&mut store, &rm1, "林黛玉", &resident_id("19800101", 1), "");
    let b = save(&mut store, &rm2, "薛宝钗", &resident_id("19800101", 2), "");
    let v1 = store
        .record_visit(
            &rm1,
            a,
            &visit(
                "2026-11-20 10:00",
                "年度回顾 Annual review",
                "客户关注稳健型理财产品。",
            ),
        )
        .expect("visit")
        .visit_id;
    let v2 = store
        .record_visit(
            &rm1,
            a,
            &visit(
                "2026-11-21 10:00",
                "生日问候",
                "讨论了基金定投，理财需求不大。",
            ),
        )
        .expect("visit")
        .visit_id;
    let v3 = store
        .record_visit(
            &rm2,
            b,
            &visit("2026-11-22 10:00", "理财到期", "Maturity follow-up"),
        )
        .expect("visit")
        .visit_id;
    fn ids(store: &Store, actor: &Actor, text: &str) -> Vec<i64> {
        let f = VisitFilter {
            text: text.into(),
            ..VisitFilter::default()
        };
        store
            .visit_list(actor, &f, 50)
            .expect("list")
            .iter()
            .map(|v| v.id)
            .collect()
    }
    // Two characters anywhere in the text, newest first, within the scope.
    assert_eq!(ids(&store, &mgr1, "理财"), vec![v2, v1]);
    assert_eq!(ids(&store, &rm1, "理财"), vec![v2, v1]);
    assert_eq!(ids(&store, &mgr2, "理财"), vec![v3]);
    assert_eq!(ids(&store, &mgr1, "财产"), vec![v1], "a pair inside a word");
    assert_eq!(ids(&store, &mgr1, "稳健型理财"), vec![v1]);
    assert_eq!(
        ids(&store, &mgr1, "型财"),
        Vec::<i64>::new(),
        "not next to each other"
    );
    assert_eq!(ids(&store, &mgr1, "annual"), vec![v1]);
    assert_eq!(ids(&store, &mgr1, "ANN 理财"), vec![v1]);
    assert_eq!(ids(&store, &mgr2, "matur"), vec![v3]);
    assert_eq!(
        ids(&store, &rm2, "定投"),
        Vec::<i64>::new(),
        "another RM's visit"
    );
    // A date range and one client's visits narrow it too.
    let f = VisitFilter {
        text: "理财".into(),
        from: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("day")),
        to: Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("day")),
        ..VisitFilter::default()
    };
    let found: Vec<i64> = store
        .visit_list(&mgr1, &f, 50)
        .expect("list")
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(found, vec![v2]);
    let f = VisitFilter {
        text: "定投".into(),
        client_id: Some(a),
        ..VisitFilter::default()
    };
    let found: Vec<i64> = store
        .visit_list(&mgr1, &f, 50)
        .expect("list")
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(found, vec![v2]);
    // An edit changes the words and the time: the index follows, in the same write.
    store
        .update_visit(
            &rm1,
            v1,
            &visit("2026-11-22 18:00", "年度回顾", "客户想买大额存单。"),
        )
        .expect("edit");
    assert_eq!(ids(&store, &mgr1, "理财"), vec![v2]);
    assert_eq!(ids(&store, &mgr1, "大额存单"), vec![v1]);
    assert_eq!(ids(&store, &mgr1, "年度"), vec![v1]);
    let all: Vec<i64> = store
        .visit_list(&mgr1, &VisitFilter::default(), 50)
        .expect("list")
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(all, vec![v1, v2], "newest first after the edit moved it");
}

#[test]
fn the_list_count_is_kept_through_every_change_of_a_client() {
    use rmdesk::domain::client::{ClientKind, ClientStatus, RiskLevel, Tier};
    use rmdesk::store::clients::ClientFilter;
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let (rm3, _) = add_user(&mut store, &admin, "rm3", "RM 3", Role::Rm, mgr1.branch_id);
    // Clients of every kind, status, risk level and owner, through the import.
    let mut csv = String::from(HEADER);
    for seq in 0..240u32 {
        let (kind, id_type, id) = if seq % 5 == 0 {
            ("corporate", "uscc", uscc(seq))
        } else {
            ("individual", "passport", format!("E{:07}", 5_000_000 + seq))
        };
        let risk = ["", "C1", "C2", "C3", "C4", "C5"][(seq % 6) as usize];
        let assessed = if risk.is_empty() { "" } else { "2026-01-05" };
        let status = ["prospect", "active", "dormant", "closed"][(seq % 4) as usize];
        let owner = ["rm1", "rm3", "rm1"][(seq % 3) as usize];
        csv.push_str(&format!(
            "N{seq:06},{kind},客户{seq},,,{id_type},{id},,,,,{risk},{assessed},{status},{owner},\n"
        ));
    }
    let file = parse_csv(csv.as_bytes()).expect("parses");
    let report = store
        .import_clients(&mgr1, &file, false, &mut |_, _| {})
        .expect("import");
    assert_eq!(report.imported, 240, "{:?}", report.rejected.first());
    // Changes of every column the count keeps, as any write makes them.
    let conn = common::raw(&path).expect("raw");
    conn.execute_batch(
        "UPDATE clients SET tier = 'key' WHERE id % 7 = 0;
         UPDATE clients SET tier_override = 'core' WHERE id % 11 = 0;
         UPDATE clients SET status = 'active' WHERE id % 13 = 0;
         UPDATE clients SET risk_level = NULL WHERE id % 17 = 0;
         UPDATE clients SET risk_level = 'C5' WHERE id % 19 = 0;
         UPDATE clients SET owner_id = (SELECT id FROM users WHERE username = 'rm3')
             WHERE id % 23 = 0;
         DELETE FROM clients WHERE id IN
             (SELECT id FROM clients WHERE id NOT IN (SELECT client_id FROM holdings)
              AND id NOT IN (SELECT client_id FROM visits) ORDER BY id DESC LIMIT 3);",
    )
    .expect("changes");
    let counted = |scope: &str, f: &ClientFilter| -> u64 {
        let mut sql = format!("SELECT count(*) FROM clients c WHERE {scope}");
        if let Some(t) = f.tier {
            sql.push_str(&format!(
                " AND coalesce(c.tier_override, c.tier) = '{}'",
                t.code()
            ));
        }
        match f.status {
            Some(s) => sql.push_str(&format!(" AND c.status = '{}'", s.code())),
            None => sql.push_str(" AND c.status <> 'closed'"),
        }
        if let Some(o) = f.owner_id {
            sql.push_str(&format!(" AND c.owner_id = {o}"));
        }
        if let Some(r) = f.risk_level {
            sql.push_str(&format!(" AND c.risk_level = '{}'", r.code()));
        }
        if let Some(k) = f.kind {
            sql.push_str(&format!(" AND c.kind = '{}'", k.code()));
        }
        conn.query_row(&sql, [], |r| r.get(0)).expect("count")
    };
    let tiers = [None, Some(Tier::General), Some(Tier::Key), Some(Tier::Core)];
    let statuses = [
        None,
        Some(ClientStatus::Prospect),
        Some(ClientStatus::Active),
        Some(ClientStatus::Dormant),
        Some(ClientStatus::Closed),
    ];
    let risks = [
        None,
        Some(RiskLevel::C1),
        Some(RiskLevel::C3),
        Some(RiskLevel::C5),
    ];
    let kinds = [
        None,
        Some(ClientKind::Individual),
        Some(ClientKind::Corporate),
    ];
    let mut checked = 0;
    for (actor, scope) in [
        (
            &mgr1,
            format!("c.branch_id = {}", mgr1.branch_id.expect("a branch")),
        ),
        (&rm1, format!("c.owner_id = {}", rm1.user_id)),
    ] {
        for tier in tiers {
            for status in statuses {
                for risk_level in risks {
                    for kind in kinds {
                        for owner_id in [None, Some(rm3)] {
                            let filter = ClientFilter {
                                tier,
                                status,
                                owner_id,
                                risk_level,
                                kind,
                            };
                            let spec = ListSpec {
                                filter: filter.clone(),
                                ..ListSpec::default()
                            };
                            let kept = store.client_count(actor, &spec).expect("count");
                            assert_eq!(kept, counted(&scope, &filter), "{filter:?}");
                            checked += u64::from(kept > 0);
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 100, "most filters hold clients: {checked}");
}
