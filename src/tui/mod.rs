//! The terminal user interface: event loop, keymap, theme, i18n, screens and widgets.
use std::path::PathBuf;

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

/// Runs the application until the user quits.
pub fn run(_opts: Options) -> anyhow::Result<()> {
    anyhow::bail!("the terminal interface is not built yet")
}
