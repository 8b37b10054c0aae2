//! Administration from the command line: backup, restore, audit log, settings.
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::{NaiveDate, Utc};

use super::commands::{db_path, sign_in};
use super::secrets::Secrets;
use super::{Cli, SettingsCommand};
use crate::store::audit_view::AuditFilter;
use crate::store::backup::{manifest_path, Phase};
use crate::store::{restore as store_restore, Role, Store};

/// `rmdesk backup FILE`.
pub fn backup(cli: &Cli, file: &Path) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    let actor = sign_in(cli, &mut store, &mut Secrets::stdin())?;
    let mut last_pct = None;
    let mut stderr = std::io::stderr();
    let manifest = store.backup_to(&actor, file, &mut |phase| {
        // Progress on standard error, one line per 10 %, so scripts keep a clean stdout.
        if let Phase::Copy { done, total } = phase {
            let pct = (done * 10).checked_div(total).unwrap_or(10) * 10;
            if last_pct != Some(pct) {
                last_pct = Some(pct);
                let _ = writeln!(stderr, "copying: {pct} %");
            }
        } else if phase == Phase::Check {
            let _ = writeln!(stderr, "checking the copy");
        }
    })?;
    println!(
        "backup written: {} ({} bytes, schema {}, {} audit entries up to #{})",
        file.display(),
        manifest.bytes,
        manifest.schema_version,
        manifest.audit_head.entries,
        manifest.audit_head.last_id
    );
    println!("manifest: {}", manifest_path(file).display());
    Ok(())
}

/// `rmdesk restore FILE`: signs in to the backup as its administrator.
pub fn restore(cli: &Cli, file: &Path) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    // Refusals about the file come before any question about passwords.
    store_restore::examine(file)?;
    let now = crate::store::clock::default_clock().now();
    let done = if cli.recovery_key {
        let key = super::crypto::recovery_key(&mut Secrets::stdin())?;
        store_restore::restore_with(&path, file, store_restore::Credential::Recovery(&key), now)?
    } else {
        let Some(name) = cli.user.as_deref() else {
            bail!("restore needs --user NAME, an administrator of the backup (password from RMDESK_PASSWORD or standard input), or --recovery-key");
        };
        let password = Secrets::stdin().acting(name)?;
        store_restore::restore(&path, file, name, &password, now)?
    };
    println!("{} restored from {}", path.display(), file.display());
    if done.schema_from < i64::from(crate::store::LATEST_VERSION) {
        println!(
            "the backup's schema {} was brought up to {}",
            done.schema_from,
            crate::store::LATEST_VERSION
        );
    }
    if let Some(kept) = done.kept {
        println!(
            "the replaced database is kept as {}; restore it to undo",
            kept.display()
        );
    }
    Ok(())
}

/// The filters of `rmdesk audit`.
#[derive(Debug)]
pub struct AuditArgs {
    pub by: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub client: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: usize,
    pub csv: Option<PathBuf>,
}

/// A local date's first instant (in the store's time zone).
fn local_start(store: &Store, text: &str, flag: &str) -> anyhow::Result<chrono::DateTime<Utc>> {
    let d = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{flag} {text}: a date is written YYYY-MM-DD"))?;
    Ok(store.zone().day_start(d))
}

/// `rmdesk audit …`.
pub fn audit(cli: &Cli, a: AuditArgs) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    let actor = sign_in(cli, &mut store, &mut Secrets::stdin())?;
    let to = match &a.to {
        Some(t) => Some(local_start(&store, t, "--to")? + chrono::Duration::days(1)),
        None => None,
    };
    let filter = AuditFilter {
        username: a.by,
        action: a.action,
        entity: a.entity,
        client_no: a.client,
        from: a
            .from
            .as_deref()
            .map(|f| local_start(&store, f, "--from"))
            .transpose()?,
        to,
    };
    if let Some(file) = &a.csv {
        let n = store.export_audit_csv(&actor, &filter, file)?;
        println!("{n} audit entries written to {}", file.display());
        return Ok(());
    }
    let page = store.audit_page(&actor, &filter, None, a.limit)?;
    let mut out = std::io::stdout().lock();
    for r in &page {
        let what = match &r.entity_id {
            Some(id) => format!("{}:{id}", r.entity),
            None => r.entity.clone(),
        };
        let change = match (&r.before, &r.after) {
            (Some(b), Some(x)) => format!("{b} → {x}"),
            (None, Some(x)) => x.clone(),
            (Some(b), None) => format!("{b} →"),
            (None, None) => String::new(),
        };
        writeln!(
            out,
            "#{} {} {} {} {} {}",
            r.id, r.at, r.username, r.action, what, change
        )?;
    }
    if page.is_empty() {
        writeln!(out, "no audit entries match")?;
    }
    Ok(())
}

/// `rmdesk settings [get KEY | set KEY VALUE]`.
pub fn settings(cli: &Cli, cmd: Option<&SettingsCommand>) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    if store.is_sealed() && !matches!(cmd, Some(SettingsCommand::Set { .. })) {
        // An encrypted database is read once someone has signed in.
        if cli.user.is_none() {
            return Err(crate::store::OpenError::Sealed(path).into());
        }
        sign_in(cli, &mut store, &mut Secrets::stdin())?;
    }
    match cmd {
        None => {
            let mut out = std::io::stdout().lock();
            for (spec, value) in store.all_settings()? {
                writeln!(
                    out,
                    "{} = {value} {} — {} (from {} to {}, default {})",
                    spec.key, spec.unit, spec.meaning, spec.min, spec.max, spec.default
                )?;
            }
        }
        Some(SettingsCommand::Get { key }) => {
            let spec = crate::store::settings::spec_of(key).with_context(|| {
                format!("there is no setting {key}; `rmdesk settings` lists them")
            })?;
            let value = store.setting_i64(key)?;
            println!("{key} = {value} {}", spec.unit);
            println!("meaning: {}", spec.meaning);
            println!("bounds: from {} to {} {}", spec.min, spec.max, spec.unit);
            println!("default: {}", spec.default);
        }
        Some(SettingsCommand::Set { key, value }) => {
            let actor = sign_in(cli, &mut store, &mut Secrets::stdin())?;
            if actor.role != Role::Admin {
                bail!(
                    "only an administrator changes settings; {} is not one",
                    actor.username
                );
            }
            let v: i64 = value
                .trim()
                .parse()
                .with_context(|| format!("{value} is not a whole number"))?;
            let before = store.setting_i64(key).ok();
            store.set_setting(&actor, key, v)?;
            match before {
                Some(b) => println!("{key}: {b} → {v}"),
                None => println!("{key} = {v}"),
            }
        }
    }
    Ok(())
}
