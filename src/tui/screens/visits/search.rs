//! The visit list's `/` search off the key handler: each keystroke is sent to a
//! [`Latest`] thread with its own connection (debounced; a newer keystroke interrupts a
//! running query), and the list takes in only the newest answer. When that connection
//! cannot be opened, the search runs in the key handler as before.
use crossterm::event::KeyEvent;

use super::{Visits, LIMIT};
use crate::store::visits::{VisitFilter, VisitRow};
use crate::store::{Actor, Reopen, Store, StoreError};
use crate::tui::keymap::Action;
use crate::tui::latest::{Latest, Runner};
use crate::tui::screens::{store_error_text, Ctx};
use crate::tui::widgets::list_table::Cursor;

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
    Latest::on_store(
        db,
        move |store| Search {
            store,
            actor,
            limit,
        },
        || Answer::NoThread,
    )
}

impl Visits {
    pub(super) fn on_search_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
        let k = ctx.keys;
        let field = self.search.as_mut()?;
        if k.is(key, Action::Back) {
            self.search = None;
            self.vfilter.text.clear();
            if let Some(mut job) = self.searching.take() {
                job.forget();
            }
        } else if k.is(key, Action::Open) || k.is(key, Action::Down) {
            // The list keeps the newest answer when it comes.
            self.search = None;
            return Some(true);
        } else if field.on_key(key) {
            self.vfilter.text = field.value().to_string();
            self.vcur = Cursor::default();
            if !self.search_inline {
                let job = self
                    .searching
                    .get_or_insert_with(|| start(ctx.store.reopener(), ctx.actor.clone(), LIMIT));
                job.submit(self.vfilter.clone());
                return Some(true);
            }
        } else {
            return Some(false);
        }
        if let Some(job) = &mut self.searching {
            job.forget();
        }
        self.load(ctx);
        Some(true)
    }

    /// Takes in the search thread's newest answer.
    pub(super) fn take_search(&mut self, ctx: &mut Ctx<'_>) {
        let Some(answer) = self.searching.as_mut().and_then(|j| j.poll()) else {
            return;
        };
        if self.search.is_none() {
            // The line is closed: its thread (and connection) ends here.
            self.searching = None;
        }
        match answer {
            Answer::Rows(Ok(rows)) => {
                self.visits = rows;
                self.vcur.clamp(self.visits.len());
            }
            Answer::Rows(Err(e)) => ctx.error(store_error_text(&e, ctx.i18n)),
            Answer::NoThread => {
                self.searching = None;
                self.search_inline = true;
                self.load(ctx);
            }
        }
    }
}
