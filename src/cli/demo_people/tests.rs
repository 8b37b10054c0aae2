//! Tests of demo_people.
use super::*;
use crate::domain::client::{ClientKind, IdType};
use rand::SeedableRng;
use std::collections::HashSet;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

#[test]
fn twenty_thousand_valid_people() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut kinds = [0usize; 4];
    let mut ids = HashSet::new();
    let mut expired = 0;
    for i in 0..20_000 {
        let input = person(&mut rng, i, today());
        let c = match input.validate(today()) {
            Ok(c) => c,
            Err(e) => panic!("person {i} {input:?}: {e:?}"),
        };
        assert!(
            ids.insert(c.id_number.clone()),
            "repeated ID {}",
            c.id_number
        );
        kinds[match (c.kind, c.id_type) {
            (ClientKind::Corporate, _) => 0,
            (_, IdType::ResidentId) => 1,
            (_, IdType::Passport) => 2,
            _ => 3,
        }] += 1;
        if let Some(on) = c.risk_assessed_on {
            if !crate::domain::client::risk_assessment_current(on, today()) {
                expired += 1;
            }
        }
    }
    let [corporates, residents, passports, others] = kinds;
    assert!((1_900..2_900).contains(&corporates), "{kinds:?}");
    assert!((14_800..16_400).contains(&residents), "{kinds:?}");
    assert!((1_300..1_900).contains(&passports), "{kinds:?}");
    assert!((200..600).contains(&others), "{kinds:?}");
    assert!((1_500..4_000).contains(&expired), "{expired}");
}

#[test]
fn same_seed_same_people() {
    let run = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..50)
            .map(|i| person(&mut rng, i, today()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn id_numbers_are_unique_by_index() {
    // Every number space on its own (a million of each in a release build take a
    // second; fewer here to keep the debug test suite quick).
    let mut residents = HashSet::new();
    let mut passports = HashSet::new();
    let mut permits = HashSet::new();
    let mut codes = HashSet::new();
    for i in 0..200_000 {
        assert!(residents.insert(resident_id(i, today()).0), "{i}");
        if i % 4 == 0 {
            assert!(passports.insert(passport(i)), "{i}");
            assert!(permits.insert(permit(i)), "{i}");
            assert!(codes.insert(uscc(i).0), "{i}");
        }
    }
    // And the largest index promised.
    let last = UNIQUE_INDEXES - 1;
    assert!(!residents.contains(&resident_id(last, today()).0));
}

#[test]
fn number_spaces_are_large_enough() {
    let (first, last) = birth_range(today());
    let days = u64::try_from((last - first).num_days() + 1).expect("a positive span");
    assert!(AREAS.len() as u64 * days * 1000 >= UNIQUE_INDEXES);
}

#[test]
fn gender_follows_the_id_number() {
    let mut rng = StdRng::seed_from_u64(3);
    for i in 0..2_000 {
        let p = person(&mut rng, i, today());
        if p.id_type == "resident_id" {
            let odd = (p.id_number.as_bytes()[16] - b'0') % 2 == 1;
            assert_eq!(p.gender, if odd { "M" } else { "F" });
        }
    }
}

#[test]
fn fast_enough() {
    // A million take about a second in a release build; in a debug build fifty
    // thousand take about half a second, so 5 s leaves room for a busy machine.
    let mut rng = StdRng::seed_from_u64(1);
    let start = std::time::Instant::now();
    let mut total = 0;
    for i in 0..50_000 {
        total += person(&mut rng, i, today()).name.len();
    }
    assert!(total > 0);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}
