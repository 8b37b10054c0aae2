//! What head office keeps of each branch for the performance report, as the branch keeps
//! it (migration 11, docs/REPORTS.md "What is pre-computed"), so the report reads a few
//! rows per RM instead of every client's history:
//!
//! - `hq.aum_owner_slots`: each owner's AUM by tier as changes per 15-minute slot. Every
//!   history row adds its value in its slot and takes the client's previous value away
//!   there; the sum of an owner's slots before an instant on a slot's start is the AUM
//!   the clients the owner has now had then, by the tier each had then.
//! - `hq.aum_tier_moves`: the history rows where a client's tier changed, and each
//!   client's first row, by owner (now) and instant: one row for most clients, so it
//!   has no key of its own (a client's moves are replaced whole), only the indexes its
//!   readers walk: by instant (the report) and by client (a load).
//!
//! Kept in the transaction of every load: before a batch's upserts, the contribution of
//! each client it touches (a client with history in the batch, or one changing owner) is
//! taken away, computed from what head office holds; after them it is added back,
//! computed again, and the client's tier moves are written afresh. A first load computes
//! the branch whole. Everything is derived from `hq.aum_history` and `hq.clients`, so
//! [`rebuild_branch`] makes it again from them.
use postgres::GenericClient;

/// The tables (created with the head-office schema). Not partitioned, like
/// `hq.aum_current`: `branch_code` first in every key.
pub const CREATE: &str = "
CREATE TABLE IF NOT EXISTS hq.aum_owner_slots (
    branch_code  text COLLATE \"C\" NOT NULL,
    owner_id     bigint NOT NULL,
    slot         text COLLATE \"C\" NOT NULL,
    tier         text COLLATE \"C\" NOT NULL,
    aum_minor    bigint NOT NULL,
    PRIMARY KEY (branch_code, owner_id, slot, tier)
);
CREATE TABLE IF NOT EXISTS hq.aum_tier_moves (
    branch_code  text COLLATE \"C\" NOT NULL,
    history_id   bigint NOT NULL,
    client_id    bigint NOT NULL,
    owner_id     bigint NOT NULL,
    at           text COLLATE \"C\" NOT NULL,
    from_tier    text COLLATE \"C\",
    to_tier      text COLLATE \"C\" NOT NULL
);
CREATE INDEX IF NOT EXISTS aum_tier_moves_at ON hq.aum_tier_moves (branch_code, at);
CREATE INDEX IF NOT EXISTS aum_tier_moves_client ON hq.aum_tier_moves (branch_code, client_id);
";

/// The 15-minute slot of instant `x` (text): its minutes cut to 00, 15, 30 or 45, no
/// seconds, as the branch's migration 11 cuts them.
fn slot(x: &str) -> String {
    format!(
        "substr({x}, 1, 14) || CASE WHEN substr({x}, 15, 2) < '15' THEN '00:00Z' WHEN substr({x}, 15, 2) < '30' THEN '15:00Z' WHEN substr({x}, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END"
    )
}

/// The clients a step works on: every client of `$1`, or those of `hq_affected`.
fn clients_filter(alias: &str, affected: bool) -> String {
    if affected {
        format!("AND {alias}.client_id IN (SELECT a.client_id FROM hq_affected a)")
    } else {
        String::new()
    }
}

/// Adds `sign` × the slots of the chosen clients of branch `$1` (their history, under
/// the owner head office holds for them now) to `hq.aum_owner_slots`.
fn slots_sql(sign: i64, affected: bool) -> String {
    let f = clients_filter("h", affected);
    format!(
        "INSERT INTO hq.aum_owner_slots AS o (branch_code, owner_id, slot, tier, aum_minor)
         SELECT $1::text, c.owner_id, x.slot, x.tier, {sign} * sum(x.aum)
         FROM (
             SELECT h.client_id, {s} AS slot, h.tier, h.aum_minor AS aum
             FROM hq.aum_history h WHERE h.branch_code = $1::text {f}
             UNION ALL
             SELECT n.client_id, {ns}, n.tier, -n.aum_minor
             FROM (SELECT h.client_id, h.tier, h.aum_minor,
                          lead(h.at) OVER (PARTITION BY h.client_id ORDER BY h.at, h.id) AS next_at
                   FROM hq.aum_history h WHERE h.branch_code = $1::text {f}) n
             WHERE n.next_at IS NOT NULL
         ) x
         JOIN hq.clients c ON c.branch_code = $1::text AND c.id = x.client_id
         GROUP BY c.owner_id, x.slot, x.tier
         ON CONFLICT (branch_code, owner_id, slot, tier)
             DO UPDATE SET aum_minor = o.aum_minor + EXCLUDED.aum_minor",
        s = slot("h.at"),
        ns = slot("n.next_at"),
    )
}

/// Writes the tier moves of the chosen clients of branch `$1`.
fn moves_sql(affected: bool) -> String {
    format!(
        "INSERT INTO hq.aum_tier_moves (branch_code, history_id, client_id, owner_id, at, from_tier, to_tier)
         SELECT $1::text, x.id, x.client_id, c.owner_id, x.at, x.prev_tier, x.tier
         FROM (SELECT h.id, h.client_id, h.at, h.tier,
                      lag(h.tier) OVER (PARTITION BY h.client_id ORDER BY h.at, h.id) AS prev_tier
               FROM hq.aum_history h WHERE h.branch_code = $1::text {f}) x
         JOIN hq.clients c ON c.branch_code = $1::text AND c.id = x.client_id
         WHERE x.prev_tier IS DISTINCT FROM x.tier",
        f = clients_filter("h", affected),
    )
}

/// Makes branch `branch`'s slots and tier moves afresh from its history and clients:
/// after a first load, or for a head office made before the tables.
pub fn rebuild_branch(tx: &mut impl GenericClient, branch: &str) -> Result<(), postgres::Error> {
    // One pass over the branch's history, sorted by client: in memory where it fits.
    tx.batch_execute("SET LOCAL work_mem = '256MB'")?;
    tx.execute(
        "DELETE FROM hq.aum_owner_slots WHERE branch_code = $1",
        &[&branch],
    )?;
    tx.execute(
        "DELETE FROM hq.aum_tier_moves WHERE branch_code = $1",
        &[&branch],
    )?;
    tx.execute(&slots_sql(1, false), &[&branch])?;
    tx.execute(&moves_sql(false), &[&branch])?;
    Ok(())
}

/// Before a batch's upserts (its changes in the staging table `hq_stage`): notes the
/// clients it touches — those with history in it, and those whose owner it changes (or
/// new) — and takes their contribution away from the slots. Returns how many.
pub fn before_batch(tx: &mut impl GenericClient, branch: &str) -> Result<u64, postgres::Error> {
    tx.batch_execute(
        "CREATE TEMP TABLE IF NOT EXISTS hq_affected (client_id bigint PRIMARY KEY) ON COMMIT DELETE ROWS",
    )?;
    let n = tx.execute(
        "INSERT INTO hq_affected (client_id)
         SELECT (s.row->>'client_id')::bigint FROM hq_stage s WHERE s.tbl = 'aum_history'
         UNION
         SELECT (s.row->>'id')::bigint FROM hq_stage s
         LEFT JOIN hq.clients c ON c.branch_code = $1::text AND c.id = (s.row->>'id')::bigint
         WHERE s.tbl = 'clients' AND c.owner_id IS DISTINCT FROM (s.row->>'owner_id')::bigint",
        &[&branch],
    )?;
    if n > 0 {
        // The planner then knows how few they are: it walks their history by index.
        tx.batch_execute("ANALYZE hq_affected")?;
        tx.execute(&slots_sql(-1, true), &[&branch])?;
    }
    Ok(n)
}

/// After a batch's upserts: adds the touched clients' contribution back, computed from
/// what head office now holds, and writes their tier moves afresh.
pub fn after_batch(tx: &mut impl GenericClient, branch: &str) -> Result<(), postgres::Error> {
    tx.execute(&slots_sql(1, true), &[&branch])?;
    tx.execute(
        "DELETE FROM hq.aum_tier_moves WHERE branch_code = $1::text
           AND client_id IN (SELECT a.client_id FROM hq_affected a)",
        &[&branch],
    )?;
    tx.execute(&moves_sql(true), &[&branch])?;
    Ok(())
}

/// Each owner's AUM before instants `$1` (the period's start) and `$2` (its end), the
/// latter by tier, from the slots; both on slots' starts. `filter` narrows the branches
/// (`AND o.branch_code = $6`).
pub fn aum_sql(filter: &str) -> String {
    format!(
        "SELECT o.branch_code, o.owner_id,
                coalesce(sum(o.aum_minor) FILTER (WHERE o.slot < $1), 0)::bigint,
                coalesce(sum(o.aum_minor) FILTER (WHERE o.slot < $2 AND o.tier NOT IN ('key', 'core')), 0)::bigint,
                coalesce(sum(o.aum_minor) FILTER (WHERE o.slot < $2 AND o.tier = 'key'), 0)::bigint,
                coalesce(sum(o.aum_minor) FILTER (WHERE o.slot < $2 AND o.tier = 'core'), 0)::bigint
         FROM hq.aum_owner_slots o
         WHERE o.slot < $2 AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {filter}
         GROUP BY o.branch_code, o.owner_id"
    )
}

/// Each owner's clients moving up and down a tier between `$1` and `$2`, from the
/// period's tier moves: a client's first move tells its tier at the start (none when it
/// is its first row), its last the tier at the end.
pub fn tier_moves_sql(filter: &str) -> String {
    let rank = |c: &str| format!("CASE {c} WHEN 'core' THEN 2 WHEN 'key' THEN 1 ELSE 0 END");
    format!(
        "SELECT m.branch_code, m.owner_id,
                count(*) FILTER (WHERE {rt} > {rf}), count(*) FILTER (WHERE {rt} < {rf})
         FROM (SELECT m.branch_code, m.owner_id, m.client_id,
                      (array_agg(m.from_tier ORDER BY m.at, m.history_id))[1] AS first_from,
                      (array_agg(m.to_tier ORDER BY m.at DESC, m.history_id DESC))[1] AS last_to
               FROM hq.aum_tier_moves m
               WHERE m.at >= $1 AND m.at < $2
                 AND $3::text IS NOT NULL AND $4::text IS NOT NULL AND $5::float8 IS NOT NULL {filter}
               GROUP BY m.branch_code, m.owner_id, m.client_id) m
         WHERE m.first_from IS NOT NULL
         GROUP BY m.branch_code, m.owner_id",
        rt = rank("m.last_to"),
        rf = rank("m.first_from"),
    )
}
