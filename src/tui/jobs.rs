//! Work that takes longer than a key press: a client import runs on its own thread with
//! its own connection to the database (WAL lets the screens keep reading meanwhile) and
//! reports progress over a channel; a backup and a restore are a [`Job`], the same on a
//! smaller scale. The event loop wakes every [`TICK`] while a job runs
//! to draw its progress; with no job it blocks on the next key as usual.
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::time::Duration;

use crate::store::clients_io::{read_client_file, FileError, ImportReport};
use crate::store::{Actor, OpenError, Reopen, StoreError};

/// How often the screen is redrawn while a job runs.
pub const TICK: Duration = Duration::from_millis(100);

enum Event {
    Checking(usize),
    Progress(usize, usize),
    Finished(Result<ImportReport, Failure>),
}

/// Why an import ended without a report: kept as the error itself, so the screen shows
/// it in the user's language.
#[derive(Debug)]
pub enum Failure {
    /// The file could not be read, or is not the client format.
    File(FileError),
    /// The database could not be opened again for the import.
    Open(OpenError),
    /// The database refused.
    Store(StoreError),
    /// The import's thread stopped (a panic): nothing was imported.
    Stopped,
}

/// Where an import stands.
#[derive(Debug)]
pub enum ImportState {
    /// Reading and checking this many rows.
    Checking(usize),
    /// Writing: rows done of rows to write.
    Writing(usize, usize),
    /// Done (or refused: nothing written), with the report.
    Done(ImportReport),
    /// The file or the database could not be used at all.
    Failed(Failure),
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
            let parsed = read_client_file(&path).map_err(|e| {
                tracing::warn!("import refused: {e}");
                Failure::File(e)
            })?;
            let _ = tx.send(Event::Checking(parsed.rows.len() + parsed.errors.len()));
            let mut store = db.open().map_err(|e| {
                tracing::error!("import of {} failed: {e}", path.display());
                Failure::Open(e)
            })?;
            store
                .import_clients(&actor, &parsed, skip_invalid, &mut |done, total| {
                    let _ = tx.send(Event::Progress(done, total));
                })
                .map_err(|e| {
                    tracing::error!("import of {} failed: {e}", path.display());
                    Failure::Store(e)
                })
        })
    }

    /// Runs `work` on its own thread. A panic there is logged by the hook and becomes a
    /// failed import: this thread never touches the terminal, and nothing is half
    /// written (the import's transaction rolls back as it unwinds).
    fn spawn(
        file: PathBuf,
        work: impl FnOnce(&Sender<Event>) -> Result<ImportReport, Failure> + Send + 'static,
    ) -> ImportJob {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let run = std::panic::AssertUnwindSafe(|| work(&tx));
            let outcome = std::panic::catch_unwind(run).unwrap_or(Err(Failure::Stopped));
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
                        self.state = ImportState::Failed(Failure::Stopped);
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

enum JobEvent<P, R> {
    Progress(P),
    Finished(R),
}

/// Work on its own thread that reports progress of type `P` and ends with `R` (a backup,
/// a restore). A panic there is logged by the hook and ends the job with the value its
/// `stopped` gives.
pub struct Job<P, R> {
    rx: Receiver<JobEvent<P, R>>,
    stopped: fn() -> R,
    /// The last progress reported.
    pub progress: Option<P>,
    /// The outcome, once the work has ended.
    pub outcome: Option<R>,
}

impl<P, R> std::fmt::Debug for Job<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("finished", &self.outcome.is_some())
            .finish()
    }
}

impl<P: Send + 'static, R: Send + 'static> Job<P, R> {
    /// Runs `work` on its own thread; it reports progress through the function it is
    /// given.
    pub fn spawn(
        work: impl FnOnce(&mut dyn FnMut(P)) -> R + Send + 'static,
        stopped: fn() -> R,
    ) -> Job<P, R> {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let progress = tx.clone();
            let run = std::panic::AssertUnwindSafe(move || {
                work(&mut |p| {
                    let _ = progress.send(JobEvent::Progress(p));
                })
            });
            let outcome = std::panic::catch_unwind(run).unwrap_or_else(|_| stopped());
            let _ = tx.send(JobEvent::Finished(outcome));
        });
        Job {
            rx,
            stopped,
            progress: None,
            outcome: None,
        }
    }

    /// Takes in what the thread reported; `true` when the job has just ended.
    pub fn poll(&mut self) -> bool {
        if self.outcome.is_some() {
            return false;
        }
        loop {
            match self.rx.try_recv() {
                Ok(JobEvent::Progress(p)) => self.progress = Some(p),
                Ok(JobEvent::Finished(r)) => {
                    self.outcome = Some(r);
                    return true;
                }
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => {
                    self.outcome = Some((self.stopped)());
                    return true;
                }
            }
        }
    }

    /// Whether the job has ended.
    pub fn finished(&self) -> bool {
        self.outcome.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait<P: Send + 'static, R: Send + 'static>(job: &mut Job<P, R>) {
        for _ in 0..1000 {
            if job.poll() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the job did not end");
    }

    #[test]
    fn a_job_reports_progress_and_its_outcome() {
        let (go, wait_for_go) = channel::<()>();
        let mut job: Job<u32, Result<u32, String>> = Job::spawn(
            move |progress| {
                progress(1);
                let _ = wait_for_go.recv();
                progress(2);
                Ok(3)
            },
            || Err("stopped".into()),
        );
        while job.progress.is_none() {
            job.poll();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(job.progress, Some(1));
        assert!(!job.finished());
        go.send(()).expect("go");
        wait(&mut job);
        assert_eq!(job.progress, Some(2));
        assert_eq!(job.outcome, Some(Ok(3)));
    }

    #[test]
    fn a_panic_in_a_job_ends_it_stopped() {
        let mut job: Job<u32, Result<u32, String>> =
            Job::spawn(|_| panic!("boom"), || Err("stopped".into()));
        wait(&mut job);
        assert_eq!(job.outcome, Some(Err("stopped".into())));
    }

    #[test]
    fn a_panic_in_the_job_is_a_failed_import() {
        let mut job = ImportJob::spawn(PathBuf::from("x.csv"), |_| panic!("boom"));
        job.wait();
        assert!(
            matches!(job.state, ImportState::Failed(Failure::Stopped)),
            "{:?}",
            job.state
        );
    }
}
