//! Visits (call reports, 客户走访) and feedback (客户反馈): their coded values, the
//! checks of a visit as typed, and the feedback life cycle.
use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate, NaiveDateTime};

use super::client::FieldError;

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

/// Where a piece of feedback stands. It only moves forward: open → in progress →
/// resolved → closed (resolved may also be reached from open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeedbackStatus {
    /// Received, not yet worked on.
    Open,
    /// Being handled.
    InProgress,
    /// Handled; a resolution is recorded.
    Resolved,
    /// Closed; nothing more happens.
    Closed,
}

impl FeedbackStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            FeedbackStatus::Open => "open",
            FeedbackStatus::InProgress => "in_progress",
            FeedbackStatus::Resolved => "resolved",
            FeedbackStatus::Closed => "closed",
        }
    }

    /// Whether the life cycle allows moving from `self` to `to`: forward only, one step
    /// or open straight to resolved; never back, never from closed.
    pub fn may_become(self, to: FeedbackStatus) -> bool {
        use FeedbackStatus::*;
        matches!(
            (self, to),
            (Open, InProgress) | (Open, Resolved) | (InProgress, Resolved) | (Resolved, Closed)
        )
    }
}

impl fmt::Display for FeedbackStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for FeedbackStatus {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            FeedbackStatus::Open,
            FeedbackStatus::InProgress,
            FeedbackStatus::Resolved,
            FeedbackStatus::Closed,
        ]
        .into_iter()
        .find(|c| c.code() == s.trim())
        .ok_or_else(|| FieldError::new("status", "err.feedback.status", "not a status"))
    }
}

/// The deadline of feedback received on `received`: `days` later (settings, 15 by default).
pub fn feedback_deadline(received: NaiveDate, days: u32) -> NaiveDate {
    received
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a complaint due on `deadline` is overdue or within two days of it on `today`
/// (shown in the warning style everywhere).
pub fn deadline_near(deadline: NaiveDate, today: NaiveDate) -> bool {
    today
        .checked_add_days(Days::new(2))
        .is_some_and(|soon| deadline <= soon)
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
            let v = super::text::clean_free_text(value.trim());
            let v = v.trim();
            if v.is_empty() {
                errors.push(FieldError::new(field, "err.required", "empty"));
            }
            v.to_string()
        };
        let purpose = required("purpose", &self.purpose, &mut errors);
        let summary = required("summary", &self.summary, &mut errors);
        let optional = |s: &str| {
            Some(super::text::clean_free_text(s.trim()).trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let next_step = optional(&self.next_step);
        let next_step_on = match self.next_step_on.trim() {
            "" => None,
            s => match super::client::parse_date(s) {
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

/// Kinds of feedback, in the order forms list them.
pub const FEEDBACK_KINDS: [&str; 3] = ["complaint", "suggestion", "praise"];
/// Severities of feedback, lowest first.
pub const SEVERITIES: [&str; 3] = ["low", "normal", "high"];
/// How feedback reaches the bank.
pub const FEEDBACK_CHANNELS: [&str; 6] =
    ["branch", "phone", "hotline", "online", "letter", "other"];
/// Outcomes of a manager's return call (回访) to the client of a visit.
pub const RETURN_OUTCOMES: [&str; 3] = ["confirmed", "not_confirmed", "unreachable"];

/// Whether feedback of `kind` in `status`, due on `deadline` (`YYYY-MM-DD`), is a complaint
/// still being handled whose deadline is past or within two days of `today`: shown in the
/// warning style wherever it appears.
pub fn complaint_needs_attention(
    kind: &str,
    status: &str,
    deadline: &str,
    today: NaiveDate,
) -> bool {
    kind == "complaint"
        && matches!(status, "open" | "in_progress")
        && super::client::parse_date(deadline).is_some_and(|d| deadline_near(d, today))
}

/// Feedback as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackInput {
    /// `complaint`, `suggestion` or `praise`.
    pub kind: String,
    /// Received on, `YYYY-MM-DD`.
    pub received_on: String,
    /// Channel code ([`FEEDBACK_CHANNELS`]).
    pub channel: String,
    /// What the client said.
    pub description: String,
    /// `low`, `normal` or `high`.
    pub severity: String,
}

/// Feedback whose fields passed [`FeedbackInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFeedback {
    /// Kind code.
    pub kind: &'static str,
    /// Received on.
    pub received_on: NaiveDate,
    /// Channel code.
    pub channel: &'static str,
    /// Description.
    pub description: String,
    /// Severity code.
    pub severity: &'static str,
}

fn one_of(list: &[&'static str], value: &str) -> Option<&'static str> {
    list.iter().copied().find(|c| *c == value.trim())
}

impl FeedbackInput {
    /// Checks every field, returning every error at once; nothing is received in the
    /// future of `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<ValidFeedback, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = one_of(&FEEDBACK_KINDS, &self.kind);
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "err.feedback.kind",
                "not complaint, suggestion or praise",
            ));
        }
        let received_on = match super::client::parse_date(self.received_on.trim()) {
            Some(d) if d > today => {
                errors.push(FieldError::new(
                    "received_on",
                    "err.date.future",
                    "in the future",
                ));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new("received_on", "err.date", "not a date"));
                None
            }
        };
        let channel = one_of(&FEEDBACK_CHANNELS, &self.channel);
        if channel.is_none() {
            errors.push(FieldError::new(
                "channel",
                "err.visit.channel",
                "not a channel",
            ));
        }
        let description = super::text::clean_free_text(self.description.trim())
            .trim()
            .to_string();
        if description.is_empty() {
            errors.push(FieldError::new("description", "err.required", "empty"));
        }
        let severity = one_of(&SEVERITIES, &self.severity);
        if severity.is_none() {
            errors.push(FieldError::new(
                "severity",
                "err.feedback.severity",
                "not a severity",
            ));
        }
        match (kind, received_on, channel, severity) {
            (Some(kind), Some(received_on), Some(channel), Some(severity)) if errors.is_empty() => {
                Ok(ValidFeedback {
                    kind,
                    received_on,
                    channel,
                    description,
                    severity,
                })
            }
            _ => Err(errors),
        }
    }
}

/// How feedback is being handled, as typed: the status it moves to (or stays at), its
/// handler, resolution and the client's satisfaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackUpdate {
    /// Target status code.
    pub status: String,
    /// The handling user's id; `None` for nobody yet.
    pub handler_id: Option<i64>,
    /// Resolution; empty keeps the one on record.
    pub resolution: String,
    /// Satisfaction `1`–`5`, or empty.
    pub satisfaction: String,
}

/// Parses a satisfaction score: empty for none, else 1 to 5.
pub fn parse_satisfaction(text: &str) -> Result<Option<u8>, FieldError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(Some)
            .ok_or_else(|| {
                FieldError::new("satisfaction", "err.feedback.satisfaction", "not 1 to 5")
            }),
    }
}

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

    #[test]
    fn feedback_moves_forward_only() {
        use FeedbackStatus::*;
        assert!(Open.may_become(InProgress));
        assert!(Open.may_become(Resolved));
        assert!(InProgress.may_become(Resolved));
        assert!(Resolved.may_become(Closed));
        for (from, to) in [
            (InProgress, Open),
            (Resolved, InProgress),
            (Closed, Open),
            (Open, Closed),
            (Closed, Resolved),
        ] {
            assert!(!from.may_become(to), "{from} → {to}");
        }
    }

    #[test]
    fn deadlines_and_the_warning_window() {
        let received = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        let deadline = feedback_deadline(received, 15);
        assert_eq!(
            deadline,
            NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
        );
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        assert!(!deadline_near(deadline, day(2)));
        assert!(deadline_near(deadline, day(3)), "two days before");
        assert!(deadline_near(deadline, day(5)));
        assert!(deadline_near(deadline, day(9)), "overdue");
    }

    #[test]
    fn only_pending_complaints_near_their_deadline_need_attention() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert!(complaint_needs_attention(
            "complaint",
            "open",
            "2026-11-25",
            today
        ));
        assert!(complaint_needs_attention(
            "complaint",
            "in_progress",
            "2026-11-01",
            today
        ));
        assert!(!complaint_needs_attention(
            "complaint",
            "open",
            "2026-11-26",
            today
        ));
        assert!(!complaint_needs_attention(
            "complaint",
            "resolved",
            "2026-11-20",
            today
        ));
        assert!(!complaint_needs_attention(
            "suggestion",
            "open",
            "2026-11-20",
            today
        ));
    }

    #[test]
    fn feedback_fields_are_checked_together() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let good = FeedbackInput {
            kind: "complaint".into(),
            received_on: "2026-11-20".into(),
            channel: "hotline".into(),
            description: "理财到期未到账".into(),
            severity: "high".into(),
        };
        let v = good.validate(today).expect("valid");
        assert_eq!(
            (v.kind, v.channel, v.severity),
            ("complaint", "hotline", "high")
        );
        let bad = FeedbackInput {
            kind: "rant".into(),
            received_on: "2026-11-24".into(),
            channel: "fax".into(),
            description: " ".into(),
            severity: "urgent".into(),
        };
        let fields: Vec<&str> = bad
            .validate(today)
            .expect_err("invalid")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["kind", "received_on", "channel", "description", "severity"]
        );
        assert_eq!(parse_satisfaction(""), Ok(None));
        assert_eq!(parse_satisfaction(" 5"), Ok(Some(5)));
        assert!(parse_satisfaction("0").is_err());
        assert!(parse_satisfaction("6").is_err());
        assert!(parse_satisfaction("很好").is_err());
    }
}
