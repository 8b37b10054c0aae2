//! Clients: scoped reads (personal data masked unless revealed, and the reveal audited),
//! keyset-paged lists, full-text search, and validated, audited creates and changes.
//!
//! Scope: an RM sees the clients they own, a manager every client of their branch, an
//! administrator none. A client outside the scope is [`StoreError::NotFound`], exactly as
//! one that does not exist.
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use super::{audit, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{ClientInput, ClientKind, ClientStatus, RiskLevel, Tier};
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::money::from_minor;

/// One line of the client list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSummary {
    /// Row id.
    pub id: i64,
    /// Client number.
    pub client_no: String,
    /// Individual or corporate.
    pub kind: ClientKind,
    /// Name.
    pub name: String,
    /// Tier in force (the override when there is one).
    pub tier: Tier,
    /// Risk level, if assessed.
    pub risk_level: Option<RiskLevel>,
    /// AUM in CNY.
    pub aum: Decimal,
    /// Owner's username.
    pub owner: String,
    /// Last contact (ISO-8601 instant), if any.
    pub last_contact_at: Option<String>,
    /// Status.
    pub status: ClientStatus,
}

/// A client as the 360 view shows it. ID number, mobile and email are masked unless
/// `revealed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Row id.
    pub id: i64,
    /// The fields as a form would hold them (masked where personal, unless revealed).
    pub fields: ClientInput,
    /// Tier in force.
    pub tier: Tier,
    /// Tier from AUM alone.
    pub computed_tier: Tier,
    /// Manager's override reason, when the tier is overridden.
    pub tier_override_reason: Option<String>,
    /// AUM in CNY.
    pub aum: Decimal,
    /// Owner's display name.
    pub owner_name: String,
    /// Last contact instant.
    pub last_contact_at: Option<String>,
    /// Created at (instant).
    pub created_at: String,
    /// Changed at (instant).
    pub updated_at: String,
    /// When the current marketing consent was given or withdrawn (instant).
    pub consent_at: Option<String>,
    /// Whether the personal fields are shown in full.
    pub revealed: bool,
}

/// Column the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// By name.
    #[default]
    Name,
    /// By client number.
    ClientNo,
    /// By tier (general, key, core).
    Tier,
    /// By risk level.
    Risk,
    /// By AUM.
    Aum,
    /// By owner's username.
    Owner,
    /// By last contact.
    LastContact,
}

impl SortKey {
    /// All sort keys, in the order of the list's columns.
    pub const ALL: [SortKey; 7] = [
        SortKey::ClientNo,
        SortKey::Name,
        SortKey::Tier,
        SortKey::Risk,
        SortKey::Aum,
        SortKey::Owner,
        SortKey::LastContact,
    ];

    fn expr(self) -> &'static str {
        match self {
            SortKey::Name => "c.name_key",
            SortKey::ClientNo => "c.client_no",
            SortKey::Tier => {
                "(CASE coalesce(c.tier_override, c.tier) WHEN 'general' THEN 0 WHEN 'key' THEN 1 ELSE 2 END)"
            }
            SortKey::Risk => "coalesce(c.risk_level, '')",
            SortKey::Aum => "c.aum_minor",
            SortKey::Owner => "u.username",
            SortKey::LastContact => "coalesce(c.last_contact_at, '')",
        }
    }
}

/// Which clients a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientFilter {
    /// Only this tier (in force).
    pub tier: Option<Tier>,
    /// Only this status.
    pub status: Option<ClientStatus>,
    /// Only this owner (user id).
    pub owner_id: Option<i64>,
    /// Only this risk level.
    pub risk_level: Option<RiskLevel>,
    /// Only this kind.
    pub kind: Option<ClientKind>,
}

/// Sort and filter of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSpec {
    /// Sort column.
    pub sort: SortKey,
    /// Largest first.
    pub descending: bool,
    /// Filters.
    pub filter: ClientFilter,
}

/// Where a page of the list starts: keyset positions, never an offset, so a page costs
/// the same at the end of a million rows as at the start.
#[derive(Debug, Clone, PartialEq)]
pub enum PageFrom {
    /// The first rows.
    Start,
    /// The last rows.
    End,
    /// The rows after this one.
    After(PageKey),
    /// The rows before this one.
    Before(PageKey),
}

/// A row's position in a sorted list.
#[derive(Debug, Clone, PartialEq)]
pub struct PageKey {
    value: Value,
    id: i64,
}

/// A page of the list with the keys of its first and last rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// The rows, in list order.
    pub rows: Vec<ClientSummary>,
    /// Position of each row, for the next page in either direction.
    pub keys: Vec<PageKey>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Saved; the client's id.
    Saved(i64),
    /// Not saved: clients with the same name and mobile or birth date exist. Save again
    /// with `confirmed` to save anyway.
    PossibleMatches(Vec<ClientSummary>),
}

/// A client's personal fields in full (the reveal key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revealed {
    /// ID number.
    pub id_number: String,
    /// Mobile.
    pub mobile: String,
    /// Email.
    pub email: String,
}

/// SQL condition limiting `c` (clients) to what `actor` may see, and its parameter.
pub(crate) fn scope(actor: &Actor) -> (&'static str, Value) {
    match (actor.role, actor.branch_id) {
        (Role::Rm, _) => ("c.owner_id = ?", Value::Integer(actor.user_id)),
        (Role::Manager, Some(b)) => ("c.branch_id = ?", Value::Integer(b)),
        _ => ("0 = ?", Value::Integer(1)),
    }
}

pub(crate) const SUMMARY_COLUMNS: &str =
    "c.id, c.client_no, c.kind, c.name, coalesce(c.tier_override, c.tier), c.risk_level,
     c.aum_minor, u.username, c.last_contact_at, c.status";

fn parse<T: std::str::FromStr>(s: &str) -> rusqlite::Result<T> {
    s.parse::<T>().map_err(|_| {
        rusqlite::Error::InvalidColumnType(0, s.to_string(), rusqlite::types::Type::Text)
    })
}

pub(crate) fn read_summary(r: &Row<'_>) -> rusqlite::Result<ClientSummary> {
    let risk: Option<String> = r.get(5)?;
    Ok(ClientSummary {
        id: r.get(0)?,
        client_no: r.get(1)?,
        kind: parse(&r.get::<_, String>(2)?)?,
        name: r.get(3)?,
        tier: parse(&r.get::<_, String>(4)?)?,
        risk_level: risk.as_deref().map(parse).transpose()?,
        aum: from_minor(r.get(6)?),
        owner: r.get(7)?,
        last_contact_at: r.get(8)?,
        status: parse(&r.get::<_, String>(9)?)?,
    })
}

pub(crate) fn filter_sql(f: &ClientFilter, sql: &mut String, args: &mut Vec<Value>) {
    filter_on("coalesce(c.tier_override, c.tier)", f, sql, args);
}

/// [`filter_sql`] on a table `c` whose tier in force is `tier` (the client list's
/// counts keep it in a column of its own).
fn filter_on(tier: &str, f: &ClientFilter, sql: &mut String, args: &mut Vec<Value>) {
    if let Some(t) = f.tier {
        sql.push_str(&format!(" AND {tier} = ?"));
        args.push(Value::Text(t.code().into()));
    }
    match f.status {
        Some(s) => {
            sql.push_str(" AND c.status = ?");
            args.push(Value::Text(s.code().into()));
        }
        // Closed clients are archived: shown only when the filter asks for them.
        None => sql.push_str(" AND c.status <> 'closed'"),
    }
    if let Some(o) = f.owner_id {
        sql.push_str(" AND c.owner_id = ?");
        args.push(Value::Integer(o));
    }
    if let Some(r) = f.risk_level {
        sql.push_str(" AND c.risk_level = ?");
        args.push(Value::Text(r.code().into()));
    }
    if let Some(k) = f.kind {
        sql.push_str(" AND c.kind = ?");
        args.push(Value::Text(k.code().into()));
    }
}

/// The SQL of [`Store::client_count`] and its arguments: a sum of the counts kept per
/// branch, owner and filter column (`client_counts`, migration 15), never a walk of the
/// clients.
pub fn client_count_sql(actor: &Actor, spec: &ListSpec) -> (String, Vec<Value>) {
    let (scope_sql, scope_arg) = scope(actor);
    let mut sql = format!("SELECT coalesce(sum(c.n), 0) FROM client_counts c WHERE {scope_sql}");
    let mut args = vec![scope_arg];
    filter_on("c.tier", &spec.filter, &mut sql, &mut args);
    (sql, args)
}

/// The SQL of [`Store::client_page`] and its arguments (apart, so that tests can read its
/// query plan and benchmarks run it as plain SQL).
pub fn client_page_sql(
    actor: &Actor,
    spec: &ListSpec,
    from: &PageFrom,
    limit: usize,
) -> (String, Vec<Value>) {
    let (scope_sql, scope_arg) = scope(actor);
    let expr = spec.sort.expr();
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS}, {expr} FROM clients c JOIN users u ON u.id = c.owner_id WHERE {scope_sql}"
    );
    let mut args = vec![scope_arg];
    filter_sql(&spec.filter, &mut sql, &mut args);
    // Walking backwards (End, Before) reads in the opposite order (the caller flips
    // the page).
    let backwards = matches!(from, PageFrom::End | PageFrom::Before(_));
    let ascending = spec.descending == backwards;
    match from {
        PageFrom::After(k) | PageFrom::Before(k) => {
            let op = if ascending { ">" } else { "<" };
            sql.push_str(&format!(" AND ({expr}, c.id) {op} (?, ?)"));
            args.push(k.value.clone());
            args.push(Value::Integer(k.id));
        }
        PageFrom::Start | PageFrom::End => {}
    }
    let dir = if ascending { "ASC" } else { "DESC" };
    sql.push_str(&format!(" ORDER BY {expr} {dir}, c.id {dir} LIMIT ?"));
    args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    (sql, args)
}

/// Thresholds of the tiers, in CNY.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thresholds {
    key: Decimal,
    core: Decimal,
}

impl Thresholds {
    /// The key-tier threshold.
    pub(crate) fn key(self) -> Decimal {
        self.key
    }

    /// The core-tier threshold.
    pub(crate) fn core(self) -> Decimal {
        self.core
    }

    /// The thresholds as stored (defaults where a setting is missing).
    pub(crate) fn read(conn: &Connection) -> Result<Thresholds> {
        Ok(Thresholds {
            key: Decimal::from(super::settings::read_i64(conn, "tier.key_min_aum")?),
            core: Decimal::from(super::settings::read_i64(conn, "tier.core_min_aum")?),
        })
    }
}

impl Store {
    pub(crate) fn thresholds(&self) -> Result<Thresholds> {
        Thresholds::read(self.conn())
    }

    /// Today's date where the desk is.
    pub fn today(&self) -> NaiveDate {
        self.zone().date(self.now())
    }

    /// A page of `limit` clients of the list `spec`, from `from`.
    pub fn client_page(
        &self,
        actor: &Actor,
        spec: &ListSpec,
        from: &PageFrom,
        limit: usize,
    ) -> Result<Page> {
        let backwards = matches!(from, PageFrom::End | PageFrom::Before(_));
        let (sql, args) = client_page_sql(actor, spec, from, limit);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), |r| {
            Ok((
                read_summary(r)?,
                PageKey {
                    value: r.get::<_, Value>(10)?,
                    id: r.get(0)?,
                },
            ))
        })?;
        let mut page = Page::default();
        for row in rows {
            let (summary, key) = row?;
            page.rows.push(summary);
            page.keys.push(key);
        }
        if backwards {
            page.rows.reverse();
            page.keys.reverse();
        }
        Ok(page)
    }

    /// How many clients the list `spec` holds.
    pub fn client_count(&self, actor: &Actor, spec: &ListSpec) -> Result<u64> {
        let (sql, args) = client_count_sql(actor, spec);
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// One client, personal fields masked.
    pub fn client(&self, actor: &Actor, id: i64) -> Result<Client> {
        let mut c = self.client_raw(actor, id)?;
        let f = &mut c.fields;
        f.id_number = mask_id_number(&f.id_number);
        f.mobile = mask_or_empty(&f.mobile, mask_mobile);
        f.email = mask_or_empty(&f.email, mask_email);
        c.revealed = false;
        Ok(c)
    }

    /// The personal fields of a client in full; writes a reveal entry to the audit log.
    pub fn reveal_client(&mut self, actor: &Actor, id: i64) -> Result<Revealed> {
        let c = self.client_raw(actor, id)?;
        self.write(|tx, now| {
            let mut e = audit::Entry::new("client.reveal", "client", Some(id));
            e.after = Some("id_number, mobile, email");
            audit::append(tx, now, actor.into(), e)
        })?;
        Ok(Revealed {
            id_number: c.fields.id_number,
            mobile: c.fields.mobile,
            email: c.fields.email,
        })
    }

    /// A client's fields in full for the edit form (audited as a reveal, since the form
    /// shows them).
    pub fn client_for_edit(&mut self, actor: &Actor, id: i64) -> Result<ClientInput> {
        let c = self.client_raw(actor, id)?;
        self.write(|tx, now| {
            let mut e = audit::Entry::new("client.reveal", "client", Some(id));
            e.after = Some("edit form");
            audit::append(tx, now, actor.into(), e)
        })?;
        Ok(c.fields)
    }

    pub(crate) fn client_raw(&self, actor: &Actor, id: i64) -> Result<Client> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT c.id, c.client_no, c.kind, c.name, c.gender, c.birth_date, c.id_type, c.id_number,
                    c.mobile, c.email, c.address, c.occupation, c.risk_level, c.risk_assessed_on,
                    c.status, u.username, c.notes, c.source, c.contact_person, c.registered_capital,
                    c.tier, c.tier_override, c.tier_override_reason, c.aum_minor, u.display_name,
                    c.last_contact_at, c.created_at, c.updated_at, c.marketing_consent, c.consent_at
             FROM clients c JOIN users u ON u.id = c.owner_id WHERE c.id = ? AND {scope_sql}"
        );
        let text = |r: &Row<'_>, i: usize| -> rusqlite::Result<String> {
            Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
        };
        self.conn()
            .prepare_cached(&sql)?
            .query_row(params![id, scope_arg], |r| {
                let tier: Tier = parse(&r.get::<_, String>(20)?)?;
                let over: Option<String> = r.get(21)?;
                Ok(Client {
                    id: r.get(0)?,
                    fields: ClientInput {
                        client_no: text(r, 1)?,
                        kind: text(r, 2)?,
                        name: text(r, 3)?,
                        gender: text(r, 4)?,
                        birth_date: text(r, 5)?,
                        id_type: text(r, 6)?,
                        id_number: text(r, 7)?,
                        mobile: text(r, 8)?,
                        email: text(r, 9)?,
                        address: text(r, 10)?,
                        occupation: text(r, 11)?,
                        risk_level: text(r, 12)?,
                        risk_assessed_on: text(r, 13)?,
                        status: text(r, 14)?,
                        owner: text(r, 15)?,
                        notes: text(r, 16)?,
                        source: text(r, 17)?,
                        contact_person: text(r, 18)?,
                        registered_capital: text(r, 19)?,
                        marketing_consent: text(r, 28)?,
                    },
                    tier: over.as_deref().map(parse).transpose()?.unwrap_or(tier),
                    computed_tier: tier,
                    tier_override_reason: r.get(22)?,
                    aum: from_minor(r.get(23)?),
                    owner_name: r.get(24)?,
                    last_contact_at: r.get(25)?,
                    created_at: r.get(26)?,
                    updated_at: r.get(27)?,
                    consent_at: r.get(29)?,
                    revealed: true,
                })
            })
            .optional()?
            .ok_or(StoreError::NotFound)
    }
}

pub(crate) fn mask_or_empty(s: &str, mask: fn(&str) -> String) -> String {
    if s.is_empty() {
        String::new()
    } else {
        mask(s)
    }
}
