//! A backup taken while another process imports.
use super::*;

fn import_file(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("import.csv");
    let mut f = std::fs::File::create(&path).expect("csv");
    writeln!(f, "client_no,kind,name,gender,birth_date,id_type,id_number,mobile,email,address,occupation,risk_level,risk_assessed_on,status,owner,notes").expect("w");
    for i in 0..n {
        writeln!(
            f,
            ",individual,Imported {i},,,other,IMP{i:07},,,,,C3,2026-01-05,active,rm1,"
        )
        .expect("w");
    }
    path
}

#[test]
fn a_backup_taken_while_another_process_imports_is_consistent_and_passes_check() {
    let (dir, db) = demo(50);
    let csv = import_file(dir.path(), 20_000);
    let mut import = cmd(
        dir.path(),
        &db,
        &["import", "clients", csv.to_str().expect("utf-8")],
        Some("manager"),
    )
    .spawn()
    .expect("import runs");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = dir.path().join("during.db");
    let out = ok(&run(
        dir.path(),
        &db,
        &["backup", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(out.contains("backup written"), "{out}");
    let import = import.wait().expect("import ends");
    assert!(import.success());
    // The import is one transaction: the copy has all of it or none of it.
    let clients = count(&backup, "SELECT count(*) FROM clients");
    assert!(clients == 50 || clients == 20_050, "{clients} clients");
    assert_eq!(count(&db, "SELECT count(*) FROM clients"), 20_050);
    let manifest =
        std::fs::read_to_string(dir.path().join("during.db.manifest")).expect("manifest");
    assert!(
        manifest.contains(&format!("clients = {clients}")),
        "{manifest}"
    );
    assert!(manifest.contains("user = \"admin\""), "{manifest}");
    assert!(
        manifest.contains(&format!(
            "schema_version = {}",
            rmdesk::store::LATEST_VERSION
        )),
        "{manifest}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(!dir.path().join("during.db.partial").exists());
    let out = ok(&run(dir.path(), &backup, &["check"], Some("admin")));
    assert!(out.contains("audit chain ok"), "{out}");
    assert!(ok(&run(dir.path(), &db, &["check"], Some("admin"))).contains("anchors ok"));
    // A backup never overwrites.
    let again = failed(&run(
        dir.path(),
        &db,
        &["backup", backup.to_str().expect("utf-8")],
        Some("admin"),
    ));
    assert!(again.contains("already exists"), "{again}");
}
