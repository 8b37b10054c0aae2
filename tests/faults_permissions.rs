//! Private files whatever the umask: at umask 000 the data folder is 0700 and the
//! database, its -wal and -shm, the log and every export are 0600.
#![cfg(unix)]
mod faults;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use faults::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{p:?}: {e}"))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn files_are_private_even_at_umask_000() {
    // The only test of this file, so setting the umask of the process is safe; the
    // binary inherits it.
    // SAFETY: umask only changes the process's file creation mask.
    unsafe { libc::umask(0) };
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("new/folder/bank.db");
    let o = run(dir.path(), &db, &["demo", "--clients", "20"], "");
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(mode(&db), 0o600, "database");
    assert_eq!(
        mode(&dir.path().join("new/folder")),
        0o700,
        "its new folder"
    );
    assert_eq!(
        mode(&dir.path().join("new")),
        0o700,
        "its new folder's parent"
    );
    assert_eq!(mode(&dir.path().join("data")), 0o700, "data folder");
    assert_eq!(mode(&dir.path().join("data/rmdesk.log")), 0o600, "log");

    for (name, args) in [
        ("masked.csv", vec!["export", "clients"]),
        ("full.csv", vec!["export", "clients", "--unmasked"]),
        ("tasks.ics", vec!["export", "calendar"]),
    ] {
        let out = dir.path().join(name);
        let mut all = args.clone();
        all.insert(2, out.to_str().expect("utf-8"));
        let user = if name == "tasks.ics" {
            "rm1"
        } else {
            "manager"
        };
        let o = run_as(dir.path(), &db, user, &all);
        assert!(o.status.success(), "{name}: {:?}", text(&o));
        assert_eq!(mode(&out), 0o600, "{name}");
    }

    // While the database is open and written, its -wal and -shm exist: 0600 too.
    let mut store = rmdesk::store::Store::open(&db).expect("open");
    let admin = store.login("admin", DEMO_PASSWORD).expect("admin");
    store.record_logout(&admin).expect("a write");
    for suffix in ["-wal", "-shm"] {
        let p = dir.path().join(format!("new/folder/bank.db{suffix}"));
        assert_eq!(mode(&p), 0o600, "{suffix}");
    }
    // An older database made under a wide umask is narrowed when opened.
    drop(store);
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    drop(rmdesk::store::Store::open(&db).expect("open"));
    assert_eq!(mode(&db), 0o600);
}
