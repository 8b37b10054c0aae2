//! Labels of stored codes (visit channels, feedback kinds, states, channels and
//! severities, return-call outcomes, task priorities and statuses), with the code itself
//! for anything unknown.
use crate::tui::i18n::I18n;

/// The label of `key`, or `code` as stored when there is no key.
pub fn code_text(i: &I18n, key: Option<&'static str>, code: &str) -> String {
    key.map_or_else(|| code.to_string(), |k| i.t(k).to_string())
}

/// Catalogue key of a visit channel.
pub fn channel_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "branch" => "visit.channel.branch",
        "client_site" => "visit.channel.client_site",
        "phone" => "visit.channel.phone",
        "video" => "visit.channel.video",
        "message" => "visit.channel.message",
        _ => return None,
    })
}

/// Catalogue key of a feedback kind.
pub fn feedback_kind_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "complaint" => "feedback.kind.complaint",
        "suggestion" => "feedback.kind.suggestion",
        "praise" => "feedback.kind.praise",
        _ => return None,
    })
}

/// Catalogue key of a feedback state.
pub fn feedback_status_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "open" => "feedback.status.open",
        "in_progress" => "feedback.status.in_progress",
        "resolved" => "feedback.status.resolved",
        "closed" => "feedback.status.closed",
        _ => return None,
    })
}

/// Catalogue key of a feedback channel.
pub fn feedback_channel_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "branch" => "feedback.channel.branch",
        "phone" => "feedback.channel.phone",
        "hotline" => "feedback.channel.hotline",
        "online" => "feedback.channel.online",
        "letter" => "feedback.channel.letter",
        "other" => "feedback.channel.other",
        _ => return None,
    })
}

/// Catalogue key of a feedback severity.
pub fn severity_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "low" => "feedback.severity.low",
        "normal" => "feedback.severity.normal",
        "high" => "feedback.severity.high",
        _ => return None,
    })
}

/// Catalogue key of a return call's outcome.
pub fn return_outcome_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "confirmed" => "visit.return.confirmed",
        "not_confirmed" => "visit.return.not_confirmed",
        "unreachable" => "visit.return.unreachable",
        _ => return None,
    })
}

/// Catalogue key of a task priority.
pub fn priority_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "low" => "task.priority.low",
        "normal" => "task.priority.normal",
        "high" => "task.priority.high",
        _ => return None,
    })
}

/// Catalogue key of a task status (as stored).
pub fn task_status_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "open" => "task.status.open",
        "done" => "task.status.done",
        "cancelled" => "task.status.cancelled",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::i18n::Lang;

    #[test]
    fn every_code_has_a_label_in_both_languages() {
        type KeyOf = fn(&str) -> Option<&'static str>;
        use crate::domain::visit::{FEEDBACK_CHANNELS, RETURN_OUTCOMES, SEVERITIES};
        let codes: [(KeyOf, &[&str]); 8] = [
            (
                channel_key,
                &["branch", "client_site", "phone", "video", "message"],
            ),
            (feedback_kind_key, &["complaint", "suggestion", "praise"]),
            (
                feedback_status_key,
                &["open", "in_progress", "resolved", "closed"],
            ),
            (priority_key, &["low", "normal", "high"]),
            (task_status_key, &["open", "done", "cancelled"]),
            (feedback_channel_key, &FEEDBACK_CHANNELS),
            (severity_key, &SEVERITIES),
            (return_outcome_key, &RETURN_OUTCOMES),
        ];
        for lang in [Lang::En, Lang::ZhCn] {
            let i = I18n::new(lang);
            for (key_of, list) in codes {
                for code in list {
                    let key = key_of(code).expect("a key for every stored code");
                    assert_ne!(i.t(key), key, "{key} missing");
                }
            }
        }
        assert_eq!(
            code_text(&I18n::new(Lang::En), channel_key("fax"), "fax"),
            "fax"
        );
    }
}
