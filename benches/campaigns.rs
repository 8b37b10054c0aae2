//! Campaigns and next best product at scale (docs/BENCHMARKS.md).
//!
//! `cargo bench --bench campaigns` builds (once) the demo database of
//! `RMDESK_BENCH_CLIENTS` clients (default 1,000,000; about half consent) in
//! target/bench-data/ and measures, as the demo's manager and RMs:
//! - the campaign form's count (`segment_count`) for the whole branch and for narrower
//!   segments, with the product's suitability;
//! - launching a campaign over the active clients not contacted for 180 days (about
//!   118,000 targets at 1,000,000 clients) and over all the active clients (targets,
//!   tasks, audit, one transaction; three launches each), on a fresh copy of the demo
//!   database each run, timed to the commit, and the background checkpoint after;
//! - next best product for one client (the 360 view's section), over many clients;
//! - next best product for the first 30 clients of the product screen's list (one
//!   `next_best_page` call: the peers of each tier and risk level read once);
//! - care on home (the reads home makes: birthdays and anniversaries, 5 lines each, and
//!   each festival's count), for the manager's branch and for rm1, on the demo's day and
//!   five days before Spring Festival 2027.
use std::path::{Path, PathBuf};
use std::time::Instant;

use rmdesk::domain::campaign::{CampaignInput, SegmentInput};
use rmdesk::store::care::CareKind;
use rmdesk::store::{keys, Actor, FixedClock, Store};

mod common;
use common::{env_u64, report, sample};

fn demo_db(data: &Path, clients: u64) -> PathBuf {
    let db = data.join(format!("campaigns-{clients}.db"));
    common::demo_db_at(&db, data, clients);
    db
}

fn main() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&data).expect("bench-data folder");
    let clients = env_u64("RMDESK_BENCH_CLIENTS", 1_000_000);
    let db = demo_db(&data, clients);
    let mut store = Store::open(&db).expect("open");
    let manager = store.login("manager", "demo-password").expect("manager");
    let rm1 = store.login("rm1", "demo-password").expect("rm1");

    let segments = [
        ("whole branch", SegmentInput::default()),
        (
            "key tier, risk C3+",
            SegmentInput {
                tier: "key".into(),
                risk_at_least: "C3".into(),
                ..SegmentInput::default()
            },
        ),
        (
            "no contact 90 days, holds a deposit",
            SegmentInput {
                no_contact_days: "90".into(),
                holds: "deposit".into(),
                ..SegmentInput::default()
            },
        ),
    ];
    for (what, seg) in &segments {
        let seg = seg.validate().expect("segment");
        let mut count = None;
        let t = sample(5, || {
            count = Some(
                store
                    .segment_count(&manager, &seg, Some("WM-R3-180D"))
                    .expect("count"),
            );
        });
        report(&format!("segment count, {what} ({count:?})"), &t);
    }

    launches(&db);

    let ids: Vec<i64> = store
        .client_page(
            &rm1,
            &rmdesk::store::clients::ListSpec::default(),
            &rmdesk::store::clients::PageFrom::Start,
            50,
        )
        .map(|p| p.rows.iter().map(|c| c.id).collect())
        .unwrap_or_default();
    let mut i = 0usize;
    let t = sample(ids.len().clamp(1, 50), || {
        if let Some(id) = ids.get(i % ids.len().max(1)) {
            let _ = store.next_best_products(&rm1, *id).expect("next best");
        }
        i += 1;
    });
    report("next best product, one client", &t);
    let product = store
        .products(&rm1, &Default::default())
        .expect("products")
        .into_iter()
        .find(|p| p.code == "WM-R3-180D")
        .expect("WM-R3-180D");
    let page: Vec<i64> = store
        .suitable_clients(&rm1, product.id, None, 30)
        .expect("suitable")
        .iter()
        .map(|c| c.id)
        .collect();
    let t = sample(5, || {
        let _ = store.next_best_page(&rm1, &page).expect("page");
    });
    report(
        &format!(
            "next best product, the product list's first {} rows",
            page.len()
        ),
        &t,
    );

    for (day, when) in [(None, "demo's day"), (Some((2027, 2, 1)), "2027-02-01")] {
        if let Some((y, m, d)) = day {
            let noon = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, y, m, d, 4, 0, 0)
                .single()
                .expect("instant");
            store.set_clock(Box::new(FixedClock(noon)));
        }
        for (who, actor) in [("manager", &manager), ("rm1", &rm1)] {
            let mut counts = Vec::new();
            let t = sample(10, || counts = care_on_home(&store, actor));
            report(&format!("care on home, {who}, {when} {counts:?}"), &t);
        }
    }
}

/// Launches on a copy of the demo database (taken afresh each run, removed after), so
/// that every run launches over the same file: the demo's tasks and targets, not those
/// of every earlier run's launches. Each launch is timed to its commit; the checkpoint
/// it leaves running in the background is timed apart.
fn launches(demo: &Path) {
    let copy = demo.with_extension("launches.db");
    let t = Instant::now();
    let beside = |p: &Path, suffix: &str| {
        let mut p = p.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    for (from, to) in [
        (demo.to_path_buf(), copy.clone()),
        (keys::key_path(demo), keys::key_path(&copy)),
        (beside(demo, ".anchors"), beside(&copy, ".anchors")),
    ] {
        if from.exists() {
            std::fs::copy(&from, &to).expect("copy of the demo database");
        }
    }
    println!(
        "copy of the demo database for the launches: {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut store = Store::open(&copy).expect("open the copy");
    let manager = store.login("manager", "demo-password").expect("manager");
    let today = store.today();
    let launches = [
        (
            "active, not contacted for 180 days",
            SegmentInput {
                status: "active".into(),
                no_contact_days: "180".into(),
                ..SegmentInput::default()
            },
        ),
        (
            "the active clients",
            SegmentInput {
                status: "active".into(),
                ..SegmentInput::default()
            },
        ),
    ];
    for (what, segment) in launches {
        let input = CampaignInput {
            name: "Bench".into(),
            starts_on: today.to_string(),
            ends_on: today.to_string(),
            product: "WM-R3-180D".into(),
            segment,
            ..CampaignInput::default()
        };
        let (mut times, mut checkpoints) = (Vec::new(), Vec::new());
        let mut targets = 0;
        for _ in 0..3 {
            let id = store.save_campaign(&manager, None, &input).expect("save");
            let t = Instant::now();
            let launched = store.launch_campaign(&manager, id).expect("launch");
            times.push(t.elapsed());
            targets = launched.count.targets;
            let c = Instant::now();
            store.wait_for_checkpoint();
            checkpoints.push(c.elapsed());
            println!(
                "launch, {what}: {targets} targets in {:.2} s, then the background checkpoint {:.2} s",
                times.last().map_or(0.0, |d| d.as_secs_f64()),
                c.elapsed().as_secs_f64()
            );
        }
        times.sort();
        checkpoints.sort();
        report(&format!("launch over {what} ({targets} targets)"), &times);
        report("  its background checkpoint", &checkpoints);
    }
    drop(store);
    let _ = std::fs::remove_file(keys::key_path(&copy));
    for suffix in ["", "-wal", "-shm", ".anchors", ".lock"] {
        let _ = std::fs::remove_file(beside(&copy, suffix));
    }
}

/// What home reads for care: the festivals within the window, then birthdays and
/// anniversaries (5 lines each) and each festival's count; the counts.
fn care_on_home(store: &Store, actor: &Actor) -> Vec<usize> {
    let mut kinds = vec![CareKind::Birthday, CareKind::Anniversary];
    kinds.extend(
        store
            .care_festival_dates()
            .expect("festivals")
            .into_iter()
            .map(|(f, _)| CareKind::Festival(f)),
    );
    kinds
        .into_iter()
        .map(|k| {
            let limit = if matches!(k, CareKind::Festival(_)) {
                0
            } else {
                5
            };
            store.care_kind(actor, k, limit).expect("care").1
        })
        .collect()
}
