//! Where rmdesk keeps its files: the user's local data and config directories
//! (`directories`), each overridable by an environment variable. Shared by both faces
//! (`cli` and `tui`), which never import each other.
use std::path::PathBuf;

use anyhow::Context;

/// Data directory: `RMDESK_DATA_DIR`, else the local data directory's `rmdesk/`.
pub fn data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("RMDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = directories::BaseDirs::new()
        .context("no home directory to keep the data in; set RMDESK_DATA_DIR")?;
    Ok(base.data_local_dir().join("rmdesk"))
}

/// Config directory (keymap.toml): `RMDESK_CONFIG_DIR`, else the config directory's
/// `rmdesk/`.
pub fn config_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("RMDESK_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = directories::BaseDirs::new()
        .context("no home directory to read settings from; set RMDESK_CONFIG_DIR")?;
    Ok(base.config_dir().join("rmdesk"))
}

/// The default database: `rmdesk.db` in the data directory.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join("rmdesk.db"))
}

/// The demo database: `demo.db` in the data directory.
pub fn demo_db_path() -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join("demo.db"))
}

/// `zh-CN` when the environment's locale is Chinese, else `en`.
pub fn lang_from_env() -> String {
    for var in ["RMDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(v) = std::env::var(var) {
            if v.is_empty() {
                continue;
            }
            return if v.to_ascii_lowercase().starts_with("zh") {
                "zh-CN".into()
            } else {
                "en".into()
            };
        }
    }
    "en".into()
}
