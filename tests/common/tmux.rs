//! A tmux server for the end-to-end tests: the real binary in a real terminal, driven with
//! `send-keys` and read with `capture-pane`. CI installs tmux; without it these tests fail
//! and say so.
#![allow(dead_code)] // each test file uses its share

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own (its own socket), killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts a server named after `name` and this process, with a bare shell (prompt `$`)
    /// in a `width` × `height` window, its home in `dir`.
    pub fn start(dir: &Path, name: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("rmdesk-{name}-{}", std::process::id());
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

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Presses keys by tmux's names (`Enter`, `Tab`, `F3`, `C-s`).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "main", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "main", "-l", text]);
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "main"])
    }

    /// Waits until `done` holds for the screen; fails with the screen after 15 s.
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
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
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits for the shell's prompt as the last line written (the application is gone).
    pub fn wait_for_prompt(&self) -> String {
        self.wait_until("the shell prompt", |s| {
            s.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim_end() == "$")
        })
    }

    /// Starts the real binary in the pane's shell on `db`, in English, its data and
    /// config folders under `dir`, on the fixed test clock (`super::clock_env`).
    pub fn launch(&self, dir: &Path, db: &Path) {
        self.launch_with(dir, &format!("--db {}", db.display()));
    }

    /// Starts the real binary in the pane's shell with `args` (then `--lang en`), its
    /// data and config folders under `dir`, on the fixed test clock.
    pub fn launch_with(&self, dir: &Path, args: &str) {
        let clock: Vec<String> = super::clock_env()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        self.type_text(&format!(
            "{} RMDESK_DATA_DIR={} RMDESK_CONFIG_DIR={} {} {args} --lang en",
            clock.join(" "),
            dir.join("data").display(),
            dir.join("config").display(),
            env!("CARGO_BIN_EXE_rmdesk"),
        ));
        self.keys(&["Enter"]);
    }

    /// Starts the binary afresh on `db` (the last user quit with Ctrl-Q) and signs
    /// `user` in with [`super::PASSWORD`], waiting for the greeting of the user's
    /// upper-cased name.
    pub fn start_as(&self, dir: &Path, db: &Path, user: &str) {
        self.wait_for_prompt();
        self.tmux(&["send-keys", "-t", "main", "clear", "Enter"]);
        self.wait_for_prompt();
        self.launch(dir, db);
        self.sign_in(
            user,
            super::PASSWORD,
            &format!("Welcome, {}", user.to_uppercase()),
        );
    }

    /// Signs in at the sign-in form and waits for the home screen's greeting `welcome`.
    pub fn sign_in(&self, user: &str, password: &str, welcome: &str) {
        self.wait_for("Sign in");
        self.type_text(user);
        self.keys(&["Tab"]);
        self.type_text(password);
        self.keys(&["Enter"]);
        self.wait_for(welcome);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}
