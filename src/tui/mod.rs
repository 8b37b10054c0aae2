//! The terminal user interface: terminal set-up, the event loop, keymap, theme, i18n,
//! screens and widgets.
pub mod app;
pub mod i18n;
pub mod jobs;
pub mod keymap;
pub mod screens;
pub mod theme;
pub mod widgets;

use std::io::stdout;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::execute;

pub use app::App;
use i18n::{I18n, Lang};
use keymap::Keymap;
use theme::Theme;

/// How the command line starts the application.
#[derive(Debug, Clone)]
pub struct Options {
    /// The database file.
    pub db_path: PathBuf,
    /// Language code: `en` or `zh-CN`.
    pub lang: String,
    /// Where the user's `keymap.toml` may be (the config directory).
    pub config_dir: PathBuf,
    /// Colour theme: `default` or `high-contrast` (`NO_COLOR` turns colours off in both).
    pub theme: String,
}

/// How long to wait for a key when nothing is due (no idle lock while signed out).
const NOTHING_DUE: Duration = Duration::from_secs(3600);

/// Runs the application until the user quits. The database is opened before the
/// terminal is taken over, so a bad file is reported as plain text.
pub fn run(opts: Options) -> anyhow::Result<()> {
    let store = crate::store::Store::open(&opts.db_path)?;
    let (keys, problems) = Keymap::load(&opts.config_dir);
    let mut app = App::new(
        store,
        keys,
        I18n::new(Lang::from_code(&opts.lang)),
        Theme::new(&opts.theme, Theme::no_color_from_env()),
    )
    .with_context(|| format!("{} cannot be read", opts.db_path.display()))?;
    for p in &problems {
        tracing::warn!("{p}");
    }
    if let Some(first) = problems.first() {
        app.notice(first.clone(), true);
    }
    tracing::info!(db = %opts.db_path.display(), "application started");

    // ratatui's hook restores the terminal, then calls the one set here: the reason goes
    // to the log and one line to the restored terminal.
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("panic: {info}");
        eprintln!("rmdesk stopped unexpectedly; the reason is in the log file (rmdesk.log).");
    }));
    let mut terminal = ratatui::try_init().context("the terminal cannot be prepared")?;
    let _ = execute!(stdout(), EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut app);
    let _ = execute!(stdout(), DisableBracketedPaste);
    ratatui::restore();
    tracing::info!("application closed");
    result
}

/// Draws, then blocks on the next event until the idle-lock deadline: no polling.
fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> anyhow::Result<()> {
    loop {
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
