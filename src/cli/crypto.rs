//! `rmdesk encrypt`, `rmdesk decrypt FILE`, `rmdesk rekey`, and opening an encrypted
//! database with an administrator's password or the recovery key for `check`.
use std::path::Path;

use anyhow::bail;

use super::commands::db_path;
use super::secrets::Secrets;
use super::Cli;
use crate::store::convert::{self, Converted};
use crate::store::keys::{key_path, recovery_notice, KeyFile, RecoveryKey};
use crate::store::restore::Credential;
use crate::store::{cipher, StoreError};

/// The warning every plain copy carries.
const ERASE_WARNING: &str = "warning: deleting a file does not erase it from every disk (SSDs, backups, snapshots and copies keep it); keep the plain copy only as long as needed, on an encrypted disk";

/// The recovery key from `RMDESK_RECOVERY_KEY` or the next line of standard input.
pub(super) fn recovery_key(secrets: &mut Secrets) -> anyhow::Result<RecoveryKey> {
    let text = match std::env::var("RMDESK_RECOVERY_KEY") {
        Ok(t) if !t.trim().is_empty() => t,
        _ => secrets.next("recovery key")?,
    };
    match RecoveryKey::parse(&text) {
        Some(k) => Ok(k),
        None => bail!("a recovery key is 64 hexadecimal digits (dashes and spaces are ignored); nothing was opened"),
    }
}

/// The administrator of `--user` (password from `RMDESK_PASSWORD` or standard input).
fn admin_password(
    cli: &Cli,
    secrets: &mut Secrets,
    what: &str,
) -> anyhow::Result<(String, String)> {
    let Some(name) = cli.user.as_deref() else {
        bail!("{what} needs --user NAME, an administrator (password from RMDESK_PASSWORD or standard input)");
    };
    let password = secrets.acting(name)?;
    Ok((name.to_string(), password))
}

fn report(db: &Path, done: &Converted, what: &str) {
    println!("{} {what}", db.display());
    if let Some(r) = &done.recovery {
        println!("{}", recovery_notice(r));
    }
    if let Some(kept) = &done.kept_plain {
        println!("the plain file is kept as {} (mode 0600)", kept.display());
    }
    if !done.users_to_reset.is_empty() {
        println!(
            "these users sign in again once an administrator resets their password (rmdesk user passwd NAME): {}",
            done.users_to_reset.join(", ")
        );
    }
}

/// `rmdesk encrypt [--keep-plain]`.
pub fn encrypt(cli: &Cli, keep_plain: bool) -> anyhow::Result<()> {
    let db = db_path(cli)?;
    if !db.exists() {
        bail!("{} does not exist; nothing was encrypted", db.display());
    }
    let mut secrets = Secrets::stdin();
    let (name, password) = admin_password(cli, &mut secrets, "encrypt")?;
    let done = convert::encrypt(&db, &name, &password, keep_plain)?;
    report(&db, &done, "is encrypted");
    println!(
        "backups taken before today are still plain: take a new backup, then remove the old ones"
    );
    eprintln!("{ERASE_WARNING}");
    Ok(())
}

/// `rmdesk rekey`.
pub fn rekey(cli: &Cli) -> anyhow::Result<()> {
    let db = db_path(cli)?;
    let mut secrets = Secrets::stdin();
    let (name, password) = admin_password(cli, &mut secrets, "rekey")?;
    let done = convert::rekey(&db, &name, &password)?;
    report(&db, &done, "has a new data key");
    println!("backups taken before the rekey still open with the old recovery key and the passwords of their time");
    Ok(())
}

/// `rmdesk decrypt FILE`.
pub fn decrypt(cli: &Cli, out: &Path) -> anyhow::Result<()> {
    let db = db_path(cli)?;
    let mut secrets = Secrets::stdin();
    if cli.recovery_key {
        let key = recovery_key(&mut secrets)?;
        convert::decrypt(&db, Credential::Recovery(&key), out)?;
    } else {
        let (name, password) = admin_password(cli, &mut secrets, "decrypt")?;
        convert::decrypt(
            &db,
            Credential::Admin {
                username: &name,
                password: &password,
            },
            out,
        )?;
    }
    println!(
        "{} written: a plain copy of {} (mode 0600)",
        out.display(),
        db.display()
    );
    eprintln!("{ERASE_WARNING}");
    Ok(())
}

/// Before `rmdesk check` opens an encrypted database: its key is unwrapped with the
/// recovery key or `--user`'s password (the role is checked once it is open). A plain
/// database needs neither.
pub(super) fn unlock_for_check(cli: &Cli, db: &Path) -> anyhow::Result<()> {
    // A restore or conversion stopped before its key file moved is finished first, as
    // every open does: the database is not written, its staged key file is renamed.
    convert::finish_interrupted(db);
    if !cipher::is_encrypted(db) || cipher::recall(db).is_some() {
        return Ok(());
    }
    let Some(file) = KeyFile::load(&key_path(db))? else {
        return Ok(());
    };
    let mut secrets = Secrets::stdin();
    let key = if cli.recovery_key {
        let r = recovery_key(&mut secrets)?;
        file.unwrap_recovery(&r)
            .ok_or(StoreError::WrongRecoveryKey)?
    } else {
        let (name, password) = admin_password(cli, &mut secrets, "check of an encrypted database")?;
        let (key, _) = file
            .unwrap_user(name.trim(), &password)
            .ok_or(StoreError::InvalidCredentials)?;
        // Nothing is written to the file being checked, not even a sign-in: the wrap
        // proved the password, the database gives the role.
        cipher::remember(db, &key);
        let store = crate::store::Store::open_read_only(db)?;
        if store.active_role(&name)? != Some(crate::store::Role::Admin) {
            cipher::forget(db);
            bail!("only an administrator (or the recovery key) checks an encrypted database; {name} is not one");
        }
        key
    };
    cipher::remember(db, &key);
    Ok(())
}
