//! Head office on PostgreSQL (one-way, branch → HQ): the only code that speaks
//! PostgreSQL's SQL, as `store` is the only code that speaks SQLite's. It reads the
//! branch through `store` (the change log, the captured tables' shapes) and writes head
//! office's schema `hq` (docs/HEADOFFICE.md).
pub mod apply;
pub mod bulk;
pub mod bundle;
pub mod churn;
pub mod current;
pub mod derived;
pub mod push;
pub mod report;
pub mod schema;
pub mod tls;

use anyhow::Context;

/// Where head office's connection string came from, for messages (never the string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Argument,
    Environment,
    File,
}

/// The connection string: `--pg URL`, else `--pg-file FILE` (its first line), else
/// `RMDESK_PG`.
pub fn connection_string(
    arg: Option<&str>,
    file: Option<&std::path::Path>,
    env: Option<String>,
) -> anyhow::Result<(String, Source)> {
    if let Some(url) = arg {
        return Ok((url.to_string(), Source::Argument));
    }
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the connection string from {}", path.display()))?;
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        anyhow::ensure!(
            !line.is_empty(),
            "{} holds no connection string",
            path.display()
        );
        return Ok((line.to_string(), Source::File));
    }
    match env {
        Some(url) if !url.trim().is_empty() => Ok((url.trim().to_string(), Source::Environment)),
        _ => {
            anyhow::bail!("no head-office database: give --pg URL, --pg-file FILE or set RMDESK_PG")
        }
    }
}

/// What may be said of a connection string: user, host and database, never the password.
pub fn describe(config: &postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".to_string());
    format!(
        "{}@{}/{}",
        config.get_user().unwrap_or("?"),
        host,
        config.get_dbname().unwrap_or("?")
    )
}

/// Connects to head office, with TLS as the connection string asks (see [`tls`]). The
/// error says where, never with the password.
pub fn connect(url: &str) -> anyhow::Result<postgres::Client> {
    let (rest, tls) = tls::split(url)?;
    let mut config: postgres::Config = rest
        .parse()
        .map_err(|_| anyhow::anyhow!("the head-office connection string cannot be read (postgresql://USER@HOST/DB or key=value pairs)"))?;
    config.ssl_mode(tls.mode.driver());
    let place = describe(&config);
    tracing::info!(hq = %place, tls = tls.mode.name(), "connecting to head office");
    let connected = if tls.mode == tls::Mode::Disable {
        config.connect(postgres::NoTls)
    } else {
        config.connect(tls::connector(&tls)?)
    };
    connected.map_err(|e| {
        // The driver's error and its causes, where the TLS library says what went wrong.
        let mut text = e.to_string();
        let mut cause = std::error::Error::source(&e);
        let mut verify = None;
        while let Some(c) = cause {
            let said = c.to_string();
            // OpenSSL's "...:certificate verify failed:FILE:LINE:: REASON".
            if verify.is_none() {
                verify = said
                    .split_once(":: ")
                    .map(|(_, why)| why.split(": error:").next().unwrap_or(why).trim().to_string())
                    .filter(|why| !why.is_empty());
            }
            text = format!("{text}: {said}");
            cause = c.source();
        }
        if text.contains("server does not support TLS") {
            anyhow::anyhow!(
                "head office at {place} does not offer TLS, and the connection string asks for it (sslmode={})",
                tls.mode.name()
            )
        } else if text.contains("certificate verify failed") {
            anyhow::anyhow!(
                "head office at {place} shows a certificate that sslmode={} does not accept ({})",
                tls.mode.name(),
                verify.as_deref().unwrap_or("not signed by the authority of sslrootcert, or not issued to this host")
            )
        } else {
            anyhow::Error::new(e).context(format!("connecting to head office at {place}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_described() {
        let config: postgres::Config = "postgresql://hq:s3cret@db.example/hq".parse().expect("url");
        let text = describe(&config);
        assert_eq!(text, "hq@db.example/hq");
        assert!(!text.contains("s3cret"));
    }

    #[test]
    fn the_argument_comes_before_the_file_and_the_environment() {
        let (url, src) =
            connection_string(Some("host=a"), None, Some("host=b".into())).expect("arg");
        assert_eq!((url.as_str(), src), ("host=a", Source::Argument));
        let (url, src) = connection_string(None, None, Some("host=b".into())).expect("env");
        assert_eq!((url.as_str(), src), ("host=b", Source::Environment));
        assert!(connection_string(None, None, None).is_err());
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("hq.pg");
        std::fs::write(&file, "\n  host=c user=hq  \nignored\n").expect("write");
        let (url, src) = connection_string(None, Some(&file), Some("host=b".into())).expect("file");
        assert_eq!((url.as_str(), src), ("host=c user=hq", Source::File));
        std::fs::write(&file, "\n").expect("write");
        assert!(connection_string(None, Some(&file), None).is_err());
    }
}
