//! Money: exact decimal amounts (`rust_decimal`, never floating point), parsed from what a
//! user types and formatted with thousands separators; minor units (fen) for sums in SQL.
use rust_decimal::{Decimal, RoundingStrategy};

/// Most digits before the decimal point: keeps every amount convertible to fen in an
/// `i64` (about 9.2 × 10^16 yuan) with room to add many of them.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing typed.
    #[error("enter an amount")]
    Empty,
    /// A minus sign: amounts are never negative.
    #[error("the amount must not be negative")]
    Negative,
    /// Anything but digits, one decimal point and correctly placed thousands separators.
    #[error("not an amount: use digits, a decimal point and optionally ',' between thousands")]
    Invalid,
    /// More than 2 digits after the decimal point.
    #[error("an amount has at most 2 digits after the decimal point")]
    Precision,
    /// More than [`MAX_INTEGER_DIGITS`] digits before the decimal point.
    #[error("the amount is too large")]
    TooLarge,
}

impl AmountError {
    /// Catalogue key of the message shown at the field.
    pub fn key(self) -> &'static str {
        match self {
            AmountError::Empty => "err.amount.empty",
            AmountError::Negative => "err.amount.negative",
            AmountError::Invalid => "err.amount.invalid",
            AmountError::Precision => "err.amount.precision",
            AmountError::TooLarge => "err.amount.large",
        }
    }
}

/// Parses a non-negative amount as typed: ASCII digits, optionally `,` between groups of
/// three (`1,234,567.80`; then every group must be complete), optionally `.` and one or
/// two decimals. Surrounding spaces are ignored; signs, currency symbols, spaces inside
/// and exponents are refused.
pub fn parse_amount(s: &str) -> Result<Decimal, AmountError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if s.starts_with('-') {
        return Err(AmountError::Negative);
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = integer_digits(int_part).ok_or(AmountError::Invalid)?;
    let frac = frac_part.unwrap_or("");
    if (frac_part.is_some() && frac.is_empty()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::Invalid);
    }
    if frac.len() > 2 {
        return Err(AmountError::Precision);
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > MAX_INTEGER_DIGITS {
        return Err(AmountError::TooLarge);
    }
    // At most 15 + 2 digits: fits an i64 mantissa.
    let mantissa: i64 = format!("{digits}{frac}")
        .parse()
        .map_err(|_| AmountError::Invalid)?;
    let scale = u32::try_from(frac.len()).map_err(|_| AmountError::Invalid)?;
    Ok(Decimal::new(mantissa, scale))
}

/// The digits of an integer part, with thousands separators (if any) checked and removed.
fn integer_digits(s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    let groups: Vec<&str> = s.split(',').collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let ok = match groups.as_slice() {
        [single] => all_digits(single),
        [first, rest @ ..] => {
            all_digits(first)
                && first.len() <= 3
                && rest.iter().all(|g| g.len() == 3 && all_digits(g))
        }
        [] => false,
    };
    ok.then(|| groups.concat())
}

/// Formats an amount with thousands separators and exactly two decimals, rounding half
/// away from zero: `1,234,567.80`, `-0.50`.
pub fn format_amount(d: Decimal) -> String {
    let rounded = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    // After rounding the scale is at most 2, so the value in hundredths is an integer;
    // Decimal's 96-bit mantissa times 100 fits an i128.
    let hundredths = rounded.mantissa() * 10_i128.pow(2 - rounded.scale().min(2));
    let negative = hundredths < 0;
    let abs = hundredths.unsigned_abs();
    let int = (abs / 100).to_string();
    let mut out = String::with_capacity(int.len() + int.len() / 3 + 4);
    if negative {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(&format!(".{:02}", abs % 100));
    out
}

/// Formats an amount with its currency: `¥1,234,567.80` for CNY, `USD 1,234.00` for the
/// others (ISO 4217 code, a space, the amount).
pub fn format_money(d: Decimal, currency: &str) -> String {
    let amount = format_amount(d);
    if currency.eq_ignore_ascii_case("CNY") {
        match amount.strip_prefix('-') {
            Some(abs) => format!("-¥{abs}"),
            None => format!("¥{amount}"),
        }
    } else {
        format!("{} {amount}", currency.to_ascii_uppercase())
    }
}

/// The amount in minor units (fen, hundredths), or `None` when it has a fraction of a fen
/// or does not fit an `i64`. Never rounds: a sum over minor units stays exact.
pub fn to_minor(d: Decimal) -> Option<i64> {
    let hundredths = d.checked_mul(Decimal::ONE_HUNDRED)?;
    if !hundredths.fract().is_zero() {
        return None;
    }
    let n = hundredths.normalize();
    // Normalised and whole, so the scale is 0 and the mantissa is the value.
    i64::try_from(n.mantissa()).ok()
}

/// An amount from minor units (fen): `123456` → `1234.56`.
pub fn from_minor(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn parses_amounts() {
        assert_eq!(parse_amount("0"), Ok(dec("0")));
        assert_eq!(parse_amount("100"), Ok(dec("100")));
        assert_eq!(parse_amount(" 1,234,567.80 "), Ok(dec("1234567.80")));
        assert_eq!(parse_amount("1234567.8"), Ok(dec("1234567.8")));
        assert_eq!(
            parse_amount("999,999,999,999,999.99"),
            Ok(dec("999999999999999.99"))
        );
        assert_eq!(parse_amount("0.01"), Ok(dec("0.01")));
        assert_eq!(parse_amount("000123"), Ok(dec("123")));
        // The scale typed is kept, equality does not depend on it.
        assert_eq!(
            parse_amount("5.50").map(|d| d.to_string()).as_deref(),
            Ok("5.50")
        );
        assert_eq!(parse_amount("5.5"), parse_amount("5.50"));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        use AmountError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("-1", Negative),
            ("-0.01", Negative),
            ("1.234", Precision),
            ("0.001", Precision),
            ("1,23", Invalid),
            ("12,34,567", Invalid),
            ("1234,567", Invalid),
            (",123", Invalid),
            ("123,", Invalid),
            ("1,,234", Invalid),
            ("1.", Invalid),
            (".5", Invalid),
            ("1.2.3", Invalid),
            ("1.2a", Invalid),
            ("+1", Invalid),
            ("1e3", Invalid),
            ("¥100", Invalid),
            ("1 000", Invalid),
            ("１２３", Invalid),
            ("NaN", Invalid),
            ("1,234.5,6", Invalid),
            ("1000000000000000", TooLarge),
        ];
        for (s, e) in cases {
            assert_eq!(parse_amount(s), Err(e), "{s:?}");
        }
    }

    #[test]
    fn formats_amounts() {
        assert_eq!(format_amount(dec("1234567.8")), "1,234,567.80");
        assert_eq!(format_amount(dec("0")), "0.00");
        assert_eq!(format_amount(dec("999")), "999.00");
        assert_eq!(format_amount(dec("1000")), "1,000.00");
        assert_eq!(format_amount(dec("100000")), "100,000.00");
        assert_eq!(format_amount(dec("0.005")), "0.01");
        assert_eq!(format_amount(dec("2.345")), "2.35");
        assert_eq!(format_amount(dec("-1234.5")), "-1,234.50");
        assert_eq!(format_amount(dec("-0.001")), "0.00");
        assert_eq!(
            format_amount(Decimal::MAX),
            "79,228,162,514,264,337,593,543,950,335.00"
        );
        assert_eq!(format_money(dec("1234567.8"), "CNY"), "¥1,234,567.80");
        assert_eq!(format_money(dec("-12"), "CNY"), "-¥12.00");
        assert_eq!(format_money(dec("1234"), "USD"), "USD 1,234.00");
        assert_eq!(format_money(dec("0.5"), "hkd"), "HKD 0.50");
    }

    #[test]
    fn formatting_round_trips_through_parsing() {
        for s in ["0.00", "1.00", "12,345.67", "999,999,999,999,999.99"] {
            assert_eq!(format_amount(parse_amount(s).unwrap()), s);
        }
    }

    #[test]
    fn decimal_sums_are_exact() {
        assert_eq!(dec("0.10") + dec("0.20"), dec("0.30"));
        assert_eq!(
            parse_amount("0.1").unwrap() + parse_amount("0.2").unwrap(),
            parse_amount("0.3").unwrap()
        );
        // A hundred thousand cents make exactly a thousand; in f64 they would not.
        let cent = parse_amount("0.01").unwrap();
        let total: Decimal = std::iter::repeat(cent).take(100_000).sum();
        assert_eq!(total, dec("1000"));
        assert_eq!(to_minor(total), Some(100_000));
        let float: f64 = std::iter::repeat(0.01_f64).take(100_000).sum();
        assert_ne!(float, 1000.0);
    }

    #[test]
    fn minor_units() {
        assert_eq!(to_minor(dec("1234.56")), Some(123_456));
        assert_eq!(to_minor(dec("1234.5")), Some(123_450));
        assert_eq!(to_minor(dec("0")), Some(0));
        assert_eq!(to_minor(dec("-0.01")), Some(-1));
        assert_eq!(to_minor(dec("1.230")), Some(123));
        assert_eq!(to_minor(dec("0.001")), None);
        assert_eq!(to_minor(dec("100000000000000000")), None);
        assert_eq!(
            to_minor(dec("999999999999999.99")),
            Some(99_999_999_999_999_999)
        );
        assert_eq!(from_minor(123_456), dec("1234.56"));
        assert_eq!(from_minor(-5), dec("-0.05"));
        for m in [0, 1, 99, 100, 123_456_789, i64::MAX, i64::MIN] {
            assert_eq!(to_minor(from_minor(m)), Some(m));
        }
        // Sums in minor units agree with decimal sums.
        let amounts = ["0.10", "0.20", "19.99", "1,000.01"].map(|s| parse_amount(s).unwrap());
        let minor: i64 = amounts.iter().map(|&a| to_minor(a).unwrap()).sum();
        assert_eq!(from_minor(minor), amounts.iter().sum::<Decimal>());
        assert_eq!(from_minor(minor), dec("1020.30"));
    }

    #[test]
    fn keys() {
        assert_eq!(AmountError::Precision.key(), "err.amount.precision");
        assert_eq!(AmountError::Invalid.key(), "err.amount.invalid");
    }
}
