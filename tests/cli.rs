//! The real binary: set-up, user commands, check, demo, exit codes and messages.
mod common;

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

#[test]
fn init_then_user_commands_then_check() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let db = db.to_str().expect("utf-8 path");
    init(dir.path(), db);

    let again = rmdesk(
        dir.path(),
        &["--db", db, "init", "--admin", "other"],
        &format!("{PASSWORD}\n"),
        &[],
    );
    assert_refused(&again, "already has users");

    // admin password from the environment, the new user's from standard input
    let add = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm1", "--role", "rm", "--branch", "0101",
        ],
        "initial-pass-for-one\n",
        &[("RMDESK_PASSWORD", PASSWORD)],
    );
    assert!(add.status.success(), "{:?}", text(&add));
    // or both from standard input, one line each
    let add2 = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm2", "--branch", "0101",
        ],
        &format!("{PASSWORD}\ninitial-pass-for-two\n"),
        &[],
    );
    assert!(add2.status.success(), "{:?}", text(&add2));

    let weak = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm3", "--branch", "0101",
        ],
        &format!("{PASSWORD}\nshort\n"),
        &[],
    );
    assert_eq!(weak.status.code(), Some(1));
    assert_eq!(
        text(&weak).1.trim(),
        "rmdesk: password: the password must have at least 12 characters"
    );

    let no_branch = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "user", "add", "rm4", "--branch", "9999",
        ],
        &format!("{PASSWORD}\nlong-enough-pass\n"),
        &[],
    );
    assert_refused(&no_branch, "no branch with the code 9999");

    let wrong = rmdesk(
        dir.path(),
        &["--db", db, "--user", "chief", "user", "unlock", "rm1"],
        "not-the-password\n",
        &[],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        text(&wrong).1.trim(),
        "rmdesk: invalid username or password"
    );

    // A new account must choose its own password before anything else.
    let must_change = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "user", "disable", "rm2"],
        "initial-pass-for-one\n",
        &[],
    );
    assert_eq!(must_change.status.code(), Some(1));
    assert!(text(&must_change)
        .1
        .contains("rm1 must choose a new password"));
    let changed = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "passwd"],
        "initial-pass-for-one\nquiet-river-morning\n",
        &[],
    );
    assert!(changed.status.success(), "{:?}", text(&changed));
    assert_eq!(text(&changed).0, "the password of rm1 is changed\n");
    let not_admin = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "user", "disable", "rm2"],
        "quiet-river-morning\n",
        &[],
    );
    assert_refused(&not_admin, "only an administrator");

    for cmd in [
        vec!["user", "passwd", "rm2"],
        vec!["user", "unlock", "rm2"],
        vec!["user", "disable", "rm2"],
    ] {
        let mut args = vec!["--db", db, "--user", "chief"];
        args.extend(cmd.iter().copied());
        let o = rmdesk(
            dir.path(),
            &args,
            &format!("{PASSWORD}\nfresh-password-two\n"),
            &[],
        );
        assert!(o.status.success(), "{cmd:?}: {:?}", text(&o));
    }

    let check = rmdesk(dir.path(), &["--db", db, "check"], "", &[]);
    assert!(check.status.success(), "{:?}", text(&check));
    assert!(text(&check).0.contains("audit chain ok"));
}

#[test]
fn check_names_a_tampered_audit_entry_and_fails() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    init(dir.path(), db.to_str().expect("utf-8"));
    let conn = common::raw(&db).expect("raw");
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET after = 'code=9999' WHERE id = 2;",
    )
    .expect("tamper");
    drop(conn);
    let o = rmdesk(
        dir.path(),
        &["--db", db.to_str().expect("utf-8"), "check"],
        "",
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let (out, err) = text(&o);
    assert!(
        out.contains("audit log entry 2: its content was changed after it was written"),
        "{out}"
    );
    // Dropping the trigger is seen too, in its own sentence.
    assert!(
        out.contains(
            "the trigger audit_log_no_update that forbids changing audit entries is missing"
        ),
        "{out}"
    );
    assert!(err.contains("2 problem(s)"), "{err}");
}

#[test]
fn bad_files_get_one_clear_sentence_and_stay_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("photo.db");
    std::fs::write(&bad, vec![0xAB; 8192]).expect("write");
    for args in [vec!["check"], vec!["init", "--admin", "chief"]] {
        let mut all = vec!["--db", bad.to_str().expect("utf-8")];
        all.extend(args.iter().copied());
        let o = rmdesk(dir.path(), &all, &format!("{PASSWORD}\n"), &[]);
        assert_eq!(o.status.code(), Some(1));
        let err = text(&o).1;
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("is not an rmdesk database"), "{err}");
        assert_eq!(std::fs::read(&bad).expect("read"), vec![0xAB; 8192]);
    }
    // The application itself refuses before touching the terminal.
    let o = rmdesk(dir.path(), &["--db", bad.to_str().expect("utf-8")], "", &[]);
    assert_refused(&o, "is not an rmdesk database");
    let missing = rmdesk(
        dir.path(),
        &[
            "--db",
            dir.path().join("none.db").to_str().expect("utf-8"),
            "check",
        ],
        "",
        &[],
    );
    assert_refused(&missing, "does not exist");
}

#[test]
fn usage_errors_exit_two_and_help_exits_zero() {
    let dir = tempfile::tempdir().expect("dir");
    let o = rmdesk(dir.path(), &["frobnicate"], "", &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = rmdesk(
        dir.path(),
        &["user", "add", "x", "--role", "teller"],
        "",
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["user", "add", "--help"],
        vec!["check", "--help"],
        vec!["demo", "--help"],
    ] {
        let o = rmdesk(dir.path(), &args, "", &[]);
        assert!(o.status.success(), "{args:?}");
        assert!(text(&o).0.contains("Usage"), "{args:?}");
    }
}

#[test]
fn demo_creates_the_demo_users_once() {
    let dir = tempfile::tempdir().expect("dir");
    let o = rmdesk(dir.path(), &["demo"], "", &[]);
    assert!(o.status.success(), "{:?}", text(&o));
    let out = text(&o).0;
    assert!(
        out.contains("admin, manager, rm1, rm2, rm3") && out.contains("demo-password"),
        "{out}"
    );
    let db = dir.path().join("data").join("demo.db");
    assert!(db.exists());
    assert!(out.contains("open it with: rmdesk --demo\n"), "{out}");
    let again = rmdesk(dir.path(), &["demo"], "", &[]);
    assert!(text(&again).0.contains("already exists"));
    let mut store = rmdesk::store::Store::open(&db).expect("open");
    for user in ["admin", "manager", "rm1", "rm2", "rm3"] {
        let actor = store.login(user, "demo-password").expect(user);
        assert!(!actor.must_change_password);
    }
    let check = rmdesk(
        dir.path(),
        &["--db", db.to_str().expect("utf-8"), "check"],
        "",
        &[],
    );
    assert!(check.status.success());
}

#[test]
fn import_export_and_search_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    let db = db.to_str().expect("utf-8");
    let o = rmdesk(
        dir.path(),
        &["--db", db, "demo", "--clients", "90", "--seed", "3"],
        "",
        &[],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("90 clients"), "{:?}", text(&o));
    let manager = [("RMDESK_PASSWORD", "demo-password")];

    let sample = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/clients-sample.csv"
    ))
    .canonicalize()
    .expect("sample");
    let sample = sample.to_str().expect("utf-8");
    let o = rmdesk(
        dir.path(),
        &["--db", db, "--user", "manager", "import", "clients", sample],
        "",
        &manager,
    );
    assert_eq!(o.status.code(), Some(1));
    let (out, err) = text(&o);
    let lines: Vec<u64> = out
        .lines()
        .filter_map(|l| l.strip_prefix("line ")?.split(':').next()?.parse().ok())
        .collect();
    let expected: Vec<u64> = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/clients-sample.rejects"
    ))
    .expect("rejects")
    .lines()
    .filter_map(|l| l.split('\t').next()?.parse().ok())
    .collect();
    assert_eq!(lines, expected);
    assert!(out.contains("line 15: id_number: check digit"), "{out}");
    assert_eq!(err.trim(), "rmdesk: 31 of 300 rows are invalid; nothing was imported (fix them, or use --skip-invalid to import the rest)");

    let o = rmdesk(
        dir.path(),
        &[
            "--db",
            db,
            "--user",
            "manager",
            "import",
            "clients",
            sample,
            "--skip-invalid",
        ],
        "",
        &manager,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(
        text(&o).0.contains("imported 269 of 300 rows"),
        "{:?}",
        text(&o)
    );

    // rm1 exports their own clients, masked; the manager may export in full
    let out_csv = dir.path().join("mine.csv");
    let o = rmdesk(
        dir.path(),
        &[
            "--db",
            db,
            "--user",
            "rm1",
            "export",
            "clients",
            out_csv.to_str().expect("utf-8"),
        ],
        "",
        &manager,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let exported = std::fs::read_to_string(&out_csv).expect("export written");
    let mut rows = exported.lines();
    assert!(rows
        .next()
        .expect("header")
        .starts_with("\u{feff}client_no,kind,name"));
    let data: Vec<&str> = rows.collect();
    assert!(
        !data.is_empty() && data.iter().all(|r| r.contains(",rm1,")),
        "only rm1's clients"
    );
    assert!(data.iter().all(|r| r.contains("*")), "ID numbers masked");
    assert!(!dir.path().join("mine.csv.partial").exists());
    // the export reads back as a valid file of the format
    assert!(rmdesk::domain::csv_import::parse_csv(exported.as_bytes()).is_ok());

    let o = rmdesk(
        dir.path(),
        &["--db", db, "--user", "rm1", "search", "王", "--stats"],
        "",
        &manager,
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let out = text(&o).0;
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.contains("match(es) in") && l.ends_with(" ms")),
        "{out}"
    );
    assert!(
        out.lines()
            .filter(|l| l.contains('\t'))
            .all(|l| l.ends_with("rm1")),
        "an RM finds only own clients:\n{out}"
    );

    let o = rmdesk(dir.path(), &["--db", db, "search", "王"], "", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("needs --user"), "{:?}", text(&o));
    let check = rmdesk(dir.path(), &["--db", db, "check"], "", &[]);
    assert!(check.status.success(), "{:?}", text(&check));
}

#[test]
fn the_demo_has_visits_follow_ups_and_feedback_and_the_same_seed_gives_the_same_data() {
    let dir = tempfile::tempdir().expect("dir");
    let dump = |name: &str| {
        let db = dir.path().join(name);
        let o = rmdesk(
            dir.path(),
            &[
                "--db",
                db.to_str().expect("utf-8"),
                "demo",
                "--clients",
                "400",
                "--seed",
                "11",
            ],
            "",
            &[],
        );
        assert!(o.status.success(), "{:?}", text(&o));
        let conn = common::raw(&db).expect("raw");
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).expect("sql");
            let out = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .expect("query")
                .collect::<Result<Vec<_>, _>>()
                .expect("rows");
            out
        };
        let visits = rows("SELECT client_id || ' ' || channel || ' ' || purpose || ' ' || visited_at FROM visits ORDER BY id");
        let tasks = rows("SELECT due_date FROM tasks WHERE source = 'visit' ORDER BY id");
        let open_complaints = rows("SELECT deadline FROM feedback WHERE kind = 'complaint' AND status = 'open' ORDER BY id");
        let early = rows(
            "SELECT t.due_date FROM tasks t JOIN visits v ON v.id = t.visit_id
             WHERE t.due_date < substr(v.visited_at, 1, 10) AND t.due_date < date(v.visited_at, '+8 hours')",
        );
        assert!(
            early.is_empty(),
            "follow-ups due before their visit: {early:?}"
        );
        // The calendar (the binary runs on the fixed clock: 2026-11-23, UTC+8): each demo RM
        // has manual tasks around today, every recurrence,
        // overdue and done ones, and this month's plan and this week's goal.
        let calendar = rows(
            "SELECT u.username || ' ' || count(*) || ' ' || count(DISTINCT t.recurrence) || ' '
                    || sum(t.status = 'open' AND t.due_date < '2026-11-23') || ' '
                    || sum(t.status = 'done') || ' '
                    || (SELECT count(*) FROM plan_notes p WHERE p.owner_id = u.id)
             FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE t.source = 'manual'
               AND t.id NOT IN (SELECT task_id FROM campaign_targets WHERE task_id IS NOT NULL)
             GROUP BY u.id ORDER BY u.username",
        );
        assert_eq!(
            calendar,
            vec!["rm1 12 5 2 2 2", "rm2 12 5 2 2 2", "rm3 12 5 2 2 2"],
            "tasks, recurrences, overdue, done, plan notes"
        );
        // Marketing: about half consent; a running campaign whose targets all consent,
        // with outcomes recorded and every sale linked to an open holding of its product.
        let marketing = rows(
            "SELECT (SELECT 100 * sum(marketing_consent = 'yes') / count(*) FROM clients) || ' '
                    || (SELECT count(*) FROM campaigns WHERE status = 'running') || ' '
                    || (SELECT count(*) FROM campaign_targets t JOIN clients c ON c.id = t.client_id
                        WHERE c.marketing_consent <> 'yes') || ' '
                    || (SELECT count(*) > 0 FROM campaign_targets WHERE outcome = 'sold') || ' '
                    || (SELECT count(*) FROM campaign_targets t JOIN holdings h ON h.id = t.holding_id
                        JOIN campaigns k ON k.id = t.campaign_id
                        WHERE t.outcome = 'sold' AND (h.status <> 'open' OR h.product_id <> k.product_id))",
        );
        assert_eq!(
            marketing,
            vec!["50 1 0 1 0"],
            "consent %, running, non-consenting targets, sales, bad links"
        );
        let check = rmdesk(
            dir.path(),
            &["--db", db.to_str().expect("utf-8"), "check"],
            "",
            &[],
        );
        assert!(check.status.success(), "{:?}", text(&check));
        (visits, tasks, open_complaints)
    };
    let (visits, tasks, complaints) = dump("a.db");
    assert!(visits.len() > 100, "{}", visits.len());
    assert!(!tasks.is_empty() && !complaints.is_empty());
    let today = common::today().to_string();
    assert!(
        tasks.iter().any(|d| *d < today) && tasks.iter().any(|d| *d >= today),
        "some follow-ups overdue, some ahead"
    );
    assert_eq!(
        dump("b.db"),
        (visits, tasks, complaints),
        "the same seed gives the same activity"
    );
}

#[test]
fn a_database_error_at_start_is_shown_not_taken_for_a_first_run() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let db_text = db.to_str().expect("utf-8 path");
    // A plain database: an encrypted one is read only once someone signs in, so its
    // tables cannot fail before the sign-in screen.
    let mut store = rmdesk::store::Store::create_plain(&db).expect("plain database");
    store
        .create_first_admin("chief", "Chief", PASSWORD)
        .expect("admin");
    drop(store);
    // The users table is gone: asking whether there are users fails.
    let conn = common::raw(&db).expect("open");
    conn.execute_batch("ALTER TABLE users RENAME TO users_gone")
        .expect("rename");
    drop(conn);
    let o = rmdesk(dir.path(), &["--db", db_text], "", &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out} {err}");
    assert!(
        err.contains("cannot be read") && err.contains("no such table: users"),
        "the database error is told before the terminal is taken: {err}"
    );
}

#[test]
fn demo_with_a_path_says_the_command_that_opens_that_file() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("my demo.db");
    let o = rmdesk(
        dir.path(),
        &[
            "--db",
            db.to_str().expect("utf-8"),
            "demo",
            "--clients",
            "20",
        ],
        "",
        &[],
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out} {err}");
    let expected = format!("open it with: rmdesk --db '{}'\n", db.display());
    assert!(out.contains(&expected), "{out}");
    assert!(db.exists());
}

#[test]
fn the_first_run_says_where_the_database_is() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("new.db");
    // No terminal here: the screens cannot start, but the path is told before they try.
    let o = rmdesk(dir.path(), &["--db", db.to_str().expect("utf-8")], "", &[]);
    let (out, _) = text(&o);
    assert!(
        out.contains(&format!(
            "first run — creating the database {}",
            db.display()
        )),
        "{out}"
    );
    // The default database: in the data folder.
    let o = rmdesk(dir.path(), &[], "", &[]);
    let default = dir.path().join("data").join("rmdesk.db");
    assert!(
        text(&o)
            .0
            .contains(&format!("creating the database {}", default.display())),
        "{:?}",
        text(&o)
    );
    // The screens show the recovery key on a screen of their own; when they cannot start
    // (no terminal here) it is printed instead, never lost.
    assert!(
        text(&o)
            .0
            .contains("Its recovery key, shown only this once"),
        "{:?}",
        text(&o)
    );
    // Not on later runs.
    let o = rmdesk(dir.path(), &["--db", db.to_str().expect("utf-8")], "", &[]);
    assert!(!text(&o).0.contains("first run"), "{:?}", text(&o));
    // The demo's first opening says where it was made.
    let o = rmdesk(dir.path(), &["--demo"], "", &[]);
    let demo = dir.path().join("data").join("demo.db");
    assert!(
        text(&o).0.contains(&format!(
            "first run — created the demo database {} (password for every user: demo-password)",
            demo.display()
        )),
        "{:?}",
        text(&o)
    );
    assert!(
        text(&o)
            .0
            .contains("Its recovery key, shown only this once"),
        "{:?}",
        text(&o)
    );
}

/// A deployment scripted without the screens: init, branches, users, then an RM imports
/// the clients of their book.
#[test]
fn a_scripted_deployment_needs_no_screen() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("bank.db");
    let db = db.to_str().expect("utf-8 path");
    let run = |args: &[&str], stdin: &str| {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        let o = rmdesk(dir.path(), &all, stdin, &[]);
        let (out, err) = text(&o);
        assert!(o.status.success(), "{args:?}: {out} {err}");
        out
    };
    let admin_pw = format!("{PASSWORD}\n");
    run(&["init", "--admin", "chief"], &admin_pw);
    let out = run(
        &["--user", "chief", "branch", "add", "0101", "East Branch"],
        &admin_pw,
    );
    assert_eq!(out, "branch 0101 added: East Branch\n");
    run(
        &["--user", "chief", "branch", "add", "0202", "West Branch"],
        &admin_pw,
    );
    let two = format!("{PASSWORD}\ninitial-password-1\n");
    run(
        &[
            "--user", "chief", "user", "add", "lee", "--role", "manager", "--branch", "0101",
        ],
        &two,
    );
    run(
        &[
            "--user", "chief", "user", "add", "wang", "--role", "rm", "--branch", "0101",
        ],
        &two,
    );
    let csv = dir.path().join("book.csv");
    std::fs::write(
        &csv,
        "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,\
         occupation,risk_level,risk_assessed_on,status,owner,notes\n\
         ,individual,林黛玉,,,passport,E12345678,,,,,,,active,,\n\
         ,individual,贾宝玉,,,passport,E12345679,,,,,,,prospect,,\n",
    )
    .expect("csv");
    // The RM chooses their own password, then imports.
    let out = run(
        &["--user", "wang", "passwd"],
        "initial-password-1\nthe-new-one-chosen-today\n",
    );
    assert_eq!(out, "the password of wang is changed\n");
    let out = run(
        &[
            "--user",
            "wang",
            "import",
            "clients",
            csv.to_str().expect("utf-8"),
        ],
        "the-new-one-chosen-today\n",
    );
    assert!(out.starts_with("imported 2 of 2 rows"), "{out}");

    // What the script made is in the database.
    let mut store = rmdesk::store::Store::open(std::path::Path::new(db)).expect("open");
    let chief = store.login("chief", PASSWORD).expect("chief");
    let east = store.branch_by_code("0101").expect("read").expect("0101");
    assert_eq!(east.name, "East Branch");
    assert!(store.branch_by_code("0202").expect("read").is_some());
    let users = store.list_users(&chief).expect("users");
    let wang = users.iter().find(|u| u.username == "wang").expect("wang");
    assert_eq!(wang.branch_id, Some(east.id));
    let wang = store
        .login("wang", "the-new-one-chosen-today")
        .expect("wang");
    let mut names = Vec::new();
    store
        .export_clients(
            &wang,
            &rmdesk::store::clients::ClientFilter::default(),
            false,
            &mut |c| {
                names.push(c.name.clone());
                Ok(())
            },
        )
        .expect("export");
    names.sort();
    assert_eq!(names, ["林黛玉", "贾宝玉"]);

    // A file not in the client format: one sentence, said once.
    std::fs::write(&csv, "name\n林黛玉\n").expect("csv");
    let bad = rmdesk(
        dir.path(),
        &[
            "--db",
            db,
            "--user",
            "wang",
            "import",
            "clients",
            csv.to_str().expect("utf-8"),
        ],
        "initial-password-1\n",
        &[],
    );
    let err = text(&bad).1;
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("missing columns").count(), 1, "{err}");

    // Branches are the administrator's: a repeated code and an RM are refused.
    let again = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "chief", "branch", "add", "0101", "Again",
        ],
        &admin_pw,
        &[],
    );
    assert_refused(&again, "a branch with this code exists");
    let rm = rmdesk(
        dir.path(),
        &[
            "--db", db, "--user", "wang", "branch", "add", "0303", "North",
        ],
        "the-new-one-chosen-today\n",
        &[],
    );
    assert_eq!(rm.status.code(), Some(1));
    assert!(
        text(&rm)
            .1
            .contains("only an administrator manages branches"),
        "{:?}",
        text(&rm)
    );
}

/// `src/cli` and `src/tui` never import each other: only main.rs knows both.
#[test]
fn the_two_faces_never_import_each_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (face, other) in [("cli", "tui"), ("tui", "cli")] {
        let mut stack = vec![root.join(face)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    for needle in [format!("crate::{other}"), format!("rmdesk::{other}")] {
                        assert!(!text.contains(&needle), "{} names {needle}", path.display());
                    }
                }
            }
        }
    }
}
