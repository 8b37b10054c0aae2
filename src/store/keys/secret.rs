//! The data key and the recovery key in memory: random, wiped when dropped, never
//! printed by `Debug`.

use std::fmt;

use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Overwrites `bytes` with zeros in a way the optimiser keeps.
pub(super) fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference.
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// 256 random bits.
pub(super) fn random32() -> [u8; 32] {
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
pub struct DataKey(pub(super) [u8; 32]);

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
pub struct RecoveryKey(pub(super) [u8; 32]);

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
    pub(super) fn generate() -> RecoveryKey {
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

    pub(super) fn wrapping_key(&self, salt: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"rmdesk recovery key v1\0");
        h.update(salt);
        h.update(self.0);
        h.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
