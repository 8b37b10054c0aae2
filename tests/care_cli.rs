//! `rmdesk today [--date DATE]` on the real binary: a birthday 3 days ahead is listed
//! and one 8 days ahead is not; festivals for consenting clients only, on their
//! published dates; the anniversary of becoming a client.
mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::store::clients::SaveOutcome;

fn rmdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RMDESK_DB")
        .env("RMDESK_PASSWORD", PASSWORD)
        .envs(clock_env())
        .output()
        .expect("rmdesk runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn today_lists_coming_birthdays_festivals_and_anniversaries_reason_first() {
    let (_dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    for (n, name, birth, consent) in [
        (1, "In Three", "1990-11-26", "no"),
        (2, "In Eight", "1985-12-01", "yes"),
        (3, "Today Born", "1970-11-23", "unknown"),
    ] {
        let input = ClientInput {
            kind: "individual".into(),
            name: name.into(),
            id_type: "passport".into(),
            id_number: format!("E1234567{n}"),
            birth_date: birth.into(),
            marketing_consent: consent.into(),
            ..ClientInput::default()
        };
        let Ok(SaveOutcome::Saved(_)) = store.create_client(&rm1, &input, true) else {
            panic!("client");
        };
    }
    drop(store);
    let out = ok(&rmdesk(&path, &["--user", "rm1", "today"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines.contains(&"birthday today\t2026-11-23\tToday Born"),
        "today's birthday is the work list's: {out}"
    );
    assert!(
        lines.contains(&"birthday in 3 days\t2026-11-26\tC000000001 In Three"),
        "{out}"
    );
    assert!(
        !out.contains("In Eight"),
        "8 days ahead is beyond the 7 days: {out}"
    );
    assert!(
        !out.contains("festival"),
        "no festival within 7 days: {out}"
    );

    // Five days before Spring Festival 2027 (6 February): only the consenting client.
    let out = ok(&rmdesk(
        &path,
        &["--user", "rm1", "today", "--date", "2027-02-01"],
    ));
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("spring festival"))
            .collect::<Vec<_>>(),
        ["spring festival in 5 days\t2027-02-06\t1 consenting clients"],
        "one summary line, the consenting client only"
    );
    // Mid-Autumn 2027 is 15 September; a year after joining, the anniversary.
    let out = ok(&rmdesk(
        &path,
        &["--user", "rm1", "today", "--date", "2027-09-14"],
    ));
    assert!(
        out.contains("mid autumn in 1 day\t2027-09-15\t1 consenting clients"),
        "{out}"
    );
    let out = ok(&rmdesk(
        &path,
        &["--user", "rm1", "today", "--date", "2027-11-20"],
    ));
    assert!(
        out.contains("1-year anniversary in 3 days\t2027-11-23\tC000000001 In Three"),
        "{out}"
    );
    // Care lines by date, then occasion: on 23 November the birthday before the
    // anniversaries, and both before the birthday of the 26th.
    let birthday = out
        .find("birthday in 3 days\t2027-11-23\tC000000003 Today Born")
        .expect("birthday");
    let anniversary = out.find("1-year anniversary").expect("anniversary");
    let later = out
        .find("birthday in 6 days\t2027-11-26")
        .expect("later birthday");
    assert!(birthday < anniversary && anniversary < later, "{out}");
    let bad = rmdesk(&path, &["--user", "rm1", "today", "--date", "soon"]);
    assert!(!bad.status.success());
}
