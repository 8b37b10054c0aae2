//! The demo database of `rmdesk demo` and `rmdesk --demo`: a branch, the demo users of
//! product.md (all with the password [`DEMO_PASSWORD`]), a product catalogue, and clients
//! with their holdings and activity.
use chrono::{Days, NaiveDate};
use rusqlite::params;
use rust_decimal::Decimal;

use super::clients::Thresholds;
use super::clients_write::insert_row;
use super::users::NewUser;
use super::{audit, ts, Result, Role, Store, StoreError};
use crate::domain::client::{risk_assessment_current, ClientInput, Tier};
use crate::domain::money::to_minor;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo-password";

/// The demo users: (username, display name, role).
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin", "系统管理员 Admin", Role::Admin),
    ("manager", "王经理 Wang", Role::Manager),
    ("rm1", "李娜 Li Na", Role::Rm),
    ("rm2", "张伟 Zhang Wei", Role::Rm),
    ("rm3", "Chen Jie", Role::Rm),
];

/// Code of the demo branch.
pub const DEMO_BRANCH: &str = "0101";

impl Store {
    /// Seeds an empty database with the demo branch and users. Refused when the database
    /// already has users (a demo is never written over real data).
    pub fn seed_demo(&mut self) -> Result<()> {
        if self.has_users()? {
            return Err(super::StoreError::conflict(
                "err.conflict.demo_has_users",
                "this database already has users; the demo is only seeded into a new one",
            ));
        }
        let branch = self.create_branch_as(audit::SYSTEM, DEMO_BRANCH, "示范支行 Demo Branch")?;
        for (username, display, role) in DEMO_USERS {
            let u = NewUser {
                username: (*username).to_string(),
                display_name: (*display).to_string(),
                role: *role,
                branch_id: (*role != Role::Admin).then_some(branch),
                password: DEMO_PASSWORD.to_string(),
            };
            self.create_user_unchecked(&u)?;
        }
        self.write(|tx, now| {
            tx.execute("INSERT INTO settings (key, value) VALUES ('demo.seeded', '1')", [])?;
            let stamp = ts(now);
            for p in DEMO_PRODUCTS {
                tx.prepare_cached(
                    "INSERT INTO products (code, name, category, risk_level, currency, yield_min, yield_max,
                         term_days, min_amount, sale_start, sale_end, status, description, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
                )?
                .execute(params![
                    p.code,
                    p.name,
                    p.category,
                    p.risk,
                    p.currency,
                    p.yields.map(|y| y.0),
                    p.yields.map(|y| y.1),
                    p.term_days,
                    p.min_amount,
                    p.window.map(|w| w.0),
                    p.window.map(|w| w.1),
                    p.status,
                    p.description,
                    stamp
                ])?;
            }
            // Margins by category, percent per year (the administrator's to change).
            tx.execute(
                "UPDATE products SET margin = CASE category
                     WHEN 'deposit' THEN '1.50' WHEN 'loan' THEN '2.20' WHEN 'wealth' THEN '0.60'
                     WHEN 'fund' THEN '1.20' WHEN 'insurance' THEN '2.50' WHEN 'bond' THEN '0.30'
                     ELSE '0.50' END",
                [],
            )?;
            Ok(())
        })
    }

    /// Adds demo clients, spread round-robin over the demo RMs, each holding `amount` of
    /// the demo deposit (so AUM and tier follow the real rules). Only in a database made
    /// by [`Store::seed_demo`]. Rows are written in batches; `progress(done)` after each.
    pub fn seed_demo_clients(
        &mut self,
        people: &mut dyn Iterator<Item = (ClientInput, Decimal)>,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let demo: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo.seeded')",
            [],
            |r| r.get(0),
        )?;
        if !demo {
            return Err(StoreError::conflict(
                "err.conflict.not_demo",
                "demo clients are only added to a demo database",
            ));
        }
        let mut owners = Vec::new();
        for (name, _, role) in DEMO_USERS {
            if *role == Role::Rm {
                let owner: (i64, i64) = self.conn().query_row(
                    "SELECT id, branch_id FROM users WHERE username = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                owners.push(owner);
            }
        }
        let product_id = |code: &str| -> Result<(i64, Decimal, i64)> {
            let (id, min, term): (i64, String, Option<i64>) = self.conn().query_row(
                "SELECT id, min_amount, term_days FROM products WHERE code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let min = min.parse::<Decimal>().map_err(|_| {
                StoreError::invalid("min_amount", "err.amount", "demo minimum is not a number")
            })?;
            Ok((id, min, term.unwrap_or(365)))
        };
        let product = product_id(DEMO_DEPOSIT)?.0;
        // The wealth product each risk level is sold (C1 → R1 … C5 → R4).
        let wealth = [
            product_id("WM-R1-CASH")?,
            product_id("WM-R2-90D")?,
            product_id("WM-R3-180D")?,
            product_id("WM-R4-1Y")?,
            product_id("WM-R4-1Y")?,
        ];
        let t = self.thresholds()?;
        let mut done = 0usize;
        loop {
            let batch: Vec<(ClientInput, Decimal)> = (&mut *people).take(DEMO_BATCH).collect();
            if batch.is_empty() {
                return Ok(done);
            }
            let n = batch.len();
            self.write(|tx, now| {
                let stamp = ts(now);
                for (i, (person, amount)) in batch.iter().enumerate() {
                    let valid = person.validate(today).map_err(StoreError::Fields)?;
                    let owner = owners[(done + i) % owners.len().max(1)];
                    let id = insert_row(tx, &valid, owner, t, &stamp)?;
                    let n = done + i;
                    // One client in five whose assessment is current also holds the
                    // wealth product of their level, maturing over the next four months.
                    let second = valid
                        .risk_level
                        .zip(valid.risk_assessed_on)
                        .filter(|(_, on)| risk_assessment_current(*on, today) && n % 5 == 0)
                        .and_then(|(level, _)| {
                            let (pid, min, term) = wealth[usize::from(level.rank() - 1)];
                            let half = (*amount / Decimal::TWO).round_dp(0);
                            (half >= min && !half.is_zero()).then_some((pid, half, term, n))
                        });
                    seed_holding(tx, id, product, *amount, second, today, t, owner.0, &stamp)?;
                }
                let after = format!("clients={n}");
                let mut e = audit::Entry::new("demo.seed_clients", "client", None);
                e.after = Some(&after);
                audit::append(tx, now, audit::SYSTEM, e)
            })?;
            done += n;
            progress(done);
        }
    }
}

/// Code of the demo deposit product.
const DEMO_DEPOSIT: &str = "DEMO-DEP";

/// A product of the demo catalogue.
struct DemoProduct {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    risk: &'static str,
    currency: &'static str,
    /// Expected annual yield range, percent.
    yields: Option<(&'static str, &'static str)>,
    term_days: Option<i64>,
    min_amount: &'static str,
    /// Sale window.
    window: Option<(&'static str, &'static str)>,
    status: &'static str,
    description: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn demo(
    code: &'static str,
    name: &'static str,
    category: &'static str,
    risk: &'static str,
    yields: Option<(&'static str, &'static str)>,
    term_days: Option<i64>,
    min_amount: &'static str,
    description: &'static str,
) -> DemoProduct {
    DemoProduct {
        code,
        name,
        category,
        risk,
        currency: "CNY",
        yields,
        term_days,
        min_amount,
        window: None,
        status: "on_sale",
        description,
    }
}

/// The demo catalogue: deposits, wealth management R1–R5, funds, insurance, a bond,
/// loans and a card, as a branch sells them.
const DEMO_PRODUCTS: &[DemoProduct] = &[
    demo(
        DEMO_DEPOSIT,
        "活期存款 Demand deposit",
        "deposit",
        "R1",
        Some(("0.10", "0.10")),
        None,
        "0",
        "Demo: every demo client holds this deposit, so AUM and tiers are real.",
    ),
    demo(
        "DEP-3M",
        "三个月定期 3-month time deposit",
        "deposit",
        "R1",
        Some(("1.05", "1.05")),
        Some(91),
        "50",
        "Fixed rate for three months; early withdrawal at the demand rate.",
    ),
    demo(
        "DEP-1Y",
        "一年定期 1-year time deposit",
        "deposit",
        "R1",
        Some(("1.45", "1.45")),
        Some(365),
        "50",
        "Fixed rate for one year; deposit insurance covers up to ¥500,000.",
    ),
    demo(
        "DEP-CD-3Y",
        "大额存单三年 3-year large CD",
        "deposit",
        "R1",
        Some(("2.15", "2.15")),
        Some(1095),
        "200000",
        "Large-denomination certificate of deposit; transferable.",
    ),
    demo(
        "WM-R1-CASH",
        "天天利现金管理 Daily cash management",
        "wealth",
        "R1",
        Some(("1.60", "2.10")),
        None,
        "1",
        "Cash management wealth product, redeemable on any working day.",
    ),
    demo(
        "WM-R2-90D",
        "稳健增利90天 Steady income 90 days",
        "wealth",
        "R2",
        Some(("2.40", "3.10")),
        Some(90),
        "10000",
        "Fixed income, mostly bonds and deposits; yield not guaranteed.",
    ),
    demo(
        "WM-R3-180D",
        "平衡配置180天 Balanced 180 days",
        "wealth",
        "R3",
        Some(("2.80", "4.50")),
        Some(180),
        "10000",
        "Bonds with up to 20% equities; net value may fall.",
    ),
    demo(
        "WM-R4-1Y",
        "权益增强一年 Equity enhanced 1 year",
        "wealth",
        "R4",
        Some(("3.00", "6.50")),
        Some(365),
        "50000",
        "Mixed assets with up to 40% equities; for growth investors.",
    ),
    demo(
        "WM-R5-QUANT",
        "量化对冲精选 Quant hedge select",
        "wealth",
        "R5",
        Some(("0.00", "12.00")),
        Some(365),
        "1000000",
        "Private-placement style quantitative strategy; qualified investors only.",
    ),
    demo(
        "FUND-BOND",
        "中短债基金 Short-term bond fund",
        "fund",
        "R2",
        Some(("2.00", "3.50")),
        None,
        "1",
        "Open-ended bond fund, T+1 redemption.",
    ),
    demo(
        "FUND-CSI300",
        "沪深300指数基金 CSI 300 index fund",
        "fund",
        "R3",
        None,
        None,
        "1",
        "Tracks the CSI 300 index.",
    ),
    demo(
        "FUND-MIX",
        "偏股混合基金 Equity-mixed fund",
        "fund",
        "R4",
        None,
        None,
        "1",
        "Actively managed, 60–95% equities.",
    ),
    DemoProduct {
        currency: "USD",
        ..demo(
            "FUND-QDII",
            "全球科技QDII Global tech QDII",
            "fund",
            "R5",
            None,
            None,
            "1000",
            "Overseas technology equities in US dollars; currency risk.",
        )
    },
    demo(
        "INS-ANNUITY",
        "金福年金保险 Golden annuity insurance",
        "insurance",
        "R1",
        Some(("2.50", "3.00")),
        Some(1825),
        "10000",
        "Five annual premiums; pays from age 60.",
    ),
    demo(
        "INS-CI",
        "守护重疾险 Critical illness cover",
        "insurance",
        "R1",
        None,
        Some(7300),
        "3000",
        "Covers 120 critical illnesses; twenty years.",
    ),
    demo(
        "BOND-SAV-3Y",
        "储蓄国债三年 3-year savings bond",
        "bond",
        "R1",
        Some(("2.38", "2.38")),
        Some(1095),
        "100",
        "Government savings bond (electronic); sold in issuance windows.",
    ),
    demo(
        "LOAN-MORT",
        "个人住房贷款 Home mortgage",
        "loan",
        "R1",
        Some(("3.05", "3.85")),
        Some(10950),
        "100000",
        "Up to 30 years; rate linked to the 5-year LPR.",
    ),
    demo(
        "LOAN-SME",
        "小微经营贷 Small-business loan",
        "loan",
        "R1",
        Some(("3.45", "4.35")),
        Some(1095),
        "50000",
        "For owners of small businesses; collateral or guarantee.",
    ),
    demo(
        "CARD-PLAT",
        "白金信用卡 Platinum credit card",
        "card",
        "R1",
        None,
        None,
        "0",
        "Airport lounges, travel insurance; annual fee waived after 12 transactions.",
    ),
    DemoProduct {
        window: Some(("2024-01-15", "2024-02-29")),
        status: "closed",
        ..demo(
            "WM-NY2024",
            "2024新春专享 New Year special 2024",
            "wealth",
            "R2",
            Some(("3.20", "3.60")),
            Some(180),
            "50000",
            "Sold in early 2024 only; closed.",
        )
    },
];

/// Clients written per transaction when seeding.
const DEMO_BATCH: usize = 20_000;

/// A second demo holding: (product, amount, term in days, the client's number).
type Second = Option<(i64, Decimal, i64, usize)>;

#[allow(clippy::too_many_arguments)]
fn seed_holding(
    tx: &rusqlite::Connection,
    client: i64,
    product: i64,
    amount: Decimal,
    second: Second,
    today: NaiveDate,
    t: Thresholds,
    by: i64,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, status, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'CNY', substr(?5, 1, 10), 'open', ?4, ?5, ?5)",
    )?
    .execute(params![client, product, amount.to_string(), by, now])?;
    let mut total = amount;
    if let Some((pid, extra, term, n)) = second {
        // Maturities spread over the next 120 days: a few each week on the home screen.
        let ahead = u64::try_from(n / 5 % 120).unwrap_or(0);
        let maturity = today.checked_add_days(Days::new(ahead)).unwrap_or(today);
        let start = maturity
            .checked_sub_days(Days::new(u64::try_from(term).unwrap_or(365)))
            .unwrap_or(today);
        tx.prepare_cached(
            "INSERT INTO holdings (client_id, product_id, amount, currency, start_date, maturity_date, status,
                                   created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'CNY', ?4, ?5, 'open', ?6, ?7, ?7)",
        )?
        .execute(params![
            client,
            pid,
            extra.to_string(),
            start.to_string(),
            maturity.to_string(),
            by,
            now
        ])?;
        total += extra;
    }
    let minor = to_minor(total)
        .ok_or_else(|| StoreError::invalid("amount", "err.amount", "out of range"))?;
    let tier = Tier::from_aum(total, t.key(), t.core());
    tx.prepare_cached("UPDATE clients SET aum_minor = ?1, tier = ?2 WHERE id = ?3")?
        .execute(params![minor, tier.code(), client])?;
    super::reports::precomputed::refresh_contribution(tx, client)?;
    seed_history(tx, client, minor, t, now)
}

/// A year of made-up AUM history ending at today's value: most clients grew into it
/// quarter by quarter; one in seven held half as much again 120 days ago and is now
/// shrinking (churn warnings); one in eleven came down a tier and back.
fn seed_history(
    tx: &rusqlite::Connection,
    client: i64,
    minor: i64,
    t: Thresholds,
    now: &str,
) -> Result<()> {
    let Some(at) = super::parse_ts(now) else {
        return Ok(());
    };
    let shape: [(i64, i64); 4] = match client % 11 {
        _ if client % 7 == 0 => [(360, 120), (240, 140), (120, 150), (60, 125)],
        0 => [(360, 100), (240, 50), (120, 100), (60, 100)],
        _ => [(360, 70), (240, 80), (120, 90), (60, 95)],
    };
    let (key, core) = (
        to_minor(t.key()).unwrap_or(i64::MAX),
        to_minor(t.core()).unwrap_or(i64::MAX),
    );
    let mut rows: Vec<(String, i64)> = shape
        .iter()
        .map(|(days, pct)| (ts(at - chrono::Duration::days(*days)), minor / 100 * pct))
        .collect();
    rows.push((now.to_string(), minor));
    for (when, aum) in rows {
        let tier = if aum >= core {
            "core"
        } else if aum >= key {
            "key"
        } else {
            "general"
        };
        tx.prepare_cached(
            "INSERT INTO aum_history (client_id, at, aum_minor, tier) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![client, when, aum, tier])?;
    }
    Ok(())
}

/// Something that happened with a demo client, made up by the demo generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoEvent {
    /// A visit `days_ago` days before today at `hour` local time; with a follow-up task
    /// (title, due in `due_in` days from today, negative for overdue).
    Visit {
        /// Days before today.
        days_ago: u32,
        /// Hour of the day (local).
        hour: u32,
        /// Channel code.
        channel: &'static str,
        /// Purpose.
        purpose: String,
        /// Summary.
        summary: String,
        /// Follow-up task: title and days from today.
        follow_up: Option<(String, i64)>,
    },
    /// Feedback received `days_ago` days before today; `resolved` ones carry a resolution.
    Feedback {
        /// Days before today.
        days_ago: u32,
        /// `complaint`, `suggestion` or `praise`.
        kind: &'static str,
        /// What the client said.
        description: String,
        /// Resolution, when handled.
        resolution: Option<String>,
    },
}

impl Store {
    /// Adds made-up activity to every client of a demo database: `make(client id)` says
    /// what happened with that client. Written in batches, as the client's owner.
    pub fn seed_demo_activity(
        &mut self,
        today: NaiveDate,
        make: &mut dyn FnMut(i64) -> Vec<DemoEvent>,
    ) -> Result<usize> {
        let demo: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo.seeded')",
            [],
            |r| r.get(0),
        )?;
        if !demo {
            return Err(StoreError::conflict(
                "err.conflict.not_demo",
                "demo activity is only added to a demo database",
            ));
        }
        let days = u64::try_from(self.setting_i64("feedback.deadline_days")?).unwrap_or(15);
        let zone = self.zone();
        let mut after = 0i64;
        let mut written = 0usize;
        loop {
            let batch: Vec<(i64, i64)> = {
                let mut stmt = self.conn().prepare_cached(
                    "SELECT id, owner_id FROM clients WHERE id > ?1 ORDER BY id LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![after, DEMO_BATCH as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let Some(&(last, _)) = batch.last() else {
                return Ok(written);
            };
            after = last;
            let events: Vec<(i64, i64, Vec<DemoEvent>)> = batch
                .into_iter()
                .map(|(id, owner)| (id, owner, make(id)))
                .collect();
            written += self.write(|tx, now| {
                let stamp = ts(now);
                let mut n = 0;
                for (client, owner, list) in &events {
                    for event in list {
                        write_demo_event(tx, *client, *owner, event, (today, zone), days, &stamp)?;
                        n += 1;
                    }
                }
                let after = format!("events={n}");
                let mut e = audit::Entry::new("demo.seed_activity", "client", None);
                e.after = Some(&after);
                audit::append(tx, now, audit::SYSTEM, e)?;
                Ok(n)
            })?;
        }
    }
}

fn write_demo_event(
    tx: &rusqlite::Connection,
    client: i64,
    owner: i64,
    event: &DemoEvent,
    (today, zone): (NaiveDate, super::Zone),
    deadline_days: u64,
    now: &str,
) -> Result<()> {
    let day = |ago: u32| {
        today
            .checked_sub_days(chrono::Days::new(u64::from(ago)))
            .unwrap_or(today)
    };
    match event {
        DemoEvent::Visit {
            days_ago,
            hour,
            channel,
            purpose,
            summary,
            follow_up,
        } => {
            let local = day(*days_ago)
                .and_hms_opt((*hour).min(23), 0, 0)
                .unwrap_or_default();
            let at = ts(zone.to_utc(local));
            let next = follow_up.as_ref().map(|(_, due_in)| {
                let due = today
                    .checked_add_signed(chrono::Duration::days(*due_in))
                    .unwrap_or(today);
                due.to_string()
            });
            tx.prepare_cached(
                "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, next_step, next_step_on,
                                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![client, owner, at, channel, purpose, summary, follow_up.as_ref().map(|f| &f.0), next, now])?;
            let visit = tx.last_insert_rowid();
            super::visits::index_visit(tx, visit, &at, &[purpose, summary])?;
            if let (Some((title, _)), Some(due)) = (follow_up, next) {
                tx.prepare_cached(
                    "INSERT INTO tasks (owner_id, client_id, title, due_date, source, visit_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, 'visit', ?5, ?6, ?6)",
                )?
                .execute(params![owner, client, title, due, visit, now])?;
            }
            tx.prepare_cached(
                "UPDATE clients SET last_contact_at = ?1 WHERE id = ?2 AND (last_contact_at IS NULL OR last_contact_at < ?1)",
            )?
            .execute(params![at, client])?;
        }
        DemoEvent::Feedback {
            days_ago,
            kind,
            description,
            resolution,
        } => {
            let received = day(*days_ago);
            let deadline = received
                .checked_add_days(chrono::Days::new(deadline_days))
                .unwrap_or(received);
            let status = if resolution.is_some() {
                "closed"
            } else {
                "open"
            };
            tx.prepare_cached(
                "INSERT INTO feedback (client_id, rm_id, kind, received_on, channel, description, status, deadline,
                                       resolution, resolved_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'phone', ?5, ?6, ?7, ?8, CASE WHEN ?8 IS NULL THEN NULL ELSE ?9 END, ?9, ?9)",
            )?
            .execute(params![client, owner, kind, received.to_string(), description, status, deadline.to_string(), resolution, now])?;
        }
    }
    Ok(())
}

/// A task the demo puts on every demo RM's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTask {
    /// Title.
    pub title: String,
    /// Due date (the pending occurrence for a series).
    pub due: NaiveDate,
    /// Due time `HH:MM`.
    pub time: Option<&'static str>,
    /// Priority code.
    pub priority: &'static str,
    /// Recurrence code.
    pub recurrence: &'static str,
    /// The series' first date (monthly and yearly series count from it).
    pub anchor: Option<NaiveDate>,
    /// About the RM's n-th client (by id), if any.
    pub client: Option<usize>,
    /// Already done.
    pub done: bool,
}

impl Store {
    /// Puts `tasks` and the plan notes (`month`, `week`: period start and text) on the
    /// calendar of every demo RM. Only in a database made by [`Store::seed_demo`].
    pub fn seed_demo_calendar(
        &mut self,
        tasks: &[DemoTask],
        notes: &[(crate::store::plans::PlanPeriod, String)],
    ) -> Result<usize> {
        let demo: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'demo.seeded')",
            [],
            |r| r.get(0),
        )?;
        if !demo {
            return Err(StoreError::conflict(
                "err.conflict.not_demo",
                "demo tasks are only added to a demo database",
            ));
        }
        let rms: Vec<i64> = {
            let mut stmt = self
                .conn()
                .prepare("SELECT id FROM users WHERE role = 'rm' ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.write(|tx, now| {
            let stamp = ts(now);
            let mut n = 0;
            for rm in &rms {
                let clients: Vec<i64> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id FROM clients WHERE owner_id = ?1 ORDER BY id LIMIT 20",
                    )?;
                    let rows = stmt.query_map([rm], |r| r.get(0))?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                for t in tasks {
                    let client = t.client.and_then(|i| clients.get(i).copied());
                    tx.prepare_cached(
                        "INSERT INTO tasks (owner_id, client_id, title, due_date, due_time, priority, status,
                                            recurrence, anchor_date, done_at, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                    )?
                    .execute(params![
                        rm,
                        client,
                        t.title,
                        t.due.to_string(),
                        t.time,
                        t.priority,
                        if t.done { "done" } else { "open" },
                        t.recurrence,
                        t.anchor.map(|a| a.to_string()),
                        t.done.then(|| stamp.clone()),
                        stamp
                    ])?;
                    n += 1;
                }
                for (period, body) in notes {
                    let (kind, start) = match period {
                        crate::store::plans::PlanPeriod::Month(d) => ("month", d),
                        crate::store::plans::PlanPeriod::Week(d) => ("week", d),
                    };
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO plan_notes (owner_id, period_kind, period_start, body, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![rm, kind, start.to_string(), body, stamp])?;
                }
            }
            let after = format!("tasks={n}");
            let mut e = audit::Entry::new("demo.seed_calendar", "task", None);
            e.after = Some(&after);
            audit::append(tx, now, audit::SYSTEM, e)?;
            Ok(n)
        })
    }
}
