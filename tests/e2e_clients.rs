//! End to end in a real terminal: an RM adds a client with a Chinese name, finds it by
//! search, reveals its ID number and edits its mobile, with the real binary in tmux
//! (driven with `send-keys`, read with `capture-pane`). Without tmux this test fails and
//! says so.
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{seeded, PASSWORD};
use rmdesk::domain::ids::resident_id_check_char;

/// A tmux server of its own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(dir: &Path, width: u16, height: u16) -> Tmux {
        let socket = format!("rmdesk-e2e-clients-{}", std::process::id());
        let tmux = Tmux { socket };
        let status = Command::new("tmux")
            .args(["-L", &tmux.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-s", "main"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .args([
                "env",
                "-i",
                &format!("HOME={}", dir.display()),
                "TERM=xterm-256color",
                "LANG=C.UTF-8",
                "PS1=$ ",
            ])
            .arg(format!(
                "PATH={}",
                std::env::var("PATH").unwrap_or_default()
            ))
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

    /// Presses keys by tmux's names (`Enter`, `Tab`, `F3`, `C-s`).
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

#[test]
fn an_rm_adds_finds_reveals_and_edits_a_client_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    // The database as the store makes it: users rm1 (branch 0101) and others.
    drop(seeded(&db));
    let first17 = "32010619880215002";
    let id_number = format!(
        "{first17}{}",
        resident_id_check_char(first17).expect("17 digits")
    );
    let masked_id = format!("3201**********{}", &id_number[14..]);

    let t = Tmux::start(dir.path(), 100, 30);
    t.wait_for_prompt();
    t.type_text(&format!(
        "RMDESK_DATA_DIR={} RMDESK_CONFIG_DIR={} {} --db {} --lang en",
        dir.path().join("data").display(),
        dir.path().join("config").display(),
        env!("CARGO_BIN_EXE_rmdesk"),
        db.display()
    ));
    t.keys(&["Enter"]);
    t.wait_for("Sign in");
    t.type_text("rm1");
    t.keys(&["Tab"]);
    t.type_text(PASSWORD);
    t.keys(&["Enter"]);
    t.wait_for("Welcome, RM1");

    // F3: the RM's (empty) list; n: a new individual client.
    t.keys(&["F3"]);
    t.wait_for("Clients (0)");
    t.keys(&["n"]);
    t.wait_for("New client");
    t.keys(&["Tab"]);
    t.type_text("林黛玉");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]); // gender, birth date, ID type, ID number
    t.type_text(&id_number);
    t.keys(&["Tab"]);
    t.type_text("13912345678");
    t.keys(&["C-s"]);
    let saved = t.wait_for("Client C000000001 saved.");
    assert!(
        saved.contains("C000000001 · 林黛玉") && saved.contains(&masked_id),
        "the new client's 360 view, masked:\n{saved}"
    );
    assert!(
        saved.contains("1988-02-15") && saved.contains("Female"),
        "{saved}"
    );

    // Back to the list, then / and part of the name finds it.
    t.keys(&["Escape"]);
    t.wait_for("Clients (1)");
    t.keys(&["/"]);
    t.wait_for("Search:");
    t.type_text("黛玉");
    let found = t.wait_for("Search: 1 found");
    assert!(found.contains("林黛玉"), "{found}");

    // Enter opens it; r reveals the ID number in full.
    t.keys(&["Enter"]);
    let opened = t.wait_for("C000000001 · 林黛玉 · Individual");
    assert!(opened.contains(&masked_id) && !opened.contains(&id_number));
    assert!(opened.contains("139****5678"), "{opened}");
    t.keys(&["r"]);
    let revealed = t.wait_for(&id_number);
    assert!(revealed.contains("13912345678"), "{revealed}");

    // e edits: the mobile is six fields down.
    t.keys(&["e"]);
    t.wait_for("Edit client C000000001");
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "C-u"]);
    t.type_text("13698765432");
    t.keys(&["C-s"]);
    let edited = t.wait_for("Changes to client C000000001 saved.");
    assert!(
        edited.contains("136****5432") && !edited.contains("13698765432"),
        "the changed mobile, masked:\n{edited}"
    );
    assert!(
        edited.contains(&masked_id) && !edited.contains(&id_number),
        "the reveal ended with the view:\n{edited}"
    );

    t.keys(&["C-q"]);
    t.wait_for_prompt();

    // The file the session wrote checks clean (audit chain included).
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
}
