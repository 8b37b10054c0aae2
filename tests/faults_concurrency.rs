//! Fault suite, concurrency: four processes import at once into one database, ten
//! rounds: none fails (each waits for the write lock within the busy timeout), no row
//! is lost, and the file checks clean.
mod faults;

use std::process::Stdio;

use faults::*;

#[test]
fn four_writers_ten_rounds_no_error_no_lost_row() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "bank.db", 20);
    let before = count(&db, "SELECT count(*) FROM clients");
    let writers = ["rm1", "rm2", "rm3", "manager"];
    let rows = 150;
    let mut seq = 2_000_000;
    for round in 0..10 {
        let children: Vec<_> = writers
            .iter()
            .map(|user| {
                let file = dir.path().join(format!("r{round}-{user}.csv"));
                // The manager imports for rm1; each RM for themselves.
                let owner = if *user == "manager" { "rm1" } else { user };
                tagged_file(&file, seq, rows, owner, &format!("r{round}-{user}"));
                seq += rows;
                let mut cmd = command(dir.path(), &db, &["--user", user, "import", "clients"]);
                cmd.arg(&file).stdout(Stdio::piped()).stderr(Stdio::piped());
                (user, spawn(cmd, &format!("{DEMO_PASSWORD}\n")))
            })
            .collect();
        for (user, child) in children {
            let o = child.wait_with_output().expect("writer finishes");
            assert!(o.status.success(), "round {round}, {user}: {:?}", text(&o));
        }
    }
    let after = count(&db, "SELECT count(*) FROM clients");
    assert_eq!(after - before, 10 * 4 * i64::from(rows), "rows lost");
    for user in writers {
        let n = count(
            &db,
            &format!("SELECT count(*) FROM clients WHERE notes LIKE 'r_-{user} %'"),
        );
        assert_eq!(n, 10 * i64::from(rows), "{user}");
    }
    let o = run(dir.path(), &db, &["check"], "");
    assert!(o.status.success(), "{:?}", text(&o));
}
