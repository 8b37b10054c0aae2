//! `rmdesk hq …`: head office on PostgreSQL (push, bundles, reports).
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context};

use super::clients::open_as;
use super::{Cli, HqCommand, PgArgs, ReportArgs};
use crate::hq;
use crate::store::reports::ValueBy;
use crate::store::reports_table::{churn_table, performance_table, value_table};
use crate::store::{files, Actor, Role, Store};

/// Head office's connection, from the arguments, the file or `RMDESK_PG`.
fn pg_client(pg: &PgArgs) -> anyhow::Result<postgres::Client> {
    let (url, _) = hq::connection_string(
        pg.pg.as_deref(),
        pg.pg_file.as_deref(),
        std::env::var("RMDESK_PG").ok(),
    )?;
    hq::connect(&url)
}

/// The administrator acting, and the branch code this file pushes under.
fn admin_and_branch(cli: &Cli, code: Option<&str>) -> anyhow::Result<(Store, Actor, String)> {
    let (store, actor) = open_as(cli)?;
    if actor.role != Role::Admin {
        bail!(
            "only an administrator sends the branch to head office; {} is {}",
            actor.username,
            actor.role
        );
    }
    let Some(branch) = store.hq_branch_code(&actor, code)? else {
        match code {
            Some(c) => bail!("this database has no branch {c}"),
            None => bail!("this database has several branches (or none): name the one it sends as with --branch CODE"),
        }
    };
    Ok((store, actor, branch))
}

pub fn run(cli: &Cli, cmd: &HqCommand) -> anyhow::Result<()> {
    match cmd {
        HqCommand::Push { pg, branch, batch } => push(cli, pg, branch.as_deref(), *batch),
        HqCommand::Keygen { file } => keygen(file),
        HqCommand::Bundle {
            file,
            to,
            branch,
            after,
        } => bundle(cli, file, to, branch.as_deref(), *after),
        HqCommand::Load { file, key, pg } => load(file, key, pg),
        HqCommand::Report {
            report,
            pg,
            branch,
            from,
            to,
            by,
            tz,
            csv,
        } => {
            let args = ReportArgs {
                from: from.clone(),
                to: to.clone(),
                rm: None,
                by: by.clone(),
                csv: csv.clone(),
            };
            hq_report(report, pg, branch.as_deref(), tz, &args)
        }
    }
}

/// `rmdesk hq push`.
fn push(cli: &Cli, pg: &PgArgs, code: Option<&str>, batch: usize) -> anyhow::Result<()> {
    let (mut store, actor, branch) = admin_and_branch(cli, code)?;
    let mut client = pg_client(pg)?;
    let mut stderr = std::io::stderr();
    let mut last_pct = None;
    let summary = hq::push::push(&mut store, &actor, &mut client, &branch, batch, &mut |p| {
        match p {
            // A first load: one line per table copied.
            hq::push::Progress::Copied {
                table,
                rows,
                done,
                tables,
            } => {
                let _ = writeln!(
                    stderr,
                    "first load: {table} copied, {rows} row(s) ({done} of {tables} tables)"
                );
            }
            // Changes: for pushes of more than one batch, one line per 10 %.
            hq::push::Progress::Changes { sent, total } => {
                if total > batch as u64 {
                    let pct = (sent * 10).checked_div(total).unwrap_or(10).min(10) * 10;
                    if last_pct != Some(pct) {
                        last_pct = Some(pct);
                        let _ = writeln!(stderr, "pushed {sent} of {total} changes ({pct} %)");
                    }
                }
            }
        }
    })
    .context("the push stopped; what head office acknowledged is kept, run it again to go on")?;
    tracing::info!(branch = %branch, changes = summary.changes, hwm = summary.hwm, "hq push");
    if let Some(rows) = summary.copied {
        println!(
            "branch {branch}: first load, {rows} row(s) copied and {} change(s) sent in {} batch(es); head office holds changes up to #{}",
            summary.changes, summary.batches, summary.hwm
        );
    } else if summary.changes == 0 {
        println!(
            "branch {branch}: head office is up to date (changes up to #{})",
            summary.hwm
        );
    } else {
        println!(
            "branch {branch}: {} change(s) sent in {} batch(es); head office holds changes up to #{}",
            summary.changes, summary.batches, summary.hwm
        );
    }
    Ok(())
}

/// `rmdesk hq keygen FILE`.
fn keygen(file: &Path) -> anyhow::Result<()> {
    let (secret, public) = hq::bundle::new_key();
    let mut f = files::create_private_new(file).with_context(|| {
        format!(
            "{} cannot be created (an existing file is never overwritten)",
            file.display()
        )
    })?;
    writeln!(
        f,
        "# rmdesk head-office key: keep it at head office only\n# public key: {public}\n{secret}"
    )?;
    f.sync_all()?;
    println!(
        "head-office key written to {} (keep it there)",
        file.display()
    );
    println!("public key for the branches' bundles: {public}");
    Ok(())
}

/// `rmdesk hq bundle FILE --to KEY`.
fn bundle(
    cli: &Cli,
    file: &Path,
    to: &str,
    code: Option<&str>,
    after: Option<i64>,
) -> anyhow::Result<()> {
    let (mut store, actor, branch) = admin_and_branch(cli, code)?;
    if file.exists() {
        bail!(
            "{} already exists; a bundle is never written over a file",
            file.display()
        );
    }
    let after = match after {
        Some(a) => a,
        None => store.hq_last_sent()?,
    };
    let changes = store.changes_after(&actor, after, usize::MAX)?;
    let Some(last) = changes.last().map(|c| c.seq) else {
        println!("branch {branch}: nothing to bundle (every change up to #{after} was sent)");
        return Ok(());
    };
    let first = changes.first().map(|c| c.seq).unwrap_or(last);
    let header = hq::bundle::Header {
        branch: branch.clone(),
        schema_version: store.schema_version()?,
        after,
        last,
        changes: changes.len() as u64,
        sha256: hq::bundle::body_sha256(&changes),
    };
    let plain = hq::bundle::encode(&header, &store.hq_table_shapes()?, &changes);
    let sealed = hq::bundle::encrypt(to, plain.as_bytes())?;
    files::write_private_bytes(file, &sealed)
        .with_context(|| format!("writing {}", file.display()))?;
    store.record_hq_sync(&actor, "bundle", first, last, &file.display().to_string())?;
    println!(
        "bundle written: {} (branch {branch}, changes #{first} to #{last}, {} change(s), schema {}, encrypted to head office)",
        file.display(),
        changes.len(),
        header.schema_version
    );
    Ok(())
}

/// `rmdesk hq load FILE --key KEYFILE --pg URL`.
fn load(file: &Path, key: &Path, pg: &PgArgs) -> anyhow::Result<()> {
    let identity = std::fs::read_to_string(key)
        .with_context(|| format!("reading head office's key {}", key.display()))?;
    let bundle = hq::bundle::open(file, &identity)?;
    let h = &bundle.header;
    let mut client = pg_client(pg)?;
    match hq::bundle::load(&mut client, &bundle)? {
        hq::bundle::Loaded::Loaded { changes, hwm } => println!(
            "{}: branch {} loaded, {changes} change(s); head office holds changes up to #{hwm}",
            file.display(),
            h.branch
        ),
        hq::bundle::Loaded::AlreadyHeld { hwm } => println!(
            "{}: head office already holds changes #{} to #{} of branch {} (up to #{hwm}): nothing changed",
            file.display(),
            h.after + 1,
            h.last,
            h.branch
        ),
    }
    Ok(())
}

/// `rmdesk hq report performance|value|churn`.
fn hq_report(
    report: &str,
    pg: &PgArgs,
    branch: Option<&str>,
    tz: &str,
    args: &ReportArgs,
) -> anyhow::Result<()> {
    let offset: chrono::FixedOffset = tz
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--tz {tz}: not an offset from UTC such as +08:00"))?;
    let mut client = pg_client(pg)?;
    let made: bool = client
        .query_one("SELECT to_regclass('hq.branch_state') IS NOT NULL", &[])?
        .get(0);
    if !made {
        bail!("head office holds no branch yet: a first `rmdesk hq push` or `rmdesk hq load` makes its tables");
    }
    let today = crate::store::clock::default_clock()
        .now()
        .with_timezone(&offset)
        .date_naive();
    let (table, summary) = if report == "churn" {
        let r = hq::churn::churn(&mut client, branch, today, offset)?;
        (
            churn_table(&r),
            vec![format!("{} clients at risk", r.len())],
        )
    } else if report == "performance" {
        let p = super::reports::period(args, today)?;
        let r = hq::report::performance(&mut client, p, offset, branch)?;
        (
            performance_table(&r),
            vec![format!("period {} to {}", p.from, p.to)],
        )
    } else {
        let by = if args.by == "aum" {
            ValueBy::Aum
        } else {
            ValueBy::Contribution
        };
        let r = hq::report::value(&mut client, branch, by)?;
        (value_table(&r), super::reports::value_summary(&r, &args.by))
    };
    super::reports::emit(&table, args, &summary)
}
