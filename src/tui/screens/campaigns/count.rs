//! The campaign form's count off the key handler: at a branch of a million clients a
//! segment's count is a pass over every client (one to two seconds), so each change of
//! the filters is sent to a [`Latest`] thread with its own connection (debounced; a newer
//! change interrupts a count still running) and the form takes in only the newest
//! answer. When that connection cannot be opened, the form counts in the key handler.
use crate::domain::campaign::Segment;
use crate::store::campaign_segment::SegmentCount;
use crate::store::{Actor, Reopen, Store, StoreError};
use crate::tui::latest::{Latest, Runner, DEBOUNCE};

/// What to count: the segment and the campaign's product (a code), if any.
pub type CountQuery = (Segment, Option<String>);

/// An answer of the count thread.
#[derive(Debug)]
pub enum CountAnswer {
    /// The count (or why not).
    Counted(Result<SegmentCount, StoreError>),
    /// The thread has no connection: count in the key handler.
    NoThread,
}

/// The count thread of a campaign form.
pub type CountJob = Latest<CountQuery, CountAnswer>;

struct Count {
    store: Store,
    actor: Actor,
}

impl Runner<CountQuery, CountAnswer> for Count {
    fn run(&mut self, (segment, product): &CountQuery) -> Option<CountAnswer> {
        match self
            .store
            .segment_count(&self.actor, segment, product.as_deref())
        {
            Err(e) if e.is_interrupted() => None,
            r => Some(CountAnswer::Counted(r)),
        }
    }
}

/// Starts the count thread on a connection of its own to the database.
pub fn start(db: Reopen, actor: Actor) -> CountJob {
    Latest::spawn(DEBOUNCE, move || match db.open() {
        Ok(store) => {
            let interrupter = store.interrupter();
            let stop: Box<dyn Fn() + Send> = Box::new(move || interrupter.interrupt());
            Ok((Count { store, actor }, stop))
        }
        Err(e) => {
            tracing::warn!("the campaign form counts in the key handler: {e}");
            Err(CountAnswer::NoThread)
        }
    })
}
