//! A deployment scripted without the screens.
use super::*;

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
