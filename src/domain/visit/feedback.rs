//! Feedback (complaints, suggestions, praise): its fields and checks, its life cycle and
//! deadlines.

use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};

use crate::domain::client::FieldError;

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

/// Kinds of feedback, in the order forms list them.
pub const FEEDBACK_KINDS: [&str; 3] = ["complaint", "suggestion", "praise"];
/// Severities of feedback, lowest first.
pub const SEVERITIES: [&str; 3] = ["low", "normal", "high"];
/// How feedback reaches the bank.
pub const FEEDBACK_CHANNELS: [&str; 6] =
    ["branch", "phone", "hotline", "online", "letter", "other"];

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
        && crate::domain::client::parse_date(deadline).is_some_and(|d| deadline_near(d, today))
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
        let received_on = match crate::domain::client::parse_date(self.received_on.trim()) {
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
        let description = crate::domain::text::clean_free_text(self.description.trim())
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
