//! Finding a client by what the user typed: the full-text words and the phone
//! fragments, each meaning a run of its own, best first.
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::clients::{read_summary, scope, ClientSummary, SUMMARY_COLUMNS};
use super::{Actor, Result, Store};
use crate::domain::search_terms::{self, PHONE_FRAGMENT_MIN};

impl Store {
    /// Clients matching what the user typed (name part, pinyin, client no., phone
    /// fragment, last four of the ID number), at most `limit`: for a word of digits, the
    /// client whose number is those digits first, then ID tails, then mobiles holding
    /// them, then client numbers starting with them; for one word of letters and digits
    /// that may be an ID tail (`8a3k`), the IDs ending so first; within each, by name.
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
        let limit_arg = Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX));
        // The query is driven by the index that finds fewest rows: the phone index for
        // a word of 4 digits or more (about one mobile in a thousand holds 4 given
        // digits), else the full-text words. Every other word is checked on each row.
        let lead = query
            .digits
            .iter()
            .enumerate()
            .max_by_key(|(_, d)| d.digits.len())
            .filter(|(_, d)| query.text.is_none() || d.digits.len() > PHONE_FRAGMENT_MIN)
            .map(|(i, _)| i);
        let mut checks = String::new();
        let mut check_args: Vec<Value> = Vec::new();
        if let (Some(text), Some(_)) = (&query.text, lead) {
            checks.push_str(
                " AND EXISTS (SELECT 1 FROM client_search f WHERE f.client_search MATCH ? AND f.rowid = c.id)",
            );
            check_args.push(Value::Text(text.clone()));
        }
        for (i, d) in query.digits.iter().enumerate() {
            if Some(i) == lead {
                continue;
            }
            checks.push_str(
                " AND (instr(c.mobile, ?) > 0 OR EXISTS (SELECT 1 FROM client_search f WHERE f.client_search MATCH ? AND f.rowid = c.id))",
            );
            check_args.push(Value::Text(d.digits.clone()));
            check_args.push(Value::Text(d.other.clone()));
        }
        // CROSS JOIN keeps SQLite from driving the join from `clients` and re-running
        // the index query once per client: the index is read first, then each hit is
        // looked up by rowid.
        let from_text = format!(
            "SELECT {SUMMARY_COLUMNS}, c.name_key FROM client_search s
             CROSS JOIN clients c ON c.id = s.rowid CROSS JOIN users u ON u.id = c.owner_id
             WHERE client_search MATCH ? AND {scope_sql}{checks} LIMIT ?"
        );
        // Each run has its own limit and a rank: the runs of exact meanings go first, so
        // the client whose number or ID tail was typed is never pushed out by the many
        // whose mobiles hold the same digits.
        let mut runs: Vec<(u8, String, Vec<Value>)> = Vec::new();
        let with = |first: Vec<Value>| -> Vec<Value> {
            let mut args = first;
            args.push(scope_arg.clone());
            args.extend(check_args.iter().cloned());
            args.push(limit_arg.clone());
            args
        };
        match lead.and_then(|i| query.digits.get(i)) {
            Some(d) => {
                // The client number typed in full, then the ID tail, then mobiles
                // holding the digits, then client numbers starting with them; a client
                // found several ways is listed once, at its best rank.
                for (rank, exact) in d.exact.iter().enumerate() {
                    runs.push((
                        u8::try_from(rank).unwrap_or(u8::MAX),
                        from_text.clone(),
                        with(vec![Value::Text(exact.clone())]),
                    ));
                }
                runs.push((
                    2,
                    format!(
                        "SELECT {SUMMARY_COLUMNS}, c.name_key FROM client_phone p
                         CROSS JOIN clients c ON c.id = p.rowid CROSS JOIN users u ON u.id = c.owner_id
                         WHERE client_phone MATCH ? AND {scope_sql}{checks} LIMIT ?"
                    ),
                    with(vec![Value::Text(search_terms::phone_match(&d.digits))]),
                ));
                runs.push((
                    3,
                    from_text.clone(),
                    with(vec![Value::Text(d.other.clone())]),
                ));
            }
            None => {
                let Some(text) = &query.text else {
                    return Ok(Vec::new());
                };
                // A word that may be an ID tail (`8a3k`): those IDs first, then the rest.
                if let Some(exact) = &query.exact {
                    runs.push((0, from_text.clone(), with(vec![Value::Text(exact.clone())])));
                }
                runs.push((1, from_text, with(vec![Value::Text(text.clone())])));
            }
        }
        let mut out: Vec<(u8, String, ClientSummary)> = Vec::new();
        for (rank, sql, args) in runs {
            if out.len() >= limit {
                break;
            }
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), |r| {
                Ok((read_summary(r)?, r.get::<_, String>(10)?))
            })?;
            for row in rows {
                let (row, key) = row?;
                if out.len() < limit && !out.iter().any(|(_, _, c)| c.id == row.id) {
                    out.push((rank, key, row));
                }
            }
        }
        out.sort_by(|a, b| (a.0, &a.1, a.2.id).cmp(&(b.0, &b.1, b.2.id)));
        Ok(out.into_iter().map(|(_, _, c)| c).collect())
    }
}
