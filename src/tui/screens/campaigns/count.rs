//! The campaign form's count off the key handler: at a branch of a million clients a
//! segment's count takes a quarter of a second to two seconds (a segment that reads
//! holdings is a pass over every client), so each change of
//! the filters is sent to a [`Latest`] thread with its own connection (debounced; a newer
//! change interrupts a count still running) and the form takes in only the newest
//! answer. When that connection cannot be opened, the form counts in the key handler.
use crate::domain::campaign::Segment;
use crate::store::campaign_segment::SegmentCount;
use crate::store::{Actor, Reopen, Store, StoreError};
use crate::tui::latest::{Latest, Runner};

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
    Latest::on_store(db, |store| Count { store, actor }, || CountAnswer::NoThread)
}
