//! The figures reports read pre-computed (each owner's AUM by tier per slot, the tier
//! moves, each client's contribution: docs/REPORTS.md) equal the same figures computed
//! from scratch, here in the test from `aum_history`, `holdings` and `products`, after a
//! long randomized sequence (fixed seed) of holdings opened, changed and closed,
//! hand-overs, margin changes, tier thresholds changed, clients closed, and history rows
//! written out of time order.
mod common;

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use common::*;
use rmdesk::domain::client::ClientInput;
use rmdesk::domain::desk::HandoverReason;
use rmdesk::domain::product::{HoldingInput, ProductInput};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::handover::{HandoverSpec, Which};
use rmdesk::store::holdings::NewHolding;
use rmdesk::store::reports::{Period, ValueBy};
use rmdesk::store::users::NewUser;
use rmdesk::store::{ts, Actor, Role, Store, Zone, ZonedClock};
use rust_decimal::Decimal;

/// A small fixed-seed generator (xorshift): the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

fn set_clock(store: &mut Store, now: chrono::DateTime<Utc>, zone: Zone) {
    store.set_clock(Box::new(ZonedClock { now, zone }));
}

/// AUM (fen) by tier (general, key, core) of the clients `owner` owns now at `point`,
/// and each one's tier then: from the history rows themselves.
fn from_history(
    conn: &rusqlite::Connection,
    owner: i64,
    point: &str,
) -> ([i64; 3], HashMap<i64, String>) {
    let mut stmt = conn
        .prepare(
            "SELECT c.id, h.aum_minor, h.tier FROM clients c JOIN aum_history h ON h.client_id = c.id
             WHERE c.owner_id = ?1 AND h.id = (SELECT p.id FROM aum_history p
                 WHERE p.client_id = c.id AND p.at < ?2 ORDER BY p.at DESC, p.id DESC LIMIT 1)",
        )
        .expect("sql");
    let mut aum = [0i64; 3];
    let mut tiers = HashMap::new();
    let rows = stmt
        .query_map(rusqlite::params![owner, point], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .expect("rows");
    for row in rows {
        let (id, a, t) = row.expect("row");
        let k = match t.as_str() {
            "core" => 2,
            "key" => 1,
            _ => 0,
        };
        aum[k] += a;
        tiers.insert(id, t);
    }
    (aum, tiers)
}

fn rank(t: &str) -> u8 {
    match t {
        "core" => 2,
        "key" => 1,
        _ => 0,
    }
}

/// Each RM's report over `period` against the history, and the weekly AUM.
fn check_period(
    store: &Store,
    conn: &rusqlite::Connection,
    mgr: &Actor,
    period: Period,
    zone: Zone,
) {
    let r = store.performance_report(mgr, period, None).expect("report");
    let (start, end) = period.instants(zone);
    let (start, end) = (ts(start), ts(end));
    let ids: HashMap<String, i64> = conn
        .prepare("SELECT username, id FROM users WHERE role = 'rm'")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("users")
        .collect::<rusqlite::Result<_>>()
        .expect("users");
    assert!(!r.rows.is_empty());
    for line in &r.rows {
        let id = ids[&line.rm];
        let (a0, t0) = from_history(conn, id, &start);
        let (a1, t1) = from_history(conn, id, &end);
        let what = format!("{} over {period:?}", line.rm);
        assert_eq!(
            line.aum_start,
            a0.iter().sum::<i64>(),
            "aum_start of {what}"
        );
        assert_eq!(line.aum_end, a1, "aum_end by tier of {what}");
        let (mut up, mut down) = (0, 0);
        for (client, before) in &t0 {
            if let Some(after) = t1.get(client) {
                up += i64::from(rank(after) > rank(before));
                down += i64::from(rank(after) < rank(before));
            }
        }
        assert_eq!(
            (line.tier_up, line.tier_down),
            (up, down),
            "tier moves of {what}"
        );
    }
    for (day, value) in &r.weekly_aum {
        let after = day.succ_opt().expect("day");
        let point = ts(zone.day_start(after));
        let total: i64 = r
            .rows
            .iter()
            .map(|l| from_history(conn, ids[&l.rm], &point).0.iter().sum::<i64>())
            .sum();
        assert_eq!(*value, total, "weekly AUM at the end of {day}");
    }
}

/// Each client's contribution against its open CNY holdings and their products' margins.
fn check_value(store: &Store, conn: &rusqlite::Connection, mgr: &Actor) -> usize {
    let mut expected: HashMap<i64, Decimal> = HashMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT h.client_id, h.amount, p.margin FROM holdings h JOIN products p ON p.id = h.product_id
             WHERE h.status = 'open' AND h.currency = 'CNY'",
        )
        .expect("sql");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .expect("rows");
    for row in rows {
        let (c, amount, margin) = row.expect("row");
        *expected.entry(c).or_default() += Decimal::from_str(&amount).expect("amount")
            * Decimal::from_str(&margin).expect("margin")
            / Decimal::ONE_HUNDRED;
    }
    let v = store
        .value_report(mgr, None, ValueBy::Contribution)
        .expect("value");
    for row in &v.rows {
        assert_eq!(
            row.contribution,
            expected.get(&row.client_id).copied().unwrap_or_default(),
            "contribution of {}",
            row.client_no
        );
    }
    v.rows.len()
}

#[test]
fn pre_computed_figures_equal_a_computation_from_scratch_after_random_writes() {
    let (_dir, path) = temp_db();
    let (mut store, admin) = seeded(&path);
    let mgr = store.login("mgr1", PASSWORD).expect("mgr1");
    let u = NewUser {
        username: "rm3".into(),
        display_name: "RM3".into(),
        role: Role::Rm,
        branch_id: mgr.branch_id,
        password: "initial-password-x".into(),
    };
    store.create_user(&admin, &u).expect("rm3");
    let mut rm3 = store.login("rm3", "initial-password-x").expect("rm3");
    store
        .change_own_password(&mut rm3, "initial-password-x", PASSWORD)
        .expect("password");
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rms = [("rm1", rm1), ("rm3", rm3)];
    let china = Zone::china();
    let mut now = Utc
        .with_ymd_and_hms(2026, 1, 5, 1, 0, 0)
        .single()
        .expect("t");
    set_clock(&mut store, now, china);
    let codes = ["DEP", "FND", "INS"];
    let mut products = Vec::new();
    for (code, category) in codes.iter().zip(["deposit", "fund", "insurance"]) {
        let p = ProductInput {
            code: (*code).into(),
            name: format!("Product {code}"),
            category: category.into(),
            risk_level: "R1".into(),
            min_amount: "0".into(),
            sale_start: "2026-01-01".into(),
            sale_end: "2027-12-31".into(),
            ..ProductInput::default()
        };
        products.push(store.create_product(&admin, &p).expect("product"));
        store
            .set_product_margin(&admin, code, Decimal::from_str("1.5").expect("m"))
            .expect("margin");
    }
    let mut rng = Rng(0x5eed_2026_1201);
    // (client id, client no, owner index, closed)
    let mut clients: Vec<(i64, String, usize, bool)> = Vec::new();
    let mut holdings: Vec<(i64, usize)> = Vec::new(); // (holding id, client index)
    let mut n = 0u32;
    let raw = raw(&path).expect("raw");
    let (mut handovers, mut out_of_order, mut margins) = (0, 0, 0);
    for step in 0..400 {
        // Time moves on by a few minutes to a few days, so rows share slots and days.
        let minutes = [3, 14, 61, 600, 1440, 2900][rng.below(6)];
        now += Duration::minutes(minutes + i64::try_from(rng.below(30)).unwrap_or(0));
        set_clock(&mut store, now, china);
        let open: Vec<usize> = (0..clients.len()).filter(|&i| !clients[i].3).collect();
        match rng.below(20) {
            0..=3 => {
                n += 1;
                let owner = rng.below(2);
                let input = ClientInput {
                    kind: "individual".into(),
                    name: format!("Client {n}"),
                    id_type: "passport".into(),
                    id_number: format!("E{n:08}"),
                    risk_level: "C5".into(),
                    risk_assessed_on: "2026-01-01".into(),
                    status: "active".into(),
                    ..ClientInput::default()
                };
                let SaveOutcome::Saved(id) = store
                    .create_client(&rms[owner].1, &input, true)
                    .expect("client")
                else {
                    panic!("confirmed");
                };
                let no: String = raw
                    .query_row("SELECT client_no FROM clients WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })
                    .expect("no");
                clients.push((id, no, owner, false));
            }
            4..=9 if !open.is_empty() => {
                let ci = open[rng.below(open.len())];
                let amount = format!("{}.{:02}", 1 + rng.below(3_000_000), rng.below(100));
                let h = NewHolding {
                    product_id: products[rng.below(products.len())],
                    input: HoldingInput {
                        amount,
                        ..HoldingInput::default()
                    },
                    override_reason: String::new(),
                };
                let owner = &rms[clients[ci].2].1;
                holdings.push((
                    store
                        .add_holding(owner, clients[ci].0, &h)
                        .expect("holding"),
                    ci,
                ));
            }
            10..=12 if !holdings.is_empty() => {
                let k = rng.below(holdings.len());
                let (hid, ci) = holdings[k];
                let owner = &rms[clients[ci].2].1;
                if rng.below(2) == 0 {
                    let amount = format!("{}", 1 + rng.below(2_000_000));
                    store
                        .change_holding(owner, hid, &amount, "")
                        .expect("change");
                } else {
                    store.close_holding(owner, hid).expect("close holding");
                    holdings.swap_remove(k);
                }
            }
            13 | 14 if !clients.is_empty() => {
                // A hand-over of a few of one RM's clients to the other.
                let from = rng.below(2);
                let mine: Vec<usize> = (0..clients.len())
                    .filter(|&i| clients[i].2 == from)
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let take: Vec<usize> = mine.iter().copied().filter(|_| rng.below(3) == 0).collect();
                if take.is_empty() {
                    continue;
                }
                let spec = HandoverSpec {
                    from: rms[from].0.into(),
                    to: vec![rms[1 - from].0.into()],
                    which: Which::Numbers(take.iter().map(|&i| clients[i].1.clone()).collect()),
                    reason: HandoverReason::Rotation,
                    reason_text: String::new(),
                };
                store
                    .hand_over(&mgr, &spec, &mut |_, _| {})
                    .expect("hand-over");
                for i in take {
                    clients[i].2 = 1 - from;
                }
                handovers += 1;
            }
            15 => {
                let code = codes[rng.below(codes.len())];
                let margin = Decimal::new(i64::try_from(rng.below(400)).unwrap_or(0), 2);
                store
                    .set_product_margin(&admin, code, margin)
                    .expect("margin");
                margins += 1;
            }
            16 if !open.is_empty() => {
                let ci = open[rng.below(open.len())];
                let owner = &rms[clients[ci].2].1;
                store
                    .close_client(owner, clients[ci].0, "moved away")
                    .expect("close");
                clients[ci].3 = true;
                holdings.retain(|(_, c)| *c != ci);
            }
            17 => {
                let key = [50_000, 100_000, 300_000][rng.below(3)];
                store
                    .set_setting(&admin, "tier.key_min_aum", key)
                    .expect("thresholds");
            }
            18 if !clients.is_empty() => {
                // A history row written out of time order (a correction, an import):
                // dated between rows already there.
                let ci = rng.below(clients.len());
                let back = now - Duration::minutes(i64::try_from(rng.below(20_000)).unwrap_or(0));
                let aum = i64::try_from(rng.below(200_000_000)).unwrap_or(0);
                let tier = ["general", "key", "core"][rng.below(3)];
                raw.execute(
                    "INSERT INTO aum_history (client_id, at, aum_minor, tier) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![clients[ci].0, ts(back), aum, tier],
                )
                .expect("history row");
                out_of_order += 1;
            }
            _ => {}
        }
        if step % 50 == 49 {
            let today = china.date(now);
            for period in [
                Period::month_of(today),
                Period {
                    from: today,
                    to: today,
                },
                Period {
                    from: today - Duration::days(40),
                    to: today - Duration::days(3),
                },
                Period {
                    from: NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
                    to: today,
                },
            ] {
                check_period(&store, &raw, &mgr, period, china);
            }
            check_value(&store, &raw, &mgr);
        }
    }
    assert!(
        handovers >= 3 && out_of_order >= 3 && margins >= 3,
        "the sequence mixes every kind of write"
    );
    // A zone whose midnight is not on a 15-minute slot: the report reads the history
    // itself, and agrees.
    let odd = Zone::Fixed(FixedOffset::east_opt(5 * 3600 + 37 * 60).expect("offset"));
    set_clock(&mut store, now, odd);
    check_period(&store, &raw, &mgr, Period::month_of(odd.date(now)), odd);
    // Figures as a migrated database gets them: the backfill from the rows there equals
    // what the triggers kept.
    let kept: Vec<(i64, String, String, i64)> = slots(&raw);
    let moves = tier_moves(&raw);
    raw.execute_batch(
        "DELETE FROM aum_owner_slots; DELETE FROM aum_tier_moves; DELETE FROM client_value;",
    )
    .expect("clear");
    let migration = schema_migration_11();
    let backfill = migration
        .split("-- A history row written")
        .next()
        .and_then(|s| s.split("-- What is there already").nth(1))
        .expect("the backfill in migration 11");
    raw.execute_batch(&format!("--{backfill}"))
        .expect("backfill");
    rmdesk::store::reports::rebuild_contributions(&raw).expect("contributions");
    let nonzero =
        |v: Vec<(i64, String, String, i64)>| v.into_iter().filter(|r| r.3 != 0).collect::<Vec<_>>();
    assert_eq!(nonzero(slots(&raw)), nonzero(kept));
    assert_eq!(tier_moves(&raw), moves);
    set_clock(&mut store, now, china);
    assert!(check_value(&store, &raw, &mgr) > 10);
}

fn slots(conn: &rusqlite::Connection) -> Vec<(i64, String, String, i64)> {
    conn.prepare("SELECT owner_id, slot, tier, aum_minor FROM aum_owner_slots ORDER BY 1, 2, 3")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

type Move = (i64, i64, i64, String, Option<String>, String);

fn tier_moves(conn: &rusqlite::Connection) -> Vec<Move> {
    conn.prepare("SELECT * FROM aum_tier_moves ORDER BY history_id")
        .expect("sql")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}

fn schema_migration_11() -> String {
    let schema = include_str!("../schema.sql");
    schema
        .split("-- migration: 11")
        .nth(1)
        .expect("migration 11")
        .to_string()
}

/// The value report's cumulative share, found by multiplications as the running sum grows,
/// is the division rounded to a tenth (half away from zero) for every client, on values
/// made to fall on and beside the half-tenths.
#[test]
fn the_cumulative_share_equals_the_division_for_every_client() {
    use rmdesk::domain::client::Tier;
    use rmdesk::store::reports::{value_of, ValueRow};
    use rust_decimal::RoundingStrategy;
    let mut rng = Rng(0x0080_0020);
    for case in 0..40 {
        // Equal values over 16, 48, 80 or 240 clients put shares on half-tenths (6.25%).
        let n = match case % 4 {
            0 => [16, 48, 80, 240][case / 4 % 4],
            _ => 1 + rng.below(300),
        };
        let rows: Vec<ValueRow> = (0..n)
            .map(|i| {
                let v = match case % 4 {
                    // Equal values: shares land exactly on half-tenths.
                    0 => Decimal::from(5),
                    1 => Decimal::new(i64::try_from(rng.below(1_000_000)).unwrap_or(0), 4),
                    2 => Decimal::new(i64::try_from(rng.below(100)).unwrap_or(0), 0),
                    _ => Decimal::new(i64::try_from(rng.below(7)).unwrap_or(0) * 125, 3),
                };
                ValueRow {
                    rank: 0,
                    client_id: i64::try_from(i).unwrap_or(0),
                    client_no: format!("C{i:06}"),
                    name: String::new(),
                    rm: String::new(),
                    tier: Tier::General,
                    aum: v,
                    contribution: v,
                    cumulative_pct: Decimal::ZERO,
                }
            })
            .collect();
        let r = value_of(rows, ValueBy::Aum);
        let total: Decimal = r.rows.iter().map(|x| x.aum).sum();
        let mut running = Decimal::ZERO;
        for row in &r.rows {
            running += row.aum;
            let expected = if total.is_zero() {
                Decimal::ZERO
            } else {
                (running * Decimal::ONE_HUNDRED / total)
                    .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
            };
            assert_eq!(
                row.cumulative_pct, expected,
                "case {case}, rank {}",
                row.rank
            );
        }
    }
}
