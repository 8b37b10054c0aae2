//! Campaigns (营销活动): a campaign as typed in its form, the filters of its target
//! segment, the outcome an RM records for one target, and the rates of its results.
//!
//! The segment is kept as the form's text (`key=value` lines, [`SegmentInput::to_text`]),
//! so a stored campaign shows exactly the filters it was launched with; the store turns a
//! checked [`Segment`] into SQL.
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::client::{coded_enum, parse_date, ClientStatus, FieldError, RiskLevel, Tier};
use super::money::parse_amount;

/// Longest campaign name, in characters.
pub const CAMPAIGN_NAME_MAX: usize = 100;
/// Longest goal, in characters.
pub const GOAL_MAX: usize = 500;
/// Largest number of days a "within N days" filter may span.
pub const DAYS_MAX: u32 = 3650;

coded_enum! {
    /// Where a campaign stands.
    CampaignStatus, "campaign status", "draft, running or closed" {
        /// Designed, not launched: its segment may still change.
        Draft => "draft", "campaign.status.draft";
        /// Launched: its target list is frozen.
        Running => "running", "campaign.status.running";
        /// Closed (at its end or early by a manager).
        Closed => "closed", "campaign.status.closed";
    }
}

coded_enum! {
    /// What an RM recorded for one target.
    Outcome, "outcome", "pending, not_reached, contacted, interested, declined or sold" {
        /// Nothing recorded yet.
        Pending => "pending", "campaign.outcome.pending";
        /// Tried, not reached.
        NotReached => "not_reached", "campaign.outcome.not_reached";
        /// Reached and told about the campaign.
        Contacted => "contacted", "campaign.outcome.contacted";
        /// Interested.
        Interested => "interested", "campaign.outcome.interested";
        /// Declined.
        Declined => "declined", "campaign.outcome.declined";
        /// Bought: linked to the holding recorded.
        Sold => "sold", "campaign.outcome.sold";
    }
}

impl Outcome {
    /// Whether the client was reached (contacted, interested, declined or sold).
    pub fn reached(self) -> bool {
        matches!(
            self,
            Outcome::Contacted | Outcome::Interested | Outcome::Declined | Outcome::Sold
        )
    }
}

/// The filters of a segment exactly as typed; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmentInput {
    /// `general`, `key` or `core` (the tier in force).
    pub tier: String,
    /// `C1`–`C5`: the client's risk level is this or higher.
    pub risk_at_least: String,
    /// Lowest AUM, in yuan.
    pub aum_min: String,
    /// Highest AUM, in yuan.
    pub aum_max: String,
    /// A product category code or a product code the client holds (open).
    pub holds: String,
    /// A product category code or a product code the client does not hold.
    pub holds_not: String,
    /// An open holding matures within this many days from today.
    pub maturity_days: String,
    /// Month of birth, 1–12.
    pub birthday_month: String,
    /// `prospect`, `active` or `dormant` (closed clients are never targets).
    pub status: String,
    /// Username of the owning RM.
    pub owner: String,
    /// No contact for at least this many days (or never).
    pub no_contact_days: String,
}

impl SegmentInput {
    /// Names of the filters, as form fields and as keys of the stored text.
    pub const FIELDS: [&'static str; 11] = [
        "tier",
        "risk_at_least",
        "aum_min",
        "aum_max",
        "holds",
        "holds_not",
        "maturity_days",
        "birthday_month",
        "status",
        "owner",
        "no_contact_days",
    ];

    /// The filter named `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        let v = match name {
            "tier" => &self.tier,
            "risk_at_least" => &self.risk_at_least,
            "aum_min" => &self.aum_min,
            "aum_max" => &self.aum_max,
            "holds" => &self.holds,
            "holds_not" => &self.holds_not,
            "maturity_days" => &self.maturity_days,
            "birthday_month" => &self.birthday_month,
            "status" => &self.status,
            "owner" => &self.owner,
            "no_contact_days" => &self.no_contact_days,
            _ => return None,
        };
        Some(v)
    }

    /// The filter named `name`, to write into.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut String> {
        let v = match name {
            "tier" => &mut self.tier,
            "risk_at_least" => &mut self.risk_at_least,
            "aum_min" => &mut self.aum_min,
            "aum_max" => &mut self.aum_max,
            "holds" => &mut self.holds,
            "holds_not" => &mut self.holds_not,
            "maturity_days" => &mut self.maturity_days,
            "birthday_month" => &mut self.birthday_month,
            "status" => &mut self.status,
            "owner" => &mut self.owner,
            "no_contact_days" => &mut self.no_contact_days,
            _ => return None,
        };
        Some(v)
    }

    /// The filters given, as `key=value` lines (the stored form and the audit's text).
    pub fn to_text(&self) -> String {
        Self::FIELDS
            .iter()
            .filter_map(|f| {
                let v = self.field(f)?.trim();
                (!v.is_empty()).then(|| format!("{f}={}", v.replace(['\n', '\r'], " ")))
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads [`SegmentInput::to_text`] back; unknown keys are left out.
    pub fn from_text(text: &str) -> SegmentInput {
        let mut s = SegmentInput::default();
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                if let Some(slot) = s.field_mut(k.trim()) {
                    v.trim().clone_into(slot);
                }
            }
        }
        s
    }

    /// Checks every filter; returns the typed segment or every problem found.
    pub fn validate(&self) -> Result<Segment, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut code = |field: &'static str, raw: &str, key: &'static str| -> Option<String> {
            let t = raw.trim();
            if t.is_empty() {
                return None;
            }
            let ok = match field {
                "tier" => t.parse::<Tier>().is_ok(),
                "risk_at_least" => t.parse::<RiskLevel>().is_ok(),
                "status" => t
                    .parse::<ClientStatus>()
                    .is_ok_and(|s| s != ClientStatus::Closed),
                _ => true,
            };
            if !ok {
                errs.push(FieldError::new(field, key, "not one of the choices"));
                return None;
            }
            Some(t.to_string())
        };
        let tier = code("tier", &self.tier, "campaign.err.choice").and_then(|t| t.parse().ok());
        let risk_at_least = code("risk_at_least", &self.risk_at_least, "campaign.err.choice")
            .and_then(|t| t.parse().ok());
        let status =
            code("status", &self.status, "campaign.err.choice").and_then(|t| t.parse().ok());
        let mut amount = |field: &'static str, raw: &str| -> Option<Decimal> {
            let t = raw.trim();
            if t.is_empty() {
                return None;
            }
            match parse_amount(t) {
                Ok(a) => Some(a),
                Err(e) => {
                    errs.push(FieldError::new(field, e.key(), "not an amount"));
                    None
                }
            }
        };
        let aum_min = amount("aum_min", &self.aum_min);
        let aum_max = amount("aum_max", &self.aum_max);
        if let (Some(lo), Some(hi)) = (aum_min, aum_max) {
            if hi < lo {
                errs.push(FieldError::new(
                    "aum_max",
                    "campaign.err.range",
                    "below the lowest",
                ));
            }
        }
        let mut number = |field: &'static str, raw: &str, max: u32| -> Option<u32> {
            let t = raw.trim();
            if t.is_empty() {
                return None;
            }
            match t.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Some(n),
                _ => {
                    errs.push(FieldError::new(
                        field,
                        "campaign.err.number",
                        "out of range",
                    ));
                    None
                }
            }
        };
        let maturity_days = number("maturity_days", &self.maturity_days, DAYS_MAX);
        let birthday_month = number("birthday_month", &self.birthday_month, 12);
        let no_contact_days = number("no_contact_days", &self.no_contact_days, DAYS_MAX);
        let text = |raw: &str| Some(raw.trim().to_string()).filter(|t| !t.is_empty());
        let segment = Segment {
            tier,
            risk_at_least,
            aum_min,
            aum_max,
            holds: text(&self.holds),
            holds_not: text(&self.holds_not),
            maturity_days,
            birthday_month,
            status,
            owner: text(&self.owner),
            no_contact_days,
        };
        if errs.is_empty() {
            Ok(segment)
        } else {
            Err(errs)
        }
    }
}

/// A checked segment: `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segment {
    /// Tier in force.
    pub tier: Option<Tier>,
    /// Risk level at least this.
    pub risk_at_least: Option<RiskLevel>,
    /// AUM at least this (yuan).
    pub aum_min: Option<Decimal>,
    /// AUM at most this (yuan).
    pub aum_max: Option<Decimal>,
    /// Holds a product of this category, or this product (by code).
    pub holds: Option<String>,
    /// Does not hold a product of this category, nor this product.
    pub holds_not: Option<String>,
    /// An open holding matures within this many days.
    pub maturity_days: Option<u32>,
    /// Born in this month.
    pub birthday_month: Option<u32>,
    /// Status (never closed).
    pub status: Option<ClientStatus>,
    /// Owning RM's username.
    pub owner: Option<String>,
    /// No contact for this many days or more.
    pub no_contact_days: Option<u32>,
}

/// A campaign as typed in its form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignInput {
    /// Name.
    pub name: String,
    /// What the campaign wants to achieve.
    pub goal: String,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`; targets' tasks are due on it.
    pub ends_on: String,
    /// Product code, or empty for none.
    pub product: String,
    /// The segment's filters.
    pub segment: SegmentInput,
}

/// A campaign whose fields passed [`CampaignInput::validate`] (the product code is the
/// store's to resolve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCampaign {
    /// Name, trimmed.
    pub name: String,
    /// Goal, trimmed.
    pub goal: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, not before the first.
    pub ends_on: NaiveDate,
    /// Product code, if any.
    pub product: Option<String>,
    /// The segment.
    pub segment: Segment,
}

impl CampaignInput {
    /// Checks every field; every problem at its field.
    pub fn validate(&self) -> Result<ValidCampaign, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = crate::domain::text::clean_free_text(&self.name)
            .trim()
            .to_string();
        if name.is_empty() {
            errs.push(FieldError::new("name", "err.required", "empty"));
        } else if name.chars().count() > CAMPAIGN_NAME_MAX || name.chars().any(char::is_control) {
            errs.push(FieldError::new(
                "name",
                "err.too_long",
                "too long or control characters",
            ));
        }
        let goal = crate::domain::text::clean_free_text(&self.goal)
            .trim()
            .to_string();
        if goal.chars().count() > GOAL_MAX {
            errs.push(FieldError::new("goal", "err.too_long", "too long"));
        }
        let mut date = |field: &'static str, raw: &str| match parse_date(raw.trim()) {
            Some(d) => Some(d),
            None => {
                let key = if raw.trim().is_empty() {
                    "err.required"
                } else {
                    "err.date"
                };
                errs.push(FieldError::new(field, key, "not a date"));
                None
            }
        };
        let starts_on = date("starts_on", &self.starts_on);
        let ends_on = date("ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errs.push(FieldError::new(
                    "ends_on",
                    "campaign.err.ends",
                    "before the start",
                ));
            }
        }
        let segment = self.segment.validate().map_err(|e| errs.extend(e)).ok();
        match (starts_on, ends_on, segment) {
            (Some(starts_on), Some(ends_on), Some(segment)) if errs.is_empty() => {
                Ok(ValidCampaign {
                    name,
                    goal,
                    starts_on,
                    ends_on,
                    product: Some(self.product.trim().to_ascii_uppercase())
                        .filter(|p| !p.is_empty()),
                    segment,
                })
            }
            _ => Err(errs),
        }
    }
}

/// `part` of `whole` as a whole percent, rounded down; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> u64 {
    part.saturating_mul(100).checked_div(whole).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_survives_its_text_and_refuses_bad_filters_at_their_fields() {
        let s = SegmentInput {
            tier: "key".into(),
            aum_min: "100000".into(),
            aum_max: "50000".into(),
            birthday_month: "13".into(),
            status: "closed".into(),
            holds: "deposit".into(),
            ..SegmentInput::default()
        };
        assert_eq!(SegmentInput::from_text(&s.to_text()), s);
        let errs = s.validate().expect_err("refused");
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["status", "aum_max", "birthday_month"]);
        let ok = SegmentInput {
            tier: "KEY".into(),
            risk_at_least: "c3".into(),
            maturity_days: "30".into(),
            ..SegmentInput::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.tier, Some(Tier::Key));
        assert_eq!(ok.risk_at_least, Some(RiskLevel::C3));
        assert_eq!(ok.maturity_days, Some(30));
        assert_eq!(ok.holds, None);
    }

    #[test]
    fn a_campaign_needs_a_name_and_a_period_that_does_not_end_before_it_starts() {
        let mut c = CampaignInput {
            starts_on: "2026-12-01".into(),
            ends_on: "2026-11-30".into(),
            product: " p001 ".into(),
            ..CampaignInput::default()
        };
        let errs = c.validate().expect_err("refused");
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "ends_on"]);
        c.name = "Year-end deposits".into();
        c.ends_on = "2026-12-31".into();
        let v = c.validate().expect("valid");
        assert_eq!(v.product.as_deref(), Some("P001"));
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 0), 0);
    }

    #[test]
    fn only_contacted_interested_declined_and_sold_count_as_reached() {
        let reached: Vec<Outcome> = Outcome::ALL
            .iter()
            .copied()
            .filter(|o| o.reached())
            .collect();
        assert_eq!(
            reached,
            [
                Outcome::Contacted,
                Outcome::Interested,
                Outcome::Declined,
                Outcome::Sold
            ]
        );
    }
}
