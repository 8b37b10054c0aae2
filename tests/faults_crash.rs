//! Fault suite, crash: the real binary is killed (SIGKILL) at random moments during
//! imports — large enough that the WAL grows — and during form saves (a child process
//! saving clients one after another through the store, as the client form does). After
//! every kill: `rmdesk check` passes, every acknowledged write is there, each import is
//! all or nothing, and at the end the audit entries match the rows.
//!
//! 25 trials by default (CI); `RMDESK_CRASH_TRIALS=500` for a long run (docs/RELIABILITY.md).
#![cfg(unix)]
mod faults;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use faults::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::Store;

/// Trials in a run: `RMDESK_CRASH_TRIALS`, else 25.
fn trials() -> u32 {
    std::env::var("RMDESK_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
}

/// The child of a save trial: saves clients from `RMDESK_CRASH_FIRST` on as `rm1`, one
/// transaction each like the client form's Ctrl-S, printing `saved SEQ` once each is
/// committed, until it is killed.
#[test]
#[ignore = "started by crash_trials as the process to kill"]
fn crash_child_saver() {
    let (Ok(db), Ok(first)) = (
        std::env::var("RMDESK_CRASH_DB"),
        std::env::var("RMDESK_CRASH_FIRST"),
    ) else {
        return;
    };
    let first: u32 = first.parse().expect("first");
    let mut store = Store::open(Path::new(&db)).expect("open");
    let actor = store.login("rm1", DEMO_PASSWORD).expect("login");
    for seq in first..first + 100_000 {
        let input = client_input(seq, "rm1", &format!("save {seq}"));
        match store.create_client(&actor, &input, true).expect("save") {
            SaveOutcome::Saved(_) => println!("saved {seq}"),
            SaveOutcome::PossibleMatches(_) => panic!("confirmed saves never ask"),
        }
    }
}

fn check_passes(dir: &Path, db: &Path, trial: u32) {
    let o = run(dir, db, &["check"], "");
    assert!(o.status.success(), "trial {trial}: check: {:?}", text(&o));
}

fn import_trial(dir: &Path, db: &Path, trial: u32, rng: &mut StdRng, first: u32) -> u32 {
    let rows = rng.gen_range(200..1500);
    let file = dir.join(format!("trial-{trial}.csv"));
    let tag = format!("trial-{trial}");
    tagged_file(&file, first, rows, "rm1", &tag);
    let mut cmd = command(dir, db, &["--user", "rm1", "import", "clients"]);
    cmd.arg(&file).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = spawn(cmd, &format!("{DEMO_PASSWORD}\n"));
    let delay = Duration::from_millis(rng.gen_range(0..700));
    let started = Instant::now();
    let acknowledged = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status.success();
        }
        if started.elapsed() >= delay {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    check_passes(dir, db, trial);
    let n = count(
        db,
        &format!("SELECT count(*) FROM clients WHERE notes LIKE '{tag} %'"),
    );
    assert!(
        n == 0 || n == i64::from(rows),
        "trial {trial}: import of {rows} left {n} rows"
    );
    if acknowledged {
        assert_eq!(
            n,
            i64::from(rows),
            "trial {trial}: acknowledged import lost"
        );
    }
    rows
}

fn save_trial(dir: &Path, db: &Path, trial: u32, rng: &mut StdRng, first: u32) -> u32 {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "crash_child_saver",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RMDESK_CRASH_DB", db)
        .env("RMDESK_CRASH_FIRST", first.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child");
    let out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| l.strip_prefix("saved ")?.parse::<u32>().ok())
            .collect::<Vec<_>>()
    });
    std::thread::sleep(Duration::from_millis(rng.gen_range(50..900)));
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let acked = reader.join().expect("reader");
    check_passes(dir, db, trial);
    for seq in &acked {
        let n = count(
            db,
            &format!("SELECT count(*) FROM clients WHERE notes = 'save {seq}'"),
        );
        assert_eq!(n, 1, "trial {trial}: acknowledged save {seq} lost");
    }
    // At most the one save in flight may be there unacknowledged.
    let last = acked.last().map_or(first, |s| s + 1);
    let beyond = count(
        db,
        &format!(
            "SELECT count(*) FROM clients WHERE notes LIKE 'save %' AND CAST(substr(notes, 6) AS INTEGER) > {last}"
        ),
    );
    assert_eq!(
        beyond, 0,
        "trial {trial}: saves appeared that were never made"
    );
    last - first + 2
}

#[test]
fn crash_trials() {
    let dir = tempfile::tempdir().expect("dir");
    let db = demo_db(dir.path(), "bank.db", 30);
    let audit_imports = "SELECT coalesce(sum(CAST(substr(after, 6, instr(after, ' ') - 6) AS INTEGER)), 0) FROM audit_log WHERE action = 'client.import'";
    let audit_creates = "SELECT count(*) FROM audit_log WHERE action = 'client.create'";
    let (imports0, creates0) = (count(&db, audit_imports), count(&db, audit_creates));
    let mut rng = StdRng::seed_from_u64(0x0c4a_5ee5);
    let mut next = 1_000_000;
    let (mut imports, mut saves) = (0, 0);
    for trial in 0..trials() {
        if rng.gen_bool(0.6) {
            next += import_trial(dir.path(), &db, trial, &mut rng, next);
            imports += 1;
        } else {
            next += save_trial(dir.path(), &db, trial, &mut rng, next);
            saves += 1;
        }
    }
    let imported = count(
        &db,
        "SELECT count(*) FROM clients WHERE notes LIKE 'trial-%'",
    );
    let saved = count(
        &db,
        "SELECT count(*) FROM clients WHERE notes LIKE 'save %'",
    );
    assert_eq!(
        count(&db, audit_imports) - imports0,
        imported,
        "import audit"
    );
    assert_eq!(count(&db, audit_creates) - creates0, saved, "save audit");
    println!(
        "{} trials ({imports} imports, {saves} form-save runs): {imported} imported and {saved} saved clients, all accounted for",
        trials()
    );
}
