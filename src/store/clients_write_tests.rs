//! Unit tests of the client writes.
use super::*;
use crate::store::users::NewUser;

#[test]
fn aum_is_the_exact_sum_of_open_cny_holdings_and_sets_the_tier() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("t.db")).expect("open");
    let admin = store
        .create_first_admin("admin", "A", "long-enough-pass")
        .expect("admin");
    let branch = store.create_branch(&admin, "0101", "East").expect("branch");
    let u = NewUser {
        username: "rm1".into(),
        display_name: "R".into(),
        role: Role::Rm,
        branch_id: Some(branch),
        password: "long-enough-pass".into(),
    };
    store.create_user(&admin, &u).expect("rm");
    let rm = store.login("rm1", "long-enough-pass").expect("login");
    let input = ClientInput {
        kind: "individual".into(),
        name: "张三".into(),
        id_type: "passport".into(),
        id_number: "E12345678".into(),
        ..ClientInput::default()
    };
    let SaveOutcome::Saved(id) = store.create_client(&rm, &input, false).expect("create") else {
        panic!("no matches expected");
    };
    store
        .write(|tx, now| {
            tx.execute(
                "INSERT INTO products (code, name, category, risk_level, created_at, updated_at) VALUES ('P1', 'Deposit', 'deposit', 'R1', ?1, ?1)",
                [ts(now)],
            )?;
            for (amount, currency, status) in [("99999.90", "CNY", "open"), ("0.10", "CNY", "open"), ("5000000", "USD", "open"), ("900000", "CNY", "closed")] {
                tx.execute(
                    "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, status, created_by, created_at, updated_at)
                     VALUES (?1, 1, ?2, ?3, '2026-01-01', ?4, 1, ?5, ?5)",
                    params![id, amount, currency, status, ts(now)],
                )?;
            }
            let t = Thresholds::read(tx)?;
            Store::refresh_aum(tx, id, t, &ts(now))
        })
        .expect("holdings");
    let c = store.client(&rm, id).expect("client");
    assert_eq!(
        c.aum,
        Decimal::new(10_000_000, 2),
        "99999.90 + 0.10, CNY open only"
    );
    assert_eq!(c.tier, Tier::Key, "exactly the key threshold is key");
    store
        .set_setting(&admin, "tier.key_min_aum", 100_001)
        .expect("raise the threshold");
    assert_eq!(
        store.client(&rm, id).expect("client").tier,
        Tier::General,
        "thresholds re-tier everyone"
    );
}
