//! The product catalogue: reads for everyone signed in, creates, changes and closes for
//! administrators only (audited); the suitability lists of both sides — the acting
//! user's clients a product suits, and the on-sale products a client suits.
//!
//! Products are never deleted: a product anyone held or discussed must stay, so the way
//! out of the catalogue is closing it (no new holdings; existing ones stay open).
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use super::clients::{read_summary, scope, ClientSummary, SUMMARY_COLUMNS};
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{parse_date, RiskLevel};
use crate::domain::product::{
    assessed_since, suitability, Category, HoldingRules, ProductInput, ProductRisk, ProductStatus,
    ValidProduct,
};

/// A product of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Row id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Risk level.
    pub risk: ProductRisk,
    /// Currency code.
    pub currency: String,
    /// Lowest expected annual yield, percent.
    pub yield_min: Option<Decimal>,
    /// Highest expected annual yield, percent.
    pub yield_max: Option<Decimal>,
    /// Term in days.
    pub term_days: Option<i64>,
    /// Minimum amount.
    pub min_amount: Decimal,
    /// First day of sale.
    pub sale_start: Option<NaiveDate>,
    /// Last day of sale.
    pub sale_end: Option<NaiveDate>,
    /// On sale or closed.
    pub status: ProductStatus,
    /// Description.
    pub description: Option<String>,
}

impl Product {
    /// What a holding of this product must respect.
    pub fn rules(&self) -> HoldingRules {
        HoldingRules {
            min_amount: self.min_amount,
            currency: self.currency.clone(),
            sale_start: self.sale_start,
            sale_end: self.sale_end,
            status: self.status,
            term_days: self.term_days,
        }
    }

    /// The product's fields as the form shows them.
    pub fn to_input(&self) -> ProductInput {
        let opt = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ProductInput {
            code: self.code.clone(),
            name: self.name.clone(),
            category: self.category.code().into(),
            risk_level: self.risk.code().into(),
            currency: self.currency.clone(),
            yield_min: opt(self.yield_min),
            yield_max: opt(self.yield_max),
            term_days: self.term_days.map(|t| t.to_string()).unwrap_or_default(),
            min_amount: self.min_amount.to_string(),
            sale_start: date(self.sale_start),
            sale_end: date(self.sale_end),
            status: self.status.code().into(),
            description: self.description.clone().unwrap_or_default(),
        }
    }
}

/// Which products the catalogue shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFilter {
    /// Only this category.
    pub category: Option<Category>,
    /// Only this risk level.
    pub risk: Option<ProductRisk>,
    /// Only products on sale (`Some(true)`) or closed (`Some(false)`).
    pub on_sale: Option<bool>,
    /// Code or name containing this text (case-insensitive); empty: all.
    pub text: String,
}

/// Most clients a suitability list returns at once (the screen pages with `after`).
pub const SUITABLE_PAGE: usize = 200;

const PRODUCT_COLUMNS: &str =
    "id, code, name, category, risk_level, currency, yield_min, yield_max, \
     term_days, min_amount, sale_start, sale_end, status, description";

fn coded<T: FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse::<T>()
        .map_err(|_| rusqlite::Error::InvalidColumnType(i, s, rusqlite::types::Type::Text))
}

fn decimal(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Decimal>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(s) => Decimal::from_str(&s)
            .map(Some)
            .map_err(|_| rusqlite::Error::InvalidColumnType(i, s, rusqlite::types::Type::Text)),
    }
}

fn date(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .ok_or(rusqlite::Error::InvalidColumnType(
                i,
                s,
                rusqlite::types::Type::Text,
            )),
    }
}

fn read_product(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        category: coded(r, 3)?,
        risk: coded(r, 4)?,
        currency: r.get(5)?,
        yield_min: decimal(r, 6)?,
        yield_max: decimal(r, 7)?,
        term_days: r.get(8)?,
        min_amount: decimal(r, 9)?.unwrap_or(Decimal::ZERO),
        sale_start: date(r, 10)?,
        sale_end: date(r, 11)?,
        status: coded(r, 12)?,
        description: r.get(13)?,
    })
}

/// One product by id, whoever asks (the catalogue is not personal data).
pub(crate) fn product_row(conn: &Connection, id: i64) -> Result<Product> {
    conn.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1"
    ))?
    .query_row([id], read_product)
    .optional()?
    .ok_or(StoreError::NotFound)
}

fn describe(p: &ValidProduct) -> String {
    let opt = |d: Option<Decimal>| d.map_or_else(|| "-".into(), |d| d.to_string());
    format!(
        "code={} name={} category={} risk={} currency={} yield={}..{} term={} min={} sale={}..{} status={}",
        p.code,
        p.name,
        p.category,
        p.risk,
        p.currency,
        opt(p.yield_min),
        opt(p.yield_max),
        p.term_days.map_or_else(|| "-".into(), |t| t.to_string()),
        p.min_amount,
        p.sale_start.map_or_else(|| "-".into(), |d| d.to_string()),
        p.sale_end.map_or_else(|| "-".into(), |d| d.to_string()),
        p.status
    )
}

fn product_params(p: &ValidProduct) -> [Value; 13] {
    let text = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    [
        Value::Text(p.code.clone()),
        Value::Text(p.name.clone()),
        Value::Text(p.category.code().into()),
        Value::Text(p.risk.code().into()),
        Value::Text(p.currency.clone()),
        text(p.yield_min.map(|d| d.to_string())),
        text(p.yield_max.map(|d| d.to_string())),
        p.term_days.map_or(Value::Null, Value::Integer),
        Value::Text(p.min_amount.to_string()),
        text(p.sale_start.map(|d| d.to_string())),
        text(p.sale_end.map(|d| d.to_string())),
        Value::Text(p.status.code().into()),
        text(p.description.clone()),
    ]
}

impl Store {
    /// The catalogue, by code: every signed-in user reads it.
    pub fn products(&self, _actor: &Actor, filter: &ProductFilter) -> Result<Vec<Product>> {
        let mut sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE 1 = 1");
        let mut args: Vec<Value> = Vec::new();
        if let Some(c) = filter.category {
            sql.push_str(" AND category = ?");
            args.push(Value::Text(c.code().into()));
        }
        if let Some(r) = filter.risk {
            sql.push_str(" AND risk_level = ?");
            args.push(Value::Text(r.code().into()));
        }
        if let Some(on) = filter.on_sale {
            sql.push_str(" AND status = ?");
            let s = if on {
                ProductStatus::OnSale
            } else {
                ProductStatus::Closed
            };
            args.push(Value::Text(s.code().into()));
        }
        let text = filter.text.trim();
        if !text.is_empty() {
            // instr over lower(): no LIKE wildcards to escape in what was typed.
            sql.push_str(
                " AND (instr(lower(code), lower(?)) > 0 OR instr(lower(name), lower(?)) > 0)",
            );
            args.push(Value::Text(text.into()));
            args.push(Value::Text(text.into()));
        }
        sql.push_str(" ORDER BY code");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), read_product)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One product.
    pub fn product(&self, _actor: &Actor, id: i64) -> Result<Product> {
        product_row(self.conn(), id)
    }

    /// Adds a product to the catalogue (administrators only); returns its id.
    pub fn create_product(&mut self, actor: &Actor, input: &ProductInput) -> Result<i64> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let p = input.validate().map_err(StoreError::Fields)?;
        self.code_free(&p.code, None)?;
        self.write(|tx, now| {
            let stamp = ts(now);
            let mut args = product_params(&p).to_vec();
            args.push(Value::Text(stamp));
            tx.prepare_cached(
                "INSERT INTO products (code, name, category, risk_level, currency, yield_min, yield_max,
                     term_days, min_amount, sale_start, sale_end, status, description, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            )?
            .execute(params_from_iter(args))?;
            let id = tx.last_insert_rowid();
            let after = describe(&p);
            let mut e = audit::Entry::new("product.create", "product", Some(id));
            e.after = Some(&after);
            audit::append(tx, now, actor.into(), e)?;
            Ok(id)
        })
    }

    /// Changes a product (administrators only). Holdings keep what they were opened
    /// with; the new minimum and window apply to holdings opened or changed from now.
    pub fn update_product(&mut self, actor: &Actor, id: i64, input: &ProductInput) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let before = product_row(self.conn(), id)?;
        let p = input.validate().map_err(StoreError::Fields)?;
        self.code_free(&p.code, Some(id))?;
        if p.currency != before.currency && self.product_held(id)? {
            return Err(StoreError::Fields(vec![
                crate::domain::client::FieldError::new(
                    "currency",
                    "err.product.currency_held",
                    "clients hold this product in its currency",
                ),
            ]));
        }
        let b = before
            .to_input()
            .validate()
            .map(|v| describe(&v))
            .unwrap_or_default();
        self.write(|tx, now| {
            let mut args = product_params(&p).to_vec();
            args.push(Value::Text(ts(now)));
            args.push(Value::Integer(id));
            tx.prepare_cached(
                "UPDATE products SET code = ?1, name = ?2, category = ?3, risk_level = ?4, currency = ?5,
                     yield_min = ?6, yield_max = ?7, term_days = ?8, min_amount = ?9, sale_start = ?10,
                     sale_end = ?11, status = ?12, description = ?13, updated_at = ?14
                 WHERE id = ?15",
            )?
            .execute(params_from_iter(args))?;
            let a = describe(&p);
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "product.update",
                    entity: "product",
                    entity_id: Some(id.to_string()),
                    before: Some(&b),
                    after: Some(&a),
                },
            )
        })
    }

    /// Closes a product (administrators only): no new holdings; holdings stay open.
    /// Closing a closed product changes nothing and writes nothing.
    pub fn close_product(&mut self, actor: &Actor, id: i64) -> Result<()> {
        if actor.role != Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let p = product_row(self.conn(), id)?;
        if p.status == ProductStatus::Closed {
            return Ok(());
        }
        self.write(|tx, now| {
            tx.execute(
                "UPDATE products SET status = 'closed', updated_at = ?1 WHERE id = ?2",
                params![ts(now), id],
            )?;
            audit::append(
                tx,
                now,
                actor.into(),
                audit::Entry {
                    action: "product.close",
                    entity: "product",
                    entity_id: Some(id.to_string()),
                    before: Some("status=on_sale"),
                    after: Some("status=closed"),
                },
            )
        })
    }

    fn code_free(&self, code: &str, except: Option<i64>) -> Result<()> {
        let taken: Option<i64> = self
            .conn()
            .prepare_cached("SELECT id FROM products WHERE code = ?1")?
            .query_row([code], |r| r.get(0))
            .optional()?;
        if taken.is_some_and(|t| Some(t) != except) {
            return Err(StoreError::Fields(vec![
                crate::domain::client::FieldError::new(
                    "code",
                    "err.product.code.taken",
                    "already used",
                ),
            ]));
        }
        Ok(())
    }

    fn product_held(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM holdings WHERE product_id = ?1)")?
            .query_row([id], |r| r.get(0))?)
    }

    /// The clients of `actor` (an RM's own, a manager's branch) whom product `id` suits
    /// today: level at or above the product's risk, assessment younger than 12 months,
    /// not closed. By name, at most `limit`, after the (name, id) `after` for the next
    /// page. Administrators see no clients.
    pub fn suitable_clients(
        &self,
        actor: &Actor,
        id: i64,
        after: Option<(&str, i64)>,
        limit: usize,
    ) -> Result<Vec<ClientSummary>> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let product = product_row(self.conn(), id)?;
        let today = self.today();
        let (scope_sql, scope_arg) = scope(actor);
        // One walk per suited level along the scope's (owner or branch, level, name, id)
        // index, each stopping at `limit` rows; the walks are merged by (name, id). A page
        // thus reads about what it shows, whether most clients qualify or hardly any.
        let mut sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE {scope_sql} AND c.risk_level = ? AND c.status != 'closed'
               AND c.risk_assessed_on BETWEEN ? AND ?"
        );
        if after.is_some() {
            sql.push_str(" AND (c.name, c.id) > (?, ?)");
        }
        sql.push_str(" ORDER BY c.name, c.id LIMIT ?");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let since = assessed_since(today).to_string();
        let mut out: Vec<ClientSummary> = Vec::new();
        for level in product.risk.suited_levels() {
            let mut args = vec![
                scope_arg.clone(),
                Value::Text(level.code().into()),
                Value::Text(since.clone()),
                Value::Text(today.to_string()),
            ];
            if let Some((name, after_id)) = after {
                args.push(Value::Text(name.into()));
                args.push(Value::Integer(after_id));
            }
            args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            let rows = stmt.query_map(params_from_iter(args), read_summary)?;
            for row in rows {
                out.push(row?);
            }
        }
        // SQLite orders text by its bytes, as Rust's `str` does.
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        out.truncate(limit);
        Ok(out)
    }

    /// The products on sale today that suit client `client_id` (empty when the client
    /// has no current assessment), by risk then code.
    pub fn suitable_products(&self, actor: &Actor, client_id: i64) -> Result<Vec<Product>> {
        let c = self.client_raw(actor, client_id)?;
        let today = self.today();
        let level = RiskLevel::from_str(&c.fields.risk_level).ok();
        let on = parse_date(&c.fields.risk_assessed_on);
        let filter = ProductFilter {
            on_sale: Some(true),
            ..ProductFilter::default()
        };
        let mut out: Vec<Product> = self
            .products(actor, &filter)?
            .into_iter()
            .filter(|p| p.rules().sells_on(today))
            .filter(|p| suitability(p.risk, level, on, today).is_ok())
            .collect();
        out.sort_by(|a, b| a.risk.cmp(&b.risk).then_with(|| a.code.cmp(&b.code)));
        Ok(out)
    }
}
