//! The catalogue table: the products of the filter (the catalogue is small — hundreds,
//! not millions — so the store returns them all), `/` narrowing it by code or name as
//! the user types.
use std::cell::Cell;

use crossterm::event::KeyEvent;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::yield_text;
use crate::domain::money::format_money;
use crate::store::products::{Product, ProductFilter};
use crate::store::Role;
use crate::tui::keymap::Action;
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::{cols, Field};
use crate::tui::widgets::fit;
use crate::tui::widgets::list_table::draw_empty;

/// Widths of code, category, risk, yield, minimum and status.
const FIXED: [u16; 6] = [11, 9, 4, 11, 14, 7];
/// Spaces between the seven columns and the selection mark.
const SPACING: u16 = 6 + 2;

/// The catalogue's state.
#[derive(Debug, Default)]
pub struct ProductList {
    filter: ProductFilter,
    rows: Vec<Product>,
    selected: usize,
    offset: Cell<usize>,
    visible: Cell<usize>,
    search: Option<Field>,
    role: Option<Role>,
}

impl ProductList {
    /// The filter in force.
    pub fn filter(&self) -> &ProductFilter {
        &self.filter
    }

    /// Whether the search line is open.
    pub fn searching(&self) -> bool {
        self.search.is_some()
    }

    /// The selected product's id.
    pub fn selected_id(&self) -> Option<i64> {
        self.rows.get(self.selected).map(|p| p.id)
    }

    /// Selects product `id` when it is listed.
    pub fn select(&mut self, id: i64) {
        if let Some(i) = self.rows.iter().position(|p| p.id == id) {
            self.selected = i;
        }
    }

    /// Loads the products of the filter and search, keeping the selection.
    pub fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.role = Some(ctx.actor.role);
        let keep = self.selected_id();
        let mut filter = self.filter.clone();
        filter.text = self
            .search
            .as_ref()
            .map(|s| s.value().to_string())
            .unwrap_or_default();
        match ctx.store.products(ctx.actor, &filter) {
            Ok(rows) => self.rows = rows,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.selected = keep
            .and_then(|id| self.rows.iter().position(|p| p.id == id))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }

    /// Applies a new filter and starts at the top.
    pub fn set_filter(&mut self, filter: ProductFilter, ctx: &mut Ctx<'_>) {
        self.filter = filter;
        self.selected = 0;
        self.offset.set(0);
        self.reload(ctx);
    }

    /// Pasted text goes to the search line.
    pub fn paste(&mut self, text: &str) {
        if let Some(s) = &mut self.search {
            s.paste(text);
        }
    }

    /// Moves, searches; `false` for keys that are not the list's.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let last = self.rows.len().saturating_sub(1);
        let step = self.visible.get().max(1);
        if let Some(s) = &mut self.search {
            let before = s.value().to_string();
            if s.on_key(key) {
                if s.value() != before {
                    self.selected = 0;
                    self.reload(ctx);
                }
                return true;
            }
            if k.is(key, Action::Back) {
                self.search = None;
                self.reload(ctx);
                return true;
            }
        } else if k.is(key, Action::Search) {
            self.search = Some(Field::text(
                "search",
                ctx.i18n.t("products.search.prompt"),
                "",
            ));
            return true;
        }
        if k.is(key, Action::Down) {
            self.selected = (self.selected + 1).min(last);
        } else if k.is(key, Action::Up) {
            self.selected = self.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.selected = (self.selected + step).min(last);
        } else if k.is(key, Action::PageUp) {
            self.selected = self.selected.saturating_sub(step);
        } else if k.is(key, Action::First) && self.search.is_none() {
            self.selected = 0;
        } else if k.is(key, Action::Last) && self.search.is_none() {
            self.selected = last;
        } else {
            return false;
        }
        true
    }

    /// The list's actions.
    pub fn commands(&self) -> Vec<Action> {
        if self.search.is_some() {
            return vec![Action::Open, Action::Back, Action::Up, Action::Down];
        }
        let mut a = vec![Action::Search, Action::Open, Action::Filter];
        if self.role == Some(Role::Admin) {
            a.extend([Action::New, Action::Edit, Action::CloseRecord]);
        }
        a.extend([
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
        ]);
        a
    }

    fn top_line(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        if let Some(s) = &self.search {
            let label = format!("{}: ", s.label);
            let w = cols(&label).min(area.width);
            f.render_widget(
                Paragraph::new(Span::styled(label.as_str(), v.theme.title)),
                Rect::new(area.x, area.y, w, 1),
            );
            s.draw_value(
                f,
                Rect::new(area.x + w, area.y, area.width - w, 1),
                true,
                v.theme,
            );
            return;
        }
        let fl = &self.filter;
        let mut parts = Vec::new();
        if let Some(c) = fl.category {
            parts.push(i.t(c.label_key()).to_string());
        }
        if let Some(r) = fl.risk {
            parts.push(r.code().to_string());
        }
        match fl.on_sale {
            Some(true) => parts.push(i.t("product.status.on_sale").to_string()),
            Some(false) => parts.push(i.t("product.status.closed").to_string()),
            None => {}
        }
        let line = if parts.is_empty() {
            Line::from(Span::styled(
                i.f(
                    "products.no_filters",
                    &[
                        ("key", &v.keys.primary(Action::Filter)),
                        ("search", &v.keys.primary(Action::Search)),
                    ],
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

    /// Draws the filter or search line and the table.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let [top, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        self.top_line(f, top, v);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                format!(
                    " {} ",
                    i.f("products.title", &[("n", &self.rows.len().to_string())])
                ),
                v.theme.title,
            ));
        let inner = block.inner(table_area);
        let name_w = inner
            .width
            .saturating_sub(FIXED.iter().sum::<u16>() + SPACING)
            .max(6);
        let header = Row::new(vec![
            Line::from(i.t("products.col.code")),
            Line::from(i.t("products.col.name")),
            Line::from(i.t("products.col.category")),
            Line::from(i.t("col.risk")),
            Line::from(i.t("products.col.yield")).alignment(Alignment::Right),
            Line::from(i.t("products.col.min")).alignment(Alignment::Right),
            Line::from(i.t("col.status")),
        ])
        .style(v.theme.header);
        let rows = self.rows.iter().map(|p| {
            let row = Row::new(vec![
                Line::from(fit(&p.code, usize::from(FIXED[0]))),
                Line::from(fit(&p.name, usize::from(name_w))),
                Line::from(fit(i.t(p.category.label_key()), usize::from(FIXED[1]))),
                Line::from(p.risk.code()),
                Line::from(yield_text(p)).alignment(Alignment::Right),
                Line::from(format_money(p.min_amount, &p.currency)).alignment(Alignment::Right),
                Line::from(fit(i.t(p.status.label_key()), usize::from(FIXED[5]))),
            ]);
            if p.status == crate::domain::product::ProductStatus::Closed {
                row.style(v.theme.dim)
            } else {
                row
            }
        });
        let widths = [
            Constraint::Length(FIXED[0]),
            Constraint::Length(name_w),
            Constraint::Length(FIXED[1]),
            Constraint::Length(FIXED[2]),
            Constraint::Length(FIXED[3]),
            Constraint::Length(FIXED[4]),
            Constraint::Length(FIXED[5]),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(v.theme.selected)
            .highlight_symbol("▶ ")
            .block(block);
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected).filter(|_| !self.rows.is_empty()));
        f.render_stateful_widget(table, table_area, &mut state);
        self.offset.set(state.offset());
        self.visible
            .set(usize::from(inner.height.saturating_sub(1)).max(1));
        if self.rows.is_empty() {
            draw_empty(f, inner, i.t("products.empty"), v);
        }
    }
}
