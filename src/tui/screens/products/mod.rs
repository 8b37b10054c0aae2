//! Products (F5): the catalogue with filters (category, risk, on sale) and search by code
//! and name (`list.rs`); a product's detail with the acting user's clients it suits,
//! from which a holding is recorded for one of them (`detail.rs`); the administrator's
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
use crate::store::products::Product;
use crate::store::Role;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::widgets::confirm;
use detail::{DetailResult, ProductDetail};
use form::{FilterDialog, FilterResult, ProductForm, ProductFormResult};
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
    form: Option<Box<ProductForm>>,
    filter: Option<FilterDialog>,
    /// Asking whether to close the selected (or open) product.
    asking_close: bool,
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
        let k = ctx.keys;
        if let Some(form) = &mut self.form {
            return match form.on_key(key, ctx) {
                ProductFormResult::Open => true,
                ProductFormResult::Ignored => false,
                ProductFormResult::Cancelled => {
                    self.form = None;
                    true
                }
                ProductFormResult::Saved(id, code) => {
                    self.form = None;
                    ctx.info(ctx.i18n.f("products.saved", &[("code", &code)]));
                    self.after_change(ctx, Some(id));
                    self.list.select(id);
                    true
                }
            };
        }
        if let Some(dialog) = &mut self.filter {
            return match dialog.on_key(key, k) {
                FilterResult::Open => true,
                FilterResult::Ignored => false,
                FilterResult::Cancelled => {
                    self.filter = None;
                    true
                }
                FilterResult::Apply(f) => {
                    self.filter = None;
                    self.list.set_filter(f, ctx);
                    true
                }
            };
        }
        if self.asking_close {
            if k.is(key, Action::Yes) {
                self.asking_close = false;
                if let Some(id) = self.target() {
                    match ctx.store.close_product(ctx.actor, id) {
                        Ok(()) => {
                            ctx.info(ctx.i18n.t("products.closed").to_string());
                            self.after_change(ctx, Some(id));
                        }
                        Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                    }
                }
            } else if k.is(key, Action::No) || k.is(key, Action::Back) {
                self.asking_close = false;
            } else {
                return false;
            }
            return true;
        }
        let admin = ctx.actor.role == Role::Admin;
        if let Some(d) = &mut self.detail {
            match d.on_key(key, ctx) {
                DetailResult::Used => return true,
                DetailResult::Changed => {
                    let id = d.id();
                    self.after_change(ctx, Some(id));
                    return true;
                }
                DetailResult::Ignored => {}
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
                self.filter = Some(FilterDialog::new(ctx.i18n, self.list.filter()));
                return true;
            }
            if admin && k.is(key, Action::New) {
                self.form = Some(Box::new(ProductForm::new_product(ctx.i18n)));
                return true;
            }
            if self.list.on_key(key, ctx) {
                return true;
            }
        }
        if admin && k.is(key, Action::Edit) {
            if let Some(id) = self.target() {
                match ctx.store.product(ctx.actor, id) {
                    Ok(p) => self.form = Some(Box::new(ProductForm::edit(ctx.i18n, &p))),
                    Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
                }
            }
            return true;
        }
        if admin && k.is(key, Action::CloseRecord) {
            self.asking_close = self.target().is_some();
            return true;
        }
        false
    }

    fn on_paste(&mut self, text: &str) {
        if let Some(f) = &mut self.form {
            f.popup.paste(text);
        } else if let Some(d) = &mut self.detail {
            d.paste(text);
        } else {
            self.list.paste(text);
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        match &self.detail {
            Some(d) => d.draw(f, area, v),
            None => self.list.draw(f, area, v),
        }
        if let Some(dialog) = &self.filter {
            dialog.popup.draw(f, area, v);
        }
        if let Some(form) = &self.form {
            form.popup.draw(f, area, v);
        }
        if self.asking_close {
            let i = v.i18n;
            confirm(
                f,
                area,
                i.t("confirm.title"),
                i.t("products.close_question"),
                v.keys,
                i,
                v.theme,
            );
        }
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(form) = &self.form {
            return form.popup.commands();
        }
        if let Some(dialog) = &self.filter {
            return dialog.commands();
        }
        if self.asking_close {
            return vec![Action::Yes, Action::No];
        }
        match &self.detail {
            Some(d) => d.commands(),
            None => self.list.commands(),
        }
    }

    fn has_unsaved(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.popup.is_dirty())
            || self.detail.as_ref().is_some_and(ProductDetail::is_dirty)
    }
}
