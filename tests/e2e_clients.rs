//! End to end in a real terminal: an RM adds a client with a Chinese name, finds it by
//! search, reveals its ID number and edits its mobile, with the real binary in tmux
//! (driven with `send-keys`, read with `capture-pane`). Without tmux this test fails and
//! says so.
mod common;

use common::tmux::Tmux;
use common::{seeded, PASSWORD};
use rmdesk::domain::ids::resident_id_check_char;

#[test]
fn an_rm_adds_finds_reveals_and_edits_a_client_in_a_real_terminal() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("branch.db");
    // The database as the store makes it: users rm1 (branch 0101) and others.
    drop(seeded(&db));
    let first17 = "32010619880215002";
    let id_number = format!(
        "{first17}{}",
        resident_id_check_char(first17).expect("17 digits")
    );
    let masked_id = format!("3201**********{}", &id_number[14..]);

    let t = Tmux::start(dir.path(), "e2e-clients", 100, 30);
    t.wait_for_prompt();
    t.launch(dir.path(), &db);
    t.sign_in("rm1", PASSWORD, "Welcome, RM1");

    // F3: the RM's (empty) list; n: a new individual client.
    t.keys(&["F3"]);
    t.wait_for("Clients (0)");
    t.keys(&["n"]);
    t.wait_for("New client");
    t.keys(&["Tab"]);
    t.type_text("林黛玉");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]); // gender, birth date, ID type, ID number
    t.type_text(&id_number);
    t.keys(&["Tab"]);
    t.type_text("13912345678");
    t.keys(&["C-s"]);
    let saved = t.wait_for("Client C000000001 saved.");
    assert!(
        saved.contains("C000000001 · 林黛玉") && saved.contains(&masked_id),
        "the new client's 360 view, masked:\n{saved}"
    );
    assert!(
        saved.contains("1988-02-15") && saved.contains("Female"),
        "{saved}"
    );

    // Back to the list, then / and part of the name finds it.
    t.keys(&["Escape"]);
    t.wait_for("Clients (1)");
    t.keys(&["/"]);
    t.wait_for("Search:");
    t.type_text("黛玉");
    let found = t.wait_for("Search: 1 found");
    assert!(found.contains("林黛玉"), "{found}");

    // Enter opens it; r reveals the ID number in full.
    t.keys(&["Enter"]);
    let opened = t.wait_for("C000000001 · 林黛玉 · Individual");
    assert!(opened.contains(&masked_id) && !opened.contains(&id_number));
    assert!(opened.contains("139****5678"), "{opened}");
    t.keys(&["r"]);
    let revealed = t.wait_for(&id_number);
    assert!(revealed.contains("13912345678"), "{revealed}");

    // e edits: the mobile is six fields down.
    t.keys(&["e"]);
    t.wait_for("Edit client C000000001");
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "C-u"]);
    t.type_text("13698765432");
    t.keys(&["C-s"]);
    let edited = t.wait_for("Changes to client C000000001 saved.");
    assert!(
        edited.contains("136****5432") && !edited.contains("13698765432"),
        "the changed mobile, masked:\n{edited}"
    );
    assert!(
        edited.contains(&masked_id) && !edited.contains(&id_number),
        "the reveal ended with the view:\n{edited}"
    );

    t.keys(&["C-q"]);
    t.wait_for_prompt();

    // The file the session wrote checks clean (audit chain included).
    common::assert_checks_clean(dir.path(), &db);
}
