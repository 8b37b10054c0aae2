//! The key file's part in the store: which key an existing file needs, unsealing an
//! encrypted database at sign-in (with a password or the recovery key), and keeping the
//! wrapped keys in step with passwords and users.
//!
//! A change of password is three steps, each leaving a usable pair of files: the new
//! password's wrap is added to the key file (the old one kept), the new hash is committed
//! to the database, then the old wrap is dropped. Whatever the database accepts after a
//! power cut at any step also opens the key file; a sign-in drops the wrap it did not use.
use std::path::Path;

use super::keys::{key_path, DataKey, KeyFile, RecoveryKey};
use super::{cipher, OpenError, Result, Store, StoreError};

/// What an existing database file needs to be opened.
pub(crate) enum Unlock {
    /// A plain SQLite file (no key file beside it).
    Plain,
    /// Encrypted, with its key unlocked in this process.
    Key(DataKey),
    /// Encrypted, and nobody has signed in yet.
    Sealed,
}

/// Looks at the existing file `path` and its key file.
pub(crate) fn existing_key(path: &Path) -> Result<Unlock, OpenError> {
    super::convert::finish_interrupted(path);
    let keys = key_path(path);
    if keys.exists() {
        if let Some(k) = cipher::recall(path) {
            return Ok(Unlock::Key(k));
        }
        // A database still being set up (no user yet) opens without a password.
        let file = KeyFile::load(&keys)?;
        if let Some(k) = file.and_then(|f| f.setup_key()) {
            cipher::remember(path, &k);
            return Ok(Unlock::Key(k));
        }
        return Ok(Unlock::Sealed);
    }
    // Anything else is a plain SQLite file, or not one: an encrypted database without its
    // key file cannot be told from random bytes, and the checks that follow say both.
    Ok(Unlock::Plain)
}

/// Stops the program at the named step when the test build is told to
/// (`RMDESK_TEST_CRASH_AT`), as a power cut would: the fault tests kill a password change
/// at every step this way.
pub(crate) fn crash_point(step: &str) {
    #[cfg(feature = "test-clock")]
    if std::env::var("RMDESK_TEST_CRASH_AT").is_ok_and(|s| s == step) {
        std::process::abort();
    }
    #[cfg(not(feature = "test-clock"))]
    let _ = step;
}

impl Store {
    /// The key file of this (encrypted) database.
    fn key_file(&self) -> Result<KeyFile> {
        let path = key_path(&self.path);
        match KeyFile::load(&path) {
            Ok(Some(f)) => Ok(f),
            Ok(None) => Err(StoreError::Open(OpenError::KeyFileMissing(
                self.path.clone(),
            ))),
            Err(e) => Err(StoreError::Open(e.into())),
        }
    }

    fn save_key_file(&self, file: &KeyFile) -> Result<()> {
        file.save(&key_path(&self.path))
            .map_err(|e| StoreError::Open(e.into()))
    }

    /// A sealed store's sign-in, before the database can be read: the key file's
    /// lockout is applied and `name`'s password unwraps the data key, which opens the
    /// database. A wrong password, an unknown name or a locked account give
    /// [`StoreError::InvalidCredentials`] after the same work, and the failure is counted
    /// in the key file. Returns which of the user's wraps opened it.
    pub(super) fn unseal_with_password(&mut self, name: &str, password: &str) -> Result<usize> {
        let name = name.trim();
        let mut file = self.key_file()?;
        let now = self.now();
        let opened = file.unwrap_user(name, password);
        let locked = file.is_locked(name, now);
        match opened {
            Some((key, index)) if !locked => {
                self.unseal(key).map_err(StoreError::Open)?;
                Ok(index)
            }
            _ => {
                // Written for an unknown name too, so every failure costs the same.
                if !locked {
                    file.record_failure(name, now);
                }
                self.save_key_file(&file)?;
                Err(StoreError::InvalidCredentials)
            }
        }
    }

    /// Opens a sealed store with the recovery key (restore, check, decrypt, and when
    /// every password is lost). A key that is not this database's opens nothing and
    /// writes nothing.
    pub fn unlock_with_recovery(&mut self, recovery: &RecoveryKey) -> Result<()> {
        if !self.is_sealed() {
            return Ok(());
        }
        let file = self.key_file()?;
        let key = file
            .unwrap_recovery(recovery)
            .ok_or(StoreError::WrongRecoveryKey)?;
        self.unseal(key).map_err(StoreError::Open)
    }

    /// After `name` signed in with `password`: their failures are cleared in the key
    /// file, the lockout policy copied there from the settings, a wrap left by an
    /// interrupted change dropped (`unsealed`: the wrap that opened the file, if the
    /// sign-in opened it), and a user with no wrap yet (a database encrypted by someone
    /// else) given one. Best effort: the sign-in stands if the key file cannot be written.
    pub(super) fn after_sign_in(&mut self, name: &str, password: &str, unsealed: Option<usize>) {
        let Some(key) = self.key.clone() else {
            return;
        };
        let Ok(mut file) = self.key_file() else {
            return;
        };
        let before = file.clone();
        file.record_success(name);
        if let (Ok(max), Ok(minutes)) = (
            self.setting_i64("lockout.max_attempts"),
            self.setting_i64("lockout.minutes"),
        ) {
            file.set_policy(max, minutes);
        }
        match file.wraps_of(name) {
            0 => file.add_wrap(name, password, &key),
            1 => {}
            _ => {
                let index = unsealed.or_else(|| file.unwrap_user(name, password).map(|(_, i)| i));
                if let Some(i) = index {
                    file.keep_only(name, i);
                }
            }
        }
        if file != before {
            if let Err(e) = self.save_key_file(&file) {
                tracing::warn!("key file not updated after sign-in: {e}");
            }
        }
    }

    /// First step of giving `name` the password `password`: its wrap is added to the key
    /// file beside the user's current ones. No-op for a plain database.
    pub(super) fn wrap_begin(&self, name: &str, password: &str) -> Result<()> {
        let Some(key) = &self.key else {
            return Ok(());
        };
        let mut file = self.key_file()?;
        file.add_wrap(name, password, key);
        self.save_key_file(&file)?;
        crash_point("wrap.added");
        Ok(())
    }

    /// Last step: only `name`'s newest wrap is kept (the database holds the new hash).
    pub(super) fn wrap_commit(&self, name: &str) -> Result<()> {
        if self.key.is_none() {
            return Ok(());
        }
        crash_point("wrap.before_commit");
        let mut file = self.key_file()?;
        file.keep_newest(name);
        file.record_success(name);
        file.end_setup();
        self.save_key_file(&file)?;
        crash_point("wrap.committed");
        Ok(())
    }

    /// Undoes [`Store::wrap_begin`] after the database refused the change. Best effort: a
    /// wrap left behind opens the key file but not the database, whose hash differs.
    pub(super) fn wrap_abort(&self, name: &str) {
        if self.key.is_none() {
            return;
        }
        if let Ok(mut file) = self.key_file() {
            file.drop_newest(name);
            let _ = self.save_key_file(&file);
        }
    }

    /// Deletes `name`'s wrapped keys (a disabled user).
    pub(super) fn wrap_remove(&self, name: &str) -> Result<()> {
        if self.key.is_none() {
            return Ok(());
        }
        let mut file = self.key_file()?;
        if file.remove_user(name) {
            self.save_key_file(&file)?;
        }
        Ok(())
    }

    /// The role of the active user `name`, read without writing anything (`check` of an
    /// encrypted database: the key file's wrap proved the password; the role is the
    /// database's). `None` for an unknown or disabled user.
    pub fn active_role(&self, name: &str) -> Result<Option<super::Role>> {
        use rusqlite::OptionalExtension;
        let row: Option<(String, i64)> = self
            .conn()
            .query_row(
                "SELECT role, disabled FROM users WHERE username = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row
            .filter(|(_, disabled)| *disabled == 0)
            .and_then(|(role, _)| role.parse().ok()))
    }

    /// Clears `name`'s lockout in the key file (an administrator's unlock).
    pub(super) fn wrap_unlock(&self, name: &str) -> Result<()> {
        if self.key.is_none() {
            return Ok(());
        }
        let mut file = self.key_file()?;
        if file.record_success(name) {
            self.save_key_file(&file)?;
        }
        Ok(())
    }
}
