//! Reusable pieces drawn by several screens: form fields, the command bar, the help
//! overlay, popups.
pub mod client_picker;
pub mod discard;
pub mod field;
pub mod form;
pub mod list_table;
pub mod popup_form;
pub mod textarea;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::i18n::I18n;
use super::keymap::{Action, Keymap};
use super::theme::Theme;
use field::cols;

/// `s` cut to at most `width` terminal columns, ending in `…` when something was cut.
/// Cut by display width (a Chinese character takes two columns), never by bytes.
pub fn fit(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `s` in lines of at most `width` terminal columns, broken after a space where there is
/// one in the line, else between characters (Chinese text has no spaces).
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            // Carry the unfinished word to the next line when the line has a space.
            let carry = match line.rfind(' ') {
                Some(at) if at > 0 && !c.is_whitespace() => line.split_off(at + 1),
                _ => String::new(),
            };
            lines.push(line.trim_end().to_string());
            used = unicode_width::UnicodeWidthStr::width(carry.as_str());
            line = carry;
            if c.is_whitespace() {
                continue;
            }
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `s` padded with spaces to `width` terminal columns (cut first when longer).
pub fn pad(s: &str, width: usize) -> String {
    let s = fit(s, width);
    let w = unicode_width::UnicodeWidthStr::width(s.as_str());
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

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
    // A wide character (Chinese) just left of the popup would hide the popup's left
    // border cell, as terminals and ratatui skip the cell after a double-width one.
    if let Some(x) = area.x.checked_sub(1) {
        let buf = f.buffer_mut();
        for y in area.top()..area.bottom() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                if unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1 {
                    cell.set_symbol(" ");
                }
            }
        }
    }
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
/// When some do not fit, the bar ends in `…` (help, always first, lists them all).
pub fn command_bar(
    f: &mut Frame,
    area: Rect,
    actions: &[Action],
    keys: &Keymap,
    i18n: &I18n,
    theme: &Theme,
) {
    let items: Vec<(String, String)> = actions
        .iter()
        .map(|a| (keys.primary(*a), i18n.t(&a.label_key()).to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let mut spans = Vec::new();
    let mut used: u16 = 0;
    for (n, (key, label)) in items.iter().enumerate() {
        let need = cols(key) + cols(label) + 3;
        // Keep a column for the marker unless this is the last item.
        let reserve = u16::from(n + 1 < items.len());
        if used + need + reserve > area.width {
            spans.push(Span::styled("…", theme.key));
            break;
        }
        spans.push(Span::styled(key.clone(), theme.key));
        spans.push(Span::raw(format!(" {label}  ")));
        used += need;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The help overlay: every action that works here, with all its keys and what it does
/// (the catalogue key `text_key` gives: the screen's own or `help.<action>`).
/// `scroll` is the first line shown.
#[allow(clippy::too_many_arguments)]
pub fn help(
    f: &mut Frame,
    area: Rect,
    actions: &[Action],
    scroll: u16,
    text_key: &dyn Fn(Action) -> String,
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
            Span::raw(i18n.t(&text_key(a)).to_string()),
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
    // The question as wrapped, a blank line and the keys, inside the border.
    let mut lines: Vec<Line> = wrap(question, usize::from(width.saturating_sub(2)))
        .into_iter()
        .map(Line::from)
        .collect();
    let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let rect = centered(area, width, rows.saturating_add(4));
    let inner = popup(f, rect, title, theme);
    let hint = format!(
        "{} {}   {} {}",
        keys.primary(Action::Yes),
        i18n.t("action.yes"),
        keys.primary(Action::No),
        i18n.t("action.no")
    );
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(hint, theme.dim)));
    f.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_display_width() {
        assert_eq!(fit("张三", 4), "张三");
        assert_eq!(fit("欧阳娜娜", 5), "欧阳…", "2 + 2 + 1 columns");
        assert_eq!(
            fit("欧阳娜娜", 6),
            "欧阳…",
            "a third wide character and … would need 7"
        );
        assert_eq!(fit("Alexander", 5), "Alex…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(pad("张", 4), "张  ");
    }

    #[test]
    fn wrap_breaks_by_display_width() {
        assert_eq!(wrap("北京市东城区", 6), vec!["北京市", "东城区"]);
        assert_eq!(wrap("one two three", 8), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
        for line in wrap("北京市东城区东直门南大街 1 号 Building 7", 9) {
            assert!(
                unicode_width::UnicodeWidthStr::width(line.as_str()) <= 9,
                "{line}"
            );
        }
    }
}
