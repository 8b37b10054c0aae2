//! Each client's current AUM at head office, `hq.aum_current`: its last `aum_history`
//! row (latest `at`, then highest id), kept by every load in the same transaction as the
//! history it follows, so the reports read a client's AUM at an instant from one row
//! when nothing changed since (and read the history only of the clients that changed
//! after it). Not partitioned: one small row per client, `branch_code` first in
//! its key like every table of head office.
use postgres::GenericClient;

/// The table (created with the head-office schema).
pub const CREATE: &str = "
CREATE TABLE IF NOT EXISTS hq.aum_current (
    branch_code  text COLLATE \"C\" NOT NULL,
    client_id    bigint NOT NULL,
    at           text COLLATE \"C\" NOT NULL,
    hist_id      bigint NOT NULL,
    aum_minor    bigint NOT NULL,
    tier         text COLLATE \"C\" NOT NULL,
    PRIMARY KEY (branch_code, client_id)
)";

/// The last history row of each client of `$1` chosen by `filter`, written over what
/// the table held.
fn refresh_sql(filter: &str) -> String {
    format!(
        "INSERT INTO hq.aum_current (branch_code, client_id, at, hist_id, aum_minor, tier)
         SELECT DISTINCT ON (h.client_id) h.branch_code, h.client_id, h.at, h.id, h.aum_minor, h.tier
         FROM hq.aum_history h WHERE h.branch_code = $1::text {filter}
         ORDER BY h.client_id, h.at DESC, h.id DESC
         ON CONFLICT (branch_code, client_id) DO UPDATE SET
             at = EXCLUDED.at, hist_id = EXCLUDED.hist_id,
             aum_minor = EXCLUDED.aum_minor, tier = EXCLUDED.tier"
    )
}

/// After a batch: the clients whose history rows are in the staging table `hq_stage`.
pub fn refresh_staged(tx: &mut impl GenericClient, branch: &str) -> Result<u64, postgres::Error> {
    tx.execute(
        &refresh_sql(
            "AND h.client_id IN (SELECT DISTINCT (s.row->>'client_id')::bigint FROM hq_stage s WHERE s.tbl = 'aum_history')",
        ),
        &[&branch],
    )
}

/// After a first load, or for a head office made before the table: every client of
/// `branch`.
pub fn refresh_branch(tx: &mut impl GenericClient, branch: &str) -> Result<u64, postgres::Error> {
    tx.execute(&refresh_sql(""), &[&branch])
}

/// The AUM and tier of each client at instant `bound` (a parameter such as `$2`): the
/// current row of the clients whose last change came before `bound`, and for the others
/// (changed since) their last history row before it, one ordered pass over their
/// history; none when the client had no history yet. `filter` narrows the clients
/// (`AND cur.branch_code = $6`). When the period reaches today, no history is read.
pub fn at_sql(bound: &str, filter: &str) -> String {
    format!(
        "SELECT cur.branch_code, cur.client_id, cur.aum_minor, cur.tier
         FROM hq.aum_current cur WHERE cur.at < {bound} {filter}
         UNION ALL
         SELECT * FROM (
             SELECT DISTINCT ON (h.branch_code, h.client_id) h.branch_code, h.client_id, h.aum_minor, h.tier
             FROM hq.aum_current cur
             JOIN hq.aum_history h ON h.branch_code = cur.branch_code AND h.client_id = cur.client_id
             WHERE cur.at >= {bound} AND h.at < {bound} {filter}
             ORDER BY h.branch_code, h.client_id, h.at DESC, h.id DESC
         ) changed"
    )
}
