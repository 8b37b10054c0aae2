//! The administrator's product form (new and edit, every field of the catalogue) and
//! the catalogue's filter dialog (category, risk level, on sale).
use crate::domain::product::{Category, ProductInput, ProductRisk, ProductStatus};
use crate::store::products::{Product, ProductFilter};
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::Ctx;
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

/// What the products screen's popups report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A product was saved: its id and code.
    Saved(i64, String),
    /// Apply these filters.
    Filter(ProductFilter),
    /// Yes to closing product `id`.
    Close(i64),
    /// A holding was recorded for the client selected in the product's detail.
    HoldingSaved,
}

/// New or edit.
#[derive(Debug)]
pub struct ProductForm {
    id: Option<i64>,
    /// The popup with the fields.
    pub popup: PopupForm,
}

/// A popup over the catalogue (which stays in view around it), `max_width` at most.
fn catalogue_popup(title: String, fields: Vec<Field>, max_width: u16) -> PopupForm {
    let mut popup = PopupForm::new(title, fields);
    popup.max_width = max_width;
    popup.hide_behind = false;
    popup
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
            popup: catalogue_popup(title.to_string(), fields, 76),
        }
    }

    fn input(&self) -> ProductInput {
        let f = &self.popup;
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

    /// Ctrl-S: saves through the store.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Done> {
        let input = self.input();
        let saved = match self.id {
            Some(id) => ctx.store.update_product(ctx.actor, id, &input).map(|()| id),
            None => ctx.store.create_product(ctx.actor, &input),
        };
        match saved {
            Ok(id) => Step::Done(Done::Saved(id, input.code.trim().to_ascii_uppercase())),
            Err(e) => {
                self.popup.refused(&e, ctx);
                Step::Open
            }
        }
    }
}

form_popup!(ProductForm => Done);

/// Category, risk level and on-sale choices, each with "all". It asks nothing before
/// closing, and Enter applies.
#[derive(Debug)]
pub struct FilterDialog {
    /// The popup with the choices.
    pub popup: PopupForm,
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
        let mut popup = catalogue_popup(i.t("products.filter.title").to_string(), fields, 56);
        popup.filter = true;
        FilterDialog { popup }
    }

    /// Enter applies.
    fn submit(&mut self, _ctx: &mut Ctx<'_>) -> Step<Done> {
        let f = &self.popup;
        Step::Done(Done::Filter(ProductFilter {
            category: f.value("category").parse().ok(),
            risk: f.value("risk_level").parse().ok(),
            on_sale: match f.value("status") {
                "on_sale" => Some(true),
                "closed" => Some(false),
                _ => None,
            },
            text: String::new(),
        }))
    }
}

form_popup!(FilterDialog => Done);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::keymap::Action;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, TEXT_FIELD};
    use crate::tui::popup::Popup;

    #[test]
    fn the_product_form_shows_what_it_takes() {
        let mut env = env(Role::Admin);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(ProductForm::new_product(c.i18n)) as Box<dyn Popup<Done>>
        });
    }

    #[test]
    fn the_catalogue_filter_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, false, &[Action::Left, Action::Right], &|c| {
            Box::new(FilterDialog::new(c.i18n, &ProductFilter::default())) as Box<dyn Popup<Done>>
        });
    }
}
