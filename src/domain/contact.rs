//! Mobile numbers and e-mail addresses: syntax checks, and the masked forms shown until
//! the user explicitly reveals personal data.

/// Longest e-mail address accepted (RFC 5321 path limit less the angle brackets).
const EMAIL_MAX: usize = 254;
/// Longest local part (before the `@`) accepted.
const EMAIL_LOCAL_MAX: usize = 64;

/// Why a mobile number or an e-mail address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    /// Not 11 digits starting 13–19, nor `+` and a country code with 8–15 digits in all.
    #[error(
        "not a mobile number: use 11 digits starting 13-19, or + and the country code, \
         without spaces or dashes"
    )]
    Mobile,
    /// Not of the form `name@domain.example`.
    #[error("not a valid e-mail address")]
    Email,
}

impl ContactError {
    /// Catalogue key of the message shown at the field.
    pub fn key(self) -> &'static str {
        match self {
            ContactError::Mobile => "err.mobile",
            ContactError::Email => "err.email",
        }
    }
}

/// `true` for a mainland mobile number: 11 ASCII digits, the first `1`, the second 3–9.
fn is_mainland_mobile(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

/// Checks a mobile number and returns it trimmed. Accepted: a mainland number
/// (`13812345678`), or `+`, a country code and the number as one run of digits,
/// 8–15 digits in all (`+85291234567`); after `+86` a mainland number must follow.
/// Spaces, dashes and brackets inside are refused rather than silently dropped, so what is
/// stored is exactly what was checked.
pub fn validate_mobile(s: &str) -> Result<String, ContactError> {
    let s = s.trim();
    if let Some(digits) = s.strip_prefix('+') {
        let ok = digits.bytes().all(|b| b.is_ascii_digit())
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0')
            && digits.strip_prefix("86").map_or(true, is_mainland_mobile);
        if ok {
            return Ok(s.to_string());
        }
    } else if is_mainland_mobile(s) {
        return Ok(s.to_string());
    }
    Err(ContactError::Mobile)
}

/// Characters allowed in the local part besides ASCII letters and digits (RFC 5322 atext).
const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";

/// Checks an e-mail address pragmatically and returns it trimmed: one `@`; a local part of
/// 1–64 ASCII letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` that neither starts nor ends
/// with a dot nor holds two in a row; a domain of at least two dot-separated labels of
/// letters, digits and inner hyphens, the last not all digits; 254 characters at most.
pub fn validate_email(s: &str) -> Result<String, ContactError> {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return Err(ContactError::Email);
    };
    let local_ok = !local.is_empty()
        && local.len() <= EMAIL_LOCAL_MAX
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
    if s.len() <= EMAIL_MAX && local_ok && domain_ok {
        Ok(s.to_string())
    } else {
        Err(ContactError::Email)
    }
}

/// `n` stars.
fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// Masks an identity number: the first and last 4 characters stay, stars in between
/// (`1101**********7822`). Shorter numbers keep a quarter of their length at each end, so
/// at least half is always hidden; 3 characters or fewer are all stars.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    let keep = (n / 4).min(4);
    let mut out: String = chars[..keep].iter().collect();
    out.push_str(&stars(n - 2 * keep));
    out.extend(&chars[n - keep..]);
    out
}

/// Masks a mobile number: the last 4 digits stay, the 4 before them become stars, and
/// whatever comes first stays (`138****5678`, `+86138****5678`). Numbers shorter than 8
/// characters keep only their last 2.
pub fn mask_mobile(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    if n < 8 {
        let keep = if n >= 4 { 2 } else { 0 };
        let mut out = stars(n - keep);
        out.extend(&chars[n - keep..]);
        return out;
    }
    let mut out: String = chars[..n - 8].iter().collect();
    out.push_str("****");
    out.extend(&chars[n - 4..]);
    out
}

/// Masks an e-mail address: the first character of the local part, `***`, then the `@`
/// and the domain (`z***@example.cn`). Text without an `@` keeps only its first character.
pub fn mask_email(s: &str) -> String {
    let s = s.trim();
    let (local, domain) = match s.rsplit_once('@') {
        Some((l, d)) => (l, Some(d)),
        None => (s, None),
    };
    let mut out = String::new();
    if let Some(first) = local.chars().next() {
        out.push(first);
        out.push_str("***");
    }
    if let Some(d) = domain {
        out.push('@');
        out.push_str(d);
    }
    out
}

/// Masks personal data wherever it appears in free text (an audit entry's before and
/// after): ID numbers (15 digits, or 17 and a check character), mobiles (11 digits from
/// 1, with or without +86) and e-mail addresses. Values already masked stay as they are.
pub fn mask_in_text(text: &str) -> String {
    let is_part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '+');
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(&mask_word(word));
        word.clear();
    };
    for c in text.chars() {
        if is_part(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn mask_word(w: &str) -> String {
    let trimmed = w.trim_end_matches(['.', '-', '_']);
    let tail = &w[trimmed.len()..];
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let masked = if trimmed.contains('@') && trimmed.split('@').all(|p| !p.is_empty()) {
        mask_email(trimmed)
    } else if (trimmed.len() == 18
        && digits(&trimmed[..17])
        && trimmed[17..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x'))
        || (trimmed.len() == 15 && digits(trimmed))
    {
        mask_id_number(trimmed)
    } else if let Some(local) = trimmed
        .strip_prefix("+86")
        .or_else(|| trimmed.strip_prefix("86").filter(|r| r.len() == 11))
        .or(Some(trimmed))
        .filter(|r| r.len() == 11 && r.starts_with('1') && digits(r))
    {
        let _ = local;
        mask_mobile(trimmed)
    } else {
        return w.to_string();
    };
    format!("{masked}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_in_free_text_is_masked() {
        let t = "id_number=110101199003077822 mobile=13812345678, email=zhang.san@example.cn name=Zhang 2026-11-23 rows=1000";
        assert_eq!(
            mask_in_text(t),
            "id_number=1101**********7822 mobile=138****5678, email=z***@example.cn name=Zhang 2026-11-23 rows=1000"
        );
        assert_eq!(mask_in_text("m=+8613812345678."), "m=+86138****5678.");
        assert_eq!(mask_in_text("already 138****5678"), "already 138****5678");
        assert_eq!(
            mask_in_text("C000000041:12345678901234"),
            "C000000041:12345678901234"
        );
    }

    #[test]
    fn mainland_mobiles() {
        for m in ["13812345678", "14427316723", "19998493341", " 17083016613 "] {
            assert_eq!(validate_mobile(m), Ok(m.trim().to_string()), "{m}");
        }
        for m in [
            "12345",
            "12345678901",
            "10012345678",
            "1381234567",
            "138123456789",
            "138 1234 5678",
            "138-1234-5678",
            "1381234567x",
            "１３８１２３４５６７８",
            "",
        ] {
            assert_eq!(validate_mobile(m), Err(ContactError::Mobile), "{m}");
        }
    }

    #[test]
    fn international_mobiles() {
        for m in [
            "+8613812345678",
            "+85291234567",
            "+6591234567",
            "+447911123456",
            "+12025550123",
        ] {
            assert_eq!(validate_mobile(m).as_deref(), Ok(m), "{m}");
        }
        for m in [
            "+86 13812345678",
            "+8612345678901",
            "+861381234567",
            "+1234567",
            "+1234567890123456",
            "+",
            "++8613812345678",
            "+44-7911-123456",
            "+0123456789",
            "008613812345678",
        ] {
            assert_eq!(validate_mobile(m), Err(ContactError::Mobile), "{m}");
        }
    }

    #[test]
    fn emails() {
        for e in [
            "c0@example.cn",
            "finance15@corp.example.cn",
            "zhang.san+bank@163.com",
            "o'brien@mail.example.co.uk",
            "a@b.cd",
            "x@xn--fiqs8s.xn--p1ai",
        ] {
            assert_eq!(validate_email(e).as_deref(), Ok(e), "{e}");
        }
        assert_eq!(
            validate_email("  c1@example.cn ").as_deref(),
            Ok("c1@example.cn")
        );
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_all = format!(
            "{}@{}.com",
            "a".repeat(60),
            vec!["b".repeat(60); 4].join(".")
        );
        for e in [
            "someone@@example",
            "someone@example",
            "@example.com",
            "someone@",
            "some one@example.com",
            "someone@exa mple.com",
            ".someone@example.com",
            "someone.@example.com",
            "some..one@example.com",
            "someone@-example.com",
            "someone@example-.com",
            "someone@example..com",
            "someone@.example.com",
            "someone@example.com.",
            "someone@127.0.0.1",
            "someone@example.c_m",
            "张三@example.com",
            "someone@例子.中国",
            "a@b@c.com",
            "",
            long_local.as_str(),
            long_all.as_str(),
        ] {
            assert_eq!(validate_email(e), Err(ContactError::Email), "{e}");
        }
    }

    #[test]
    fn masks() {
        assert_eq!(mask_id_number("110105197009087822"), "1101**********7822");
        assert_eq!(mask_id_number("33010619841217854X"), "3301**********854X");
        assert_eq!(mask_id_number("E12345678"), "E1*****78");
        assert_eq!(mask_id_number("G1234"), "G***4");
        assert_eq!(mask_id_number("ABC"), "***");
        assert_eq!(mask_id_number(""), "");
        assert_eq!(mask_id_number("91440106R3WQ4NLM86"), "9144**********LM86");

        assert_eq!(mask_mobile("13812345678"), "138****5678");
        assert_eq!(mask_mobile("+8613812345678"), "+86138****5678");
        assert_eq!(mask_mobile("+85291234567"), "+852****4567");
        assert_eq!(mask_mobile("12345"), "***45");
        assert_eq!(mask_mobile("123"), "***");
        assert_eq!(mask_mobile(""), "");

        assert_eq!(mask_email("c0@example.cn"), "c***@example.cn");
        assert_eq!(mask_email("张三@example.cn"), "张***@example.cn");
        assert_eq!(mask_email("nonsense"), "n***");
        assert_eq!(mask_email(""), "");
    }

    #[test]
    fn keys() {
        assert_eq!(ContactError::Mobile.key(), "err.mobile");
        assert_eq!(ContactError::Email.key(), "err.email");
    }
}
