//! Holdings from the client 360 view (`h`): a popup listing the client's open holdings
//! and the on-sale products that suit the client; `a` records a holding, `e` changes
//! the selected one's amount and maturity, `c` closes it (after a question). The form
//! ([`HoldingForm`]) is shared with the product screen, which records a holding of the
//! open product for one of the clients it suits.
//!
//! The store decides: the product's minimum, sale window and currency, suitability (a
//! refusal shows its reason at the product field; managers may give an override reason),
//! and the client's AUM and tier in the same transaction.
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use crate::domain::money::format_money;
use crate::domain::product::HoldingInput;
use crate::store::client360::Holding;
use crate::store::holdings::NewHolding;
use crate::store::products::{Product, ProductFilter};
use crate::store::{Role, StoreError};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::{Mapped, Popup, Question, Stack, Step};
use crate::tui::screens::products::{product_label, yield_text};
use crate::tui::screens::{store_error_text, Ctx, View};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};
use crate::tui::widgets::{centered, fit, pad, popup};

/// What the form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A new holding for this client.
    New(i64),
    /// A change to this holding.
    Change(i64),
}

/// The form of a new holding or of a change to one.
#[derive(Debug, Clone)]
pub struct HoldingForm {
    target: Target,
    /// The popup with the fields.
    pub popup: PopupForm,
}

/// A holding popup over the screen that opened it (which stays in view around it).
fn holding_popup(title: String, fields: Vec<Field>) -> PopupForm {
    let mut popup = PopupForm::new(title, fields);
    popup.hide_behind = false;
    popup
}

impl HoldingForm {
    /// A new holding for client `client_id` (`who` for the title) of one of `products`,
    /// `preselect` chosen first. Managers also get the override reason field.
    pub fn new_holding(
        i: &I18n,
        client_id: i64,
        who: &str,
        products: &[Product],
        preselect: Option<i64>,
        role: Role,
        today: &str,
    ) -> HoldingForm {
        let options: Vec<(String, String)> = products
            .iter()
            .map(|p| (p.id.to_string(), product_label(i, p)))
            .collect();
        let chosen = preselect.map(|id| id.to_string()).unwrap_or_default();
        let mut fields = vec![
            Field::choice("product", i.t("holding.field.product"), options, &chosen),
            Field::text("amount", i.t("holding.field.amount"), ""),
            Field::text("start_date", i.t("holding.field.start_date"), today),
            Field::text("maturity_date", i.t("holding.field.maturity_date"), ""),
        ];
        if role == Role::Manager {
            fields.push(Field::text(
                "override_reason",
                i.t("holding.field.override_reason"),
                "",
            ));
        }
        let mut popup = holding_popup(i.f("holding.form.new", &[("who", who)]), fields);
        if products.len() == 1 {
            popup.form.focus_on("amount");
        }
        HoldingForm {
            target: Target::New(client_id),
            popup,
        }
    }

    /// A change to holding `h`: its amount and maturity.
    pub fn change(i: &I18n, h: &Holding) -> HoldingForm {
        let fields = vec![
            Field::text("amount", i.t("holding.field.amount"), &h.amount.to_string()),
            Field::text(
                "maturity_date",
                i.t("holding.field.maturity_date"),
                h.maturity_date.as_deref().unwrap_or(""),
            ),
        ];
        let title = i.f(
            "holding.form.change",
            &[("product", &h.product_name), ("code", &h.product_code)],
        );
        HoldingForm {
            target: Target::Change(h.id),
            popup: holding_popup(title, fields),
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<()> {
        let f = &self.popup;
        let result = match self.target {
            Target::New(client_id) => {
                let Ok(product_id) = f.value("product").parse::<i64>() else {
                    self.popup
                        .form
                        .set_error("product", ctx.i18n.t("err.holding.no_product"));
                    return Step::Open;
                };
                let h = NewHolding {
                    product_id,
                    input: HoldingInput {
                        amount: f.form.trimmed("amount"),
                        currency: String::new(),
                        start_date: f.form.trimmed("start_date"),
                        maturity_date: f.form.trimmed("maturity_date"),
                    },
                    override_reason: f.form.trimmed("override_reason"),
                };
                ctx.store.add_holding(ctx.actor, client_id, &h).map(|_| ())
            }
            Target::Change(id) => ctx.store.change_holding(
                ctx.actor,
                id,
                &f.form.trimmed("amount"),
                &f.form.trimmed("maturity_date"),
            ),
        };
        match result {
            Ok(()) => Step::Done(()),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

// Saved: closes with `()`; the owner reloads.
form_popup!(HoldingForm => ());

/// What the holdings popup's own popups report.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inner {
    /// The form saved a holding.
    Saved,
    /// Yes to closing holding `id` (its product's name).
    Close(i64, String),
}

/// The holdings popup of one client. It closes with `true` when a holding was recorded,
/// changed or closed (the 360 view reloads).
#[derive(Debug)]
pub struct HoldingsPanel {
    client_id: i64,
    who: String,
    holdings: Vec<Holding>,
    suitable: Vec<Product>,
    on_sale: Vec<Product>,
    selected: usize,
    /// The holding form and the close question, over the popup.
    popups: Stack<Inner>,
    changed: bool,
    today: String,
}

impl HoldingsPanel {
    /// Opens the popup for client `client_id` (`who`: number and name, for titles).
    pub fn open(ctx: &mut Ctx<'_>, client_id: i64, who: &str) -> Result<HoldingsPanel, StoreError> {
        let mut p = HoldingsPanel {
            client_id,
            who: who.to_string(),
            holdings: Vec::new(),
            suitable: Vec::new(),
            on_sale: Vec::new(),
            selected: 0,
            popups: Stack::default(),
            changed: false,
            today: ctx.store.today().to_string(),
        };
        p.load(ctx)?;
        Ok(p)
    }

    fn load(&mut self, ctx: &mut Ctx<'_>) -> Result<(), StoreError> {
        let (s, a) = (&*ctx.store, ctx.actor);
        self.holdings = s.client_holdings(a, self.client_id)?;
        self.suitable = s.suitable_products(a, self.client_id)?;
        let today = s.today();
        let filter = ProductFilter {
            on_sale: Some(true),
            ..ProductFilter::default()
        };
        self.on_sale = s
            .products(a, &filter)?
            .into_iter()
            .filter(|p| p.rules().sells_on(today))
            .collect();
        self.selected = self.selected.min(self.holdings.len().saturating_sub(1));
        Ok(())
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        if let Err(e) = self.load(ctx) {
            ctx.error(store_error_text(&e, ctx.i18n));
        }
    }

    fn on_inner(&mut self, inner: Inner, ctx: &mut Ctx<'_>) {
        match inner {
            Inner::Saved => {
                self.changed = true;
                ctx.info(ctx.i18n.f("holdings.saved", &[("who", &self.who)]));
            }
            Inner::Close(id, product) => match ctx.store.close_holding(ctx.actor, id) {
                Ok(()) => {
                    self.changed = true;
                    ctx.info(ctx.i18n.f("holdings.closed", &[("product", &product)]));
                }
                Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
            },
        }
        let status = ctx.status.take();
        self.reload(ctx);
        if ctx.status.is_none() {
            ctx.status = status;
        }
    }
}

impl Popup<bool> for HoldingsPanel {
    fn is_dirty(&self) -> bool {
        self.popups.is_dirty()
    }

    fn paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    /// The form or the close question first, then the popup's keys.
    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Step<bool> {
        if let Some(step) = self.popups.on_key(key, ctx) {
            let used = step.used();
            if let Step::Done(inner) = step {
                self.on_inner(inner, ctx);
            }
            return if used { Step::Open } else { Step::Ignored };
        }
        match ctx.keys.action_in(key, &self.commands()) {
            Some(Action::Back) => return Step::Done(self.changed),
            Some(Action::AddHolding) => {
                let first = self.suitable.first().map(|p| p.id);
                let form = HoldingForm::new_holding(
                    ctx.i18n,
                    self.client_id,
                    &self.who,
                    &self.on_sale,
                    first,
                    ctx.actor.role,
                    &self.today,
                );
                self.popups.push(Mapped::new(form, |()| Inner::Saved));
            }
            Some(Action::Edit) => {
                if let Some(h) = self.holdings.get(self.selected) {
                    let form = HoldingForm::change(ctx.i18n, h);
                    self.popups.push(Mapped::new(form, |()| Inner::Saved));
                }
            }
            Some(Action::CloseRecord) => {
                if let Some(h) = self.holdings.get(self.selected) {
                    let i = ctx.i18n;
                    let q = i.f("holdings.close_question", &[("product", &h.product_name)]);
                    let answer = Inner::Close(h.id, h.product_name.clone());
                    self.popups
                        .push(Question::new(i.t("confirm.title").into(), q, answer));
                }
            }
            Some(Action::Down) => {
                self.selected = (self.selected + 1).min(self.holdings.len().saturating_sub(1));
            }
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            _ => return Step::Ignored,
        }
        Step::Open
    }

    /// The popup's keys (the form's or question's while one is open).
    fn commands(&self) -> Vec<Action> {
        if let Some(top) = self.popups.commands() {
            return top;
        }
        let mut a = vec![Action::AddHolding];
        if !self.holdings.is_empty() {
            a.extend([Action::Edit, Action::CloseRecord]);
        }
        a.extend([Action::Back, Action::Up, Action::Down]);
        a
    }

    /// Draws the popup (and its form or question) over `area`.
    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let i = v.i18n;
        f.render_widget(Clear, area);
        let rect = centered(area, area.width.min(78), area.height);
        let inner = popup(
            f,
            rect,
            &i.f("holdings.title", &[("who", &self.who)]),
            v.theme,
        );
        let w = usize::from(inner.width.saturating_sub(2));
        let mut lines = vec![Line::from(Span::styled(
            i.f("holdings.open", &[("n", &self.holdings.len().to_string())]),
            v.theme.header,
        ))];
        if self.holdings.is_empty() {
            lines.push(Line::from(Span::styled(
                i.t("c360.holdings.none"),
                v.theme.dim,
            )));
        }
        // product name | amount | start → maturity
        let amount_w = 18;
        let dates_w = 23;
        let name_w = w.saturating_sub(amount_w + dates_w + 4).max(8);
        for (n, h) in self.holdings.iter().enumerate() {
            let dates = format!(
                "{} → {}",
                h.start_date,
                h.maturity_date.as_deref().unwrap_or("—")
            );
            let text = format!(
                "{} {:>amount_w$} {}",
                pad(&format!("{} {}", h.product_code, h.product_name), name_w),
                format_money(h.amount, &h.currency),
                dates
            );
            let style = if n == self.selected {
                v.theme.selected
            } else {
                Style::default()
            };
            lines.push(Line::from(Span::styled(fit(&text, w), style)));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            i.f(
                "holdings.suitable",
                &[("n", &self.suitable.len().to_string())],
            ),
            v.theme.header,
        )));
        if self.suitable.is_empty() {
            lines.push(Line::from(Span::styled(
                i.t("holdings.suitable.none"),
                v.theme.warning,
            )));
        }
        for p in &self.suitable {
            let text = format!(
                "{} {} {} · {}",
                p.risk.code(),
                p.code,
                p.name,
                yield_text(p)
            );
            lines.push(Line::from(fit(&text, w)));
        }
        let body = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height,
        );
        f.render_widget(Paragraph::new(lines), body);
        self.popups.draw(f, area, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env};

    #[test]
    fn the_holding_form_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        // The first field is the product choice (←/→ choose).
        assert_shows_what_it_takes(&mut env, true, &[Action::Left, Action::Right], &|c| {
            let form = HoldingForm::new_holding(c.i18n, 1, "C1", &[], None, Role::Rm, "");
            Box::new(form) as Box<dyn Popup<()>>
        });
    }

    #[test]
    fn the_holdings_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, false, &[], &|_| {
            Box::new(HoldingsPanel {
                client_id: 1,
                who: "C1".into(),
                holdings: Vec::new(),
                suitable: Vec::new(),
                on_sale: Vec::new(),
                selected: 0,
                popups: Stack::default(),
                changed: false,
                today: String::new(),
            }) as Box<dyn Popup<bool>>
        });
    }
}
