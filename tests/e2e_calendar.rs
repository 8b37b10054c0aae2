//! End to end in a real terminal: an RM signs in and sees on the home list the follow-up
//! a visit created for today, opens it (the calendar, with the task), goes to the
//! calendar, moves to next month and back, creates a weekly task, marks this week's
//! occurrence done and sees the next one a week later. The real binary in tmux on the
//! fixed test clock (2026-11-23, UTC+8); without tmux this test fails and says so.
mod common;

use chrono::{Days, Months};
use common::tmux::Tmux;
use common::{seeded, PASSWORD};
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::visit::VisitInput;
use rmdesk::store::clients::SaveOutcome;

#[test]
fn home_follow_up_then_a_weekly_task_done_and_its_next_occurrence_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    let today = common::today();
    {
        let (mut store, _admin) = seeded(&db);
        // The binary runs on the same fixed clock as the store here (common::clock_env).
        let rm1 = store.login("rm1", PASSWORD).expect("rm1");
        let input = ClientInput {
            kind: "individual".into(),
            name: "林黛玉".into(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            status: "active".into(),
            ..ClientInput::default()
        };
        let SaveOutcome::Saved(client) = store.create_client(&rm1, &input, true).expect("client")
        else {
            panic!("saved with confirmed");
        };
        let visit = VisitInput {
            visited_at: today.format("%Y-%m-%d 00:00").to_string(),
            channel: "phone".into(),
            purpose: "季度回访".into(),
            summary: "客户关心存款利率".into(),
            next_step: "寄送理财产品说明书".into(),
            next_step_on: today.to_string(),
            ..VisitInput::default()
        };
        store.record_visit(&rm1, client, &visit).expect("visit");
    }
    let month = |d: chrono::NaiveDate| d.format("%B %Y").to_string();
    let next_month = today.checked_add_months(Months::new(1)).expect("date");
    let next_week = today.checked_add_days(Days::new(7)).expect("date");

    let t = Tmux::start(dir.path(), "e2e-calendar", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("rm1", PASSWORD, "Welcome, RM1");

    // The home list has the visit's follow-up, due today, first: its kind's title, then
    // the line.
    let home = t.wait_for("寄送理财产品说明书");
    assert!(home.contains("Due today: 1"), "{home}");
    t.keys(&["Down", "Enter"]);
    let opened = t.wait_for("visit follow-up");
    assert!(
        opened.contains("rmdesk · Calendar") && opened.contains("寄送理财产品说明书"),
        "{opened}"
    );
    t.keys(&["Escape", "F2"]);
    t.wait_for("Today · ");

    // The calendar: next month and back.
    t.keys(&["F6"]);
    t.wait_for(&month(today));
    t.keys(&["NPage"]);
    t.wait_for(&month(next_month));
    t.keys(&["PPage"]);
    t.wait_for(&month(today));

    // A weekly task today.
    t.keys(&["n"]);
    t.wait_for(&format!("New task · {today}"));
    t.type_text("周会 Weekly review");
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Right", "Right"]);
    t.wait_for("weekly");
    t.keys(&["C-s"]);
    t.wait_for(&format!("Task added on {today}."));

    // Into the day's list, down to the new task (after the follow-up), done.
    t.keys(&["Tab", "Down", "d"]);
    let done = t.wait_for(&format!("Done; the next one is on {next_week}."));
    assert!(done.contains("✓"), "{done}");

    // A week later, the next occurrence is there.
    t.keys(&["Tab", "Down"]);
    let later = t.wait_for(&next_week.to_string());
    assert!(later.contains("周会 Weekly review"), "{later}");

    t.keys(&["C-q"]);
    t.wait_for_prompt();
}
