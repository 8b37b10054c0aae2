//! `rmdesk export calendar FILE.ics` read back by an independent iCalendar implementation:
//! Python's `icalendar` parses the file and `dateutil` expands its recurrence rules; the
//! entries and the first occurrences of every series must be what the database holds and
//! what rmdesk's own recurrence rules say. `.ci/run` installs the package; without it this
//! test fails and says how to install it.
mod common;

use std::path::Path;
use std::process::Command;

use chrono::{Days, NaiveDate};
use common::*;
use rmdesk::domain::task::{occurrences, Recurrence, TaskInput, TaskStatus};

const READER: &str = r#"
import sys
from datetime import date, datetime
from icalendar import Calendar
from dateutil.rrule import rrulestr

with open(sys.argv[1], "rb") as f:
    raw = f.read()
assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CRLF line ends only"
for line in raw.split(b"\r\n"):
    assert len(line) <= 75, "a line longer than 75 octets: %r" % line
cal = Calendar.from_ical(raw)
for comp in cal.walk():
    if comp.name not in ("VEVENT", "VTODO"):
        continue
    start = comp.get("DTSTART") or comp.get("DUE")
    d = start.dt
    timed = isinstance(d, datetime)
    day = d.date() if timed else d
    rule = comp.get("RRULE")
    rule_text = rule.to_ical().decode() if rule else ""
    nexts = []
    if rule:
        first = d if timed else datetime(d.year, d.month, d.day)
        nexts = [x.date().isoformat() for x in list(rrulestr(rule_text, dtstart=first)[:8])]
    fields = [
        comp.name,
        str(comp["UID"]),
        str(comp["SUMMARY"]),
        str(comp.get("DESCRIPTION", "")).replace("\n", "<NL>"),
        day.isoformat(),
        d.strftime("%H:%M") if timed else "",
        str(comp.get("STATUS", "")),
        str(int(comp.get("PRIORITY", 0))),
        rule_text,
        ",".join(nexts),
    ]
    print("\t".join(fields))
"#;

fn python_reads(file: &Path) -> Vec<Vec<String>> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(READER)
        .arg(file)
        .output()
        .expect("python3 must be installed for this test");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'icalendar'"),
        "Python's icalendar package is missing: pip install icalendar (.ci/run does)"
    );
    assert!(out.status.success(), "the reader failed:\n{stderr}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[test]
fn the_exported_calendar_imports_into_another_implementation_with_its_rules() {
    let (dir, path) = temp_db();
    let (mut store, _admin) = seeded(&path);
    let rm1 = store.login("rm1", PASSWORD).expect("rm1");
    let rm2 = store.login("rm2", PASSWORD).expect("rm2");
    let make = |title: &str, due: &str, time: &str, rec: &str, notes: &str| TaskInput {
        title: title.into(),
        due_date: due.into(),
        due_time: time.into(),
        recurrence: rec.into(),
        notes: notes.into(),
        priority: "high".into(),
        ..TaskInput::default()
    };
    let mut ids = Vec::new();
    for input in [
        make(
            "月末报表, 核对; 备注\\完成",
            "2026-10-31",
            "",
            "monthly",
            "第一行\n第二行, 含逗号",
        ),
        make("闰日年检 Leap-day review", "2028-02-29", "", "yearly", ""),
        make("周例会 Weekly meeting", "2026-11-23", "09:30", "weekly", ""),
        make("Market check", "2026-11-24", "", "daily", ""),
        make("月中回访 Mid-month call", "2026-11-15", "", "monthly", ""),
        make(&"很长的标题".repeat(12), "2026-12-01", "14:00", "none", ""),
        make("Done once", "2026-11-20", "", "none", ""),
    ] {
        ids.push(store.create_task(&rm1, &input).expect("task"));
    }
    // October's month-end done: November's 30th is the pending one.
    let next = store
        .complete_task(&rm1, ids[0])
        .expect("done")
        .next
        .expect("next");
    ids.push(next.0);
    store.complete_task(&rm1, ids[6]).expect("done");
    // Another RM's task never leaves in rm1's file.
    store
        .create_task(&rm2, &make("Not rm1's", "2026-11-25", "", "none", ""))
        .expect("other");
    drop(store);

    let ics = dir.path().join("rm1.ics");
    let out = Command::new(env!("CARGO_BIN_EXE_rmdesk"))
        .args(["--db", path.to_str().expect("utf-8"), "--user", "rm1"])
        .args(["export", "calendar", ics.to_str().expect("utf-8")])
        .env("RMDESK_PASSWORD", PASSWORD)
        .env("RMDESK_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("exported 8 tasks"));

    let entries = python_reads(&ics);
    let store = rmdesk::store::Store::open(&path).expect("open");
    let rm1 = {
        let mut s = rmdesk::store::Store::open(&path).expect("open");
        s.login("rm1", PASSWORD).expect("rm1")
    };
    assert_eq!(entries.len(), 8, "{entries:?}");
    for id in &ids {
        let t = store.task(&rm1, *id).expect("task");
        let uid = format!("task-{}-{}@rmdesk", rm1.user_id, t.id);
        let e = entries
            .iter()
            .find(|e| e[1] == uid)
            .unwrap_or_else(|| panic!("{uid} missing from {entries:?}"));
        let open = t.status == TaskStatus::Open;
        assert_eq!(e[0], if open { "VEVENT" } else { "VTODO" }, "{e:?}");
        assert_eq!(e[2], t.title, "the title, escapes and folds undone");
        assert_eq!(e[4], t.due_date.to_string());
        assert_eq!(e[5], t.due_time.clone().unwrap_or_default());
        assert_eq!(e[7], "1", "high priority");
        if !open {
            assert_eq!(e[6], "COMPLETED");
            assert_eq!(e[8], "", "a finished task has no rule");
            continue;
        }
        if t.recurrence == Recurrence::None {
            assert_eq!(e[8], "");
            continue;
        }
        let far = t.due_date.checked_add_days(Days::new(4000)).expect("date");
        let ours: Vec<String> = occurrences(t.recurrence, t.anchor(), t.due_date, t.due_date, far)
            .into_iter()
            .take(8)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            e[9].split(',').collect::<Vec<_>>(),
            ours,
            "{} ({}): the other program's dates are rmdesk's",
            t.title,
            e[8]
        );
    }
    let month_end = entries
        .iter()
        .find(|e| e[4] == "2026-11-30")
        .expect("the pending month-end");
    assert_eq!(month_end[3], "第一行<NL>第二行, 含逗号");
    assert!(month_end[9].starts_with("2026-11-30,2026-12-31,2027-01-31,2027-02-28,2027-03-31"));
    let leap = entries
        .iter()
        .find(|e| e[4] == "2028-02-29")
        .expect("the leap-day series");
    assert!(leap[9].starts_with("2028-02-29,2029-02-28,2030-02-28,2031-02-28,2032-02-29"));
    assert_eq!(date(&leap[4]), date("2028-02-29"));
}
