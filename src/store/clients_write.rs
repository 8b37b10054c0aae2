//! Creating and changing clients: validation, the duplicate rules, owner resolution, the
//! rows and their search terms, and the AUM and tier that follow from holdings. Every
//! change is audited in its own transaction (see `clients.rs` for the reads).
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::clients::{
    mask_or_empty, read_summary, scope, ClientSummary, SaveOutcome, Thresholds, SUMMARY_COLUMNS,
};
use super::{audit, ts, Actor, Result, Role, Store, StoreError};
use crate::domain::client::{
    ClientInput, Consent, FieldError, Gender, RiskLevel, Tier, ValidClient,
};
use crate::domain::contact::{mask_email, mask_id_number, mask_mobile};
use crate::domain::money::to_minor;
use crate::domain::search_terms;

impl Store {
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
        let tier = Tier::from_aum(sum, t.key(), t.core());
        tx.execute(
            "UPDATE clients SET aum_minor = ?1, tier = ?2, updated_at = ?3 WHERE id = ?4",
            params![minor, tier.code(), now, client_id],
        )?;
        record_aum(tx, client_id, minor, tier.code(), now)?;
        crate::store::reports::precomputed::refresh_contribution(tx, client_id)
    }

    /// Recomputes every client's tier from its AUM (after the thresholds change).
    pub(crate) fn retier_all(tx: &Connection, t: Thresholds, now: &str) -> Result<()> {
        let (key, core) = (
            to_minor(t.key()).unwrap_or(i64::MAX),
            to_minor(t.core()).unwrap_or(i64::MAX),
        );
        let new_tier = "CASE WHEN aum_minor >= ?2 THEN 'core' WHEN aum_minor >= ?1 THEN 'key' ELSE 'general' END";
        tx.execute(
            &format!(
                "INSERT INTO aum_history (client_id, at, aum_minor, tier)
                 SELECT id, ?3, aum_minor, {new_tier} FROM clients WHERE tier != {new_tier}"
            ),
            params![key, core, now],
        )?;
        tx.execute(
            &format!("UPDATE clients SET tier = {new_tier}"),
            params![key, core],
        )?;
        Ok(())
    }
}

/// Appends a client's AUM and tier to its history (`aum_history`) when they differ from
/// the last row: called in the transaction that recomputed them.
pub(crate) fn record_aum(
    tx: &Connection,
    client_id: i64,
    aum_minor: i64,
    tier: &str,
    now: &str,
) -> Result<()> {
    let last: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT aum_minor, tier FROM aum_history WHERE client_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if last
        .as_ref()
        .is_some_and(|(a, t)| *a == aum_minor && t == tier)
    {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO aum_history (client_id, at, aum_minor, tier) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![client_id, now, aum_minor, tier])?;
    Ok(())
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
                Some(o) if o.branch == Some(branch) && o.role == "rm" && !o.disabled => {
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

/// The columns of a new client's row, in the order of [`client_values`].
pub(crate) const CLIENT_COLUMNS: &str = "id, client_no, kind, name, gender, birth_date, id_type, \
     id_number, mobile, email, address, occupation, risk_level, risk_assessed_on, tier, status, \
     owner_id, branch_id, source, notes, contact_person, registered_capital, created_at, updated_at, \
     name_key, marketing_consent, consent_at";

/// How many [`CLIENT_COLUMNS`] there are.
pub(crate) const CLIENT_WIDTH: usize = 27;

/// `?, ?, …`: `n` parameters.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The values of a new client's row for [`CLIENT_COLUMNS`]; no `id` lets SQLite choose.
#[allow(clippy::too_many_arguments)]
pub(crate) fn client_values(
    id: Option<i64>,
    client_no: &str,
    v: &ValidClient,
    owner: (i64, i64),
    tier: Tier,
    now: &str,
    name_key: String,
) -> [Value; CLIENT_WIDTH] {
    let text = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.to_string()));
    [
        id.map_or(Value::Null, Value::Integer),
        Value::Text(client_no.to_string()),
        text(Some(v.kind.code())),
        Value::Text(v.name.clone()),
        text(gender_code(v.gender)),
        opt_date(v.birth_date).map_or(Value::Null, Value::Text),
        text(Some(v.id_type.code())),
        Value::Text(v.id_number.clone()),
        text(v.mobile.as_deref()),
        text(v.email.as_deref()),
        text(v.address.as_deref()),
        text(v.occupation.as_deref()),
        text(v.risk_level.map(RiskLevel::code)),
        opt_date(v.risk_assessed_on).map_or(Value::Null, Value::Text),
        text(Some(tier.code())),
        text(Some(v.status.code())),
        Value::Integer(owner.0),
        Value::Integer(owner.1),
        text(v.source.as_deref()),
        text(v.notes.as_deref()),
        text(v.contact_person.as_deref()),
        v.registered_capital
            .map_or(Value::Null, |d| Value::Text(d.to_string())),
        Value::Text(now.to_string()),
        Value::Text(now.to_string()),
        Value::Text(name_key),
        text(Some(v.marketing_consent.code())),
        (v.marketing_consent != Consent::Unknown)
            .then(|| now.to_string())
            .map_or(Value::Null, Value::Text),
    ]
}

fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn gender_code(g: Option<Gender>) -> Option<&'static str> {
    g.map(Gender::code)
}

/// Inserts a validated client and its search entries; returns its id.
pub(crate) fn insert_row(
    tx: &Connection,
    v: &ValidClient,
    owner: (i64, i64),
    t: Thresholds,
    now: &str,
) -> Result<i64> {
    Ok(insert_client(tx, v, owner, t, now)?.0)
}

/// Inserts a validated client and its search entries; returns its id and client number.
pub(crate) fn insert_client(
    tx: &Connection,
    v: &ValidClient,
    owner: (i64, i64),
    t: Thresholds,
    now: &str,
) -> Result<(i64, String)> {
    let client_no = match &v.client_no {
        Some(no) => no.clone(),
        None => next_client_no(tx)?,
    };
    let tier = Tier::from_aum(Decimal::ZERO, t.key(), t.core());
    tx.prepare_cached(&format!(
        "INSERT INTO clients ({CLIENT_COLUMNS}) VALUES ({})",
        placeholders(CLIENT_WIDTH)
    ))?
    .execute(params_from_iter(client_values(
        None,
        &client_no,
        v,
        owner,
        tier,
        now,
        search_terms::name_sort_key(&v.name),
    )))?;
    let id = tx.last_insert_rowid();
    index_new(
        tx,
        id,
        &search_terms::terms(&v.name, &client_no, &v.id_number),
        v.mobile.as_deref(),
    )?;
    Ok((id, client_no))
}

/// Writes the search entries of a client that has none: its full-text terms and, when
/// it has a mobile, the mobile's digits.
pub(crate) fn index_new(tx: &Connection, id: i64, terms: &str, mobile: Option<&str>) -> Result<()> {
    tx.prepare_cached("INSERT INTO client_search (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![id, terms])?;
    let digits = search_terms::phone_digits(mobile.unwrap_or(""));
    if !digits.is_empty() {
        tx.prepare_cached("INSERT INTO client_phone (rowid, digits) VALUES (?1, ?2)")?
            .execute(params![id, digits])?;
    }
    Ok(())
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
            client_no = coalesce(?22, client_no), name_key = ?23,
            consent_at = CASE WHEN marketing_consent = ?24 THEN consent_at ELSE ?21 END,
            marketing_consent = ?24
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
        search_terms::name_sort_key(&v.name),
        v.marketing_consent.code(),
    ])?;
    Ok(())
}

/// Rewrites a client's search entries after a change.
fn index_client(tx: &Connection, id: i64, v: &ValidClient) -> Result<()> {
    let client_no: String =
        tx.query_row("SELECT client_no FROM clients WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    tx.prepare_cached("DELETE FROM client_search WHERE rowid = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM client_phone WHERE rowid = ?1")?
        .execute([id])?;
    index_new(
        tx,
        id,
        &search_terms::terms(&v.name, &client_no, &v.id_number),
        v.mobile.as_deref(),
    )
}

/// Writes the full-text terms of every client from the stored rows into an empty
/// `client_search` (migration 3 made it again).
pub(crate) fn rebuild_search(conn: &Connection) -> Result<()> {
    let mut read = conn.prepare("SELECT id, name, client_no, id_number FROM clients")?;
    let mut insert = conn.prepare("INSERT INTO client_search (rowid, terms) VALUES (?1, ?2)")?;
    let mut rows = read.query([])?;
    let mut count = 0u64;
    while let Some(r) = rows.next()? {
        let (id, name, no, id_number): (i64, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        insert.execute(params![id, search_terms::terms(&name, &no, &id_number)])?;
        count += 1;
    }
    tracing::info!(clients = count, "full-text search terms rebuilt");
    Ok(())
}

/// Writes every client's name sort key (migration 4 added the column).
pub(crate) fn rebuild_name_keys(conn: &Connection) -> Result<()> {
    let mut read = conn.prepare("SELECT id, name FROM clients")?;
    let mut update = conn.prepare("UPDATE clients SET name_key = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, name): (i64, String) = (r.get(0)?, r.get(1)?);
        update.execute(params![id, search_terms::name_sort_key(&name)])?;
    }
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
        "client_no={} kind={} name={} id_type={} id_number={} mobile={} email={} risk_level={} status={} owner={} consent={}",
        f.client_no,
        f.kind,
        f.name,
        f.id_type,
        mask_id_number(&f.id_number),
        mask_or_empty(&f.mobile, mask_mobile),
        mask_or_empty(&f.email, mask_email),
        f.risk_level,
        f.status,
        f.owner,
        f.marketing_consent
    )
}

#[cfg(test)]
#[path = "clients_write_tests.rs"]
mod tests;
