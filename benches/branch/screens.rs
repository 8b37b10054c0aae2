//! Every screen's first load and its keystrokes, as the manager and as an RM, beside the
//! same SQL run as plain SQL.
use super::*;

/// Runs `sql` with `args` on the plain connection and reads every column of every row.
fn run_plain(conn: &Connection, sql: &str, args: &[Value]) {
    let mut stmt = conn.prepare_cached(sql).expect("plain sql");
    let n = stmt.column_count();
    let mut rows = stmt.query(params_from_iter(args)).expect("query");
    while let Some(r) = rows.next().expect("row") {
        for i in 0..n {
            std::hint::black_box(r.get::<_, Value>(i).expect("value"));
        }
    }
}

fn plain_runs(conn: &Connection, queries: &[(String, Vec<Value>)]) -> Vec<Duration> {
    sample(RUNS, || {
        for (sql, args) in queries {
            run_plain(conn, sql, args);
        }
    })
}

pub(super) fn screens(store: &mut Store, plain: &Connection, who: &str, actor: &Actor) {
    let today = store.today();
    let zone: Zone = store.zone();
    // F2 home: the work list's rules, the desk's kinds and the churn warnings, as the
    // screen loads them (`tui::screens::home::sections`).
    let home = sample(RUNS, || {
        std::hint::black_box(store.work_list(actor).expect("home"));
    });
    let manager = actor.role == rmdesk::store::Role::Manager;
    let desk = sample(RUNS, || {
        if manager {
            std::hint::black_box(store.requests(actor, true).expect("pending"));
            std::hint::black_box(store.home_overdue_by_rm(actor).expect("team"));
            std::hint::black_box(store.home_visits_to_check(actor, 5).expect("to check"));
        } else {
            std::hint::black_box(store.requests(actor, false).expect("requests"));
            std::hint::black_box(store.home_new_to_you(actor, 5).expect("new to you"));
        }
    });
    let churn = sample(RUNS, || {
        std::hint::black_box(store.churn_among_largest(actor, 1_000).expect("churn"));
    });
    let soon = today
        .checked_add_days(Days::new(2))
        .unwrap_or(today)
        .to_string();
    let (lines, counted) = complaints_sql(actor);
    let b = Value::Integer(actor.branch_id.unwrap_or(-1));
    let me = Value::Integer(actor.user_id);
    let mut home_sql = vec![
        (
            counted,
            vec![Value::Text(soon.clone()), b.clone(), me.clone()],
        ),
        (
            lines,
            vec![Value::Text(soon), b.clone(), me.clone(), Value::Integer(50)],
        ),
        (
            "SELECT t.id, t.title, t.due_date, t.due_time, t.priority, c.name
             FROM tasks t LEFT JOIN clients c ON c.id = t.client_id
             WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date < ?2
             ORDER BY t.due_date, t.id LIMIT 50"
                .to_string(),
            vec![me.clone(), Value::Text(today.to_string())],
        ),
        (
            "SELECT count(*) FROM tasks t WHERE t.owner_id = ?1 AND t.status = 'open' AND t.due_date < ?2"
                .to_string(),
            vec![me.clone(), Value::Text(today.to_string())],
        ),
    ];
    for (lines, count, args) in [
        birthday_sql(actor.user_id, today, 50),
        risk_sql(actor.user_id, today, 50),
    ] {
        home_sql.push((count, args[..args.len() - 1].to_vec()));
        home_sql.push((lines, args));
    }
    let (lines, count) = contact_sql();
    for tier in ["core", "key", "general"] {
        let args = vec![
            me.clone(),
            Value::Text(tier.into()),
            Value::Text(rmdesk::store::ts(
                zone.day_start(today.checked_sub_days(Days::new(90)).unwrap_or(today)),
            )),
            Value::Integer(50),
        ];
        home_sql.push((lines.to_string(), args.clone()));
        let mut capped = args;
        capped[3] = Value::Integer(10_000);
        home_sql.push((count.to_string(), capped));
    }
    row(
        "F2 home: work list (7 rules, counts per kind)",
        who,
        &home,
        Some(&plain_runs(plain, &home_sql)),
    );
    row("F2 home: desk kinds", who, &desk, None);
    row("F2 home: churn among the 1,000 largest", who, &churn, None);

    // F3 clients: the first page and the count of the title.
    let spec = ListSpec::default();
    let first = sample(RUNS, || {
        std::hint::black_box(
            store
                .client_page(actor, &spec, &PageFrom::Start, 50)
                .expect("page"),
        );
    });
    let page_sql = vec![client_page_sql(actor, &spec, &PageFrom::Start, 50)];
    row(
        "F3 clients, first page by name",
        who,
        &first,
        Some(&plain_runs(plain, &page_sql)),
    );
    let end = sample(RUNS, || {
        std::hint::black_box(
            store
                .client_page(actor, &spec, &PageFrom::End, 50)
                .expect("page"),
        );
    });
    let end_sql = vec![client_page_sql(actor, &spec, &PageFrom::End, 50)];
    row(
        "F3 clients, End (last page by name)",
        who,
        &end,
        Some(&plain_runs(plain, &end_sql)),
    );
    let counted = sample(RUNS, || {
        std::hint::black_box(store.client_count(actor, &spec).expect("count"));
    });
    let scope_arg = if who == "manager" {
        b.clone()
    } else {
        me.clone()
    };
    let count_sql = vec![rmdesk::store::clients::client_count_sql(actor, &spec)];
    row(
        "F3 clients, count (title)",
        who,
        &counted,
        Some(&plain_runs(plain, &count_sql)),
    );

    // F3 `/`: each keystroke of a name in pinyin, of a Chinese name, of digits.
    for typed in [
        "w", "wa", "wan", "wang", "wangw", "wang w", "王", "王伟", "1", "13", "138", "1380",
        "13800",
    ] {
        let t = sample(RUNS, || {
            std::hint::black_box(store.search_clients(actor, typed, SEARCH).expect("search"));
        });
        let anchor = search_anchor(typed, who, &scope_arg);
        row(
            &format!("F3 search, typed {typed:?}"),
            who,
            &t,
            anchor.as_ref().map(|q| plain_runs(plain, q)).as_deref(),
        );
    }

    // F4 visits: opening, each keystroke of `/`, Esc.
    let visits = |store: &Store, f: &VisitFilter| -> Vec<Duration> {
        sample(RUNS, || {
            std::hint::black_box(store.visit_list(actor, f, LIST).expect("visits"));
        })
    };
    let all = VisitFilter::default();
    let open = visits(store, &all);
    let open_sql = vec![visit_list_sql(actor, &all, zone, LIST)];
    row(
        "F4 visits, opening (newest 500)",
        who,
        &open,
        Some(&plain_runs(plain, &open_sql)),
    );
    let year = VisitFilter {
        from: today.checked_sub_days(Days::new(365)),
        to: Some(today),
        ..VisitFilter::default()
    };
    let t = visits(store, &year);
    row(
        "F4 visits, last 12 months",
        who,
        &t,
        Some(&plain_runs(
            plain,
            &[visit_list_sql(actor, &year, zone, LIST)],
        )),
    );
    let unchecked = VisitFilter {
        unchecked_only: true,
        channel: Some("video".into()),
        ..VisitFilter::default()
    };
    let t = visits(store, &unchecked);
    row(
        "F4 visits, video and not yet checked",
        who,
        &t,
        Some(&plain_runs(
            plain,
            &[visit_list_sql(actor, &unchecked, zone, LIST)],
        )),
    );
    for typed in [
        "理",
        "理财",
        "理财产",
        "理财产品",
        "m",
        "ma",
        "mat",
        "matu",
        "大额存单",
        "定投 基金",
        "无此词语",
        "zzzz",
    ] {
        let f = VisitFilter {
            text: typed.into(),
            ..VisitFilter::default()
        };
        let t = visits(store, &f);
        row(
            &format!("F4 `/` typed {typed:?}"),
            who,
            &t,
            Some(&plain_runs(plain, &[visit_list_sql(actor, &f, zone, LIST)])),
        );
    }
    let f = VisitFilter {
        text: "理财".into(),
        ..year.clone()
    };
    let t = visits(store, &f);
    row(
        "F4 `/` \"理财\" within 12 months",
        who,
        &t,
        Some(&plain_runs(plain, &[visit_list_sql(actor, &f, zone, LIST)])),
    );

    // F4 feedback tab: pending by deadline, then the rest.
    let ff = FeedbackFilter::default();
    let t = sample(RUNS, || {
        std::hint::black_box(store.feedback_list(actor, &ff, LIST).expect("feedback"));
    });
    let fsql = vec![
        feedback_list_sql(actor, &ff, true, LIST),
        feedback_list_sql(actor, &ff, false, LIST),
    ];
    row(
        "F4 feedback tab (500)",
        who,
        &t,
        Some(&plain_runs(plain, &fsql)),
    );

    // F6 calendar: the month grid of rm1's calendar (the manager reads it).
    let owners = store.calendar_owners(actor).expect("owners");
    let rm1 = owners
        .iter()
        .find(|o| o.username == "rm1")
        .map_or(actor.user_id, |o| o.id);
    let from = today.checked_sub_days(Days::new(14)).unwrap_or(today);
    let to = today.checked_add_days(Days::new(28)).unwrap_or(today);
    let t = sample(RUNS, || {
        std::hint::black_box(store.tasks_between(actor, rm1, from, to).expect("month"));
    });
    row("F6 calendar, six weeks of rm1", who, &t, None);

    // The 360 view of a client of rm1.
    let client: i64 = plain
        .query_row(
            "SELECT c.id FROM clients c JOIN users u ON u.id = c.owner_id
             WHERE u.username = 'rm1' ORDER BY c.id LIMIT 1 OFFSET 777",
            [],
            |r| r.get(0),
        )
        .expect("a client");
    let t = sample(RUNS, || {
        std::hint::black_box(store.client(actor, client).expect("client"));
        std::hint::black_box(store.client_holdings(actor, client).expect("holdings"));
        std::hint::black_box(store.client_visits(actor, client, 20).expect("visits"));
        std::hint::black_box(store.client_feedback(actor, client, 20).expect("feedback"));
        std::hint::black_box(store.client_open_tasks(actor, client, 20).expect("tasks"));
    });
    row("360 view of a client", who, &t, None);
}

/// The plain SQL of the search's first run for `typed` (the full-text or the phone index,
/// scoped), or none when the search does several runs that plain SQL would not merge.
fn search_anchor(typed: &str, who: &str, scope_arg: &Value) -> Option<Vec<(String, Vec<Value>)>> {
    let q = search_terms::query(typed)?;
    let scope = if who == "manager" {
        "c.branch_id = ?"
    } else {
        "c.owner_id = ?"
    };
    let limit = Value::Integer(SEARCH as i64);
    if let Some(d) = q.digits.first() {
        return Some(vec![(
            format!(
                "SELECT c.id, c.client_no, c.name FROM client_phone p CROSS JOIN clients c ON c.id = p.rowid
                 WHERE client_phone MATCH ? AND {scope} LIMIT ?"
            ),
            vec![
                Value::Text(search_terms::phone_match(&d.digits)),
                scope_arg.clone(),
                limit,
            ],
        )]);
    }
    let text = q.text?;
    Some(vec![(
        format!(
            "SELECT c.id, c.client_no, c.name FROM client_search s CROSS JOIN clients c ON c.id = s.rowid
             WHERE client_search MATCH ? AND {scope} LIMIT ?"
        ),
        vec![Value::Text(text), scope_arg.clone(), limit],
    )])
}
