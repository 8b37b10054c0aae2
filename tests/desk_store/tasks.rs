//! Team tasks: a manager gives an RM a task and sees it done.
use super::*;

#[test]
fn a_manager_gives_an_rm_a_task_and_sees_it_done() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let a_no = no_of(&w.store, &w.rm1, a);
    let mgr1 = w.mgr1.clone();
    let id = w
        .store
        .give_task(&mgr1, "rm1", &task("Prepare the quarterly review", &a_no))
        .expect("give");
    // Not to another branch's RM; not about a client the RM does not own.
    assert_eq!(
        invalid(w.store.give_task(&mgr1, "rm2", &task("x", ""))),
        ("rm".into(), "err.team.rm".into())
    );
    let rm3 = w.rm3.clone();
    let theirs = client(&mut w.store, &rm3, "赵强", 9);
    let theirs_no = no_of(&w.store, &rm3, theirs);
    assert_eq!(
        invalid(w.store.give_task(&mgr1, "rm1", &task("x", &theirs_no))),
        ("client_no".into(), "err.team.client".into())
    );
    assert!(matches!(
        w.store.give_task(&w.rm1, "rm3", &task("x", "")),
        Err(StoreError::Forbidden)
    ));
    let t = w.store.task(&w.rm1, id).expect("task");
    assert_eq!(t.assigned_by.as_deref(), Some("MGR1"));
    assert_eq!(
        w.store
            .rm_desk(&w.rm1)
            .expect("desk")
            .given
            .iter()
            .map(|g| (g.id, g.from.as_str()))
            .collect::<Vec<_>>(),
        vec![(id, "MGR1")]
    );
    // Home's task line says who gave it; the RM's own tasks say nothing.
    let home = w.store.work_list(&w.rm1).expect("home");
    let given: Vec<_> = home
        .items
        .iter()
        .filter(|i| i.subject == "Prepare the quarterly review")
        .map(|i| i.given_by.as_deref())
        .collect();
    assert_eq!(given, vec![Some("MGR1")]);
    assert!(home
        .items
        .iter()
        .filter(|i| i.subject != "Prepare the quarterly review")
        .all(|i| i.given_by.is_none()));
    let member = |s: &Store| {
        s.team(&mgr1)
            .expect("team")
            .into_iter()
            .find(|m| m.username == "rm1")
            .expect("rm1")
    };
    let before = member(&w.store);
    assert_eq!((before.given_open, before.given_done), (1, 0));
    assert_eq!(before.clients, 3);
    assert_eq!(before.aum, dec("1050000"));
    // Due 2026-11-20: overdue, as is the client task and the personal one.
    assert_eq!(before.overdue_tasks, 3);
    w.store.complete_task(&w.rm1, id).expect("done");
    let after = member(&w.store);
    assert_eq!((after.given_open, after.given_done), (0, 1));
    assert_eq!(
        w.store.task(&mgr1, id).expect("read").status,
        TaskStatus::Done
    );
    // The manager's home lists rm1 with overdue work.
    let desk = w.store.manager_desk(&mgr1).expect("desk");
    assert!(desk
        .team
        .iter()
        .any(|m| m.username == "rm1" && m.overdue_tasks == 2));
}
