//! TLS to head office, as libpq's connection strings ask for it: `sslmode=disable`,
//! `prefer` (the default: TLS when the server offers it), `require` (TLS or no
//! connection), `verify-ca` and `verify-full` (the server's certificate checked against
//! `sslrootcert=FILE`, and for `verify-full` its name against the host). `require` with
//! `sslrootcert` checks the certificate as `verify-ca` does, as libpq does. The TLS
//! library is OpenSSL, the vendored copy that SQLCipher already builds into the binary.
//!
//! The PostgreSQL driver reads `sslmode` only up to `require` and not `sslrootcert`, so
//! [`split`] takes both out of the connection string and says what was asked.
use std::path::PathBuf;

use anyhow::{bail, Context};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;

/// How much TLS the connection string asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(value: &str) -> anyhow::Result<Mode> {
        Ok(match value {
            "disable" => Mode::Disable,
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            other => bail!(
                "sslmode={other} is not a TLS mode: disable, prefer, require, verify-ca or verify-full"
            ),
        })
    }

    /// What the driver is told: TLS required for every mode from `require` on.
    pub fn driver(self) -> postgres::config::SslMode {
        match self {
            Mode::Disable => postgres::config::SslMode::Disable,
            Mode::Prefer => postgres::config::SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => postgres::config::SslMode::Require,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Disable => "disable",
            Mode::Prefer => "prefer",
            Mode::Require => "require",
            Mode::VerifyCa => "verify-ca",
            Mode::VerifyFull => "verify-full",
        }
    }
}

/// The TLS a connection string asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: Mode,
    /// The certificate authority that signs head office's certificate (`sslrootcert`).
    pub root_cert: Option<PathBuf>,
}

/// One `key=value` of a connection string: its key, its value, and where it stands.
struct Pair {
    key: String,
    value: String,
    span: std::ops::Range<usize>,
}

/// The `key = value` pairs of a key/value connection string (values bare or in single
/// quotes with backslash escapes), as libpq reads them.
fn pairs(s: &str) -> anyhow::Result<Vec<Pair>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= b.len() {
            return Ok(out);
        }
        let start = i;
        while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = s[start..i].to_string();
        skip_ws(&mut i);
        if i >= b.len() || b[i] != b'=' {
            bail!("the head-office connection string cannot be read: {key} has no value");
        }
        i += 1;
        skip_ws(&mut i);
        let mut value = String::new();
        if i < b.len() && b[i] == b'\'' {
            i += 1;
            loop {
                match s[i..].chars().next() {
                    None => bail!(
                        "the head-office connection string cannot be read: a quote is not closed"
                    ),
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        i += 1;
                        if let Some(c) = s[i..].chars().next() {
                            value.push(c);
                            i += c.len_utf8();
                        }
                    }
                    Some(c) => {
                        value.push(c);
                        i += c.len_utf8();
                    }
                }
            }
        } else {
            let v = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            value = s[v..i].to_string();
        }
        out.push(Pair {
            key,
            value,
            span: start..i,
        });
    }
}

/// `%XX` escapes of a URL's query value decoded.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes `sslmode` and `sslrootcert` out of `url` (a `postgresql://` URL or key/value
/// pairs): the rest, for the driver, and the TLS asked for.
pub fn split(url: &str) -> anyhow::Result<(String, Tls)> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> anyhow::Result<bool> {
        match key {
            "sslmode" => mode = Some(Mode::parse(value)?),
            "sslrootcert" => root_cert = Some(PathBuf::from(value)),
            _ => return Ok(false),
        }
        Ok(true)
    };
    let rest = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match url.split_once('?') {
            None => url.to_string(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for part in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = part.split_once('=').unwrap_or((part, ""));
                    if !take(k, &percent_decode(v))? {
                        kept.push(part);
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for p in pairs(url)? {
            if !take(&p.key, &p.value)? {
                kept.push(&url[p.span]);
            }
        }
        kept.join(" ")
    };
    Ok((
        rest,
        Tls {
            mode: mode.unwrap_or(Mode::Prefer),
            root_cert,
        },
    ))
}

/// The OpenSSL connector for `tls`: the certificate checked against `sslrootcert` for
/// `verify-ca`, `verify-full` and `require` with a root certificate; not checked for
/// `prefer` and bare `require` (encryption only, as libpq does).
pub fn connector(tls: &Tls) -> anyhow::Result<MakeTlsConnector> {
    let mut builder =
        SslConnector::builder(SslMethod::tls_client()).context("setting up TLS to head office")?;
    let verify = matches!(tls.mode, Mode::VerifyCa | Mode::VerifyFull) || tls.root_cert.is_some();
    if verify {
        let Some(ca) = &tls.root_cert else {
            bail!(
                "sslmode={} checks head office's certificate: give its certificate authority with sslrootcert=FILE",
                tls.mode.name()
            );
        };
        builder.set_ca_file(ca).map_err(|_| {
            anyhow::anyhow!(
                "sslrootcert={}: not a readable PEM certificate file",
                ca.display()
            )
        })?;
        builder.set_verify(SslVerifyMode::PEER);
    } else {
        builder.set_verify(SslVerifyMode::NONE);
    }
    let mut make = MakeTlsConnector::new(builder.build());
    let full = tls.mode == Mode::VerifyFull;
    make.set_callback(move |config, _| {
        config.set_verify_hostname(full);
        Ok(())
    });
    Ok(make)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_strings_lose_only_the_tls_keys() {
        let (rest, tls) =
            split("host=db.example  sslmode = verify-full user=hq sslrootcert='/etc/hq ca.pem'")
                .expect("split");
        assert_eq!(rest, "host=db.example user=hq");
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/etc/hq ca.pem")));
        let (rest, tls) = split("host=/tmp/s port=5432 password='a b\\'c'").expect("split");
        assert_eq!(rest, "host=/tmp/s port=5432 password='a b\\'c'");
        assert_eq!(
            tls,
            Tls {
                mode: Mode::Prefer,
                root_cert: None
            }
        );
    }

    #[test]
    fn urls_lose_only_the_tls_parameters() {
        let (rest, tls) = split(
            "postgresql://hq:pw@db.example/hq?sslmode=require&application_name=x&sslrootcert=%2Fetc%2Fca.pem",
        )
        .expect("split");
        assert_eq!(rest, "postgresql://hq:pw@db.example/hq?application_name=x");
        assert_eq!(tls.mode, Mode::Require);
        assert_eq!(tls.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        let (rest, tls) = split("postgresql://db.example/hq?sslmode=disable").expect("split");
        assert_eq!(rest, "postgresql://db.example/hq");
        assert_eq!(tls.mode, Mode::Disable);
    }

    #[test]
    fn unknown_modes_and_unchecked_verification_are_refused() {
        let err = split("host=a sslmode=sometimes").expect_err("mode");
        assert!(err.to_string().contains("sslmode=sometimes"), "{err}");
        let (_, tls) = split("host=a sslmode=verify-full").expect("split");
        let err = connector(&tls).err().expect("no root certificate");
        assert!(err.to_string().contains("sslrootcert=FILE"), "{err}");
        let (_, tls) =
            split("host=a sslmode=verify-ca sslrootcert=/nonexistent/ca.pem").expect("split");
        let err = connector(&tls).err().expect("unreadable");
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
        assert!(split("host=a user").is_err());
        assert!(split("host='a").is_err());
    }
}
