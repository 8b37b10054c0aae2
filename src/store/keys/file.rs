//! The key file: the recovery wrap, each user's wraps and the lockout policy, loaded and
//! saved atomically.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::lockout::Lockout;
use super::secret::{from_hex, random32, wipe, DataKey, RecoveryKey};
use super::wrap::{password_key, user_aad, Wrap, RECOVERY_AAD};
use super::KeyError;
use crate::store::files;

/// The key file's format version.
const VERSION: u32 = 1;

/// One of a user's wrapped keys. A user has one, or two while their password changes
/// (the old and the new, so a power cut at any step leaves the password the database
/// accepts able to open it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct UserWrap {
    name: String,
    #[serde(flatten)]
    wrap: Wrap,
}

/// The key file's content.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    version: u32,
    /// Failed attempts in a row that lock an account (the setting, copied at sign-in).
    pub(super) max_attempts: i64,
    /// Minutes an account stays locked (the setting, copied at sign-in).
    pub(super) lock_minutes: i64,
    recovery: Wrap,
    #[serde(default, rename = "user")]
    users: Vec<UserWrap>,
    #[serde(default, rename = "lockout")]
    pub(super) lockouts: Vec<Lockout>,
}

/// The name of the set-up wrap (no username is empty) and its password.
const SETUP_NAME: &str = "";
const SETUP_PASSWORD: &str = "rmdesk set-up: no user yet";

/// A salt that stands in for an unknown user's, so an unknown name costs the same work.
const DECOY_SALT: [u8; 16] = *b"rmdesk-no-user!!";

impl KeyFile {
    /// A key file for `key` with no user yet, and the recovery key that opens it.
    pub fn new(key: &DataKey) -> (KeyFile, RecoveryKey) {
        let recovery = RecoveryKey::generate();
        let salt = random32().to_vec();
        let wrap = Wrap::seal(&recovery.wrapping_key(&salt), salt, RECOVERY_AAD, key);
        let file = KeyFile {
            version: VERSION,
            max_attempts: 5,
            lock_minutes: 15,
            recovery: wrap,
            users: Vec::new(),
            lockouts: Vec::new(),
        };
        (file, recovery)
    }

    /// Reads the key file at `path`; `Ok(None)` when there is none.
    pub fn load(path: &Path) -> Result<Option<KeyFile>, KeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(KeyError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        };
        let file: KeyFile =
            toml::from_str(&text).map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
        if file.version != VERSION {
            return Err(KeyError::Malformed(path.to_path_buf()));
        }
        Ok(Some(file))
    }

    /// Writes the key file at `path` atomically (`0600`, fsync, rename, folder fsync).
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let text = toml::to_string(self).map_err(|_| KeyError::Malformed(path.to_path_buf()))?;
        files::write_private_atomic(path, |w| {
            use std::io::Write;
            w.write_all(b"# rmdesk key file: the database's key, wrapped per user and under the recovery key.\n# Keep it beside the database and in every backup; without it the database cannot be opened.\n")?;
            w.write_all(text.as_bytes())
        })
        .map_err(|e| KeyError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Whether any user can sign in with this file.
    pub fn has_users(&self) -> bool {
        self.users.iter().any(|u| u.name != SETUP_NAME)
    }

    /// Adds the set-up wrap of a new database: until its first user exists, the data
    /// key opens without a password (the database holds nothing but its schema, and no
    /// row can be written without a user).
    pub fn begin_setup(&mut self, key: &DataKey) {
        self.add_wrap(SETUP_NAME, SETUP_PASSWORD, key);
    }

    /// The data key of a database still being set up (no user yet).
    pub fn setup_key(&self) -> Option<DataKey> {
        if self.wraps_of(SETUP_NAME) == 0 {
            return None;
        }
        self.unwrap_user(SETUP_NAME, SETUP_PASSWORD).map(|(k, _)| k)
    }

    /// Ends the set-up (the first user's wrap is in): the password-less wrap goes.
    /// Whether there was one.
    pub fn end_setup(&mut self) -> bool {
        self.remove_user(SETUP_NAME)
    }

    /// The users holding a wrapped key, in the file's order (once each).
    pub fn user_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for u in &self.users {
            if u.name != SETUP_NAME && !names.contains(&u.name.as_str()) {
                names.push(u.name.as_str());
            }
        }
        names
    }

    /// How many wrapped keys `name` has (1, or 2 during a password change).
    pub fn wraps_of(&self, name: &str) -> usize {
        self.users.iter().filter(|u| u.name == name).count()
    }

    /// The data key, unwrapped with `name`'s password, and which of the user's wraps
    /// opened it; `None` for a wrong password or an unknown name, after the same
    /// Argon2id work (one derivation per wrap, one for an unknown name).
    pub fn unwrap_user(&self, name: &str, password: &str) -> Option<(DataKey, usize)> {
        let mine: Vec<&UserWrap> = self.users.iter().filter(|u| u.name == name).collect();
        if mine.is_empty() {
            let mut wasted = password_key(password, &DECOY_SALT);
            wipe(&mut wasted);
            return None;
        }
        let mut found = None;
        for (i, u) in mine.iter().enumerate() {
            let salt = from_hex(&u.wrap.salt).unwrap_or_else(|| DECOY_SALT.to_vec());
            let mut wrapping = password_key(password, &salt);
            let key = u.wrap.open(&wrapping, &user_aad(name));
            wipe(&mut wrapping);
            if found.is_none() {
                found = key.map(|k| (k, i));
            }
        }
        found
    }

    /// The data key, unwrapped with the recovery key; `None` if it is not this file's.
    pub fn unwrap_recovery(&self, recovery: &RecoveryKey) -> Option<DataKey> {
        let salt = from_hex(&self.recovery.salt)?;
        let mut wrapping = recovery.wrapping_key(&salt);
        let key = self.recovery.open(&wrapping, RECOVERY_AAD);
        wipe(&mut wrapping);
        key
    }

    /// Adds a wrap of `key` for `name` under `password`, keeping the user's others (the
    /// first step of a change: both passwords open the file until [`keep_only`]).
    ///
    /// [`keep_only`]: KeyFile::keep_only
    pub fn add_wrap(&mut self, name: &str, password: &str, key: &DataKey) {
        let salt = random32()[..16].to_vec();
        let mut wrapping = password_key(password, &salt);
        let wrap = Wrap::seal(&wrapping, salt, &user_aad(name), key);
        wipe(&mut wrapping);
        self.users.push(UserWrap {
            name: name.to_string(),
            wrap,
        });
    }

    /// Keeps only `name`'s wrap number `index` (in the order [`unwrap_user`] counts).
    ///
    /// [`unwrap_user`]: KeyFile::unwrap_user
    pub fn keep_only(&mut self, name: &str, index: usize) {
        let mut i = 0;
        self.users.retain(|u| {
            if u.name != name {
                return true;
            }
            i += 1;
            i - 1 == index
        });
    }

    /// Keeps only `name`'s newest wrap (the last step of a change).
    pub fn keep_newest(&mut self, name: &str) {
        let n = self.wraps_of(name);
        if n > 1 {
            self.keep_only(name, n - 1);
        }
    }

    /// Drops `name`'s newest wrap (a change that failed after its first step).
    pub fn drop_newest(&mut self, name: &str) {
        if let Some(last) = self.users.iter().rposition(|u| u.name == name) {
            self.users.remove(last);
        }
    }

    /// Deletes every wrapped key of `name` (a disabled user); whether there was one.
    pub fn remove_user(&mut self, name: &str) -> bool {
        let before = self.users.len();
        self.users.retain(|u| u.name != name);
        self.lockouts.retain(|l| l.name != name);
        self.users.len() != before
    }

    /// Wraps `key` under a new recovery key, which it returns (a rekey: the old
    /// recovery key must no longer open anything).
    pub fn rewrap_recovery(&mut self, key: &DataKey) -> RecoveryKey {
        let recovery = RecoveryKey::generate();
        let salt = random32().to_vec();
        self.recovery = Wrap::seal(&recovery.wrapping_key(&salt), salt, RECOVERY_AAD, key);
        recovery
    }
}

#[cfg(test)]
mod tests {
    use super::super::secret::to_hex;
    use super::*;
    use crate::store::keys::key_path;

    #[test]
    fn every_wrap_opens_with_its_own_secret_only() {
        let key = DataKey::generate();
        let (mut file, recovery) = KeyFile::new(&key);
        file.add_wrap("ada", "first password", &key);
        file.add_wrap("bob", "second password", &key);
        assert_eq!(
            file.unwrap_user("ada", "first password"),
            Some((key.clone(), 0))
        );
        assert_eq!(
            file.unwrap_user("bob", "second password"),
            Some((key.clone(), 0))
        );
        assert_eq!(file.unwrap_user("ada", "second password"), None);
        assert_eq!(file.unwrap_user("bob", "first password"), None);
        assert_eq!(file.unwrap_user("nobody", "first password"), None);
        assert_eq!(file.unwrap_recovery(&recovery), Some(key.clone()));
        let other = KeyFile::new(&key).1;
        assert_eq!(file.unwrap_recovery(&other), None);
    }

    #[test]
    fn during_a_change_both_passwords_open_and_then_only_the_kept_one() {
        let key = DataKey::generate();
        let (mut file, _) = KeyFile::new(&key);
        file.add_wrap("ada", "old password", &key);
        file.add_wrap("ada", "new password", &key);
        assert_eq!(file.wraps_of("ada"), 2);
        assert_eq!(
            file.unwrap_user("ada", "old password"),
            Some((key.clone(), 0))
        );
        assert_eq!(
            file.unwrap_user("ada", "new password"),
            Some((key.clone(), 1))
        );
        let mut kept_old = file.clone();
        kept_old.keep_only("ada", 0);
        assert_eq!(kept_old.unwrap_user("ada", "new password"), None);
        file.keep_newest("ada");
        assert_eq!(file.unwrap_user("ada", "old password"), None);
        assert_eq!(file.unwrap_user("ada", "new password"), Some((key, 0)));
    }

    #[test]
    fn a_new_database_opens_without_a_password_only_until_its_first_user() {
        let key = DataKey::generate();
        let (mut file, _) = KeyFile::new(&key);
        file.begin_setup(&key);
        assert!(!file.has_users());
        assert_eq!(file.setup_key(), Some(key.clone()));
        file.add_wrap("ada", "first password", &key);
        assert!(file.end_setup());
        assert!(file.has_users());
        assert_eq!(file.setup_key(), None);
        assert_eq!(file.user_names(), ["ada"]);
    }

    #[test]
    fn a_wrap_moved_to_another_name_opens_nothing() {
        let key = DataKey::generate();
        let (mut file, _) = KeyFile::new(&key);
        file.add_wrap("ada", "first password", &key);
        file.users[0].name = "eve".into();
        assert_eq!(file.unwrap_user("eve", "first password"), None);
    }

    #[test]
    fn the_file_round_trips_privately_and_a_removed_user_opens_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let path = key_path(&dir.path().join("a.db"));
        assert!(KeyFile::load(&path).expect("load").is_none());
        let key = DataKey::generate();
        let (mut file, recovery) = KeyFile::new(&key);
        file.add_wrap("ada", "first password", &key);
        file.save(&path).expect("save");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut read = KeyFile::load(&path).expect("load").expect("there");
        assert_eq!(read, file);
        assert!(read.remove_user("ada"));
        assert!(!read.has_users());
        assert_eq!(read.unwrap_user("ada", "first password"), None);
        assert_eq!(read.unwrap_recovery(&recovery), Some(key));
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(!text.contains(&to_hex(&recovery.0)));
        std::fs::write(&path, "version = 1\nnonsense").expect("write");
        assert!(matches!(KeyFile::load(&path), Err(KeyError::Malformed(_))));
    }
}
