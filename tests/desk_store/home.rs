//! The desk lines of home: pending complaints near their deadline.
use super::*;

/// How many pending complaints near their deadline `actor`'s home counts.
fn home_complaints(store: &Store, actor: &Actor) -> usize {
    store
        .work_kind(actor, rmdesk::store::home::WorkKind::Complaint, 50)
        .expect("complaints")
        .items
        .len()
}

#[test]
fn an_rms_home_complaints_follow_the_client_and_leave_when_resolved() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    let rm3 = w.rm3.clone();
    // Received three weeks ago: its deadline is past (the book's own complaint, received
    // 2026-11-20, is not near its deadline yet).
    let old = FeedbackInput {
        kind: "complaint".into(),
        received_on: "2026-11-01".into(),
        channel: "branch".into(),
        description: "Card retained by the machine".into(),
        severity: "high".into(),
    };
    w.store.file_feedback(&rm1, a, &old).expect("complaint");
    assert_eq!(home_complaints(&w.store, &rm1), 1);
    assert_eq!(home_complaints(&w.store, &rm3), 0);
    let a_no = no_of(&w.store, &rm1, a);
    w.store
        .hand_over(
            &w.mgr1,
            &spec("rm1", &["rm3"], Which::Numbers(vec![a_no])),
            &mut |_, _| {},
        )
        .expect("hand over");
    assert_eq!(home_complaints(&w.store, &rm1), 0, "gone with the client");
    assert_eq!(
        home_complaints(&w.store, &rm3),
        1,
        "arrived with the client"
    );
    let mgr1 = w.mgr1.clone();
    assert_eq!(
        home_complaints(&w.store, &mgr1),
        1,
        "the branch's, as before"
    );
    let id = w
        .store
        .work_kind(&rm3, rmdesk::store::home::WorkKind::Complaint, 5)
        .expect("lines")
        .items
        .first()
        .map(|l| match l.target {
            rmdesk::store::home::WorkRef::Feedback { id, .. } => id,
            ref other => panic!("a complaint line points at {other:?}"),
        })
        .expect("a line");
    w.store
        .update_feedback(
            &rm3,
            id,
            &rmdesk::domain::visit::FeedbackUpdate {
                status: "resolved".into(),
                handler_id: Some(rm3.user_id),
                resolution: "Refunded the second fee".into(),
                satisfaction: String::new(),
            },
        )
        .expect("resolve");
    assert_eq!(home_complaints(&w.store, &rm3), 0, "resolved");
    assert_eq!(home_complaints(&w.store, &mgr1), 0);
    // What the home walks is what a computation from the tables gives.
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM complaints_pending p JOIN feedback f ON f.id = p.feedback_id
             JOIN clients c ON c.id = f.client_id
             WHERE p.owner_id <> c.owner_id OR f.status NOT IN ('open', 'in_progress')"
        ),
        0
    );
}
