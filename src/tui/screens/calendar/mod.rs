//! Calendar (F6, 工作计划): a month grid with per-day counts, a week view and a day
//! agenda (`views.rs`), the selected day's tasks beside them, the month's plan and the
//! week's goal; the task, plan-note and export popups (`forms.rs`).
//!
//! The screen loads the occurrences of the six weeks the month grid shows (the week and
//! day views fall inside them) when the month changes, and draws from them. Arrow keys
//! move by day (left/right) and week (up/down), PageUp/PageDown by month; Tab moves focus
//! to the day's list, where up/down choose a task. A manager may show any calendar of
//! the branch (`o`), read-only: the store refuses writes, and the screen does not offer
//! them.
mod forms;
mod views;

use chrono::{Datelike, Days, Months, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::{store_error_text, Ctx, Screen, Target, View};
use crate::domain::task::{month_start, week_start, TaskStatus};
use crate::store::plans::PlanPeriod;
use crate::store::tasks::{CalendarOwner, Occurrence};
use crate::tui::keymap::Action;
use crate::tui::popup::{Stack, Step};
use forms::{ExportForm, NoteForm, Saved, TaskForm};

/// Which view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Month grid, the selected day's list beside it, the notes under it.
    #[default]
    Month,
    /// The week's days one under another with their tasks, the week's goal under them.
    Week,
    /// The selected day's agenda with every detail.
    Day,
}

/// Where the arrow keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The days: arrows move the selected day.
    #[default]
    Days,
    /// The selected day's list: up/down choose a task.
    List,
}

/// The calendar screen's state.
#[derive(Debug, Default)]
pub struct Calendar {
    loaded: bool,
    today: NaiveDate,
    selected: NaiveDate,
    mode: Mode,
    focus: Focus,
    owners: Vec<CalendarOwner>,
    owner: usize,
    /// First and last day loaded (the month grid's six weeks).
    range: (NaiveDate, NaiveDate),
    items: Vec<Occurrence>,
    /// Selected row of the selected day's list.
    row: usize,
    month_note: String,
    week_note: String,
    /// The task, plan-note and export popups.
    popups: Stack<Saved>,
}

/// First day of the six weeks the month grid of `day`'s month shows.
pub fn grid_start(day: NaiveDate) -> NaiveDate {
    week_start(month_start(day))
}

impl Calendar {
    fn owner_id(&self, ctx: &Ctx<'_>) -> i64 {
        self.owners
            .get(self.owner)
            .map_or(ctx.actor.user_id, |o| o.id)
    }

    /// Whether the calendar shown is someone else's (read-only).
    fn read_only(&self, ctx: &Ctx<'_>) -> bool {
        self.owner_id(ctx) != ctx.actor.user_id
    }

    /// The occurrences on `day`, in order.
    fn day_items(&self, day: NaiveDate) -> Vec<&Occurrence> {
        self.items.iter().filter(|o| o.date == day).collect()
    }

    fn selected_item(&self) -> Option<&Occurrence> {
        self.day_items(self.selected).get(self.row).copied()
    }

    /// Loads the six weeks around the selected day and the notes of its month and week.
    fn load(&mut self, ctx: &mut Ctx<'_>) {
        let from = grid_start(self.selected);
        let to = from.checked_add_days(Days::new(41)).unwrap_or(from);
        self.range = (from, to);
        let owner = self.owner_id(ctx);
        match ctx.store.tasks_between(ctx.actor, owner, from, to) {
            Ok(items) => self.items = items,
            Err(e) => {
                self.items.clear();
                ctx.error(store_error_text(&e, ctx.i18n));
            }
        }
        self.load_notes(ctx);
        self.clamp_row();
    }

    fn load_notes(&mut self, ctx: &mut Ctx<'_>) {
        let owner = self.owner_id(ctx);
        let month = PlanPeriod::Month(month_start(self.selected));
        let week = PlanPeriod::Week(week_start(self.selected));
        let notes = ctx
            .store
            .plan_note(ctx.actor, owner, month)
            .and_then(|m| Ok((m, ctx.store.plan_note(ctx.actor, owner, week)?)));
        match notes {
            Ok((m, w)) => (self.month_note, self.week_note) = (m, w),
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn clamp_row(&mut self) {
        let n = self.day_items(self.selected).len();
        self.row = self.row.min(n.saturating_sub(1));
    }

    /// Selects `day`, loading another month's weeks or week's note when needed.
    fn select(&mut self, day: NaiveDate, ctx: &mut Ctx<'_>) {
        let old = self.selected;
        self.selected = day;
        self.row = 0;
        if month_start(day) != month_start(old) {
            self.load(ctx);
        } else if week_start(day) != week_start(old) {
            self.load_notes(ctx);
        }
    }

    fn shift_days(&mut self, days: i64, ctx: &mut Ctx<'_>) {
        if let Some(d) = self
            .selected
            .checked_add_signed(chrono::Duration::days(days))
        {
            self.select(d, ctx);
        }
    }

    fn shift_months(&mut self, months: i32, ctx: &mut Ctx<'_>) {
        let m = Months::new(months.unsigned_abs());
        let d = if months < 0 {
            self.selected.checked_sub_months(m)
        } else {
            self.selected.checked_add_months(m)
        };
        if let Some(d) = d {
            self.select(d, ctx);
        }
    }

    /// Shows task `id` on `date`, on the user's own calendar, with its form open (the
    /// home list's Enter).
    pub fn show_task(&mut self, id: i64, date: NaiveDate, ctx: &mut Ctx<'_>) {
        self.popups.clear();
        self.owner = 0;
        self.selected = date;
        self.load(ctx);
        self.focus = Focus::List;
        self.row = self
            .day_items(date)
            .iter()
            .position(|o| o.task.id == id && !o.projected)
            .unwrap_or(0);
        self.open_selected(ctx);
    }

    fn open_selected(&mut self, ctx: &mut Ctx<'_>) {
        let read_only = self.read_only(ctx);
        let Some(id) = self.selected_item().map(|o| o.task.id) else {
            return;
        };
        match ctx.store.task(ctx.actor, id) {
            Ok(task) => self.popups.push(TaskForm::edit(ctx.i18n, &task, read_only)),
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn refuse_read_only(&self, ctx: &mut Ctx<'_>) -> bool {
        if self.read_only(ctx) {
            ctx.error(ctx.i18n.t("calendar.read_only_refused").to_string());
            return true;
        }
        false
    }

    fn complete_selected(&mut self, ctx: &mut Ctx<'_>) {
        if self.refuse_read_only(ctx) {
            return;
        }
        let Some(o) = self.selected_item() else {
            return;
        };
        if o.task.status != TaskStatus::Open {
            ctx.error(ctx.i18n.t("err.task.not_open").to_string());
            return;
        }
        if o.projected {
            let due = o.task.due_date.to_string();
            ctx.error(ctx.i18n.f("calendar.done_projected", &[("date", &due)]));
            return;
        }
        let id = o.task.id;
        match ctx.store.complete_task(ctx.actor, id) {
            Ok(done) => {
                let text = match done.next {
                    Some((_, next)) => ctx
                        .i18n
                        .f("status.task_done_next", &[("date", &next.to_string())]),
                    None => ctx.i18n.t("status.task_done").to_string(),
                };
                self.load(ctx);
                ctx.info(text);
            }
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
    }

    fn on_popup_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> Option<bool> {
        let step = self.popups.on_key(key, ctx)?;
        if let Step::Done(day) = &step {
            let status = ctx.status.take();
            if let Some(day) = day {
                self.selected = *day;
            }
            self.load(ctx);
            if status.is_some() {
                ctx.status = status;
            }
        }
        Some(step.used())
    }

    fn on_days_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        let k = ctx.keys;
        let list = self.focus == Focus::List || self.mode == Mode::Day;
        if k.is(key, Action::Left) {
            self.shift_days(-1, ctx);
        } else if k.is(key, Action::Right) {
            self.shift_days(1, ctx);
        } else if k.is(key, Action::Up) {
            if list {
                self.row = self.row.saturating_sub(1);
            } else {
                self.shift_days(-7, ctx);
            }
        } else if k.is(key, Action::Down) {
            if list {
                self.row += 1;
                self.clamp_row();
            } else {
                self.shift_days(7, ctx);
            }
        } else if k.is(key, Action::PageUp) {
            self.shift_months(-1, ctx);
        } else if k.is(key, Action::PageDown) {
            self.shift_months(1, ctx);
        } else if k.is(key, Action::Today) {
            let today = self.today;
            self.select(today, ctx);
        } else if k.is(key, Action::SwitchPane) {
            self.focus = match self.focus {
                Focus::Days => Focus::List,
                Focus::List => Focus::Days,
            };
        } else if k.is(key, Action::Back) && self.focus == Focus::List {
            self.focus = Focus::Days;
        } else {
            return false;
        }
        true
    }
}

impl Screen for Calendar {
    fn title_key(&self) -> &'static str {
        "screen.calendar"
    }

    fn show(&mut self, target: Target, ctx: &mut Ctx<'_>) {
        if let Target::Task { id, date } = target {
            self.show_task(id, date, ctx);
        }
    }

    fn reload(&mut self, ctx: &mut Ctx<'_>) {
        self.today = ctx.store.today();
        self.focus = Focus::Days;
        if !self.loaded {
            self.selected = self.today;
            self.loaded = true;
        }
        match ctx.store.calendar_owners(ctx.actor) {
            Ok(o) => self.owners = o,
            Err(e) => ctx.error(store_error_text(&e, ctx.i18n)),
        }
        self.owner = self.owner.min(self.owners.len().saturating_sub(1));
        self.load(ctx);
    }

    fn on_key(&mut self, key: &KeyEvent, ctx: &mut Ctx<'_>) -> bool {
        if let Some(used) = self.on_popup_key(key, ctx) {
            return used;
        }
        if self.on_days_key(key, ctx) {
            return true;
        }
        let k = ctx.keys;
        if k.is(key, Action::Open) {
            self.open_selected(ctx);
        } else if k.is(key, Action::New) {
            if !self.refuse_read_only(ctx) {
                self.popups.push(TaskForm::new(ctx.i18n, self.selected));
            }
        } else if k.is(key, Action::Done) {
            self.complete_selected(ctx);
        } else if k.is(key, Action::CycleView) {
            self.mode = match self.mode {
                Mode::Month => Mode::Week,
                Mode::Week => Mode::Day,
                Mode::Day => Mode::Month,
            };
        } else if k.is(key, Action::PlanNote) || k.is(key, Action::WeekGoal) {
            if !self.refuse_read_only(ctx) {
                let month = k.is(key, Action::PlanNote);
                let (period, body) = if month {
                    (
                        PlanPeriod::Month(month_start(self.selected)),
                        &self.month_note,
                    )
                } else {
                    (PlanPeriod::Week(week_start(self.selected)), &self.week_note)
                };
                self.popups.push(NoteForm::new(ctx.i18n, period, body));
            }
        } else if k.is(key, Action::Export) {
            let name = format!("rmdesk-{}.ics", ctx.actor.username);
            self.popups.push(ExportForm::new(ctx.i18n, &name));
        } else if k.is(key, Action::Owner) && self.owners.len() > 1 {
            self.owner = (self.owner + 1) % self.owners.len();
            self.row = 0;
            self.load(ctx);
        } else {
            return false;
        }
        true
    }

    fn on_paste(&mut self, text: &str) {
        self.popups.paste(text);
    }

    fn draw(&self, f: &mut Frame, area: Rect, v: &View<'_>) {
        views::draw(self, f, area, v);
        self.popups.draw(f, area, v);
    }

    fn commands(&self) -> Vec<Action> {
        if let Some(popup) = self.popups.commands() {
            return popup;
        }
        let own = self.owner == 0;
        let mut a = Vec::new();
        if own {
            a.push(Action::New);
        }
        a.push(Action::Open);
        if own {
            a.push(Action::Done);
        }
        a.extend([Action::CycleView, Action::Today, Action::SwitchPane]);
        if own {
            a.extend([Action::PlanNote, Action::WeekGoal]);
        }
        a.push(Action::Export);
        if self.owners.len() > 1 {
            a.push(Action::Owner);
        }
        a.extend([
            Action::Left,
            Action::Right,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
        ]);
        if self.focus == Focus::List {
            a.push(Action::Back);
        }
        a
    }

    fn has_unsaved(&self) -> bool {
        self.popups.is_dirty()
    }

    fn modal(&self) -> bool {
        !self.popups.is_empty()
    }

    fn help_key(&self, action: Action) -> Option<&'static str> {
        (action == Action::Export).then_some("calendar.help.export")
    }
}

/// The day `n` days after `d` (itself when out of range).
fn plus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// Whether `day` is in the month of `of`.
fn same_month(day: NaiveDate, of: NaiveDate) -> bool {
    day.year() == of.year() && day.month() == of.month()
}
