//! Drawing the application: the title line, the screen (or gate), the status line and
//! the command bar, with the help overlay and the quit question over them. The command
//! bar and the help list [`App::commands`]: the screen's (its top popup's) and the
//! globals the key path handles.
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{App, Phase};
use crate::tui::keymap::Action;
use crate::tui::screens::home::role_key;
use crate::tui::screens::View;
use crate::tui::widgets::{command_bar, confirm, fit, help};

/// Smallest area the application draws into; below it a short notice is shown.
const MIN_WIDTH: u16 = 20;
const MIN_HEIGHT: u16 = 6;

impl App {
    /// Everything that works now: the overlay's, else the screen's and the globals.
    pub fn commands(&self) -> Vec<Action> {
        if self.help.is_some() {
            return vec![Action::Back, Action::Up, Action::Down];
        }
        if self.quit_asked.is_some() {
            return vec![Action::Yes, Action::No, Action::Back];
        }
        let mut own = match &self.phase {
            Phase::Recovery(r, _) => r.commands(),
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.commands(),
            Phase::Main(s) => match &s.lock {
                Some(g) => g.commands(),
                None => s.screen().map(|x| x.commands()).unwrap_or_default(),
            },
        };
        for a in self.globals() {
            if !own.contains(&a) {
                own.push(a);
            }
        }
        own
    }

    /// The command bar's share of [`App::commands`]: help first, so the way to every key
    /// always shows, and the obvious movement keys left to the help.
    fn bar_actions(&self) -> Vec<Action> {
        let movement = [
            Action::Left,
            Action::Right,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::First,
            Action::Last,
            Action::PrevField,
            Action::EnterNext,
        ];
        let all = self.commands();
        let mut bar: Vec<Action> = all.iter().copied().filter(|a| *a == Action::Help).collect();
        bar.extend(
            all.into_iter()
                .filter(|a| *a != Action::Help && !movement.contains(a)),
        );
        bar
    }

    /// Draws the whole screen from state.
    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            f.render_widget(Paragraph::new(self.i18n.t("app.too_small")), area);
            return;
        }
        let v = View {
            i18n: &self.i18n,
            theme: &self.theme,
            keys: &self.keys,
            zone: self.store.zone(),
        };
        let [top, body, status, bar] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_top(f, top);
        match &self.phase {
            Phase::Recovery(r, _) => r.draw(f, body, &v),
            Phase::Gate(g) | Phase::ChangePassword(g, _) => g.draw(f, body, &v),
            Phase::Main(s) => match &s.lock {
                // The lock screen shows nothing of what is behind it.
                Some(g) => g.draw(f, body, &v),
                None => {
                    if let Some(screen) = s.screen() {
                        screen.draw(f, body, &v);
                    }
                }
            },
        }
        if let Some(st) = &self.status {
            let style = if st.error {
                self.theme.error
            } else {
                self.theme.ok
            };
            f.render_widget(
                Paragraph::new(Span::styled(st.text.as_str(), style)),
                status,
            );
        }
        command_bar(
            f,
            bar,
            &self.bar_actions(),
            &self.keys,
            &self.i18n,
            &self.theme,
        );
        if let Some(scroll) = self.help {
            let mut all = match &self.phase {
                Phase::Recovery(r, _) => r.commands(),
                Phase::Gate(g) | Phase::ChangePassword(g, _) => g.commands(),
                Phase::Main(s) => match &s.lock {
                    Some(g) => g.commands(),
                    None => s.screen().map(|x| x.commands()).unwrap_or_default(),
                },
            };
            for a in self.globals() {
                if !all.contains(&a) {
                    all.push(a);
                }
            }
            let screen = match &self.phase {
                Phase::Main(s) if s.lock.is_none() => s.screen(),
                _ => None,
            };
            let text_key = |a: Action| -> String {
                screen
                    .and_then(|x| x.help_key(a))
                    .map_or_else(|| format!("help.{}", a.name()), str::to_string)
            };
            help(
                f,
                body,
                &all,
                scroll,
                &text_key,
                &self.keys,
                &self.i18n,
                &self.theme,
            );
        }
        if let Some(question) = self.quit_asked {
            let i = &self.i18n;
            confirm(
                f,
                body,
                i.t("confirm.title"),
                i.t(question),
                &self.keys,
                i,
                &self.theme,
            );
        }
    }

    fn draw_top(&self, f: &mut Frame, area: Rect) {
        let title = match &self.phase {
            Phase::Main(s) if s.lock.is_none() => format!(
                " rmdesk · {}",
                self.i18n
                    .t(s.screen().map_or("screen.home", |x| x.title_key()))
            ),
            _ => " rmdesk".to_string(),
        };
        let title = if self.store.is_damaged() {
            format!("{title} · {}", self.i18n.t("app.read_only_damaged"))
        } else {
            title
        };
        let right = match &self.phase {
            Phase::Main(s) if s.lock.is_none() => {
                format!(
                    "{} ({}) ",
                    s.actor.display_name,
                    self.i18n.t(role_key(s.actor.role))
                )
            }
            _ => String::new(),
        };
        // The title keeps its place; the user's name is cut, then left out, so the two
        // never run into each other.
        let width = usize::from(area.width);
        let title = fit(&title, width);
        let title_w = unicode_width::UnicodeWidthStr::width(title.as_str());
        let room = width.saturating_sub(title_w + 1);
        let right = if unicode_width::UnicodeWidthStr::width(right.as_str()) <= room {
            right
        } else if room >= 8 {
            format!("{} ", fit(right.trim_end(), room - 1))
        } else {
            String::new()
        };
        let used = title_w + unicode_width::UnicodeWidthStr::width(right.as_str());
        let pad = " ".repeat(width.saturating_sub(used));
        let line = Line::from(vec![Span::raw(title), Span::raw(pad), Span::raw(right)]);
        f.render_widget(Paragraph::new(line).style(self.theme.bar), area);
    }
}
