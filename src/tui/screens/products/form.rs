//! The administrator's product form (new and edit, every field of the catalogue) and
//! the catalogue's filter dialog (category, risk level, on sale).
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::product::{Category, ProductInput, ProductRisk, ProductStatus};
use crate::store::products::{Product, ProductFilter};
use crate::tui::i18n::I18n;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::screens::{show_store_error, Ctx, View};
use crate::tui::widgets::discard::{Discard, DiscardStep};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup};

/// What a key did to the product form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductFormResult {
    /// Still open.
    Open,
    /// Not a key of the form.
    Ignored,
    /// Closed without saving.
    Cancelled,
    /// Saved: the product's id and code.
    Saved(i64, String),
}

/// New or edit.
#[derive(Debug)]
pub struct ProductForm {
    id: Option<i64>,
    title: String,
    form: Form,
    discard: Discard,
    message: Option<String>,
}

fn options<T: Copy>(
    i: &I18n,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), i.t(label(*v)).to_string()))
        .collect()
}

impl ProductForm {
    /// An empty form for a new product.
    pub fn new_product(i: &I18n) -> ProductForm {
        ProductForm::build(i, None, &ProductInput::default(), i.t("product.form.new"))
    }

    /// The form of product `p`.
    pub fn edit(i: &I18n, p: &Product) -> ProductForm {
        let title = i.f("product.form.edit", &[("code", &p.code)]);
        ProductForm::build(i, Some(p.id), &p.to_input(), &title)
    }

    fn build(i: &I18n, id: Option<i64>, v: &ProductInput, title: &str) -> ProductForm {
        let risk = |r: ProductRisk| r.code();
        let risks: Vec<(String, String)> = ProductRisk::ALL
            .iter()
            .map(|r| {
                (
                    risk(*r).to_string(),
                    format!("{} {}", r.code(), i.t(r.label_key())),
                )
            })
            .collect();
        let fields = vec![
            Field::text("code", i.t("product.field.code"), &v.code),
            Field::text("name", i.t("product.field.name"), &v.name),
            Field::choice(
                "category",
                i.t("product.field.category"),
                options(i, Category::ALL, Category::code, Category::label_key),
                &v.category,
            ),
            Field::choice(
                "risk_level",
                i.t("product.field.risk_level"),
                risks,
                &v.risk_level,
            ),
            Field::text(
                "currency",
                i.t("product.field.currency"),
                if v.currency.is_empty() {
                    "CNY"
                } else {
                    &v.currency
                },
            ),
            Field::text("yield_min", i.t("product.field.yield_min"), &v.yield_min),
            Field::text("yield_max", i.t("product.field.yield_max"), &v.yield_max),
            Field::text("term_days", i.t("product.field.term_days"), &v.term_days),
            Field::text("min_amount", i.t("product.field.min_amount"), &v.min_amount),
            Field::text("sale_start", i.t("product.field.sale_start"), &v.sale_start),
            Field::text("sale_end", i.t("product.field.sale_end"), &v.sale_end),
            Field::choice(
                "status",
                i.t("product.field.status"),
                options(
                    i,
                    ProductStatus::ALL,
                    ProductStatus::code,
                    ProductStatus::label_key,
                ),
                &v.status,
            ),
            Field::multi(
                "description",
                i.t("product.field.description"),
                &v.description,
            ),
        ];
        ProductForm {
            id,
            title: title.to_string(),
            form: Form::new(fields),
            discard: Discard::default(),
            message: None,
        }
    }

    fn input(&self) -> ProductInput {
        let f = &self.form;
        let v = |id: &str| f.value(id).to_string();
        ProductInput {
            code: v("code"),
            name: v("name"),
            category: v("category"),
            risk_level: v("risk_level"),
            currency: v("currency"),
            yield_min: v("yield_min"),
            yield_max: v("yield_max"),
            term_days: v("term_days"),
            min_amount: v("min_amount"),
            sale_start: v("sale_start"),
            sale_end: v("sale_end"),
            status: v("status"),
            description: v("description"),
        }
    }

    /// Whether something was typed.
    pub fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        if !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Handles a key: the discard question, save, then the fields.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> ProductFormResult {
        let k = ctx.keys;
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return ProductFormResult::Open,
            DiscardStep::Leave => return ProductFormResult::Cancelled,
            DiscardStep::NotMine => return ProductFormResult::Ignored,
        }
        if k.is(key, Action::Save) {
            self.form.clear_errors();
            self.message = None;
            let input = self.input();
            let saved = match self.id {
                Some(id) => ctx.store.update_product(ctx.actor, id, &input).map(|()| id),
                None => ctx.store.create_product(ctx.actor, &input),
            };
            return match saved {
                Ok(id) => ProductFormResult::Saved(id, input.code.trim().to_ascii_uppercase()),
                Err(e) => {
                    self.message = show_store_error(&mut self.form, &e, ctx.i18n);
                    if let Some(m) = &self.message {
                        ctx.error(m.clone());
                    }
                    ProductFormResult::Open
                }
            };
        }
        let mut used = self.form.on_key(key, k);
        if !used && k.is(key, Action::Open) {
            used = self.form.on_key(&KeyEvent::from(KeyCode::Tab), k);
        }
        if used {
            ProductFormResult::Open
        } else {
            ProductFormResult::Ignored
        }
    }

    /// The form's keys.
    pub fn commands(&self) -> Vec<Action> {
        if self.discard.asking() {
            return vec![Action::Yes, Action::No];
        }
        vec![
            Action::Save,
            Action::Back,
            Action::NextField,
            Action::PrevField,
        ]
    }

    /// Draws the form over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let has_message = self.message.is_some();
        let wanted = self.form.height() + 2 + u16::from(has_message);
        let rect = centered(area, area.width.min(76), wanted.min(area.height));
        let inner = popup(f, rect, &self.title, v.theme);
        let body = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(2),
            inner.height.saturating_sub(u16::from(has_message)),
        );
        self.form.draw(f, body, v.theme);
        if let Some(msg) = &self.message {
            if inner.height > 0 {
                f.render_widget(
                    Paragraph::new(Line::from(Span::styled(msg.as_str(), v.theme.error))),
                    Rect::new(body.x, inner.y + inner.height - 1, body.width, 1),
                );
            }
        }
        self.discard.draw(f, area, v);
    }
}

/// What a key did to the filter dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterResult {
    /// Still open.
    Open,
    /// Not its key.
    Ignored,
    /// Closed, filters unchanged.
    Cancelled,
    /// Apply these filters.
    Apply(ProductFilter),
}

/// Category, risk level and on-sale choices, each with "all".
#[derive(Debug)]
pub struct FilterDialog {
    form: Form,
    title: String,
}

impl FilterDialog {
    /// The dialog showing `current`.
    pub fn new(i: &I18n, current: &ProductFilter) -> FilterDialog {
        let all = || (String::new(), i.t("clients.filter.all").to_string());
        let mut cats = vec![all()];
        cats.extend(options(
            i,
            Category::ALL,
            Category::code,
            Category::label_key,
        ));
        let mut risks = vec![all()];
        risks.extend(ProductRisk::ALL.iter().map(|r| {
            (
                r.code().to_string(),
                format!("{} {}", r.code(), i.t(r.label_key())),
            )
        }));
        let sale = vec![
            all(),
            (
                "on_sale".to_string(),
                i.t("product.status.on_sale").to_string(),
            ),
            (
                "closed".to_string(),
                i.t("product.status.closed").to_string(),
            ),
        ];
        let sale_now = match current.on_sale {
            Some(true) => "on_sale",
            Some(false) => "closed",
            None => "",
        };
        let fields = vec![
            Field::choice(
                "category",
                i.t("product.field.category"),
                cats,
                current.category.map_or("", Category::code),
            ),
            Field::choice(
                "risk_level",
                i.t("product.field.risk_level"),
                risks,
                current.risk.map_or("", ProductRisk::code),
            ),
            Field::choice("status", i.t("product.field.status"), sale, sale_now),
        ];
        FilterDialog {
            form: Form::new(fields),
            title: i.t("products.filter.title").to_string(),
        }
    }

    /// Enter or Ctrl-S applies, Esc cancels, the rest moves and chooses.
    pub fn on_key(&mut self, key: &KeyEvent, keys: &Keymap) -> FilterResult {
        if keys.is(key, Action::Back) {
            return FilterResult::Cancelled;
        }
        if keys.is(key, Action::Open) || keys.is(key, Action::Save) {
            let f = &self.form;
            return FilterResult::Apply(ProductFilter {
                category: f.value("category").parse().ok(),
                risk: f.value("risk_level").parse().ok(),
                on_sale: match f.value("status") {
                    "on_sale" => Some(true),
                    "closed" => Some(false),
                    _ => None,
                },
                text: String::new(),
            });
        }
        if self.form.on_key(key, keys) {
            FilterResult::Open
        } else {
            FilterResult::Ignored
        }
    }

    /// The dialog's keys.
    pub fn commands(&self) -> Vec<Action> {
        vec![Action::Open, Action::Back, Action::NextField]
    }

    /// Draws the dialog over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        let rect = centered(area, area.width.min(56), self.form.height() + 2);
        let inner = popup(f, rect, &self.title, v.theme);
        self.form.draw(
            f,
            Rect::new(
                inner.x + 1,
                inner.y,
                inner.width.saturating_sub(2),
                inner.height,
            ),
            v.theme,
        );
    }
}
