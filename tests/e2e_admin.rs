//! End to end in a real terminal: the first start of the day takes the automatic backup;
//! the administrator finds it on F8, takes another with its progress, reads the audit
//! log, restores the backup, and quits; the chain is anchored beside the database and `rmdesk check` agrees
//! with every anchor. The real binary in tmux. Without tmux this test fails and says so.
mod common;

use std::process::Command;

use common::tmux::Tmux;
use common::{seeded, PASSWORD};

#[test]
fn an_administrator_backs_up_reads_the_audit_log_and_the_chain_is_anchored() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    drop(seeded(&db));

    let t = Tmux::start(dir.path(), "e2e-admin", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("admin", PASSWORD, "Welcome, Ada Admin");
    // The day's automatic backup, taken on its own thread at start.
    let daily = dir.path().join("backups").join("branch-2026-11-23.db");
    for _ in 0..200 {
        if daily.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(daily.exists(), "the day's automatic backup");

    t.keys(&["F8", "Tab", "Tab", "Tab"]);
    t.wait_for("branch-2026-11-23.db");
    t.keys(&["n"]);
    t.wait_for("Take a backup");
    t.keys(&["C-s"]);
    let done = t.wait_for("Backup written");
    assert!(done.contains("branch-manual-20261123-1200.db"), "{done}");
    t.keys(&["Escape", "Tab", "Tab"]);
    let audit = t.wait_for("Audit chain:");
    assert!(audit.contains("triggers intact"), "{audit}");
    assert!(
        audit.contains("backup"),
        "the backups are in the log: {audit}"
    );

    // Restore the manual backup (the newest, selected first) from F8: the restore runs
    // with its progress and says where the replaced file is kept.
    t.keys(&["Tab", "Tab"]);
    t.wait_for("branch-manual-20261123-1200.db");
    t.keys(&["r"]);
    t.wait_for("Your password in the backup");
    t.keys(&["Tab"]);
    t.type_text(PASSWORD);
    t.keys(&["C-s"]);
    t.wait_for("y Yes");
    t.keys(&["y"]);
    let restored = t.wait_for("Restored from branch-manual-20261123-1200.db");
    assert!(restored.contains("before-restore"), "{restored}");
    t.keys(&["Escape", "Tab"]);
    t.wait_for("rm1");

    t.keys(&["C-q"]);
    t.wait_for_prompt();
    assert!(
        std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains("before-restore")),
        "the replaced file is kept"
    );

    let anchors = std::fs::read_to_string(dir.path().join("branch.db.anchors")).expect("anchors");
    assert!(
        anchors.lines().any(|l| l.contains("\trestore\t")),
        "{anchors}"
    );
    assert!(anchors.lines().any(|l| l.contains("\texit\t")), "{anchors}");
    let check = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["--db", db.to_str().expect("utf-8"), "check"])
        .args(common::admin_args(&db))
        .envs(common::admin_env(&db))
        .envs(common::clock_env())
        .env("RMDESK_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("check runs");
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{out}");
    assert!(out.contains("anchors ok"), "{out}");
}
