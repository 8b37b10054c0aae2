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
//! (`form.rs`, `feedback_forms.rs`, `detail.rs`, `filters.rs`) take keys first.
pub mod detail;
pub mod feedback_forms;
mod filters;
pub mod form;
mod popups;
mod search;
mod tables;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::codes::{channel_key, code_text, feedback_kind_key};
use super::{store_error_text, Ctx, Screen, Target, View};
use crate::store::feedback::{FeedbackFilter, FeedbackItem};
use crate::store::visits::{VisitFilter, VisitRow};
use crate::store::Role;
use crate::tui::keymap::Action;
use crate::tui::popup::{Mapped, Stack, Step};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::list_table::Cursor;
use feedback_forms::RecordForm;
use filters::{FeedbackFilterForm, VisitFilterForm};
use form::{VisitForm, VisitSaved};
use popups::{DetailPopup, Done};

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

    fn open_detail(&mut self, ctx: &mut Ctx<'_>) {
        let (me, manager) = (self.me, self.manager);
        let today = self.today.unwrap_or_default();
        let opened = match self.tab {
            Tab::Visits => self.selected_visit().map(|r| {
                ctx.store.visit(ctx.actor, r.id).map(|d| {
                    let mine = d.rm_id == me;
                    DetailPopup::visit(d, mine, manager)
                })
            }),
            Tab::Feedback => self.selected_feedback().map(|f| {
                ctx.store
                    .feedback_item(ctx.actor, f.id)
                    .map(|d| DetailPopup::feedback(d, today))
            }),
        };
        match opened {
            Some(Ok(o)) => self.popups.push(o),
            Some(Err(e)) => ctx.error(store_error_text(&e, ctx.i18n)),
            None => {}
        }
    }

    fn open_edit(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let Some(r) = self.selected_visit() else {
                    return;
                };
                let client = format!("{} {}", r.client_no, r.client_name);
                if r.rm != ctx.actor.username {
                    ctx.error(ctx.i18n.t("err.visit.not_yours").to_string());
                    return;
                }
                match ctx.store.visit_for_edit(ctx.actor, r.id) {
                    Ok(input) => {
                        let form = VisitForm::edit(ctx.i18n, r.id, &client, &input);
                        self.popups.push(Mapped::new(form, Done::Visit));
                    }
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
            Tab::Feedback => {
                let Some(id) = self.selected_feedback().map(|f| f.id) else {
                    return;
                };
                let loaded = ctx.store.feedback_item(ctx.actor, id).and_then(|item| {
                    ctx.store
                        .feedback_handlers(ctx.actor)
                        .map(|h| RecordForm::handle(ctx.i18n, &item, &h))
                });
                match loaded {
                    Ok(form) => self.push_record(form, "status.feedback_saved"),
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
        }
    }

    fn push_record(&mut self, form: RecordForm, done: &'static str) {
        self.popups
            .push(Mapped::new(form, move |_| Done::Record(done)));
    }

    fn open_new(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let now = now_text(ctx, "%Y-%m-%d %H:%M");
                let form = VisitForm::any_client(ctx.i18n, ctx.actor.role, &now);
                self.popups.push(Mapped::new(form, Done::Visit));
            }
            Tab::Feedback => {
                let form = RecordForm::file(ctx.i18n, None, &now_text(ctx, "%Y-%m-%d"));
                self.push_record(form, "status.feedback_filed");
            }
        }
    }

    fn open_return_call(&mut self, ctx: &mut Ctx<'_>) {
        if !self.manager || self.tab != Tab::Visits {
            return;
        }
        if let Some(r) = self.selected_visit() {
            let client = format!("{} {}", r.client_no, r.client_name);
            let form = RecordForm::return_call(ctx.i18n, r.id, &client);
            self.push_record(form, "status.return_recorded");
        }
    }

    fn open_filter(&mut self, ctx: &mut Ctx<'_>) {
        match self.tab {
            Tab::Visits => {
                let rms = if self.manager {
                    ctx.store.feedback_handlers(ctx.actor).unwrap_or_default()
                } else {
                    Vec::new()
                };
                let form = VisitFilterForm::new(ctx.i18n, &self.vfilter, &self.vlabels, &rms);
                self.popups.push(form);
            }
            Tab::Feedback => {
                self.popups
                    .push(FeedbackFilterForm::new(ctx.i18n, &self.ffilter));
            }
        }
    }

    /// Keys of the open popup; `None` when nothing is open.
    fn on_popup_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
        let step = self.popups.on_key(key, ctx)?;
        let used = step.used();
        let closed = step.closes();
        if let Step::Done(done) = step {
            match done {
                Done::Visit(VisitSaved::New(rec, _)) => {
                    let key = if rec.task_id.is_some() {
                        "status.visit_saved_task"
                    } else {
                        "status.visit_saved"
                    };
                    ctx.info(ctx.i18n.t(key).to_string());
                }
                Done::Visit(VisitSaved::Edited(_)) => {
                    ctx.info(ctx.i18n.t("status.visit_edited").to_string());
                }
                Done::Record(key) => ctx.info(ctx.i18n.t(key).to_string()),
                Done::VisitFilter(filter, labels) => {
                    self.vfilter = filter;
                    self.vlabels = labels;
                    self.vcur = Cursor::default();
                }
                Done::FeedbackFilter(filter) => {
                    self.ffilter = filter;
                    self.fcur = Cursor::default();
                }
                Done::Edit => {
                    self.open_edit(ctx);
                    return Some(true);
                }
                Done::ReturnCall => {
                    self.open_return_call(ctx);
                    return Some(true);
                }
            }
        }
        if closed {
            self.load(ctx);
        }
        Some(used)
    }

    fn on_search_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
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
                let job = self.searching.get_or_insert_with(|| {
                    search::start(ctx.store.reopener(), ctx.actor.clone(), LIMIT)
                });
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
    fn take_search(&mut self, ctx: &mut Ctx<'_>) {
        let Some(answer) = self.searching.as_mut().and_then(|j| j.poll()) else {
            return;
        };
        if self.search.is_none() {
            // The line is closed: its thread (and connection) ends here.
            self.searching = None;
        }
        match answer {
            search::Answer::Rows(Ok(rows)) => {
                self.visits = rows;
                self.vcur.clamp(self.visits.len());
            }
            search::Answer::Rows(Err(e)) => ctx.error(store_error_text(&e, ctx.i18n)),
            search::Answer::NoThread => {
                self.searching = None;
                self.search_inline = true;
                self.load(ctx);
            }
        }
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

    fn filter_line(&self, v: &View<'_>) -> String {
        let i = v.i18n;
        let mut parts = Vec::new();
        match self.tab {
            Tab::Visits => {
                let f = &self.vfilter;
                match (f.from, f.to) {
                    (None, None) => {}
                    (from, to) => parts.push(format!(
                        "{} – {}",
                        from.map(|d| d.to_string()).unwrap_or_default(),
                        to.map(|d| d.to_string()).unwrap_or_default()
                    )),
                }
                if let Some(c) = &f.channel {
                    parts.push(code_text(i, channel_key(c), c));
                }
                parts.extend(self.vlabels.iter().cloned());
                if f.unchecked_only {
                    parts.push(i.t("visits.filter.unchecked").to_string());
                }
                if !f.text.trim().is_empty() {
                    parts.push(format!("“{}”", f.text.trim()));
                }
            }
            Tab::Feedback => {
                let f = &self.ffilter;
                if f.pending_only {
                    parts.push(i.t("feedback.filter.pending").to_string());
                }
                if let Some(kind) = &f.kind {
                    parts.push(code_text(i, feedback_kind_key(kind), kind));
                }
            }
        }
        if parts.is_empty() {
            let key = match self.tab {
                Tab::Visits => "visits.no_filters",
                Tab::Feedback => "feedback.no_filters",
            };
            i.f(key, &[("key", &v.keys.primary(Action::Filter))])
        } else {
            parts.join(" · ")
        }
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let tab = |t: Tab, key: &str| {
            let style = if self.tab == t {
                v.theme.selected
            } else {
                v.theme.dim
            };
            Span::styled(format!(" {} ", i.t(key)), style)
        };
        let line = Line::from(vec![
            tab(Tab::Visits, "visits.tab.visits"),
            Span::raw(" "),
            tab(Tab::Feedback, "visits.tab.feedback"),
            Span::styled(
                format!(
                    "  {} {}",
                    v.keys.primary(Action::NextTab),
                    i.t("visits.tab.switch")
                ),
                v.theme.dim,
            ),
        ]);
        f.render_widget(Paragraph::new(line), area);
    }

    fn draw_filter_line(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        if let Some(field) = &self.search {
            let label = format!("{}: ", v.i18n.t("visits.search"));
            let w = crate::tui::widgets::field::cols(&label).min(area.width);
            f.render_widget(
                Paragraph::new(Span::styled(label, v.theme.title)),
                Rect::new(area.x, area.y, w, 1),
            );
            field.draw_value(
                f,
                Rect::new(area.x + w, area.y, area.width - w, 1),
                true,
                v.theme,
            );
            return;
        }
        f.render_widget(
            Paragraph::new(Span::styled(self.filter_line(v), v.theme.dim)),
            area,
        );
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
