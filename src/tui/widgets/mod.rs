//! Reusable pieces drawn by several screens: form fields, the command bar, the help
//! overlay, popups.
pub mod field;
pub mod form;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::i18n::I18n;
use super::keymap::{Action, Keymap};
use super::theme::Theme;
use field::cols;

/// A rectangle of `width` × `height` centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears `area` and draws a bordered popup titled `title`; returns the inside.
pub fn popup(f: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Span::styled(format!(" {title} "), theme.title))
        .style(theme.base);
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

/// The command bar: each action's first key and its label, as many as fit in `area`.
pub fn command_bar(
    f: &mut Frame,
    area: Rect,
    actions: &[Action],
    keys: &Keymap,
    i18n: &I18n,
    theme: &Theme,
) {
    let mut spans = Vec::new();
    let mut used: u16 = 0;
    for &a in actions {
        let key = keys.primary(a);
        if key.is_empty() {
            continue;
        }
        let label = i18n.t(&a.label_key()).to_string();
        let need = cols(&key) + cols(&label) + 3;
        if used + need > area.width {
            break;
        }
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::raw(format!(" {label}  ")));
        used += need;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The help overlay: every action that works here, with all its keys and what it does.
/// `scroll` is the first line shown.
pub fn help(
    f: &mut Frame,
    area: Rect,
    actions: &[Action],
    scroll: u16,
    keys: &Keymap,
    i18n: &I18n,
    theme: &Theme,
) {
    let width = area.width.saturating_sub(4).clamp(20, 76);
    let rect = centered(area, width, area.height.saturating_sub(2).max(5));
    let inner = popup(f, rect, i18n.t("help.title"), theme);
    let key_w = actions
        .iter()
        .map(|a| cols(&keys.describe(*a)))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines = Vec::new();
    for &a in actions {
        let k = keys.describe(a);
        let pad = " ".repeat(usize::from(key_w.saturating_sub(cols(&k))));
        lines.push(Line::from(vec![
            Span::styled(k, theme.header),
            Span::raw(pad),
            Span::styled(format!("{} — ", i18n.t(&a.label_key())), theme.title),
            Span::raw(i18n.t(&format!("help.{}", a.name())).to_string()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(i18n.t("help.footer"), theme.dim)));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// A yes/no question in a popup.
pub fn confirm(
    f: &mut Frame,
    area: Rect,
    title: &str,
    question: &str,
    keys: &Keymap,
    i18n: &I18n,
    theme: &Theme,
) {
    let width = (cols(question) + 4).clamp(30, area.width.max(30));
    let rect = centered(area, width, 5);
    let inner = popup(f, rect, title, theme);
    let hint = format!(
        "{} {}   {} {}",
        keys.primary(Action::Yes),
        i18n.t("action.yes"),
        keys.primary(Action::No),
        i18n.t("action.no")
    );
    let lines = vec![
        Line::from(question.to_string()),
        Line::from(""),
        Line::from(Span::styled(hint, theme.dim)),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
