//! Numbered migrations cut from `schema.sql` at its `-- migration: N` lines.
use rusqlite::{Connection, TransactionBehavior};

use super::{StoreError, APPLICATION_ID};

const SCHEMA: &str = include_str!("../../schema.sql");

/// The whole of `schema.sql` (the check compares the audit triggers with it).
pub(crate) fn schema_text() -> &'static str {
    SCHEMA
}

/// The schema version this build writes: the last migration in `schema.sql`.
pub const LATEST_VERSION: u32 = 16;

/// Work a migration needs that SQL cannot do, run after its SQL in the same transaction:
/// migration 3 rewrites every client's full-text terms (pinyin initials are computed in
/// Rust) without the phone fragments it moved to `client_phone`; migration 4 writes every
/// client's name sort key (pinyin) and every visit's words into `visit_text`; migration 9
/// creates the change capture triggers from `changelog::CAPTURED` and logs every row;
/// migration 11 writes every client's contribution (exact decimals).
type Step = fn(&Connection) -> Result<(), StoreError>;
const RUST_STEPS: &[(u32, Step)] = &[
    (3, super::clients_write::rebuild_search),
    (4, super::clients_write::rebuild_name_keys),
    (4, super::visits::rebuild_visit_text),
    (9, super::changelog::install),
    (11, super::reports::precomputed::rebuild_contributions),
];

/// The migrations of `schema.sql`, as (number, SQL), in order. A migration starts at a
/// line that is exactly `-- migration: N`; text before the first one is the file's preface.
pub(crate) fn migrations() -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for line in SCHEMA.lines() {
        let number = line
            .strip_prefix("-- migration: ")
            .and_then(|n| n.trim().parse::<u32>().ok());
        match (number, out.last_mut()) {
            (Some(n), _) => out.push((n, String::new())),
            (None, Some((_, sql))) => {
                sql.push_str(line);
                sql.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Applies every migration above the database's `user_version`, each in its own
/// immediate transaction together with the version bump.
pub(crate) fn apply(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (number, sql) in migrations() {
        if i64::from(number) <= current {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another instance may have migrated meanwhile.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if i64::from(number) <= now {
            continue;
        }
        tx.execute_batch(&sql)?;
        for (_, step) in RUST_STEPS.iter().filter(|(n, _)| *n == number) {
            step(&tx)?;
        }
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {number};"
        ))?;
        tx.commit()?;
        tracing::info!(migration = number, "schema migration applied");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_end_at_latest() {
        let m = migrations();
        assert!(!m.is_empty());
        for (i, (n, sql)) in m.iter().enumerate() {
            assert_eq!(*n as usize, i + 1, "migrations must be numbered 1, 2, 3, …");
            assert!(sql.contains("CREATE") || sql.contains("ALTER"));
        }
        assert_eq!(m.first().map(|(n, _)| *n), Some(1));
        assert_eq!(m.last().map(|(n, _)| *n), Some(LATEST_VERSION));
    }
}
