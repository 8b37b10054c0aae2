//! iCalendar (RFC 5545) text of the user's tasks, for other calendar programs.
//!
//! What goes where: an open task is a `VEVENT` on its due date (all day, or at its time
//! for half an hour), because every calendar program shows events while several ignore
//! to-dos; a done or cancelled task is a `VTODO` with its status, so the history imports
//! into programs that keep tasks. A recurring open task carries its `RRULE`; monthly
//! series on the 29th–31st use `BYMONTHDAY=28,…,D;BYSETPOS=-1` (the anchor day, or the
//! month's last day when the month is shorter: exactly rmdesk's rule), and a yearly series
//! of 29 February `BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1`.
//!
//! Text is UTF-8; lines end in CRLF and are folded at 75 octets without splitting a
//! character; `\`, `;`, `,` and line breaks in text are escaped. Times are floating
//! (local wall-clock time), as the branch's desk keeps them.
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

use super::task::{Priority, Recurrence, TaskStatus};

/// One task as the calendar file shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsTask {
    /// Unique and stable: the same task gets the same UID in every export.
    pub uid: String,
    /// Summary.
    pub title: String,
    /// Description (notes, and the client the task is about).
    pub description: Option<String>,
    /// Due date (the pending occurrence for a series).
    pub due: NaiveDate,
    /// Due time, local.
    pub time: Option<NaiveTime>,
    /// Priority.
    pub priority: Priority,
    /// Status.
    pub status: TaskStatus,
    /// Recurrence of the series.
    pub recurrence: Recurrence,
    /// The series' anchor (first due date); the due date for one-off tasks.
    pub anchor: NaiveDate,
    /// When it was completed.
    pub completed: Option<DateTime<Utc>>,
    /// Category (the task's source).
    pub category: String,
}

/// The `RRULE` value of a series anchored on `anchor`; `None` for one-off tasks.
pub fn rrule(rule: Recurrence, anchor: NaiveDate) -> Option<String> {
    let day = anchor.day();
    Some(match rule {
        Recurrence::None => return None,
        Recurrence::Daily => "FREQ=DAILY".to_string(),
        Recurrence::Weekly => format!("FREQ=WEEKLY;BYDAY={}", weekday_code(anchor)),
        Recurrence::Monthly if day > 28 => {
            let days: Vec<String> = (28..=day).map(|d| d.to_string()).collect();
            format!("FREQ=MONTHLY;BYMONTHDAY={};BYSETPOS=-1", days.join(","))
        }
        Recurrence::Monthly => format!("FREQ=MONTHLY;BYMONTHDAY={day}"),
        Recurrence::Yearly if anchor.month() == 2 && day == 29 => {
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1".to_string()
        }
        Recurrence::Yearly => format!("FREQ=YEARLY;BYMONTH={};BYMONTHDAY={day}", anchor.month()),
    })
}

fn weekday_code(d: NaiveDate) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][d.weekday().num_days_from_monday() as usize]
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded at 75 octets (continuations start with a space), CRLF-ended.
/// Folds fall between characters, never inside a UTF-8 sequence.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

fn date_value(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn utc_value(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 priority: 1 highest, 9 lowest.
fn priority_value(p: Priority) -> u8 {
    match p {
        Priority::High => 1,
        Priority::Normal => 5,
        Priority::Low => 9,
    }
}

/// The whole calendar file: the tasks, stamped `now`.
pub fn calendar(tasks: &[IcsTask], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |s: &str| out.push_str(&fold(s));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//rmdesk//rmdesk calendar//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    let stamp = utc_value(now);
    for t in tasks {
        let todo = t.status != TaskStatus::Open;
        line(if todo { "BEGIN:VTODO" } else { "BEGIN:VEVENT" });
        line(&format!("UID:{}", t.uid));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("SUMMARY:{}", escape_text(&t.title)));
        if let Some(desc) = &t.description {
            line(&format!("DESCRIPTION:{}", escape_text(desc)));
        }
        line(&format!("CATEGORIES:{}", escape_text(&t.category)));
        line(&format!("PRIORITY:{}", priority_value(t.priority)));
        match (todo, t.time) {
            (false, Some(time)) => {
                let start = t.due.and_time(time);
                line(&format!("DTSTART:{}", start.format("%Y%m%dT%H%M%S")));
                line("DURATION:PT30M");
            }
            (false, None) => {
                line(&format!("DTSTART;VALUE=DATE:{}", date_value(t.due)));
                let next = t.due.succ_opt().unwrap_or(t.due);
                line(&format!("DTEND;VALUE=DATE:{}", date_value(next)));
            }
            (true, Some(time)) => {
                line(&format!(
                    "DUE:{}",
                    t.due.and_time(time).format("%Y%m%dT%H%M%S")
                ));
            }
            (true, None) => line(&format!("DUE;VALUE=DATE:{}", date_value(t.due))),
        }
        if !todo {
            if let Some(rule) = rrule(t.recurrence, t.anchor) {
                line(&format!("RRULE:{rule}"));
            }
            line("TRANSP:TRANSPARENT");
        } else {
            let status = match t.status {
                TaskStatus::Cancelled => "CANCELLED",
                _ => "COMPLETED",
            };
            line(&format!("STATUS:{status}"));
            if let (TaskStatus::Done, Some(at)) = (t.status, t.completed) {
                line(&format!("COMPLETED:{}", utc_value(at)));
            }
        }
        line(if todo { "END:VTODO" } else { "END:VEVENT" });
    }
    line("END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn rules_for_every_recurrence() {
        assert_eq!(rrule(Recurrence::None, d(2026, 1, 31)), None);
        assert_eq!(
            rrule(Recurrence::Daily, d(2026, 1, 31)).as_deref(),
            Some("FREQ=DAILY")
        );
        assert_eq!(
            rrule(Recurrence::Weekly, d(2026, 11, 23)).as_deref(),
            Some("FREQ=WEEKLY;BYDAY=MO")
        );
        assert_eq!(
            rrule(Recurrence::Monthly, d(2026, 1, 15)).as_deref(),
            Some("FREQ=MONTHLY;BYMONTHDAY=15")
        );
        assert_eq!(
            rrule(Recurrence::Monthly, d(2026, 1, 31)).as_deref(),
            Some("FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1")
        );
        assert_eq!(
            rrule(Recurrence::Monthly, d(2026, 1, 29)).as_deref(),
            Some("FREQ=MONTHLY;BYMONTHDAY=28,29;BYSETPOS=-1")
        );
        assert_eq!(
            rrule(Recurrence::Yearly, d(2024, 2, 29)).as_deref(),
            Some("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1")
        );
        assert_eq!(
            rrule(Recurrence::Yearly, d(2026, 11, 23)).as_deref(),
            Some("FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=23")
        );
    }

    #[test]
    fn text_is_escaped_and_lines_folded_by_octets() {
        assert_eq!(escape_text("a,b;c\\d\r\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "客户".repeat(40));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for (i, l) in folded.trim_end_matches("\r\n").split("\r\n").enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets", l.len());
            assert!(i == 0 || l.starts_with(' '));
        }
        let unfolded: String = folded.trim_end_matches("\r\n").split("\r\n ").collect();
        assert_eq!(unfolded, long, "unfolding gives the line back");
        assert_eq!(fold("SHORT"), "SHORT\r\n");
    }

    #[test]
    fn events_for_open_tasks_and_todos_for_the_rest() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 4, 0, 0)
            .single()
            .expect("instant");
        let open = IcsTask {
            uid: "task-1@rmdesk".into(),
            title: "月度回访, 张三".into(),
            description: Some("第一行\n第二行".into()),
            due: d(2026, 11, 30),
            time: NaiveTime::from_hms_opt(9, 30, 0),
            priority: Priority::High,
            status: TaskStatus::Open,
            recurrence: Recurrence::Monthly,
            anchor: d(2026, 10, 31),
            completed: None,
            category: "manual".into(),
        };
        let done = IcsTask {
            uid: "task-2@rmdesk".into(),
            status: TaskStatus::Done,
            time: None,
            recurrence: Recurrence::None,
            completed: Some(now),
            ..open.clone()
        };
        let text = calendar(&[open, done], now);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        assert!(text.contains("BEGIN:VEVENT\r\nUID:task-1@rmdesk\r\n"));
        assert!(text.contains("SUMMARY:月度回访\\, 张三\r\n"));
        assert!(text.contains("DESCRIPTION:第一行\\n第二行\r\n"));
        assert!(text.contains("DTSTART:20261130T093000\r\nDURATION:PT30M\r\n"));
        assert!(text.contains("RRULE:FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1\r\n"));
        assert!(text.contains("BEGIN:VTODO\r\nUID:task-2@rmdesk\r\n"));
        assert!(text.contains(
            "DUE;VALUE=DATE:20261130\r\nSTATUS:COMPLETED\r\nCOMPLETED:20261123T040000Z\r\n"
        ));
        assert_eq!(text.matches("DTSTAMP:20261123T040000Z").count(), 2);
    }
}
