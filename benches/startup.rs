//! Start-up and sign-in on a large database (docs/BENCHMARKS.md).
//!
//! `cargo bench --bench startup` builds a database with `RMDESK_BENCH_CLIENTS` clients
//! (default 1,000,000) in a temporary folder, then measures:
//! - in-process: opening the store, building the application and drawing the sign-in
//!   screen (what happens between the process starting and the first frame);
//! - the real binary in tmux: from launching it to "Sign in" on the screen (needs tmux);
//! - sign-in verification: `Store::login` with the right password (Argon2id, 19 MiB).
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rmdesk::store::users::NewUser;
use rmdesk::store::{Role, Store};
use rmdesk::tui::i18n::{I18n, Lang};
use rmdesk::tui::keymap::Keymap;
use rmdesk::tui::theme::Theme;
use rmdesk::tui::App;

mod common;
use common::{report, sample};

const PASSWORD: &str = "bench-password-1";

fn main() {
    let clients: u64 = std::env::var("RMDESK_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let t = Instant::now();
    seed(&path, clients);
    println!(
        "seeded {clients} clients in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let draws = sample(30, || {
        let store = Store::open(&path).expect("open");
        let app = App::new(
            store,
            Keymap::default(),
            I18n::new(Lang::En),
            Theme::new("default", false),
        )
        .expect("app");
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| app.draw(f)).expect("draw");
    });
    report("open + first frame (in-process)", &draws);

    let mut store = Store::open(&path).expect("open");
    let logins = sample(30, || {
        store.login("rm1", PASSWORD).expect("login");
    });
    report("sign-in verification (Argon2id 19 MiB, t=2, p=1)", &logins);

    match tmux_start_times(&path, dir.path(), 10) {
        Some(times) => report("launch to sign-in screen (real binary in tmux)", &times),
        None => println!("no tmux measurement (tmux missing or the screen did not appear)"),
    }
}

/// A database with an administrator, a branch, one RM and `clients` clients. The
/// clients are written straight into the table in one transaction: the start-up path
/// reads none of their fields, only the file's size matters here.
fn seed(path: &Path, clients: u64) {
    let mut store = Store::open(path).expect("create");
    let admin = store
        .create_first_admin("admin", "Admin", PASSWORD)
        .expect("admin");
    let branch = store
        .create_branch(&admin, "0101", "Bench")
        .expect("branch");
    let rm = NewUser {
        username: "rm1".into(),
        display_name: "RM".into(),
        role: Role::Rm,
        branch_id: Some(branch),
        password: PASSWORD.into(),
    };
    let rm_id = store.create_user(&admin, &rm).expect("rm");
    drop(store);
    let conn = common::raw(path).expect("raw");
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO clients (client_no, kind, name, id_type, id_number, mobile, owner_id, branch_id,
                              aum_minor, created_at, updated_at)
         SELECT printf('C%010d', i), 'individual', 'Client ' || i, 'passport', printf('P%010d', i),
                printf('13%09d', i), ?2, ?3, (i * 7919) % 200000000,
                '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
         FROM n",
        rusqlite::params![clients as i64, rm_id, branch],
    )
    .expect("fill clients");
}

/// Launches the real binary in a detached tmux session and polls the screen every
/// millisecond until the sign-in form shows.
fn tmux_start_times(db: &Path, dir: &Path, runs: usize) -> Option<Vec<Duration>> {
    Command::new("tmux").arg("-V").output().ok()?;
    let mut times = Vec::new();
    for run in 0..=runs {
        // A fresh server each run: a new one on a socket whose server is still exiting
        // would fail to start.
        let socket = format!("rmdesk-bench-{}-{run}", std::process::id());
        let tmux = |args: &[&str]| {
            Command::new("tmux")
                .args(["-L", &socket])
                .args(args)
                .output()
        };
        let started = Instant::now();
        tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "bench",
            "-x",
            "80",
            "-y",
            "24",
            "env",
            &format!("RMDESK_DATA_DIR={}", dir.display()),
            env!("CARGO_BIN_EXE_rmdesk"),
            "--db",
            db.to_str()?,
            "--lang",
            "en",
        ])
        .ok()
        .filter(|o| {
            if !o.status.success() {
                println!("tmux new-session: {}", String::from_utf8_lossy(&o.stderr));
            }
            o.status.success()
        })?;
        loop {
            let out = tmux(&["capture-pane", "-p", "-t", "bench"]).ok()?;
            if !out.status.success() {
                println!("tmux: {}", String::from_utf8_lossy(&out.stderr));
            }
            if String::from_utf8_lossy(&out.stdout).contains("Sign in") {
                break;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = tmux(&["kill-server"]);
                println!(
                    "the sign-in screen did not appear in tmux:\n{}",
                    String::from_utf8_lossy(&out.stdout)
                );
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let elapsed = started.elapsed();
        let _ = tmux(&["kill-server"]);
        if run > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    Some(times)
}
