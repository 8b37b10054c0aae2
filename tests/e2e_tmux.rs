//! End to end in a real terminal: the real binary in tmux, driven with `send-keys` and
//! read with `capture-pane`. CI installs tmux; without it this test fails and says so.
mod common;

use std::path::PathBuf;
use std::process::Command;

use common::tmux::Tmux;
use common::PASSWORD;

#[test]
fn first_run_sign_in_admin_lock_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db: PathBuf = dir.path().join("branch.db");
    let t = Tmux::start(dir.path(), "e2e-shell", 100, 30);
    t.wait_for_prompt();

    // First run: the set-up form creates the administrator and signs in.
    t.launch(dir.path(), &db);
    t.wait_for("Welcome to rmdesk");
    t.type_text("chief");
    t.keys(&["Tab"]);
    t.type_text("Chief Admin");
    t.keys(&["Tab"]);
    t.type_text(PASSWORD);
    t.keys(&["Tab"]);
    t.type_text(PASSWORD);
    t.keys(&["Enter"]);
    t.wait_for("Welcome, Chief Admin");
    t.keys(&["C-q"]);
    t.wait_for_prompt();

    // Second start: the sign-in form; a wrong password gets the generic message.
    t.launch(dir.path(), &db);
    t.wait_for("Sign in");
    t.type_text("chief");
    t.keys(&["Tab"]);
    t.type_text("not-the-password");
    t.keys(&["Enter"]);
    t.wait_for("Invalid username or password.");
    t.type_text(PASSWORD);
    t.keys(&["Enter"]);
    t.wait_for("Welcome, Chief Admin");

    // F8: add a branch, then an RM user.
    t.keys(&["F8"]);
    t.wait_for("Users (1)");
    t.keys(&["b"]);
    t.wait_for("New branch");
    t.type_text("0101");
    t.keys(&["Tab"]);
    t.type_text("中关村支行");
    t.keys(&["C-s"]);
    t.wait_for("0101 中关村支行");
    t.keys(&["n"]);
    t.wait_for("New user");
    t.type_text("rm1");
    t.keys(&["Tab"]);
    t.type_text("李娜");
    t.keys(&["Tab", "Tab", "Tab"]);
    t.type_text("initial-pass-for-one");
    t.keys(&["C-s"]);
    t.wait_for("User rm1 created");
    let list = t.wait_for("Users (2)");
    assert!(list.contains("李娜"), "{list}");

    // Ctrl-L locks; the password brings the same screen back.
    t.keys(&["C-l"]);
    let locked = t.wait_for("Screen locked");
    assert!(
        !locked.contains("李娜"),
        "nothing shows behind the lock:\n{locked}"
    );
    t.type_text(PASSWORD);
    t.keys(&["Enter"]);
    let back = t.wait_for("Users (2)");
    assert!(
        back.contains("李娜") && back.contains("Administration"),
        "{back}"
    );

    // Ctrl-Q quits and the terminal is restored: the shell echoes and is canonical.
    t.keys(&["C-q"]);
    t.wait_for_prompt();
    t.type_text("stty -a | grep -o -- '-\\?icanon' ; echo restored-$((40+2))");
    t.keys(&["Enter"]);
    let shell = t.wait_for("restored-42");
    assert!(
        shell.lines().any(|l| l.trim() == "icanon"),
        "the terminal is back in canonical mode:\n{shell}"
    );

    // And the file the session wrote checks clean.
    let check = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["--db", db.to_str().expect("utf-8"), "check"])
        .args(common::admin_args(&db))
        .envs(common::admin_env(&db))
        .env("RMDESK_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("check runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // The log went to its file, not the screen.
    let log =
        std::fs::read_to_string(dir.path().join("data").join("rmdesk.log")).expect("log file");
    assert!(log.contains("application started"));
}
