//! Automatic backups and their rotation, the audit log's pages, through the store.
mod common;

use chrono::{Duration, NaiveDate};
use common::{noon, seeded, temp_db};
use rmdesk::store::audit_view::AuditFilter;
use rmdesk::store::backup::auto_backups;

#[test]
fn automatic_backups_are_taken_once_a_day_and_rotate_at_the_setting() {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    store.set_setting(&admin, "backup.keep", 3).expect("keep 3");
    let first = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    for day in 0..5 {
        let today = first + Duration::days(day);
        let taken = store.auto_backup_if_due(today).expect("backup");
        assert_eq!(
            taken.as_deref(),
            Some(
                dir.path()
                    .join(format!("backups/test-{today}.db"))
                    .as_path()
            )
        );
        // A second start the same day takes none.
        assert_eq!(store.auto_backup_if_due(today).expect("again"), None);
    }
    let names: Vec<String> = auto_backups(&path)
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "test-2026-11-22.db",
            "test-2026-11-23.db",
            "test-2026-11-24.db"
        ]
    );
    for n in &names {
        assert!(dir.path().join(format!("backups/{n}.manifest")).exists());
    }
    assert!(!dir
        .path()
        .join("backups/test-2026-11-21.db.manifest")
        .exists());
    // Each manifest is an anchor the check compares with: all agree.
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
    assert_eq!(store.last_auto_backup_failure().expect("failure"), None);
}

#[test]
fn a_failed_automatic_backup_is_audited_and_reported_until_one_succeeds() {
    let (dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    // A file where the backups folder should be.
    std::fs::write(dir.path().join("backups"), b"in the way").expect("w");
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    assert!(store.auto_backup_if_due(day).is_err());
    let (at, reason) = store
        .last_auto_backup_failure()
        .expect("read")
        .expect("a failure is reported");
    assert_eq!(at, rmdesk::store::ts(noon()));
    assert!(reason.contains("backups"), "{reason}");
    std::fs::remove_file(dir.path().join("backups")).expect("rm");
    store.auto_backup_if_due(day).expect("now it works");
    assert_eq!(store.last_auto_backup_failure().expect("read"), None);
}

#[test]
fn audit_pages_walk_back_by_id_with_filters() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    for i in 0..30 {
        store
            .create_branch(&admin, &format!("9{i:03}"), "Extra")
            .expect("branch");
    }
    let all = AuditFilter::default();
    let first = store.audit_page(&admin, &all, None, 10).expect("page");
    assert_eq!(first.len(), 10);
    let second = store
        .audit_page(&admin, &all, first.last().map(|r| r.id), 10)
        .expect("page");
    assert_eq!(second.first().map(|r| r.id), first.last().map(|r| r.id - 1));
    let branches = AuditFilter {
        action: Some("branch.create".into()),
        ..AuditFilter::default()
    };
    let mut seen = 0;
    let mut before = None;
    loop {
        let page = store
            .audit_page(&admin, &branches, before, 7)
            .expect("page");
        let Some(last) = page.last() else { break };
        assert!(page.iter().all(|r| r.action == "branch.create"));
        before = Some(last.id);
        seen += page.len();
    }
    assert_eq!(seen, 32);
    let later = AuditFilter {
        from: Some(noon() + Duration::hours(1)),
        ..AuditFilter::default()
    };
    assert!(store
        .audit_page(&admin, &later, None, 10)
        .expect("page")
        .is_empty());
    let rm = store.login("rm1", common::PASSWORD).expect("rm");
    assert!(store.audit_page(&rm, &all, None, 10).is_err());
}
