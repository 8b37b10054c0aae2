//! Drawing the calendar: the month grid (per-day counts, today highlighted, days with
//! overdue tasks in the warning style) with the selected day's list beside it and the
//! plan notes under it; the week's days one under another; the day's agenda. At 80×24
//! every cell is one or two rows and five columns; larger terminals get wider cells and
//! the selected task's details under the list.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::forms::{priority_key, recurrence_key, source_key, status_key};
use super::{grid_start, plus, same_month, Calendar, Focus, Mode};
use crate::domain::task::{week_start, Priority, Recurrence, TaskStatus};
use crate::store::tasks::Occurrence;
use crate::tui::i18n::I18n;
use crate::tui::keymap::Action;
use crate::tui::screens::View;
use crate::tui::widgets::{fit, pad, wrap};

/// Draws the calendar in its current view.
pub fn draw(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>) {
    match c.mode {
        Mode::Month => month(c, f, area, v),
        Mode::Week => week(c, f, area, v),
        Mode::Day => day(c, f, area, v),
    }
}

fn names(i: &I18n, key: &str) -> Vec<String> {
    i.t(key).split(',').map(|s| s.trim().to_string()).collect()
}

/// "November 2026" / "2026年11月".
pub fn month_title(i: &I18n, d: NaiveDate) -> String {
    let months = names(i, "calendar.months");
    let m = months
        .get(d.month0() as usize)
        .cloned()
        .unwrap_or_else(|| d.month().to_string());
    i.f(
        "calendar.month_title",
        &[("month", &m), ("year", &d.year().to_string())],
    )
}

fn weekday(i: &I18n, d: NaiveDate, key: &str) -> String {
    names(i, key)
        .get(d.weekday().num_days_from_monday() as usize)
        .cloned()
        .unwrap_or_default()
}

/// "Monday 2026-11-23" / "星期一 2026-11-23".
pub fn day_title(i: &I18n, d: NaiveDate) -> String {
    format!("{} {d}", weekday(i, d, "calendar.days"))
}

/// Whose calendar, when it is not the user's own: " · name (read-only)".
fn owner_part(c: &Calendar, i: &I18n) -> String {
    if c.owner == 0 {
        return String::new();
    }
    c.owners.get(c.owner).map_or_else(String::new, |o| {
        format!(" · {}{}", o.display_name, i.t("calendar.read_only"))
    })
}

fn block<'a>(title: String, focused: bool, v: &View<'_>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            v.theme.border_focus
        } else {
            v.theme.border
        })
        .title(Span::styled(format!(" {title} "), v.theme.title))
}

/// Per day: tasks to show (cancelled ones not counted) and whether one is overdue.
fn counts(c: &Calendar) -> HashMap<NaiveDate, (usize, bool)> {
    let mut out: HashMap<NaiveDate, (usize, bool)> = HashMap::new();
    for o in &c.items {
        if o.task.status == TaskStatus::Cancelled {
            continue;
        }
        let e = out.entry(o.date).or_default();
        e.0 += 1;
        e.1 |= o.overdue(c.today);
    }
    out
}

fn month(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>) {
    let cell_w = (area.width.saturating_sub(50) / 7).clamp(5, 10);
    let mut grid_w = (cell_w * 7 + 2).min(area.width);
    // Too narrow for the day's list beside the grid: the grid alone (Tab still moves to
    // the list, shown in the day view).
    let with_list = area.width.saturating_sub(grid_w) >= 16;
    if !with_list {
        grid_w = area.width;
    }
    let [left, right] =
        Layout::horizontal([Constraint::Length(grid_w), Constraint::Min(0)]).areas(area);
    // Two rows a week (day, count) from 80×24; three (and the first title) when tall.
    let row_h: u16 = match area.height {
        h if h >= 27 => 3,
        h if h >= 19 => 2,
        _ => 1,
    };
    let grid_h = (3 + 6 * row_h).min(left.height);
    let [grid_area, notes_area] =
        Layout::vertical([Constraint::Length(grid_h), Constraint::Min(0)]).areas(left);
    let title = format!(
        "{}{}",
        month_title(v.i18n, c.selected),
        owner_part(c, v.i18n)
    );
    let b = block(title, c.focus == Focus::Days, v);
    let inner = b.inner(grid_area);
    f.render_widget(b, grid_area);
    let cw = usize::from(cell_w);
    let mut lines = vec![Line::from(
        names(v.i18n, "calendar.days_short")
            .iter()
            .map(|d| Span::styled(pad(&format!(" {d}"), cw), v.theme.header))
            .collect::<Vec<_>>(),
    )];
    let counts = counts(c);
    let start = grid_start(c.selected);
    for w in 0..6u64 {
        let mut top = Vec::new();
        let mut bottom = Vec::new();
        let mut third = Vec::new();
        for d in 0..7u64 {
            let day = plus(start, w * 7 + d);
            let (n, overdue) = counts.get(&day).copied().unwrap_or_default();
            let mut style = if same_month(day, c.selected) {
                v.theme.base
            } else {
                v.theme.dim
            };
            if day == c.today {
                style = v.theme.header.add_modifier(Modifier::UNDERLINED);
            }
            let mut count_style = if overdue { v.theme.warning } else { style };
            if day == c.selected {
                style = v.theme.selected;
                count_style = v.theme.selected;
            }
            let count = if n > 0 { n.to_string() } else { String::new() };
            if row_h >= 2 {
                top.push(Span::styled(pad(&format!(" {:>2}", day.day()), cw), style));
                bottom.push(Span::styled(pad(&format!("  {count:>2}"), cw), count_style));
                let first = c
                    .items
                    .iter()
                    .find(|o| o.date == day && o.task.status != TaskStatus::Cancelled)
                    .map(|o| o.task.title.as_str())
                    .unwrap_or("");
                let first_style = if day == c.selected {
                    style
                } else {
                    v.theme.dim
                };
                third.push(Span::styled(
                    pad(&format!(" {}", fit(first, cw.saturating_sub(2))), cw),
                    first_style,
                ));
            } else {
                // One row: the count after a dot, so "23" and "2" never read as "232".
                let count = match n {
                    0 => String::new(),
                    1..=9 => format!("·{n}"),
                    _ => "·…".to_string(),
                };
                top.push(Span::styled(format!(" {:>2}", day.day()), style));
                top.push(Span::styled(pad(&count, cw.saturating_sub(3)), count_style));
            }
        }
        lines.push(Line::from(top));
        if row_h >= 2 {
            lines.push(Line::from(bottom));
        }
        if row_h >= 3 {
            lines.push(Line::from(third));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
    notes(c, f, notes_area, v);
    if with_list {
        day_list(c, f, right, v, true);
    }
}

/// The month's plan and the week's goal, as many lines of each as fit.
fn notes(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>) {
    if area.height < 3 {
        return;
    }
    let i = v.i18n;
    let b = block(i.t("calendar.note.title").to_string(), false, v);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let width = usize::from(inner.width);
    let h = usize::from(inner.height);
    let month_rows = h.div_ceil(2).max(1);
    let week_rows = h.saturating_sub(month_rows);
    let mut lines = Vec::new();
    for (label, body, key, rows) in [
        (
            i.t("calendar.note.month"),
            &c.month_note,
            Action::PlanNote,
            month_rows,
        ),
        (
            i.t("calendar.note.week"),
            &c.week_note,
            Action::WeekGoal,
            week_rows,
        ),
    ] {
        let text = if body.trim().is_empty() {
            i.f("calendar.note.empty", &[("key", &v.keys.primary(key))])
        } else {
            body.replace('\n', " ")
        };
        let wrapped = wrap(&format!("{label}: {text}"), width);
        let n = wrapped.len();
        for (k, l) in wrapped.into_iter().take(rows).enumerate() {
            let l = if k + 1 == rows && n > rows {
                fit(&format!("{l}…"), width)
            } else {
                l
            };
            let style = if body.trim().is_empty() {
                v.theme.dim
            } else {
                v.theme.base
            };
            if k == 0 {
                let (head, rest) = l.split_at(l.find(':').map_or(0, |p| p + 1));
                lines.push(Line::from(vec![
                    Span::styled(head.to_string(), v.theme.title),
                    Span::styled(rest.to_string(), style),
                ]));
            } else {
                lines.push(Line::from(Span::styled(l, style)));
            }
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// Marks before a title: ✓ done, ✗ cancelled, ↻ recurring, ! high priority.
fn marks(o: &Occurrence) -> String {
    let mut m = String::new();
    m.push(match o.task.status {
        TaskStatus::Done => '✓',
        TaskStatus::Cancelled => '✗',
        TaskStatus::Open if o.task.recurrence != Recurrence::None => '↻',
        TaskStatus::Open => ' ',
    });
    m.push(if o.task.priority == Priority::High {
        '!'
    } else {
        ' '
    });
    m
}

fn row_style(o: &Occurrence, today: NaiveDate, v: &View<'_>) -> Style {
    match o.task.status {
        TaskStatus::Open if o.overdue(today) => v.theme.warning,
        TaskStatus::Open => v.theme.base,
        _ => v.theme.dim,
    }
}

/// One task as a line of `width` columns: time, marks, title, client.
fn task_line(o: &Occurrence, width: usize, style: Style) -> Line<'static> {
    let time = o.task.due_time.clone().unwrap_or_else(|| "     ".into());
    let mut text = format!("{time} {} {}", marks(o), o.task.title);
    if let Some(name) = &o.task.client_name {
        text.push_str(&format!(" · {name}"));
    }
    Line::from(Span::styled(pad(&text, width), style))
}

/// The selected day's tasks; with `details`, the selected task's details under them
/// when there is room.
fn day_list(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>, details: bool) {
    let i = v.i18n;
    let items = c.day_items(c.selected);
    let mut title = day_title(i, c.selected);
    if !items.is_empty() {
        title.push_str(&format!(" · {}", items.len()));
    }
    let focused = c.focus == Focus::List || c.mode == Mode::Day;
    let b = block(title, focused, v);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let width = usize::from(inner.width);
    if items.is_empty() {
        let mut lines = vec![Line::from(Span::styled(
            i.t("calendar.no_tasks"),
            v.theme.dim,
        ))];
        if c.owner == 0 {
            lines.push(Line::from(Span::styled(
                i.f(
                    "calendar.new_hint",
                    &[("key", &v.keys.primary(Action::New))],
                ),
                v.theme.dim,
            )));
        }
        f.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let height = usize::from(inner.height);
    let room = if details && height > items.len() + 4 {
        items.len()
    } else {
        height
    };
    let offset = c.row.saturating_sub(room.saturating_sub(1));
    let mut lines = Vec::new();
    for (k, o) in items.iter().enumerate().skip(offset).take(room) {
        let selected = k == c.row;
        let style = if selected && focused {
            v.theme.selected
        } else {
            row_style(o, c.today, v)
        };
        let prefix = if selected { "›" } else { " " };
        let mut line = task_line(o, width.saturating_sub(1), style);
        line.spans.insert(0, Span::styled(prefix, style));
        lines.push(line);
    }
    if details && height > items.len() + 4 {
        if let Some(o) = items.get(c.row) {
            lines.push(Line::from(Span::styled("─".repeat(width), v.theme.border)));
            lines.extend(detail_lines(o, c.today, width, height - lines.len(), v));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The details of one occurrence, at most `max` lines.
fn detail_lines(
    o: &Occurrence,
    today: NaiveDate,
    width: usize,
    max: usize,
    v: &View<'_>,
) -> Vec<Line<'static>> {
    let i = v.i18n;
    let t = &o.task;
    let mut facts = vec![
        i.t(priority_key(t.priority)).to_string(),
        i.t(status_key(t.status)).to_string(),
        i.t(recurrence_key(t.recurrence)).to_string(),
        i.t(source_key(t.source.code())).to_string(),
    ];
    if let Some(manager) = &t.assigned_by {
        facts.push(i.f("calendar.given_by", &[("from", manager)]));
    }
    if let (Some(no), Some(name)) = (&t.client_no, &t.client_name) {
        facts.insert(0, format!("{no} {name}"));
    }
    if o.overdue(today) {
        facts.insert(0, i.t("calendar.overdue").to_string());
    }
    if o.projected {
        facts.push(i.f("calendar.pending_on", &[("date", &t.due_date.to_string())]));
    }
    let mut out: Vec<Line<'static>> = wrap(&facts.join(" · "), width)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, v.theme.dim)))
        .collect();
    if let Some(notes) = &t.notes {
        for para in notes.lines() {
            out.extend(wrap(para, width).into_iter().map(Line::from));
        }
    }
    out.truncate(max);
    out
}

fn week(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>) {
    let notes_h = if area.height >= 19 { 6 } else { 4 };
    let [agenda, notes_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(notes_h)]).areas(area);
    let i = v.i18n;
    let start = week_start(c.selected);
    let end = plus(start, 6);
    let title = format!(
        "{}{}",
        i.f(
            "calendar.week_title",
            &[
                ("start", &start.to_string()),
                ("end", &end.format("%m-%d").to_string())
            ]
        ),
        owner_part(c, i)
    );
    let b = block(title, true, v);
    let inner = b.inner(agenda);
    f.render_widget(b, agenda);
    let width = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_at = (0, 0);
    for d in 0..7 {
        let day = plus(start, d);
        let items = c.day_items(day);
        let mut head_style = if day == c.today {
            v.theme.header.add_modifier(Modifier::UNDERLINED)
        } else {
            v.theme.title
        };
        if day == c.selected {
            head_style = v.theme.selected;
            selected_at = (lines.len(), items.len());
        }
        let mut head = format!(
            "{} {}",
            weekday(i, day, "calendar.days"),
            day.format("%m-%d")
        );
        if items.is_empty() {
            head.push_str(&format!("  {}", i.t("calendar.none_short")));
        }
        lines.push(Line::from(Span::styled(pad(&head, width), head_style)));
        for (k, o) in items.iter().enumerate() {
            let selected = day == c.selected && k == c.row;
            let style = if selected && c.focus == Focus::List {
                v.theme.selected
            } else {
                row_style(o, c.today, v)
            };
            let prefix = if selected { " › " } else { "   " };
            let mut line = task_line(o, width.saturating_sub(3), style);
            line.spans.insert(0, Span::styled(prefix, style));
            lines.push(line);
        }
    }
    // Scroll just enough to show the selected day with its tasks.
    let height = usize::from(inner.height);
    let (at, n) = selected_at;
    let offset = if at + n + 1 > height {
        (at + n + 1 - height).min(at)
    } else {
        0
    };
    let lines: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(lines), inner);
    notes(c, f, notes_area, v);
}

fn day(c: &Calendar, f: &mut Frame, area: Rect, v: &View<'_>) {
    let i = v.i18n;
    let items = c.day_items(c.selected);
    let title = format!("{}{}", day_title(i, c.selected), owner_part(c, i));
    let b = block(title, true, v);
    let inner = b.inner(area);
    f.render_widget(b, area);
    let width = usize::from(inner.width);
    if items.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(i.t("calendar.no_tasks"), v.theme.dim)),
            inner,
        );
        return;
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_at = 0;
    for (k, o) in items.iter().enumerate() {
        let selected = k == c.row;
        if selected {
            selected_at = lines.len();
        }
        let style = if selected {
            v.theme.selected
        } else {
            row_style(o, c.today, v)
        };
        let mut line = task_line(o, width.saturating_sub(1), style);
        line.spans
            .insert(0, Span::styled(if selected { "›" } else { " " }, style));
        lines.push(line);
        for l in detail_lines(o, c.today, width.saturating_sub(9), 3, v) {
            let mut l = l;
            l.spans.insert(0, Span::raw("         "));
            lines.push(l);
        }
    }
    let height = usize::from(inner.height);
    let offset = selected_at.saturating_sub(height.saturating_sub(4));
    let lines: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    f.render_widget(Paragraph::new(lines), inner);
}
