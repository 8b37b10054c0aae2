//! Tunable rules kept in the `settings` table.
use rusqlite::{params, OptionalExtension};

use super::{audit, Actor, Result, Role, Store, StoreError};

/// The settings the product knows, with their defaults (also inserted by migration 1).
pub const KNOWN: &[(&str, i64)] = &[
    ("lockout.max_attempts", 5),
    ("lockout.minutes", 15),
    ("idle_lock.minutes", 15),
    ("tier.key_min_aum", 100_000),
    ("tier.core_min_aum", 1_000_000),
    ("feedback.deadline_days", 15),
    ("cadence.core_days", 30),
    ("cadence.key_days", 90),
    ("cadence.general_days", 180),
];

fn default_of(key: &str) -> Option<i64> {
    KNOWN.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// A whole-number setting read on `conn` (inside a transaction too); the default when
/// missing or unreadable.
pub(crate) fn read_i64(conn: &rusqlite::Connection, key: &str) -> Result<i64> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    let parsed = raw.and_then(|v| v.trim().parse::<i64>().ok());
    match parsed.or_else(|| default_of(key)) {
        Some(v) => Ok(v),
        None => Err(StoreError::NotFound),
    }
}

impl Store {
    /// A whole-number setting; the default when missing or unreadable.
    pub fn setting_i64(&self, key: &str) -> Result<i64> {
        read_i64(self.conn(), key)
    }

    /// Changes a known setting (admins only; audited).
    pub fn set_setting(&mut self, actor: &Actor, key: &str, value: i64) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        if default_of(key).is_none() {
            return Err(StoreError::invalid(
                "key",
                "err.setting.unknown",
                format!("unknown setting {key}"),
            ));
        }
        if value <= 0 {
            return Err(StoreError::invalid(
                "value",
                "err.setting.positive",
                "the value must be a positive whole number",
            ));
        }
        let before = self.setting_i64(key)?.to_string();
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value.to_string()],
            )?;
            if key.starts_with("tier.") {
                let t = super::clients::Thresholds::read(tx)?;
                Store::retier_all(tx, t)?;
            }
            let after = value.to_string();
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "setting.change",
                    entity: "setting",
                    entity_id: Some(key.to_string()),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
        })
    }
}
