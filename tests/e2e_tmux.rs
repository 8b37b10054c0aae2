//! End to end in a real terminal: the real binary in tmux, driven with `send-keys` and
//! read with `capture-pane`. CI installs tmux; without it this test fails and says so.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::PASSWORD;

/// A tmux server of its own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(dir: &Path, width: u16, height: u16) -> Tmux {
        let socket = format!("rmdesk-e2e-{}", std::process::id());
        let tmux = Tmux { socket };
        let status = Command::new("tmux")
            .args([
                "-L",
                &tmux.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "main",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args([
                "env",
                "-i",
                &format!("HOME={}", dir.display()),
                "TERM=xterm-256color",
                "PS1=$ ",
            ])
            .args([format!(
                "PATH={}",
                std::env::var("PATH").unwrap_or_default()
            )])
            .args(["bash", "--norc", "--noprofile"])
            .status()
            .expect("tmux must be installed for the end-to-end test (apt-get install tmux)");
        assert!(status.success(), "tmux did not start");
        tmux
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Presses keys by tmux's names (`Enter`, `Tab`, `F8`, `C-l`).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "main", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "main", "-l", text]);
        std::thread::sleep(Duration::from_millis(60));
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "main"])
    }

    /// Waits until `done` holds for the screen; fails with the screen after 15 s.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what}; the screen is:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits for the shell's prompt as the last line written (the application is gone).
    fn wait_for_prompt(&self) -> String {
        self.wait_until("the shell prompt", |s| {
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim_end() == "$")
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn launch(t: &Tmux, dir: &Path, db: &Path) {
    let bin = env!("CARGO_BIN_EXE_rmdesk");
    t.type_text(&format!(
        "RMDESK_DATA_DIR={} RMDESK_CONFIG_DIR={} {bin} --db {} --lang en",
        dir.join("data").display(),
        dir.join("config").display(),
        db.display()
    ));
    t.keys(&["Enter"]);
}

#[test]
fn first_run_sign_in_admin_lock_and_quit_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db: PathBuf = dir.path().join("branch.db");
    let t = Tmux::start(dir.path(), 100, 30);
    t.wait_for_prompt();

    // First run: the set-up form creates the administrator and signs in.
    launch(&t, dir.path(), &db);
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
    launch(&t, dir.path(), &db);
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
    t.type_text("initial-rm1-pass");
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
