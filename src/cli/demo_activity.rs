//! Made-up activity for demo clients: visits over the past year (some with follow-up
//! tasks, a few overdue) and feedback (some complaints past their deadline). The same
//! seed gives the same activity.
use rand::rngs::StdRng;
use rand::Rng;

use chrono::{Datelike, Days, NaiveDate};

use crate::domain::task::{month_start, next_occurrence, week_start, Recurrence};
use crate::store::demo::{DemoEvent, DemoTask};
use crate::store::plans::PlanPeriod;

const CHANNELS: [&str; 5] = ["branch", "client_site", "phone", "video", "message"];

const PURPOSES: [&str; 8] = [
    "年度资产检视 Annual review",
    "理财产品到期沟通 Maturity follow-up",
    "风险测评更新 Risk assessment",
    "新产品推荐 New product",
    "生日问候 Birthday call",
    "贷款需求了解 Loan enquiry",
    "投诉回访 Complaint follow-up",
    "开户资料补充 Account documents",
];

const SUMMARIES: [&str; 6] = [
    "客户关注稳健型理财，希望收益高于定期存款。\nPrefers low-risk products above deposit rates.",
    "客户近期有购房计划，资金需保持流动性。\nBuying a flat soon; keeps funds liquid.",
    "讨论了基金定投，客户需要时间考虑。\nDiscussed a monthly fund plan; client will think it over.",
    "客户对上月服务表示满意。\nSatisfied with last month's service.",
    "更新了联系方式与风险测评。\nUpdated contact details and the risk assessment.",
    "客户询问大额存单利率。\nAsked about large-denomination CD rates.",
];

const FOLLOW_UPS: [&str; 4] = [
    "寄送产品说明书 Send the product sheet",
    "预约面谈 Book a meeting",
    "电话回访 Call back",
    "准备资产配置建议 Prepare an allocation proposal",
];

const FEEDBACK: [(&str, &str); 4] = [
    (
        "complaint",
        "理财到期未收到提醒。No reminder before maturity.",
    ),
    (
        "complaint",
        "网点排队时间过长。Waited too long at the branch.",
    ),
    (
        "suggestion",
        "希望增加周末营业时间。Open on weekends, please.",
    ),
    (
        "praise",
        "客户经理服务周到。Thanks to the RM for the careful service.",
    ),
];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.gen_range(0..items.len()))
        .copied()
        .unwrap_or_default()
}

/// What happened with one client (called for every client in id order).
pub fn events(rng: &mut StdRng) -> Vec<DemoEvent> {
    let mut out = Vec::new();
    if rng.gen_bool(0.4) {
        for _ in 0..rng.gen_range(1..=3) {
            // Recent visits are more common than old ones.
            let days_ago = rng.gen_range(0..=365u32).min(rng.gen_range(0..=365u32)) + 1;
            // Follow-ups of the last month's visits, due after the visit: some overdue,
            // some today, most in the next three weeks.
            let follow_up = (days_ago <= 30 && rng.gen_bool(0.5)).then(|| {
                let earliest = (1 - i64::from(days_ago)).max(-10);
                (
                    pick(rng, &FOLLOW_UPS).to_string(),
                    rng.gen_range(earliest..=21i64),
                )
            });
            out.push(DemoEvent::Visit {
                days_ago,
                hour: rng.gen_range(9..=17),
                channel: pick(rng, &CHANNELS),
                purpose: pick(rng, &PURPOSES).to_string(),
                summary: pick(rng, &SUMMARIES).to_string(),
                follow_up,
            });
        }
    }
    if rng.gen_bool(0.03) {
        let (kind, description) = FEEDBACK[rng.gen_range(0..FEEDBACK.len())];
        let days_ago = rng.gen_range(1..=60u32);
        let resolution = (days_ago > 20 && rng.gen_bool(0.7))
            .then(|| "已联系客户并处理。Contacted and handled.".to_string());
        out.push(DemoEvent::Feedback {
            days_ago,
            kind,
            description: description.to_string(),
            resolution,
        });
    }
    out
}

/// The demo calendar around `today`: a weekly meeting, a month-end report (a monthly
/// series anchored on a 31st), a daily market check, a yearly review, overdue and
/// today's tasks, a few done; and this month's plan and this week's goal.
pub fn calendar(today: NaiveDate) -> (Vec<DemoTask>, Vec<(PlanPeriod, String)>) {
    let day = |n: i64| {
        today
            .checked_add_signed(chrono::Duration::days(n))
            .unwrap_or(today)
    };
    let monday = week_start(today);
    // The last 31st on or before today's month start: the month-end series' anchor.
    let mut anchor = month_start(today).pred_opt().unwrap_or(today);
    while anchor.day() != 31 {
        anchor = month_start(anchor).pred_opt().unwrap_or(anchor);
    }
    let pending = next_occurrence(
        Recurrence::Monthly,
        anchor,
        month_start(today).pred_opt().unwrap_or(today),
    )
    .unwrap_or(today);
    let weekly_due = if monday < today {
        monday.checked_add_days(Days::new(7)).unwrap_or(today)
    } else {
        monday
    };
    let task = |title: &str, due: NaiveDate| DemoTask {
        title: title.to_string(),
        due,
        time: None,
        priority: "normal",
        recurrence: "none",
        anchor: None,
        client: None,
        done: false,
    };
    let tasks = vec![
        DemoTask {
            time: Some("09:00"),
            recurrence: "weekly",
            anchor: Some(monday),
            ..task("周例会 Weekly team meeting", weekly_due)
        },
        DemoTask {
            time: Some("09:00"),
            recurrence: "weekly",
            anchor: Some(monday.checked_sub_days(Days::new(7)).unwrap_or(monday)),
            done: true,
            ..task(
                "周例会 Weekly team meeting",
                monday.checked_sub_days(Days::new(7)).unwrap_or(monday),
            )
        },
        DemoTask {
            priority: "high",
            recurrence: "monthly",
            anchor: Some(anchor),
            ..task("月末业绩报表 Month-end report", pending)
        },
        DemoTask {
            time: Some("08:30"),
            recurrence: "daily",
            anchor: Some(today),
            priority: "low",
            ..task("查看市场行情 Market check", today)
        },
        DemoTask {
            recurrence: "yearly",
            anchor: Some(day(12)),
            client: Some(0),
            ..task("年度资产检视 Annual portfolio review", day(12))
        },
        DemoTask {
            priority: "high",
            client: Some(1),
            ..task("补充开户资料 Collect account documents", day(-3))
        },
        DemoTask {
            client: Some(2),
            ..task("电话回访 Call back", day(-1))
        },
        DemoTask {
            time: Some("14:00"),
            client: Some(3),
            ..task("面谈理财方案 Meet about the allocation", today)
        },
        DemoTask {
            priority: "high",
            ..task("准备季度培训 Prepare the quarterly training", today)
        },
        DemoTask {
            client: Some(4),
            ..task("寄送产品说明书 Send the product sheet", day(2))
        },
        DemoTask {
            time: Some("10:00"),
            client: Some(5),
            ..task("拜访企业客户 Visit a corporate client", day(6))
        },
        DemoTask {
            done: true,
            client: Some(6),
            ..task("生日问候 Birthday call", day(-5))
        },
    ];
    let notes = vec![
        (
            PlanPeriod::Month(month_start(today)),
            "本月规划：新增有效客户 10 户，到期资金留存 80%。\nThis month: 10 new active clients; keep 80% of maturing funds.".to_string(),
        ),
        (
            PlanPeriod::Week(monday),
            "本周目标：回访核心客户 5 户。\nThis week: call back 5 core clients.".to_string(),
        ),
    ];
    (tasks, notes)
}
