//! User accounts and branches, administered by admins.
use rusqlite::{params, OptionalExtension};

use super::auth::hash_password;
use super::{audit, parse_ts, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::{password, user::validate_username};

/// A user as the administration screen lists it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// Row id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Branch id.
    pub branch_id: Option<i64>,
    /// Branch code, for display.
    pub branch_code: Option<String>,
    /// Account disabled.
    pub disabled: bool,
    /// Locked until this instant (ISO-8601) if currently locked.
    pub locked_until: Option<String>,
    /// Must change password at next login.
    pub must_change_password: bool,
}

/// A branch of the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// Row id.
    pub id: i64,
    /// Short code, e.g. `0101`.
    pub code: String,
    /// Name.
    pub name: String,
}

/// What a new account needs.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Branch; required for RMs and managers.
    pub branch_id: Option<i64>,
    /// Initial password (policy-checked).
    pub password: String,
}

/// Changes to an account's profile.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Branch.
    pub branch_id: Option<i64>,
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

fn validate_new(store: &Store, u: &NewUser) -> Result<()> {
    validate_username(&u.username)
        .map_err(|e| StoreError::invalid("username", e.key(), e.to_string()))?;
    if u.display_name.trim().is_empty() {
        return Err(StoreError::invalid(
            "display_name",
            "err.required",
            "this field is required",
        ));
    }
    crate::domain::text::check_name(&u.display_name)
        .map_err(|e| StoreError::invalid("display_name", e.key(), e.to_string()))?;
    validate_branch(store, u.role, u.branch_id)?;
    password::check(&u.username, &u.password)
        .map_err(|e| StoreError::invalid("password", e.key(), e.to_string()))?;
    let taken: bool = store.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)",
        [u.username.trim()],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::invalid(
            "username",
            "err.username.taken",
            "this username is already taken",
        ));
    }
    Ok(())
}

fn validate_branch(store: &Store, role: Role, branch_id: Option<i64>) -> Result<()> {
    match branch_id {
        None if role != Role::Admin => Err(StoreError::invalid(
            "branch",
            "err.branch.required",
            "RMs and managers belong to a branch",
        )),
        Some(id) => {
            let exists: bool = store.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM branches WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if exists {
                Ok(())
            } else {
                Err(StoreError::invalid(
                    "branch",
                    "err.branch.unknown",
                    "no such branch",
                ))
            }
        }
        None => Ok(()),
    }
}

fn insert_user(
    tx: &rusqlite::Transaction<'_>,
    now: &str,
    u: &NewUser,
    hash: &str,
    must_change: bool,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO users (username, display_name, role, branch_id, password_hash, must_change_password, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![u.username.trim(), u.display_name.trim(), u.role.code(), u.branch_id, hash, must_change as i64, now],
    )?;
    Ok(tx.last_insert_rowid())
}

fn describe(u: &NewUser) -> String {
    format!(
        "username={} display_name={} role={} branch_id={}",
        u.username.trim(),
        u.display_name.trim(),
        u.role,
        u.branch_id.map(|b| b.to_string()).unwrap_or_default()
    )
}

impl Store {
    /// Creates the first administrator of an empty database (first-run screen and
    /// `rmdesk init`). Refused once any user exists. The chosen password is kept
    /// (no forced change: the administrator just chose it).
    pub fn create_first_admin(
        &mut self,
        username: &str,
        display_name: &str,
        password: &str,
    ) -> Result<Actor> {
        if self.has_users()? {
            return Err(StoreError::conflict(
                "err.conflict.has_users",
                "this database already has users",
            ));
        }
        let u = NewUser {
            username: username.trim().to_string(),
            display_name: display_name.trim().to_string(),
            role: Role::Admin,
            branch_id: None,
            password: password.to_string(),
        };
        validate_new(self, &u)?;
        let id = self.insert_audited(audit::SYSTEM, "user.create_first_admin", &u, false)?;
        Ok(Actor {
            user_id: id,
            username: u.username,
            display_name: u.display_name,
            role: Role::Admin,
            branch_id: None,
            must_change_password: false,
        })
    }

    /// Creates an account (admins only). It must change its password at first login.
    pub fn create_user(&mut self, actor: &Actor, u: &NewUser) -> Result<i64> {
        require_admin(actor)?;
        validate_new(self, u)?;
        self.insert_audited(actor.into(), "user.create", u, true)
    }

    /// Creates a user with no forced password change and no policy check beyond the
    /// blocklist-free demo password (demo seeding only).
    pub(crate) fn create_user_unchecked(&mut self, u: &NewUser) -> Result<i64> {
        self.insert_audited(audit::SYSTEM, "user.create", u, false)
    }

    /// Hashes the password and inserts the account with its audit entry (`action` by
    /// `who`), in one transaction.
    fn insert_audited(
        &mut self,
        who: audit::Who<'_>,
        action: &str,
        u: &NewUser,
        must_change: bool,
    ) -> Result<i64> {
        let hash = hash_password(&u.password)?;
        self.wrap_begin(&u.username, &u.password)?;
        let written = self.write(|tx, now| {
            let id = insert_user(tx, &ts(now), u, &hash, must_change)?;
            let after = describe(u);
            let mut e = audit::Entry::new(action, "user", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, who, e)?;
            Ok(id)
        });
        match written {
            Ok(id) => {
                self.wrap_commit(&u.username)?;
                Ok(id)
            }
            Err(e) => {
                self.wrap_abort(&u.username);
                Err(e)
            }
        }
    }

    /// Users an actor may list: admins all, managers their branch; RMs none.
    pub fn list_users(&self, actor: &Actor) -> Result<Vec<UserSummary>> {
        let branch_filter = match actor.role {
            Role::Admin => None,
            Role::Manager => Some(actor.branch_id.ok_or(StoreError::Forbidden)?),
            Role::Rm => return Err(StoreError::Forbidden),
        };
        let now = self.now();
        let mut stmt = self.conn().prepare(
            "SELECT u.id, u.username, u.display_name, u.role, u.branch_id, b.code, u.disabled,
                    u.locked_until, u.must_change_password
             FROM users u LEFT JOIN branches b ON b.id = u.branch_id
             WHERE (?1 IS NULL OR u.branch_id = ?1)
             ORDER BY u.username",
        )?;
        let rows = stmt.query_map([branch_filter], |r| {
            let role: String = r.get(3)?;
            let locked_until: Option<String> = r.get(7)?;
            Ok((
                UserSummary {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    display_name: r.get(2)?,
                    role: Role::Rm,
                    branch_id: r.get(4)?,
                    branch_code: r.get(5)?,
                    disabled: r.get::<_, i64>(6)? != 0,
                    locked_until: locked_until.filter(|t| parse_ts(t).is_some_and(|t| t > now)),
                    must_change_password: r.get::<_, i64>(8)? != 0,
                },
                role,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut u, role) = row?;
            u.role = role
                .parse()
                .map_err(|e: crate::domain::user::UnknownRole| {
                    StoreError::invalid("role", "err.role", e.to_string())
                })?;
            out.push(u);
        }
        Ok(out)
    }

    /// One user by id, as [`list_users`](Self::list_users) would show it.
    pub fn user(&self, actor: &Actor, id: i64) -> Result<UserSummary> {
        self.list_users(actor)?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// Finds a user id by username (admins; for the command line).
    pub fn user_id_by_name(&self, actor: &Actor, username: &str) -> Result<i64> {
        require_admin(actor)?;
        self.conn()
            .query_row(
                "SELECT id FROM users WHERE username = ?1",
                [username.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// Changes display name, role and branch (admins only). An admin cannot remove their
    /// own admin role, so the database always keeps one administrator who can act.
    pub fn update_user(&mut self, actor: &Actor, id: i64, upd: &UserUpdate) -> Result<()> {
        require_admin(actor)?;
        let before = self.user(actor, id)?;
        if upd.display_name.trim().is_empty() {
            return Err(StoreError::invalid(
                "display_name",
                "err.required",
                "this field is required",
            ));
        }
        if id == actor.user_id && upd.role != Role::Admin {
            return Err(StoreError::invalid(
                "role",
                "err.user.self_role",
                "you cannot remove your own administrator role",
            ));
        }
        validate_branch(self, upd.role, upd.branch_id)?;
        self.write(|tx, now| {
            tx.execute(
                "UPDATE users SET display_name = ?1, role = ?2, branch_id = ?3, updated_at = ?4 WHERE id = ?5",
                params![upd.display_name.trim(), upd.role.code(), upd.branch_id, ts(now), id],
            )?;
            let b = format!("display_name={} role={} branch_id={:?}", before.display_name, before.role, before.branch_id);
            let a = format!("display_name={} role={} branch_id={:?}", upd.display_name.trim(), upd.role, upd.branch_id);
            audit::append(tx, now, actor.into(), audit::Entry {
                action: "user.update",
                entity: "user",
                entity_id: Some(id.to_string()),
                before: Some(&b),
                after: Some(&a),
            })
        })
    }

    /// Sets a new password for another user (admins only); they must change it at their
    /// next login. Also clears a lockout.
    pub fn reset_password(&mut self, actor: &Actor, id: i64, new_password: &str) -> Result<()> {
        require_admin(actor)?;
        let target = self.user(actor, id)?;
        password::check(&target.username, new_password)
            .map_err(|e| StoreError::invalid("password", e.key(), e.to_string()))?;
        let hash = hash_password(new_password)?;
        // The data key is wrapped for the temporary password; the old one's wrap goes
        // once the new hash is committed.
        self.wrap_begin(&target.username, new_password)?;
        let written = self.write(|tx, now| {
            tx.execute(
                "UPDATE users SET password_hash = ?1, must_change_password = 1, failed_attempts = 0,
                        locked_until = NULL, updated_at = ?2 WHERE id = ?3",
                params![hash, ts(now), id],
            )?;
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry::new("user.reset_password", "user", Some(id)),
            )
        });
        match written {
            Ok(()) => self.wrap_commit(&target.username),
            Err(e) => {
                self.wrap_abort(&target.username);
                Err(e)
            }
        }
    }

    /// Clears a lockout (admins only).
    pub fn unlock_user(&mut self, actor: &Actor, id: i64) -> Result<()> {
        require_admin(actor)?;
        let target = self.user(actor, id)?;
        self.write(|tx, now| {
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ?1 WHERE id = ?2",
                params![ts(now), id],
            )?;
            audit::append(tx, now, actor.into(), audit::Entry::new("user.unlock", "user", Some(id)))
        })?;
        self.wrap_unlock(&target.username)
    }

    /// Disables or re-enables an account (admins only; not one's own).
    pub fn set_user_disabled(&mut self, actor: &Actor, id: i64, disabled: bool) -> Result<()> {
        require_admin(actor)?;
        if id == actor.user_id {
            return Err(StoreError::invalid(
                "user",
                "err.user.self_disable",
                "you cannot disable your own account",
            ));
        }
        let target = self.user(actor, id)?;
        if disabled {
            let owned: i64 = self.conn().query_row(
                "SELECT count(*) FROM clients WHERE owner_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            if owned > 0 {
                return Err(StoreError::invalid(
                    "user",
                    "err.user.owns_clients",
                    format!(
                        "this user still owns {owned} client(s); a manager of the branch must hand them over first (rmdesk reassign)"
                    ),
                ));
            }
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.write(|tx, now| {
            tx.execute(
                "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE id = ?3",
                params![disabled as i64, ts(now), id],
            )?;
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry::new(action, "user", Some(id)),
            )
        })?;
        // A disabled user's wrapped key is deleted: their password opens nothing. One
        // enabled again signs in after an administrator resets their password.
        if disabled {
            self.wrap_remove(&target.username)?;
        }
        Ok(())
    }

    /// All branches, by code.
    pub fn branches(&self) -> Result<Vec<Branch>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, code, name FROM branches ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok(Branch {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The branch with `code`, if any.
    pub fn branch_by_code(&self, code: &str) -> Result<Option<Branch>> {
        Ok(self.branches()?.into_iter().find(|b| b.code == code.trim()))
    }

    /// Creates a branch (admins only).
    pub fn create_branch(&mut self, actor: &Actor, code: &str, name: &str) -> Result<i64> {
        require_admin(actor)?;
        self.create_branch_as(audit::Who::from(actor), code, name)
    }

    pub(crate) fn create_branch_as(
        &mut self,
        who: audit::Who<'_>,
        code: &str,
        name: &str,
    ) -> Result<i64> {
        if code.trim().is_empty() {
            return Err(StoreError::invalid(
                "code",
                "err.required",
                "this field is required",
            ));
        }
        if name.trim().is_empty() {
            return Err(StoreError::invalid(
                "name",
                "err.required",
                "this field is required",
            ));
        }
        if self.branch_by_code(code)?.is_some() {
            return Err(StoreError::invalid(
                "code",
                "err.branch.taken",
                "a branch with this code exists",
            ));
        }
        self.write(|tx, now| {
            tx.execute(
                "INSERT INTO branches (code, name, created_at) VALUES (?1, ?2, ?3)",
                params![code.trim(), name.trim(), ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            let after = format!("code={} name={}", code.trim(), name.trim());
            audit::append(
                tx,
                now,
                who,
                audit::Entry {
                    action: "branch.create",
                    entity: "branch",
                    entity_id: Some(id.to_string()),
                    before: None,
                    after: Some(&after),
                },
            )?;
            Ok(id)
        })
    }
}
