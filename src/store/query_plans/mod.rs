//! Query-plan tests: the list queries of managers and RMs walk the index meant for them
//! (`EXPLAIN QUERY PLAN`), so a later change cannot silently turn one into a scan or a
//! sort of the whole branch.
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::care::{care_birthday_sql, care_consenting_sql, care_joined_sql};
use super::clients::{client_page_sql, ListSpec, PageFrom, SortKey};
use super::feedback::{feedback_list_sql, FeedbackFilter};
use super::home::{
    birthday_sql, complaints_sql, contact_sql, new_to_you_sql, risk_sql, to_check_sql,
};
use super::next_best::PEERS_SQL;
use super::reports::churn::{churn_sql, CHURN_AFTER};
use super::users::NewUser;
use super::visits::{visit_list_sql, VisitFilter};
use super::{Actor, Role, Store, Zone};

mod campaigns;

const PASS: &str = "long-enough-pass";

fn store() -> (tempfile::TempDir, Store, Actor, Actor) {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("t.db")).expect("open");
    let admin = store.create_first_admin("admin", "A", PASS).expect("admin");
    let b1 = store.create_branch(&admin, "0101", "East").expect("branch");
    let mut actors = Vec::new();
    for (name, role) in [("rm1", Role::Rm), ("mgr1", Role::Manager)] {
        let u = NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            branch_id: Some(b1),
            password: PASS.into(),
        };
        store.create_user(&admin, &u).expect("user");
        actors.push(store.login(name, PASS).expect("login"));
    }
    let mgr = actors.pop().expect("manager");
    let rm = actors.pop().expect("rm");
    (dir, store, rm, mgr)
}

/// The plan's lines (`detail` column).
fn plan(store: &Store, sql: &str, args: &[Value]) -> String {
    let mut stmt = store
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("explain");
    let rows = stmt
        .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
        .expect("plan");
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows")
        .join("\n")
}

/// The plan walks `index` and sorts nothing (the list's order is the index's); every
/// other table is looked up by key (the users row of a scope may come first: it is one).
fn walks(store: &Store, (sql, args): (String, Vec<Value>), index: &str) {
    let p = plan(store, &sql, &args);
    let drives = p
        .lines()
        .find(|l| !l.contains("SEARCH u USING INTEGER PRIMARY KEY"))
        .unwrap_or_default();
    assert!(
        drives.contains(&format!("USING INDEX {index} "))
            || drives.contains(&format!("USING COVERING INDEX {index} ")),
        "expected {index} first:\n{p}\n{sql}"
    );
    assert!(
        !p.lines()
            .any(|l| l.contains("SCAN ") && !l.contains("VIRTUAL TABLE INDEX 0:=M")),
        "a scan (other than a full-text lookup by rowid):\n{p}\n{sql}"
    );
    // Rows of one deadline may be put in order among themselves ("FOR LAST n TERMS", or
    // "FOR RIGHT PART" in the words of SQLite 3.45, which SQLCipher 4.5 is built on):
    // that sorts a day's items, not the list.
    assert!(
        !p.contains("USE TEMP B-TREE FOR ORDER BY"),
        "a sort:\n{p}\n{sql}"
    );
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn visit_lists_walk_the_branch_or_the_rm_or_the_client_by_time() {
    let (_dir, store, rm, mgr) = store();
    let all = VisitFilter::default();
    let year = VisitFilter {
        from: Some(day("2025-11-23")),
        to: Some(day("2026-11-23")),
        ..VisitFilter::default()
    };
    walks(
        &store,
        visit_list_sql(&mgr, &all, Zone::china(), 500),
        "visits_branch_time",
    );
    walks(
        &store,
        visit_list_sql(&mgr, &year, Zone::china(), 500),
        "visits_branch_time",
    );
    let unchecked = VisitFilter {
        unchecked_only: true,
        channel: Some("phone".into()),
        ..year.clone()
    };
    walks(
        &store,
        visit_list_sql(&mgr, &unchecked, Zone::china(), 500),
        "visits_branch_time",
    );
    walks(
        &store,
        visit_list_sql(&rm, &year, Zone::china(), 500),
        "visits_rm",
    );
    let of_rm = VisitFilter {
        rm_id: Some(rm.user_id),
        ..year.clone()
    };
    walks(
        &store,
        visit_list_sql(&mgr, &of_rm, Zone::china(), 500),
        "visits_rm",
    );
    let of_client = VisitFilter {
        client_id: Some(1),
        ..year.clone()
    };
    walks(
        &store,
        visit_list_sql(&mgr, &of_client, Zone::china(), 500),
        "visits_client",
    );
    walks(
        &store,
        visit_list_sql(&rm, &of_client, Zone::china(), 500),
        "visits_client",
    );
}

#[test]
fn visit_text_search_walks_the_full_text_index_newest_first() {
    let (_dir, store, rm, mgr) = store();
    for actor in [&mgr, &rm] {
        let f = VisitFilter {
            text: "理财 review".into(),
            from: Some(day("2025-11-23")),
            ..VisitFilter::default()
        };
        let (sql, args) = visit_list_sql(actor, &f, Zone::china(), 500);
        let p = plan(&store, &sql, &args);
        assert!(
            p.lines()
                .next()
                .unwrap_or_default()
                .contains("VIRTUAL TABLE INDEX"),
            "{p}"
        );
        assert!(!p.contains("TEMP B-TREE"), "{p}");
        assert!(p.contains("USING INTEGER PRIMARY KEY"), "{p}");
    }
    // One client's visits: by the client's index, each looked up in the text index.
    let f = VisitFilter {
        text: "理财".into(),
        client_id: Some(1),
        ..VisitFilter::default()
    };
    walks(
        &store,
        visit_list_sql(&mgr, &f, Zone::china(), 500),
        "visits_client",
    );
}

#[test]
fn feedback_lists_walk_the_branch_by_deadline_then_by_date() {
    let (_dir, store, rm, mgr) = store();
    let all = FeedbackFilter::default();
    let complaints = FeedbackFilter {
        kind: Some("complaint".into()),
        ..FeedbackFilter::default()
    };
    for actor in [&mgr, &rm] {
        for f in [&all, &complaints] {
            walks(
                &store,
                feedback_list_sql(actor, f, true, 200),
                "feedback_branch_pending",
            );
            let (sql, args) = feedback_list_sql(actor, f, false, 200);
            walks(&store, (sql, args), "feedback_branch_done");
        }
    }
    let one = FeedbackFilter {
        client_id: Some(1),
        ..FeedbackFilter::default()
    };
    let (sql, args) = feedback_list_sql(&mgr, &one, true, 200);
    let p = plan(&store, &sql, &args);
    assert!(
        p.lines()
            .next()
            .unwrap_or_default()
            .contains("feedback_client"),
        "{p}"
    );
}

#[test]
fn home_complaints_start_from_the_branch_or_the_rms_pending_complaints() {
    let (_dir, store, rm, mgr) = store();
    let args = |a: &Actor| {
        vec![
            Value::Text("2026-11-25".into()),
            Value::Integer(a.branch_id.unwrap_or(-1)),
            Value::Integer(a.user_id),
            Value::Integer(50),
        ]
    };
    for (actor, index) in [
        (&mgr, "feedback_branch_pending"),
        (&rm, "complaints_pending_owner"),
    ] {
        let (lines, count) = complaints_sql(actor);
        walks(&store, (lines, args(actor)), index);
        // Each count reads its index alone.
        let a = args(actor);
        let p = plan(&store, &count, &a[..3]);
        assert!(
            p.lines()
                .next()
                .unwrap_or_default()
                .contains(&format!("COVERING INDEX {index}")),
            "{p}"
        );
    }
}

#[test]
fn home_client_rules_walk_an_index_of_the_owners_clients() {
    let (_dir, store, rm, _) = store();
    let today = day("2027-02-28");
    // Risk reviews and contact due: the index's order is the list's, no sort at all.
    let (lines, count, args) = risk_sql(rm.user_id, today, 50);
    walks(&store, (lines, args.clone()), "clients_owner_risk_on");
    let p = plan(&store, &count, &args[..3]);
    assert!(p.contains("INDEX clients_owner_risk_on"), "{p}");
    let (lines, count) = contact_sql();
    let args = vec![
        Value::Integer(rm.user_id),
        Value::Text("general".into()),
        Value::Text("2026-06-01T00:00:00Z".into()),
        Value::Integer(50),
    ];
    walks(
        &store,
        (lines.to_string(), args.clone()),
        "clients_owner_cadence",
    );
    // The count (at most 10,000) walks the same index.
    let p = plan(&store, count, &args);
    assert!(p.contains("USING INDEX clients_owner_cadence"), "{p}");
    assert!(!p.contains("SCAN c"), "{p}");
    // Birthdays: the day's (and, on 28 February of a common year, the 29th's) entries of
    // the index, put in name order among themselves.
    let (lines, count, args) = birthday_sql(rm.user_id, today, 50);
    let p = plan(&store, &lines, &args);
    assert!(
        p.lines()
            .next()
            .unwrap_or_default()
            .contains("USING INDEX clients_owner_birthday"),
        "{p}"
    );
    assert!(!p.contains("SCAN "), "{p}");
    assert!(plan(&store, &count, &args[..3]).contains("INDEX clients_owner_birthday"));
}

#[test]
fn care_reads_walk_the_owner_indexes_or_the_branch_ones() {
    let (_dir, store, rm, mgr) = store();
    for actor in [&rm, &mgr] {
        let rm_role = actor.role == Role::Rm;
        let (scope, side) = if rm_role {
            (actor.user_id, "owner")
        } else {
            (actor.branch_id.unwrap_or(-1), "branch")
        };
        let id = Value::Integer(scope);
        let index = |what: &str| format!("clients_{side}_{what}");
        // Birthdays: one month-day (and the 29th's) of the RM's or the branch's index,
        // the lines in its order (no sort: home's five lines are its first entries); a
        // manager's count reads the index alone.
        let (lines, count) = care_birthday_sql(actor).expect("sql");
        let md = |s: &str| Value::Text(s.into());
        let args = [id.clone(), md("11-26"), md(""), Value::Integer(50)];
        let p = plan(&store, &lines, &args);
        assert!(p.contains(&format!("INDEX {}", index("birthday"))), "{p}");
        assert!(!p.contains("SCAN c") && !p.contains("TEMP B-TREE"), "{p}");
        let p = plan(&store, &count, &args[..3]);
        assert!(p.contains(&format!("INDEX {}", index("birthday"))), "{p}");
        assert!(rm_role || p.contains("COVERING INDEX"), "{p}");
        // Anniversaries: one month-day of the instant clients were added, bounded by the
        // instant; a manager's walk reads the index alone.
        let sql = care_joined_sql(actor).expect("sql");
        let until = md("2025-11-30T16:00:00Z");
        let p = plan(
            &store,
            &sql,
            &[id.clone(), md("11-26"), Value::Integer(50), until],
        );
        assert!(p.contains(&format!("INDEX {}", index("joined"))), "{p}");
        assert!(rm_role || p.contains("COVERING INDEX"), "{p}");
        assert!(p.contains("created_at<?") && !p.contains("SCAN c"), "{p}");
        // A festival's clients: the consenting clients' index in name order, no sort;
        // the count reads the index alone.
        let (lines, count) = care_consenting_sql(actor).expect("sql");
        let index = if actor.role == Role::Rm {
            "clients_owner_consenting"
        } else {
            "clients_branch_consenting"
        };
        walks(&store, (lines, vec![id.clone(), Value::Integer(50)]), index);
        let p = plan(&store, &count, &[id.clone(), Value::Integer(10_000)]);
        assert!(p.contains(&format!("COVERING INDEX {index}")), "{p}");
    }
}

#[test]
fn home_desk_kinds_start_from_the_branch_visits_and_the_rms_hand_overs() {
    let (_dir, store, rm, mgr) = store();
    let (lines, count) = to_check_sql();
    let args = vec![
        Value::Integer(mgr.branch_id.unwrap_or(-1)),
        Value::Text("2026-11-16T00:00:00Z".into()),
        Value::Text("2026-11-23T04:00:00Z".into()),
        Value::Integer(50),
    ];
    walks(
        &store,
        (lines.to_string(), args.clone()),
        "visits_branch_time",
    );
    // The count reads the index of unchecked visits alone, never a visit row.
    let p = plan(&store, count, &args);
    assert!(
        p.contains("USING COVERING INDEX visits_branch_unchecked"),
        "{p}"
    );
    let (lines, count) = new_to_you_sql();
    let args = vec![Value::Integer(rm.user_id), Value::Integer(50)];
    for sql in [lines, count] {
        let p = plan(&store, sql, &args);
        assert!(
            p.lines()
                .find(|l| l.contains("SEARCH") || l.contains("SCAN"))
                .unwrap_or_default()
                .contains("INDEX handover_clients_to"),
            "{p}"
        );
        assert!(!p.contains("SCAN c") && !p.contains("SCAN hc"), "{p}");
    }
}

#[test]
fn the_client_lists_count_reads_the_counts_kept_never_the_clients() {
    let (_dir, store, rm, mgr) = store();
    // The manager's by the branch's rows of `client_counts`, the RM's by the owner's.
    for (actor, index) in [
        (&mgr, "SEARCH c USING PRIMARY KEY (branch_id=?)"),
        (&rm, "SEARCH c USING INDEX client_counts_owner (owner_id=?)"),
    ] {
        let spec = super::clients::ListSpec::default();
        let (sql, args) = super::clients::client_count_sql(actor, &spec);
        assert!(sql.contains("FROM client_counts c WHERE") && !sql.contains("clients c"));
        let p = plan(&store, &sql, &args);
        assert!(p.contains(index) && !p.contains("clients_"), "{p}");
    }
}

#[test]
fn client_lists_walk_the_owner_or_branch_name_index() {
    let (_dir, store, rm, mgr) = store();
    let by_name = ListSpec::default();
    assert_eq!(by_name.sort, SortKey::Name);
    walks(
        &store,
        client_page_sql(&mgr, &by_name, &PageFrom::Start, 50),
        "clients_branch_name",
    );
    walks(
        &store,
        client_page_sql(&mgr, &by_name, &PageFrom::End, 50),
        "clients_branch_name",
    );
    walks(
        &store,
        client_page_sql(&rm, &by_name, &PageFrom::Start, 50),
        "clients_owner_name",
    );
    let aum = ListSpec {
        sort: SortKey::Aum,
        descending: true,
        ..ListSpec::default()
    };
    walks(
        &store,
        client_page_sql(&mgr, &aum, &PageFrom::Start, 50),
        "clients_branch_aum",
    );
    walks(
        &store,
        client_page_sql(&rm, &aum, &PageFrom::Start, 50),
        "clients_owner_aum",
    );
}

#[test]
fn the_audit_viewer_filtered_by_user_and_action_walks_their_index() {
    let (_dir, store, _, _) = store();
    // The shape `audit_page` builds for a user and an action, keyset-paged by id.
    let sql = "SELECT id FROM audit_log WHERE 1 AND username = ?1 AND action = ?2 \
               AND id < ?3 ORDER BY id DESC LIMIT ?4";
    let args = [
        Value::Text("rm1".into()),
        Value::Text("client.update".into()),
        Value::Integer(1_000_000),
        Value::Integer(50),
    ];
    let p = plan(&store, sql, &args);
    assert!(p.contains("audit_log_user_action"), "{p}");
    assert!(!p.contains("TEMP B-TREE"), "{p}");
}

#[test]
fn churn_pages_walk_the_branch_or_owner_aum_index_from_the_top() {
    let (_dir, store, rm, mgr) = store();
    let args = |who: &Actor, after: bool| {
        let (_, scope) = super::clients::scope(who);
        let mut v = vec![scope, Value::Null];
        for d in [
            "2026-01-01",
            "2026-01-01",
            "2026-01-01",
            "2026-11-23",
            "2026-08-01",
        ] {
            v.push(Value::Text(d.into()));
        }
        v.extend([
            Value::Text("2026-08-25".into()),
            Value::Text("2026-11-09".into()),
            Value::Integer(14),
        ]);
        if after {
            v.extend([Value::Integer(5_000_000), Value::Integer(42)]);
        }
        v
    };
    for (who, scope, index) in [
        (&mgr, "c.branch_id = ?", "clients_branch_aum"),
        (&rm, "c.owner_id = ?", "clients_owner_aum"),
    ] {
        for after in [false, true] {
            let sql = churn_sql(scope, "", if after { CHURN_AFTER } else { "" });
            walks(&store, (sql, args(who, after)), index);
        }
    }
}

#[test]
fn next_best_peers_seek_their_tier_on_the_index_then_each_peers_holdings() {
    let (_dir, store, _, _) = store();
    let args = [
        Value::Integer(1),
        Value::Text("core".into()),
        Value::Text("C3".into()),
        Value::Integer(2001),
    ];
    let p = plan(&store, PEERS_SQL, &args);
    assert!(
        p.contains("INDEX clients_branch_risk_tier (branch_id=? AND risk_level=? AND <expr>=?)"),
        "{p}"
    );
    assert!(p.contains("SEARCH h USING INDEX holdings_client"), "{p}");
    assert!(!p.contains("SCAN p") && !p.contains("SCAN h"), "{p}");
}

/// A plan that starts with a range walk of `index` (a search, not a scan), then only
/// looks up by key, and sorts nothing.
fn ranges(store: &Store, sql: &str, args: &[Value], index: &str) {
    let p = plan(store, sql, args);
    // A count of distinct values keeps its own B-tree; the walk is the first search.
    let first = p
        .lines()
        .find(|l| !l.contains("TEMP B-TREE FOR count(DISTINCT)"))
        .unwrap_or_default();
    assert!(
        first.starts_with("SEARCH ") && first.contains(&format!(" {index} ")),
        "expected a range of {index} first:\n{p}\n{sql}"
    );
    assert!(!p.contains("SCAN "), "a scan:\n{p}\n{sql}");
    assert!(!p.contains("FOR ORDER BY"), "a sort:\n{p}\n{sql}");
}

#[test]
fn the_performance_report_walks_ranges_of_the_period() {
    use super::reports::performance as perf;
    use super::reports::precomputed as pre;
    let (_dir, store, rm, _) = store();
    let id = Value::Integer(rm.user_id);
    let (start, end) = (
        Value::Text("2026-10-31T16:00:00Z".into()),
        Value::Text("2026-11-30T16:00:00Z".into()),
    );
    let (from, to) = (
        Value::Text("2026-11-01".into()),
        Value::Text("2026-11-30".into()),
    );
    let period = [id.clone(), start.clone(), end.clone()];
    let days = [id.clone(), from.clone(), to.clone()];
    ranges(&store, perf::VISITS_SQL, &period, "visits_rm");
    ranges(
        &store,
        perf::NEW_CLIENTS_SQL,
        &period,
        "clients_owner_created",
    );
    ranges(&store, perf::TASKS_SQL, &days, "tasks_owner_due");
    ranges(
        &store,
        perf::COMPLAINTS_SQL,
        &[from, to],
        "feedback_complaint_received",
    );
    ranges(
        &store,
        perf::SATISFACTION_SQL,
        &[start.clone(), end.clone()],
        "feedback_resolved_at",
    );
    // The AUM: the slots before the period's start and those of the period, then the
    // tier moves of the period, each a range of one owner.
    ranges(
        &store,
        pre::SLOTS_BEFORE_SQL,
        &[id.clone(), start.clone()],
        "PRIMARY KEY",
    );
    ranges(&store, pre::SLOTS_BETWEEN_SQL, &period, "PRIMARY KEY");
    ranges(
        &store,
        pre::TIER_MOVES_SQL,
        &period,
        "aum_tier_moves_owner_at",
    );
    let p = plan(&store, pre::SLOTS_BETWEEN_SQL, &period);
    assert!(
        p.contains("aum_owner_slots USING PRIMARY KEY (owner_id=? AND slot>? AND slot<?)"),
        "{p}"
    );
}
