//! Care occasions read from their indexes, on hand-made clients with known answers:
//! birthdays within the window (not today's, not the 8th day's, not a closed client's,
//! 29 February in a common year, across the new year), anniversaries on the local day a
//! client was added, a festival as one count of the consenting clients of the scope; and
//! a care line turned into a task for the client's RM or a greeting recorded as a
//! message contact, both audited.
mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::*;
use rmdesk::domain::care::Festival;
use rmdesk::domain::client::ClientInput;
use rmdesk::store::care::{CareKind, Occasion};
use rmdesk::store::clients::SaveOutcome;
use rmdesk::store::{Actor, FixedClock, Store, StoreError};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Noon in China Standard Time on `day`.
fn at_noon(store: &mut Store, day: &str) {
    let t = d(day).and_hms_opt(4, 0, 0).expect("time");
    store.set_clock(Box::new(FixedClock(Utc.from_utc_datetime(&t))));
}

fn client(
    store: &mut Store,
    owner: &Actor,
    n: usize,
    name: &str,
    birth: &str,
    consent: &str,
) -> i64 {
    let input = ClientInput {
        kind: "individual".into(),
        name: name.into(),
        id_type: "passport".into(),
        id_number: format!("E76543{n:03}"),
        birth_date: birth.into(),
        marketing_consent: consent.into(),
        ..ClientInput::default()
    };
    match store.create_client(owner, &input, true) {
        Ok(SaveOutcome::Saved(id)) => id,
        other => panic!("client {name}: {other:?}"),
    }
}

struct World {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
    rm1: Actor,
    rm2: Actor,
    mgr1: Actor,
    mgr2: Actor,
}

/// rm1 (branch 0101): Tomorrow 11-24 (yes), Week 11-30 (yes), Eighth 12-01 (no),
/// Today 11-23 (yes), Closed 11-25 (yes, closed), Leap 2000-02-29 (unknown),
/// NewYear 01-02 (yes); rm2 (0202): Other 11-25 (yes).
fn world() -> (World, Vec<i64>) {
    let (dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let mgr1 = store.login("mgr1", PASSWORD).expect("mgr1");
    let mgr2 = store.login("mgr2", PASSWORD).expect("mgr2");
    let mut ids = Vec::new();
    for (n, (owner, name, birth, consent)) in [
        (&rm1, "Tomorrow", "1980-11-24", "yes"),
        (&rm1, "Week", "1981-11-30", "yes"),
        (&rm1, "Eighth", "1982-12-01", "no"),
        (&rm1, "Today", "1983-11-23", "yes"),
        (&rm1, "Closed", "1984-11-25", "yes"),
        (&rm1, "Leap", "2000-02-29", "unknown"),
        (&rm1, "NewYear", "1985-01-02", "yes"),
        (&rm2, "Other", "1986-11-25", "yes"),
    ]
    .into_iter()
    .enumerate()
    {
        ids.push(client(&mut store, owner, n, name, birth, consent));
    }
    let conn = raw(&path).expect("raw");
    conn.execute(
        "UPDATE clients SET status = 'closed' WHERE id = ?1",
        [ids[4]],
    )
    .expect("close");
    let w = World {
        _dir: dir,
        path,
        store,
        rm1,
        rm2,
        mgr1,
        mgr2,
    };
    (w, ids)
}

fn names(lines: &[rmdesk::store::care::CareLine]) -> Vec<(String, NaiveDate, i64)> {
    lines
        .iter()
        .map(|l| (l.client_name.clone(), l.date, l.days))
        .collect()
}

#[test]
fn birthdays_within_the_window_for_the_rm_and_the_managers_branch() {
    let (w, _) = world();
    let want = vec![
        ("Tomorrow".to_string(), d("2026-11-24"), 1),
        ("Week".to_string(), d("2026-11-30"), 7),
    ];
    for actor in [&w.rm1, &w.mgr1] {
        let (lines, n) = w
            .store
            .care_kind(actor, CareKind::Birthday, 50)
            .expect("birthdays");
        assert_eq!(names(&lines), want, "{}", actor.username);
        assert_eq!(n, 2);
        assert!(lines.iter().all(|l| l.occasion == Occasion::Birthday));
    }
    // The limit cuts the lines, not the count.
    let (lines, n) = w
        .store
        .care_kind(&w.rm1, CareKind::Birthday, 1)
        .expect("one");
    assert_eq!((lines.len(), n), (1, 2));
    // The other branch: its own client only.
    for actor in [&w.rm2, &w.mgr2] {
        let (lines, n) = w.store.care_kind(actor, CareKind::Birthday, 50).expect("b");
        assert_eq!(names(&lines), vec![("Other".into(), d("2026-11-25"), 2)]);
        assert_eq!(n, 1);
    }
}

#[test]
fn a_days_lines_come_in_the_order_clients_were_added_and_the_care_list_keeps_it() {
    let (mut w, ids) = world();
    // Two more of rm1's clients born on 24 November, added after Tomorrow, their names
    // before it in the alphabet; another joins on the 24th too (anniversary, 2 years).
    let rm1 = w.rm1.clone();
    let zed = client(&mut w.store, &rm1, 20, "Zed", "1990-11-24", "yes");
    let abe = client(&mut w.store, &rm1, 21, "Abe", "1991-11-24", "yes");
    raw(&w.path)
        .expect("raw")
        .execute(
            "UPDATE clients SET created_at = '2024-11-24T02:00:00Z' WHERE id = ?1",
            [zed],
        )
        .expect("created_at");
    let want = vec![ids[0], zed, abe];
    for actor in [&w.rm1, &w.mgr1] {
        let (lines, n) = w
            .store
            .care_kind(actor, CareKind::Birthday, 50)
            .expect("birthdays");
        let ids_of = |lines: &[rmdesk::store::care::CareLine]| {
            lines.iter().map(|l| l.client_id).collect::<Vec<_>>()
        };
        assert_eq!(ids_of(&lines[..3]), want, "{}", actor.username);
        assert_eq!(n, 4);
        // Home's first two lines are the day's first two entries.
        let (two, n) = w
            .store
            .care_kind(actor, CareKind::Birthday, 2)
            .expect("two");
        assert_eq!((ids_of(&two), n), (want[..2].to_vec(), 4));
        // The care list (`rmdesk today`): by date, then occasion, each kind in home's
        // order — the 24th's birthdays, then Zed's anniversary, then the 30th.
        let list = w.store.care_list(actor).expect("list");
        let got: Vec<(i64, Occasion)> = list
            .lines
            .iter()
            .map(|l| (l.client_id, l.occasion))
            .collect();
        assert_eq!(
            got,
            vec![
                (ids[0], Occasion::Birthday),
                (zed, Occasion::Birthday),
                (abe, Occasion::Birthday),
                (zed, Occasion::Anniversary(2)),
                (ids[1], Occasion::Birthday),
            ],
            "{}",
            actor.username
        );
    }
}

#[test]
fn a_29_february_birthday_in_a_common_year_and_one_across_the_new_year() {
    let (mut w, _) = world();
    at_noon(&mut w.store, "2027-02-25");
    let (lines, n) = w
        .store
        .care_kind(&w.rm1, CareKind::Birthday, 50)
        .expect("b");
    assert_eq!(names(&lines), vec![("Leap".into(), d("2027-02-28"), 3)]);
    assert_eq!(n, 1);
    at_noon(&mut w.store, "2028-02-25");
    let (lines, _) = w
        .store
        .care_kind(&w.rm1, CareKind::Birthday, 50)
        .expect("b");
    assert_eq!(
        names(&lines),
        vec![("Leap".into(), d("2028-02-29"), 4)],
        "a leap year: the 29th"
    );
    at_noon(&mut w.store, "2026-12-29");
    let (lines, _) = w
        .store
        .care_kind(&w.mgr1, CareKind::Birthday, 50)
        .expect("b");
    assert_eq!(names(&lines), vec![("NewYear".into(), d("2027-01-02"), 4)]);
}

#[test]
fn anniversaries_fall_on_the_local_day_the_client_was_added() {
    let (w, ids) = world();
    let conn = raw(&w.path).expect("raw");
    let added = |id: i64, at: &str| {
        conn.execute(
            "UPDATE clients SET created_at = ?1 WHERE id = ?2",
            rusqlite::params![at, id],
        )
        .expect("created_at");
    };
    // 17:00 UTC on 25 November is 01:00 on the 26th in Beijing: 3 days, not 2.
    added(ids[0], "2025-11-25T17:00:00Z");
    // Two years ago today: today's anniversary counts.
    added(ids[1], "2024-11-23T02:00:00Z");
    // 8 days ahead, out; a closed client, out; the other branch's, out for rm1.
    added(ids[2], "2020-12-01T02:00:00Z");
    added(ids[4], "2021-11-24T02:00:00Z");
    added(ids[7], "2021-11-24T02:00:00Z");
    // The rest were added today (the fixed clock): no anniversary yet.
    let (lines, n) = w
        .store
        .care_kind(&w.rm1, CareKind::Anniversary, 50)
        .expect("anniversaries");
    assert_eq!(
        names(&lines),
        vec![
            ("Week".into(), d("2026-11-23"), 0),
            ("Tomorrow".into(), d("2026-11-26"), 3),
        ]
    );
    assert_eq!(
        lines.iter().map(|l| l.occasion).collect::<Vec<_>>(),
        vec![Occasion::Anniversary(2), Occasion::Anniversary(1)]
    );
    assert_eq!(n, 2);
    let (_, n) = w
        .store
        .care_kind(&w.mgr1, CareKind::Anniversary, 50)
        .expect("branch");
    assert_eq!(n, 2, "the manager's branch: the same two");
    let (lines, _) = w
        .store
        .care_kind(&w.mgr2, CareKind::Anniversary, 50)
        .expect("other branch");
    assert_eq!(names(&lines), vec![("Other".into(), d("2026-11-24"), 1)]);
}

#[test]
fn a_festival_is_one_count_of_the_consenting_open_clients_of_the_scope() {
    let (mut w, _) = world();
    // 23 November: no festival within 7 days.
    assert!(w.store.care_festival_dates().expect("dates").is_empty());
    let list = w.store.care_list(&w.rm1).expect("list");
    assert!(list.festivals.is_empty());
    // Five days before Spring Festival 2027 (6 February).
    at_noon(&mut w.store, "2027-02-01");
    assert_eq!(
        w.store.care_festival_dates().expect("dates"),
        vec![(Festival::SpringFestival, d("2027-02-06"))]
    );
    let list = w.store.care_list(&w.rm1).expect("list");
    assert_eq!(list.festivals.len(), 1);
    let f = list.festivals[0];
    // rm1's consenting, open clients: Tomorrow, Week, Today, NewYear (not Eighth "no",
    // Leap "unknown", Closed).
    assert_eq!(
        (f.festival, f.date, f.days, f.clients),
        (Festival::SpringFestival, d("2027-02-06"), 5, 4)
    );
    assert!(
        list.lines
            .iter()
            .all(|l| !matches!(l.occasion, Occasion::Festival(_))),
        "no line per client in the care list"
    );
    let kind = CareKind::Festival(Festival::SpringFestival);
    let (lines, n) = w.store.care_kind(&w.mgr1, kind, 3).expect("festival");
    assert_eq!(n, 4);
    assert_eq!(
        lines
            .iter()
            .map(|l| l.client_name.as_str())
            .collect::<Vec<_>>(),
        vec!["NewYear", "Today", "Tomorrow"],
        "by name, a page at a time"
    );
    let (_, n) = w.store.care_kind(&w.mgr2, kind, 3).expect("festival");
    assert_eq!(n, 1);
    // Mid-Autumn is not within the window: nothing.
    let (lines, n) = w
        .store
        .care_kind(&w.rm1, CareKind::Festival(Festival::MidAutumn), 50)
        .expect("mid-autumn");
    assert_eq!((lines.len(), n), (0, 0));
}

fn audited(path: &std::path::Path, action: &str) -> i64 {
    raw(path)
        .expect("raw")
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .expect("count")
}

#[test]
fn a_care_line_becomes_a_task_for_the_clients_rm_or_a_greeting_contact() {
    let (mut w, ids) = world();
    let tasks_before = audited(&w.path, "task.create");
    let given_before = audited(&w.path, "task.assign");
    // The RM's own client: on the RM's calendar, due today.
    let own = w
        .store
        .care_task(&w.rm1, ids[0], "Birthday of Tomorrow on 2026-11-24")
        .expect("task");
    // The manager's: given to the client's RM.
    let given = w
        .store
        .care_task(&w.mgr1, ids[1], "Birthday of Week on 2026-11-30")
        .expect("given");
    let day = today();
    let rm1_id = w.rm1.user_id;
    let on_calendar = w
        .store
        .tasks_between(&w.rm1, rm1_id, day, day)
        .expect("calendar");
    let mut found: Vec<(i64, String, Option<String>, Option<String>)> = on_calendar
        .iter()
        .map(|o| {
            (
                o.task.id,
                o.task.title.clone(),
                o.task.client_name.clone(),
                o.task.assigned_by.clone(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                own,
                "Birthday of Tomorrow on 2026-11-24".to_string(),
                Some("Tomorrow".to_string()),
                None
            ),
            (
                given,
                "Birthday of Week on 2026-11-30".to_string(),
                Some("Week".to_string()),
                Some("MGR1".to_string())
            ),
        ]
    );
    assert_eq!(audited(&w.path, "task.create") - tasks_before, 1);
    assert_eq!(audited(&w.path, "task.assign") - given_before, 1);
    // Another branch's client is not the other RM's to see.
    assert!(matches!(
        w.store.care_task(&w.rm2, ids[0], "x"),
        Err(StoreError::NotFound)
    ));

    let visits_before = audited(&w.path, "visit.create");
    let v = w
        .store
        .care_greeting(
            &w.rm1,
            ids[0],
            "Birthday greeting",
            "Birthday greeting sent",
        )
        .expect("greeting");
    let log = w.store.visit_log(&w.rm1, ids[0], 10).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].id, log[0].channel.as_str(), log[0].purpose.as_str()),
        (v, "message", "Birthday greeting")
    );
    assert_eq!(audited(&w.path, "visit.create") - visits_before, 1);
    let last: Option<String> = raw(&w.path)
        .expect("raw")
        .query_row(
            "SELECT last_contact_at FROM clients WHERE id = ?1",
            [ids[0]],
            |r| r.get(0),
        )
        .expect("last contact");
    assert_eq!(last.as_deref(), Some("2026-11-23T04:00:00Z"));
}
