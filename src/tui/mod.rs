//! The terminal user interface: terminal set-up, the event loop, keymap, theme, i18n,
//! screens and widgets.
pub mod app;
pub mod i18n;
pub mod jobs;
pub mod keymap;
pub mod latest;
pub mod popup;
pub mod registry;
pub mod screens;
pub mod theme;
pub mod widgets;

use std::io::stdout;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::execute;

pub use app::App;
use i18n::{I18n, Lang};
use keymap::Keymap;
use theme::Theme;

/// How the command line starts the application.
#[derive(Debug)]
pub struct Options {
    /// The database file.
    pub db_path: PathBuf,
    /// Language code: `en` or `zh-CN`.
    pub lang: String,
    /// Where the user's `keymap.toml` may be (the config directory).
    pub config_dir: PathBuf,
    /// Colour theme: `default` or `high-contrast` (`NO_COLOR` turns colours off in both).
    pub theme: String,
    /// The recovery key of a database created just before (the demo's), shown once.
    pub recovery: Option<crate::store::keys::RecoveryKey>,
}

/// How long to wait for a key when nothing is due (no idle lock while signed out).
const NOTHING_DUE: Duration = Duration::from_secs(3600);

/// Runs the application until the user quits. The database is opened before the
/// terminal is taken over, so a bad file is reported as plain text.
pub fn run(opts: Options) -> anyhow::Result<()> {
    // A file marked damaged opens read-only, with the banner, so its data can still be
    // looked at while it waits to be restored.
    let store = match crate::store::Store::open(&opts.db_path) {
        Err(crate::store::OpenError::MarkedDamaged(_)) => {
            crate::store::Store::open_read_only(&opts.db_path)?
        }
        other => other?,
    };
    let mut store = store;
    // A database created now (first run) or just before (the demo) shows its recovery
    // key once, on its own screen, before set-up or sign-in.
    let recovery = store.take_new_recovery_key().or(opts.recovery);
    if !store.is_encrypted() {
        println!("{}", crate::store::keys::plain_notice(&opts.db_path));
    }
    let damaged = store.is_damaged();
    let auto_failure = store.last_auto_backup_failure().ok().flatten();
    // A damaged file is never written to, and a backup of it would fail its check; an
    // encrypted one is backed up once someone has signed in and opened it.
    let mut backup_due = !damaged;
    if backup_due && !store.is_sealed() {
        start_auto_backup(store.reopener());
        backup_due = false;
    }
    let (keys, problems) = Keymap::load(&opts.config_dir);
    let app = App::new(
        store,
        keys,
        I18n::new(Lang::from_code(&opts.lang)),
        Theme::new(&opts.theme, Theme::no_color_from_env()),
    );
    let mut app = match (app, recovery) {
        (Ok(mut app), Some(key)) => {
            app.show_recovery_key(key);
            app
        }
        (Ok(app), None) => app,
        (Err(e), recovery) => {
            // The recovery key is kept nowhere: printed rather than lost with the screens.
            if let Some(key) = recovery {
                println!("{}", crate::store::keys::recovery_notice(&key));
            }
            return Err(
                anyhow::Error::new(e).context(format!("{} cannot be read", opts.db_path.display()))
            );
        }
    };
    for p in &problems {
        tracing::warn!("{p}");
    }
    if let Some(first) = problems.first() {
        app.notice(first.clone(), true);
    } else if let Some((at, reason)) = auto_failure {
        let text = I18n::new(Lang::from_code(&opts.lang)).f(
            "admin.backup.auto_failed",
            &[("at", &at), ("reason", &reason)],
        );
        app.notice(text, true);
    }
    if damaged {
        let text = app.error_text(&crate::store::StoreError::Damaged);
        app.notice(text, true);
    }
    tracing::info!(db = %opts.db_path.display(), "application started");

    let ui_thread = std::thread::current().id();
    let previous = std::panic::take_hook();
    // A panic is logged wherever it happens. Only the screens' own thread owns the
    // terminal: its panic unwinds to `run`, which restores the terminal first and then
    // prints what happened. Another thread (an import) never touches the terminal; its
    // job reports the failure on the screen.
    std::panic::set_hook(Box::new(move |info| {
        let on_ui = std::thread::current().id() == ui_thread;
        tracing::error!(ui_thread = on_ui, "panic: {info}");
        if on_ui {
            if let Ok(mut slot) = PANIC.lock() {
                *slot = Some(info.to_string());
            }
        }
    }));
    let mut terminal = match start_terminal() {
        Ok(t) => t,
        Err(e) => {
            // The recovery key is kept nowhere: printed rather than lost with the screens.
            if let Some(key) = app.take_unconfirmed_recovery_key() {
                println!("{}", crate::store::keys::recovery_notice(&key));
            }
            std::panic::set_hook(previous);
            return Err(anyhow::Error::new(e).context("the terminal cannot be prepared"));
        }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        event_loop(&mut terminal, &mut app, backup_due)
    }));
    restore_terminal();
    std::panic::set_hook(previous);
    tracing::info!("application closed");
    match result {
        Ok(r) => r,
        Err(_) => {
            let reason = PANIC
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .unwrap_or_default();
            let log = crate::logging::log_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "rmdesk.log".into());
            eprintln!("rmdesk stopped unexpectedly: {reason}");
            eprintln!("The details are in the log file: {log}");
            anyhow::bail!("rmdesk stopped unexpectedly")
        }
    }
}

/// The panic of the screens' thread, kept for the message printed after the terminal is
/// restored.
static PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Raw mode, the alternate screen and bracketed paste (pasted text arrives whole).
fn start_terminal() -> std::io::Result<ratatui::DefaultTerminal> {
    crossterm::terminal::enable_raw_mode()?;
    let setup = execute!(
        stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    )
    .and_then(|()| ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(stdout())));
    if setup.is_err() {
        restore_terminal();
    }
    setup
}

/// Back to the shell as it was: bracketed paste off, the main screen, cooked mode, the
/// cursor shown. Called only from the screens' thread.
fn restore_terminal() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

/// The first start of the day takes the day's automatic backup on its own thread and
/// connection, so the screen opens at once; a failure is logged and audited, and shown
/// at the next start until a backup succeeds.
fn start_auto_backup(db: crate::store::Reopen) {
    let spawned = std::thread::Builder::new()
        .name("auto-backup".into())
        .spawn(move || match db.open() {
            Ok(mut store) => {
                let today = store.zone().date(store.now());
                if let Err(e) = store.auto_backup_if_due(today) {
                    tracing::error!(error = %e, "automatic backup failed");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "automatic backup: the database cannot be opened")
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "automatic backup: no thread");
    }
}

/// Draws, then blocks on the next event until the idle-lock deadline: no polling.
/// `backup_due`: the day's automatic backup waits for the first sign-in (an encrypted
/// database opens only then).
fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    mut backup_due: bool,
) -> anyhow::Result<()> {
    loop {
        if backup_due && app.actor().is_some() {
            start_auto_backup(app.store().reopener());
            backup_due = false;
        }
        terminal.draw(|f| app.draw(f))?;
        if app.should_quit() {
            return Ok(());
        }
        let mut timeout = app
            .lock_deadline()
            .map_or(NOTHING_DUE, |d| d.saturating_duration_since(Instant::now()));
        if app.busy() {
            timeout = timeout.min(jobs::TICK);
        }
        let ready = event::poll(timeout)?;
        app.tick();
        if ready {
            match event::read()? {
                Event::Key(key) => app.on_key(key),
                Event::Paste(text) => app.on_paste(&text),
                _ => {} // a resize redraws on the next pass
            }
        } else {
            app.check_idle(Instant::now());
        }
    }
}
