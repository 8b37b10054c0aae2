//! Fault suite, disk full: the database on a small tmpfs that is then filled. Imports and
//! saves fail with the disk-full sentence and write nothing; once space is freed the
//! file checks clean and takes the same import. Mounting needs root (CI runs as root);
//! otherwise the test says it was skipped and why.
#![cfg(target_os = "linux")]
mod faults;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use faults::*;
use rmdesk::store::{Store, StoreError};

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount_tmpfs(at: &Path, size: &str) -> Result<Tmpfs, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not running as root, so no tmpfs can be mounted".into());
    }
    let status = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(at)
        .status()
        .map_err(|e| format!("mount cannot run: {e}"))?;
    if !status.success() {
        return Err(format!(
            "mount -t tmpfs failed ({status}); the container may not allow it"
        ));
    }
    Ok(Tmpfs(at.to_path_buf()))
}

/// Fills the file system holding `dir` with `dir/filler` until it is full.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0x5Au8; 16 * 1024];
    while f.write_all(&chunk).and_then(|()| f.flush()).is_ok() {}
    // The last few bytes a smaller write may still take.
    while f.write_all(&chunk[..512]).is_ok() {}
    let _ = f.sync_all();
    path
}

#[test]
fn disk_full_fails_with_its_sentence_writes_nothing_and_recovers() {
    let home = tempfile::tempdir().expect("dir");
    let mount = tempfile::tempdir().expect("mount point");
    // Room for the recovery's import once the filler is gone: its one transaction puts
    // about 5.6 MB into the WAL (3,000 clients, their change-log rows, encrypted pages).
    let _tmpfs = match mount_tmpfs(mount.path(), "16m") {
        Ok(t) => t,
        Err(why) => {
            println!("disk-full test skipped: {why}");
            return;
        }
    };
    let db = mount.path().join("bank.db");
    let o = run(
        home.path(),
        &db,
        &["demo", "--clients", "20", "--seed", "7"],
        "",
    );
    assert!(o.status.success(), "{:?}", text(&o));
    let file = home.path().join("big.csv");
    tagged_file(&file, 3_000_000, 3000, "rm1", "full");
    let clients = "SELECT count(*) FROM clients";
    let before = count(&db, clients);

    // A form save, from a store opened while there was room.
    let mut store = Store::open(&db).expect("open");
    let rm1 = store.login("rm1", DEMO_PASSWORD).expect("login");
    let filler = fill(mount.path());

    let o = run_as(
        home.path(),
        &db,
        "rm1",
        &["import", "clients", file.to_str().expect("utf-8")],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    assert!(
        err.contains("the disk is full") && err.contains("nothing was saved"),
        "{err}"
    );

    let mut saves = 0;
    let e = loop {
        // A few saves may still fit in pages the file already has.
        let input = client_input(3_100_000 + saves, "rm1", "full save");
        match store.create_client(&rm1, &input, true) {
            Ok(_) => saves += 1,
            Err(e) => break e,
        }
        assert!(saves < 500, "saves never ran out of space");
    };
    assert!(matches!(&e, StoreError::Sqlite(_)), "{e:?}");
    let said = e.to_string();
    assert!(
        said.contains("the disk is full") && said.contains("nothing was saved"),
        "{said}"
    );
    drop(store);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clients WHERE notes LIKE 'full %'"
        ),
        0,
        "nothing of the import was written"
    );
    assert_eq!(count(&db, clients), before + i64::from(saves));

    std::fs::remove_file(&filler).expect("free the space");
    let o = run(home.path(), &db, &["check"], "");
    assert!(o.status.success(), "{:?}", text(&o));
    let o = run_as(
        home.path(),
        &db,
        "rm1",
        &["import", "clients", file.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM clients WHERE notes LIKE 'full %'"
        ),
        3000
    );
}
