//! One product: every field of the catalogue, and below it the acting user's clients
//! the product suits today (level at or above its risk, assessment younger than 12
//! months), paged by name from the store, each with their next best product (the first
//! suggestion of `Store::next_best_products`, ★ when it is this product). The
//! suggestions are read for the rows around the selection only, a page at a time
//! (`Store::next_best_page`), so a long list costs what is shown. `a` records a holding
//! of the product for the selected client. Administrators see the product only: no
//! client data.
use std::cell::Cell;
use std::collections::HashMap;

use crossterm::event::KeyEvent;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use super::form::Done;
use super::yield_text;
use crate::domain::money::format_money;
use crate::store::clients::ClientSummary;
use crate::store::next_best::{Suggestion, NEXT_BEST_PAGE};
use crate::store::products::{Product, SUITABLE_PAGE};
use crate::store::{Role, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Mapped, Stack};
use crate::tui::screens::clients::holdings::HoldingForm;
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::{fit, wrap};

/// Rows whose next best product is read before the list is first drawn (a tall
/// terminal's list).
const FIRST_ROWS: usize = 30;

/// The open product.
#[derive(Debug)]
pub struct ProductDetail {
    product: Product,
    role: Role,
    clients: Vec<ClientSummary>,
    /// The last page was full: there may be more.
    more: bool,
    selected: usize,
    offset: Cell<usize>,
    visible: Cell<usize>,
    today: String,
    /// Each client's suggestions, read for the rows around the selection.
    next_best: HashMap<i64, Vec<Suggestion>>,
}

impl ProductDetail {
    /// Loads product `id` and the first page of clients it suits.
    pub fn load(ctx: &mut Ctx<'_>, id: i64) -> Result<ProductDetail, StoreError> {
        let product = ctx.store.product(ctx.actor, id)?;
        let role = ctx.actor.role;
        let clients = if role == Role::Admin {
            Vec::new()
        } else {
            ctx.store
                .suitable_clients(ctx.actor, id, None, SUITABLE_PAGE)?
        };
        let mut d = ProductDetail {
            more: clients.len() == SUITABLE_PAGE,
            product,
            role,
            clients,
            selected: 0,
            offset: Cell::new(0),
            visible: Cell::new(1),
            today: ctx.store.today().to_string(),
            next_best: HashMap::new(),
        };
        d.read_next_best(ctx);
        Ok(d)
    }

    /// Reads the suggestions of the rows that can be on screen around the selection (a
    /// screen's height above and below it; before the first drawing, the first
    /// [`FIRST_ROWS`]) not read yet, at most [`NEXT_BEST_PAGE`] clients.
    fn read_next_best(&mut self, ctx: &mut Ctx<'_>) {
        if self.role == Role::Admin {
            return;
        }
        let around = self.visible.get().max(FIRST_ROWS);
        let from = self.selected.saturating_sub(around);
        let ids: Vec<i64> = self
            .clients
            .iter()
            .skip(from)
            .take(self.selected - from + 1 + around)
            .map(|c| c.id)
            .filter(|id| !self.next_best.contains_key(id))
            .take(NEXT_BEST_PAGE)
            .collect();
        if ids.is_empty() {
            return;
        }
        match ctx.store.next_best_page(ctx.actor, &ids) {
            Ok(page) => self.next_best.extend(page),
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    /// A client's next best product in words: its code and reason, ★ when it is this
    /// product, a dash when nothing suits, an ellipsis before it is read.
    fn next_best_text(&self, client_id: i64, i: &I18n) -> String {
        match self.next_best.get(&client_id).map(|s| s.first()) {
            None => "…".into(),
            Some(None) => "—".into(),
            Some(Some(s)) => {
                let mark = if s.product.id == self.product.id {
                    "★ "
                } else {
                    ""
                };
                format!(
                    "{mark}{} {}",
                    s.product.code,
                    super::nbp_reason(&s.reason, i)
                )
            }
        }
    }

    /// The product's id.
    pub fn id(&self) -> i64 {
        self.product.id
    }

    fn fetch_more(&mut self, ctx: &mut Ctx<'_>) {
        let Some(last) = self.clients.last() else {
            return;
        };
        let after = (last.name.clone(), last.id);
        match ctx.store.suitable_clients(
            ctx.actor,
            self.product.id,
            Some((&after.0, after.1)),
            SUITABLE_PAGE,
        ) {
            Ok(more) => {
                self.more = more.len() == SUITABLE_PAGE;
                self.clients.extend(more);
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn move_to(&mut self, target: usize, ctx: &mut Ctx<'_>) {
        while self.more && target + 1 >= self.clients.len() {
            let before = self.clients.len();
            self.fetch_more(ctx);
            if self.clients.len() == before {
                break;
            }
        }
        self.selected = target.min(self.clients.len().saturating_sub(1));
    }

    /// Moving through the clients, and `a`: a holding form for the selected client,
    /// opened on `popups`.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>, popups: &mut Stack<Done>) -> bool {
        let k = ctx.keys;
        let step = self.visible.get().max(1);
        if k.is(key, Action::Down) {
            self.move_to(self.selected + 1, ctx);
        } else if k.is(key, Action::Up) {
            self.selected = self.selected.saturating_sub(1);
        } else if k.is(key, Action::PageDown) {
            self.move_to(self.selected + step, ctx);
        } else if k.is(key, Action::PageUp) {
            self.selected = self.selected.saturating_sub(step);
        } else if k.is(key, Action::First) {
            self.selected = 0;
        } else if k.is(key, Action::AddHolding) && self.role != Role::Admin {
            if let Some(c) = self.clients.get(self.selected) {
                let who = format!("{} {}", c.client_no, c.name);
                let form = HoldingForm::new_holding(
                    ctx.i18n,
                    c.id,
                    &who,
                    std::slice::from_ref(&self.product),
                    Some(self.product.id),
                    self.role,
                    &self.today,
                );
                popups.push(Mapped::new(form, |()| Done::HoldingSaved));
            }
        } else {
            return false;
        }
        self.read_next_best(ctx);
        true
    }

    /// The detail's actions.
    pub fn commands(&self) -> Vec<Action> {
        let mut a = Vec::new();
        if self.role == Role::Admin {
            a.extend([Action::Edit, Action::CloseRecord]);
        } else if !self.clients.is_empty() {
            a.push(Action::AddHolding);
        }
        a.extend([Action::Back, Action::Up, Action::Down, Action::PageDown]);
        a
    }

    fn fields(&self, i: &I18n, width: usize, v: &View<'_>) -> Vec<Line<'static>> {
        let p = &self.product;
        let dim = |s: &str| Span::styled(format!("{s} "), v.theme.dim);
        let term = p.term_days.map_or_else(
            || i.t("product.term.open").to_string(),
            |d| i.f("product.term.days", &[("n", &d.to_string())]),
        );
        let window = match (p.sale_start, p.sale_end) {
            (None, None) => i.t("product.window.always").to_string(),
            (a, b) => format!(
                "{} – {}",
                a.map_or_else(|| "…".into(), |d| d.to_string()),
                b.map_or_else(|| "…".into(), |d| d.to_string())
            ),
        };
        let mut out = vec![
            Line::from(vec![
                dim(i.t("product.field.category")),
                Span::raw(format!("{}   ", i.t(p.category.label_key()))),
                dim(i.t("product.field.risk_level")),
                Span::raw(format!("{} {}   ", p.risk.code(), i.t(p.risk.label_key()))),
                dim(i.t("product.field.status")),
                Span::raw(i.t(p.status.label_key()).to_string()),
            ]),
            Line::from(vec![
                dim(i.t("product.field.yield")),
                Span::raw(format!("{}   ", yield_text(p))),
                dim(i.t("product.field.term")),
                Span::raw(format!("{term}   ")),
                dim(i.t("product.field.currency")),
                Span::raw(p.currency.clone()),
            ]),
            Line::from(vec![
                dim(i.t("product.field.min_amount")),
                Span::raw(format!("{}   ", format_money(p.min_amount, &p.currency))),
                dim(i.t("product.field.window")),
                Span::raw(window),
            ]),
        ];
        if let Some(d) = &p.description {
            for line in wrap(&d.replace('\n', " "), width).into_iter().take(2) {
                out.push(Line::from(Span::styled(line, v.theme.dim)));
            }
        }
        out
    }

    /// Draws the product and the clients it suits.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        let p = &self.product;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(v.theme.border)
            .title(Span::styled(
                format!(" {} · {} ", p.code, p.name),
                v.theme.title,
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let fields = self.fields(i, usize::from(inner.width.saturating_sub(2)), v);
        let head_h = u16::try_from(fields.len()).unwrap_or(5) + 1;
        let [head, list] =
            Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(inner);
        f.render_widget(
            Paragraph::new(fields),
            Rect::new(
                head.x + 1,
                head.y,
                head.width.saturating_sub(2),
                head.height,
            ),
        );
        if self.role == Role::Admin {
            f.render_widget(
                Paragraph::new(Span::styled(i.t("product.admin_no_clients"), v.theme.dim)),
                Rect::new(list.x + 1, list.y, list.width.saturating_sub(2), 1),
            );
            return;
        }
        let n = if self.more {
            format!("{}+", self.clients.len())
        } else {
            self.clients.len().to_string()
        };
        let title = i.f(
            "product.suitable",
            &[("n", &n), ("levels", &suited_text(p))],
        );
        let cblock = Block::default()
            .borders(Borders::TOP)
            .border_style(v.theme.border)
            .title(Span::styled(format!(" {title} "), v.theme.header));
        let cinner = cblock.inner(list);
        // client no., name, risk, tier, AUM, next best (three fifths of what is left)
        let fixed: [u16; 4] = [11, 4, 7, 16];
        let rest = cinner
            .width
            .saturating_sub(fixed.iter().sum::<u16>() + 5 + 2);
        let next_w = rest * 3 / 5;
        let name_w = rest.saturating_sub(next_w).max(6);
        let header = Row::new(vec![
            Line::from(i.t("col.client_no")),
            Line::from(i.t("col.client_name")),
            Line::from(i.t("col.risk")),
            Line::from(i.t("col.tier")),
            Line::from(i.t("col.aum")).alignment(Alignment::Right),
            Line::from(i.t("col.next_best")),
        ])
        .style(v.theme.dim);
        let rows = self.clients.iter().map(|c| {
            Row::new(vec![
                Line::from(c.client_no.as_str()),
                Line::from(fit(&c.name, usize::from(name_w))),
                Line::from(c.risk_level.map_or("—", |r| r.code())),
                Line::from(fit(i.t(c.tier.label_key()), 7)),
                Line::from(format_money(c.aum, "CNY")).alignment(Alignment::Right),
                Line::from(fit(&self.next_best_text(c.id, i), usize::from(next_w))),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(fixed[0]),
                Constraint::Length(name_w),
                Constraint::Length(fixed[1]),
                Constraint::Length(fixed[2]),
                Constraint::Length(fixed[3]),
                Constraint::Length(next_w),
            ],
        )
        .header(header)
        .column_spacing(1)
        .row_highlight_style(v.theme.selected)
        .highlight_symbol("▶ ")
        .block(cblock);
        let mut state = TableState::default()
            .with_offset(self.offset.get())
            .with_selected(Some(self.selected).filter(|_| !self.clients.is_empty()));
        f.render_stateful_widget(table, list, &mut state);
        self.offset.set(state.offset());
        self.visible
            .set(usize::from(cinner.height.saturating_sub(1)).max(1));
        if self.clients.is_empty() && cinner.height > 1 {
            f.render_widget(
                Paragraph::new(Span::styled(i.t("product.suitable.none"), v.theme.dim)),
                Rect::new(
                    cinner.x + 2,
                    cinner.y + 1,
                    cinner.width.saturating_sub(4),
                    1,
                ),
            );
        }
    }

    /// The selected client, as number and name.
    pub fn selected_client(&self) -> String {
        self.clients
            .get(self.selected)
            .map(|c| format!("{} {}", c.client_no, c.name))
            .unwrap_or_default()
    }
}

/// `C4–C5`, `C5`: the levels a product suits.
fn suited_text(p: &Product) -> String {
    let levels = p.risk.suited_levels();
    match (levels.first(), levels.last()) {
        (Some(a), Some(b)) if a == b => a.code().to_string(),
        (Some(a), Some(b)) => format!("{}–{}", a.code(), b.code()),
        _ => String::new(),
    }
}
