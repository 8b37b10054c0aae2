//! Work that takes longer than a key press: a client import runs on its own thread with
//! its own connection to the database (WAL lets the screens keep reading meanwhile) and
//! reports progress over a channel. The event loop wakes every [`TICK`] while a job runs
//! to draw its progress; with no job it blocks on the next key as usual.
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::time::Duration;

use crate::store::clients_io::{read_client_file, ImportReport};
use crate::store::{Actor, Reopen};

/// What a failed import says when its thread stopped: nothing was imported.
pub const STOPPED: &str = "the import stopped unexpectedly; nothing was imported (see the log)";

/// How often the screen is redrawn while a job runs.
pub const TICK: Duration = Duration::from_millis(100);

enum Event {
    Checking(usize),
    Progress(usize, usize),
    Finished(Result<ImportReport, String>),
}

/// Where an import stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportState {
    /// Reading and checking this many rows.
    Checking(usize),
    /// Writing: rows done of rows to write.
    Writing(usize, usize),
    /// Done (or refused: nothing written), with the report.
    Done(ImportReport),
    /// The file or the database could not be used at all.
    Failed(String),
}

/// A client import running in the background.
pub struct ImportJob {
    rx: Receiver<Event>,
    /// The file being imported.
    pub file: PathBuf,
    /// Where it stands.
    pub state: ImportState,
}

impl std::fmt::Debug for ImportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportJob")
            .field("file", &self.file)
            .field("state", &self.state)
            .finish()
    }
}

impl ImportJob {
    /// Starts importing `file` into the database `db` (on its store's clock) as `actor`.
    pub fn start(db: Reopen, actor: Actor, file: PathBuf, skip_invalid: bool) -> ImportJob {
        let path = file.clone();
        ImportJob::spawn(file, move |tx| {
            let parsed = read_client_file(&path).map_err(|e| e.to_string())?;
            let _ = tx.send(Event::Checking(parsed.rows.len() + parsed.errors.len()));
            let mut store = db.open().map_err(|e| e.to_string())?;
            store
                .import_clients(&actor, &parsed, skip_invalid, &mut |done, total| {
                    let _ = tx.send(Event::Progress(done, total));
                })
                .map_err(|e| {
                    tracing::error!("import of {} failed: {e}", path.display());
                    e.to_string()
                })
        })
    }

    /// Runs `work` on its own thread. A panic there is logged by the hook and becomes a
    /// failed import: this thread never touches the terminal, and nothing is half
    /// written (the import's transaction rolls back as it unwinds).
    fn spawn(
        file: PathBuf,
        work: impl FnOnce(&Sender<Event>) -> Result<ImportReport, String> + Send + 'static,
    ) -> ImportJob {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let run = std::panic::AssertUnwindSafe(|| work(&tx));
            let outcome =
                std::panic::catch_unwind(run).unwrap_or_else(|_| Err(STOPPED.to_string()));
            let _ = tx.send(Event::Finished(outcome));
        });
        ImportJob {
            rx,
            file,
            state: ImportState::Checking(0),
        }
    }

    /// Takes in what the thread reported; returns `true` when the job has just ended.
    pub fn poll(&mut self) -> bool {
        loop {
            match self.rx.try_recv() {
                Ok(Event::Checking(n)) => self.state = ImportState::Checking(n),
                Ok(Event::Progress(done, total)) => self.state = ImportState::Writing(done, total),
                Ok(Event::Finished(Ok(report))) => {
                    self.state = ImportState::Done(report);
                    return true;
                }
                Ok(Event::Finished(Err(e))) => {
                    self.state = ImportState::Failed(e);
                    return true;
                }
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => {
                    if !self.finished() {
                        self.state = ImportState::Failed(STOPPED.into());
                        return true;
                    }
                    return false;
                }
            }
        }
    }

    /// Whether the job has ended.
    pub fn finished(&self) -> bool {
        matches!(self.state, ImportState::Done(_) | ImportState::Failed(_))
    }

    /// Waits (tests) until the job ends.
    pub fn wait(&mut self) {
        while !self.finished() {
            if !self.poll() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_job_is_a_failed_import() {
        let mut job = ImportJob::spawn(PathBuf::from("x.csv"), |_| panic!("boom"));
        job.wait();
        assert_eq!(job.state, ImportState::Failed(STOPPED.to_string()));
    }
}
