//! `rmdesk campaign list|show|contacts` on the real binary: the results table printed
//! and written as CSV agree with the outcomes recorded, and an RM sees only their line.
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::marketing::{campaign, world};
use common::PASSWORD;
use rmdesk::domain::campaign::{Outcome, SegmentInput};
use rmdesk::domain::product::HoldingInput;
use rmdesk::store::holdings::NewHolding;

fn rmdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RMDESK_DB")
        .env("RMDESK_PASSWORD", PASSWORD)
        .envs(common::clock_env())
        .output()
        .expect("rmdesk runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn campaign_show_prints_and_writes_the_results_per_rm() {
    let mut w = world();
    let id = w
        .store
        .save_campaign(&w.mgr, None, &campaign("WM3", SegmentInput::default()))
        .expect("save");
    w.store.launch_campaign(&w.mgr, id).expect("launch");
    let products = w
        .store
        .products(&w.rm1, &Default::default())
        .expect("products");
    let wm3 = products.iter().find(|p| p.code == "WM3").expect("WM3").id;
    let a = w.clients[0].0;
    let h = w
        .store
        .add_holding(
            &w.rm1,
            a,
            &NewHolding {
                product_id: wm3,
                input: HoldingInput {
                    amount: "80000".into(),
                    ..HoldingInput::default()
                },
                override_reason: String::new(),
            },
        )
        .expect("holding");
    w.store
        .record_outcome(&w.rm1, id, a, Outcome::Sold, Some(h))
        .expect("sold");
    w.store
        .record_outcome(&w.rm3, id, w.clients[5].0, Outcome::Interested, None)
        .expect("interested");
    let db = w.store.path().to_path_buf();
    drop(w.store);

    let list = ok(&rmdesk(&db, &["--user", "mgr1", "campaign", "list"]));
    assert_eq!(
        list,
        format!("id\tstatus\tname\tperiod\tproduct\ttargets\n{id}\trunning\tYear-end wealth\t2026-11-23..2026-12-31\tWM3\t3\n")
    );
    let show = ok(&rmdesk(
        &db,
        &["--user", "mgr1", "campaign", "show", &id.to_string()],
    ));
    assert!(
        show.starts_with(&format!("campaign {id}: Year-end wealth\nstatus running\n")),
        "{show}"
    );
    assert!(
        show.contains("targets 3, left out: 2 without consent, 2 unsuitable\n"),
        "{show}"
    );
    let table: Vec<&str> = show.split("\n\n").nth(1).expect("table").lines().collect();
    assert_eq!(
        table,
        [
            "rm\tname\ttargets\trecorded\treached\treach_pct\tinterested\tsold\tconversion_pct\tamount_sold",
            "rm1\tRM1\t1\t1\t1\t100\t0\t1\t100\t80000.00",
            "rm3\tRM3\t2\t1\t1\t50\t1\t0\t0\t0.00",
            "*total*\t\t3\t2\t2\t66\t1\t1\t33\t80000.00",
        ]
    );

    let csv = db.with_file_name("results.csv");
    let out = ok(&rmdesk(
        &db,
        &[
            "--user",
            "mgr1",
            "campaign",
            "show",
            &id.to_string(),
            "--csv",
            csv.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(out, format!("wrote 3 rows to {}\n", csv.display()));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[1], "rm1,RM1,1,1,1,100,0,1,100,80000.00");
    assert_eq!(lines.len(), 4);

    // An RM sees their own line only, and nothing of a campaign without targets of theirs.
    let mine = ok(&rmdesk(
        &db,
        &["--user", "rm3", "campaign", "show", &id.to_string()],
    ));
    assert!(
        mine.contains("\nrm3\tRM3\t2\t") && !mine.contains("\nrm1\t"),
        "{mine}"
    );
    let other = rmdesk(&db, &["--user", "rm2", "campaign", "show", &id.to_string()]);
    assert!(!other.status.success());

    let contacts = db.with_file_name("contacts.csv");
    let out = ok(&rmdesk(
        &db,
        &[
            "--user",
            "rm1",
            "campaign",
            "contacts",
            &id.to_string(),
            contacts.to_str().expect("utf-8"),
        ],
    ));
    assert_eq!(out, format!("wrote 1 contacts to {}\n", contacts.display()));
}
