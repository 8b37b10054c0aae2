//! The command line: parses it, prepares the start of the screens (`main.rs` starts
//! them), or runs one non-interactive command. Imports nothing of `tui`.
//!
//! Exit codes (product.md): 0 ok, 1 failure with a one-line reason on standard error,
//! 2 bad usage (clap's own code for usage errors).
mod admin;
mod calendar;
mod campaigns;
mod clients;
mod commands;
mod crypto;
pub mod demo_activity;
pub mod demo_people;
mod desk;
mod hq;
mod reports;
mod secrets;
mod today;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use commands::{run, screen_start, ScreenStart};

/// rmdesk — the relationship manager's desk: clients, visits, products and the calendar,
/// offline, from the keyboard.
#[derive(Debug, Parser)]
#[command(name = "rmdesk", version, about, long_about = None)]
pub struct Cli {
    /// Database file (default: the user's local data directory, rmdesk/rmdesk.db).
    #[arg(long, global = true, env = "RMDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of the screens: en or zh-CN (default: from the environment).
    #[arg(long, global = true, value_name = "LANG", value_parser = ["en", "zh-CN"])]
    pub lang: Option<String>,
    /// Colour theme of the screens: default or high-contrast.
    #[arg(long, global = true, env = "RMDESK_THEME", default_value = "default",
          value_parser = ["default", "high-contrast"])]
    pub theme: String,
    /// Open the demo database (created and seeded on first use).
    #[arg(long, conflicts_with = "db")]
    pub demo: bool,
    /// Acting user for commands that touch business data (password from RMDESK_PASSWORD
    /// or a prompt).
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// Open an encrypted database with its recovery key instead of a user's password
    /// (check, restore, decrypt): the key from RMDESK_RECOVERY_KEY or standard input.
    #[arg(long, global = true, conflicts_with = "user")]
    pub recovery_key: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Non-interactive commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Head office on PostgreSQL: send this branch's changes (as an administrator).
    #[command(subcommand)]
    Hq(HqCommand),
    /// Create a new database and its administrator (password read from standard input).
    Init {
        /// Username of the administrator.
        #[arg(long, value_name = "NAME")]
        admin: String,
        /// Display name of the administrator (default: the username).
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
        /// Also create this branch (code), for the RMs and managers to be added.
        #[arg(long, value_name = "CODE", requires = "branch_name")]
        branch: Option<String>,
        /// Name of the branch given with --branch.
        #[arg(long, value_name = "TEXT", requires = "branch")]
        branch_name: Option<String>,
    },
    /// Manage user accounts (as an administrator: --user NAME).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage branches (as an administrator: --user NAME).
    #[command(subcommand)]
    Branch(BranchCommand),
    /// Check the database: SQLite integrity, foreign keys, the audit chain, its
    /// triggers, and the chain against its anchors (anchor file, backup manifests).
    Check,
    /// Encrypt a plain database (as an administrator: --user NAME): a new data key,
    /// wrapped for you and under a recovery key printed once; the copy is checked before
    /// it replaces the plain file.
    Encrypt {
        /// Keep the plain file as NAME.plain (deleting a file does not erase it from
        /// every disk).
        #[arg(long)]
        keep_plain: bool,
    },
    /// Write a plain, unencrypted copy of an encrypted database to FILE (as an
    /// administrator: --user NAME, or --recovery-key): audited, mode 0600.
    Decrypt {
        /// The plain copy to write (never overwritten).
        file: PathBuf,
    },
    /// Give an encrypted database a new data key and recovery key (as an administrator:
    /// --user NAME); every other user signs in after a password reset.
    Rekey,
    /// Change your own password (as --user NAME): the current password from
    /// RMDESK_PASSWORD or the first line of standard input, the new one from the next line.
    Passwd,
    /// Take a consistent backup while others keep working (as an administrator: --user
    /// NAME): checked, then renamed into place, with FILE.manifest beside it.
    Backup {
        /// The backup file to write (never overwritten).
        file: PathBuf,
    },
    /// Replace the database with a backup, keeping the current file as
    /// NAME.before-restore-TIME (as an administrator of the backup: --user NAME).
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Read the audit log, newest first, personal data masked (as an administrator or
    /// manager: --user NAME).
    Audit {
        /// Only entries by this user (the audit on leaving a post).
        #[arg(long, value_name = "USER")]
        by: Option<String>,
        /// Only this action, e.g. client.update.
        #[arg(long)]
        action: Option<String>,
        /// Only this kind of thing, e.g. client.
        #[arg(long)]
        entity: Option<String>,
        /// Only entries about the client with this number.
        #[arg(long, value_name = "CLIENT_NO")]
        client: Option<String>,
        /// From this local date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Up to and including this local date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Most entries to print.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Write every matching entry to this CSV file instead (audited).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// List the settings, show one, or change one (as an administrator: --user NAME).
    Settings {
        #[command(subcommand)]
        cmd: Option<SettingsCommand>,
    },
    /// Import records from a file (as --user NAME).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export records to a file (as --user NAME).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Find clients by name, pinyin initials, client no., phone fragment or ID tail
    /// (as --user NAME; personal data masked).
    Search {
        /// What to look for.
        text: String,
        /// Also print how many matched and how long the query took.
        #[arg(long)]
        stats: bool,
        /// Most matches to print.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Hand clients of an RM over to one RM or spread over several, balanced by AUM
    /// (as a manager: --user NAME). Refused as a whole, before anything is written, when
    /// a receiver is unknown or disabled.
    Reassign {
        /// The RM giving the clients.
        #[arg(long, value_name = "USER")]
        from: String,
        /// The receiving RM, or several separated by commas.
        #[arg(
            long,
            value_name = "USER[,USER…]",
            value_delimiter = ',',
            required = true
        )]
        to: Vec<String>,
        /// Every client of --from.
        #[arg(long, conflicts_with = "client", required_unless_present = "client")]
        all: bool,
        /// A client number (repeat for several).
        #[arg(long, value_name = "NO")]
        client: Vec<String>,
        /// Why: rotation, leave, departure or rebalancing (optionally `CODE: text`), or
        /// any other text (reason "other").
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Also write the hand-over ledger to this CSV file.
        #[arg(long, value_name = "FILE.csv")]
        ledger: Option<PathBuf>,
    },
    /// File a request for a manager to decide (as an RM: --user NAME).
    #[command(subcommand)]
    Request(RequestCommand),
    /// List requests; approve or reject one (as a manager: --user NAME).
    #[command(subcommand)]
    Approvals(ApprovalsCommand),
    /// Product settings (as an administrator: --user NAME).
    #[command(subcommand)]
    Product(ProductCommand),
    /// Reports for the acting user's scope (as --user NAME): an RM's own figures, a
    /// manager's branch. Prints a tab-separated table (format: see README), or writes
    /// it as CSV with --csv.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Campaigns and their results (as --user NAME: a manager sees the branch's, an RM
    /// those with targets of theirs).
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// The acting user's home list (as --user NAME): the work list of F2, then the care
    /// occasions coming within care.birthday_days days; one line each, reason first.
    Today {
        /// The day to list for, YYYY-MM-DD (default: today).
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Create (or open) the demo database, seeded with a branch, users and data.
    Demo {
        /// How many clients to seed.
        #[arg(long, default_value_t = 1000)]
        clients: u32,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// `rmdesk settings …`
#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// One setting: value, meaning, unit, bounds and default.
    Get {
        /// The setting's key, e.g. backup.keep.
        key: String,
    },
    /// Change a setting (audited with before and after); out of bounds is refused.
    Set {
        /// The setting's key.
        key: String,
        /// The new whole-number value.
        value: String,
    },
}

/// `rmdesk product …`
#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// Set a product's margin: the bank's annual income rate on a balance, percent per
    /// year (0 to 100), used for clients' contribution.
    Margin {
        /// Product code.
        code: String,
        /// Percent per year, e.g. 1.25.
        percent: String,
    },
}

/// `rmdesk campaign …`
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Every campaign you see, newest first: id, status, name, period, product, targets.
    List,
    /// One campaign, its targets left out, and its results per RM (tab-separated), or
    /// the results written as CSV with --csv.
    Show {
        /// The campaign's id (see `campaign list`).
        id: i64,
        /// Write the results table to this CSV file instead of printing it.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Write the campaign's contact list (name, client no., mobile, owner RM) for the
    /// SMS or mail platform: consenting targets only; an RM gets their own. Audited.
    Contacts {
        /// The campaign's id.
        id: i64,
        /// The CSV file to write.
        file: PathBuf,
    },
}

/// `rmdesk report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Each RM's performance over a period (default: this month), and the branch total
    /// for a manager.
    Performance(ReportArgs),
    /// Clients ranked by contribution or AUM, with the 80/20 headline and the tiers.
    Value(ReportArgs),
    /// Clients at risk of leaving, with their reasons, highest AUM first.
    Churn(ReportArgs),
}

/// Options of `rmdesk report …`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// First day of the period, YYYY-MM-DD (performance; default: the first of the
    /// month of --to, or of today).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Last day of the period, YYYY-MM-DD, included (performance; default: the last day
    /// of the month of --from, or of today).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only this RM (within your scope; an RM naming another RM gets no rows).
    #[arg(long, value_name = "USER")]
    pub rm: Option<String>,
    /// What the value report ranks by.
    #[arg(long, default_value = "contribution", value_parser = ["aum", "contribution"])]
    pub by: String,
    /// Write the table to this CSV file instead of printing it.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `rmdesk import …`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Clients from a CSV file (format: see README). A file with any invalid row writes
    /// nothing unless --skip-invalid.
    Clients {
        /// The CSV file.
        file: PathBuf,
        /// Import the valid rows and report the others.
        #[arg(long)]
        skip_invalid: bool,
    },
}

/// `rmdesk export …`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Clients to a CSV file; ID number, mobile and email masked unless --unmasked.
    Clients {
        /// The CSV file to write.
        file: PathBuf,
        /// Write ID numbers, mobiles and emails in full (audited).
        #[arg(long)]
        unmasked: bool,
    },
    /// Your tasks to an iCalendar file (RFC 5545) that calendar programs import: open
    /// tasks as events (with their recurrence rules), done and cancelled ones as to-dos.
    Calendar {
        /// The .ics file to write.
        file: PathBuf,
    },
}

/// `rmdesk request …`
#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// A tier for one of your clients other than its AUM gives.
    Tier {
        /// Client number.
        #[arg(long, value_name = "NO")]
        client: String,
        /// general, key or core.
        #[arg(long, value_parser = ["general", "key", "core"])]
        tier: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Taking over a client of another RM of your branch.
    TakeOver {
        /// Client number.
        #[arg(long, value_name = "NO")]
        client: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Take back one of your requests while it is pending.
    Withdraw {
        /// Request number.
        id: i64,
    },
}

/// `rmdesk approvals …`
#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// Pending requests, oldest first (a manager: the branch's; an RM: their own).
    List {
        /// Decided and withdrawn requests too.
        #[arg(long)]
        all: bool,
    },
    /// Approve a request; what it asks is applied at once.
    Approve {
        /// Request number.
        id: i64,
        /// A note for the requester.
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a request; nothing changes.
    Reject {
        /// Request number.
        id: i64,
        /// A note for the requester.
        #[arg(long)]
        note: Option<String>,
    },
}

/// `rmdesk branch …`
#[derive(Debug, Subcommand)]
pub enum BranchCommand {
    /// Add a branch, for the RMs and managers to be added to it.
    Add {
        /// Branch code (unique), e.g. 0101.
        code: String,
        /// Branch name.
        name: String,
    },
}

/// `rmdesk user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the initial password is read from standard input.
    Add {
        /// Username.
        name: String,
        /// Role: rm, manager or admin.
        #[arg(long, default_value = "rm", value_parser = ["rm", "manager", "admin"])]
        role: String,
        /// Branch code (required for rm and manager).
        #[arg(long)]
        branch: Option<String>,
        /// Display name (default: the username).
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set a new password for a user (read from standard input); they must change it at
    /// next login.
    Passwd {
        /// Username.
        name: String,
    },
    /// Clear a user's lockout after failed logins.
    Unlock {
        /// Username.
        name: String,
    },
    /// Disable a user's account.
    Disable {
        /// Username.
        name: String,
    },
}

/// Parses the command line: the parsed line, or the exit code when clap has already
/// answered (`--help` and `--version` print and succeed, usage errors print and exit 2).
pub fn parse() -> Result<Cli, i32> {
    Cli::try_parse().map_err(|e| {
        let _ = e.print();
        e.exit_code()
    })
}

/// Where head office's database is: `--pg URL`, `--pg-file FILE` or `RMDESK_PG`.
#[derive(Debug, clap::Args)]
pub struct PgArgs {
    /// Head office's connection string (postgresql://USER@HOST/DB or key=value pairs);
    /// prefer --pg-file or RMDESK_PG when it holds a password.
    #[arg(long, value_name = "URL")]
    pub pg: Option<String>,
    /// A file whose first line is the connection string.
    #[arg(long, value_name = "FILE", conflicts_with = "pg")]
    pub pg_file: Option<PathBuf>,
}

/// `rmdesk hq …`.
#[derive(Debug, Subcommand)]
pub enum HqCommand {
    /// Send the changes head office does not hold yet, in batches each loaded exactly once
    /// (creates head office's schema if missing).
    Push {
        #[command(flatten)]
        pg: PgArgs,
        /// The branch this file sends as (default: its only branch).
        #[arg(long, value_name = "CODE")]
        branch: Option<String>,
        /// Changes per batch (one PostgreSQL transaction each).
        #[arg(long, default_value_t = crate::hq::push::DEFAULT_BATCH, hide = true)]
        batch: usize,
    },
    /// Make head office's key pair: the secret key into FILE (kept at head office, never
    /// overwritten), the public key printed (given to the branches for their bundles).
    Keygen {
        /// Where head office's secret key is written.
        file: PathBuf,
    },
    /// Write the changes not yet sent into FILE, encrypted to head office's public key,
    /// for a branch without a line (as an administrator).
    Bundle {
        /// The bundle file to write (never overwritten).
        file: PathBuf,
        /// Head office's public key (age1…); default: RMDESK_HQ_KEY.
        #[arg(long, value_name = "KEY", env = "RMDESK_HQ_KEY")]
        to: String,
        /// The branch this file sends as (default: its only branch).
        #[arg(long, value_name = "CODE")]
        branch: Option<String>,
        /// Write the changes after this sequence number instead (a lost bundle made again).
        #[arg(long, value_name = "SEQ")]
        after: Option<i64>,
    },
    /// Load a bundle at head office (run at head office; no branch database needed).
    Load {
        /// The bundle file.
        file: PathBuf,
        /// Head office's secret key file (from `rmdesk hq keygen`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        #[command(flatten)]
        pg: PgArgs,
    },
    /// Head office's reports across branches (or one), computed in PostgreSQL with the
    /// definitions of `rmdesk report` (docs/REPORTS.md).
    Report {
        /// performance, value or churn.
        #[arg(value_parser = ["performance", "value", "churn"])]
        report: String,
        #[command(flatten)]
        pg: PgArgs,
        /// Only this branch.
        #[arg(long, value_name = "CODE")]
        branch: Option<String>,
        /// First day of the period (performance; default: the month of --to, or this month).
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the period (performance).
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Rank the value report by contribution or aum.
        #[arg(long, default_value = "contribution", value_parser = ["contribution", "aum"])]
        by: String,
        /// The branches' time zone as an offset from UTC.
        #[arg(long, default_value = "+08:00", value_name = "OFFSET")]
        tz: String,
        /// Write the table as CSV to FILE instead.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
}
