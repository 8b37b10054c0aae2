//! Made-up activity for demo clients: visits over the past year (some with follow-up
//! tasks, a few overdue) and feedback (some complaints past their deadline). The same
//! seed gives the same activity.
use rand::rngs::StdRng;
use rand::Rng;

use crate::store::demo::DemoEvent;

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
