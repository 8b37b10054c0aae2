//! Private, durable files: everything rmdesk writes for the user goes through here.
//!
//! - **Private.** Files are created `0600` and the data folder `0700`, whatever the
//!   umask: the database, its `-wal` and `-shm` (SQLite gives them the database's mode),
//!   the log, backups and exports (an unmasked export holds full ID numbers). The mode
//!   is set explicitly after creation, because the umask can only take bits away.
//! - **Durable.** A file the program says it wrote is written beside its target as
//!   `NAME.partial`, flushed to disk (`fsync`), renamed over the target, and then its
//!   folder is flushed too, so that after a power loss the target is either the old file
//!   or the complete new one — never empty or half-written.
//!
//! On systems without Unix modes the permission steps do nothing.
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Mode of every file rmdesk creates.
pub const FILE_MODE: u32 = 0o600;
/// Mode of the data folder (and any folder rmdesk creates for its files).
pub const DIR_MODE: u32 = 0o700;

/// Sets `path`'s mode to `mode` (no-op without Unix modes).
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

/// Makes `dir` and any missing parents; every folder this call creates is `0700`, and
/// `dir` itself is made `0700` even when it already existed (it holds the data).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    std::fs::create_dir_all(dir)?;
    for d in &missing {
        set_mode(d, DIR_MODE)?;
    }
    set_mode(dir, DIR_MODE)
}

/// Options that create a file with mode `0600` (before the umask; callers then
/// [`set_mode`] so the umask cannot widen or narrow it).
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

/// Opens `path` for appending, creating it `0600` if missing (the log). An existing
/// file is narrowed to `0600`.
pub fn open_private_append(path: &Path) -> io::Result<File> {
    let file = private_options().create(true).append(true).open(path)?;
    set_mode(path, FILE_MODE)?;
    Ok(file)
}

/// Flushes a folder's entries (a rename or a new file in it) to disk. A no-op where
/// folders cannot be opened as files.
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

/// `NAME.partial` beside `path`: where [`write_private_atomic`] writes first.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    PathBuf::from(partial)
}

/// Writes `path` privately and durably: `write` fills `NAME.partial` (mode `0600`,
/// buffered), which is then `fsync`ed, renamed over `path`, and the folder `fsync`ed.
/// When `write` or any step fails, the partial file is removed and `path` is left as
/// it was. Returns what `write` returned.
///
/// ```no_run
/// # use std::io::Write;
/// rmdesk::store::files::write_private_atomic(std::path::Path::new("out.csv"), |w| {
///     w.write_all(b"a,b\r\n")
/// })?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_private_atomic<T, E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<io::Error>,
{
    let partial = partial_path(path);
    let result = write_then_rename(path, &partial, write);
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn write_then_rename<T, E>(
    path: &Path,
    partial: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<io::Error>,
{
    // A partial file left by an earlier crash is ours to replace.
    match std::fs::remove_file(partial) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let file = create_private_new(partial)?;
    let mut out = BufWriter::new(file);
    let value = write(&mut out)?;
    out.flush()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(partial, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))?;
    Ok(value)
}

/// Writes `bytes` to `path` as [`write_private_atomic`] does.
pub fn write_private_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_private_atomic(path, |w| w.write_all(bytes))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn atomic_write_is_private_and_replaces_the_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("old");
        set_mode(&target, 0o644).expect("chmod");
        write_private_bytes(&target, b"new").expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"new");
        assert_eq!(mode(&target), 0o600);
        assert!(!partial_path(&target).exists());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_partial() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").expect("old");
        let r: io::Result<()> = write_private_atomic(&target, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("stop"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&target).expect("read"), b"old");
        assert!(!partial_path(&target).exists());
    }

    #[test]
    fn folders_are_private_and_files_are_created_new() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("a/b");
        create_private_dir(&data).expect("dirs");
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let f = data.join("x.db");
        create_private_new(&f).expect("new");
        assert_eq!(mode(&f), 0o600);
        assert!(
            create_private_new(&f).is_err(),
            "never over an existing file"
        );
        let log = data.join("rmdesk.log");
        std::fs::write(&log, "x").expect("log");
        set_mode(&log, 0o666).expect("chmod");
        open_private_append(&log).expect("append");
        assert_eq!(mode(&log), 0o600);
    }
}
