//! Tests of client validation. Compiled only for tests: declared under #[cfg(test)].
use std::str::FromStr;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn day(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

/// Sample line 5: a valid individual.
fn individual() -> ClientInput {
    ClientInput {
        kind: "individual".into(),
        name: "罗华娜".into(),
        gender: "F".into(),
        birth_date: "1970-09-08".into(),
        id_type: "resident_id".into(),
        id_number: "110105197009087822".into(),
        mobile: "17555979711".into(),
        address: "广州市天河区34号".into(),
        occupation: "教师".into(),
        risk_level: "C3".into(),
        risk_assessed_on: "2026-10-13".into(),
        status: "dormant".into(),
        owner: "rm2".into(),
        ..ClientInput::default()
    }
}

/// Sample line 17: a valid corporate.
fn corporate() -> ClientInput {
    ClientInput {
        kind: "corporate".into(),
        name: "杭州西湖茶业15号有限公司".into(),
        id_type: "uscc".into(),
        id_number: "91440106R3WQ4NLM86".into(),
        mobile: "14427316723".into(),
        email: "finance15@corp.example.cn".into(),
        occupation: "制造业".into(),
        risk_level: "C3".into(),
        risk_assessed_on: "2026-03-15".into(),
        status: "active".into(),
        contact_person: "王伟".into(),
        registered_capital: "5,000,000.00".into(),
        ..ClientInput::default()
    }
}

/// The messages of the errors of `input`, or an empty list when it is valid.
fn messages(input: &ClientInput) -> Vec<String> {
    match input.validate(today()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.message).collect(),
    }
}

#[test]
fn codes_round_trip() {
    fn check<T: FromStr + Copy + PartialEq + fmt::Debug + fmt::Display>(all: &[T]) {
        for &v in all {
            assert_eq!(v.to_string().parse::<T>().ok(), Some(v));
            assert_eq!(
                v.to_string().to_ascii_lowercase().parse::<T>().ok(),
                Some(v)
            );
        }
        assert!("nonsense".parse::<T>().is_err());
        assert!("".parse::<T>().is_err());
    }
    check(ClientKind::ALL);
    check(Gender::ALL);
    check(IdType::ALL);
    check(RiskLevel::ALL);
    check(Tier::ALL);
    check(ClientStatus::ALL);
    assert_eq!(IdType::Uscc.code(), "uscc");
    assert_eq!(IdType::ResidentId.label_key(), "client.id_type.resident_id");
    assert_eq!(ClientKind::Individual.label_key(), "client.kind.individual");
    assert_eq!(" c4 ".parse::<RiskLevel>(), Ok(RiskLevel::C4));
    let err = "C9".parse::<RiskLevel>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown risk level 'C9' (expected C1, C2, C3, C4 or C5)"
    );
    assert_eq!(
        RiskLevel::ALL.iter().map(|r| r.rank()).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert!(RiskLevel::C2 < RiskLevel::C5);
}

#[test]
fn id_types_fit_kinds() {
    assert!(IdType::ResidentId.fits(ClientKind::Individual));
    assert!(IdType::Passport.fits(ClientKind::Individual));
    assert!(IdType::Other.fits(ClientKind::Individual));
    assert!(!IdType::Uscc.fits(ClientKind::Individual));
    assert!(IdType::Uscc.fits(ClientKind::Corporate));
    assert!(!IdType::ResidentId.fits(ClientKind::Corporate));
}

#[test]
fn tiers_follow_aum() {
    let key = Decimal::from(100_000);
    let core = Decimal::from(1_000_000);
    let tier = |s: &str| Tier::from_aum(s.parse().unwrap(), key, core);
    assert_eq!(tier("0"), Tier::General);
    assert_eq!(tier("99999.99"), Tier::General);
    assert_eq!(tier("100000"), Tier::Key);
    assert_eq!(tier("999999.99"), Tier::Key);
    assert_eq!(tier("1000000.00"), Tier::Core);
}

#[test]
fn risk_assessments_last_twelve_months() {
    assert_eq!(
        risk_assessment_expires(day("2025-11-23")),
        day("2026-11-23")
    );
    assert_eq!(
        risk_assessment_expires(day("2024-02-29")),
        day("2025-02-28")
    );
    assert!(risk_assessment_current(day("2025-11-24"), today()));
    assert!(!risk_assessment_current(day("2025-11-23"), today()));
    assert!(risk_assessment_current(today(), today()));
    assert!(!risk_assessment_current(day("2026-11-24"), today()));
}

#[test]
fn strict_dates() {
    assert_eq!(
        parse_date("2000-02-29"),
        NaiveDate::from_ymd_opt(2000, 2, 29)
    );
    for s in [
        "1985-02-30",
        "2001-02-29",
        "1985-2-3",
        "1985/02/03",
        "19850203",
        "1985-02-03T00:00",
        " 1985-02-03",
        "+1985-02-03",
        "1985-13-01",
        "",
        "１９８５-02-03",
    ] {
        assert_eq!(parse_date(s), None, "{s}");
    }
}

#[test]
fn a_valid_individual() {
    let c = individual().validate(today()).unwrap();
    assert_eq!(c.kind, ClientKind::Individual);
    assert_eq!(c.name, "罗华娜");
    assert_eq!(c.gender, Some(Gender::F));
    assert_eq!(c.birth_date, Some(day("1970-09-08")));
    assert_eq!(c.id_type, IdType::ResidentId);
    assert_eq!(c.risk_level, Some(RiskLevel::C3));
    assert_eq!(c.risk_assessed_on, Some(day("2026-10-13")));
    assert_eq!(c.status, ClientStatus::Dormant);
    assert_eq!(c.owner.as_deref(), Some("rm2"));
    assert_eq!(c.email, None);
    assert_eq!(c.client_no, None);
    assert_eq!(c.notes, None);
    // Round trip through the text form.
    assert_eq!(c.to_input().validate(today()), Ok(c));
}

#[test]
fn a_valid_corporate() {
    let c = corporate().validate(today()).unwrap();
    assert_eq!(c.kind, ClientKind::Corporate);
    assert_eq!(c.id_number, "91440106R3WQ4NLM86");
    assert_eq!(c.gender, None);
    assert_eq!(c.birth_date, None);
    assert_eq!(c.registered_capital, Some(Decimal::from(5_000_000)));
    assert_eq!(c.contact_person.as_deref(), Some("王伟"));
    assert_eq!(c.to_input().validate(today()), Ok(c));
}

#[test]
fn gender_and_birth_date_come_from_the_resident_id() {
    let input = ClientInput {
        gender: String::new(),
        birth_date: " ".into(),
        id_number: "11010519700908782x".into(),
        ..individual()
    };
    // The check character of this number is 2, not X.
    assert_eq!(messages(&input), ["id_number: check digit"]);
    let input = ClientInput {
        gender: String::new(),
        birth_date: String::new(),
        id_number: " 32010219800821197x ".into(),
        ..individual()
    };
    let c = input.validate(today()).unwrap();
    assert_eq!(c.id_number, "32010219800821197X");
    assert_eq!(c.gender, Some(Gender::M));
    assert_eq!(c.birth_date, Some(day("1980-08-21")));
}

#[test]
fn given_gender_and_birth_date_must_agree_with_the_resident_id() {
    let input = ClientInput {
        gender: "M".into(),
        birth_date: "1970-09-09".into(),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        [
            "gender: does not match the ID number",
            "birth_date: does not match the ID number"
        ]
    );
    let errors = input.validate(today()).unwrap_err();
    assert_eq!(errors[0].key, "err.gender.mismatch");
    assert_eq!(errors[1].key, "err.birth.mismatch");
    assert_eq!(errors[1].field, "birth_date");
    // A birth date that is no date is reported as such, not as a mismatch.
    let input = ClientInput {
        birth_date: "1985-02-30".into(),
        ..individual()
    };
    assert_eq!(messages(&input), ["birth_date: not a date"]);
}

#[test]
fn passports_take_what_is_given() {
    let input = ClientInput {
        name: "  John   Smith ".into(),
        gender: "m".into(),
        birth_date: "1980-01-02".into(),
        id_type: "passport".into(),
        id_number: "e12345678".into(),
        ..individual()
    };
    let c = input.validate(today()).unwrap();
    assert_eq!(c.name, "John Smith");
    assert_eq!(c.gender, Some(Gender::M));
    assert_eq!(c.id_number, "E12345678");
    let no_birth = ClientInput {
        birth_date: String::new(),
        gender: String::new(),
        ..input.clone()
    };
    let c = no_birth.validate(today()).unwrap();
    assert_eq!((c.gender, c.birth_date), (None, None));
    for bad in ["E123", "E1234567890123456789X", "E-1234567", "护照12345"] {
        let input = ClientInput {
            id_number: bad.into(),
            ..input.clone()
        };
        assert_eq!(
            messages(&input),
            ["id_number: not 5-20 letters or digits"],
            "{bad}"
        );
    }
}

#[test]
fn every_error_is_reported() {
    let input = ClientInput {
        client_no: "C 1".into(),
        kind: "person".into(),
        name: "   ".into(),
        gender: "X".into(),
        birth_date: "1985/02/03".into(),
        id_type: "resident_id".into(),
        id_number: "110105198005058620".into(),
        mobile: "12345".into(),
        email: "someone@@example".into(),
        risk_level: "C9".into(),
        risk_assessed_on: "2027-01-01".into(),
        status: "gone".into(),
        owner: "张三".into(),
        notes: "ok\nmultiple lines".into(),
        address: "line\u{1b}[31m".into(),
        ..ClientInput::default()
    };
    assert_eq!(
        messages(&input),
        [
            "client_no: not letters, digits or '-'",
            "kind: not individual or corporate",
            "name: empty",
            "gender: not M or F",
            "birth_date: not a date",
            "id_number: check digit",
            "mobile: not a mobile number",
            "email: invalid",
            "address: line break or control character",
            "risk_level: not C1-C5",
            "risk_assessed_on: in the future",
            "status: not prospect, active, dormant or closed",
            "owner: not a username",
        ]
    );
}

#[test]
fn required_fields() {
    let errors = ClientInput::default().validate(today()).unwrap_err();
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.field, e.key, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("kind", "err.required", "kind: empty"),
            ("name", "err.required", "name: empty"),
            ("id_type", "err.required", "id_type: empty"),
            ("id_number", "err.required", "id_number: empty"),
        ]
    );
}

#[test]
fn id_type_must_fit_the_kind() {
    // Sample line 214: an individual with a credit code (and an impossible birth date).
    let input = ClientInput {
        name: "武汉光谷光电212号有限公司".into(),
        gender: String::new(),
        birth_date: "1985-02-30".into(),
        id_type: "uscc".into(),
        id_number: "91310104RD8WJM7U15".into(),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        ["birth_date: not a date", "id_type: uscc is for corporates"]
    );
    let input = ClientInput {
        id_type: "resident_id".into(),
        id_number: "110105197009087822".into(),
        ..corporate()
    };
    assert_eq!(messages(&input), ["id_type: corporates need uscc"]);
    let input = ClientInput {
        id_number: "91440106R3WQ4NLM87".into(),
        ..corporate()
    };
    assert_eq!(messages(&input), ["id_number: check digit"]);
    let input = ClientInput {
        id_number: "91440106r3wq4nlm86".into(),
        ..corporate()
    };
    assert_eq!(
        input.validate(today()).unwrap().id_number,
        "91440106R3WQ4NLM86"
    );
}

#[test]
fn fields_of_the_other_kind() {
    let input = ClientInput {
        gender: "M".into(),
        birth_date: "2000-01-01".into(),
        ..corporate()
    };
    assert_eq!(
        messages(&input),
        [
            "gender: not for a corporate",
            "birth_date: not for a corporate"
        ]
    );
    let input = ClientInput {
        contact_person: "张三".into(),
        registered_capital: "100".into(),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        [
            "contact_person: only for corporates",
            "registered_capital: only for corporates"
        ]
    );
}

#[test]
fn risk_level_needs_its_date() {
    let input = ClientInput {
        risk_assessed_on: String::new(),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        ["risk_assessed_on: required with a risk level"]
    );
    let input = ClientInput {
        risk_level: String::new(),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        ["risk_assessed_on: given without a risk level"]
    );
    let input = ClientInput {
        risk_level: String::new(),
        risk_assessed_on: String::new(),
        ..individual()
    };
    assert_eq!(input.validate(today()).unwrap().risk_level, None);
    let input = ClientInput {
        risk_assessed_on: "2026-11-23".into(),
        ..individual()
    };
    assert!(input.validate(today()).is_ok());
}

#[test]
fn birth_dates_in_range() {
    let passport = ClientInput {
        gender: String::new(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..individual()
    };
    for (birth, msg) in [
        ("1899-12-31", "birth_date: before 1900"),
        ("2026-11-24", "birth_date: in the future"),
    ] {
        let input = ClientInput {
            birth_date: birth.into(),
            ..passport.clone()
        };
        assert_eq!(messages(&input), [msg]);
    }
}

#[test]
fn status_defaults_to_prospect() {
    let input = ClientInput {
        status: String::new(),
        ..individual()
    };
    assert_eq!(
        input.validate(today()).unwrap().status,
        ClientStatus::Prospect
    );
}

#[test]
fn registered_capital() {
    for (raw, msg) in [
        ("-1", "registered_capital: negative"),
        ("1.001", "registered_capital: more than 2 decimals"),
        ("abc", "registered_capital: not an amount"),
    ] {
        let input = ClientInput {
            registered_capital: raw.into(),
            ..corporate()
        };
        assert_eq!(messages(&input), [msg]);
    }
}

#[test]
fn lengths_and_control_characters() {
    let input = ClientInput {
        name: "名".repeat(NAME_MAX + 1),
        notes: "x".repeat(NOTES_MAX + 1),
        ..individual()
    };
    assert_eq!(
        messages(&input),
        [
            "name: longer than 100 characters",
            "notes: longer than 2000 characters"
        ]
    );
    let input = ClientInput {
        name: "张\u{7}三".into(),
        notes: "first line\r\nsecond\tline".into(),
        ..individual()
    };
    assert_eq!(messages(&input), ["name: line break or control character"]);
    // A line break in a name is white space and collapses.
    let input = ClientInput {
        name: "John\nSmith".into(),
        ..individual()
    };
    assert_eq!(input.validate(today()).unwrap().name, "John Smith");
}

#[test]
fn field_access_by_name() {
    let mut input = ClientInput::default();
    for (i, name) in ClientInput::FIELDS.iter().enumerate() {
        *input.field_mut(name).unwrap() = format!("v{i}");
    }
    for (i, name) in ClientInput::FIELDS.iter().enumerate() {
        assert_eq!(input.field(name), Some(format!("v{i}").as_str()));
    }
    assert_eq!(input.field("nope"), None);
    assert!(input.field_mut("nope").is_none());
    assert_eq!(input.registered_capital, "v19");
    assert_eq!(input.marketing_consent, "v16");
}

#[test]
fn names_refuse_invisible_and_direction_characters_and_text_is_nfc() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let base = || ClientInput {
        kind: "individual".into(),
        name: "王小明".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..ClientInput::default()
    };
    for (name, key) in [
        ("\u{200B}", "err.text.deceptive"),
        ("客户\u{202E}gpj.exe", "err.text.deceptive"),
        ("\u{2067}王\u{2069}", "err.text.deceptive"),
        ("\u{3000}", "err.required"),
    ] {
        let mut c = base();
        c.name = name.into();
        let errors = c.validate(today).expect_err(name);
        assert!(
            errors.iter().any(|e| e.field == "name" && e.key == key),
            "{name:?}: {errors:?}"
        );
    }
    let mut c = base();
    c.name = "Ame\u{301}lie".into();
    c.address = "北京\u{202E}市\u{200B}东城区".into();
    c.notes = "first\u{200F} line\nsecond".into();
    let v = c.validate(today).expect("valid");
    assert_eq!(v.name, "Am\u{e9}lie");
    assert_eq!(v.address.as_deref(), Some("北京市东城区"));
    assert_eq!(v.notes.as_deref(), Some("first line\nsecond"));
}
