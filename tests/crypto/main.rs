//! Encryption at rest: what is on disk reads as nothing without a key, and who can open
//! it (issue 17's "How it is checked").
mod at_rest;
#[path = "../common/mod.rs"]
mod common;
mod interrupted;
mod keys;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::Duration;
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::ids::resident_id_check_char;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::keys::{key_path, RecoveryKey};
use rmdesk::store::{cipher, convert, FixedClock, Store, StoreError};

/// What the test writes and then looks for on disk.
const NAME: &str = "Quillfeather Oakhaven";

const MOBILE: &str = "13912345678";

fn id_number() -> String {
    let first = "11010119800101123";
    format!(
        "{first}{}",
        resident_id_check_char(first).expect("17 digits")
    )
}

/// A seeded, encrypted database with one client of known name, ID number and mobile;
/// the store is left open (its WAL holding the latest pages) with its recovery key.
fn with_client() -> (tempfile::TempDir, PathBuf, Store, RecoveryKey) {
    let (dir, path) = temp_db();
    let mut store = Store::open(&path).expect("create");
    let recovery = store
        .take_new_recovery_key()
        .expect("a new database's recovery key");
    drop(store);
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let input = ClientInput {
        kind: "individual".into(),
        name: NAME.into(),
        id_type: "resident_id".into(),
        id_number: id_number(),
        mobile: MOBILE.into(),
        ..ClientInput::default()
    };
    match store.create_client(&rm1, &input, true).expect("save") {
        SaveOutcome::Saved(_) => {}
        other => panic!("expected a save, got {other:?}"),
    }
    (dir, path, store, recovery)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The client's name, ID number and mobile are in none of `files` (nor any part of
/// them: the given name, the ID's last digits).
fn assert_unreadable(files: &[PathBuf]) {
    let id = id_number();
    for f in files {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(!bytes.is_empty(), "{} is empty", f.display());
        for needle in [
            "Quillfeather",
            "Oakhaven",
            &id,
            &id[10..],
            MOBILE,
            "CREATE TABLE",
        ] {
            assert!(!contains(&bytes, needle), "{} shows {needle}", f.display());
        }
    }
}

/// Runs the binary on `db` with `args`, `stdin` and extra environment.
fn rmdesk(db: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let dir = db.parent().expect("folder");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env_remove("RMDESK_DB")
        .env_remove("RMDESK_PASSWORD")
        .env_remove("RMDESK_RECOVERY_KEY")
        .envs(clock_env())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("rmdesk runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("rmdesk finishes")
}
