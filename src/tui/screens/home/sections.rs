//! Home's kinds: each a title with its count, its most urgent lines, and the list Enter
//! on the title opens. Today's work (`Store::work_list`) for everyone with client work;
//! for a manager, pending approvals, the RMs with overdue work, the visits to check by a
//! return call and the branch's clients at risk of leaving; for an RM, their requests'
//! outcomes, the clients new to them (until first contact) and their clients at risk;
//! for both, the care occasions coming (`care.rs`).
use chrono::NaiveDate;

use super::super::codes::{channel_key, code_text};
use super::super::reports::reason_text;
use super::super::{store_error_text, Ctx, Target};
use crate::domain::client::Tier;
use crate::domain::desk::RequestStatus;
use crate::domain::money::format_money;
use crate::store::care::{CareKind, CareLine};
use crate::store::home::{WorkItem, WorkKind, WorkRef, COUNT_CAP};
use crate::store::team::OUTCOME_DAYS;
use crate::store::Role;
use crate::tui::i18n::I18n;

/// Lines of a kind on home (the most urgent); Enter on the kind opens them all.
pub const EACH: usize = 5;

/// Most lines of a kind's own list.
pub const LIST: usize = 500;

/// The largest clients whose churn warnings home looks at (F7 has them all).
pub const CHURN_EXAMINE: usize = 1_000;

/// A kind of home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A rule of today's work list.
    Work(WorkKind),
    /// Requests waiting for the manager's decision.
    Approvals,
    /// RMs of the branch with overdue tasks or complaints near the deadline.
    Team,
    /// Visits of the last 7 days to check by a return call.
    ToCheck,
    /// The RM's requests and their outcomes.
    Outcomes,
    /// Clients handed to the RM and not contacted since.
    NewToYou,
    /// Clients at risk of leaving, among the largest.
    Churn,
    /// Care occasions coming: birthdays, anniversaries, a festival.
    Care(CareKind),
}

/// What Enter on a kind's title does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    /// Another screen's list.
    Screen(Target),
    /// The kind's own list, here on home.
    Here,
}

impl Kind {
    /// Where the kind's full list is.
    pub fn opens(self) -> Opens {
        match self {
            Kind::Work(WorkKind::Complaint) => Opens::Screen(Target::Complaints),
            Kind::Approvals => Opens::Screen(Target::Approvals),
            Kind::Team => Opens::Screen(Target::Team),
            Kind::ToCheck => Opens::Screen(Target::VisitsToCheck),
            Kind::Churn => Opens::Screen(Target::Churn),
            Kind::Work(_) | Kind::Outcomes | Kind::NewToYou | Kind::Care(_) => Opens::Here,
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Kind::Work(WorkKind::OverdueTask) => "home.kind.overdue",
            Kind::Work(WorkKind::TaskToday) => "home.kind.today",
            Kind::Work(WorkKind::Complaint) => "home.kind.complaint",
            Kind::Work(WorkKind::Maturity) => "home.kind.maturity",
            Kind::Work(WorkKind::Birthday) => "home.kind.birthday",
            Kind::Work(WorkKind::RiskReview) => "home.kind.risk",
            Kind::Work(WorkKind::ContactDue) => "home.kind.contact",
            Kind::Approvals => "home.kind.approvals",
            Kind::Team => "home.kind.team",
            Kind::ToCheck => "home.kind.to_check",
            Kind::Outcomes => "home.kind.outcomes",
            Kind::NewToYou => "home.kind.new_to_you",
            Kind::Churn => "home.kind.churn",
            Kind::Care(k) => super::care::title_key(k),
        }
    }
}

/// One line of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The reason (left column).
    pub reason: String,
    /// What it is about (right column).
    pub text: String,
    /// Shown in the warning style.
    pub urgent: bool,
    /// Where Enter goes.
    pub go: Option<Target>,
    /// The care occasion of a care line (its keys make a task or record a greeting).
    pub care: Option<CareLine>,
}

/// A kind with its count and lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which kind.
    pub kind: Kind,
    /// The title, with the count.
    pub title: String,
    /// How many lines the kind has in all.
    pub count: usize,
    /// The most urgent lines (all of them in the kind's own list).
    pub rows: Vec<Row>,
}

/// What a work line's reason needs beside the line.
pub struct Context {
    /// Today.
    pub today: NaiveDate,
    /// Contact cadence in days: core, key, general.
    pub cadence: [i64; 3],
}

/// Where Enter on a work line goes.
pub fn target_of(r: WorkRef) -> Target {
    match r {
        WorkRef::Task { id, date } => Target::Task { id, date },
        WorkRef::Client(id) => Target::Client(id),
        WorkRef::Feedback { client_id, id } => Target::Feedback { client_id, id },
        WorkRef::Holding { client_id, id } => Target::Holding { client_id, id },
    }
}

fn tier_key(t: Tier) -> &'static str {
    match t {
        Tier::Core => "home.tier.core",
        Tier::Key => "home.tier.key",
        Tier::General => "home.tier.general",
    }
}

/// A count as shown: a capped count is "10000+".
pub fn count_text(n: usize) -> String {
    if n >= COUNT_CAP {
        format!("{COUNT_CAP}+")
    } else {
        n.to_string()
    }
}

fn title(i: &I18n, kind: Kind, n: usize, manager: bool) -> String {
    let key = match kind {
        Kind::Churn if manager => "home.kind.churn_branch",
        k => k.title_key(),
    };
    i.f(
        key,
        &[
            ("n", &count_text(n)),
            ("examined", &CHURN_EXAMINE.to_string()),
        ],
    )
}

/// The reason of a work line, in the user's language.
pub fn reason(w: &WorkItem, c: &Context, i: &I18n) -> String {
    let date = w.date.to_string();
    match w.kind {
        WorkKind::OverdueTask => i.f("home.reason.overdue", &[("date", &date)]),
        WorkKind::TaskToday => match &w.time {
            Some(t) => i.f("home.reason.today_at", &[("time", t)]),
            None => i.t("home.reason.today").to_string(),
        },
        WorkKind::Complaint if w.date < c.today => {
            i.f("home.reason.complaint_past", &[("date", &date)])
        }
        WorkKind::Complaint => i.f("home.reason.complaint", &[("date", &date)]),
        WorkKind::Maturity => i.f("home.reason.maturity", &[("date", &date)]),
        WorkKind::Birthday => i.t("home.reason.birthday").to_string(),
        WorkKind::RiskReview if w.date < c.today => {
            i.f("home.reason.risk_past", &[("date", &date)])
        }
        WorkKind::RiskReview => i.f("home.reason.risk", &[("date", &date)]),
        WorkKind::ContactDue => {
            let tier = w.tier.unwrap_or(Tier::General);
            let days = match tier {
                Tier::Core => c.cadence[0],
                Tier::Key => c.cadence[1],
                Tier::General => c.cadence[2],
            };
            let args = [
                ("date", date.as_str()),
                ("tier", i.t(tier_key(tier))),
                ("days", &days.to_string()),
            ];
            if w.never_contacted {
                i.f("home.reason.never", &args)
            } else {
                i.f("home.reason.contact", &args)
            }
        }
    }
}

fn work_row(w: &WorkItem, c: &Context, i: &I18n) -> Row {
    let mut text = w.subject.clone();
    if let Some(d) = &w.detail {
        text.push_str(&format!(" · {}", d.replace('\n', " ")));
    }
    if let Some(manager) = &w.given_by {
        text.push_str(&format!(
            " · {}",
            i.f("calendar.given_by", &[("from", manager)])
        ));
    }
    Row {
        reason: reason(w, c, i),
        text,
        urgent: match w.kind {
            WorkKind::OverdueTask => true,
            WorkKind::Complaint | WorkKind::RiskReview => w.date <= c.today,
            _ => false,
        },
        go: Some(target_of(w.target)),
        care: None,
    }
}

/// The work list's kinds, `limit` lines each (`only`: one kind).
fn work(ctx: &mut Ctx<'_>, c: &Context, only: Option<WorkKind>, limit: usize) -> Vec<Section> {
    let i = ctx.i18n;
    let list = match only {
        Some(k) => ctx.store.work_kind(ctx.actor, k, limit),
        None => ctx.store.work_list(ctx.actor),
    };
    let list = match list {
        Ok(l) => l,
        Err(e) => {
            ctx.error(store_error_text(&e, i));
            return Vec::new();
        }
    };
    list.counts
        .iter()
        .map(|&(k, n)| Section {
            kind: Kind::Work(k),
            title: title(i, Kind::Work(k), n, false),
            count: n,
            rows: list
                .items
                .iter()
                .filter(|w| w.kind == k)
                .take(limit)
                .map(|w| work_row(w, c, i))
                .collect(),
        })
        .collect()
}

/// Every kind of home for the signed-in user, `EACH` lines each, in the order of the
/// list: the most pressing first.
pub fn load_all(ctx: &mut Ctx<'_>, c: &Context) -> Vec<Section> {
    let mut work = work(ctx, c, None, EACH);
    let mut out = Vec::new();
    let mut take = |out: &mut Vec<Section>, kinds: &[WorkKind]| {
        let (now, rest): (Vec<_>, Vec<_>) = work.drain(..).partition(|s| match s.kind {
            Kind::Work(k) => kinds.contains(&k),
            _ => false,
        });
        out.extend(now);
        work = rest;
    };
    let manager = ctx.actor.role == Role::Manager;
    if manager {
        out.extend(desk_kind(ctx, Kind::Approvals, EACH));
    }
    take(
        &mut out,
        &[
            WorkKind::OverdueTask,
            WorkKind::TaskToday,
            WorkKind::Complaint,
        ],
    );
    if manager {
        out.extend(desk_kind(ctx, Kind::Team, EACH));
    } else {
        out.extend(desk_kind(ctx, Kind::Outcomes, EACH));
        out.extend(desk_kind(ctx, Kind::NewToYou, EACH));
    }
    take(&mut out, &WorkKind::ALL);
    out.extend(super::care::sections(ctx, EACH));
    if manager {
        out.extend(desk_kind(ctx, Kind::ToCheck, EACH));
    }
    out.extend(desk_kind(ctx, Kind::Churn, EACH));
    out
}

/// One kind in full (its own list), at most [`LIST`] lines.
pub fn load_one(ctx: &mut Ctx<'_>, c: &Context, kind: Kind) -> Option<Section> {
    match kind {
        Kind::Work(k) => work(ctx, c, Some(k), LIST).into_iter().next(),
        Kind::Care(k) => super::care::section(ctx, k, LIST),
        k => desk_kind(ctx, k, LIST),
    }
}

/// A desk or churn kind, `limit` lines; `None` when it has none.
fn desk_kind(ctx: &mut Ctx<'_>, kind: Kind, limit: usize) -> Option<Section> {
    let loaded = desk_rows(ctx, kind, limit);
    let (rows, count) = match loaded {
        Ok(x) => x,
        Err(e) => {
            ctx.error(store_error_text(&e, ctx.i18n));
            return None;
        }
    };
    (count > 0).then(|| Section {
        kind,
        title: title(ctx.i18n, kind, count, ctx.actor.role == Role::Manager),
        count,
        rows,
    })
}

fn desk_rows(
    ctx: &mut Ctx<'_>,
    kind: Kind,
    limit: usize,
) -> crate::store::Result<(Vec<Row>, usize)> {
    let i = ctx.i18n;
    let store = &*ctx.store;
    let actor = ctx.actor;
    let zone = store.zone();
    Ok(match kind {
        Kind::Approvals => {
            let pending = store.requests(actor, true)?;
            let rows = pending
                .iter()
                .take(limit)
                .map(|r| Row {
                    reason: format!("#{} {}", r.id, i.t(r.kind.label_key())),
                    text: format!(
                        "{} {} · {} · {}",
                        r.client_no,
                        r.client_name,
                        format_money(r.client_aum, "CNY"),
                        r.requester
                    ),
                    urgent: false,
                    go: Some(Target::Approvals),
                    care: None,
                })
                .collect();
            (rows, pending.len())
        }
        Kind::Team => {
            let team = store.home_overdue_by_rm(actor)?;
            let rows = team
                .iter()
                .take(limit)
                .map(|m| Row {
                    reason: m.name.clone(),
                    text: i.f(
                        "home.rm_overdue",
                        &[
                            ("tasks", &m.tasks.to_string()),
                            ("complaints", &m.complaints.to_string()),
                        ],
                    ),
                    urgent: m.complaints > 0,
                    go: Some(Target::Team),
                    care: None,
                })
                .collect();
            (rows, team.len())
        }
        Kind::ToCheck => {
            let (visits, n) = store.home_visits_to_check(actor, limit)?;
            let rows = visits
                .iter()
                .map(|v| Row {
                    reason: crate::store::parse_ts(&v.visited_at)
                        .map(|t| zone.date(t).to_string())
                        .unwrap_or_default(),
                    text: format!(
                        "{} ({}, {})",
                        v.client_name,
                        v.rm,
                        code_text(i, channel_key(&v.channel), &v.channel)
                    ),
                    urgent: false,
                    go: Some(Target::VisitsToCheck),
                    care: None,
                })
                .collect();
            (rows, n)
        }
        Kind::Outcomes => {
            let since = crate::store::ts(
                store
                    .now()
                    .checked_sub_days(chrono::Days::new(OUTCOME_DAYS))
                    .unwrap_or_else(|| store.now()),
            );
            let requests: Vec<_> = store
                .requests(actor, false)?
                .into_iter()
                .filter(|r| r.decided_at.as_deref().map_or(true, |d| *d >= *since))
                .collect();
            let rows = requests
                .iter()
                .take(limit)
                .map(|r| {
                    let mut text = format!(
                        "#{} {} {} {}",
                        r.id,
                        i.t(r.kind.label_key()),
                        r.client_no,
                        r.client_name
                    );
                    if let Some(n) = &r.note {
                        text.push_str(&format!(" — {n}"));
                    }
                    Row {
                        reason: i.t(r.status.label_key()).to_string(),
                        text,
                        urgent: r.status == RequestStatus::Rejected,
                        go: (r.status != RequestStatus::Withdrawn)
                            .then_some(Target::Client(r.client_id)),
                        care: None,
                    }
                })
                .collect();
            (rows, requests.len())
        }
        Kind::NewToYou => {
            let (clients, n) = store.home_new_to_you(actor, limit)?;
            let rows = clients
                .iter()
                .map(|c| Row {
                    reason: i.f(
                        "home.reason.new_to_you",
                        &[
                            ("from", &c.from),
                            ("date", &c.on.map(|d| d.to_string()).unwrap_or_default()),
                        ],
                    ),
                    text: format!("{} {}", c.client_no, c.name),
                    urgent: false,
                    go: Some(Target::Client(c.client_id)),
                    care: None,
                })
                .collect();
            (rows, n)
        }
        Kind::Churn => {
            let at_risk = store.churn_among_largest(actor, CHURN_EXAMINE)?;
            let rows = at_risk
                .iter()
                .take(limit)
                .map(|r| Row {
                    reason: r
                        .reasons
                        .iter()
                        .map(|x| reason_text(x, i))
                        .collect::<Vec<_>>()
                        .join(", "),
                    text: format!(
                        "{} {} · {} · {}",
                        r.client_no,
                        r.name,
                        format_money(r.aum, "CNY"),
                        r.rm
                    ),
                    urgent: false,
                    go: Some(Target::Client(r.client_id)),
                    care: None,
                })
                .collect();
            (rows, at_risk.len())
        }
        Kind::Work(_) | Kind::Care(_) => (Vec::new(), 0),
    })
}
