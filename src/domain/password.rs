//! Password policy: at least 12 characters, not containing the username, not one
//! character or a short pattern repeated, not a common password, and hard enough to guess
//! by the `zxcvbn` strength estimator (score at least [`MIN_SCORE`] of 4), with its reason
//! when it is not.

/// Common passwords refused outright, one per line (lower case), shipped in `assets/`.
const BLOCKLIST: &str = include_str!("../../assets/common-passwords.txt");

/// Minimum length in characters.
pub const MIN_LEN: usize = 12;

/// Lowest `zxcvbn` score accepted (0–4; 3 is "safely unguessable": about 10^10 guesses).
pub const MIN_SCORE: u8 = 3;

/// Longest pattern whose repetition is refused outright (`abcabcabcabc`, `rm1rm1…`).
pub const MAX_REPEATED_PATTERN: usize = 8;

/// Why the strength estimator finds a password easy to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// Rows or short patterns of the keyboard (`qwertyuiop`, `zxcvbn`).
    Keyboard,
    /// Repeated characters or words.
    Repeats,
    /// A common password or close to one.
    Common,
    /// Sequences (`abcdef`, `123456`).
    Sequence,
    /// Years and dates.
    Dates,
    /// Words or names by themselves.
    Words,
    /// Nothing more specific: too few guesses.
    Guessable,
}

impl Weakness {
    fn of(w: Option<zxcvbn::feedback::Warning>) -> Weakness {
        use zxcvbn::feedback::Warning as W;
        match w {
            Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => {
                Weakness::Keyboard
            }
            Some(
                W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            ) => Weakness::Repeats,
            Some(
                W::ThisIsATop10Password
                | W::ThisIsATop100Password
                | W::ThisIsACommonPassword
                | W::ThisIsSimilarToACommonlyUsedPassword,
            ) => Weakness::Common,
            Some(W::SequencesLikeAbcAreEasyToGuess) => Weakness::Sequence,
            Some(W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess) => Weakness::Dates,
            Some(
                W::AWordByItselfIsEasyToGuess
                | W::NamesAndSurnamesByThemselvesAreEasyToGuess
                | W::CommonNamesAndSurnamesAreEasyToGuess,
            ) => Weakness::Words,
            _ => Weakness::Guessable,
        }
    }
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`MIN_LEN`] characters.
    #[error("the password must have at least 12 characters")]
    TooShort,
    /// Contains the username (in any case).
    #[error("the password must not contain the username")]
    IsUsername,
    /// One character or a short pattern repeated (`            `, `abcabcabcabc`).
    #[error("the password must not be one character or a short pattern repeated")]
    Repeated,
    /// The strength estimator scores it below [`MIN_SCORE`], for this reason.
    #[error("this password is too easy to guess ({})", weakness_text(*.0))]
    Weak(Weakness),
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
            PasswordError::Repeated => "err.password.repeated",
            PasswordError::Weak(Weakness::Keyboard) => "err.password.weak_keyboard",
            PasswordError::Weak(Weakness::Repeats) => "err.password.weak_repeats",
            PasswordError::Weak(Weakness::Common) => "err.password.weak_common",
            PasswordError::Weak(Weakness::Sequence) => "err.password.weak_sequence",
            PasswordError::Weak(Weakness::Dates) => "err.password.weak_dates",
            PasswordError::Weak(Weakness::Words) => "err.password.weak_words",
            PasswordError::Weak(Weakness::Guessable) => "err.password.weak",
            PasswordError::Common => "err.password.common",
        }
    }
}

/// English words for a [`Weakness`] (the screens use the catalogue key instead).
fn weakness_text(w: Weakness) -> &'static str {
    match w {
        Weakness::Keyboard => "a keyboard pattern",
        Weakness::Repeats => "repeated characters or words",
        Weakness::Common => "close to a common password",
        Weakness::Sequence => "a sequence like abc or 123",
        Weakness::Dates => "a date or year",
        Weakness::Words => "a word or name by itself",
        Weakness::Guessable => "add another word or two",
    }
}

/// Whether `chars` is a pattern of at most [`MAX_REPEATED_PATTERN`] characters repeated
/// (the last repetition may be cut short), at least twice.
fn is_repetition(chars: &[char]) -> bool {
    let max = MAX_REPEATED_PATTERN.min(chars.len() / 2);
    (1..=max).any(|p| (p..chars.len()).all(|i| chars[i] == chars[i - p]))
}

/// Checks a proposed password for `username` against the policy.
pub fn check(username: &str, password: &str) -> Result<(), PasswordError> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    // A name of two characters is found inside too many good passwords to be refused
    // inside them; from three, it is.
    if !user.is_empty() && (lower == user || (user.chars().count() >= 3 && lower.contains(&user))) {
        return Err(PasswordError::IsUsername);
    }
    if is_repetition(&chars) || is_repetition(&lower.chars().collect::<Vec<_>>()) {
        return Err(PasswordError::Repeated);
    }
    if BLOCKLIST
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && !common.starts_with('#') && common == lower)
    {
        return Err(PasswordError::Common);
    }
    let user_inputs: Vec<&str> = [username.trim(), "rmdesk"]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let estimate = zxcvbn::zxcvbn(password, &user_inputs);
    if u8::from(estimate.score()) < MIN_SCORE {
        let warning = estimate.feedback().and_then(|f| f.warning());
        return Err(PasswordError::Weak(Weakness::of(warning)));
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
        assert_eq!(check("rm1", "long-enough-pass"), Ok(()));
        assert_eq!(check("rm1", "长城饭店门口的梧桐树很高"), Ok(()));
    }

    #[test]
    fn repeats_the_username_and_weak_ones_are_refused_with_a_reason() {
        assert_eq!(
            check("rm1", "my-rm1-password"),
            Err(PasswordError::IsUsername)
        );
        assert_eq!(check("rm1", "RM1rm1rm1rm1"), Err(PasswordError::IsUsername));
        assert_eq!(
            check("chief", "passwordpassword"),
            Err(PasswordError::Repeated)
        );
        assert_eq!(check("chief", "            "), Err(PasswordError::Repeated));
        assert_eq!(
            check("chief", "abcabcabcabcab"),
            Err(PasswordError::Repeated)
        );
        assert_eq!(
            check("chief", "demo-password"),
            Err(PasswordError::Weak(Weakness::Common))
        );
        assert!(matches!(
            check("chief", "qwertyuiopasdf"),
            Err(PasswordError::Weak(_))
        ));
        let e = check("chief", "demo-password").expect_err("weak");
        assert_eq!(e.key(), "err.password.weak_common");
        assert!(e.to_string().contains("common password"), "{e}");
    }
}
