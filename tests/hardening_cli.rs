//! The command line after hardening: a reset password must be changed (`rmdesk passwd`)
//! before anything else, weak passwords are refused with their reason, and only an
//! active RM of the branch may own an imported client.
mod faults;

use std::path::Path;

use faults::*;

const CHIEF: &str = "lantern-harbour-9-oak";

/// A password for `name` that does not contain it.
fn pass(prefix: &str, name: &str) -> String {
    format!("{prefix}-{}-xy", name.chars().rev().collect::<String>())
}

fn setup(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("bank.db");
    let o = run(
        dir,
        &db,
        &[
            "init",
            "--admin",
            "chief",
            "--branch",
            "0101",
            "--branch-name",
            "East",
        ],
        &format!("{CHIEF}\n"),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    for (name, role) in [("rm1", "rm"), ("rm2", "rm"), ("boss", "manager")] {
        let o = run(
            dir,
            &db,
            &[
                "--user", "chief", "user", "add", name, "--role", role, "--branch", "0101",
            ],
            &format!("{CHIEF}\n{}\n", pass("temporary-pass", name)),
        );
        assert!(o.status.success(), "{name}: {:?}", text(&o));
    }
    // The raw reads below need the (encrypted) database's key in this process.
    assert!(rmdesk::store::cipher::unlock(&db, "chief", CHIEF));
    db
}

fn as_user(
    dir: &Path,
    db: &Path,
    user: &str,
    password: &str,
    args: &[&str],
) -> (i32, String, String) {
    let mut all = vec!["--user", user];
    all.extend_from_slice(args);
    let o = run(dir, db, &all, &format!("{password}\n"));
    let (out, err) = text(&o);
    (o.status.code().unwrap_or(-1), out, err)
}

#[test]
fn a_reset_password_is_changed_with_passwd_before_anything_else() {
    let dir = tempfile::tempdir().expect("dir");
    let db = setup(dir.path());
    let (code, _, err) = as_user(
        dir.path(),
        &db,
        "rm1",
        &pass("temporary-pass", "rm1"),
        &["search", "x"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("rm1 must choose a new password"), "{err}");
    assert!(err.contains("passwd"), "{err}");

    // Weak new passwords are refused with their reason; nothing changes.
    for (weak, reason) in [
        ("passwordpassword", "short pattern repeated"),
        ("rm1rm1rm1rm1", "must not contain the username"),
        ("            ", "short pattern repeated"),
        (
            "demo-password",
            "too easy to guess (close to a common password)",
        ),
    ] {
        let o = run(
            dir.path(),
            &db,
            &["--user", "rm1", "passwd"],
            &format!("{}\n{weak}\n", pass("temporary-pass", "rm1")),
        );
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(1), "{weak:?}");
        assert!(err.contains(reason), "{weak:?}: {err}");
    }
    let o = run(
        dir.path(),
        &db,
        &["--user", "rm1", "passwd"],
        &format!(
            "{}\nmorning-tea-by-the-river\n",
            pass("temporary-pass", "rm1")
        ),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).0.contains("the password of rm1 is changed"));
    let (code, _, err) = as_user(
        dir.path(),
        &db,
        "rm1",
        "morning-tea-by-the-river",
        &["search", "x"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = as_user(
        dir.path(),
        &db,
        "rm1",
        &pass("temporary-pass", "rm1"),
        &["search", "x"],
    );
    assert_eq!(code, 1, "the old password no longer works");

    // An administrator's reset brings the refusal back.
    let o = run(
        dir.path(),
        &db,
        &["--user", "chief", "user", "passwd", "rm1"],
        &format!("{CHIEF}\nanother-temporary-one\n"),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let (code, _, err) = as_user(
        dir.path(),
        &db,
        "rm1",
        "another-temporary-one",
        &["search", "x"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("must choose a new password"), "{err}");
}

#[test]
fn only_an_active_rm_of_the_branch_owns_an_imported_client() {
    let dir = tempfile::tempdir().expect("dir");
    let db = setup(dir.path());
    for name in ["rm1", "rm2", "boss"] {
        let o = run(
            dir.path(),
            &db,
            &["--user", name, "passwd"],
            &format!(
                "{}\n{}\n",
                pass("temporary-pass", name),
                pass("morning-tea", name)
            ),
        );
        assert!(o.status.success(), "{name}: {:?}", text(&o));
    }
    let o = run(
        dir.path(),
        &db,
        &["--user", "chief", "user", "disable", "rm2"],
        &format!("{CHIEF}\n"),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let file = dir.path().join("owners.csv");
    let mut csv = format!("{HEADER}\r\n");
    for (seq, owner) in [(1, "rm1"), (2, "boss"), (3, "rm2"), (4, "chief")] {
        csv.push_str(&client_row(seq, owner));
        csv.push_str("\r\n");
    }
    std::fs::write(&file, csv).expect("file");
    let (code, out, err) = as_user(
        dir.path(),
        &db,
        "boss",
        &pass("morning-tea", "boss"),
        &["import", "clients", file.to_str().expect("utf-8")],
    );
    assert_eq!(code, 1, "{out}{err}");
    for line in [3, 4, 5] {
        assert!(
            out.contains(&format!("line {line}: owner: not an RM of this branch")),
            "line {line}: {out}"
        );
    }
    assert!(!out.contains("line 2:"), "{out}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM clients"),
        0,
        "nothing written"
    );
}
