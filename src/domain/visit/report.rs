//! A visit (call report) as typed and checked, its channel, the products discussed and
//! the outcomes of a return call.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::client::FieldError;

/// How a visit happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// In person at the branch.
    Branch,
    /// At the client's site.
    ClientSite,
    /// By phone.
    Phone,
    /// By video call.
    Video,
    /// By message.
    Message,
}

impl Channel {
    /// Every channel, in the order forms list them.
    pub const ALL: [Channel; 5] = [
        Channel::Branch,
        Channel::ClientSite,
        Channel::Phone,
        Channel::Video,
        Channel::Message,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Branch => "branch",
            Channel::ClientSite => "client_site",
            Channel::Phone => "phone",
            Channel::Video => "video",
            Channel::Message => "message",
        }
    }
}

impl FromStr for Channel {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or_else(|| FieldError::new("channel", "err.visit.channel", "not a channel"))
    }
}

/// A visit as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitInput {
    /// When, `YYYY-MM-DD HH:MM` local time.
    pub visited_at: String,
    /// Channel code.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Summary (several lines).
    pub summary: String,
    /// Outcome.
    pub outcome: String,
    /// Next step.
    pub next_step: String,
    /// Date of the next step, `YYYY-MM-DD`; empty for none. A date creates a follow-up task.
    pub next_step_on: String,
    /// Codes of the products discussed, separated by commas or spaces.
    pub products: String,
    /// A manager's reason for recommending a product that does not suit the client.
    pub override_reason: String,
}

/// A visit whose fields passed [`VisitInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidVisit {
    /// When (local time).
    pub visited_at: NaiveDateTime,
    /// Channel.
    pub channel: Channel,
    /// Purpose.
    pub purpose: String,
    /// Summary.
    pub summary: String,
    /// Outcome, if given.
    pub outcome: Option<String>,
    /// Next step, if given.
    pub next_step: Option<String>,
    /// Date of the follow-up task, if any.
    pub next_step_on: Option<NaiveDate>,
    /// Codes of the products discussed, each once, in the order typed.
    pub products: Vec<String>,
    /// The override reason, if given.
    pub override_reason: Option<String>,
}

/// The product codes in `typed`: separated by commas (also `，` and `、`) or spaces, each
/// once, in the order typed.
pub fn product_codes(typed: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in typed.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace()) {
        let code = code.trim();
        if !code.is_empty() && !out.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            out.push(code.to_string());
        }
    }
    out
}

impl VisitInput {
    /// Checks every field, returning every error at once. A visit cannot lie in the
    /// future of `now`; a follow-up date cannot be before the visit, and needs a next step.
    pub fn validate(&self, now: NaiveDateTime) -> Result<ValidVisit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let visited_at =
            match NaiveDateTime::parse_from_str(self.visited_at.trim(), "%Y-%m-%d %H:%M") {
                Ok(t) if t > now => {
                    errors.push(FieldError::new(
                        "visited_at",
                        "err.date.future",
                        "in the future",
                    ));
                    None
                }
                Ok(t) => Some(t),
                Err(_) => {
                    errors.push(FieldError::new(
                        "visited_at",
                        "err.visit.when",
                        "not YYYY-MM-DD HH:MM",
                    ));
                    None
                }
            };
        let channel = self
            .channel
            .parse::<Channel>()
            .map_err(|e| errors.push(e))
            .ok();
        // Free text: NFC, without direction controls or invisible characters.
        let required = |field: &'static str, value: &str, errors: &mut Vec<FieldError>| {
            let v = crate::domain::text::clean_free_text(value.trim());
            let v = v.trim();
            if v.is_empty() {
                errors.push(FieldError::new(field, "err.required", "empty"));
            }
            v.to_string()
        };
        let purpose = required("purpose", &self.purpose, &mut errors);
        let summary = required("summary", &self.summary, &mut errors);
        let optional = |s: &str| {
            Some(
                crate::domain::text::clean_free_text(s.trim())
                    .trim()
                    .to_string(),
            )
            .filter(|s| !s.is_empty())
        };
        let next_step = optional(&self.next_step);
        let next_step_on = match self.next_step_on.trim() {
            "" => None,
            s => match crate::domain::client::parse_date(s) {
                Some(d) => {
                    if visited_at.is_some_and(|t| d < t.date()) {
                        errors.push(FieldError::new(
                            "next_step_on",
                            "err.visit.next_before",
                            "before the visit",
                        ));
                    }
                    if next_step.is_none() {
                        errors.push(FieldError::new(
                            "next_step",
                            "err.visit.next_step",
                            "a follow-up date needs a next step",
                        ));
                    }
                    Some(d)
                }
                None => {
                    errors.push(FieldError::new("next_step_on", "err.date", "not a date"));
                    None
                }
            },
        };
        match (visited_at, channel) {
            (Some(visited_at), Some(channel)) if errors.is_empty() => Ok(ValidVisit {
                visited_at,
                channel,
                purpose,
                summary,
                outcome: optional(&self.outcome),
                next_step,
                next_step_on,
                products: product_codes(&self.products),
                override_reason: optional(&self.override_reason),
            }),
            _ => Err(errors),
        }
    }
}

/// Outcomes of a manager's return call (回访) to the client of a visit.
pub const RETURN_OUTCOMES: [&str; 3] = ["confirmed", "not_confirmed", "unreachable"];

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-23 12:00", "%Y-%m-%d %H:%M").expect("valid")
    }

    fn visit() -> VisitInput {
        VisitInput {
            visited_at: "2026-11-23 10:30".into(),
            channel: "branch".into(),
            purpose: "年度回顾".into(),
            summary: "客户关注稳健型理财。\nWants lower risk.".into(),
            next_step: "send the product sheet".into(),
            next_step_on: "2026-12-01".into(),
            ..VisitInput::default()
        }
    }

    #[test]
    fn a_complete_visit_passes() {
        let v = visit().validate(now()).expect("valid");
        assert_eq!(v.channel, Channel::Branch);
        assert_eq!(v.next_step_on, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert!(v.summary.contains('\n'), "the summary keeps its lines");
    }

    #[test]
    fn every_error_at_once() {
        let bad = VisitInput {
            visited_at: "2026-11-24 09:00".into(),
            channel: "fax".into(),
            purpose: " ".into(),
            summary: String::new(),
            next_step: String::new(),
            next_step_on: "2026-11-31".into(),
            ..VisitInput::default()
        };
        let errors = bad.validate(now()).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "visited_at",
                "channel",
                "purpose",
                "summary",
                "next_step_on"
            ]
        );
        let early = VisitInput {
            next_step_on: "2026-11-22".into(),
            ..visit()
        };
        let errors = early.validate(now()).expect_err("before the visit");
        assert_eq!(errors[0].key, "err.visit.next_before");
        let no_step = VisitInput {
            next_step: String::new(),
            ..visit()
        };
        assert_eq!(
            no_step.validate(now()).expect_err("needs a step")[0].field,
            "next_step"
        );
    }

    #[test]
    fn product_codes_are_split_and_kept_once() {
        assert_eq!(
            product_codes(" WM-R2, fund-01，WM-R2 、DEP-3Y  "),
            ["WM-R2", "fund-01", "DEP-3Y"]
        );
        assert!(product_codes(" , ").is_empty());
    }
}
