//! What each command does: open the application, or one non-interactive task.
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::secrets::Secrets;
use super::{BranchCommand, Cli, Command, ExportCommand, ImportCommand, UserCommand};
use crate::app_paths as paths;
use crate::store::demo::{DEMO_PASSWORD, DEMO_USERS};
use crate::store::keys::RecoveryKey;
use crate::store::users::NewUser;
use crate::store::{damage, Actor, Role, Store, StoreError};

/// Clients in a demo made by `rmdesk --demo` (as `rmdesk demo`'s default).
const DEFAULT_DEMO_CLIENTS: u32 = 1000;

/// What the screens start on, as the command line asks (`main.rs` hands it to the
/// screens).
#[derive(Debug)]
pub struct ScreenStart {
    /// The database file.
    pub db_path: PathBuf,
    /// Language code: `en` or `zh-CN`.
    pub lang: String,
    /// Where the user's `keymap.toml` may be.
    pub config_dir: PathBuf,
    /// Colour theme: `default` or `high-contrast`.
    pub theme: String,
    /// The recovery key of the demo database created now, for the screens to show once.
    pub recovery: Option<RecoveryKey>,
}

/// Prepares the start of the screens (no subcommand): the database path (the demo's,
/// created and seeded first, with `--demo`), language, config folder and theme. On a
/// first run (no database file yet) it prints where the new database will be.
pub fn screen_start(cli: &Cli) -> anyhow::Result<ScreenStart> {
    let mut recovery = None;
    let db_path = if cli.demo {
        let path = paths::demo_db_path()?;
        if let Some(key) = ensure_demo(&path)? {
            recovery = key;
            super::clients::seed_demo_clients(&path, DEFAULT_DEMO_CLIENTS, 1)?;
            println!(
                "rmdesk: first run — created the demo database {} (password for every user: {DEMO_PASSWORD})",
                absolute(&path).display()
            );
        }
        path
    } else {
        let path = db_path(cli)?;
        if !path.exists() {
            println!(
                "rmdesk: first run — creating the database {}",
                absolute(&path).display()
            );
        }
        path
    };
    Ok(ScreenStart {
        db_path,
        lang: cli.lang.clone().unwrap_or_else(paths::lang_from_env),
        config_dir: paths::config_dir()?,
        theme: cli.theme.clone(),
        recovery,
    })
}

/// `path` made absolute against the working folder (as given when that fails).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Runs a non-interactive command of the parsed command line (the screens, without a
/// subcommand, are started by `main.rs` from [`screen_start`]). An error that is SQLite
/// reporting corruption marks the database damaged (`NAME.damaged`), so nothing writes to
/// it again.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let db = db_path(&cli).ok();
    let converting = matches!(
        cli.command,
        Some(Command::Encrypt { .. } | Command::Init { .. } | Command::Demo { .. })
    );
    let result = dispatch(cli);
    // Said after a command that worked on a plain rmdesk database (a failure stays one
    // sentence).
    if let Some(p) = db.as_deref().filter(|_| !converting && result.is_ok()) {
        if !crate::store::cipher::is_encrypted(p) && crate::store::cipher::is_plain(p) {
            eprintln!("{}", crate::store::keys::plain_notice(p));
        }
    }
    if let (Err(e), Some(db)) = (&result, db) {
        let corrupt = e.chain().any(|c| match c.downcast_ref::<StoreError>() {
            Some(StoreError::Sqlite(s)) => damage::is_corruption(s),
            _ => c
                .downcast_ref::<rusqlite::Error>()
                .is_some_and(damage::is_corruption),
        });
        if corrupt && db.exists() {
            damage::mark(&db, &format!("{e:#}"));
        }
    }
    result
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => bail!("no command given; run rmdesk without one to open the screens"),
        Some(Command::Init {
            ref admin,
            ref display_name,
            ref branch,
            ref branch_name,
        }) => init(
            &cli,
            admin,
            display_name.as_deref(),
            branch.as_deref().zip(branch_name.as_deref()),
        ),
        Some(Command::User(ref cmd)) => user(&cli, cmd),
        Some(Command::Branch(ref cmd)) => branch(&cli, cmd),
        Some(Command::Import(ImportCommand::Clients {
            ref file,
            skip_invalid,
        })) => super::clients::import(&cli, file, skip_invalid),
        Some(Command::Export(ExportCommand::Clients { ref file, unmasked })) => {
            super::clients::export(&cli, file, unmasked)
        }
        Some(Command::Export(ExportCommand::Calendar { ref file })) => {
            super::calendar::export(&cli, file)
        }
        Some(Command::Search {
            ref text,
            stats,
            limit,
        }) => super::clients::search(&cli, text, stats, limit),
        Some(Command::Check) => check(&cli, &db_path(&cli)?),
        Some(Command::Encrypt { keep_plain }) => super::crypto::encrypt(&cli, keep_plain),
        Some(Command::Decrypt { ref file }) => super::crypto::decrypt(&cli, file),
        Some(Command::Rekey) => super::crypto::rekey(&cli),
        Some(Command::Hq(ref cmd)) => super::hq::run(&cli, cmd),
        Some(Command::Report(ref cmd)) => super::reports::run(&cli, cmd),
        Some(Command::Campaign(ref cmd)) => super::campaigns::run(&cli, cmd),
        Some(Command::Today { ref date }) => super::today::run(&cli, date.as_deref()),
        Some(Command::Product(super::ProductCommand::Margin {
            ref code,
            ref percent,
        })) => super::reports::set_margin(&cli, code, percent),
        Some(Command::Passwd) => passwd(&cli),
        Some(Command::Backup { ref file }) => super::admin::backup(&cli, file),
        Some(Command::Restore { ref file }) => super::admin::restore(&cli, file),
        Some(Command::Audit {
            ref by,
            ref action,
            ref entity,
            ref client,
            ref from,
            ref to,
            limit,
            ref csv,
        }) => super::admin::audit(
            &cli,
            super::admin::AuditArgs {
                by: by.clone(),
                action: action.clone(),
                entity: entity.clone(),
                client: client.clone(),
                from: from.clone(),
                to: to.clone(),
                limit,
                csv: csv.clone(),
            },
        ),
        Some(Command::Settings { ref cmd }) => super::admin::settings(&cli, cmd.as_ref()),
        Some(Command::Reassign {
            ref from,
            ref to,
            all,
            ref client,
            ref reason,
            ref ledger,
        }) => super::desk::reassign(&cli, from, to, all, client, reason, ledger.as_deref()),
        Some(Command::Request(ref cmd)) => super::desk::request(&cli, cmd),
        Some(Command::Approvals(ref cmd)) => super::desk::approvals(&cli, cmd),
        Some(Command::Demo { clients, seed }) => match &cli.db {
            Some(p) => demo(
                p,
                clients,
                seed,
                &format!("rmdesk --db {}", shell_word(&absolute(p))),
            ),
            None => demo(&paths::demo_db_path()?, clients, seed, "rmdesk --demo"),
        },
    }
}

pub(super) fn db_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    match &cli.db {
        Some(p) => Ok(p.clone()),
        None => paths::default_db_path(),
    }
}

/// `rmdesk init`: a new database with its administrator (and optionally a branch).
fn init(
    cli: &Cli,
    admin: &str,
    display: Option<&str>,
    branch: Option<(&str, &str)>,
) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open(&path)?;
    if store.has_users()? {
        bail!(
            "{} already has users; init only sets up a new database",
            path.display()
        );
    }
    let password = Secrets::stdin().next(&format!("password for {admin}"))?;
    let actor = store.create_first_admin(admin, display.unwrap_or(admin), &password)?;
    if let Some((code, name)) = branch {
        store.create_branch(&actor, code, name)?;
    }
    println!(
        "created {} with administrator {}",
        path.display(),
        actor.username
    );
    if let Some(recovery) = store.take_new_recovery_key() {
        println!("{}", crate::store::keys::recovery_notice(&recovery));
    }
    Ok(())
}

/// Signs in as `--user`, with the password from `RMDESK_PASSWORD` or standard input.
pub(super) fn sign_in(
    cli: &Cli,
    store: &mut Store,
    secrets: &mut Secrets,
) -> anyhow::Result<Actor> {
    let (actor, _) = sign_in_any(cli, store, secrets)?;
    if actor.must_change_password {
        bail!(
            "{} must choose a new password before doing anything else; change it with `rmdesk --user {} passwd` (or at sign-in in the application)",
            actor.username,
            actor.username
        );
    }
    Ok(actor)
}

/// Signs in as `--user` even when the account must change its password (for `passwd`);
/// returns the user and the password given.
fn sign_in_any(
    cli: &Cli,
    store: &mut Store,
    secrets: &mut Secrets,
) -> anyhow::Result<(Actor, String)> {
    let Some(name) = cli.user.as_deref() else {
        bail!(
            "this command needs --user NAME (its password from RMDESK_PASSWORD or standard input)"
        );
    };
    let password = secrets.acting(name)?;
    let actor = store.login(name, &password)?;
    Ok((actor, password))
}

/// `rmdesk passwd`: the signed-in user changes their own password (also after an
/// administrator reset it).
fn passwd(cli: &Cli) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    let mut secrets = Secrets::stdin();
    let (mut actor, current) = sign_in_any(cli, &mut store, &mut secrets)?;
    let new = secrets.next(&format!("new password for {}", actor.username))?;
    store.change_own_password(&mut actor, &current, &new)?;
    println!("the password of {} is changed", actor.username);
    Ok(())
}

/// Signs in as `--user`, who must be an administrator to manage `what`.
fn sign_in_admin(
    cli: &Cli,
    store: &mut Store,
    secrets: &mut Secrets,
    what: &str,
) -> anyhow::Result<Actor> {
    let actor = sign_in(cli, store, secrets)?;
    if actor.role != Role::Admin {
        bail!(
            "only an administrator manages {what}; {} is not one",
            actor.username
        );
    }
    Ok(actor)
}

/// `rmdesk branch add` (as an administrator).
fn branch(cli: &Cli, cmd: &BranchCommand) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    let mut secrets = Secrets::stdin();
    let actor = sign_in_admin(cli, &mut store, &mut secrets, "branches")?;
    match cmd {
        BranchCommand::Add { code, name } => {
            store.create_branch(&actor, code, name)?;
            println!("branch {} added: {}", code.trim(), name.trim());
        }
    }
    Ok(())
}

/// `rmdesk user add|passwd|unlock|disable` (as an administrator).
fn user(cli: &Cli, cmd: &UserCommand) -> anyhow::Result<()> {
    let path = db_path(cli)?;
    let mut store = Store::open_existing(&path)?;
    let mut secrets = Secrets::stdin();
    let actor = sign_in_admin(cli, &mut store, &mut secrets, "users")?;
    match cmd {
        UserCommand::Add {
            name,
            role,
            branch,
            display_name,
        } => {
            let role: Role = role.parse()?;
            let branch_id = match branch {
                Some(code) => Some(
                    store
                        .branch_by_code(code)?
                        .with_context(|| format!("there is no branch with the code {code}"))?
                        .id,
                ),
                None => None,
            };
            let password = secrets.next(&format!("initial password for {name}"))?;
            let u = NewUser {
                username: name.clone(),
                display_name: display_name.clone().unwrap_or_else(|| name.clone()),
                role,
                branch_id,
                password,
            };
            store.create_user(&actor, &u)?;
            println!("user {name} added ({role}); they must change the password at first sign-in");
        }
        UserCommand::Passwd { name } => {
            let id = store.user_id_by_name(&actor, name)?;
            let password = secrets.next(&format!("new password for {name}"))?;
            store.reset_password(&actor, id, &password)?;
            println!("new password set for {name}; they must change it at next sign-in");
        }
        UserCommand::Unlock { name } => {
            let id = store.user_id_by_name(&actor, name)?;
            store.unlock_user(&actor, id)?;
            println!("{name} can sign in again");
        }
        UserCommand::Disable { name } => {
            let id = store.user_id_by_name(&actor, name)?;
            store.set_user_disabled(&actor, id, true)?;
            println!("{name} is disabled");
        }
    }
    Ok(())
}

/// `rmdesk check`: prints every problem and fails when there is one. A problem marks
/// the file damaged (`NAME.damaged`); a clean check of a marked file removes the mark.
/// A marked file is checked read-only, without bringing its schema up to date.
///
/// An encrypted database is opened by an administrator (`--user`) or the recovery key.
fn check(cli: &Cli, path: &Path) -> anyhow::Result<()> {
    let marked = damage::is_marked(path);
    super::crypto::unlock_for_check(cli, path)?;
    let store = if marked {
        Store::open_read_only(path)?
    } else {
        Store::open_existing(path)?
    };
    let problems = match store.integrity_problems() {
        Ok(p) => p,
        Err(StoreError::Sqlite(e)) if damage::is_corruption(&e) => {
            vec![format!("integrity: {e}")]
        }
        Err(e) => return Err(e.into()),
    };
    if problems.is_empty() {
        if marked {
            damage::clear(path).with_context(|| {
                format!("the damage mark of {} cannot be removed", path.display())
            })?;
        }
        let head = store.chain_head()?;
        println!(
            "{}: integrity ok, foreign keys ok, audit chain ok, triggers ok, anchors ok ({} entries up to #{})",
            path.display(),
            head.count,
            head.last_id
        );
        return Ok(());
    }
    damage::mark(path, &problems.join("; "));
    for p in &problems {
        println!("{p}");
    }
    bail!(
        "{} is damaged ({} problem(s)) and will not be written to; restore it from a backup",
        path.display(),
        problems.len()
    )
}

/// Creates and seeds the demo database at `path` unless it already has users: `None`
/// when it had, else the recovery key of the file when it was created now (the caller
/// shows it once).
fn ensure_demo(path: &Path) -> anyhow::Result<Option<Option<RecoveryKey>>> {
    let mut store = Store::open(path)?;
    if store.has_users()? {
        return Ok(None);
    }
    store.seed_demo()?;
    Ok(Some(store.take_new_recovery_key()))
}

/// `path` as one word of a POSIX shell command line (quoted when it has to be).
fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "/._-+:,=@%".contains(c));
    if plain {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `rmdesk demo`; `open` is the command that opens the database made.
fn demo(path: &Path, clients: u32, seed: u64, open: &str) -> anyhow::Result<()> {
    if let Some(recovery) = ensure_demo(path)? {
        if let Some(recovery) = recovery {
            println!("{}", crate::store::keys::recovery_notice(&recovery));
        }
        let started = std::time::Instant::now();
        let n = super::clients::seed_demo_clients(path, clients, seed)?;
        println!(
            "demo database created: {} ({n} clients in {:.1} s)",
            path.display(),
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("demo database already exists: {}", path.display());
    }
    let names: Vec<&str> = DEMO_USERS.iter().map(|(u, _, _)| *u).collect();
    println!(
        "users: {} — password for all: {DEMO_PASSWORD}",
        names.join(", ")
    );
    println!("open it with: {open}");
    Ok(())
}
