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
