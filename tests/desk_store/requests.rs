//! Requests to the manager and their decisions: a tier, a product that does not suit,
//! taking a client over.
use super::*;

/// A request that `client` be of `tier`.
fn tier_ask(client: i64, tier: Tier) -> Ask {
    Ask::Tier {
        client_id: client,
        tier,
    }
}

/// A request that `client` may hold `product` though it does not suit them.
fn suitability_ask(client: i64, product: i64) -> Ask {
    Ask::Suitability {
        client_id: client,
        product_id: product,
    }
}

#[test]
fn approving_applies_exactly_what_was_asked_and_rejecting_changes_nothing() {
    let mut w = world();
    let [a, b, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    // A tier override up, with a reason; the same again while pending is refused.
    let up = w
        .store
        .file_request(
            &rm1,
            &tier_ask(a, Tier::Core),
            "Family office moving assets in",
        )
        .expect("request");
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm1, &tier_ask(a, Tier::Core), "again")
        ),
        ("client".into(), "err.request.pending".into())
    );
    assert_eq!(
        invalid(w.store.file_request(&rm1, &tier_ask(a, Tier::Key), "same")),
        ("tier".into(), "err.request.same_tier".into())
    );
    assert_eq!(
        invalid(w.store.file_request(&rm1, &tier_ask(b, Tier::General), " ")),
        ("reason".into(), "err.reason.required".into())
    );
    let down = w
        .store
        .file_request(&rm1, &tier_ask(b, Tier::General), "Assets leaving")
        .expect("request");
    // The manager sees both, oldest first, with the client's figures.
    let pending = w.store.requests(&w.mgr1, true).expect("pending");
    assert_eq!(
        pending.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![up, down]
    );
    assert_eq!(pending[0].client_aum, dec("500000"));
    assert_eq!(pending[0].client_tier, Tier::Key);
    // An RM and another branch's manager cannot decide.
    assert!(matches!(
        w.store.decide_request(&rm1, up, true, ""),
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        w.store.decide_request(&w.mgr2, up, true, ""),
        Err(StoreError::NotFound)
    ));
    let audit_before = count(&w.path, "SELECT count(*) FROM audit_log");
    w.store
        .decide_request(&w.mgr1, up, true, "ok")
        .expect("approve");
    w.store
        .decide_request(&w.mgr1, down, false, "keep it for now")
        .expect("reject");
    assert_eq!(w.store.client(&rm1, a).expect("a").tier, Tier::Core);
    assert_eq!(
        w.store
            .client(&rm1, a)
            .expect("a")
            .tier_override_reason
            .as_deref(),
        Some(format!("request #{up}: Family office moving assets in").as_str())
    );
    let b_now = w.store.client(&rm1, b).expect("b");
    assert_eq!((b_now.tier, b_now.tier_override_reason), (Tier::Key, None));
    // Decision and change audited together; the rejection alone.
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log") - audit_before,
        3
    );
    assert_eq!(
        count(
            &w.path,
            &format!("SELECT count(*) FROM audit_log WHERE action = 'client.tier_override' AND entity_id = '{a}' AND after LIKE 'tier_override=core %'")
        ),
        1
    );
    // Decided once only; the requester sees the outcomes.
    assert_eq!(
        invalid(w.store.decide_request(&w.mgr1, up, false, "")),
        ("status".into(), "err.request.decided".into())
    );
    let mine = w.store.rm_desk(&rm1).expect("desk").requests;
    let outcomes: Vec<_> = mine
        .iter()
        .map(|r| (r.id, r.status, r.note.clone()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (
                down,
                RequestStatus::Rejected,
                Some("keep it for now".into())
            ),
            (up, RequestStatus::Approved, Some("ok".into()))
        ]
    );
    // Managers do not file requests, so nobody approves their own.
    assert!(matches!(
        w.store
            .file_request(&w.mgr1, &tier_ask(a, Tier::General), "x"),
        Err(StoreError::Forbidden)
    ));
}

#[test]
fn an_rm_cannot_request_for_a_client_they_cannot_see_but_may_ask_to_take_one_over() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm3 = w.rm3.clone();
    let a_no = no_of(&w.store, &w.rm1, a);
    // rm3 cannot ask a tier or a product for rm1's client.
    assert!(matches!(
        w.store.file_request(&rm3, &tier_ask(a, Tier::Core), "x"),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        w.store
            .file_request(&rm3, &suitability_ask(a, w.product), "x"),
        Err(StoreError::NotFound)
    ));
    // rm2 (another branch) cannot even ask to take it over.
    let rm2 = w.store.login("rm2", PASSWORD).expect("rm2");
    assert!(matches!(
        w.store.file_request(
            &rm2,
            &Ask::TakeOver {
                client_no: a_no.clone()
            },
            "x"
        ),
        Err(StoreError::NotFound)
    ));
    // rm3 asks to take it over; approving hands it over with its task and complaint.
    let id = w
        .store
        .file_request(
            &rm3,
            &Ask::TakeOver {
                client_no: a_no.clone(),
            },
            "Client moved near my office",
        )
        .expect("take-over");
    w.store
        .decide_request(&w.mgr1, id, true, "")
        .expect("approve");
    assert_eq!(owner_of(&w.path, a), "rm3");
    let list = w.store.handovers(&w.mgr1).expect("ledger");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].clients, 1);
    assert_eq!(
        list[0].reason_text.as_deref(),
        Some(format!("request #{id}: Client moved near my office").as_str())
    );
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM tasks t JOIN users u ON u.id = t.owner_id WHERE u.username = 'rm3'"),
        1
    );
    // Now theirs, asking again is refused.
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm3, &Ask::TakeOver { client_no: a_no }, "x")
        ),
        ("client".into(), "err.request.own_client".into())
    );
}

#[test]
fn an_approved_product_request_lets_the_rm_record_the_product() {
    let mut w = world();
    let [a, _, _] = book(&mut w);
    let rm1 = w.rm1.clone();
    let risky = w.risky;
    let attempt = |s: &mut Store| {
        s.add_holding(
            &rm1,
            a,
            &NewHolding {
                product_id: risky,
                input: HoldingInput {
                    amount: "1000".into(),
                    ..HoldingInput::default()
                },
                override_reason: String::new(),
            },
        )
    };
    assert_eq!(invalid(attempt(&mut w.store)).0, "product");
    // A product that suits needs no request.
    assert_eq!(
        invalid(
            w.store
                .file_request(&rm1, &suitability_ask(a, w.product), "x")
        ),
        ("product".into(), "err.request.suits".into())
    );
    let id = w
        .store
        .file_request(
            &rm1,
            &suitability_ask(a, risky),
            "Client insists, signed the risk notice",
        )
        .expect("request");
    // Withdrawn, then asked again and rejected: still refused.
    w.store.withdraw_request(&rm1, id).expect("withdraw");
    let id = w
        .store
        .file_request(&rm1, &suitability_ask(a, risky), "Client insists")
        .expect("request");
    w.store
        .decide_request(&w.mgr1, id, false, "")
        .expect("reject");
    assert_eq!(invalid(attempt(&mut w.store)).0, "product");
    let id = w
        .store
        .file_request(&rm1, &suitability_ask(a, risky), "Client insists")
        .expect("request");
    w.store
        .decide_request(&w.mgr1, id, true, "")
        .expect("approve");
    let holding = attempt(&mut w.store).expect("now allowed");
    assert_eq!(
        count(
            &w.path,
            &format!("SELECT count(*) FROM holdings WHERE id = {holding} AND override_reason = 'request #{id}: Client insists'")
        ),
        1
    );
    assert_eq!(
        count(&w.path, "SELECT count(*) FROM audit_log WHERE action IN ('suitability.grant', 'suitability.override')"),
        2
    );
}
