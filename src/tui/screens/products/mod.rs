//! Products (F5): the catalogue with filters (category, risk, on sale) and search by code
//! and name (`list.rs`); a product's detail with the acting user's clients it suits,
//! from which a holding is recorded for one of them, each with their next best product
//! (`detail.rs`); the administrator's
//! product form and the filter dialog (`form.rs`). Everyone signed in reads the
//! catalogue; only administrators change it (the store refuses anyone else), and they
//! see no clients.
mod detail;
mod form;
mod list;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, View};
use crate::domain::money::format_money;
use crate::store::next_best::Reason;
use crate::store::products::Product;
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Question, Stack, Step};
use detail::ProductDetail;
use form::{Done, FilterDialog, ProductForm};
use list::ProductList;

/// The expected yield as a range in percent (`2.40–3.10%`, `1.45%`), or a dash.
pub(crate) fn yield_text(p: &Product) -> String {
    match (p.yield_min, p.yield_max) {
        (Some(a), Some(b)) if a == b => format!("{a}%"),
        (Some(a), Some(b)) => format!("{a}–{b}%"),
        (Some(a), None) | (None, Some(a)) => format!("{a}%"),
        (None, None) => "—".into(),
    }
}

/// Why a product is suggested, in words (the 360 view and the product's client list).
pub(crate) fn nbp_reason(r: &Reason, i: &I18n) -> String {
    match r {
        Reason::Campaign { name } => i.f("nbp.campaign", &[("name", name)]),
        Reason::Reinvest { product, on } => i.f(
            "nbp.reinvest",
            &[("product", product), ("date", &on.to_string())],
        ),
        Reason::IdleDeposit { amount } => {
            i.f("nbp.idle", &[("amount", &format_money(*amount, "CNY"))])
        }
        Reason::Peers { pct } => i.f("nbp.peers", &[("pct", &pct.to_string())]),
    }
}

/// A product in one line for choices: code, name, risk, minimum.
pub(crate) fn product_label(i: &I18n, p: &Product) -> String {
    format!(
        "{} {} · {} · {} {}",
        p.code,
        p.name,
        p.risk.code(),
        i.t("product.min"),
        format_money(p.min_amount, &p.currency)
    )
}

/// The products screen: the catalogue, a product over it, popups over both.
#[derive(Debug, Default)]
pub struct Products {
    list: ProductList,
    detail: Option<ProductDetail>,
    /// The product form, the filter and the close question.
    popups: Stack<Done>,
}

impl Products {
    fn open(&mut self, id: i64, ctx: &mut Ctx<'_>) {
        match ProductDetail::load(ctx, id) {
            Ok(d) => self.detail = Some(d),
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn target(&self) -> Option<i64> {
        match &self.detail {
            Some(d) => Some(d.id()),
            None => self.list.selected_id(),
        }
    }

    fn after_change(&mut self, ctx: &mut Ctx<'_>, id: Option<i64>) {
        self.list.reload(ctx);
        if let Some(id) = id.filter(|_| self.detail.is_some()) {
            self.open(id, ctx);
        }
    }
}

impl Products {
    fn on_done(&mut self, done: Done, ctx: &mut Ctx<'_>) {
        match done {
            Done::Saved(id, code) => {
                ctx.info(ctx.i18n.f("products.saved", &[("code", &code)]));
                self.after_change(ctx, Some(id));
                self.list.select(id);
            }
            Done::Filter(f) => self.list.set_filter(f, ctx),
            Done::Close(id) => match ctx.store.close_product(ctx.actor, id) {
                Ok(()) => {
                    ctx.info(ctx.i18n.t("products.closed").to_string());
                    self.after_change(ctx, Some(id));
                }
                Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
            },
            Done::HoldingSaved => {
                let who = self
                    .detail
                    .as_ref()
                    .map(ProductDetail::selected_client)
                    .unwrap_or_default();
                ctx.info(ctx.i18n.f("holdings.saved", &[("who", &who)]));
                let id = self.detail.as_ref().map(ProductDetail::id);
                self.after_change(ctx, id);
            }
        }
    }
}

impl Screen for Products {
    fn title_key(&self) -> &'static str {
        "screen.products"
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.list.reload(ctx);
        if let Some(id) = self.detail.as_ref().map(ProductDetail::id) {
            self.open(id, ctx);
        }
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if let Some(step) = self.popups.on_key(key, ctx) {
            let used = step.used();
            if let Step::Done(done) = step {
                self.on_done(done, ctx);
            }
            return used;
        }
        let k = ctx.keys;
        let admin = ctx.actor.role == Role::Admin;
        if let Some(d) = &mut self.detail {
            if d.on_key(key, ctx, &mut self.popups) {
                return true;
            }
            if k.is(key, Action::Back) {
                self.detail = None;
                return true;
            }
        } else {
            if self.list.searching() || k.is(key, Action::Search) {
                if k.is(key, Action::Open) {
                    if let Some(id) = self.list.selected_id() {
                        self.open(id, ctx);
                    }
                    return true;
                }
                return self.list.on_key(key, ctx);
            }
            if k.is(key, Action::Open) {
                if let Some(id) = self.list.selected_id() {
                    self.open(id, ctx);
                }
                return true;
            }
            if k.is(key, Action::Filter) {
                self.popups
                    .push(FilterDialog::new(ctx.i18n, self.list.filter()));
                return true;
            }
            if admin && k.is(key, Action::New) {
                self.popups.push(ProductForm::new_product(ctx.i18n));
                return true;
            }
            if self.list.on_key(key, ctx) {
                return true;
            }
        }
        if admin && k.is(key, Action::Edit) {
            if let Some(id) = self.target() {
                match ctx.store.product(ctx.actor, id) {
                    Ok(p) => self.popups.push(ProductForm::edit(ctx.i18n, &p)),
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
            return true;
        }
        if admin && k.is(key, Action::CloseRecord) {
            if let Some(id) = self.target() {
                let i = ctx.i18n;
                self.popups.push(Question::new(
                    i.t("confirm.title").into(),
                    i.t("products.close_question").into(),
                    Done::Close(id),
                ));
            }
            return true;
        }
        false
    }

    fn on_paste(&mut self, text: &str) {
        if !self.popups.is_empty() {
            self.popups.paste(text);
        } else if self.detail.is_none() {
            self.list.paste(text);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match &self.detail {
            Some(d) => d.draw(f, area, v),
            None => self.list.draw(f, area, v),
        }
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
        }
        match &self.detail {
            Some(d) => d.commands(),
            None => self.list.commands(),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }
}
