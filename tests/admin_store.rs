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

#[test]
fn the_viewer_and_its_export_mask_personal_data_and_sign_out_anchors_the_head() {
    let (dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    // An entry holding personal data in full (as an older version might have written).
    let raw = common::raw(&path).expect("raw");
    raw.execute(
        "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, before, after, prev_hash, hash)
         SELECT max(id) + 1, '2026-11-23T04:00:00Z', 1, 'admin', 'client.update', 'client', '7',
                'mobile=13812345678', 'id_number=110101199003077822 email=wang.wu@example.cn', '', ''
         FROM audit_log",
        [],
    )
    .expect("insert");
    let page = store
        .audit_page(&admin, &AuditFilter::default(), None, 1)
        .expect("page");
    assert_eq!(page[0].before.as_deref(), Some("mobile=138****5678"));
    assert_eq!(
        page[0].after.as_deref(),
        Some("id_number=1101**********7822 email=w***@example.cn")
    );
    let csv = dir.path().join("audit.csv");
    let n = store
        .export_audit_csv(&admin, &AuditFilter::default(), &csv)
        .expect("export");
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(text.lines().count(), n + 1);
    assert!(
        text.contains("138****5678") && !text.contains("13812345678"),
        "{text}"
    );
    assert!(!text.contains("110101199003077822"), "{text}");

    let before = rmdesk::store::anchor::read_anchors(&path).len();
    store.record_logout(&admin).expect("sign out");
    let anchors = rmdesk::store::anchor::read_anchors(&path);
    assert_eq!(anchors.len(), before + 1);
    let last = anchors.last().expect("anchor");
    assert_eq!(last.kind, rmdesk::store::anchor::Kind::SignOut);
    assert_eq!(last.head, store.chain_head().expect("head"));
}
