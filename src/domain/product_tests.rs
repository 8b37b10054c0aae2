use std::str::FromStr;

use super::*;

fn day(s: &str) -> NaiveDate {
    parse_date(s).expect("date")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn deposit() -> ProductInput {
    ProductInput {
        code: "dep-1y".into(),
        name: "一年定期 One-year deposit".into(),
        category: "deposit".into(),
        risk_level: "R1".into(),
        yield_min: "1.45".into(),
        yield_max: "1.65%".into(),
        term_days: "365".into(),
        min_amount: "50,000".into(),
        sale_start: "2026-01-01".into(),
        sale_end: "2026-12-31".into(),
        ..ProductInput::default()
    }
}

#[test]
fn a_valid_product_is_normalised() {
    let p = deposit().validate().expect("valid");
    assert_eq!(p.code, "DEP-1Y");
    assert_eq!(p.currency, "CNY", "empty currency is CNY");
    assert_eq!(p.status, ProductStatus::OnSale);
    assert_eq!(p.min_amount, dec("50000"));
    assert_eq!(
        (p.yield_min, p.yield_max),
        (Some(dec("1.45")), Some(dec("1.65")))
    );
    assert_eq!(p.term_days, Some(365));
    assert_eq!(p.description, None);
}

#[test]
fn every_bad_field_is_refused_at_its_field() {
    let bad = ProductInput {
        code: "a b".into(),
        name: " ".into(),
        category: "crypto".into(),
        risk_level: "R6".into(),
        currency: "RMB1".into(),
        yield_min: "5".into(),
        yield_max: "4.5".into(),
        term_days: "0".into(),
        min_amount: "1.234".into(),
        sale_start: "2026-12-31".into(),
        sale_end: "2026-01-01".into(),
        status: "gone".into(),
        description: String::new(),
    };
    let errs = bad.validate().expect_err("invalid");
    let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "code",
            "name",
            "category",
            "risk_level",
            "currency",
            "yield_max",
            "term_days",
            "min_amount",
            "sale_end",
            "status"
        ]
    );
    assert_eq!(errs[7].key, "err.amount.precision");
}

#[test]
fn rates() {
    assert_eq!(parse_rate(""), Ok(None));
    assert_eq!(parse_rate("3.125"), Ok(Some(dec("3.125"))));
    assert_eq!(parse_rate("100"), Ok(Some(dec("100"))));
    for bad in ["100.01", "-1", "1.", ".5", "1.23456", "abc", "1e2"] {
        assert_eq!(parse_rate(bad), Err(RateError), "{bad}");
    }
}

#[test]
fn suited_levels() {
    assert_eq!(ProductRisk::R1.suited_levels(), RiskLevel::ALL);
    assert_eq!(
        ProductRisk::R4.suited_levels(),
        [RiskLevel::C4, RiskLevel::C5]
    );
    assert_eq!(ProductRisk::R5.suited_levels(), [RiskLevel::C5]);
}

#[test]
fn suitability_matrix_r1_to_r5_by_c1_to_c5() {
    let today = day("2026-11-23");
    let on = Some(day("2026-06-01"));
    for p in ProductRisk::ALL {
        for c in RiskLevel::ALL {
            let got = suitability(*p, Some(*c), on, today);
            if c.rank() >= p.rank() {
                assert_eq!(got, Ok(()), "{p} for {c}");
            } else {
                assert_eq!(
                    got,
                    Err(Unsuitable::TooRisky {
                        product: *p,
                        client: *c
                    }),
                    "{p} for {c}"
                );
            }
        }
    }
}

#[test]
fn the_assessment_expires_on_the_exact_day() {
    let on = day("2025-11-23");
    let r = ProductRisk::R1;
    let c = Some(RiskLevel::C5);
    assert_eq!(suitability(r, c, Some(on), day("2026-11-22")), Ok(()));
    assert_eq!(
        suitability(r, c, Some(on), day("2026-11-23")),
        Err(Unsuitable::Expired(day("2026-11-23"))),
        "twelve months to the day is expired"
    );
    assert_eq!(
        suitability(r, None, Some(on), day("2026-01-01")),
        Err(Unsuitable::NoAssessment)
    );
    assert_eq!(
        suitability(r, c, None, day("2026-01-01")),
        Err(Unsuitable::NoAssessment)
    );
    assert!(
        matches!(
            suitability(r, c, Some(day("2026-12-01")), day("2026-11-23")),
            Err(Unsuitable::Expired(_))
        ),
        "an assessment dated in the future is not current"
    );
}

#[test]
fn assessed_since_agrees_with_the_expiry_rule_every_day() {
    let mut today = day("2024-01-01");
    while today < day("2026-12-31") {
        let since = assessed_since(today);
        assert!(risk_assessment_expires(since) > today, "{today}");
        let before = since.pred_opt().expect("day");
        assert!(risk_assessment_expires(before) <= today, "{today}");
        today = today.succ_opt().expect("day");
    }
    // 2024-02-29 + 12 months is 2025-02-28: on that day it has expired.
    assert_eq!(assessed_since(day("2025-02-28")), day("2024-03-01"));
}

fn rules() -> HoldingRules {
    HoldingRules {
        min_amount: dec("50000"),
        currency: "CNY".into(),
        sale_start: Some(day("2026-01-01")),
        sale_end: Some(day("2026-11-30")),
        status: ProductStatus::OnSale,
        term_days: Some(365),
    }
}

fn holding(amount: &str, start: &str) -> HoldingInput {
    HoldingInput {
        amount: amount.into(),
        start_date: start.into(),
        ..HoldingInput::default()
    }
}

#[test]
fn holdings_keep_the_minimum_the_window_and_the_currency() {
    let today = day("2026-11-23");
    let r = rules();
    let ok = r.check(&holding("50,000.00", ""), today, true).expect("ok");
    assert_eq!(ok.amount, dec("50000"));
    assert_eq!(ok.start_date, today, "empty start is today");
    assert_eq!(ok.maturity_date, Some(day("2027-11-23")), "start + term");
    assert_eq!(ok.currency, "CNY");

    let key = |input: HoldingInput, opening: bool| -> Vec<&'static str> {
        r.check(&input, today, opening)
            .expect_err("refused")
            .iter()
            .map(|e| e.key)
            .collect()
    };
    assert_eq!(key(holding("49,999.99", ""), true), ["err.holding.minimum"]);
    assert_eq!(key(holding("0", ""), true), ["err.holding.zero"]);
    assert_eq!(key(holding("1.001", ""), true), ["err.amount.precision"]);
    assert_eq!(
        key(holding("60000", "2026-12-01"), true),
        ["err.holding.window"],
        "the day after the last day of sale"
    );
    assert!(r
        .check(&holding("60000", "2026-11-30"), today, true)
        .is_ok());
    assert!(r
        .check(&holding("60000", "2026-01-01"), today, true)
        .is_ok());
    assert_eq!(
        key(holding("60000", "2025-12-31"), true),
        ["err.holding.window"]
    );
    assert!(
        r.check(&holding("60000", "2025-12-31"), today, false)
            .is_ok(),
        "a change does not re-check the window of an existing holding"
    );
    let usd = HoldingInput {
        currency: "USD".into(),
        ..holding("60000", "")
    };
    assert_eq!(key(usd, true), ["err.holding.currency"]);
    let early = HoldingInput {
        maturity_date: "2026-11-01".into(),
        ..holding("60000", "")
    };
    assert_eq!(key(early, true), ["err.holding.maturity"]);
    let closed = HoldingRules {
        status: ProductStatus::Closed,
        ..rules()
    };
    assert_eq!(
        closed
            .check(&holding("60000", ""), today, true)
            .expect_err("closed")[0]
            .key,
        "err.holding.closed"
    );
}
