//! Tunable rules kept in the `settings` table.
use rusqlite::{params, OptionalExtension};

use super::{audit, Actor, Result, Role, Store, StoreError};

/// A setting the product knows: its default (also inserted by migration 1) and the
/// bounds every value read is held to, so arithmetic on it cannot overflow whatever the
/// table holds.
#[derive(Debug, Clone, Copy)]
pub struct Known {
    /// The key in the `settings` table.
    pub key: &'static str,
    /// The value when the row is missing or unreadable.
    pub default: i64,
    /// The smallest value used.
    pub min: i64,
    /// The largest value used.
    pub max: i64,
}

const fn known(key: &'static str, default: i64, min: i64, max: i64) -> Known {
    Known {
        key,
        default,
        min,
        max,
    }
}

/// A day in minutes.
const DAY_MINUTES: i64 = 24 * 60;
/// Ten years in days.
const TEN_YEARS_DAYS: i64 = 3_653;
/// A thousand billion yuan: more than any client's assets, and far from overflowing
/// when counted in fen.
const MAX_AUM_YUAN: i64 = 1_000_000_000_000;

/// The settings the product knows.
pub const KNOWN: &[Known] = &[
    known("lockout.max_attempts", 5, 1, 100),
    known("lockout.minutes", 15, 1, DAY_MINUTES),
    known("idle_lock.minutes", 15, 1, DAY_MINUTES),
    known("tier.key_min_aum", 100_000, 1, MAX_AUM_YUAN),
    known("tier.core_min_aum", 1_000_000, 1, MAX_AUM_YUAN),
    known("feedback.deadline_days", 15, 1, 365),
    known("cadence.core_days", 30, 1, TEN_YEARS_DAYS),
    known("cadence.key_days", 90, 1, TEN_YEARS_DAYS),
    known("cadence.general_days", 180, 1, TEN_YEARS_DAYS),
    // Churn warnings: a client whose AUM fell by at least this percent …
    known("churn.aum_drop_pct", 30, 1, 100),
    // … over this many days;
    known("churn.aum_drop_days", 90, 1, TEN_YEARS_DAYS),
    // a holding matured this many days ago or more without a new holding since.
    known("churn.maturity_grace_days", 14, 1, 365),
];

fn known_of(key: &str) -> Option<&'static Known> {
    KNOWN.iter().find(|k| k.key == key)
}

/// The value used for `raw` as the setting `k`: the default when unreadable, else held
/// within the setting's bounds.
fn bounded(k: &Known, raw: Option<&str>) -> i64 {
    raw.and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(k.default, |v| v.clamp(k.min, k.max))
}

/// A whole-number setting read on `conn` (inside a transaction too); the default when
/// missing or unreadable, and never outside the setting's bounds ([`KNOWN`]).
pub(crate) fn read_i64(conn: &rusqlite::Connection, key: &str) -> Result<i64> {
    let Some(k) = known_of(key) else {
        return Err(StoreError::NotFound);
    };
    let raw: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(bounded(k, raw.as_deref()))
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
        let Some(k) = known_of(key) else {
            return Err(StoreError::invalid(
                "key",
                "err.setting.unknown",
                format!("unknown setting {key}"),
            ));
        };
        if value <= 0 {
            return Err(StoreError::invalid(
                "value",
                "err.setting.positive",
                "the value must be a positive whole number",
            ));
        }
        if !(k.min..=k.max).contains(&value) {
            return Err(StoreError::invalid(
                "value",
                "err.setting.range",
                format!("{key} is between {} and {}", k.min, k.max),
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
                Store::retier_all(tx, t, &super::ts(now))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn k(key: &str) -> &'static Known {
        known_of(key).expect("known")
    }

    #[test]
    fn absurd_values_are_held_to_their_bounds() {
        let lock = k("lockout.minutes");
        assert_eq!(bounded(lock, Some("9223372036854775807")), DAY_MINUTES);
        assert_eq!(bounded(lock, Some("-9223372036854775808")), 1);
        assert_eq!(bounded(lock, Some("0")), 1);
        assert_eq!(bounded(lock, Some(" 30 ")), 30);
        assert_eq!(
            bounded(lock, Some("99999999999999999999999")),
            15,
            "unreadable"
        );
        assert_eq!(bounded(lock, Some("fifteen")), 15);
        assert_eq!(bounded(lock, None), 15);
        assert_eq!(bounded(k("feedback.deadline_days"), Some("100000")), 365);
        // The arithmetic done on the largest values cannot overflow.
        for s in KNOWN {
            assert!(
                s.min >= 1 && s.min <= s.default && s.default <= s.max,
                "{}",
                s.key
            );
        }
        let minutes = bounded(k("idle_lock.minutes"), Some(&i64::MAX.to_string()));
        assert!(u64::try_from(minutes)
            .expect("positive")
            .checked_mul(60)
            .is_some());
        assert!(
            chrono::Duration::try_minutes(bounded(lock, Some(&i64::MAX.to_string()))).is_some()
        );
        let aum = bounded(k("tier.core_min_aum"), Some(&i64::MAX.to_string()));
        assert!(aum.checked_mul(100).is_some(), "thresholds in fen fit");
    }

    #[test]
    fn a_stored_absurd_value_is_read_within_bounds() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO settings VALUES ('lockout.minutes', '9223372036854775807'),
                                         ('cadence.core_days', '-5');",
        )
        .expect("settings");
        assert_eq!(
            read_i64(&conn, "lockout.minutes").expect("read"),
            DAY_MINUTES
        );
        assert_eq!(read_i64(&conn, "cadence.core_days").expect("read"), 1);
        assert_eq!(read_i64(&conn, "idle_lock.minutes").expect("read"), 15);
        assert!(matches!(
            read_i64(&conn, "no.such"),
            Err(StoreError::NotFound)
        ));
    }
}
