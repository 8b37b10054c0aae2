//! The audit log at the command line: newest first, filters, a masked CSV export.
use super::*;

#[test]
fn audit_lists_newest_first_filters_and_exports_masked_csv() {
    let (dir, db) = demo(20);
    let d = dir.path();
    // A manager reads the log too; their sign-in is in it.
    ok(&run(d, &db, &["audit", "--limit", "1"], Some("manager")));
    let out = ok(&run(
        d,
        &db,
        &["audit", "--by", "manager", "--limit", "3"],
        Some("admin"),
    ));
    assert!(out.contains(" manager login "), "{out}");
    assert!(out.lines().all(|l| l.contains(" manager ")), "{out}");
    let ids: Vec<i64> = ok(&run(d, &db, &["audit", "--limit", "10"], Some("admin")))
        .lines()
        .filter_map(|l| l.strip_prefix('#')?.split(' ').next()?.parse().ok())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let none = ok(&run(
        d,
        &db,
        &["audit", "--action", "no.such"],
        Some("admin"),
    ));
    assert_eq!(none.trim(), "no audit entries match");
    let csv = d.join("audit.csv");
    let out = ok(&run(
        d,
        &db,
        &[
            "audit",
            "--action",
            "login",
            "--csv",
            csv.to_str().expect("utf-8"),
        ],
        Some("admin"),
    ));
    assert!(out.contains("audit entries written"), "{out}");
    let body = std::fs::read_to_string(&csv).expect("csv");
    assert!(body.starts_with("\u{feff}id,at,user,action"), "{body}");
    assert!(
        body.lines().skip(1).all(|l| l.contains(",login,")),
        "{body}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM audit_log WHERE action = 'audit.export'"
        ),
        1
    );
    let rm = failed(&run(d, &db, &["audit"], Some("rm1")));
    assert!(rm.contains("not allowed"), "{rm}");
    let bad = failed(&run(
        d,
        &db,
        &["audit", "--from", "30/11/2026"],
        Some("admin"),
    ));
    assert!(bad.contains("YYYY-MM-DD"), "{bad}");
}
