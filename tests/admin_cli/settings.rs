//! Settings at the command line: meaning and bounds shown, out-of-bounds values refused,
//! changes audited.
use super::*;

#[test]
fn settings_show_meaning_and_bounds_refuse_out_of_bounds_and_audit_changes() {
    let (dir, db) = demo(5);
    let d = dir.path();
    let all = ok(&run(d, &db, &["settings"], Some("admin")));
    assert!(all.contains("backup.keep = 14 backups"), "{all}");
    assert!(all.contains("lockout.max_attempts = 5 attempts"), "{all}");
    assert_eq!(all.lines().count(), 14, "{all}");
    let one = ok(&run(
        d,
        &db,
        &["settings", "get", "idle_lock.minutes"],
        Some("admin"),
    ));
    assert!(one.contains("bounds: from 1 to 60 minutes"), "{one}");
    let err = failed(&run(
        d,
        &db,
        &["settings", "set", "idle_lock.minutes", "600"],
        Some("admin"),
    ));
    assert!(
        err.contains("must be from 1 to 60 minutes; 600 is out of bounds"),
        "{err}"
    );
    let err = failed(&run(
        d,
        &db,
        &["settings", "set", "tier.core_min_aum", "50000"],
        Some("admin"),
    ));
    assert!(
        err.contains("must be from 100000 to 1000000000 yuan"),
        "{err}"
    );
    let out = ok(&run(
        d,
        &db,
        &["settings", "set", "backup.keep", "7"],
        Some("admin"),
    ));
    assert_eq!(out.trim(), "backup.keep: 14 → 7");
    let c = common::raw(&db).expect("raw");
    let (before, after): (String, String) = c
        .query_row(
            "SELECT before, after FROM audit_log WHERE action = 'setting.change' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("audited");
    assert_eq!((before.as_str(), after.as_str()), ("14", "7"));
    let rm = failed(&run(
        d,
        &db,
        &["settings", "set", "backup.keep", "9"],
        Some("rm1"),
    ));
    assert!(rm.contains("only an administrator"), "{rm}");
}
