//! Realistic demo clients from a seed: mostly Chinese individuals with resident IDs,
//! some English-named individuals with passports, some companies with credit codes.
//! The same seed and index give the same person, and every person passes
//! [`ClientInput::validate`].
//!
//! Identity numbers are not drawn at random: each is a scattered bijection of the index
//! onto its number space, so distinct indexes give distinct numbers — for indexes below
//! [`UNIQUE_INDEXES`], far more than any demo needs.//!
//! `words` holds the names, places and words people are made of, `numbers` their
//! identity numbers and the digits they are written with.

mod numbers;
mod words;

pub use numbers::UNIQUE_INDEXES;

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::Rng;

use crate::domain::client::ClientInput;
use crate::domain::search_terms::pinyin_initials;
use numbers::{birth_range, concat, iso, passport, permit, resident_id, uscc, Digits};
use words::*;

/// One of `items`, uniformly; `items` is never empty here.
fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.gen_range(0..items.len()))
        .copied()
        .unwrap_or_default()
}

/// One of `items`, favouring the front (the square of a uniform draw).
fn pick_front<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    let u: f64 = rng.gen();
    let i = ((u * u) * items.len() as f64) as usize;
    items
        .get(i.min(items.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// A mainland mobile number.
fn mobile(rng: &mut StdRng) -> String {
    let prefix = pick(rng, MOBILE_PREFIXES);
    concat(&[
        prefix,
        Digits::new(rng.gen_range(0..100_000_000), 8).as_str(),
    ])
}

/// A Chinese personal name for the gender (`true` for male).
fn chinese_name(rng: &mut StdRng, male: bool) -> String {
    let surname = if rng.gen_ratio(1, 50) {
        pick(rng, COMPOUND_SURNAMES)
    } else {
        pick_front(rng, SURNAMES)
    };
    let chars = if male { MALE_CHARS } else { FEMALE_CHARS };
    let mut name = surname.to_string();
    name.push_str(pick(rng, chars));
    if rng.gen_ratio(2, 3) {
        name.push_str(pick(rng, chars));
    }
    name
}

/// An address in the city of `area`.
fn address(rng: &mut StdRng, area: &(&str, &str, &str)) -> String {
    let road = pick(rng, ROADS);
    let number = Digits::new(rng.gen_range(1..400), 1);
    let street = [area.1, area.2, road, number.as_str(), "号"];
    if rng.gen_ratio(1, 2) {
        let building = Digits::new(rng.gen_range(1..30), 1);
        let room = Digits::new(rng.gen_range(101..2_800), 1);
        let flat = [building.as_str(), "栋", room.as_str(), "室"];
        concat(&[&street[..], &flat[..]].concat())
    } else {
        concat(&street)
    }
}

/// A risk level and assessment date: mostly current, about one in six expired.
fn risk(rng: &mut StdRng, today: NaiveDate, input: &mut ClientInput) {
    let level = match rng.gen_range(0..100) {
        0..=9 => "C1",
        10..=34 => "C2",
        35..=69 => "C3",
        70..=89 => "C4",
        _ => "C5",
    };
    let days_ago = if rng.gen_ratio(1, 6) {
        rng.gen_range(366..1_100)
    } else {
        rng.gen_range(0..=360)
    };
    let on = today.checked_sub_days(Days::new(days_ago)).unwrap_or(today);
    input.risk_level = level.to_string();
    input.risk_assessed_on = iso(on);
}

/// A status: mostly active.
fn status(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..100) {
        0..=77 => "active",
        78..=87 => "prospect",
        88..=97 => "dormant",
        _ => "closed",
    }
}

/// A date in `from..=to` (`from` when the range is empty).
fn date_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).unwrap_or(0);
    from.checked_add_days(Days::new(rng.gen_range(0..=span)))
        .unwrap_or(from)
}

/// The demo client number `index` (owner and client number left empty). Draws from
/// `rng`; the ID number depends on `index` alone, so distinct indexes below
/// [`UNIQUE_INDEXES`] never share one. `today` bounds birth and assessment dates.
pub fn person(rng: &mut StdRng, index: u64, today: NaiveDate) -> ClientInput {
    let mut c = ClientInput {
        status: status(rng).to_string(),
        source: pick(rng, SOURCES).to_string(),
        ..ClientInput::default()
    };
    if rng.gen_ratio(1, 10) {
        c.notes = pick(rng, NOTES).to_string();
    }
    let roll = rng.gen_range(0..100);
    if roll < 80 {
        // A Chinese individual: gender and birth date are those of the ID number.
        let (id, area) = resident_id(index, today);
        // ASCII '0' is even, so the digit and its byte have the same parity.
        let male = id.as_bytes().get(16).is_some_and(|d| d % 2 == 1);
        c.kind = "individual".into();
        c.name = chinese_name(rng, male);
        c.gender = if male { "M" } else { "F" }.into();
        let part = |r: std::ops::Range<usize>| id.get(r).unwrap_or_default();
        c.birth_date = concat(&[part(6..10), "-", part(10..12), "-", part(12..14)]);
        if rng.gen_ratio(1, 40) {
            c.id_type = "other".into();
            c.id_number = permit(index);
        } else {
            c.id_type = "resident_id".into();
            c.id_number = id;
        }
        c.mobile = mobile(rng);
        if rng.gen_ratio(2, 5) {
            c.email = if rng.gen_ratio(1, 3) {
                let qq = Digits::new(rng.gen_range(10_000_000..3_000_000_000), 1);
                concat(&[qq.as_str(), "@qq.com"])
            } else {
                let initials = pinyin_initials(&c.name);
                let year = c.birth_date.get(..4).unwrap_or_default();
                concat(&[&initials, year, "@", pick(rng, MAIL_DOMAINS)])
            };
        }
        c.address = address(rng, area);
        c.occupation = pick(rng, OCCUPATIONS).into();
        if rng.gen_ratio(9, 10) {
            risk(rng, today, &mut c);
        }
    } else if roll < 88 {
        // An individual with a foreign passport.
        let male = rng.gen_ratio(1, 2);
        let first = pick(rng, if male { MALE_FIRST } else { FEMALE_FIRST });
        let last = pick(rng, LAST);
        let (oldest, youngest) = birth_range(today);
        let birth = date_between(
            rng,
            oldest.max(NaiveDate::from_ymd_opt(1945, 1, 1).unwrap_or(oldest)),
            youngest,
        );
        c.kind = "individual".into();
        c.name = format!("{first} {last}");
        c.gender = if male { "M" } else { "F" }.into();
        c.birth_date = iso(birth);
        c.id_type = "passport".into();
        c.id_number = passport(index);
        c.mobile = if rng.gen_ratio(1, 4) {
            // A Hong Kong mobile: +852 and 8 digits starting 5, 6 or 9.
            format!(
                "+852{}{:07}",
                pick(rng, &["5", "6", "9"]),
                rng.gen_range(0..10_000_000u32)
            )
        } else {
            mobile(rng)
        };
        if rng.gen_ratio(3, 5) {
            let local: String = format!("{first}.{last}")
                .chars()
                .filter(|ch| ch.is_ascii_alphabetic() || *ch == '.')
                .collect();
            c.email = format!("{}@{}", local.to_ascii_lowercase(), pick(rng, MAIL_DOMAINS));
        }
        let area = &AREAS[rng.gen_range(0..AREAS.len())];
        c.address = address(rng, area);
        c.occupation = pick(rng, &["外企高管", "工程师", "教师", "顾问", "企业主"]).into();
        if rng.gen_ratio(4, 5) {
            risk(rng, today, &mut c);
        }
    } else {
        // A company registered in one of the districts.
        let (code, area) = uscc(index);
        let word = pick(rng, COMPANY_WORDS);
        let (industry, sector) = INDUSTRIES[rng.gen_range(0..INDUSTRIES.len())];
        let city = area.1.trim_end_matches('市');
        let form = if rng.gen_ratio(1, 5) {
            "股份有限公司"
        } else {
            "有限公司"
        };
        c.kind = "corporate".into();
        c.name = format!("{city}{word}{industry}{form}");
        c.id_type = "uscc".into();
        c.id_number = code;
        let male = rng.gen_ratio(1, 2);
        c.contact_person = chinese_name(rng, male);
        c.mobile = mobile(rng);
        if rng.gen_ratio(1, 2) {
            c.email = format!("finance@{}.com.cn", pinyin_initials(word));
        }
        c.address = address(rng, area);
        c.occupation = sector.into();
        let capital = Digits::new(rng.gen_range(10..50_000), 1);
        c.registered_capital = concat(&[capital.as_str(), "0000.00"]);
        if rng.gen_ratio(7, 10) {
            risk(rng, today, &mut c);
        }
    }
    c
}

#[cfg(test)]
mod tests;
