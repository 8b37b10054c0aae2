//! Identity numbers unique to an index (resident IDs, passports, permits, credit codes)
//! and the zero-padded digits people's strings are built from.

use chrono::{Datelike, Days, NaiveDate};

use super::words::AREAS;
use crate::domain::ids::{resident_id_check_char, uscc_check_char};

/// Distinct indexes below this give distinct ID numbers (the smallest number space: one
/// resident ID per area, birth date and sequence number).
pub const UNIQUE_INDEXES: u64 = 600_000_000;

// The other number spaces (passports, permits, credit codes) are larger still.
const _: () = assert!(676 * 10_000_000 >= UNIQUE_INDEXES);
const _: () = assert!(10_000_000_000 >= UNIQUE_INDEXES);
const _: () = assert!(AREAS.len() as u64 * 100_000_000 >= UNIQUE_INDEXES);

/// A number written zero-padded, on the stack. Building the strings of a person from
/// these and [`concat`] is several times faster than `format!`, which counts when a
/// demo asks for a million people.
pub(super) struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    /// `n` with at least `width` digits (at most 20).
    pub(super) fn new(mut n: u64, width: usize) -> Digits {
        let mut buf = [b'0'; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 || i == 0 {
                break;
            }
        }
        Digits {
            buf,
            start: i.min(buf.len().saturating_sub(width)),
        }
    }

    /// The digits.
    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}

/// The parts, one after the other, in a string allocated once.
pub(super) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// One round of a bijection of `0..=mask` (`mask` = 2^k - 1): each step (xor with a
/// constant, multiplication by an odd number modulo 2^k, xor with itself shifted right)
/// is invertible, so their composition is too.
fn scramble(mut x: u64, mask: u64, bits: u32, salt: u64) -> u64 {
    let shift = bits / 2 + 1;
    x = (x ^ salt) & mask;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask;
    x ^= x >> shift;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & mask;
    x ^= x >> shift;
    x
}

/// `index` mapped one-to-one onto `0..space` in a scattered order (for `index < space`):
/// [`scramble`] permutes the smallest power of two holding `space`, and values outside
/// `space` are scrambled again until one falls inside ("cycle walking"), which keeps the
/// map a bijection of `0..space`. Fewer than two rounds are needed on average.
fn mix(index: u64, space: u64, salt: u64) -> u64 {
    let space = space.max(1);
    let bits = 64 - (space - 1).leading_zeros();
    let mask = if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    // Starting inside `0..space` guarantees the walk comes back inside; past `space`
    // indexes wrap round (and repeat numbers).
    let mut x = index % space;
    loop {
        x = scramble(x, mask, bits, salt);
        if x < space {
            return x;
        }
    }
}

/// The earliest and latest birth dates of generated residents: 1940 to 2005, and adults
/// on `today`.
pub(super) fn birth_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or(NaiveDate::MIN);
    let adult = today
        .with_year(today.year() - 18)
        .or_else(|| today.checked_sub_days(Days::new(18 * 366)))
        .unwrap_or(first);
    let last = NaiveDate::from_ymd_opt(2005, 12, 31)
        .unwrap_or(first)
        .min(adult)
        .max(first);
    (first, last)
}

/// A resident ID unique to `index`, with its area.
pub(super) fn resident_id(
    index: u64,
    today: NaiveDate,
) -> (String, &'static (&'static str, &'static str, &'static str)) {
    let (first, last) = birth_range(today);
    let days = u64::try_from((last - first).num_days() + 1).unwrap_or(1);
    let areas = AREAS.len() as u64;
    let x = mix(index, areas * days * 1000, 12_345);
    let seq = x % 1000;
    let day = (x / 1000) % days;
    let area = &AREAS[usize::try_from(x / 1000 / days).unwrap_or(0) % AREAS.len()];
    let birth = first.checked_add_days(Days::new(day)).unwrap_or(first);
    let mut id = concat(&[
        area.0,
        Digits::new(u64::try_from(birth.year()).unwrap_or(0), 4).as_str(),
        Digits::new(u64::from(birth.month()), 2).as_str(),
        Digits::new(u64::from(birth.day()), 2).as_str(),
        Digits::new(seq, 3).as_str(),
    ]);
    id.push(resident_id_check_char(&id).unwrap_or('0'));
    (id, area)
}

/// A passport number (2 letters, 7 digits) unique to `index`.
pub(super) fn passport(index: u64) -> String {
    let x = mix(index, 676 * 10_000_000, 777);
    let letters = x / 10_000_000;
    let l1 = char::from(b'A' + (letters / 26) as u8);
    let l2 = char::from(b'A' + (letters % 26) as u8);
    let mut number = String::with_capacity(9);
    number.push(l1);
    number.push(l2);
    number.push_str(Digits::new(x % 10_000_000, 7).as_str());
    number
}

/// A travel permit number of a Hong Kong resident (`H` and 10 digits) unique to `index`.
pub(super) fn permit(index: u64) -> String {
    concat(&[
        "H",
        Digits::new(mix(index, 10_000_000_000, 4242), 10).as_str(),
    ])
}

/// A unified social credit code unique to `index`, registered in a random district.
pub(super) fn uscc(index: u64) -> (String, &'static (&'static str, &'static str, &'static str)) {
    let areas = AREAS.len() as u64;
    let x = mix(index, areas * 100_000_000, 99);
    let area = &AREAS[usize::try_from(x / 100_000_000).unwrap_or(0) % AREAS.len()];
    // Organisation code (GB 11714): 8 digits and a check character.
    let body = Digits::new(x % 100_000_000, 8);
    let body = body.as_str();
    let sum: u32 = body
        .bytes()
        .zip([3, 7, 9, 10, 5, 8, 4, 2])
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from(b'0' + n as u8),
    };
    let mut code = concat(&["91", area.0, body]);
    code.push(org_check);
    code.push(uscc_check_char(&code).unwrap_or('0'));
    (code, area)
}

/// `YYYY-MM-DD` (chrono's `format` parses its pattern on every call, far slower).
pub(super) fn iso(d: NaiveDate) -> String {
    concat(&[
        Digits::new(u64::try_from(d.year()).unwrap_or(0), 4).as_str(),
        "-",
        Digits::new(u64::from(d.month()), 2).as_str(),
        "-",
        Digits::new(u64::from(d.day()), 2).as_str(),
    ])
}
