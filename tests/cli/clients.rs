//! Clients at the command line: import, export and search.
use super::*;

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
