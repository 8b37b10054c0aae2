//! The visit list's `/` search off the key handler: each keystroke is sent to a
//! [`Latest`] thread with its own connection (debounced; a newer keystroke interrupts a
//! running query), and the list takes in only the newest answer. When that connection
//! cannot be opened, the search runs in the key handler as before.
use crate::store::visits::{VisitFilter, VisitRow};
use crate::store::{Actor, Reopen, Store, StoreError};
use crate::tui::latest::{Latest, Runner, DEBOUNCE};

/// An answer of the search thread.
#[derive(Debug)]
pub enum Answer {
    /// The visits found (or why not).
    Rows(Result<Vec<VisitRow>, StoreError>),
    /// The thread has no connection: search in the key handler.
    NoThread,
}

/// The search thread of the visit list.
pub type SearchJob = Latest<VisitFilter, Answer>;

struct Search {
    store: Store,
    actor: Actor,
    limit: usize,
}

impl Runner<VisitFilter, Answer> for Search {
    fn run(&mut self, filter: &VisitFilter) -> Option<Answer> {
        match self.store.visit_list(&self.actor, filter, self.limit) {
            Err(e) if e.is_interrupted() => None,
            r => Some(Answer::Rows(r)),
        }
    }
}

/// Starts the search thread on a connection of its own to the database.
pub fn start(db: Reopen, actor: Actor, limit: usize) -> SearchJob {
    Latest::spawn(DEBOUNCE, move || match db.open() {
        Ok(store) => {
            let interrupter = store.interrupter();
            let stop: Box<dyn Fn() + Send> = Box::new(move || interrupter.interrupt());
            Ok((
                Search {
                    store,
                    actor,
                    limit,
                },
                stop,
            ))
        }
        Err(e) => {
            tracing::warn!("the visit search runs in the key handler: {e}");
            Err(Answer::NoThread)
        }
    })
}
