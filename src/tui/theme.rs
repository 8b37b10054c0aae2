//! Colours and emphasis. Two themes (default, high contrast); with `NO_COLOR` set, both
//! fall back to bold, reverse and underline only.
use ratatui::style::{Color, Modifier, Style};

/// The styles every screen draws with.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// Ordinary text.
    pub base: Style,
    /// Screen and panel titles.
    pub title: Style,
    /// Panel borders.
    pub border: Style,
    /// The border of the focused panel or popup.
    pub border_focus: Style,
    /// The focused form field's value.
    pub focus: Style,
    /// A form field's value when it does not have focus.
    pub input: Style,
    /// The selected row of a list.
    pub selected: Style,
    /// Column headers.
    pub header: Style,
    /// Key names in the command bar.
    pub key: Style,
    /// Secondary text (hints, labels).
    pub dim: Style,
    /// Errors and refusals.
    pub error: Style,
    /// Overdue and near-deadline items.
    pub warning: Style,
    /// Confirmations.
    pub ok: Style,
    /// The top bar.
    pub bar: Style,
}

impl Theme {
    /// The theme called `name` (`default` or `high-contrast`); colourless when `no_color`.
    pub fn new(name: &str, no_color: bool) -> Theme {
        if no_color {
            return Theme::monochrome();
        }
        match name {
            "high-contrast" => Theme::high_contrast(),
            _ => Theme::default_theme(),
        }
    }

    /// Whether the environment asks for no colour (`NO_COLOR` set and not empty).
    pub fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    fn default_theme() -> Theme {
        Theme {
            base: Style::default(),
            title: Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            border: Style::default().fg(Color::DarkGray),
            border_focus: Style::default().fg(Color::Cyan),
            focus: Style::default().fg(Color::White).bg(Color::Blue),
            input: Style::default().bg(Color::Indexed(236)),
            selected: Style::default().fg(Color::Black).bg(Color::Cyan),
            header: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            key: Style::default().fg(Color::Black).bg(Color::Gray),
            dim: Style::default().fg(Color::Gray),
            error: Style::default()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            warning: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            ok: Style::default().fg(Color::LightGreen),
            bar: Style::default().fg(Color::White).bg(Color::Blue),
        }
    }

    fn high_contrast() -> Theme {
        Theme {
            base: Style::default().fg(Color::White).bg(Color::Black),
            title: Style::default()
                .fg(Color::White)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            border: Style::default().fg(Color::White),
            border_focus: Style::default()
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            focus: Style::default().fg(Color::Black).bg(Color::Yellow),
            input: Style::default()
                .fg(Color::White)
                .add_modifier(Modifier::UNDERLINED),
            selected: Style::default()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            header: Style::default()
                .fg(Color::White)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            key: Style::default()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            dim: Style::default().fg(Color::White),
            error: Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            warning: Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            ok: Style::default().fg(Color::Black).bg(Color::Green),
            bar: Style::default()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
        }
    }

    fn monochrome() -> Theme {
        let plain = Style::default();
        Theme {
            base: plain,
            title: plain.add_modifier(Modifier::BOLD),
            border: plain,
            border_focus: plain.add_modifier(Modifier::BOLD),
            focus: plain.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            input: plain.add_modifier(Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            header: plain.add_modifier(Modifier::BOLD),
            key: plain.add_modifier(Modifier::REVERSED),
            dim: plain,
            error: plain.add_modifier(Modifier::BOLD),
            warning: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            ok: plain.add_modifier(Modifier::BOLD),
            bar: plain.add_modifier(Modifier::REVERSED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_has_no_colours() {
        let t = Theme::new("high-contrast", true);
        for s in [
            t.base, t.title, t.focus, t.selected, t.error, t.warning, t.key, t.bar,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert_ne!(
            Theme::new("high-contrast", false).focus.bg,
            Theme::new("default", false).focus.bg
        );
    }
}
