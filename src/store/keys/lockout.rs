//! Failed sign-ins in a row and lockouts, kept in the key file so that sign-in applies
//! them before the database opens.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::KeyFile;

/// A user's failed sign-ins in a row and lockout, known before the database opens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Lockout {
    pub(super) name: String,
    pub(super) failures: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) locked_until: Option<String>,
}

impl KeyFile {
    /// Copies the lockout policy (from the settings) so sign-in can apply it before the
    /// database is open. Returns whether anything changed.
    pub fn set_policy(&mut self, max_attempts: i64, lock_minutes: i64) -> bool {
        let changed = self.max_attempts != max_attempts || self.lock_minutes != lock_minutes;
        self.max_attempts = max_attempts;
        self.lock_minutes = lock_minutes;
        changed
    }

    /// Whether `name` is locked out at `now`.
    pub fn is_locked(&self, name: &str, now: DateTime<Utc>) -> bool {
        self.lockouts
            .iter()
            .find(|l| l.name == name)
            .and_then(|l| l.locked_until.as_deref())
            .and_then(crate::store::parse_ts)
            .is_some_and(|until| until > now)
    }

    /// Counts a failed sign-in for `name`; the policy's number in a row locks the
    /// account. Returns whether anything changed (a name without a wrap changes nothing).
    pub fn record_failure(&mut self, name: &str, now: DateTime<Utc>) -> bool {
        if self.wraps_of(name) == 0 {
            return false;
        }
        let (max, minutes) = (self.max_attempts.max(1), self.lock_minutes.max(1));
        let i = match self.lockouts.iter().position(|l| l.name == name) {
            Some(i) => i,
            None => {
                self.lockouts.push(Lockout {
                    name: name.to_string(),
                    failures: 0,
                    locked_until: None,
                });
                self.lockouts.len() - 1
            }
        };
        let l = &mut self.lockouts[i];
        l.failures += 1;
        if l.failures >= max {
            l.failures = 0;
            l.locked_until = Some(crate::store::ts(now + Duration::minutes(minutes)));
        }
        true
    }

    /// Clears `name`'s failures and lockout (a good sign-in, an administrator's unlock);
    /// whether anything changed.
    pub fn record_success(&mut self, name: &str) -> bool {
        let before = self.lockouts.len();
        self.lockouts.retain(|l| l.name != name);
        self.lockouts.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::keys::DataKey;

    #[test]
    fn failures_lock_after_the_policy_and_success_clears_them() {
        let key = DataKey::generate();
        let (mut file, _) = KeyFile::new(&key);
        file.add_wrap("ada", "first password", &key);
        file.set_policy(3, 10);
        let now = crate::store::parse_ts("2026-11-23T04:00:00Z").expect("instant");
        assert!(file.record_failure("ada", now));
        assert!(file.record_failure("ada", now));
        assert!(!file.is_locked("ada", now));
        assert!(file.record_failure("ada", now));
        assert!(file.is_locked("ada", now));
        assert!(!file.is_locked("ada", now + Duration::minutes(11)));
        assert!(!file.record_failure("nobody", now));
        assert!(file.record_success("ada"));
        assert!(!file.is_locked("ada", now));
        assert!(!file.record_success("ada"));
    }
}
