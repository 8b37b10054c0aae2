//! Passwords (Argon2id PHC strings), login with lockout, password change, screen lock.
use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::Duration;
use rusqlite::{params, OptionalExtension};

use super::{audit, parse_ts, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::password;

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    // The parameters are constants inside Argon2's accepted ranges.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` into a PHC string with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `phc`. A malformed string never matches.
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the username does not exist, so that an unknown user
/// costs the same time as a known one.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that never matches").unwrap_or_default())
}

struct LoginRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    branch_id: Option<i64>,
    password_hash: String,
    must_change: bool,
    failed: i64,
    locked_until: Option<String>,
    disabled: bool,
}

/// The acting user a checked login row makes.
fn actor_of(row: LoginRow) -> Result<Actor> {
    let role = row
        .role
        .parse::<Role>()
        .map_err(|e| StoreError::invalid("role", "err.role", e.to_string()))?;
    Ok(Actor {
        user_id: row.id,
        username: row.username,
        display_name: row.display_name,
        role,
        branch_id: row.branch_id,
        must_change_password: row.must_change,
    })
}

impl Store {
    fn login_row(&self, username: &str) -> Result<Option<LoginRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, username, display_name, role, branch_id, password_hash,
                        must_change_password, failed_attempts, locked_until, disabled
                 FROM users WHERE username = ?1",
                [username.trim()],
                |r| {
                    Ok(LoginRow {
                        id: r.get(0)?,
                        username: r.get(1)?,
                        display_name: r.get(2)?,
                        role: r.get(3)?,
                        branch_id: r.get(4)?,
                        password_hash: r.get(5)?,
                        must_change: r.get::<_, i64>(6)? != 0,
                        failed: r.get(7)?,
                        locked_until: r.get(8)?,
                        disabled: r.get::<_, i64>(9)? != 0,
                    })
                },
            )
            .optional()?)
    }

    /// Checks a username and password. Wrong name, wrong password, a locked or a disabled
    /// account all give [`StoreError::InvalidCredentials`] after the same Argon2 work.
    /// Each failure counts; the configured number in a row locks the account for the
    /// configured minutes. Every outcome is audited.
    ///
    /// On an encrypted database not yet open ([`Store::is_sealed`]) the password first
    /// unwraps the data key from the key file, which opens the database; the failures
    /// of that step are counted in the key file.
    pub fn login(&mut self, username: &str, password: &str) -> Result<Actor> {
        let unsealed = if self.is_sealed() {
            Some(self.unseal_with_password(username, password)?)
        } else {
            None
        };
        match self.authenticate(username, password, "login") {
            Ok(actor) => {
                self.after_sign_in(&actor.username, password, unsealed);
                Ok(actor)
            }
            Err(e) => {
                if unsealed.is_some() {
                    // The key opened but the database refuses (disabled, locked): it
                    // stays closed.
                    self.seal_again();
                }
                Err(e)
            }
        }
    }

    /// Unlocks a locked screen for `actor`: the same checks and counting as a login.
    pub fn unlock_screen(&mut self, actor: &Actor, password: &str) -> Result<Actor> {
        self.authenticate(&actor.username, password, "unlock")
    }

    fn authenticate(
        &mut self,
        username: &str,
        password: &str,
        action: &'static str,
    ) -> Result<Actor> {
        let row = self.login_row(username)?;
        let matches = verify_password(
            row.as_ref()
                .map_or(decoy_hash(), |r| r.password_hash.as_str()),
            password,
        );
        let max_attempts = self.setting_i64("lockout.max_attempts")?;
        let lock_minutes = self.setting_i64("lockout.minutes")?;
        let typed = username.trim().to_string();
        if self.is_damaged() {
            // A damaged file is read, never written: the same checks, nothing counted
            // or audited.
            let now = self.now();
            let usable = row.filter(|r| {
                let locked = r
                    .locked_until
                    .as_deref()
                    .and_then(parse_ts)
                    .is_some_and(|until| until > now);
                matches && !r.disabled && !locked
            });
            return actor_of(usable.ok_or(StoreError::InvalidCredentials)?);
        }
        let failed_action = if action == "login" {
            "login_failed"
        } else {
            "unlock_failed"
        };
        let outcome = self.write(|tx, now| {
            let Some(row) = row else {
                let who = audit::Who { user_id: None, username: &typed };
                audit::append(tx, now, who, audit::Entry::new(failed_action, "session", None))?;
                return Ok(None);
            };
            let who = audit::Who { user_id: Some(row.id), username: &row.username };
            if row.disabled {
                audit::append(tx, now, who, audit::Entry::new("login_refused_disabled", "user", Some(row.id)))?;
                return Ok(None);
            }
            let locked = row
                .locked_until
                .as_deref()
                .and_then(parse_ts)
                .is_some_and(|until| until > now);
            if locked {
                audit::append(tx, now, who, audit::Entry::new("login_refused_locked", "user", Some(row.id)))?;
                return Ok(None);
            }
            if !matches {
                let failed = row.failed + 1;
                audit::append(tx, now, who, audit::Entry::new(failed_action, "user", Some(row.id)))?;
                if failed >= max_attempts {
                    let until = ts(now + Duration::minutes(lock_minutes));
                    tx.execute(
                        "UPDATE users SET failed_attempts = 0, locked_until = ?1, updated_at = ?2 WHERE id = ?3",
                        params![until, ts(now), row.id],
                    )?;
                    let after = format!("locked_until={until}");
                    audit::append(tx, now, who, audit::Entry {
                        action: "lockout",
                        entity: "user",
                        entity_id: Some(row.id.to_string()),
                        before: None,
                        after: Some(&after),
                    })?;
                } else {
                    tx.execute(
                        "UPDATE users SET failed_attempts = ?1, updated_at = ?2 WHERE id = ?3",
                        params![failed, ts(now), row.id],
                    )?;
                }
                return Ok(None);
            }
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
                [row.id],
            )?;
            audit::append(tx, now, who, audit::Entry::new(action, "user", Some(row.id)))?;
            Ok(Some(row))
        })?;
        actor_of(outcome.ok_or(StoreError::InvalidCredentials)?)
    }

    /// Records that `actor` locked the screen (Ctrl-L or idle).
    pub fn record_screen_lock(&mut self, actor: &Actor, idle: bool) -> Result<()> {
        let action = if idle { "lock_idle" } else { "lock" };
        if self.is_damaged() {
            return Ok(()); // a damaged file is not written, not even the audit
        }
        self.write(|tx, now| {
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry::new(action, "session", Some(actor.user_id)),
            )
        })
    }

    /// Records that `actor` signed out, and anchors the audit chain's head outside the
    /// database (see `anchor`).
    pub fn record_logout(&mut self, actor: &Actor) -> Result<()> {
        if self.is_damaged() {
            return Ok(()); // a damaged file is not written, not even the audit
        }
        self.write(|tx, now| {
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry::new("logout", "session", Some(actor.user_id)),
            )
        })?;
        self.write_anchor(super::anchor::Kind::SignOut)?;
        Ok(())
    }

    /// Changes `actor`'s own password after checking the current one and the policy.
    /// The new password must differ from the current one.
    pub fn change_own_password(
        &mut self,
        actor: &mut Actor,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let row = self
            .login_row(&actor.username)?
            .ok_or(StoreError::NotFound)?;
        if !verify_password(&row.password_hash, current) {
            self.write(|tx, now| {
                audit::append(
                    tx,
                    now,
                    (&*actor).into(),
                    audit::Entry::new("password_change_failed", "user", Some(row.id)),
                )
            })?;
            return Err(StoreError::invalid(
                "current",
                "err.password.current",
                "the current password is not correct",
            ));
        }
        password::check(&actor.username, new)
            .map_err(|e| StoreError::invalid("new", e.key(), e.to_string()))?;
        if current == new {
            return Err(StoreError::invalid(
                "new",
                "err.password.same",
                "the new password must differ from the current one",
            ));
        }
        let hash = hash_password(new)?;
        let who = actor.clone();
        // Key file (old and new wraps), database, key file (new wrap only): see
        // `keys_store`.
        self.wrap_begin(&actor.username, new)?;
        let written = self.write(|tx, now| {
            tx.execute(
                "UPDATE users SET password_hash = ?1, must_change_password = 0, updated_at = ?2 WHERE id = ?3",
                params![hash, ts(now), row.id],
            )?;
            audit::append(tx, now, (&who).into(), audit::Entry::new("password_change", "user", Some(row.id)))
        });
        if let Err(e) = written {
            self.wrap_abort(&actor.username);
            return Err(e);
        }
        super::keys_store::crash_point("password.stored");
        self.wrap_commit(&actor.username)?;
        actor.must_change_password = false;
        Ok(())
    }
}
