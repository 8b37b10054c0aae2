//! Tunable rules kept in the `settings` table.
use rusqlite::{params, OptionalExtension};

use super::{audit, Actor, Result, Role, Store, StoreError};

/// One setting: what it means, its unit, bounds and default. The screen shows the
/// meaning from the catalogue (`setting.KEY`); the command line shows `meaning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Key in the `settings` table.
    pub key: &'static str,
    /// What it governs (English, for the command line).
    pub meaning: &'static str,
    /// Unit of the value (English, for the command line).
    pub unit: &'static str,
    /// Smallest value allowed.
    pub min: i64,
    /// Largest value allowed.
    pub max: i64,
    /// Value of a new database.
    pub default: i64,
}

const fn spec(
    key: &'static str,
    meaning: &'static str,
    unit: &'static str,
    (min, max): (i64, i64),
    default: i64,
) -> Spec {
    Spec {
        key,
        meaning,
        unit,
        min,
        max,
        default,
    }
}

/// Every setting the product knows, in the order the screen lists them.
pub const SPECS: &[Spec] = &[
    spec(
        "tier.key_min_aum",
        "AUM from which a client is a key client (重点)",
        "yuan",
        (10_000, 100_000_000),
        100_000,
    ),
    spec(
        "tier.core_min_aum",
        "AUM from which a client is a core client (核心); above the key threshold",
        "yuan",
        (100_000, 1_000_000_000),
        1_000_000,
    ),
    spec(
        "feedback.deadline_days",
        "days to resolve a complaint from its receipt",
        "days",
        (1, 90),
        15,
    ),
    spec(
        "cadence.core_days",
        "longest a core client may go without contact",
        "days",
        (7, 365),
        30,
    ),
    spec(
        "cadence.key_days",
        "longest a key client may go without contact",
        "days",
        (7, 365),
        90,
    ),
    spec(
        "cadence.general_days",
        "longest a general client may go without contact",
        "days",
        (30, 730),
        180,
    ),
    spec(
        "lockout.max_attempts",
        "failed sign-ins in a row that lock an account",
        "attempts",
        (3, 10),
        5,
    ),
    spec(
        "lockout.minutes",
        "how long a locked account stays locked",
        "minutes",
        (5, 1440),
        15,
    ),
    spec(
        "idle_lock.minutes",
        "idle time after which the screen locks",
        "minutes",
        (1, 60),
        15,
    ),
    spec(
        "backup.keep",
        "automatic daily backups kept (the oldest beyond are deleted)",
        "backups",
        (1, 365),
        14,
    ),
    spec(
        "churn.aum_drop_pct",
        "fall in AUM, over churn.aum_drop_days, that flags a client as at risk of leaving",
        "percent",
        (1, 100),
        30,
    ),
    spec(
        "churn.aum_drop_days",
        "the span over which the fall in AUM is measured",
        "days",
        (7, 730),
        90,
    ),
    spec(
        "churn.maturity_grace_days",
        "days after a maturity without a new holding that flag a client as at risk",
        "days",
        (1, 365),
        14,
    ),
    spec(
        "care.birthday_days",
        "how many days ahead home lists coming birthdays",
        "days",
        (1, 60),
        7,
    ),
];

impl Spec {
    /// The value used when the table holds `raw` (or nothing): see [`bounded`]. Head
    /// office reads a branch's settings through it, as the branch does.
    pub fn value(&self, raw: Option<&str>) -> i64 {
        bounded(self, raw)
    }
}

/// The spec of `key`.
pub fn spec_of(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// The value used for `raw` as the setting `s`: the default when unreadable, else held
/// within the setting's bounds, so arithmetic on it cannot overflow whatever the table
/// holds.
fn bounded(s: &Spec, raw: Option<&str>) -> i64 {
    raw.and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(s.default, |v| v.clamp(s.min, s.max))
}

/// A whole-number setting read on `conn` (inside a transaction too); the default when
/// missing or unreadable, and never outside the setting's bounds ([`SPECS`]).
pub(crate) fn read_i64(conn: &rusqlite::Connection, key: &str) -> Result<i64> {
    let Some(k) = spec_of(key) else {
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
    /// Every setting with its current value, in [`SPECS`] order.
    pub fn all_settings(&self) -> Result<Vec<(&'static Spec, i64)>> {
        SPECS
            .iter()
            .map(|s| Ok((s, self.setting_i64(s.key)?)))
            .collect()
    }

    /// A whole-number setting; the default when missing or unreadable.
    pub fn setting_i64(&self, key: &str) -> Result<i64> {
        read_i64(self.conn(), key)
    }

    /// Changes a known setting (admins only; audited).
    pub fn set_setting(&mut self, actor: &Actor, key: &str, value: i64) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let Some(spec) = spec_of(key) else {
            return Err(StoreError::invalid(
                "key",
                "err.setting.unknown",
                format!("unknown setting {key}"),
            ));
        };
        if value < spec.min || value > spec.max {
            return Err(StoreError::invalid(
                "value",
                "err.setting.bounds",
                format!(
                    "{key} must be from {} to {} {}; {value} is out of bounds",
                    spec.min, spec.max, spec.unit
                ),
            ));
        }
        let (key_min, core_min) = match key {
            "tier.key_min_aum" => (value, self.setting_i64("tier.core_min_aum")?),
            "tier.core_min_aum" => (self.setting_i64("tier.key_min_aum")?, value),
            _ => (0, 1),
        };
        if key_min >= core_min {
            return Err(StoreError::invalid(
                "value",
                "err.setting.tiers",
                format!(
                    "the core threshold ({core_min}) must be above the key threshold ({key_min})"
                ),
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

    fn k(key: &str) -> &'static Spec {
        spec_of(key).expect("known")
    }

    #[test]
    fn absurd_values_are_held_to_their_bounds() {
        let lock = k("lockout.minutes");
        assert_eq!(bounded(lock, Some("9223372036854775807")), 1440);
        assert_eq!(bounded(lock, Some("-9223372036854775808")), 5);
        assert_eq!(bounded(lock, Some("0")), 5);
        assert_eq!(bounded(lock, Some(" 30 ")), 30);
        assert_eq!(
            bounded(lock, Some("99999999999999999999999")),
            15,
            "unreadable"
        );
        assert_eq!(bounded(lock, Some("fifteen")), 15);
        assert_eq!(bounded(lock, None), 15);
        assert_eq!(bounded(k("feedback.deadline_days"), Some("100000")), 90);
        // The arithmetic done on the largest values cannot overflow.
        for s in SPECS {
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
        assert_eq!(read_i64(&conn, "lockout.minutes").expect("read"), 1440);
        assert_eq!(read_i64(&conn, "cadence.core_days").expect("read"), 7);
        assert_eq!(read_i64(&conn, "idle_lock.minutes").expect("read"), 15);
        assert!(matches!(
            read_i64(&conn, "no.such"),
            Err(StoreError::NotFound)
        ));
    }
}
