//! The real binary: `rmdesk reassign` (refusals, the hand-over, `--ledger`), and the
//! requests an RM files and a manager decides from the command line.
mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::holdings::NewHolding;

fn rmdesk(dir: &Path, db: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(db)
        .args(["--user", user])
        .args(args)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env("RMDESK_PASSWORD", PASSWORD)
        .envs(clock_env())
        .env_remove("RMDESK_DB")
        .stdin(Stdio::null())
        .output()
        .expect("rmdesk runs")
}

/// [`rmdesk`], asserting that the command succeeded.
fn succeeds(dir: &Path, db: &Path, user: &str, args: &[&str]) -> Output {
    let o = rmdesk(dir, db, user, args);
    assert!(o.status.success(), "{}", err(&o));
    o
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn owners(db: &Path) -> Vec<(String, String)> {
    let conn = common::raw(db).expect("raw");
    let mut stmt = conn
        .prepare(
            "SELECT c.name, u.username FROM clients c JOIN users u ON u.id = c.owner_id ORDER BY c.id",
        )
        .expect("sql");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = common::raw(db).expect("raw");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Branch 0101: mgr1, rm1 (周杰 800,000; 吴磊 200,000; 郑爽 150,000), rm3, rm4 (disabled);
/// 0202: mgr2, rm2. Returns the client numbers of rm1's clients.
fn setup(db: &Path) -> Vec<String> {
    let (mut store, admin) = seeded(db);
    let rms = add_branch_rms(&mut store, &admin, &["rm3", "rm4"]);
    store
        .set_user_disabled(&admin, rms[1], true)
        .expect("disable rm4");
    let product = store
        .create_product(
            &admin,
            &ProductInput {
                code: "WM-1".into(),
                name: "Steady income".into(),
                category: "wealth".into(),
                risk_level: "R2".into(),
                min_amount: "1".into(),
                sale_start: "2026-01-01".into(),
                sale_end: "2026-12-31".into(),
                ..ProductInput::default()
            },
        )
        .expect("product");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let mut numbers = Vec::new();
    for (i, (name, aum)) in [("周杰", "800000"), ("吴磊", "200000"), ("郑爽", "150000")]
        .iter()
        .enumerate()
    {
        let input = ClientInput {
            kind: "individual".into(),
            name: (*name).into(),
            id_type: "passport".into(),
            id_number: format!("E{i:08}"),
            risk_level: "C3".into(),
            risk_assessed_on: "2026-06-01".into(),
            ..ClientInput::default()
        };
        let SaveOutcome::Saved(id) = store.create_client(&rm1, &input, true).expect("client")
        else {
            panic!("confirmed");
        };
        let h = NewHolding {
            product_id: product,
            input: HoldingInput {
                amount: (*aum).into(),
                ..HoldingInput::default()
            },
            override_reason: String::new(),
        };
        store.add_holding(&rm1, id, &h).expect("holding");
        numbers.push(store.client(&rm1, id).expect("c").fields.client_no);
    }
    numbers
}

#[test]
fn reassign_refuses_the_wrong_people_and_targets_before_writing_anything() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let numbers = setup(&db);
    let before = owners(&db);
    let audit = count(&db, "SELECT count(*) FROM audit_log");

    let all = ["reassign", "--from", "rm1", "--all", "--reason", "rotation"];
    // An RM and an administrator: exit 1 and one line.
    for (user, what) in [
        ("rm1", "rm1 is an RM"),
        ("admin", "admin is an administrator"),
    ] {
        let o = rmdesk(
            dir.path(),
            &db,
            user,
            &[&all[..], &["--to", "rm3"]].concat(),
        );
        assert_eq!(o.status.code(), Some(1), "{user}");
        assert_eq!(
            err(&o).trim(),
            format!("rmdesk: only a manager of the branch hands clients over; {what}")
        );
    }
    // Unknown, disabled, other branch's receivers; a client that is not rm1's.
    // A manager of the branch is no receiver either: only an active RM owns clients.
    for (to, who) in [
        ("rm3,ghost", "ghost"),
        ("rm4", "rm4"),
        ("rm2", "rm2"),
        ("rm3,mgr1", "mgr1"),
    ] {
        let o = rmdesk(dir.path(), &db, "mgr1", &[&all[..], &["--to", to]].concat());
        assert_eq!(o.status.code(), Some(1), "{to}");
        assert_eq!(
            err(&o).trim(),
            format!("rmdesk: to: {who} is not an active RM of your branch who can receive clients")
        );
    }
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr2",
        &[&all[..], &["--to", "rm2"]].concat(),
    );
    assert_eq!(
        err(&o).trim(),
        "rmdesk: from: rm1 is not an RM of your branch"
    );
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr1",
        &[
            "reassign",
            "--from",
            "rm3",
            "--to",
            "rm1",
            "--client",
            &numbers[0],
            "--reason",
            "leave",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o).trim(),
        format!("rmdesk: clients: {} is not a client of rm3", numbers[0])
    );
    // "other" needs its text: a reason that is no code is the text of "other".
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr1",
        &[
            "reassign", "--from", "rm1", "--to", "rm3", "--all", "--reason", "other:",
        ],
    );
    assert_eq!(err(&o).trim(), "rmdesk: reason: a reason is required");
    // Neither --all nor --client, or both: usage, exit 2.
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr1",
        &[
            "reassign", "--from", "rm1", "--to", "rm3", "--reason", "leave",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr1",
        &[&all[..], &["--to", "rm3", "--client", &numbers[0]]].concat(),
    );
    assert_eq!(o.status.code(), Some(2));

    assert_eq!(owners(&db), before);
    assert_eq!(count(&db, "SELECT count(*) FROM handovers"), 0);
    // Sign-ins are audited; nothing else was written.
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) FROM audit_log WHERE id > {audit} AND action NOT LIKE 'login%'"
            )
        ),
        0
    );
}

#[test]
fn reassign_moves_one_client_then_all_spread_by_aum_and_writes_the_ledger() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let numbers = setup(&db);

    let o = succeeds(
        dir.path(),
        &db,
        "mgr1",
        &[
            "reassign",
            "--from",
            "rm1",
            "--to",
            "rm3",
            "--client",
            &numbers[2],
            "--reason",
            "rebalancing",
        ],
    );
    assert_eq!(
        out(&o),
        "hand-over #1: 1 client(s) of rm1 handed over (rebalancing); 0 open task(s) and 0 pending complaint(s) moved\n  to rm3: 1 client(s), AUM ¥150,000.00\n"
    );

    // rm4 comes back, so the rest can be spread over rm3 and rm4.
    let admin_enable = {
        let mut store = rmdesk::store::Store::open(&db).expect("open");
        let admin = store.login("admin", PASSWORD).expect("admin");
        let users = store.list_users(&admin).expect("users");
        let rm4 = users.iter().find(|u| u.username == "rm4").expect("rm4").id;
        store.set_user_disabled(&admin, rm4, false)
    };
    admin_enable.expect("enable rm4");

    let ledger = dir.path().join("ledger.csv");
    let o = succeeds(
        dir.path(),
        &db,
        "mgr1",
        &[
            "reassign",
            "--from",
            "rm1",
            "--to",
            "rm3,rm4",
            "--all",
            "--reason",
            "departure: left the bank",
            "--ledger",
            ledger.to_str().expect("utf-8"),
        ],
    );
    let text = out(&o);
    assert!(
        text.starts_with("hand-over #2: 2 client(s) of rm1 handed over (departure);"),
        "{text}"
    );
    assert!(
        text.contains("  to rm3: 1 client(s), AUM ¥800,000.00\n"),
        "{text}"
    );
    assert!(
        text.contains("  to rm4: 1 client(s), AUM ¥200,000.00\n"),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "ledger written to {} (2 client(s))\n",
            ledger.display()
        )),
        "{text}"
    );
    assert_eq!(
        owners(&db),
        vec![
            ("周杰".to_string(), "rm3".to_string()),
            ("吴磊".to_string(), "rm4".to_string()),
            ("郑爽".to_string(), "rm3".to_string()),
        ]
    );

    let csv = std::fs::read_to_string(&ledger).expect("ledger");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}handover,date,from,to,reason,reason_text,by,client_no,name,tier,aum,open_tasks,pending_complaints,maturities_30d")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    // Column by column, except the date (the binary's clock).
    let strip = |r: &Vec<&str>| {
        let mut r = r.clone();
        assert_eq!(r[1].len(), 10, "a date: {}", r[1]);
        r.remove(1);
        r.join(",")
    };
    assert_eq!(
        rows.iter().map(strip).collect::<Vec<_>>(),
        vec![
            format!(
                "2,rm1,rm3,departure,left the bank,mgr1,{},周杰,key,800000.00,0,0,0",
                numbers[0]
            ),
            format!(
                "2,rm1,rm4,departure,left the bank,mgr1,{},吴磊,key,200000.00,0,0,0",
                numbers[1]
            ),
        ]
    );
    // Now rm1 owns nothing and may be disabled.
    succeeds(dir.path(), &db, "admin", &["user", "disable", "rm1"]);
}

#[test]
fn a_request_filed_and_decided_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let numbers = setup(&db);
    let o = succeeds(
        dir.path(),
        &db,
        "rm1",
        &[
            "request",
            "tier",
            "--client",
            &numbers[1],
            "--tier",
            "core",
            "--reason",
            "Family business",
        ],
    );
    assert_eq!(
        out(&o),
        "request #1 filed; a manager of the branch decides it\n"
    );
    // rm3 cannot ask about rm1's client.
    let o = rmdesk(
        dir.path(),
        &db,
        "rm3",
        &[
            "request",
            "tier",
            "--client",
            &numbers[1],
            "--tier",
            "core",
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err(&o).trim(),
        format!("rmdesk: {} is not a client of yours", numbers[1])
    );
    let o = rmdesk(dir.path(), &db, "mgr1", &["approvals", "list"]);
    assert!(
        out(&o).starts_with(&format!(
            "#1 pending tier {} → core 吴磊 key AUM ¥200,000.00 by rm1 on ",
            numbers[1]
        )),
        "{}",
        out(&o)
    );
    // The requester cannot approve; the manager can, once.
    let o = rmdesk(dir.path(), &db, "rm1", &["approvals", "approve", "1"]);
    assert_eq!(
        err(&o).trim(),
        "rmdesk: only a manager decides requests; rm1 is an RM"
    );
    let o = rmdesk(
        dir.path(),
        &db,
        "mgr1",
        &["approvals", "approve", "1", "--note", "agreed"],
    );
    assert_eq!(out(&o), "request #1 approved and applied\n");
    let o = rmdesk(dir.path(), &db, "mgr1", &["approvals", "reject", "1"]);
    assert_eq!(
        err(&o).trim(),
        "rmdesk: status: this request is no longer pending"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clients WHERE name = '吴磊' AND tier_override = 'core'"
        ),
        1
    );
    let o = rmdesk(dir.path(), &db, "rm1", &["approvals", "list", "--all"]);
    assert!(out(&o).starts_with("#1 approved tier"), "{}", out(&o));
    assert!(
        out(&o).trim_end().ends_with("Family business — agreed"),
        "{}",
        out(&o)
    );
}

#[test]
fn an_rm_withdraws_a_pending_request_of_their_own_only() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let numbers = setup(&db);
    let ask = [
        "request",
        "tier",
        "--client",
        &numbers[0],
        "--tier",
        "general",
        "--reason",
        "Client asked",
    ];
    succeeds(dir.path(), &db, "rm1", &ask);
    // Not rm3's to withdraw, nor a manager's.
    let o = rmdesk(dir.path(), &db, "rm3", &["request", "withdraw", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err(&o).trim(), "rmdesk: request #1 is not one of yours");
    let o = rmdesk(dir.path(), &db, "mgr1", &["request", "withdraw", "1"]);
    assert_eq!(
        err(&o).trim(),
        "rmdesk: only an RM files requests; mgr1 is a manager"
    );
    let o = rmdesk(dir.path(), &db, "rm1", &["request", "withdraw", "1"]);
    assert_eq!(out(&o), "request #1 withdrawn\n");
    // Withdrawn: no longer pending, nothing to decide, and audited.
    let o = rmdesk(dir.path(), &db, "rm1", &["request", "withdraw", "1"]);
    assert_eq!(
        err(&o).trim(),
        "rmdesk: status: this request is no longer pending"
    );
    let o = rmdesk(dir.path(), &db, "mgr1", &["approvals", "approve", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM requests WHERE status = 'withdrawn'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_log WHERE action = 'request.withdraw'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clients WHERE tier_override IS NOT NULL"
        ),
        0
    );
}
