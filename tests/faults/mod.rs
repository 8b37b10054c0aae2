//! Helpers of the fault suite (`faults_*.rs`): the real binary, databases made through
//! it, client files made here, and raw damage to files.
#![allow(dead_code)] // each fault test uses its own share of these

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The password of the demo users (`rmdesk demo`).
pub const DEMO_PASSWORD: &str = "demo-password";

/// A command running the real binary with its data and config in `dir` and the
/// database `db`.
pub fn command(dir: &Path, db: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env("RMDESK_LANG", "en")
        .env_remove("RMDESK_DB")
        .env_remove("RMDESK_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if args.first() == Some(&"check") {
        // Checking an encrypted database is an administrator's: the demo's.
        cmd.args(["--user", "admin"])
            .env("RMDESK_PASSWORD", DEMO_PASSWORD);
    }
    cmd
}

/// Unlocks the encrypted database `db` in this process with the demo's password (its
/// administrator's), for the raw reads below. A plain database needs nothing.
pub fn unlock(db: &Path) {
    use rmdesk::store::cipher;
    if cipher::is_encrypted(db) && cipher::recall(db).is_none() {
        assert!(
            cipher::unlock(db, "admin", DEMO_PASSWORD),
            "the demo password opens {}",
            db.display()
        );
    }
}

/// A raw, read-only connection to `db` (keyed when it is encrypted).
fn raw_read_only(db: &Path) -> rusqlite::Connection {
    unlock(db);
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("raw open");
    if let Some(key) = rmdesk::store::cipher::recall(db) {
        rmdesk::store::cipher::key_raw(&conn, &key).expect("key");
    }
    conn
}

/// Starts `cmd` and writes `stdin` to it.
pub fn spawn(mut cmd: Command, stdin: &str) -> Child {
    let mut child = cmd.spawn().expect("rmdesk runs");
    if let Some(mut input) = child.stdin.take() {
        // A command that fails early exits without reading its input.
        let _ = input.write_all(stdin.as_bytes());
    }
    child
}

/// Runs the binary to the end.
pub fn run(dir: &Path, db: &Path, args: &[&str], stdin: &str) -> Output {
    spawn(command(dir, db, args), stdin)
        .wait_with_output()
        .expect("rmdesk finishes")
}

/// Runs the binary as `user` (password from standard input).
pub fn run_as(dir: &Path, db: &Path, user: &str, args: &[&str]) -> Output {
    let mut all = vec!["--user", user];
    all.extend_from_slice(args);
    run(dir, db, &all, &format!("{DEMO_PASSWORD}\n"))
}

/// Standard output and standard error as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A demo database of `clients` clients at `dir/name` (users `manager`, `rm1`, …).
pub fn demo_db(dir: &Path, name: &str, clients: u32) -> PathBuf {
    let db = dir.join(name);
    let n = clients.to_string();
    let o = run(dir, &db, &["demo", "--clients", &n, "--seed", "7"], "");
    assert!(o.status.success(), "demo: {:?}", text(&o));
    db
}

/// A valid resident ID number, different for every `seq` below 16,800,000 (born on a
/// day from 1950 to 1999 in Beijing, with a sequence number).
pub fn resident_id(seq: u32) -> String {
    let first = format!(
        "110101{}{:02}{:02}{:03}",
        1950 + (seq / 336_000) % 50,
        1 + (seq / 28_000) % 12,
        1 + (seq / 1000) % 28,
        seq % 1000
    );
    let check = rmdesk::domain::ids::resident_id_check_char(&first).expect("17 digits");
    format!("{first}{check}")
}

/// The header of the client format.
pub const HEADER: &str = "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes";

/// A valid client row with a unique ID number from `seq`, owned by `owner` (an RM),
/// its notes `notes`.
pub fn tagged_row(seq: u32, owner: &str, notes: &str) -> String {
    format!(
        ",individual,客户{seq},,,resident_id,{},139{:08},,北京市东城区{seq}号,,C3,2026-01-05,active,{owner},{notes}",
        resident_id(seq),
        seq
    )
}

/// A valid client row with a unique ID number from `seq`, owned by `owner` (an RM).
pub fn client_row(seq: u32, owner: &str) -> String {
    tagged_row(seq, owner, &format!("import {seq}"))
}

/// The same client as a form's input.
pub fn client_input(seq: u32, owner: &str, notes: &str) -> rmdesk::domain::client::ClientInput {
    let mut input = rmdesk::domain::client::ClientInput::default();
    let row = tagged_row(seq, owner, notes);
    for (column, value) in HEADER.split(',').zip(row.split(',')) {
        if let Some(f) = input.field_mut(column) {
            *f = value.to_string();
        }
    }
    input
}

/// A client file of `rows` valid rows starting at `first`.
pub fn client_file(path: &Path, first: u32, rows: u32, owner: &str) {
    tagged_file(path, first, rows, owner, "import");
}

/// A client file of `rows` valid rows starting at `first`, notes `TAG SEQ`.
pub fn tagged_file(path: &Path, first: u32, rows: u32, owner: &str, tag: &str) {
    let mut text = format!("{HEADER}\r\n");
    for seq in first..first + rows {
        text.push_str(&tagged_row(seq, owner, &format!("{tag} {seq}")));
        text.push_str("\r\n");
    }
    std::fs::write(path, text).expect("client file");
}

/// Everything on disk of the database `db` (the file and any `-wal`), to compare
/// before and after.
pub fn disk_image(db: &Path) -> Vec<Vec<u8>> {
    let mut out = vec![std::fs::read(db).unwrap_or_default()];
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    out.push(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
    out
}

/// The root page of table `table` and the page size.
pub fn root_page(db: &Path, table: &str) -> (u64, u64) {
    let conn = raw_read_only(db);
    let page: u64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .expect("root page");
    // SQLCipher answers `page_size` on an encrypted file as text (`cipher_page_size`).
    let size: u64 = conn
        .query_row("PRAGMA page_size", [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| match v {
            rusqlite::types::Value::Integer(n) => u64::try_from(n).unwrap_or(0),
            rusqlite::types::Value::Text(t) => t.parse().unwrap_or(0),
            _ => 0,
        })
        .expect("page size");
    (page, size)
}

/// Overwrites page `page` (from 1) of `db` with a pattern.
pub fn overwrite_page(db: &Path, page: u64, size: u64) {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(db)
        .expect("open for damage");
    f.seek(SeekFrom::Start((page - 1) * size)).expect("seek");
    let junk: Vec<u8> = (0..size).map(|i| (i * 37 % 251) as u8).collect();
    f.write_all(&junk).expect("damage");
    f.sync_all().expect("sync");
}

/// Client rows in the database, read directly.
pub fn count(db: &Path, sql: &str) -> i64 {
    let conn = raw_read_only(db);
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}
