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

    // First run: the recovery key on its own screen, in 8 numbered groups; a wrong group
    // is refused, the last one goes on to set-up.
    t.launch(dir.path(), &db);
    let shown = t.wait_for("Recovery key");
    let groups = recovery_groups(&shown);
    assert_eq!(groups.len(), 8, "{shown}");
    t.type_text(&groups[0]);
    t.keys(&["Enter"]);
    t.wait_for("That is not group 8");
    t.type_text(&groups[7]);
    t.keys(&["Enter"]);

    // The set-up form creates the administrator and signs in.
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
    common::assert_checks_clean(dir.path(), &db);
    // The key shown is the database's: it opens it alone.
    assert_opens_with_key(dir.path(), &db, &groups.join("-"));
    // The log went to its file, not the screen, and the recovery key is nowhere in it.
    let log =
        std::fs::read_to_string(dir.path().join("data").join("rmdesk.log")).expect("log file");
    assert!(log.contains("application started"));
    for g in &groups {
        assert!(
            !log.contains(g.as_str()),
            "group {g} of the key is in the log"
        );
    }
}

#[test]
fn the_demo_made_from_the_screens_shows_its_recovery_key_there_not_on_the_shell() {
    let dir = tempfile::tempdir().expect("dir");
    let t = Tmux::start(dir.path(), "e2e-demo-key", 100, 30);
    t.wait_for_prompt();
    t.launch_with(dir.path(), "--demo");
    let shown = t.wait_for("Recovery key");
    let groups = recovery_groups(&shown);
    assert_eq!(groups.len(), 8, "{shown}");
    t.type_text(&groups[7]);
    t.keys(&["Enter"]);
    t.sign_in("rm1", "demo-password", "Welcome");
    t.keys(&["C-q"]);
    let shell = t.wait_for_prompt();
    assert!(shell.contains("created the demo database"), "{shell}");
    assert!(
        !shell.contains("recovery key") && !shell.contains(groups[0].as_str()),
        "the key was shown on its screen, not printed:\n{shell}"
    );
    let demo = dir.path().join("data").join("demo.db");
    assert_opens_with_key(dir.path(), &demo, &groups.join(""));
}

/// The 8 groups of the recovery key on the screen, in order: the words after the numbers
/// 1 to 8 (`1 3f9a0c1e   2 77b2d4a8 …`).
fn recovery_groups(screen: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in screen.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            let next = (found.len() + 1).to_string();
            let hex = pair[1].len() == 8 && pair[1].chars().all(|c| c.is_ascii_hexdigit());
            if pair[0] == next && hex {
                found.push(pair[1].to_string());
            }
        }
    }
    found
}

/// Asserts that `rmdesk check` opens the database at `db` with the recovery key `key`
/// alone (data folder `dir/data`).
fn assert_opens_with_key(dir: &std::path::Path, db: &std::path::Path, key: &str) {
    let by_key = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args([
            "--db",
            db.to_str().expect("utf-8"),
            "--recovery-key",
            "check",
        ])
        .env("RMDESK_RECOVERY_KEY", key)
        .env("RMDESK_DATA_DIR", dir.join("data"))
        .output()
        .expect("check runs");
    assert!(
        by_key.status.success(),
        "{}{}",
        String::from_utf8_lossy(&by_key.stdout),
        String::from_utf8_lossy(&by_key.stderr)
    );
}
