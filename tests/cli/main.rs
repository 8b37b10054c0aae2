//! The real binary: set-up, user commands, check, demo, exit codes and messages.
mod clients;
mod commands;
#[path = "../common/mod.rs"]
mod common;
mod demo;
mod deployment;
mod first_run;
mod layers;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::PASSWORD;

/// Runs rmdesk with `args`, `stdin` as standard input, data files kept in `dir`.
fn rmdesk(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    cmd.args(args)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .env("RMDESK_CONFIG_DIR", dir.join("config"))
        .env_remove("RMDESK_DB")
        .env_remove("RMDESK_PASSWORD")
        .envs(common::clock_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    // `check` of an encrypted database is an administrator's.
    let db = args
        .iter()
        .position(|a| *a == "--db")
        .and_then(|i| args.get(i + 1));
    if args.contains(&"check") && !args.contains(&"--user") && !args.contains(&"--help") {
        if let Some((name, password)) = db.and_then(|d| common::admin_of(Path::new(d))) {
            cmd.args(["--user", name]).env("RMDESK_PASSWORD", password);
        }
    }
    let mut child = cmd.spawn().expect("rmdesk runs");
    // A command that fails early (a bad file) exits without reading its input: the pipe
    // may already be closed, which is not the test's concern.
    if let Err(e) = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
    {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    child.wait_with_output().expect("rmdesk finishes")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts that the command failed (exit code 1) saying `reason` on standard error.
fn assert_refused(o: &Output, reason: &str) {
    assert_eq!(o.status.code(), Some(1), "{:?}", text(o));
    assert!(text(o).1.contains(reason), "{:?}", text(o));
}

fn init(dir: &Path, db: &str) {
    let o = rmdesk(
        dir,
        &[
            "--db",
            db,
            "init",
            "--admin",
            "chief",
            "--branch",
            "0101",
            "--branch-name",
            "East",
        ],
        &format!("{PASSWORD}\n"),
        &[],
    );
    assert!(o.status.success(), "{:?}", text(&o));
}
