//! Products (product.md, "Products"): the catalogue's coded values, the validation of a
//! product as an administrator types it, the rules a holding must keep (minimum amount,
//! sale window, currency) and investor suitability (投资者适当性).
//!
//! Money and yields are `rust_decimal::Decimal` from end to end; nothing here converts
//! to or from floating point.
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::client::{
    coded_enum, parse_date, risk_assessment_expires, FieldError, RiskLevel, NOTES_MAX,
};
use super::money::parse_amount;

coded_enum! {
    /// What kind of product.
    Category, "category", "deposit, wealth, fund, insurance, bond, loan, card or other" {
        /// Deposit (存款).
        Deposit => "deposit", "product.category.deposit";
        /// Wealth management (理财).
        Wealth => "wealth", "product.category.wealth";
        /// Fund (基金).
        Fund => "fund", "product.category.fund";
        /// Insurance (保险).
        Insurance => "insurance", "product.category.insurance";
        /// Bond (债券).
        Bond => "bond", "product.category.bond";
        /// Loan (贷款).
        Loan => "loan", "product.category.loan";
        /// Card (银行卡).
        Card => "card", "product.category.card";
        /// Anything else.
        Other => "other", "product.category.other";
    }
}

coded_enum! {
    /// Risk level of a product (R1 lowest).
    ProductRisk, "product risk level", "R1, R2, R3, R4 or R5" {
        /// Low.
        R1 => "R1", "product.risk.r1";
        /// Medium-low.
        R2 => "R2", "product.risk.r2";
        /// Medium.
        R3 => "R3", "product.risk.r3";
        /// Medium-high.
        R4 => "R4", "product.risk.r4";
        /// High.
        R5 => "R5", "product.risk.r5";
    }
}

coded_enum! {
    /// Whether a product is sold.
    ProductStatus, "product status", "on_sale or closed" {
        /// On sale.
        OnSale => "on_sale", "product.status.on_sale";
        /// Closed: no new holdings; existing ones stay.
        Closed => "closed", "product.status.closed";
    }
}

impl ProductRisk {
    /// 1 for R1 up to 5 for R5.
    pub fn rank(self) -> u8 {
        match self {
            ProductRisk::R1 => 1,
            ProductRisk::R2 => 2,
            ProductRisk::R3 => 3,
            ProductRisk::R4 => 4,
            ProductRisk::R5 => 5,
        }
    }

    /// The client risk levels this product suits: Cn and above for Rn.
    pub fn suited_levels(self) -> &'static [RiskLevel] {
        let all = RiskLevel::ALL;
        &all[usize::from(self.rank() - 1)..]
    }
}

/// Longest product code, in characters.
pub const CODE_MAX: usize = 32;
/// Longest product name, in characters.
pub const PRODUCT_NAME_MAX: usize = 100;
/// Longest term, in days (100 years).
pub const TERM_MAX_DAYS: i64 = 36_500;

/// A product as typed in the catalogue form: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductInput {
    /// Code, e.g. `WM-R3-180`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Category code.
    pub category: String,
    /// Risk level `R1`–`R5`.
    pub risk_level: String,
    /// ISO 4217 currency code (empty: CNY).
    pub currency: String,
    /// Lowest expected annual yield, percent (may be empty).
    pub yield_min: String,
    /// Highest expected annual yield, percent (may be empty).
    pub yield_max: String,
    /// Term in days (may be empty: no fixed term).
    pub term_days: String,
    /// Minimum amount (empty: 0).
    pub min_amount: String,
    /// First day of sale `YYYY-MM-DD` (may be empty).
    pub sale_start: String,
    /// Last day of sale `YYYY-MM-DD` (may be empty).
    pub sale_end: String,
    /// `on_sale` or `closed` (empty: on sale).
    pub status: String,
    /// Description.
    pub description: String,
}

impl ProductInput {
    /// The fields in form order.
    pub const FIELDS: [&'static str; 13] = [
        "code",
        "name",
        "category",
        "risk_level",
        "currency",
        "yield_min",
        "yield_max",
        "term_days",
        "min_amount",
        "sale_start",
        "sale_end",
        "status",
        "description",
    ];

    /// Checks every field; all errors at once, each at its field.
    pub fn validate(&self) -> Result<ValidProduct, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = self.code.trim().to_ascii_uppercase();
        if code.is_empty() {
            errs.push(FieldError::new("code", "err.product.code.empty", "empty"));
        } else if code.chars().count() > CODE_MAX
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errs.push(FieldError::new(
                "code",
                "err.product.code.invalid",
                "letters, digits, '-' and '_', at most 32",
            ));
        }
        let name = self.name.trim().to_string();
        if name.is_empty() {
            errs.push(FieldError::new("name", "err.required", "empty"));
        } else if name.chars().count() > PRODUCT_NAME_MAX {
            errs.push(FieldError::new("name", "err.too_long", "too long"));
        }
        let category = self
            .category
            .parse::<Category>()
            .map_err(|_| FieldError::new("category", "err.product.category", "unknown category"));
        let risk = self
            .risk_level
            .parse::<ProductRisk>()
            .map_err(|_| FieldError::new("risk_level", "err.product.risk", "R1 to R5"));
        let currency = match self.currency.trim() {
            "" => "CNY".to_string(),
            c if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                c.to_ascii_uppercase()
            }
            _ => {
                errs.push(FieldError::new(
                    "currency",
                    "err.product.currency",
                    "three letters (ISO 4217)",
                ));
                String::new()
            }
        };
        let mut rate = |field: &'static str, text: &str| match parse_rate(text) {
            Ok(r) => r,
            Err(RateError) => {
                errs.push(FieldError::new(field, "err.product.yield", "0 to 100"));
                None
            }
        };
        let yield_min = rate("yield_min", &self.yield_min);
        let yield_max = rate("yield_max", &self.yield_max);
        if let (Some(lo), Some(hi)) = (yield_min, yield_max) {
            if lo > hi {
                errs.push(FieldError::new(
                    "yield_max",
                    "err.product.yield_range",
                    "below the lowest yield",
                ));
            }
        }
        let term_days = match self.term_days.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) if (1..=TERM_MAX_DAYS).contains(&n) => Some(n),
                _ => {
                    errs.push(FieldError::new(
                        "term_days",
                        "err.product.term",
                        "1 to 36500 days",
                    ));
                    None
                }
            },
        };
        let min_amount = match self.min_amount.trim() {
            "" => Decimal::ZERO,
            t => parse_amount(t).unwrap_or_else(|e| {
                errs.push(FieldError::new("min_amount", e.key(), &e.to_string()));
                Decimal::ZERO
            }),
        };
        let mut date = |field: &'static str, text: &str| match text.trim() {
            "" => None,
            t => {
                let d = parse_date(t);
                if d.is_none() {
                    errs.push(FieldError::new(field, "err.date", "not a date"));
                }
                d
            }
        };
        let sale_start = date("sale_start", &self.sale_start);
        let sale_end = date("sale_end", &self.sale_end);
        if let (Some(a), Some(b)) = (sale_start, sale_end) {
            if a > b {
                errs.push(FieldError::new(
                    "sale_end",
                    "err.product.window",
                    "before the first day of sale",
                ));
            }
        }
        let status = match self.status.trim() {
            "" => Ok(ProductStatus::OnSale),
            s => s
                .parse::<ProductStatus>()
                .map_err(|_| FieldError::new("status", "err.product.status", "unknown")),
        };
        let description = self.description.trim().to_string();
        if description.chars().count() > NOTES_MAX {
            errs.push(FieldError::new("description", "err.too_long", "too long"));
        }
        let (category, risk, status) = match (category, risk, status) {
            (Ok(c), Ok(r), Ok(s)) if errs.is_empty() => (c, r, s),
            (c, r, s) => {
                // Coded fields first, in form order.
                let mut all: Vec<FieldError> =
                    [c.err(), r.err(), s.err()].into_iter().flatten().collect();
                all.extend(errs);
                all.sort_by_key(|e| ProductInput::FIELDS.iter().position(|f| *f == e.field));
                return Err(all);
            }
        };
        Ok(ValidProduct {
            code,
            name,
            category,
            risk,
            currency,
            yield_min,
            yield_max,
            term_days,
            min_amount,
            sale_start,
            sale_end,
            status,
            description: (!description.is_empty()).then_some(description),
        })
    }
}

/// A product whose fields passed [`ProductInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProduct {
    /// Code, upper case.
    pub code: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Risk level.
    pub risk: ProductRisk,
    /// Currency code, upper case.
    pub currency: String,
    /// Lowest expected yield, percent.
    pub yield_min: Option<Decimal>,
    /// Highest expected yield, percent.
    pub yield_max: Option<Decimal>,
    /// Term in days.
    pub term_days: Option<i64>,
    /// Minimum amount.
    pub min_amount: Decimal,
    /// First day of sale.
    pub sale_start: Option<NaiveDate>,
    /// Last day of sale.
    pub sale_end: Option<NaiveDate>,
    /// On sale or closed.
    pub status: ProductStatus,
    /// Description.
    pub description: Option<String>,
}

/// A yield that is not a percentage from 0 to 100 with at most 4 decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a yield is a percentage from 0 to 100 with at most 4 decimals")]
pub struct RateError;

/// A yield in percent: empty is `None`; digits with at most 4 decimals, 0 to 100.
pub fn parse_rate(text: &str) -> Result<Option<Decimal>, RateError> {
    let t = text.trim().trim_end_matches('%').trim_end();
    if t.is_empty() {
        return Ok(None);
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || int.len() > 3
        || !digits(int)
        || frac.len() > 4
        || !digits(frac)
        || (t.contains('.') && frac.is_empty())
    {
        return Err(RateError);
    }
    let d: Decimal = t.parse().map_err(|_| RateError)?;
    if d > Decimal::ONE_HUNDRED {
        return Err(RateError);
    }
    Ok(Some(d))
}

/// What a holding must respect of its product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldingRules {
    /// Minimum amount.
    pub min_amount: Decimal,
    /// The product's currency.
    pub currency: String,
    /// First day of sale.
    pub sale_start: Option<NaiveDate>,
    /// Last day of sale.
    pub sale_end: Option<NaiveDate>,
    /// On sale or closed.
    pub status: ProductStatus,
    /// Term in days (the default maturity).
    pub term_days: Option<i64>,
}

/// A holding as typed: amount, currency, start and maturity dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HoldingInput {
    /// Amount, as typed (`1,000,000.00`).
    pub amount: String,
    /// Currency code; empty means the product's.
    pub currency: String,
    /// Start date `YYYY-MM-DD`; empty means today.
    pub start_date: String,
    /// Maturity date `YYYY-MM-DD`; empty means start + the product's term, if any.
    pub maturity_date: String,
}

/// A holding that keeps its product's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHolding {
    /// Amount.
    pub amount: Decimal,
    /// Currency (the product's).
    pub currency: String,
    /// Start date.
    pub start_date: NaiveDate,
    /// Maturity date, if any.
    pub maturity_date: Option<NaiveDate>,
}

impl HoldingRules {
    /// Whether the product can be bought on `day`: on sale and inside its sale window
    /// (both ends included).
    pub fn sells_on(&self, day: NaiveDate) -> bool {
        self.status == ProductStatus::OnSale
            && !matches!(self.sale_start, Some(s) if day < s)
            && !matches!(self.sale_end, Some(e) if e < day)
    }

    /// Checks a new holding (`opening`) or a change to one: amount above zero and at
    /// least the minimum, the product's currency, for a new one a start inside the sale
    /// window, a maturity not before the start.
    pub fn check(
        &self,
        input: &HoldingInput,
        today: NaiveDate,
        opening: bool,
    ) -> Result<ValidHolding, Vec<FieldError>> {
        let mut errs = Vec::new();
        let amount = match parse_amount(&input.amount) {
            Ok(a) if a.is_zero() => {
                errs.push(FieldError::new("amount", "err.holding.zero", "zero"));
                a
            }
            Ok(a) if a < self.min_amount => {
                errs.push(FieldError::new(
                    "amount",
                    "err.holding.minimum",
                    &format!("below the product's minimum {}", self.min_amount),
                ));
                a
            }
            Ok(a) => a,
            Err(e) => {
                errs.push(FieldError::new("amount", e.key(), &e.to_string()));
                Decimal::ZERO
            }
        };
        let currency = match input.currency.trim() {
            "" => self.currency.clone(),
            c if c.eq_ignore_ascii_case(&self.currency) => self.currency.clone(),
            c => {
                errs.push(FieldError::new(
                    "currency",
                    "err.holding.currency",
                    &format!("{c} is not the product's currency {}", self.currency),
                ));
                c.to_string()
            }
        };
        let start_date = match input.start_date.trim() {
            "" => Some(today),
            t => {
                let d = parse_date(t);
                if d.is_none() {
                    errs.push(FieldError::new("start_date", "err.date", "not a date"));
                }
                d
            }
        };
        if let (Some(start), true) = (start_date, opening) {
            if self.status != ProductStatus::OnSale {
                errs.push(FieldError::new(
                    "product",
                    "err.holding.closed",
                    "the product is closed",
                ));
            } else if !self.sells_on(start) {
                errs.push(FieldError::new(
                    "start_date",
                    "err.holding.window",
                    "outside the product's sale window",
                ));
            }
        }
        let maturity_date = match input.maturity_date.trim() {
            "" => match (start_date, self.term_days) {
                (Some(s), Some(days)) => u64::try_from(days)
                    .ok()
                    .and_then(|d| s.checked_add_days(Days::new(d))),
                _ => None,
            },
            t => {
                let d = parse_date(t);
                if d.is_none() {
                    errs.push(FieldError::new("maturity_date", "err.date", "not a date"));
                }
                d
            }
        };
        if let (Some(s), Some(m)) = (start_date, maturity_date) {
            if m < s {
                errs.push(FieldError::new(
                    "maturity_date",
                    "err.holding.maturity",
                    "before the start",
                ));
            }
        }
        match start_date {
            Some(start_date) if errs.is_empty() => Ok(ValidHolding {
                amount,
                currency,
                start_date,
                maturity_date,
            }),
            _ => Err(errs),
        }
    }
}

/// Why a product may not be recommended to or recorded for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unsuitable {
    /// The client has no risk assessment.
    #[error("the client has no risk assessment")]
    NoAssessment,
    /// The assessment is 12 months old or more (expired on that day).
    #[error("the client's risk assessment expired on {0}")]
    Expired(NaiveDate),
    /// The product's risk is above the client's level.
    #[error("product risk {product} is above the client's level {client}")]
    TooRisky {
        /// The product's risk.
        product: ProductRisk,
        /// The client's level.
        client: RiskLevel,
    },
}

impl Unsuitable {
    /// Catalogue key of the reason.
    pub fn key(self) -> &'static str {
        match self {
            Unsuitable::NoAssessment => "err.suit.none",
            Unsuitable::Expired(_) => "err.suit.expired",
            Unsuitable::TooRisky { .. } => "err.suit.risk",
        }
    }
}

/// Suitability (投资者适当性): a product of risk Rn suits a client of level Cn or above
/// whose assessment is younger than 12 months on `today`.
pub fn suitability(
    product: ProductRisk,
    client: Option<RiskLevel>,
    assessed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), Unsuitable> {
    let (Some(level), Some(on)) = (client, assessed_on) else {
        return Err(Unsuitable::NoAssessment);
    };
    let expires = risk_assessment_expires(on);
    if on > today || today >= expires {
        return Err(Unsuitable::Expired(expires));
    }
    if level.rank() < product.rank() {
        return Err(Unsuitable::TooRisky {
            product,
            client: level,
        });
    }
    Ok(())
}

/// The earliest assessment date still current on `today`: an assessment is current
/// exactly when it was made between this day and `today`, both included. Found by the
/// same month arithmetic as [`risk_assessment_expires`], so the ends of months agree.
pub fn assessed_since(today: NaiveDate) -> NaiveDate {
    let mut d = today
        .checked_sub_months(chrono::Months::new(super::client::RISK_ASSESSMENT_MONTHS))
        .unwrap_or(NaiveDate::MIN);
    // Month arithmetic clamps to month ends; step to the first day that really is current.
    while risk_assessment_expires(d) <= today {
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    while let Some(p) = d.pred_opt() {
        if risk_assessment_expires(p) > today {
            d = p;
        } else {
            break;
        }
    }
    d
}

#[cfg(test)]
#[path = "product_tests.rs"]
mod tests;
