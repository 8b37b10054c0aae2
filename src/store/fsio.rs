//! Private (`0600`) files and durable renames for backups, restores and anchors.
//!
//! Every file the administration features write goes through these few functions, so
//! they can follow the product's shared rules for private, durable files in one place.
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Mode of every file written here.
pub const FILE_MODE: u32 = 0o600;

/// Sets `path`'s mode (no-op without Unix modes).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o
}

/// Creates a new, empty file at `path`, mode `0600`; fails if anything is there.
pub fn create_private_new(path: &Path) -> io::Result<File> {
    let file = private_options().write(true).create_new(true).open(path)?;
    set_mode(path, FILE_MODE)?;
    Ok(file)
}

/// Opens `path` for appending, creating it `0600` if missing.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let file = private_options().create(true).append(true).open(path)?;
    set_mode(path, FILE_MODE)?;
    Ok(file)
}

/// Makes a folder (and parents) for private files, `0700`.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Flushes a folder's entries (a rename or a new file in it) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Flushes a file's content to disk.
pub fn sync_file(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// Renames `from` over `to` durably: the file is flushed first and the folder after.
pub fn rename_durable(from: &Path, to: &Path) -> io::Result<()> {
    sync_file(from)?;
    std::fs::rename(from, to)?;
    sync_dir(folder_of(to))
}

/// Writes `bytes` to `path` privately and durably (`NAME.partial`, fsync, rename).
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let partial = with_suffix(path, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        let mut f = create_private_new(&partial)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        rename_durable(&partial, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// The folder holding `path` (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `path` with `suffix` appended to its file name (`bank.db` → `bank.db-wal`).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
