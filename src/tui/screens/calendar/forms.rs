//! The calendar's popups: a task (new, edit, or read-only for another's calendar), a
//! plan note (the month's plan or the week's goal), and the export file.
use chrono::NaiveDate;

use crate::domain::task::{Priority, Recurrence, TaskInput, TaskStatus};
use crate::store::plans::PlanPeriod;
use crate::store::tasks::Task;
use crate::tui::i18n::I18n;
use crate::tui::popup::Step;
use crate::tui::screens::{show_store_error, store_error_text, Ctx};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::popup_form::{form_popup, PopupForm};

/// What a calendar popup reports when it closes saved: the day to show (when given);
/// the calendar reloads.
pub type Saved = Option<NaiveDate>;

/// Catalogue key of a recurrence's name.
pub fn recurrence_key(r: Recurrence) -> &'static str {
    match r {
        Recurrence::None => "task.recurrence.none",
        Recurrence::Daily => "task.recurrence.daily",
        Recurrence::Weekly => "task.recurrence.weekly",
        Recurrence::Monthly => "task.recurrence.monthly",
        Recurrence::Yearly => "task.recurrence.yearly",
    }
}

/// Catalogue key of a status's name.
pub fn status_key(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Open => "task.status.open",
        TaskStatus::Done => "task.status.done",
        TaskStatus::Cancelled => "task.status.cancelled",
    }
}

/// Catalogue key of a priority's name.
pub fn priority_key(p: Priority) -> &'static str {
    match p {
        Priority::Low => "task.priority.low",
        Priority::Normal => "task.priority.normal",
        Priority::High => "task.priority.high",
    }
}

fn choices<T: Copy>(
    i: &I18n,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), i.t(key(*v)).to_string()))
        .collect()
}

/// A popup over the calendar (which stays in view around it), 72 columns at most.
fn calendar_popup(title: String, fields: Vec<Field>, note: Option<String>) -> PopupForm {
    let mut popup = PopupForm::new(title, fields);
    popup.max_width = 72;
    popup.hide_behind = false;
    popup.note = note;
    popup
}

/// The task popup.
#[derive(Debug, Clone)]
pub struct TaskForm {
    /// `None` for a new task.
    id: Option<i64>,
    /// The popup with the fields (read-only for another user's calendar).
    pub popup: PopupForm,
}

impl TaskForm {
    fn fields(i: &I18n, input: &TaskInput, editing: bool) -> Vec<Field> {
        let mut fields = vec![
            Field::text("title", i.t("task.field.title"), &input.title),
            Field::text("due_date", i.t("task.field.due_date"), &input.due_date),
            Field::text("due_time", i.t("task.field.due_time"), &input.due_time),
            Field::choice(
                "priority",
                i.t("task.field.priority"),
                choices(i, Priority::ALL, Priority::code, priority_key),
                &input.priority,
            ),
            Field::choice(
                "recurrence",
                i.t("task.field.recurrence"),
                choices(i, Recurrence::ALL, Recurrence::code, recurrence_key),
                &input.recurrence,
            ),
            Field::text("client_no", i.t("task.field.client_no"), &input.client_no),
            Field::multi("notes", i.t("task.field.notes"), &input.notes),
        ];
        if editing {
            fields.push(Field::choice(
                "status",
                i.t("task.field.status"),
                choices(i, TaskStatus::ALL, TaskStatus::code, status_key),
                &input.status,
            ));
        }
        fields
    }

    /// A new task due on `day`.
    pub fn new(i: &I18n, day: NaiveDate) -> TaskForm {
        let input = TaskInput {
            due_date: day.to_string(),
            priority: Priority::Normal.code().into(),
            recurrence: Recurrence::None.code().into(),
            ..TaskInput::default()
        };
        let mut popup = calendar_popup(
            i.f("calendar.form.new", &[("date", &day.to_string())]),
            Self::fields(i, &input, false),
            None,
        );
        popup.pick_client_in("client_no", false);
        TaskForm { id: None, popup }
    }

    /// An existing task; `read_only` for another user's calendar.
    pub fn edit(i: &I18n, task: &Task, read_only: bool) -> TaskForm {
        let key = if read_only {
            "calendar.form.view"
        } else {
            "calendar.form.edit"
        };
        let mut source = i.t(source_key(task.source.code())).to_string();
        if let Some(manager) = &task.assigned_by {
            source.push_str(&format!(
                " · {}",
                i.f("calendar.given_by", &[("from", manager)])
            ));
        }
        let mut popup = calendar_popup(
            i.f(key, &[("id", &task.id.to_string())]),
            Self::fields(i, &task.input(), true),
            Some(i.f("calendar.form.source", &[("source", &source)])),
        );
        popup.read_only = read_only;
        popup.pick_client_in("client_no", false);
        TaskForm {
            id: Some(task.id),
            popup,
        }
    }

    fn input(&self) -> TaskInput {
        let f = &self.popup;
        TaskInput {
            title: f.value("title").to_string(),
            notes: f.value("notes").to_string(),
            due_date: f.value("due_date").to_string(),
            due_time: f.value("due_time").to_string(),
            priority: f.value("priority").to_string(),
            recurrence: f.value("recurrence").to_string(),
            status: f.value("status").to_string(),
            client_no: f.value("client_no").to_string(),
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Saved> {
        let input = self.input();
        let day = NaiveDate::parse_from_str(input.due_date.trim(), "%Y-%m-%d").ok();
        let result = match self.id {
            None => ctx.store.create_task(ctx.actor, &input).map(|_| {
                ctx.i18n
                    .f("status.task_created", &[("date", input.due_date.trim())])
            }),
            Some(id) => ctx
                .store
                .update_task(ctx.actor, id, &input)
                .map(|done| match done.next {
                    Some((_, next)) => ctx
                        .i18n
                        .f("status.task_done_next", &[("date", &next.to_string())]),
                    None => ctx.i18n.t("status.task_saved").to_string(),
                }),
        };
        match result {
            Ok(text) => {
                ctx.info(text);
                Step::Done(day)
            }
            Err(e) => {
                // The popup's last line keeps the task's source; the refusal goes to
                // the fields and the status line.
                if let Some(m) = show_store_error(&mut self.popup.form, &e, ctx.i18n) {
                    ctx.error(m);
                }
                Step::Open
            }
        }
    }
}

/// Catalogue key of a task source.
pub fn source_key(code: &str) -> &'static str {
    match code {
        "visit" => "task.source.visit",
        "maturity" => "task.source.maturity",
        "birthday" => "task.source.birthday",
        "risk_review" => "task.source.risk_review",
        _ => "task.source.manual",
    }
}

/// The plan-note popup: one multi-line note for a month or a week.
#[derive(Debug, Clone)]
pub struct NoteForm {
    period: PlanPeriod,
    /// The popup with the note.
    pub popup: PopupForm,
}

impl NoteForm {
    /// The note of `period`, holding `body` so far.
    pub fn new(i: &I18n, period: PlanPeriod, body: &str) -> NoteForm {
        let title = match period {
            PlanPeriod::Month(d) => i.f(
                "calendar.note.month_title",
                &[("month", &d.format("%Y-%m").to_string())],
            ),
            PlanPeriod::Week(d) => i.f("calendar.note.week_title", &[("date", &d.to_string())]),
        };
        let fields = vec![Field::multi("body", i.t("calendar.note.body"), body)];
        NoteForm {
            period,
            popup: calendar_popup(title, fields, None),
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Saved> {
        match ctx
            .store
            .save_plan_note(ctx.actor, self.period, self.popup.value("body"))
        {
            Ok(()) => {
                ctx.info(ctx.i18n.t("status.note_saved").to_string());
                Step::Done(None)
            }
            Err(e) => {
                ctx.error(store_error_text(&e, ctx.i18n));
                Step::Open
            }
        }
    }
}

/// The export popup: the file to write the user's calendar to. It asks nothing before
/// closing, and Enter writes the file.
#[derive(Debug, Clone)]
pub struct ExportForm {
    /// The popup with the file name and the hint.
    pub popup: PopupForm,
}

impl ExportForm {
    /// The popup, suggesting `file`.
    pub fn new(i: &I18n, file: &str) -> ExportForm {
        let mut popup = calendar_popup(
            i.t("calendar.export.title").to_string(),
            vec![Field::text("file", i.t("calendar.export.file"), file)],
            Some(i.t("calendar.export.hint").to_string()),
        );
        popup.filter = true;
        ExportForm { popup }
    }

    /// Enter writes the file.
    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Step<Saved> {
        let form = &mut self.popup.form;
        let file = form.trimmed("file");
        if file.is_empty() {
            form.set_error("file", ctx.i18n.t("err.required"));
            return Step::Open;
        }
        let path = std::path::Path::new(&file);
        match ctx.store.export_calendar_to_file(ctx.actor, path) {
            Ok(n) => {
                ctx.info(ctx.i18n.f(
                    "status.calendar_exported",
                    &[("n", &n.to_string()), ("file", &full_path(path))],
                ));
                Step::Closed
            }
            Err(e) => {
                form.set_error("file", store_error_text(&e, ctx.i18n));
                Step::Open
            }
        }
    }
}

/// `path` as the user can find it again: made absolute against the current folder.
pub fn full_path(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

form_popup!(TaskForm => Saved);
form_popup!(NoteForm => Saved);
form_popup!(ExportForm => Saved);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Role;
    use crate::tui::popup::testing::{assert_shows_what_it_takes, env, MULTI_LINE, TEXT_FIELD};
    use crate::tui::popup::Popup;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
    }

    #[test]
    fn the_task_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(TaskForm::new(c.i18n, day())) as Box<dyn Popup<Saved>>
        });
    }

    #[test]
    fn a_read_only_task_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        let input = TaskInput {
            title: "Call".into(),
            due_date: "2026-11-24".into(),
            priority: "normal".into(),
            recurrence: "none".into(),
            ..TaskInput::default()
        };
        let id = env.store.create_task(&env.actor, &input).expect("task");
        let task = env.store.task(&env.actor, id).expect("read");
        assert_shows_what_it_takes(&mut env, false, &[], &|c| {
            Box::new(TaskForm::edit(c.i18n, &task, true)) as Box<dyn Popup<Saved>>
        });
    }

    #[test]
    fn the_note_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        let period = PlanPeriod::Month(day());
        assert_shows_what_it_takes(&mut env, true, MULTI_LINE, &|c| {
            Box::new(NoteForm::new(c.i18n, period, "")) as Box<dyn Popup<Saved>>
        });
    }

    #[test]
    fn the_export_popup_shows_what_it_takes() {
        let mut env = env(Role::Rm);
        // No file name: Enter is refused at the field, so nothing is written.
        assert_shows_what_it_takes(&mut env, true, TEXT_FIELD, &|c| {
            Box::new(ExportForm::new(c.i18n, "")) as Box<dyn Popup<Saved>>
        });
    }
}
