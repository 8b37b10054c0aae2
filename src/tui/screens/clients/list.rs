//! The client list: a window of a few pages around the selection, fetched in keyset
//! pages (never an offset, never every row) as the selection moves; and the search
//! results that take the table's place while `/` is open.
use std::cell::Cell;
use std::collections::BTreeMap;

use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::table::ClientTable;
use crate::domain::search_terms::PHONE_FRAGMENT_MIN;
use crate::store::clients::{ClientSummary, ListSpec, PageFrom, PageKey, SortKey};
use crate::tui::keymap::Action;
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::Field;

/// Rows fetched per page.
pub const PAGE: usize = 50;
/// Most rows held in memory: three pages around the selection.
pub const WINDOW_MAX: usize = 3 * PAGE;
/// A page is fetched when the selection comes this close to an edge of the window.
const MARGIN: usize = 10;
/// Most search results shown.
pub const SEARCH_LIMIT: usize = 200;
/// Rows read per statement when `a` marks the whole list.
const MARK_PAGE: usize = 1000;

/// The search line and its results.
#[derive(Debug, Clone)]
pub struct Search {
    input: Field,
    results: Vec<ClientSummary>,
    selected: usize,
    offset: Cell<usize>,
}

/// The list's state.
#[derive(Debug, Default)]
pub struct ClientList {
    /// Sort and filters.
    pub spec: ListSpec,
    /// Clients in the list (all pages), counted on reload.
    count: u64,
    rows: Vec<ClientSummary>,
    keys: Vec<PageKey>,
    selected: usize,
    /// The window holds the first row of the list.
    at_start: bool,
    /// The window holds the last row of the list.
    at_end: bool,
    /// Position in the whole list of the window's first row, when known.
    first_pos: Option<u64>,
    /// Table scroll (first row shown), kept by drawing.
    offset: Cell<usize>,
    /// Rows the table showed at the last draw: the step of PageUp / PageDown.
    visible: Cell<usize>,
    /// Open search, if any.
    pub search: Option<Search>,
    /// Name of the owner filtered on (for the filter line).
    pub owner_name: Option<String>,
    /// Clients marked for a hand-over: id → (client no., owner's username).
    pub marked: BTreeMap<i64, (String, String)>,
}

impl ClientList {
    /// Rows held in memory.
    pub fn rows_in_memory(&self) -> usize {
        self.rows.len()
    }

    /// Marks every client of the list as filtered (all pages), or clears the marks when
    /// they are all marked already.
    fn mark_all(&mut self, ctx: &mut Ctx<'_>) {
        let mut from = PageFrom::Start;
        let mut all = BTreeMap::new();
        loop {
            match ctx
                .store
                .client_page(ctx.actor, &self.spec, &from, MARK_PAGE)
            {
                Ok(page) => {
                    for c in &page.rows {
                        all.insert(c.id, (c.client_no.clone(), c.owner.clone()));
                    }
                    match page.keys.last() {
                        Some(k) if page.rows.len() == MARK_PAGE => {
                            from = PageFrom::After(k.clone());
                        }
                        _ => break,
                    }
                }
                Err(e) => {
                    ctx.error(store_error_text(&e, ctx.i18n));
                    return;
                }
            }
        }
        if !all.is_empty() && all.keys().all(|id| self.marked.contains_key(id)) {
            self.marked.clear();
        } else {
            self.marked.extend(all);
        }
    }

    /// The id of the selected client (search result while searching).
    pub fn selected_id(&self) -> Option<i64> {
        match &self.search {
            Some(s) => s.results.get(s.selected).map(|c| c.id),
            None => self.rows.get(self.selected).map(|c| c.id),
        }
    }

    /// Counts the list and loads the window again where it was (the first page when
    /// there was none); runs the open search again.
    pub fn reload(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.store.client_count(ctx.actor, &self.spec) {
            Ok(n) => self.count = n,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.reload_window(ctx);
        if self.search.is_some() {
            self.run_search(ctx);
        }
    }

    fn reload_window(&mut self, ctx: &mut Ctx<'_>) {
        let Some(key) = self.keys.get(self.selected).cloned() else {
            self.go_start(ctx);
            return;
        };
        let id = self.rows.get(self.selected).map(|c| c.id);
        let shown_at = self.selected.saturating_sub(self.offset.get());
        let before = match self.page(ctx, &PageFrom::Before(key), PAGE) {
            Some(p) => p,
            None => return,
        };
        let from = before
            .keys
            .last()
            .map_or(PageFrom::Start, |k| PageFrom::After(k.clone()));
        let Some(rest) = self.page(ctx, &from, 2 * PAGE) else {
            return;
        };
        self.at_start = before.rows.len() < PAGE;
        self.at_end = rest.rows.len() < 2 * PAGE;
        let n_before = before.rows.len();
        self.rows = before.rows;
        self.keys = before.keys;
        self.rows.extend(rest.rows);
        self.keys.extend(rest.keys);
        self.selected = id
            .and_then(|id| self.rows.iter().position(|c| c.id == id))
            .unwrap_or(n_before)
            .min(self.rows.len().saturating_sub(1));
        self.offset.set(self.selected.saturating_sub(shown_at));
        self.first_pos = if self.at_start {
            Some(0)
        } else if self.at_end {
            Some(self.count.saturating_sub(len_u64(self.rows.len())))
        } else {
            None
        };
    }

    /// Counts the list and shows its first rows (after a change of sort or filters).
    pub fn restart(&mut self, ctx: &mut Ctx<'_>) {
        match ctx.store.client_count(ctx.actor, &self.spec) {
            Ok(n) => self.count = n,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.go_start(ctx);
    }

    fn page(
        &self,
        ctx: &mut Ctx<'_>,
        from: &PageFrom,
        limit: usize,
    ) -> Option<crate::store::clients::Page> {
        match ctx.store.client_page(ctx.actor, &self.spec, from, limit) {
            Ok(p) => Some(p),
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                None
            }
        }
    }

    fn go_start(&mut self, ctx: &mut Ctx<'_>) {
        let Some(p) = self.page(ctx, &PageFrom::Start, 2 * PAGE) else {
            return;
        };
        self.at_start = true;
        self.at_end = p.rows.len() < 2 * PAGE;
        self.rows = p.rows;
        self.keys = p.keys;
        self.selected = 0;
        self.offset.set(0);
        self.first_pos = Some(0);
    }

    fn go_end(&mut self, ctx: &mut Ctx<'_>) {
        let Some(p) = self.page(ctx, &PageFrom::End, 2 * PAGE) else {
            return;
        };
        self.at_end = true;
        self.at_start = p.rows.len() < 2 * PAGE;
        self.rows = p.rows;
        self.keys = p.keys;
        self.selected = self.rows.len().saturating_sub(1);
        self.offset
            .set(self.rows.len().saturating_sub(self.visible.get().max(1)));
        self.first_pos = Some(self.count.saturating_sub(len_u64(self.rows.len())));
    }

    /// Appends the next page; returns how many rows were dropped at the front to keep
    /// the window small, or `None` when nothing came.
    fn fetch_after(&mut self, ctx: &mut Ctx<'_>) -> Option<usize> {
        let Some(last) = self.keys.last().cloned() else {
            self.at_end = true;
            return None;
        };
        let p = self.page(ctx, &PageFrom::After(last), PAGE)?;
        self.at_end = p.rows.len() < PAGE;
        if p.rows.is_empty() {
            return None;
        }
        self.rows.extend(p.rows);
        self.keys.extend(p.keys);
        let drop = self.rows.len().saturating_sub(WINDOW_MAX);
        if drop > 0 {
            self.rows.drain(..drop);
            self.keys.drain(..drop);
            self.at_start = false;
            self.first_pos = self.first_pos.map(|p| p + len_u64(drop));
            self.offset.set(self.offset.get().saturating_sub(drop));
        }
        Some(drop)
    }

    /// Prepends the page before the window; returns how many rows came, or `None`.
    fn fetch_before(&mut self, ctx: &mut Ctx<'_>) -> Option<usize> {
        let Some(first) = self.keys.first().cloned() else {
            self.at_start = true;
            return None;
        };
        let p = self.page(ctx, &PageFrom::Before(first), PAGE)?;
        self.at_start = p.rows.len() < PAGE;
        let added = p.rows.len();
        if added == 0 {
            return None;
        }
        let rows = std::mem::replace(&mut self.rows, p.rows);
        let keys = std::mem::replace(&mut self.keys, p.keys);
        self.rows.extend(rows);
        self.keys.extend(keys);
        if self.rows.len() > WINDOW_MAX {
            self.rows.truncate(WINDOW_MAX);
            self.keys.truncate(WINDOW_MAX);
            self.at_end = false;
        }
        self.first_pos = self.first_pos.map(|p| p.saturating_sub(len_u64(added)));
        self.offset.set(self.offset.get() + added);
        Some(added)
    }

    /// Moves the selection by `delta` rows, fetching pages as it nears an edge.
    fn move_by(&mut self, ctx: &mut Ctx<'_>, delta: isize) {
        let mut target = isize_of(self.selected).saturating_add(delta);
        let margin = isize_of(MARGIN);
        while !self.at_end && target + margin >= isize_of(self.rows.len()) {
            match self.fetch_after(ctx) {
                Some(dropped) => target -= isize_of(dropped),
                None => break,
            }
        }
        while !self.at_start && target < margin {
            match self.fetch_before(ctx) {
                Some(added) => target += isize_of(added),
                None => break,
            }
        }
        let last = isize_of(self.rows.len().saturating_sub(1));
        self.selected = usize::try_from(target.clamp(0, last)).unwrap_or(0);
    }

    fn page_step(&self) -> isize {
        isize_of(self.visible.get().max(1))
    }

    /// Moves through the list or changes its sort; `false` when the key is not the list's.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if self.search.is_some() {
            return self.on_search_key(key, ctx);
        }
        let k = ctx.keys;
        if k.is(key, Action::Down) {
            self.move_by(ctx, 1);
        } else if k.is(key, Action::Up) {
            self.move_by(ctx, -1);
        } else if k.is(key, Action::PageDown) {
            self.move_by(ctx, self.page_step());
        } else if k.is(key, Action::PageUp) {
            self.move_by(ctx, -self.page_step());
        } else if k.is(key, Action::First) {
            self.go_start(ctx);
        } else if k.is(key, Action::Last) {
            self.go_end(ctx);
        } else if ctx.actor.role == crate::store::Role::Manager && k.is(key, Action::Mark) {
            if let Some(c) = self.rows.get(self.selected) {
                if self.marked.remove(&c.id).is_none() {
                    self.marked
                        .insert(c.id, (c.client_no.clone(), c.owner.clone()));
                }
                self.move_by(ctx, 1);
            }
        } else if ctx.actor.role == crate::store::Role::Manager && k.is(key, Action::MarkAll) {
            self.mark_all(ctx);
        } else if k.is(key, Action::Sort) {
            let all = SortKey::ALL;
            let i = all.iter().position(|s| *s == self.spec.sort).unwrap_or(0);
            self.spec.sort = all[(i + 1) % all.len()];
            self.spec.descending = false;
            self.go_start(ctx);
        } else if k.is(key, Action::SortReverse) {
            self.spec.descending = !self.spec.descending;
            self.go_start(ctx);
        } else if k.is(key, Action::Search) {
            self.search = Some(Search {
                input: Field::text("search", ctx.i18n.t("clients.search.prompt"), ""),
                results: Vec::new(),
                selected: 0,
                offset: Cell::new(0),
            });
        } else {
            return false;
        }
        true
    }

    fn on_search_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let step = self.page_step();
        let Some(s) = &mut self.search else {
            return false;
        };
        let last = s.results.len().saturating_sub(1);
        let before = s.input.value().to_string();
        if s.input.on_key(key) {
            if s.input.value() != before {
                self.run_search(ctx);
            }
        } else if k.is(key, Action::Back) {
            self.search = None;
        } else if k.is(key, Action::Down) {
            s.selected = (s.selected + 1).min(last);
        } else if k.is(key, Action::Up) {
            s.selected = s.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            s.selected = (s.selected + step.unsigned_abs()).min(last);
        } else if k.is(key, Action::PageUp) {
            s.selected = s.selected.saturating_sub(step.unsigned_abs());
        } else {
            return false;
        }
        true
    }

    /// Runs the search for the text on the search line.
    pub fn run_search(&mut self, ctx: &mut Ctx<'_>) {
        let Some(s) = &mut self.search else { return };
        let keep = s.results.get(s.selected).map(|c| c.id);
        s.results = match ctx
            .store
            .search_clients(ctx.actor, s.input.value(), SEARCH_LIMIT)
        {
            Ok(r) => r,
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                Vec::new()
            }
        };
        s.selected = keep
            .and_then(|id| s.results.iter().position(|c| c.id == id))
            .unwrap_or(0);
        s.offset.set(0);
    }

    /// The actions of the list (or of the open search).
    pub fn commands(&self, manager: bool) -> Vec<Action> {
        if self.search.is_some() {
            return vec![Action::Open, Action::Back, Action::Up, Action::Down];
        }
        let mut keys = vec![
            Action::Search,
            Action::Open,
            Action::New,
            Action::Edit,
            Action::Filter,
            Action::Sort,
            Action::SortReverse,
            Action::Import,
            Action::Export,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
        ];
        if manager {
            keys.splice(3..3, [Action::Mark, Action::MarkAll]);
            if !self.marked.is_empty() {
                keys.insert(3, Action::HandOver);
            }
        } else {
            // An RM asks to take over a client of another RM of the branch.
            keys.push(Action::Request);
        }
        keys
    }

    /// The line above the table: the search line, or the active filters.
    fn draw_top_line(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        if let Some(s) = &self.search {
            let label = format!("{}: ", s.input.label);
            let w = crate::tui::widgets::field::cols(&label).min(area.width);
            f.render_widget(
                Paragraph::new(Span::styled(label.as_str(), v.theme.title)),
                Rect::new(area.x, area.y, w, 1),
            );
            s.input.draw_value(
                f,
                Rect::new(area.x + w, area.y, area.width - w, 1),
                true,
                v.theme,
            );
            return;
        }
        let fl = &self.spec.filter;
        let mut parts = Vec::new();
        if let Some(t) = fl.tier {
            parts.push(format!("{} {}", i.t("col.tier"), i.t(t.label_key())));
        }
        if let Some(s) = fl.status {
            parts.push(format!("{} {}", i.t("col.status"), i.t(s.label_key())));
        }
        if fl.owner_id.is_some() {
            let name = self.owner_name.as_deref().unwrap_or("?");
            parts.push(format!("{} {name}", i.t("col.owner")));
        }
        if let Some(r) = fl.risk_level {
            parts.push(format!("{} {}", i.t("col.risk"), r.code()));
        }
        if let Some(k) = fl.kind {
            parts.push(i.t(k.label_key()).to_string());
        }
        let line = if parts.is_empty() {
            Line::from(Span::styled(
                i.f(
                    "clients.no_filters",
                    &[("key", &v.keys.primary(Action::Filter))],
                ),
                v.theme.dim,
            ))
        } else {
            Line::from(vec![
                Span::styled(format!("{}: ", i.t("clients.filters")), v.theme.dim),
                Span::styled(parts.join(" · "), v.theme.warning),
            ])
        };
        f.render_widget(Paragraph::new(line), area);
    }

    /// Draws the filter or search line and the table into `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [top, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        self.draw_top_line(f, top, v);
        let view = match &self.search {
            Some(s) => {
                let text = s.input.value().trim();
                let typed = !text.is_empty();
                // A capped count says so; digits too few for a phone number say so too.
                let n = if s.results.len() >= SEARCH_LIMIT {
                    format!("{SEARCH_LIMIT}+")
                } else {
                    s.results.len().to_string()
                };
                let short = typed
                    && text.chars().all(|c| c.is_ascii_digit())
                    && text.len() < PHONE_FRAGMENT_MIN;
                let mut title = i.f("clients.search.found", &[("n", &n)]);
                if short {
                    let min = PHONE_FRAGMENT_MIN.to_string();
                    title = format!("{title} · {}", i.f("clients.search.short", &[("n", &min)]));
                }
                ClientTable {
                    rows: &s.results,
                    selected: s.selected,
                    offset: &s.offset,
                    title: if typed {
                        title
                    } else {
                        i.t("clients.search.title").to_string()
                    },
                    sort: None,
                    marked: Some(&self.marked),
                    empty: if typed {
                        i.t("clients.search.none")
                    } else {
                        i.t("clients.search.hint")
                    },
                }
            }
            None => {
                let mut title = i.f("clients.title", &[("n", &self.count.to_string())]);
                if let Some(p) = self.first_pos.filter(|_| !self.rows.is_empty()) {
                    let at = p + len_u64(self.selected) + 1;
                    title.push_str(&format!(" · {at}/{}", self.count));
                }
                if !self.marked.is_empty() {
                    let n = self.marked.len().to_string();
                    title.push_str(&format!(" · {}", i.f("status.marked", &[("n", &n)])));
                }
                ClientTable {
                    rows: &self.rows,
                    selected: self.selected,
                    offset: &self.offset,
                    title,
                    sort: Some((self.spec.sort, self.spec.descending)),
                    marked: Some(&self.marked),
                    empty: i.t("clients.empty"),
                }
            }
        };
        self.visible.set(view.draw(f, table_area, v));
    }
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn isize_of(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}
