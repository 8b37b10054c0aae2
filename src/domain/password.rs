//! Password policy: at least 12 characters, not the username, not a common password.

/// Common passwords refused outright, one per line (lower case), shipped in `assets/`.
const BLOCKLIST: &str = include_str!("../../assets/common-passwords.txt");

/// Minimum length in characters.
pub const MIN_LEN: usize = 12;

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_LEN`] characters.
    #[error("the password must have at least 12 characters")]
    TooShort,
    /// Equal to the username, or the username with only case or digits around it.
    #[error("the password must not be the username")]
    IsUsername,
    /// On the list of common passwords.
    #[error("this password is too common; choose another")]
    Common,
}

impl PasswordError {
    /// Catalogue key of the message shown at the field.
    pub fn key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "err.password.short",
            PasswordError::IsUsername => "err.password.username",
            PasswordError::Common => "err.password.common",
        }
    }
}

/// Checks a proposed password for `username` against the policy.
pub fn check(username: &str, password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() {
        let trim = |s: &str| {
            s.trim_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation())
                .to_string()
        };
        let (stripped, user_stripped) = (trim(&lower), trim(&user));
        if lower == user
            || stripped == user
            || (!user_stripped.is_empty() && stripped == user_stripped)
        {
            return Err(PasswordError::IsUsername);
        }
    }
    if BLOCKLIST
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && !common.starts_with('#') && common == lower)
    {
        return Err(PasswordError::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check("rm1", "short"), Err(PasswordError::TooShort));
        assert_eq!(
            check("administrator", "Administrator"),
            Err(PasswordError::IsUsername)
        );
        assert_eq!(
            check("supervisor01", "supervisor01!"),
            Err(PasswordError::IsUsername)
        );
        assert_eq!(check("rm1", "password1234"), Err(PasswordError::Common));
        assert_eq!(check("rm1", "Qwertyuiop123"), Err(PasswordError::Common));
        assert_eq!(check("rm1", "demo-password"), Ok(()));
        assert_eq!(check("rm1", "长城饭店门口的梧桐树很高"), Ok(()));
    }
}
