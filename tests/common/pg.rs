//! The throwaway PostgreSQL of the head-office tests: `scripts/with-pg` (used by
//! `scripts/test`) starts it and sets `RMDESK_TEST_PG`; each test makes its own database.

/// The server's connection string. Panics with how to get one when it is not set.
pub fn server() -> String {
    match std::env::var("RMDESK_TEST_PG") {
        Ok(s) if !s.trim().is_empty() => s,
        _ => panic!(
            "the head-office tests need PostgreSQL: run them through scripts/test or scripts/with-pg (e.g. `scripts/with-pg cargo test --test hq_push`), which start a throwaway cluster and set RMDESK_TEST_PG"
        ),
    }
}

/// A new, empty database `NAME_PID` on the test server; returns its connection string.
pub fn fresh_database(name: &str) -> String {
    let server = server();
    let db = format!("t_{name}_{}", std::process::id());
    let mut admin =
        postgres::Client::connect(&server, postgres::NoTls).expect("connect to the test server");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .expect("drop the old test database");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .expect("create the test database");
    format!("{server} dbname={db}")
}

/// A connection to `url`.
pub fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect")
}

/// The test server's TLS-only TCP address (`scripts/with-pg`), with `dbname` of `url`'s
/// database, and the certificate authority of its certificate.
pub fn tls_for(url: &str) -> (String, String) {
    let tls = match std::env::var("RMDESK_TEST_PG_TLS") {
        Ok(s) if !s.trim().is_empty() => s,
        _ => panic!("the TLS tests need RMDESK_TEST_PG_TLS: run them through scripts/test or scripts/with-pg"),
    };
    let ca = std::env::var("RMDESK_TEST_PG_CA").expect("RMDESK_TEST_PG_CA");
    let db = url
        .split_whitespace()
        .rev()
        .find_map(|p| p.strip_prefix("dbname="))
        .expect("a dbname");
    (format!("{tls} dbname={db}"), ca)
}

/// The owners' slots and tier moves head office keeps of branch `branch` equal what it
/// makes afresh from the history (zero slots aside: a client's contribution taken away
/// leaves them).
pub fn assert_derived_rebuilt(url: &str, branch: &str) {
    let mut client = connect(url);
    let read = |tx: &mut postgres::Transaction<'_>| -> (Vec<String>, Vec<String>) {
        let slots = tx
            .query(
                "SELECT owner_id::text || ' ' || slot || ' ' || tier || ' ' || aum_minor::text
                 FROM hq.aum_owner_slots WHERE branch_code = $1 AND aum_minor <> 0
                 ORDER BY owner_id, slot, tier",
                &[&branch],
            )
            .expect("slots")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let moves = tx
            .query(
                "SELECT concat_ws(' ', history_id, client_id, owner_id, at, from_tier, to_tier)
                 FROM hq.aum_tier_moves WHERE branch_code = $1 ORDER BY history_id",
                &[&branch],
            )
            .expect("moves")
            .iter()
            .map(|r| r.get(0))
            .collect();
        (slots, moves)
    };
    let mut tx = client.transaction().expect("tx");
    let kept = read(&mut tx);
    assert!(!kept.0.is_empty() && !kept.1.is_empty(), "{kept:?}");
    rmdesk::hq::derived::rebuild_branch(&mut tx, branch).expect("rebuild");
    let fresh = read(&mut tx);
    tx.rollback().expect("rollback");
    assert_eq!(kept.0, fresh.0, "slots kept (left) and made afresh (right)");
    assert_eq!(
        kept.1, fresh.1,
        "tier moves kept (left) and made afresh (right)"
    );
}

/// `rmdesk --db DB ARGS…` as the head-office tests run it: the demo's password in
/// the environment, the fixed clock, and none of the caller's database, head
/// office or bundle key settings.
pub fn rmdesk(db: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rmdesk"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RMDESK_DB")
        .env_remove("RMDESK_PG")
        .env_remove("RMDESK_HQ_KEY")
        .env("RMDESK_PASSWORD", "demo-password")
        .envs(super::clock_env());
    cmd
}
