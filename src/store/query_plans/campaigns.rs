//! Query-plan tests of campaigns: a segment is counted from `clients_segment` unless it
//! reads holdings, and a launch reads the clients table in one pass, in rowid order.
use super::super::campaign_segment::{count_query, launch_query, segment_sql};
use super::{day, plan, store};
use crate::domain::campaign::Segment;
use crate::domain::client::{RiskLevel, Tier};

#[test]
fn a_segment_is_counted_from_its_index_unless_it_reads_holdings_and_launched_in_one_pass() {
    let (_dir, store, _, mgr) = store();
    let (today, now) = (day("2026-11-23"), store.now());
    let keyed = Segment {
        tier: Some(Tier::Key),
        risk_at_least: Some(RiskLevel::C3),
        ..Segment::default()
    };
    let holders = Segment {
        holds: Some("deposit".into()),
        ..Segment::default()
    };
    for (segment, counted) in [
        (
            Segment::default(),
            "SEARCH c USING COVERING INDEX clients_segment",
        ),
        (keyed, "SEARCH c USING COVERING INDEX clients_segment"),
        (holders, "SCAN c"),
    ] {
        let sql = segment_sql(store.conn(), &mgr, &segment, None, now, today).expect("sql");
        let (count, launch) = (count_query(&sql, true), launch_query(&sql));
        let p = plan(&store, &count, &sql.args);
        assert!(
            p.lines().next().unwrap_or_default().starts_with(counted),
            "{p}"
        );
        let p = plan(&store, &launch, &sql.args);
        assert_eq!(p.lines().next(), Some("SCAN c"), "{p}\n{launch}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
    }
}
