//! TLS to head office against the real PostgreSQL of `scripts/with-pg`, which listens on
//! 127.0.0.1 with TLS only (plain TCP is turned away) under a certificate made for the
//! run: a push with `sslmode=require` and with `verify-full` against that certificate
//! arrives whole; a certificate from another authority is refused under `verify-full`;
//! and `require` towards a server that offers no TLS (the unix socket) stops with one
//! sentence.
mod common;

use std::path::Path;
use std::process::Output;

use common::pg;
use openssl::asn1::Asn1Time;
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::x509::{X509NameBuilder, X509};
use rmdesk::hq;

use common::pg::rmdesk;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("branch.db");
    let out = rmdesk(&db, &["demo", "--clients", "30"])
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", text(&out));
    db
}

/// Clients of branch 0101 at head office.
fn clients_at_hq(url: &str) -> i64 {
    pg::connect(url)
        .query_one(
            "SELECT count(*) FROM hq.clients WHERE branch_code = '0101'",
            &[],
        )
        .expect("count")
        .get(0)
}

/// A self-signed certificate of an authority head office's certificate does not come from.
fn other_authority(dir: &Path) -> std::path::PathBuf {
    let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("key");
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", "localhost").expect("cn");
    let name = name.build();
    let mut x = X509::builder().expect("x509");
    x.set_version(2).expect("version");
    x.set_subject_name(&name).expect("subject");
    x.set_issuer_name(&name).expect("issuer");
    x.set_pubkey(&key).expect("pubkey");
    x.set_not_before(&Asn1Time::days_from_now(0).expect("t"))
        .expect("nb");
    x.set_not_after(&Asn1Time::days_from_now(2).expect("t"))
        .expect("na");
    x.sign(&key, MessageDigest::sha256()).expect("sign");
    let path = dir.join("other-ca.pem");
    std::fs::write(&path, x.build().to_pem().expect("pem")).expect("write");
    path
}

#[test]
fn a_push_over_tls_arrives_whole_and_is_encrypted() {
    let url = pg::fresh_database("tls_push");
    let (tls, ca) = pg::tls_for(&url);
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());

    // The server takes no plain TCP: what follows is TLS or nothing.
    let plain = hq::connect(&format!("{tls} sslmode=disable"));
    assert!(plain.is_err(), "plain TCP was let in");

    // `require`: encrypted, the certificate not checked (libpq's meaning).
    let mut client = hq::connect(&format!("{tls} sslmode=require")).expect("TLS connects");
    let ssl: bool = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0);
    assert!(ssl, "the connection is not encrypted");
    drop(client);

    let out = rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", format!("{tls} sslmode=require"))
        .output()
        .expect("push");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(clients_at_hq(&url), 30);

    // `verify-full` against the run's certificate authority, in URL form too.
    let port = tls
        .split_whitespace()
        .find_map(|p| p.strip_prefix("port="))
        .expect("port");
    let db_name = url
        .split_whitespace()
        .rev()
        .find_map(|p| p.strip_prefix("dbname="))
        .expect("dbname");
    let full = format!(
        "postgresql://rmdesk@localhost:{port}/{db_name}?sslmode=verify-full&sslrootcert={ca}"
    );
    common::raw(&db)
        .expect("open")
        .execute("UPDATE clients SET notes = 'over TLS' WHERE id <= 5", [])
        .expect("update");
    let out = rmdesk(&db, &["--user", "admin", "hq", "push", "--pg", &full])
        .output()
        .expect("push");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("change(s) sent"), "{}", text(&out));
    let notes: i64 = pg::connect(&url)
        .query_one(
            "SELECT count(*) FROM hq.clients WHERE branch_code = '0101' AND notes = 'over TLS'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(notes, 5);
}

#[test]
fn verify_full_refuses_a_certificate_from_another_authority() {
    let url = pg::fresh_database("tls_verify");
    let (tls, ca) = pg::tls_for(&url);
    let dir = tempfile::tempdir().expect("dir");
    let other = other_authority(dir.path());
    let err = hq::connect(&format!(
        "{tls} sslmode=verify-full sslrootcert={}",
        other.display()
    ))
    .err()
    .expect("another authority's certificate is refused");
    let said = err.to_string();
    assert!(
        said.contains(
            "shows a certificate that sslmode=verify-full does not accept (self-signed certificate)"
        ),
        "{said}"
    );
    // The right authority, but the name checked against the host: 127.0.0.1 is in the
    // certificate, so it passes; the same with verify-ca.
    let by_ip = tls.replace("host=localhost", "host=127.0.0.1");
    hq::connect(&format!("{by_ip} sslmode=verify-full sslrootcert={ca}")).expect("verify-full");
    hq::connect(&format!("{tls} sslmode=verify-ca sslrootcert={ca}")).expect("verify-ca");
}

#[test]
fn require_towards_a_server_without_tls_stops_with_one_sentence() {
    // PostgreSQL offers no TLS on its unix socket.
    let url = pg::fresh_database("tls_none");
    let dir = tempfile::tempdir().expect("dir");
    let db = demo(dir.path());
    let out = rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", format!("{url} sslmode=require"))
        .output()
        .expect("push");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not offer TLS, and the connection string asks for it (sslmode=require)"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // Without `require` the same server is reached (TLS when offered).
    let out = rmdesk(&db, &["--user", "admin", "hq", "push"])
        .env("RMDESK_PG", &url)
        .output()
        .expect("push");
    assert!(out.status.success(), "{}", text(&out));
}
