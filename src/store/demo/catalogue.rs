//! The demo product catalogue.

use rusqlite::params;

use crate::store::Result;

/// Code of the demo deposit product.
pub(super) const DEMO_DEPOSIT: &str = "DEMO-DEP";

/// A product of the demo catalogue.
struct DemoProduct {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    risk: &'static str,
    currency: &'static str,
    /// Expected annual yield range, percent.
    yields: Option<(&'static str, &'static str)>,
    term_days: Option<i64>,
    min_amount: &'static str,
    /// Sale window.
    window: Option<(&'static str, &'static str)>,
    status: &'static str,
    description: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn demo(
    code: &'static str,
    name: &'static str,
    category: &'static str,
    risk: &'static str,
    yields: Option<(&'static str, &'static str)>,
    term_days: Option<i64>,
    min_amount: &'static str,
    description: &'static str,
) -> DemoProduct {
    DemoProduct {
        code,
        name,
        category,
        risk,
        currency: "CNY",
        yields,
        term_days,
        min_amount,
        window: None,
        status: "on_sale",
        description,
    }
}

/// The demo catalogue: deposits, wealth management R1–R5, funds, insurance, a bond,
/// loans and a card, as a branch sells them.
const DEMO_PRODUCTS: &[DemoProduct] = &[
    demo(
        DEMO_DEPOSIT,
        "活期存款 Demand deposit",
        "deposit",
        "R1",
        Some(("0.10", "0.10")),
        None,
        "0",
        "Demo: every demo client holds this deposit, so AUM and tiers are real.",
    ),
    demo(
        "DEP-3M",
        "三个月定期 3-month time deposit",
        "deposit",
        "R1",
        Some(("1.05", "1.05")),
        Some(91),
        "50",
        "Fixed rate for three months; early withdrawal at the demand rate.",
    ),
    demo(
        "DEP-1Y",
        "一年定期 1-year time deposit",
        "deposit",
        "R1",
        Some(("1.45", "1.45")),
        Some(365),
        "50",
        "Fixed rate for one year; deposit insurance covers up to ¥500,000.",
    ),
    demo(
        "DEP-CD-3Y",
        "大额存单三年 3-year large CD",
        "deposit",
        "R1",
        Some(("2.15", "2.15")),
        Some(1095),
        "200000",
        "Large-denomination certificate of deposit; transferable.",
    ),
    demo(
        "WM-R1-CASH",
        "天天利现金管理 Daily cash management",
        "wealth",
        "R1",
        Some(("1.60", "2.10")),
        None,
        "1",
        "Cash management wealth product, redeemable on any working day.",
    ),
    demo(
        "WM-R2-90D",
        "稳健增利90天 Steady income 90 days",
        "wealth",
        "R2",
        Some(("2.40", "3.10")),
        Some(90),
        "10000",
        "Fixed income, mostly bonds and deposits; yield not guaranteed.",
    ),
    demo(
        "WM-R3-180D",
        "平衡配置180天 Balanced 180 days",
        "wealth",
        "R3",
        Some(("2.80", "4.50")),
        Some(180),
        "10000",
        "Bonds with up to 20% equities; net value may fall.",
    ),
    demo(
        "WM-R4-1Y",
        "权益增强一年 Equity enhanced 1 year",
        "wealth",
        "R4",
        Some(("3.00", "6.50")),
        Some(365),
        "50000",
        "Mixed assets with up to 40% equities; for growth investors.",
    ),
    demo(
        "WM-R5-QUANT",
        "量化对冲精选 Quant hedge select",
        "wealth",
        "R5",
        Some(("0.00", "12.00")),
        Some(365),
        "1000000",
        "Private-placement style quantitative strategy; qualified investors only.",
    ),
    demo(
        "FUND-BOND",
        "中短债基金 Short-term bond fund",
        "fund",
        "R2",
        Some(("2.00", "3.50")),
        None,
        "1",
        "Open-ended bond fund, T+1 redemption.",
    ),
    demo(
        "FUND-CSI300",
        "沪深300指数基金 CSI 300 index fund",
        "fund",
        "R3",
        None,
        None,
        "1",
        "Tracks the CSI 300 index.",
    ),
    demo(
        "FUND-MIX",
        "偏股混合基金 Equity-mixed fund",
        "fund",
        "R4",
        None,
        None,
        "1",
        "Actively managed, 60–95% equities.",
    ),
    DemoProduct {
        currency: "USD",
        ..demo(
            "FUND-QDII",
            "全球科技QDII Global tech QDII",
            "fund",
            "R5",
            None,
            None,
            "1000",
            "Overseas technology equities in US dollars; currency risk.",
        )
    },
    demo(
        "INS-ANNUITY",
        "金福年金保险 Golden annuity insurance",
        "insurance",
        "R1",
        Some(("2.50", "3.00")),
        Some(1825),
        "10000",
        "Five annual premiums; pays from age 60.",
    ),
    demo(
        "INS-CI",
        "守护重疾险 Critical illness cover",
        "insurance",
        "R1",
        None,
        Some(7300),
        "3000",
        "Covers 120 critical illnesses; twenty years.",
    ),
    demo(
        "BOND-SAV-3Y",
        "储蓄国债三年 3-year savings bond",
        "bond",
        "R1",
        Some(("2.38", "2.38")),
        Some(1095),
        "100",
        "Government savings bond (electronic); sold in issuance windows.",
    ),
    demo(
        "LOAN-MORT",
        "个人住房贷款 Home mortgage",
        "loan",
        "R1",
        Some(("3.05", "3.85")),
        Some(10950),
        "100000",
        "Up to 30 years; rate linked to the 5-year LPR.",
    ),
    demo(
        "LOAN-SME",
        "小微经营贷 Small-business loan",
        "loan",
        "R1",
        Some(("3.45", "4.35")),
        Some(1095),
        "50000",
        "For owners of small businesses; collateral or guarantee.",
    ),
    demo(
        "CARD-PLAT",
        "白金信用卡 Platinum credit card",
        "card",
        "R1",
        None,
        None,
        "0",
        "Airport lounges, travel insurance; annual fee waived after 12 transactions.",
    ),
    DemoProduct {
        window: Some(("2024-01-15", "2024-02-29")),
        status: "closed",
        ..demo(
            "WM-NY2024",
            "2024新春专享 New Year special 2024",
            "wealth",
            "R2",
            Some(("3.20", "3.60")),
            Some(180),
            "50000",
            "Sold in early 2024 only; closed.",
        )
    },
];

/// Writes the catalogue and the margins of its categories.
pub(super) fn write(tx: &rusqlite::Connection, stamp: &str) -> Result<()> {
    for p in DEMO_PRODUCTS {
        tx.prepare_cached(
            "INSERT INTO products (code, name, category, risk_level, currency, yield_min, yield_max,
                 term_days, min_amount, sale_start, sale_end, status, description, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        )?
        .execute(params![
            p.code,
            p.name,
            p.category,
            p.risk,
            p.currency,
            p.yields.map(|y| y.0),
            p.yields.map(|y| y.1),
            p.term_days,
            p.min_amount,
            p.window.map(|w| w.0),
            p.window.map(|w| w.1),
            p.status,
            p.description,
            stamp
        ])?;
    }
    // Margins by category, percent per year (the administrator's to change).
    tx.execute(
        "UPDATE products SET margin = CASE category
             WHEN 'deposit' THEN '1.50' WHEN 'loan' THEN '2.20' WHEN 'wealth' THEN '0.60'
             WHEN 'fund' THEN '1.20' WHEN 'insurance' THEN '2.50' WHEN 'bond' THEN '0.30'
             ELSE '0.50' END",
        [],
    )?;
    Ok(())
}
