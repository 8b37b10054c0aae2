use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

#[test]
fn monthly_on_the_31st_falls_back_and_comes_back() {
    let anchor = d(2026, 1, 31);
    let dates: Vec<_> = (0..6)
        .map(|k| nth_occurrence(Recurrence::Monthly, anchor, k).expect("date"))
        .collect();
    assert_eq!(
        dates,
        vec![
            d(2026, 1, 31),
            d(2026, 2, 28),
            d(2026, 3, 31),
            d(2026, 4, 30),
            d(2026, 5, 31),
            d(2026, 6, 30)
        ]
    );
    // Completing the February occurrence gives March's 31st, not the 28th.
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2026, 2, 28)),
        Some(d(2026, 3, 31))
    );
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2026, 4, 30)),
        Some(d(2026, 5, 31))
    );
}

#[test]
fn monthly_in_leap_and_common_februaries() {
    let anchor = d(2027, 12, 30);
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2028, 1, 30)),
        Some(d(2028, 2, 29)),
        "2028 is a leap year"
    );
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2028, 2, 29)),
        Some(d(2028, 3, 30))
    );
    let anchor = d(2026, 1, 29);
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2026, 1, 29)),
        Some(d(2026, 2, 28)),
        "2026 is not"
    );
    assert_eq!(
        next_occurrence(Recurrence::Monthly, anchor, d(2026, 2, 28)),
        Some(d(2026, 3, 29))
    );
}

#[test]
fn yearly_on_29_february() {
    let anchor = d(2024, 2, 29);
    let dates: Vec<_> = (0..5)
        .map(|k| nth_occurrence(Recurrence::Yearly, anchor, k).expect("date"))
        .collect();
    assert_eq!(
        dates,
        vec![
            d(2024, 2, 29),
            d(2025, 2, 28),
            d(2026, 2, 28),
            d(2027, 2, 28),
            d(2028, 2, 29)
        ]
    );
    assert_eq!(
        next_occurrence(Recurrence::Yearly, anchor, d(2027, 2, 28)),
        Some(d(2028, 2, 29))
    );
    assert_eq!(
        next_occurrence(Recurrence::Yearly, d(2026, 11, 23), d(2026, 11, 23)),
        Some(d(2027, 11, 23))
    );
}

#[test]
fn daily_weekly_and_one_off() {
    let anchor = d(2026, 12, 30);
    assert_eq!(
        next_occurrence(Recurrence::Daily, anchor, d(2026, 12, 31)),
        Some(d(2027, 1, 1)),
        "across the year end"
    );
    assert_eq!(
        next_occurrence(Recurrence::Weekly, d(2026, 11, 23), d(2026, 11, 23)),
        Some(d(2026, 11, 30))
    );
    // A weekly occurrence done late keeps the weekday of the series.
    assert_eq!(
        next_occurrence(Recurrence::Weekly, d(2026, 11, 2), d(2026, 11, 16)),
        Some(d(2026, 11, 23))
    );
    assert_eq!(
        next_occurrence(Recurrence::None, anchor, anchor),
        None,
        "a one-off task has no next"
    );
    assert_eq!(
        next_occurrence(Recurrence::Weekly, d(2028, 2, 22), d(2028, 2, 22)),
        Some(d(2028, 2, 29))
    );
}

#[test]
fn occurrences_in_a_range_start_at_the_pending_one() {
    let anchor = d(2026, 10, 31);
    // The October occurrence was done; November's 30th is pending.
    let got = occurrences(
        Recurrence::Monthly,
        anchor,
        d(2026, 11, 30),
        d(2026, 11, 1),
        d(2027, 3, 31),
    );
    assert_eq!(
        got,
        vec![
            d(2026, 11, 30),
            d(2026, 12, 31),
            d(2027, 1, 31),
            d(2027, 2, 28),
            d(2027, 3, 31)
        ]
    );
    let weekly = occurrences(
        Recurrence::Weekly,
        d(2026, 11, 2),
        d(2026, 11, 16),
        d(2026, 11, 1),
        d(2026, 11, 30),
    );
    assert_eq!(
        weekly,
        vec![d(2026, 11, 16), d(2026, 11, 23), d(2026, 11, 30)],
        "nothing before the pending occurrence"
    );
    assert_eq!(
        occurrences(
            Recurrence::Daily,
            d(2020, 1, 1),
            d(2026, 11, 20),
            d(2026, 11, 29),
            d(2026, 12, 2)
        )
        .len(),
        4,
        "a long-running daily series starts in the range, not at the anchor"
    );
    assert_eq!(
        occurrences(
            Recurrence::None,
            d(2026, 11, 1),
            d(2026, 11, 1),
            d(2026, 11, 2),
            d(2026, 11, 30)
        ),
        Vec::<NaiveDate>::new()
    );
    // An overdue open occurrence shows on its own day, and the rule's next dates too.
    let yearly = occurrences(
        Recurrence::Yearly,
        d(2024, 2, 29),
        d(2026, 2, 28),
        d(2026, 1, 1),
        d(2028, 12, 31),
    );
    assert_eq!(yearly, vec![d(2026, 2, 28), d(2027, 2, 28), d(2028, 2, 29)]);
}

#[test]
fn task_input_checks_every_field() {
    let ok = TaskInput {
        title: " 电话回访 ".into(),
        due_date: "2026-11-23".into(),
        due_time: "9:05".into(),
        recurrence: "weekly".into(),
        ..TaskInput::default()
    }
    .validate()
    .expect("valid");
    assert_eq!(ok.title, "电话回访");
    assert_eq!(ok.due_time.as_deref(), Some("09:05"));
    assert_eq!(
        (ok.priority, ok.recurrence, ok.status),
        (Priority::Normal, Recurrence::Weekly, TaskStatus::Open)
    );
    let errors = TaskInput {
        title: "  ".into(),
        due_date: "2026-02-30".into(),
        due_time: "25:00".into(),
        recurrence: "fortnightly".into(),
        ..TaskInput::default()
    }
    .validate()
    .expect_err("invalid");
    let fields: Vec<_> = errors.iter().map(|e| (e.field, e.key)).collect();
    assert_eq!(
        fields,
        vec![
            ("title", "err.required"),
            ("due_date", "err.date"),
            ("due_time", "err.task.time"),
            ("recurrence", "err.task.recurrence")
        ]
    );
}

#[test]
fn weeks_start_on_monday_and_months_end() {
    assert_eq!(week_start(d(2026, 11, 29)), d(2026, 11, 23));
    assert_eq!(week_start(d(2026, 11, 23)), d(2026, 11, 23));
    assert_eq!(month_end(d(2028, 2, 3)), d(2028, 2, 29));
    assert_eq!(month_end(d(2026, 12, 3)), d(2026, 12, 31));
    assert_eq!(month_start(d(2026, 12, 3)), d(2026, 12, 1));
}
