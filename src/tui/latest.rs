//! A search as you type that never makes a keystroke wait: each query goes to a thread
//! of its own (with its own connection), which waits [`DEBOUNCE`] for the next keystroke
//! before it runs anything; a keystroke that comes while a query runs interrupts it
//! (SQLite's interrupt), and only the answer to the newest query is ever taken in. The
//! screen stays responsive because the key handler only sends; the event loop wakes
//! every [`super::jobs::TICK`] while an answer is awaited.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::store::{Reopen, Store};

/// How long the thread waits for a newer keystroke before it runs a query.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// Interrupts what the thread is running (set once its connection is open).
type Cancel = Arc<Mutex<Option<Box<dyn Fn() + Send>>>>;

/// What [`Latest`] runs on its thread.
pub trait Runner<Q, R>: Send + 'static {
    /// Runs `query`; `None` when it was interrupted before it finished.
    fn run(&mut self, query: &Q) -> Option<R>;
}

/// The newest-query-wins search thread.
pub struct Latest<Q, R> {
    tx: Sender<(u64, Q)>,
    rx: Receiver<(u64, R)>,
    newest: Arc<AtomicU64>,
    running: Arc<AtomicU64>,
    cancel: Cancel,
    /// An answer to the newest query is still to come.
    waiting: bool,
}

impl<Q, R> std::fmt::Debug for Latest<Q, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Latest")
            .field("newest", &self.newest.load(Ordering::SeqCst))
            .field("waiting", &self.waiting)
            .finish()
    }
}

impl<Q: Send + 'static, R: Send + 'static> Latest<Q, R> {
    /// Starts the thread: `open` makes its runner there (and says how to interrupt it);
    /// when `open` fails, every answer is `failed`.
    pub fn spawn<U: Runner<Q, R>>(
        debounce: Duration,
        open: impl FnOnce() -> Result<(U, Box<dyn Fn() + Send>), R> + Send + 'static,
    ) -> Self {
        let (tx, work) = channel::<(u64, Q)>();
        let (answer, rx) = channel();
        let newest = Arc::new(AtomicU64::new(0));
        let running = Arc::new(AtomicU64::new(0));
        let cancel: Cancel = Arc::new(Mutex::new(None));
        let (n, r, c) = (newest.clone(), running.clone(), cancel.clone());
        std::thread::spawn(move || worker(debounce, work, answer, n, r, c, open));
        Latest {
            tx,
            rx,
            newest,
            running,
            cancel,
            waiting: false,
        }
    }

    /// Starts the thread on a connection of its own to the database `db` reopens (a
    /// newer query interrupts the running one through it), with the runner `make` builds
    /// on that store. When the database cannot be opened there, every answer is
    /// `no_thread`: the screen then runs its queries in the key handler.
    pub fn on_store<U: Runner<Q, R>>(
        db: Reopen,
        make: impl FnOnce(Store) -> U + Send + 'static,
        no_thread: fn() -> R,
    ) -> Self {
        Latest::spawn(DEBOUNCE, move || match db.open() {
            Ok(store) => {
                let interrupter = store.interrupter();
                let stop: Box<dyn Fn() + Send> = Box::new(move || interrupter.interrupt());
                Ok((make(store), stop))
            }
            Err(e) => {
                tracing::warn!("a search as you type runs in the key handler: {e}");
                Err(no_thread())
            }
        })
    }

    /// Asks for `query`: returns at once. A query still waiting is dropped; one running
    /// is interrupted.
    pub fn submit(&mut self, query: Q) {
        let id = self.newest.fetch_add(1, Ordering::SeqCst) + 1;
        self.waiting = self.tx.send((id, query)).is_ok();
        self.interrupt_stale(id);
    }

    /// Forgets every query asked so far (their answers are never taken in).
    pub fn forget(&mut self) {
        let id = self.newest.fetch_add(1, Ordering::SeqCst) + 1;
        self.waiting = false;
        self.interrupt_stale(id);
    }

    fn interrupt_stale(&self, newest: u64) {
        let running = self.running.load(Ordering::SeqCst);
        if running != 0 && running < newest {
            if let Ok(cancel) = self.cancel.lock() {
                if let Some(c) = cancel.as_ref() {
                    c();
                }
            }
        }
    }

    /// The answer to the newest query, once it has come; stale answers are dropped.
    pub fn poll(&mut self) -> Option<R> {
        let mut out = None;
        loop {
            match self.rx.try_recv() {
                Ok((id, r)) if id == self.newest.load(Ordering::SeqCst) => {
                    self.waiting = false;
                    out = Some(r);
                }
                Ok(_) => {}
                Err(TryRecvError::Empty) => return out,
                Err(TryRecvError::Disconnected) => {
                    self.waiting = false;
                    return out;
                }
            }
        }
    }

    /// Whether an answer to the newest query is still to come.
    pub fn waiting(&self) -> bool {
        self.waiting
    }
}

fn worker<Q, R, U: Runner<Q, R>>(
    debounce: Duration,
    work: Receiver<(u64, Q)>,
    answer: Sender<(u64, R)>,
    newest: Arc<AtomicU64>,
    running: Arc<AtomicU64>,
    cancel: Cancel,
    open: impl FnOnce() -> Result<(U, Box<dyn Fn() + Send>), R>,
) {
    let Ok(mut next) = work.recv() else { return };
    let mut runner = match open() {
        Ok((runner, interrupt)) => {
            if let Ok(mut c) = cancel.lock() {
                *c = Some(interrupt);
            }
            Some(runner)
        }
        Err(failed) => {
            let _ = answer.send((next.0, failed));
            None
        }
    };
    loop {
        // Wait for the typing to pause: a newer query replaces this one.
        loop {
            match work.recv_timeout(debounce) {
                Ok(newer) => next = newer,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let (id, query) = &next;
        if let Some(runner) = runner.as_mut() {
            if *id == newest.load(Ordering::SeqCst) {
                running.store(*id, Ordering::SeqCst);
                let result = runner.run(query);
                running.store(0, Ordering::SeqCst);
                let sent = match result {
                    Some(r) => answer.send((*id, r)).is_ok(),
                    // Interrupted: run again if it is still the newest (an interrupt
                    // meant for the query before it may land on it).
                    None if *id == newest.load(Ordering::SeqCst) => continue,
                    None => true,
                };
                if !sent {
                    return;
                }
            }
        }
        match work.recv() {
            Ok(n) => next = n,
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::time::Instant;

    /// Answers the length of the query; "slow" runs until it is interrupted.
    struct Fake {
        stop: Arc<AtomicBool>,
        ran: Arc<Mutex<Vec<String>>>,
    }

    impl Runner<String, usize> for Fake {
        fn run(&mut self, q: &String) -> Option<usize> {
            if let Ok(mut ran) = self.ran.lock() {
                ran.push(q.clone());
            }
            if q.starts_with("slow") {
                let t = Instant::now();
                while !self.stop.swap(false, Ordering::SeqCst) {
                    if t.elapsed() > Duration::from_secs(10) {
                        return Some(usize::MAX);
                    }
                    std::thread::yield_now();
                }
                return None;
            }
            self.stop.store(false, Ordering::SeqCst);
            Some(q.len())
        }
    }

    fn fake(debounce: Duration) -> (Latest<String, usize>, Arc<Mutex<Vec<String>>>) {
        let ran = Arc::new(Mutex::new(Vec::new()));
        let r = ran.clone();
        let job = Latest::spawn(debounce, move || {
            let stop = Arc::new(AtomicBool::new(false));
            let s = stop.clone();
            let interrupt: Box<dyn Fn() + Send> = Box::new(move || s.store(true, Ordering::SeqCst));
            Ok((Fake { stop, ran: r }, interrupt))
        });
        (job, ran)
    }

    fn wait(job: &mut Latest<String, usize>) -> Option<usize> {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if let Some(r) = job.poll() {
                return Some(r);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }

    #[test]
    fn keystrokes_within_the_pause_run_only_the_last_query() {
        // A long pause, so the keystrokes (sent at once) all fall within it.
        let (mut job, ran) = fake(Duration::from_millis(300));
        for q in ["b", "bo", "bon", "bond"] {
            job.submit(q.to_string());
        }
        assert!(job.waiting());
        assert_eq!(wait(&mut job), Some(4));
        assert!(!job.waiting());
        assert_eq!(*ran.lock().expect("ran"), vec!["bond".to_string()]);
    }

    #[test]
    fn a_newer_keystroke_interrupts_the_running_query_and_only_its_answer_comes() {
        let (mut job, ran) = fake(Duration::from_millis(1));
        job.submit("slow".to_string());
        // Until the slow query is running.
        let t = Instant::now();
        while ran.lock().expect("ran").is_empty() && t.elapsed() < Duration::from_secs(10) {
            std::thread::yield_now();
        }
        job.submit("fast".to_string());
        assert_eq!(wait(&mut job), Some(4), "the newest query's answer");
        // Nothing of the slow query ever arrives.
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(job.poll(), None);
        assert_eq!(
            *ran.lock().expect("ran"),
            vec!["slow".to_string(), "fast".to_string()]
        );
    }

    #[test]
    fn a_forgotten_query_never_answers() {
        let (mut job, _) = fake(Duration::from_millis(1));
        job.submit("abc".to_string());
        job.forget();
        assert!(!job.waiting());
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(job.poll(), None);
    }
}
