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
//!
//! `secret` holds the two keys in memory, `wrap` seals and opens a copy of the data key,
//! `file` is the key file and its users' wraps, `lockout` the failed sign-ins it counts.

mod file;
mod lockout;
mod secret;
mod wrap;

pub use file::KeyFile;
pub use secret::{DataKey, RecoveryKey};

use std::path::{Path, PathBuf};

use super::files;

/// `NAME.keys` beside the database `db`.
pub fn key_path(db: &Path) -> PathBuf {
    files::with_suffix(db, ".keys")
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
