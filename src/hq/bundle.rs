//! Push by file: `rmdesk hq bundle FILE` writes the branch's pending changes, with the
//! branch, the sequence range, the schema version, the captured tables' shapes and a
//! SHA-256 of the changes, encrypted with age to head office's public key (a lost USB
//! stick reveals nothing; a changed byte fails age's authentication). `rmdesk hq load`
//! decrypts it with head office's key and loads it in one transaction, exactly once (a
//! bundle already held changes nothing; one that would leave a gap is refused).
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use super::apply::{apply_batch, Applied};
use super::schema;
use crate::store::changelog::{captured, Change, Column, TableShape};

const MAGIC: &str = "rmdesk-hq-bundle 1";

/// The header of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub branch: String,
    pub schema_version: u32,
    /// The last change before the bundle's first.
    pub after: i64,
    pub last: i64,
    pub changes: u64,
    pub sha256: String,
}

/// A bundle, decrypted and checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub header: Header,
    pub shapes: Vec<TableShape>,
    pub changes: Vec<Change>,
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unesc(s: &str) -> anyhow::Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            _ => bail!("a bad escape"),
        }
    }
    Ok(out)
}

/// The plain text of a bundle: header lines, the shapes, a blank line, one change a line.
pub fn encode(header: &Header, shapes: &[TableShape], changes: &[Change]) -> String {
    let body = encode_changes(changes);
    let mut text = format!(
        "{MAGIC}\nbranch\t{}\nschema\t{}\nafter\t{}\nlast\t{}\nchanges\t{}\nsha256\t{}\n",
        esc(&header.branch),
        header.schema_version,
        header.after,
        header.last,
        header.changes,
        header.sha256
    );
    for s in shapes {
        let cols: Vec<String> = s
            .columns
            .iter()
            .map(|c| format!("{}:{}", c.name, c.sql_type))
            .collect();
        text.push_str(&format!("table\t{}\t{}\n", s.table, cols.join(",")));
    }
    text.push('\n');
    text.push_str(&body);
    text
}

fn encode_changes(changes: &[Change]) -> String {
    let mut body = String::new();
    for c in changes {
        body.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            c.seq,
            esc(&c.table),
            esc(&c.row_key),
            esc(&c.op),
            esc(&c.at),
            esc(&c.row)
        ));
    }
    body
}

/// The SHA-256 of the changes' lines.
pub fn body_sha256(changes: &[Change]) -> String {
    format!("{:x}", Sha256::digest(encode_changes(changes).as_bytes()))
}

/// Reads the plain text of a bundle, checking its form, its count and its checksum.
pub fn decode(text: &str) -> anyhow::Result<Bundle> {
    let (head, body) = text
        .split_once("\n\n")
        .context("no blank line after the header")?;
    let mut lines = head.lines();
    if lines.next() != Some(MAGIC) {
        bail!("not an rmdesk head-office bundle");
    }
    let mut field = |name: &str| -> anyhow::Result<String> {
        let line = lines.next().with_context(|| format!("no {name}"))?;
        let (k, v) = line
            .split_once('\t')
            .with_context(|| format!("no {name}"))?;
        anyhow::ensure!(k == name, "{name} expected, {k} found");
        unesc(v)
    };
    let header = Header {
        branch: field("branch")?,
        schema_version: field("schema")?.parse()?,
        after: field("after")?.parse()?,
        last: field("last")?.parse()?,
        changes: field("changes")?.parse()?,
        sha256: field("sha256")?,
    };
    let mut shapes = Vec::new();
    for line in lines {
        let mut parts = line.split('\t');
        anyhow::ensure!(parts.next() == Some("table"), "a table line expected");
        let name = parts.next().context("a table without a name")?;
        let c =
            captured(name).with_context(|| format!("table {name} is not one this rmdesk knows"))?;
        let columns = parts
            .next()
            .context("a table without columns")?
            .split(',')
            .map(|col| {
                let (n, t) = col.split_once(':').context("a column without a type")?;
                Ok(Column {
                    name: n.to_string(),
                    sql_type: t.to_string(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        shapes.push(TableShape {
            table: c.table,
            key: c.key,
            columns,
        });
    }
    let digest = format!("{:x}", Sha256::digest(body.as_bytes()));
    if digest != header.sha256 {
        bail!("its checksum does not match its changes");
    }
    let mut changes = Vec::new();
    for line in body.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        anyhow::ensure!(f.len() == 6, "a change line of {} fields", f.len());
        changes.push(Change {
            seq: f[0].parse()?,
            table: unesc(f[1])?,
            row_key: unesc(f[2])?,
            op: unesc(f[3])?,
            at: unesc(f[4])?,
            row: unesc(f[5])?,
        });
    }
    anyhow::ensure!(
        changes.len() as u64 == header.changes,
        "it holds {} changes, its header says {}",
        changes.len(),
        header.changes
    );
    let in_order = changes.windows(2).all(|w| w[0].seq < w[1].seq);
    let in_range = changes.first().map_or(true, |c| c.seq > header.after)
        && changes.last().map(|c| c.seq) == Some(header.last);
    anyhow::ensure!(
        in_order && in_range,
        "its changes are not the range its header gives"
    );
    Ok(Bundle {
        header,
        shapes,
        changes,
    })
}

/// A new head-office key: the secret identity (kept at head office) and its public key
/// (given to the branches).
pub fn new_key() -> (String, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    (identity.to_string().expose_secret().to_string(), public)
}

/// Encrypts `plain` to head office's public key `recipient` (`age1…`).
pub fn encrypt(recipient: &str, plain: &[u8]) -> anyhow::Result<Vec<u8>> {
    let r = age::x25519::Recipient::from_str(recipient.trim()).map_err(|e| {
        anyhow::anyhow!("{recipient:?} is not head office's public key (age1…): {e}")
    })?;
    age::encrypt(&r, plain).context("encrypting the bundle")
}

/// Why a bundle file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenRefused {
    #[error("{0} was not encrypted to this head office's key: nothing loaded")]
    OtherKey(String),
    #[error("{0} is damaged ({1}): nothing loaded")]
    Damaged(String, String),
}

/// Reads, decrypts (with head office's secret identity text) and checks a bundle file.
pub fn open(path: &Path, identity: &str) -> anyhow::Result<Bundle> {
    let name = path.display().to_string();
    let identity = identity
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .context("the key file holds no head-office key (AGE-SECRET-KEY-…)")?;
    let identity = age::x25519::Identity::from_str(identity)
        .map_err(|e| anyhow::anyhow!("the head-office key cannot be read: {e}"))?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .with_context(|| format!("reading {name}"))?;
    let plain = match age::decrypt(&identity, &bytes) {
        Ok(p) => p,
        Err(age::DecryptError::NoMatchingKeys) => return Err(OpenRefused::OtherKey(name).into()),
        Err(e) => return Err(OpenRefused::Damaged(name, e.to_string()).into()),
    };
    let text = String::from_utf8(plain)
        .map_err(|_| OpenRefused::Damaged(name.clone(), "not text".into()))?;
    decode(&text).map_err(|e| OpenRefused::Damaged(name, e.to_string()).into())
}

/// What loading a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    Loaded { changes: u64, hwm: i64 },
    AlreadyHeld { hwm: i64 },
}

/// Loads a checked bundle at head office (schema made if missing), in one transaction.
pub fn load(client: &mut postgres::Client, bundle: &Bundle) -> anyhow::Result<Loaded> {
    let h = &bundle.header;
    schema::ensure(client, &bundle.shapes, h.schema_version)?;
    schema::ensure_branch(client, &bundle.shapes, &h.branch)?;
    if bundle.changes.is_empty() {
        return Ok(Loaded::AlreadyHeld {
            hwm: schema::high_water_mark(client, &h.branch)?,
        });
    }
    Ok(
        match apply_batch(
            client,
            &bundle.shapes,
            &h.branch,
            h.after,
            &bundle.changes,
            "bundle",
        )? {
            Applied::Loaded { changes, hwm } => Loaded::Loaded { changes, hwm },
            Applied::AlreadyHeld { hwm } => Loaded::AlreadyHeld { hwm },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: i64, row: &str) -> Change {
        Change {
            seq,
            at: "2026-11-23T04:00:00.000Z".into(),
            table: "settings".into(),
            row_key: format!("k{seq}"),
            op: "insert".into(),
            row: row.into(),
        }
    }

    fn sample() -> (Header, Vec<TableShape>, Vec<Change>) {
        let changes = vec![
            change(5, "{\"key\":\"a\\tb\",\"value\":\"line\\none\"}"),
            change(6, "{}"),
        ];
        let header = Header {
            branch: "0101".into(),
            schema_version: 9,
            after: 4,
            last: 6,
            changes: 2,
            sha256: body_sha256(&changes),
        };
        let shapes = vec![TableShape {
            table: "settings",
            key: &["key"],
            columns: vec![
                Column {
                    name: "key".into(),
                    sql_type: "TEXT".into(),
                },
                Column {
                    name: "value".into(),
                    sql_type: "TEXT".into(),
                },
            ],
        }];
        (header, shapes, changes)
    }

    #[test]
    fn a_bundle_reads_back_as_written() {
        let (header, shapes, changes) = sample();
        let text = encode(&header, &shapes, &changes);
        let back = decode(&text).expect("decode");
        assert_eq!(back.header, header);
        assert_eq!(back.changes, changes);
        assert_eq!(back.shapes[0].columns, shapes[0].columns);
    }

    #[test]
    fn a_changed_byte_or_count_is_refused() {
        let (header, shapes, changes) = sample();
        let text = encode(&header, &shapes, &changes);
        let err = decode(&text.replace("line\\\\none", "line\\\\nonE")).expect_err("changed");
        assert!(err.to_string().contains("checksum"), "{err}");
        let mut wrong = header.clone();
        wrong.changes = 3;
        let err = decode(&encode(&wrong, &shapes, &changes)).expect_err("count");
        assert!(err.to_string().contains("holds 2 changes"), "{err}");
    }

    #[test]
    fn encryption_needs_the_matching_key() {
        let (secret, public) = new_key();
        let (other, _) = new_key();
        let sealed = encrypt(&public, b"hello").expect("encrypt");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("b.age");
        std::fs::write(&path, &sealed).expect("write");
        // Not a bundle inside, but the key was right: damaged, not "other key".
        let err = open(&path, &secret).expect_err("not a bundle");
        assert!(err.to_string().contains("is damaged"), "{err}");
        let err = open(&path, &other).expect_err("other key");
        assert!(
            err.to_string()
                .contains("not encrypted to this head office's key"),
            "{err}"
        );
    }
}
