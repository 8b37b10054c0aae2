//! Clients: scoped reads (personal data masked unless revealed, and the reveal audited),
//! keyset-paged lists, full-text search, and validated, audited creates and changes.
//!
//! Scope: an RM sees the clients they own, a manager every client of their branch, an
//! administrator none. A client outside the scope is [`StoreError::NotFound`], exactly as
//! one that does not exist.
use chrono::{Local, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use rust_decimal::Decimal;

use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{
    ClientInput, ClientKind, ClientStatus, FieldError, Gender, RiskLevel, Tier, ValidClient,
};
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::money::{from_minor, to_minor};
use crate::domain::search_terms;

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
            SortKey::Name => "c.name",
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

const SUMMARY_COLUMNS: &str =
    "c.id, c.client_no, c.kind, c.name, coalesce(c.tier_override, c.tier), c.risk_level,
     c.aum_minor, u.username, c.last_contact_at, c.status";

fn parse<T: std::str::FromStr>(s: &str) -> rusqlite::Result<T> {
    s.parse::<T>().map_err(|_| {
        rusqlite::Error::InvalidColumnType(0, s.to_string(), rusqlite::types::Type::Text)
    })
}

fn read_summary(r: &Row<'_>) -> rusqlite::Result<ClientSummary> {
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

fn filter_sql(f: &ClientFilter, sql: &mut String, args: &mut Vec<Value>) {
    if let Some(t) = f.tier {
        sql.push_str(" AND coalesce(c.tier_override, c.tier) = ?");
        args.push(Value::Text(t.code().into()));
    }
    if let Some(s) = f.status {
        sql.push_str(" AND c.status = ?");
        args.push(Value::Text(s.code().into()));
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
        self.now().with_timezone(&Local).date_naive()
    }

    /// A page of `limit` clients of the list `spec`, from `from`.
    pub fn client_page(
        &self,
        actor: &Actor,
        spec: &ListSpec,
        from: &PageFrom,
        limit: usize,
    ) -> Result<Page> {
        let (scope_sql, scope_arg) = scope(actor);
        let expr = spec.sort.expr();
        let mut sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {expr} FROM clients c JOIN users u ON u.id = c.owner_id WHERE {scope_sql}"
        );
        let mut args = vec![scope_arg];
        filter_sql(&spec.filter, &mut sql, &mut args);
        // Walking backwards (End, Before) reads in the opposite order and flips the page.
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
        let (scope_sql, scope_arg) = scope(actor);
        let mut sql = format!("SELECT count(*) FROM clients c WHERE {scope_sql}");
        let mut args = vec![scope_arg];
        filter_sql(&spec.filter, &mut sql, &mut args);
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Clients matching what the user typed (name part, pinyin initials, client no.,
    /// phone fragment, last four of the ID number), at most `limit`, by name.
    pub fn search_clients(
        &self,
        actor: &Actor,
        text: &str,
        limit: usize,
    ) -> Result<Vec<ClientSummary>> {
        let Some(query) = search_terms::query(text) else {
            return Ok(Vec::new());
        };
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            // CROSS JOIN keeps SQLite from driving the join from `clients` and re-running
            // the full-text query once per client: the index is read first, then each
            // hit is looked up by rowid.
            "SELECT {SUMMARY_COLUMNS} FROM client_search s
             CROSS JOIN clients c ON c.id = s.rowid CROSS JOIN users u ON u.id = c.owner_id
             WHERE client_search MATCH ? AND {scope_sql} LIMIT ?"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![query, scope_arg, i64::try_from(limit).unwrap_or(i64::MAX)],
            read_summary,
        )?;
        let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
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

    fn client_raw(&self, actor: &Actor, id: i64) -> Result<Client> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT c.id, c.client_no, c.kind, c.name, c.gender, c.birth_date, c.id_type, c.id_number,
                    c.mobile, c.email, c.address, c.occupation, c.risk_level, c.risk_assessed_on,
                    c.status, u.username, c.notes, c.source, c.contact_person, c.registered_capital,
                    c.tier, c.tier_override, c.tier_override_reason, c.aum_minor, u.display_name,
                    c.last_contact_at, c.created_at, c.updated_at
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
                    },
                    tier: over.as_deref().map(parse).transpose()?.unwrap_or(tier),
                    computed_tier: tier,
                    tier_override_reason: r.get(22)?,
                    aum: from_minor(r.get(23)?),
                    owner_name: r.get(24)?,
                    last_contact_at: r.get(25)?,
                    created_at: r.get(26)?,
                    updated_at: r.get(27)?,
                    revealed: true,
                })
            })
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// Creates a client from what was typed. Refused with every field error at once;
    /// an ID number that exists is refused naming that client; the same name with the
    /// same mobile or birth date returns the possible matches unless `confirmed`.
    pub fn create_client(
        &mut self,
        actor: &Actor,
        input: &ClientInput,
        confirmed: bool,
    ) -> Result<SaveOutcome> {
        self.save_client(actor, None, input, confirmed)
    }

    /// Changes a client, with the same checks as [`Store::create_client`]; the audit
    /// entry keeps the values before and after (personal data masked).
    pub fn update_client(
        &mut self,
        actor: &Actor,
        id: i64,
        input: &ClientInput,
        confirmed: bool,
    ) -> Result<SaveOutcome> {
        self.save_client(actor, Some(id), input, confirmed)
    }

    fn save_client(
        &mut self,
        actor: &Actor,
        id: Option<i64>,
        input: &ClientInput,
        confirmed: bool,
    ) -> Result<SaveOutcome> {
        if actor.role == Role::Admin {
            return Err(StoreError::Forbidden);
        }
        let before = match id {
            Some(id) => Some(self.client_raw(actor, id)?),
            None => None,
        };
        let today = self.today();
        let valid = input.validate(today).map_err(StoreError::Fields)?;
        let owner = resolve_owner(self.conn(), actor, valid.owner.as_deref())?;
        if let Some(existing) = id_owner(self.conn(), &valid.id_number)? {
            if Some(existing.0) != id {
                return Err(StoreError::DuplicateId {
                    client_no: existing.1,
                });
            }
        }
        if let Some(no) = &valid.client_no {
            let taken: Option<i64> = self
                .conn()
                .query_row("SELECT id FROM clients WHERE client_no = ?1", [no], |r| {
                    r.get(0)
                })
                .optional()?;
            if taken.is_some_and(|t| Some(t) != id) {
                return Err(StoreError::Fields(vec![FieldError::new(
                    "client_no",
                    "err.client_no.taken",
                    "already used",
                )]));
            }
        }
        if !confirmed {
            let matches = self.possible_matches(actor, &valid, id)?;
            if !matches.is_empty() {
                return Ok(SaveOutcome::PossibleMatches(matches));
            }
        }
        let thresholds = self.thresholds()?;
        let saved = self.write(|tx, now| match (id, &before) {
            (Some(id), Some(before)) => {
                update_row(tx, id, &valid, owner, &ts(now))?;
                index_client(tx, id, &valid)?;
                let b = describe(&before.fields);
                let a = describe(&valid.to_input());
                audit::append(
                    tx,
                    now,
                    actor.into(),
                    audit::Entry {
                        action: "client.update",
                        entity: "client",
                        entity_id: Some(id.to_string()),
                        before: Some(&b),
                        after: Some(&a),
                    },
                )?;
                Ok(id)
            }
            _ => {
                let id = insert_row(tx, &valid, owner, thresholds, &ts(now))?;
                let after = describe(&valid.to_input());
                let mut e = audit::Entry::new("client.create", "client", Some(id));
                e.after = Some(&after);
                audit::append(tx, now, actor.into(), e)?;
                Ok(id)
            }
        })?;
        Ok(SaveOutcome::Saved(saved))
    }

    fn possible_matches(
        &self,
        actor: &Actor,
        v: &ValidClient,
        except: Option<i64>,
    ) -> Result<Vec<ClientSummary>> {
        let (scope_sql, scope_arg) = scope(actor);
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE c.name = ? AND c.id != ? AND {scope_sql}
               AND ((? IS NOT NULL AND c.mobile = ?) OR (? IS NOT NULL AND c.birth_date = ?))
             LIMIT 20"
        );
        let birth = v.birth_date.map(|d| d.to_string());
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![
                v.name,
                except.unwrap_or(-1),
                scope_arg,
                v.mobile,
                v.mobile,
                birth,
                birth
            ],
            read_summary,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Recomputes the AUM (sum of open CNY holdings, exact) and the tier of a client.
    /// Called in the transaction that changed a holding (the holdings module).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn refresh_aum(
        tx: &Connection,
        client_id: i64,
        t: Thresholds,
        now: &str,
    ) -> Result<()> {
        let mut stmt = tx.prepare_cached(
            "SELECT amount FROM holdings WHERE client_id = ?1 AND status = 'open' AND currency = 'CNY'",
        )?;
        let mut sum = Decimal::ZERO;
        for amount in stmt.query_map([client_id], |r| r.get::<_, String>(0))? {
            let amount = amount?;
            sum += amount.parse::<Decimal>().map_err(|_| {
                StoreError::invalid(
                    "amount",
                    "err.amount",
                    format!("stored amount {amount} is not a number"),
                )
            })?;
        }
        let minor = to_minor(sum)
            .ok_or_else(|| StoreError::invalid("amount", "err.amount", "AUM out of range"))?;
        let tier = Tier::from_aum(sum, t.key, t.core);
        tx.execute(
            "UPDATE clients SET aum_minor = ?1, tier = ?2, updated_at = ?3 WHERE id = ?4",
            params![minor, tier.code(), now, client_id],
        )?;
        Ok(())
    }

    /// Recomputes every client's tier from its AUM (after the thresholds change).
    pub(crate) fn retier_all(tx: &Connection, t: Thresholds) -> Result<()> {
        let (key, core) = (
            to_minor(t.key).unwrap_or(i64::MAX),
            to_minor(t.core).unwrap_or(i64::MAX),
        );
        tx.execute(
            "UPDATE clients SET tier = CASE WHEN aum_minor >= ?2 THEN 'core' WHEN aum_minor >= ?1 THEN 'key' ELSE 'general' END",
            params![key, core],
        )?;
        Ok(())
    }
}

fn mask_or_empty(s: &str, mask: fn(&str) -> String) -> String {
    if s.is_empty() {
        String::new()
    } else {
        mask(s)
    }
}

/// The owner a save writes: (user id, branch id). An RM owns what they save; a manager
/// names an RM or manager of the branch.
pub(crate) fn resolve_owner(
    conn: &Connection,
    actor: &Actor,
    owner: Option<&str>,
) -> Result<(i64, i64)> {
    struct Owner {
        id: i64,
        branch: Option<i64>,
        role: String,
        disabled: bool,
    }
    let lookup = |name: &str| -> Result<Option<Owner>> {
        Ok(conn
            .prepare_cached("SELECT id, branch_id, role, disabled FROM users WHERE username = ?1")?
            .query_row([name], |r| {
                Ok(Owner {
                    id: r.get(0)?,
                    branch: r.get(1)?,
                    role: r.get(2)?,
                    disabled: r.get::<_, i64>(3)? != 0,
                })
            })
            .optional()?)
    };
    match actor.role {
        Role::Rm => {
            let branch = actor.branch_id.ok_or(StoreError::Forbidden)?;
            match owner {
                None => Ok((actor.user_id, branch)),
                Some(name) if name.eq_ignore_ascii_case(&actor.username) => {
                    Ok((actor.user_id, branch))
                }
                Some(_) => Err(StoreError::Fields(vec![FieldError::new(
                    "owner",
                    "err.owner.self",
                    "an RM may only add their own clients",
                )])),
            }
        }
        Role::Manager => {
            let branch = actor.branch_id.ok_or(StoreError::Forbidden)?;
            let Some(name) = owner else {
                return Err(StoreError::Fields(vec![FieldError::new(
                    "owner",
                    "err.owner.required",
                    "empty",
                )]));
            };
            match lookup(name)? {
                Some(o) if o.branch == Some(branch) && o.role != "admin" && !o.disabled => {
                    Ok((o.id, branch))
                }
                _ => Err(StoreError::Fields(vec![FieldError::new(
                    "owner",
                    "err.owner.unknown",
                    "not an RM of this branch",
                )])),
            }
        }
        Role::Admin => Err(StoreError::Forbidden),
    }
}

/// The client holding an ID number: (id, client no.).
pub(crate) fn id_owner(conn: &Connection, id_number: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, client_no FROM clients WHERE id_number = ?1")?
        .query_row([id_number], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn gender_code(g: Option<Gender>) -> Option<&'static str> {
    g.map(Gender::code)
}

/// Inserts a validated client (and its search terms); returns its id.
pub(crate) fn insert_row(
    tx: &Connection,
    v: &ValidClient,
    owner: (i64, i64),
    t: Thresholds,
    now: &str,
) -> Result<i64> {
    let client_no = match &v.client_no {
        Some(no) => no.clone(),
        None => next_client_no(tx)?,
    };
    let tier = Tier::from_aum(Decimal::ZERO, t.key, t.core);
    tx.prepare_cached(
        "INSERT INTO clients (client_no, kind, name, gender, birth_date, id_type, id_number, mobile, email,
            address, occupation, risk_level, risk_assessed_on, tier, status, owner_id, branch_id, source,
            notes, contact_person, registered_capital, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
    )?
    .execute(params![
        client_no,
        v.kind.code(),
        v.name,
        gender_code(v.gender),
        opt_date(v.birth_date),
        v.id_type.code(),
        v.id_number,
        v.mobile,
        v.email,
        v.address,
        v.occupation,
        v.risk_level.map(RiskLevel::code),
        opt_date(v.risk_assessed_on),
        tier.code(),
        v.status.code(),
        owner.0,
        owner.1,
        v.source,
        v.notes,
        v.contact_person,
        v.registered_capital.map(|d| d.to_string()),
        now,
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO client_search (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![
            id,
            search_terms::terms(
                &v.name,
                &client_no,
                v.mobile.as_deref().unwrap_or(""),
                &v.id_number
            )
        ])?;
    Ok(id)
}

fn update_row(
    tx: &Connection,
    id: i64,
    v: &ValidClient,
    owner: (i64, i64),
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE clients SET kind = ?2, name = ?3, gender = ?4, birth_date = ?5, id_type = ?6, id_number = ?7,
            mobile = ?8, email = ?9, address = ?10, occupation = ?11, risk_level = ?12, risk_assessed_on = ?13,
            status = ?14, owner_id = ?15, branch_id = ?16, source = ?17, notes = ?18, contact_person = ?19,
            registered_capital = ?20, updated_at = ?21,
            client_no = coalesce(?22, client_no)
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        v.kind.code(),
        v.name,
        gender_code(v.gender),
        opt_date(v.birth_date),
        v.id_type.code(),
        v.id_number,
        v.mobile,
        v.email,
        v.address,
        v.occupation,
        v.risk_level.map(RiskLevel::code),
        opt_date(v.risk_assessed_on),
        v.status.code(),
        owner.0,
        owner.1,
        v.source,
        v.notes,
        v.contact_person,
        v.registered_capital.map(|d| d.to_string()),
        now,
        v.client_no,
    ])?;
    Ok(())
}

/// Rewrites a client's search terms from its stored row.
fn index_client(tx: &Connection, id: i64, v: &ValidClient) -> Result<()> {
    let client_no: String =
        tx.query_row("SELECT client_no FROM clients WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    tx.prepare_cached("DELETE FROM client_search WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached("INSERT INTO client_search (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![
            id,
            search_terms::terms(
                &v.name,
                &client_no,
                v.mobile.as_deref().unwrap_or(""),
                &v.id_number
            )
        ])?;
    Ok(())
}

/// The next free generated client number: `C` and nine digits.
fn next_client_no(tx: &Connection) -> Result<String> {
    let mut n: i64 = tx
        .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM clients")?
        .query_row([], |r| r.get(0))?;
    loop {
        let no = format!("C{n:09}");
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE client_no = ?1)")?
            .query_row([&no], |r| r.get(0))?;
        if !taken {
            return Ok(no);
        }
        n += 1;
    }
}

/// A client's fields for the audit log, personal data masked.
pub(crate) fn describe(f: &ClientInput) -> String {
    format!(
        "client_no={} kind={} name={} id_type={} id_number={} mobile={} email={} risk_level={} status={} owner={}",
        f.client_no,
        f.kind,
        f.name,
        f.id_type,
        mask_id_number(&f.id_number),
        mask_or_empty(&f.mobile, mask_mobile),
        mask_or_empty(&f.email, mask_email),
        f.risk_level,
        f.status,
        f.owner
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::NewUser;

    #[test]
    fn aum_is_the_exact_sum_of_open_cny_holdings_and_sets_the_tier() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("t.db")).expect("open");
        let admin = store
            .create_first_admin("admin", "A", "long-enough-pass")
            .expect("admin");
        let branch = store.create_branch(&admin, "0101", "East").expect("branch");
        let u = NewUser {
            username: "rm1".into(),
            display_name: "R".into(),
            role: Role::Rm,
            branch_id: Some(branch),
            password: "long-enough-pass".into(),
        };
        store.create_user(&admin, &u).expect("rm");
        let rm = store.login("rm1", "long-enough-pass").expect("login");
        let input = ClientInput {
            kind: "individual".into(),
            name: "张三".into(),
            id_type: "passport".into(),
            id_number: "E12345678".into(),
            ..ClientInput::default()
        };
        let SaveOutcome::Saved(id) = store.create_client(&rm, &input, false).expect("create")
        else {
            panic!("no matches expected");
        };
        store
            .write(|tx, now| {
                tx.execute(
                    "INSERT INTO products (code, name, category, risk_level, created_at, updated_at) VALUES ('P1', 'Deposit', 'deposit', 'R1', ?1, ?1)",
                    [ts(now)],
                )?;
                for (amount, currency, status) in [("99999.90", "CNY", "open"), ("0.10", "CNY", "open"), ("5000000", "USD", "open"), ("900000", "CNY", "closed")] {
                    tx.execute(
                        "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, status, created_by, created_at, updated_at)
                         VALUES (?1, 1, ?2, ?3, '2026-01-01', ?4, 1, ?5, ?5)",
                        params![id, amount, currency, status, ts(now)],
                    )?;
                }
                let t = Thresholds::read(tx)?;
                Store::refresh_aum(tx, id, t, &ts(now))
            })
            .expect("holdings");
        let c = store.client(&rm, id).expect("client");
        assert_eq!(
            c.aum,
            Decimal::new(10_000_000, 2),
            "99999.90 + 0.10, CNY open only"
        );
        assert_eq!(c.tier, Tier::Key, "exactly the key threshold is key");
        store
            .set_setting(&admin, "tier.key_min_aum", 100_001)
            .expect("raise the threshold");
        assert_eq!(
            store.client(&rm, id).expect("client").tier,
            Tier::General,
            "thresholds re-tier everyone"
        );
    }
}
