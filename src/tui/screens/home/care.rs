//! Home's care kinds (客户关怀): coming birthdays and client anniversaries, a title with
//! the count and the nearest lines; a festival within the window is one title with the
//! count of consenting clients to greet (their list opens with Enter), never a line per
//! client on home. On a care line, one key makes a task due today for the client's RM
//! and another records the greeting as a contact (a visit of channel "message"), each
//! after a question on the popup stack.
use super::super::{store_error_text, Ctx, Target};
use super::sections::{count_text, Kind, Row, Section};
use crate::store::care::{CareKind, CareLine, Occasion};
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::popup::Question;

/// What a care question answers with: the line and what to do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CareDone {
    /// A task due today for the client's RM, with its title.
    Task(CareLine, String),
    /// The greeting, recorded as a message contact.
    Greet(CareLine),
}

/// The care kinds in the order of home: birthdays, anniversaries, then each festival
/// within the window.
fn kinds(ctx: &mut Ctx<'_>) -> Vec<CareKind> {
    let mut out = vec![CareKind::Birthday, CareKind::Anniversary];
    match ctx.store.care_festival_dates() {
        Ok(dates) => out.extend(dates.into_iter().map(|(f, _)| CareKind::Festival(f))),
        Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
    }
    out
}

/// Every care kind with lines, `limit` lines each (a festival: none, its count only).
pub fn sections(ctx: &mut Ctx<'_>, limit: usize) -> Vec<Section> {
    kinds(ctx)
        .into_iter()
        .filter_map(|k| {
            let limit = if matches!(k, CareKind::Festival(_)) {
                0
            } else {
                limit
            };
            section(ctx, k, limit)
        })
        .collect()
}

/// One care kind, at most `limit` lines; `None` when it has none.
pub fn section(ctx: &mut Ctx<'_>, kind: CareKind, limit: usize) -> Option<Section> {
    let i = ctx.i18n;
    let (lines, count) = match ctx.store.care_kind(ctx.actor, kind, limit) {
        Ok(x) => x,
        Err(e) => {
            ctx.error(store_error_text(&e, i));
            return None;
        }
    };
    if count == 0 {
        return None;
    }
    let days = ctx.store.setting_i64("care.birthday_days").unwrap_or(7);
    let festival = match kind {
        CareKind::Festival(f) => ctx
            .store
            .care_festival_dates()
            .ok()
            .and_then(|d| d.into_iter().find(|(g, _)| *g == f))
            .map(|(f, d)| (i.t(f.label_key()).to_string(), d.to_string())),
        _ => None,
    };
    let (name, date) = festival.unwrap_or_default();
    let title = i.f(
        title_key(kind),
        &[
            ("n", &count_text(count)),
            ("days", &days.to_string()),
            ("festival", &name),
            ("date", &date),
        ],
    );
    Some(Section {
        kind: Kind::Care(kind),
        title,
        count,
        rows: lines.iter().map(|l| row(l, i)).collect(),
    })
}

/// Catalogue key of a care kind's title.
pub fn title_key(kind: CareKind) -> &'static str {
    match kind {
        CareKind::Birthday => "home.kind.care_birthday",
        CareKind::Anniversary => "home.kind.care_anniversary",
        CareKind::Festival(_) => "home.kind.care_festival",
    }
}

/// The occasion in words: "Birthday", "2-year client anniversary", "Spring Festival".
pub fn occasion_text(o: Occasion, i: &I18n) -> String {
    match o {
        Occasion::Birthday => i.t("home.care.birthday").to_string(),
        Occasion::Anniversary(y) => i.f("home.care.anniversary", &[("years", &y.to_string())]),
        Occasion::Festival(f) => i.t(f.label_key()).to_string(),
    }
}

fn row(l: &CareLine, i: &I18n) -> Row {
    let when = match l.days {
        0 => i.t("home.care.today").to_string(),
        n => i.f("home.care.in_days", &[("n", &n.to_string())]),
    };
    Row {
        reason: i.f(
            "home.reason.care",
            &[
                ("occasion", &occasion_text(l.occasion, i)),
                ("date", &l.date.to_string()),
                ("when", &when),
            ],
        ),
        text: format!("{} {}", l.client_no, l.client_name),
        urgent: false,
        go: Some(Target::Client(l.client_id)),
        care: Some(l.clone()),
    }
}

/// The question a care key asks about `line`: `Action::CareTask` or `Action::Greet`.
pub fn question(action: Action, line: &CareLine, i: &I18n) -> Option<Question<CareDone>> {
    let occasion = occasion_text(line.occasion, i);
    let args = [
        ("occasion", occasion.as_str()),
        ("name", line.client_name.as_str()),
        ("date", &line.date.to_string()),
    ];
    match action {
        Action::CareTask => {
            let title = i.f("home.care.task_title", &args);
            Some(Question::new(
                i.t("confirm.title").into(),
                i.f("home.care.task_question", &[("title", &title)]),
                CareDone::Task(line.clone(), title),
            ))
        }
        Action::Greet => Some(Question::new(
            i.t("confirm.title").into(),
            i.f("home.care.greet_question", &args),
            CareDone::Greet(line.clone()),
        )),
        _ => None,
    }
}

/// Does what the question was answered with: the task or the greeting, then says so.
pub fn act(done: CareDone, ctx: &mut Ctx<'_>) {
    let i = ctx.i18n;
    let result = match &done {
        CareDone::Task(line, title) => ctx
            .store
            .care_task(ctx.actor, line.client_id, title)
            .map(|_| i.f("home.care.task_done", &[("title", title)])),
        CareDone::Greet(line) => {
            let occasion = occasion_text(line.occasion, i);
            let args = [
                ("occasion", occasion.as_str()),
                ("name", line.client_name.as_str()),
                ("date", &line.date.to_string()),
            ];
            ctx.store
                .care_greeting(
                    ctx.actor,
                    line.client_id,
                    &i.f("home.care.greet_purpose", &args),
                    &i.f("home.care.greet_summary", &args),
                )
                .map(|_| i.f("home.care.greet_done", &args))
        }
    };
    match result {
        Ok(text) => ctx.info(text),
        Err(e) => ctx.error(store_error_text(&e, i)),
    }
}
