//! End to end in a real terminal, care on home: rm1's home lists 林黛玉's birthday in 3
//! days; `t` and yes make a task due today, which the calendar shows; `m` and yes record
//! the greeting, which F4 lists as a message contact; a manager's home shows the branch's
//! coming birthday too. The real binary in tmux, on the tests' fixed clock (2026-11-23).
mod common;

use common::tmux::Tmux;
use common::{seeded, PASSWORD};
use rmdesk::domain::client::ClientInput;

/// rm1 (0101): 林黛玉, born 1990-11-26, consents to marketing.
fn setup(db: &std::path::Path) {
    let (mut store, _admin) = seeded(db);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let input = ClientInput {
        kind: "individual".into(),
        name: "林黛玉".into(),
        id_type: "passport".into(),
        id_number: "E00000001".into(),
        birth_date: "1990-11-26".into(),
        marketing_consent: "yes".into(),
        status: "active".into(),
        ..ClientInput::default()
    };
    store.create_client(&rm1, &input, true).expect("client");
}

fn start_as(t: &Tmux, dir: &std::path::Path, db: &std::path::Path, user: &str) {
    t.wait_for_prompt();
    t.tmux(&["send-keys", "-t", "main", "clear", "Enter"]);
    t.wait_for_prompt();
    t.launch(dir, db);
    t.sign_in(user, PASSWORD, &format!("Welcome, {}", user.to_uppercase()));
}

#[test]
fn a_birthday_on_home_becomes_a_task_and_a_greeting() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    setup(&db);
    let t = Tmux::start(dir.path(), "e2e-care", 100, 30);

    start_as(&t, dir.path(), &db, "rm1");
    let home = t.wait_for("Birthdays in the next 7 days: 1");
    assert!(
        home.contains("Birthday 2026-11-26 (in 3 d)") && home.contains("C000000001 林黛玉"),
        "{home}"
    );
    // The title is selected first; the line below it is the birthday.
    t.keys(&["Down"]);
    t.wait_until("the care keys in the command bar", |s| {
        s.contains("t Task") && s.contains("m Greeted")
    });
    t.keys(&["t"]);
    t.wait_for("Make the task \"Birthday: 林黛玉 (2026-11-26)\"");
    t.keys(&["y"]);
    let home = t.wait_for("Task made, due today: Birthday: 林黛玉 (2026-11-26)");
    assert!(home.contains("Due today: 1"), "{home}");
    t.keys(&["F6"]);
    t.wait_for("Birthday: 林黛玉 (2026-11-26)");

    // Back home: due today (title, line), then the birthdays (title, line).
    t.keys(&["F2"]);
    t.wait_for("Due today: 1");
    t.keys(&["Home", "Down", "Down", "Down"]);
    t.keys(&["m"]);
    t.wait_for("Record the Birthday greeting to 林黛玉 as a contact");
    t.keys(&["y"]);
    t.wait_for("Greeting to 林黛玉 recorded as a contact.");
    t.keys(&["F4"]);
    let visits = t.wait_for("Birthday greeting");
    assert!(
        visits.contains("林黛玉") && visits.contains("Message"),
        "{visits}"
    );
    t.keys(&["C-q"]);

    // The manager's home: the branch's coming birthday.
    start_as(&t, dir.path(), &db, "mgr1");
    let home = t.wait_for("Birthdays in the next 7 days: 1");
    assert!(home.contains("林黛玉"), "{home}");
    t.keys(&["C-q"]);
}
