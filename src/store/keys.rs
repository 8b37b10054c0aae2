//! Envelope keys: the data key that encrypts the database, and the key file beside it
//! (`NAME.keys`, mode `0600`) that holds it only wrapped.
//!
//! - The **data key** is 256 random bits; SQLCipher is given it raw (`PRAGMA key =
//!   "x'…'"`), so opening costs no key derivation.
//! - It is wrapped with AES-256-GCM once per active user, under a key derived from that
//!   user's password with Argon2id (19 MiB, 2 passes, a salt of its own), and once under
//!   the **recovery key**, 256 random bits printed once when the database is made. The
//!   associated data names what a wrap is for (`user NAME` or `recovery`), so a wrap
//!   cannot be moved to another name.
//! - The key file also keeps what sign-in must know before the database can be opened:
//!   each user's failed attempts and lockout, and the lockout policy copied from the
//!   settings at every sign-in.
//!
//! The file is replaced atomically ([`files::write_private_atomic`]): after a power cut it
//! is the old file or the new one.
use std::fmt;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files;

/// The key file's format version.
const VERSION: u32 = 1;
/// Argon2id memory (KiB) and passes for a password's wrapping key: OWASP's minimum, the
/// same as the password hashes.
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_PASSES: u32 = 2;

/// `NAME.keys` beside the database `db`.
pub fn key_path(db: &Path) -> PathBuf {
    files::with_suffix(db, ".keys")
}

/// Overwrites `bytes` with zeros in a way the optimiser keeps.
fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// 256 random bits.
fn random32() -> [u8; 32] {
    let mut k = [0u8; 32];
    OsRng.fill_bytes(&mut k);
    k
}

/// Lower-case hexadecimal.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Hexadecimal (either case) to bytes; `None` for anything else.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

/// The key that encrypts the database. Wiped from memory when dropped; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl Drop for DataKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(…)")
    }
}

impl DataKey {
    /// A new random data key.
    pub fn generate() -> DataKey {
        DataKey(random32())
    }

    /// The value of `PRAGMA key` that gives SQLCipher this key raw (no derivation).
    pub(crate) fn pragma_value(&self) -> String {
        format!("x'{}'", to_hex(&self.0))
    }
}

/// The recovery key: printed once for the bank's safe, typed back to restore or to open
/// the database when every password is lost.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey([u8; 32]);

impl Drop for RecoveryKey {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

impl RecoveryKey {
    fn generate() -> RecoveryKey {
        RecoveryKey(random32())
    }

    /// Reads a recovery key as printed: 64 hexadecimal digits, in any case, spaces and
    /// dashes ignored. `None` for anything else.
    pub fn parse(text: &str) -> Option<RecoveryKey> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let bytes = from_hex(&digits)?;
        <[u8; 32]>::try_from(bytes.as_slice()).ok().map(RecoveryKey)
    }

    /// The key as it is printed: 8 groups of 8 hexadecimal digits joined by dashes.
    pub fn display(&self) -> String {
        let hex = to_hex(&self.0);
        hex.as_bytes()
            .chunks(8)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    fn wrapping_key(&self, salt: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"rmdesk recovery key v1\0");
        h.update(salt);
        h.update(self.0);
        h.finalize().into()
    }
}

/// The sentence that shows a new database's recovery key, once.
pub fn recovery_notice(recovery: &RecoveryKey) -> String {
    format!(
        "rmdesk: the database is encrypted. Its recovery key, shown only this once — write it down and keep it in the bank's safe; it opens the database and its backups when every password is lost:\n\n    {}\n",
        recovery.display()
    )
}

/// The sentence for a plain (unencrypted) database: what it means and how to encrypt it.
pub fn plain_notice(db: &Path) -> String {
    format!(
        "rmdesk: {} is not encrypted: anyone with the disk can read it. Encrypt it with `rmdesk --db {} --user ADMIN encrypt`.",
        db.display(),
        db.display()
    )
}

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or written.
    #[error("the key file {path} cannot be used: {source}")]
    Io {
        /// The key file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The file is not a key file of this rmdesk.
    #[error("the key file {0} is damaged or not an rmdesk key file; restore it from a backup or use the recovery key")]
    Malformed(PathBuf),
}

/// One wrapped copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Wrap {
    salt: String,
    nonce: String,
    wrapped: String,
}

impl Wrap {
    fn seal(wrapping: &[u8; 32], salt: Vec<u8>, aad: &[u8], key: &DataKey) -> Wrap {
        let cipher = Aes256Gcm::new(wrapping.into());
        let mut nonce = [0u8; 12];
        OsRng.fill_bytes(&mut nonce);
        // Encrypting 32 bytes with a valid key and nonce cannot fail.
        let wrapped = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: &key.0, aad })
            .unwrap_or_default();
        Wrap {
            salt: to_hex(&salt),
            nonce: to_hex(&nonce),
            wrapped: to_hex(&wrapped),
        }
    }

    fn open(&self, wrapping: &[u8; 32], aad: &[u8]) -> Option<DataKey> {
        let nonce = from_hex(&self.nonce).filter(|n| n.len() == 12)?;
        let wrapped = from_hex(&self.wrapped)?;
        let cipher = Aes256Gcm::new(wrapping.into());
        let mut plain = cipher
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &wrapped, aad })
            .ok()?;
        let key = <[u8; 32]>::try_from(plain.as_slice()).ok().map(DataKey);
        wipe(&mut plain);
        key
    }
}

/// One of a user's wrapped keys. A user has one, or two while their password changes
/// (the old and the new, so a power cut at any step leaves the password the database
/// accepts able to open it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct UserWrap {
    name: String,
    #[serde(flatten)]
    wrap: Wrap,
}

/// A user's failed sign-ins in a row and lockout, known before the database opens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Lockout {
    name: String,
    failures: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locked_until: Option<String>,
}

/// The key file's content.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    version: u32,
    /// Failed attempts in a row that lock an account (the setting, copied at sign-in).
    max_attempts: i64,
    /// Minutes an account stays locked (the setting, copied at sign-in).
    lock_minutes: i64,
    recovery: Wrap,
    #[serde(default, rename = "user")]
    users: Vec<UserWrap>,
    #[serde(default, rename = "lockout")]
    lockouts: Vec<Lockout>,
}

fn user_aad(name: &str) -> Vec<u8> {
    format!("rmdesk data key v1\0user\0{name}").into_bytes()
}

const RECOVERY_AAD: &[u8] = b"rmdesk data key v1\0recovery";

/// The wrapping key derived from a password and salt (Argon2id).
fn password_key(password: &str, salt: &[u8]) -> [u8; 32] {
    let params = Params::new(KDF_MEMORY_KIB, KDF_PASSES, 1, Some(32)).unwrap_or_default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = [0u8; 32];
    // Fails only for parameters out of range or a salt under 8 bytes; ours are fixed
    // and 16 bytes, and a failure leaves a key that opens nothing.
    let _ = argon.hash_password_into(password.as_bytes(), salt, &mut out);
    out
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
            .and_then(super::parse_ts)
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
            l.locked_until = Some(super::ts(now + Duration::minutes(minutes)));
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

    #[test]
    fn the_recovery_key_reads_back_as_printed() {
        let r = RecoveryKey::generate();
        let shown = r.display();
        assert_eq!(shown.len(), 64 + 7);
        assert_eq!(RecoveryKey::parse(&shown), Some(r.clone()));
        assert_eq!(
            RecoveryKey::parse(&shown.to_uppercase().replace('-', " ")),
            Some(r)
        );
        assert_eq!(RecoveryKey::parse("abc"), None);
        assert_eq!(RecoveryKey::parse(&"g".repeat(64)), None);
    }

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
