//! Hand-overs: one transaction balanced by AUM with a ledger, refused as a whole when
//! any part is wrong, and RMs who own clients kept enabled until handed over.
use super::*;

#[test]
fn a_hand_over_moves_owners_tasks_and_complaints_balanced_by_aum_and_keeps_a_ledger() {
    let mut w = world();
    let [a, b, c] = book(&mut w);
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    let mut seen = Vec::new();
    let done = w
        .store
        .hand_over(
            &w.mgr1,
            &spec("rm1", &["rm3", "rm4"], Which::All),
            &mut |n, t| seen.push((n, t)),
        )
        .expect("hand-over");
    assert_eq!(done.clients, 3);
    assert_eq!(seen.last(), Some(&(3, 3)));
    // Largest first to the lightest: 王伟 500k → rm3; 李娜 300k → rm4; 张敏 250k → rm4.
    assert_eq!(owner_of(&w.path, a), "rm3");
    assert_eq!(owner_of(&w.path, b), "rm4");
    assert_eq!(owner_of(&w.path, c), "rm4");
    assert_eq!(
        done.per_receiver,
        vec![
            ("rm3".to_string(), 1, dec("500000")),
            ("rm4".to_string(), 2, dec("550000"))
        ]
    );
    // The client's open task moved; the personal one stayed with rm1.
    assert_eq!(done.tasks, 1);
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE u.username = 'rm3' AND t.title = 'Call about maturity'"
        ),
        1
    );
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id
             WHERE u.username = 'rm1' AND t.client_id IS NULL"
        ),
        1
    );
    // The pending complaint is handled by the new RM.
    assert_eq!(done.complaints, 1);
    assert_eq!(
        count(
            &w.path,
            "SELECT count(*) FROM feedback f JOIN users u ON u.id = f.handler_id WHERE u.username = 'rm3'"
        ),
        1
    );
    // Audited in its transaction: one entry naming every client moved (one per 1,000)
    // and one for the hand-over.
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        2
    );
    let a_no = no_of(&w.store, &w.rm3, a);
    assert_eq!(
        count(
            &w.path,
            &format!(
                "SELECT count(*) FROM audit_log WHERE action = 'client.handover' AND entity_id = '{}'
                 AND before = 'owner=rm1'
                 AND (after LIKE '%={a}:{a_no}>rm3:tasks=1:complaints=1 %'
                      OR after LIKE '% {a}:{a_no}>rm3:tasks=1:complaints=1 %')
                 AND after LIKE '%rows=3 %'",
                done.id
            )
        ),
        1
    );
    assert!(w.store.verify_audit_chain().expect("chain").is_empty());

    // The ledger lists exactly the moved clients with their AUM, tasks, complaints and
    // maturities in the next 30 days.
    let (h, lines) = w.store.handover_ledger(&w.mgr1, done.id).expect("ledger");
    assert_eq!(h.from, "rm1");
    assert_eq!(h.by, "mgr1");
    assert_eq!(h.reason, HandoverReason::Rotation);
    assert_eq!(h.to, vec!["rm3".to_string(), "rm4".to_string()]);
    assert_eq!(h.aum, dec("1050000"));
    let mut got: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.name.as_str(),
                l.aum,
                l.tier,
                l.open_tasks,
                l.pending_complaints,
                l.maturities_30d,
                l.to.as_str(),
            )
        })
        .collect();
    got.sort_by_key(|l| l.0);
    let mut want = vec![
        ("王伟", dec("500000"), Tier::Key, 1, 1, 1, "rm3"),
        ("李娜", dec("300000"), Tier::Key, 0, 0, 0, "rm4"),
        ("张敏", dec("250000"), Tier::Key, 0, 0, 0, "rm4"),
    ];
    want.sort_by_key(|l| l.0);
    assert_eq!(got, want);
    let mut csv = Vec::new();
    assert_eq!(
        w.store
            .write_ledger_csv(&w.mgr1, done.id, &mut csv)
            .expect("csv"),
        3
    );
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        csv.starts_with("\u{feff}handover,date,from,to,reason,"),
        "{csv}"
    );
    assert!(csv.contains(",王伟,key,500000.00,1,1,1\r\n"), "{csv}");

    // The receiver sees where the client came from, and it is new to them until contact.
    let from = w.store.handed_over_from(&w.rm3, a).expect("note");
    assert_eq!(
        from.map(|(n, d)| (n, d.to_string())),
        Some(("RM1".into(), "2026-11-23".into()))
    );
    let desk = w.store.rm_desk(&w.rm3).expect("desk");
    assert_eq!(
        desk.new_to_you
            .iter()
            .map(|n| n.client_id)
            .collect::<Vec<_>>(),
        vec![a]
    );
    // rm1 no longer sees them; another branch's manager sees no ledger.
    assert!(matches!(
        w.store.client(&w.rm1, a),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store.handover_ledger(&w.mgr2, done.id),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_hand_over_with_any_wrong_part_is_refused_as_a_whole() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm3 = w.rm3.clone();
    let theirs = client(&mut w.store, &rm3, "赵强", 9);
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    // rm2 is of another branch; a receiver that does not exist; rm1 itself; the
    // branch's manager, active and of the branch but no RM (only an RM owns clients).
    for to in [
        &["rm3", "rm2"][..],
        &["nobody"],
        &["rm1"],
        &["rm3", "mgr1"],
        &["mgr1"],
        &[],
    ] {
        let r = w
            .store
            .hand_over(&w.mgr1, &spec("rm1", to, Which::All), &mut |_, _| {});
        assert_eq!(invalid(r).0, "to", "{to:?}");
    }
    // A disabled receiver.
    let rm4_id = w.rm4.user_id;
    w.store
        .set_user_disabled(&w.admin, rm4_id, true)
        .expect("disable rm4, who owns nothing");
    let r = w.store.hand_over(
        &w.mgr1,
        &spec("rm1", &["rm3", "rm4"], Which::All),
        &mut |_, _| {},
    );
    assert_eq!(invalid(r), ("to".into(), "err.handover.to".into()));
    // A client that is not the giver's, and an "other" reason without text.
    let theirs_no = no_of(&w.store, &rm3, theirs);
    let a_no = no_of(&w.store, &w.rm1, a);
    let r = w.store.hand_over(
        &w.mgr1,
        &spec(
            "rm1",
            &["rm3"],
            Which::Numbers(vec![a_no.clone(), theirs_no]),
        ),
        &mut |_, _| {},
    );
    assert_eq!(invalid(r), ("clients".into(), "err.handover.client".into()));
    let mut other = spec("rm1", &["rm3"], Which::Numbers(vec![a_no]));
    other.reason = HandoverReason::Other;
    assert_eq!(
        invalid(w.store.hand_over(&w.mgr1, &other, &mut |_, _| {})),
        ("reason".into(), "err.reason.required".into())
    );
    // Nothing was written by any of them but the disabling.
    assert_eq!(owner_of(&w.path, a), "rm1");
    assert_eq!(count(&w.path, "SELECT count(*) FROM handovers"), 0);
    assert_eq!(count(&w.path, "SELECT count(*) FROM handover_clients"), 0);
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        1
    );
    // Only a manager hands over.
    for actor in [&w.rm1, &w.admin] {
        let r = w
            .store
            .hand_over(actor, &spec("rm1", &["rm3"], Which::All), &mut |_, _| {});
        assert!(matches!(r, Err(StoreError::Forbidden)), "{r:?}");
    }
    // A manager of another branch does not find rm1.
    let r = w
        .store
        .hand_over(&w.mgr2, &spec("rm1", &["rm2"], Which::All), &mut |_, _| {});
    assert_eq!(invalid(r).0, "from");
}

#[test]
fn an_rm_who_owns_clients_cannot_be_disabled_until_they_are_handed_over() {
    let mut w = world();
    book(&mut w);
    let rm1_id = w.rm1.user_id;
    let r = w.store.set_user_disabled(&w.admin, rm1_id, true);
    assert_eq!(invalid(r), ("user".into(), "err.user.owns_clients".into()));
    w.store
        .hand_over(&w.mgr1, &spec("rm1", &["rm3"], Which::All), &mut |_, _| {})
        .expect("hand-over");
    w.store
        .set_user_disabled(&w.admin, rm1_id, true)
        .expect("now it may be disabled");
}
