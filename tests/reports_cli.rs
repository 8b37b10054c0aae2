//! `rmdesk report … --csv` on the real binary against a demo database, each figure
//! checked against the same figure computed another way here: straight from the
//! tables with SQL and exact decimals.
mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;

use rust_decimal::Decimal;

fn rmdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("RMDESK_DB")
        .env("RMDESK_PASSWORD", "demo-password")
        .envs(common::clock_env())
        .output()
        .expect("rmdesk runs")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Records of a CSV text (quoted fields with doubled quotes, CRLF line ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    ok(&rmdesk(&db, &["demo", "--clients", "150"]));
    (dir, db)
}

fn report(db: &Path, user: &str, args: &[&str]) -> Vec<Vec<String>> {
    let csv = db.with_file_name(format!("{user}-{}.csv", args.join("_")));
    let csv_arg = csv.to_str().expect("utf-8");
    let mut all = vec!["--user", user, "report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--csv", csv_arg]);
    ok(&rmdesk(db, &all));
    let text = std::fs::read_to_string(&csv).expect("csv written");
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    parse_csv(text)
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

#[test]
fn the_value_csv_matches_contributions_summed_from_the_holdings() {
    let (_dir, db) = demo();
    let rows = report(&db, "manager", &["value", "--by", "contribution"]);
    assert_eq!(
        rows[0],
        [
            "rank",
            "client_no",
            "name",
            "rm",
            "tier",
            "aum",
            "contribution",
            "cumulative_pct"
        ]
    );
    let conn = common::raw(&db).expect("open");
    let mut expect: HashMap<String, Decimal> = HashMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT c.client_no, h.amount, p.margin FROM clients c
             LEFT JOIN holdings h ON h.client_id = c.id AND h.status = 'open' AND h.currency = 'CNY'
             LEFT JOIN products p ON p.id = h.product_id WHERE c.status != 'closed'",
        )
        .expect("sql");
    let it = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .expect("rows");
    for row in it {
        let (no, amount, margin) = row.expect("row");
        let e = expect.entry(no).or_default();
        if let (Some(a), Some(m)) = (amount, margin) {
            *e += dec(&a) * dec(&m) / dec("100");
        }
    }
    let body = &rows[1..];
    assert_eq!(body.len(), expect.len(), "every client of the branch, once");
    let mut previous = Decimal::MAX;
    for (i, r) in body.iter().enumerate() {
        assert_eq!(r[0], (i + 1).to_string(), "ranks count from 1");
        let want = expect[&r[1]]
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(dec(&r[6]), want, "contribution of {}", r[1]);
        assert!(expect[&r[1]] <= previous, "ranked by contribution");
        previous = expect[&r[1]];
    }
    // The headline: the top fifth's share, computed from the exact values.
    let mut values: Vec<Decimal> = expect.values().copied().collect();
    values.sort_by(|a, b| b.cmp(a));
    let top = values.len().div_ceil(5);
    let total: Decimal = values.iter().sum();
    let share = (values[..top].iter().sum::<Decimal>() * dec("100") / total).round_dp(1);
    assert_eq!(dec(&body[top - 1][7]), share);
    let printed = ok(&rmdesk(&db, &["--user", "manager", "report", "value"]));
    assert!(
        printed.contains(&format!(
            "top 20%: {top} of {} clients hold {share:.1}% of contribution",
            values.len()
        )),
        "{printed}"
    );
    // An RM's file has their own clients only; naming another RM gives none.
    let rm1 = report(&db, "rm1", &["value"]);
    assert!(rm1[1..].iter().all(|r| r[3] == "rm1") && rm1.len() > 1);
    assert_eq!(report(&db, "rm1", &["value", "--rm", "rm2"]).len(), 1);
}

#[test]
fn the_performance_csv_counts_visits_and_aum_as_sql_does_for_the_period() {
    let (_dir, db) = demo();
    let rows = report(
        &db,
        "manager",
        &["performance", "--from", "2026-11-01", "--to", "2026-11-23"],
    );
    let conn = common::raw(&db).expect("open");
    // The period in China Standard Time: 2026-11-01 00:00 +08:00 to 2026-11-24 00:00.
    let (start, end) = ("2026-10-31T16:00:00Z", "2026-11-23T16:00:00Z");
    let col = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    let mut visits_total = 0;
    for rm in ["rm1", "rm2", "rm3"] {
        let row = rows.iter().find(|r| r[0] == rm).expect(rm);
        let (visits, clients): (i64, i64) = conn
            .query_row(
                "SELECT count(*), count(DISTINCT v.client_id) FROM visits v JOIN users u ON u.id = v.rm_id
                 WHERE u.username = ?1 AND v.visited_at >= ?2 AND v.visited_at < ?3",
                [rm, start, end],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("sql");
        assert_eq!(row[col("visits")], visits.to_string(), "{rm}");
        assert_eq!(row[col("clients_visited")], clients.to_string(), "{rm}");
        visits_total += visits;
        // AUM at the end of the period: the last history row before its end.
        let aum: i64 = conn
            .query_row(
                "SELECT coalesce(sum((SELECT h.aum_minor FROM aum_history h WHERE h.client_id = c.id
                         AND h.at < ?2 ORDER BY h.at DESC, h.id DESC LIMIT 1)), 0)
                 FROM clients c JOIN users u ON u.id = c.owner_id WHERE u.username = ?1",
                [rm, end],
                |r| r.get(0),
            )
            .expect("sql");
        assert_eq!(dec(&row[col("aum_end")]), Decimal::new(aum, 2), "{rm}");
    }
    let total = rows.last().expect("total");
    assert_eq!(total[0], "*branch*");
    assert_eq!(total[col("visits")], visits_total.to_string());
    assert!(visits_total > 0, "the demo has visits in the period");
}

#[test]
fn the_churn_csv_lists_every_dormant_client_of_the_rm_with_its_reason() {
    let (_dir, db) = demo();
    let rows = report(&db, "rm1", &["churn"]);
    assert_eq!(
        rows[0],
        ["client_no", "name", "rm", "tier", "aum", "reasons"]
    );
    let conn = common::raw(&db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT c.client_no FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE u.username = 'rm1' AND c.status = 'dormant' ORDER BY c.client_no",
        )
        .expect("sql");
    let dormant: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut listed: Vec<String> = rows[1..]
        .iter()
        .filter(|r| r[5].split("; ").any(|x| x == "dormant"))
        .map(|r| r[0].clone())
        .collect();
    listed.sort();
    assert_eq!(listed, dormant);
    assert!(!dormant.is_empty());
    let aums: Vec<Decimal> = rows[1..].iter().map(|r| dec(&r[4])).collect();
    assert!(aums.windows(2).all(|w| w[0] >= w[1]), "highest AUM first");
    assert!(rows[1..].iter().all(|r| r[2] == "rm1"));
}

#[test]
fn an_administrator_sets_a_margin_and_the_value_report_follows() {
    let (_dir, db) = demo();
    let conn = common::raw(&db).expect("open");
    let code: String = conn
        .query_row(
            "SELECT p.code FROM products p JOIN holdings h ON h.product_id = p.id
             WHERE h.status = 'open' GROUP BY p.code ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a held product");
    let refused = rmdesk(&db, &["--user", "rm1", "product", "margin", &code, "2"]);
    assert_eq!(refused.status.code(), Some(1));
    let said = ok(&rmdesk(
        &db,
        &["--user", "admin", "product", "margin", &code, "2.5"],
    ));
    assert!(
        said.contains(&format!("product {code}: margin 2.5% per year")),
        "{said}"
    );
    let margin: String = conn
        .query_row(
            "SELECT margin FROM products WHERE code = ?1",
            [&code],
            |r| r.get(0),
        )
        .expect("margin");
    assert_eq!(margin, "2.5");
    let rows = report(&db, "manager", &["value"]);
    let (no, amount): (String, String) = conn
        .query_row(
            "SELECT c.client_no, h.amount FROM holdings h JOIN clients c ON c.id = h.client_id
             JOIN products p ON p.id = h.product_id
             WHERE p.code = ?1 AND h.status = 'open' AND h.currency = 'CNY'
               AND (SELECT count(*) FROM holdings x WHERE x.client_id = c.id AND x.status = 'open') = 1
             LIMIT 1",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a client holding only that product");
    let row = rows.iter().find(|r| r[1] == no).expect("the client's row");
    let want = (dec(&amount) * dec("2.5") / dec("100"))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    assert_eq!(dec(&row[6]), want);
}
