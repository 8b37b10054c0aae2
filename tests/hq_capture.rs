//! Change capture for head office: every business table is captured or excluded on
//! purpose, every write appends to the change log in its own transaction, and migration
//! 9 logs the rows already there.
mod common;

use std::collections::BTreeSet;

use common::{seeded, temp_db};
use rmdesk::store::changelog::{CAPTURED, EXCLUDED};
use rmdesk::store::Store;

/// The tables of a database, less SQLite's own and full-text shadow tables.
fn tables(path: &std::path::Path) -> BTreeSet<String> {
    let conn = common::raw(path).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT name FROM pragma_table_list WHERE schema = 'main'
             AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%'",
        )
        .expect("prepare");
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<Result<BTreeSet<_>, _>>()
        .expect("names");
    names
}

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = common::raw(path).expect("open");
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn every_table_is_captured_or_excluded_on_purpose() {
    let (_dir, path) = temp_db();
    drop(seeded(&path));
    let listed: BTreeSet<String> = CAPTURED
        .iter()
        .map(|c| c.table.to_string())
        .chain(EXCLUDED.iter().map(|(t, _)| t.to_string()))
        .collect();
    let found = tables(&path);
    let unlisted: Vec<&String> = found.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "tables neither captured nor excluded (add them to store::changelog::CAPTURED or EXCLUDED): {unlisted:?}"
    );
    let gone: Vec<&String> = listed.difference(&found).collect();
    assert!(gone.is_empty(), "listed tables that do not exist: {gone:?}");
    assert!(
        CAPTURED.iter().any(|c| c.table == "audit_log"),
        "the audit log is captured"
    );
}

#[test]
fn capture_triggers_follow_their_tables_columns() {
    let (_dir, path) = temp_db();
    let (store, _admin) = seeded(&path);
    assert_eq!(
        store.change_capture_problems().expect("check"),
        Vec::<String>::new()
    );
    drop(store);
    // A column added to a captured table without writing the triggers again is found.
    let conn = common::raw(&path).expect("open");
    conn.execute_batch("ALTER TABLE products ADD COLUMN colour TEXT")
        .expect("alter");
    drop(conn);
    let store = Store::open(&path).expect("open");
    let problems = store.change_capture_problems().expect("check");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("change_log_products_insert") && p.contains("columns of products")),
        "{problems:?}"
    );
}

#[test]
fn a_write_and_its_change_are_one_transaction() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let before = store.last_change_seq().expect("seq");
    store
        .create_branch(&admin, "0303", "North")
        .expect("branch");
    let changes = store.changes_after(&admin, before, 100).expect("changes");
    let tables: Vec<&str> = changes.iter().map(|c| c.table.as_str()).collect();
    assert!(tables.contains(&"branches"), "{tables:?}");
    assert!(
        tables.contains(&"audit_log"),
        "the audit entry is captured too: {tables:?}"
    );
    let branch = changes
        .iter()
        .find(|c| c.table == "branches")
        .expect("branch change");
    assert_eq!(branch.op, "insert");
    assert!(branch.row.contains("\"code\":\"0303\""), "{}", branch.row);
    // A refused write leaves no change behind.
    let seq = store.last_change_seq().expect("seq");
    assert!(store.create_branch(&admin, "0303", "Again").is_err());
    assert_eq!(store.last_change_seq().expect("seq"), seq);
    // An update is captured with the whole row after it.
    let conn = common::raw(&path).expect("open");
    conn.execute(
        "UPDATE branches SET name = 'North Side' WHERE code = '0303'",
        [],
    )
    .expect("update");
    let last = store.changes_after(&admin, seq, 10).expect("changes");
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].op, "update");
    assert!(
        last[0].row.contains("\"name\":\"North Side\"")
            && last[0].row.contains("\"code\":\"0303\"")
    );
    // The log is append-only.
    assert!(conn.execute("DELETE FROM change_log", []).is_err());
    assert!(conn
        .execute("UPDATE change_log SET op = 'insert'", [])
        .is_err());
}

#[test]
fn password_hashes_never_enter_the_change_log() {
    let (_dir, path) = temp_db();
    let (store, admin) = seeded(&path);
    let changes = store.changes_after(&admin, 0, 10_000).expect("changes");
    let users: Vec<_> = changes.iter().filter(|c| c.table == "users").collect();
    assert!(!users.is_empty());
    assert!(users
        .iter()
        .all(|c| !c.row.contains("password_hash") && !c.row.contains("$argon2")));
}

#[test]
fn only_administrators_read_the_change_log() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm = store.login("rm1", common::PASSWORD).expect("login");
    assert!(store.changes_after(&rm, 0, 10).is_err());
}

#[test]
fn the_migration_logs_every_row_already_there() {
    let (_dir, path) = temp_db();
    drop(seeded(&path));
    // Take the file back to before migration 9 (the objects of migrations 11 to 16 go
    // too: they are made anew).
    let conn = common::raw(&path).expect("open");
    common::drop_change_capture(&conn);
    common::drop_migrations_11_to_16(&conn);
    conn.execute_batch("PRAGMA user_version = 8")
        .expect("downgrade");
    drop(conn);
    drop(Store::open(&path).expect("migrate"));
    for c in CAPTURED {
        let rows = count(&path, &format!("SELECT count(*) FROM {}", c.table));
        let logged = count(
            &path,
            &format!(
                "SELECT count(DISTINCT row_key) FROM change_log WHERE tbl = '{}'",
                c.table
            ),
        );
        assert_eq!(logged, rows, "{}", c.table);
    }
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM change_log WHERE op != 'insert'"
        ),
        0
    );
    // Parents come before their children.
    let first_client = count(
        &path,
        "SELECT coalesce(min(seq), 0) FROM change_log WHERE tbl = 'users'",
    );
    let first_branch = count(
        &path,
        "SELECT min(seq) FROM change_log WHERE tbl = 'branches'",
    );
    assert!(first_branch < first_client);
}
