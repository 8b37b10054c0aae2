//! The calendar's popups: a task (new, edit, or read-only for another's calendar), a
//! plan note (the month's plan or the week's goal), and the export file.
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::task::{Priority, Recurrence, TaskInput, TaskStatus};
use crate::store::plans::PlanPeriod;
use crate::store::tasks::Task;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::screens::{show_store_error, store_error_text, Ctx, View};
use crate::tui::widgets::discard::{Discard, DiscardStep};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::Form;
use crate::tui::widgets::{centered, popup};

/// What a key did to a popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupResult {
    /// Still open.
    Open,
    /// Not a key of the popup (lock, quit, screen keys).
    Ignored,
    /// Closed without saving.
    Closed,
    /// Saved; the calendar shows this day (when given) and reloads.
    Saved(Option<NaiveDate>),
}

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

/// Draws `form` in a popup titled `title` over `area`, with `message` under it.
fn draw_form(
    f: &mut Frame,
    area: Rect,
    v: &View<'_>,
    title: &str,
    form: &Form,
    message: Option<&str>,
    width: u16,
) {
    let extra = u16::from(message.is_some());
    let wanted = form.height() + 2 + extra;
    let rect = centered(area, area.width.min(width), wanted.min(area.height));
    let inner = popup(f, rect, title, v.theme);
    let body = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(extra),
    );
    form.draw(f, body, v.theme);
    if let Some(msg) = message {
        if inner.height > 0 {
            let y = inner.y + inner.height - 1;
            f.render_widget(
                Paragraph::new(Line::from(Span::styled(msg, v.theme.dim))),
                Rect::new(body.x, y, body.width, 1),
            );
        }
    }
}

/// The task popup.
#[derive(Debug, Clone)]
pub struct TaskForm {
    /// `None` for a new task.
    id: Option<i64>,
    read_only: bool,
    title: String,
    form: Form,
    discard: Discard,
    message: Option<String>,
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
        TaskForm {
            id: None,
            read_only: false,
            title: i.f("calendar.form.new", &[("date", &day.to_string())]),
            form: Form::new(Self::fields(i, &input, false)),
            discard: Discard::default(),
            message: None,
        }
    }

    /// An existing task; `read_only` for another user's calendar.
    pub fn edit(i: &I18n, task: &Task, read_only: bool) -> TaskForm {
        let key = if read_only {
            "calendar.form.view"
        } else {
            "calendar.form.edit"
        };
        let source = i.t(source_key(task.source.code())).to_string();
        TaskForm {
            id: Some(task.id),
            read_only,
            title: i.f(key, &[("id", &task.id.to_string())]),
            form: Form::new(Self::fields(i, &task.input(), true)),
            discard: Discard::default(),
            message: Some(i.f("calendar.form.source", &[("source", &source)])),
        }
    }

    /// Whether something was changed.
    pub fn is_dirty(&self) -> bool {
        !self.read_only && self.form.is_dirty()
    }

    fn input(&self) -> TaskInput {
        let f = &self.form;
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

    /// Handles a key: the discard question, save, back, then the fields.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> PopupResult {
        let k = ctx.keys;
        if self.read_only {
            // Read-only: Esc closes, Tab moves between the fields to read them.
            if k.is(key, Action::Back) || k.is(key, Action::Open) {
                return PopupResult::Closed;
            }
            if k.is(key, Action::NextField) || k.is(key, Action::PrevField) {
                self.form.on_key(key, k);
                return PopupResult::Open;
            }
            return PopupResult::Ignored;
        }
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return PopupResult::Open,
            DiscardStep::Leave => return PopupResult::Closed,
            DiscardStep::NotMine => return PopupResult::Ignored,
        }
        if k.is(key, Action::Save) {
            return self.submit(ctx);
        }
        let mut used = self.form.on_key(key, k);
        if !used && k.is(key, Action::Open) {
            used = self.form.on_key(&KeyEvent::from(KeyCode::Tab), k);
        }
        if used {
            PopupResult::Open
        } else {
            PopupResult::Ignored
        }
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> PopupResult {
        self.form.clear_errors();
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
                PopupResult::Saved(day)
            }
            Err(e) => {
                if let Some(m) = show_store_error(&mut self.form, &e, ctx.i18n) {
                    ctx.error(m);
                }
                PopupResult::Open
            }
        }
    }

    /// The popup's keys.
    pub fn commands(&self) -> Vec<Action> {
        if self.read_only {
            return vec![Action::Back, Action::NextField];
        }
        if self.discard.asking() {
            return vec![Action::Yes, Action::No];
        }
        vec![
            Action::Save,
            Action::Back,
            Action::NextField,
            Action::PrevField,
        ]
    }

    /// Pasted text goes to the focused field.
    pub fn paste(&mut self, text: &str) {
        if !self.read_only && !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the popup over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        draw_form(
            f,
            area,
            v,
            &self.title,
            &self.form,
            self.message.as_deref(),
            72,
        );
        self.discard.draw(f, area, v);
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
    title: String,
    form: Form,
    discard: Discard,
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
        NoteForm {
            period,
            title,
            form: Form::new(vec![Field::multi("body", i.t("calendar.note.body"), body)]),
            discard: Discard::default(),
        }
    }

    /// Whether something was changed.
    pub fn is_dirty(&self) -> bool {
        self.form.is_dirty()
    }

    /// Handles a key.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> PopupResult {
        let k = ctx.keys;
        match self.discard.on_key(key, k, self.form.is_dirty()) {
            DiscardStep::Pass => {}
            DiscardStep::Stay => return PopupResult::Open,
            DiscardStep::Leave => return PopupResult::Closed,
            DiscardStep::NotMine => return PopupResult::Ignored,
        }
        if k.is(key, Action::Save) {
            return match ctx
                .store
                .save_plan_note(ctx.actor, self.period, self.form.value("body"))
            {
                Ok(()) => {
                    ctx.info(ctx.i18n.t("status.note_saved").to_string());
                    PopupResult::Saved(None)
                }
                Err(e) => {
                    ctx.error(store_error_text(&e, ctx.i18n));
                    PopupResult::Open
                }
            };
        }
        if self.form.on_key(key, k) {
            PopupResult::Open
        } else {
            PopupResult::Ignored
        }
    }

    /// The popup's keys.
    pub fn commands(&self) -> Vec<Action> {
        if self.discard.asking() {
            return vec![Action::Yes, Action::No];
        }
        vec![Action::Save, Action::Back]
    }

    /// Pasted text goes to the note.
    pub fn paste(&mut self, text: &str) {
        if !self.discard.asking() {
            self.form.paste(text);
        }
    }

    /// Draws the popup over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        draw_form(f, area, v, &self.title, &self.form, None, 72);
        self.discard.draw(f, area, v);
    }
}

/// The export popup: the file to write the user's calendar to.
#[derive(Debug, Clone)]
pub struct ExportForm {
    title: String,
    form: Form,
    hint: String,
}

impl ExportForm {
    /// The popup, suggesting `file`.
    pub fn new(i: &I18n, file: &str) -> ExportForm {
        ExportForm {
            title: i.t("calendar.export.title").to_string(),
            form: Form::new(vec![Field::text("file", i.t("calendar.export.file"), file)]),
            hint: i.t("calendar.export.hint").to_string(),
        }
    }

    /// Handles a key: Enter or Ctrl-S writes the file, Esc closes.
    pub fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> PopupResult {
        let k = ctx.keys;
        if k.is(key, Action::Back) {
            return PopupResult::Closed;
        }
        if k.is(key, Action::Save) || k.is(key, Action::Submit) {
            let file = self.form.trimmed("file");
            if file.is_empty() {
                self.form.set_error("file", ctx.i18n.t("err.required"));
                return PopupResult::Open;
            }
            return match ctx
                .store
                .export_calendar_to_file(ctx.actor, std::path::Path::new(&file))
            {
                Ok(n) => {
                    ctx.info(ctx.i18n.f(
                        "status.calendar_exported",
                        &[("n", &n.to_string()), ("file", &file)],
                    ));
                    PopupResult::Closed
                }
                Err(e) => {
                    self.form.set_error("file", store_error_text(&e, ctx.i18n));
                    PopupResult::Open
                }
            };
        }
        if self.form.on_key(key, k) {
            PopupResult::Open
        } else {
            PopupResult::Ignored
        }
    }

    /// The popup's keys.
    pub fn commands(&self) -> Vec<Action> {
        vec![Action::Submit, Action::Back]
    }

    /// Pasted text goes to the file name.
    pub fn paste(&mut self, text: &str) {
        self.form.paste(text);
    }

    /// Draws the popup over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        draw_form(f, area, v, &self.title, &self.form, Some(&self.hint), 72);
    }
}
