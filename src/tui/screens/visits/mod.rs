//! Visits and feedback (F4): two tabs over one screen.
//!
//! - **Visits**: the user's call reports newest first (a manager: the branch's, with the
//!   RM column), filtered by date range, channel, client, RM and "not yet checked";
//!   `/` searches the summaries as you type. Enter shows one visit, `n` records one for
//!   any client, `e` edits (the store keeps the original in the audit log), `c` records a
//!   manager's return call.
//! - **Feedback**: complaints, suggestions and praise, still-pending items first by
//!   deadline; complaints at or past their deadline in the warning style. `n` files one,
//!   `e` handles it (status, handler, resolution, satisfaction).
//!
//! Lists are read from the store on every change (at most [`LIMIT`] rows); popups
//! (`form.rs`, `feedback_forms.rs`, `detail.rs`, `filters.rs`) take keys first, opened
//! by `open.rs`; `header.rs` draws the tabs and the filter line, `search.rs` runs `/`.
pub mod detail;
pub mod feedback_forms;
mod filters;
pub mod form;
mod header;
mod open;
mod popups;
mod search;
mod tables;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, Target, View};
use crate::store::feedback::{FeedbackFilter, FeedbackItem};
use crate::store::visits::{VisitFilter, VisitRow};
use crate::store::Role;
use crate::tui::keymap::Action;
use crate::tui::popup::Stack;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::Cursor;
use popups::Done;

/// The most rows a list reads.
pub const LIMIT: usize = 500;

/// Which tab shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    /// Call reports.
    #[default]
    Visits,
    /// Complaints, suggestions, praise.
    Feedback,
}

/// The visits and feedback screen.
#[derive(Debug, Default)]
pub struct Visits {
    tab: Tab,
    visits: Vec<VisitRow>,
    vcur: Cursor,
    vfilter: VisitFilter,
    /// What the filter line says of the client and RM filters.
    vlabels: Vec<String>,
    feedback: Vec<FeedbackItem>,
    fcur: Cursor,
    ffilter: FeedbackFilter,
    /// The summary search line while open.
    search: Option<Field>,
    /// The search's thread while the line is open (`None`: not started, or it has no
    /// connection and the search runs in the key handler).
    searching: Option<search::SearchJob>,
    /// The search thread could not open the database: search in the key handler.
    search_inline: bool,
    /// The forms, filters and details over the lists.
    popups: Stack<Done>,
    today: Option<NaiveDate>,
    manager: bool,
    me: i64,
}

fn now_text(ctx: &Ctx<'_>, format: &str) -> String {
    ctx.store
        .zone()
        .local(ctx.store.now())
        .format(format)
        .to_string()
}

impl Visits {
    /// Shows `tab` (home and the client 360 view send the user to feedback).
    pub fn show_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.popups.clear();
        self.search = None;
    }

    /// Shows feedback item `id` (home's complaint lines): the feedback tab with every item,
    /// the item selected and its detail open.
    pub fn show_feedback(&mut self, id: i64, ctx: &mut Ctx<'_>) {
        self.show_tab(Tab::Feedback);
        self.ffilter = FeedbackFilter::default();
        self.load(ctx);
        if let Some(at) = self.feedback.iter().position(|f| f.id == id) {
            self.fcur.selected = at;
            self.open_detail(ctx);
        }
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let loaded = match self.tab {
            Tab::Visits => ctx
                .store
                .visit_list(ctx.actor, &self.vfilter, LIMIT)
                .map(|rows| {
                    self.visits = rows;
                    self.vcur.clamp(self.visits.len());
                }),
            Tab::Feedback => ctx
                .store
                .feedback_list(ctx.actor, &self.ffilter, LIMIT)
                .map(|rows| {
                    self.feedback = rows;
                    self.fcur.clamp(self.feedback.len());
                }),
        };
        if let Err(e) = loaded {
            ctx.error(store_error_text(&e, ctx.i18n));
        }
    }

    fn selected_visit(&self) -> Option<&VisitRow> {
        self.visits.get(self.vcur.selected)
    }

    fn selected_feedback(&self) -> Option<&FeedbackItem> {
        self.feedback.get(self.fcur.selected)
    }

    fn move_key(&mut self, key: &KeyEvent, ctx: &Ctx<'_>) -> bool {
        let k = ctx.keys;
        let (cur, len) = match self.tab {
            Tab::Visits => (&mut self.vcur, self.visits.len()),
            Tab::Feedback => (&mut self.fcur, self.feedback.len()),
        };
        if k.is(key, Action::Up) {
            cur.step(-1, len);
        } else if k.is(key, Action::Down) {
            cur.step(1, len);
        } else if k.is(key, Action::PageUp) {
            cur.page_by(-1, len);
        } else if k.is(key, Action::PageDown) {
            cur.page_by(1, len);
        } else if k.is(key, Action::First) {
            cur.selected = 0;
        } else if k.is(key, Action::Last) {
            cur.selected = len.saturating_sub(1);
        } else {
            return false;
        }
        true
    }
}

impl Screen for Visits {
    fn title_key(&self) -> &'static str {
        "screen.visits"
    }

    fn show(&mut self, target: Target, ctx: &mut Ctx<'_>) {
        match target {
            Target::Feedback { id, .. } => self.show_feedback(id, ctx),
            Target::Complaints => {
                self.show_tab(Tab::Feedback);
                self.ffilter = FeedbackFilter {
                    pending_only: true,
                    kind: Some("complaint".into()),
                    client_id: None,
                };
                self.fcur = Cursor::default();
                self.load(ctx);
            }
            Target::VisitsToCheck => {
                self.show_tab(Tab::Visits);
                let today = ctx.store.today();
                self.vfilter = VisitFilter {
                    from: today
                        .checked_sub_days(chrono::Days::new(crate::store::team::RETURN_CALL_DAYS)),
                    unchecked_only: true,
                    ..VisitFilter::default()
                };
                self.vlabels.clear();
                self.vcur = Cursor::default();
                self.load(ctx);
            }
            _ => {}
        }
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.manager = ctx.actor.role == Role::Manager;
        self.me = ctx.actor.user_id;
        self.today = Some(ctx.store.today());
        self.load(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if let Some(used) = self.on_popup_key(key, ctx) {
            return used;
        }
        if let Some(used) = self.on_search_key(key, ctx) {
            return used;
        }
        let k = ctx.keys;
        if k.is(key, Action::NextTab) {
            self.tab = match self.tab {
                Tab::Visits => Tab::Feedback,
                Tab::Feedback => Tab::Visits,
            };
            self.load(ctx);
        } else if self.move_key(key, ctx) {
        } else if k.is(key, Action::Open) {
            self.open_detail(ctx);
        } else if k.is(key, Action::Edit) {
            self.open_edit(ctx);
        } else if k.is(key, Action::New) {
            self.open_new(ctx);
        } else if k.is(key, Action::Filter) {
            self.open_filter(ctx);
        } else if k.is(key, Action::Search) && self.tab == Tab::Visits {
            let field = Field::text("search", ctx.i18n.t("visits.search"), &self.vfilter.text);
            self.search = Some(field);
        } else if k.is(key, Action::ReturnCall) && self.manager && self.tab == Tab::Visits {
            self.open_return_call(ctx);
        } else {
            return false;
        }
        true
    }

    fn busy(&self) -> bool {
        self.searching.as_ref().is_some_and(|j| j.waiting())
    }

    fn tick(&mut self, ctx: &mut Ctx<'_>) {
        self.take_search(ctx);
    }

    fn on_paste(&mut self, text: &str) {
        if !self.popups.is_empty() {
            self.popups.paste(text);
        } else if let Some(field) = &mut self.search {
            field.paste(text);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let [tabs, filter, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        self.draw_tabs(f, tabs, v);
        self.draw_filter_line(f, filter, v);
        match self.tab {
            Tab::Visits => self.visit_table(body, v).draw(f, body, &self.vcur, v),
            Tab::Feedback => self.feedback_table(body, v).draw(f, body, &self.fcur, v),
        }
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
        }
        if self.search.is_some() {
            return vec![Action::Back, Action::Open];
        }
        let mut a = vec![
            Action::NextTab,
            Action::Open,
            Action::New,
            Action::Edit,
            Action::Filter,
        ];
        if self.tab == Tab::Visits {
            a.push(Action::Search);
            if self.manager {
                a.push(Action::ReturnCall);
            }
        }
        a.extend([Action::Up, Action::Down]);
        a
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
