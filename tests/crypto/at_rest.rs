//! Files at rest: no client data in the database, its WAL or a backup; new databases
//! encrypted with a private key file; a wrong key file; encrypt and decrypt.
use super::*;

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

#[test]
fn the_database_its_wal_and_a_backup_show_no_client_data() {
    let (dir, path, mut store, _) = with_client();
    let wal = sidecar(&path, "-wal");
    assert!(
        std::fs::metadata(&wal).expect("wal").len() > 0,
        "the WAL holds pages"
    );
    let admin = store.login("admin", PASSWORD).expect("admin");
    let backup = dir.path().join("copy.db");
    store
        .backup_to(&admin, &backup, &mut |_| {})
        .expect("backup");
    assert!(
        key_path(&backup).exists(),
        "the backup carries its key file"
    );
    assert_unreadable(&[path.clone(), wal, backup.clone()]);
    // The same check as `strings`, where the tool is there.
    if let Ok(o) = Command::new("strings").arg(&path).output() {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(!text.contains("Oakhaven") && !text.contains(MOBILE));
    }
    // And the plain SQLite tool reads nothing.
    if let Ok(o) = Command::new("sqlite3")
        .arg(&backup)
        .arg("SELECT count(*) FROM clients;")
        .output()
    {
        assert!(!o.status.success(), "sqlite3 read the backup");
        assert!(String::from_utf8_lossy(&o.stderr).contains("not a database"));
    }
}

#[test]
fn a_new_database_is_encrypted_and_its_key_file_private() {
    let (_dir, path, store, recovery) = with_client();
    assert!(store.is_encrypted());
    assert!(!cipher::is_plain(&path));
    let text = std::fs::read_to_string(key_path(&path)).expect("key file");
    assert!(!text.contains(&recovery.display().replace('-', "")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(key_path(&path))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// `rmdesk ARGS` signed in as the administrator `admin`.
fn as_admin(db: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--user", "admin"];
    all.extend_from_slice(args);
    rmdesk(db, &all, "", &[("RMDESK_PASSWORD", PASSWORD)])
}

#[test]
fn a_wrong_key_file_is_one_sentence_and_sqlcipher_says_nothing() {
    let (dir, path, store, _) = with_client();
    drop(store);
    // Another database's key file beside this one.
    let other = dir.path().join("other.db");
    let (s, _) = seeded(&other);
    drop(s);
    std::fs::copy(key_path(&other), key_path(&path)).expect("swap key files");
    let o = as_admin(&path, &["search", "x"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(
        err.contains("key file belongs to another database"),
        "{err}"
    );
    // Without its key file, the database says so.
    std::fs::remove_file(key_path(&path)).expect("remove");
    let o = as_admin(&path, &["search", "x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("encrypted one whose key file") && err.contains("is missing"),
        "{err}"
    );
}

#[test]
fn encrypt_and_decrypt_convert_a_database_and_keep_its_rows_and_chain() {
    let (dir, path, store, _) = with_client();
    drop(store);
    let plain = dir.path().join("plain.db");
    let o = as_admin(&path, &["decrypt"]);
    assert!(!o.status.success(), "decrypt needs a file");
    let o = as_admin(&path, &["decrypt", plain.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not erase it"));
    assert!(cipher::is_plain(&plain));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&plain)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let bytes = std::fs::read(&plain).expect("plain");
    assert!(contains(&bytes, "Oakhaven"), "the plain copy is plain");
    // Opening the plain copy says it is not encrypted and how to encrypt it.
    let o = as_admin(&plain, &["search", "x"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("is not encrypted") && err.contains("encrypt"),
        "{err}"
    );
    // Encrypt it back.
    let o = as_admin(&plain, &["encrypt"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("recovery key"), "{out}");
    assert!(out.contains("mgr1, mgr2, rm1, rm2"), "{out}");
    assert!(!cipher::is_plain(&plain));
    assert_unreadable(std::slice::from_ref(&plain));
    let check = as_admin(&plain, &["check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The audit log has both conversions.
    common::unlock(&plain);
    let actions: Vec<String> = common::raw(&plain)
        .expect("raw")
        .prepare("SELECT action FROM audit_log WHERE entity = 'database' ORDER BY id")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("actions");
    assert_eq!(actions, ["database.decrypt", "database.encrypt"]);
}
