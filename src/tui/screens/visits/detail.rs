//! Read-only popups: one visit (its summary wrapped, products discussed, follow-up task
//! and return call) and one feedback item (its deadline in the warning style while a
//! complaint is near or past it).
use crate::store::Zone;
use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::visit::complaint_needs_attention;
use crate::store::feedback::FeedbackItem;
use crate::store::visits::VisitDetail;
use crate::tui::i18n::I18n;
use crate::tui::screens::clients::local_time;
use crate::tui::screens::codes::{
    channel_key, code_text, feedback_channel_key, feedback_kind_key, feedback_status_key,
    return_outcome_key, severity_key,
};
use crate::tui::screens::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, popup, wrap};

/// A labelled value, wrapped to `width` columns; a label of its own line when the value
/// has several lines.
fn field(
    out: &mut Vec<Line<'static>>,
    label: &str,
    value: &str,
    width: usize,
    style: Style,
    t: &Theme,
) {
    let label = format!("{label}: ");
    let text_w = width.saturating_sub(crate::tui::widgets::field::cols(&label).into());
    let mut first = true;
    for part in value.split('\n') {
        for chunk in wrap(part, text_w.max(8)) {
            let lead = if first {
                label.clone()
            } else {
                " ".repeat(label.chars().count())
            };
            out.push(Line::from(vec![
                Span::styled(lead, t.dim),
                Span::styled(chunk, style),
            ]));
            first = false;
        }
    }
    if first {
        out.push(Line::from(vec![Span::styled(label, t.dim), Span::raw("—")]));
    }
}

/// The lines of visit `d`, `width` columns wide.
pub fn visit_lines(
    i: &I18n,
    d: &VisitDetail,
    width: usize,
    t: &Theme,
    zone: Zone,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let plain = Style::default();
    let r = &d.row;
    field(
        &mut out,
        i.t("visit.field.client"),
        &format!("{} {}", r.client_no, r.client_name),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("visit.field.visited_at"),
        &local_time(zone, &r.visited_at, "%Y-%m-%d %H:%M"),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("visit.field.channel"),
        &code_text(i, channel_key(&r.channel), &r.channel),
        width,
        plain,
        t,
    );
    field(&mut out, i.t("col.rm"), &r.rm, width, plain, t);
    field(
        &mut out,
        i.t("visit.field.purpose"),
        &r.purpose,
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("visit.field.summary"),
        &d.summary,
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("visit.field.outcome"),
        d.outcome.as_deref().unwrap_or(""),
        width,
        plain,
        t,
    );
    if !d.products.is_empty() {
        let list: Vec<String> = d.products.iter().map(|(c, n)| format!("{c} {n}")).collect();
        field(
            &mut out,
            i.t("visit.field.products"),
            &list.join(", "),
            width,
            plain,
            t,
        );
    }
    let next = match (&d.next_step, &d.task) {
        (Some(step), Some((_, due, status))) => {
            let status = if status == "open" {
                i.t("visit.task.open")
            } else {
                i.t("visit.task.done")
            };
            i.f(
                "visit.next_with_task",
                &[("step", step), ("date", due), ("status", status)],
            )
        }
        (Some(step), None) => step.clone(),
        _ => String::new(),
    };
    field(
        &mut out,
        i.t("visit.field.next_step"),
        &next,
        width,
        plain,
        t,
    );
    let checked = match &d.return_call {
        Some((at, by, note)) => {
            let outcome = r.return_outcome.as_deref().unwrap_or("");
            let mut s = i.f(
                "visit.return.done",
                &[
                    ("date", &local_time(zone, at, "%Y-%m-%d")),
                    ("by", by),
                    (
                        "outcome",
                        &code_text(i, return_outcome_key(outcome), outcome),
                    ),
                ],
            );
            if !note.is_empty() {
                s.push_str(&format!(" — {note}"));
            }
            s
        }
        None => i.t("visit.return.none").to_string(),
    };
    let style = if d.return_call.is_some() { t.ok } else { t.dim };
    field(
        &mut out,
        i.t("visit.field.return"),
        &checked,
        width,
        style,
        t,
    );
    out
}

/// The lines of feedback `item` on `today`, `width` columns wide.
pub fn feedback_lines(
    i: &I18n,
    item: &FeedbackItem,
    today: NaiveDate,
    width: usize,
    t: &Theme,
    zone: Zone,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let plain = Style::default();
    let warn = complaint_needs_attention(&item.kind, &item.status, &item.deadline, today);
    field(
        &mut out,
        i.t("visit.field.client"),
        &format!("{} {}", item.client_no, item.client_name),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.kind"),
        &code_text(i, feedback_kind_key(&item.kind), &item.kind),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.received_on"),
        &item.received_on,
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.channel"),
        &code_text(i, feedback_channel_key(&item.channel), &item.channel),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.severity"),
        &code_text(i, severity_key(&item.severity), &item.severity),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.description"),
        &item.description,
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.status"),
        &code_text(i, feedback_status_key(&item.status), &item.status),
        width,
        plain,
        t,
    );
    let deadline = if warn {
        format!("{} ⚠ {}", item.deadline, i.t("feedback.near"))
    } else {
        item.deadline.clone()
    };
    field(
        &mut out,
        i.t("feedback.field.deadline"),
        &deadline,
        width,
        if warn { t.warning } else { plain },
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.handler"),
        item.handler.as_ref().map_or("", |h| h.1.as_str()),
        width,
        plain,
        t,
    );
    field(
        &mut out,
        i.t("feedback.field.resolution"),
        item.resolution.as_deref().unwrap_or(""),
        width,
        plain,
        t,
    );
    if let Some(at) = &item.resolved_at {
        field(
            &mut out,
            i.t("feedback.field.resolved_at"),
            &local_time(zone, at, "%Y-%m-%d %H:%M"),
            width,
            plain,
            t,
        );
    }
    let stars = item
        .satisfaction
        .map(|n| "★".repeat(usize::from(n)))
        .unwrap_or_default();
    field(
        &mut out,
        i.t("feedback.field.satisfaction"),
        &stars,
        width,
        plain,
        t,
    );
    field(&mut out, i.t("col.rm"), &item.rm, width, plain, t);
    out
}

/// Draws `lines` in a popup titled `title` over `area`, from line `scroll` on.
pub fn draw_lines(
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: u16,
    v: &View<'_>,
) {
    let h = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = centered(area, area.width.min(POPUP_WIDTH), h.min(area.height));
    let inner = popup(f, rect, title, v.theme);
    let body = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
}

/// The widest a detail popup grows.
pub const POPUP_WIDTH: u16 = 76;

/// The text width inside a detail popup over `area`.
pub fn text_width(area: Rect) -> usize {
    usize::from(area.width.min(POPUP_WIDTH).saturating_sub(4))
}
