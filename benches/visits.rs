//! Visit lists (docs/BENCHMARKS.md): a client with 10,000 visits on record, and an RM's
//! visits over a year among 100,000 visits of 5,000 clients.
//!
//! `cargo bench --bench visits` builds the data in a temporary folder (visits written
//! straight into the table: only reading is measured) and times the store's own calls.
use chrono::{Duration as Days, Local};
use rmdesk::domain::client::ClientInput;
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::visits::VisitFilter;
use rmdesk::store::Store;

mod common;
use common::{report, sample};

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("visits.db");
    let mut store = Store::open(&path).expect("open");
    store.seed_demo().expect("demo users");
    let rm = store.login("rm1", "demo-password").expect("rm1");
    let mut ids = Vec::new();
    for i in 0..5_000u32 {
        let c = ClientInput {
            kind: "individual".into(),
            name: format!("客户{i:04}"),
            id_type: "passport".into(),
            id_number: format!("E{i:08}"),
            ..ClientInput::default()
        };
        match store.create_client(&rm, &c, true).expect("client") {
            SaveOutcome::Saved(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    drop(store);
    let conn = common::raw(&path).expect("raw");
    let now = Local::now();
    conn.execute_batch("BEGIN").expect("begin");
    {
        let mut insert = conn
            .prepare(
                "INSERT INTO visits (client_id, rm_id, visited_at, channel, purpose, summary, created_at, updated_at)
                 VALUES (?1, (SELECT id FROM users WHERE username = 'rm1'), ?2, 'phone', '回访', '客户关注稳健型理财。', ?2, ?2)",
            )
            .expect("sql");
        // 10,000 visits of the first client over three years, 90,000 of the others over two.
        for i in 0..100_000i64 {
            let (client, minutes) = if i < 10_000 {
                (ids[0], i * 157)
            } else {
                (ids[(i as usize) % ids.len()], i * 11)
            };
            let at = (now - Days::minutes(minutes))
                .with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            insert
                .execute(rusqlite::params![client, at])
                .expect("visit");
        }
    }
    conn.execute_batch("COMMIT").expect("commit");
    drop(conn);

    let store = Store::open(&path).expect("open");
    let rm = {
        let mut s = Store::open(&path).expect("open");
        s.login("rm1", "demo-password").expect("rm1")
    };
    let times = sample(200, || {
        std::hint::black_box(store.visit_log(&rm, ids[0], 50).expect("log"));
    });
    report("a client's visits, newest 50 of 10,000", &times);
    let today = now.date_naive();
    let year_ago = today - Days::days(365);
    // What the visit screen (F4) reads: at most 500 rows.
    let year = VisitFilter {
        from: Some(year_ago),
        to: Some(today),
        ..VisitFilter::default()
    };
    let times = sample(200, || {
        std::hint::black_box(store.visit_list(&rm, &year, 500).expect("list"));
    });
    report("the RM's visit list over a year (newest 500)", &times);
    let narrow = VisitFilter {
        channel: Some("phone".into()),
        client_id: Some(ids[0]),
        ..year.clone()
    };
    let times = sample(200, || {
        std::hint::black_box(store.visit_list(&rm, &narrow, 500).expect("list"));
    });
    report("… of one client by phone over a year", &times);
    let text = VisitFilter {
        text: "稳健".into(),
        ..year.clone()
    };
    let times = sample(200, || {
        std::hint::black_box(store.visit_list(&rm, &text, 500).expect("list"));
    });
    report("… searched for a word of the summaries", &times);
    let none = VisitFilter {
        text: "no such words".into(),
        ..year
    };
    let times = sample(50, || {
        std::hint::black_box(store.visit_list(&rm, &none, 500).expect("list"));
    });
    report(
        "… searched for words no summary holds (reads the whole year)",
        &times,
    );
}
