//! The search by the last 4 characters of an ID number, for 200 random clients.
use super::*;

/// The last 4 characters of 200 random clients' ID numbers: each must find its client
/// within the search's 200 rows, first among those with that tail.
pub(super) fn id_tails(store: &Store, plain: &Connection, manager: &Actor, rm: &Actor) {
    let mut stmt = plain
        .prepare(
            "SELECT c.id, c.id_number, u.username FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE c.id IN (SELECT abs(random()) % (SELECT max(id) FROM clients) + 1 FROM generate_series(1, 400))",
        )
        .or_else(|_| {
            plain.prepare(
                "SELECT c.id, c.id_number, u.username FROM clients c JOIN users u ON u.id = c.owner_id
                 ORDER BY random() LIMIT 400",
            )
        })
        .expect("sample");
    let picks: Vec<(i64, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .expect("rows")
        .filter_map(Result::ok)
        .filter(|(_, id, _)| id.len() == 18 && !id.ends_with('X'))
        .take(200)
        .collect();
    for (who, actor) in [("manager", manager), ("RM", rm)] {
        let mut found = 0;
        let mut asked = 0;
        let mut times = Vec::new();
        for (id, number, owner) in &picks {
            if who == "RM" && owner != &rm.username {
                continue;
            }
            asked += 1;
            let tail = &number[14..];
            let t = Instant::now();
            let rows = store.search_clients(actor, tail, SEARCH).expect("search");
            times.push(t.elapsed());
            if rows.iter().any(|c| c.id == *id) {
                found += 1;
            }
        }
        times.sort();
        row(
            &format!("F3 search by ID tail: {found} of {asked} found"),
            who,
            &times,
            None,
        );
    }
}
