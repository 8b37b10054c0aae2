//! Users, roles and the acting user every store call is made on behalf of.
use std::fmt;
use std::str::FromStr;

/// What a user may see and do (product.md, "Users and roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Relationship manager: their own portfolio.
    Rm,
    /// Branch manager: every client and RM of the branch.
    Manager,
    /// System administrator: users, products, settings; no client personal data.
    Admin,
}

impl Role {
    /// All roles, in the order screens list them.
    pub const ALL: [Role; 3] = [Role::Rm, Role::Manager, Role::Admin];

    /// The stored code (`rm`, `manager`, `admin`).
    pub fn code(self) -> &'static str {
        match self {
            Role::Rm => "rm",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A role code that is not one of `rm`, `manager`, `admin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}' (expected rm, manager or admin)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rm" => Ok(Role::Rm),
            "manager" => Ok(Role::Manager),
            "admin" => Ok(Role::Admin),
            _ => Err(UnknownRole(s.to_string())),
        }
    }
}

/// The signed-in user on whose behalf the store reads and writes. Only the store's
/// login functions make one, so holding an `Actor` means the password was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Row id of the user.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Name shown on screens.
    pub display_name: String,
    /// Role deciding what the user sees.
    pub role: Role,
    /// Branch of the user; admins may have none.
    pub branch_id: Option<i64>,
    /// The user must choose a new password before doing anything else.
    pub must_change_password: bool,
}

/// Checks a username: 2–32 characters of ASCII letters, digits, `.`, `-`, `_`.
pub fn validate_username(name: &str) -> Result<(), UsernameError> {
    let len = name.chars().count();
    if len < 2 {
        return Err(UsernameError::TooShort);
    }
    if len > 32 {
        return Err(UsernameError::TooLong);
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(UsernameError::BadCharacter);
    }
    Ok(())
}

/// Why a username was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Fewer than 2 characters.
    #[error("the username must have at least 2 characters")]
    TooShort,
    /// More than 32 characters.
    #[error("the username must have at most 32 characters")]
    TooLong,
    /// Something other than letters, digits, `.`, `-`, `_`.
    #[error("the username may hold only letters, digits, '.', '-' and '_'")]
    BadCharacter,
}

impl UsernameError {
    /// Catalogue key of the message shown at the field.
    pub fn key(self) -> &'static str {
        match self {
            UsernameError::TooShort => "err.username.short",
            UsernameError::TooLong => "err.username.long",
            UsernameError::BadCharacter => "err.username.chars",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
        }
        assert!("teller".parse::<Role>().is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(validate_username("rm1"), Ok(()));
        assert_eq!(validate_username("a"), Err(UsernameError::TooShort));
        assert_eq!(validate_username("张三"), Err(UsernameError::BadCharacter));
        assert_eq!(
            validate_username(&"x".repeat(33)),
            Err(UsernameError::TooLong)
        );
    }
}
