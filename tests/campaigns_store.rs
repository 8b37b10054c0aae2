//! Campaigns in the store: the segment's count equals the frozen list, non-consenting
//! and unsuitable clients are never targets and are counted, one task per target for its
//! owner, outcomes with "sold" linked to a real holding, results per RM, RMs scoped to
//! their own targets, the contact list (consenting only, audited) and closing early.
mod common;

use common::marketing::{campaign, world};
use rmdesk::domain::campaign::{CampaignStatus, Outcome, SegmentInput};
use rmdesk::domain::product::HoldingInput;
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::StoreError;
use rust_decimal::Decimal;

#[test]
fn the_count_previewed_is_the_list_frozen_and_the_left_out_are_counted() {
    let mut w = world();
    let seg = SegmentInput::default();
    let count = w
        .store
        .segment_count(&w.mgr, &seg.validate().expect("segment"), Some("WM3"))
        .expect("count");
    // Seven clients not closed; C and D do not consent; B (C1) and G (no assessment)
    // are not suited to an R3 product: A, F and H remain.
    assert_eq!(
        (
            count.matching,
            count.no_consent,
            count.unsuitable,
            count.targets
        ),
        (7, 2, 2, 3)
    );
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", seg))
        .expect("save");
    let launched = w.store.launch_campaign(&w.mgr, id).expect("launch");
    assert_eq!(launched.count, count);
    let c = w.store.campaign(&w.mgr, id).expect("campaign");
    assert_eq!(c.status, CampaignStatus::Running);
    assert_eq!((c.targets, c.left_no_consent, c.left_unsuitable), (3, 2, 2));
    let names: Vec<String> = w
        .store
        .campaign_targets(&w.mgr, id)
        .expect("targets")
        .into_iter()
        .map(|t| t.client_name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, ["Client A", "Client F", "Client H"]);

    // One open task per target, for its owner, due on the last day, given by the manager.
    let conn = common::raw(w.store.path()).expect("open");
    let tasks: Vec<(String, String, String, String)> = conn
        .prepare(
            "SELECT u.username, c.name, t.due_date, g.username FROM campaign_targets k
             JOIN tasks t ON t.id = k.task_id JOIN users u ON u.id = t.owner_id
             JOIN clients c ON c.id = t.client_id JOIN users g ON g.id = t.assigned_by
             WHERE t.status = 'open' ORDER BY c.name",
        )
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("tasks");
    assert_eq!(tasks.len(), 3);
    assert_eq!(
        tasks[0],
        (
            "rm1".into(),
            "Client A".into(),
            "2026-12-31".into(),
            "mgr1".into()
        )
    );
    assert_eq!(tasks[1].0, "rm3");
    let audit: String = conn
        .query_row(
            "SELECT after FROM audit_log WHERE action = 'campaign.launch'",
            [],
            |r| r.get(0),
        )
        .expect("audit");
    assert_eq!(
        audit,
        "targets=3 matching=7 left_no_consent=2 left_unsuitable=2"
    );

    // Frozen: a second launch is refused, and a client given consent later is not added.
    assert!(matches!(
        w.store.launch_campaign(&w.mgr, id),
        Err(StoreError::Conflict {
            key: "campaign.err.not_draft",
            ..
        })
    ));
}

#[test]
fn filters_narrow_the_segment_and_unknown_codes_are_refused_at_their_field() {
    let w = world();
    let count = |seg: SegmentInput| {
        w.store
            .segment_count(&w.mgr, &seg.validate().expect("segment"), None)
            .map(|c| c.matching)
    };
    let by_owner = SegmentInput {
        owner: "rm3".into(),
        ..SegmentInput::default()
    };
    assert_eq!(count(by_owner).expect("owner"), 3);
    let risky = SegmentInput {
        risk_at_least: "C4".into(),
        ..SegmentInput::default()
    };
    assert_eq!(count(risky).expect("risk"), 4, "A, C, D, F");
    let never = SegmentInput {
        no_contact_days: "30".into(),
        ..SegmentInput::default()
    };
    assert_eq!(
        count(never).expect("contact"),
        7,
        "nobody was ever contacted"
    );
    let holders = SegmentInput {
        holds: "deposit".into(),
        ..SegmentInput::default()
    };
    assert_eq!(count(holders).expect("holds"), 0);
    let not_holders = SegmentInput {
        holds_not: "WM3".into(),
        ..SegmentInput::default()
    };
    assert_eq!(count(not_holders).expect("holds not"), 7);
    let unknown = SegmentInput {
        holds: "NOPE".into(),
        ..SegmentInput::default()
    };
    assert!(matches!(
        count(unknown),
        Err(StoreError::Invalid { field: "holds", .. })
    ));
    let stranger = SegmentInput {
        owner: "rm2".into(),
        ..SegmentInput::default()
    };
    assert!(matches!(
        count(stranger),
        Err(StoreError::Invalid { field: "owner", .. })
    ));
    // RMs do not design campaigns.
    assert!(matches!(
        w.store.segment_count(
            &w.rm1,
            &SegmentInput::default().validate().expect("s"),
            None
        ),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn outcomes_link_sold_to_a_real_holding_and_results_count_per_rm() {
    let mut w = world();
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
        .expect("save");
    w.store.launch_campaign(&w.mgr, id).expect("launch");
    let (a, f, h) = (w.clients[0].0, w.clients[5].0, w.clients[7].0);

    // An RM sees only their own targets and campaigns.
    let mine = w.store.campaign_targets(&w.rm1, id).expect("rm1 targets");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].client_id, a);
    assert!(matches!(
        w.store
            .record_outcome(&w.rm1, id, f, Outcome::Contacted, None),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.campaign(&w.mgr2, id),
        Err(StoreError::NotFound)
    ));

    // Sold needs a holding of that client and of the campaign's product.
    assert!(matches!(
        w.store.record_outcome(&w.rm1, id, a, Outcome::Sold, None),
        Err(StoreError::Invalid {
            field: "holding",
            ..
        })
    ));
    let products = w
        .store
        .products(&w.rm1, &Default::default())
        .expect("products");
    let wm3 = products.iter().find(|p| p.code == "WM3").expect("WM3").id;
    let new = |amount: &str| NewHolding {
        product_id: wm3,
        input: HoldingInput {
            amount: amount.into(),
            ..HoldingInput::default()
        },
        override_reason: String::new(),
    };
    let holding_f = w
        .store
        .add_holding(&w.rm3, f, &new("50000"))
        .expect("holding F");
    assert!(
        matches!(
            w.store
                .record_outcome(&w.rm3, id, h, Outcome::Sold, Some(holding_f)),
            Err(StoreError::Invalid {
                field: "holding",
                ..
            })
        ),
        "F's holding is not H's"
    );
    let holding_a = w
        .store
        .add_holding(&w.rm1, a, &new("120000.50"))
        .expect("holding A");
    w.store
        .record_outcome(&w.rm1, id, a, Outcome::Sold, Some(holding_a))
        .expect("sold");
    w.store
        .record_outcome(&w.rm3, id, f, Outcome::Sold, Some(holding_f))
        .expect("sold");
    w.store
        .record_outcome(&w.rm3, id, h, Outcome::NotReached, None)
        .expect("not reached");

    let r = w.store.campaign_results(&w.mgr, id).expect("results");
    let lines: Vec<(&str, u64, u64, u64, Decimal)> = r
        .per_rm
        .iter()
        .map(|l| (l.username.as_str(), l.targets, l.reached, l.sold, l.amount))
        .collect();
    assert_eq!(
        lines,
        [
            ("rm1", 1, 1, 1, Decimal::new(12_000_050, 2)),
            ("rm3", 2, 1, 1, Decimal::new(50_000, 0)),
        ]
    );
    assert_eq!((r.total.targets, r.total.recorded, r.total.sold), (3, 3, 2));
    assert_eq!(r.total.amount, Decimal::new(17_000_050, 2));
    let own = w.store.campaign_results(&w.rm3, id).expect("rm3 results");
    assert_eq!(own.per_rm.len(), 1);

    // Reaching a client completes the task; not reaching them leaves it open.
    let conn = common::raw(w.store.path()).expect("open");
    let open: i64 = conn
        .query_row(
            "SELECT count(*) FROM tasks t JOIN campaign_targets k ON k.task_id = t.id
             WHERE t.status = 'open'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(open, 1);

    // Closing early cancels the open task and refuses further outcomes.
    w.store.close_campaign(&w.mgr, id).expect("close");
    assert!(matches!(
        w.store
            .record_outcome(&w.rm3, id, h, Outcome::Contacted, None),
        Err(StoreError::Conflict {
            key: "campaign.err.not_running",
            ..
        })
    ));
    let cancelled: i64 = conn
        .query_row(
            "SELECT count(*) FROM tasks WHERE status = 'cancelled'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(cancelled, 1);
}

#[test]
fn the_contact_list_holds_consenting_targets_in_full_and_an_rm_only_their_own() {
    let mut w = world();
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("", SegmentInput::default()))
        .expect("save");
    w.store.launch_campaign(&w.mgr, id).expect("launch");
    // A withdraws consent after the launch: A is no longer exported.
    let a = w.clients[0].0;
    let mut fields = w.store.client_for_edit(&w.rm1, a).expect("edit");
    fields.marketing_consent = "no".into();
    w.store
        .update_client(&w.rm1, a, &fields, true)
        .expect("withdraw");

    let dir = tempfile::tempdir().expect("dir");
    let all = dir.path().join("all.csv");
    assert_eq!(
        w.store
            .export_campaign_contacts(&w.mgr, id, &all)
            .expect("export"),
        4
    );
    let text = std::fs::read_to_string(&all).expect("read");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "name,client_no,mobile,owner_rm");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Client B,") && l.contains(",13812345671,rm1")));
    assert!(!text.contains("Client A") && !text.contains("Client C") && !text.contains("Client D"));

    let mine = dir.path().join("mine.csv");
    assert_eq!(
        w.store
            .export_campaign_contacts(&w.rm3, id, &mine)
            .expect("rm3"),
        3
    );
    let text = std::fs::read_to_string(&mine).expect("read");
    assert!(!text.contains(",rm1"), "{text}");
    assert!(matches!(
        w.store.export_campaign_contacts(&w.rm1, id + 1, &mine),
        Err(StoreError::NotFound)
    ));
    let conn = common::raw(w.store.path()).expect("open");
    let audits: Vec<String> = conn
        .prepare("SELECT after FROM audit_log WHERE action = 'campaign.export' ORDER BY id")
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("audit");
    assert_eq!(
        audits,
        [
            format!("campaign={id} rows=4"),
            format!("campaign={id} rows=3")
        ]
    );
    let _ = &w.rm3;
}

#[test]
fn a_launch_of_many_targets_gives_each_its_own_task_and_captures_every_row() {
    let mut w = world();
    // 1,200 more consenting C4 clients (copies of A), every other one rm3's: more targets
    // than one statement of the launch writes.
    let conn = common::raw(w.store.path()).expect("open");
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('clients') WHERE name <> 'id'")
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("columns");
    let picked: Vec<String> = cols
        .iter()
        .map(|c| match c.as_str() {
            "client_no" => "printf('M%07d', n)".to_string(),
            "id_number" => "printf('Y%08d', n)".to_string(),
            "name" => "printf('Many %04d', n)".to_string(),
            "owner_id" => {
                "CASE n % 2 WHEN 0 THEN a.owner_id ELSE (SELECT id FROM users WHERE username = 'rm3') END"
                    .to_string()
            }
            c => format!("a.{c}"),
        })
        .collect();
    conn.execute(
        &format!(
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1200)
             INSERT INTO clients ({}) SELECT {} FROM s, clients a WHERE a.name = 'Client A'",
            cols.join(", "),
            picked.join(", ")
        ),
        [],
    )
    .expect("clients");
    let before: i64 = conn
        .query_row("SELECT max(seq) FROM change_log", [], |r| r.get(0))
        .expect("seq");
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
        .expect("save");
    let launched = w.store.launch_campaign(&w.mgr, id).expect("launch");
    assert_eq!(
        (
            launched.count.matching,
            launched.count.no_consent,
            launched.count.unsuitable,
            launched.count.targets
        ),
        (1207, 2, 2, 1203)
    );
    // Each target's task is its own: for that client, owned by the client's owner, who is
    // the target's RM; no task without a target.
    let (targets, right, tasks): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*),
                    sum(t.client_id = k.client_id AND t.owner_id = k.rm_id AND c.owner_id = k.rm_id),
                    (SELECT count(DISTINCT task_id) FROM campaign_targets WHERE campaign_id = ?1)
             FROM campaign_targets k JOIN tasks t ON t.id = k.task_id
             JOIN clients c ON c.id = k.client_id WHERE k.campaign_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("targets");
    assert_eq!((targets, right, tasks), (1203, 1203, 1203));
    let all_tasks: i64 = conn
        .query_row(
            "SELECT count(*) FROM tasks WHERE title = 'Year-end wealth'",
            [],
            |r| r.get(0),
        )
        .expect("tasks");
    assert_eq!(all_tasks, 1203);
    // The change log holds every task and target row, as written, in the launch.
    let captured: (i64, i64, i64) = conn
        .query_row(
            "SELECT sum(l.tbl = 'tasks'), sum(l.tbl = 'campaign_targets'),
                    sum(l.tbl = 'campaign_targets'
                        AND l.row ->> '$.task_id' = (SELECT task_id FROM campaign_targets k
                            WHERE k.campaign_id = l.row ->> '$.campaign_id'
                              AND k.client_id = l.row ->> '$.client_id'))
             FROM change_log l WHERE l.seq > ?1 AND l.op = 'insert'",
            [before],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("change log");
    assert_eq!(captured, (1203, 1203, 1203));
}

#[test]
fn a_file_without_the_segment_index_counts_the_same_in_a_pass_over_its_clients() {
    let w = world();
    let segments = [
        SegmentInput::default(),
        SegmentInput {
            owner: "rm3".into(),
            ..SegmentInput::default()
        },
        SegmentInput {
            risk_at_least: "C4".into(),
            no_contact_days: "30".into(),
            ..SegmentInput::default()
        },
    ];
    let counts = |store: &rmdesk::store::Store| {
        segments
            .iter()
            .map(|seg| {
                store
                    .segment_count(&w.mgr, &seg.validate().expect("segment"), Some("WM3"))
                    .expect("count")
            })
            .collect::<Vec<_>>()
    };
    let indexed = counts(&w.store);
    assert_eq!((indexed[0].matching, indexed[0].targets), (7, 3));
    // As an older file opened read-only is: no `clients_segment` (migration 16).
    let path = w.store.path().to_path_buf();
    let conn = common::raw(&path).expect("raw");
    conn.execute_batch("DROP INDEX clients_segment")
        .expect("drop");
    drop(conn);
    let store = rmdesk::store::Store::open_read_only(&path).expect("read-only");
    assert_eq!(counts(&store), indexed);
}
