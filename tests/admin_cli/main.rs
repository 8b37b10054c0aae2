//! The real binary: backup, restore (each refusal, undo), check against anchors (each
//! tamper), audit log and settings.
mod audit;
mod backup;
#[path = "../common/mod.rs"]
mod common;
mod restore;
mod settings;
mod tamper;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rusqlite::Connection;
use sha2::{Digest, Sha256};

const DEMO_PASSWORD: &str = "demo-password";

fn cmd(dir: &Path, db: &Path, args: &[&str], user: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    c.arg("--db").arg(db);
    if let Some(u) = user {
        c.args(["--user", u]).env("RMDESK_PASSWORD", DEMO_PASSWORD);
    } else {
        c.env_remove("RMDESK_PASSWORD");
    }
    c.args(args)
        .envs(common::clock_env())
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env_remove("RMDESK_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(dir: &Path, db: &Path, args: &[&str], user: Option<&str>) -> Output {
    cmd(dir, db, args, user).output().expect("rmdesk runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{:?}", text(o));
    text(o).0
}

fn failed(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{:?}", text(o));
    text(o).1
}

/// A demo database of `clients` clients in a fresh folder.
fn demo(clients: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    ok(&run(
        dir.path(),
        &db,
        &["demo", "--clients", &clients.to_string()],
        None,
    ));
    (dir, db)
}

fn count(db: &Path, sql: &str) -> i64 {
    let c = common::raw(db).expect("open");
    c.query_row(sql, [], |r| r.get(0)).expect("count")
}
