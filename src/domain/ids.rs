//! Chinese identity numbers: the resident identity card number (GB 11643) and the
//! unified social credit code of organisations (GB 32100).
use chrono::{Datelike, NaiveDate};

use super::client::Gender;

/// Weights of the 17 leading digits of a resident ID (GB 11643).
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character of a resident ID, indexed by the weighted sum mod 11.
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// The 31 characters of a unified social credit code; a character's index is its value.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the 17 leading characters of a unified social credit code (GB 32100).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why an identity number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not exactly 18 characters.
    #[error("the number must have exactly 18 characters")]
    Length,
    /// A character that may not stand where it stands.
    #[error("the number holds a character that is not allowed there")]
    Characters,
    /// The last character does not match the check computed from the others.
    #[error("the check character does not match the rest of the number (mistyped?)")]
    CheckDigit,
    /// The birth date inside a resident ID is not a real date, before 1900 or in the future.
    #[error("the birth date inside the number is not a real date")]
    BirthDate,
}

impl IdError {
    /// Catalogue key of the message shown at the field.
    pub fn key(self) -> &'static str {
        match self {
            IdError::Length => "err.id.length",
            IdError::Characters => "err.id.chars",
            IdError::CheckDigit => "err.id.check",
            IdError::BirthDate => "err.id.birth",
        }
    }
}

/// A resident ID that passed every check, with what it tells about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    /// The 18 characters, a final check `x` upper-cased.
    pub number: String,
    /// Birth date written in positions 7–14.
    pub birth_date: NaiveDate,
    /// Gender from the 17th digit: odd for men, even for women.
    pub gender: Gender,
}

/// Trims a resident ID as typed and upper-cases it, so a final `x` becomes `X`.
pub fn normalize_resident_id(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

/// The GB 11643 check character for the first 17 digits of a resident ID, or `None`
/// unless `first17` is exactly 17 ASCII digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(RESIDENT_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    RESIDENT_CHECK
        .get((sum % 11) as usize)
        .map(|&c| char::from(c))
}

/// Checks a resident ID (GB 11643): 18 characters, 17 digits and a check character
/// (`0`–`9` or `X`; `x` is accepted), the check character right, and a birth date that is
/// a real date from 1900-01-01 up to `today`.
pub fn validate_resident_id(s: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
    let number = normalize_resident_id(s);
    if number.chars().count() != 18 {
        return Err(IdError::Length);
    }
    if !number.is_ascii() {
        return Err(IdError::Characters);
    }
    // 18 ASCII characters from here on, so byte indexing is character indexing.
    let bytes = number.as_bytes();
    let (first17, last) = (&number[..17], bytes[17]);
    if !bytes[..17].iter().all(u8::is_ascii_digit) || !(last.is_ascii_digit() || last == b'X') {
        return Err(IdError::Characters);
    }
    if resident_id_check_char(first17) != Some(char::from(last)) {
        return Err(IdError::CheckDigit);
    }
    let birth_date = digits_date(&number[6..14]).ok_or(IdError::BirthDate)?;
    if birth_date.year() < 1900 || birth_date > today {
        return Err(IdError::BirthDate);
    }
    let gender = if (bytes[16] - b'0') % 2 == 1 {
        Gender::M
    } else {
        Gender::F
    };
    Ok(ResidentId {
        number,
        birth_date,
        gender,
    })
}

/// `YYYYMMDD` (eight ASCII digits) as a date, if it is a real one.
fn digits_date(s: &str) -> Option<NaiveDate> {
    let year = s.get(0..4)?.parse().ok()?;
    let month = s.get(4..6)?.parse().ok()?;
    let day = s.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Trims a unified social credit code as typed and upper-cases its letters.
pub fn normalize_uscc(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

/// Value (0–30) of one character of a unified social credit code.
fn uscc_value(c: u8) -> Option<u32> {
    USCC_ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The GB 32100 check character for the first 17 characters of a unified social credit
/// code, or `None` unless `first17` is 17 characters of the code's alphabet (upper case).
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&b, w) in bytes.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(b)? * w;
    }
    let check = (31 - sum % 31) % 31;
    USCC_ALPHABET.get(check as usize).map(|&c| char::from(c))
}

/// Checks a unified social credit code (GB 32100): 18 characters of
/// `0-9 A-H J-N P-R T U W-Y` (lower case accepted) with the right check character.
/// Returns the normalised (upper-case) code.
pub fn validate_uscc(s: &str) -> Result<String, IdError> {
    let code = normalize_uscc(s);
    if code.chars().count() != 18 {
        return Err(IdError::Length);
    }
    if !code.bytes().all(|b| uscc_value(b).is_some()) {
        return Err(IdError::Characters);
    }
    if uscc_check_char(&code[..17]) != code[17..].chars().next() {
        return Err(IdError::CheckDigit);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn check_char_of_known_numbers() {
        // From clients-sample.csv (lines 5, 14, 33) and the standard's own example.
        assert_eq!(resident_id_check_char("11010519700908782"), Some('2'));
        assert_eq!(resident_id_check_char("33010619841217854"), Some('X'));
        assert_eq!(resident_id_check_char("32010219800821197"), Some('X'));
        assert_eq!(resident_id_check_char("11010519491231002"), Some('X'));
        assert_eq!(resident_id_check_char("1101051949123100"), None);
        assert_eq!(resident_id_check_char("1101051949123100A"), None);
    }

    #[test]
    fn valid_resident_ids_from_the_sample() {
        let id = validate_resident_id("110105197009087822", today()).unwrap();
        assert_eq!(id.number, "110105197009087822");
        assert_eq!(id.birth_date, date(1970, 9, 8));
        assert_eq!(id.gender, Gender::F);

        let id = validate_resident_id("320102197508038793", today()).unwrap();
        assert_eq!(id.birth_date, date(1975, 8, 3));
        assert_eq!(id.gender, Gender::M);

        for n in [
            "320102195307140960",
            "510107198407145997",
            "440106197408111722",
            "11010119400114415X",
            "330106200002293713", // born on 29 February 2000
        ] {
            assert!(validate_resident_id(n, today()).is_ok(), "{n}");
        }
    }

    #[test]
    fn final_x_in_either_case() {
        let upper = validate_resident_id("33010619841217854X", today()).unwrap();
        let lower = validate_resident_id("33010619841217854x", today()).unwrap();
        assert_eq!(upper, lower);
        assert_eq!(lower.number, "33010619841217854X");
        assert_eq!(lower.gender, Gender::F);
        let padded = validate_resident_id("  32010219800821197x ", today()).unwrap();
        assert_eq!(padded.number, "32010219800821197X");
        assert_eq!(padded.gender, Gender::M);
        assert_eq!(
            normalize_resident_id(" 11010519491231002x"),
            "11010519491231002X"
        );
    }

    #[test]
    fn refused_resident_ids() {
        let t = today();
        // Sample lines 15 and 52: one digit off.
        assert_eq!(
            validate_resident_id("110105198005058620", t),
            Err(IdError::CheckDigit)
        );
        assert_eq!(
            validate_resident_id("420106198005053870", t),
            Err(IdError::CheckDigit)
        );
        assert_eq!(
            validate_resident_id("11010519700908782", t),
            Err(IdError::Length)
        );
        assert_eq!(validate_resident_id("", t), Err(IdError::Length));
        assert_eq!(
            validate_resident_id("1101051970090878222", t),
            Err(IdError::Length)
        );
        assert_eq!(
            validate_resident_id("11010519700908782A", t),
            Err(IdError::Characters)
        );
        assert_eq!(
            validate_resident_id("1101051970O9087822", t),
            Err(IdError::Characters)
        );
        // Full-width digits are 18 characters but not ASCII digits.
        assert_eq!(
            validate_resident_id("１１０１０５１９７０", t),
            Err(IdError::Length)
        );
        assert_eq!(
            validate_resident_id("１１０１０５１９７００９０８７８２２", t),
            Err(IdError::Characters)
        );
    }

    /// A number with the given 17 digits and its correct check character.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", resident_id_check_char(first17).unwrap())
    }

    #[test]
    fn birth_date_inside_the_number() {
        let t = today();
        // 30 February, 29 February of a common year, month 13: right check, no date.
        for first17 in [
            "11010519850230001",
            "11010519010229001",
            "11010519851301001",
        ] {
            assert_eq!(
                validate_resident_id(&with_check(first17), t),
                Err(IdError::BirthDate),
                "{first17}"
            );
        }
        // Before 1900, and after today.
        assert_eq!(
            validate_resident_id(&with_check("11010518991231001"), t),
            Err(IdError::BirthDate)
        );
        assert_eq!(
            validate_resident_id(&with_check("11010520261124001"), t),
            Err(IdError::BirthDate)
        );
        // Born today is fine.
        assert!(validate_resident_id(&with_check("11010520261123001"), t).is_ok());
        assert!(validate_resident_id(&with_check("11010519000101001"), t).is_ok());
    }

    #[test]
    fn uscc_from_the_sample() {
        for code in [
            "91440106R3WQ4NLM86",
            "9144010658E08BAH8B",
            "914403055FDA998P3X",
            "911101056W4L0D002A",
            "9133010621H68YL3XN",
        ] {
            assert_eq!(validate_uscc(code).as_deref(), Ok(code));
            assert_eq!(uscc_check_char(&code[..17]), code.chars().last());
        }
        assert_eq!(
            validate_uscc(" 91440106r3wq4nlm86 ").as_deref(),
            Ok("91440106R3WQ4NLM86")
        );
        // A widely published real code (check value 31 - 0 wraps to '0' is covered below).
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn uscc_check_wraps_31_to_0() {
        // Find a body whose weighted sum is a multiple of 31 and check it maps to '0'.
        let body = (0..31)
            .map(|v| format!("9144010658E08BAH{}", char::from(USCC_ALPHABET[v])))
            .find(|b| {
                let sum: u32 = b
                    .bytes()
                    .zip(USCC_WEIGHTS)
                    .map(|(c, w)| uscc_value(c).unwrap() * w)
                    .sum();
                sum % 31 == 0
            })
            .unwrap();
        assert_eq!(uscc_check_char(&body), Some('0'));
        assert!(validate_uscc(&format!("{body}0")).is_ok());
    }

    #[test]
    fn refused_uscc() {
        // Sample line 175 is a resident ID; as a code its check character is wrong.
        assert_eq!(
            validate_uscc("91440106R3WQ4NLM87"),
            Err(IdError::CheckDigit)
        );
        assert_eq!(validate_uscc("91440106R3WQ4NLM8"), Err(IdError::Length));
        // I, O, S, V, Z are not in the alphabet.
        assert_eq!(
            validate_uscc("91440106I3WQ4NLM86"),
            Err(IdError::Characters)
        );
        assert_eq!(
            validate_uscc("91440106R3WQ4NLM8-"),
            Err(IdError::Characters)
        );
        assert_eq!(uscc_check_char("91440106I3WQ4NLM8"), None);
    }

    #[test]
    fn keys_and_messages() {
        assert_eq!(IdError::Length.key(), "err.id.length");
        assert_eq!(IdError::Characters.key(), "err.id.chars");
        assert_eq!(IdError::CheckDigit.key(), "err.id.check");
        assert_eq!(IdError::BirthDate.key(), "err.id.birth");
        assert_eq!(
            IdError::Length.to_string(),
            "the number must have exactly 18 characters"
        );
    }
}
