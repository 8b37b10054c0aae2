//! One wrapped copy of the data key (AES-256-GCM), and the wrapping key of a password
//! (Argon2id).

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use super::secret::{from_hex, to_hex, wipe, DataKey};

/// Argon2id memory (KiB) and passes for a password's wrapping key: OWASP's minimum, the
/// same as the password hashes.
const KDF_MEMORY_KIB: u32 = 19 * 1024;
const KDF_PASSES: u32 = 2;

/// One wrapped copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Wrap {
    pub(super) salt: String,
    pub(super) nonce: String,
    pub(super) wrapped: String,
}

impl Wrap {
    pub(super) fn seal(wrapping: &[u8; 32], salt: Vec<u8>, aad: &[u8], key: &DataKey) -> Wrap {
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

    pub(super) fn open(&self, wrapping: &[u8; 32], aad: &[u8]) -> Option<DataKey> {
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

pub(super) fn user_aad(name: &str) -> Vec<u8> {
    format!("rmdesk data key v1\0user\0{name}").into_bytes()
}

pub(super) const RECOVERY_AAD: &[u8] = b"rmdesk data key v1\0recovery";

/// The wrapping key derived from a password and salt (Argon2id).
pub(super) fn password_key(password: &str, salt: &[u8]) -> [u8; 32] {
    let params = Params::new(KDF_MEMORY_KIB, KDF_PASSES, 1, Some(32)).unwrap_or_default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = [0u8; 32];
    // Fails only for parameters out of range or a salt under 8 bytes; ours are fixed
    // and 16 bytes, and a failure leaves a key that opens nothing.
    let _ = argon.hash_password_into(password.as_bytes(), salt, &mut out);
    out
}
