//! The log: `tracing` output to `rmdesk.log` in the data directory, never to the screen.
use std::path::PathBuf;

/// The log file: `rmdesk.log` in the data directory.
pub fn log_path() -> anyhow::Result<PathBuf> {
    Ok(crate::app_paths::data_dir()?.join("rmdesk.log"))
}

/// Sends `tracing` output to [`log_path`] (`RMDESK_LOG` sets the level, `info` by
/// default). The folder is made `0700` and the log `0600`, whatever the umask. Without a
/// writable data directory the program runs without a log.
pub fn init() {
    let Ok(path) = log_path() else { return };
    if let Some(dir) = path.parent() {
        if crate::store::files::create_private_dir(dir).is_err() {
            return;
        }
    }
    let Ok(file) = crate::store::files::open_private_append(&path) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RMDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
